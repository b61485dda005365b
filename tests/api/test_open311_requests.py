"""Open311 GeoReport v2: GET requests and GET requests/{id}: every argument and its
errors, the 90-day window, pages, the round trip through the closed loop, the
extensions, XML escaping, and privacy (nothing personal in any GET answer)."""
import re
import unittest

from harness import parse_time
from o311kit import NUMBER, O311Test, W3C

T0 = 1772323200  # 2026-03-01T00:00:00Z
DAY = 86400
FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
          "description", "agency_responsible", "service_notice", "requested_datetime",
          "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
          "long", "media_url"]


class Lists(O311Test):
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}

    @classmethod
    def build(cls):
        super().build()
        cls.n = {}
        for label, at, code in (("a", T0, "0101"), ("b", T0 + 40 * DAY, "0102"),
                                ("c", T0 + 100 * DAY, "0101"), ("d", T0 + 100 * DAY, "02")):
            if cls.server.env["GONGZHI_NOW"] != str(at):
                cls.server.stop()
                cls.server.env["GONGZHI_NOW"] = str(at)
                cls.server.start()
            fields = [("api_key", cls.key), ("service_code", code), ("lat", "39.9"), ("long", "116.4"),
                      ("description", "case " + label)]
            if code == "0102":
                fields.append(("attribute[WHERE]", "lane"))
            import urllib.parse
            c = cls.server.connection()
            c.request("POST", "/open311/v2/requests.json", body=urllib.parse.urlencode(fields),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            body = r.read()
            c.close()
            if r.status != 201:
                raise AssertionError("set-up report %s: %d %r" % (label, r.status, body))
            import json
            cls.n[label] = json.loads(body)[0]["service_request_id"]
        cls.relogin()

    @classmethod
    def relogin(cls):
        from harness import ADMIN_PASSWORD
        cls.admin = cls.server.login("admin", ADMIN_PASSWORD)
        for login in list(cls.tok):
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")

    def ids(self, params=None):
        return [r["service_request_id"] for r in self.both("requests", params)]

    def test_fields_and_order(self):
        got = self.both("requests")
        self.assertEqual([r["service_request_id"] for r in got],
                         [self.n["d"], self.n["c"], self.n["b"]])  # 90 days, newest first
        for r in got:
            self.assertEqual(list(r), FIELDS)
            self.assertRegex(r["service_request_id"], NUMBER)
            self.assertRegex(r["requested_datetime"], W3C)
            self.assertTrue(r["requested_datetime"].endswith("+08:00"))
            self.assertEqual(r["status"], "open")
            self.assertIsNone(r["agency_responsible"])
        self.assertEqual(parse_time(got[0]["requested_datetime"]), T0 + 100 * DAY)

    def test_dates(self):
        z = lambda t: __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(t))
        self.assertEqual(self.ids({"start_date": z(T0 - DAY), "end_date": z(T0 + DAY)}), [self.n["a"]])
        self.assertEqual(self.ids({"start_date": z(T0)}), [self.n["b"], self.n["a"]])
        self.assertEqual(self.ids({"end_date": z(T0 + 50 * DAY)}), [self.n["b"], self.n["a"]])
        # an offset, and a '+' that arrived as a space (unescaped in the query string)
        self.assertEqual(self.ids({"start_date": "2026-03-01T07:00:00+08:00",
                                   "end_date": "2026-03-01T09:00:00+08:00"}), [self.n["a"]])
        self.assertEqual(self.ids({"start_date": "2026-03-01T07:00:00 08:00",
                                   "end_date": "2026-03-01T09:00:00 08:00"}), [self.n["a"]])
        self.assertEqual(self.ids({"start_date": "", "end_date": ""}), self.ids())  # empty = absent

    def test_date_errors_name_the_argument(self):
        for name, value in (("start_date", "yesterday"), ("end_date", "2026-02-30T00:00:00Z"),
                            ("start_date", "2026-03-01T00:00:00"), ("end_date", "2026-03-01 00:00Z")):
            self.error_both("requests", 400, name, {name: value})
        self.error_both("requests", 400, "end_date", {"start_date": "2026-03-02T00:00:00Z",
                                                      "end_date": "2026-03-01T00:00:00Z"})
        self.error_both("requests", 400, "90 days", {"start_date": "2026-01-01T00:00:00Z",
                                                     "end_date": "2026-06-01T00:00:00Z"})

    def test_service_codes_and_status(self):
        self.assertEqual(self.ids({"service_code": "0101"}), [self.n["c"]])
        self.assertEqual(self.ids({"service_code": "0101,02"}), [self.n["d"], self.n["c"]])
        self.assertEqual(self.ids({"service_code": ["0102", "02"]}), [self.n["d"], self.n["b"]])
        self.assertEqual(self.ids({"service_code": "0199"}), [])
        self.error_both("requests", 400, "service_code", {"service_code": "abc"})
        self.assertEqual(self.ids({"status": "open"}), self.ids())
        self.assertEqual(self.ids({"status": "closed"}), [])
        self.assertEqual(self.ids({"status": "open,closed"}), self.ids())
        self.error_both("requests", 400, "status", {"status": "pending"})

    def test_service_request_ids_override_the_rest(self):
        got = self.ids({"service_request_id": "%s,%s" % (self.n["a"], self.n["c"]),
                        "service_code": "02", "status": "closed"})
        self.assertEqual(got, [self.n["c"], self.n["a"]])
        self.assertEqual(self.ids({"service_request_id": [self.n["a"], self.n["b"]]}),
                         [self.n["b"], self.n["a"]])
        self.assertEqual(self.ids({"service_request_id": "20990101-000001"}), [])
        self.error_both("requests", 400, "service_request_id",
                        {"service_request_id": ",".join(["20260301-000001"] * 201)})

    def test_pages(self):
        self.assertEqual(self.ids({"page_size": 2}), [self.n["d"], self.n["c"]])
        self.assertEqual(self.ids({"page_size": 2, "page": 2}), [self.n["b"]])
        self.assertEqual(self.ids({"page_size": 2, "page": 3}), [])
        for name, value in (("page", "0"), ("page", "x"), ("page_size", "1001"), ("page_size", "0")):
            self.error_both("requests", 400, name, {name: value})
        self.error_both("requests", 400, "extensions", {"extensions": "maybe"})

    def test_one_request(self):
        one = self.both("requests/" + self.n["a"])
        self.assertEqual(len(one), 1)
        self.assertEqual(one[0]["description"], "case a")
        self.error_both("requests/20990101-000001", 404, "service_request_id")
        self.error_both("requests/" + "9" * 40, 404, "service_request_id")


class RoundTrip(O311Test):
    def test_post_dispatch_close(self):
        n = self.report(description="路口垃圾堆积")
        got = self.both("requests/" + n)[0]
        self.assertEqual((got["status"], got["status_notes"], got["agency_responsible"]),
                         ("open", None, None))
        self.act(n, "dispatch", "disp", unit="d1")
        self.act(n, "accept", "h1")
        got = self.both("requests/" + n)[0]
        self.assertEqual(got["agency_responsible"], "环卫所")
        self.assertEqual(self.both("requests/" + n, {"locale": "en"})[0]["agency_responsible"],
                         "Sanitation")
        case = self.ok(self.get("/api/v1/cases/" + n))
        self.assertEqual(parse_time(got["expected_datetime"]), parse_time(case["resolve_by"]))
        self.act(n, "reply", "h1", text="已清理完毕，感谢反映。", note="内部：派两名保洁员")
        got = self.both("requests/" + n)[0]
        self.assertEqual((got["status"], got["status_notes"]), ("open", "已清理完毕，感谢反映。"))
        self.act(n, "close", "op")
        got = self.both("requests/" + n)[0]
        self.assertEqual((got["status"], got["status_notes"]), ("closed", "已清理完毕，感谢反映。"))
        self.assertGreaterEqual(parse_time(got["updated_datetime"]), parse_time(got["requested_datetime"]))
        self.assertIn(n, [r["service_request_id"] for r in self.both("requests", {"status": "closed"})])
        self.assertNotIn(n, [r["service_request_id"] for r in self.both("requests", {"status": "open"})])
        ext = self.both("requests/" + n, {"extensions": "true"})[0]
        a = ext["extended_attributes"]
        self.assertEqual((a["status"], a["channel"], a["priority"]), ("closed", "open311", "normal"))
        self.assertEqual(a["category_path"], [{"service_code": "01", "service_name": "市容环境"},
                                              {"service_code": "0101", "service_name": "暴露垃圾"}])
        self.assertRegex(a["closed_datetime"], W3C)
        types = [x["type"] for x in ext["notes"]]
        self.assertEqual(types, ["created", "dispatch", "accept", "reply", "close"])
        self.assertEqual(ext["notes"][3]["description"], "已清理完毕，感谢反映。")
        for x in ext["notes"]:
            self.assertEqual(set(x), {"datetime", "type", "description"})
        # the internal note is in no answer
        for params in (None, {"extensions": "true"}):
            for fmt in ("json", "xml"):
                for path in ("requests/" + n, "requests"):
                    st, _, raw = self.o311_raw("GET", "%s.%s" % (path, fmt), params)
                    self.assertEqual(st, 200)
                    self.assertNotIn("派两名保洁员".encode(), raw)

    def test_merged_and_invalid_are_closed(self):
        a, b = self.report(description="merge me"), self.report(description="parent")
        self.act(a, "merge", "op", into=b)
        c = self.report(description="spam")
        self.act(c, "invalidate", "op", reason="广告")
        got = {r["service_request_id"]: r for r in self.both("requests", {"service_request_id": [a, b, c]})}
        self.assertEqual((got[a]["status"], got[b]["status"], got[c]["status"]), ("closed", "open", "closed"))
        notes = self.both("requests/" + c, {"extensions": "true"})[0]["notes"]
        self.assertNotIn("广告", str(notes))  # a reason given by staff is not published


class Escaping(O311Test):
    def test_markup_and_forbidden_characters(self):
        text = 'a <b>bold</b> & "quoted" \'x\' ]]> <![CDATA[ y ]]> \x07bell\x1b end\ttab'
        n = self.report(description=text, address_string="<script>alert(1)</script>")
        j = self.ok311("requests/" + n, "json")[0]
        self.assertEqual(j["description"], text)
        st, _, raw = self.o311_raw("GET", "requests/%s.xml" % n)
        self.assertEqual(st, 200)
        self.assertNotIn(b"<script>", raw)
        self.assertNotIn(b"\x07", raw)
        x = self.ok311("requests/" + n, "xml")[0]  # parsed by a real XML parser
        self.assertEqual(x["description"], text.replace("\x07", "").replace("\x1b", ""))
        self.assertEqual(x["address"], "<script>alert(1)</script>")


class Privacy(O311Test):
    SECRETS = ["Leilei", "Hanmeimei", "13812345678", "resident@example.org", "device-secret-77",
               "acct-secret-99", "热线来电人", "13900001111"]

    def test_nothing_personal_in_any_get(self):
        n1 = self.report(first_name="Leilei", last_name="Hanmeimei", phone="13812345678",
                         email="resident@example.org", device_id="device-secret-77",
                         account_id="acct-secret-99", media_url="https://img.example/p.jpg")
        r = self.post("/api/v1/cases", {"channel": "hotline", "text": "热线反映噪声扰民",
                                        "name": "热线来电人", "phone": "13900001111",
                                        "category": "02"}, self.tok["op"])
        n2 = self.ok(r, 201)["number"]
        self.act(n1, "comment", "disp", text="内部备注 13812345678", visibility="internal")
        self.act(n1, "comment", "disp", text="已转交处理", visibility="public")
        seen = 0
        for path in ("requests", "requests/" + n1, "requests/" + n2, "tokens/x"):
            for params in (None, {"extensions": "true"}, {"locale": "en", "extensions": "true"}):
                for fmt in ("json", "xml"):
                    st, _, raw = self.o311_raw("GET", "%s.%s" % (path, fmt), params)
                    text = raw.decode("utf-8")
                    for secret in self.SECRETS:
                        self.assertNotIn(secret, text, "%s.%s %r" % (path, fmt, params))
                    for key in ("account_id", "reporter", "email", "device_id", "phone", "内部备注"):
                        self.assertNotIn(key, text, "%s.%s %r" % (path, fmt, params))
                    seen += st == 200
        self.assertGreater(seen, 10)
        notes = self.both("requests/" + n1, {"extensions": "true"})[0]["notes"]
        self.assertEqual([x["description"] for x in notes if x["type"] == "comment"], ["已转交处理"])
        self.assertEqual(self.both("requests/" + n1)[0]["media_url"], "https://img.example/p.jpg")


if __name__ == "__main__":
    unittest.main()
