"""The authorisation matrix (issue 8): every endpoint × every principal (each role on the
case's own unit and on another unit, a resident, anonymous, API clients in and out of scope)
→ the expected status, from ONE table. Each cell is its own test (test_<row>__<who>).

Rows: (name, method, path, body, expected[, setup]). `path` and `body` may hold {case},
{o311}, {d1}, {res}, {route}, {client}, {cli_in}, {vt} (an outside unit), {city}, {kb} (a
knowledge-base entry), {att} (an intake photo of {case}), {n} (a number unique to the cell) and
whatever `setup(cls)` returns (fresh things a destructive cell consumes). `expected` maps
principals or groups (anon, clients, staff, people, seers, root, admins; the most specific
key wins) to a status, "rest" for everyone else. A body given as a str is sent form-encoded.

To add an endpoint (e.g. at a merge), append a row to ROWS.
"""
import itertools
import json
import urllib.parse

from casekit import CASES
import imgkit
from privkit import CLIENTS, PEOPLE, STAFF, WHO, PrivacyCity

_count = itertools.count(10)

GROUPS = {
    "clients": CLIENTS,
    "staff": STAFF,
    "people": PEOPLE,
    "signed": PEOPLE + CLIENTS,
    # who sees the case (dispatched to d1, category 0101): the root's roles, grid workers, d1
    "seers": ["op", "disp", "sup", "admin", "gw", "h1", "adm1"],
    "root": ["op", "disp", "sup", "admin"],
    "admins": ["admin", "adm1", "adm2"],
}

SIGNED_IN = {"anon": 401, "clients": 403, "rest": 200}     # any person signed in
ROOT_ADMIN = {"anon": 401, "admin": 200, "rest": 403}      # platform administration
PUBLIC = {"rest": 200}


def E(base=None, **over):
    e = dict(base or {})
    e.update(over)
    return e


def fresh_membership(cls):
    a = cls._post("/api/v1/accounts", {"login": "spare%d" % next(_count), "name": "spare",
                                       "password": "Passw0rd-user"})
    m = cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": "d1", "role": "handler"})
    return {"spare": a["id"], "membership": m["id"]}


def fresh_account(cls):
    a = cls._post("/api/v1/accounts", {"login": "spare%d" % next(_count), "name": "spare",
                                       "password": "Passw0rd-user"})
    return {"spare": a["id"]}


def fresh_route(cls):
    u = cls._post("/api/v1/units", {"code": "area%d" % next(_count), "name": "area",
                                    "kind": "district", "parent": "city"})
    r = cls._post("/api/v1/routes", {"category_prefix": "1201", "area": u["id"],
                                     "lead_unit": "d2"})
    return {"fresh_route": r["id"]}


def fresh_client(cls):
    return {"fresh_client": cls._post("/api/v1/open311/clients", {"name": "spare"})["id"]}


def kpi_config(cls):
    return {"config": cls.server.request("GET", "/api/v1/kpi/config", token=cls.admin).json}


def o311_form(cls):
    return urllib.parse.urlencode({"api_key": cls.o311["api_key"], "service_code": "0101",
                                   "description": "垃圾桶满了", "address_string": "东街"})


def act_as(cls, who, number, body):
    token = cls.admin if who == "admin" else cls.tok[who]
    r = cls.server.request("POST", "%s/%s/actions" % (CASES, number), body, token=token)
    assert r.status == 200, (who, body, r.raw[:300])


# a fresh case for each cell of a joint action, in the state the action needs; dispatched to
# d1 (so the same principals see it as the shared case) and moved on by admin or dispatcher
def joint_case(*steps):
    def setup(cls):
        n = cls._case("赵六", "13611112222")
        for who, body in steps:
            act_as(cls, who, n, fill(body, {"vt": cls.unit_id["vt"]}))
        return {"jcase": n}
    return setup


WHISTLED = ("admin", {"action": "whistle", "units": ["d2"]})
CLAIMABLE = ("disp", {"action": "mark_claimable"})
CLAIMED = ("admin", {"action": "claim", "unit": "{vt}"})
# the acting unit's own case: 404 to those who do not see it, 403 to clients and wrong roles
JOINT = {"anon": 401, "clients": 403, "res": 404, "h2": 404, "sup2": 404, "adm2": 404,
         "rest": 403}
# once d2 is whistled it is party to the case and sees it
WHISTLED_SEE = E(JOINT, h2=403, sup2=403, adm2=403)


def fresh_kb(cls):
    return {"fresh_kb": cls._post("/api/v1/kb", {"kind": "policy", "title": "临时条目",
                                                 "body": "用后即删。"})["id"]}


def fresh_hook(cls):
    return {"fresh_hook": cls._post("/api/v1/webhooks", {"unit": "d1",
                                                          "url": "http://127.0.0.1:9/spare"})["id"]}


# a unit's webhooks: its supervisors and admins (over it); anyone else is told it does not exist
HOOK_MANAGERS = {"anon": 401, "clients": 403, "sup": 200, "admin": 200, "adm1": 200, "rest": 404}

ROWS = [
    # ---- health and sign-in ----
    ("health", "GET", "/api/v1/health", None, PUBLIC),
    ("login", "POST", "/api/v1/auth/login", {"login": "res", "password": "Passw0rd-user"}, PUBLIC),
    ("me", "GET", "/api/v1/me", None, SIGNED_IN),
    # with a token of its own, so the others stay signed in
    ("logout", "POST", "/api/v1/auth/logout", None, SIGNED_IN),
    # ---- the organisation ----
    ("units_list", "GET", "/api/v1/units", None, SIGNED_IN),
    ("units_create", "POST", "/api/v1/units",
     {"code": "u{n}", "name": "sub", "kind": "department", "parent": "d1"},
     E(anon=401, admin=201, adm1=201, rest=403)),
    ("unit_get", "GET", "/api/v1/units/{d1}", None, SIGNED_IN),
    ("unit_patch", "PATCH", "/api/v1/units/{d1}", {"name": "unit d1"},
     E(anon=401, admin=200, adm1=200, rest=403)),
    ("categories_list", "GET", "/api/v1/categories", None, SIGNED_IN),
    ("categories_create", "POST", "/api/v1/categories", {"code": "01{n2}", "name": "新类"},
     E(anon=401, admin=201, rest=403)),
    ("category_get", "GET", "/api/v1/categories/0101", None, SIGNED_IN),
    ("category_patch", "PATCH", "/api/v1/categories/0101", {"name": "暴露垃圾"},
     E(ROOT_ADMIN)),
    ("accounts_list", "GET", "/api/v1/accounts", None, E(anon=401, admins=200, rest=403)),
    ("accounts_create", "POST", "/api/v1/accounts",
     {"login": "new{n}", "name": "new", "password": "Passw0rd-user"},
     E(anon=401, admins=201, rest=403)),
    ("account_get", "GET", "/api/v1/accounts/{spare}", None,
     E(anon=401, admins=200, rest=403), fresh_account),
    ("account_get_self", "GET", "/api/v1/accounts/{res}", None,
     E(anon=401, admins=200, res=200, rest=403)),
    ("account_patch", "PATCH", "/api/v1/accounts/{spare}", {"name": "renamed"},
     E(anon=401, admins=200, rest=403), fresh_account),
    ("memberships_list", "GET", "/api/v1/memberships", None, SIGNED_IN),
    ("membership_create", "POST", "/api/v1/memberships",
     {"account_id": "{spare}", "unit": "d1", "role": "handler"},
     E(anon=401, admin=201, adm1=201, rest=403), fresh_account),
    ("membership_delete", "DELETE", "/api/v1/memberships/{membership}", None,
     E(anon=401, admin=200, adm1=200, rest=403), fresh_membership),
    # ---- cases ----
    ("cases_list", "GET", CASES, None, E(anon=401, rest=200)),
    # a client whose scope names categories must say which of its own a report is
    ("cases_intake", "POST", CASES, {"channel": "web", "text": "路灯不亮"},
     E(anon=401, people=201, rest=403)),
    # only operators and dispatchers (and admins) set the category; a client, within its scope
    ("cases_intake_category", "POST", CASES, {"channel": "web", "text": "垃圾", "category": "0101"},
     E(anon=401, op=201, disp=201, admins=201, cli_in=201, rest=403)),
    ("case_get", "GET", CASES + "/{case}", None,
     E(anon=401, seers=200, cli_in=200, cli_ro=200, rest=404)),
    ("case_events", "GET", CASES + "/{case}/events", None,
     E(anon=401, seers=200, cli_in=200, cli_ro=200, rest=404)),
    ("case_comment", "POST", CASES + "/{case}/actions", {"action": "comment", "text": "跟进"},
     E(anon=401, seers=200, clients=403, rest=404)),
    ("case_metoo", "POST", CASES + "/{case}/metoo", {"channel": "app"},
     E(anon=401, clients=403, rest=200)),
    ("cases_export_csv", "GET", CASES + "/export.csv", None,
     E(anon=401, res=403, rest=200)),
    ("cases_export_json", "GET", CASES + "/export.json", None,
     E(anon=401, res=403, rest=200)),
    # ---- the responsibility matrix ----
    ("routes_list", "GET", "/api/v1/routes", None, SIGNED_IN),
    ("routes_create", "POST", "/api/v1/routes",
     {"category_prefix": "1201", "area": "{fresh_area}", "lead_unit": "d2"},
     E(ROOT_ADMIN, admin=201), lambda cls: {"fresh_area": cls._post(
         "/api/v1/units", {"code": "ar%d" % next(_count), "name": "a", "kind": "district",
                           "parent": "city"})["id"]}),
    ("route_get", "GET", "/api/v1/routes/{route}", None, SIGNED_IN),
    ("route_patch", "PATCH", "/api/v1/routes/{route}", {"active": True}, ROOT_ADMIN),
    ("route_delete", "DELETE", "/api/v1/routes/{fresh_route}", None, ROOT_ADMIN, fresh_route),
    ("route_explain", "GET", "/api/v1/route?category=0101&unit=st", None, SIGNED_IN),
    ("locate", "GET", "/api/v1/locate?lat=39.9&lon=116.4", None, SIGNED_IN),
    # ---- client systems (Open311 and scoped) ----
    ("clients_list", "GET", "/api/v1/open311/clients", None, ROOT_ADMIN),
    ("clients_create", "POST", "/api/v1/open311/clients", {"name": "sys{n}"},
     E(ROOT_ADMIN, admin=201)),
    ("client_get", "GET", "/api/v1/open311/clients/{client}", None, ROOT_ADMIN),
    ("client_patch", "PATCH", "/api/v1/open311/clients/{client}", {"name": "City app"},
     ROOT_ADMIN),
    ("client_revoke", "DELETE", "/api/v1/open311/clients/{fresh_client}", None, ROOT_ADMIN,
     fresh_client),
    ("client_rekey", "POST", "/api/v1/open311/clients/{fresh_client}/key", None, ROOT_ADMIN,
     fresh_client),
    ("client_access", "GET", "/api/v1/open311/clients/{cli_in}/access", None, ROOT_ADMIN),
    ("o311_settings_get", "GET", "/api/v1/open311/settings", None, SIGNED_IN),
    ("o311_settings_patch", "PATCH", "/api/v1/open311/settings", {}, ROOT_ADMIN),
    ("attributes_get", "GET", "/api/v1/categories/0101/attributes", None, SIGNED_IN),
    ("attributes_put", "PUT", "/api/v1/categories/0101/attributes", {"attributes": []},
     ROOT_ADMIN),
    # not dispatched yet: seen by those who see every case
    ("o311_extras", "GET", "/api/v1/open311/requests/{o311}", None,
     E(anon=401, clients=403, root=200, gw=200, rest=404)),
    # ---- performance and hotspots ----
    ("kpi_ranking", "GET", "/api/v1/kpi?period=2026-11&level=department", None,
     E(anon=401, res=403, clients=403, rest=200)),
    ("kpi_unit", "GET", "/api/v1/kpi/units/{d1}?from=2026-01&to=2026-11", None,
     E(anon=401, res=403, clients=403, rest=200)),
    ("kpi_roles", "GET", "/api/v1/kpi/roles?period=2026-11&role=operator", None,
     E(anon=401, disp=200, sup=200, admin=200, rest=403)),
    ("kpi_config_get", "GET", "/api/v1/kpi/config", None,
     E(anon=401, res=403, clients=403, rest=200)),
    ("kpi_config_put", "PUT", "/api/v1/kpi/config", "{config}", ROOT_ADMIN, kpi_config),
    ("kpi_flags_post", "POST", "/api/v1/kpi/flags",
     {"period": "2026-11", "level": "department", "basis": "lead"},
     E(anon=401, sup=200, admin=200, rest=403)),
    ("kpi_flags_get", "GET", "/api/v1/kpi/flags?period=2026-11", None,
     E(anon=401, res=403, clients=403, rest=200)),
    ("effectiveness", "GET", "/api/v1/effectiveness?period=2026-11", None,
     E(anon=401, res=403, clients=403, rest=200)),
    # hotspots list cases of every unit: for those who see every case (grid workers too)
    ("hotspots", "GET", "/api/v1/hotspots?week=2026-W47", None,
     E(anon=401, root=200, gw=200, rest=403)),
    ("hotspots_recurring", "GET", "/api/v1/hotspots/recurring", None,
     E(anon=401, root=200, gw=200, rest=403)),
    ("hotspots_top", "GET", "/api/v1/hotspots/top?period=2026-11&level=district", None,
     E(anon=401, root=200, gw=200, rest=403)),
    ("hotspot_get", "GET", "/api/v1/hotspots/district:2026-W47:01:{dist}", None,
     E(anon=401, root=200, gw=200, rest=403)),
    # nothing was reported there: those who may open one are told there is no hotspot
    ("hotspot_case", "POST", "/api/v1/hotspots/district:2026-W47:01:{dist}/case", {},
     E(anon=401, disp=404, sup=404, admin=404, rest=403)),
    # ---- Open311 GeoReport v2: public ----
    ("o311_discovery", "GET", "/open311/v2/discovery.json", None, PUBLIC),
    ("o311_services", "GET", "/open311/v2/services.json", None, PUBLIC),
    ("o311_service", "GET", "/open311/v2/services/0101.json", None, PUBLIC),
    ("o311_requests", "GET", "/open311/v2/requests.json", None, PUBLIC),
    ("o311_request", "GET", "/open311/v2/requests/{o311}.json", None, PUBLIC),
    ("o311_post", "POST", "/open311/v2/requests.json", "{form}", E(rest=201),
     lambda cls: {"form": o311_form(cls)}),
    # ---- appended by later work (whistle, claims, attachments, webhooks, kb, console) ----
    # ---- joint handling (api/joint.c): whistle, report, co_reply, release, claims ----
    ("case_units", "GET", CASES + "/{case}/units", None,
     E(anon=401, seers=200, clients=403, rest=404)),
    ("capabilities_get", "GET", "/api/v1/units/{vt}/capabilities", None, SIGNED_IN),
    ("capabilities_put", "PUT", "/api/v1/units/{vt}/capabilities",
     {"categories": ["01"], "areas": ["{city}"]}, ROOT_ADMIN),
    # none of the principals is a member of an outside unit
    ("claims_open", "GET", "/api/v1/claims/open", None, E(anon=401, rest=403)),
    # looking as an outside unit: who holds the claim roles (or admin) over it
    ("claims_open_unit", "GET", "/api/v1/claims/open?unit={vt}", None,
     E(anon=401, admin=200, sup=200, rest=403)),
    ("account_claims", "GET", "/api/v1/accounts/{res}/claims", None,
     E(anon=401, res=200, admins=200, sup=200, sup2=200, rest=403)),
    # a city admin, and the admin of the lead unit; d1 and the city are no street to whistle
    ("case_whistle", "POST", CASES + "/{jcase}/actions", {"action": "whistle", "units": ["d2"]},
     E(JOINT, admin=200, adm1=200), joint_case()),
    # the whistled unit d2, and who holds the role over it
    ("case_report", "POST", CASES + "/{jcase}/actions", {"action": "report", "person": "王五"},
     E(WHISTLED_SEE, h2=200, sup2=200, adm2=200, admin=200, disp=200, sup=200),
     joint_case(WHISTLED)),
    ("case_co_reply", "POST", CASES + "/{jcase}/actions", {"action": "co_reply", "text": "已派人"},
     E(WHISTLED_SEE, h2=200, sup2=200, adm2=200, admin=200, sup=200),
     joint_case(WHISTLED, ("h2", {"action": "report", "person": "王五"}))),
    # the whistling unit (the city: the admin whistled)
    ("case_release", "POST", CASES + "/{jcase}/actions", {"action": "release", "reason": "无需"},
     E(WHISTLED_SEE, admin=200, disp=200, sup=200), joint_case(WHISTLED)),
    ("case_mark_claimable", "POST", CASES + "/{jcase}/actions", {"action": "mark_claimable"},
     E(JOINT, disp=200, admin=200, adm1=200), joint_case()),
    # for the outside unit vt: who holds the claim roles over it
    ("case_claim", "POST", CASES + "/{jcase}/actions", {"action": "claim", "unit": "{vt}"},
     E(JOINT, admin=200, sup=200), joint_case(CLAIMABLE)),
    ("case_unclaim", "POST", CASES + "/{jcase}/actions", {"action": "unclaim", "reason": "人手不足"},
     E(JOINT, admin=200, sup=200), joint_case(CLAIMABLE, CLAIMED)),
    ("case_complete", "POST", CASES + "/{jcase}/actions", {"action": "complete", "text": "已完成"},
     E(JOINT, admin=200, sup=200), joint_case(CLAIMABLE, CLAIMED)),
    # ---- evidence photos (api/attachments.c) ----
    # intake photos: whoever took the report in, operators, admins (over the case)
    ("attachment_post", "POST", CASES + "/{case}/attachments?stage=intake", imgkit.jpeg(),
     E(anon=401, clients=403, op=201, admin=201, adm1=201, res=404, h2=404, sup2=404,
       adm2=404, rest=403)),
    ("attachments_list", "GET", CASES + "/{case}/attachments", None,
     E(anon=401, seers=200, clients=403, rest=404)),
    ("attachment_get", "GET", "/api/v1/attachments/{att}", None,
     E(anon=401, seers=200, clients=403, rest=404)),
    ("attachment_public", "GET", "/public/attachments/{att}", None, PUBLIC),
    # ---- the knowledge base (api/kb.c): read by staff, kept at the root ----
    ("kb_list", "GET", "/api/v1/kb", None, E(anon=401, clients=403, res=403, rest=200)),
    ("kb_get", "GET", "/api/v1/kb/{kb}", None, E(anon=401, clients=403, res=403, rest=200)),
    ("kb_post", "POST", "/api/v1/kb", {"kind": "policy", "title": "条目{n}", "body": "答复。"},
     E(anon=401, admin=201, sup=201, rest=403)),
    ("kb_patch", "PATCH", "/api/v1/kb/{kb}", {"body": "热线全天24小时受理诉求。"},
     E(anon=401, admin=200, sup=200, rest=403)),
    ("kb_delete", "DELETE", "/api/v1/kb/{fresh_kb}", None,
     E(anon=401, admin=200, sup=200, rest=403), fresh_kb),
    ("kb_public", "GET", "/api/v1/public/kb", None, PUBLIC),
    # ---- the web console and the portal (api/suggest.c, api/public.c) ----
    ("classify", "GET", "/api/v1/classify?text=%E5%9E%83%E5%9C%BE", None,
     E(anon=401, clients=403, res=403, rest=200)),
    # no sign-in: 15 cells stay under the 20 reports an hour from one address
    ("public_report", "POST", "/api/v1/public/reports", {"text": "路灯不亮，晚上很黑。"},
     E(rest=201)),
    ("public_leaderboard", "GET", "/api/v1/public/leaderboard?period=2026-11&level=department",
     None, PUBLIC),
    ("public_units", "GET", "/api/v1/public/units?kind=street", None, PUBLIC),
    ("public_city", "GET", "/api/v1/public/city", None, PUBLIC),
    ("public_report_photos", "GET", "/api/v1/public/reports/{case}/attachments", None, PUBLIC),
    # ---- the working calendar (api/calendar.c) ----
    ("calendar_get", "GET", "/api/v1/calendar?year=2026", None, SIGNED_IN),
    ("calendar_put", "PUT", "/api/v1/calendar/2031-01-15", {"kind": "default"}, ROOT_ADMIN),
    # a resident's photo with the report needs the report's photo_token: nobody else adds one
    ("public_report_photo_post", "POST", "/api/v1/public/reports/{case}/attachments?token=00",
     imgkit.jpeg(), E(rest=403)),
    # ---- webhooks (api/webhooks.c); the stream is exempt below ----
    ("webhooks_list", "GET", "/api/v1/webhooks", None, SIGNED_IN),
    ("webhook_post", "POST", "/api/v1/webhooks", {"unit": "d1", "url": "http://127.0.0.1:9/h{n}"},
     E(anon=401, clients=403, sup=201, admin=201, adm1=201, rest=403)),
    ("webhook_get", "GET", "/api/v1/webhooks/{hook}", None, HOOK_MANAGERS),
    ("webhook_patch", "PATCH", "/api/v1/webhooks/{hook}", {"active": True}, HOOK_MANAGERS),
    ("webhook_delete", "DELETE", "/api/v1/webhooks/{fresh_hook}", None,
     HOOK_MANAGERS, fresh_hook),
    ("webhook_deliveries", "GET", "/api/v1/webhooks/{hook}/deliveries", None, HOOK_MANAGERS),
    # no such delivery: managers learn that, others that there is no such webhook
    ("webhook_retry", "POST", "/api/v1/webhooks/{hook}/deliveries/999999/retry", None,
     E(HOOK_MANAGERS, sup=404, admin=404, adm1=404)),
]


def expected(exp, who):
    if who in exp:
        return exp[who]
    for group in ("seers", "root", "admins", "clients", "staff", "people", "signed"):
        if group in exp and who in GROUPS[group]:
            return exp[group]
    return exp["rest"]


def fill(value, params):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in params \
                and not isinstance(params[value[1:-1]], str):
            return params[value[1:-1]]  # a whole placeholder keeps its type (ids, objects)
        for k, v in params.items():
            value = value.replace("{%s}" % k, str(v))
        return value
    if isinstance(value, dict):
        return {k: fill(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, params) for v in value]
    return value


class AuthzMatrix(PrivacyCity):
    @classmethod
    def build_city(cls):
        super().build_city()
        cls.route = cls._post("/api/v1/routes", {"category_prefix": "0102", "lead_unit": "d2"})
        # an outside unit that takes on 01 everywhere (nobody of WHO is its member)
        cls.unit_id["vt"] = cls._post("/api/v1/units", {"code": "vt", "name": "volunteers",
                                                        "kind": "volunteer_team",
                                                        "parent": "city"})["id"]
        r = cls.server.request("PUT", "/api/v1/units/vt/capabilities",
                               {"categories": ["01"], "areas": ["city"]}, token=cls.admin)
        assert r.status == 200, r.raw
        cls.kb = cls._post("/api/v1/kb", {"kind": "policy", "title": "12345热线服务时间",
                                          "body": "热线全天24小时受理诉求。"})
        # an intake photo of the shared case (public stage)
        r = cls.server.request("POST", "%s/%s/attachments?stage=intake" % (CASES, cls.case_no),
                               token=cls.tok["op"], headers={"Content-Type": "image/jpeg"},
                               raw=imgkit.jpeg())
        assert r.status == 201, r.raw
        cls.att = r.json
        cls.hook = cls._post("/api/v1/webhooks", {"unit": "d1", "url": "http://127.0.0.1:9/hook"})

    def params(self):
        c = type(self)
        return {"case": c.case_no, "o311": c.o311_no, "d1": c.unit_id["d1"],
                "dist": c.unit_id["dist"], "res": c.acct["res"]["id"],
                "route": c.route["id"], "client": c.o311["id"],
                "cli_in": c.clients["cli_in"]["id"], "n": next(_count),
                "n2": "%02d" % (10 + next(_count) % 90), "vt": c.unit_id["vt"],
                "city": c.unit_id["city"], "kb": c.kb["id"], "att": c.att["id"],
                "hook": c.hook["id"]}

    def check_cell(self, row, who):
        name, method, path, body, exp = row[:5]
        params = self.params()
        if len(row) > 5:
            params.update(row[5](type(self)))
        path, body = fill(path, params), fill(body, params)
        raw, headers = None, {}
        if name == "logout" and who in type(self).tok:
            pw = "Adm1n-pass-for-tests" if who == "admin" else "Passw0rd-user"
            headers["Authorization"] = "Bearer " + self.server.login(who, pw)
        if isinstance(body, str):  # form-encoded (Open311)
            raw, body = body, None
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif isinstance(body, bytes):  # a photo
            raw, body = body, None
            headers["Content-Type"] = "image/jpeg"
        r = self.call(who, method, path, body, headers=headers, raw=raw)
        want = expected(exp, who)
        self.assertEqual(r.status, want, "%s %s as %s: %d %s" % (method, path, who, r.status,
                                                                 r.raw[:300]))
        if r.status >= 400 and not path.startswith("/open311/"):
            self.assertIn("error", r.json or {}, r.raw[:300])


def _make(row, who):
    def test(self):
        self.check_cell(row, who)
    return test


for _row in ROWS:
    for _who in WHO:
        setattr(AuthzMatrix, "test_%s__%s" % (_row[0], _who), _make(_row, _who))


class MatrixCoversEveryRoute(PrivacyCity):
    """Every route the server registers has a row (so a new endpoint cannot slip past)."""

    def test_every_route_has_a_row(self):
        import os
        import re
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "api")
        routes = set()
        for f in os.listdir(src):
            if f.endswith(".c"):
                with open(os.path.join(src, f), encoding="utf-8") as fh:
                    routes |= set(re.findall(r'router_add(?:_upload)?\(r, "(\w+)", "([^"]+)"',
                                             fh.read()))
        have = set()
        for row in ROWS:
            path = row[2].split("?")[0]
            segs = path.split("/")
            have.add((row[1], tuple("{}" if s.startswith("{") or "{" in s else s for s in segs)))
        # an answer that never ends cannot be a cell: test_stream.py checks who may open it
        routes -= {("GET", "/api/v1/stream")}
        missing = []
        for method, pattern in sorted(routes):
            key = tuple("{}" if s.startswith("{") else s for s in pattern.split("/"))
            ok = (method, key) in have or any(
                m == method and len(k) == len(key) and all(a == b or b == "{}" for a, b in zip(k, key))
                for m, k in have)
            if not ok:
                missing.append("%s %s" % (method, pattern))
        self.assertEqual(missing, [], "endpoints without a row in the matrix")
