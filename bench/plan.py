#!/usr/bin/env python3
"""Planning benchmark on the embedded local store.

Fixture (built once, cached in .build/bench-fixtures/plan): buckets `src10k`,
`src100k` (nothing copied yet) and `src1m` (1,000,000 objects of which 500,000 were
copied by a real `decant apply` and are in its ledger), filled with
`decant-bench local-fill`.

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


def make_fixture(decant, bench):
    marker = os.path.join(ROOT, ".complete")
    if os.path.exists(marker):
        return
    common.log("building the planning fixture once (about 6 minutes): 1.1 million objects in", STORE)
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(STORE)
    for label, count in SIZES[:2]:
        common.measure([bench, "local-fill", STORE, f"src{label}", "events/a", str(count)])
    # 1M: the first half filled and applied (copies + ledger), then the second half added.
    common.measure([bench, "local-fill", STORE, "src1m", "events/a", "500000"])
    work = workspace("fixture", "src1m", "tgt1m", os.path.join(ROOT, "state-1m.db"))
    m = common.measure([decant, "apply", "--env", "bench", "--auto-approve"], cwd=work)
    common.log(f"applied 500,000 copies for the fixture in {m.wall:.0f} s")
    common.measure([bench, "local-fill", STORE, "src1m", "events/b", "500000"])
    open(marker, "w").close()


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
    make_fixture(decant, bench)
    rows = []
    for label, count in SIZES:
        source = f"src{label}"
        target = "tgt1m" if label == "1m" else f"tgt{label}"
        state = os.path.join(ROOT, "state-1m.db") if label == "1m" else "state/bench.db"
        work = workspace(f"plan-{label}", source, target, state)
        plan_runs, peer_runs, timings = [], [], ""
        for run in range(RUNS):
            m = common.measure([decant, "plan", "--env", "bench", "--timings"], cwd=work)
            timings = next((line for line in m.output.splitlines() if line.startswith("planned in")), "")
            summary = next((line for line in m.output.splitlines() if line.startswith("Plan:")), "")
            plan_runs.append(m)
            common.log(f"plan {label} run {run + 1}/{RUNS}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, {m.rss_mib:.0f} MiB; {summary}")
            p = common.measure([sys.executable, "-c", PEER, os.path.join(STORE, source, "events"),
                                os.path.join(STORE, target, "copy")])
            peer_runs.append(p)
            common.log(f"listing peer {label} run {run + 1}/{RUNS}: {p.wall:.2f} s wall, {p.rss_mib:.0f} MiB; {p.output.strip()}")
        for tool, ms, note in (("decant plan", plan_runs, timings), ("listing peer", peer_runs, "")):
            rows.append({"case": f"plan {count:,}", "tool": tool, "objects": count, "wall": [m.wall for m in ms],
                         "cpu": [m.cpu for m in ms], "rss": [m.rss_mib for m in ms], "note": note})
        if label in APPLY_RUNS:
            applies = []
            for run in range(APPLY_RUNS[label]):
                target = f"tgt{label}-apply{run}"
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
