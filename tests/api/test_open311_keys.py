"""Open311 client systems and their keys (the admin API), and the quotas: per api_key
(429 with Retry-After) and per client address for reads without a key."""
import unittest

from harness import TOKEN
from o311kit import O311Test

CLIENTS = "/api/v1/open311/clients"


class Clients(O311Test):
    def test_issue_list_change_rotate_revoke(self):
        c = self.ok(self.post(CLIENTS, {"name": "311 CRM", "contact": "crm@city.example",
                                        "rate_limit": 120}), 201)
        self.assertRegex(c["api_key"], TOKEN)
        self.assertEqual((c["name"], c["rate_limit"], c["active"], c["revoked_at"]),
                         ("311 CRM", 120, True, None))
        got = self.ok(self.get("%s/%d" % (CLIENTS, c["id"])))
        self.assertNotIn("api_key", got)  # shown once, never again
        listed = self.ok(self.get(CLIENTS))["items"]
        self.assertIn(c["id"], [x["id"] for x in listed])
        self.assertFalse(any("api_key" in x for x in listed))
        ch = self.ok(self.patch("%s/%d" % (CLIENTS, c["id"]), {"rate_limit": 0, "name": "CRM 2"}))
        self.assertEqual((ch["name"], ch["rate_limit"], ch["contact"]), ("CRM 2", 0, "crm@city.example"))
        where = {"service_code": "0101", "lat": "39.9", "long": "116.4"}
        self.assertEqual(self.submit(where, key=c["api_key"])[0], 201)
        new = self.ok(self.post("%s/%d/key" % (CLIENTS, c["id"]), {}))
        self.assertNotEqual(new["api_key"], c["api_key"])
        self.assertEqual(self.submit(where, key=c["api_key"])[0], 403)
        self.assertEqual(self.submit(where, key=new["api_key"])[0], 201)
        gone = self.ok(self.delete("%s/%d" % (CLIENTS, c["id"])))
        self.assertFalse(gone["active"])
        self.assertIsNotNone(gone["revoked_at"])
        self.assertEqual(self.submit(where, key=new["api_key"])[0], 403)
        self.err(self.post("%s/%d/key" % (CLIENTS, c["id"]), {}), 409)
        # its account cannot sign in (it has no password) and still names its cases
        r = self.req("POST", "/api/v1/auth/login", {"login": "open311:%d" % c["id"], "password": "x" * 12})
        self.err(r, 401)

    def test_admin_only_and_validation(self):
        for who in ("disp", "op"):
            self.err(self.req("GET", CLIENTS, token=self.tok[who]), 403)
            self.err(self.req("POST", CLIENTS, {"name": "x"}, token=self.tok[who]), 403)
        self.err(self.req("GET", CLIENTS), 401)
        self.err(self.post(CLIENTS, {}), 422, field="name")
        self.err(self.post(CLIENTS, {"name": "  "}), 422, field="name")
        self.err(self.post(CLIENTS, {"name": "x", "rate_limit": -5}), 422, field="rate_limit")
        self.err(self.post(CLIENTS, {"name": "x", "secret": 1}), 422, field="secret")
        self.err(self.get(CLIENTS + "/999"), 404)
        self.err(self.get(CLIENTS + "/abc"), 404)
        self.err(self.delete(CLIENTS + "/999"), 404)


class Quotas(O311Test):
    SERVER_ENV = {"GONGZHI_NOW": "1774936800"}  # a fixed clock: the minute never ends

    def test_per_key(self):
        c = self.ok(self.post(CLIENTS, {"name": "Chatty", "rate_limit": 3}), 201)
        for _ in range(3):
            self.assertEqual(self.o311("services", "json", {"api_key": c["api_key"]})[0], 200)
        for fmt in ("json", "xml"):
            st, h, data = self.o311("services", fmt, {"api_key": c["api_key"]})
            self.o311_error(st, data, 429, "api_key")
            self.assertEqual(h["Retry-After"], "60")
            st, h, data = self.submit({"service_code": "0101", "lat": "1", "long": "1"}, fmt,
                                      key=c["api_key"])
            self.o311_error(st, data, 429)
        # other keys and reads without a key are not held back by it
        self.assertEqual(self.o311("services", "json", {"api_key": self.key})[0], 200)
        self.assertEqual(self.o311("services", "json")[0], 200)

    def test_per_address_for_reads_without_a_key(self):
        self.ok(self.patch("/api/v1/open311/settings", {"ip_rate_limit": 2}))
        try:
            self.ok(self.patch("/api/v1/open311/settings", {}))  # unchanged
            statuses = [self.o311_raw("GET", "discovery.json")[0] for _ in range(4)]
            self.assertIn(429, statuses)
            st, h, data = self.o311("requests", "xml")
            self.o311_error(st, data, 429, "address")
            self.assertTrue(h["Retry-After"].isdigit())
            # a key has its own quota
            self.assertEqual(self.o311("requests", "json", {"api_key": self.key})[0], 200)
        finally:
            self.ok(self.patch("/api/v1/open311/settings", {"ip_rate_limit": 0}))
        self.assertEqual(self.o311("requests", "json")[0], 200)


if __name__ == "__main__":
    unittest.main()
