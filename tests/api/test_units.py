"""/api/v1/units: create, read, list (filters, keyset pages), patch, jurisdictions, errors."""
import json
import unittest

from harness import RFC3339, ApiTest

UNITS = "/api/v1/units"

SQUARE = {"type": "Polygon",
          "coordinates": [[[116.40, 39.90], [116.45, 39.90], [116.45, 39.95], [116.40, 39.95],
                           [116.40, 39.90]]]}
HOLED = {"type": "Polygon",
         "coordinates": [[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
                         [[2.5, 2.5], [3.5, 2.5], [3.5, 3.5], [2.5, 2.5]]]}
MULTI = {"type": "MultiPolygon",
         "coordinates": [[[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]]],
                         [[[-1.5, -1.0], [-2.0, -1.0], [-2.0, -2.0], [-1.5, -1.0]]]]}


class UnitsTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.server.request("GET", UNITS + "/city", token=cls.admin)
        cls.city = r.json

    # ---- create and read ----

    def test_root_city(self):
        self.assertEqual(self.city["code"], "city")
        self.assertEqual(self.city["kind"], "city")
        self.assertIsNone(self.city["parent_id"])
        self.assertIsNone(self.city["parent_code"])
        self.assertTrue(self.city["active"])

    def test_create_chain(self):
        d = self.make_unit("chain-d", "district", parent="city", name="Chain District",
                           name_en="Chain", contact="010-1234")
        self.assertIsInstance(d["id"], int)
        self.assertEqual(d["kind"], "district")
        self.assertEqual(d["parent_id"], self.city["id"])
        self.assertEqual(d["parent_code"], "city")
        self.assertEqual(d["name_en"], "Chain")
        self.assertEqual(d["contact"], "010-1234")
        self.assertTrue(d["active"])
        self.assertFalse(d["has_jurisdiction"])
        self.assertRegex(d["created_at"], RFC3339)
        self.assertRegex(d["updated_at"], RFC3339)
        # parent by id
        s = self.make_unit("chain-s", "street", parent=d["id"])
        self.assertEqual(s["parent_id"], d["id"])
        self.assertEqual(s["parent_code"], "chain-d")
        c = self.make_unit("chain-c", "community", parent="chain-s")
        self.assertEqual(c["parent_id"], s["id"])
        g = self.make_unit("chain-g", "grid", parent=c["id"])
        self.assertEqual(g["parent_code"], "chain-c")
        dept = self.make_unit("chain-dept", "department", parent="city", name="Housing Bureau")
        self.assertEqual(dept["kind"], "department")
        # a department may sit under a street too (not a territorial level)
        self.make_unit("chain-s-office", "department", parent="chain-s")

    def test_create_answers_201_with_location(self):
        r = self.post(UNITS, {"code": "loc-d", "name": "L", "kind": "district", "parent": "city"})
        body = self.ok(r, 201)
        self.assertEqual(r.headers.get("Location"), "/api/v1/units/%d" % body["id"])
        self.assertEqual(self.ok(self.get(r.headers["Location"])), body)

    def test_get_by_id_and_code(self):
        d = self.make_unit("get-d", "district", parent="city")
        by_id = self.ok(self.get("%s/%d" % (UNITS, d["id"])))
        by_code = self.ok(self.get(UNITS + "/get-d"))
        self.assertEqual(by_id, by_code)
        self.assertEqual(by_id["code"], "get-d")
        self.assertEqual(by_id["id"], d["id"])

    def test_get_missing(self):
        self.err(self.get(UNITS + "/no-such-unit"), 404)
        self.err(self.get(UNITS + "/987654"), 404)

    def test_utf8_names_round_trip(self):
        names = {"utf-d": "东城区", "utf-s": "和平里街道", "utf-c": "😀 幸福社区 — «ñ»"}
        self.make_unit("utf-d", "district", parent="city", name=names["utf-d"], name_en="Dongcheng")
        self.make_unit("utf-s", "street", parent="utf-d", name=names["utf-s"])
        self.make_unit("utf-c", "community", parent="utf-s", name=names["utf-c"],
                       contact="张先生 13800000000")
        for code, name in names.items():
            r = self.get(UNITS + "/" + code)
            self.assertEqual(self.ok(r)["name"], name)
            # byte-exact in the raw answer: UTF-8, or escapes that decode to the same
            self.assertEqual(json.loads(r.raw.decode("utf-8"))["name"].encode("utf-8"),
                             name.encode("utf-8"))
        r = self.get(UNITS + "?parent=utf-s")
        self.assertEqual([u["name"] for u in self.ok(r)["items"]], [names["utf-c"]])
        self.assertEqual(self.ok(self.get(UNITS + "/utf-c"))["contact"], "张先生 13800000000")
        # rename keeps the bytes too
        self.ok(self.patch(UNITS + "/utf-s", {"name": "和平里街道办事处 🏙"}))
        self.assertEqual(self.ok(self.get(UNITS + "/utf-s"))["name"], "和平里街道办事处 🏙")

    # ---- create errors ----

    def test_duplicate_code(self):
        self.make_unit("dup-d", "district", parent="city")
        r = self.post(UNITS, {"code": "dup-d", "name": "again", "kind": "district", "parent": "city"})
        self.err(r, 409, field="code")
        self.err(self.post(UNITS, {"code": "city", "name": "x", "kind": "department"}), 409)

    def test_bad_kind(self):
        self.err(self.post(UNITS, {"code": "k1", "name": "x", "kind": "planet", "parent": "city"}),
                 422, field="kind")
        self.err(self.post(UNITS, {"code": "k2", "name": "x", "parent": "city"}), 422, field="kind")
        self.err(self.post(UNITS, {"code": "k3", "name": "x", "kind": 3, "parent": "city"}),
                 422, field="kind")

    def test_missing_or_bad_fields(self):
        self.err(self.post(UNITS, {"name": "x", "kind": "district", "parent": "city"}), 422,
                 field="code")
        self.err(self.post(UNITS, {"code": "nm1", "kind": "district", "parent": "city"}), 422,
                 field="name")
        self.err(self.post(UNITS, {"code": "has space", "name": "x", "kind": "district",
                                   "parent": "city"}), 422, field="code")
        self.err(self.post(UNITS, {"code": "东城", "name": "x", "kind": "district",
                                   "parent": "city"}), 422, field="code")
        self.err(self.post(UNITS, {"code": "c" * 65, "name": "x", "kind": "district",
                                   "parent": "city"}), 422, field="code")
        self.err(self.post(UNITS, {"code": "a1", "name": "x", "kind": "district", "parent": "city",
                                   "active": "yes"}), 422, field="active")
        self.err(self.post(UNITS, {"code": "a2", "name": "x", "kind": "district",
                                   "parent": [1]}), 422, field="parent")
        self.err(self.post(UNITS, {"code": "a3", "name": "x" * 300, "kind": "district",
                                   "parent": "city"}), 422, field="name")

    def test_unknown_field(self):
        r = self.post(UNITS, {"code": "uf", "name": "x", "kind": "district", "parent": "city",
                              "colour": "red"})
        e = self.err(r, 422, field="colour")
        self.assertIn("colour", e["message"])
        self.err(self.get(UNITS + "/uf"), 404)

    def test_missing_parent_by_code(self):
        self.err(self.post(UNITS, {"code": "orph", "name": "x", "kind": "district",
                                   "parent": "no-such"}), 422, field="parent")

    def test_missing_parent_by_id(self):
        # the root admin may create anywhere, so a parent id that does not exist is a bad
        # field (422 parent), as it is for a parent code - not 403
        self.err(self.post(UNITS, {"code": "orph2", "name": "x", "kind": "district",
                                   "parent": 999999}), 422, field="parent")

    def test_move_to_missing_parent_by_id(self):
        self.make_unit("orph3", "department", parent="city")
        self.err(self.patch(UNITS + "/orph3", {"parent": 999999}), 422, field="parent")
        self.assertEqual(self.ok(self.get(UNITS + "/orph3"))["parent_code"], "city")

    def test_street_under_community(self):
        self.make_unit("lv-d", "district", parent="city")
        self.make_unit("lv-s", "street", parent="lv-d")
        self.make_unit("lv-c", "community", parent="lv-s")
        self.err(self.post(UNITS, {"code": "lv-s2", "name": "x", "kind": "street", "parent": "lv-c"}),
                 422, field="parent")
        # a district under a district, and a district under a department
        self.err(self.post(UNITS, {"code": "lv-d2", "name": "x", "kind": "district",
                                   "parent": "lv-d"}), 422, field="parent")
        self.make_unit("lv-dept", "department", parent="city")
        self.err(self.post(UNITS, {"code": "lv-d3", "name": "x", "kind": "district",
                                   "parent": "lv-dept"}), 422, field="parent")
        # skipping a level downwards is fine: a community straight under a district
        self.make_unit("lv-c2", "community", parent="lv-d")

    def test_city_with_parent(self):
        self.err(self.post(UNITS, {"code": "city2", "name": "x", "kind": "city", "parent": "city"}),
                 422, field="parent")
        self.err(self.get(UNITS + "/city2"), 404)

    # ---- list ----

    def test_list_filters(self):
        d = self.make_unit("lf-d", "district", parent="city")
        s1 = self.make_unit("lf-s1", "street", parent="lf-d")
        s2 = self.make_unit("lf-s2", "street", parent=d["id"])
        self.make_unit("lf-c", "community", parent="lf-s1")
        kids = self.ok(self.get(UNITS + "?parent=lf-d"))["items"]
        self.assertEqual([u["code"] for u in kids], ["lf-s1", "lf-s2"])
        kids_by_id = self.ok(self.get(UNITS + "?parent=%d" % d["id"]))["items"]
        self.assertEqual(kids, kids_by_id)
        streets = self.ok(self.get(UNITS + "?kind=street&limit=500"))["items"]
        self.assertTrue(streets)
        self.assertTrue(all(u["kind"] == "street" for u in streets))
        self.assertIn(s1["id"], [u["id"] for u in streets])
        self.assertIn(s2["id"], [u["id"] for u in streets])
        both = self.ok(self.get(UNITS + "?kind=community&parent=lf-s1"))["items"]
        self.assertEqual([u["code"] for u in both], ["lf-c"])
        none = self.ok(self.get(UNITS + "?kind=grid&parent=lf-d"))
        self.assertEqual(none["items"], [])
        self.assertIsNone(none["next_cursor"])

    def test_list_roots(self):
        roots = self.ok(self.get(UNITS + "?roots=true&limit=500"))["items"]
        self.assertIn("city", [u["code"] for u in roots])
        self.assertTrue(all(u["parent_id"] is None for u in roots))
        self.make_unit("root-dept", "department", name="Standalone")
        roots = self.ok(self.get(UNITS + "?roots=1&limit=500"))["items"]
        self.assertIn("root-dept", [u["code"] for u in roots])
        self.assertNotIn("lf-d", [u["code"] for u in roots])
        everything = self.ok(self.get(UNITS + "?roots=false&limit=500"))["items"]
        self.assertGreaterEqual(len(everything), len(roots))

    def test_list_active(self):
        self.make_unit("act-d", "district", parent="city")
        self.make_unit("act-off", "department", parent="act-d", active=False)
        self.assertFalse(self.ok(self.get(UNITS + "/act-off"))["active"])
        on = self.ok(self.get(UNITS + "?active=true&parent=act-d"))["items"]
        off = self.ok(self.get(UNITS + "?active=false&limit=500"))["items"]
        self.assertEqual(on, [])
        self.assertIn("act-off", [u["code"] for u in off])
        self.assertTrue(all(not u["active"] for u in off))
        all_on = self.ok(self.get(UNITS + "?active=true&limit=500"))["items"]
        self.assertTrue(all(u["active"] for u in all_on))

    def test_list_bad_filters(self):
        self.err(self.get(UNITS + "?kind=planet"), 400, field="kind")
        self.err(self.get(UNITS + "?roots=maybe"), 400, field="roots")
        self.err(self.get(UNITS + "?active=yes"), 400, field="active")
        self.err(self.get(UNITS + "?parent=no-such-unit"), 400, field="parent")

    def test_keyset_pagination(self):
        for i in range(7):
            self.make_unit("pg-%d" % i, "department", parent="city", name="Page %d" % i)
        full = self.ok(self.get(UNITS + "?limit=500"))
        self.assertIsNone(full["next_cursor"])
        items, pages = self.list_all(UNITS, limit=2)
        ids = [u["id"] for u in items]
        self.assertEqual(len(ids), len(set(ids)), "an item repeats across pages")
        self.assertEqual(ids, [u["id"] for u in full["items"]])
        self.assertEqual(ids, sorted(ids))
        self.assertGreaterEqual(pages, 4)
        # filtered pages
        items, _ = self.list_all(UNITS + "?kind=department", limit=3)
        codes = [u["code"] for u in items]
        for i in range(7):
            self.assertIn("pg-%d" % i, codes)
        self.assertEqual(len(codes), len(set(codes)))
        self.assertTrue(all(u["kind"] == "department" for u in items))

    def test_first_page_shape(self):
        for i in range(3):
            self.make_unit("fp-%d" % i, "department", parent="city")
        body = self.ok(self.get(UNITS + "?limit=1"))
        self.assertEqual(set(body), {"items", "next_cursor"})
        self.assertEqual(len(body["items"]), 1)
        self.assertIsInstance(body["next_cursor"], str)
        nxt = self.ok(self.get(UNITS + "?limit=1&cursor=" + body["next_cursor"]))
        self.assertGreater(nxt["items"][0]["id"], body["items"][0]["id"])

    # ---- patch ----

    def test_rename(self):
        u = self.make_unit("ren-d", "district", parent="city", name="Old")
        after = self.ok(self.patch(UNITS + "/ren-d", {"name": "New", "name_en": "New EN"}))
        self.assertEqual(after["name"], "New")
        self.assertEqual(after["name_en"], "New EN")
        self.assertEqual(after["id"], u["id"])
        self.assertEqual(after["parent_id"], u["parent_id"])
        self.assertEqual(after["kind"], "district")
        self.assertEqual(self.ok(self.get("%s/%d" % (UNITS, u["id"])))["name"], "New")
        # by id as well
        self.ok(self.patch("%s/%d" % (UNITS, u["id"]), {"contact": "hotline 12345"}))
        got = self.ok(self.get(UNITS + "/ren-d"))
        self.assertEqual(got["contact"], "hotline 12345")
        self.assertEqual(got["name"], "New")

    def test_move(self):
        self.make_unit("mv-d", "district", parent="city")
        a = self.make_unit("mv-a", "street", parent="mv-d")
        b = self.make_unit("mv-b", "street", parent="mv-d")
        self.make_unit("mv-c", "community", parent="mv-a")
        moved = self.ok(self.patch(UNITS + "/mv-c", {"parent": "mv-b"}))
        self.assertEqual(moved["parent_id"], b["id"])
        self.assertEqual(moved["parent_code"], "mv-b")
        self.assertEqual(self.ok(self.get(UNITS + "?parent=mv-a"))["items"], [])
        self.assertEqual([u["code"] for u in self.ok(self.get(UNITS + "?parent=mv-b"))["items"]],
                         ["mv-c"])
        back = self.ok(self.patch(UNITS + "/mv-c", {"parent": a["id"]}))
        self.assertEqual(back["parent_code"], "mv-a")
        # a move to a wrong level is refused and changes nothing
        self.make_unit("mv-c2", "community", parent="mv-b")
        self.err(self.patch(UNITS + "/mv-c", {"parent": "mv-c2"}), 422, field="parent")
        self.err(self.patch(UNITS + "/mv-a", {"parent": "mv-c2"}), 422, field="parent")
        # a change of kind and parent together is checked as a whole
        self.err(self.patch(UNITS + "/mv-c", {"parent": "mv-c2", "kind": "street"}), 422,
                 field="parent")
        self.assertEqual(self.ok(self.get(UNITS + "/mv-c"))["parent_code"], "mv-a")

    def test_move_below_own_child(self):
        self.make_unit("cy-a", "department", parent="city")
        self.make_unit("cy-b", "department", parent="cy-a")
        self.make_unit("cy-c", "department", parent="cy-b")
        self.err(self.patch(UNITS + "/cy-a", {"parent": "cy-b"}), 422, field="parent")
        self.err(self.patch(UNITS + "/cy-a", {"parent": "cy-c"}), 422, field="parent")
        self.err(self.patch(UNITS + "/cy-a", {"parent": "cy-a"}), 422, field="parent")
        self.assertEqual(self.ok(self.get(UNITS + "/cy-a"))["parent_code"], "city")
        # a territorial unit under its own child fails too
        self.make_unit("cy-d", "district", parent="city")
        self.make_unit("cy-s", "street", parent="cy-d")
        self.err(self.patch(UNITS + "/cy-d", {"parent": "cy-s"}), 422, field="parent")

    def test_kind_change_must_fit_children(self):
        self.make_unit("kc-d", "district", parent="city")
        self.make_unit("kc-s", "street", parent="kc-d")
        self.err(self.patch(UNITS + "/kc-d", {"kind": "community"}), 422)
        self.assertEqual(self.ok(self.get(UNITS + "/kc-d"))["kind"], "district")

    def test_deactivate(self):
        self.make_unit("off-d", "district", parent="city")
        after = self.ok(self.patch(UNITS + "/off-d", {"active": False}))
        self.assertFalse(after["active"])
        self.assertFalse(self.ok(self.get(UNITS + "/off-d"))["active"])
        off = self.ok(self.get(UNITS + "?active=false&kind=district&limit=500"))["items"]
        self.assertIn("off-d", [u["code"] for u in off])
        self.ok(self.patch(UNITS + "/off-d", {"active": True}))
        self.assertTrue(self.ok(self.get(UNITS + "/off-d"))["active"])

    def test_patch_errors(self):
        self.make_unit("pe-d", "district", parent="city")
        self.err(self.patch(UNITS + "/pe-d", {"bogus": 1}), 422, field="bogus")
        self.err(self.patch(UNITS + "/pe-d", {"kind": "planet"}), 422, field="kind")
        self.err(self.patch(UNITS + "/pe-d", {"name": ""}), 422, field="name")
        self.err(self.patch(UNITS + "/pe-d", {"parent": "no-such"}), 422, field="parent")
        self.err(self.patch(UNITS + "/no-such-unit", {"name": "x"}), 404)
        self.err(self.patch(UNITS + "/999999", {"name": "x"}), 404)
        self.make_unit("pe-d2", "district", parent="city")
        self.err(self.patch(UNITS + "/pe-d2", {"code": "pe-d"}), 409, field="code")
        self.err(self.patch(UNITS + "/city", {"parent": "pe-d"}), 422, field="parent")
        self.assertEqual(self.ok(self.get(UNITS + "/pe-d"))["name"], "pe-d")

    # ---- jurisdiction ----

    def test_jurisdiction_round_trip(self):
        u = self.make_unit("geo-d", "district", parent="city", jurisdiction=SQUARE)
        self.assertTrue(u["has_jurisdiction"])
        self.assertEqual(u["jurisdiction"], SQUARE)
        got = self.ok(self.get(UNITS + "/geo-d"))
        self.assertEqual(got["jurisdiction"], SQUARE)
        self.assertTrue(got["has_jurisdiction"])
        listed = self.ok(self.get(UNITS + "?kind=district&geometry=true&limit=500"))["items"]
        row = [x for x in listed if x["code"] == "geo-d"][0]
        self.assertEqual(row["jurisdiction"], SQUARE)
        self.assertTrue(row["has_jurisdiction"])

    def test_list_without_geometry_still_says_has_jurisdiction(self):
        self.make_unit("geo-l", "district", parent="city", jurisdiction=SQUARE)
        self.make_unit("geo-l0", "district", parent="city")
        # lists leave the geometry out unless asked, but has_jurisdiction stays true
        listed = self.ok(self.get(UNITS + "?kind=district&limit=500"))["items"]
        row = [x for x in listed if x["code"] == "geo-l"][0]
        self.assertNotIn("jurisdiction", row)
        bare = [x for x in listed if x["code"] == "geo-l0"][0]
        self.assertFalse(bare["has_jurisdiction"])
        self.assertTrue(row["has_jurisdiction"],
                        "GET /api/v1/units (no geometry=true) says has_jurisdiction false for a "
                        "unit that has one")

    def test_jurisdiction_kinds(self):
        self.assertEqual(self.make_unit("geo-h", "district", parent="city",
                                        jurisdiction=HOLED)["jurisdiction"], HOLED)
        self.assertEqual(self.make_unit("geo-m", "district", parent="city",
                                        jurisdiction=MULTI)["jurisdiction"], MULTI)
        feature = {"type": "Feature", "properties": {"x": 1}, "geometry": SQUARE}
        self.assertEqual(self.make_unit("geo-f", "district", parent="city",
                                        jurisdiction=feature)["jurisdiction"], SQUARE)

    def test_jurisdiction_patch_and_clear(self):
        self.make_unit("geo-p", "district", parent="city")
        self.assertEqual(self.ok(self.patch(UNITS + "/geo-p", {"jurisdiction": SQUARE}))
                         ["jurisdiction"], SQUARE)
        after = self.ok(self.patch(UNITS + "/geo-p", {"name": "renamed"}))
        self.assertEqual(after["jurisdiction"], SQUARE)
        cleared = self.ok(self.patch(UNITS + "/geo-p", {"jurisdiction": None}))
        self.assertFalse(cleared["has_jurisdiction"])
        self.assertNotIn("jurisdiction", self.ok(self.get(UNITS + "/geo-p")))

    def test_invalid_jurisdiction(self):
        ring = SQUARE["coordinates"][0]
        bad = {
            "unclosed": {"type": "Polygon", "coordinates": [ring[:-1] + [[116.41, 39.91]]]},
            "lat 91": {"type": "Polygon",
                       "coordinates": [[[0, 0], [1, 0], [1, 91], [0, 0]]]},
            "lon 181": {"type": "Polygon",
                        "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]]},
            "3 positions": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
            "no rings": {"type": "Polygon", "coordinates": []},
            "string coords": {"type": "Polygon", "coordinates": [[["0", "0"], [1, 0], [1, 1],
                                                                  ["0", "0"]]]},
            "point": {"type": "Point", "coordinates": [116.4, 39.9]},
            "no type": {"coordinates": SQUARE["coordinates"]},
            "a string": "POLYGON((0 0, 1 0, 1 1, 0 0))",
            "a number": 7,
            "bad multi": {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"],
                                                                   [[[0, 0], [1, 0]]]]},
        }
        for i, (label, geom) in enumerate(bad.items()):
            with self.subTest(label):
                r = self.post(UNITS, {"code": "geo-bad-%d" % i, "name": "x", "kind": "district",
                                      "parent": "city", "jurisdiction": geom})
                self.err(r, 422, field="jurisdiction")
                self.err(self.get(UNITS + "/geo-bad-%d" % i), 404)
        self.make_unit("geo-keep", "district", parent="city", jurisdiction=SQUARE)
        self.err(self.patch(UNITS + "/geo-keep", {"jurisdiction": bad["lat 91"]}), 422,
                 field="jurisdiction")
        self.assertEqual(self.ok(self.get(UNITS + "/geo-keep"))["jurisdiction"], SQUARE)


if __name__ == "__main__":
    unittest.main()
