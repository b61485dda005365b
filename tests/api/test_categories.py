"""/api/v1/categories: the shared taxonomy."""
import unittest

from harness import ApiTest

CATS = "/api/v1/categories"


class CategoriesTest(ApiTest):
    def cat(self, code, name=None, status=201, **extra):
        body = {"code": code, "name": name or "cat " + code}
        body.update(extra)
        return self.ok(self.post(CATS, body), status)

    def test_create_top_level_and_children(self):
        r = self.post(CATS, {"code": "01", "name": "城市管理", "name_en": "City management",
                             "respond_limit": {"amount": 4, "unit": "work_hours"},
                             "resolve_limit": "7 workdays", "kind": "event",
                             "claimable": True, "kb_answer": "请拨打12345"})
        top = self.ok(r, 201)
        self.assertEqual(r.headers.get("Location"), "/api/v1/categories/01")
        self.assertEqual(top["code"], "01")
        self.assertIsNone(top["parent_code"])
        self.assertEqual(top["level"], 1)
        self.assertEqual(top["name"], "城市管理")
        self.assertEqual(top["name_en"], "City management")
        self.assertEqual(top["respond_limit"], {"amount": 4, "unit": "work_hours"})
        self.assertEqual(top["resolve_limit"], {"amount": 7, "unit": "workdays"})
        self.assertIsNone(top["urgent_limit"])
        self.assertEqual(top["kind"], "event")
        self.assertTrue(top["claimable"])
        self.assertEqual(top["kb_answer"], "请拨打12345")
        self.assertTrue(top["active"])
        child = self.cat("0101", "市容环境", urgent_limit={"amount": 2, "unit": "hours"},
                         kind="component")
        self.assertEqual(child["parent_code"], "01")
        self.assertEqual(child["level"], 2)
        self.assertEqual(child["urgent_limit"], {"amount": 2, "unit": "hours"})
        self.assertEqual(child["kind"], "component")
        self.assertFalse(child["claimable"])
        self.assertIsNone(child["kb_answer"])
        grand = self.cat("010102", "占道经营")
        self.assertEqual(grand["parent_code"], "0101")
        self.assertEqual(grand["level"], 3)
        leaf = self.cat("01010203", "leaf")
        self.assertEqual(leaf["level"], 4)
        # no fifth level
        self.err(self.post(CATS, {"code": "0101020301", "name": "too deep"}), 422, field="code")

    def test_get(self):
        self.cat("02", "Roads", respond_limit="3 hours")
        got = self.ok(self.get(CATS + "/02"))
        self.assertEqual(got["name"], "Roads")
        self.assertEqual(got["respond_limit"], {"amount": 3, "unit": "hours"})
        self.err(self.get(CATS + "/98"), 404, field="code")
        self.err(self.get(CATS + "/bogus"), 404)

    def test_limit_string_forms(self):
        c = self.cat("03", respond_limit="2 hours", resolve_limit=" 10 work_hours ",
                     urgent_limit=None)
        self.assertEqual(c["respond_limit"], {"amount": 2, "unit": "hours"})
        self.assertEqual(c["resolve_limit"], {"amount": 10, "unit": "work_hours"})
        self.assertIsNone(c["urgent_limit"])

    def test_bad_limits(self):
        bad = [{"amount": 4, "unit": "weeks"}, {"amount": 0, "unit": "hours"},
               {"amount": -1, "unit": "hours"}, {"amount": "4", "unit": "hours"},
               {"amount": 4}, {"unit": "hours"}, {"amount": 1.5, "unit": "hours"},
               "4 weeks", "four hours", "4", "hours", "4 hours extra", 4, True, [4, "hours"],
               "300 workdays", {"amount": 20000, "unit": "hours"}]
        for i, limit in enumerate(bad):
            with self.subTest(limit=limit):
                self.err(self.post(CATS, {"code": "04", "name": "x", "respond_limit": limit}),
                         422, field="respond_limit")
        self.err(self.post(CATS, {"code": "04", "name": "x", "resolve_limit": "9 weeks"}), 422,
                 field="resolve_limit")
        self.err(self.post(CATS, {"code": "04", "name": "x",
                                  "urgent_limit": {"amount": 1, "unit": "minutes"}}), 422,
                 field="urgent_limit")
        self.err(self.get(CATS + "/04"), 404)

    def test_bad_codes(self):
        for code in ["1", "001", "0000", "00", "0100", "ab", "1a", "", " 01", "01 ", "０１",
                     "123456789", "0101020304"]:
            with self.subTest(code=code):
                self.err(self.post(CATS, {"code": code, "name": "x"}), 422, field="code")
        self.err(self.post(CATS, {"code": 1, "name": "x"}), 422, field="code")
        self.err(self.post(CATS, {"name": "no code"}), 422, field="code")

    def test_other_bad_fields(self):
        self.err(self.post(CATS, {"code": "05"}), 422, field="name")
        self.err(self.post(CATS, {"code": "05", "name": ""}), 422, field="name")
        self.err(self.post(CATS, {"code": "05", "name": "x", "kind": "thing"}), 422, field="kind")
        self.err(self.post(CATS, {"code": "05", "name": "x", "claimable": "yes"}), 422,
                 field="claimable")
        self.err(self.post(CATS, {"code": "05", "name": "x", "parent_code": "01"}), 422,
                 field="parent_code")
        self.err(self.post(CATS, {"code": "05", "name": "x", "kb_answer": "k" * 8001}), 422,
                 field="kb_answer")
        self.err(self.get(CATS + "/05"), 404)

    def test_child_without_parent(self):
        self.err(self.post(CATS, {"code": "0601", "name": "orphan"}), 422)
        self.err(self.post(CATS, {"code": "060101", "name": "orphan"}), 422)
        self.err(self.get(CATS + "/0601"), 404)
        self.cat("06")
        self.err(self.post(CATS, {"code": "060101", "name": "skips a level"}), 422)
        self.cat("0601")
        self.cat("060101")

    def test_duplicate(self):
        self.cat("07")
        self.err(self.post(CATS, {"code": "07", "name": "again"}), 409, field="code")
        self.cat("0701")
        self.err(self.post(CATS, {"code": "0701", "name": "again"}), 409, field="code")
        self.assertEqual(self.ok(self.get(CATS + "/07"))["name"], "cat 07")

    def test_patch(self):
        self.cat("08", "Old name", respond_limit="4 hours")
        after = self.ok(self.patch(CATS + "/08", {"name": "新名字",
                                                  "respond_limit": {"amount": 2,
                                                                    "unit": "workdays"},
                                                  "resolve_limit": "5 workdays"}))
        self.assertEqual(after["name"], "新名字")
        self.assertEqual(after["respond_limit"], {"amount": 2, "unit": "workdays"})
        self.assertEqual(after["resolve_limit"], {"amount": 5, "unit": "workdays"})
        got = self.ok(self.get(CATS + "/08"))
        self.assertEqual(got, after)
        # clear a limit; the same code in the body is fine
        after = self.ok(self.patch(CATS + "/08", {"code": "08", "respond_limit": None}))
        self.assertIsNone(after["respond_limit"])
        self.assertEqual(after["resolve_limit"], {"amount": 5, "unit": "workdays"})
        self.assertEqual(after["name"], "新名字")
        after = self.ok(self.patch(CATS + "/08", {"active": False, "claimable": True}))
        self.assertFalse(after["active"])
        self.assertTrue(after["claimable"])

    def test_patch_errors(self):
        self.cat("09")
        self.err(self.patch(CATS + "/09", {"code": "10"}), 422, field="code")
        self.err(self.patch(CATS + "/09", {"code": 9}), 422, field="code")
        self.err(self.patch(CATS + "/09", {"respond_limit": {"amount": 1, "unit": "days"}}), 422,
                 field="respond_limit")
        self.err(self.patch(CATS + "/09", {"name": ""}), 422, field="name")
        self.err(self.patch(CATS + "/09", {"colour": "red"}), 422, field="colour")
        self.err(self.patch(CATS + "/97", {"name": "x"}), 404)
        self.err(self.get(CATS + "/10"), 404)
        self.assertEqual(self.ok(self.get(CATS + "/09"))["name"], "cat 09")

    def test_list_prefix_and_pages(self):
        for code in ["11", "1101", "1102", "110101", "12", "1201"]:
            self.cat(code)
        codes = [c["code"] for c in self.ok(self.get(CATS + "?prefix=11"))["items"]]
        self.assertEqual(codes, ["11", "1101", "110101", "1102"])
        codes = [c["code"] for c in self.ok(self.get(CATS + "?prefix=1101"))["items"]]
        self.assertEqual(codes, ["1101", "110101"])
        self.assertEqual(self.ok(self.get(CATS + "?prefix=13"))["items"], [])
        full = self.ok(self.get(CATS + "?limit=500"))
        self.assertIsNone(full["next_cursor"])
        codes = [c["code"] for c in full["items"]]
        self.assertEqual(codes, sorted(codes))
        items, pages = self.list_all(CATS, limit=2)
        self.assertEqual([c["code"] for c in items], codes)
        self.assertGreaterEqual(pages, 3)
        items, _ = self.list_all(CATS + "?prefix=11", limit=1)
        self.assertEqual([c["code"] for c in items], ["11", "1101", "110101", "1102"])

    def test_list_active(self):
        self.cat("14")
        self.cat("1401", active=False)
        on = [c["code"] for c in self.ok(self.get(CATS + "?prefix=14&active=true"))["items"]]
        off = [c["code"] for c in self.ok(self.get(CATS + "?prefix=14&active=false"))["items"]]
        self.assertEqual(on, ["14"])
        self.assertEqual(off, ["1401"])
        self.err(self.get(CATS + "?active=maybe"), 400, field="active")

    def test_any_account_may_read(self):
        self.cat("15")
        _, tok = self.user("cat-reader")
        self.ok(self.get(CATS + "/15", tok))
        self.assertIn("15", [c["code"] for c in self.ok(self.get(CATS + "?prefix=15", tok))["items"]])


if __name__ == "__main__":
    unittest.main()
