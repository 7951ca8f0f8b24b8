#!/usr/bin/env python3
"""Planning at scale (issue 19): `decant-bench diff SOURCES COPIED DIR` plans one
migration of SOURCES objects of which COPIED are already copied and in the ledger,
against listings generated page by page as the planner asks for them, so that the
peak RSS is decant's own and not a fixture's. What it prints: CPU of diffing,
costing and building the graph (the listings' own generation measured apart and
subtracted), per object, and the process's peak RSS.

Sizes: BENCH_DIFF_SIZES (default 1000000,4000000,10000000), each with half copied;
runs: BENCH_DIFF_RUNS (default 3) up to 1M sources, BENCH_DIFF_RUNS_LARGE (default 1)
above (the 10M run takes about a minute and 4 GiB). The 1M plan also runs without costing (DECANT_BENCH_NO_COST=1): the
issue's "diffing + graph building of 1M ≤ 2 s CPU" is measured there.

Apply at each size: `decant-bench apply SOURCES COPIED DIR` makes the same plan and
applies it in the same process through the Applier, against a store where copies
succeed without bytes (one bit a target), every copy journaled, recorded and
verified in the real state file: the process's peak RSS is what `decant apply`
(which plans first) peaks at. Issue 19: ≤ 1 GiB at 10M sources with 5M to copy, flat
from 1M to 10M. Runs: BENCH_DIFF_RUNS up to 1M sources, one above (the 10M apply
copies 5M objects: several minutes).

Resume at each size (issue 19, goal 6): `decant-bench resume SOURCES COPIED DIR`
applies the same plan until the store's endpoint stops answering after half the
copies (64 more made with their answer lost), checks that run failed with that many
recorded, then runs `decant-bench resume-finish DIR` in a process of its own: plan
and apply again on the same state file, as `decant apply` run again does. Its row:
what the resume's plan listed, the copies and adoptions it planned, its planning and
applying CPU and its own peak RSS (VmHWM of that process). Target: ≤ 1 GiB at 10M.
Runs as for the apply.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import common  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_DIFF_SIZES", "1000000,4000000,10000000").split(",") if s]
RUNS = int(os.environ.get("BENCH_DIFF_RUNS", "3"))
RUNS_LARGE = int(os.environ.get("BENCH_DIFF_RUNS_LARGE", "1"))
LINE = re.compile(r"diff: (\d+) sources against (\d+) copied: ([0-9.]+) s CPU \(([0-9.]+) µs an object\).*?"
                  r"peak RSS ([0-9]+) MiB")
SAVE_LINE = re.compile(r"save: (\d+) objects listed in ([0-9.]+) MB \(([0-9.]+) bytes an object\), ([0-9.]+) s CPU, "
                       r"([0-9.]+) s wall, peak RSS ([0-9]+) MiB")
APPLY_LINE = re.compile(r"apply: (\d+) sources, (\d+) copied before: (\d+) objects copied in ([0-9.]+) s CPU "
                        r"\(([0-9.]+) µs an object\), ([0-9.]+) s wall, peak RSS ([0-9]+) MiB \(([0-9]+) MiB peak before applying")
RESUME_LINE = re.compile(r"resume: (\d+) sources, (\d+) copied before, (?P<written_before>\d+) targets written and "
                         r"(?P<recorded_before>\d+) copies recorded \((?P<verified_before>\d+) verified\) by the interrupted run: "
                         r"the resume's plan listed (?P<listed>\d+) objects .*? in (?P<plan_cpu>[0-9.]+) s CPU besides "
                         r"(?P<fixture_cpu>[0-9.]+) s generating the listings, planned (?P<planned_copies>\d+) copies and "
                         r"(?P<adoptions>\d+) adoptions \((?P<intents>\d+) written by the interrupted run.*?\); the apply copied "
                         r"(?P<copied_now>\d+) and added \d+ rows to the ledger in (?P<apply_cpu>[0-9.]+) s CPU, "
                         r"(?P<wall>[0-9.]+) s wall; peak RSS (?P<rss>[0-9]+) MiB \((?P<rss_planned>[0-9]+) MiB after planning")


def run(bench, work, sources, costed):
    env = dict(os.environ)
    if not costed:
        env["DECANT_BENCH_NO_COST"] = "1"
    else:
        # The costed plan is also saved (`plan --out`), after its figures are taken.
        env["DECANT_BENCH_SAVE"] = "1"
    m = common.measure([bench, "diff", str(sources), str(sources // 2), work], env=env)
    found = LINE.search(m.output)
    if not found:
        raise RuntimeError(f"decant-bench diff printed no result:\n{m.output}")
    saved = SAVE_LINE.search(m.output)
    m.save = None if not saved else {"objects": int(saved.group(1)), "bytes_per_object": float(saved.group(3)),
                                      "cpu": float(saved.group(4)), "wall": float(saved.group(5)), "rss": float(saved.group(6))}
    shutil.rmtree(work, ignore_errors=True)
    return float(found.group(3)), float(found.group(4)), float(found.group(5)), m


def run_mode(bench, work, mode, sources, pattern):
    """`decant-bench MODE SOURCES SOURCES/2 WORK` once: the match of its result line."""
    m = common.measure([bench, mode, str(sources), str(sources // 2), work])
    found = pattern.search(m.output)
    if not found:
        raise RuntimeError(f"decant-bench {mode} printed no result:\n{m.output}")
    shutil.rmtree(work, ignore_errors=True)
    return found


def run_apply(bench, work, sources):
    found = run_mode(bench, work, "apply", sources, APPLY_LINE)
    return {"copied_now": int(found.group(3)), "cpu": float(found.group(4)), "per_object": float(found.group(5)),
            "wall": float(found.group(6)), "rss": float(found.group(7)), "rss_before": float(found.group(8))}


def run_resume(bench, work, sources):
    found = run_mode(bench, work, "resume", sources, RESUME_LINE)
    floats = {"plan_cpu", "fixture_cpu", "apply_cpu", "wall", "rss", "rss_planned"}
    return {key: float(value) if key in floats else int(value) for key, value in found.groupdict().items()}


def repeated(label, sources, runner, describe):
    """`runner()` run BENCH_DIFF_RUNS times up to 1M sources, BENCH_DIFF_RUNS_LARGE above, each run logged."""
    runs = RUNS if sources <= 1_000_000 else RUNS_LARGE
    results = []
    for i in range(runs):
        results.append(runner())
        common.log(f"diff {label} run {i + 1}/{runs}: {describe(results[-1])}")
    return results


def main():
    bench = common.release_bin("decant-bench")
    work = os.path.join(common.BUILD, "bench-work", "diff")
    rows = []
    cases = [(n, True) for n in SIZES] + ([(SIZES[0], False)] if SIZES else [])
    for sources, costed in cases:
        label = f"plan {sources:,} sources, {sources // 2:,} copied" + ("" if costed else ", not costed")
        results = []
        runs = RUNS if sources <= 1_000_000 else RUNS_LARGE
        for i in range(runs):
            cpu, per_object, rss, m = run(bench, work, sources, costed)
            results.append((cpu, per_object, rss, m))
            common.log(f"diff {label} run {i + 1}/{runs}: {cpu:.2f} s CPU, {per_object:.2f} µs an object, peak RSS {rss:.0f} MiB")
        rows.append({"case": label, "tool": "decant", "objects": sources, "costed": costed,
                     "wall": [r[3].wall for r in results], "cpu": [r[0] for r in results],
                     "per_object": [r[1] for r in results], "rss": [r[2] for r in results],
                     "save": [r[3].save for r in results if r[3].save]})
    for sources in SIZES:
        label = f"apply {sources:,} sources, {sources // 2:,} copied before"
        results = repeated(label, sources, lambda: run_apply(bench, work, sources), lambda r: (
            f"{r['copied_now']:,} copied in {r['cpu']:.2f} s CPU ({r['per_object']:.2f} µs an object), {r['wall']:.1f} s wall, "
            f"peak RSS {r['rss']:.0f} MiB ({r['rss_before']:.0f} MiB peak before applying)"))
        rows.append({"case": label, "tool": "decant", "mode": "apply", "objects": sources,
                     "copied_now": results[0]["copied_now"],
                     **{key: [r[key] for r in results] for key in ("wall", "cpu", "per_object", "rss", "rss_before")}})
    for sources in SIZES:
        label = f"resume {sources:,} sources, {sources // 2:,} copied before, interrupted half way"
        results = repeated(label, sources, lambda: run_resume(bench, work, sources), lambda r: (
            f"listed {r['listed']:,}, planned {r['planned_copies']:,} copies and {r['adoptions']:,} adoptions "
            f"({r['intents']:,} by open intents); planning {r['plan_cpu']:.2f} s CPU (+{r['fixture_cpu']:.2f} s generating listings), "
            f"applying {r['apply_cpu']:.2f} s CPU; peak RSS {r['rss']:.0f} MiB ({r['rss_planned']:.0f} after planning)"))
        rows.append({"case": label, "tool": "decant", "mode": "resume", "objects": sources,
                     **{key: results[0][key] for key in ("written_before", "recorded_before", "verified_before", "listed",
                                                          "planned_copies", "adoptions", "intents", "copied_now")},
                     **{key: [r[key] for r in results] for key in ("wall", "plan_cpu", "fixture_cpu", "apply_cpu", "rss", "rss_planned")}})
    common.save("diff", rows)


if __name__ == "__main__":
    main()
