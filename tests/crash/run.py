#!/usr/bin/env python3
"""Crash safety of gongzhi: SIGKILL at arbitrary moments loses nothing
acknowledged and never leaves a half-written import or a corrupt file.

1. A large `gongzhi import units` is killed at several points: each time the
   database holds either the whole file or none of it, and
   PRAGMA integrity_check says ok.
2. A served database takes concurrent unit creations from several clients and
   is killed mid-stream: after a restart every acknowledged unit is there.
3. The same with case intakes: every acknowledged case number is present,
   numbers are unique, and `gongzhi verify` accepts the audit chain.
4. The same with photo uploads (and one killed right after its 201): every
   acknowledged attachment has its row and its whole file, and is served
   after a restart; the chain verifies.

Prints "crash: N passed, N failed" last.
"""
import hashlib
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import imgkit  # noqa: E402  (tiny real images)

BIN = os.environ.get("GONGZHI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "gongzhi")
PASSWORD = "crash-test-pw-1"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + (": " + detail if detail and not ok else ""))


def init(db):
    env = dict(os.environ, GONGZHI_ADMIN_PASSWORD=PASSWORD)
    subprocess.run([BIN, "init", "--db", db], env=env, check=True, stdout=subprocess.DEVNULL)


def big_geojson(path, n):
    feats = [{"type": "Feature", "properties": {"code": "top", "name": "Top", "kind": "district",
                                                 "parent_code": "city"}, "geometry": None}]
    for i in range(n):
        x, y = 116 + (i % 300) * 0.001, 39 + (i // 300) * 0.001
        ring = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]
        feats.append({"type": "Feature",
                      "properties": {"code": "g%d" % i, "name": "网格 %d" % i, "kind": "grid",
                                     "parent_code": "top"},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    return n + 1


def units_and_integrity(db):
    con = sqlite3.connect(db)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        count = con.execute("SELECT count(*) FROM units WHERE code <> 'city'").fetchone()[0]
    finally:
        con.close()
    return count, integrity


def import_killed(tmp, path, total, delay):
    """Kill after `delay` seconds, or (delay None) as soon as the importer reports
    its first stored rows, which is surely inside the transaction."""
    db = os.path.join(tmp, "imp-%s.db" % delay)
    init(db)
    p = subprocess.Popen([BIN, "import", "units", path, "--db", db],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if delay is None:
        line = p.stderr.readline()
        while line and not line.startswith("units: "):
            line = p.stderr.readline()
        delay = 0.0
    else:
        time.sleep(delay)
    finished = p.poll() is not None
    if not finished:
        p.send_signal(signal.SIGKILL)
    p.wait()
    p.stderr.close()
    count, integrity = units_and_integrity(db)
    check("import killed after %.2fs (%s): all or nothing" % (delay, "done" if finished else "killed"),
          count in (0, total), "%d of %d units" % (count, total))
    check("import killed after %.2fs: integrity" % delay, integrity == "ok", integrity)
    return finished


def start_server(db):
    p = subprocess.Popen([BIN, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    return p, port


def call(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def creator(port, token, prefix, acked, stop):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    i = 0
    while not stop.is_set():
        code = "%s-%d" % (prefix, i)
        try:
            conn.request("POST", "/api/v1/units",
                         json.dumps({"code": code, "name": "单位" + code, "kind": "grid",
                                     "parent": "city"}),
                         {"Content-Type": "application/json", "Authorization": "Bearer " + token})
            r = conn.getresponse()
            r.read()
        except (OSError, http.client.HTTPException):
            return
        if r.status == 201:
            acked.append(code)
        i += 1


def serve_killed(tmp):
    db = os.path.join(tmp, "serve.db")
    init(db)
    p, port = start_server(db)
    _, body = call(port, "POST", "/api/v1/auth/login", {"login": "admin", "password": PASSWORD})
    token = body["token"]
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=creator, args=(port, token, "c%d" % k, acked, stop))
               for k in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    stop.set()
    for t in threads:
        t.join()
    p.stdout.close()
    p, port = start_server(db)
    try:
        con = sqlite3.connect(db)
        have = {r[0] for r in con.execute("SELECT code FROM units")}
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        missing = [c for c in acked if c not in have]
        check("server killed mid-stream: %d acknowledged creations all present" % len(acked),
              len(acked) > 0 and not missing, "missing %s" % missing[:5])
        check("server killed mid-stream: integrity", integrity == "ok", integrity)
        status, _ = call(port, "GET", "/api/v1/health")
        check("server restarts after SIGKILL", status == 200)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()
        p.stdout.close()
        check("server stops cleanly on SIGTERM", p.returncode == 0, "exit %s" % p.returncode)


def intaker(port, token, acked, stop, k=0, acked_tokens=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    i = 0
    while not stop.is_set():
        try:
            conn.request("POST", "/api/v1/cases",
                         json.dumps({"channel": "hotline", "text": "路灯不亮 t%dn%dx" % (k, i),
                                     "phone": "13812345678"}),
                         {"Content-Type": "application/json", "Authorization": "Bearer " + token})
            r = conn.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException):
            return
        if r.status == 201:
            acked.append(json.loads(body)["number"])
            if acked_tokens is not None:
                # closed by "x": "t0n1" alone is also a substring of "t0n10"
                acked_tokens[acked[-1]] = "t%dn%dx" % (k, i)
        i += 1


def intake_killed(tmp):
    db = os.path.join(tmp, "cases.db")
    init(db)
    p, port = start_server(db)
    _, body = call(port, "POST", "/api/v1/auth/login", {"login": "admin", "password": PASSWORD})
    token = body["token"]
    acked, stop, tokens = [], threading.Event(), {}
    threads = [threading.Thread(target=intaker, args=(port, token, acked, stop, k, tokens))
               for k in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    stop.set()
    for t in threads:
        t.join()
    p.stdout.close()
    con = sqlite3.connect(db)
    have = [r[0] for r in con.execute("SELECT number FROM cases")]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    missing = set(acked) - set(have)
    check("intake killed mid-stream: %d acknowledged cases all present" % len(acked),
          len(acked) > 0 and not missing, "missing %s" % sorted(missing)[:5])
    check("intake killed mid-stream: numbers unique", len(have) == len(set(have)),
          "%d numbers, %d distinct" % (len(have), len(set(have))))
    check("intake killed mid-stream: integrity", integrity == "ok", integrity)
    v = subprocess.run([BIN, "verify", "--db", db], capture_output=True, text=True)
    check("intake killed mid-stream: the audit chain verifies", v.returncode == 0 and
          v.stdout.startswith("ok "), v.stdout + v.stderr)
    search_after_kill(db, acked, tokens)


def search_after_kill(db, acked, tokens):
    """The search index (its own file) is sound after the kill, and catches up on restart."""
    con = sqlite3.connect(db + ".search")
    try:
        con.execute("INSERT INTO cases_fts(cases_fts) VALUES('integrity-check')")
        con.execute("INSERT INTO cases_grams(cases_grams) VALUES('integrity-check')")
        sound = ""
    except sqlite3.DatabaseError as e:
        sound = str(e)
    con.close()
    check("intake killed mid-stream: the search index file is sound", sound == "", sound)
    p, port = start_server(db)
    _, body = call(port, "POST", "/api/v1/auth/login", {"login": "admin", "password": PASSWORD})
    found = []
    for number in acked[-5:] + acked[:2]:
        _, page = call(port, "GET", "/api/v1/cases?q=" + tokens[number], token=body["token"])
        found.append([c["number"] for c in page.get("items", [])] == [number])
    p.send_signal(signal.SIGTERM)
    p.wait()
    p.stdout.close()
    check("intake killed mid-stream: acknowledged cases are found by search after restart",
          all(found), str(found))


def uploader(port, token, number, k, acked, stop):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    i = 0
    while not stop.is_set():
        # distinct photos, but thread 0 sends the same bytes again and again (deduplicated)
        data = imgkit.jpeg(width=8 * (k + 1), height=8 * (1 + (i % 60 if k else 0)))
        try:
            conn.request("POST", "/api/v1/cases/%s/attachments?stage=intake" % number, data,
                         {"Content-Type": "image/jpeg", "Authorization": "Bearer " + token})
            r = conn.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException):
            return
        if r.status == 201:
            acked.append((json.loads(body)["id"], hashlib.sha256(data).hexdigest()))
        i += 1


def attachments_present(db, acked):
    """The acknowledged (id, sha256) without a row or a whole file."""
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT id, sha256 FROM attachments"))
    con.close()
    bad = []
    for att_id, sha in acked:
        path = os.path.join(db + ".files", sha[:2], sha)
        try:
            with open(path, "rb") as f:
                whole = hashlib.sha256(f.read()).hexdigest() == sha
        except OSError:
            whole = False
        if rows.get(att_id) != sha or not whole:
            bad.append(att_id)
    return bad


def attachments_killed(tmp):
    db = os.path.join(tmp, "photos.db")
    init(db)
    p, port = start_server(db)
    _, body = call(port, "POST", "/api/v1/auth/login", {"login": "admin", "password": PASSWORD})
    token = body["token"]
    _, case = call(port, "POST", "/api/v1/cases", {"channel": "hotline", "text": "井盖缺失"}, token)
    number = case["number"]
    # one upload, and the kill right after its answer
    data = imgkit.jpeg(gps=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/api/v1/cases/%s/attachments?stage=intake" % number, data,
                 {"Content-Type": "image/jpeg", "Authorization": "Bearer " + token})
    r = conn.getresponse()
    first = json.loads(r.read())
    p.send_signal(signal.SIGKILL)
    p.wait()
    p.stdout.close()
    conn.close()
    check("photo killed right after its 201: kept", r.status == 201 and not attachments_present(
        db, [(first.get("id"), hashlib.sha256(data).hexdigest())]), "%d %r" % (r.status, first))
    # many at once, killed mid-stream
    p, port = start_server(db)
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=uploader, args=(port, token, number, k, acked, stop))
               for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    stop.set()
    for t in threads:
        t.join()
    p.stdout.close()
    bad = attachments_present(db, acked)
    check("photos killed mid-stream: %d acknowledged all kept, rows and files" % len(acked),
          len(acked) > 0 and not bad, "missing %s" % bad[:5])
    p, port = start_server(db)
    try:
        att_id, sha = acked[-1] if acked else (first["id"], "")
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/api/v1/attachments/%d" % att_id, headers={"Authorization": "Bearer " +
                                                                     token})
        r = c.getresponse()
        got = r.read()
        c.close()
        check("photos killed mid-stream: served after the restart",
              r.status == 200 and hashlib.sha256(got).hexdigest() == sha, "%d" % r.status)
        spool = os.listdir(os.path.join(db + ".files", "tmp"))
        check("photos killed mid-stream: the spool is emptied at start", spool == [], spool[:3])
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()
        p.stdout.close()
    v = subprocess.run([BIN, "verify", "--db", db], capture_output=True, text=True)
    check("photos killed mid-stream: the audit chain verifies", v.returncode == 0 and
          v.stdout.startswith("ok "), v.stdout + v.stderr)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.geojson")
        total = big_geojson(path, 30000)
        import_killed(tmp, path, total, None)
        for delay in (0.05, 0.3, 0.6, 0.9, 3.0):
            if import_killed(tmp, path, total, delay):
                break
        serve_killed(tmp)
        intake_killed(tmp)
        attachments_killed(tmp)
    failed = results.count(False)
    print("crash: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
