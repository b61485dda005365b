"""Scoped API clients (issue 8, data sharing): a department's system reads and writes the
native API with its own key, within its scope (categories, areas, fields, read/write), and
each of its requests leaves an access record naming the client, the endpoint and the cases."""
from casekit import CASES
from privkit import PrivacyCity

CLIENTS = "/api/v1/open311/clients"


class ClientScopes(PrivacyCity):
    @classmethod
    def build_city(cls):
        super().build_city()
        cls.in_d2 = cls._case("张飞", "13300005555", category="0101", lead="d2")
        cls.other_cat = cls._case("关羽", "13300006666", category="0102", lead="d1")

    def client(self, **body):
        body.setdefault("name", "dept system")
        return self.ok(self.post(CLIENTS, body), 201)

    def as_client(self, c, method, path, body=None, header="X-Api-Key"):
        h = {"X-Api-Key": c["api_key"]} if header == "X-Api-Key" else \
            {"Authorization": "ApiKey " + c["api_key"]}
        return self.req(method, path, body, headers=h)

    def numbers(self, c, query=""):
        r = self.as_client(c, "GET", CASES + "?limit=500" + query)
        return {i["number"] for i in self.ok(r)["items"]}

    def access(self, c):
        return self.ok(self.get("%s/%d/access" % (CLIENTS, c["id"])))["items"]

    # ---- administration ----

    def test_scope_is_created_shown_and_changed(self):
        c = self.client(access="read", categories=["01", "0302"], areas=["d1", self.unit_id["d2"]],
                        fields=["status", "reporter_phone"])
        self.assertEqual((c["access"], c["categories"], c["areas"], c["fields"]),
                         ("read", ["01", "0302"], [self.unit_id["d1"], self.unit_id["d2"]],
                          ["status", "reporter_phone"]))
        self.assertEqual(self.ok(self.get("%s/%d" % (CLIENTS, c["id"])))["areas"],
                         [self.unit_id["d1"], self.unit_id["d2"]])
        c2 = self.ok(self.patch("%s/%d" % (CLIENTS, c["id"]), {"access": "write",
                                                               "categories": []}))
        self.assertEqual((c2["access"], c2["categories"], c2["fields"]),
                         ("write", [], ["status", "reporter_phone"]))
        # an Open311 client made as before opens nothing on the native API
        plain = self.client()
        self.assertEqual((plain["access"], plain["fields"]), ("none", ["*"]))
        self.err(self.as_client(plain, "GET", CASES), 403, field="Authorization")

    def test_bad_scopes_name_their_field(self):
        for body, field in (({"access": "all"}, "access"), ({"categories": ["1"]}, "categories"),
                            ({"categories": "01"}, "categories"), ({"areas": ["nowhere"]}, "areas"),
                            ({"fields": ["password"]}, "fields"), ({"fields": [3]}, "fields"),
                            ({"areas": list(range(1, 40))}, "areas")):
            body["name"] = "bad"
            self.err(self.post(CLIENTS, body), 422, field=field)

    # ---- reading within the scope ----

    def test_categories_limit_what_is_seen(self):
        c = self.client(access="read", categories=["0101"])
        seen = self.numbers(c)
        self.assertIn(self.case_no, seen)
        self.assertIn(self.in_d2, seen)
        self.assertNotIn(self.other_cat, seen)
        self.ok(self.as_client(c, "GET", "%s/%s" % (CASES, self.case_no)))
        self.err(self.as_client(c, "GET", "%s/%s" % (CASES, self.other_cat)), 404)
        self.err(self.as_client(c, "GET", "%s/%s/events" % (CASES, self.other_cat)), 404)

    def test_areas_limit_what_is_seen(self):
        c = self.client(access="read", areas=["d2"])
        self.assertEqual(self.numbers(c) & {self.case_no, self.in_d2, self.other_cat},
                         {self.in_d2})
        self.ok(self.as_client(c, "GET", "%s/%s" % (CASES, self.in_d2), header="Authorization"))
        self.err(self.as_client(c, "GET", "%s/%s" % (CASES, self.case_no)), 404)
        # the city's subtree holds every unit
        c = self.client(access="read", areas=["city"], categories=["0102"])
        self.assertEqual(self.numbers(c) & {self.case_no, self.in_d2, self.other_cat},
                         {self.other_cat})

    def test_fields_limit_what_is_read(self):
        c = self.client(access="read", fields=["status", "category"])
        got = self.ok(self.as_client(c, "GET", "%s/%s" % (CASES, self.case_no)))
        self.assertEqual(set(got), {"number", "status", "category"})
        items = self.ok(self.as_client(c, "GET", CASES + "?limit=5"))["items"]
        self.assertTrue(all(set(i) == {"number", "status", "category"} for i in items))
        self.err(self.as_client(c, "GET", "%s/%s/events" % (CASES, self.case_no)), 403,
                 field="fields")
        r = self.as_client(c, "GET", CASES + "/export.csv")
        self.assertEqual(r.raw.decode().split("\r\n")[0], "number,status,category")
        # "*" is every field but personal data, which stays masked
        c = self.client(access="read", fields=["*", "events"])
        got = self.ok(self.as_client(c, "GET", "%s/%s" % (CASES, self.case_no)))
        self.assertNotIn("reporter_phone", got)
        self.assertNotIn("reporter_name", got)
        self.assertIn("text", got)
        self.ok(self.as_client(c, "GET", "%s/%s/events" % (CASES, self.case_no)))

    def test_personal_data_only_when_granted_and_then_recorded(self):
        c = self.client(access="read", fields=["status", "reporter_phone"])
        before = [e for e in self.timeline(self.in_d2) if e["kind"] == "pii_read"]
        got = self.ok(self.as_client(c, "GET", "%s/%s?reason=callback" % (CASES, self.in_d2)))
        self.assertEqual(got, {"number": self.in_d2, "status": "dispatched",
                               "reporter_phone": "13300005555"})
        reads = [e for e in self.timeline(self.in_d2) if e["kind"] == "pii_read"]
        self.assertEqual(len(reads), len(before) + 1)
        self.assertEqual(reads[-1]["body"]["fields"], ["reporter_phone"])
        self.assertEqual(reads[-1]["body"]["client_id"], c["id"])
        self.assertEqual(reads[-1]["body"]["reason"], "callback")
        self.assertEqual(reads[-1]["actor_account_id"], c["account_id"])
        # in a list it stays masked, and nothing is recorded
        items = self.ok(self.as_client(c, "GET", CASES + "?limit=500"))["items"]
        mine = [i for i in items if i["number"] == self.in_d2][0]
        self.assertEqual(mine["reporter_phone"], "133****5555")
        self.assertEqual(len([e for e in self.timeline(self.in_d2) if e["kind"] == "pii_read"]),
                         len(reads))

    # ---- writing ----

    def test_read_only_clients_cannot_write(self):
        c = self.client(access="read", categories=["01"])
        self.err(self.as_client(c, "POST", CASES, {"channel": "web", "text": "x",
                                                   "category": "0101"}), 403, field="Authorization")
        self.err(self.as_client(c, "POST", "%s/%s/actions" % (CASES, self.case_no),
                                {"action": "comment", "text": "x"}), 403)

    def test_writing_clients_write_within_their_scope(self):
        c = self.client(access="write", categories=["0101"])
        r = self.ok(self.as_client(c, "POST", CASES, {"channel": "app", "text": "井盖缺失",
                                                      "category": "0101"}), 201)
        self.assertEqual(r["category"], "0101")
        self.err(self.as_client(c, "POST", CASES, {"channel": "app", "text": "咨询",
                                                   "category": "1201"}), 403, field="category")
        self.err(self.as_client(c, "POST", CASES, {"channel": "hotline", "text": "电话",
                                                   "category": "0101"}), 403, field="channel")
        # actions need a role: an admin may give the client's account one (a handler of d1)
        self.err(self.as_client(c, "POST", "%s/%s/actions" % (CASES, self.case_no),
                                {"action": "accept"}), 403)
        self.ok(self.post("/api/v1/memberships", {"account_id": c["account_id"], "unit": "d1",
                                                  "role": "handler"}), 201)
        n = self._case("黄忠", "13300007777", category="0101", lead="d1")
        got = self.ok(self.as_client(c, "POST", "%s/%s/actions" % (CASES, n),
                                     {"action": "accept"}))
        self.assertEqual(got["status"], "accepted")
        # ...and still only inside its scope
        self.err(self.as_client(c, "POST", "%s/%s/actions" % (CASES, self.other_cat),
                                {"action": "accept"}), 404)

    # ---- attribution ----

    def test_every_request_leaves_an_access_record(self):
        c = self.client(access="read", categories=["0101"])
        self.assertEqual(self.access(c), [])
        listed = self.numbers(c)
        self.ok(self.as_client(c, "GET", "%s/%s" % (CASES, self.case_no)))
        self.err(self.as_client(c, "GET", "%s/%s" % (CASES, self.other_cat)), 404)
        self.ok(self.as_client(c, "GET", "%s/%s/events" % (CASES, self.case_no)))
        self.as_client(c, "GET", CASES + "/export.json")
        recs = self.access(c)
        self.assertEqual([(a["method"], a["path"], a["status"]) for a in recs], [
            ("GET", CASES + "/export.json", 200),
            ("GET", "%s/%s/events" % (CASES, self.case_no), 200),
            ("GET", "%s/%s" % (CASES, self.other_cat), 404),
            ("GET", "%s/%s" % (CASES, self.case_no), 200),
            ("GET", CASES, 200)])
        self.assertEqual(set(recs[-1]["cases"]), listed)
        self.assertEqual(recs[-1]["n_cases"], len(listed))
        self.assertEqual(recs[3]["cases"], [self.case_no])
        self.assertEqual(recs[2]["cases"], [])
        self.assertEqual(set(recs[0]["cases"]), listed)
        self.assertTrue(all(a["client_id"] == c["id"] and a["at"] for a in recs))
        # pages of the record
        page = self.ok(self.get("%s/%d/access?limit=2" % (CLIENTS, c["id"])))
        self.assertEqual(len(page["items"]), 2)
        rest = self.ok(self.get("%s/%d/access?limit=10&cursor=%s" % (CLIENTS, c["id"],
                                                                    page["next_cursor"])))
        self.assertEqual([a["id"] for a in page["items"] + rest["items"]],
                         [a["id"] for a in recs])

    def test_revoked_and_wrong_keys(self):
        c = self.client(access="read")
        self.ok(self.delete("%s/%d" % (CLIENTS, c["id"])))
        self.err(self.as_client(c, "GET", CASES), 401)
        self.err(self.req("GET", CASES, headers={"X-Api-Key": "not-a-key"}), 401)
        # a client's key opens only the case endpoints
        live = self.client(access="write")
        for path in ("/api/v1/units", "/api/v1/kpi/config", CLIENTS, "/api/v1/me"):
            self.err(self.as_client(live, "GET", path), 403, field="Authorization")
