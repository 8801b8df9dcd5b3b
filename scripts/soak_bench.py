#!/usr/bin/env python3
"""Resident memory over a long mixed load (issue 13, point 7): a release
`accord serve` on SQLite, two partners with a signed daily agreement and a
recorded check-in (as scripts/write_bench.py sets them up), then wrk at 16
connections for --seconds (default 600), each connection cycling through

- `GET /api/v1/partnerships/{id}/health` (the dashboard's figures),
- `GET /api/v1/partnerships/{id}/checkins` (the schedule and history),
- `GET /api/v1/partnerships/{id}` (the partnership and its members),
- `POST …/checkins/{occurrence}/notes` with a fresh Idempotency-Key
  (one request in four: a durable write),

while the server's RSS is read every 10 s. Before the load, four sign-ins
(Argon2id hashes, 19 MiB of working memory each) run at once.

What it reports: RSS before, its minimum, maximum and last value under
load, and the change between the first and the last minute; requests per
second. The check-in's own page is left out of the mix: it lists every
note of the check-in, and a soak that adds a note per write would make
that list grow without bound (see docs/PERFORMANCE.md).

    python3 scripts/soak_bench.py [--seconds 600] [--bin target/release/accord]

Needs wrk. Results are printed and written to target/soak-bench.md.
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import write_bench as wb  # noqa: E402

LUA = r"""
local n = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
  base = args[2]
  notes = args[3]
  auth = args[4]
end
function request()
  n = n + 1
  local k = n % 4
  local h = { ["Authorization"] = auth }
  if k == 0 then
    h["Content-Type"] = "application/json"
    h["Idempotency-Key"] = prefix .. n
    return wrk.format("POST", notes, h, '{"text": "Soak note, sixty bytes of text to keep the size stable.", "private": false}')
  elseif k == 1 then
    return wrk.format("GET", base .. "/health", h)
  elseif k == 2 then
    return wrk.format("GET", base .. "/checkins", h)
  end
  return wrk.format("GET", base, h)
end
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--bin", default=wb.BIN)
    a = ap.parse_args()
    data = tempfile.mkdtemp()
    port = wb.free_port()
    server = subprocess.Popen([a.bin, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--no-worker"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api = wb.Api(port)
        for _ in range(100):
            try:
                api.call("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        idle = wb.rss_mb(server.pid)
        notes, auth = wb.world(api)
        base = notes.split("/checkins/")[0]
        # Four sign-ins at once: four Argon2id hashes on the blocking pool.
        logins = [threading.Thread(target=api.call, args=("POST", "/api/v1/tokens"),
                                   kwargs={"body": {"email": "maya@example.org", "password": "correct horse battery",
                                                    "label": f"soak{i}"}}) for i in range(4)]
        for t in logins:
            t.start()
        for t in logins:
            t.join()
        before = wb.rss_mb(server.pid)
        lua = os.path.join(data, "soak.lua")
        open(lua, "w").write(LUA)
        samples = []
        done = threading.Event()

        def sample():
            t0 = time.time()
            while not done.wait(10):
                samples.append((time.time() - t0, wb.rss_mb(server.pid)))

        sampler = threading.Thread(target=sample)
        sampler.start()
        r = wb.wrk(port, 16, a.seconds, lua, ("soak", base, notes, auth), base)
        done.set()
        sampler.join()
        rss = [m for _, m in samples]
        first = [m for t, m in samples if t <= 60] or rss[:1]
        last = [m for t, m in samples if t >= samples[-1][0] - 60] or rss[-1:]
        result = {"seconds": a.seconds, "rps": r["rps"], "p99_ms": r["p99"], "non_2xx": r["bad"],
                  "rss_idle": idle, "rss_before": before, "rss_min": min(rss), "rss_max": max(rss),
                  "rss_last": rss[-1], "first_minute": sum(first) / len(first), "last_minute": sum(last) / len(last)}
        print(json.dumps(result), flush=True)
        lines = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores; {a.seconds} s of mixed load at 16 connections; wrk -t2.", "",
                 "| requests/s | p99 ms | non-2xx | RSS idle MB | after 4 sign-ins | min | max | last | first minute | last minute |",
                 "|---|---|---|---|---|---|---|---|---|---|",
                 f"| {r['rps']:,.0f} | {r['p99']:.1f} | {r['bad']} | {idle:.0f} | {before:.0f} | {min(rss):.0f} | {max(rss):.0f} | "
                 f"{rss[-1]:.0f} | {result['first_minute']:.1f} | {result['last_minute']:.1f} |", "",
                 "RSS every 10 s (MB): " + " ".join(f"{m:.0f}" for m in rss)]
        os.makedirs("target", exist_ok=True)
        open("target/soak-bench.md", "w").write("\n".join(lines) + "\n")
        print("\n".join(lines))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
