"""A slice of Boston's 2015 311 year: the whole intake pipeline over HTTP, and the replay command.

Floors are a little under what was measured on these slices (README, Benchmarks)."""
import collections
import csv
import gzip
import io
import os
import re
import unittest

from harness import REPO, Server, run_cli

BOSTON = os.path.join(REPO, "..", "shared", "data", "boston", "requests-2015.csv.gz")
CITY_HALL = ("42.3594", "-71.0587")
SLICE = 3000


def boston_rows(n):
    with gzip.open(BOSTON, "rt", encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = []
        for row in r:
            rows.append(dict(zip(header, row)))
            if len(rows) == n:
                break
    return header, rows


def taxonomy():
    """(REASON, TYPE) -> category code, from the Boston taxonomy shipped with the demo."""
    names, out = {}, {}
    with open(os.path.join(REPO, "data", "taxonomy", "boston.csv"), encoding="utf-8") as f:
        for c in csv.DictReader(f):
            names[c["code"]] = c["name_en"]
    for code, name in names.items():
        if len(code) == 6:
            out[(names[code[:4]], name)] = code
    return out


def demo_server():
    s = Server(init=False)
    p = run_cli("demo", "--no-serve", "--db", s.db, "--data", os.path.join(REPO, "data"),
                timeout=300)
    assert p.returncode == 0, p.stderr
    return s


class BostonPipelineTest(unittest.TestCase):
    """Four rows in five come in with the operator's category and go where the matrix says; the
    fifth come in with no category and are classified. Everything over HTTP, in record order."""

    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()
        _, rows = boston_rows(SLICE)
        cats = taxonomy()
        cls.rows = [r for r in rows if (r["REASON"], r["TYPE"]) in cats]
        for r in cls.rows:
            r["code"] = cats[(r["REASON"], r["TYPE"])]
        cls.train = [r for i, r in enumerate(cls.rows) if i % 5]
        cls.test = [r for i, r in enumerate(cls.rows) if not i % 5]
        path = os.path.join(cls.server.tmp, "train.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["text", "category", "address"])
            for r in cls.train:
                w.writerow([r["CASE_TITLE"] or r["TYPE"], r["code"], r["Location"]])
        p = run_cli("train", path, "--db", cls.server.db, timeout=300)
        assert p.returncode == 0, p.stderr
        cls.server.start()
        cls.tok = cls.server.login("admin", "gongzhi-demo")
        cls.units = {}
        for kind in ("street", "community", "department"):
            r = cls.server.request("GET", "/api/v1/units?limit=500&kind=" + kind, token=cls.tok)
            cls.units.update({u["id"]: u["code"] for u in r.json["items"]})
        cls.dept_id = {code: i for i, code in cls.units.items()}
        cls.add_rules()
        cls.results = [cls.intake(r, with_category=bool(i % 5)) for i, r in enumerate(cls.rows)]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    @classmethod
    def add_rules(cls):
        """The matrix: each type to the Department that handled most of its training rows."""
        by_type = collections.defaultdict(collections.Counter)
        for r in cls.train:
            by_type[r["code"]]["D-" + r["Department"].replace(" ", "_")] += 1
        for code, depts in sorted(by_type.items()):
            r = cls.server.request("POST", "/api/v1/routes", {
                "category_prefix": code, "lead_unit": depts.most_common(1)[0][0]}, token=cls.tok)
            assert r.status == 201, r.raw

    @classmethod
    def intake(cls, row, with_category):
        body = {"channel": "hotline", "text": row["CASE_TITLE"] or row["TYPE"],
                "external_id": row["CASE_ENQUIRY_ID"]}
        if row["Location"]:
            body["address"] = row["Location"]
        if row["LATITUDE"] and (row["LATITUDE"], row["LONGITUDE"]) != CITY_HALL:
            body["lat"], body["lon"] = float(row["LATITUDE"]), float(row["LONGITUDE"])
        if with_category:
            body["category"] = row["code"]
        r = cls.server.request("POST", "/api/v1/cases", body, token=cls.tok)
        assert r.status == 201, r.raw
        return r.json

    def rate(self, pairs):
        pairs = list(pairs)
        self.assertGreater(len(pairs), 100)
        return sum(1 for ok in pairs if ok) / len(pairs)

    def test_located_ward_and_precinct(self):
        pointed = [(r, c) for r, c in zip(self.rows, self.results) if c["lat"] is not None]
        self.assertGreaterEqual(self.rate(c["place"]["located"] for _, c in pointed), 0.99)
        ward = [(r, c) for r, c in pointed if re.fullmatch(r"(Ward )?\d+", r["ward"])]
        self.assertGreaterEqual(self.rate(
            self.units.get(c["place"]["street_id"]) == "W%02d" % int(r["ward"].split()[-1])
            for r, c in ward), 0.98)
        prec = [(r, c) for r, c in pointed if re.fullmatch(r"\d{3,4}(\.0)?", r["precinct"])]
        self.assertGreaterEqual(self.rate(
            self.units.get(c["place"]["community_id"]) == "P%04d" % int(float(r["precinct"]))
            for r, c in prec), 0.92)

    def test_automatic_routing_agrees_with_the_department(self):
        given = [(r, c) for i, (r, c) in enumerate(zip(self.rows, self.results)) if i % 5]
        self.assertGreaterEqual(self.rate(c["status"] == "dispatched" for _, c in given), 0.99)
        self.assertGreaterEqual(self.rate(
            self.units.get(c["lead_unit_id"]) == "D-" + r["Department"].replace(" ", "_")
            for r, c in given), 0.88)

    def test_classification_of_the_held_out_fifth(self):
        held = [(r, c) for i, (r, c) in enumerate(zip(self.rows, self.results)) if not i % 5]
        top = [[s["category"] for s in c.get("suggested_categories", [])] for _, c in held]
        self.assertGreaterEqual(self.rate(t[:1] == [r["code"]] for (r, _), t in zip(held, top)),
                                0.85)
        self.assertGreaterEqual(self.rate(r["code"] in t for (r, _), t in zip(held, top)), 0.95)
        # a certain guess dispatched at once, and is right nearly always
        auto = [(r, c) for r, c in held if c["status"] == "dispatched"]
        self.assertGreater(len(auto), len(held) // 2)
        self.assertGreaterEqual(self.rate(c["category"] == r["code"] for r, c in auto), 0.95)

    def test_duplicates_found_for_recorded_duplicates(self):
        dup = [c for r, c in zip(self.rows, self.results)
               if "uplicate" in r["CLOSURE_REASON"] and c["lat"] is not None]
        self.assertGreater(len(dup), 20)
        found = sum(1 for c in dup if c.get("duplicate_candidates"))
        self.assertGreaterEqual(found / len(dup), 0.5)


class BostonReplayTest(unittest.TestCase):
    """gongzhi import cases --format boston311 on a slice: the report, and a second run."""

    def test_replay(self):
        s = demo_server()
        try:
            header, rows = boston_rows(2000)
            path = os.path.join(s.tmp, "slice.csv")
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, header)
                w.writeheader()
                w.writerows(rows)
            p = run_cli("import", "cases", path, "--db", s.db)
            self.assertEqual(p.returncode, 2)
            self.assertIn("--format boston311", p.stderr)
            p = run_cli("import", "cases", "--format", "boston311", path, "--db", s.db, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            out = p.stdout
            m = re.search(r"rows 2000: imported (\d+), rejected (\d+), already imported 0", out)
            self.assertIsNotNone(m, out)
            self.assertGreaterEqual(int(m.group(1)), 1990)
            ward, prec = map(float, re.search(
                r"ward agreement ([\d.]+) %.*precinct agreement ([\d.]+) %", out).groups())
            self.assertGreaterEqual(ward, 98.0, out)
            self.assertGreaterEqual(prec, 92.0, out)
            agree = float(re.search(r"agreeing with Department ([\d.]+) %", out).group(1))
            self.assertGreaterEqual(agree, 88.0, out)
            top1, top3 = map(float, re.search(r"top-1 ([\d.]+) %, top-3 ([\d.]+) %", out).groups())
            self.assertGreaterEqual(top1, 80.0, out)
            self.assertGreaterEqual(top3, 90.0, out)
            self.assertRegex(out, r"duplicates: \d+ flagged likely, \d+ recorded as duplicates")
            self.assertRegex(out, r"responsibility matrix: \d+ rules derived")
            # again: nothing new, nothing lost, the chain still verifies
            p = run_cli("import", "cases", "--format", "boston311", path, "--db", s.db, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("already imported %s" % m.group(1), p.stdout)
            self.assertNotIn("rules derived", p.stdout)
            p = run_cli("verify", "--db", s.db)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
