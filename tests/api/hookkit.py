"""hookkit.py - helpers for the webhook and stream tests: a local webhook receiver
(Python http.server on a free port) that can fail on purpose, the receiver's check
of gongzhi's signature, and a small server-sent-events client over a raw socket.
"""
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time


def verify(secret, header, body):
    """gongzhi's X-Gongzhi-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t "." body)>."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    mac = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


class Receiver:
    """Records every POST (headers, body, time); answers `status(n)` for the n-th
    request (1-based) — 200 by default."""

    def __init__(self, status=None, port=0):
        self.status = status or (lambda n: 200)
        self.lock = threading.Lock()
        self.got = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    code = outer.status(len(outer.got) + 1)
                    outer.got.append({"headers": dict(self.headers), "body": body,
                                      "at": time.time(), "code": code})
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/hook" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests(self):
        with self.lock:
            return list(self.got)

    def events(self):
        """(event, headers, raw body) of every request received, in order."""
        return [(json.loads(r["body"]), r["headers"], r["body"]) for r in self.requests()]

    def delivered(self):
        """Event ids answered 200, in the order they were received."""
        return [json.loads(r["body"])["id"] for r in self.requests() if r["code"] == 200]

    def wait(self, pred, timeout=15.0):
        """Wait until pred(requests) is true; returns the requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.requests()
            if pred(got):
                return got
            time.sleep(0.05)
        raise AssertionError("receiver: condition not met in %.0f s; got %d requests"
                             % (timeout, len(self.requests())))


class SSE:
    """GET path as a server-sent-events stream; next() gives the next event as
    {"id": int, "data": dict} (comments and retry lines are counted, not returned)."""

    def __init__(self, port, path, token=None, headers=None, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1", "Accept: text/event-stream"]
        if token:
            lines.append("Authorization: Bearer " + token)
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.raw = b""
        self.text = ""
        self.comments = 0
        head = self._until(b"\r\n\r\n")
        status_line, *hdrs = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in hdrs if h)}

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("stream closed")
        self.raw += chunk

    def _until(self, sep):
        while sep not in self.raw:
            self._recv()
        out, self.raw = self.raw.split(sep, 1)
        return out

    def body(self):
        """The rest of a non-stream answer (an error: Content-Length)."""
        n = int(self.headers.get("content-length", "0"))
        while len(self.raw) < n:
            self._recv()
        return json.loads(self.raw[:n])

    def _dechunk(self):
        """Move whole chunks from raw into text."""
        while True:
            if b"\r\n" not in self.raw:
                return
            size_line, rest = self.raw.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                raise EOFError("stream ended")
            if len(rest) < size + 2:
                return
            self.text += rest[:size].decode("utf-8")
            self.raw = rest[size + 2:]

    def next(self, timeout=10.0):
        """The next event, or None when none came within timeout."""
        deadline = time.monotonic() + timeout
        while True:
            self._dechunk()
            while "\n\n" in self.text:
                block, self.text = self.text.split("\n\n", 1)
                ev = {}
                for line in block.split("\n"):
                    if line.startswith(":"):
                        self.comments += 1
                    elif line.startswith("id: "):
                        ev["id"] = int(line[4:])
                    elif line.startswith("data: "):
                        ev["data"] = json.loads(line[6:])
                if "data" in ev:
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                self._recv()
            except socket.timeout:
                return None

    def drain(self, quiet=1.0):
        """Every event until none comes for `quiet` seconds."""
        out = []
        while True:
            ev = self.next(timeout=quiet)
            if ev is None:
                return out
            out.append(ev)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
