"""GET /api/v1/health: no auth, version, schema, uptime and the search index's lag."""
import time
import unittest

from harness import ApiTest, run_cli


class HealthTest(ApiTest):
    def test_health_needs_no_token(self):
        r = self.req("GET", "/api/v1/health")
        body = self.ok(r)
        self.assertEqual(body["status"], "ok")
        self.assertIsInstance(body["version"], str)
        self.assertRegex(body["version"], r"^\d+\.\d+\.\d+")
        self.assertIsInstance(body["schema_version"], int)
        self.assertGreaterEqual(body["schema_version"], 1)
        self.assertEqual(body["schema_version"], body["schema_latest"])
        self.assertIsInstance(body["uptime_s"], (int, float))
        self.assertGreaterEqual(body["uptime_s"], 0)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")

    def test_health_with_token_too(self):
        self.ok(self.get("/api/v1/health"))

    def test_uptime_grows(self):
        a = self.ok(self.req("GET", "/api/v1/health"))["uptime_s"]
        time.sleep(0.05)
        b = self.ok(self.req("GET", "/api/v1/health"))["uptime_s"]
        self.assertGreater(b, a)

    def test_version_matches_cli(self):
        body = self.ok(self.req("GET", "/api/v1/health"))
        p = run_cli("version")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "gongzhi " + body["version"])

    def test_search_behind_is_zero_once_a_search_ran(self):
        self.ok(self.post("/api/v1/cases", {"channel": "hotline", "text": "健康检查 路灯不亮"}), 201)
        # a search waits until the index holds every case it can see
        items = self.ok(self.get("/api/v1/cases?q=%E5%81%A5%E5%BA%B7%E6%A3%80%E6%9F%A5"))["items"]
        self.assertEqual(len(items), 1)
        behind = self.ok(self.req("GET", "/api/v1/health"))["search_behind"]
        self.assertIsInstance(behind, int)
        self.assertEqual(behind, 0)

    def test_health_rejects_other_methods(self):
        r = self.req("POST", "/api/v1/health", {})
        self.err(r, 405)
        self.assertIn("GET", r.headers.get("Allow", ""))


if __name__ == "__main__":
    unittest.main()
