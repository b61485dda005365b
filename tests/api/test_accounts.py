"""/api/v1/accounts and /api/v1/memberships, and who may do what."""
import unittest

from harness import RFC3339, ApiTest

ACCTS = "/api/v1/accounts"
MEMS = "/api/v1/memberships"
UNITS = "/api/v1/units"


class AccountsTest(ApiTest):
    def test_create(self):
        r = self.post(ACCTS, {"login": "li.wei", "name": "李伟", "phone": "138-0013-8000",
                              "password": "Li-wei-pass-1"})
        a = self.ok(r, 201)
        self.assertIsInstance(a["id"], int)
        self.assertEqual(a["login"], "li.wei")
        self.assertEqual(a["name"], "李伟")
        self.assertEqual(a["phone"], "138-0013-8000")   # admins see it whole
        self.assertTrue(a["active"])
        self.assertRegex(a["created_at"], RFC3339)
        for secret in ("password", "pw_hash", "hash"):
            self.assertNotIn(secret, a)
        self.assertNotIn(b"Li-wei-pass-1", r.raw)
        self.assertEqual(self.ok(self.get("%s/%d" % (ACCTS, a["id"]))), a)
        self.server.login("li.wei", "Li-wei-pass-1")

    def test_create_without_phone(self):
        a = self.make_account("no-phone")
        self.assertIsNone(a["phone"])

    def test_create_errors(self):
        base = {"login": "err-acct", "name": "E", "password": "Err-acct-pass"}

        def with_(**kw):
            b = dict(base)
            b.update(kw)
            return {k: v for k, v in b.items() if v is not Ellipsis}

        self.err(self.post(ACCTS, with_(password="short")), 422, field="password")
        self.err(self.post(ACCTS, with_(password="aaaaaaaaaaaa")), 422, field="password")
        self.err(self.post(ACCTS, with_(password="err-acct")), 422, field="password")
        self.err(self.post(ACCTS, with_(password="p" * 9 + "x" * 250)), 422, field="password")
        self.err(self.post(ACCTS, with_(password=...)), 422, field="password")
        self.err(self.post(ACCTS, with_(phone="call me")), 422, field="phone")
        self.err(self.post(ACCTS, with_(phone="12")), 422, field="phone")
        self.err(self.post(ACCTS, with_(phone=13800138000)), 422, field="phone")
        self.err(self.post(ACCTS, with_(login="has space")), 422, field="login")
        self.err(self.post(ACCTS, with_(login="")), 422, field="login")
        self.err(self.post(ACCTS, with_(login=...)), 422, field="login")
        self.err(self.post(ACCTS, with_(name=...)), 422, field="name")
        self.err(self.post(ACCTS, with_(name="")), 422, field="name")
        self.err(self.post(ACCTS, with_(active="no")), 422, field="active")
        self.err(self.post(ACCTS, with_(role="admin")), 422, field="role")
        self.err(self.post(ACCTS, with_(pw_hash="$argon2id$")), 422, field="pw_hash")
        self.err(self.get(ACCTS + "/0"), 404)
        logins = [a["login"] for a in self.list_all(ACCTS, limit=100)[0]]
        self.assertNotIn("err-acct", logins)

    def test_duplicate_login(self):
        self.make_account("twice")
        self.err(self.post(ACCTS, {"login": "twice", "name": "again", "password": "Twice-pass-2"}),
                 409, field="login")
        self.err(self.post(ACCTS, {"login": "admin", "name": "again", "password": "Twice-pass-2"}),
                 409, field="login")

    def test_get_missing(self):
        self.err(self.get(ACCTS + "/999999"), 404)
        self.err(self.get(ACCTS + "/abc"), 404)
        self.err(self.patch(ACCTS + "/999999", {"name": "x"}), 404)

    def test_admin_patch(self):
        a = self.make_account("patchee", phone="13900000000")
        after = self.ok(self.patch("%s/%d" % (ACCTS, a["id"]), {"name": "王芳", "phone": "+86 139 0000 0001"}))
        self.assertEqual(after["name"], "王芳")
        self.assertEqual(after["phone"], "+86 139 0000 0001")
        self.assertEqual(self.ok(self.get("%s/%d" % (ACCTS, a["id"]))), after)
        # an admin sets a password without knowing the old one; the old sessions end
        tok = self.server.login("patchee", "Passw0rd-acct")
        self.ok(self.patch("%s/%d" % (ACCTS, a["id"]), {"name": "王芳"}))
        self.ok(self.get("/api/v1/me", tok))      # other changes keep the sessions
        self.ok(self.patch("%s/%d" % (ACCTS, a["id"]), {"password": "Reset-by-admin-1"}))
        self.err(self.get("/api/v1/me", tok), 401)
        self.server.login("patchee", "Reset-by-admin-1")
        self.err(self.req("POST", "/api/v1/auth/login",
                          {"login": "patchee", "password": "Passw0rd-acct"}), 401)
        # errors
        self.err(self.patch("%s/%d" % (ACCTS, a["id"]), {"login": "renamed"}), 422, field="login")
        self.err(self.patch("%s/%d" % (ACCTS, a["id"]), {"phone": "x"}), 422, field="phone")
        self.err(self.patch("%s/%d" % (ACCTS, a["id"]), {"password": "short"}), 422,
                 field="password")
        self.err(self.patch("%s/%d" % (ACCTS, a["id"]), {"nickname": "x"}), 422,
                 field="nickname")
        self.assertEqual(self.ok(self.get("%s/%d" % (ACCTS, a["id"])))["name"], "王芳")

    def test_list(self):
        for i in range(3):
            self.make_account("lister-%d" % i)
        items, pages = self.list_all(ACCTS, limit=2)
        ids = [a["id"] for a in items]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(ids, sorted(ids))
        logins = [a["login"] for a in items]
        for want in ("admin", "lister-0", "lister-1", "lister-2"):
            self.assertIn(want, logins)
        self.assertGreaterEqual(pages, 2)

    def test_non_admin_sees_only_itself(self):
        me, tok = self.user("self-only", password="Self-only-pass")
        other = self.make_account("someone-else")
        body = self.ok(self.get("%s/%d" % (ACCTS, me["id"]), tok))
        self.assertEqual(body["login"], "self-only")
        self.err(self.get("%s/%d" % (ACCTS, other["id"]), tok), 403)
        self.err(self.get("%s/1" % ACCTS, tok), 403)
        self.err(self.get(ACCTS, tok), 403)
        self.err(self.patch("%s/%d" % (ACCTS, other["id"]), {"name": "hijacked"}, tok), 403)
        self.assertEqual(self.ok(self.get("%s/%d" % (ACCTS, other["id"])))["name"], "someone-else")
        self.err(self.post(ACCTS, {"login": "by-user", "name": "x", "password": "By-user-pass"},
                           tok), 403)
        # it may rename itself
        self.assertEqual(self.ok(self.patch("%s/%d" % (ACCTS, me["id"]), {"name": "Me"}, tok))
                         ["name"], "Me")

    def test_self_password_change(self):
        me, tok = self.user("pw-changer", password="Old-password-1")
        path = "%s/%d" % (ACCTS, me["id"])
        self.err(self.patch(path, {"password": "New-password-1", "current_password": "wrong-one-1"},
                            tok), 403, field="current_password")
        self.err(self.patch(path, {"password": "New-password-1"}, tok), 422,
                 field="current_password")
        self.server.login("pw-changer", "Old-password-1")
        self.err(self.patch(path, {"password": "short", "current_password": "Old-password-1"},
                            tok), 422, field="password")
        self.ok(self.patch(path, {"password": "New-password-1", "current_password": "Old-password-1"},
                           tok))
        # a new password ends every session of the account
        self.err(self.get("/api/v1/me", tok), 401)
        self.server.login("pw-changer", "New-password-1")
        self.err(self.req("POST", "/api/v1/auth/login",
                          {"login": "pw-changer", "password": "Old-password-1"}), 401)

    def test_self_cannot_deactivate_or_rename_login(self):
        me, tok = self.user("self-active")
        path = "%s/%d" % (ACCTS, me["id"])
        self.err(self.patch(path, {"active": False}, tok), 403, field="active")
        self.err(self.patch(path, {"login": "other-login"}, tok), 422, field="login")
        self.ok(self.get("/api/v1/me", tok))

    def test_deactivating_ends_tokens(self):
        me, tok = self.user("to-deactivate", password="Deact-pass-12")
        tok2 = self.server.login("to-deactivate", "Deact-pass-12")
        self.ok(self.get("/api/v1/me", tok))
        after = self.ok(self.patch("%s/%d" % (ACCTS, me["id"]), {"active": False}))
        self.assertFalse(after["active"])
        self.err(self.get("/api/v1/me", tok), 401)
        self.err(self.get("/api/v1/units", tok2), 401)
        self.err(self.req("POST", "/api/v1/auth/login",
                          {"login": "to-deactivate", "password": "Deact-pass-12"}), 401)
        # reactivated, it may sign in again
        self.ok(self.patch("%s/%d" % (ACCTS, me["id"]), {"active": True}))
        self.ok(self.get("/api/v1/me", self.server.login("to-deactivate", "Deact-pass-12")))


class MembershipsTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rq = cls.server.request
        for body in ({"code": "m-d", "name": "District", "kind": "district", "parent": "city"},
                     {"code": "m-s1", "name": "Street 1", "kind": "street", "parent": "m-d"},
                     {"code": "m-s2", "name": "Street 2", "kind": "street", "parent": "m-d"},
                     {"code": "m-c1", "name": "Comm 1", "kind": "community", "parent": "m-s1"},
                     {"code": "m-c2", "name": "Comm 2", "kind": "community", "parent": "m-s2"}):
            r = rq("POST", UNITS, body, token=cls.admin)
            assert r.status == 201, r.raw
        cls.ids = {c: rq("GET", UNITS + "/" + c, token=cls.admin).json["id"]
                   for c in ("city", "m-d", "m-s1", "m-s2", "m-c1", "m-c2")}

    def test_grant_and_list(self):
        a = self.make_account("granted")
        m = self.grant(a["id"], "m-s1", "handler")
        self.assertIsInstance(m["id"], int)
        self.assertEqual(m["account_id"], a["id"])
        self.assertEqual(m["unit_id"], self.ids["m-s1"])
        self.assertEqual(m["role"], "handler")
        m2 = self.grant(a["id"], self.ids["m-c1"], "grid_worker")   # unit by id
        self.assertEqual(m2["unit_id"], self.ids["m-c1"])
        listed = self.ok(self.get("%s?account=%d" % (MEMS, a["id"])))
        self.assertEqual(sorted(x["id"] for x in listed["items"]), sorted([m["id"], m2["id"]]))
        self.assertIsNone(listed["next_cursor"])
        by_unit = self.ok(self.get("%s?unit=%d" % (MEMS, self.ids["m-s1"])))["items"]
        self.assertIn(m["id"], [x["id"] for x in by_unit])
        self.assertTrue(all(x["unit_id"] == self.ids["m-s1"] for x in by_unit))
        # /me shows them
        tok = self.server.login("granted", "Passw0rd-acct")
        me = self.ok(self.get("/api/v1/me", tok))["memberships"]
        self.assertIn({"unit_id": self.ids["m-s1"], "role": "handler"}, me)
        self.assertIn({"unit_id": self.ids["m-c1"], "role": "grid_worker"}, me)
        # an account sees its own roles, not others'
        own = self.ok(self.get(MEMS, tok))["items"]
        self.assertEqual(sorted(x["id"] for x in own), sorted([m["id"], m2["id"]]))
        self.err(self.get("%s?account=1" % MEMS, tok), 403)
        self.ok(self.get("%s?account=%d" % (MEMS, a["id"]), tok))

    def test_grant_errors(self):
        a = self.make_account("grant-err")
        post = lambda b: self.post(MEMS, b)
        self.err(post({"account_id": a["id"], "unit": "m-s1", "role": "mayor"}), 422, field="role")
        self.err(post({"account_id": a["id"], "unit": "m-s1", "role": "ADMIN"}), 422, field="role")
        self.err(post({"account_id": a["id"], "unit": "m-s1"}), 422, field="role")
        self.err(post({"account_id": a["id"], "role": "handler"}), 422, field="unit")
        self.err(post({"account_id": a["id"], "unit": "no-such", "role": "handler"}), 422,
                 field="unit")
        self.err(post({"unit": "m-s1", "role": "handler"}), 422, field="account_id")
        self.err(post({"account_id": "1", "unit": "m-s1", "role": "handler"}), 422,
                 field="account_id")
        self.err(post({"account_id": 0, "unit": "m-s1", "role": "handler"}), 422,
                 field="account_id")
        self.err(post({"account_id": 999999, "unit": "m-s1", "role": "handler"}), 422)
        self.err(post({"account_id": a["id"], "unit": "m-s1", "role": "handler", "x": 1}), 422,
                 field="x")
        self.grant(a["id"], "m-s1", "handler")
        self.err(post({"account_id": a["id"], "unit": "m-s1", "role": "handler"}), 409)
        self.assertEqual(len(self.ok(self.get("%s?account=%d" % (MEMS, a["id"])))["items"]), 1)
        self.err(self.get(MEMS + "?account=abc"), 400, field="account")
        self.err(self.get(MEMS + "?unit=-1"), 400, field="unit")

    def test_delete(self):
        a = self.make_account("revokee")
        m = self.grant(a["id"], "m-s2", "dispatcher")
        body = self.ok(self.delete("%s/%d" % (MEMS, m["id"])))
        self.assertEqual(body, {"id": m["id"], "deleted": True})
        self.assertEqual(self.ok(self.get("%s?account=%d" % (MEMS, a["id"])))["items"], [])
        self.err(self.delete("%s/%d" % (MEMS, m["id"])), 404)
        self.err(self.delete("%s/abc" % MEMS), 404)

    def test_handler_cannot_administer(self):
        _, tok = self.user("plain-handler", "m-s1", "handler")
        self.err(self.post(UNITS, {"code": "h-c", "name": "x", "kind": "community",
                                   "parent": "m-s1"}, tok), 403)
        self.err(self.patch(UNITS + "/m-s1", {"name": "mine now"}, tok), 403)
        self.err(self.post("/api/v1/categories", {"code": "55", "name": "x"}, tok), 403)
        self.err(self.patch("/api/v1/categories/55", {"name": "x"}, tok), 403)
        self.err(self.post(ACCTS, {"login": "h-made", "name": "x", "password": "H-made-pass"}, tok),
                 403)
        self.err(self.get(ACCTS, tok), 403)
        victim = self.make_account("h-victim")
        self.err(self.post(MEMS, {"account_id": victim["id"], "unit": "m-s1", "role": "admin"},
                           tok), 403)
        m = self.grant(victim["id"], "m-s1", "handler")
        self.err(self.delete("%s/%d" % (MEMS, m["id"]), tok), 403)
        # it may still read the organisation
        self.ok(self.get(UNITS + "/m-s1", tok))
        self.ok(self.get(UNITS, tok))
        self.err(self.get(UNITS + "/h-c"), 404)
        self.assertEqual(self.ok(self.get(UNITS + "/m-s1"))["name"], "Street 1")

    def test_street_admin(self):
        a, tok = self.user("street-admin", "m-s1", "admin")
        # inside its street
        c = self.ok(self.post(UNITS, {"code": "sa-c", "name": "New community", "kind": "community",
                                      "parent": "m-s1"}, tok), 201)
        self.assertEqual(c["parent_code"], "m-s1")
        self.ok(self.post(UNITS, {"code": "sa-g", "name": "grid", "kind": "grid",
                                  "parent": c["id"]}, tok), 201)
        self.ok(self.patch(UNITS + "/m-c1", {"name": "Renamed by street"}, tok))
        self.ok(self.patch(UNITS + "/m-s1", {"contact": "street office"}, tok))
        # outside it
        self.err(self.post(UNITS, {"code": "sa-x", "name": "x", "kind": "community",
                                   "parent": "m-s2"}, tok), 403)
        self.err(self.post(UNITS, {"code": "sa-y", "name": "x", "kind": "community",
                                   "parent": self.ids["m-s2"]}, tok), 403)
        self.err(self.post(UNITS, {"code": "sa-z", "name": "x", "kind": "street",
                                   "parent": "m-d"}, tok), 403)
        self.err(self.post(UNITS, {"code": "sa-r", "name": "x", "kind": "department"}, tok), 403)
        self.err(self.patch(UNITS + "/m-c2", {"name": "not yours"}, tok), 403)
        self.err(self.patch(UNITS + "/m-d", {"name": "not yours"}, tok), 403)
        self.err(self.patch(UNITS + "/sa-c", {"parent": "m-s2"}, tok), 403)
        self.assertEqual(self.ok(self.get(UNITS + "/sa-c"))["parent_code"], "m-s1")
        for code in ("sa-x", "sa-y", "sa-z", "sa-r"):
            self.err(self.get(UNITS + "/" + code), 404)
        self.assertEqual(self.ok(self.get(UNITS + "/m-c2"))["name"], "Comm 2")
        # roles only within its street
        b = self.make_account("street-staff")
        self.ok(self.post(MEMS, {"account_id": b["id"], "unit": "sa-c", "role": "handler"}, tok), 201)
        self.err(self.post(MEMS, {"account_id": b["id"], "unit": "m-c2", "role": "handler"}, tok),
                 403)
        self.err(self.post(MEMS, {"account_id": a["id"], "unit": "city", "role": "admin"}, tok), 403)
        # the taxonomy is the city's
        self.err(self.post("/api/v1/categories", {"code": "56", "name": "x"}, tok), 403)

    def test_street_admin_cannot_take_over_a_city_admin(self):
        # an admin of one street must not reset the password of (or deactivate) an admin of
        # the whole city: that would let it sign in as the city admin
        boss, boss_tok = self.user("city-boss", "city", "admin", password="City-boss-pass1")
        _, tok = self.user("street-admin-2", "m-s2", "admin")
        path = "%s/%d" % (ACCTS, boss["id"])
        self.err(self.patch(path, {"password": "Taken-over-123"}, tok), 403)
        self.err(self.patch(path, {"active": False}, tok), 403)
        self.ok(self.get("/api/v1/me", boss_tok))
        self.server.login("city-boss", "City-boss-pass1")

    def test_street_admin_delete_membership_elsewhere(self):
        _, tok = self.user("street-admin-3", "m-s1", "admin")
        other = self.make_account("s2-worker")
        m = self.grant(other["id"], "m-s2", "handler")
        self.err(self.delete("%s/%d" % (MEMS, m["id"]), tok), 403)
        own = self.grant(other["id"], "m-c1", "handler")
        self.ok(self.delete("%s/%d" % (MEMS, own["id"]), tok))
        left = self.ok(self.get("%s?account=%d" % (MEMS, other["id"])))["items"]
        self.assertEqual([x["id"] for x in left], [m["id"]])

    def test_revoked_admin_loses_power(self):
        a, tok = self.user("ex-admin", "m-s2", "admin")
        self.ok(self.post(UNITS, {"code": "ex-c", "name": "x", "kind": "community",
                                  "parent": "m-s2"}, tok), 201)
        mine = self.ok(self.get("%s?account=%d" % (MEMS, a["id"])))["items"]
        self.assertEqual(len(mine), 1)
        self.ok(self.delete("%s/%d" % (MEMS, mine[0]["id"])))
        self.err(self.post(UNITS, {"code": "ex-c2", "name": "x", "kind": "community",
                                   "parent": "m-s2"}, tok), 403)
        self.assertEqual(self.ok(self.get("/api/v1/me", tok))["memberships"], [])

    def test_city_admin_over_everything(self):
        a, tok = self.user("city-admin-2", "city", "admin")
        self.ok(self.post(UNITS, {"code": "ca-c", "name": "x", "kind": "community",
                                  "parent": "m-s2"}, tok), 201)
        self.ok(self.post("/api/v1/categories", {"code": "57", "name": "x"}, tok), 201)
        self.ok(self.get(ACCTS, tok))


if __name__ == "__main__":
    unittest.main()
