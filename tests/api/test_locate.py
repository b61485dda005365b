"""Locating points: GET /api/v1/locate, the place of an intake, and routing by a point."""
import unittest

from harness import ApiTest


def rect(w, s, e, n):
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


class LocateTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        t.make_unit("l-d", "district", parent="city", jurisdiction=rect(116.0, 39.0, 117.0, 40.0))
        t.make_unit("l-s1", "street", parent="l-d", jurisdiction=rect(116.0, 39.0, 116.5, 40.0))
        t.make_unit("l-s2", "street", parent="l-d", jurisdiction=rect(116.5, 39.0, 117.0, 40.0))
        t.make_unit("l-c1", "community", parent="l-s1",
                    jurisdiction=rect(116.0, 39.0, 116.25, 39.5))
        # a bow-tie: invalid, repaired when the index is built
        t.make_unit("l-c2", "community", parent="l-s2", jurisdiction={
            "type": "Polygon",
            "coordinates": [[[116.6, 39.6], [116.9, 39.9], [116.9, 39.6], [116.6, 39.9],
                             [116.6, 39.6]]]})
        t.make_unit("l-dep", "department", parent="l-d")
        cls.ids = {u["code"]: u["id"] for u in t.list_all("/api/v1/units", limit=200)[0]}

    def locate(self, lat, lon):
        return self.ok(self.get("/api/v1/locate?lat=%s&lon=%s" % (lat, lon)))

    def test_chain(self):
        r = self.locate(39.25, 116.1)
        self.assertTrue(r["located"])
        self.assertEqual([u["code"] for u in r["units"]], ["l-d", "l-s1", "l-c1"])
        self.assertEqual([u["level"] for u in r["units"]], [1, 2, 3])
        r = self.locate(39.75, 116.1)  # in the street, in no community
        self.assertEqual([u["code"] for u in r["units"]], ["l-d", "l-s1"])
        r = self.locate(39.7, 116.85)  # inside the repaired bow-tie's lower-right lobe
        self.assertIn("l-c2", [u["code"] for u in r["units"]])
        r = self.locate(10, 10)
        self.assertFalse(r["located"])
        self.assertEqual(r["units"], [])

    def test_bad_coordinates(self):
        self.err(self.get("/api/v1/locate?lat=91&lon=116"), 400, field="lat")
        self.err(self.get("/api/v1/locate?lat=39&lon=abc"), 400, field="lon")
        self.err(self.get("/api/v1/locate?lon=116"), 400, field="lat")
        self.err(self.req("GET", "/api/v1/locate?lat=39&lon=116"), 401)

    def test_intake_is_located_or_flagged(self):
        c = self.ok(self.post("/api/v1/cases", {"channel": "hotline", "text": "井盖缺失",
                                                "lat": 39.25, "lon": 116.1}), 201)
        self.assertEqual(c["place"], {"located": True, "district_id": self.ids["l-d"],
                                      "street_id": self.ids["l-s1"],
                                      "community_id": self.ids["l-c1"], "grid_id": None})
        c = self.ok(self.post("/api/v1/cases", {"channel": "hotline", "text": "井盖缺失",
                                                "lat": 10, "lon": 10}), 201)
        self.assertFalse(c["place"]["located"])  # unlocated: the dispatcher places it
        c = self.ok(self.post("/api/v1/cases", {"channel": "hotline", "text": "咨询"}), 201)
        self.assertIsNone(c["place"]["located"])

    def test_a_changed_unit_changes_the_index(self):
        self.make_unit("l-c3", "community", parent="l-s2", jurisdiction=rect(116.5, 39.0, 116.6, 39.1))
        self.assertIn("l-c3", [u["code"] for u in self.locate(39.05, 116.55)["units"]])
        self.ok(self.patch("/api/v1/units/l-c3", {"jurisdiction": rect(116.7, 39.0, 116.8, 39.1)}))
        self.assertNotIn("l-c3", [u["code"] for u in self.locate(39.05, 116.55)["units"]])
        self.assertIn("l-c3", [u["code"] for u in self.locate(39.05, 116.75)["units"]])
        self.ok(self.patch("/api/v1/units/l-c3", {"active": False}))
        self.assertNotIn("l-c3", [u["code"] for u in self.locate(39.05, 116.75)["units"]])

    def test_route_by_point(self):
        self.ok(self.post("/api/v1/routes", {"category_prefix": "0301", "area": "l-s1",
                                             "lead_unit": "l-dep"}), 201)
        d = self.ok(self.get("/api/v1/route?category=030101&lat=39.25&lon=116.1"))
        self.assertEqual((d["source"], d["lead_unit_id"]), ("rule", self.ids["l-dep"]))
        d = self.ok(self.get("/api/v1/route?category=030101&lat=39.25&lon=116.7"))
        self.assertEqual((d["source"], d["lead_unit_id"]), ("street", self.ids["l-s2"]))
        self.err(self.get("/api/v1/route?category=0301&lat=95&lon=116"), 400, field="lat")


if __name__ == "__main__":
    unittest.main()
