"""casekit.py - shared set-up for the case API tests (test_cases*.py, test_case_*.py,
test_sweeper_audit.py): a small city, a taxonomy and one account per role, plus
shortcuts to take in a case and move it through the closed loop.

CaseTest       an ApiTest whose server may run on a fixed clock (SERVER_ENV) and a
               time zone (INIT_ARGS); setUpClass builds the city once per class.

The city (codes):  city ─┬─ d1 (department)     handler h1
                         ├─ d2 (department)     handler h2
                         └─ dist (district) ── st (street)   grid worker gw
Accounts on city: op (operator), disp (dispatcher), sup (supervisor); res has no role.
Categories: 01 / 0101 (respond 2 work_hours, resolve 4 work_hours, urgent 2 hours),
            12 / 1201 (consultation, with a knowledge-base answer).
"""
import sqlite3

from harness import ADMIN_PASSWORD, ApiTest, Server

CASES = "/api/v1/cases"
NUMBER = r"^\d{8}-\d{6}$"
KB_ANSWER = "社保卡补办请携带身份证到就近的社保服务网点办理。"

# every action the workflow knows, in the workflow's order (the order of "allowed" lists)
ACTIONS = ["dispatch", "redispatch", "accept", "return", "reply", "verify", "revisit", "reopen",
           "close", "answer", "merge", "invalidate", "park", "unpark", "extend",
           "approve_extension", "refuse_extension", "comment",
           # joint handling (issue 8)
           "whistle", "report", "co_reply", "release", "mark_claimable", "claim", "unclaim",
           "complete"]


class CaseTest(ApiTest):
    SERVER_ENV = None     # e.g. {"GONGZHI_NOW": "1774936800"}
    INIT_ARGS = ()        # e.g. ("--timezone", "Asia/Shanghai")
    SERVE_ARGS = ()       # e.g. ("--threads", "1")

    @classmethod
    def setUpClass(cls):
        cls.server = Server(env=cls.SERVER_ENV, init_args=cls.INIT_ARGS,
                            serve_args=cls.SERVE_ARGS).start()
        try:
            cls.admin = cls.server.login("admin", ADMIN_PASSWORD)
            cls.build_city()
        except Exception:
            cls.server.stop()
            cls.server.cleanup()
            raise

    # ---- the city ----

    @classmethod
    def _post(cls, path, body, status=201):
        r = cls.server.request("POST", path, body, token=cls.admin)
        if r.status != status:
            raise AssertionError("set-up POST %s %r: %d %r" % (path, body, r.status, r.raw[:300]))
        return r.json

    @classmethod
    def build_city(cls):
        u = {}
        u["city"] = cls.server.request("GET", "/api/v1/units/city", token=cls.admin).json
        for code, kind, parent in (("d1", "department", "city"), ("d2", "department", "city"),
                                   ("dist", "district", "city"), ("st", "street", "dist")):
            u[code] = cls._post("/api/v1/units", {"code": code, "name": "unit " + code,
                                                  "kind": kind, "parent": parent})
        cls.units = u
        cls.unit_id = {k: v["id"] for k, v in u.items()}
        for body in ({"code": "01", "name": "城市管理", "respond_limit": "2 work_hours",
                      "resolve_limit": "4 work_hours", "urgent_limit": "2 hours"},
                     {"code": "0101", "name": "暴露垃圾", "respond_limit": "2 work_hours",
                      "resolve_limit": "4 work_hours"},
                     {"code": "0102", "name": "道路不洁"},
                     {"code": "12", "name": "政策咨询", "kb_answer": "请拨打12345咨询。"},
                     {"code": "1201", "name": "社保咨询", "kb_answer": KB_ANSWER}):
            cls._post("/api/v1/categories", body)
        cls.acct, cls.tok = {}, {}
        for login, unit, role in (("op", "city", "operator"), ("disp", "city", "dispatcher"),
                                  ("h1", "d1", "handler"), ("h2", "d2", "handler"),
                                  ("gw", "st", "grid_worker"), ("sup", "city", "supervisor"),
                                  ("res", None, None)):
            a = cls._post("/api/v1/accounts", {"login": login, "name": "acct " + login,
                                               "password": "Passw0rd-user"})
            if unit:
                cls._post("/api/v1/memberships", {"account_id": a["id"], "unit": unit,
                                                  "role": role})
            cls.acct[login] = a
            cls.tok[login] = cls.server.login(login, "Passw0rd-user")
        cls.tok["admin"] = cls.admin

    @classmethod
    def relogin(cls):
        """New tokens for everyone (after a restart on another clock)."""
        for login in list(cls.tok):
            pw = ADMIN_PASSWORD if login == "admin" else "Passw0rd-user"
            cls.tok[login] = cls.server.login(login, pw)
        cls.admin = cls.tok["admin"]

    # ---- requests ----

    def as_(self, who):
        return self.tok[who]

    def intake(self, who="op", status=201, headers=None, **fields):
        body = {"channel": "hotline", "text": "小区门口有暴露垃圾，已经三天没人清理。"}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        r = self.req("POST", CASES, body, token=self.tok[who], headers=headers)
        if status is None:
            return r
        return self.ok(r, status)

    def act(self, number, action, who, status=200, **fields):
        """POST an action; with status=None returns the Response, else the checked body."""
        body = {"action": action}
        body.update(fields)
        r = self.req("POST", "%s/%s/actions" % (CASES, number), body, token=self.tok[who])
        if status is None:
            return r
        return self.ok(r, status)

    # Reads default to the city's supervisor: sees every case and internal event, but not
    # the reporter's data whole, so these reads never count as reads of personal data
    # (DESIGN §8 wants those audited as events, which would upset the event counts).
    def case(self, number, who="sup"):
        return self.ok(self.get("%s/%s" % (CASES, number), self.tok[who]))

    def events(self, number, who="sup"):
        return self.ok(self.get("%s/%s/events" % (CASES, number), self.tok[who]))["items"]

    def db_scalar(self, sql, *args):
        """One value from the server's database (read beside the running server)."""
        db = open_db(self.server.db)
        try:
            return db.execute(sql, args).fetchone()[0]
        finally:
            db.close()

    def counts(self):
        """(cases, events) in the whole database."""
        return (self.db_scalar("SELECT count(*) FROM cases"),
                self.db_scalar("SELECT count(*) FROM events"))

    def snapshot(self, number):
        """The case as the supervisor sees it (less the clock-dependent flag) and its events."""
        c = self.case(number)
        c.pop("overdue", None)
        return c, self.events(number)

    def step(self, number, action, who, kind=None, **fields):
        """Take an action that must succeed and write exactly one event (of `kind`)."""
        before = self.events(number)
        body = self.act(number, action, who, **fields)
        after = self.events(number)
        self.assertEqual(len(after), len(before) + 1,
                         "%s wrote %d events" % (action, len(after) - len(before)))
        self.assertEqual(after[:-1], before)
        self.assertEqual(after[-1]["kind"], kind or action)
        self.assertEqual(after[-1]["actor_account_id"], self.acct[who]["id"] if who in self.acct
                         else after[-1]["actor_account_id"])
        return body

    def refused(self, number, action, who, status, field=None, **fields):
        """Take an action that must fail with `status` (and name `field`) and change nothing.
        A 409 must be a conflict with the current status; returns the error body."""
        before = self.snapshot(number)
        n_before = self.counts()
        r = self.act(number, action, who, status=None, **fields)
        if status == 409:
            self.conflict(r, before[0]["status"])
        else:
            self.err(r, status, field=field)
        self.assertEqual(self.snapshot(number), before, "%s changed the case" % action)
        self.assertEqual(self.counts(), n_before, "%s stored something" % action)
        return r.json

    def conflict(self, r, status_now, allowed=None):
        """Assert a 409 with the current status (and the exact allowed list)."""
        e = self.err(r, 409, code="conflict")
        self.assertEqual(r.json.get("status"), status_now, r.raw[:500])
        self.assertIsInstance(r.json.get("allowed"), list, r.raw[:500])
        if allowed is not None:
            self.assertEqual(sorted(r.json["allowed"]), sorted(allowed), r.raw[:500])
        return e

    # ---- the closed loop, step by step ----

    def new_case(self, category="0101", **fields):
        return self.intake(category=category, **fields)["number"]

    def dispatched(self, unit="d1", **fields):
        n = self.new_case(**fields)
        self.act(n, "dispatch", "disp", unit=unit)
        return n

    def accepted(self, **fields):
        n = self.dispatched(**fields)
        self.act(n, "accept", "h1")
        return n

    def resolved(self, **fields):
        n = self.accepted(**fields)
        self.act(n, "reply", "h1", text="已清理完毕。", note="派保洁员两人")
        return n

    def verified(self, **fields):
        n = self.resolved(**fields)
        self.act(n, "verify", "sup", **{"pass": True})
        return n

    def closed(self, **fields):
        n = self.verified(**fields)
        self.act(n, "revisit", "op", contacted=True, solved=True, satisfaction="satisfied")
        self.act(n, "close", "op")
        return n


def open_db(path):
    """A sqlite3 connection to the server's database (for the audit tests)."""
    return sqlite3.connect(path, timeout=10)
