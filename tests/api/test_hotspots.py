"""/api/v1/hotspots (DESIGN §7): a planted spike is found and a flat series is left alone, per
hexagon and per street; one hotspot by its name; a proactive case opened once, through the
intake pipeline; recurring locations; the month's top issues; and 400s naming the parameter.

The server runs on a fixed clock moved week by week (restarts), so the cases of nine weeks
carry their own intake times."""
import datetime
import unittest

from casekit import CaseTest

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
A = (31.2300, 121.4700)   # the spike: one report a week, then nine
B = (31.2450, 121.4850)   # flat: three a week, every week


def box(w, e):
    return {"type": "Polygon", "coordinates": [[[w, 31.20], [e, 31.20], [e, 31.26], [w, 31.26],
                                                [w, 31.20]]]}


def wednesday(week_offset):
    """Noon on the Wednesday of ISO week 2026-W47 + week_offset, in Shanghai."""
    monday = datetime.datetime(2026, 11, 16, 12, 0, tzinfo=SHANGHAI)
    return int((monday + datetime.timedelta(days=2, weeks=week_offset)).timestamp())


class HotspotTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(wednesday(-8))}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hs = cls._post("/api/v1/units", {"code": "hs", "name": "热点街道", "kind": "street",
                                             "parent": "dist", "jurisdiction": box(121.44, 121.477)})
        cls.hs2 = cls._post("/api/v1/units", {"code": "hs2", "name": "平稳街道", "kind": "street",
                                              "parent": "dist",
                                              "jurisdiction": box(121.477, 121.50)})
        t = cls("run")
        for week in range(-8, 1):
            if week > -8:
                cls.server.stop()
                cls.server.env["GONGZHI_NOW"] = str(wednesday(week))
                cls.server.start()
                cls.relogin()
            for _ in range(9 if week == 0 else 1):
                t.intake(category="0101", lat=A[0], lon=A[1])
            for _ in range(3):
                t.intake(category="0101", lat=B[0], lon=B[1], text="路灯不亮很多天了")

    def hot(self, query="", token=None, status=200):
        r = self.get("/api/v1/hotspots?week=2026-W47" + query, token or self.tok["disp"])
        return self.ok(r, status)

    def test_planted_spike_found_flat_series_not(self):
        doc = self.hot("&min_count=3")
        self.assertEqual(doc["grid"], "hex")
        self.assertEqual(doc["baseline_weeks"], 8)
        self.assertEqual(len(doc["items"]), 1, doc["items"])
        h = doc["items"][0]
        self.assertEqual(h["count"], 9)
        self.assertAlmostEqual(h["baseline"], 1.0)
        self.assertLess(h["p"], 1e-5)
        self.assertTrue(h["flagged"])
        self.assertEqual(h["category"]["code"], "0101")
        self.assertEqual(len(h["cases"]), 9)
        self.assertEqual(h["place"]["kind"], "hex")
        self.assertEqual(len(h["place"]["polygon"]), 7)
        self.assertAlmostEqual(h["place"]["center"]["lat"], A[0], places=2)
        self.assertTrue(h["id"].startswith("hex:2026-W47:0101:"))
        # the flat street, asked by name: three this week on a mean of three, not flagged
        flat = self.ok(self.get("/api/v1/hotspots/street:2026-W47:0101:%d" % self.hs2["id"],
                                self.tok["disp"]))
        self.assertEqual(flat["count"], 3)
        self.assertAlmostEqual(flat["baseline"], 3.0)
        self.assertFalse(flat["flagged"])
        self.assertGreater(flat["p"], 0.3)
        self.assertEqual(len(flat["cases"]), 3)

    def test_streets_and_depth(self):
        doc = self.hot("&grid=street&min_count=3")
        self.assertEqual(len(doc["items"]), 1)
        h = doc["items"][0]
        self.assertEqual(h["place"]["unit"]["code"], "hs")
        self.assertEqual(h["count"], 9)
        self.assertTrue(h["id"].startswith("street:2026-W47:0101:"))
        everything = self.hot("&grid=street&depth=0&min_count=3")["items"][0]
        self.assertEqual(everything["id"].split(":")[2], "")
        self.assertIsNone(everything["category"])
        self.assertEqual(self.hot("&category=02&min_count=3")["items"], [])
        self.assertEqual(self.hot("&min_count=10")["items"], [])
        self.assertEqual(self.hot("&min_count=3", token=self.tok["op"])["week"]["name"],
                         "2026-W47")

    def test_proactive_case(self):
        h = self.hot("&min_count=3")["items"][0]
        path = "/api/v1/hotspots/%s/case" % h["id"]
        self.err(self.post(path, {}, self.tok["op"]), 403)
        self.err(self.post(path, {}, self.tok["h1"]), 403)
        made = self.ok(self.post(path, {}, self.tok["disp"]), 201)
        self.assertEqual(made["hotspot"], h["id"])
        self.assertEqual(made["category"], "0101")
        case = self.case(made["number"])
        self.assertEqual(case["channel"], "proactive")
        self.assertIn("9 reports", case["text"])
        again = self.ok(self.post(path, {}, self.tok["sup"]), 200)
        self.assertEqual(again["number"], made["number"])
        # the hotspot knows its case, and the case is not counted as a report
        h2 = self.hot("&min_count=3")["items"][0]
        self.assertEqual(h2["proactive_case"], made["number"])
        self.assertEqual(h2["count"], 9)
        # a proactive case is not something any caller may file by hand
        self.err(self.req("POST", "/api/v1/cases", {"channel": "proactive", "text": "x"},
                          token=self.tok["op"]), 403, field="channel")
        # a hotspot with no case in its week
        self.err(self.post("/api/v1/hotspots/hex:2026-W30:0101:1:1/case", {}, self.tok["disp"]),
                 404, field="id")

    def test_recurring(self):
        doc = self.ok(self.get("/api/v1/hotspots/recurring?until=2026-11-22", self.tok["disp"]))
        self.assertEqual(doc["first_day"], "2026-10-24")
        self.assertEqual(doc["last_day"], "2026-11-22")
        counts = sorted(i["count"] for i in doc["items"])
        self.assertEqual(counts, [12, 12])  # four Wednesdays in 30 days: A 1+1+1+9, B 3 x 4
        self.assertEqual(self.ok(self.get("/api/v1/hotspots/recurring?until=2026-11-22&days=1",
                                          self.tok["disp"]))["items"], [])

    def test_top_issues(self):
        doc = self.ok(self.get("/api/v1/hotspots/top?period=2026-11&level=street",
                               self.tok["disp"]))
        self.assertEqual(doc["previous_period"]["name"], "2026-10")
        street = [i for i in doc["items"] if i["unit"]["code"] == "hs"][0]
        self.assertEqual(street["top"][0]["category"]["code"], "0101")
        self.assertEqual(street["top"][0]["count"], street["total"])
        self.assertEqual(street["top"][0]["change"],
                         street["top"][0]["count"] - street["top"][0]["previous"])

    def test_bad_parameters(self):
        for q, field in (("?week=2026-13", "week"), ("?week=2026-11", "week"),
                         ("?grid=department", "grid"), ("?grid=city", "grid"),
                         ("?depth=9", "depth"), ("?p=0", "p"), ("?p=abc", "p"),
                         ("?category=abc", "category"), ("?min_count=0", "min_count"),
                         ("?limit=100000", "limit"), ("/recurring?days=0", "days"),
                         ("/recurring?until=tomorrow", "until"), ("/top", "period"),
                         ("/top?period=2026-11&level=department", "level"),
                         ("/top?period=2026-11&n=0", "n")):
            self.err(self.get("/api/v1/hotspots" + q, self.tok["disp"]), 400, field=field)
        for bad in ("hex:2026-W47:0101:1", "moon:2026-W47:0101:1", "hex:2026-11:0101:1:2",
                    "street:2026-W47:0101:-1", "hex:2026-W47:01x:1:2"):
            self.err(self.get("/api/v1/hotspots/" + bad, self.tok["disp"]), 400, field="id")
            self.err(self.post("/api/v1/hotspots/%s/case" % bad, {}, self.tok["disp"]), 400,
                     field="id")
        self.err(self.get("/api/v1/hotspots", self.tok["h1"]), 403)
        self.err(self.req("GET", "/api/v1/hotspots"), 401)


if __name__ == "__main__":
    unittest.main()
