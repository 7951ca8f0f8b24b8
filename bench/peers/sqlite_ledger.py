#!/usr/bin/env python3
"""Peer for the ledger benchmark: the same rows as `decant-bench ledger` written
with Python's sqlite3 into an equivalent `copies` table (the same columns, CHECKs,
foreign keys and indexes; WAL, synchronous=NORMAL, foreign_keys=ON, 64 MiB cache), with the same statement
(INSERT ... ON CONFLICT DO NOTHING), sorted by key, committed in the same batches
of 10,000: executemany in one transaction per batch.

    sqlite_ledger.py ROWS DB
"""
import os
import sqlite3
import sys
import time

rows_total, path = int(sys.argv[1]), sys.argv[2]
BATCH = 10_000
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)

db = sqlite3.connect(path, isolation_level=None)
assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA foreign_keys=ON")  # as decant's state: serial columns reference runs
db.execute("PRAGMA cache_size=-65536")
db.executescript("""
CREATE TABLE runs (serial INTEGER PRIMARY KEY);
INSERT INTO runs VALUES (1);
CREATE TABLE copies (
    id INTEGER PRIMARY KEY,
    migration TEXT NOT NULL,
    source_bucket TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_generation INTEGER NOT NULL,
    size INTEGER NOT NULL,
    crc32c TEXT,
    md5 TEXT,
    source_created_ms INTEGER,
    target_bucket TEXT NOT NULL,
    target_name TEXT NOT NULL,
    target_generation INTEGER NOT NULL,
    adopted INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1)),
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    verified_ms INTEGER,
    verify_level TEXT CHECK (verify_level IS NULL OR verify_level IN ('count', 'size', 'checksum')),
    verified_serial INTEGER REFERENCES runs(serial),
    copied_ms INTEGER NOT NULL,
    serial INTEGER NOT NULL REFERENCES runs(serial),
    removed_serial INTEGER REFERENCES runs(serial),
    removed_ms INTEGER,
    removed_reason TEXT CHECK (removed_reason IS NULL OR removed_reason IN ('rollback', 'superseded')),
    CHECK ((verified = 1) = (verify_level IS NOT NULL))
);
CREATE UNIQUE INDEX copies_current ON copies
    (source_bucket, source_name, source_generation, target_bucket, target_name) WHERE removed_serial IS NULL;
CREATE INDEX copies_by_target ON copies (target_bucket, target_name);
""")
INSERT = """INSERT INTO copies (migration, source_bucket, source_name, source_generation, size, crc32c, md5,
    source_created_ms, target_bucket, target_name, target_generation, adopted, verified, verified_ms, verify_level,
    verified_serial, copied_ms, serial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, 'checksum', 1, ?, 1)
    ON CONFLICT (source_bucket, source_name, source_generation, target_bucket, target_name)
    WHERE removed_serial IS NULL DO NOTHING"""


def name(i):
    n = i // BATCH * BATCH + (i % BATCH * 7919) % BATCH
    return f"historization/tracking/{n // max(1, rows_total // 100)}/part-{n:07d}.parquet"


ms = 1_790_000_000_000
seconds = 0.0
for start in range(0, rows_total, BATCH):
    batch = [("historization", "data-bucket-dev", name(i), 1_700_000_000_000_000 + i, 4096, "yZRlqg==",
              "CY9rzUYh03PK3k6DJie09g==", ms, "archive-bucket-dev", "archives/" + name(i),
              1_790_000_000_000_000 + i, ms, ms) for i in range(start, min(start + BATCH, rows_total))]
    began = time.perf_counter()
    batch.sort(key=lambda r: (r[1].encode(), r[2].encode(), r[3]))
    db.execute("BEGIN")
    db.executemany(INSERT, batch)
    db.execute("COMMIT")
    seconds += time.perf_counter() - began
count = db.execute("SELECT count(*) FROM copies").fetchone()[0]
assert count == rows_total, count
print(f"ledger: rows={rows_total} seconds={seconds:.4f} rate={rows_total / seconds:.0f}")
