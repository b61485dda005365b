"""Evidence photos (issue 8, point 5): POST /api/v1/cases/{n}/attachments?stage=, the list,
GET /api/v1/attachments/{id} and GET /public/attachments/{id}.

Typed by content (a .jpg that is text, a PDF, an SVG: 415), at most attachment_max_bytes
(413, set low through `gongzhi config`), raw and multipart bodies, who may add at which
stage (403 / 409), served only to who may see the case (another unit's handler: 404; the
resident reporter: public stages only), GPS gone from the public copy and kept for staff,
the same bytes twice kept once on disk, and the `attachment` event on the timeline.
"""
import hashlib
import http.client
import os
import uuid

from casekit import CASES, CaseTest
from harness import run_cli
import imgkit

BOUNDARY = "gz-test-boundary"


def multipart(data, filename="photo.jpg", ctype="image/jpeg", fields=None, name="file"):
    out = b""
    for k, v in (fields or {}).items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (BOUNDARY, k, v)).encode()
    if data is not None:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (BOUNDARY, name, filename, ctype)).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % BOUNDARY).encode()


class AttachmentTest(CaseTest):

    # ---- helpers ----

    def upload(self, number, data, who="op", stage="intake", ctype="image/jpeg", form=False,
               filename="photo.jpg", status=201, fields=None):
        path = "%s/%s/attachments" % (CASES, number)
        if form:
            body = multipart(data, filename, ctype, fields)
            headers = {"Content-Type": "multipart/form-data; boundary=" + BOUNDARY}
            if stage is not None:
                path += "?stage=" + stage
        else:
            body, headers = data, {"Content-Type": ctype}
            path += "?stage=" + stage if stage is not None else ""
        headers["Authorization"] = "Bearer " + self.tok[who]
        r = self.server.request("POST", path, headers=headers, raw=body)
        if status is None:
            return r
        return self.ok(r, status)

    def fetch(self, att_id, who="sup", public=False, headers=None):
        path = ("/public/attachments/%d" if public else "/api/v1/attachments/%d") % att_id
        hdrs = dict(headers or {})
        if not public and who:
            hdrs["Authorization"] = "Bearer " + self.tok[who]
        return self.server.request("GET", path, headers=hdrs)

    def rows(self):
        return self.db_scalar("SELECT count(*) FROM attachments")

    def files(self):
        root = self.server.db + ".files"
        return sorted(f for d in os.listdir(root) if d != "tmp"
                      for f in os.listdir(os.path.join(root, d)))

    def refused(self, r, status, field):
        before = (self.rows(), self.counts())
        self.err(r, status, field=field)
        self.assertEqual((self.rows(), self.counts()), before)

    # ---- uploads ----

    def test_raw_and_multipart_bodies_both_work(self):
        n = self.new_case()
        jpg, png = imgkit.jpeg(gps=True), imgkit.png()
        a = self.upload(n, jpg)
        self.assertEqual((a["stage"], a["mime"], a["bytes"]), ("intake", "image/jpeg", len(jpg)))
        self.assertEqual((a["width"], a["height"]), (8, 8))
        self.assertEqual(a["sha256"], hashlib.sha256(jpg).hexdigest())
        self.assertEqual(a["uploaded_by"], self.acct["op"]["id"])
        # multipart, the stage as a form field, the part's declared type ignored
        b = self.upload(n, png, form=True, stage=None, ctype="application/octet-stream",
                        filename="x.bin", fields={"stage": "intake"})
        self.assertEqual((b["mime"], b["width"], b["height"]), ("image/png", 1, 1))
        w = self.upload(n, imgkit.webp(), ctype="application/octet-stream")
        self.assertEqual(w["mime"], "image/webp")
        items = self.ok(self.get("%s/%s/attachments" % (CASES, n), self.tok["sup"]))["items"]
        self.assertEqual([i["id"] for i in items], [a["id"], b["id"], w["id"]])
        self.assertEqual(self.case(n)["attachments"], items)
        # each upload is an event of the case, public for a public stage
        evs = [e for e in self.events(n) if e["kind"] == "attachment"]
        self.assertEqual([e["body"]["attachment_id"] for e in evs], [a["id"], b["id"], w["id"]])
        self.assertTrue(all(e["visibility"] == "public" for e in evs))
        self.assertEqual(self.db_scalar("SELECT event_id FROM attachments WHERE id = ?", a["id"]),
                         evs[0]["id"])
        # the original comes back byte for byte
        r = self.fetch(a["id"])
        self.assertEqual((r.status, r.raw), (200, jpg))
        self.assertEqual(r.headers["Content-Type"], "image/jpeg")
        self.assertEqual(r.headers["ETag"], '"%s"' % a["sha256"])
        self.assertEqual(r.headers["Cache-Control"], "private")
        r = self.fetch(a["id"], headers={"If-None-Match": '"%s"' % a["sha256"]})
        self.assertEqual((r.status, r.raw), (304, b""))
        ok = run_cli("verify", "--db", self.server.db)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)

    def test_wrong_type_by_content(self):
        n = self.new_case()
        files = self.files()
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
        svg = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" '
               b'height="1"><script>alert(1)</script></svg>\n')
        for body, form in ((b"just some text, honestly a photo", True), (pdf, False),
                           (svg, False), (svg, True), (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
                                                       False)):
            r = self.upload(n, body, form=form, filename="photo.jpg", ctype="image/jpeg",
                            status=None)
            self.refused(r, 415, "file")
            self.assertEqual(r.json["error"]["code"], "unsupported_media_type")
        # JPEG by its first bytes, but not a JPEG after them
        broken = imgkit.jpeg()[:40]
        self.refused(self.upload(n, broken, status=None), 415, "file")
        self.assertEqual(self.files(), files)

    def test_bad_requests_name_their_field(self):
        n = self.new_case()
        jpg = imgkit.jpeg()
        self.refused(self.upload(n, jpg, stage=None, status=None), 400, "stage")
        self.refused(self.upload(n, jpg, stage="before", status=None), 422, "stage")
        self.refused(self.upload(n, b"", status=None), 400, "file")
        self.refused(self.upload(n, None, form=True, fields={"note": "x"}, status=None), 400,
                     "file")
        # two files in one form
        body = multipart(jpg)[:-len("--%s--\r\n" % BOUNDARY)] + multipart(jpg)
        r = self.server.request("POST", "%s/%s/attachments?stage=intake" % (CASES, n), raw=body,
                                headers={"Authorization": "Bearer " + self.tok["op"],
                                         "Content-Type": "multipart/form-data; boundary="
                                         + BOUNDARY})
        self.refused(r, 400, "file")
        # a form cut short before its closing boundary
        cut = multipart(jpg)[:-len("\r\n--%s--\r\n" % BOUNDARY)]
        r = self.server.request("POST", "%s/%s/attachments?stage=intake" % (CASES, n), raw=cut,
                                headers={"Authorization": "Bearer " + self.tok["op"],
                                         "Content-Type": "multipart/form-data; boundary="
                                         + BOUNDARY})
        self.refused(r, 400, "body")
        r = self.server.request("POST", "%s/%s/attachments?stage=intake" % (CASES, n), raw=jpg,
                                headers={"Content-Type": "image/jpeg"})
        self.err(r, 401)
        r = self.server.request("POST", "%s/20200101-000001/attachments?stage=intake" % CASES,
                                raw=jpg, headers={"Authorization": "Bearer " + self.tok["op"]})
        self.err(r, 404)
        for bad in ("0", "x", "99999999"):
            self.err(self.server.request("GET", "/api/v1/attachments/" + bad,
                                         headers={"Authorization": "Bearer " + self.tok["sup"]}),
                     404)
            self.err(self.server.request("GET", "/public/attachments/" + bad), 404)

    def test_oversized_by_setting(self):
        n = self.new_case()
        small = imgkit.jpeg()
        big = imgkit.jpeg(width=512, height=512)  # 4096 blocks: ~1 kB of scan data
        self.assertGreater(len(big), 1000)
        p = run_cli("config", "attachment_max_bytes", "1000", "--db", self.server.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        try:
            # Content-Length says it at once
            r = self.upload(n, big, status=None)
            self.refused(r, 413, "file")
            self.assertIn("1000", r.json["error"]["message"])
            # chunked: found out while streaming
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=15)
            chunks = (big[i:i + 300] for i in range(0, len(big), 300))
            conn.request("POST", "%s/%s/attachments?stage=intake" % (CASES, n), body=chunks,
                         headers={"Authorization": "Bearer " + self.tok["op"],
                                  "Content-Type": "image/jpeg"}, encode_chunked=True)
            resp = conn.getresponse()
            raw = resp.read()
            conn.close()
            self.assertEqual(resp.status, 413, raw)
            self.assertIn(b'"field":"file"', raw)
            self.refused(self.upload(n, big, form=True, status=None), 413, "file")
            self.upload(n, small)  # under the limit
        finally:
            p = run_cli("config", "attachment_max_bytes", str(10 << 20), "--db", self.server.db)
            self.assertEqual(p.returncode, 0, p.stderr)
        self.upload(n, big)
        bad = run_cli("config", "attachment_max_bytes", "0", "--db", self.server.db)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("attachment_max_bytes", bad.stderr)

    # ---- who may add, who may see ----

    def test_who_may_add_at_which_stage(self):
        n = self.dispatched()
        jpg = imgkit.jpeg()
        self.err(self.upload(n, jpg, who="h1", stage="reply", status=None), 409, "stage")
        r = self.upload(n, jpg, who="h1", stage="reply", status=None)
        self.assertEqual(r.json["status"], "dispatched")
        self.err(self.upload(n, jpg, who="h2", stage="reply", status=None), 404, "number")
        self.act(n, "accept", "h1")
        reply = self.upload(n, jpg, who="h1", stage="reply")
        self.assertEqual(reply["unit_id"], self.unit_id["d1"])
        self.err(self.upload(n, jpg, who="gw", stage="reply", status=None), 403, "stage")
        self.err(self.upload(n, jpg, who="gw", stage="verify", status=None), 409, "stage")
        self.err(self.upload(n, jpg, who="h1", stage="verify", status=None), 403, "stage")
        self.act(n, "reply", "h1", text="已清理完毕。")
        self.upload(n, jpg, who="h1", stage="reply")  # photos may follow the reply
        self.upload(n, jpg, who="gw", stage="verify")
        self.upload(n, jpg, who="sup", stage="verify")
        self.upload(n, jpg, who="op", stage="intake")
        self.err(self.upload(n, jpg, who="op", stage="complete", status=None), 403, "stage")
        self.act(n, "verify", "sup", **{"pass": True})
        self.act(n, "revisit", "op", contacted=True, solved=True, satisfaction="satisfied")
        self.act(n, "close", "op")
        self.err(self.upload(n, jpg, who="op", stage="intake", status=None), 409, "stage")

    def test_claimant_adds_completion_photos(self):
        # an outside unit that takes on 01 everywhere, claiming as test_claims.py does
        vol = self.make_unit("vol-%s" % uuid.uuid4().hex[:6], "volunteer_team", parent="city")
        self.ok(self.req("PUT", "/api/v1/units/%d/capabilities" % vol["id"],
                         {"categories": ["01"], "areas": ["city"]}, token=self.admin))
        _, tok = self.user("vt-%s" % uuid.uuid4().hex[:6], unit=vol["code"], role="handler")
        self.tok["vt"] = tok
        n = self.dispatched()
        jpg = imgkit.jpeg()
        self.err(self.upload(n, jpg, who="vt", stage="complete", status=None), 404, "number")
        self.act(n, "mark_claimable", "disp")
        self.act(n, "claim", "vt")
        a = self.upload(n, jpg, who="vt", stage="complete")
        self.assertEqual(a["unit_id"], vol["id"])
        self.assertIsNotNone(a["public_url"])
        self.err(self.upload(n, jpg, who="vt", stage="verify", status=None), 403, "stage")
        # given back: no longer the claimant's to document
        self.act(n, "unclaim", "vt", reason="人手不足")
        self.err(self.upload(n, jpg, who="vt", stage="complete", status=None), 403, "stage")

    def nope(self, n, action, who, **fields):
        """The action is refused with a 422 naming photos, and the case is as it was."""
        status = self.case(n)["status"]
        self.err(self.act(n, action, who, status=None, **fields), 422, field="photos")
        self.assertEqual(self.case(n)["status"], status)

    def test_actions_name_their_photos(self):
        n = self.accepted()
        before = self.upload(n, imgkit.jpeg(), who="op", stage="intake")["id"]
        after = self.upload(n, imgkit.png(), who="h1", stage="reply")["id"]
        elsewhere = self.upload(self.accepted(), imgkit.png(), who="h1", stage="reply")["id"]
        # an id, of this case, of the action's own stage
        for bad in ("x.jpg", [str(after)], [before], [elsewhere], [after + 1000], [0], [after] * 21):
            self.nope(n, "reply", "h1", text="已修复。", photos=bad)
        self.nope(n, "comment", "h1", text="看图", photos=[after])
        self.act(n, "reply", "h1", text="已修复。", photos=[after])
        self.assertEqual(self.events(n)[-1]["body"]["photos"], [after])
        check = self.upload(n, imgkit.webp(), who="gw", stage="verify")["id"]
        self.nope(n, "verify", "gw", photos=[after], **{"pass": True})
        self.act(n, "verify", "gw", photos=[check], **{"pass": True})
        self.assertEqual(self.events(n)[-1]["body"]["photos"], [check])

    def test_served_only_to_who_may_see(self):
        # the resident reports it themselves
        c = self.intake(who="res", channel="web", text="路灯坏了，晚上很黑。")
        n = c["number"]
        mine = self.upload(n, imgkit.jpeg(gps=True), who="res")
        self.assertIsNone(mine["unit_id"])
        self.act(n, "dispatch", "disp", unit="d1", category="0101")
        self.act(n, "accept", "h1")
        after = self.upload(n, imgkit.png(), who="h1", stage="reply")
        self.act(n, "reply", "h1", text="已修复。")
        check = self.upload(n, imgkit.webp(), who="gw", stage="verify")
        self.assertIsNone(check["public_url"])
        ids = [mine["id"], after["id"], check["id"]]
        # staff of the units concerned and platform-wide roles see all three
        for who in ("sup", "op", "h1", "gw", "admin"):
            for i in ids:
                self.assertEqual(self.fetch(i, who).status, 200, (who, i))
        # the reporter sees the public stages only, in the list and one by one
        listed = self.ok(self.get("%s/%s/attachments" % (CASES, n), self.tok["res"]))["items"]
        self.assertEqual([i["id"] for i in listed], ids[:2])
        self.assertEqual([i["id"] for i in self.case(n, "res")["attachments"]], ids[:2])
        self.assertEqual(self.fetch(ids[0], "res").status, 200)
        self.assertEqual(self.fetch(ids[1], "res").status, 200)
        self.err(self.fetch(ids[2], "res"), 404, "id")
        # another unit's handler sees nothing at all
        for i in ids:
            self.err(self.fetch(i, "h2"), 404, "id")
        self.err(self.get("%s/%s/attachments" % (CASES, n), self.tok["h2"]), 404)
        self.err(self.server.request("GET", "/api/v1/attachments/%d" % ids[0]), 401)
        # the public: public stages, without a sign-in
        self.assertEqual(self.fetch(ids[0], public=True).status, 200)
        self.assertEqual(self.fetch(ids[1], public=True).status, 200)
        self.err(self.fetch(ids[2], public=True), 404, "id")

    def test_invalid_cases_show_no_public_photos(self):
        n = self.new_case()
        a = self.upload(n, imgkit.jpeg())
        self.assertEqual(self.fetch(a["id"], public=True).status, 200)
        self.act(n, "invalidate", "op", reason="spam")
        self.err(self.fetch(a["id"], public=True), 404, "id")
        self.assertEqual(self.fetch(a["id"], "sup").status, 200)

    # ---- GPS and the files ----

    def test_gps_stripped_publicly_kept_for_staff(self):
        n = self.new_case()
        for data, mime in ((imgkit.jpeg(gps=True, xmp=True, comment=True), "image/jpeg"),
                           (imgkit.png(exif_gps=True, text=True), "image/png"),
                           (imgkit.webp(exif_gps=True, xmp=True), "image/webp")):
            self.assertTrue(imgkit.exif_gps(data))
            a = self.upload(n, data, ctype="application/octet-stream")
            staff = self.fetch(a["id"], "sup")
            self.assertEqual(staff.raw, data)
            self.assertTrue(imgkit.exif_gps(staff.raw))
            pub = self.fetch(a["id"], public=True)
            self.assertEqual(pub.status, 200)
            self.assertEqual(pub.headers["Content-Type"], mime)
            self.assertFalse(imgkit.exif_gps(pub.raw), mime)
            self.assertNotIn(b"GPSLatitude", pub.raw)
            self.assertNotIn(b"taken at home", pub.raw)
            self.assertEqual(pub.raw[:4], data[:4])
            self.assertLess(len(pub.raw), len(data))
            self.assertEqual(pub.headers["ETag"], '"%s-public"' % a["sha256"])
            self.assertTrue(pub.headers["Cache-Control"].startswith("public"))
            # no personal data on the public answer
            self.assertNotIn(b"acct", pub.raw)
        # the JPEG keeps its EXIF orientation (the picture stays upright)
        a = self.upload(n, imgkit.jpeg(gps=True))
        pub = self.fetch(a["id"], public=True).raw
        self.assertIn(b"Exif\0\0", pub)

    def test_same_bytes_twice_are_one_file(self):
        before = self.files()
        jpg = imgkit.jpeg(width=24, height=16)
        n1, n2 = self.new_case(), self.new_case()
        a = self.upload(n1, jpg)
        b = self.upload(n2, jpg, form=True)
        c = self.upload(n1, jpg, who="res", status=None)  # not the reporter: 404 (cannot see)
        self.err(c, 404, "number")
        self.assertNotEqual(a["id"], b["id"])
        self.assertEqual(a["sha256"], b["sha256"])
        after = self.files()
        self.assertEqual(len(after), len(before) + 1)
        self.assertIn(a["sha256"], after)
        path = os.path.join(self.server.db + ".files", a["sha256"][:2], a["sha256"])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), jpg)
        self.assertEqual(self.fetch(b["id"]).raw, jpg)
        # nothing is left behind in the spool
        self.assertEqual(os.listdir(os.path.join(self.server.db + ".files", "tmp")), [])

    def test_open311_media_url_is_our_public_photo(self):
        n = self.resolved()
        self.upload(n, imgkit.webp(), who="gw", stage="verify")  # internal: never a media_url
        r = self.ok(self.server.request("GET", "/open311/v2/requests/%s.json" % n))
        self.assertIsNone(r[0]["media_url"])
        a = self.upload(n, imgkit.png(), who="h1", stage="reply")
        self.upload(n, imgkit.jpeg(), who="op", stage="intake")
        r = self.ok(self.server.request("GET", "/open311/v2/requests/%s.json" % n))
        self.assertEqual(r[0]["media_url"], "/public/attachments/%d" % a["id"])
        self.ok(self.patch("/api/v1/open311/settings",
                           {"base_url": "https://city.example/open311/v2"}))
        r = self.ok(self.server.request("GET", "/open311/v2/requests/%s.json" % n))
        self.assertEqual(r[0]["media_url"], "https://city.example/public/attachments/%d" % a["id"])
        pub = self.server.request("GET", r[0]["media_url"][len("https://city.example"):])
        self.assertEqual((pub.status, pub.headers["Content-Type"]), (200, "image/png"))
