#!/usr/bin/env python3
"""Planning benchmark on the embedded local store.

Fixtures (built once, cached in .build/bench-fixtures/plan), one per size N of
10,000, 100,000 and 1,000,000: bucket `src<N>` holds N objects, of which N/2 were
copied to `tgt<N>` by a real `decant apply` and are in its ledger; filled with
`decant-bench local-fill`. So each plan lists 1.5 N objects, reads N/2 ledger rows
and plans N/2 copies: the same work per object at every size.

Measured, each run a fresh process:
  decant plan      `decant plan` of the migration (wall, CPU, peak RSS)
  listing peer     a straightforward listing of the same data: a Python os.scandir
                   walk of the source and target folders of the store, by name and
                   size, and the set difference (what a hand-written "what is left to
                   copy" script does; no checksums, no ledger, no graph)
  decant apply     `decant apply` of 10,000 and 100,000 objects into a new bucket
                   (cost growth; apply at 1M is left out: about 10 minutes here)
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

RUNS = int(os.environ.get("BENCH_PLAN_RUNS", "3"))
ROOT = os.path.join(common.FIXTURES, "plan")
STORE = os.path.join(ROOT, "store")
SIZES = [("10k", 10_000), ("100k", 100_000), ("1m", 1_000_000)]
APPLY_RUNS = {"10k": RUNS, "100k": 1}


def plan_yaml(source, target, state):
    return f"""decant: 1
environments:
  bench: {{ project: bench }}
storage: {{ provider: local, root: {STORE} }}
state: {{ backend: local, path: "{state}" }}
buckets:
  target:
    name: {target}
    location: europe-west1
migrations:
  events:
    source: "{source}/events/"
    target: "target/copy/"
"""


def workspace(name, source, target, state):
    work = os.path.join(common.BUILD, "bench-work", "plan", name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "plans"))
    with open(os.path.join(work, "plans", "bench.yaml"), "w") as f:
        f.write(plan_yaml(source, target, state))
    return work


def make_fixture(decant, bench, label, count):
    """Bucket src<label>: count objects, the first half copied to tgt<label> by a real
    `decant apply` (so in its ledger, state-<label>.db), then the second half added."""
    marker = os.path.join(ROOT, f".complete-{label}")
    if os.path.exists(marker):
        return
    common.log(f"building the planning fixture for {count:,} objects once (1M: about 10 minutes) in", STORE)
    for bucket in (f"src{label}", f"tgt{label}"):
        shutil.rmtree(os.path.join(STORE, bucket), ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(state_path(label) + suffix):
            os.remove(state_path(label) + suffix)
    os.makedirs(STORE, exist_ok=True)
    common.measure([bench, "local-fill", STORE, f"src{label}", "events/a", str(count // 2)])
    work = workspace(f"fixture-{label}", f"src{label}", f"tgt{label}", state_path(label))
    m = common.measure([decant, "apply", "--env", "bench", "--auto-approve"], cwd=work)
    common.log(f"applied {count // 2:,} copies for the fixture in {m.wall:.0f} s")
    common.measure([bench, "local-fill", STORE, f"src{label}", "events/b", str(count - count // 2)])
    open(marker, "w").close()


def state_path(label):
    return os.path.join(ROOT, f"state-{label}.db")


PEER = r"""
import os, sys
def walk(top):
    out, stack = {}, [top]
    while stack:
        d = stack.pop()
        try:
            entries = list(os.scandir(d))
        except FileNotFoundError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
            else:
                out[e.path[len(top) + 1:]] = e.stat(follow_symlinks=False).st_size
    return out
source, target = walk(sys.argv[1]), walk(sys.argv[2])
todo = sorted(n for n, size in source.items() if target.get(n) != size)
print(f"{len(source)} source objects, {len(target)} at the target, {len(todo)} to copy")
"""


def main():
    decant, bench = common.release_bin("decant"), common.release_bin("decant-bench")
    rows = []
    for label, count in SIZES:
        make_fixture(decant, bench, label, count)
        source, target = f"src{label}", f"tgt{label}"
        work = workspace(f"plan-{label}", source, target, state_path(label))
        peer = [sys.executable, "-c", PEER, os.path.join(STORE, source, "events"), os.path.join(STORE, target, "copy")]
        # One untimed run of each first: both then read the store from the page cache.
        common.measure([decant, "plan", "--env", "bench"], cwd=work)
        common.measure(peer)
        plan_runs, peer_runs, timings = [], [], ""
        for run in range(RUNS):
            m = common.measure([decant, "plan", "--env", "bench", "--timings"], cwd=work)
            timings = next((line for line in m.output.splitlines() if line.startswith("planned in")), "")
            summary = next((line for line in m.output.splitlines() if line.startswith("Plan:")), "")
            plan_runs.append(m)
            common.log(f"plan {label} run {run + 1}/{RUNS}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, {m.rss_mib:.0f} MiB; {summary}")
            p = common.measure(peer)
            peer_runs.append(p)
            common.log(f"listing peer {label} run {run + 1}/{RUNS}: {p.wall:.2f} s wall, {p.rss_mib:.0f} MiB; {p.output.strip()}")
        for tool, ms, note in (("decant plan", plan_runs, timings), ("listing peer", peer_runs, "")):
            rows.append({"case": f"plan {count:,}", "tool": tool, "objects": count, "wall": [m.wall for m in ms],
                         "cpu": [m.cpu for m in ms], "rss": [m.rss_mib for m in ms], "note": note})
        if label in APPLY_RUNS:
            applies = []
            for run in range(APPLY_RUNS[label]):
                target = f"tgt{label}-apply{run}"  # a new bucket: all N objects copied
                work = workspace(f"apply-{label}-{run}", source, target, "state/bench.db")
                m = common.measure([decant, "apply", "--env", "bench", "--auto-approve"], cwd=work)
                applies.append(m)
                common.log(f"apply {label} run {run + 1}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, {m.rss_mib:.0f} MiB")
                shutil.rmtree(os.path.join(STORE, target))
            rows.append({"case": f"apply {count:,}", "tool": "decant apply", "objects": count,
                         "wall": [m.wall for m in applies], "cpu": [m.cpu for m in applies],
                         "rss": [m.rss_mib for m in applies]})
    common.save("plan", rows)


if __name__ == "__main__":
    main()
