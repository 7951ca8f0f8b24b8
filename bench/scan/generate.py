#!/usr/bin/env python3
"""Writes a deterministic tree of source files for the code-scan benchmark.

20,000 files (~200 MB) in 200 folders: Python, SQL, YAML and Markdown that
mostly never name the shared bucket, with a reference in about one file in 40
(literal, templated, constant and split forms, as the platform has them).
Same seed, same bytes: runs are comparable over time.
"""
import os
import random
import sys

FILES = int(os.environ.get("BENCH_FILES", "20000"))
TARGET_BYTES = int(os.environ.get("BENCH_BYTES", str(200 * 1000 * 1000)))

WORDS = ("user booking offer venue table dataset partition export import load read write bucket client "
         "config schema column value result params context task dag operator hook query model score "
         "cluster artist item embedding feature training batch window metric event session").split()

REFERENCES = [
    'URI = "gs://data-bucket-dev/QPI_exports/qpi_answers_{ds}/part-{i}.jsonl"\n',
    'PATH = f"gs://{DATA_GCS_BUCKET_NAME}/historization/tracking/{table_id}/x_{i}.parquet"\n',
    'op = GCSToBigQueryOperator(task_id="t{i}", bucket=DATA_GCS_BUCKET_NAME, source_objects=["dms_export/dms_{i}_*.parquet"])\n',
    'LIB = "gs://data-bucket-{{ var(\'ENV_SHORT_NAME\') }}/base32-encode/base32.js"\n',
    'files = hook.list(DATA_GCS_BUCKET_NAME, prefix=f"bigquery_imports/seed/t{i}/")\n',
]


def line(rng):
    kind = rng.random()
    w = lambda: rng.choice(WORDS)
    if kind < 0.35:
        return f"    {w()}_{w()} = {w()}.{w()}_{w()}({w()}={w()}_{rng.randint(0, 999)}, {w()}=\"{w()}-{w()}\")\n"
    if kind < 0.55:
        return f"    # {w()} {w()} {w()} {w()} {w()} {w()} {w()} {w()}\n"
    if kind < 0.75:
        return f"def {w()}_{w()}_{rng.randint(0, 9999)}({w()}, {w()}=None):\n"
    if kind < 0.9:
        return f"    return [{w()} for {w()} in {w()}_{w()} if {w()}.{w()} > {rng.randint(0, 100)}]\n"
    return f"SELECT {w()}, {w()}_{w()} FROM `{w()}.{w()}` WHERE {w()} = '{w()}-{rng.randint(0, 99)}'\n"


def main(root):
    rng = random.Random(20261124)
    per_file = TARGET_BYTES // FILES
    total = 0
    refs = 0
    exts = [".py", ".py", ".py", ".sql", ".yaml", ".md"]
    for n in range(FILES):
        folder = os.path.join(root, f"pkg_{n % 200:03d}", f"mod_{(n // 200) % 10}")
        os.makedirs(folder, exist_ok=True)
        size = int(per_file * (0.3 + 1.4 * rng.random()))
        parts = []
        length = 0
        while length < size:
            text = line(rng)
            parts.append(text)
            length += len(text)
        if n % 40 == 7:
            parts.insert(rng.randrange(len(parts)), rng.choice(REFERENCES).replace("{i}", str(n)))
            refs += 1
        data = "".join(parts)
        with open(os.path.join(folder, f"file_{n:05d}{exts[n % len(exts)]}"), "w") as f:
            f.write(data)
        total += len(data)
    print(f"generated {FILES} files, {total} bytes, {refs} with a reference, in {root}")


if __name__ == "__main__":
    main(sys.argv[1])
