"""DESIGN §8 privacy: personal data never leaves through a public answer or an export, and
every read of it whole is on the record, once (a pii_read event: who, which fields, why),
seen on the timeline by admins and supervisors only; masked reads leave nothing."""
import json
import os
import urllib.parse

from casekit import CASES
from harness import run_cli
from privkit import PII, PrivacyCity


def secrets():
    """Every personal value given, and the forms it could be shown in."""
    out = set(PII.values())
    out.add(PII["o311_first"] + " " + PII["o311_last"])
    out.add("555 0199")
    return out


class PublicAnswersAndExports(PrivacyCity):
    @classmethod
    def build_city(cls):
        super().build_city()
        # a closed case too, so the revisit and closing paths are exported as well
        n = cls._case("司马光", "13700001111")
        for who, body in (("h1", {"action": "accept"}),
                          ("h1", {"action": "reply", "text": "已清理", "note": "内部"}),
                          ("op", {"action": "revisit", "contacted": True, "solved": True,
                                  "satisfaction": "satisfied"}),
                          ("op", {"action": "close"})):
            r = cls.server.request("POST", "%s/%s/actions" % (CASES, n), body, token=cls.tok[who])
            assert r.status == 200, r.raw

    def assertClean(self, where, raw):
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        for s in secrets() | {"司马光", "13700001111"}:
            self.assertNotIn(s, text, "%s shows %r" % (where, s))

    def test_every_public_endpoint(self):
        extras = self.ok(self.get("/api/v1/open311/requests/" + self.o311_no))
        token = extras["token"]
        paths = ["/api/v1/health"]
        for fmt in ("json", "xml"):
            for p in ("discovery", "services", "services/0101", "requests",
                      "requests/%s" % self.case_no, "requests/%s" % self.o311_no,
                      "tokens/%s" % token):
                paths.append("/open311/v2/%s.%s" % (p, fmt))
            paths.append("/open311/v2/requests.%s?extensions=true" % fmt)
            paths.append("/open311/v2/requests.%s?service_request_id=%s,%s&extensions=true"
                         % (fmt, self.case_no, self.o311_no))
        for p in paths:
            r = self.req("GET", p)  # nobody signed in
            self.assertEqual(r.status, 200, "%s: %r" % (p, r.raw[:200]))
            self.assertClean(p, r.raw)
        # the requests really are there (not clean by being empty)
        r = self.req("GET", "/open311/v2/requests.json?service_request_id=%s" % self.o311_no)
        self.assertEqual(r.json[0]["service_request_id"], self.o311_no)

    def test_api_exports(self):
        for who in ("admin", "op", "sup"):  # those who see the reporter whole elsewhere, too
            for fmt in ("csv", "json"):
                r = self.req("GET", "%s/export.%s" % (CASES, fmt), token=self.tok[who])
                self.assertEqual(r.status, 200, r.raw[:200])
                self.assertIn(self.case_no.encode(), r.raw)
                self.assertClean("export.%s as %s" % (fmt, who), r.raw)
        r = self.req("GET", CASES + "/export.json", token=self.admin)
        rows = json.loads(r.raw)
        self.assertTrue(rows)
        for row in rows:
            for k in row:
                self.assertNotIn("reporter", k)
                self.assertNotIn(k, ("text", "address", "name", "phone", "email"))
        self.assertEqual(r.headers.get("Content-Type"), "application/json")
        r = self.req("GET", CASES + "/export.csv", token=self.admin)
        self.assertTrue(r.headers.get("Content-Type").startswith("text/csv"))
        head = r.raw.decode().split("\r\n")[0].split(",")
        self.assertEqual(head[:3], ["number", "status", "channel"])
        self.assertNotIn("reporter_phone", head)
        closed = [x for x in rows if x["status"] == "closed"]
        self.assertEqual(closed[0]["satisfaction"], "satisfied")
        # the export takes the list's filters, and lists nothing the caller may not see
        r = self.req("GET", CASES + "/export.json?status=closed", token=self.admin)
        self.assertEqual([x["status"] for x in json.loads(r.raw)], ["closed"])
        r = self.req("GET", CASES + "/export.json", token=self.tok["h2"])
        self.assertNotIn(self.case_no, [x["number"] for x in json.loads(r.raw)])
        self.err(self.req("GET", CASES + "/export.csv?status=nope", token=self.admin), 400,
                 field="status")

    def test_cli_export(self):
        for fmt in ("csv", "json"):
            out = os.path.join(self.server.tmp, "cases." + fmt)
            p = run_cli("export", "cases", "--db", self.server.db, "--format", fmt, "--out", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out, encoding="utf-8") as f:
                text = f.read()
            self.assertIn(self.case_no, text)
            self.assertIn(self.o311_no, text)
            self.assertClean("gongzhi export --format " + fmt, text)
        data = json.loads(text)
        self.assertGreaterEqual(len(data), 3)
        # a range: nothing was created in 2020
        p = run_cli("export", "cases", "--db", self.server.db, "--format", "json",
                    "--from", "2020-01-01", "--to", "2020-02-01")
        self.assertEqual((p.returncode, json.loads(p.stdout)), (0, []), p.stderr)
        p = run_cli("export", "cases", "--db", self.server.db, "--from", "yesterday")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--from", p.stderr)
        p = run_cli("export", "cases", "--db", self.server.db, "--format", "xml")
        self.assertEqual(p.returncode, 2)
        p = run_cli("export", "people", "--db", self.server.db)
        self.assertEqual(p.returncode, 2)

    def test_cli_report(self):
        for fmt in ("html", "csv"):
            out = os.path.join(self.server.tmp, "report." + fmt)
            period = self.ok(self.get("%s/%s" % (CASES, self.case_no)))["created_at"][:7]
            p = run_cli("report", "--db", self.server.db, "--period", period, "--level",
                        "department", "--format", fmt, "--out", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out, encoding="utf-8") as f:
                self.assertClean("gongzhi report --format " + fmt, f.read())


class UnmaskedReadsAudited(PrivacyCity):
    def pii_reads(self, number):
        return [e for e in self.timeline(number) if e["kind"] == "pii_read"]

    def test_each_whole_read_is_one_event(self):
        n = self._case("诸葛亮", "13600002222")
        self.assertEqual(self.pii_reads(n), [])
        c = self.ok(self.get("%s/%s" % (CASES, n)))  # an admin: whole, on the record
        self.assertEqual((c["reporter_name"], c["reporter_phone"]), ("诸葛亮", "13600002222"))
        reads = self.pii_reads(n)
        self.assertEqual(len(reads), 1)
        e = reads[0]
        self.assertEqual(e["actor_account_id"], self.acct_id("admin"))
        self.assertEqual(e["visibility"], "internal")
        self.assertEqual(e["body"]["fields"], ["reporter_name", "reporter_phone"])
        self.assertEqual(e["body"]["reason"], "case view")
        self.assertEqual(e["body"]["endpoint"], "GET %s/%s" % (CASES, n))
        # why, from the query or the header
        self.ok(self.req("GET", "%s/%s?reason=%s" % (CASES, n, urllib.parse.quote("回访投诉人")),
                         token=self.admin))
        self.ok(self.req("GET", "%s/%s" % (CASES, n), token=self.tok["adm1"],
                         headers={"X-Access-Reason": "complaint #42"}))
        reads = self.pii_reads(n)
        self.assertEqual([e["body"]["reason"] for e in reads],
                         ["case view", "回访投诉人", "complaint #42"])
        self.assertEqual(reads[2]["actor_account_id"], self.acct["adm1"]["id"])
        # a reason that is not one line is refused, and nothing is shown or recorded
        for bad in ("a%0Ab", "x" * 201):
            self.err(self.req("GET", "%s/%s?reason=%s" % (CASES, n, bad), token=self.admin), 400,
                     field="reason")
        self.assertEqual(len(self.pii_reads(n)), 3)

    def test_masked_reads_leave_nothing(self):
        n = self._case("孙权", "13500003333")
        before = len(self.timeline(n))
        for who in ("sup", "disp", "h1", "gw"):
            c = self.ok(self.get("%s/%s" % (CASES, n), self.tok[who]))
            self.assertEqual((c["reporter_name"], c["reporter_phone"]), ("孙*", "135****3333"), who)
            self.ok(self.get("%s/%s/events" % (CASES, n), self.tok[who]))
        # the operator who took the call sees it whole: it is theirs, nothing to record
        c = self.ok(self.get("%s/%s" % (CASES, n), self.tok["op"]))
        self.assertEqual(c["reporter_phone"], "13500003333")
        # lists are masked for admins too: a whole read is one case at a time
        for who in ("admin", "sup"):
            items = self.ok(self.get(CASES + "?limit=500", self.tok[who]))["items"]
            mine = [i for i in items if i["number"] == n][0]
            self.assertEqual(mine["reporter_phone"], "135****3333", who)
            self.assertEqual(mine["reporter_name"], "孙*", who)
        # so are the answers to writes
        r = self.ok(self.post("%s/%s/actions" % (CASES, n), {"action": "comment", "text": "x"}))
        self.assertEqual(r["reporter_phone"], "135****3333")
        kinds = [e["kind"] for e in self.timeline(n)]
        self.assertEqual(len(kinds), before + 1)
        self.assertNotIn("pii_read", kinds)

    def test_metoo_and_duplicate_answers(self):
        r = self.req("POST", CASES, {"channel": "hotline", "text": "井盖缺失 人民路口",
                                     "category": "0101", "lat": 39.9, "lon": 116.4,
                                     "name": "曹操", "phone": "13200008888"}, token=self.tok["op"])
        first = self.ok(r, 201)["number"]
        # a second report nearby: the candidates name the first case, not its reporter
        r = self.req("POST", CASES, {"channel": "hotline", "text": "井盖缺失 人民路口",
                                     "category": "0101", "lat": 39.9001, "lon": 116.4001},
                     token=self.tok["op"])
        second = self.ok(r, 201)
        self.assertEqual(second["duplicate_candidates"][0]["number"], first)
        for where, raw in (("intake answer", json.dumps(second, ensure_ascii=False)),
                           ("created event", json.dumps(self.timeline(second["number"]),
                                                        ensure_ascii=False))):
            self.assertNotIn("曹操", raw, where)
            self.assertNotIn("13200008888", raw, where)
        # me too, by an admin: the answer is masked; the new reporter is kept, not shown
        r = self.ok(self.post("%s/%s/metoo" % (CASES, first), {"channel": "app", "name": "刘备",
                                                                "phone": "13100009999"}))
        self.assertEqual((r["reporter_name"], r["reporter_phone"]), ("曹*", "132****8888"))
        raw = json.dumps([r, self.timeline(first)], ensure_ascii=False)
        for s in ("刘备", "13100009999", "曹操", "13200008888"):
            self.assertNotIn(s, raw)

    def test_the_record_is_for_admins_and_supervisors(self):
        n = self._case("周瑜", "13400004444")
        self.ok(self.get("%s/%s" % (CASES, n)))
        for who, sees in (("admin", True), ("sup", True), ("adm1", True), ("op", False),
                          ("disp", False), ("h1", False), ("gw", False)):
            kinds = [e["kind"] for e in self.timeline(n, who)]
            self.assertEqual("pii_read" in kinds, sees, who)
        # nor on the public timeline
        r = self.req("GET", "/open311/v2/requests/%s.json?extensions=true" % n)
        self.assertNotIn("pii_read", r.raw.decode())

    def test_open311_extras_share_the_record(self):
        before = len(self.pii_reads(self.o311_no))
        x = self.ok(self.get("/api/v1/open311/requests/" + self.o311_no, self.tok["disp"]))
        self.assertNotIn("email", x)
        self.assertEqual(len(self.pii_reads(self.o311_no)), before)
        x = self.ok(self.req("GET", "/api/v1/open311/requests/%s?reason=fraud" % self.o311_no,
                             token=self.admin))
        self.assertEqual(x["email"], PII["o311_email"])
        reads = self.pii_reads(self.o311_no)
        self.assertEqual(len(reads), before + 1)
        self.assertEqual(reads[-1]["body"]["fields"], ["email", "device_id", "account_id"])
        self.assertEqual(reads[-1]["body"]["reason"], "fraud")

    def test_the_chain_still_verifies(self):
        self.ok(self.get("%s/%s" % (CASES, self.case_no)))
        p = run_cli("verify", "--db", self.server.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def acct_id(self, who):
        return self.ok(self.get("/api/v1/me", self.tok[who]))["account"]["id"]
