#!/usr/bin/env python3
"""Ledger benchmark: how fast apply can record copies in the state.

  decant    `decant-bench ledger ROWS DB`: StateStore.recordCopies in batches of
            10,000 (the rows of LedgerScaleTests), into a new state file
  decant bulk  the same rows through recordVerifiedCopies in one call, the path
            a Storage Transfer Service job's verified copies are recorded through
  sqlite3   bench/peers/sqlite_ledger.py: the same rows, statement and batches with
            Python's sqlite3 executemany, into tables made from the schema decant
            prints (`decant-bench schema`), so the two cannot drift apart

Both time only the recording (not building the rows); the rate is rows/s.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

RUNS = int(os.environ.get("BENCH_STATE_RUNS", "3"))
ROWS = int(os.environ.get("BENCH_STATE_ROWS", "1000000"))


def main():
    bench = common.release_bin("decant-bench")
    work = os.path.join(common.BUILD, "bench-work", "state")
    os.makedirs(work, exist_ok=True)
    peer = os.path.join(os.path.dirname(__file__), "peers", "sqlite_ledger.py")
    schema = os.path.join(work, "schema.sql")
    with open(schema, "w", encoding="utf-8") as f:
        f.write(subprocess.run([bench, "schema"], check=True, capture_output=True, text=True).stdout)
    tools = {"decant": [bench, "ledger", str(ROWS), os.path.join(work, "decant.db")],
             "decant bulk": [bench, "ledger", str(ROWS), os.path.join(work, "decant-bulk.db"), "bulk"],
             "python sqlite3": [sys.executable, peer, str(ROWS), os.path.join(work, "peer.db"), schema]}
    results = {tool: [] for tool in tools}
    for run in range(RUNS):
        for tool, cmd in tools.items():
            m = common.measure(cmd)
            found = re.search(r"seconds=([0-9.]+) rate=([0-9]+)", m.output)
            if not found:
                raise RuntimeError(f"{tool} printed no rate:\n{m.output}")
            results[tool].append((float(found.group(1)), int(found.group(2)), m))
            common.log(f"state run {run + 1}/{RUNS} {tool}: {found.group(2)} rows/s")
    rows = [{"case": f"ledger {ROWS:,} rows", "tool": tool, "objects": ROWS, "wall": [r[0] for r in rs],
             "rate": [r[1] for r in rs], "cpu": [r[2].cpu for r in rs], "rss": [r[2].rss_mib for r in rs]}
            for tool, rs in results.items()]
    common.save("state", rows)


if __name__ == "__main__":
    main()
