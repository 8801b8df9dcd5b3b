#!/usr/bin/env python3
"""Requests cut off by their clients, then counted: 64 keep-alive wrk
connections write keyed notes for 2 s and are closed with requests in
flight, ROUNDS times (8 unless set), then the server's request log is read
for the statuses it answered and the causes of its 500s.

Before each request ran in a task of its own (crates/accord-web/src/lib.rs,
`serve`), the requests dropped halfway left PostgreSQL connections inside
transactions that sqlx no longer tracked (transact-rs/sqlx#4393), and
thousands of later requests got 500. Run from the repository root after
`cargo build --release`:

    python3 scripts/cut_off_bench.py target/release/accord [postgres://…/empty_db]

Needs wrk. Results in docs/PERFORMANCE.md.
"""
import sys, time, subprocess, tempfile, os, re, collections
sys.path.insert(0, 'scripts')
import write_bench as wb
data = tempfile.mkdtemp(); port = wb.free_port()
logp = os.path.join(data, 'log')
args = [sys.argv[1], "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--no-worker"]
if len(sys.argv) > 2: args += ["--database-url", sys.argv[2]]
srv = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(logp, 'w'))
api = wb.Api(port)
for _ in range(100):
    try: api.call("GET", "/healthz"); break
    except OSError: time.sleep(0.1)
notes, auth = wb.world(api)
lua = os.path.join(data, "n.lua"); open(lua, "w").write(wb.LUA)
for r in range(int(os.environ.get("ROUNDS", "6"))):
    wb.wrk(port, 64, 2, lua, (f"r{r}", notes, auth), notes)
srv.kill(); time.sleep(0.2)
log = open(logp).read()
print(collections.Counter(re.findall(r'"status":(\d+)', log)))
errs = collections.Counter(re.findall(r'"cause":"([^"]{0,90})', log))
print(errs.most_common(3))
