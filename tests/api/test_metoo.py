"""POST /api/v1/cases/{number}/metoo: further reporters of the same problem."""
import unittest

from harness import ApiTest

CASES = "/api/v1/cases"


class MetooTest(ApiTest):
    def new_case(self):
        return self.ok(self.post(CASES, {"channel": "hotline", "text": "小区门口路灯不亮",
                                         "phone": "13812345678"}), 201)["number"]

    def test_metoo_counts_and_keeps_pii_out_of_events(self):
        n = self.new_case()
        _, res = self.user("mt-res")
        r = self.ok(self.post("%s/%s/metoo" % (CASES, n), {"phone": "13900002222"}, res))
        # a resident who cannot see the case learns only that it was counted
        self.assertEqual(set(r), {"number", "status", "metoo"})
        self.assertEqual(r["metoo"], 1)
        r = self.ok(self.post("%s/%s/metoo" % (CASES, n), {"channel": "hotline",
                                                           "name": "王五", "phone": "13900003333"}))
        self.assertEqual(r["metoo"], 2)
        events = self.ok(self.get("%s/%s/events" % (CASES, n)))["items"]
        metoo = [e for e in events if e["kind"] == "metoo"]
        self.assertEqual(len(metoo), 2)
        self.assertNotIn("1390000", str(metoo))
        self.assertNotIn("王五", str(metoo))

    def test_bad_input_and_rights(self):
        n = self.new_case()
        _, res = self.user("mt-res2")
        self.err(self.post("%s/%s/metoo" % (CASES, n), {"phone": "call me"}, res), 422,
                 field="phone")
        self.err(self.post("%s/%s/metoo" % (CASES, n), {"channel": "hotline"}, res), 403,
                 field="channel")
        self.err(self.post("%s/%s/metoo" % (CASES, n), {"x": 1}, res), 422, field="x")
        self.err(self.post("%s/20000101-000001/metoo" % CASES, {}, res), 404)
        self.ok(self.post("%s/%s/actions" % (CASES, n), {"action": "invalidate", "reason": "测试"}))
        self.err(self.post("%s/%s/metoo" % (CASES, n), {}, res), 409)


if __name__ == "__main__":
    unittest.main()
