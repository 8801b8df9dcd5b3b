#!/usr/bin/env python3
"""The reminder planning query at 10k, 100k and 1M partnerships with 50 due.

Builds SQLite databases from the repository's own migrations (all of them,
and all but 0006 for the query before it), seeds them directly (every
partnership signed, all planned far ahead but 50), and times the query the
worker runs every step: the one before 0006 (a scan of partnerships with a
subquery per row and a sort) and the one after (a range over
schedule_plans_by_until). Best of five, in milliseconds. Run from the
repository root: python3 scripts/plan_bench.py  (about 20 s, 1 GB of /tmp).
Results go in docs/PERFORMANCE.md.
"""
import sqlite3, time, glob, os, sys
OLD = """SELECT p.id FROM partnerships p LEFT JOIN schedule_plans s ON s.partnership_id = p.id
 WHERE EXISTS (SELECT 1 FROM versions v WHERE v.partnership_id = p.id AND v.signed_at IS NOT NULL)
 AND (s.planned_until IS NULL OR s.planned_until < ?) ORDER BY CASE WHEN s.planned_until IS NULL THEN 0 ELSE 1 END, s.planned_until, p.id LIMIT 50"""
NEW = "SELECT partnership_id FROM schedule_plans WHERE planned_until < ? ORDER BY planned_until, partnership_id LIMIT 50"
def build(n, migrations):
    path=f"/tmp/plan_{n}_{len(migrations)}.db"
    if os.path.exists(path): os.remove(path)
    c=sqlite3.connect(path)
    for m in migrations: c.executescript(open(m).read())
    due=50
    c.execute("BEGIN")
    c.executemany("INSERT INTO partnerships VALUES (?,?,?,?,?,?)", ((f"p{i:07d}","t",0,"format = 1",1,0) for i in range(n)))
    c.executemany("INSERT INTO versions VALUES (?,?,?,?,?,?)", ((f"p{i:07d}",1,1,"format = 1",0,0) for i in range(n)))
    # all planned far ahead except `due` of them
    c.executemany("INSERT INTO schedule_plans VALUES (?,?)", ((f"p{i:07d}", 500 if i % (n//due) == 0 else 10**12) for i in range(n)))
    c.commit()
    return c
def timeit(c, q, reps=5):
    best=1e9
    for _ in range(reps):
        t=time.perf_counter(); rows=c.execute(q,(1000,)).fetchall(); best=min(best,time.perf_counter()-t)
    return best*1000, len(rows)
ms=sorted(glob.glob("crates/accord-store/migrations/sqlite/*.sql"))
for n in [10_000, 100_000, 1_000_000]:
    old=build(n, [m for m in ms if "0006" not in m])
    o=timeit(old, OLD)
    new=build(n, ms)
    nn=timeit(new, NEW)
    print(f"{n:>9} partnerships, 50 due: old query {o[0]:8.2f} ms ({o[1]} rows), new {nn[0]:6.3f} ms ({nn[1]} rows)", flush=True)
