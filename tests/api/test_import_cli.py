"""gongzhi import (units from GeoJSON, categories from CSV) and the command line's usage errors."""
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ADMIN_PASSWORD, ApiTest, Server, init_db, run_cli


def square(x, y, d=0.01):
    return {"type": "Polygon",
            "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def feature(code, name, kind, parent_code=None, geometry=None, **props):
    p = {"code": code, "name": name, "kind": kind}
    if parent_code is not None:
        p["parent_code"] = parent_code
    p.update(props)
    return {"type": "Feature", "properties": p, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


GOOD_UNITS = collection(
    feature("im-d", "东城区", "district", "city", square(116.40, 39.90, 0.1), name_en="Dongcheng"),
    feature("im-s", "和平里街道", "street", "im-d", square(116.41, 39.95), name_en="Hepingli"),
    feature("im-c", "和平里社区 😀", "community", "im-s", None, name_en="Hepingli Community"),
    feature("im-dept", "City Housing Bureau", "department", "city"),
)

CSV_HEADER = "code,name,name_en,respond_limit,resolve_limit,urgent_limit,kind,claimable,kb_answer\n"
GOOD_CSV = CSV_HEADER + (
    "20,市容环境,City appearance,4 work_hours,7 workdays,2 hours,event,false,\n"
    "2001,占道经营,\"Street vending, unlicensed\",2 hours,3 workdays,,event,true,\"请拨打 12345, 转 1\"\n"
    "2002,垃圾,Rubbish,,5 workdays,,component,0,\n"
    "21,供水,Water,,24 hours,2 hours,event,1,\n"
)


class ImportTest(ApiTest):
    """One database takes the good files and refuses the bad ones; then it is served."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="gongzhi-import-")
        cls.db = os.path.join(cls.tmp, "import.db")
        init_db(cls.db)
        cls.runs = {}

        def write(name, text):
            path = os.path.join(cls.tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path

        def imp(label, what, path):
            cls.runs[label] = run_cli("import", what, path, "--db", cls.db)

        imp("units", "units", write("units.geojson", json.dumps(GOOD_UNITS, ensure_ascii=False)))
        imp("categories", "categories", write("cats.csv", GOOD_CSV))
        # the same file again: an upsert by code, nothing doubles
        imp("units again", "units", os.path.join(cls.tmp, "units.geojson"))
        # gzip is fine
        gz = os.path.join(cls.tmp, "more.geojson.gz")
        with gzip.open(gz, "wt", encoding="utf-8") as f:
            json.dump(collection(feature("gz-dept", "Gzipped", "department", "city")), f)
        imp("gzip", "units", gz)
        # 3rd feature (index 2) is bad: nothing of the file may land
        imp("bad kind", "units", write("bad-kind.geojson", json.dumps(collection(
            feature("bk-1", "first", "district", "city"),
            feature("bk-2", "second", "street", "bk-1"),
            feature("bk-3", "third", "planet", "bk-2"),
            feature("bk-4", "fourth", "department", "city")))))
        # 2nd feature fails in the store (its parent does not exist): rolled back too
        imp("bad parent", "units", write("bad-parent.geojson", json.dumps(collection(
            feature("bp-1", "first", "district", "city"),
            feature("bp-2", "second", "street", "nowhere")))))
        # 2nd feature fails on levels (a street under a community)
        imp("bad level", "units", write("bad-level.geojson", json.dumps(collection(
            feature("bl-1", "first", "district", "city"),
            feature("bl-2", "second", "street", "im-c")))))
        # a bad polygon in the 2nd feature
        bad_poly = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 91], [0, 0]]]}
        imp("bad polygon", "units", write("bad-poly.geojson", json.dumps(collection(
            feature("bg-1", "first", "district", "city"),
            feature("bg-2", "second", "district", "city", bad_poly)))))
        imp("not geojson", "units", write("not.geojson", '{"type": "Feature"}'))
        imp("not json", "units", write("broken.geojson", '{"type": "FeatureCollection", '))
        # CSV: line 4 (the 3rd record) has a bad code
        imp("bad csv", "categories", write("bad.csv", CSV_HEADER + (
            "30,first,,,,,event,false,\n"
            "3001,second,,,,,event,false,\n"
            "3,third,,,,,event,false,\n"
            "31,fourth,,,,,event,false,\n")))
        # CSV: line 3 has a bad limit
        imp("bad csv limit", "categories", write("bad-limit.csv", CSV_HEADER + (
            "32,first,,,,,event,false,\n"
            "33,second,,4 weeks,,,event,false,\n")))
        # CSV: line 3's parent is missing (found in the store step)
        imp("bad csv parent", "categories", write("bad-parent.csv", CSV_HEADER + (
            "34,first,,,,,event,false,\n"
            "3501,orphan,,,,,event,false,\n")))
        imp("bad csv header", "categories", write("no-code.csv", "name,kind\nx,event\n"))
        imp("missing file", "units", os.path.join(cls.tmp, "does-not-exist.geojson"))
        # serve what came of it
        cls.server = Server(db=cls.db, init=False).start()
        cls.admin = cls.server.login("admin", ADMIN_PASSWORD)

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_ok(self, label):
        p = self.runs[label]
        self.assertEqual(p.returncode, 0, "%s: %s" % (label, p.stderr))
        return p

    def run_failed(self, label, *needles):
        p = self.runs[label]
        self.assertEqual(p.returncode, 1, "%s: exit %d, stderr %r" % (label, p.returncode, p.stderr))
        for n in needles:
            self.assertIn(n, p.stderr, "%s: stderr does not name %r: %r" % (label, n, p.stderr))
        return p

    def absent(self, *codes, kind="units"):
        for code in codes:
            self.err(self.get("/api/v1/%s/%s" % (kind, code)), 404)

    # ---- good files ----

    def test_units_imported(self):
        p = self.run_ok("units")
        self.assertIn("4", p.stdout)
        d = self.ok(self.get("/api/v1/units/im-d"))
        self.assertEqual(d["name"], "东城区")
        self.assertEqual(d["name_en"], "Dongcheng")
        self.assertEqual(d["kind"], "district")
        self.assertEqual(d["parent_code"], "city")
        self.assertEqual(d["jurisdiction"], GOOD_UNITS["features"][0]["geometry"])
        s = self.ok(self.get("/api/v1/units/im-s"))
        self.assertEqual(s["name"], "和平里街道")
        self.assertEqual(s["parent_id"], d["id"])
        c = self.ok(self.get("/api/v1/units/im-c"))
        self.assertEqual(c["name"], "和平里社区 😀")
        self.assertEqual(c["parent_code"], "im-s")
        self.assertFalse(c["has_jurisdiction"])
        dept = self.ok(self.get("/api/v1/units/im-dept"))
        self.assertEqual(dept["kind"], "department")

    def test_reimport_does_not_double(self):
        self.run_ok("units again")
        kids = self.ok(self.get("/api/v1/units?parent=im-d"))["items"]
        self.assertEqual([u["code"] for u in kids], ["im-s"])
        codes = [u["code"] for u in self.ok(self.get("/api/v1/units?limit=500"))["items"]]
        self.assertEqual(len(codes), len(set(codes)))

    def test_gzip_import(self):
        self.run_ok("gzip")
        self.assertEqual(self.ok(self.get("/api/v1/units/gz-dept"))["name"], "Gzipped")

    def test_categories_imported(self):
        self.run_ok("categories")
        c = self.ok(self.get("/api/v1/categories/20"))
        self.assertEqual(c["name"], "市容环境")
        self.assertEqual(c["name_en"], "City appearance")
        self.assertEqual(c["respond_limit"], {"amount": 4, "unit": "work_hours"})
        self.assertEqual(c["resolve_limit"], {"amount": 7, "unit": "workdays"})
        self.assertEqual(c["urgent_limit"], {"amount": 2, "unit": "hours"})
        self.assertFalse(c["claimable"])
        self.assertIsNone(c["kb_answer"])
        v = self.ok(self.get("/api/v1/categories/2001"))
        self.assertEqual(v["parent_code"], "20")
        self.assertEqual(v["name_en"], "Street vending, unlicensed")
        self.assertTrue(v["claimable"])
        self.assertEqual(v["kb_answer"], "请拨打 12345, 转 1")
        self.assertIsNone(v["urgent_limit"])
        r = self.ok(self.get("/api/v1/categories/2002"))
        self.assertEqual(r["kind"], "component")
        self.assertIsNone(r["respond_limit"])
        self.assertTrue(self.ok(self.get("/api/v1/categories/21"))["claimable"])
        codes = [x["code"] for x in self.ok(self.get("/api/v1/categories?prefix=2"))["items"]]
        self.assertEqual(codes, ["20", "2001", "2002", "21"])

    # ---- bad files ----

    def test_bad_feature_writes_nothing(self):
        p = self.run_failed("bad kind", "feature 2", "kind")
        self.assertNotIn("feature 0", p.stderr)
        self.absent("bk-1", "bk-2", "bk-3", "bk-4")

    def test_store_failure_rolls_back(self):
        self.run_failed("bad parent", "feature 1", "parent")
        self.absent("bp-1", "bp-2")
        self.run_failed("bad level", "feature 1", "parent")
        self.absent("bl-1", "bl-2")
        self.assertEqual(self.ok(self.get("/api/v1/units?parent=im-c"))["items"], [])

    def test_bad_polygon(self):
        self.run_failed("bad polygon", "feature 1", "jurisdiction")
        self.absent("bg-1", "bg-2")

    def test_not_geojson(self):
        self.run_failed("not geojson", "features")
        self.run_failed("not json")
        self.run_failed("missing file")

    def test_bad_csv_row_writes_nothing(self):
        self.run_failed("bad csv", "line 4", "code")
        self.absent("30", "3001", "31", kind="categories")
        self.run_failed("bad csv limit", "line 3", "respond_limit")
        self.absent("32", "33", kind="categories")
        self.run_failed("bad csv parent", "line 3")
        self.absent("34", "3501", kind="categories")
        self.run_failed("bad csv header", "code")

    def test_failures_say_nothing_was_written(self):
        for label in ("bad kind", "bad parent", "bad csv", "bad csv parent"):
            self.assertIn("nothing was written", self.runs[label].stderr, label)


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="gongzhi-cli-")
        cls.db = os.path.join(cls.tmp, "cli.db")
        init_db(cls.db)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def usage(self, *args, names=None):
        p = run_cli(*args)
        self.assertEqual(p.returncode, 2, "gongzhi %s: exit %d, stderr %r"
                         % (" ".join(args), p.returncode, p.stderr))
        self.assertTrue(p.stderr.strip(), "no message on stderr")
        if names:
            self.assertIn(names, p.stderr)
        return p

    def test_import_usage(self):
        self.usage("import", "--db", self.db, names="usage")
        self.usage("import", "units", "--db", self.db)
        self.usage("import", "planets", "x.geojson", "--db", self.db)
        self.usage("import", "units", "a.geojson", "b.geojson", "--db", self.db)
        self.usage("import", "units", "a.geojson", "--db")
        self.usage("import", "units", "a.geojson", "--port", "1", "--db", self.db, names="--port")

    def test_unknown_command(self):
        self.usage("frobnicate", names="frobnicate")

    def test_unknown_flag(self):
        self.usage("serve", "--bogus", names="--bogus")
        self.usage("init", "--db", self.db, "--bogus", names="--bogus")

    def test_bad_flag_values(self):
        self.usage("serve", "--db", self.db, "--port", "99999", names="--port")
        self.usage("serve", "--db", self.db, "--port", "http", names="--port")
        self.usage("serve", "--db", self.db, "--port")

    def test_help(self):
        for args in (("help",), ("--help",), ()):
            p = run_cli(*args)
            self.assertEqual(p.returncode, 0, p.stderr)
            commands = [line.split()[0] for line in p.stdout.splitlines()
                        if line.startswith("  ") and line.split() and not line.split()[0].startswith("-")]
            for cmd in ("init", "serve", "demo", "import", "version", "help"):
                self.assertIn(cmd, commands, "help does not list %s: %r" % (cmd, p.stdout))

    def test_version(self):
        for args in (("version",), ("--version",)):
            p = run_cli(*args)
            self.assertEqual(p.returncode, 0)
            self.assertRegex(p.stdout.strip(), r"^gongzhi \d+\.\d+\.\d+")

    def test_serve_needs_a_database(self):
        p = run_cli("serve", "--db", os.path.join(self.tmp, "missing.db"), "--port", "0")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("init", p.stderr)

    def test_newer_database_is_refused_with_exit_3(self):
        newer = os.path.join(self.tmp, "newer.db")
        shutil.copy(self.db, newer)
        p = subprocess.run(["sqlite3", newer, "UPDATE schema_version SET version = 999"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        for args in (("serve", "--port", "0"), ("init",), ("verify",)):
            p = run_cli(*args, "--db", newer)
            self.assertEqual(p.returncode, 3, (args, p.stderr))
            self.assertIn("newer", p.stderr)
            self.assertIn("999", p.stderr)

    def test_init_twice_is_fine(self):
        p = run_cli("init", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_import_into_a_file_that_is_not_a_database(self):
        junk = os.path.join(self.tmp, "junk.db")
        with open(junk, "w") as f:
            f.write("this is not sqlite\n" * 100)
        data = os.path.join(self.tmp, "u.geojson")
        with open(data, "w") as f:
            json.dump(collection(feature("x-1", "x", "department", "city")), f)
        p = run_cli("import", "units", data, "--db", junk)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn(p.returncode, (2,))


if __name__ == "__main__":
    unittest.main()
