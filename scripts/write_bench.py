#!/usr/bin/env python3
"""Durable writes under load: notes with Idempotency-Keys, at 16 and 64
connections, against a release `accord serve`, beside two floors measured
in the same run.

What a request is: `POST /api/v1/partnerships/{id}/checkins/{occurrence}/notes`
with a bearer token, a fresh `Idempotency-Key` and a 60-byte note, the
durable write a partner makes most. It is acknowledged (201) only once the
note and its stored answer are on disk.

Floors, in the same run and with the same load tool: `GET /healthz` over the
same connections (the HTTP stack and the tool, no database), and a bare
SQLite insert loop in this process with the server's durability (WAL,
`synchronous = FULL`), one row per commit and 100 rows per commit, rows the
size of a note and its stored answer.

Also read: the server's CPU time per request (from /proc/PID/stat), its
fsync and fdatasync calls per request (counted by the kernel's syscall
tracepoints through `perf stat`, which never stops the process: strace
did, on every fsync, and since SQLite's writers take turns that stop
lengthened every turn and halved the rate measured), and its RSS after the
runs.

Run from the repository root, after `cargo build --release`:

    python3 scripts/write_bench.py                # SQLite
    python3 scripts/write_bench.py --postgres URL # PostgreSQL too (each run in
                                                  # a new database, made and
                                                  # dropped with psql)

Needs wrk and perf (`apt-get install wrk linux-perf`). Results are printed
and written to target/write-bench.md. About 2 minutes.
"""
import argparse, collections, contextlib, http.client, json, os, re, shutil, signal, socket, sqlite3
import subprocess, sys, tempfile, time, urllib.parse

BIN = "target/release/accord"
LUA = r"""
local n = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  prefix = args[1] .. "-" .. tid
  path = args[2]
  auth = args[3]
end
function request()
  n = n + 1
  local key = prefix .. "-" .. n
  local body = '{"text":"' .. key .. ' kept the morning free, as agreed","private":false}'
  return wrk.format("POST", path, {["Authorization"] = auth, ["Idempotency-Key"] = key,
    ["Content-Type"] = "application/json"}, body)
end
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Api:
    def __init__(self, port):
        self.port = port

    def call(self, method, path, body=None, auth=None, form=None, cookie=None, ok=(200, 201)):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if auth:
            headers["Authorization"] = auth
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        c.request(method, path, data, headers)
        r = c.getresponse()
        text = r.read().decode()
        if ok and r.status not in ok:
            raise SystemExit(f"{method} {path}: {r.status} {text[:300]}")
        return r, text

    def sign_up(self, name, email):
        r, page = self.call("GET", "/signup")
        cookie = next(v for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("accord_csrf="))
        csrf = cookie.split(";")[0].split("=", 1)[1]
        form = {"csrf": csrf, "name": name, "email": email, "password": "correct horse battery", "next": "/"}
        self.call("POST", "/signup", form=form, cookie=f"accord_csrf={csrf}", ok=(303,))
        _, t = self.call("POST", "/api/v1/tokens", body={"email": email, "password": "correct horse battery", "label": "bench"})
        return "Bearer " + json.loads(t)["token"]


def world(api):
    """Two partners, a signed daily agreement, today's check-in recorded:
    the notes path and the writer's bearer header."""
    maya = api.sign_up("Maya Chen", "maya@example.org")
    jonas = api.sign_up("Jonas Berg", "jonas@example.org")
    _, p = api.call("POST", "/api/v1/partnerships", body={"title": "Maya and Jonas"}, auth=maya)
    p = "/api/v1/partnerships/" + json.loads(p)["id"]
    _, inv = api.call("POST", p + "/invitations", body={"role": "partner"}, auth=maya)
    token = json.loads(inv)["link"].rsplit("/", 1)[1]
    api.call("POST", f"/api/v1/invitations/{token}/accept", body={}, auth=jonas)
    at = (int(time.time()) // 60 + 30) * 60
    hhmm = time.strftime("%H:%M", time.gmtime(at))
    toml = f'''format = 1
title = "Maya and Jonas"
timezone = "UTC"

[[party]]
id = "maya"
name = "Maya Chen"
email = "maya@example.org"

[[party]]
id = "jonas"
name = "Jonas Berg"
email = "jonas@example.org"

[cadence]
interval_weeks = 1
weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
time = "{hhmm}"
minutes = 20
'''
    _, d = api.call("GET", p + "/draft", auth=maya)
    _, s = api.call("PUT", p + "/draft", body={"revision": json.loads(d)["revision"], "toml": toml}, auth=maya)
    rev = json.loads(s)["revision"]
    for who in (maya, jonas):
        api.call("POST", p + "/sign", body={"revision": rev}, auth=who)
    report = lambda party: {"party": party, "win": "Kept the morning free",
                            "next_commitments": ["Write the plan"], "next_step": "Block two hours tomorrow"}
    checkin = f"{p}/checkins/{at * 1000}"
    api.call("POST", checkin, body={"reports": [report("maya"), report("jonas")]}, auth=maya)
    return checkin + "/notes", jonas


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(port, conns, seconds, script=None, args=(), path="/healthz"):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    cmd += [f"http://127.0.0.1:{port}{path}"]
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    return {"rps": rps, "total": total, "p50": pct(50), "p99": pct(99),
            "bad": int(bad.group(1)) if bad else 0, "errors": errors.group(1) if errors else ""}


def bare_sqlite(rows_per_commit, seconds=3.0):
    d = tempfile.mkdtemp()
    c = sqlite3.connect(os.path.join(d, "bare.db"), isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = FULL")
    c.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT, answer TEXT, at INTEGER)")
    body, answer = "x" * 60, "y" * 300
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        c.execute("BEGIN")
        for _ in range(rows_per_commit):
            c.execute("INSERT INTO notes VALUES (?, ?, ?, ?)", (f"k{n}", body, answer, n))
            n += 1
        c.execute("COMMIT")
    rate = n / (time.perf_counter() - t0)
    c.close()
    shutil.rmtree(d)
    return rate


@contextlib.contextmanager
def fresh_database(url):
    """A new, empty database on the server of `url` (made with psql), for
    one run, dropped after it: a second run in the database of the first
    would find its accounts taken."""
    name = f"accord_bench_{os.getpid()}_{int(time.time())}"
    psql = lambda sql: subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                                      check=True, capture_output=True, text=True)
    psql(f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(url)
    try:
        yield urllib.parse.urlunsplit(parts._replace(path="/" + name))
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run(backend, url, seconds, out):
    data = tempfile.mkdtemp()
    port = free_port()
    cmd = [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--no-worker"]
    if url:
        cmd += ["--database-url", url]
    log_path = os.path.join(data, "server.log")
    log = open(log_path, "w")
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    try:
        api = Api(port)
        for _ in range(100):
            try:
                api.call("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        notes, auth = world(api)
        lua = os.path.join(data, "notes.lua")
        open(lua, "w").write(LUA)
        floor = wrk(port, 16, 5)
        for conns in (16, 64):
            wrk(port, conns, 2, lua, (f"warm{conns}", notes, auth), notes)
            counts = os.path.join(data, "syncs.txt")
            syncer = subprocess.Popen(["perf", "stat", "-x,", "-e", "syscalls:sys_enter_fsync",
                                       "-e", "syscalls:sys_enter_fdatasync", "-p", str(server.pid), "-o", counts],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            cpu0 = cpu_seconds(server.pid)
            mark = os.path.getsize(log_path)
            r = wrk(port, conns, seconds, lua, (f"run{conns}", notes, auth), notes)
            cpu = cpu_seconds(server.pid) - cpu0
            syncer.send_signal(signal.SIGINT)
            syncer.wait()
            time.sleep(0.2)
            syncs = sum(int(m.group(1)) for m in re.finditer(r"^(\d+),,syscalls:sys_enter_f(?:data)?sync",
                                                               open(counts).read(), re.M))
            # What the server answered, from its request log: wrk only
            # counts the answers that were not 2xx.
            with open(log_path) as f:
                f.seek(mark)
                logged = f.read()
            statuses = collections.Counter(re.findall(r'"status":(\d+)', logged))
            trouble = next((l for l in logged.splitlines() if '"level":"ERROR"' in l or '"level":"WARN"' in l), None)
            if trouble:
                print("first warning or error:", trouble[:500], flush=True)
            r["statuses"] = " ".join(f"{k}×{v}" for k, v in sorted(statuses.items()) if not k.startswith("2"))
            r.update(backend=backend, conns=conns, cpu_ms=cpu * 1000 / max(r["total"], 1),
                     fsyncs=syncs / max(r["total"], 1), floor=floor["rps"], rss=rss_mb(server.pid))
            out.append(r)
            print(json.dumps(r), flush=True)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--postgres", help="a PostgreSQL URL whose database the run may fill")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--bin", default=BIN, help="the accord binary (default: %(default)s)")
    a = ap.parse_args()
    BIN = a.bin
    for tool in ("wrk", "perf"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk linux-perf")
    one, hundred = bare_sqlite(1), bare_sqlite(100)
    print(f"bare SQLite (WAL, FULL): {one:.0f} rows/s at 1 per commit, {hundred:.0f} at 100", flush=True)
    out = []
    run("SQLite", None, a.seconds, out)
    if a.postgres:
        with fresh_database(a.postgres) as url:
            run("PostgreSQL", url, a.seconds, out)
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores; {a.seconds} s per row; wrk -t2.",
             f"Bare SQLite insert loop (WAL, synchronous = FULL): {one:,.0f} rows/s at 1 row per commit, "
             f"{hundred:,.0f} at 100 rows per commit.", "",
             "| Database | Connections | Writes/s | p50 ms | p99 ms | non-2xx | server CPU ms/write | fsyncs/write | "
             "`/healthz` floor req/s | of floor | of bare 1/commit | RSS MB | other answers |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in out:
        lines.append(f"| {r['backend']} | {r['conns']} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['bad']} | "
                     f"{r['cpu_ms']:.2f} | {r['fsyncs']:.2f} | {r['floor']:,.0f} | {r['rps'] / r['floor']:.1%} | "
                     f"{r['rps'] / one:.1%} | {r['rss']:.0f} | {r['statuses'] or '—'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs("target", exist_ok=True)
    open("target/write-bench.md", "w").write(text)


if __name__ == "__main__":
    main()
