#!/usr/bin/env python3
"""Copy benchmark: server-side copies (GCS JSON API) against fake-gcs-server,
decant apply side by side with its peers, on the same emulator process:

  decant          decant apply (plan + rewriteTo copies + ledger), default --parallelism 128
  decant -p 32    the same with --parallelism 32 (the width of rclone tuned and the ceiling)
  rclone          rclone copy :gcs:SRC :gcs:DST, defaults (--transfers 4 --checkers 8)
  rclone tuned    the same with --transfers 32 --checkers 64 --fast-list
  python client   google-cloud-storage: list_blobs, then bucket.copy_blob in 32 threads
  ceiling         curl --parallel --parallel-max 32 (libcurl multi), the same rewriteTo
                  calls with the names known in advance (no listing): what the emulator
                  serves to a minimal client

Cases: 2,000 x 1 KiB and 20 x 8 MiB directly, and 500 x 1 KiB behind a proxy that
adds 50 ms per direction. Every run copies into a new target bucket and is checked
(the target holds exactly the expected names) outside the timed part.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

RUNS = int(os.environ.get("BENCH_COPY_RUNS", "3"))
PARALLEL = 32
CASES = [
    # name, bucket, count, size, latency (ms per direction)
    ("2,000 x 1 KiB", "src-small", 2000, 1024, 0),
    ("20 x 8 MiB", "src-large", 20, 8 << 20, 0),
    ("500 x 1 KiB, +50 ms", "src-latency", 500, 1024, 50),
]
TOOLS = ["decant", "decant -p 32", "rclone", "rclone tuned", "python client", "ceiling"]
DATA = os.path.join(common.FIXTURES, "gcs-copy")


def object_name(i):
    return f"events/{i // 1000:04d}/part-{i:07d}.bin"


def make_fixture():
    """Source objects for every case, as files fake-gcs-server preloads (-data DIR)."""
    marker = os.path.join(DATA, ".complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(DATA, ignore_errors=True)
    rng = random.Random(8)
    for _, bucket, count, size, _ in CASES:
        for i in range(count):
            path = os.path.join(DATA, bucket, object_name(i))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(rng.randbytes(size))
    open(marker, "w").close()


def api(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def create_bucket(server, name):
    api(f"{server.url}/storage/v1/b?project=bench", "POST", {"name": name})


def list_names(server, bucket, prefix):
    names, token = [], None
    while True:
        q = {"prefix": prefix, "fields": "items(name),nextPageToken"}
        if token:
            q["pageToken"] = token
        page = api(f"{server.url}/storage/v1/b/{bucket}/o?" + urllib.parse.urlencode(q))
        names += [item["name"] for item in page.get("items", [])]
        token = page.get("nextPageToken")
        if not token:
            return names


def decant_plan(endpoint, source, target):
    return f"""decant: 1
environments:
  bench: {{ project: bench }}
storage: {{ provider: gcs, project: bench, endpoint: "{endpoint}", emulator: fake-gcs-server }}
state: {{ backend: local, path: "state/${{env}}.db" }}
buckets:
  target:
    name: {target}
    location: us-central1   # the emulator's default, as the source's: one-call rewrites
migrations:
  events:
    source: "{source}/events/"
    target: "target/copy/"
"""


def command(tool, endpoint, source, target, count, work, decant):
    """The command line of one run, and the directory it runs in."""
    if tool.startswith("decant"):
        os.makedirs(os.path.join(work, "plans"), exist_ok=True)
        with open(os.path.join(work, "plans", "bench.yaml"), "w") as f:
            f.write(decant_plan(endpoint, source, target))
        wide = ["--parallelism", "32"] if tool == "decant -p 32" else []
        return [decant, "apply", "--env", "bench", "--auto-approve", "--plans", "plans"] + wide, work
    if tool.startswith("rclone"):
        cmd = ["rclone", "copy", f":gcs:{source}/events", f":gcs:{target}/copy",
               "--gcs-endpoint", f"{endpoint}/storage/v1/", "--gcs-anonymous", "--config", "/dev/null"]
        if tool == "rclone tuned":
            cmd += ["--transfers", str(PARALLEL), "--checkers", str(2 * PARALLEL), "--fast-list"]
        return cmd, work
    if tool == "python client":
        return [common.VENV_PYTHON, os.path.join(os.path.dirname(__file__), "peers", "python_client_copy.py"),
                endpoint, source, "events/", target, "copy/", str(PARALLEL)], work
    if tool == "ceiling":
        config = os.path.join(work, "curl.conf")
        with open(config, "w") as f:
            for i in range(count):
                name = object_name(i)
                src = urllib.parse.quote(name, safe="")
                dst = urllib.parse.quote("copy/" + name[len("events/"):], safe="")
                f.write(f'url = "{endpoint}/storage/v1/b/{source}/o/{src}/rewriteTo/b/{target}/o/{dst}"\n'
                        'output = "/dev/null"\n')
        return ["curl", "--silent", "--show-error", "--fail", "--parallel", "--parallel-max", str(PARALLEL),
                "--request", "POST", "--config", config], work
    raise ValueError(tool)


def main():
    decant = common.release_bin("decant")
    make_fixture()
    root = os.path.join(common.BUILD, "bench-work", "copy")
    shutil.rmtree(root, ignore_errors=True)
    rows = []
    with common.fake_gcs_server(DATA) as server:
        for case, source, count, size, latency in CASES:
            expected = sorted("copy/" + object_name(i)[len("events/"):] for i in range(count))
            assert len(list_names(server, source, "events/")) == count, "the emulator did not preload the fixture"
            proxy = common.latency_proxy(server.port, latency) if latency else None
            endpoint = proxy.url if proxy else server.url
            try:
                results = {tool: [] for tool in TOOLS}
                for run in range(RUNS):
                    for tool in TOOLS:  # side by side: every tool once per round
                        target = f"t{run}-{source[4:]}-{tool.replace(' ', '').replace('-', '')}"
                        work = os.path.join(root, target)
                        os.makedirs(work, exist_ok=True)
                        if not tool.startswith("decant"):
                            create_bucket(server, target)
                        cmd, cwd = command(tool, endpoint, source, target, count, work, decant)
                        m = common.measure(cmd, cwd=cwd, timeout=600)
                        got = sorted(list_names(server, target, "copy/"))
                        if got != expected:
                            raise RuntimeError(f"{tool} copied {len(got)} of {count} objects ({case}); output:\n{m.output[-2000:]}")
                        results[tool].append(m)
                        common.log(f"copy {case} run {run + 1}/{RUNS} {tool}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU")
            finally:
                if proxy:
                    proxy.stop()
            for tool in TOOLS:
                ms = results[tool]
                rows.append({"case": case, "tool": tool, "objects": count, "bytes": size,
                             "wall": [m.wall for m in ms], "cpu": [m.cpu for m in ms],
                             "cpu_per_1000": [m.cpu / count * 1000 for m in ms], "rss": [m.rss_mib for m in ms]})
    common.save("copy", rows)


if __name__ == "__main__":
    main()
