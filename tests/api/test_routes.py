"""The responsibility matrix: /api/v1/routes CRUD and /api/v1/route's explanation."""
import os
import sqlite3
import tempfile
import unittest

from harness import ApiTest, init_db, run_cli

ROUTES = "/api/v1/routes"


class RoutesTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        t.make_unit("r-dist", "district", parent="city")
        t.make_unit("r-st", "street", parent="r-dist")
        t.make_unit("r-co", "community", parent="r-st")
        t.make_unit("r-st2", "street", parent="r-dist")
        for code in ("r-cg", "r-zj", "r-sw"):
            t.make_unit(code, "department", parent="city")
        t.make_unit("r-old", "department", parent="city", active=False)

    def explain(self, query, status=200):
        return self.ok(self.get("/api/v1/route?" + query), status)

    def test_crud_and_tie(self):
        r = self.ok(self.post(ROUTES, {"category_prefix": "07", "lead_unit": "r-cg",
                                       "co_units": ["r-zj"]}), 201)
        self.assertIsNone(r["area_unit_id"])
        self.assertEqual(len(r["co_unit_ids"]), 1)
        # the same prefix and area again would tie
        self.err(self.post(ROUTES, {"category_prefix": "07", "lead_unit": "r-sw"}), 409,
                 field="category_prefix")
        got = self.ok(self.get("%s/%d" % (ROUTES, r["id"])))
        self.assertEqual(got, r)
        p = self.ok(self.patch("%s/%d" % (ROUTES, r["id"]), {"lead_unit": "r-sw", "co_units": []}))
        self.assertEqual(p["co_unit_ids"], [])
        self.assertIn(r["id"], [x["id"] for x in self.ok(self.get(ROUTES))["items"]])
        self.ok(self.delete("%s/%d" % (ROUTES, r["id"])))
        self.err(self.get("%s/%d" % (ROUTES, r["id"])), 404)
        # retired: a new rule for the same key is fine now
        self.ok(self.post(ROUTES, {"category_prefix": "07", "lead_unit": "r-sw"}), 201)

    def test_validation(self):
        self.err(self.post(ROUTES, {"category_prefix": "1", "lead_unit": "r-cg"}), 422,
                 field="category_prefix")
        self.err(self.post(ROUTES, {"category_prefix": "08"}), 422, field="lead")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_unit": "r-cg",
                                    "lead_kind": "street"}), 422, field="lead")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_kind": "department"}), 422,
                 field="lead_kind")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_unit": "nope"}), 422,
                 field="lead_unit")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_unit": "r-old"}), 422,
                 field="lead_unit")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_unit": "r-cg",
                                    "co_units": ["r-zj", "r-zj"]}), 422, field="co_units")
        self.err(self.post(ROUTES, {"category_prefix": "08", "lead_unit": "r-cg", "x": 1}), 422,
                 field="x")

    def test_rights(self):
        _, tok = self.user("r-handler", "r-cg", "handler")
        self.err(self.post(ROUTES, {"category_prefix": "09", "lead_unit": "r-cg"}, tok), 403)
        self.ok(self.get(ROUTES, tok))
        self.err(self.req("GET", ROUTES), 401)

    def test_precedence_and_fallbacks(self):
        self.ok(self.post(ROUTES, {"category_prefix": "05", "lead_unit": "r-cg"}), 201)
        self.ok(self.post(ROUTES, {"category_prefix": "05", "area": "r-st",
                                   "lead_unit": "r-zj"}), 201)
        self.ok(self.post(ROUTES, {"category_prefix": "0502", "lead_kind": "community"}), 201)
        units = {u["code"]: u["id"] for u in self.list_all("/api/v1/units", limit=200)[0]}
        # the deeper area wins for the same prefix
        d = self.explain("category=0501&unit=r-co")
        self.assertEqual((d["source"], d["lead_unit_id"]), ("rule", units["r-zj"]))
        self.assertEqual(d["candidates"], 2)
        # a longer prefix beats a deeper area; lead_kind picks the place's community
        d = self.explain("category=0502&unit=r-co")
        self.assertEqual((d["source"], d["lead_unit_id"]), ("rule", units["r-co"]))
        # outside r-st only the anywhere rule applies
        d = self.explain("category=0501&unit=r-st2")
        self.assertEqual(d["lead_unit_id"], units["r-cg"])
        self.assertEqual(d["fallback"], {"source": "street", "unit_id": units["r-st2"]})
        # no rule: the street (属地), then the district (兜底), then nobody
        d = self.explain("category=0601&unit=r-co")
        self.assertEqual((d["source"], d["lead_unit_id"]), ("street", units["r-st"]))
        self.assertIsNone(d["rule"])
        d = self.explain("category=0601&unit=r-dist")
        self.assertEqual((d["source"], d["lead_unit_id"]), ("district", units["r-dist"]))
        d = self.explain("category=0601")
        self.assertEqual((d["source"], d["lead_unit_id"]), ("none", None))
        self.err(self.get("/api/v1/route?category=5&unit=r-co"), 400, field="category")
        self.err(self.get("/api/v1/route?category=0501&unit=nope"), 400, field="unit")


class RoutesImportTest(unittest.TestCase):
    """gongzhi import routes FILE.csv: one transaction, codes resolved, re-import replaces."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gz-routes-")
        self.db = os.path.join(self.tmp, "t.db")
        init_db(self.db)
        here = os.path.dirname(os.path.abspath(__file__))
        sample = os.path.join(here, "..", "..", "data", "demo", "zh-sample.geojson")
        self.assertEqual(run_cli("import", "units", sample, "--db", self.db).returncode, 0)

    def write(self, text):
        path = os.path.join(self.tmp, "r.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def count(self):
        con = sqlite3.connect(self.db)
        try:
            return con.execute("SELECT count(*) FROM routes").fetchone()[0]
        finally:
            con.close()

    def test_import_and_reimport(self):
        path = self.write("category_prefix,area,lead_unit,lead_kind,co_units\n"
                          "01,,ZH-CG,,ZH-ZJ;ZH-SW\n0101,ZH-S1,,community,\n02,,ZH-SW,,\n")
        for _ in range(2):
            p = run_cli("import", "routes", path, "--db", self.db)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("imported 3 routes", p.stdout)
            self.assertEqual(self.count(), 3)  # the second import replaced, not added

    def test_bad_row_writes_nothing(self):
        good = self.write("category_prefix,lead_unit\n01,ZH-CG\n")
        self.assertEqual(run_cli("import", "routes", good, "--db", self.db).returncode, 0)
        bad = self.write("category_prefix,lead_unit\n05,ZH-CG\n06,NOPE\n")
        p = run_cli("import", "routes", bad, "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("line 3", p.stderr)
        self.assertIn("lead_unit", p.stderr)
        self.assertEqual(self.count(), 1)
        bad = self.write("category_prefix,lead_unit,lead_kind\n07,ZH-CG,street\n")
        p = run_cli("import", "routes", bad, "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("lead", p.stderr)


if __name__ == "__main__":
    unittest.main()
