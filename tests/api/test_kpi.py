"""/api/v1/kpi, /api/v1/kpi/units/{id}, /api/v1/kpi/roles, /api/v1/kpi/config, /api/v1/kpi/flags
and /api/v1/effectiveness: DESIGN §6 figures computed by hand on a small month, null (never 0)
without a denominator, ranking ties, flags, periods in the city's zone, and every bad
parameter answered 400/422 naming it."""
import datetime
import unittest

from casekit import CaseTest

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d, hh=10, mm=0):
    return int(datetime.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).timestamp())


T0 = at(2026, 11, 2)  # a Monday, 10:00 in Shanghai


class KpiMonthTest(CaseTest):
    """November 2026 on a fixed clock: everything happens at T0.
    d1 leads A (satisfied, contacted, solved; d2 co-unit), B (failed verification once, then
    basic, not contacted, solved) and C (dispatched, never accepted); d2 leads D, returned."""
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls("run")
        cls.a = t.new_case()
        t.act(cls.a, "dispatch", "disp", unit="d1", co_units=["d2"])
        t.act(cls.a, "accept", "h1")
        t.act(cls.a, "reply", "h1", text="已清理")
        t.act(cls.a, "revisit", "op", contacted=True, solved=True, satisfaction="satisfied")
        t.act(cls.a, "close", "op")
        cls.b = t.resolved()
        t.act(cls.b, "verify", "sup", **{"pass": False})
        t.act(cls.b, "reply", "h1", text="再次清理")
        t.act(cls.b, "revisit", "op", contacted=False, solved=True, satisfaction="basic")
        t.act(cls.b, "close", "op")
        cls.c = t.dispatched()
        cls.d = t.dispatched(unit="d2")
        t.act(cls.d, "return", "h2", reason="不归我们管")

    def ranking(self, token=None, **q):
        q.setdefault("period", "2026-11")
        q.setdefault("level", "department")
        path = "/api/v1/kpi?" + "&".join("%s=%s" % kv for kv in q.items())
        return self.ok(self.get(path, token or self.tok["sup"]))

    def item(self, doc, code):
        return [i for i in doc["items"] if i["unit"]["code"] == code][0]

    def test_indicators_by_hand(self):
        doc = self.ranking()
        self.assertEqual(doc["period"]["first_day"], "2026-11-01")
        self.assertEqual(doc["period"]["last_day"], "2026-11-30")
        self.assertEqual(doc["period"]["start"], "2026-10-31T16:00:00Z")
        self.assertEqual(doc["basis"], "lead")
        d1 = self.item(doc, "d1")
        ind = d1["indicators"]
        self.assertEqual(d1["counts"]["dispatched"], 3)
        self.assertEqual(d1["counts"]["rated"], 2)
        self.assertAlmostEqual(ind["response_rate"], 0.5)         # contacted 1 of 2 rated
        self.assertAlmostEqual(ind["resolution_rate"], 1.0)       # solved 2 of 2
        self.assertAlmostEqual(ind["satisfaction_rate"], 0.95)    # (1 + 0.9) / 2
        self.assertAlmostEqual(ind["closure_rate"], 2 / 3)        # A, B closed of A, B, C due
        self.assertAlmostEqual(ind["ontime_closure_rate"], 2 / 3)
        self.assertAlmostEqual(ind["rework_rate"], 0.5)           # B of A, B
        self.assertAlmostEqual(ind["joint_share"], 1 / 3)
        self.assertAlmostEqual(ind["return_rate"], 0.0)
        self.assertIsNone(ind["whistle_report_rate"])
        self.assertEqual(ind["mean_handling_s"], 0.0)             # all at the same instant
        self.assertAlmostEqual(d1["score"], 93.0)
        self.assertEqual(d1["rank"], 1)
        self.assertEqual(d1["volume"], 3)
        self.assertFalse(d1["flagged"])
        # d2: one dispatch, returned; no rating: no score, ranked after every scored unit
        d2 = self.item(doc, "d2")
        self.assertAlmostEqual(d2["indicators"]["return_rate"], 1.0)
        self.assertIsNone(d2["indicators"]["resolution_rate"])
        self.assertIsNone(d2["score"])
        self.assertIsNone(d2["rank"])
        # its own columns as a co-unit of A
        self.assertEqual(d2["co"]["volumes"]["dispatched"], 1)
        self.assertAlmostEqual(d2["co"]["indicators"]["satisfaction_rate"], 1.0)
        self.assertEqual([i["unit"]["code"] for i in doc["items"]], ["d1", "d2"])

    def test_null_never_zero(self):
        doc = self.ranking(period="2026-10")
        for item in doc["items"]:
            for k, v in item["indicators"].items():
                self.assertIsNone(v, "%s %s" % (item["unit"]["code"], k))
            self.assertIsNone(item["score"])
        # the street counts the cases in it: none are located, so nothing but nulls
        doc = self.ranking(level="street")
        self.assertEqual(doc["basis"], "area")
        self.assertIsNone(doc["items"][0]["indicators"]["response_rate"])

    def test_bad_parameters(self):
        for path, field in (("/api/v1/kpi?level=department", "period"),
                            ("/api/v1/kpi?period=2026-13", "period"),
                            ("/api/v1/kpi?period=2026-W60", "period"),
                            ("/api/v1/kpi?period=2026-11&level=planet", "level"),
                            ("/api/v1/kpi?period=2026-11&level=city", "level"),
                            ("/api/v1/kpi?period=2026-11&level=department&basis=area", "basis"),
                            ("/api/v1/kpi?period=2026-11&basis=co", "basis"),
                            ("/api/v1/kpi/units/d1?from=2026-10", "to"),
                            ("/api/v1/kpi/units/d1?to=2026-10", "from"),
                            ("/api/v1/kpi/units/d1?from=2026-10&to=2026-11&by=fortnight", "by"),
                            ("/api/v1/kpi/units/d1?from=2026-11&to=2026-10", "to"),
                            ("/api/v1/kpi/units/d1?from=2000-01-01&to=2026-11&by=day", "to"),
                            ("/api/v1/kpi/roles?period=2026-11&role=resident", "role"),
                            ("/api/v1/kpi/roles?period=11-2026", "period"),
                            ("/api/v1/effectiveness", "period"),
                            ("/api/v1/effectiveness?period=2026-11&unit=nowhere", "unit")):
            self.err(self.get(path, self.tok["sup"]), 400, field=field)
        self.err(self.get("/api/v1/kpi/units/nowhere?from=2026-10&to=2026-11", self.tok["sup"]),
                 404, field="id")
        self.err(self.req("GET", "/api/v1/kpi?period=2026-11"), 401)
        self.err(self.get("/api/v1/kpi?period=2026-11", self.tok["res"]), 403)
        self.err(self.get("/api/v1/kpi/roles?period=2026-11", self.tok["h1"]), 403)

    def test_trend(self):
        doc = self.ok(self.get("/api/v1/kpi/units/d1?from=2026-09&to=2026-12", self.tok["sup"]))
        self.assertEqual(doc["by"], "month")
        self.assertEqual([i["period"]["name"] for i in doc["items"]],
                         ["2026-09", "2026-10", "2026-11", "2026-12"])
        nov = doc["items"][2]
        self.assertEqual(nov["counts"], self.item(self.ranking(), "d1")["counts"])
        self.assertAlmostEqual(nov["score"], 93.0)
        self.assertIsNone(doc["items"][0]["score"])
        city = self.ok(self.get("/api/v1/kpi/units/city?from=2026-11&to=2026-11",
                                self.tok["sup"]))
        self.assertEqual(city["basis"], "area")
        self.assertEqual(city["items"][0]["volumes"]["received"], 4)
        weeks = self.ok(self.get("/api/v1/kpi/units/%d?from=2026-10-26&to=2026-11-08&by=week"
                                 % self.unit_id["d1"], self.tok["sup"]))
        self.assertEqual([i["period"]["name"] for i in weeks["items"]], ["2026-W44", "2026-W45"])
        self.assertEqual(weeks["items"][1]["volumes"]["dispatched"], 3)

    def test_roles(self):
        doc = self.ok(self.get("/api/v1/kpi/roles?period=2026-11", self.tok["sup"]))
        by = {i["account"]["login"]: i for i in doc["items"]}
        self.assertNotIn("res", by)
        op = by["op"]["figures"]["operator"]
        self.assertEqual(op["taken_in"], 4)
        self.assertEqual(op["classified"], 4)
        self.assertAlmostEqual(op["classification_accuracy"], 1.0)
        self.assertAlmostEqual(op["answered_share"], 0.0)
        disp = by["disp"]["figures"]["dispatcher"]
        self.assertEqual(disp["dispatches"], 4)
        self.assertAlmostEqual(disp["ontime_dispatch_rate"], 1.0)
        self.assertAlmostEqual(disp["accurate_dispatch_rate"], 0.75)  # D came back
        ver = by["sup"]["figures"]["verifier"]
        self.assertEqual(ver["verifications"], 1)
        self.assertEqual(ver["passed"], 0)
        self.assertIn("operator", by["op"]["roles"])
        only = self.ok(self.get("/api/v1/kpi/roles?period=2026-11&role=dispatcher",
                                self.tok["sup"]))
        self.assertEqual([i["account"]["login"] for i in only["items"]], ["disp"])

    def test_effectiveness(self):
        doc = self.ok(self.get("/api/v1/effectiveness?period=2026-11", self.tok["sup"]))
        self.assertEqual(doc["scope"]["kind"], "city")
        self.assertEqual(doc["previous_period"]["name"], "2026-10")
        cur = doc["current"]
        self.assertAlmostEqual(cur["responsiveness"]["satisfaction_rate"], 0.95)
        self.assertAlmostEqual(cur["responsiveness"]["first_contact_share"], 0.0)
        self.assertAlmostEqual(cur["synergy"]["joint_share"], 0.25)   # A of A, B, C, D
        self.assertLess(cur["agility"]["intake_to_dispatch"]["median_s"], 60.0)  # under a minute
        self.assertIsNone(doc["previous"]["responsiveness"]["satisfaction_rate"])
        self.assertIsNone(doc["change"]["responsiveness"]["satisfaction_rate"])
        unit = self.ok(self.get("/api/v1/effectiveness?period=2026-11&unit=d1", self.tok["sup"]))
        self.assertEqual(unit["scope"]["basis"], "lead")
        self.assertAlmostEqual(unit["current"]["synergy"]["joint_share"], 1 / 3)
        self.assertIsNone(unit["current"]["responsiveness"]["first_contact_share"])
        street = self.ok(self.get("/api/v1/effectiveness?period=2026-11&unit=st",
                                  self.tok["sup"]))
        self.assertEqual(street["scope"]["basis"], "area")

    def test_settings_and_flags(self):
        cfg = self.ok(self.get("/api/v1/kpi/config", self.tok["sup"]))
        self.assertEqual(cfg["weights"], {"response_rate": 0.1, "resolution_rate": 0.5,
                                          "satisfaction_rate": 0.4})
        self.err(self.req("PUT", "/api/v1/kpi/config", {"flag_below": 95}, token=self.tok["sup"]),
                 403)
        self.err(self.req("PUT", "/api/v1/kpi/config", {"weights": {"response_rate": 2}},
                          token=self.admin), 422, field="weights")
        self.err(self.req("PUT", "/api/v1/kpi/config", {"period_start_day": 31},
                          token=self.admin), 422, field="period_start_day")
        self.err(self.req("PUT", "/api/v1/kpi/config", {"colour": "red"}, token=self.admin), 422,
                 field="colour")
        self.ok(self.req("PUT", "/api/v1/kpi/config", {"flag_below": 95}, token=self.admin))
        try:
            self.assertTrue(self.item(self.ranking(), "d1")["flagged"])
            body = {"period": "2026-11", "level": "department"}
            self.err(self.post("/api/v1/kpi/flags", body, self.tok["h1"]), 403)
            first = self.ok(self.post("/api/v1/kpi/flags", body, self.tok["sup"]))
            self.assertEqual([(i["unit"]["code"], i["created"]) for i in first["items"]],
                             [("d1", True)])
            again = self.ok(self.post("/api/v1/kpi/flags", body, self.tok["sup"]))
            self.assertEqual([i["created"] for i in again["items"]], [False])
            flags = self.ok(self.get("/api/v1/kpi/flags?period=2026-11", self.tok["sup"]))
            self.assertEqual(len(flags["items"]), 1)
            self.assertEqual(flags["items"][0]["event_id"], first["items"][0]["event_id"])
            # the handler of d1 is not over its parent: the flag is not theirs to see
            self.assertEqual(self.ok(self.get("/api/v1/kpi/flags", self.tok["h1"]))["items"], [])
            for bad, field in (({"level": "department"}, "period"),
                               ({"period": "2026-99"}, "period"),
                               ({"period": "2026-11", "level": "moon"}, "level"),
                               ({"period": "2026-11", "level": "department", "basis": "area"},
                                "basis"),
                               ({"period": "2026-11", "extra": 1}, "extra")):
                self.err(self.post("/api/v1/kpi/flags", bad, self.tok["sup"]), 422, field=field)
        finally:
            self.ok(self.req("PUT", "/api/v1/kpi/config", {"flag_below": 60}, token=self.admin))


class KpiRankingTiesTest(CaseTest):
    """Equal scores: the unit with more cases first; equal volume too: the same rank."""
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls("run")
        for code in ("d3", "d4"):
            cls._post("/api/v1/units", {"code": code, "name": code, "kind": "department",
                                        "parent": "city"})
            a = cls._post("/api/v1/accounts", {"login": "h" + code, "name": code,
                                               "password": "Passw0rd-user"})
            cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": code,
                                              "role": "handler"})
            cls.tok["h" + code] = cls.server.login("h" + code, "Passw0rd-user")
        # d1: two satisfied cases; d2 and d3: one each; d4 none rated
        for unit, handler, n in (("d1", "h1", 2), ("d2", "h2", 1), ("d3", "hd3", 1)):
            for _ in range(n):
                c = t.new_case()
                t.act(c, "dispatch", "disp", unit=unit)
                t.act(c, "accept", handler)
                t.act(c, "reply", handler, text="好了")
                t.act(c, "revisit", "op", contacted=True, solved=True, satisfaction="satisfied")
                t.act(c, "close", "op")
        t.act(t.new_case(), "dispatch", "disp", unit="d4")

    def test_ties(self):
        doc = self.ok(self.get("/api/v1/kpi?period=2026-11&level=department", self.tok["sup"]))
        got = [(i["unit"]["code"], i["rank"], i["score"]) for i in doc["items"]]
        self.assertEqual(got, [("d1", 1, 100.0), ("d2", 2, 100.0), ("d3", 2, 100.0),
                               ("d4", None, None)])


class KpiPeriodEdgeTest(CaseTest):
    """Periods end at local midnight in the city's zone; a city may count months from the 19th."""
    SERVER_ENV = {"GONGZHI_NOW": str(at(2026, 11, 30, 23, 30))}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls("run")
        t.dispatched()  # 23:30 on Nov 30 in Shanghai (15:30 UTC)
        cls.server.stop()
        cls.server.env["GONGZHI_NOW"] = str(at(2026, 12, 1, 0, 30))
        cls.server.start()
        cls.relogin()
        t.dispatched()  # 00:30 on Dec 1
        t.dispatched()

    def dispatched_in(self, period):
        doc = self.ok(self.get("/api/v1/kpi?period=%s&level=department" % period,
                               self.tok["sup"]))
        return [i for i in doc["items"] if i["unit"]["code"] == "d1"][0]["volume"]

    def test_local_midnight(self):
        self.assertEqual(self.dispatched_in("2026-11"), 1)
        self.assertEqual(self.dispatched_in("2026-12"), 2)
        self.assertEqual(self.dispatched_in("2026-11-30"), 1)
        self.assertEqual(self.dispatched_in("2026-W49"), 3)  # Mon Nov 30 .. Sun Dec 6

    def test_nineteenth(self):
        self.ok(self.req("PUT", "/api/v1/kpi/config", {"period_start_day": 19}, token=self.admin))
        try:
            doc = self.ok(self.get("/api/v1/kpi?period=2026-12&level=department",
                                   self.tok["sup"]))
            self.assertEqual(doc["period"]["first_day"], "2026-11-19")
            self.assertEqual(doc["period"]["last_day"], "2026-12-18")
            self.assertEqual(self.dispatched_in("2026-12"), 3)
            self.assertEqual(self.dispatched_in("2026-11"), 0)
        finally:
            self.ok(self.req("PUT", "/api/v1/kpi/config", {"period_start_day": 1},
                             token=self.admin))


if __name__ == "__main__":
    unittest.main()
