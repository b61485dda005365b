"""Keep-alive: several requests on one connection, including after errors and bodies."""
import unittest

from harness import ApiTest


class KeepAliveTest(ApiTest):
    def run_on_one_connection(self, steps):
        conn = self.server.connection()
        try:
            sock = None
            for i, (method, path, body, token, headers, raw, status) in enumerate(steps):
                r = self.server.request(method, path, body, token, headers, raw, conn=conn)
                self.assertEqual(r.status, status, "step %d %s %s: %r" % (i, method, path, r.raw))
                self.assertIsNotNone(conn.sock, "the server closed the connection after step %d "
                                     "(%s %s -> %d)" % (i, method, path, r.status))
                if sock is None:
                    sock = conn.sock
                self.assertIs(conn.sock, sock, "a new connection was opened at step %d" % i)
        finally:
            conn.close()

    def test_two_gets(self):
        self.run_on_one_connection([
            ("GET", "/api/v1/health", None, None, None, None, 200),
            ("GET", "/api/v1/me", None, self.admin, None, None, 200),
        ])

    def test_many_requests_with_bodies_and_errors(self):
        a = self.admin
        self.run_on_one_connection([
            ("POST", "/api/v1/units", {"code": "ka-d", "name": "K", "kind": "district",
                                       "parent": "city"}, a, None, None, 201),
            ("GET", "/api/v1/units/ka-d", None, a, None, None, 200),
            ("PATCH", "/api/v1/units/ka-d", {"name": "K2"}, a, None, None, 200),
            ("GET", "/api/v1/nope", None, a, None, None, 404),
            ("DELETE", "/api/v1/units", None, a, None, None, 405),
            ("GET", "/api/v1/me", None, None, None, None, 401),
            ("POST", "/api/v1/units", {"code": "ka-x", "kind": "planet"}, a, None, None, 422),
            ("POST", "/api/v1/units", None, a, None, b"{broken", 400),
            ("POST", "/api/v1/units", None, a, {"Content-Type": "text/plain"}, b"{}", 415),
            ("POST", "/api/v1/units", {"code": "ka-d", "name": "K", "kind": "district",
                                       "parent": "city"}, a, None, None, 409),
            ("GET", "/api/v1/units?limit=0", None, a, None, None, 400),
            ("POST", "/api/v1/auth/login", {"login": "admin", "password": "wrong-one"},
             None, None, None, 401),
            ("GET", "/api/v1/health", None, None, None, None, 200),
        ])
        self.assertEqual(self.ok(self.get("/api/v1/units/ka-d"))["name"], "K2")

    def test_fifty_requests(self):
        self.run_on_one_connection([("GET", "/api/v1/units?limit=5", None, self.admin, None, None,
                                     200)] * 50)

    def test_two_connections_interleaved(self):
        c1, c2 = self.server.connection(), self.server.connection()
        try:
            for _ in range(3):
                for c in (c1, c2):
                    r = self.server.request("GET", "/api/v1/me", token=self.admin, conn=c)
                    self.assertEqual(r.status, 200)
                    self.assertIsNotNone(c.sock)
        finally:
            c1.close()
            c2.close()


if __name__ == "__main__":
    unittest.main()
