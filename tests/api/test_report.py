"""gongzhi report: the HTML opens (well-formed, self-contained: no script, no external resource),
its numbers equal the API's (every figure cell against GET /api/v1/kpi and /effectiveness), the
CSV holds the same figures, and bad flags are usage errors."""
import csv
import datetime
import html.parser
import io
import os
import re
import unittest

from casekit import CaseTest
from harness import run_cli

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
T0 = int(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI).timestamp())
STREET = {"type": "Polygon", "coordinates": [[[121.44, 31.20], [121.50, 31.20], [121.50, 31.26],
                                              [121.44, 31.26], [121.44, 31.20]]]}


class Page(html.parser.HTMLParser):
    """Tables as rows of (data-k, data-v, text) cells; tags seen; the document well nested."""
    VOID = {"meta", "br", "rect", "line", "path", "polyline", "circle"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.errors = [], set(), []
        self.tables, self.row, self.cell, self.table = {}, None, None, None
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attrs_seen.append((tag, a))
        if tag == "table":
            self.table = a.get("id")
            self.tables[self.table] = []
        elif tag == "tr":
            self.row = {"attrs": a, "cells": []}
        elif tag == "td":
            self.cell = [a.get("data-k"), a.get("data-v"), ""]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs_seen.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1:] or "nothing"))
            return
        self.stack.pop()
        if tag == "td" and self.row is not None:
            self.row["cells"].append(tuple(self.cell))
            self.cell = None
        elif tag == "tr" and self.table is not None:
            self.tables[self.table].append(self.row)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def value(v):
    return None if v in (None, "") else float(v)


class ReportTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._post("/api/v1/units", {"code": "rs", "name": "报告街道", "kind": "street",
                                    "parent": "dist", "jurisdiction": STREET})
        t = cls("run")
        for i in range(6):
            n = t.new_case(lat=31.23, lon=121.47)
            t.act(n, "dispatch", "disp", unit="d1" if i % 3 else "d2")
            t.act(n, "accept", "h1" if i % 3 else "h2")
            t.act(n, "reply", "h1" if i % 3 else "h2", text="好了")
            t.act(n, "revisit", "op", contacted=bool(i % 2), solved=True,
                  satisfaction=("satisfied", "basic", "unsatisfied")[i % 3])
            if i % 3 == 1:  # basic: closed; unsatisfied went back to the unit (rework)
                t.act(n, "close", "op")
        t.dispatched()

    def report(self, *args):
        out = os.path.join(self.server.tmp, "report-%d.out" % len(args))
        p = run_cli("report", "--db", self.server.db, "--out", out, *args,
                    env={"GONGZHI_NOW": str(T0)})
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, encoding="utf-8") as f:
            return f.read()

    def api(self, path):
        return self.ok(self.get(path, self.tok["sup"]))

    def test_html_opens_and_matches_the_api(self):
        text = self.report("--period", "2026-11", "--level", "department")
        page = Page()
        page.feed(text)
        page.close()
        self.assertEqual(page.errors, [])
        self.assertEqual(page.stack, [])
        self.assertTrue(text.startswith("<!DOCTYPE html>"))
        for tag in ("svg", "table", "polyline", "rect"):
            self.assertIn(tag, page.tags)
        # self-contained: no script, no stylesheet or image fetched from anywhere
        self.assertNotIn("script", page.tags)
        self.assertNotIn("link", page.tags)
        self.assertNotIn("img", page.tags)
        for tag, attrs in page.attrs_seen:
            for k in ("src", "href"):
                self.assertNotIn(k, attrs, tag)
        self.assertIsNone(re.search(r"url\(|@import", text))
        ranking = self.api("/api/v1/kpi?period=2026-11&level=department")
        rows = {r["attrs"]["data-unit"]: r for r in page.tables["ranking-table"]
                if "data-unit" in r["attrs"]}
        self.assertEqual(list(rows), [i["unit"]["code"] for i in ranking["items"]])
        checked = 0
        for item in ranking["items"]:
            cells = {k: (v, t) for k, v, t in rows[item["unit"]["code"]]["cells"] if k}
            want = dict(item["indicators"], score=item["score"], volume=item["volume"],
                        rank=item["rank"])
            want["co.dispatched"] = item["co"]["volumes"]["dispatched"]
            want["co.satisfaction_rate"] = item["co"]["indicators"]["satisfaction_rate"]
            for k, v in cells.items():
                self.assertIn(k, want)
                self.assertEqual(value(v[0]), want[k], "%s %s" % (item["unit"]["code"], k))
                checked += 1
            if item["indicators"]["satisfaction_rate"] is not None:
                shown = cells["satisfaction_rate"][1]
                self.assertEqual(shown, "%.1f%%" % (item["indicators"]["satisfaction_rate"] * 100))
        self.assertGreater(checked, 30)
        # effectiveness, city-wide, against the API
        eff = self.api("/api/v1/effectiveness?period=2026-11")
        for row in page.tables["effect-city"]:
            key = row["attrs"].get("data-k")
            if not key:
                continue
            node = eff["current"]
            for part in key.split("."):
                node = node[part]
            figures = {k: v for k, v, _ in row["cells"] if k}
            self.assertEqual(value(figures["current"]), node, key)

    def test_csv_same_figures(self):
        text = self.report("--period", "2026-11", "--level", "department", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(text)))
        ranking = self.api("/api/v1/kpi?period=2026-11&level=department")
        self.assertEqual([r["code"] for r in rows], [i["unit"]["code"] for i in ranking["items"]])
        for r, item in zip(rows, ranking["items"]):
            self.assertEqual(r["name"], item["unit"]["name"])
            self.assertEqual(value(r["score"]), item["score"])
            for k, v in item["indicators"].items():
                self.assertEqual(value(r[k]), v, k)
            self.assertEqual(int(r["dispatched"]), item["volumes"]["dispatched"])

    def test_street_report_with_map(self):
        text = self.report("--period", "2026-11", "--level", "street", "--basis", "area")
        page = Page()
        page.feed(text)
        self.assertEqual(page.errors, [])
        self.assertIn("path", page.tags)  # the street drawn from its GeoJSON
        self.assertIn('id="map"', text)

    def test_usage_errors(self):
        for args in (("--level", "department"), ("--period", "2026-13"),
                     ("--period", "2026-11", "--format", "pdf"),
                     ("--period", "2026-11", "--level", "moon"),
                     ("--period", "2026-11", "--level", "department", "--basis", "area"),
                     ("--period", "2026-11", "--colour", "red")):
            p = run_cli("report", "--db", self.server.db, *args)
            self.assertEqual(p.returncode, 2, "%r: %s" % (args, p.stderr))
            self.assertTrue(p.stderr.strip())


if __name__ == "__main__":
    unittest.main()
