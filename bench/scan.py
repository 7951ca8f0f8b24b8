#!/usr/bin/env python3
"""Code-scan benchmark: decant's scanner against ripgrep on the same tree.

The tree (20,000 files, ~200 MB of Python, SQL, YAML, Markdown; a reference in
about one file in 40) is written once by bench/scan/generate.py into
.build/bench-fixtures/scan and read from the page cache by both sides.

  ripgrep   rg -n with the anchors decant searches for (the source bucket's literal
            and template prefix, and the constant), every match printed
  decant    `decant-bench scan ROOT`: one CodeScanner.scan (walk, read, search,
            analyse, classify) with the roadmap's references and migrations, as
            `decant plan` runs it (a process each time, like rg)
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

RUNS = int(os.environ.get("BENCH_SCAN_RUNS", "5"))
TREE = os.path.join(common.FIXTURES, "scan", "tree")


def main():
    bench = common.release_bin("decant-bench")
    marker = os.path.join(common.FIXTURES, "scan", ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(TREE, ignore_errors=True)
        os.makedirs(TREE)
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "scan", "generate.py"), TREE], check=True)
        open(marker, "w").close()
    # Warm the page cache so both sides read from memory.
    subprocess.run(f"find '{TREE}' -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True)
    rg = ["rg", "--no-config", "--no-messages", "-n", "-e", "data-bucket-", "-e", "DATA_GCS_BUCKET_NAME", TREE]
    decant = [bench, "scan", TREE]
    results = {"decant": [], "ripgrep": []}
    for run in range(RUNS):
        for tool, cmd in (("ripgrep", rg), ("decant", decant)):
            m = common.measure(cmd)
            results[tool].append(m)
            last = m.output.strip().splitlines()[-1] if tool == "decant" else f"{len(m.output.splitlines())} matching lines"
            common.log(f"scan run {run + 1}/{RUNS} {tool}: {m.wall:.3f} s wall, {m.cpu:.2f} s CPU; {last}")
    rows = [{"case": "scan 20,000 files", "tool": tool, "wall": [m.wall for m in ms], "cpu": [m.cpu for m in ms],
             "rss": [m.rss_mib for m in ms]} for tool, ms in results.items()]
    common.save("scan", rows)


if __name__ == "__main__":
    main()
