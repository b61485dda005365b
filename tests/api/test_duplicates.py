"""Duplicate candidates at intake: nearby, recent, alike open cases."""
import unittest

from harness import ADMIN_PASSWORD, ApiTest

CASES = "/api/v1/cases"


class DuplicatesTest(ApiTest):
    def intake(self, text, lat, lon):
        return self.ok(self.post(CASES, {"channel": "hotline", "text": text, "lat": lat,
                                         "lon": lon}), 201)

    def test_candidates(self):
        a = self.intake("小区东门垃圾堆积多日无人清理", 39.9000, 116.4000)
        self.assertNotIn("duplicate_candidates", a)
        # ~50 m north, almost the same words
        b = self.intake("小区东门垃圾堆积无人清理", 39.90045, 116.4000)
        dup = b["duplicate_candidates"]
        self.assertEqual(dup[0]["number"], a["number"])
        self.assertTrue(dup[0]["likely"])
        self.assertLess(abs(dup[0]["distance_m"] - 50), 2)
        # the decision is on the record
        ev = self.ok(self.get("%s/%s/events" % (CASES, b["number"])))["items"][0]
        self.assertEqual(ev["body"]["duplicate_candidates"][0]["number"], a["number"])
        # far away: none
        c = self.intake("小区东门垃圾堆积多日无人清理", 39.95, 116.45)
        self.assertNotIn("duplicate_candidates", c)
        # a case that is no longer open is no candidate
        self.ok(self.post("%s/%s/actions" % (CASES, a["number"]),
                          {"action": "invalidate", "reason": "重复"}))
        d = self.intake("小区东门垃圾堆积", 39.9000, 116.4001)
        self.assertEqual([x["number"] for x in d["duplicate_candidates"]], [b["number"]])

    def test_index_survives_a_restart(self):
        a = self.intake("路口井盖丢失很危险", 31.2000, 121.5000)
        self.server.stop()
        self.server.start()
        self.admin = self.server.login("admin", ADMIN_PASSWORD)
        b = self.intake("路口井盖丢失", 31.2001, 121.5000)
        self.assertIn(a["number"], [x["number"] for x in b["duplicate_candidates"]])


if __name__ == "__main__":
    unittest.main()
