"""/api/v1/cases/{number}/actions: every transition of the closed loop (DESIGN §4) -
who may take it (403), in which state (409 with status and allowed), what it changes,
and that it writes exactly one event (merge: one on each case)."""
import json
import unittest

from casekit import ACTIONS, KB_ANSWER, CaseTest
from harness import RFC3339, parse_time


def json_text(o):
    return json.dumps(o, ensure_ascii=False)


class CaseActionsTest(CaseTest):
    # ---- the main path ----

    def test_main_path_to_closed(self):
        n = self.new_case(name="王五", phone="13812345678")
        c = self.step(n, "dispatch", "disp", unit="d1")
        self.assertEqual(c["status"], "dispatched")
        self.assertEqual(c["lead_unit_id"], self.unit_id["d1"])
        self.assertRegex(c["dispatched_at"], RFC3339)
        self.assertRegex(c["respond_by"], RFC3339)
        self.assertRegex(c["resolve_by"], RFC3339)
        self.assertLess(parse_time(c["respond_by"]), parse_time(c["resolve_by"]))
        c = self.step(n, "accept", "h1")
        self.assertEqual(c["status"], "accepted")
        self.assertRegex(c["accepted_at"], RFC3339)
        c = self.step(n, "reply", "h1", text="已清理完毕，请查看。", note="派保洁员两人")
        self.assertEqual(c["status"], "resolved")
        self.assertEqual(c["reply"], "已清理完毕，请查看。")
        self.assertRegex(c["resolved_at"], RFC3339)
        c = self.step(n, "verify", "sup", **{"pass": True}, note="现场已清理")
        self.assertEqual(c["status"], "verified")
        self.assertRegex(c["verified_at"], RFC3339)
        c = self.step(n, "revisit", "op", contacted=True, solved=True, satisfaction="satisfied")
        self.assertEqual(c["status"], "verified")
        self.assertEqual(c["rating"], {"contacted": True, "solved": True, "satisfaction": "satisfied"})
        c = self.step(n, "close", "op")
        self.assertEqual(c["status"], "closed")
        self.assertRegex(c["closed_at"], RFC3339)
        self.assertEqual(c["rework_count"], 0)
        kinds = [e["kind"] for e in self.events(n)]
        self.assertEqual(kinds, ["created", "dispatch", "accept", "reply", "verify", "revisit",
                                 "close"])
        # the reply's note is internal: it rides on the event body, not on the case
        reply = [e for e in self.events(n) if e["kind"] == "reply"][0]
        self.assertEqual(reply["body"]["text"], "已清理完毕，请查看。")
        self.assertEqual(reply["body"]["note"], "派保洁员两人")
        # closed allows only reopen and comment (for a supervisor)
        self.assertEqual(sorted(self.case(n, "sup")["allowed_actions"]), ["comment", "reopen"])

    def test_close_from_resolved_without_verify(self):
        n = self.resolved()
        c = self.step(n, "close", "disp")
        self.assertEqual(c["status"], "closed")
        self.assertIsNone(c["rating"])

    def test_event_shape(self):
        n = self.dispatched()
        evs = self.events(n)
        self.assertEqual(len(evs), 2)
        created, dispatch = evs
        self.assertEqual(created["kind"], "created")
        self.assertEqual(created["actor_account_id"], self.acct["op"]["id"])
        self.assertEqual(created["body"]["channel"], "hotline")
        self.assertFalse(created["body"]["route"]["dispatched"])
        self.assertEqual(dispatch["actor_account_id"], self.acct["disp"]["id"])
        self.assertEqual(dispatch["actor_unit_id"], self.unit_id["city"])
        self.assertEqual(dispatch["body"]["lead_unit_id"], self.unit_id["d1"])
        self.assertEqual(dispatch["body"]["category"], "0101")
        for e in evs:
            self.assertIsInstance(e["id"], int)
            self.assertRegex(e["at"], RFC3339)
            self.assertIn(e["visibility"], ("public", "internal"))
            self.assertRegex(e["hash"], r"^[0-9a-f]{64}$")
        self.assertLess(created["id"], dispatch["id"])

    # ---- dispatch ----

    def test_dispatch_by_id_with_co_units_and_category(self):
        n = self.new_case(category=None)
        self.refused(n, "dispatch", "disp", 422, field="category", unit="d1")
        c = self.step(n, "dispatch", "disp", unit=self.unit_id["d1"], co_units=["d2", self.unit_id["st"]],
                      category="0102")
        self.assertEqual(c["lead_unit_id"], self.unit_id["d1"])
        self.assertEqual(sorted(c["co_unit_ids"]), sorted([self.unit_id["d2"], self.unit_id["st"]]))
        self.assertEqual(c["category"], "0102")
        self.assertEqual(c["category_source"], "operator")
        # co-units see the case; a co-unit's handler still cannot take the lead's actions
        self.assertEqual(self.case(n, "h2")["number"], n)
        self.assertEqual(self.case(n, "h2")["allowed_actions"], ["comment"])
        self.refused(n, "accept", "h2", 403, field="action")
        # the right role in the wrong state is a 409 before the unit is looked at
        r = self.act(n, "reply", "h2", status=None, text="x")
        self.conflict(r, "dispatched", ["comment"])
        self.act(n, "accept", "h1")
        self.refused(n, "reply", "h2", 403, field="action", text="x")
        self.refused(n, "return", "h2", 403, field="action", reason="x")
        # the lead may not be a co-unit too
        m = self.new_case()
        self.refused(m, "dispatch", "disp", 422, field="co_units", unit="d1", co_units=["d1"])

    def test_dispatch_bad_units(self):
        n = self.new_case()
        self.refused(n, "dispatch", "disp", 422, field="unit")
        self.refused(n, "dispatch", "disp", 422, field="unit", unit="no-such-unit")
        self.refused(n, "dispatch", "disp", 422, field="unit", unit=987654)
        self.refused(n, "dispatch", "disp", 422, field="unit", unit=["d1"])
        self.refused(n, "dispatch", "disp", 422, field="co_units", unit="d1", co_units=["nope"])
        self.refused(n, "dispatch", "disp", 422, field="co_units", unit="d1", co_units="d2")
        self.refused(n, "dispatch", "disp", 422, field="category", unit="d1", category="99")

    # ---- return and redispatch ----

    def test_return_then_redispatch(self):
        n = self.dispatched()
        self.refused(n, "return", "h1", 422, field="reason")
        self.refused(n, "return", "h1", 422, field="reason", reason="")
        c = self.step(n, "return", "h1", reason="不属于本单位职责，应由街道处理")
        self.assertEqual(c["status"], "returned")
        ev = self.events(n)[-1]
        self.assertEqual(ev["visibility"], "internal")
        self.assertEqual(ev["body"]["reason"], "不属于本单位职责，应由街道处理")
        self.assertEqual(ev["body"]["unit_id"], self.unit_id["d1"])
        # the unit that returned it cannot accept it back
        self.refused(n, "accept", "h1", 409)
        c = self.step(n, "redispatch", "disp", unit="d2")
        self.assertEqual(c["status"], "dispatched")
        self.assertEqual(c["lead_unit_id"], self.unit_id["d2"])
        # d1 is no party any more; d2 takes it
        self.err(self.get("/api/v1/cases/" + n, self.tok["h1"]), 404)
        c = self.step(n, "accept", "h2")
        self.assertEqual(c["status"], "accepted")
        # redispatch from accepted (the dispatcher moves it on) restarts the clock
        c = self.step(n, "redispatch", "disp", unit="d1")
        self.assertEqual(c["status"], "dispatched")
        self.assertIsNone(c["accepted_at"])

    def test_dispatch_again_from_returned(self):
        n = self.dispatched()
        self.act(n, "return", "h1", reason="非本单位")
        c = self.step(n, "dispatch", "disp", unit="d2")
        self.assertEqual(c["status"], "dispatched")
        self.assertEqual(c["lead_unit_id"], self.unit_id["d2"])

    # ---- rework ----

    def test_verify_fail_goes_back_to_the_unit(self):
        n = self.resolved()
        self.refused(n, "verify", "sup", 422, field="pass")
        self.refused(n, "verify", "sup", 422, field="pass", **{"pass": "no"})
        c = self.step(n, "verify", "sup", **{"pass": False}, note="现场仍有垃圾")
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["rework_count"], 1)
        self.assertIsNone(c["resolved_at"])
        c = self.step(n, "reply", "h1", text="已再次清理")
        self.assertEqual(c["status"], "resolved")
        c = self.step(n, "verify", "sup", **{"pass": True})
        self.assertEqual(c["status"], "verified")
        self.assertEqual(c["rework_count"], 1)

    def test_grid_worker_verifies_a_case_of_their_street(self):
        n = self.new_case()
        self.act(n, "dispatch", "disp", unit="d1", co_units=["st"])
        self.act(n, "accept", "h1")
        self.act(n, "reply", "h1", text="已处理")
        c = self.step(n, "verify", "gw", **{"pass": True})
        self.assertEqual(c["status"], "verified")

    def test_revisit_unsatisfied_reworks(self):
        n = self.verified()
        self.refused(n, "revisit", "op", 422, field="contacted", solved=True, satisfaction="basic")
        self.refused(n, "revisit", "op", 422, field="solved", contacted=True, satisfaction="basic")
        self.refused(n, "revisit", "op", 422, field="satisfaction", contacted=True, solved=True)
        self.refused(n, "revisit", "op", 422, field="satisfaction", contacted=True, solved=True,
                     satisfaction="happy")
        self.refused(n, "revisit", "h1", 403, contacted=True, solved=True, satisfaction="basic")
        c = self.step(n, "revisit", "op", contacted=True, solved=True, satisfaction="unsatisfied")
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["rework_count"], 1)
        self.assertEqual(self.events(n)[-1]["body"]["rework"], True)
        # fixed and rated again: basic keeps it
        self.act(n, "reply", "h1", text="已再次处理")
        c = self.step(n, "revisit", "op", contacted=True, solved=True, satisfaction="basic")
        self.assertEqual(c["status"], "resolved")
        self.assertEqual(c["rating"]["satisfaction"], "basic")
        self.assertEqual(c["rework_count"], 1)

    def test_revisit_unsolved_reworks(self):
        n = self.resolved()
        c = self.step(n, "revisit", "op", contacted=False, solved=False, satisfaction="satisfied")
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["rework_count"], 1)

    def test_reopen_closed(self):
        n = self.closed()
        self.refused(n, "reopen", "sup", 422, field="reason")
        self.refused(n, "reopen", "h1", 403, reason="x")
        c = self.step(n, "reopen", "sup", reason="市民反映问题复发")
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["rework_count"], 1)
        self.assertIsNone(c["closed_at"])
        self.assertEqual(c["lead_unit_id"], self.unit_id["d1"])
        # and round again
        self.act(n, "reply", "h1", text="已彻底处理")
        c = self.step(n, "close", "sup")
        self.assertEqual(c["status"], "closed")

    # ---- answered at intake ----

    def test_answer_with_the_knowledge_base(self):
        n = self.intake(category="1201", text="社保卡丢了怎么补办？")["number"]
        self.refused(n, "answer", "disp", 403)
        c = self.step(n, "answer", "op")
        self.assertEqual(c["status"], "closed")
        self.assertEqual(c["reply"], KB_ANSWER)
        self.assertRegex(c["closed_at"], RFC3339)
        ev = self.events(n)[-1]
        self.assertEqual(ev["body"]["text"], KB_ANSWER)
        self.assertEqual(ev["visibility"], "public")

    def test_answer_with_text(self):
        n = self.intake(category="1201", text="社保卡丢了怎么补办？")["number"]
        c = self.step(n, "answer", "op", text="请到社保大厅补办。")
        self.assertEqual(c["reply"], "请到社保大厅补办。")
        self.assertEqual(c["status"], "closed")

    def test_answer_needs_text_without_kb(self):
        n = self.new_case(category=None)
        self.refused(n, "answer", "op", 422, field="text")
        n = self.new_case(category="0101")  # a category with no kb_answer
        self.refused(n, "answer", "op", 422, field="text")

    def test_answer_only_at_intake(self):
        n = self.dispatched()
        self.refused(n, "answer", "op", 409)

    # ---- merge ----

    def test_merge_into_parent(self):
        parent = self.dispatched()
        child = self.new_case(text="同一处垃圾，我也反映一下")
        before_p = self.events(parent)
        before_c = self.events(child)
        c = self.act(child, "merge", "op", into=parent)
        self.assertEqual(c["status"], "merged")
        self.assertRegex(c["closed_at"], RFC3339)
        after_p = self.events(parent)
        after_c = self.events(child)
        self.assertEqual(len(after_c), len(before_c) + 1)
        self.assertEqual(len(after_p), len(before_p) + 1)
        self.assertEqual(after_c[-1]["kind"], "merge")
        self.assertEqual(after_c[-1]["body"]["into"], parent)
        self.assertEqual(after_p[-1]["kind"], "metoo")
        self.assertEqual(after_p[-1]["body"]["merged"], child)
        self.assertEqual(self.case(parent)["metoo"], 1)
        self.assertEqual(self.case(parent)["status"], "dispatched")
        # a second one; a merged case takes nothing more but comments
        other = self.new_case(text="又一位市民反映同一处垃圾")
        self.act(other, "merge", "disp", into=parent)
        self.assertEqual(self.case(parent)["metoo"], 2)
        r = self.act(child, "dispatch", "disp", status=None, unit="d1")
        self.conflict(r, "merged", ["comment"])

    def test_merge_carries_its_own_metoo(self):
        parent = self.dispatched()
        mid = self.new_case()
        leaf = self.new_case()
        self.act(leaf, "merge", "op", into=mid)
        self.assertEqual(self.case(mid)["metoo"], 1)
        self.act(mid, "merge", "op", into=parent)
        self.assertEqual(self.case(parent)["metoo"], 2)

    def test_merge_errors(self):
        n = self.new_case()
        closed = self.closed()
        invalid = self.new_case()
        self.act(invalid, "invalidate", "op", reason="空号骚扰")
        self.refused(n, "merge", "op", 422, field="into")
        self.refused(n, "merge", "op", 422, field="into", into=n)
        self.refused(n, "merge", "op", 422, field="into", into=closed)
        self.refused(n, "merge", "op", 422, field="into", into=invalid)
        self.refused(n, "merge", "op", 422, field="into", into="20000101-000001")
        self.refused(n, "merge", "op", 422, field="into", into="not-a-number")
        d = self.dispatched()
        self.refused(d, "merge", "h1", 403, into=n)
        # a closed case cannot be merged away either
        self.refused(closed, "merge", "op", 409, into=n)

    # ---- invalidate ----

    def test_invalidate(self):
        n = self.new_case(text="测试测试")
        self.refused(n, "invalidate", "op", 422, field="reason")
        self.refused(n, "invalidate", "h1", 404, reason="x")  # not a party: cannot see it
        c = self.step(n, "invalidate", "op", reason="无实质内容")
        self.assertEqual(c["status"], "invalid")
        r = self.act(n, "dispatch", "disp", status=None, unit="d1")
        self.conflict(r, "invalid", ["comment"])
        self.assertEqual(self.case(n, "op")["allowed_actions"], ["comment"])

    def test_invalidate_returned(self):
        n = self.dispatched()
        self.act(n, "return", "h1", reason="非本单位")
        c = self.step(n, "invalidate", "disp", reason="重复来电")
        self.assertEqual(c["status"], "invalid")

    # ---- park ----

    def test_park_and_unpark_back_to_where_it_was(self):
        for start in ("dispatched", "accepted"):
            n = self.dispatched() if start == "dispatched" else self.accepted()
            self.refused(n, "park", "h1", 403, reason="x")
            self.refused(n, "park", "sup", 422, field="reason")
            c = self.step(n, "park", "sup", reason="需纳入明年道路改造工程")
            self.assertEqual(c["status"], "parked")
            self.assertEqual(c["parked_from"], start)
            self.assertEqual(self.events(n)[-1]["body"]["from"], start)
            r = self.act(n, "reply", "h1", status=None, text="x")
            self.conflict(r, "parked", ["comment"])
            self.refused(n, "unpark", "h1", 403)
            c = self.step(n, "unpark", "sup")
            self.assertEqual(c["status"], start)
            self.assertNotIn("parked_from", c)

    def test_park_returned(self):
        n = self.dispatched()
        self.act(n, "return", "h1", reason="非本单位")
        self.act(n, "park", "sup", reason="权属不清，待区里协调")
        self.assertEqual(self.act(n, "unpark", "sup")["status"], "returned")

    # ---- extension ----

    def test_extend_then_approve(self):
        n = self.accepted()
        resolve_by = parse_time(self.case(n)["resolve_by"])
        self.refused(n, "extend", "h1", 422, field="reason", extension="2 workdays")
        self.refused(n, "extend", "h1", 422, field="extension", reason="需要采购配件")
        self.refused(n, "extend", "h1", 422, field="extension", reason="需要采购配件",
                     extension="2 fortnights")
        self.refused(n, "extend", "h1", 422, field="extension", reason="需要采购配件",
                     extension="0 workdays")
        self.refused(n, "extend", "sup", 403, reason="x", extension="2 workdays")
        r = self.act(n, "approve_extension", "sup", status=None)
        self.conflict(r, "accepted")
        self.assertNotIn("approve_extension", r.json["allowed"])
        c = self.step(n, "extend", "h1", reason="需要采购配件", extension="2 workdays")
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["extension"], {"state": "requested", "asked": "2 workdays"})
        self.assertEqual(self.events(n)[-1]["visibility"], "internal")
        self.assertIn("approve_extension", self.case(n, "sup")["allowed_actions"])
        self.refused(n, "extend", "h1", 409, reason="again", extension="1 workdays")
        self.refused(n, "approve_extension", "h1", 403)
        c = self.step(n, "approve_extension", "sup")
        self.assertEqual(c["extension"]["state"], "approved")
        self.assertGreater(parse_time(c["resolve_by"]), resolve_by)
        # once only
        r = self.act(n, "extend", "h1", status=None, reason="again", extension="1 workdays")
        self.conflict(r, "accepted")
        self.assertNotIn("extend", r.json["allowed"])
        self.refused(n, "approve_extension", "sup", 409)

    def test_extend_then_refuse(self):
        n = self.dispatched()
        resolve_by = self.case(n)["resolve_by"]
        self.step(n, "extend", "h1", reason="施工需要审批", extension="8 work_hours")
        self.refused(n, "refuse_extension", "sup", 422, field="reason")
        c = self.step(n, "refuse_extension", "sup", reason="可先行临时处置")
        self.assertEqual(c["extension"]["state"], "refused")
        self.assertEqual(c["resolve_by"], resolve_by)
        self.refused(n, "extend", "h1", 409, reason="again", extension="1 workdays")

    # ---- comments ----

    def test_comment_visibility(self):
        a = self.make_account("res-member", "Passw0rd-user")
        self.grant(a["id"], "city", "resident")
        self.acct["res-m"] = a
        self.tok["res-m"] = self.server.login("res-member", "Passw0rd-user")
        n = self.intake(who="res-m", channel="web", text="楼下餐馆油烟扰民",
                        category=None)["number"]
        self.act(n, "dispatch", "disp", unit="d1", category="0102")
        self.refused(n, "comment", "op", 422, field="text")
        self.refused(n, "comment", "op", 422, field="visibility", text="x", visibility="secret")
        self.step(n, "comment", "op", text="内部：该商户多次被投诉", visibility="internal")
        self.step(n, "comment", "op", text="已转交执法部门处理", visibility="public")
        self.step(n, "comment", "h1", text="默认为内部")
        self.step(n, "comment", "res-m", text="谢谢，盼尽快处理", visibility="public")
        self.step(n, "return", "h1", reason="非本单位")
        mine = self.events(n, "res-m")
        kinds = [(e["kind"], e["body"].get("text")) for e in mine]
        self.assertEqual(kinds, [("created", None), ("dispatch", None),
                                 ("comment", "已转交执法部门处理"), ("comment", "谢谢，盼尽快处理")])
        self.assertTrue(all(e["visibility"] == "public" for e in mine))
        staff = self.events(n, "h1")
        self.assertEqual(len(staff), 7)
        self.assertEqual([e["visibility"] for e in staff if e["kind"] == "comment"],
                         ["internal", "public", "internal", "public"])
        self.assertEqual(staff[-1]["visibility"], "internal")
        # another resident sees nothing of it
        self.make_account("res2", "Passw0rd-user")
        other = self.server.login("res2", "Passw0rd-user")
        self.err(self.get("/api/v1/cases/" + n, other), 404)
        self.err(self.get("/api/v1/cases/%s/events" % n, other), 404)
        self.err(self.req("POST", "/api/v1/cases/%s/actions" % n, {"action": "comment", "text": "x"},
                          token=other), 404)

    def test_internal_notes_hidden_from_the_reporter(self):
        """reply and verify carry a public part and an internal note: the reporter's public
        timeline shows the reply text but never the note; staff see both."""
        n = self.intake(who="res", channel="web", text="小区路灯坏了", category=None)["number"]
        who = "res"
        self.act(n, "dispatch", "disp", unit="d1", category="0101")
        self.act(n, "accept", "h1")
        self.act(n, "reply", "h1", text="已更换灯泡", note="内部：维修工电话13900001111")
        self.act(n, "verify", "sup", **{"pass": False}, note="内部：现场照片不清")
        staff = {e["kind"]: e["body"] for e in self.events(n, "h1")}
        self.assertEqual(staff["reply"]["note"], "内部：维修工电话13900001111")
        self.assertEqual(staff["verify"]["note"], "内部：现场照片不清")
        mine = self.events(n, who)
        reply = [e for e in mine if e["kind"] == "reply"]
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply[0]["body"]["text"], "已更换灯泡")
        self.assertNotIn("13900001111", json_text(mine))
        self.assertNotIn("现场照片不清", json_text(mine))

    def test_dispatch_to_an_inactive_unit(self):
        self.make_unit("gone", "department", parent="city")
        self.ok(self.patch("/api/v1/units/gone", {"active": False}))
        n = self.new_case()
        self.refused(n, "dispatch", "disp", 422, field="unit", unit="gone")

    def test_reporter_without_membership_may_comment(self):
        """A resident who signed up (no membership at all) reports on the web and follows the
        case; comment is open to every role, so its reporter may add to it too."""
        n = self.intake(who="res", channel="web", text="共享单车堆满人行道", category=None)["number"]
        self.assertEqual(self.case(n, "res")["number"], n)
        c = self.step(n, "comment", "res", text="补充：早高峰最严重", visibility="public")
        self.assertEqual(c["number"], n)
        self.assertEqual(self.events(n, "res")[-1]["body"]["text"], "补充：早高峰最严重")

    def test_comment_allowed_in_every_state(self):
        n = self.closed()
        self.step(n, "comment", "sup", text="结案后补记")

    # ---- roles (403) ----

    def test_wrong_roles(self):
        n = self.dispatched()
        self.refused(n, "redispatch", "h1", 403, field="action", unit="d2")
        self.refused(n, "dispatch", "h1", 403, field="action", unit="d1")
        self.refused(n, "accept", "op", 403, field="action")
        self.refused(n, "accept", "disp", 403)
        self.refused(n, "accept", "sup", 403)
        self.refused(n, "merge", "h1", 403, into=n)
        # handler of d2 on a case led by d1 only: not even visible
        self.refused(n, "accept", "h2", 404)
        self.refused(n, "comment", "h2", 404, text="x")
        # grid workers see every case (they verify for every unit on their streets)
        self.refused(n, "accept", "gw", 403)
        m = self.new_case()
        self.refused(m, "dispatch", "op", 403, unit="d1")
        self.refused(m, "dispatch", "sup", 403, unit="d1")
        # residents take no actions on others' cases
        self.refused(m, "invalidate", "res", 404, reason="x")

    def test_dispatcher_of_a_district_dispatches_only_inside_it(self):
        a = self.make_account("disp-dist", "Passw0rd-user")
        self.grant(a["id"], "dist", "dispatcher")
        tok = self.server.login("disp-dist", "Passw0rd-user")
        n = self.dispatched(unit="dist")
        # the district dispatcher sees the district's case and may move it within the district
        self.tok["disp-dist"] = tok
        try:
            self.refused(n, "redispatch", "disp-dist", 403, unit="d2")
            self.refused(n, "redispatch", "disp-dist", 422, field="unit", unit="dist")
            c = self.act(n, "redispatch", "disp-dist", unit="st")
            self.assertEqual(c["lead_unit_id"], self.unit_id["st"])
        finally:
            del self.tok["disp-dist"]

    def test_admin_may_take_any_action(self):
        n = self.new_case()
        self.step(n, "dispatch", "admin", unit="d1")
        self.step(n, "accept", "admin")
        self.assertEqual(self.case(n)["status"], "accepted")

    # ---- states (409) ----

    def test_conflict_bodies(self):
        n = self.new_case()
        # received: the operator may answer, merge, invalidate, comment
        r = self.act(n, "close", "op", status=None)
        self.conflict(r, "received", ["answer", "merge", "invalidate", "comment"])
        self.assertIn("close", r.json["error"]["message"])
        r = self.act(n, "redispatch", "disp", status=None, unit="d1")
        # (a dispatcher may also offer a case with a category for claims: issue 8)
        self.conflict(r, "received", ["dispatch", "merge", "invalidate", "comment",
                                      "mark_claimable"])
        self.act(n, "dispatch", "disp", unit="d1")
        self.act(n, "accept", "h1")
        # accepted: the handler may return, reply, extend, comment
        r = self.act(n, "accept", "h1", status=None)
        self.conflict(r, "accepted", ["return", "reply", "extend", "comment"])
        # accepted: revisit before any reply
        r = self.act(n, "revisit", "op", status=None, contacted=True, solved=True,
                     satisfaction="satisfied")
        self.conflict(r, "accepted", ["merge", "comment"])
        r = self.act(n, "unpark", "sup", status=None)
        self.conflict(r, "accepted", ["park", "comment"])
        r = self.act(n, "verify", "sup", status=None, **{"pass": True})
        self.conflict(r, "accepted")
        r = self.act(n, "close", "op", status=None)
        self.conflict(r, "accepted")
        # the case's own view agrees with the 409
        self.assertEqual(sorted(self.case(n, "h1")["allowed_actions"]),
                         sorted(["return", "reply", "extend", "comment"]))

    def test_wrong_state_changes_nothing(self):
        n = self.resolved()
        for action, who, fields in (("accept", "h1", {}), ("dispatch", "disp", {"unit": "d1"}),
                                    ("reply", "h1", {"text": "again"}),
                                    ("return", "h1", {"reason": "x"}),
                                    ("extend", "h1", {"reason": "x", "extension": "1 workdays"}),
                                    ("park", "sup", {"reason": "x"}),
                                    ("answer", "op", {"text": "x"}),
                                    ("invalidate", "op", {"reason": "x"})):
            self.refused(n, action, who, 409, **fields)

    # ---- bad requests ----

    def test_bad_action_requests(self):
        n = self.accepted()
        self.refused(n, "teleport", "h1", 422, field="action")
        r = self.req("POST", "/api/v1/cases/%s/actions" % n, {"text": "x"}, token=self.tok["h1"])
        self.err(r, 422, field="action")
        self.refused(n, "reply", "h1", 422, field="text")
        self.refused(n, "reply", "h1", 422, field="text", text="")
        self.refused(n, "reply", "h1", 422, field="text", text="x" * 5001)
        self.refused(n, "reply", "h1", 422, field="text", text=5)
        self.refused(n, "reply", "h1", 422, field="colour", text="ok", colour="red")
        self.refused(n, "return", "h1", 422, field="reason")
        r = self.req("POST", "/api/v1/cases/%s/actions" % n, raw=b'{"action":"reply","text":"\xff"}',
                     token=self.tok["h1"])
        self.assertIn(r.status, (400, 422), r.raw)
        self.assertIn(r.json["error"]["field"], ("text", "body"), r.raw)
        self.err(self.req("POST", "/api/v1/cases/20000101-000001/actions",
                          {"action": "comment", "text": "x"}, token=self.admin), 404)
        self.err(self.req("POST", "/api/v1/cases/%s/actions" % n, {"action": "comment", "text": "x"}),
                 401)
        # 5,000 characters are fine (of CJK: 15,000 bytes)
        c = self.step(n, "reply", "h1", text="好" * 5000)
        self.assertEqual(len(c["reply"]), 5000)

    def test_every_action_is_known(self):
        """Each action name parses (no 422 on the action field), and only those do."""
        n = self.new_case()
        for a in ACTIONS:
            r = self.act(n, a, "admin", status=None)
            if r.status == 422:
                self.assertNotEqual(r.json["error"]["field"], "action", (a, r.raw))


if __name__ == "__main__":
    unittest.main()
