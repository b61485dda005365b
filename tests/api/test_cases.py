"""/api/v1/cases: intake (fields, channels and roles, validation that stores nothing),
Idempotency-Key, case numbers, reading one case and its timeline, who sees which case and
its reporter's personal data, and the list with its filters."""
import concurrent.futures
import json
import threading
import time
import unittest

from casekit import CASES, NUMBER, CaseTest
from harness import ADMIN_PASSWORD, RFC3339, Server, parse_time

T0 = 1774936800  # Tuesday 2026-03-31 14:00 in Asia/Shanghai


def seq(number):
    return int(number.split("-")[1])


class IntakeTest(CaseTest):
    def test_intake_all_fields(self):
        r = self.req("POST", CASES, {
            "channel": "hotline", "text": "和平里东街12号门口暴露垃圾", "lat": 39.95, "lon": 116.41,
            "address": "东城区和平里东街12号", "category": "0101", "priority": "urgent",
            "name": "李四", "phone": "+86 138-1234-5678", "external_id": "HL-2026-0001"},
            token=self.tok["op"])
        c = self.ok(r, 201)
        self.assertRegex(c["number"], NUMBER)
        self.assertEqual(r.headers.get("Location"), "/api/v1/cases/" + c["number"])
        self.assertEqual(c["status"], "received")
        self.assertEqual(c["channel"], "hotline")
        self.assertEqual(c["text"], "和平里东街12号门口暴露垃圾")
        self.assertEqual(c["address"], "东城区和平里东街12号")
        self.assertAlmostEqual(c["lat"], 39.95)
        self.assertAlmostEqual(c["lon"], 116.41)
        self.assertEqual(c["category"], "0101")
        self.assertEqual(c["category_source"], "operator")
        self.assertEqual(c["priority"], "urgent")
        self.assertEqual(c["reporter_name"], "李四")
        self.assertEqual(c["reporter_phone"], "+86 138-1234-5678")
        self.assertEqual(c["external_id"], "HL-2026-0001")
        self.assertRegex(c["created_at"], RFC3339)
        self.assertIsNone(c["lead_unit_id"])
        self.assertEqual(c["metoo"], 0)
        self.assertEqual(c["rework_count"], 0)
        # what was stored is what was answered
        got = self.case(c["number"], "op")
        c.pop("overdue"), got.pop("overdue")
        route = c.pop("route")
        self.assertEqual(got, c)
        # no rule and no jurisdiction: the dispatcher decides, and the record says why
        self.assertEqual(route["source"], "none")
        self.assertFalse(route["dispatched"])
        self.assertEqual(route["held"], "no rule of the responsibility matrix applies")
        evs = self.events(c["number"])
        self.assertEqual([e["kind"] for e in evs], ["created"])
        self.assertEqual(evs[0]["body"], {"channel": "hotline", "route": route})

    def test_minimal_and_anonymous(self):
        c = self.intake(text="路灯不亮")
        self.assertIsNone(c["category"])
        self.assertIsNone(c["category_source"])
        self.assertIsNone(c["lat"])
        self.assertIsNone(c["address"])
        self.assertEqual(c["priority"], "normal")
        self.assertIsNone(c["reporter_phone"])
        c = self.intake(text="匿名举报", name="张三", phone="13800000000", anonymous=True)
        self.assertIsNone(c["reporter_name"])
        self.assertIsNone(c["reporter_phone"])
        self.assertIsNone(self.case(c["number"])["reporter_phone"])

    def test_channels_and_roles(self):
        for channel, who in (("hotline", "op"), ("web", "res"), ("app", "res"),
                             ("open311", "res"), ("grid", "gw"), ("sensor", "op"),
                             ("import", "op"), ("web", "h1")):
            c = self.intake(who=who, channel=channel, text="渠道测试 " + channel)
            self.assertEqual(c["channel"], channel)
            self.assertEqual(c["status"], "received")
        before = self.counts()
        for channel, who in (("hotline", "res"), ("hotline", "h1"), ("grid", "op"),
                             ("sensor", "res"), ("import", "disp")):
            self.err(self.intake(who=who, channel=channel, status=None), 403, field="channel")
        # only operators and dispatchers set the category
        self.err(self.intake(who="res", channel="web", category="0101", status=None), 403,
                 field="category")
        self.assertEqual(self.counts(), before)
        c = self.intake(who="disp", channel="web", category="0101")
        self.assertEqual(c["category"], "0101")

    def test_reporter_follows_own_web_case(self):
        c = self.intake(who="res", channel="app", text="井盖缺失很危险", phone="13912345678")
        n = c["number"]
        mine = self.case(n, "res")
        self.assertEqual(mine["reporter_phone"], "13912345678")
        self.assertEqual([e["kind"] for e in self.events(n, "res")], ["created"])

    def test_bad_intake_stores_nothing(self):
        first = self.intake(text="前一件")["number"]
        before = self.counts()
        long_text = "垃" * 5001
        cases = [
            ({"text": long_text}, 422, "text"),
            ({"text": ""}, 422, "text"),
            ({"text": None, "address": "x"}, 422, "text"),
            ({"text": 12}, 422, "text"),
            ({"lat": 91, "lon": 116.4}, 422, "lat"),
            ({"lat": -90.5, "lon": 116.4}, 422, "lat"),
            ({"lat": 39.9, "lon": 181}, 422, "lon"),
            ({"lat": 39.9, "lon": -180.01}, 422, "lon"),
            ({"lat": 39.9}, 422, "lon"),
            ({"lon": 116.4}, 422, "lat"),
            ({"lat": "39.9", "lon": 116.4}, 422, "lat"),
            ({"category": "9999"}, 422, "category"),
            ({"category": "abc"}, 422, "category"),
            ({"phone": "call me"}, 422, "phone"),
            ({"phone": "12"}, 422, "phone"),
            ({"phone": "1" * 30}, 422, "phone"),
            ({"channel": "carrier-pigeon"}, 422, "channel"),
            ({"channel": None}, 422, "channel"),
            ({"priority": "high"}, 422, "priority"),
            ({"colour": "red"}, 422, "colour"),
        ]
        for fields, status, field in cases:
            r = self.intake(status=None, **fields)
            self.err(r, status, field=field)
            self.assertEqual(self.counts(), before, fields)
        # invalid UTF-8 in the text, as raw bytes
        for raw in (b'{"channel":"hotline","text":"\xe5\x9e"}',
                    b'{"channel":"hotline","text":"ok \xff\xfe"}',
                    b'{"channel":"hotline","text":"\xed\xa0\x80"}'):
            r = self.req("POST", CASES, raw=raw, token=self.tok["op"])
            self.assertIn(r.status, (400, 422), r.raw)
            self.assertIn(r.json["error"]["field"], ("text", "body"), r.raw)
        # not JSON, not an object, wrong type
        self.err(self.req("POST", CASES, raw=b"{", token=self.tok["op"]), 400)
        self.err(self.req("POST", CASES, raw=b"[]", token=self.tok["op"]), 400)
        self.err(self.req("POST", CASES, raw=b"{}", token=self.tok["op"],
                          headers={"Content-Type": "text/plain"}), 415)
        self.err(self.req("POST", CASES, {"channel": "hotline", "text": "x"}), 401)
        self.assertEqual(self.counts(), before)
        # no number was used up: the next one follows the last good one
        nxt = self.intake(text="后一件")["number"]
        self.assertEqual(seq(nxt), seq(first) + 1)
        # and the limits themselves are fine
        c = self.intake(text="垃" * 5000, lat=-90, lon=180)
        self.assertEqual(len(c["text"]), 5000)

    # ---- Idempotency-Key ----

    def test_idempotency_key(self):
        before = self.counts()
        k = {"Idempotency-Key": "call-7f3a-0001"}
        r1 = self.intake(headers=k, status=None, text="重复提交测试")
        a = self.ok(r1, 201)
        r2 = self.intake(headers=k, status=None, text="重复提交测试")
        self.assertIn(r2.status, (200, 201), r2.raw)
        self.assertEqual(r2.json["number"], a["number"])
        self.assertEqual(r2.headers.get("Idempotent-Replayed"), "true")
        # the first answer even when the repeat differs
        r3 = self.intake(headers=k, status=None, text="换了内容")
        self.assertEqual(r3.json["number"], a["number"])
        self.assertEqual(r3.json["text"], "重复提交测试")
        self.assertEqual(self.counts(), (before[0] + 1, before[1] + 1))
        # another key: another case
        b = self.intake(headers={"Idempotency-Key": "call-7f3a-0002"}, text="重复提交测试")
        self.assertNotEqual(b["number"], a["number"])
        # the same key from another account: a case of its own
        c = self.intake(who="disp", channel="web", headers=k, text="重复提交测试")
        self.assertNotEqual(c["number"], a["number"])
        self.assertNotEqual(c["number"], b["number"])
        self.assertEqual(self.counts(), (before[0] + 3, before[1] + 3))
        # a bad key is refused and stores nothing
        for bad in ("x" * 129, ""):
            r = self.intake(headers={"Idempotency-Key": bad}, status=None)
            self.err(r, 400, field="Idempotency-Key")
        self.assertEqual(self.counts(), (before[0] + 3, before[1] + 3))

    def test_idempotency_key_with_a_bad_body_keeps_the_key_free(self):
        k = {"Idempotency-Key": "call-bad-then-good"}
        self.err(self.intake(headers=k, status=None, lat=91, lon=1), 422, field="lat")
        a = self.intake(headers=k, text="第二次提交是好的")
        self.assertEqual(a["text"], "第二次提交是好的")

    def test_idempotency_key_concurrent(self):
        before = self.counts()
        k = {"Idempotency-Key": "call-concurrent"}
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            rs = list(ex.map(lambda _: self.intake(headers=k, status=None, text="并发"), range(8)))
        self.assertEqual({r.status for r in rs} - {200, 201}, set(), [r.raw for r in rs])
        self.assertEqual(len({r.json["number"] for r in rs}), 1)
        self.assertEqual(self.counts(), (before[0] + 1, before[1] + 1))

    # ---- numbers ----

    def test_numbers_consecutive_and_unique(self):
        ns = [self.intake(text="编号 %d" % i)["number"] for i in range(5)]
        for n in ns:
            self.assertRegex(n, NUMBER)
        days = {n[:8] for n in ns}
        if len(days) == 1:  # not across midnight
            self.assertEqual([seq(n) for n in ns], list(range(seq(ns[0]), seq(ns[0]) + 5)))
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            more = list(ex.map(lambda i: self.intake(text="并发编号 %d" % i)["number"], range(24)))
        self.assertEqual(len(set(more)), 24)
        self.assertEqual(len(set(more) | set(ns)), 29)
        if len({n[:8] for n in more}) == 1:
            s = sorted(seq(n) for n in more)
            self.assertEqual(s, list(range(s[0], s[0] + 24)))

    # ---- reading ----

    def test_get_missing(self):
        self.err(self.get(CASES + "/20000101-000001"), 404)
        self.err(self.get(CASES + "/bogus"), 404)
        self.err(self.get(CASES + "/20000101-000001/events"), 404)
        self.err(self.req("GET", CASES + "/20000101-000001"), 401)


class OneThreadTest(CaseTest):
    """Intake and actions park their handler while their write waits for the group commit
    (util/fiber.h): one HTTP thread carries many at once, and still answers reads."""
    SERVE_ARGS = ("--threads", "1")

    def test_one_thread_carries_concurrent_writes(self):
        before = self.counts()
        with concurrent.futures.ThreadPoolExecutor(16) as ex:
            got = [ex.submit(self.intake, text="单线程并发 %d" % i) for i in range(48)]
            health = ex.submit(self.req, "GET", "/api/v1/health")
            cases = [f.result() for f in got]
            self.assertEqual(health.result().status, 200)
            self.assertEqual(len({c["number"] for c in cases}), 48)
            acts = list(ex.map(lambda c: self.act(c["number"], "comment", "op", text="跟进"),
                               cases))
        self.assertEqual({a["number"] for a in acts}, {c["number"] for c in cases})
        self.assertEqual(self.counts(), (before[0] + 48, before[1] + 96))

    def test_a_stop_finishes_parked_writes(self):
        """SIGTERM in the middle of a burst: the server exits cleanly, and every intake it
        acknowledged is there after a restart."""
        srv = Server(serve_args=self.SERVE_ARGS).start()
        try:
            tok = srv.login("admin", ADMIN_PASSWORD)
            stop = threading.Event()
            acked = []

            def burst(i):
                while not stop.is_set():
                    try:
                        r = srv.request("POST", CASES, {"channel": "hotline", "text": "停机 %d" % i},
                                        token=tok)
                    except OSError:
                        return
                    if r.status == 201:
                        acked.append(r.json["number"])
            threads = [threading.Thread(target=burst, args=(i,)) for i in range(12)]
            for t in threads:
                t.start()
            time.sleep(0.5)
            rc = srv.stop()
            stop.set()
            for t in threads:
                t.join()
            self.assertEqual(rc, 0, srv.stderr())
            self.assertGreater(len(acked), 0)
            srv.start()
            tok = srv.login("admin", ADMIN_PASSWORD)
            for n in acked:
                self.assertEqual(srv.request("GET", CASES + "/" + n, token=tok).status, 200, n)
        finally:
            srv.stop()
            srv.cleanup()


class PrivacyTest(CaseTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls._post("/api/v1/accounts", {"login": "op2", "name": "op2", "password": "Passw0rd-user"})
        cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": "city", "role": "operator"})
        cls.tok["op2"] = cls.server.login("op2", "Passw0rd-user")
        c = cls.server.request("POST", CASES, {"channel": "hotline", "text": "噪音扰民，夜里施工",
                                               "category": "0101", "name": "赵六",
                                               "phone": "13812345678"}, token=cls.tok["op"]).json
        cls.n = c["number"]
        cls.server.request("POST", "%s/%s/actions" % (CASES, cls.n),
                           {"action": "dispatch", "unit": "d1"}, token=cls.tok["disp"])

    def test_other_unit_does_not_see_it(self):
        self.err(self.get(CASES + "/" + self.n, self.tok["h2"]), 404)
        self.err(self.get("%s/%s/events" % (CASES, self.n), self.tok["h2"]), 404)
        self.assertEqual(self.get(CASES + "/" + self.n, self.tok["gw"]).json["reporter_phone"],
                         "138****5678")
        self.err(self.get(CASES + "/" + self.n, self.tok["res"]), 404)
        r = self.get(CASES + "?limit=500", self.tok["h2"])
        self.assertNotIn(self.n, [c["number"] for c in self.ok(r)["items"]])
        r = self.get(CASES + "?limit=500", self.tok["h1"])
        self.assertIn(self.n, [c["number"] for c in self.ok(r)["items"]])

    def test_operator_who_took_the_call_sees_it_whole(self):
        c = self.case(self.n, "op")
        self.assertEqual(c["reporter_phone"], "13812345678")
        self.assertEqual(c["reporter_name"], "赵六")
        c = self.case(self.n, "admin")
        self.assertEqual(c["reporter_phone"], "13812345678")
        self.assertEqual(c["reporter_name"], "赵六")

    def test_everyone_else_sees_it_masked(self):
        for who in ("h1", "op2", "disp", "sup"):
            c = self.case(self.n, who)
            self.assertEqual(c["reporter_phone"], "138****5678", who)
            self.assertEqual(c["reporter_name"], "赵*", who)  # DESIGN §8: masked, not dropped
            self.assertNotIn("赵六", json.dumps(c, ensure_ascii=False), who)
            self.assertNotIn("13812345678", json.dumps(c), who)
            items = self.ok(self.get(CASES + "?limit=500", self.tok[who]))["items"]
            mine = [i for i in items if i["number"] == self.n]
            self.assertEqual(len(mine), 1, who)
            self.assertEqual(mine[0]["reporter_phone"], "138****5678", who)
            self.assertEqual(mine[0]["reporter_name"], "赵*", who)
            # nor in the timeline
            evs = self.ok(self.get("%s/%s/events" % (CASES, self.n), self.tok[who])).get("items")
            self.assertNotIn("13812345678", json.dumps(evs), who)

    def test_handler_of_the_lead_unit(self):
        c = self.case(self.n, "h1")
        self.assertEqual(c["lead_unit_id"], self.unit_id["d1"])
        self.assertEqual(sorted(c["allowed_actions"]), ["accept", "comment", "extend", "return"])


class CaseListTest(CaseTest):
    """GET /api/v1/cases on a fixed clock: T0 for intake, then T0 + 3 h for overdue."""

    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = ("--timezone", "Asia/Shanghai")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server

        def intake(who, **body):
            r = s.request("POST", CASES, body, token=cls.tok[who])
            assert r.status == 201, r.raw
            return r.json["number"]

        def act(n, who, **body):
            r = s.request("POST", "%s/%s/actions" % (CASES, n), body, token=cls.tok[who])
            assert r.status == 200, r.raw

        cls.a = intake("op", channel="hotline", text="小区门口垃圾桶满了没人清", category="0101")
        act(cls.a, "disp", action="dispatch", unit="d1")
        cls.b = intake("op", channel="web", text="路灯不亮已经一周", category="0102",
                       address="和平里东街")
        act(cls.b, "disp", action="dispatch", unit="st")
        act(cls.b, "disp", action="comment", text="x")
        cls.c = intake("res", channel="app", text="社保卡怎么补办")
        act(cls.c, "op", action="answer", text="请到社保大厅补办")
        cls.d = intake("gw", channel="grid", text="建筑垃圾堆放在绿化带里")
        act(cls.d, "disp", action="dispatch", unit="d2", category="0101")
        act(cls.d, "h2", action="accept")
        cls.e = intake("op", channel="sensor", text="噪音扰民 深夜施工 garbage")
        act(cls.e, "op", action="invalidate", reason="设备误报")
        cls.all = {cls.a, cls.b, cls.c, cls.d, cls.e}

    def numbers(self, query, who="admin", status=200):
        r = self.get(CASES + query, self.tok[who])
        body = self.ok(r, status)
        return {c["number"] for c in body["items"]}

    def test_all_and_shape(self):
        body = self.ok(self.get(CASES))
        self.assertEqual({c["number"] for c in body["items"]}, self.all)
        self.assertIsNone(body["next_cursor"])
        item = [c for c in body["items"] if c["number"] == self.a][0]
        for k in ("number", "status", "channel", "category", "priority", "text", "lead_unit_id",
                  "created_at", "respond_by", "resolve_by", "overdue"):
            self.assertIn(k, item)
        self.assertEqual(item["status"], "dispatched")
        self.assertEqual(item["created_at"], "2026-03-31T06:00:00Z")
        # newest first; same second: by id, newest first
        self.assertEqual([c["number"] for c in body["items"]],
                         sorted(self.all, reverse=True))

    def test_status(self):
        self.assertEqual(self.numbers("?status=dispatched"), {self.a, self.b})
        self.assertEqual(self.numbers("?status=dispatched,accepted,closed"),
                         {self.a, self.b, self.c, self.d})
        self.assertEqual(self.numbers("?status=invalid"), {self.e})
        self.assertEqual(self.numbers("?status=parked"), set())

    def test_unit_and_subtree(self):
        self.assertEqual(self.numbers("?unit=d1"), {self.a})
        self.assertEqual(self.numbers("?unit=%d" % self.unit_id["d2"]), {self.d})
        self.assertEqual(self.numbers("?unit=dist"), set())
        self.assertEqual(self.numbers("?unit=dist&subtree=true"), {self.b})
        self.assertEqual(self.numbers("?unit=city&subtree=true"), {self.a, self.b, self.d})

    def test_category_prefix(self):
        self.assertEqual(self.numbers("?category=01"), {self.a, self.b, self.d})
        self.assertEqual(self.numbers("?category=0101"), {self.a, self.d})
        self.assertEqual(self.numbers("?category=0102"), {self.b})
        self.assertEqual(self.numbers("?category=12"), set())

    def test_channel(self):
        self.assertEqual(self.numbers("?channel=hotline,grid"), {self.a, self.d})
        self.assertEqual(self.numbers("?channel=app"), {self.c})

    def test_combined(self):
        self.assertEqual(self.numbers("?category=01&status=accepted&channel=grid"), {self.d})
        self.assertEqual(self.numbers("?category=01&status=accepted&channel=hotline"), set())

    def test_search(self):
        from urllib.parse import quote
        self.assertEqual(self.numbers("?q=" + quote("垃圾")), {self.a, self.d})
        self.assertEqual(self.numbers("?q=" + quote("垃圾桶")), {self.a})
        self.assertEqual(self.numbers("?q=" + quote("绿化带")), {self.d})
        self.assertEqual(self.numbers("?q=" + quote("垃圾 绿化")), {self.d})
        self.assertEqual(self.numbers("?q=" + quote("噪音")), {self.e})
        self.assertEqual(self.numbers("?q=" + quote("东街")), {self.b})  # the address
        self.assertEqual(self.numbers("?q=GARBAGE"), {self.e})
        self.assertEqual(self.numbers("?q=" + quote("垃圾") + "&status=accepted"), {self.d})
        self.assertEqual(self.numbers("?q=" + quote("没有这种事")), set())
        self.assertEqual(self.numbers("?q=" + quote("圾")), {self.a, self.d})

    def test_pages(self):
        items, pages = self.list_all(CASES, limit=2)
        got = [c["number"] for c in items]
        self.assertEqual(len(got), len(set(got)))
        self.assertEqual(set(got), self.all)
        self.assertEqual(pages, 3)
        items, _ = self.list_all(CASES + "?sort=deadline", limit=1)
        got = [c["number"] for c in items]
        self.assertEqual(sorted(got), sorted(self.all))
        # nearest deadline first; cases without one last
        dl = [c["resolve_by"] for c in items]
        with_dl = [parse_time(x) for x in dl if x]
        self.assertEqual(with_dl, sorted(with_dl))
        self.assertEqual(dl[len(with_dl):], [None] * (len(dl) - len(with_dl)))

    def test_visibility_in_lists(self):
        self.assertEqual(self.numbers("", "h1"), {self.a})
        self.assertEqual(self.numbers("", "h2"), {self.d})
        self.assertEqual(self.numbers("?unit=d1", "h2"), set())
        # grid workers verify for every unit, so they see every case
        self.assertEqual(self.numbers("", "gw"), self.numbers("", "sup"))

    def test_bad_parameters(self):
        for q, param in (("?status=bogus", "status"), ("?status=received,", "status"),
                         ("?channel=fax", "channel"), ("?unit=no-such", "unit"),
                         ("?subtree=true", "subtree"), ("?subtree=maybe&unit=d1", "subtree"),
                         ("?category=0x", "category"), ("?overdue=yes", "overdue"),
                         ("?limit=0", "limit"), ("?limit=501", "limit"), ("?limit=x", "limit"),
                         ("?cursor=!!!", "cursor"), ("?sort=name", "sort"), ("?order=up", "order"),
                         ("?created_from=yesterday", "created_from"),
                         ("?bbox=1,2,3", "bbox"), ("?q=" + "x" * 201, "q"),
                         ("?q=%FF", "q")):
            self.err(self.get(CASES + q), 400, field=param)

    def test_dates(self):
        self.assertEqual(self.numbers("?created_from=2026-03-31&created_to=2026-04-01"), self.all)
        self.assertEqual(self.numbers("?created_from=2026-04-01"), set())
        self.assertEqual(self.numbers("?created_to=2026-03-31T06:00:00Z"), set())
        self.assertEqual(self.numbers("?created_from=2026-03-31T14:00:00%2B08:00"), self.all)

    def test_overdue(self):
        self.assertEqual(self.numbers("?overdue=true"), set())
        srv = self.server
        srv.stop()
        srv.env["GONGZHI_NOW"] = str(T0 + 3 * 3600)  # 17:00: respond_by (16:00) has passed
        srv.start()
        try:
            self.relogin()
            self.assertEqual(self.numbers("?overdue=true"), {self.a, self.b})
            self.assertEqual(self.numbers("?overdue=true&unit=d1"), {self.a})
            a = self.case(self.a)
            self.assertTrue(a["overdue"])
            self.assertFalse(self.case(self.d)["overdue"])
        finally:
            srv.stop()
            srv.env["GONGZHI_NOW"] = str(T0)
            srv.start()
            self.relogin()


if __name__ == "__main__":
    unittest.main()
