"""HTTP and JSON protocol: bad bodies, media types, sizes, routes, methods, paging params."""
import json
import unittest

from harness import ApiTest

UNITS = "/api/v1/units"
MIB = 1 << 20


class ProtocolTest(ApiTest):
    def unit_body(self, code):
        return {"code": code, "name": "x", "kind": "department", "parent": "city"}

    # ---- bodies ----

    def test_malformed_json(self):
        for raw in [b"{", b'{"code": }', b"{'code': 'x'}", b'{"a":1,}', b"nul", b"",
                    b'{"code":"x"} trailing']:
            with self.subTest(raw=raw):
                r = self.req("POST", UNITS, raw=raw, token=self.admin)
                self.err(r, 400, field="body", code="bad_json")

    def test_body_must_be_an_object(self):
        for raw in [b"[]", b'[{"code":"x"}]', b'"a string"', b"42", b"null", b"true"]:
            with self.subTest(raw=raw):
                self.err(self.req("POST", UNITS, raw=raw, token=self.admin), 400, field="body")
        self.err(self.req("PATCH", UNITS + "/city", raw=b"[1]", token=self.admin), 400,
                 field="body")
        self.err(self.req("POST", "/api/v1/auth/login", raw=b'["admin"]'), 400, field="body")

    def test_duplicate_keys(self):
        raw = b'{"code":"dupkey","code":"dupkey2","name":"x","kind":"department"}'
        self.err(self.req("POST", UNITS, raw=raw, token=self.admin), 400, field="body")
        self.err(self.get(UNITS + "/dupkey"), 404)

    def test_invalid_utf8(self):
        raw = b'{"code":"badutf","name":"\xff\xfe","kind":"department","parent":"city"}'
        self.err(self.req("POST", UNITS, raw=raw, token=self.admin), 400, field="body")
        self.err(self.get(UNITS + "/badutf"), 404)

    def test_content_type(self):
        body = json.dumps(self.unit_body("ct-1")).encode()
        r = self.req("POST", UNITS, raw=body, token=self.admin,
                     headers={"Content-Type": "text/plain"})
        self.err(r, 415, field="Content-Type")
        self.err(self.req("POST", UNITS, raw=body, token=self.admin,
                          headers={"Content-Type": None}), 415)
        self.err(self.req("POST", UNITS, raw=body, token=self.admin,
                          headers={"Content-Type": "application/jsonp"}), 415)
        self.err(self.req("POST", UNITS, raw=body, token=self.admin,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
        self.err(self.req("PATCH", UNITS + "/city", raw=b'{"name":"x"}', token=self.admin,
                          headers={"Content-Type": "text/plain"}), 415)
        self.err(self.get(UNITS + "/ct-1"), 404)
        # a charset parameter and any case are fine
        self.ok(self.req("POST", UNITS, raw=body, token=self.admin,
                         headers={"Content-Type": "application/json; charset=utf-8"}), 201)
        body = json.dumps(self.unit_body("ct-2")).encode()
        self.ok(self.req("POST", UNITS, raw=body, token=self.admin,
                         headers={"Content-Type": "Application/JSON"}), 201)

    # ---- sizes ----

    def big_request(self, length, extra_headers=""):
        return ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Authorization: Bearer %s\r\nContent-Length: %d\r\n%s\r\n"
                % (UNITS, self.admin, length, extra_headers)).encode()

    def check_413(self, r, problem):
        self.assertIsNotNone(r, "body over 1 MiB: expected 413, got %s" % problem)
        self.err(r, 413)

    def test_body_just_over_1_mib(self):
        pad = MIB + 1 - len(b'{"pad":""}')
        body = b'{"pad":"' + b"x" * pad + b'"}'
        self.assertEqual(len(body), MIB + 1)
        r, problem = self.server.exchange(self.big_request(len(body)) + body)
        self.check_413(r, problem)

    def test_body_of_2_mib(self):
        body = b" " * (2 * MIB)
        r, problem = self.server.exchange(self.big_request(len(body)) + body)
        self.check_413(r, problem)

    def test_too_large_content_length_answers_before_the_body(self):
        # with Expect: 100-continue the server can refuse at once instead of asking for 2 MiB
        r, problem = self.server.exchange(self.big_request(2 * MIB, "Expect: 100-continue\r\n"),
                                          timeout=5)
        self.check_413(r, problem)

    def test_chunked_body_over_1_mib(self):
        head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n"
                % (UNITS, self.admin)).encode()
        chunk = b" " * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
        r, problem = self.server.exchange(head + body)
        self.check_413(r, problem)

    def test_body_of_exactly_1_mib_is_read(self):
        pad = MIB - len(b'{"pad":""}')
        body = b'{"pad":"' + b"x" * pad + b'"}'
        self.assertEqual(len(body), MIB)
        r = self.req("POST", UNITS, raw=body, token=self.admin)
        self.err(r, 422, field="pad")     # read and parsed, then refused for its field

    # ---- routes and methods ----

    def test_unknown_route(self):
        for path in ["/api/v1/nope", "/api/v2/units", "/api/v1/units/city/children",
                     "/nothing-here", "/api/v1/categories/01/x"]:
            with self.subTest(path=path):
                r = self.get(path)
                self.err(r, 404, code="not_found")
        self.err(self.req("POST", "/api/v1/nope", {"a": 1}, token=self.admin), 404)

    def test_wrong_method(self):
        cases = [("DELETE", UNITS, {"GET", "POST"}),
                 ("PUT", UNITS + "/city", {"GET", "PATCH"}),
                 ("DELETE", UNITS + "/city", {"GET", "PATCH"}),
                 ("PUT", "/api/v1/categories", {"GET", "POST"}),
                 ("GET", "/api/v1/auth/logout", {"POST"}),
                 ("PATCH", "/api/v1/memberships", {"GET", "POST"}),
                 ("GET", "/api/v1/memberships/1", {"DELETE"}),
                 ("DELETE", "/api/v1/accounts/1", {"GET", "PATCH"})]
        for method, path, allowed in cases:
            with self.subTest(method=method, path=path):
                r = self.req(method, path, token=self.admin)
                self.err(r, 405, code="method_not_allowed")
                allow = r.headers.get("Allow")
                self.assertIsNotNone(allow, "405 without Allow")
                got = {m.strip() for m in allow.split(",") if m.strip()}
                self.assertTrue(allowed <= got, "Allow %r lacks %r" % (allow, allowed))
                self.assertNotIn(method, got)

    def test_paths(self):
        self.ok(self.get(UNITS + "/"))
        self.assertEqual(self.ok(self.get(UNITS + "/%63ity"))["code"], "city")
        self.err(self.get(UNITS + "/%zz"), 404)

    # ---- paging parameters ----

    def test_bad_limit(self):
        for path in [UNITS, "/api/v1/categories", "/api/v1/accounts"]:
            for limit in ["0", "abc", "-1", "501", "", "1.5", "10abc", "99999999999999999999"]:
                with self.subTest(path=path, limit=limit):
                    self.err(self.get("%s?limit=%s" % (path, limit)), 400, field="limit")
            self.ok(self.get(path + "?limit=1"))
            self.ok(self.get(path + "?limit=500"))

    def test_bad_cursor(self):
        import base64

        def b64(s):
            return base64.urlsafe_b64encode(s).rstrip(b"=").decode()

        bogus = ["bogus!!", "not-a-cursor", b64(b"x:12"), b64(b"i:abc"), b64(b"i:-5"), b64(b"i"),
                 "%%%", b64(b"i:1") + "===="]
        for path in [UNITS, "/api/v1/accounts"]:
            for cursor in bogus + [b64(b"c:01")]:
                with self.subTest(path=path, cursor=cursor):
                    self.err(self.get("%s?cursor=%s" % (path, cursor)), 400, field="cursor")
        for cursor in bogus[:4]:
            with self.subTest(path="categories", cursor=cursor):
                self.err(self.get("/api/v1/categories?cursor=%s" % cursor), 400, field="cursor")
        # an empty cursor is the first page
        self.ok(self.get(UNITS + "?cursor="))

    def test_cursor_of_another_kind_of_list(self):
        # units refuse a category (code) cursor; categories must likewise refuse a unit (id)
        # cursor instead of silently answering the first page again
        import base64
        unit_cursor = self.ok(self.get(UNITS + "?limit=1"))["next_cursor"]
        self.assertIsNotNone(unit_cursor)
        self.ok(self.post("/api/v1/categories", {"code": "91", "name": "x"}), 201)
        cat_cursor = base64.urlsafe_b64encode(b"c:01").rstrip(b"=").decode()
        self.err(self.get("%s?cursor=%s" % (UNITS, cat_cursor)), 400, field="cursor")
        self.err(self.get("/api/v1/categories?cursor=%s" % unit_cursor), 400, field="cursor")

    def test_error_bodies_are_json(self):
        for r in [self.get("/api/v1/nope"), self.req("GET", UNITS),
                  self.req("DELETE", UNITS, token=self.admin), self.get(UNITS + "?limit=0")]:
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
            self.assertEqual(set(r.json), {"error"})
            self.assertEqual(set(r.json["error"]), {"code", "message", "field"})


if __name__ == "__main__":
    unittest.main()
