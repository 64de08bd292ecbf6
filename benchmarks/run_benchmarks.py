"""Benchmark the batch run against the naive loop and the in-process floor; writes benchmarks/results.md.

(a) naive: Papermill per notebook, one after another, a fresh kernel each, no parquet cache, chart
    export as the notebook does it without a long-lived browser, then build + render per council;
(b) `caremarket run --council ... --jobs N --force` into a fresh reports folder (cold parquet cache);
(c) the same command again without --force: the unchanged rerun;
(d) the floor: helpers.assess.assessment.assess for every council × service in one process (warm cache),
    no notebooks and no rendering;
plus one council on its own — cold (a fresh data folder and output, so England's files are parsed first) and
warm (the batch's cache) —, and the demo data for England (`caremarket demo-data --councils all`, the
data every England benchmark starts from). Wall-clock medians of --repeats runs, peak memory of the whole
process tree (sampled). Run on demand (not in the test suite): `python benchmarks/run_benchmarks.py --help`.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"

NAIVE = """
import sys, papermill as pm
from pathlib import Path
from helpers.present import render, statement
from helpers.run import pipeline
from helpers.councils import council
from helpers.present.data_workbook import write_data_workbook
data, out, year, formats = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), int(sys.argv[3]), tuple(sys.argv[4].split(","))
services, codes = sys.argv[5].split(","), sys.argv[6:]
for code in codes:
    folder, name = out / code, council(code)["name"]
    project = folder / "source"
    project.mkdir(parents=True)
    try:
        for service in [*services, pipeline.OVERSIGHT]:
            parameters = {"council": code, "year": year, "data_dir": str(data), "mps_dir": str(project), "cache_dir": ""}
            if service != pipeline.OVERSIGHT:
                parameters["service"] = service
            notebook = pipeline.OVERSIGHT_NOTEBOOK if service == pipeline.OVERSIGHT else pipeline.NOTEBOOK
            pm.execute_notebook(str(notebook), str(folder / f"{service}.ipynb"), kernel_name="python3",
                                parameters=parameters, progress_bar=False)
        statement.build_project(project, name, year, [*services, pipeline.OVERSIGHT])
        write_data_workbook(project, [*services, pipeline.OVERSIGHT], folder / "mps_data.xlsx", name, year)
        render.render(project, folder, formats=formats, engine="pandoc")
        internal = folder / "internal"
        internal.mkdir()
        pm.execute_notebook(str(pipeline.DASHBOARD_NOTEBOOK), str(internal / pipeline.DASHBOARD_NOTEBOOK.name),
                            kernel_name="python3", progress_bar=False,
                            parameters={"council": code, "year": year, "data_dir": str(data), "out_dir": str(internal),
                                        "previous_dir": str(internal), "cache_dir": "", "engine": "pandoc"})
    except Exception as exc:
        print(f"{code}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
"""

FLOOR = """
import sys
from pathlib import Path
from helpers.assess.assessment import assess, assess_oversight
data, cache, services, codes = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(","), sys.argv[4:]
for code in codes:
    for service in services:
        try:
            assess(service, data, code, cache, 2026)
        except Exception as exc:
            print(f"{code} {service}: failed: {type(exc).__name__}", file=sys.stderr)
    assess_oversight(data, code, cache, 2026)
"""


def measure(command: list[str]) -> tuple[float, float, int]:
    """Run a command; return (wall seconds, peak memory of its process tree in MB, exit code).

    Memory is PSS (proportional set size): Chromium's and the kernels' processes share many pages,
    so summing their RSS would count those pages several times.
    """
    peak = 0.0
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    done = threading.Event()
    cpu: dict[tuple[int, float], tuple[str, float]] = {}  # (pid, start time) → (kind, CPU seconds when last seen)

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(process.pid)
        last_memory = 0.0
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = []
            for p in tree:
                try:
                    times, key = p.cpu_times(), (p.pid, p.create_time())
                    kind = cpu[key][0] if key in cpu else process_kind(p, root)
                    cpu[key] = (kind, times.user + times.system)
                except psutil.Error:
                    pass
            if time.monotonic() - last_memory >= 0.5:
                last_memory = time.monotonic()
                try:
                    peak = max(peak, sum(p.memory_full_info().pss for p in tree if p.is_running()) / 2**20)
                except psutil.Error:
                    pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        sys.stderr.write(err[-2000:])
    by_kind: dict[str, float] = {}
    for kind, seconds in cpu.values():
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
    CPU_SEEN[tuple(command)] = by_kind
    return time.perf_counter() - start, peak, process.returncode


CPU_SEEN: dict[tuple[str, ...], dict[str, float]] = {}  # command → CPU seconds by process kind (sampled)


def process_kind(p: psutil.Process, root: psutil.Process) -> str:
    """What a process of the run is, from its command line: the run itself, a worker, a kernel, Chromium, pandoc,
    Typst (a Python child compiling one PDF) or other."""
    if p.pid == root.pid:
        return "caremarket (parent)"
    line = " ".join(p.cmdline())
    for kind, marks in (("worker", ("spawn_main",)), ("Jupyter kernel", ("ipykernel",)),
                        ("Chromium", ("chromium", "chrome")), ("pandoc", ("pandoc",)), ("Typst", ("typst",))):
        if any(mark in line for mark in marks):
            return kind
    return "other"


def caremarket(data: Path, out: Path, codes: list[str], services: list[str], formats: str, jobs: int,
               force: bool) -> list[str]:
    """The `caremarket run` command line (`--all` when the codes are every council in the data)."""
    which = ["--all"] if codes == councils(data, None) else ["--council", *codes]
    return [sys.executable, "-m", "helpers.cli", "run", "--data", str(data), "--out", str(out), "--year", "2026",
            *which, "--service", *services, "--formats", formats, "--engine", "pandoc",
            "--jobs", str(jobs), *(["--force"] if force else [])]


def repeat(label: str, runs: int, fn) -> dict[str, float]:
    """Median wall time and peak memory over several runs of fn() → (seconds, MB, exit code)."""
    samples = []
    for i in range(runs):
        seconds, mb, code = fn()
        print(f"{label} run {i + 1}/{runs}: {seconds:.1f} s, peak {mb:.0f} MB, exit {code}", file=sys.stderr)
        samples.append((seconds, mb, code))
    return {"seconds": statistics.median(s for s, _, _ in samples), "peak_mb": max(m for _, m, _ in samples),
            "exit": max(c for _, _, c in samples), "runs": runs}


def councils(data: Path, limit: int | None) -> list[str]:
    """The councils in the data (reference order), the first `limit` of them."""
    from helpers.run.pipeline import councils_in_data
    codes = councils_in_data(data, WORK / "councils-cache")
    return codes[:limit] if limit else codes


def main() -> None:
    from helpers.services import SERVICES
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=None,
                   help="data folder (default: the demo data for all of England, written to benchmarks/work/england "
                        "first if it is not there)")
    p.add_argument("--councils", type=int, default=None, help="only the first N councils in the data")
    p.add_argument("--formats", default="html,pdf")
    p.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--repeats", type=int, default=3, help="runs of (b), (c), (d) and the single council")
    p.add_argument("--naive-repeats", type=int, default=1, help="runs of (a), the slow naive loop (0 skips it)")
    p.add_argument("--naive-councils", type=int, default=None,
                   help="run (a) on the first N councils only and scale it per council to all (England's naive loop "
                        "takes hours)")
    p.add_argument("--demo-repeats", type=int, default=1,
                   help="runs of `caremarket demo-data --councils all` into benchmarks/work (0 skips it)")
    p.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = p.parse_args()
    if args.data is None:
        args.data = WORK / "england"
        if not (args.data / "cqc").is_dir():
            print(f"writing the demo data for England to {args.data} …", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "helpers.cli", "demo-data", "--out", str(args.data), "--councils",
                            "all", "--seed", "2026"], check=True, stdout=subprocess.DEVNULL)
    data = args.data.resolve()
    services = list(SERVICES)
    codes = councils(data, args.councils)
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"{len(codes)} council(s) × {len(services)} service(s), {args.formats}, {args.jobs} job(s)", file=sys.stderr)

    def fresh(name: str) -> Path:
        folder = WORK / name
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def naive() -> tuple[float, float, int]:
        return measure([sys.executable, "-c", NAIVE, str(data), str(fresh("naive")), "2026", args.formats,
                        ",".join(services), *codes[:args.naive_councils]])

    def batch() -> tuple[float, float, int]:
        command = caremarket(data, fresh("batch"), codes, services, args.formats, args.jobs, force=True)
        measured = measure(command)
        BATCH_CPU.append(CPU_SEEN[tuple(command)])
        return measured

    def rerun() -> tuple[float, float, int]:
        return measure(caremarket(data, WORK / "batch", codes, services, args.formats, args.jobs, force=False))

    def floor() -> tuple[float, float, int]:
        return measure([sys.executable, "-c", FLOOR, str(data), str(WORK / "batch" / ".cache"), ",".join(services),
                        *codes])

    def single() -> tuple[float, float, int]:
        return measure(caremarket(data, WORK / "batch", codes[:1], services, args.formats, args.jobs, force=True))

    def single_cold() -> tuple[float, float, int]:
        copy = fresh("cold-data")  # a fresh data folder: no parsed files anywhere, as a newcomer's first run
        shutil.copytree(data, copy)
        return measure(caremarket(copy, fresh("cold"), codes[:1], services, args.formats, args.jobs, force=True))

    def demo_data() -> tuple[float, float, int]:
        return measure([sys.executable, "-m", "helpers.cli", "demo-data", "--out", str(fresh("demo-data")),
                        "--councils", "all", "--seed", "2026"])

    rows = {}
    if args.naive_repeats:
        rows["a"] = repeat("(a) naive", args.naive_repeats, naive)
    rows["b"] = repeat("(b) run", args.repeats, batch)
    rows["c"] = repeat("(c) unchanged rerun", args.repeats, rerun)
    rows["d"] = repeat("(d) floor", args.repeats, floor)
    rows["single"] = repeat("single council, warm", args.repeats, single)
    rows["single_cold"] = repeat("single council, cold", args.repeats, single_cold)
    if args.demo_repeats:
        rows["demo"] = repeat("demo data for England", args.demo_repeats, demo_data)
    write_results(args.results, rows, codes, services, args)


def breakdown(reports: Path) -> list[str]:
    """Where a forced run's time goes: per unit, the median and total seconds over the councils' manifests."""
    import json
    units: dict[str, list[float]] = {}
    for path in sorted(reports.glob("*/manifest.json")):
        for unit in json.loads(path.read_text(encoding="utf-8"))["units"]:
            units.setdefault(unit["unit"], []).append(unit["seconds"])
    total = sum(sum(v) for v in units.values()) or 1.0
    lines = ["| unit (per council) | median seconds | total seconds | share |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {statistics.median(v):.2f} | {sum(v):.0f} | {100 * sum(v) / total:.0f}% |"
              for name, v in units.items()]
    return lines


BATCH_CPU: list[dict[str, float]] = []  # (b)'s CPU by process kind, one entry per run


def cpu_breakdown(seen: dict[str, float], councils: int) -> list[str]:
    """(b)'s CPU seconds by process kind, per council, against what the 5-minute target allows on these cores."""
    total = sum(seen.values()) or 1.0
    lines = [f"Where (b)'s CPU goes, by process (the last run; every process of the run sampled each 0.1 s, so the "
             f"last tenth of a second of a short one, a pandoc or a Typst, is missed): {total:.0f} CPU-seconds, "
             f"{total / councils:.2f} a council, against the {300 * len(os.sched_getaffinity(0)) / 153:.2f} a "
             "council that 5 minutes for 153 councils allow on these cores.", "",
             "| process | CPU seconds | per council | share |", "|---|---:|---:|---:|"]
    lines += [f"| {kind} | {value:.0f} | {value / councils:.2f} | {100 * value / total:.0f}% |"
              for kind, value in sorted(seen.items(), key=lambda kv: -kv[1])]
    return lines


TARGETS = {"b": ("(b) ≤ 5 min for 153 councils", lambda r, n: r["b"]["seconds"] / n * 153 <= 300),
           "c": ("(c) ≤ 5 s", lambda r, n: r["c"]["seconds"] <= 5),
           "d": ("(d) floor ≤ 0.5 s per council", lambda r, n: r["d"]["seconds"] / n <= 0.5),
           "single": ("one council, warm ≤ 10 s", lambda r, n: r["single"]["seconds"] <= 10),
           "single_cold": ("one council on a fresh data folder ≤ 30 s", lambda r, n: r["single_cold"]["seconds"] <= 30),
           "a": ("(a)/(b) ≥ 5", lambda r, n: r["a"]["per_council"] * n / r["b"]["seconds"] >= 5),
           "demo": ("demo data for England ≤ 60 s", lambda r, n: r["demo"]["seconds"] <= 60),
           "memory": ("peak memory ≤ 4 GB", lambda r, n: max(v["peak_mb"] for v in r.values()) <= 4096)}


def write_results(path: Path, rows: dict[str, dict[str, float]], codes: list[str], services: list[str],
                  args: argparse.Namespace) -> None:
    """Write the measurements as a Markdown table, with the machine, the ratios and each target met or missed."""
    n = len(codes)
    naive_n = min(args.naive_councils or n, n)
    labels = {"a": f"(a) naive loop ({naive_n} council(s))", "b": "(b) `caremarket run` (cold cache, --force)",
              "c": "(c) unchanged rerun", "d": "(d) floor: helpers in-process",
              "single": "one council, warm (`run --council X --force`, the batch's cache)",
              "single_cold": "one council, cold (a fresh copy of the data folder and a fresh output)",
              "demo": "demo data for England (`demo-data --councils all`, 153 councils)"}
    lines = [f"# Benchmark results ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"- Machine: {platform.node()}, {platform.platform()}, {psutil.cpu_count()} cores "
             f"({len(os.sched_getaffinity(0))} usable), {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
             f"load average at the end {os.getloadavg()[0]:.1f}",
             f"- Data: {args.data} — {n} council(s) × {len(services)} service(s) ({', '.join(services)}) + the "
             f"oversight chapter, formats {args.formats}, --jobs {args.jobs}",
             f"- Medians of {args.repeats} run(s) ((a): {args.naive_repeats}); peak memory = largest sampled PSS "
             "of the whole process tree (kernels and browsers included)", "",
             "| run | seconds | seconds per council | peak memory (MB) | exit |", "|---|---:|---:|---:|---:|"]
    for key, row in rows.items():
        row["per_council"] = row["seconds"] / {"single": 1, "single_cold": 1, "a": naive_n, "demo": 153}.get(key, n)
        lines.append(f"| {labels[key]} | {row['seconds']:.1f} | {row['per_council']:.2f} | {row['peak_mb']:.0f} "
                     f"| {row['exit']} |")
    b, d = rows["b"]["seconds"], rows["d"]["seconds"]
    lines += ["", f"- (b)/(d) = {b / d:.1f}"]
    if "a" in rows:
        scaled = "" if naive_n == n else f" ((a) scaled per council from {naive_n} to {n} councils)"
        lines.append(f"- (a)/(b) = {rows['a']['per_council'] * n / b:.1f}{scaled}")
    lines.append(f"- (b) at this rate for 153 councils: {b / n * 153 / 60:.1f} min")
    lines += ["", f"Where (b)'s time goes (unit seconds from each council's manifest.json, {len(codes)} councils; "
                  "the units of a council run one after another in one worker):", "",
              *breakdown(WORK / "batch" / "2026")]
    if BATCH_CPU:
        lines += ["", *cpu_breakdown(BATCH_CPU[-1], n)]
    lines += ["", "| target | result |", "|---|---|"]
    for key, (label, met) in TARGETS.items():
        if key in rows or key == "memory":
            lines.append(f"| {label} | {'met' if met(rows, n) else '**missed**'} |")
    path.write_text(BEGIN + "\n" + "\n".join(lines) + "\n" + END + kept_sections(path), encoding="utf-8")
    print(path.read_text(encoding="utf-8"))


BEGIN, END = "<!-- run_benchmarks.py: begin (rewritten by each run) -->", "<!-- run_benchmarks.py: end -->"


def kept_sections(path: Path) -> str:
    """What follows this script's part of the results file (other benchmarks' sections, notes): kept as it is."""
    if not path.is_file():
        return "\n"
    text = path.read_text(encoding="utf-8")
    if END in text:
        return text.split(END, 1)[1]
    rest = text.split("\n## ", 1)  # an older file: keep its sections after the generated tables
    return "\n\n## " + rest[1] if len(rest) == 2 else "\n"


if __name__ == "__main__":
    main()
