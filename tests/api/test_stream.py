"""GET /api/v1/stream: server-sent events of what the caller may see — live, resumed
after a disconnect with Last-Event-ID (every missed event exactly once, in order),
per-unit visibility and internal notes, the kinds filter, heartbeats, and auth
(Bearer or ?access_token=)."""
import time

from casekit import CaseTest, open_db
from hookkit import SSE

STREAM = "/api/v1/stream"


class StreamTest(CaseTest):
    SERVER_ENV = {"GONGZHI_STREAM_HEARTBEAT_S": "1"}

    def stream(self, who="sup", path=STREAM, headers=None, token=True):
        s = SSE(self.server.port, path, token=self.tok[who] if token else None, headers=headers)
        self.addCleanup(s.close)
        return s

    def case_events_after(self, after):
        db = open_db(self.server.db)
        try:
            return [r[0] for r in db.execute(
                "SELECT id FROM events WHERE id > ? AND case_id IS NOT NULL ORDER BY id", (after,))]
        finally:
            db.close()

    def next_of(self, s, number, kind):
        """Read until the event `kind` of case `number`."""
        while True:
            ev = s.next(timeout=10)
            self.assertIsNotNone(ev, "no %s event of %s" % (kind, number))
            if ev["data"]["case"] == number and ev["data"]["kind"] == kind:
                return ev

    def test_live_then_resume_exactly_once(self):
        s = self.stream()
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"), s.headers)
        self.assertEqual(s.headers.get("cache-control"), "no-cache")
        n1 = self.new_case()
        ev = self.next_of(s, n1, "created")
        self.assertEqual(ev["id"], ev["data"]["id"])
        self.act(n1, "dispatch", "disp", unit="d1")
        last = self.next_of(s, n1, "dispatch")["id"]
        s.close()
        # while away: more events on this case and new ones
        n2 = self.new_case()
        self.act(n2, "dispatch", "disp", unit="d2")
        self.act(n1, "accept", "h1")
        self.act(n1, "comment", "sup", text="跟进", visibility="internal")
        missed = self.case_events_after(last)
        self.assertEqual(len(missed), 4)
        r = self.stream(headers={"Last-Event-ID": str(last)})
        got = r.drain(quiet=1.0)
        self.assertEqual([e["id"] for e in got], missed)
        # and it goes on live
        n3 = self.new_case()
        self.assertEqual(self.next_of(r, n3, "created")["id"], self.case_events_after(missed[-1])[0])
        # the query parameter works too, from an older point
        q = self.stream(path="%s?last_event_id=%d" % (STREAM, last))
        self.assertEqual([e["id"] for e in q.drain(quiet=1.0)], self.case_events_after(last))

    def test_resume_from_far_back_reads_the_table(self):
        first = self.case_events_after(0)
        self.new_case()
        # after a restart the hub holds nothing older than the start: the table answers
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        s = self.stream(headers={"Last-Event-ID": "0"})
        n = self.new_case()
        got = [e["id"] for e in s.drain(quiet=1.0)]
        self.assertEqual(got, self.case_events_after(0))
        self.assertGreater(len(got), len(first) + 1)
        self.assertEqual(self.case_events_after(0)[-1], self.events(n)[-1]["id"])

    def test_visibility_by_unit(self):
        s1, s2 = self.stream("h1"), self.stream("h2")
        a, b = self.new_case(), self.new_case()
        self.act(a, "dispatch", "disp", unit="d1")
        self.act(b, "dispatch", "disp", unit="d2")
        self.act(a, "accept", "h1")
        self.act(a, "reply", "h1", text="已清理完毕。", note="内部备注")
        self.act(b, "accept", "h2")
        got1, got2 = s1.drain(quiet=1.0), s2.drain(quiet=1.0)
        self.assertEqual({e["data"]["case"] for e in got1}, {a})
        self.assertEqual({e["data"]["case"] for e in got2}, {b})
        # whether "created" shows depends on whether the case had its unit when the hub read it
        self.assertEqual([e["data"]["kind"] for e in got1 if e["data"]["kind"] != "created"],
                         ["dispatch", "accept", "reply"])
        self.assertEqual([e["data"]["kind"] for e in got2 if e["data"]["kind"] != "created"],
                         ["dispatch", "accept"])
        reply = got1[-1]["data"]
        self.assertEqual(reply["body"].get("note"), "内部备注")  # members of units see notes
        # a resident who reported nothing sees nothing
        r = self.stream("res")
        self.new_case()
        self.assertEqual(r.drain(quiet=0.8), [])

    def test_kinds_filter_heartbeat_and_auth(self):
        s = self.stream(path=STREAM + "?kinds=dispatch")
        n = self.new_case()
        self.act(n, "dispatch", "disp", unit="d1")
        got = s.drain(quiet=1.0)
        self.assertEqual([(e["data"]["case"], e["data"]["kind"]) for e in got], [(n, "dispatch")])
        time.sleep(2.2)
        self.assertIsNone(s.next(timeout=0.2))
        self.assertGreaterEqual(s.comments, 1)  # ": keep-alive" every second here
        t = self.stream(path="%s?access_token=%s" % (STREAM, self.tok["sup"]), token=False)
        self.assertEqual(t.status, 200)
        n = self.new_case()
        self.assertEqual(self.next_of(t, n, "created")["data"]["case"], n)
        for path, headers, field, status in (
                (STREAM, None, "Authorization", 401),
                (STREAM + "?access_token=nonsense", None, "access_token", 401),
                (STREAM + "?access_token=" + "0" * 64, None, None, 401)):
            e = self.stream(path=path, headers=headers, token=False)
            self.assertEqual(e.status, status)
            body = e.body()
            if field:
                self.assertEqual(body["error"]["field"], field)
        for path, headers, field in ((STREAM, {"Last-Event-ID": "abc"}, "Last-Event-ID"),
                                     (STREAM + "?last_event_id=-1", None, "last_event_id"),
                                     (STREAM + "?kinds=Bad%20Kind", None, "kinds")):
            e = self.stream(path=path, headers=headers)
            self.assertEqual(e.status, 400, path)
            self.assertEqual(e.body()["error"]["field"], field)
