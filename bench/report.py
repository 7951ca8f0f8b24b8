#!/usr/bin/env python3
"""Prints the tables of the latest results (.build/bench-results/*.json) as
Markdown, with medians, min–max and ratios decant / peer, then the targets, each
marked met or not met from the measured medians.

    report.py [BENCH...]     (default: every benchmark that has results)
"""
import os
import platform
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

ALL = ["copy", "plan", "scan", "state", "diff"]


def med(values):
    return statistics.median(values)


def span(values, fmt):
    return f"{fmt.format(med(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    swift = swift[0] if swift else "unknown"
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "missing"
    return (f"Machine: {os.cpu_count()} cores, {mem_kib / 1024 / 1024:.1f} GiB memory, {cpu}; {platform.system()} "
            f"{platform.release()}; {swift}; {version(['rclone', 'version'])}; {version(['rg', '--version'])}; "
            f"{version(['curl', '--version']).split(' (')[0]}")


def by(rows, case, tool):
    return next((r for r in rows if r["case"] == case and r["tool"] == tool), None)


def cases(rows):
    return list(dict.fromkeys(r["case"] for r in rows))


def copy_table(rows, targets):
    out = ["| case | tool | wall s, median (min–max) | decant / tool (wall) | client CPU s per 1,000 objects | decant / tool (CPU) |",
           "| --- | --- | --- | --- | --- | --- |"]
    for case in cases(rows):
        d = by(rows, case, "decant")
        for r in (r for r in rows if r["case"] == case):
            ratio = "" if r is d else f"{med(d['wall']) / med(r['wall']):.2f}"
            cpu_ratio = "" if r is d else f"{med(d['cpu_per_1000']) / med(r['cpu_per_1000']):.2f}"
            out.append(f"| {case} | {r['tool']} | {span(r['wall'], '{:.2f}')} | {ratio} | "
                       f"{span(r['cpu_per_1000'], '{:.3f}')} | {cpu_ratio} |")
    # Judged on medians; the ratio of the best runs is shown too (on a shared machine
    # the best run is the one least disturbed by other work).
    for case in cases(rows):
        d, ceiling = by(rows, case, "decant"), by(rows, case, "ceiling")
        if "+50 ms" in case:
            for tool, want in (("rclone", 5.0), ("rclone tuned", 1.5)):
                r = by(rows, case, tool)
                speedup, best = med(r["wall"]) / med(d["wall"]), min(r["wall"]) / min(d["wall"])
                targets.append((f"copy {case}: decant ≥ {want}× as fast as {tool}",
                                f"{speedup:.2f}× (best runs {best:.2f}×)", speedup >= want))
        else:
            share, best = med(ceiling["wall"]) / med(d["wall"]), min(ceiling["wall"]) / min(d["wall"])
            targets.append((f"copy {case}: decant ≥ 90% of the emulator's ceiling", f"{share:.0%} (best runs {best:.0%})",
                            share >= 0.9))
    case = cases(rows)[0]
    d = by(rows, case, "decant")
    for tool in ("rclone", "rclone tuned"):
        r = by(rows, case, tool)
        ratio = med(d["cpu_per_1000"]) / med(r["cpu_per_1000"])
        targets.append((f"copy {case}: client CPU ≤ 0.5× {tool}", f"{ratio:.2f}×", ratio <= 0.5))
    return out


def plan_table(rows, targets):
    out = ["| case | tool | wall s, median (min–max) | decant / peer (wall) | CPU s | peak RSS MiB | µs per object |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for case in cases(rows):
        peer = by(rows, case, "listing peer")
        for r in (r for r in rows if r["case"] == case):
            ratio = f"{med(r['wall']) / med(peer['wall']):.2f}" if peer and r is not peer else ""
            out.append(f"| {case} | {r['tool']} | {span(r['wall'], '{:.2f}')} | {ratio} | {med(r['cpu']):.2f} | "
                       f"{max(r['rss']):.0f} | {med(r['wall']) / r['objects'] * 1e6:.1f} |")
    big = by(rows, "plan 1,000,000", "decant plan")
    if big:
        targets.append(("plan 1,000,000 objects: peak RSS ≤ 600 MB", f"{max(big['rss']) * 1.048576:.0f} MB",
                        max(big["rss"]) * 1.048576 <= 600))
        notes = [r.get("note") for r in rows if r["tool"] == "decant plan" and r.get("note")]
        out += ["", "decant's own breakdown (`plan --timings`, last run):"] + [f"- {n}" for n in notes]
    # Growth is judged on CPU time (the work done; wall time also carries the machine's
    # other load and I/O waits) and shown on both.
    for tool, kind in (("decant plan", "plan"), ("decant apply", "apply")):
        series = [r for r in rows if r["tool"] == tool]
        if len(series) >= 2:
            first, last = series[0], series[-1]
            n = last["objects"] / first["objects"]
            cpu = med(last["cpu"]) / med(first["cpu"]) / n
            wall = med(last["wall"]) / med(first["wall"]) / n
            targets.append((f"{kind} cost grows linearly or better ({first['objects']:,} → {last['objects']:,} objects)",
                            f"per-object CPU × {cpu:.2f}, per-object wall × {wall:.2f}", cpu <= 1.15))
    return out


def scan_table(rows, targets):
    out = ["| case | tool | wall s, median (min–max) | decant / ripgrep | CPU s |", "| --- | --- | --- | --- | --- |"]
    rg = by(rows, rows[0]["case"], "ripgrep")
    for r in rows:
        ratio = f"{med(r['wall']) / med(rg['wall']):.2f}" if r is not rg else ""
        out.append(f"| {r['case']} | {r['tool']} | {span(r['wall'], '{:.3f}')} | {ratio} | {med(r['cpu']):.2f} |")
    d = by(rows, rows[0]["case"], "decant")
    ratio = med(d["wall"]) / med(rg["wall"])
    targets.append(("scan: decant ≤ 2× ripgrep's wall time", f"{ratio:.2f}×", ratio <= 2.0))
    return out


def state_table(rows, targets):
    out = ["| case | tool | rows/s, median (min–max) | decant / peer (time) |", "| --- | --- | --- | --- |"]
    peer = by(rows, rows[0]["case"], "python sqlite3")
    for r in rows:
        ratio = f"{med(r['wall']) / med(peer['wall']):.2f}" if r is not peer else ""
        out.append(f"| {r['case']} | {r['tool']} | {span(r['rate'], '{:,.0f}')} | {ratio} |")
    # Issue 19: a million rows recorded in 5 s at most (scaled when BENCH_STATE_ROWS differs).
    d = by(rows, rows[0]["case"], "decant")
    seconds = med(d["wall"]) * 1_000_000 / d["objects"]
    targets.append(("ledger: 1,000,000 rows recorded in ≤ 5 s", f"{seconds:.1f} s", seconds <= 5.0))
    return out


def diff_table(rows, targets):
    plans = [r for r in rows if r.get("mode", "plan") == "plan"]
    applies = [r for r in rows if r.get("mode") == "apply"]
    resumes = [r for r in rows if r.get("mode") == "resume"]
    out = ["| case | CPU s, median (min–max) | µs per object | peak RSS MiB |", "| --- | --- | --- | --- |"]
    for r in plans:
        out.append(f"| {r['case']} | {span(r['cpu'], '{:.2f}')} | {med(r['per_object']):.2f} | {med(r['rss']):,.0f} |")
    # Issue 19: memory bounded by the plan's width (≤ 1 GiB at every size), CPU per
    # object flat from the smallest to the largest size, 1M diffed and graphed in ≤ 2 s CPU.
    costed = [r for r in plans if r.get("costed", True)]
    for r in costed:
        rss = med(r["rss"])
        targets.append((f"plan of {r['objects']:,} sources: peak RSS ≤ 1 GiB", f"{rss:,.0f} MiB", rss <= 1024))
    if len(costed) > 1:
        first, last = costed[0], costed[-1]
        growth = med(last["per_object"]) / med(first["per_object"])
        targets.append((f"CPU per object flat from {first['objects']:,} to {last['objects']:,} (≤ 1.2×)", f"{growth:.2f}×",
                        growth <= 1.2))
    # The costed plan does the diffing and the graph and more: an upper bound. (The
    # not-costed variant is shown; on this machine it has measured slower, unexplained.)
    million = next((r for r in costed if r["objects"] == 1_000_000), None)
    if million:
        targets.append(("diffing + graph of 1,000,000 sources ≤ 2 s CPU (costed plan as upper bound)",
                        f"{med(million['cpu']):.2f} s", med(million["cpu"]) <= 2.0))
    # Issue 19: `plan --out` within 1.5× the time and memory of `plan`, ≤ 32 bytes an object.
    saves = [(r, r["save"]) for r in costed if r.get("save")]
    if saves:
        out += ["", "| saved plan (`plan --out`) | objects listed | bytes an object | writing CPU s | peak RSS MiB after writing |",
                "| --- | --- | --- | --- | --- |"]
        for r, s in saves:
            out.append(f"| {r['case']} | {s[0]['objects']:,} | {med([x['bytes_per_object'] for x in s]):.1f} | "
                       f"{med([x['cpu'] for x in s]):.2f} | {med([x['rss'] for x in s]):,.0f} |")
        r, s = saves[-1]
        per = med([x["bytes_per_object"] for x in s])
        targets.append((f"saved plan of {r['objects']:,} sources ≤ 32 bytes an object", f"{per:.1f} bytes", per <= 32))
        time_ratio = (med(r["cpu"]) + med([x["cpu"] for x in s])) / med(r["cpu"])
        targets.append((f"plan --out of {r['objects']:,} sources ≤ 1.5× the CPU of plan", f"{time_ratio:.2f}×", time_ratio <= 1.5))
        rss_ratio = med([x["rss"] for x in s]) / med(r["rss"])
        targets.append((f"plan --out of {r['objects']:,} sources ≤ 1.5× the peak RSS of plan", f"{rss_ratio:.2f}×", rss_ratio <= 1.5))
    if applies:
        # The plan applied in the same process (decant-bench apply): CPU of the apply
        # alone per object copied; peak RSS of the whole process, planning included.
        out += ["", "| case | objects copied | apply CPU s, median (min–max) | µs per object copied | wall s | "
                "peak RSS MiB | peak RSS before applying MiB |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in applies:
            out.append(f"| {r['case']} | {r['copied_now']:,} | {span(r['cpu'], '{:.2f}')} | {med(r['per_object']):.2f} | "
                       f"{med(r['wall']):.1f} | {med(r['rss']):,.0f} | {med(r['rss_before']):,.0f} |")
        # Issue 19: apply peak RSS ≤ 1 GiB at 10M sources (5M to copy), flat from 1M to 10M.
        for r in applies:
            rss = med(r["rss"])
            targets.append((f"apply of {r['objects']:,} sources ({r['copied_now']:,} to copy): peak RSS ≤ 1 GiB",
                            f"{rss:,.0f} MiB", rss <= 1024))
        if len(applies) > 1:
            first, last = applies[0], applies[-1]
            growth = med(last["rss"]) / med(first["rss"])
            targets.append((f"apply peak RSS flat from {first['objects']:,} to {last['objects']:,} sources (≤ 1.25×)",
                            f"{growth:.2f}× ({med(first['rss']):,.0f} → {med(last['rss']):,.0f} MiB)", growth <= 1.25))
    if resumes:
        # The apply interrupted half way, then run again in a process of its own
        # (decant-bench resume): what its plan listed and planned, its CPU and peak RSS.
        out += ["", "| case | objects listed | copies planned | adoptions (by open intents) | planning CPU s (besides the fixture's listings) | "
                "applying CPU s | applying wall s | peak RSS MiB | peak RSS after planning MiB |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in resumes:
            out.append(f"| {r['case']} | {r['listed']:,} | {r['planned_copies']:,} | {r['adoptions']:,} ({r['intents']:,}) | "
                       f"{span(r['plan_cpu'], '{:.2f}')} | {span(r['apply_cpu'], '{:.2f}')} | {med(r['wall']):.1f} | "
                       f"{med(r['rss']):,.0f} | {med(r['rss_planned']):,.0f} |")
        # Issue 19, goal 6: the resume of a 10M apply in ≤ 1 GiB (judged at the largest size run).
        for r in resumes:
            rss = med(r["rss"])
            name = f"resume of {r['objects']:,} sources interrupted half way: peak RSS ≤ 1 GiB"
            targets.append((name + ("" if r["objects"] >= 10_000_000 else " (the target is set at 10M)"),
                            f"{rss:,.0f} MiB", rss <= 1024))
    return out


def main():
    wanted = sys.argv[1:] or ALL
    targets = []
    print(machine())
    for bench in wanted:
        data = common.load(bench)
        if not data:
            print(f"\n({bench}: no results yet)")
            continue
        load = f"; load average {data['started_load']:.1f} at the start, {data['load']:.1f} over the last 5 minutes" \
            if "load" in data else ""
        print(f"\n{bench} (measured {data['time']}{load})\n")
        table = {"copy": copy_table, "plan": plan_table, "scan": scan_table, "state": state_table, "diff": diff_table}[bench]
        print("\n".join(table(data["rows"], targets)))
    if targets:
        print("\nTargets\n")
        print("| target | measured | |\n| --- | --- | --- |")
        for name, measured, met in targets:
            print(f"| {name} | {measured} | {'met' if met else 'NOT met'} |")


if __name__ == "__main__":
    main()
