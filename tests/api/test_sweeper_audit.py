"""The clock of the closed loop: deadlines set at dispatch on the working-day calendar,
case numbers by the city's local day, the escalation sweep (gongzhi sweep) and the audit
chain (gongzhi verify). Servers here run on a fixed clock (GONGZHI_NOW)."""
import os
import re
import shutil
import subprocess
import time
import unittest

from casekit import CASES, CaseTest, open_db
from harness import ADMIN_PASSWORD, Server, run_cli

T0 = 1774936800  # Tuesday 2026-03-31 14:00 Asia/Shanghai (06:00Z)
SHANGHAI = ("--timezone", "Asia/Shanghai")


def z(s):
    """Local Shanghai wall time 'YYYY-MM-DD HH:MM' -> RFC 3339 UTC."""
    import datetime
    import zoneinfo
    t = datetime.datetime.strptime(s, "%Y-%m-%d %H:%M").replace(
        tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(s):
    import datetime
    return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp())


class DeadlineTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = SHANGHAI

    def test_the_clock(self):
        self.assertEqual(z("2026-03-31 14:00"), "2026-03-31T06:00:00Z")
        c = self.intake()
        self.assertEqual(c["created_at"], "2026-03-31T06:00:00Z")
        self.assertTrue(c["number"].startswith("20260331-"), c["number"])

    def test_work_hours(self):
        c = self.act(self.new_case(), "dispatch", "disp", unit="d1")
        self.assertEqual(c["dispatched_at"], "2026-03-31T06:00:00Z")
        # respond 2 work_hours: 14:00 -> 16:00; resolve 4: 3.5 h today, 0.5 h from 08:30 tomorrow
        self.assertEqual(c["respond_by"], z("2026-03-31 16:00"))
        self.assertEqual(c["resolve_by"], "2026-04-01T01:00:00Z")
        self.assertEqual(c["resolve_by"], z("2026-04-01 09:00"))
        ev = self.events(c["number"])[-1]
        self.assertEqual(epoch(ev["body"]["resolve_by"]), epoch("2026-04-01T01:00:00Z"))

    def test_inherited_from_the_parent_category(self):
        c = self.act(self.new_case(category="0102"), "dispatch", "disp", unit="d1")
        self.assertEqual(c["respond_by"], z("2026-03-31 16:00"))
        self.assertEqual(c["resolve_by"], z("2026-04-01 09:00"))

    def test_urgent_two_clock_hours(self):
        c = self.intake(category="0101", priority="urgent")
        self.assertEqual(c["priority"], "urgent")
        c = self.act(c["number"], "dispatch", "disp", unit="d1")
        self.assertEqual(c["priority"], "urgent")
        self.assertEqual(c["resolve_by"], z("2026-03-31 16:00"))
        self.assertLessEqual(epoch(c["respond_by"]), epoch(c["resolve_by"]))

    def test_defaults_without_limits(self):
        # 1201 and 12 set no limits: 1 workday to respond, 7 to resolve (7.5 h a day);
        # init loaded the PRC 2026 calendar, so Qingming's Monday (Apr 6) is not worked
        c = self.act(self.new_case(category="1201"), "dispatch", "disp", unit="d1")
        self.assertEqual(c["respond_by"], z("2026-04-01 14:00"))
        self.assertEqual(c["resolve_by"], z("2026-04-10 14:00"))

    def test_approved_extension_moves_resolve_by_once(self):
        n = self.accepted()
        c = self.act(n, "extend", "h1", reason="需要采购配件", extension="2 workdays")
        self.assertEqual(c["resolve_by"], z("2026-04-01 09:00"))
        c = self.act(n, "approve_extension", "sup")
        # 2 workdays = 15 working hours from Wednesday 09:00: Friday 09:00
        self.assertEqual(c["resolve_by"], z("2026-04-03 09:00"))
        self.assertEqual(c["respond_by"], z("2026-03-31 16:00"))
        ev = self.events(n)[-1]
        self.assertEqual(epoch(ev["body"]["resolve_by"]), epoch(z("2026-04-03 09:00")))
        self.assertEqual(self.case(n)["resolve_by"], z("2026-04-03 09:00"))

    def test_work_hours_extension(self):
        n = self.dispatched()
        self.act(n, "extend", "h1", reason="夜间施工", extension="8 work_hours")
        c = self.act(n, "approve_extension", "sup")
        self.assertEqual(c["resolve_by"], z("2026-04-02 09:30"))

    def test_refused_extension_keeps_resolve_by(self):
        n = self.dispatched()
        self.act(n, "extend", "h1", reason="夜间施工", extension="8 work_hours")
        c = self.act(n, "refuse_extension", "sup", reason="不批准")
        self.assertEqual(c["resolve_by"], z("2026-04-01 09:00"))

    def test_on_time_flags(self):
        n = self.dispatched()
        self.act(n, "accept", "h1")
        self.assertTrue(self.events(n)[-1]["body"]["on_time"])
        self.act(n, "reply", "h1", text="ok")
        self.assertTrue(self.events(n)[-1]["body"]["on_time"])

    def test_redispatch_restarts_the_clock(self):
        n = self.accepted()
        c = self.act(n, "redispatch", "disp", unit="d2")
        self.assertEqual(c["resolve_by"], z("2026-04-01 09:00"))
        self.assertIsNone(c["accepted_at"])


class HolidayTest(CaseTest):
    """A holiday from the imported calendar is skipped; a make-up Saturday counts."""
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = SHANGHAI

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.stop()
        path = os.path.join(cls.server.tmp, "cal.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("date,kind,occasion\n2026-04-01,holiday,test\n2026-04-04,workday,调休\n")
        p = run_cli("import", "--db", cls.server.db, "calendar", path)
        assert p.returncode == 0, p.stderr
        cls.server.start()
        cls.relogin()

    def test_holiday_skipped(self):
        c = self.act(self.new_case(), "dispatch", "disp", unit="d1")
        self.assertEqual(c["resolve_by"], z("2026-04-02 09:00"))

    def test_makeup_workday_counts(self):
        # 1201 resolves in 7 workdays (no own limits): Thu 2, Fri 3, Sat 4 (调休), Mon 6 ...
        c = self.act(self.new_case(category="1201"), "dispatch", "disp", unit="d1")
        self.assertEqual(c["respond_by"], z("2026-04-02 14:00"))
        self.assertEqual(c["resolve_by"], z("2026-04-09 14:00"))


class DayNumberTest(unittest.TestCase):
    """The day part of a case number is the local date of the city's zone."""

    def run_day(self, zone, before, after, day_before, day_after):
        srv = Server(init_args=("--timezone", zone), env={"GONGZHI_NOW": str(before)})
        try:
            srv.start()
            tok = srv.login("admin", ADMIN_PASSWORD)
            body = {"channel": "hotline", "text": "午夜前"}
            a = srv.request("POST", CASES, body, token=tok).json["number"]
            b = srv.request("POST", CASES, body, token=tok).json["number"]
            srv.stop()
            srv.env["GONGZHI_NOW"] = str(after)
            srv.start()
            tok = srv.login("admin", ADMIN_PASSWORD)
            c = srv.request("POST", CASES, body, token=tok).json
            d = srv.request("POST", CASES, body, token=tok).json["number"]
            self.assertEqual(a, day_before + "-000001")
            self.assertEqual(b, day_before + "-000002")
            self.assertEqual(c["number"], day_after + "-000001")
            self.assertEqual(d, day_after + "-000002")
            return c
        finally:
            srv.stop()
            srv.cleanup()

    def test_shanghai_midnight(self):
        # 2026-04-01 00:00 +08:00 = 2026-03-31T16:00:00Z: the UTC date is still the 31st
        midnight = 1774972800
        c = self.run_day("Asia/Shanghai", midnight - 1, midnight, "20260331", "20260401")
        self.assertEqual(c["created_at"], "2026-03-31T16:00:00Z")

    def test_new_york_midnight(self):
        # 2026-04-01 00:00 -04:00 = 2026-04-01T04:00:00Z: the UTC date changed 4 h before
        midnight = 1775016000
        c = self.run_day("America/New_York", midnight - 1, midnight, "20260331", "20260401")
        self.assertEqual(c["created_at"], "2026-04-01T04:00:00Z")
        # and a UTC midnight is no local one
        srv = Server(init_args=("--timezone", "America/New_York"),
                     env={"GONGZHI_NOW": str(midnight - 4 * 3600 + 60)})
        try:
            srv.start()
            tok = srv.login("admin", ADMIN_PASSWORD)
            n = srv.request("POST", CASES, {"channel": "hotline", "text": "x"}, token=tok).json
            self.assertEqual(n["number"], "20260331-000001")
        finally:
            srv.stop()
            srv.cleanup()


def sweep(db, t):
    p = run_cli("sweep", "--db", db, env={"GONGZHI_NOW": str(t)})
    if p.returncode != 0:
        raise AssertionError("gongzhi sweep at %d exited %d: %s" % (t, p.returncode, p.stderr))
    m = re.match(r"^sweep: (\d+) escalations$", p.stdout.strip())
    if not m:
        raise AssertionError("gongzhi sweep printed %r" % p.stdout)
    return int(m.group(1))


class SweeperTest(CaseTest):
    """Cases dispatched at T0 (Tue 14:00): respond 2 work_hours (16:00; reminder at 80 %,
    15:36), resolve 4 work_hours (Wed 09:00; reminder 17:12). The server stops; gongzhi
    sweep runs at chosen times; the events are read back over the API."""

    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = SHANGHAI

    T1 = T0 + 50 * 60            # 14:50: nothing due
    T2 = T0 + 100 * 60           # 15:40: respond reminders
    T3 = T0 + 150 * 60           # 16:30: respond supervision
    T4 = T0 + 200 * 60           # 17:20: resolve reminders
    T5 = T0 + 19 * 3600 + 1800   # Wed 09:30: resolve supervision
    T6 = T0 + 43 * 3600 + 1800   # Thu 09:30

    def restart(self, t):
        self.server.stop()
        self.server.env["GONGZHI_NOW"] = str(t)
        self.server.start()
        self.relogin()

    def test_sweep(self):
        db = self.server.db
        A = self.dispatched(unit="d1")          # never accepted
        F = self.dispatched(unit="st")          # never accepted; the street's parent: dist
        B = self.accepted()                     # accepted at once
        C = self.dispatched(unit="d1")          # accepted after the respond reminder
        D = self.dispatched(unit="d1")
        self.act(D, "park", "sup", reason="纳入工程计划")
        E = self.resolved()                     # replied at once
        X = self.accepted()                     # asks for more time; approved at T4
        self.act(X, "extend", "h1", reason="需要采购", extension="1 workdays")
        G = self.intake()["number"]             # never dispatched
        self.server.stop()

        self.assertEqual(sweep(db, T0), 0)
        self.assertEqual(sweep(db, self.T1), 0)
        self.assertEqual(sweep(db, self.T2), 3)        # respond reminders: A, F, C
        self.assertEqual(sweep(db, self.T2), 0)
        self.assertEqual(sweep(db, self.T2 + 60), 0)

        self.restart(self.T2)                   # the server's own sweep at start adds nothing
        self.act(C, "accept", "h1")
        self.server.stop()

        self.assertEqual(sweep(db, self.T3), 2)        # respond supervision: A, F (not C)
        self.assertEqual(sweep(db, self.T3), 0)
        self.assertEqual(sweep(db, self.T4), 5)        # resolve reminders: A, F, B, C, X
        self.assertEqual(sweep(db, self.T4), 0)

        self.restart(self.T4)
        x = self.act(X, "approve_extension", "sup")    # resolve_by Wed 09:00 -> Thu 09:00
        self.assertEqual(x["resolve_by"], z("2026-04-02 09:00"))
        self.server.stop()

        self.assertEqual(sweep(db, self.T5), 4)        # resolve supervision: A, F, B, C
        self.assertEqual(sweep(db, self.T5), 0)
        # X after its new deadline: the supervision stands for the reminder it overtook
        self.assertEqual(sweep(db, self.T6), 1)
        self.assertEqual(sweep(db, self.T6), 0)
        self.assertEqual(sweep(db, self.T6 + 7 * 86400), 0)

        self.restart(self.T6)
        city, d1 = self.unit_id["city"], self.unit_id["d1"]
        respond_by, resolve_by = epoch(z("2026-03-31 16:00")), epoch(z("2026-04-01 09:00"))

        def esc(n):
            return [(e["kind"], e["body"]["deadline"], epoch(e["body"]["due_at"]), e["body"]["to"],
                     e["at"]) for e in self.events(n) if e["kind"] in ("remind", "supervise")]

        def at(t):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

        self.assertEqual(esc(A), [
            ("remind", "respond", respond_by, [d1, city], at(self.T2)),
            ("supervise", "respond", respond_by, [d1, city], at(self.T3)),
            ("remind", "resolve", resolve_by, [d1, city], at(self.T4)),
            ("supervise", "resolve", resolve_by, [d1, city], at(self.T5))])
        st, dist = self.unit_id["st"], self.unit_id["dist"]
        self.assertEqual([(k, d, to) for k, d, _, to, _ in esc(F)], [
            ("remind", "respond", [st, dist]), ("supervise", "respond", [st, dist]),
            ("remind", "resolve", [st, dist]), ("supervise", "resolve", [st, dist])])
        self.assertEqual([(k, d) for k, d, *_ in esc(B)],
                         [("remind", "resolve"), ("supervise", "resolve")])
        self.assertEqual([e["kind"] for e in self.events(C)],
                         ["created", "dispatch", "remind", "accept", "remind", "supervise"])
        self.assertEqual(esc(D), [])
        self.assertEqual(esc(E), [])
        self.assertEqual(esc(G), [])
        self.assertEqual([(k, d, due) for k, d, due, *_ in esc(X)], [
            ("remind", "resolve", resolve_by),
            ("supervise", "resolve", epoch(z("2026-04-02 09:00")))])
        # escalations are internal, by no one
        for e in self.events(A):
            if e["kind"] in ("remind", "supervise"):
                self.assertEqual(e["visibility"], "internal")
                self.assertIsNone(e["actor_account_id"])
        # late accept: the event says so
        self.act(A, "accept", "h1")
        self.assertFalse(self.events(A)[-1]["body"]["on_time"])
        # the server sweeps by itself on start, on its own (fixed) clock: a case dispatched
        # at T6 (Thu 09:30, respond by 11:30) is supervised when it starts at 11:31
        H = self.dispatched()
        self.restart(self.T6 + 2 * 3600 + 60)
        deadline = time.monotonic() + 10
        while not esc(H) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([(k, d, due) for k, d, due, *_ in esc(H)],
                         [("supervise", "respond", self.T6 + 2 * 3600)])
        # the audit chain holds through all of it
        self.server.stop()
        n = open_db(db).execute("SELECT count(*) FROM events").fetchone()[0]
        p = run_cli("verify", "--db", db)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "ok %d events" % n), p.stderr)
        self.server.start()
        self.relogin()


class AuditTest(CaseTest):
    def stop_and_count(self):
        self.server.stop()
        db = open_db(self.server.db)
        try:
            return db.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            db.close()

    def verify(self, db):
        p = run_cli("verify", "--db", db)
        return p.returncode, p.stdout + p.stderr

    def copy(self, name):
        dst = os.path.join(self.server.tmp, name)
        shutil.copyfile(self.server.db, dst)
        for ext in ("-wal", "-shm"):
            if os.path.exists(self.server.db + ext):
                shutil.copyfile(self.server.db + ext, dst + ext)
        return dst

    def tamper(self, db, *sql):
        """Edit the file the way a person at a shell would: with the sqlite3 CLI."""
        script = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; %s;" % "; ".join(sql)
        r = subprocess.run(["sqlite3", db, script], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_verify_and_tamper(self):
        self.closed()
        parent = self.dispatched()
        self.act(self.new_case(), "merge", "op", into=parent)
        self.act(parent, "comment", "h1", text="内部备注")
        n = self.stop_and_count()
        try:
            self.assertGreaterEqual(n, 12)
            self.assertEqual(self.verify(self.server.db), (0, "ok %d events\n" % n))
            # the triggers refuse edits
            c = open_db(self.server.db)
            for s in ("UPDATE events SET body = '{}' WHERE id = 3", "DELETE FROM events WHERE id = 3"):
                with self.assertRaises(Exception) as cm:
                    c.execute(s)
                self.assertIn("append-only", str(cm.exception))
            c.close()
            dbs = {k: self.copy(k + ".db") for k in ("update", "delete", "vis", "kind")}
            # edit one event's body: the first reply (ids are global, shared by the class)
            first = open_db(self.server.db).execute("SELECT min(id) FROM events").fetchone()[0]
            k = open_db(self.server.db).execute(
                "SELECT max(id) FROM events WHERE kind = 'reply'").fetchone()[0]
            self.tamper(dbs["update"], "UPDATE events SET body = replace(body, '已清理', '未清理') "
                        "WHERE id = %d" % k)
            self.assertIn("未清理", open_db(dbs["update"]).execute(
                "SELECT body FROM events WHERE id = ?", (k,)).fetchone()[0])
            rc, out = self.verify(dbs["update"])
            self.assertNotEqual(rc, 0)
            self.assertRegex(out, r"\bevent %d\b" % k)
            self.assertNotIn("ok ", out)
            # delete one event: the one after it is where the chain breaks
            self.tamper(dbs["delete"], "DELETE FROM events WHERE id = %d" % k)
            rc, out = self.verify(dbs["delete"])
            self.assertNotEqual(rc, 0)
            self.assertRegex(out, r"\bevent (%d|%d)\b" % (k, k + 1))
            # an internal event made public
            k = open_db(self.server.db).execute(
                "SELECT id FROM events WHERE visibility = 'internal' ORDER BY id LIMIT 1").fetchone()[0]
            self.tamper(dbs["vis"], "UPDATE events SET visibility = 'public' WHERE id = %d" % k)
            rc, out = self.verify(dbs["vis"])
            self.assertNotEqual(rc, 0)
            self.assertRegex(out, r"\bevent %d\b" % k)
            # the kind of an event
            self.tamper(dbs["kind"], "UPDATE events SET kind = 'close' WHERE id = %d" % (first + 1))
            rc, out = self.verify(dbs["kind"])
            self.assertNotEqual(rc, 0)
            self.assertRegex(out, r"\bevent %d\b" % (first + 1))
            # the original is untouched
            self.assertEqual(self.verify(self.server.db), (0, "ok %d events\n" % n))
        finally:
            self.server.start()
            self.relogin()

    def test_deleting_the_last_event_is_noticed(self):
        self.accepted()
        n = self.stop_and_count()
        try:
            db = self.copy("tail.db")
            self.tamper(db, "DELETE FROM events WHERE id = %d" % n)
            rc, out = self.verify(db)
            self.assertNotEqual(rc, 0, "verify missed the deletion of the last event: %r" % out)
            self.assertRegex(out, r"\bevent %d\b" % n)
        finally:
            self.server.start()
            self.relogin()

    def test_chain_continues_after_restart(self):
        self.accepted()
        self.server.stop()
        self.server.start()
        self.relogin()
        self.closed()
        n = self.stop_and_count()
        try:
            self.assertEqual(self.verify(self.server.db), (0, "ok %d events\n" % n))
        finally:
            self.server.start()
            self.relogin()

    def test_verify_missing_database(self):
        p = run_cli("verify", "--db", os.path.join(self.server.tmp, "nope", "x.db"))
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
