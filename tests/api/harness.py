"""harness.py - run gongzhi for black-box API tests (Python standard library only).

Server     a fresh database in a temp dir (gongzhi init), served on a free port
           (gongzhi serve --port 0); request() speaks HTTP/1.1 over http.client.
ApiTest    a unittest.TestCase with one Server per class and an admin token.
run_cli    run the gongzhi binary and capture exit code, stdout and stderr.

The binary is $GONGZHI_BIN, or gongzhi at the repository root.
"""
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("GONGZHI_BIN") or os.path.join(REPO, "gongzhi"))
ADMIN_PASSWORD = "Adm1n-pass-for-tests"
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 15.0

_FIRST_LINE = re.compile(r"^gongzhi \S+ serving http://([^/]+):(\d+)/ \(database .*, schema \d+\)$")


def cli_env(extra=None):
    env = dict(os.environ)
    env.setdefault("GONGZHI_LOG", "warn")
    env["GONGZHI_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    if extra:
        env.update(extra)
    return env


def run_cli(*args, env=None, timeout=60, cwd=None):
    """Run gongzhi ARGS...; returns subprocess.CompletedProcess (text, captured)."""
    return subprocess.run([BIN] + [str(a) for a in args], env=cli_env(env), cwd=cwd,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, text=True,
                          encoding="utf-8", errors="replace")


def init_db(path, *args, env=None):
    """gongzhi init --db PATH [ARGS...]; fails loudly when it does not exit 0."""
    p = run_cli("init", "--db", path, *args, env=env)
    if p.returncode != 0:
        raise AssertionError("gongzhi init --db %s exited %d: %s" % (path, p.returncode, p.stderr))
    return p


class Response(tuple):
    """(status, headers, json-or-None, raw bytes), with names for each."""

    def __new__(cls, status, headers, body, raw):
        return super().__new__(cls, (status, headers, body, raw))

    status = property(lambda s: s[0])
    headers = property(lambda s: s[1])
    json = property(lambda s: s[2])
    raw = property(lambda s: s[3])


def build_request(method, path, body=None, token=None, headers=None, raw=None):
    """The (body bytes, headers) that request() would send."""
    hdrs = {}
    data = None
    if raw is not None:
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    elif body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    for k, v in (headers or {}).items():
        for have in list(hdrs):
            if have.lower() == k.lower():
                del hdrs[have]
        if v is not None:
            hdrs[k] = v
    return data, hdrs


def read_response(resp):
    raw = resp.read()
    parsed = None
    if raw:
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
    return Response(resp.status, resp.headers, parsed, raw)


class Server:
    """One gongzhi database and server process. start() and stop() are explicit."""

    def __init__(self, db=None, init=True, env=None, init_args=(), serve_args=()):
        """env: extra environment for the server (e.g. GONGZHI_NOW; change self.env
        between stop() and start() to restart it differently); init_args: more
        flags for gongzhi init (e.g. "--timezone", "Asia/Shanghai"); serve_args: more
        flags for gongzhi serve (e.g. "--threads", "1")."""
        self.env = dict(env or {})
        self.serve_args = tuple(serve_args)
        self.tmp = tempfile.mkdtemp(prefix="gongzhi-api-")
        self.db = db or os.path.join(self.tmp, "gongzhi.db")
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(self.tmp, "serve.stderr")
        self._stderr = None
        self._drain = None
        if init:
            init_db(self.db, *init_args)

    # ---- life ----

    def start(self):
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([BIN, "serve", "--db", self.db, "--port", "0",
                                      *self.serve_args],
                                     env=cli_env(self.env), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        line = self._first_line()
        m = _FIRST_LINE.match(line)
        if not m:
            self._kill()
            raise AssertionError("unexpected first line from gongzhi serve: %r (stderr: %s)"
                                 % (line, self.stderr()))
        self.host, self.port = m.group(1), int(m.group(2))
        # keep reading stdout so the server can never block on a full pipe
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        return self

    def _first_line(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + START_TIMEOUT_S
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self._kill()
                raise AssertionError("gongzhi serve printed no first line in %.0f s (got %r; stderr: %s)"
                                     % (START_TIMEOUT_S, buf, self.stderr()))
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
                raise AssertionError("gongzhi serve exited %s before serving (stdout %r; stderr: %s)"
                                     % (rc, buf, self.stderr()))
            buf += chunk
        return buf.split(b"\n", 1)[0].decode("utf-8", "replace")

    def _drain_stdout(self):
        try:
            while self.proc.stdout.read(4096):
                pass
        except (OSError, ValueError):
            pass

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        """SIGTERM, wait, return the exit code (None when it was not running)."""
        if not self.proc:
            return None
        rc = self.proc.poll()
        if rc is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._kill()
                rc = "timeout"
        if self._drain:
            self._drain.join(timeout=2)
        self.proc.stdout.close()
        self._stderr.close()
        self.proc = None
        return rc

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- HTTP ----

    def connection(self, timeout=REQUEST_TIMEOUT_S):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=None, headers=None, raw=None, conn=None):
        """One request; returns Response (status, headers, json-or-None, raw bytes).
        With conn, that connection is used (and left open) instead of a new one."""
        data, hdrs = build_request(method, path, body, token, headers, raw)
        own = conn is None
        c = conn or self.connection()
        try:
            c.request(method, path, body=data, headers=hdrs)
            return read_response(c.getresponse())
        finally:
            if own:
                c.close()

    def exchange(self, data, timeout=10.0):
        """Send raw bytes on a new socket (from a thread, ignoring send errors) and read
        one HTTP response. Returns (Response or None, problem text or None)."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        sent = {}

        def send():
            try:
                sock.sendall(data)
            except OSError as e:
                sent["error"] = e

        t = threading.Thread(target=send, daemon=True)
        t.start()
        try:
            resp = http.client.HTTPResponse(sock)
            resp.begin()
            return read_response(resp), None
        except socket.timeout:
            return None, "no answer within %.0f s" % timeout
        except (http.client.HTTPException, OSError) as e:
            return None, "connection ended without an answer (%r; send: %r)" % (e, sent.get("error"))
        finally:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
            t.join(timeout=5)

    def login(self, login, password):
        r = self.request("POST", "/api/v1/auth/login", {"login": login, "password": password})
        if r.status != 200:
            raise AssertionError("login %s: %d %r" % (login, r.status, r.raw))
        return r.json["token"]


class ApiTest(unittest.TestCase):
    """One server per test class, with self.admin holding the admin's token."""

    server = None
    admin = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        try:
            cls.admin = cls.server.login("admin", ADMIN_PASSWORD)
        except Exception:
            cls.server.stop()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        srv, cls.server = cls.server, None
        rc = srv.stop()
        log = srv.stderr()
        srv.cleanup()
        if rc != 0:
            raise AssertionError("gongzhi serve exited %r after SIGTERM; stderr:\n%s" % (rc, log))

    # ---- shortcuts ----

    def req(self, method, path, body=None, token=None, headers=None, raw=None):
        return self.server.request(method, path, body, token, headers, raw)

    def get(self, path, token=None):
        return self.req("GET", path, token=token if token is not None else self.admin)

    def post(self, path, body, token=None):
        return self.req("POST", path, body, token=token if token is not None else self.admin)

    def patch(self, path, body, token=None):
        return self.req("PATCH", path, body, token=token if token is not None else self.admin)

    def delete(self, path, token=None):
        return self.req("DELETE", path, token=token if token is not None else self.admin)

    def ok(self, r, status=200):
        """Assert r has the given status and a JSON body; returns the body."""
        self.assertEqual(r.status, status, "expected %d, got %d: %r" % (status, r.status, r.raw[:500]))
        self.assertIsNotNone(r.json, "no JSON body: %r" % r.raw[:500])
        return r.json

    def err(self, r, status, field=None, code=None):
        """Assert r is an error answer of the given status (and field, code)."""
        self.assertEqual(r.status, status, "expected %d, got %d: %r" % (status, r.status, r.raw[:500]))
        self.assertIsInstance(r.json, dict, "error body is not JSON: %r" % r.raw[:500])
        self.assertIn("error", r.json, r.raw[:500])
        e = r.json["error"]
        for k in ("code", "message", "field"):
            self.assertIn(k, e, r.raw[:500])
            self.assertIsInstance(e[k], str, r.raw[:500])
        self.assertTrue(e["code"], r.raw[:500])
        self.assertTrue(e["message"], r.raw[:500])
        if field is not None:
            self.assertEqual(e["field"], field, r.raw[:500])
        if code is not None:
            self.assertEqual(e["code"], code, r.raw[:500])
        ct = r.headers.get("Content-Type", "")
        self.assertTrue(ct.startswith("application/json"), ct)
        return e

    # ---- fixtures through the API ----

    def make_unit(self, code, kind, parent=None, name=None, **extra):
        body = {"code": code, "name": name or code, "kind": kind}
        if parent is not None:
            body["parent"] = parent
        body.update(extra)
        return self.ok(self.post("/api/v1/units", body), 201)

    def make_account(self, login, password="Passw0rd-acct", **extra):
        body = {"login": login, "name": extra.pop("name", login), "password": password}
        body.update(extra)
        return self.ok(self.post("/api/v1/accounts", body), 201)

    def grant(self, account_id, unit, role):
        return self.ok(self.post("/api/v1/memberships",
                                 {"account_id": account_id, "unit": unit, "role": role}), 201)

    def user(self, login, unit=None, role=None, password="Passw0rd-user"):
        """Create an account (with a role in unit) and sign in; returns (account, token)."""
        a = self.make_account(login, password)
        if unit is not None:
            self.grant(a["id"], unit, role)
        return a, self.server.login(login, password)

    def list_all(self, path, token=None, limit=2, max_pages=1000):
        """Follow next_cursor from path (with ?limit=) to the end; returns (items, pages)."""
        sep = "&" if "?" in path else "?"
        url = "%s%slimit=%d" % (path, sep, limit)
        items, pages = [], 0
        while True:
            body = self.ok(self.get(url, token))
            pages += 1
            self.assertLessEqual(len(body["items"]), limit)
            items.extend(body["items"])
            nxt = body["next_cursor"]
            if nxt is None:
                return items, pages
            self.assertIsInstance(nxt, str)
            self.assertLess(pages, max_pages, "pagination does not end")
            url = "%s%slimit=%d&cursor=%s" % (path, sep, limit, nxt)


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TOKEN = re.compile(r"^[0-9a-f]{64}$")


def parse_time(s):
    """RFC 3339 -> seconds since the epoch."""
    import datetime
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(s).timestamp()
