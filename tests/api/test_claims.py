"""Claims (认领, issue 8): outside units (party branches, volunteer teams, social
organisations, enterprises, mass organisations) declare capabilities (category prefixes)
and an area; GET /claims/open lists the claimable open cases that match them (no personal
data); claim / unclaim / complete move the case; accounts count completed claims and
volunteer hours; the claimant counts in the KPIs as a co-unit."""
import json
import unittest

from casekit import CASES, CaseTest
from harness import parse_time
import imgkit

T0 = 1774936800  # Tuesday 2026-03-31 14:00 Asia/Shanghai (06:00Z)


def rect(w, s, e, n):
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


IN_CC = (39.2, 116.1)     # community cc, street cs1
IN_CS1 = (39.7, 116.1)    # street cs1, outside cc
IN_CS2 = (39.2, 116.7)    # street cs2


class ClaimsTest(CaseTest):
    SERVER_ENV = {"GONGZHI_NOW": str(T0)}
    INIT_ARGS = ("--timezone", "Asia/Shanghai")

    @classmethod
    def build_city(cls):
        super().build_city()
        post = cls._post
        for code, kind, parent, geo in (
                ("cd", "district", "city", rect(116.0, 39.0, 117.0, 40.0)),
                ("cs1", "street", "cd", rect(116.0, 39.0, 116.5, 40.0)),
                ("cs2", "street", "cd", rect(116.5, 39.0, 117.0, 40.0)),
                ("cc", "community", "cs1", rect(116.0, 39.0, 116.25, 39.5)),
                ("vt", "volunteer_team", "cc", None),
                ("pb", "party", "cs1", None),
                ("en", "enterprise", "city", None)):
            body = {"code": code, "name": "unit " + code, "kind": kind, "parent": parent}
            if geo:
                body["jurisdiction"] = geo
            cls.unit_id[code] = post("/api/v1/units", body)["id"]
        post("/api/v1/categories", {"code": "05", "name": "社区帮扶", "claimable": True})
        post("/api/v1/categories", {"code": "0501", "name": "助老", "claimable": True})
        for login, unit, role in (("hv", "vt", "handler"), ("hp", "pb", "handler"),
                                  ("sp", "pb", "supervisor"), ("he", "en", "handler")):
            a = post("/api/v1/accounts", {"login": login, "name": "acct " + login,
                                          "password": "Passw0rd-user"})
            post("/api/v1/memberships", {"account_id": a["id"], "unit": unit, "role": role})
            cls.acct[login] = a
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")
        # the volunteer team declares no area: it serves its community
        for unit, body in (("vt", {"categories": ["05"]}),
                           ("pb", {"categories": ["0501", "01"], "areas": ["cs1"]}),
                           ("en", {"categories": ["06"], "areas": ["city"]})):
            r = cls.server.request("PUT", "/api/v1/units/%s/capabilities" % unit, body,
                                   token=cls.admin)
            assert r.status == 200, r.raw

    def task(self, where, category="0501", **fields):
        lat, lon = where
        return self.intake(category=category, lat=lat, lon=lon, text="独居老人需要帮忙买菜",
                           name="孙大爷", phone="13712345678", **fields)["number"]

    def photo(self, number, who, stage, status=201):
        """Upload an evidence photo; its id (None when refused with `status`)."""
        r = self.req("POST", "%s/%s/attachments?stage=%s" % (CASES, number, stage),
                     token=self.tok[who], headers={"Content-Type": "image/jpeg"},
                     raw=imgkit.jpeg())
        self.assertEqual(r.status, status, r.raw[:300])
        return r.json["id"] if status == 201 else None

    def open_for(self, who, query=""):
        body = self.ok(self.get("/api/v1/claims/open" + query, self.tok[who]))
        return [i["number"] for i in body["items"]]

    # ---- matching ----

    def test_matching_by_capability_and_area(self):
        a = self.task(IN_CC)
        b = self.task(IN_CS1)
        c = self.task(IN_CC, category="0101")     # not claimable
        d = self.task(IN_CS2)
        mine = self.open_for("hv")
        self.assertIn(a, mine)                    # capability 05, its community
        self.assertNotIn(b, mine)                 # outside its area
        self.assertNotIn(c, mine)
        self.assertNotIn(d, mine)
        party = self.open_for("hp")
        self.assertIn(a, party)
        self.assertIn(b, party)                   # the party serves the whole street
        self.assertNotIn(c, party)
        self.assertNotIn(d, party)
        self.assertNotIn(a, self.open_for("he"))  # wrong capability (06), though everywhere
        # a dispatcher offers the 0101 case: the party (capability 01) sees it
        self.step(c, "mark_claimable", "disp")
        self.assertTrue(self.case(c)["claimable"])
        self.assertIn(c, self.open_for("hp"))
        self.assertNotIn(c, self.open_for("hv"))
        self.step(c, "mark_claimable", "disp", claimable=False)
        self.assertNotIn(c, self.open_for("hp"))
        self.refused(c, "mark_claimable", "op", 403, field="action")

    def test_near_and_radius(self):
        a = self.task(IN_CC)
        self.assertIn(a, self.open_for("hv", "?near=39.2,116.1&radius=500"))
        self.assertIn(a, self.open_for("hv", "?near=39.21,116.1&radius=2000"))
        self.assertNotIn(a, self.open_for("hv", "?near=39.3,116.1&radius=2000"))
        body = self.ok(self.get("/api/v1/claims/open?near=39.2,116.1", self.tok["hv"]))
        item = [i for i in body["items"] if i["number"] == a][0]
        self.assertEqual(item["distance_m"], 0)
        self.assertEqual(item["unit_id"], self.unit_id["vt"])
        self.assertEqual(item["category"], "0501")
        for bad in ("?near=39.2", "?near=x,y", "?near=91,0", "?near=39.2,116.1&radius=0",
                    "?near=39.2,116.1&radius=99999", "?limit=0"):
            self.err(self.get("/api/v1/claims/open" + bad, self.tok["hv"]), 400)

    def test_no_personal_data_and_who_may_list(self):
        a = self.task(IN_CC)
        body = self.ok(self.get("/api/v1/claims/open", self.tok["hv"]))
        item = [i for i in body["items"] if i["number"] == a][0]
        text = json.dumps(body, ensure_ascii=False)
        self.assertNotIn("13712345678", text)
        self.assertNotIn("孙大爷", text)
        for key in item:
            self.assertFalse(key.startswith("reporter"), key)
        self.assertNotIn("channel", item)
        self.err(self.get("/api/v1/claims/open", self.tok["h1"]), 403)   # a department
        self.err(self.get("/api/v1/claims/open", self.tok["disp"]), 403)
        self.err(self.req("GET", "/api/v1/claims/open"), 401)
        # an admin may look as an outside unit it is admin over
        self.assertIn(a, [i["number"] for i in self.ok(self.get(
            "/api/v1/claims/open?unit=vt", self.admin))["items"]])

    # ---- the flow ----

    def stats(self, who, reader=None):
        return self.ok(self.get("/api/v1/accounts/%d/claims" % self.acct[who]["id"],
                                self.tok[reader or who]))

    def test_claim_unclaim_complete(self):
        # the class's other tests claim too: count from here
        before = {w: self.stats(w) for w in ("hp", "sp", "hv")}
        a = self.task(IN_CC)
        self.assertEqual(self.case(a)["status"], "received")
        # outside the area or capability: the case stays unseen
        b = self.task(IN_CS1)
        self.refused(b, "claim", "hv", 404)
        self.refused(a, "claim", "he", 404)
        c = self.step(a, "claim", "hv")
        # claimed instead of dispatched: the community answers for it, the clock runs
        self.assertEqual(c["status"], "accepted")
        self.assertEqual(c["lead_unit_id"], self.unit_id["cc"])
        self.assertEqual(parse_time(c["dispatched_at"]), T0)
        self.assertIsNotNone(c["resolve_by"])
        claimant = [u for u in c["units"] if u["role"] == "claimant"][0]
        self.assertEqual(claimant["unit_id"], self.unit_id["vt"])
        self.assertEqual(claimant["state"], "claimed")
        self.assertEqual(claimant["claimed_by"], self.acct["hv"]["id"])
        self.assertEqual(self.events(a)[-1]["visibility"], "public")
        self.assertNotIn(a, self.open_for("hp"))
        r = self.act(a, "claim", "hp", status=None)      # the party matches, but it is taken
        self.conflict(r, "accepted")
        self.assertEqual(sorted(self.case(a, "hv")["allowed_actions"]),
                         ["comment", "complete", "unclaim"])
        # given back: offered again, the case stays with its community
        c = self.step(a, "unclaim", "hv", reason="人手不足")
        self.assertEqual(c["status"], "accepted")
        self.assertIn(a, self.open_for("hp"))
        self.refused(a, "unclaim", "hv", 409)
        self.refused(a, "complete", "hv", 409, text="done")
        self.step(a, "claim", "hp")
        self.refused(a, "complete", "hp", 422, field="text")
        self.refused(a, "complete", "hp", 422, field="hours", text="x", hours=-1)
        self.refused(a, "complete", "hp", 422, field="hours", text="x", hours="two")
        self.refused(a, "complete", "hp", 422, field="photos", text="x", photos="a.jpg")
        # photos are the ids of the claimant's completion photos of this very case
        photo = self.photo(a, "sp", "complete")
        intake = self.photo(a, "op", "intake")
        self.refused(a, "complete", "hp", 422, field="photos", text="x", photos=["sha256:abc"])
        self.refused(a, "complete", "hp", 422, field="photos", text="x", photos=[photo + 1000])
        self.refused(a, "complete", "hp", 422, field="photos", text="x", photos=[photo, 0])
        self.refused(a, "complete", "hp", 422, field="photos", text="x", photos=[intake])
        other = self.task(IN_CS1)
        self.refused(a, "complete", "hp", 422, field="photos", text="x",
                     photos=[self.photo(other, "op", "intake")])
        self.refused(a, "comment", "sp", 422, field="photos", text="x", photos=[photo])
        c = self.step(a, "complete", "sp", text="已陪同老人采购一周食材", hours=2.5,
                      photos=[photo])
        self.assertEqual(c["status"], "resolved")
        self.assertEqual(c["reply"], "已陪同老人采购一周食材")
        ev = self.events(a)[-1]
        self.assertEqual(ev["body"]["hours"], 2.5)
        self.assertEqual(ev["body"]["photos"], [photo])
        # then verified and closed like any reply
        self.step(a, "verify", "gw", **{"pass": True})
        self.step(a, "close", "op")
        # what each account did
        def delta(who, reader=None):
            now = self.stats(who, reader)
            return tuple(now[k] - before[who][k] for k in ("claimed", "working", "completed",
                                                           "hours")), now
        self.assertEqual(delta("hp")[0], (1, 0, 0, 0))
        d, done = delta("sp")
        self.assertEqual(d, (0, 0, 1, 2.5))
        self.assertEqual(done["items"][0]["number"], a)
        self.assertEqual(done["items"][0]["state"], "done")
        self.assertEqual(done["items"][0]["done_by"], self.acct["sp"]["id"])
        d, gave = delta("hv", "sup")
        self.assertEqual(d, (1, 0, 0, 0))
        self.assertEqual(gave["items"][0]["state"], "unclaimed")
        self.err(self.get("/api/v1/accounts/%d/claims" % self.acct["sp"]["id"],
                          self.tok["hv"]), 403)
        self.err(self.get("/api/v1/accounts/x/claims", self.tok["hv"]), 404)

    def test_claim_of_a_dispatched_case_and_whistles_hold_it(self):
        a = self.task(IN_CC)
        self.act(a, "dispatch", "disp", unit="cs1")
        c = self.step(a, "claim", "hp")
        self.assertEqual(c["status"], "accepted")       # the claim is the response
        self.assertEqual(c["lead_unit_id"], self.unit_id["cs1"])
        # a pending whistled unit holds the completion too
        self.act(a, "whistle", "admin", units=["d1"])
        r = self.act(a, "complete", "hp", status=None, text="ok")
        self.conflict(r, "accepted")
        self.assertEqual(r.json["pending_units"], [self.unit_id["d1"]])

    # ---- the KPI ----

    def test_claimant_counts_as_co_unit(self):
        a = self.task(IN_CS1)
        self.act(a, "claim", "hp")
        self.act(a, "complete", "hp", text="已完成", hours=1)
        eff = self.ok(self.get("/api/v1/effectiveness?period=2026-03&unit=pb", self.tok["sup"]))
        self.assertGreaterEqual(eff["current"]["synergy"]["claims"], 1)
        self.assertGreaterEqual(eff["current"]["synergy"]["claims_completed"], 1)
        rank = self.ok(self.get("/api/v1/kpi?period=2026-03&level=party", self.tok["sup"]))
        pb = [i for i in rank["items"] if i["unit"]["code"] == "pb"][0]
        self.assertGreaterEqual(pb["co"]["volumes"]["dispatched"], 1)
        self.assertGreaterEqual(pb["co"]["volumes"]["resolved"], 1)
        city = self.ok(self.get("/api/v1/effectiveness?period=2026-03", self.tok["sup"]))
        self.assertGreaterEqual(city["current"]["synergy"]["claims_completed"], 1)

    # ---- declaring capabilities ----

    def test_capabilities(self):
        got = self.ok(self.get("/api/v1/units/vt/capabilities", self.tok["hv"]))
        self.assertEqual(got["categories"], ["05"])
        self.assertEqual(got["areas"], [])
        self.assertEqual(got["serves"], [self.unit_id["cc"]])   # its community
        self.assertFalse(got["everywhere"])
        got = self.ok(self.get("/api/v1/units/en/capabilities", self.tok["he"]))
        self.assertTrue(got["everywhere"])
        path = "/api/v1/units/pb/capabilities"
        self.err(self.req("PUT", path, {"categories": ["05"]}, token=self.tok["hp"]), 403)
        self.err(self.req("PUT", "/api/v1/units/d1/capabilities", {"categories": ["05"]},
                          token=self.admin), 422, field="kind")
        for body, field in (({"categories": "05"}, "categories"), ({"categories": ["5"]},
                                                                   "categories"),
                            ({"categories": ["0x"]}, "categories"),
                            ({"categories": ["05"], "areas": ["d1"]}, "areas"),
                            ({"categories": ["05"], "areas": ["nope"]}, "areas"),
                            ({"categories": ["05"], "colour": 1}, "colour")):
            self.err(self.req("PUT", path, body, token=self.admin), 422, field=field)
        self.err(self.req("PUT", "/api/v1/units/nope/capabilities", {"categories": []},
                          token=self.admin), 404)
        got = self.ok(self.get(path, self.tok["hp"]))
        self.assertEqual(got["categories"], ["01", "0501"])
        self.assertEqual(got["areas"], [self.unit_id["cs1"]])


if __name__ == "__main__":
    unittest.main()
