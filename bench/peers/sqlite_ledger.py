#!/usr/bin/env python3
"""Peer for the ledger benchmark: the same rows as `decant-bench ledger` written
with Python's sqlite3 into the state's own tables, created from the schema decant
applies (`decant-bench schema`: every migration, in order; the same columns,
CHECKs, foreign keys and indexes), on a connection set up as decant's (WAL,
synchronous=NORMAL, foreign_keys=ON, 64 MiB cache), with the same statement
(INSERT ... ON CONFLICT DO NOTHING), sorted by key, committed in the same batches
of 10,000: executemany in one transaction per batch.

    sqlite_ledger.py ROWS DB SCHEMA_SQL
"""
import os
import sqlite3
import sys
import time

rows_total, path, schema = int(sys.argv[1]), sys.argv[2], sys.argv[3]
BATCH = 10_000
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)

db = sqlite3.connect(path, isolation_level=None)
assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA foreign_keys=ON")  # as decant's state: serial columns reference runs
db.execute("PRAGMA cache_size=-65536")
with open(schema, encoding="utf-8") as f:
    db.executescript(f.read())
# The run the rows belong to (serial 1), as `beginRun` records it.
db.execute("""INSERT INTO runs (serial, kind, status, started_ms, user, host, pid, decant_version)
    VALUES (1, 'apply', 'running', 0, 'bench', 'bench', 0, 'bench')""")
# Bucket and migration names are integer keys (schema 6), made once as decant makes them.
db.executemany("INSERT INTO ledger_buckets (name) VALUES (?)", [("data-bucket-dev",), ("archive-bucket-dev",)])
db.execute("INSERT INTO ledger_migrations (name) VALUES ('historization')")
SOURCE, TARGET = (db.execute("SELECT id FROM ledger_buckets WHERE name = ?", (n,)).fetchone()[0]
                  for n in ("data-bucket-dev", "archive-bucket-dev"))
MIGRATION = db.execute("SELECT id FROM ledger_migrations WHERE name = 'historization'").fetchone()[0]
INSERT = """INSERT INTO copies (source_bucket_id, source_name, source_generation, target_bucket_id, target_name,
    target_generation, verify_level, verified_ms, verified_serial, migration_id, size, crc32c, md5, source_created_ms,
    adopted, copied_ms, serial) VALUES (?, ?, ?, ?, ?, ?, 3, ?, 1, ?, ?, ?, ?, ?, 0, ?, 1)
    ON CONFLICT (source_bucket_id, source_name, source_generation, target_bucket_id, target_name)
    WHERE removed_serial IS NULL DO NOTHING"""


def name(i):
    n = i // BATCH * BATCH + (i % BATCH * 7919) % BATCH
    return f"historization/tracking/{n // max(1, rows_total // 100)}/part-{n:07d}.parquet"


ms = 1_790_000_000_000
seconds = 0.0
for start in range(0, rows_total, BATCH):
    batch = [(SOURCE, name(i), 1_700_000_000_000_000 + i, TARGET, "archives/" + name(i), 1_790_000_000_000_000 + i, ms,
              MIGRATION, 4096, "yZRlqg==", "CY9rzUYh03PK3k6DJie09g==", ms, ms)
             for i in range(start, min(start + BATCH, rows_total))]
    began = time.perf_counter()
    batch.sort(key=lambda r: (r[1].encode(), r[2]))
    db.execute("BEGIN")
    db.executemany(INSERT, batch)
    db.execute("COMMIT")
    seconds += time.perf_counter() - began
count = db.execute("SELECT count(*) FROM copies").fetchone()[0]
assert count == rows_total, count
print(f"ledger: rows={rows_total} seconds={seconds:.4f} rate={rows_total / seconds:.0f}")
