"""/api/v1/kb and /api/v1/public/kb (the knowledge base), the answer action citing an entry,
and the intake's knowledge-base suggestions and hold: CRUD by role (root admins and root
supervisors write, staff read), every bad field named, search in Chinese substrings of 1, 2
and 3+ characters and in English, ranking by category, pages, the public list of policies in
force, and an answer that cites an entry closes the case and counts as answered at first
contact."""
import datetime
import unittest
import urllib.parse

from casekit import CaseTest

KB = "/api/v1/kb"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
T0 = int(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI).timestamp())

GARBAGE = {"kind": "answer", "category": "13", "ref": "garbage-times",
           "title": "生活垃圾分类投放时间", "body": "每天7:00-9:00和18:00-20:00定时定点投放。",
           "title_en": "When to put out sorted household waste",
           "body_en": "Put sorted waste out daily from 7 to 9 am and 6 to 8 pm.",
           "keywords": ["垃圾分类", "投放"], "source_url": "https://example.gov.cn/lajifenlei"}
GARBAGE_FINE = {"kind": "policy", "category": "1301", "title": "垃圾分类违规处罚办法",
                "body": "个人违反分类投放规定的，由城市管理部门责令改正。",
                "keywords": ["罚款"]}
NOISE = {"kind": "policy", "category": "1401", "title": "夜间施工噪声管理规定",
         "body": "夜间22时至次日6时禁止产生环境噪声污染的建筑施工作业。",
         "title_en": "Night construction noise", "body_en": "No noisy building work 10 pm - 6 am."}
GENERAL = {"kind": "policy", "title": "12345热线服务时间", "body": "热线全天24小时受理诉求。"}


class KbTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}

    @classmethod
    def build_city(cls):
        super().build_city()
        for body in ({"code": "13", "name": "垃圾分类"}, {"code": "1301", "name": "分类投放"},
                     {"code": "14", "name": "噪声"}, {"code": "1401", "name": "施工噪声"}):
            cls._post("/api/v1/categories", body)
        # a rule for each, so only the knowledge base can hold an intake back
        for prefix in ("13", "14"):
            cls._post("/api/v1/routes", {"category_prefix": prefix, "lead_unit": "d1"})
        cls.e = {}
        for name, body in (("garbage", GARBAGE), ("fine", GARBAGE_FINE), ("noise", NOISE),
                           ("general", GENERAL)):
            cls.e[name] = cls._post(KB, body)

    def entry(self, body, who="admin", status=201):
        return self.ok(self.post(KB, body, self.tok[who]), status)

    def search(self, who="op", **q):
        path = KB + "?" + urllib.parse.urlencode(q)
        return self.ok(self.get(path, self.tok[who]))

    def ids(self, doc):
        return [i["id"] for i in doc["items"]]

    # ---- CRUD and rights ----

    def test_create_and_read(self):
        g = self.e["garbage"]
        self.assertEqual(g["version"], 1)
        self.assertEqual(g["kind"], "answer")
        self.assertEqual(g["category"], "13")
        self.assertEqual(g["keywords"], ["垃圾分类", "投放"])
        self.assertTrue(g["active"])
        self.assertTrue(g["current"])
        self.assertIsNone(self.e["general"]["category"])
        self.assertIsNone(self.e["general"]["body_en"])
        got = self.ok(self.get("%s/%d" % (KB, g["id"]), self.tok["h1"]))
        self.assertEqual(got, g)

    def test_writers(self):
        e = self.entry({"title": "主管可写", "body": "根单位的督查员维护知识库"}, who="sup")
        self.assertEqual(e["version"], 1)
        for who in ("op", "disp", "h1", "gw", "res"):
            self.err(self.post(KB, {"title": "x", "body": "y"}, self.tok[who]), 403)
            self.err(self.patch("%s/%d" % (KB, e["id"]), {"title": "x"}, self.tok[who]), 403)
            self.err(self.delete("%s/%d" % (KB, e["id"]), self.tok[who]), 403)
        self.err(self.get(KB, self.tok["res"]), 403)
        self.err(self.get("%s/%d" % (KB, e["id"]), self.tok["res"]), 403)
        self.err(self.req("GET", KB), 401)

    def test_patch_versions_and_delete(self):
        e = self.entry({"title": "临时条目", "body": "正文", "category": "14"})
        p = self.ok(self.patch("%s/%d" % (KB, e["id"]), {"body": "新正文", "version": 1}))
        self.assertEqual(p["version"], 2)
        self.assertEqual(p["body"], "新正文")
        self.assertEqual(p["title"], "临时条目")
        self.err(self.patch("%s/%d" % (KB, e["id"]), {"body": "旧版", "version": 1}), 409,
                 field="version")
        p = self.ok(self.patch("%s/%d" % (KB, e["id"]), {"category": None}))
        self.assertIsNone(p["category"])
        self.assertEqual(p["version"], 3)
        self.ok(self.delete("%s/%d" % (KB, e["id"])))
        self.err(self.get("%s/%d" % (KB, e["id"])), 404)
        self.err(self.delete("%s/%d" % (KB, e["id"])), 404)
        self.err(self.patch("%s/%d" % (KB, e["id"]), {"title": "x"}), 404)
        self.err(self.get(KB + "/abc"), 404)

    def test_bad_fields(self):
        good = {"title": "标题", "body": "正文"}
        for extra, field in (({"kind": "faq"}, "kind"), ({"category": "1"}, "category"),
                             ({"category": 13}, "category"), ({"title": ""}, "title"),
                             ({"body": None}, "body"), ({"title_en": "x"}, "body_en"),
                             ({"keywords": "垃圾"}, "keywords"), ({"keywords": ["a", "a"]}, "keywords"),
                             ({"keywords": [""]}, "keywords"), ({"source_url": "ftp://x"}, "source_url"),
                             ({"valid_from": "2026-12-01", "valid_to": "2026-11-01"}, "valid_to"),
                             ({"valid_from": "tomorrow"}, "valid_from"), ({"active": "yes"}, "active"),
                             ({"ref": "a b"}, "ref"), ({"version": 1}, None), ({"colour": 1}, "colour"),
                             ({"title": "a\nb"}, "title"), ({"body": "x" * 20001}, "body")):
            body = dict(good, **extra)
            if field is None:
                continue  # version is only for PATCH, and ignored when creating
            self.err(self.post(KB, body), 422, field=field)
        self.err(self.post(KB, {}), 422, field="title")
        self.err(self.req("POST", KB, raw="{", token=self.admin), 400)
        self.err(self.patch("%s/%d" % (KB, self.e["noise"]["id"]), {"version": "2"}), 422,
                 field="version")
        self.entry({"title": "唯一", "body": "x", "ref": "dup-ref"})
        self.err(self.post(KB, {"title": "重复", "body": "y", "ref": "dup-ref"}), 409, field="ref")

    # ---- search ----

    def test_search_chinese_substrings(self):
        g, f = self.e["garbage"]["id"], self.e["fine"]["id"]
        self.assertEqual(set(self.ids(self.search(q="垃圾"))), {g, f})         # 2 characters
        self.assertEqual(set(self.ids(self.search(q="罚"))), {f})              # 1 character
        self.assertEqual(set(self.ids(self.search(q="分类投放"))), {g, f})    # 4 characters
        self.assertEqual(self.ids(self.search(q="定时定点")), [g])           # body, 4
        self.assertEqual(self.ids(self.search(q="热线 24")), [self.e["general"]["id"]])
        self.assertEqual(self.ids(self.search(q="垃圾 噪声")), [])            # words ANDed
        self.assertEqual(self.ids(self.search(q="罚款")), [f])               # a keyword

    def test_search_english(self):
        g, n = self.e["garbage"]["id"], self.e["noise"]["id"]
        self.assertEqual(self.ids(self.search(q="waste")), [g])
        self.assertEqual(self.ids(self.search(q="WASTE sorted")), [g])
        self.assertEqual(self.ids(self.search(q="noisy")), [n])
        self.assertEqual(set(self.ids(self.search(q="am"))), {g, n})      # 2 letters
        self.assertEqual(self.ids(self.search(q="waste", lang="zh")), [])
        self.assertEqual(self.ids(self.search(q="定时", lang="en")), [])
        self.assertEqual(self.ids(self.search(q="垃圾", lang="en")), [g])   # keywords serve both
        self.assertEqual(set(self.ids(self.search(lang="en"))), {g, n})

    def test_category_ranking_and_filters(self):
        g, f, n = self.e["garbage"]["id"], self.e["fine"]["id"], self.e["noise"]["id"]
        # exact category first, then its ancestors
        self.assertEqual(self.ids(self.search(category="1301")), [f, g])
        # a parent: itself first, then what lies below it
        self.assertEqual(self.ids(self.search(category="13")), [g, f])
        self.assertEqual(self.ids(self.search(category="13", q="垃圾分类")), [g, f])
        self.assertEqual(self.ids(self.search(category="1401")), [n])
        self.assertEqual(self.ids(self.search(category="13", kind="policy")), [f])
        self.assertNotIn(n, self.ids(self.search(kind="answer")))
        for bad in ("category=1", "kind=faq", "lang=fr", "active=maybe", "limit=0", "cursor=zz"):
            r = self.get(KB + "?" + bad, self.tok["op"])
            self.err(r, 400, field=bad.split("=")[0])

    def test_pages(self):
        seen, cursor = [], None
        for _ in range(20):
            doc = self.search(limit=2, **({"cursor": cursor} if cursor else {}))
            seen += self.ids(doc)
            cursor = doc["next_cursor"]
            if not cursor:
                break
        every = self.ids(self.search(limit=500))
        self.assertEqual(seen, every)
        self.assertEqual(len(set(seen)), len(seen))

    def test_public_policies(self):
        past = self.entry({"kind": "policy", "title": "已废止的政策", "body": "旧规定",
                           "valid_to": "2026-01-01"})
        off = self.entry({"kind": "policy", "title": "停用的政策", "body": "停用", "active": False})
        r = self.req("GET", "/api/v1/public/kb")
        doc = self.ok(r)
        ids = self.ids(doc)
        self.assertIn(self.e["noise"]["id"], ids)
        self.assertIn(self.e["general"]["id"], ids)
        for hidden in (self.e["garbage"]["id"], past["id"], off["id"]):
            self.assertNotIn(hidden, ids)
        for item in doc["items"]:
            self.assertEqual(item["kind"], "policy")
            for k in ("ref", "active", "created_at"):
                self.assertNotIn(k, item)
        self.assertEqual(self.ids(self.ok(self.req("GET", "/api/v1/public/kb?q=%E5%99%AA%E5%A3%B0"))),
                         [self.e["noise"]["id"]])
        self.err(self.req("GET", "/api/v1/public/kb?category=x"), 400, field="category")
        self.assertFalse(self.ok(self.get("%s/%d" % (KB, past["id"])))["current"])

    # ---- intake and the answer ----

    def test_intake_holds_and_suggests(self):
        c = self.intake(category="1301", text="请问小区垃圾分类几点可以投放？")
        self.assertEqual(c["status"], "received")
        self.assertEqual(c["route"]["held"], "the category has a knowledge-base answer")
        sug = c["kb_suggestions"]
        self.assertLessEqual(len(sug), 3)
        self.assertEqual(sug[0]["id"], self.e["fine"]["id"])   # its own category first
        self.assertIn(self.e["garbage"]["id"], [s["id"] for s in sug])
        self.assertEqual(set(sug[0]), {"id", "kind", "category", "title", "title_en", "version"})
        # a category with only a policy entry is dispatched by the rule
        d = self.intake(category="1401", text="工地夜里施工太吵")
        self.assertEqual(d["status"], "dispatched")
        self.assertEqual(d["kb_suggestions"][0]["id"], self.e["noise"]["id"])
        # no category: suggested by the text alone
        t = self.intake(text="晚上工地施工噪声很大，睡不着")
        self.assertIn(self.e["noise"]["id"], [s["id"] for s in t.get("kb_suggestions", [])])

    def test_answer_cites_entry(self):
        c = self.intake(category="1301", text="垃圾分类什么时候投放？")
        g = self.e["garbage"]
        out = self.act(c["number"], "answer", "op", kb_entry=g["id"])
        self.assertEqual(out["status"], "closed")
        evs = self.ok(self.get("/api/v1/cases/%s/events" % c["number"], self.tok["sup"]))["items"]
        ans = [e for e in evs if e["kind"] == "answer"][0]
        self.assertEqual(ans["body"]["text"], GARBAGE["body"])
        self.assertEqual(ans["body"]["kb_entry"], {"id": g["id"], "version": 1,
                                                   "title": GARBAGE["title"], "lang": "zh"})
        # English: asked for, or the case's own language
        e1 = self.intake(category="1301", text="When can I put out my recycling?")
        self.act(e1["number"], "answer", "op", kb_entry=g["id"])
        e2 = self.intake(category="1301", text="垃圾投放时间")
        self.act(e2["number"], "answer", "op", kb_entry=g["id"], lang="en")
        for n in (e1["number"], e2["number"]):
            evs = self.ok(self.get("/api/v1/cases/%s/events" % n, self.tok["sup"]))["items"]
            ans = [e for e in evs if e["kind"] == "answer"][0]
            self.assertEqual(ans["body"]["text"], GARBAGE["body_en"])
            self.assertEqual(ans["body"]["kb_entry"]["title"], GARBAGE["title_en"])
        # the operator's own text, still citing
        e3 = self.intake(category="1401", text="施工噪声", hold=True)
        self.act(e3["number"], "answer", "op", kb_entry=self.e["noise"]["id"], text="已告知规定")
        evs = self.ok(self.get("/api/v1/cases/%s/events" % e3["number"], self.tok["sup"]))["items"]
        ans = [e for e in evs if e["kind"] == "answer"][0]
        self.assertEqual(ans["body"]["text"], "已告知规定")
        self.assertEqual(ans["body"]["kb_entry"]["id"], self.e["noise"]["id"])

    def test_answer_defaults_to_category_entry(self):
        c = self.intake(category="1301", text="咨询投放时间")
        self.act(c["number"], "answer", "op")
        evs = self.ok(self.get("/api/v1/cases/%s/events" % c["number"], self.tok["sup"]))["items"]
        ans = [e for e in evs if e["kind"] == "answer"][0]
        self.assertEqual(ans["body"]["kb_entry"]["id"], self.e["garbage"]["id"])
        self.assertEqual(ans["body"]["text"], GARBAGE["body"])
        # the category's own kb_answer still comes first (casekit's 1201)
        k = self.intake(category="1201", text="社保卡丢了怎么办")
        self.act(k["number"], "answer", "op")
        evs = self.ok(self.get("/api/v1/cases/%s/events" % k["number"], self.tok["sup"]))["items"]
        ans = [e for e in evs if e["kind"] == "answer"][0]
        self.assertNotIn("kb_entry", ans["body"])

    def test_answer_refuses_entries_not_in_force(self):
        off = self.entry({"title": "停用的答复", "body": "x", "active": False})
        late = self.entry({"title": "明年的答复", "body": "x", "valid_from": "2027-01-01"})
        gone = self.entry({"title": "过期的答复", "body": "x", "valid_to": "2026-11-01"})
        c = self.intake(category="1301", text="问题", hold=True)
        for e in (off, late, gone):
            self.err(self.act(c["number"], "answer", "op", status=None, kb_entry=e["id"]), 409,
                     field="kb_entry")
        self.err(self.act(c["number"], "answer", "op", status=None, kb_entry=999999), 422,
                 field="kb_entry")
        self.err(self.act(c["number"], "answer", "op", status=None, kb_entry="x"), 422,
                 field="kb_entry")
        self.err(self.act(c["number"], "answer", "op", status=None, kb_entry=off["id"],
                          lang="fr"), 422, field="lang")
        self.err(self.act(c["number"], "dispatch", "disp", status=None, unit="d1",
                          kb_entry=self.e["garbage"]["id"]), 422, field="kb_entry")
        self.err(self.act(c["number"], "answer", "disp", status=None,
                          kb_entry=self.e["garbage"]["id"]), 403)
        self.assertEqual(self.case(c["number"])["status"], "received")

    def test_counts_as_first_contact(self):
        c = self.intake(category="1401", text="施工噪声咨询", hold=True)
        self.act(c["number"], "answer", "op", kb_entry=self.e["noise"]["id"])
        doc = self.ok(self.get("/api/v1/kpi/roles?period=2026-11&role=operator", self.tok["sup"]))
        op = [i for i in doc["items"] if i["account"]["login"] == "op"][0]["figures"]["operator"]
        self.assertGreaterEqual(op["answered"], 1)
        self.assertGreater(op["answered_share"], 0)
        eff = self.ok(self.get("/api/v1/effectiveness?period=2026-11", self.tok["sup"]))
        self.assertGreater(eff["current"]["responsiveness"]["first_contact_share"], 0)


class KbImportTest(unittest.TestCase):
    """gongzhi import kb FILE.json|FILE.csv: one transaction, a ref updates in place."""

    def test_import(self):
        import json
        import os
        from harness import Server, run_cli
        srv = Server()
        try:
            path = os.path.join(srv.tmp, "kb.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"entries": [dict(GARBAGE, category=None), GENERAL]}, f,
                          ensure_ascii=False)
            p = run_cli("import", "kb", path, "--db", srv.db)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("imported 2 kb", p.stdout)
            csv = os.path.join(srv.tmp, "kb.csv")
            with open(csv, "w", encoding="utf-8") as f:
                f.write("ref,kind,title,body,keywords,active\n"
                        "garbage-times,answer,垃圾投放时间（新）,新的时间,垃圾; 投放 ;,true\n"
                        ",policy,噪声规定,夜间禁止施工,,1\n")
            p = run_cli("import", "kb", csv, "--db", srv.db)
            self.assertEqual(p.returncode, 0, p.stderr)
            bad = os.path.join(srv.tmp, "bad.csv")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("title,body,kind\n好,好,answer\n坏,坏,faq\n")
            p = run_cli("import", "kb", bad, "--db", srv.db)
            self.assertEqual(p.returncode, 1)
            self.assertIn("line 3", p.stderr)
            self.assertIn("kind", p.stderr)
            srv.start()
            tok = srv.login("admin", __import__("harness").ADMIN_PASSWORD)
            doc = srv.request("GET", KB + "?limit=50", token=tok).json
            by = {i["title"]: i for i in doc["items"]}
            self.assertEqual(len(doc["items"]), 3)   # the bad file wrote nothing
            new = by["垃圾投放时间（新）"]
            self.assertEqual(new["version"], 2)
            self.assertEqual(new["keywords"], ["垃圾", "投放"])
            self.assertEqual(new["ref"], "garbage-times")
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
