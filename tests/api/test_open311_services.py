"""Open311 GeoReport v2: discovery, GET services, GET a service definition, and the
errors common to every method (unknown resources and formats, jurisdiction_id)."""
import re
import unittest

from o311kit import O311Test, ROAD_ATTRS, V2, W3C


class Discovery(O311Test):
    def test_discovery_in_both_formats(self):
        d = self.both("discovery")
        self.assertEqual(set(d), {"changeset", "contact", "key_service", "endpoints"})
        self.assertRegex(d["changeset"], W3C)
        self.assertTrue(d["contact"] and d["key_service"])
        self.assertEqual(len(d["endpoints"]), 1)
        e = d["endpoints"][0]
        self.assertEqual(e["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(e["url"], "http://127.0.0.1:%d/open311/v2" % self.server.port)
        self.assertEqual(e["type"], "production")
        self.assertEqual(e["formats"], ["text/xml", "application/json"])

    def test_settings_shape_discovery(self):
        r = self.patch("/api/v1/open311/settings",
                       {"contact": "12345热线 / api@city.example", "base_url": "https://api.city.example/open311/v2"})
        self.assertEqual(r.status, 200, r.raw)
        try:
            d = self.both("discovery")
            self.assertEqual(d["contact"], "12345热线 / api@city.example")
            self.assertEqual(d["endpoints"][0]["url"], "https://api.city.example/open311/v2")
        finally:
            self.patch("/api/v1/open311/settings", {"base_url": None})


class Services(O311Test):
    def test_one_service_per_leaf_category(self):
        services = self.both("services")
        self.assertEqual([s["service_code"] for s in services], ["0101", "0102", "02"])
        for s in services:
            self.assertEqual(set(s), {"service_code", "service_name", "description", "metadata",
                                      "type", "keywords", "group"})
            self.assertEqual(s["type"], "realtime")
            self.assertIsInstance(s["service_code"], str)  # "0101" keeps its leading zero
        by = {s["service_code"]: s for s in services}
        self.assertEqual(by["0101"]["service_name"], "暴露垃圾")
        self.assertEqual(by["0101"]["group"], "市容环境")
        self.assertEqual(by["0101"]["description"], "市容环境 › 暴露垃圾")
        self.assertIn("Exposed garbage", by["0101"]["keywords"])
        self.assertIn("City appearance", by["0101"]["keywords"])
        self.assertFalse(by["0101"]["metadata"])
        self.assertTrue(by["0102"]["metadata"])  # it defines attributes
        self.assertEqual(by["02"]["group"], "")

    def test_language_by_locale_or_accept_language(self):
        for params, headers in (({"locale": "en"}, None), (None, {"Accept-Language": "en-US,en;q=0.9"}),
                                ({"locale": "en_GB"}, {"Accept-Language": "zh-CN"})):
            by = {s["service_code"]: s for s in self.both("services", params, headers)}
            self.assertEqual(by["0101"]["service_name"], "Exposed garbage")
            self.assertEqual(by["0101"]["group"], "City appearance")
            self.assertIn("暴露垃圾", by["0101"]["keywords"])
            self.assertEqual(by["02"]["service_name"], "噪声")  # no English name: the primary one
        by = {s["service_code"]: s for s in self.both("services", None, {"Accept-Language": "zh-CN,en;q=0.5"})}
        self.assertEqual(by["0101"]["service_name"], "暴露垃圾")

    def test_inactive_category_is_no_service(self):
        self._call("POST", "/api/v1/categories", {"code": "03", "name": "旧类别"}, 201)
        self.assertIn("03", [s["service_code"] for s in self.both("services")])
        self._call("PATCH", "/api/v1/categories/03", {"active": False}, 200)
        self.assertNotIn("03", [s["service_code"] for s in self.both("services")])
        self.error_both("services/03", 404, "service_code")


class Definitions(O311Test):
    def test_definition_with_attributes(self):
        d = self.both("services/0102")
        self.assertEqual(d["service_code"], "0102")
        attrs = d["attributes"]
        self.assertEqual([a["code"] for a in attrs], [a["code"] for a in ROAD_ATTRS])
        for a in attrs:
            self.assertEqual(set(a) - {"values"}, {"variable", "code", "datatype", "required",
                                                   "datatype_description", "order", "description"})
        where = attrs[0]
        self.assertTrue(where["required"] and where["variable"])
        self.assertEqual(where["datatype"], "singlevaluelist")
        self.assertEqual(where["values"], [{"key": "lane", "name": "In a lane"},
                                           {"key": "kerb", "name": "At the kerb"}])
        self.assertIsNone(where["datatype_description"])
        self.assertFalse(attrs[5]["variable"])
        self.assertNotIn("values", attrs[3])

    def test_definition_without_attributes(self):
        self.assertEqual(self.both("services/0101"), {"service_code": "0101", "attributes": []})

    def test_unknown_service_is_404(self):
        for code in ("09", "0199", "abc", "1"):
            self.error_both("services/" + code, 404, "service_code")

    def test_attribute_admin(self):
        url = "/api/v1/categories/0101/attributes"
        r = self.req("PUT", url, {"attributes": [{"code": "X", "datatype": "colour", "description": "x"}]},
                     token=self.admin)
        self.err(r, 422, field="attributes[0].datatype")
        r = self.req("PUT", url, {"attributes": "none"}, token=self.admin)
        self.err(r, 422, field="attributes")
        r = self.req("PUT", url, {"attributes": [], "more": 1}, token=self.admin)
        self.err(r, 422, field="more")
        r = self.req("PUT", "/api/v1/categories/0999/attributes", {"attributes": []}, token=self.admin)
        self.err(r, 404)
        r = self.req("PUT", url, {"attributes": []}, token=self.tok["disp"])
        self.err(r, 403)
        self.assertEqual(self.ok(self.get(url, self.tok["disp"])), {"code": "0101", "attributes": []})
        before = self.both("discovery")["changeset"]
        r = self.req("PUT", url, {"attributes": [{"code": "Y", "datatype": "text", "description": "y"}]},
                     token=self.admin)
        self.ok(r)
        try:
            self.assertEqual([a["code"] for a in self.both("services/0101")["attributes"]], ["Y"])
            self.assertTrue({s["service_code"]: s for s in self.both("services")}["0101"]["metadata"])
            self.assertGreaterEqual(self.both("discovery")["changeset"], before)
        finally:
            self.ok(self.req("PUT", url, {"attributes": []}, token=self.admin))
        self.assertFalse({s["service_code"]: s for s in self.both("services")}["0101"]["metadata"])


class Routing(O311Test):
    def test_unknown_resources_are_404_in_the_spec_format(self):
        for path in ("nothing", "service", "things/1"):
            self.error_both(path, 404)
        st, _, raw = self.o311_raw("GET", "services.csv")
        self.assertEqual(st, 404)
        self.assertTrue(raw.startswith(b"<?xml"), raw[:60])  # no format: the spec's required XML
        st, _, raw = self.o311_raw("GET", "services")
        self.assertEqual(st, 404)

    def test_post_to_a_read_only_resource(self):
        for fmt in ("json", "xml"):
            st, h, data = self.o311("services", fmt, method="POST", body=b"")
            self.o311_error(st, data, 405)
            self.assertEqual(h["Allow"], "GET")

    def test_jurisdiction_id(self):
        # one jurisdiction, none configured: the argument is optional and ignored
        self.both("services", {"jurisdiction_id": "anything.example"})
        self.ok(self.patch("/api/v1/open311/settings", {"jurisdiction_id": "city.example"}))
        try:
            self.both("services", {"jurisdiction_id": "city.example"})
            self.both("services")  # still optional: this endpoint serves one jurisdiction
            self.error_both("services", 404, "jurisdiction_id", {"jurisdiction_id": "other.example"})
            self.error_both("requests", 404, "jurisdiction_id", {"jurisdiction_id": "other.example"})
            st, _, data = self.submit({"jurisdiction_id": "other.example", "service_code": "0101",
                                       "lat": "39.9", "long": "116.4"})
            self.o311_error(st, data, 404, "jurisdiction_id")
        finally:
            self.ok(self.patch("/api/v1/open311/settings", {"jurisdiction_id": None}))

    def test_settings_api(self):
        s = self.ok(self.get("/api/v1/open311/settings", self.tok["op"]))
        self.assertEqual(s["type"], "realtime")
        self.assertEqual(s["ip_rate_limit"], 600)
        self.err(self.req("PATCH", "/api/v1/open311/settings", {"type": "weekly"}, token=self.admin),
                 422, field="type")
        self.err(self.req("PATCH", "/api/v1/open311/settings", {"ip_rate_limit": -1}, token=self.admin),
                 422, field="ip_rate_limit")
        self.err(self.req("PATCH", "/api/v1/open311/settings", {"base_url": "ftp://x"}, token=self.admin),
                 422, field="base_url")
        self.err(self.req("PATCH", "/api/v1/open311/settings", {"colour": 1}, token=self.admin),
                 422, field="colour")
        self.err(self.req("PATCH", "/api/v1/open311/settings", {"type": "batch"}, token=self.tok["op"]),
                 403)
        self.err(self.req("GET", "/api/v1/open311/settings"), 401)


if __name__ == "__main__":
    unittest.main()
