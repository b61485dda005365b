"""The working calendar over HTTP: GET /api/v1/calendar, PUT /api/v1/calendar/{date}.

A day changed by a root admin is stored, shown, kept across a restart, and the deadlines of
the next dispatch already count it (the server swaps in the changed calendar).
"""
import calendar as pycal
import unittest

from casekit import CaseTest

# Monday 2026-12-07 10:00 in Shanghai (UTC+8)
MONDAY_10 = pycal.timegm((2026, 12, 7, 2, 0, 0))


class CalendarTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(MONDAY_10)}
    INIT_ARGS = ("--timezone", "Asia/Shanghai")

    @classmethod
    def build_city(cls):
        super().build_city()
        cls._post("/api/v1/categories", {"code": "05", "name": "园林绿化",
                                         "respond_limit": "1 workdays",
                                         "resolve_limit": "3 workdays"})

    def days(self, year=2026, who="op"):
        body = self.ok(self.get("/api/v1/calendar?year=%d" % year, token=self.as_(who)))
        self.assertEqual(body["timezone"], "Asia/Shanghai")
        self.assertEqual(body["year"], year)
        return {d["date"]: d["kind"] for d in body["days"]}

    def put_day(self, date, kind, who="admin"):
        return self.req("PUT", "/api/v1/calendar/" + date, {"kind": kind}, token=self.as_(who))

    def respond_by(self):
        n = self.dispatched(category="05")  # respond in 1 workday: Tuesday 10:00
        return self.case(n)["respond_by"]

    def test_a_holiday_moves_the_next_deadline(self):
        self.assertTrue(self.respond_by().startswith("2026-12-08T02:00"))
        self.ok(self.put_day("2026-12-08", "holiday"))
        self.assertEqual(self.days().get("2026-12-08"), "holiday")
        self.assertTrue(self.respond_by().startswith("2026-12-09T02:00"))
        self.ok(self.put_day("2026-12-08", "default"))
        self.assertNotIn("2026-12-08", self.days())
        self.assertTrue(self.respond_by().startswith("2026-12-08T02:00"))

    def test_a_day_survives_a_restart(self):
        self.ok(self.put_day("2026-12-12", "workday"))  # a Saturday made a workday (调休)
        self.server.stop()
        self.server.start()
        self.relogin()
        self.assertEqual(self.days().get("2026-12-12"), "workday")
        self.assertEqual(self.days(2027).get("2026-12-12"), None)

    def test_who_and_what(self):
        self.err(self.put_day("2026-12-09", "holiday", who="sup"), 403)
        self.err(self.req("PUT", "/api/v1/calendar/2026-12-09", {"kind": "holiday"}), 401)
        self.err(self.req("GET", "/api/v1/calendar"), 401)
        self.err(self.put_day("2026-02-30", "holiday"), 400, "date")
        self.err(self.put_day("20261209", "holiday"), 400, "date")
        self.err(self.put_day("2026-12-09", "weekend"), 422, "kind")
        self.err(self.req("PUT", "/api/v1/calendar/2026-12-09", {"kind": "holiday", "x": 1},
                          token=self.admin), 422, "x")
        self.err(self.get("/api/v1/calendar?year=12"), 400, "year")
        self.assertNotIn("2026-12-09", self.days())


if __name__ == "__main__":
    unittest.main()
