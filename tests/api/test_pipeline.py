"""The intake pipeline: locate → classify → duplicates → route → automatic dispatch (直派)."""
import os
import unittest

from harness import ADMIN_PASSWORD, ApiTest, Server, run_cli
from test_locate import rect
from test_train import labelled_csv

CASES = "/api/v1/cases"
IN_COMMUNITY = (30.1, 120.1)  # lat, lon inside p-co, p-st and p-dist


class PipelineTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t = cls()
        t.make_unit("p-dist", "district", parent="city", jurisdiction=rect(120.0, 30.0, 121.0, 31.0))
        t.make_unit("p-st", "street", parent="p-dist", jurisdiction=rect(120.0, 30.0, 120.5, 31.0))
        t.make_unit("p-co", "community", parent="p-st", jurisdiction=rect(120.0, 30.0, 120.2, 30.2))
        for code in ("p-cg", "p-sw"):
            t.make_unit(code, "department", parent="city")
        for code, extra in (("31", {}), ("3101", {}), ("3102", {"kb_answer": "办理时间为工作日"}),
                            ("32", {}), ("3201", {})):
            t.ok(t.post("/api/v1/categories", dict(code=code, name="类" + code, **extra)), 201)
        cls.rule = t.ok(t.post("/api/v1/routes", {"category_prefix": "31", "lead_unit": "p-cg"}),
                        201)
        cls.units = {u["code"]: u["id"] for u in t.list_all("/api/v1/units", limit=200)[0]}

    def intake(self, **body):
        lat, lon = IN_COMMUNITY
        b = {"channel": "hotline", "text": "小区门口垃圾堆放", "lat": lat, "lon": lon}
        b.update(body)
        return self.ok(self.post(CASES, b), 201)

    def events(self, number):
        return self.ok(self.get("%s/%s/events" % (CASES, number)))["items"]

    def test_certain_category_and_one_rule_dispatch_at_once(self):
        c = self.intake(category="3101")
        self.assertEqual(c["status"], "dispatched")
        self.assertEqual(c["lead_unit_id"], self.units["p-cg"])
        self.assertIsNotNone(c["respond_by"])
        r = c["route"]
        self.assertEqual((r["source"], r["rule_id"], r["dispatched"]), ("rule", self.rule["id"], True))
        self.assertNotIn("held", r)
        created, dispatch = self.events(c["number"])
        self.assertEqual(created["body"]["route"], r)
        # the platform decided, and the event says what decided it
        self.assertEqual(dispatch["kind"], "dispatch")
        self.assertIsNone(dispatch["actor_account_id"])
        self.assertEqual(dispatch["body"]["decided_by"],
                         {"by": "rule", "rule_id": self.rule["id"], "category_source": "operator"})
        self.assertEqual(dispatch["body"]["lead_unit_id"], self.units["p-cg"])
        self.assertEqual(dispatch["at"], created["at"])

    def test_held_at_intake(self):
        c = self.intake(category="3101", hold=True)
        self.assertEqual(c["status"], "received")
        self.assertEqual(c["route"]["held"], "held at intake")
        self.assertEqual(c["route"]["lead_unit_id"], self.units["p-cg"])  # the suggestion stays
        self.assertEqual([e["kind"] for e in self.events(c["number"])], ["created"])
        self.err(self.post(CASES, {"channel": "hotline", "text": "x", "hold": "yes"}), 422,
                 field="hold")

    def test_no_rule_waits_with_the_fallback_suggested(self):
        c = self.intake(category="3201")
        self.assertEqual(c["status"], "received")
        r = c["route"]
        self.assertEqual((r["source"], r["lead_unit_id"]), ("street", self.units["p-st"]))
        self.assertEqual(r["held"], "no rule of the responsibility matrix applies")

    def test_knowledge_base_category_waits_for_the_answer(self):
        c = self.intake(category="3102")
        self.assertEqual(c["status"], "received")
        self.assertEqual(c["route"]["held"], "the category has a knowledge-base answer")
        self.ok(self.post("%s/%s/actions" % (CASES, c["number"]), {"action": "answer"}))

    def test_no_category_waits(self):
        c = self.intake()
        self.assertEqual(c["status"], "received")
        self.assertEqual(c["route"]["held"], "category uncertain")

    def test_a_new_rule_applies_to_the_next_intake(self):
        rule = self.ok(self.post("/api/v1/routes", {"category_prefix": "3201",
                                                    "area": "p-st", "lead_unit": "p-sw"}), 201)
        try:
            c = self.intake(category="3201")
            self.assertEqual((c["status"], c["lead_unit_id"]), ("dispatched", self.units["p-sw"]))
            # elsewhere the area rule does not apply
            c = self.intake(category="3201", lat=30.1, lon=120.7)
            self.assertEqual(c["status"], "received")
        finally:
            self.ok(self.delete("/api/v1/routes/%d" % rule["id"]))
        self.assertEqual(self.intake(category="3201")["status"], "received")

    def test_unlocated_report_still_routes_by_rule(self):
        c = self.intake(category="3101", lat=10.0, lon=10.0)
        self.assertIs(c["place"]["located"], False)
        self.assertEqual(c["status"], "dispatched")


class ClassifierDispatchTest(unittest.TestCase):
    """The classifier's category dispatches only when it is at least as sure as the threshold."""

    def setUp(self):
        self.server = Server()
        self.server.start()
        tok = self.server.login("admin", ADMIN_PASSWORD)
        for code, name in (("01", "市容"), ("0101", "垃圾"), ("0102", "噪音"), ("0103", "路灯")):
            r = self.server.request("POST", "/api/v1/categories", {"code": code, "name": name},
                                    token=tok)
            self.assertEqual(r.status, 201, r.raw)
        r = self.server.request("POST", "/api/v1/units", {"code": "c-dep", "name": "路灯所",
                                                         "kind": "department", "parent": "city"},
                                token=tok)
        self.dep = r.json["id"]
        r = self.server.request("POST", "/api/v1/routes", {"category_prefix": "0103",
                                                          "lead_unit": "c-dep"}, token=tok)
        self.assertEqual(r.status, 201, r.raw)
        path = os.path.join(self.server.tmp, "train.csv")
        labelled_csv(path, 90)
        p = run_cli("train", path, "--db", self.server.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.server.stop()

    def restart_with(self, threshold):
        self.server.stop()
        p = run_cli("config", "auto_dispatch_threshold", threshold, "--db", self.server.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.server.start()
        tok = self.server.login("admin", ADMIN_PASSWORD)
        r = self.server.request("POST", CASES, {"channel": "web", "text": "门口路灯坏了"}, token=tok)
        self.assertEqual(r.status, 201, r.raw)
        return r.json, tok

    def test_threshold(self):
        c, tok = self.restart_with("0.2")
        p = c["suggested_categories"][0]["p"]
        self.assertGreaterEqual(p, 0.2)
        self.assertEqual((c["status"], c["category"], c["category_source"]),
                         ("dispatched", "0103", "auto"))
        self.assertEqual(c["lead_unit_id"], self.dep)
        ev = self.server.request("GET", "%s/%s/events" % (CASES, c["number"]), token=tok).json
        decided = ev["items"][1]["body"]["decided_by"]
        self.assertEqual(decided["category_source"], "classifier")
        self.assertAlmostEqual(decided["p"], p)
        self.assertEqual(decided["threshold"], 0.2)
        c, _ = self.restart_with("1")
        self.assertEqual((c["status"], c["category"]), ("received", None))
        self.assertEqual(c["route"]["held"], "category uncertain")

    def test_config_command(self):
        p = run_cli("config", "auto_dispatch_threshold", "1.5", "--db", self.server.db)
        self.assertEqual(p.returncode, 2)
        self.assertIn("probability", p.stderr)
        p = run_cli("config", "nope", "1", "--db", self.server.db)
        self.assertEqual(p.returncode, 2)
        p = run_cli("config", "--db", self.server.db)
        self.assertEqual(p.returncode, 0)
        self.assertIn("auto_dispatch_threshold (default)", p.stdout)


if __name__ == "__main__":
    unittest.main()
