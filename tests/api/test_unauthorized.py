"""Every protected route answers 401 without a valid bearer token, before it looks at the body."""
import os
import unittest

from harness import ApiTest

# (method, path, body) of every protected route
ROUTES = [
    ("GET", "/api/v1/me", None),
    ("POST", "/api/v1/auth/logout", None),
    ("GET", "/api/v1/units", None),
    ("GET", "/api/v1/units?kind=city", None),
    ("POST", "/api/v1/units", {"code": "x1", "name": "x", "kind": "district", "parent": "city"}),
    ("GET", "/api/v1/units/1", None),
    ("GET", "/api/v1/units/city", None),
    ("PATCH", "/api/v1/units/city", {"name": "Hacked"}),
    ("GET", "/api/v1/categories", None),
    ("POST", "/api/v1/categories", {"code": "77", "name": "x"}),
    ("GET", "/api/v1/categories/01", None),
    ("PATCH", "/api/v1/categories/01", {"name": "x"}),
    ("GET", "/api/v1/accounts", None),
    ("POST", "/api/v1/accounts", {"login": "mallory", "name": "M", "password": "Mallory-123"}),
    ("GET", "/api/v1/accounts/1", None),
    ("PATCH", "/api/v1/accounts/1", {"password": "Mallory-123"}),
    ("GET", "/api/v1/memberships", None),
    ("POST", "/api/v1/memberships", {"account_id": 1, "unit": "city", "role": "admin"}),
    ("DELETE", "/api/v1/memberships/1", None),
]

BAD_AUTH = [
    ("none", None),
    ("empty bearer", "Bearer "),
    ("short token", "Bearer abc123"),
    ("not hex", "Bearer " + "zz" * 32),
    ("65 chars", "Bearer " + "a" * 65),
    ("basic scheme", "Basic YWRtaW46cGFzc3dvcmQ="),
    ("token without scheme", None),  # filled in below with a real token
    ("random well-formed", "Bearer " + os.urandom(32).hex()),
]


class UnauthorizedTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # something to point at
        cls.server.request("POST", "/api/v1/categories", {"code": "01", "name": "c"}, token=cls.admin)

    def check(self, auth_label, auth):
        for method, path, body in ROUTES:
            with self.subTest(auth=auth_label, method=method, path=path):
                headers = {"Authorization": auth} if auth is not None else None
                r = self.req(method, path, body, headers=headers)
                self.err(r, 401, field="Authorization")
                self.assertEqual(r.headers.get("WWW-Authenticate"), "Bearer")

    def test_without_token(self):
        self.check("none", None)

    def test_malformed_tokens(self):
        for label, auth in BAD_AUTH:
            if auth is not None:
                self.check(label, auth)

    def test_token_without_bearer_scheme(self):
        self.check("bare token", self.admin)

    def test_random_well_formed_token(self):
        self.check("random", "Bearer " + os.urandom(32).hex())

    def test_401_comes_before_body_checks(self):
        # a bad body and a bad content type still answer 401 without a token
        r = self.req("POST", "/api/v1/units", raw=b"{not json",
                     headers={"Content-Type": "text/plain"})
        self.err(r, 401)
        r = self.req("PATCH", "/api/v1/accounts/1", raw=b"[1,2]")
        self.err(r, 401)

    def test_nothing_changed(self):
        self.check("none", None)
        city = self.ok(self.get("/api/v1/units/city"))
        self.assertNotEqual(city["name"], "Hacked")
        cat = self.ok(self.get("/api/v1/categories/01"))
        self.assertEqual(cat["name"], "c")
        logins = [a["login"] for a in self.ok(self.get("/api/v1/accounts"))["items"]]
        self.assertNotIn("mallory", logins)
        self.err(self.get("/api/v1/units/x1"), 404)
        self.err(self.get("/api/v1/categories/77"), 404)

    def test_valid_token_works(self):
        # the control: the same routes with the admin token are not 401
        for method, path, body in ROUTES:
            if method != "GET":
                continue
            with self.subTest(path=path):
                r = self.get(path)
                self.assertNotEqual(r.status, 401, r.raw)


if __name__ == "__main__":
    unittest.main()
