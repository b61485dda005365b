"""Open311 GeoReport v2: POST requests (form-encoded), every error it can answer, the
service attributes, idempotency, batch mode with tokens, and what staff see of a report."""
import sqlite3
import unittest
import urllib.parse

from o311kit import NUMBER, O311Test


class Post(O311Test):
    def test_report_in_both_formats(self):
        for fmt in ("json", "xml"):
            st, h, data = self.submit({"service_code": "0101", "lat": "39.9087", "long": "116.3975",
                                       "description": "垃圾桶满了 " + fmt, "account_id": "u-77"}, fmt)
            self.assertEqual(st, 201, data)
            self.assertEqual(len(data), 1)
            r = data[0]
            self.assertRegex(r["service_request_id"], NUMBER)
            self.assertNotIn("token", r)
            self.assertEqual(r["service_notice"], "环卫所将在4小时内清理。")
            self.assertEqual(r["account_id"], "u-77")
            self.assertEqual(h["Location"], "/open311/v2/requests/%s.%s" % (r["service_request_id"], fmt))
            case = self.ok(self.get("/api/v1/cases/" + r["service_request_id"]))
            self.assertEqual(case["channel"], "open311")
            self.assertEqual(case["category"], "0101")
            self.assertEqual(case["text"], "垃圾桶满了 " + fmt)

    def test_the_case_is_the_clients(self):
        n = self.report(first_name="Lei", last_name="Li", phone="(555) 555-0100")
        case = self.ok(self.get("/api/v1/cases/" + n))  # the admin sees the reporter whole
        self.assertEqual(case["reporter_name"], "Lei Li")
        self.assertEqual(case["reporter_phone"], "555 555-0100")
        db = sqlite3.connect(self.server.db)
        try:
            intake, login = db.execute(
                "SELECT c.intake_account_id, a.login FROM cases c JOIN accounts a"
                " ON a.id = c.intake_account_id WHERE c.number = ?", (n,)).fetchone()
        finally:
            db.close()
        self.assertEqual(intake, self.client["account_id"])
        self.assertEqual(login, "open311:%d" % self.client["id"])

    def test_location_forms(self):
        self.report(lat=None, long=None, address_string="朝阳区建国路88号")
        self.report(lat=None, long=None, address_id="ADDR-0042")
        n = self.report(lat="40", long="116.5", address_string="1234 5th street")
        got = self.both("requests/" + n)[0]
        self.assertEqual((got["lat"], got["long"], got["address"]), (40, 116.5, "1234 5th street"))

    def test_empty_description_takes_the_service_name(self):
        n = self.report(description="")
        self.assertEqual(self.ok(self.get("/api/v1/cases/" + n))["text"], "暴露垃圾")

    def test_chinese_round_trips(self):
        text = "北京市朝阳区三里屯路19号院门口，垃圾桶旁堆满了装修垃圾——已经一周了！「请尽快处理」"
        for fmt in ("json", "xml"):
            n = self.report(fmt, description=text, address_string="三里屯路19号")
            for out in ("json", "xml"):
                got = self.ok311("requests/" + n, out)[0]
                self.assertEqual(got["description"], text)
                self.assertEqual(got["address"], "三里屯路19号")
                self.assertEqual(got["service_name"], "暴露垃圾")

    def test_same_pipeline_as_every_channel(self):
        """A rule of the responsibility matrix dispatches an Open311 report at once, as it
        would a hotline call; the created event says what the pipeline decided."""
        rule = self.ok(self.post("/api/v1/routes", {"category_prefix": "0102", "lead_unit": "d1"}), 201)
        try:
            st, _, data = self.submit({"service_code": "0102", "lat": "39.9", "long": "116.4",
                                       "attribute[WHERE]": "lane"})
            self.assertEqual(st, 201, data)
            n = data[0]["service_request_id"]
            case = self.ok(self.get("/api/v1/cases/" + n))
            self.assertEqual(case["status"], "dispatched")
            got = self.both("requests/" + n)[0]
            self.assertEqual((got["status"], got["agency_responsible"]), ("open", "环卫所"))
            self.assertIsNotNone(got["expected_datetime"])
            events = self.ok(self.get("/api/v1/cases/%s/events" % n))["items"]
            self.assertEqual([e["kind"] for e in events], ["created", "dispatch"])
            self.assertEqual(events[0]["body"]["channel"], "open311")
            self.assertTrue(events[0]["body"]["route"]["dispatched"])
            self.assertEqual(events[0]["actor_account_id"], self.client["account_id"])
        finally:
            self.delete("/api/v1/routes/%d" % rule["id"])

    def test_idempotency_key(self):
        fields = {"service_code": "0101", "lat": "39.9", "long": "116.4", "description": "again"}
        st1, _, a = self.submit(fields, headers={"Idempotency-Key": "o311-k1"})
        st2, h2, b = self.submit(fields, headers={"Idempotency-Key": "o311-k1"})
        self.assertEqual((st1, st2), (201, 201))
        self.assertEqual(a[0]["service_request_id"], b[0]["service_request_id"])
        self.assertEqual(h2["Idempotent-Replayed"], "true")


class PostErrors(O311Test):
    def bad(self, fields, status, mentions, key=True, **kw):
        for fmt in ("json", "xml"):
            st, _, data = self.submit(fields, fmt, key=key, **kw)
            self.o311_error(st, data, status, mentions)

    def test_api_key_errors(self):
        where = {"service_code": "0101", "lat": "39.9", "long": "116.4"}
        self.bad(where, 403, "api_key", key=False)
        self.bad(where, 403, "api_key", key="0" * 64)
        self.bad(where, 403, "api_key", key="not-a-key")
        c = self._call("POST", "/api/v1/open311/clients", {"name": "Short-lived"}, 201)
        st, _, _ = self.submit(where, key=c["api_key"])
        self.assertEqual(st, 201)
        self._call("DELETE", "/api/v1/open311/clients/%d" % c["id"], None, 200)
        self.bad(where, 403, "api_key", key=c["api_key"])

    def test_service_code_errors(self):
        self.bad({"lat": "39.9", "long": "116.4"}, 400, "service_code")
        self.bad({"service_code": "0999", "lat": "39.9", "long": "116.4"}, 404, "service_code")
        self.bad({"service_code": "x'; --", "lat": "39.9", "long": "116.4"}, 404, "service_code")
        self.bad([("service_code", "0101"), ("service_code", "0102"), ("lat", "1"), ("long", "1")],
                 400, "service_code")

    def test_location_errors(self):
        self.bad({"service_code": "0101"}, 400, "lat")
        self.bad({"service_code": "0101", "lat": "39.9"}, 400, "long")
        self.bad({"service_code": "0101", "long": "116.4"}, 400, "lat")
        self.bad({"service_code": "0101", "lat": "91", "long": "116.4"}, 400, "lat")
        self.bad({"service_code": "0101", "lat": "39.9", "long": "east"}, 400, "long")
        self.bad({"service_code": "0101", "lat": "nan", "long": "1"}, 400, "lat")
        self.bad({"service_code": "0101", "address_id": "x" * 200}, 400, "address_id")

    def test_field_errors(self):
        where = {"service_code": "0101", "lat": "39.9", "long": "116.4"}
        self.bad(dict(where, description="长" * 4001), 400, "description")
        self.bad(dict(where, email="nobody"), 400, "email")
        self.bad(dict(where, media_url="javascript:alert(1)"), 400, "media_url")
        self.bad(dict(where, phone="call me maybe"), 400, "phone")
        self.bad(dict(where, device_id="a\nb"), 400, "device_id")
        self.bad(dict(where, first_name="名" * 200), 400, "first_name")

    def test_body_errors(self):
        self.bad(None, 400, "Content-Type", raw=b'{"service_code":"0101"}',
                 headers={"Content-Type": "application/json"})
        self.bad(None, 400, "description", raw=b"api_key=%s&description=%%ZZ" % self.key.encode())
        self.bad(None, 400, "description", raw=b"api_key=%s&description=%%FF%%FE" % self.key.encode())
        self.bad(None, 400, "body", raw=("api_key=%s&" % self.key + "&".join("f%d=1" % i for i in range(300))).encode())

    def test_attribute_errors(self):
        road = {"service_code": "0102", "lat": "39.9", "long": "116.4"}
        self.bad(road, 400, "attribute[WHERE]")  # required
        self.bad(dict(road, **{"attribute[WHERE]": "sky"}), 400, "attribute[WHERE]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[NOPE]": "1"}), 400, "attribute[NOPE]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[INFO]": "hi"}), 400, "attribute[INFO]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[SEEN]": "yesterday"}), 400,
                 "attribute[SEEN]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[COUNT]": "two"}), 400,
                 "attribute[COUNT]")
        self.bad(list(road.items()) + [("attribute[WHERE]", "lane"), ("attribute[WHAT][]", "gold")],
                 400, "attribute[WHAT]")
        self.bad(list(road.items()) + [("attribute[WHERE]", "lane"), ("attribute[WHERE]", "kerb")],
                 400, "attribute[WHERE]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[NOTE]": "one\ntwo"}), 400,
                 "attribute[NOTE]")
        self.bad(dict(road, **{"attribute[WHERE]": "lane", "attribute[x]y": "1"}), 400, "attribute")


class Attributes(O311Test):
    def test_answers_are_kept_for_staff(self):
        fields = [("service_code", "0102"), ("lat", "39.9"), ("long", "116.4"),
                  ("attribute[WHERE]", "kerb"), ("attribute[WHAT][]", "mud"),
                  ("attribute[WHAT][]", "oil"), ("attribute[SEEN]", "2026-11-24T08:00:00+08:00"),
                  ("attribute[COUNT]", "2"), ("attribute[NOTE]", ""),
                  ("email", "resident@example.org"), ("device_id", "dev-123"),
                  ("account_id", "acct-9"), ("media_url", "https://img.example/1.jpg"),
                  ("address_id", "A-17")]
        st, _, data = self.submit(fields)
        self.assertEqual(st, 201, data)
        n = data[0]["service_request_id"]
        x = self.ok(self.get("/api/v1/open311/requests/" + n, self.tok["disp"]))
        self.assertEqual(x["attributes"], {"WHERE": "kerb", "WHAT": ["mud", "oil"],
                                           "SEEN": "2026-11-24T08:00:00+08:00", "COUNT": "2"})
        self.assertEqual(x["client"], {"id": self.client["id"], "name": "City app"})
        self.assertEqual((x["media_url"], x["address_id"]), ("https://img.example/1.jpg", "A-17"))
        self.assertNotIn("email", x)  # a dispatcher does not see the reporter's data whole
        events = lambda: self.ok(self.get("/api/v1/cases/%s/events" % n))["items"]
        before = len(events())
        x = self.ok(self.get("/api/v1/open311/requests/" + n))  # an admin does, on the record
        self.assertEqual((x["email"], x["device_id"], x["account_id"]),
                         ("resident@example.org", "dev-123", "acct-9"))
        after = events()
        self.assertEqual(len(after), before + 1)
        self.assertEqual(after[-1]["kind"], "pii_read")
        self.assertEqual(after[-1]["visibility"], "internal")
        # a case from another channel has no Open311 extras
        r = self.post("/api/v1/cases", {"channel": "hotline", "text": "电话反映"}, self.tok["op"])
        self.err(self.get("/api/v1/open311/requests/" + self.ok(r, 201)["number"]), 404)


class Batch(O311Test):
    def test_tokens(self):
        self.ok(self.patch("/api/v1/open311/settings", {"type": "batch"}))
        try:
            self.assertEqual({s["type"] for s in self.both("services")}, {"batch"})
            st, _, data = self.submit({"service_code": "0101", "lat": "39.9", "long": "116.4"}, "xml")
            self.assertEqual(st, 202, data)
            self.assertEqual(set(data[0]), {"token", "service_notice", "account_id"})
            token = data[0]["token"]
            self.assertRegex(token, r"^[0-9a-f]{32}$")
            got = self.both("tokens/" + token)
            self.assertEqual(len(got), 1)
            self.assertEqual(got[0]["token"], token)
            self.assertRegex(got[0]["service_request_id"], NUMBER)
            self.both("requests/" + got[0]["service_request_id"])
        finally:
            self.ok(self.patch("/api/v1/open311/settings", {"type": "realtime"}))
        self.error_both("tokens/" + "0" * 32, 404, "token")
        self.error_both("tokens/" + "x" * 100, 404, "token")


if __name__ == "__main__":
    unittest.main()
