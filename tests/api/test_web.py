"""test_web.py - the web console's static files, and the endpoints added for it:
GET /classify (live category suggestions), the portal's POST /public/reports,
GET /public/leaderboard, /public/units and /public/city (no sign-in, no personal data)."""
import unittest

from harness import ApiTest
import imgkit


def hdr(r, name):
    for k, v in (r.headers.items() if hasattr(r.headers, "items") else r.headers):
        if k.lower() == name.lower():
            return v
    return None


class WebStatic(ApiTest):
    def test_console_and_client_routes(self):
        for path in ("/", "/inbox", "/cases/20261124-000001", "/public/", "/public/track/x"):
            r = self.req("GET", path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(hdr(r, "Content-Type").startswith("text/html"), path)
            self.assertIn(b"<!doctype html>", r.raw)
            self.assertIsNotNone(hdr(r, "Content-Security-Policy"))

    def test_types_etag_and_304(self):
        r = self.req("GET", "/app/main.js")
        self.assertEqual(r.status, 200)
        self.assertTrue(hdr(r, "Content-Type").startswith("text/javascript"))
        self.assertEqual(hdr(r, "Cache-Control"), "no-cache")
        etag = hdr(r, "ETag")
        r2 = self.req("GET", "/app/main.js", headers={"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(self.req("GET", "/i18n/zh.json").status, 200)

    def test_vendor_whitelist(self):
        r = self.req("GET", "/vendor/leaflet/leaflet.js")
        self.assertEqual(r.status, 200)
        self.assertIn("max-age", hdr(r, "Cache-Control"))
        for path in ("/package.json", "/node_modules/leaflet/package.json", "/vendor/tslib/tslib.js",
                     "/app/../package.json", "/.git/config", "/vendor/leaflet/../../package.json"):
            self.assertEqual(self.req("GET", path).status, 404, path)

    def test_api_routes_untouched(self):
        self.err(self.req("GET", "/api/v1/nothing"), 404)
        self.err(self.req("POST", "/"), 404)
        self.err(self.req("DELETE", "/api/v1/health"), 405)
        self.ok(self.req("GET", "/api/v1/health"))


class PublicEndpoints(ApiTest):
    def test_report_answers_no_personal_data(self):
        r = self.req("POST", "/api/v1/public/reports", token="", body={"text": "broken bench in the park", "lat": 42.35,
                                                  "lon": -71.06, "name": "Zhang San", "phone": "13800001111"})
        self.assertEqual(r.status, 201, r.json)
        self.assertEqual(set(r.json), {"number", "status", "created_at", "photo_token"})
        o = self.get("/open311/v2/requests/%s.json?extensions=true" % r.json["number"])
        self.assertEqual(o.status, 200)
        self.assertNotIn(b"Zhang", o.raw)
        self.assertNotIn(b"13800001111", o.raw)
        c = self.get("/api/v1/cases/" + r.json["number"], token=self.admin)
        self.assertEqual(c.json["channel"], "web")
        self.assertEqual(c.json["reporter_name"], "Zhang San")

    def test_report_fields_checked(self):
        self.err(self.req("POST", "/api/v1/public/reports", token="", body={"text": ""}), 422, field="text")
        self.err(self.req("POST", "/api/v1/public/reports", token="", body={"text": "x", "lat": 91, "lon": 0}), 422, field="lat")
        self.err(self.req("POST", "/api/v1/public/reports", token="", body={"text": "x", "lat": 40}), 422, field="lon")
        self.err(self.req("POST", "/api/v1/public/reports", token="", body={"text": "x", "who": 1}), 422)
        self.err(self.req("POST", "/api/v1/public/reports", token="", body={"text": "x", "category": "zz"}), 422, field="category")

    def test_leaderboard_units_city(self):
        r = self.get("/api/v1/public/leaderboard?period=2026-11&level=street")
        self.assertEqual(r.status, 200, r.json)
        for it in r.json["items"]:
            self.assertEqual(set(it), {"rank", "unit", "score", "indicators"})
        self.err(self.get("/api/v1/public/leaderboard?period=nope"), 400, field="period")
        self.ok(self.get("/api/v1/public/units?kind=street"))
        self.err(self.get("/api/v1/public/units?kind=department"), 400, field="kind")
        self.assertIn("timezone", self.get("/api/v1/public/city").json)

    def test_classify(self):
        self.err(self.req("GET", "/api/v1/classify?text=x", token=""), 401)
        r = self.get("/api/v1/classify?text=pothole", token=self.admin)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["suggestions"], [])
        self.err(self.get("/api/v1/classify", token=self.admin), 400, field="text")


if __name__ == "__main__":
    unittest.main()


class PublicPhotos(ApiTest):
    """POST /api/v1/public/reports/{number}/attachments?token=: a resident's photo with the
    report, opened by the report's photo_token; intake stage, public copy, limits."""

    def report(self):
        r = self.req("POST", "/api/v1/public/reports", token="", body={"text": "pothole by the bus stop"})
        self.assertEqual(r.status, 201, r.json)
        return r.json["number"], r.json["photo_token"]

    def photo(self, number, tok, data=None, ctype="image/png"):
        path = "/api/v1/public/reports/%s/attachments" % number
        if tok is not None:
            path += "?token=" + tok
        return self.server.request("POST", path, headers={"Content-Type": ctype},
                                   raw=imgkit.png() if data is None else data)

    def test_photo_with_the_report(self):
        number, tok = self.report()
        r = self.photo(number, tok)
        self.assertEqual(r.status, 201, r.json)
        self.assertEqual(r.json["stage"], "intake")
        self.assertEqual(set(r.json), {"id", "stage", "mime", "public_url"})
        pub = self.server.request("GET", r.json["public_url"])
        self.assertEqual(pub.status, 200)
        self.assertEqual(pub.raw[:8], b"\x89PNG\r\n\x1a\n")
        c = self.get("/api/v1/cases/" + number, token=self.admin)
        self.assertEqual([a["stage"] for a in c.json["attachments"]], ["intake"])
        self.assertIsNone(c.json["attachments"][0]["uploaded_by"])
        lst = self.get("/api/v1/public/reports/%s/attachments" % number, token="")
        self.assertEqual(lst.status, 200, lst.json)
        self.assertEqual([set(a) for a in lst.json["items"]], [{"id", "stage", "at", "public_url"}])
        self.err(self.get("/api/v1/public/reports/20000101-000001/attachments", token=""), 404)
        # at most three
        self.assertEqual(self.photo(number, tok).status, 201)
        self.assertEqual(self.photo(number, tok).status, 201)
        self.err(self.photo(number, tok), 409, field="file")

    def test_the_token_opens_one_report(self):
        number, tok = self.report()
        other, tok2 = self.report()
        self.err(self.photo(number, None), 403, field="token")
        self.err(self.photo(number, "00" * 32), 403, field="token")
        self.err(self.photo(number, tok2), 403, field="token")
        self.err(self.photo(number, tok, data=b"not an image at all", ctype="image/png"), 415, field="file")
        # staff cases are not the portal's to add to
        c = self.req("POST", "/api/v1/cases", token=self.admin, body={"channel": "hotline", "text": "a call"})
        self.assertEqual(c.status, 201, c.json)
        self.err(self.photo(c.json["number"], tok), 403, field="token")
