"""privkit.py - the city the privacy tests share (test_authz_matrix.py, test_privacy.py,
test_api_clients.py): casekit's city, more accounts on other units, scoped API clients,
and cases whose reporters have known names, phones and emails.

Principals (WHO):  anon (no credentials), res (a resident), op, disp, sup, admin (city, the
root: they see every case), h1 (handler of d1, the case's lead: own unit), h2 (handler of d2:
another unit), gw (grid worker of st), sup2 (supervisor of d2), adm1 / adm2 (admins of d1 /
d2), cli_in (API client, write, categories 01: the case is in scope), cli_out (read,
categories 12: out of scope), cli_ro (read only, categories 01).
"""
import urllib.parse

from casekit import CASES, CaseTest

WHO = ["anon", "res", "op", "disp", "sup", "admin", "h1", "h2", "gw", "sup2", "adm1", "adm2",
       "cli_in", "cli_out", "cli_ro"]
CLIENTS = ["cli_in", "cli_out", "cli_ro"]
STAFF = ["op", "disp", "sup", "admin", "h1", "h2", "gw", "sup2", "adm1", "adm2"]
PEOPLE = ["res"] + STAFF

# what a reporter told us: none of it may leave through a public endpoint or an export
PII = {"name": "欧阳娜娜", "phone": "13987654321", "o311_first": "Quentin", "o311_last": "Zebulon",
       "o311_phone": "5550199", "o311_email": "qz-private@example.org", "device": "dev-secret-77",
       "account": "acct-secret-88"}


class PrivacyCity(CaseTest):
    @classmethod
    def build_city(cls):
        super().build_city()
        for login, unit, role in (("sup2", "d2", "supervisor"), ("adm1", "d1", "admin"),
                                  ("adm2", "d2", "admin")):
            a = cls._post("/api/v1/accounts", {"login": login, "name": "acct " + login,
                                               "password": "Passw0rd-user"})
            cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": unit, "role": role})
            cls.acct[login] = a
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")
        cls.o311 = cls._post("/api/v1/open311/clients", {"name": "City app"})
        cls.clients = {}
        for who, body in (("cli_in", {"access": "write", "categories": ["01"]}),
                          ("cli_out", {"access": "read", "categories": ["12"]}),
                          ("cli_ro", {"access": "read", "categories": ["01"]})):
            body["name"] = "system " + who
            cls.clients[who] = cls._post("/api/v1/open311/clients", body)
        cls.case_no = cls._case(PII["name"], PII["phone"])
        cls.o311_no = cls._o311_case()

    @classmethod
    def _case(cls, name, phone, category="0101", lead="d1"):
        r = cls.server.request("POST", CASES, {"channel": "hotline", "text": "楼道堆放杂物",
                                               "category": category, "name": name,
                                               "phone": phone}, token=cls.tok["op"])
        assert r.status == 201, r.raw
        n = r.json["number"]
        r = cls.server.request("POST", "%s/%s/actions" % (CASES, n),
                               {"action": "dispatch", "unit": lead}, token=cls.tok["disp"])
        assert r.status == 200, r.raw
        return n

    @classmethod
    def _o311_case(cls):
        form = {"api_key": cls.o311["api_key"], "service_code": "0101",
                "description": "路面坑洼", "address_string": "和平里东街",
                "first_name": PII["o311_first"], "last_name": PII["o311_last"],
                "phone": PII["o311_phone"], "email": PII["o311_email"],
                "device_id": PII["device"], "account_id": PII["account"]}
        r = cls.server.request("POST", "/open311/v2/requests.json",
                               raw=urllib.parse.urlencode(form),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 201, r.raw
        return r.json[0]["service_request_id"]

    # ---- calling as someone ----

    @classmethod
    def creds(cls, who, api_key_header="X-Api-Key"):
        """(token, headers) for a principal."""
        if who == "anon":
            return None, {}
        if who in CLIENTS:
            key = cls.clients[who]["api_key"]
            if api_key_header == "Authorization":
                return None, {"Authorization": "ApiKey " + key}
            return None, {"X-Api-Key": key}
        return cls.tok[who], {}

    def call(self, who, method, path, body=None, headers=None, raw=None):
        token, hdrs = self.creds(who)
        hdrs.update(headers or {})
        return self.server.request(method, path, body, token=token, headers=hdrs, raw=raw)

    def timeline(self, number, who="admin"):
        return self.ok(self.get("%s/%s/events" % (CASES, number), self.tok[who]))["items"]
