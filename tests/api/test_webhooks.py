"""Webhooks: registration and who may manage them, deliveries from the transactional
outbox to a local receiver that fails on purpose (retried with backoff, signed,
delivered once it recovers; dead-lettered when it never does, then retried by hand),
which units' webhooks see which events, and no delivery lost across a kill -9."""
import time

from casekit import CASES, CaseTest
from hookkit import Receiver, verify

HOOKS = "/api/v1/webhooks"
SECRET = "test-secret-0123456789"
FAST = {"GONGZHI_WEBHOOK_ATTEMPTS": "3", "GONGZHI_WEBHOOK_BACKOFF_MS": "150",
        "GONGZHI_WEBHOOK_BACKOFF_CAP_MS": "400", "GONGZHI_WEBHOOK_TIMEOUT_MS": "3000"}


class WebhookTest(CaseTest):
    SERVER_ENV = FAST

    def hook(self, who="admin", status=201, **body):
        r = self.req("POST", HOOKS, body, token=self.tok[who])
        if status != 201:
            return r
        h = self.ok(r, 201)
        self.addCleanup(self.req, "DELETE", "%s/%d" % (HOOKS, h["id"]), token=self.admin)
        return h

    def receiver(self, status=None):
        rx = Receiver(status)
        self.addCleanup(rx.close)
        return rx

    def deliveries(self, hook_id, state=None, who="admin"):
        path = "%s/%d/deliveries" % (HOOKS, hook_id) + ("?state=" + state if state else "")
        return self.ok(self.get(path, self.tok[who]))["items"]

    def wait_state(self, hook_id, state, n, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            items = self.deliveries(hook_id, state)
            if len(items) >= n:
                return items
            time.sleep(0.05)
        self.fail("no %d %s deliveries: %r" % (n, state, self.deliveries(hook_id)))

    def test_register_and_validate(self):
        url = "http://127.0.0.1:9/hook"
        self.err(self.hook(url=url, status=None), 422, field="unit")
        self.err(self.hook(unit="d1", url="ftp://x/y", status=None), 422, field="url")
        self.err(self.hook(unit="d1", url="http://", status=None), 422, field="url")
        self.err(self.hook(unit="d1", url="http://a b/", status=None), 422, field="url")
        self.err(self.hook(unit="d1", url=url, secret="short", status=None), 422, field="secret")
        self.err(self.hook(unit="d1", url=url, kinds=["Bad Kind"], status=None), 422, field="kinds")
        self.err(self.hook(unit="d1", url=url, kinds=5, status=None), 422, field="kinds")
        self.err(self.hook(unit="d1", url=url, kinds="a,,b", status=None), 422, field="kinds")
        self.err(self.hook(unit="d1", url=url, color="red", status=None), 422, field="color")
        self.err(self.hook(unit="nope", url=url, status=None), 422, field="unit")
        # a unit's webhooks are for its supervisors and admins
        self.err(self.hook("h1", unit="d1", url=url, status=None), 403)
        h = self.hook("sup", unit="d1", url=url, kinds=["dispatch", "accept", "dispatch"])
        self.assertTrue(h["secret"].startswith("whsec_") and len(h["secret"]) == 70, h)
        self.assertEqual(h["kinds"], ["dispatch", "accept"])
        self.assertEqual((h["unit_id"], h["client_id"], h["active"]),
                         (self.unit_id["d1"], None, True))
        g = self.hook(unit="d1", url=url, secret=SECRET, kinds="reply, accept")
        self.assertEqual((g["secret"], g["kinds"]), (SECRET, ["reply", "accept"]))
        path = "%s/%d" % (HOOKS, h["id"])
        got = self.ok(self.get(path, self.tok["sup"]))
        self.assertNotIn("secret", got)
        self.err(self.get(path, self.tok["h1"]), 404, field="id")
        self.err(self.get(HOOKS + "/999999"), 404)
        self.err(self.get(HOOKS + "/abc"), 404)
        ids = [x["id"] for x in self.ok(self.get(HOOKS, self.tok["sup"]))["items"]]
        self.assertIn(h["id"], ids)
        self.assertEqual(self.ok(self.get(HOOKS, self.tok["h1"]))["items"], [])
        p = self.ok(self.patch(path, {"kinds": "all", "active": False}, self.tok["sup"]))
        self.assertEqual((p["kinds"], p["active"]), (None, False))
        self.assertNotIn("secret", p)
        p = self.ok(self.patch(path, {"rotate_secret": True}))
        self.assertTrue(p["secret"].startswith("whsec_") and p["secret"] != h["secret"])
        self.err(self.patch(path, {"url": "mailto:x"}), 422, field="url")
        self.err(self.patch(path, {"unit": "d2"}), 422, field="unit")
        self.ok(self.delete(path))
        self.err(self.get(path), 404)
        self.err(self.get(path + "/deliveries"), 404)

    def test_retried_signed_delivered(self):
        rx = self.receiver(lambda n: 500 if n <= 2 else 200)
        other = self.receiver()
        h = self.hook("sup", unit="d1", url=rx.url, secret=SECRET,
                      kinds=["dispatch", "accept", "reply"])
        h2 = self.hook(unit="d2", url=other.url)
        n = self.new_case()
        self.act(n, "dispatch", "disp", unit="d1")
        self.act(n, "accept", "h1")
        self.act(n, "reply", "h1", text="已清理完毕。", note="内部备注")
        want = [e["id"] for e in self.events(n) if e["kind"] in ("dispatch", "accept", "reply")]
        self.assertEqual(len(want), 3)
        rx.wait(lambda got: sorted(r["code"] == 200 and 1 or 0 for r in got).count(1) >= 3)
        got = rx.requests()
        self.assertEqual(len(got), 5, [r["code"] for r in got])  # two refusals, three deliveries
        self.assertEqual(sorted(rx.delivered()), want)
        for ev, headers, raw in rx.events():
            self.assertTrue(verify(SECRET, headers["X-Gongzhi-Signature"], raw), headers)
            self.assertFalse(verify("another-secret-12345", headers["X-Gongzhi-Signature"], raw))
            self.assertEqual(headers["X-Gongzhi-Event-Id"], str(ev["id"]))
            self.assertEqual(headers["X-Gongzhi-Event"], ev["kind"])
            self.assertEqual(headers["Content-Type"], "application/json")
            self.assertTrue(headers["X-Gongzhi-Delivery"].isdigit())
            self.assertEqual(ev["case"], n)
            ts = int(headers["X-Gongzhi-Signature"].split(",")[0][2:])
            self.assertLess(abs(ts - time.time()), 60)
        # a unit's webhook gets the internal note
        reply = [ev for ev, _, _ in rx.events() if ev["kind"] == "reply"][0]
        self.assertEqual(reply["body"].get("note"), "内部备注")
        # one delivery row per event; the refused ones were attempted again
        items = self.wait_state(h["id"], "done", 3)
        self.assertEqual(sorted(d["event_id"] for d in items), want)
        self.assertEqual(sum(d["attempts"] for d in items), 5)
        self.assertTrue(all(d["last_status"] == 200 and d["state"] == "done" for d in items))
        self.assertEqual(self.deliveries(h["id"], "pending"), [])
        # d2 is no party to the case: its webhook saw nothing
        time.sleep(0.5)
        self.assertEqual(other.requests(), [])
        self.assertEqual(self.deliveries(h2["id"]), [])

    def test_dead_letter_and_retry(self):
        state = {"up": False}
        rx = self.receiver(lambda n: 200 if state["up"] else 503)
        h = self.hook(unit="city", url=rx.url, secret=SECRET, kinds=["comment"])
        n = self.new_case()
        self.act(n, "comment", "sup", text="请尽快处理", visibility="public")
        dead = self.wait_state(h["id"], "dead", 1)
        self.assertEqual(len(dead), 1)
        d = dead[0]
        self.assertEqual((d["attempts"], d["last_status"], d["state"]), (3, 503, "dead"))
        self.assertIn("503", d["last_error"])
        self.assertIsNone(d["next_attempt_at"])
        got = rx.requests()
        self.assertEqual(len(got), 3)
        gaps = [b["at"] - a["at"] for a, b in zip(got, got[1:])]
        # equal jitter: at least half of 150 ms, then of 300 ms
        self.assertGreaterEqual(gaps[0], 0.07, gaps)
        self.assertGreaterEqual(gaps[1], 0.14, gaps)
        self.assertEqual(self.deliveries(h["id"], "done"), [])
        self.assertEqual(self.deliveries(h["id"], "pending"), [])
        self.err(self.get("%s/%d/deliveries?state=bogus" % (HOOKS, h["id"])), 400, field="state")
        retry = "%s/%d/deliveries/%d/retry" % (HOOKS, h["id"], d["id"])
        self.err(self.post("%s/%d/deliveries/999999/retry" % (HOOKS, h["id"]), {}), 404)
        self.err(self.post(retry, {}, self.tok["h1"]), 404)
        state["up"] = True
        self.assertEqual(self.ok(self.post(retry, {}), 202)["state"], "pending")
        done = self.wait_state(h["id"], "done", 1)
        self.assertEqual((done[0]["id"], done[0]["attempts"]), (d["id"], 1))
        self.assertEqual(rx.delivered(), [d["event_id"]])
        self.err(self.post(retry, {}), 409, field="id")

    def test_inactive_webhooks_queue_nothing(self):
        rx = self.receiver()
        h = self.hook(unit="city", url=rx.url, active=False)
        n = self.new_case()
        self.act(n, "dispatch", "disp", unit="d1")
        time.sleep(0.3)
        self.assertEqual(self.deliveries(h["id"]), [])
        self.assertEqual(rx.requests(), [])


class RestartTest(CaseTest):
    """Deliveries pending when the server is killed are sent after it restarts."""
    SERVER_ENV = {"GONGZHI_WEBHOOK_ATTEMPTS": "1000", "GONGZHI_WEBHOOK_BACKOFF_MS": "100",
                  "GONGZHI_WEBHOOK_BACKOFF_CAP_MS": "300"}

    def test_no_delivery_lost_across_kill(self):
        state = {"up": False}
        rx = Receiver(lambda n: 200 if state["up"] else 503)
        self.addCleanup(rx.close)
        h = self.ok(self.post(HOOKS, {"unit": "city", "url": rx.url, "secret": SECRET}), 201)
        numbers = [self.new_case() for _ in range(15)]
        for n in numbers[:5]:
            self.act(n, "dispatch", "disp", unit="d1")
        rx.wait(lambda got: len(got) >= 10)
        self.assertEqual(rx.delivered(), [])
        self.server.proc.kill()  # kill -9: deliveries pending and in flight
        self.server.proc.wait()
        self.server.stop()
        want = [r[0] for r in self.rows("SELECT id FROM events WHERE case_id IS NOT NULL")]
        self.assertEqual(len(want), 20)
        self.assertEqual(self.db_scalar("SELECT count(*) FROM outbox WHERE done = 0"), 20)
        state["up"] = True
        self.server.start()
        rx.wait(lambda got: len(set(rx.delivered())) >= len(want), timeout=30)
        self.assertEqual(sorted(set(rx.delivered())), sorted(want))
        deadline = time.monotonic() + 10
        while self.db_scalar("SELECT count(*) FROM outbox WHERE done = 1") < 20:
            self.assertLess(time.monotonic(), deadline, "deliveries not recorded as done")
            time.sleep(0.05)
        self.assertEqual(self.db_scalar("SELECT count(*) FROM outbox"), 20)
        for ev, headers, raw in rx.events():
            self.assertTrue(verify(SECRET, headers["X-Gongzhi-Signature"], raw))
        self.assertTrue(self.ok(self.get("%s/%d" % (HOOKS, h["id"])))["active"])

    def rows(self, sql):
        from casekit import open_db
        db = open_db(self.server.db)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
