"""o311kit.py - shared set-up for the Open311 GeoReport v2 conformance suite
(test_open311_*.py), written from the spec (wiki.open311.org/GeoReport_v2).

O311Test     an ApiTest with a small taxonomy, a client system and its api_key, and
             helpers that speak GeoReport in both formats:
               o311(path, fmt, params, ...)  GET /open311/v2/<path>.<fmt>; returns
                                             (status, headers, data) where data is
                                             JSON parsed with json, or XML parsed with
                                             xml.etree and mapped to the spec's JSON
                                             shape (the Spark convention)
               both(path, params)            the same in JSON and XML, asserting that
                                             the two carry the same data
               submit(fields, fmt)           POST requests.<fmt> (form-encoded)
               o311_error(...)               asserts the spec's error list

Taxonomy: 01 市容环境 / City appearance ─┬─ 0101 暴露垃圾 / Exposed garbage (a knowledge-base answer)
                                         └─ 0102 道路不洁 / Dirty road (service attributes)
          02 噪声 (no English name, a leaf: a service of its own).
Units: city ─ d1 (department 环卫所 / Sanitation) with handler h1; dispatcher disp, operator op.
"""
import http.client
import json
import urllib.parse
import xml.etree.ElementTree as ET

from harness import ApiTest

V2 = "/open311/v2/"
NUMBER = r"^\d{8}-\d{6}$"
W3C = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"

# list containers and the name of their items, from the spec's XML examples
LISTS = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format", "notes": "note", "category_path": "category"}

ROAD_ATTRS = [
    {"code": "WHERE", "datatype": "singlevaluelist", "required": True, "order": 1,
     "description": "Where on the road?", "values": [{"key": "lane", "name": "In a lane"},
                                                       {"key": "kerb", "name": "At the kerb"}]},
    {"code": "WHAT", "datatype": "multivaluelist", "order": 2, "description": "What is there?",
     "values": [{"key": "mud", "name": "Mud"}, {"key": "oil", "name": "Oil"},
                {"key": "sand", "name": "Sand"}]},
    {"code": "SEEN", "datatype": "datetime", "order": 3, "description": "When did you see it?"},
    {"code": "COUNT", "datatype": "number", "order": 4, "description": "How many lanes?"},
    {"code": "NOTE", "datatype": "string", "order": 5, "description": "Anything else?"},
    {"code": "INFO", "datatype": "text", "variable": False, "order": 6,
     "description": "Cleaning crews pass twice a day."},
]


def spark(el):
    """An XML element as the spec's JSON: list containers become arrays, other
    elements with children objects, leaves their text (an empty element: None)."""
    if el.tag in LISTS:
        for child in el:
            if child.tag != LISTS[el.tag]:
                raise AssertionError("<%s> holds <%s>, not <%s>" % (el.tag, child.tag, LISTS[el.tag]))
        return [spark(c) for c in el]
    if len(el):
        out = {}
        for c in el:
            if c.tag in out:
                raise AssertionError("<%s> repeats <%s>" % (el.tag, c.tag))
            out[c.tag] = spark(c)
        return out
    return el.text if el.text else None


def textual(v):
    """JSON data as XML would carry it: every scalar as text, null and "" as None."""
    if isinstance(v, dict):
        return {k: textual(x) for k, x in v.items()}
    if isinstance(v, list):
        return [textual(x) for x in v]
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return format(v, ".15g")
    return str(v)


class O311Test(ApiTest):
    SERVER_ENV = None

    @classmethod
    def setUpClass(cls):
        from harness import ADMIN_PASSWORD, Server
        cls.server = Server(env=cls.SERVER_ENV).start()
        try:
            cls.admin = cls.server.login("admin", ADMIN_PASSWORD)
            cls.build()
        except Exception:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def _call(cls, method, path, body, status):
        r = cls.server.request(method, path, body, token=cls.admin)
        if r.status != status:
            raise AssertionError("set-up %s %s: %d %r" % (method, path, r.status, r.raw[:300]))
        return r.json

    @classmethod
    def build(cls):
        for body in ({"code": "01", "name": "市容环境", "name_en": "City appearance"},
                     {"code": "0101", "name": "暴露垃圾", "name_en": "Exposed garbage",
                      "kb_answer": "环卫所将在4小时内清理。", "resolve_limit": "4 work_hours"},
                     {"code": "0102", "name": "道路不洁", "name_en": "Dirty road"},
                     {"code": "02", "name": "噪声"}):
            cls._call("POST", "/api/v1/categories", body, 201)
        cls._call("PUT", "/api/v1/categories/0102/attributes", {"attributes": ROAD_ATTRS}, 200)
        cls._call("POST", "/api/v1/units", {"code": "d1", "name": "环卫所", "name_en": "Sanitation",
                                            "kind": "department", "parent": "city"}, 201)
        cls.client = cls._call("POST", "/api/v1/open311/clients",
                               {"name": "City app", "contact": "dev@app.example"}, 201)
        cls.key = cls.client["api_key"]
        cls.tok = {}
        for login, role in (("disp", "dispatcher"), ("op", "operator"), ("h1", "handler")):
            a = cls._call("POST", "/api/v1/accounts",
                          {"login": login, "name": login, "password": "Passw0rd-user"}, 201)
            cls._call("POST", "/api/v1/memberships",
                      {"account_id": a["id"], "unit": "d1" if login == "h1" else "city",
                       "role": role}, 201)
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")

    # ---- GeoReport over HTTP ----

    def o311_raw(self, method, path, params=None, body=None, headers=None):
        url = V2 + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        c = self.server.connection()
        try:
            c.request(method, url, body=body, headers=headers or {})
            resp = c.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            c.close()

    def decode(self, fmt, headers, raw):
        ct = headers.get("Content-Type", "")
        if fmt == "json":
            self.assertEqual(ct, "application/json; charset=utf-8")
            return json.loads(raw.decode("utf-8"))
        self.assertEqual(ct, "text/xml; charset=utf-8")
        self.assertTrue(raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), raw[:80])
        return spark(ET.fromstring(raw))

    def o311(self, path, fmt="json", params=None, headers=None, method="GET", body=None):
        status, hdrs, raw = self.o311_raw(method, "%s.%s" % (path, fmt), params, body, headers)
        return status, hdrs, self.decode(fmt, hdrs, raw)

    def ok311(self, path, fmt="json", params=None, headers=None, status=200):
        st, _, data = self.o311(path, fmt, params, headers)
        self.assertEqual(st, status, "%s.%s %r: %r" % (path, fmt, params, data))
        return data

    def both(self, path, params=None, headers=None, status=200):
        """The JSON answer, after checking that the XML one carries the same data."""
        j = self.ok311(path, "json", params, headers, status)
        x = self.ok311(path, "xml", params, headers, status)
        self.assertEqual(x, textual(j), "XML and JSON differ for %s %r" % (path, params))
        return j

    def o311_error(self, st, data, status, mentions=None):
        self.assertEqual(st, status, data)
        self.assertIsInstance(data, list)
        self.assertGreaterEqual(len(data), 1)
        for e in data:
            self.assertEqual(set(e), {"code", "description"}, e)
            self.assertEqual(str(e["code"]), str(status))
            self.assertTrue(e["description"])
        if mentions:
            self.assertIn(mentions, data[0]["description"])
        return data[0]["description"]

    def error_both(self, path, status, mentions=None, params=None, headers=None):
        for fmt in ("json", "xml"):
            st, _, data = self.o311(path, fmt, params, headers)
            self.o311_error(st, data, status, mentions)

    def submit(self, fields, fmt="json", key=True, headers=None, raw=None):
        """POST requests.<fmt>; fields: dict or list of pairs. Returns (status, headers, data)."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields or ())
        if key:
            pairs.insert(0, ("api_key", self.key if key is True else key))
        body = raw if raw is not None else urllib.parse.urlencode(pairs).encode("utf-8")
        hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        hdrs.update(headers or {})
        status, h, data = self.o311_raw("POST", "requests.%s" % fmt, None, body, hdrs)
        return status, h, self.decode(fmt, h, data)

    def report(self, fmt="json", **fields):
        """A report that must be taken in; returns its service_request_id."""
        base = {"service_code": "0101", "lat": "39.9087", "long": "116.3975",
                "description": "小区门口有暴露垃圾"}
        base.update({k: v for k, v in fields.items() if v is not None})
        st, _, data = self.submit(base, fmt)
        self.assertEqual(st, 201, data)
        self.assertEqual(len(data), 1)
        return data[0]["service_request_id"]

    def act(self, number, action, who, **fields):
        body = {"action": action}
        body.update(fields)
        r = self.req("POST", "/api/v1/cases/%s/actions" % number, body, token=self.tok[who])
        self.assertEqual(r.status, 200, r.raw[:300])
        return r.json
