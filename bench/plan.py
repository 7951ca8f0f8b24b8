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

And on fake-gcs-server (in memory, preloaded from files): 20,000 source objects of which
10,000 are already in the target (not in a ledger: the plan adopts them after comparing
checksums), against a peer listing both buckets through the JSON API by name and size,
in pages of 1,000 as GCS serves them (fake-gcs-server, asked for no page size, answers
all 20,000 in one page, which real GCS never does).
"""
import json
import os
import shutil
import sys
import urllib.parse
import urllib.request

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


GCS_DATA = os.path.join(common.FIXTURES, "gcs-plan")
GCS_COUNT = 20_000


def make_gcs_fixture():
    """Files fake-gcs-server preloads: gsrc/events/… (20,000) and gtgt/copy/… (the first 10,000)."""
    marker = os.path.join(GCS_DATA, ".complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(GCS_DATA, ignore_errors=True)
    for i in range(GCS_COUNT):
        name = f"{i // 1000:04d}/part-{i:07d}.parquet"
        body = f"object {i}\n".encode()
        for bucket, prefix in (("gsrc", "events"), ("gtgt", "copy")) if i < GCS_COUNT // 2 else (("gsrc", "events"),):
            path = os.path.join(GCS_DATA, bucket, prefix, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(body)
    open(marker, "w").close()


GCS_PEER = r"""
import json, sys, urllib.parse, urllib.request
def listing(base, bucket, prefix):
    out, token = {}, None
    while True:
        q = {"prefix": prefix, "maxResults": 1000, "fields": "items(name,size),nextPageToken"}
        if token: q["pageToken"] = token
        with urllib.request.urlopen(f"{base}/storage/v1/b/{bucket}/o?" + urllib.parse.urlencode(q)) as r:
            page = json.loads(r.read())
        out.update({i["name"][len(prefix):]: i["size"] for i in page.get("items", [])})
        token = page.get("nextPageToken")
        if not token: return out
source, target = listing(sys.argv[1], "gsrc", "events/"), listing(sys.argv[1], "gtgt", "copy/")
todo = sorted(n for n, size in source.items() if target.get(n) != size)
print(f"{len(source)} source objects, {len(target)} at the target, {len(todo)} to copy")
"""


def gcs_rows(decant):
    """decant plan against fake-gcs-server, 20,000 source objects, 10,000 already copied."""
    make_gcs_fixture()
    rows = []
    # Preloading 30,000 files takes fake-gcs-server about 70 s here.
    common.log("starting fake-gcs-server with the 20,000-object planning fixture (about a minute to load)")
    with common.fake_gcs_server(GCS_DATA, ready_within=300) as server:
        work = os.path.join(common.BUILD, "bench-work", "plan", "gcs")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "plans"))
        with open(os.path.join(work, "plans", "bench.yaml"), "w") as f:
            f.write(f"""decant: 1
environments:
  bench: {{ project: bench }}
storage: {{ provider: gcs, project: bench, endpoint: "{server.url}", emulator: fake-gcs-server }}
state: {{ backend: local, path: "state/${{env}}.db" }}
buckets:
  target:
    name: gtgt
    location: us-central1
migrations:
  events:
    source: "gsrc/events/"
    target: "target/copy/"
""")
        peer = [sys.executable, "-c", GCS_PEER, server.url]
        common.measure([decant, "plan", "--env", "bench"], cwd=work)
        plan_runs, peer_runs = [], []
        for run in range(RUNS):
            m = common.measure([decant, "plan", "--env", "bench", "--timings"], cwd=work)
            plan_runs.append(m)
            summary = next((line for line in m.output.splitlines() if line.startswith("Plan:")), "")
            common.log(f"plan on fake-gcs-server run {run + 1}/{RUNS}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, "
                       f"{m.rss_mib:.0f} MiB; {summary}")
            p = common.measure(peer)
            peer_runs.append(p)
            common.log(f"listing peer on fake-gcs-server run {run + 1}/{RUNS}: {p.wall:.2f} s wall; {p.output.strip()}")
    case = f"plan {GCS_COUNT:,} on fake-gcs-server"
    for tool, ms in (("decant plan (JSON API)", plan_runs), ("listing peer", peer_runs)):
        rows.append({"case": case, "tool": tool, "objects": GCS_COUNT, "wall": [m.wall for m in ms],
                     "cpu": [m.cpu for m in ms], "rss": [m.rss_mib for m in ms]})
    return rows


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
    rows += gcs_rows(decant)
    common.save("plan", rows)


if __name__ == "__main__":
    main()
