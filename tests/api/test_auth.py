"""Sign in and out: POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/me."""
import time
import unittest

from harness import ADMIN_PASSWORD, RFC3339, TOKEN, ApiTest, parse_time

LOGIN = "/api/v1/auth/login"


def throttle_slot(key, slots=4096):
    """The server's throttle slot of a login (FNV-1a mod slots), to avoid collisions."""
    h = 2166136261
    for b in key.encode("utf-8"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % slots


class LoginTest(ApiTest):
    def test_logins_used_here_do_not_share_throttle_slots(self):
        logins = ["admin", "sleeper", "forgetful", "ghost-login", "throttled-user", "nobody-here"]
        self.assertEqual(len({throttle_slot(x) for x in logins}), len(logins))

    def test_login_ok(self):
        before = time.time()
        r = self.req("POST", LOGIN, {"login": "admin", "password": ADMIN_PASSWORD})
        body = self.ok(r)
        self.assertRegex(body["token"], TOKEN)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertRegex(body["expires_at"], RFC3339)
        exp = parse_time(body["expires_at"])
        self.assertGreater(exp, before + 3600)          # hours, not seconds
        self.assertLess(exp, before + 31 * 24 * 3600)   # and not forever
        self.assertEqual(body["account"]["login"], "admin")
        self.assertIsInstance(body["account"]["id"], int)
        self.assertTrue(body["account"]["active"])
        self.assertNotIn("password", body["account"])
        self.assertNotIn("pw_hash", body["account"])

    def test_each_login_gets_a_new_token(self):
        a = self.server.login("admin", ADMIN_PASSWORD)
        b = self.server.login("admin", ADMIN_PASSWORD)
        self.assertNotEqual(a, b)
        self.ok(self.get("/api/v1/me", a))
        self.ok(self.get("/api/v1/me", b))

    def test_wrong_password(self):
        r = self.req("POST", LOGIN, {"login": "admin", "password": "not-the-password"})
        self.err(r, 401, field="password")
        self.assertEqual(r.headers.get("WWW-Authenticate"), "Bearer")
        self.assertNotIn("token", r.json)

    def test_unknown_login_is_like_wrong_password(self):
        wrong = self.req("POST", LOGIN, {"login": "admin", "password": "not-the-password"})
        unknown = self.req("POST", LOGIN, {"login": "nobody-here", "password": "whatever-123"})
        e = self.err(unknown, 401, field="password")
        # the answer must not tell whether the login exists
        self.assertEqual(e["message"], wrong.json["error"]["message"])
        self.assertEqual(e["code"], wrong.json["error"]["code"])

    def test_missing_fields(self):
        self.err(self.req("POST", LOGIN, {"login": "admin"}), 422, field="password")
        self.err(self.req("POST", LOGIN, {"password": ADMIN_PASSWORD}), 422, field="login")
        self.err(self.req("POST", LOGIN, {}), 422)

    def test_wrong_types(self):
        self.err(self.req("POST", LOGIN, {"login": 7, "password": ADMIN_PASSWORD}), 422, field="login")
        self.err(self.req("POST", LOGIN, {"login": "admin", "password": None}), 422, field="password")

    def test_unknown_field(self):
        r = self.req("POST", LOGIN, {"login": "admin", "password": ADMIN_PASSWORD, "remember": True})
        self.err(r, 422, field="remember")

    def test_login_needs_json(self):
        self.err(self.req("POST", LOGIN, raw=b"login=admin&password=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
        self.err(self.req("POST", LOGIN, raw=b"{login: admin}"), 400, field="body")

    def test_inactive_account_cannot_login(self):
        a = self.make_account("sleeper", "Sleeper-pass-1")
        self.server.login("sleeper", "Sleeper-pass-1")
        self.ok(self.patch("/api/v1/accounts/%d" % a["id"], {"active": False}))
        self.err(self.req("POST", LOGIN, {"login": "sleeper", "password": "Sleeper-pass-1"}), 401)

    def test_sixth_failure_is_throttled(self):
        login = "throttled-user"
        self.assertNotEqual(throttle_slot(login), throttle_slot("admin"))
        self.make_account(login, "Right-pass-123")
        for i in range(5):
            r = self.req("POST", LOGIN, {"login": login, "password": "wrong-pass-%d" % i})
            self.err(r, 401, field="password")
        r = self.req("POST", LOGIN, {"login": login, "password": "wrong-pass-6"})
        self.err(r, 429, field="login")
        retry = r.headers.get("Retry-After")
        self.assertIsNotNone(retry, "429 without Retry-After")
        self.assertRegex(retry, r"^\d+$")
        self.assertTrue(0 < int(retry) <= 300, retry)
        # while throttled even the right password is refused
        r = self.req("POST", LOGIN, {"login": login, "password": "Right-pass-123"})
        self.err(r, 429)
        self.assertIsNotNone(r.headers.get("Retry-After"))
        # other logins are not affected
        self.server.login("admin", ADMIN_PASSWORD)

    def test_unknown_logins_are_throttled_too(self):
        login = "ghost-login"
        self.assertNotEqual(throttle_slot(login), throttle_slot("admin"))
        for i in range(5):
            self.err(self.req("POST", LOGIN, {"login": login, "password": "guess-%d-xx" % i}), 401)
        self.err(self.req("POST", LOGIN, {"login": login, "password": "guess-6-xx"}), 429)

    def test_success_resets_failures(self):
        login = "forgetful"
        self.assertNotEqual(throttle_slot(login), throttle_slot("admin"))
        self.make_account(login, "Forgetful-123")
        for _ in range(4):
            self.err(self.req("POST", LOGIN, {"login": login, "password": "nope-nope-1"}), 401)
        self.server.login(login, "Forgetful-123")
        for _ in range(4):
            self.err(self.req("POST", LOGIN, {"login": login, "password": "nope-nope-1"}), 401)
        self.server.login(login, "Forgetful-123")


class LogoutMeTest(ApiTest):
    def test_me(self):
        body = self.ok(self.get("/api/v1/me"))
        self.assertEqual(body["account"]["login"], "admin")
        city = self.ok(self.get("/api/v1/units/city"))
        self.assertIn({"unit_id": city["id"], "role": "admin"}, body["memberships"])

    def test_me_of_a_plain_account(self):
        a, tok = self.user("plain-me")
        body = self.ok(self.get("/api/v1/me", tok))
        self.assertEqual(body["account"]["id"], a["id"])
        self.assertEqual(body["account"]["login"], "plain-me")
        self.assertEqual(body["memberships"], [])

    def test_logout_ends_the_token(self):
        tok = self.server.login("admin", ADMIN_PASSWORD)
        other = self.server.login("admin", ADMIN_PASSWORD)
        self.ok(self.get("/api/v1/me", tok))
        body = self.ok(self.req("POST", "/api/v1/auth/logout", token=tok))
        self.assertEqual(body, {"logged_out": True})
        r = self.get("/api/v1/me", tok)
        self.err(r, 401, field="Authorization")
        self.assertEqual(r.headers.get("WWW-Authenticate"), "Bearer")
        self.err(self.get("/api/v1/units", tok), 401)
        self.err(self.req("POST", "/api/v1/auth/logout", token=tok), 401)
        # the account's other tokens live on
        self.ok(self.get("/api/v1/me", other))

    def test_logout_needs_a_token(self):
        self.err(self.req("POST", "/api/v1/auth/logout"), 401, field="Authorization")

    def test_me_methods(self):
        r = self.req("POST", "/api/v1/me", {}, token=self.admin)
        self.err(r, 405)
        self.assertIn("GET", r.headers.get("Allow", ""))
        r = self.req("GET", "/api/v1/auth/login")
        self.err(r, 405)
        self.assertIn("POST", r.headers.get("Allow", ""))


if __name__ == "__main__":
    unittest.main()
