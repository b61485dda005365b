"""Whistle-and-report (吹哨报到) and joint handling (issue 8): a street or community
summons units to a case; each reports by a time and replies on its own; the lead resolves
and closes only when every whistled unit has replied or been released; the sweeper
supervises a late report once; the whistle report rate and co-unit columns count it.
Servers here run on a fixed clock (GONGZHI_NOW)."""
import unittest

from casekit import CASES, CaseTest
from harness import parse_time, run_cli

T0 = 1774936800  # Tuesday 2026-03-31 14:00 Asia/Shanghai (06:00Z)
SHANGHAI = ("--timezone", "Asia/Shanghai")


def sweep(db, t):
    p = run_cli("sweep", "--db", db, env={"GONGZHI_NOW": str(t)})
    if p.returncode != 0:
        raise AssertionError("gongzhi sweep at %d exited %d: %s" % (t, p.returncode, p.stderr))
    return int(p.stdout.split()[1])


class JointCase(CaseTest):
    """The casekit city plus a community under the street, a third department, and the
    street's and community's people: hs (handler), ss (supervisor) of st; hc of cm; h3 of d3."""

    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = SHANGHAI

    @classmethod
    def build_city(cls):
        super().build_city()
        for code, kind, parent in (("cm", "community", "st"), ("d3", "department", "city")):
            cls.units[code] = cls._post("/api/v1/units", {"code": code, "name": "unit " + code,
                                                          "kind": kind, "parent": parent})
            cls.unit_id[code] = cls.units[code]["id"]
        for login, unit, role in (("hs", "st", "handler"), ("ss", "st", "supervisor"),
                                  ("hc", "cm", "handler"), ("h3", "d3", "handler")):
            a = cls._post("/api/v1/accounts", {"login": login, "name": "acct " + login,
                                               "password": "Passw0rd-user"})
            cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": unit, "role": role})
            cls.acct[login] = a
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")

    def street_case(self, accept=True):
        """A case the street leads (dispatched, and accepted by its handler)."""
        n = self.dispatched(unit="st")
        if accept:
            self.act(n, "accept", "hs")
        return n

    def parties(self, n, who="sup"):
        body = self.ok(self.get("%s/%s/units" % (CASES, n), self.tok[who]))
        return {u["code"]: u for u in body["items"]}


class WhistleTest(JointCase):
    def test_whistle_report_reply_and_the_close_rule(self):
        n = self.street_case()
        c = self.step(n, "whistle", "hs", units=["d1", "d2", self.unit_id["d3"]],
                      reason="占道经营需城管、市场监管联合处置")
        self.assertEqual(c["status"], "accepted")
        ev = self.events(n)[-1]
        self.assertEqual(ev["visibility"], "internal")
        self.assertEqual(ev["body"]["units"], [self.unit_id[u] for u in ("d1", "d2", "d3")])
        self.assertEqual(ev["body"]["by_unit_id"], self.unit_id["st"])
        self.assertEqual(parse_time(ev["body"]["report_by"]), T0 + 30 * 60)  # the default
        u = self.parties(n)
        self.assertEqual(u["st"]["role"], "lead")
        for code in ("d1", "d2", "d3"):
            self.assertEqual(u[code]["role"], "whistled")
            self.assertEqual(u[code]["state"], "asked")
            self.assertTrue(u[code]["pending"])
            self.assertEqual(parse_time(u[code]["report_by"]), T0 + 1800)
        # whistled units see the case and may report (and comment) now
        self.assertEqual(sorted(self.case(n, "h1")["allowed_actions"]), ["comment", "report"])
        # the lead cannot resolve while they are pending: 409 naming them
        r = self.act(n, "reply", "hs", status=None, text="已处置")
        e = self.conflict(r, "accepted")
        self.assertEqual(sorted(r.json["pending_units"]),
                         sorted(self.unit_id[x] for x in ("d1", "d2", "d3")))
        self.assertIn(str(self.unit_id["d1"]), e["message"])
        self.assertNotIn("reply", r.json["allowed"])
        # d1 reports (naming its person in charge) and replies on its own
        self.refused(n, "co_reply", "h1", 409, text="先回复")  # before reporting
        self.refused(n, "report", "h1", 422, field="person")
        c = self.step(n, "report", "h1", person="张科长 13900000000")
        self.assertTrue(self.events(n)[-1]["body"]["on_time"])
        self.refused(n, "report", "h1", 409, person="again")
        c = self.step(n, "co_reply", "h1", text="已派执法队到场")
        self.assertEqual(c["status"], "accepted")  # a co-unit's reply does not resolve
        u = self.parties(n)
        self.assertEqual(u["d1"]["state"], "replied")
        self.assertEqual(u["d1"]["person"], "张科长 13900000000")
        self.assertEqual(u["d1"]["reply"], "已派执法队到场")
        self.assertTrue(u["d1"]["on_time"])
        self.assertFalse(u["d1"]["pending"])
        # d2 reports; d3 never does; the whistling street releases both
        self.step(n, "report", "h2", person="李队长")
        self.refused(n, "release", "h1", 403, unit="d2")  # not the whistling unit
        self.refused(n, "release", "hs", 409, unit="d1")  # already replied
        self.step(n, "release", "ss", unit="d2", reason="非本部门职责")
        r = self.act(n, "close", "op", status=None)
        self.conflict(r, "accepted")
        r = self.act(n, "reply", "hs", status=None, text="已处置")
        self.assertEqual(r.json["pending_units"], [self.unit_id["d3"]])
        self.step(n, "release", "hs", unit="d3")
        self.refused(n, "co_reply", "h2", 409, text="too late")  # released
        c = self.step(n, "reply", "hs", text="联合处置完毕")
        self.assertEqual(c["status"], "resolved")
        self.step(n, "close", "op")
        got = {x["unit_id"]: x for x in self.case(n)["units"]}
        self.assertEqual(got[self.unit_id["d2"]]["state"], "released")
        self.assertEqual(got[self.unit_id["d3"]]["state"], "released")

    def test_who_may_whistle(self):
        n = self.new_case()
        self.act(n, "dispatch", "disp", unit="st", co_units=["d1"])
        # a department (party to the case), the city's supervisor (not a street or
        # community): 403
        self.refused(n, "whistle", "h1", 403, field="action", units=["d2"])
        self.refused(n, "whistle", "sup", 403, field="action", units=["d2"])
        # the community below the street: a case it neither leads nor contains (no place)
        self.refused(n, "whistle", "hc", 404, units=["d2"])
        # a case led by a department in the street's territory? the street's people may not
        # see it unless party: dispatch to d1 with the street as co-unit, then the street
        # whistles for a case whose lead is outside its tree: 403
        m = self.new_case()
        self.act(m, "dispatch", "disp", unit="d1", co_units=["st"])
        self.refused(m, "whistle", "hs", 403, field="action", units=["d2"])
        # a community the street contains leads: the street may whistle for it
        k = self.dispatched(unit="cm")
        self.step(k, "whistle", "hs", units=["d2"], minutes=45)
        self.assertEqual(parse_time(self.parties(k)["d2"]["report_by"]), T0 + 45 * 60)
        # and the community itself
        self.step(k, "whistle", "hc", units=["d3"], report_by="2026-03-31T07:00:00Z")
        self.assertEqual(parse_time(self.parties(k)["d3"]["report_by"]), T0 + 3600)

    def test_bad_whistles(self):
        n = self.street_case()
        self.refused(n, "whistle", "hs", 422, field="units")
        self.refused(n, "whistle", "hs", 422, field="units", units=[])
        self.refused(n, "whistle", "hs", 422, field="units", units="d1")
        self.refused(n, "whistle", "hs", 422, field="units", units=["nope"])
        self.refused(n, "whistle", "hs", 422, field="units", units=["d1", "d1"])
        self.refused(n, "whistle", "hs", 422, field="units", units=["st"])  # itself, the lead
        self.refused(n, "whistle", "hs", 422, field="units", units=["d%d" % i for i in range(9)])
        self.refused(n, "whistle", "hs", 422, field="report_by", units=["d1"],
                     report_by="2026-03-31T05:00:00Z")  # past
        self.refused(n, "whistle", "hs", 422, field="report_by", units=["d1"],
                     report_by="soon")
        self.refused(n, "whistle", "hs", 422, field="minutes", units=["d1"], minutes=0)
        self.refused(n, "whistle", "hs", 422, field="minutes", units=["d1"], minutes=30,
                     report_by="2026-03-31T07:00:00Z")
        self.step(n, "whistle", "hs", units=["d1"])
        self.refused(n, "whistle", "hs", 422, field="units", units=["d1"])  # already party
        # not in a received or resolved case
        m = self.new_case()
        r = self.act(m, "whistle", "admin", status=None, units=["d1"])
        self.conflict(r, "received")

    def test_units_endpoint(self):
        n = self.street_case()
        self.act(n, "whistle", "hs", units=["d1"])
        body = self.ok(self.get("%s/%s/units" % (CASES, n), self.tok["h1"]))
        self.assertEqual(body["number"], n)
        self.assertEqual(body["status"], "accepted")
        self.assertEqual([u["role"] for u in body["items"]], ["lead", "whistled"])
        self.assertFalse(body["claimable"])
        # a unit not party to the case: 404, as for the case itself
        self.err(self.get("%s/%s/units" % (CASES, n), self.tok["h2"]), 404)
        self.err(self.get("%s/20000101-000001/units" % CASES, self.tok["sup"]), 404)
        self.err(self.req("GET", "%s/%s/units" % (CASES, n)), 401)


class WhistleTimingTest(JointCase):
    """Whistled at T0 with the default 30 minutes: one unit reports in time, one late, one
    never; the sweep supervises each late unit once, to its parent; the KPI counts it."""

    def restart(self, t):
        self.server.stop()
        self.server.env["GONGZHI_NOW"] = str(t)
        self.server.start()
        self.relogin()

    def test_in_time_late_and_escalated_once(self):
        db = self.server.db
        n = self.street_case()
        self.act(n, "whistle", "hs", units=["d1", "d2", "d3"])
        self.act(n, "report", "h1", person="王主任")               # in time (T0)
        self.server.stop()
        self.assertEqual(sweep(db, T0 + 29 * 60), 0)
        self.assertEqual(sweep(db, T0 + 31 * 60), 2)              # d2 and d3 are late
        self.assertEqual(sweep(db, T0 + 31 * 60), 0)
        self.assertEqual(sweep(db, T0 + 3 * 3600), 0)             # once each
        self.restart(T0 + 40 * 60)                                # its own sweep adds nothing
        self.act(n, "report", "h2", person="赵队长")               # late
        evs = self.events(n)
        sup = [e for e in evs if e["kind"] == "supervise"]
        self.assertEqual(len(sup), 2)
        self.assertEqual(sorted(e["body"]["unit_id"] for e in sup),
                         sorted([self.unit_id["d2"], self.unit_id["d3"]]))
        for e in sup:
            self.assertEqual(e["body"]["deadline"], "report")
            self.assertEqual(e["body"]["to"], [self.unit_id["city"]])  # the unit's parent
            self.assertEqual(parse_time(e["body"]["due_at"]), T0 + 1800)
            self.assertEqual(e["visibility"], "internal")
            self.assertIsNone(e["actor_account_id"])
        self.assertFalse(evs[-1]["body"]["on_time"])
        u = self.parties(n)
        self.assertFalse(u["d1"]["escalated"])
        self.assertTrue(u["d2"]["escalated"])
        self.assertFalse(u["d2"]["on_time"])
        self.assertTrue(u["d3"]["escalated"])
        self.assertIsNone(u["d3"]["reported_at"])
        self.assertEqual(run_cli("verify", "--db", db).returncode, 0)
        # the whistle report rate: d1 in time, d2 late, d3 never (1 of 3); per department
        eff = self.ok(self.get("/api/v1/effectiveness?period=2026-03", self.tok["sup"]))
        self.assertAlmostEqual(eff["current"]["synergy"]["whistle_report_rate"], 1 / 3)
        rank = self.ok(self.get("/api/v1/kpi?period=2026-03&level=department",
                                self.tok["sup"]))
        by = {i["unit"]["code"]: i for i in rank["items"]}
        self.assertEqual(by["d1"]["indicators"]["whistle_report_rate"], 1.0)
        self.assertEqual(by["d2"]["indicators"]["whistle_report_rate"], 0.0)
        self.assertEqual(by["d3"]["indicators"]["whistle_report_rate"], 0.0)
        # whistled units are co-units of the case: their co-unit columns count it
        for code in ("d1", "d2", "d3"):
            self.assertEqual(by[code]["co"]["volumes"]["dispatched"], 1, code)
        self.assertIsNone(by["d1"]["indicators"]["joint_share"])   # it leads nothing

    def test_released_before_due_is_excused(self):
        # departments of their own: the class's other test whistles d1-d3 the same month
        for code in ("e1", "e2"):
            self.make_unit(code, "department", parent="city")
        _, he1 = self.user("he1", "e1", "handler")
        n = self.street_case()
        self.act(n, "whistle", "hs", units=["e1", "e2"], minutes=10)
        self.act(n, "release", "hs", unit="e2")                   # at T0: before it was due
        self.ok(self.post("%s/%s/actions" % (CASES, n), {"action": "report", "person": "钱工"},
                          he1))
        db = self.server.db
        self.server.stop()
        self.assertEqual(sweep(db, T0 + 3600), 0)                 # released: never late
        self.restart(T0 + 3600)
        rank = self.ok(self.get("/api/v1/kpi?period=2026-03&level=department",
                                self.tok["sup"]))
        by = {i["unit"]["code"]: i for i in rank["items"]}
        self.assertEqual(by["e1"]["indicators"]["whistle_report_rate"], 1.0)
        self.assertIsNone(by["e2"]["indicators"]["whistle_report_rate"])
        self.assertEqual(by["e2"]["co"]["volumes"]["dispatched"], 0)  # nor a co-unit

if __name__ == "__main__":
    unittest.main()
