"""Webhooks of API clients (here an Open311 client system): registered by a root admin,
they get the public events of the cases the client reported — never internal events,
never internal notes, never other cases."""
import time

from hookkit import Receiver, verify
from o311kit import O311Test

HOOKS = "/api/v1/webhooks"
SECRET = "client-secret-0123456789"


class ClientWebhookTest(O311Test):

    def test_public_events_of_its_own_reports(self):
        rx = Receiver()
        self.addCleanup(rx.close)
        body = {"client": self.client["id"], "url": rx.url, "secret": SECRET}
        r = self.req("POST", HOOKS, body, token=self.tok["disp"])
        self.assertEqual(r.status, 403, r.raw)
        h = self.ok(self.post(HOOKS, body), 201)
        self.assertEqual((h["client_id"], h["unit_id"]), (self.client["id"], None))
        self.assertEqual(self.post(HOOKS, dict(body, client=999999)).status, 422)
        mine = self.report()
        other = self.ok(self.req("POST", "/api/v1/cases", {"channel": "hotline", "text": "别人的"},
                                 token=self.tok["op"]), 201)["number"]
        self.act(mine, "comment", "disp", text="内部", visibility="internal")
        self.act(mine, "dispatch", "disp", unit="d1", category="0101")
        self.act(mine, "accept", "h1")
        self.act(mine, "reply", "h1", text="已清理。", note="内部备注")
        self.act(other, "comment", "disp", text="公开", visibility="public")
        kinds = [e["kind"] for e in self.ok(self.get("/api/v1/cases/%s/events" % mine))["items"]
                 if e["visibility"] == "public"]
        self.assertTrue({"created", "dispatch", "reply"} <= set(kinds), kinds)
        rx.wait(lambda got: len(got) >= len(kinds))
        time.sleep(0.5)
        got = rx.events()
        self.assertEqual([ev["kind"] for ev, _, _ in got], kinds)
        for ev, headers, raw in got:
            self.assertEqual(ev["case"], mine)
            self.assertEqual(ev["visibility"], "public")
            self.assertNotIn("note", ev["body"])
            self.assertTrue(verify(SECRET, headers["X-Gongzhi-Signature"], raw))
        self.ok(self.delete("%s/%d" % (HOOKS, h["id"])))
