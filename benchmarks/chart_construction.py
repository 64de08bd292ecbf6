"""Micro-benchmark: milliseconds to build each MPS chart, through Plotly's validation (before) and from plain dicts.

Not a test: run it on demand. It builds every chart builder's figure on hand-made inputs of the demo's sizes (a
council's 5 ratings, 12 weeks × 5 occupancy series, 2 fee bands, 29 cost lines × 10 providers, ...) in two fresh
processes: one importing the package as it was at ``--before`` (default: the last commit that built charts through
go.Figure/update_layout, extracted with ``git archive``), one importing the working tree. Each builder runs
``--repeats`` times after 3 warm-up calls; the median and the largest time per call are written to
``results.md`` under "Chart construction" (that section only: the rest of the file is left as it is).

    .venv/bin/python benchmarks/chart_construction.py [--repeats 50] [--before REV] [--no-write]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.md"
HEADING = "## Chart construction"
BEFORE = "8f69cd8"  # the last commit whose charts went through Plotly's validating objects


def cases() -> dict[str, object]:
    """Each chart builder on hand-made inputs of the demo's sizes (imported from whichever package is on the path)."""
    import numpy as np
    import pandas as pd

    from helpers.assess import oversight
    from helpers.assess.cost_of_care import internal, published
    from helpers.present import charts

    p = {"suppression_marker": "[c]", "min_providers": 3}
    ratings = pd.DataFrame({"rating": ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not yet rated"],
                            "locations": [1, 74, 18, 2, 11], "percent": [0.9, 69.8, 17.0, 1.9, 10.4]})
    bench = pd.DataFrame({"area": ["Sheffield", "Comparators", "Yorkshire and The Humber", "England"],
                          "value": [7.25, 6.9, 6.8, 7.0], "councils": [1, 15, 15, 153]})
    weeks = pd.date_range("2026-01-04", periods=26, freq="W")
    occupancy = pd.DataFrame({"date": weeks[:12], **{f"s{i}": np.linspace(85.0 + i, 90.0 + i, 12) for i in range(5)}})
    unmet = pd.DataFrame({"week_ending": weeks, "hours": np.linspace(300.0, 420.0, 26)})
    projection = pd.DataFrame({"year": pd.to_datetime(["2026", "2029", "2031", "2036"]),
                               "demand": [4100.0, 4300.0, 4450.5, 4900.0], "capacity": [4000.0] * 4})
    flows = pd.DataFrame({"year": [2024, 2025], "entries": [6, 9], "exits": [4, 7]})
    gaps = pd.DataFrame({"band": ["Standard hourly rate", "Rural hourly rate"], "current_rate": [22.74, 23.35],
                         "median": [27.005, 27.005], "lq": [25.18, 25.18], "uq": [28.9, 28.9],
                         "gap_gbp": [4.27, 3.66], "gap_pct": [15.8, 13.5]})
    stats = pd.DataFrame({"category": ["", "Nursing"], "median": [812.4, "[c]"], "lq": [790.0, "[c]"],
                          "uq": [840.55, "[c]"]})
    themes = [f"Theme {i}" for i in range(7)]
    counts = pd.DataFrame({"theme": [*themes, "All actions"],
                           **{s: [i % 3 for i in range(8)] for s in ("Complete", "Green", "Amber", "Red", "Ongoing")}})
    calls = pd.DataFrame({"week_ending": weeks[:12], "calls_15_pct": np.linspace(9.0, 13.0, 12),
                          "calls_30_pct": np.linspace(39.0, 44.0, 12)})
    providers = [f"HC{i:03d}" for i in range(1, 11)]
    returns = pd.DataFrame([{"service": "home_care", "category": "", "cost_line": f"Line {line:02d}",
                             "provider_id": pid, "value": 1.0 + line + i / 10} for line in range(29)
                            for i, pid in enumerate(providers)])
    totals = pd.DataFrame({"service": "home_care", "category": "", "provider_id": providers,
                           "total": np.linspace(24.0, 27.0, 10), "staff": np.linspace(18.0, 20.0, 10),
                           "non_staff": np.linspace(6.0, 7.0, 10)})
    return {
        "ratings (rating_chart)": lambda: charts.rating_chart(ratings, "Sheffield"),
        "capacity_benchmark (benchmark_chart)": lambda: charts.benchmark_chart(
            "capacity_benchmark", bench, "Beds per 1,000 people aged 75+", "Beds"),
        "occupancy_trend (line_chart, 5 × 12)": lambda: charts.line_chart(
            "occupancy_trend", occupancy, "date", {f"s{i}": f"Series {i}" for i in range(5)}, "Occupancy", "%", "%"),
        "unmet_need (line_chart, 26 weeks)": lambda: charts.line_chart(
            "unmet_need", unmet, "week_ending", {"hours": "Hours waiting"}, "Unmet need", "Hours"),
        "demand_projection (line_chart, yearly)": lambda: charts.line_chart(
            "demand_projection", projection, "year", {"demand": "Demand", "capacity": "Capacity"}, "Demand", "Beds",
            yearly=True),
        "entries_exits (grouped_bar_chart)": lambda: charts.grouped_bar_chart(
            "entries_exits", flows, "year", {"entries": "Entries", "exits": "Exits"}, "Entries and exits",
            "Locations"),
        "cost_gap (gap_chart, HCA line)": lambda: published.gap_chart(gaps, "home_care", "Rotherham", p,
                                                                      ("2025-26", 32.14)),
        "cost_gap (median_chart)": lambda: published.median_chart(stats, "care_homes", "Kent", p),
        "action_status (oversight)": lambda: oversight._status_chart(counts),
        "home_care_calls (oversight)": lambda: oversight._calls_chart(calls),
        "INTERNAL box plot (29 lines × 10)": lambda: internal.internal_box_plot(returns, "home_care"),
        "INTERNAL providers (10)": lambda: internal.internal_provider_chart(totals, "home_care"),
    }


def measure(repeats: int) -> dict[str, object]:
    """Time each case in this process: {"helpers": where it came from, "ms": {case: [CPU ms per call, ...]},
    "wall_ms": {case: [wall-clock ms per call, ...]}}. CPU time, because other processes share the cores."""
    import helpers

    cpu, wall = {}, {}
    for name, build in cases().items():
        for _ in range(3):
            build()
        gc.collect()
        cpu[name], wall[name] = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            build()
            cpu[name].append((time.process_time() - start_cpu) * 1000)
            wall[name].append((time.perf_counter() - start) * 1000)
    return {"helpers": helpers.__file__, "ms": cpu, "wall_ms": wall}


def run_in(tree: Path, repeats: int) -> dict[str, object]:
    """measure() in a fresh interpreter importing the package under tree/src."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run([sys.executable, __file__, "--measure", "--repeats", str(repeats)], env=env, check=True,
                         capture_output=True, text=True, cwd=tree)
    result = json.loads(out.stdout)
    expected = (tree / "src" / "helpers" / "__init__.py").resolve()
    if Path(result["helpers"]).resolve() != expected:
        raise RuntimeError(f"measured {result['helpers']}, not {expected}")
    return result


def extract(rev: str, into: Path) -> Path:
    """The package (src/) and its params at a revision, from git archive: the working tree is not touched."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "src", "params"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def section(before: dict, after: dict, rev: str, repeats: int, load: float) -> str:
    def ms(v: float) -> str:
        return f"{v:.1f}"

    med = statistics.median
    rows = []
    for name in after["ms"]:
        b, a = before["ms"][name], after["ms"][name]
        rows.append(f"| {name} | {ms(med(b))} | {ms(max(b))} | {ms(med(a))} | {ms(max(a))} | {med(b) / med(a):.0f}× | "
                    f"{ms(med(before['wall_ms'][name]))} → {ms(med(after['wall_ms'][name]))} |")

    def overall(side: dict, key: str = "ms") -> tuple[str, str]:
        return ms(med([med(v) for v in side[key].values()])), ms(max(max(v) for v in side[key].values()))

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"{HEADING} ({when})", "",
        "Written by `benchmarks/chart_construction.py` (issue 17 item 2): milliseconds to build one chart (the "
        "builder's whole call: figure, alt text and data table) on hand-made inputs of the demo's sizes, "
        f"{repeats} calls each after 3 warm-up calls, each side in a fresh process on this machine. Before: "
        f"`{rev}`, figures through Plotly's validating objects (`go.Bar`, `update_layout`, `add_hline`); after: the "
        "working tree, figures from plain dicts (`charts.plain_figure`) with the same JSON "
        "(tests/present/test_chart_json.py). Times are CPU time of the process (the cores are shared: load average "
        f"{load:.1f} on {os.cpu_count()} cores when it started); the last column is the wall-clock median. A "
        "garbage collection that lands in a call shows in its max.", "",
        "| chart (builder) | before median ms | before max ms | after median ms | after max ms | median speed-up "
        "| wall-clock median ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        f"| **all builders** (median of medians; largest call) | {overall(before)[0]} | {overall(before)[1]} | "
        f"{overall(after)[0]} | {overall(after)[1]} | | {overall(before, 'wall_ms')[0]} → "
        f"{overall(after, 'wall_ms')[0]} |",
        ""])


def write_section(text: str) -> None:
    """Replace this benchmark's section of results.md (from its heading to the next '## ' heading), or append it."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    lines = current.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(HEADING)), None)
    if start is None:
        RESULTS.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    kept = lines[:start] + text.rstrip("\n").splitlines() + ([""] + lines[end:] if end < len(lines) else [])
    RESULTS.write_text("\n".join(kept) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--before", default=BEFORE, help="git revision of the 'before' package")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave results.md alone")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.repeats)))
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="chart-bench-") as tmp:
        before = run_in(extract(args.before, Path(tmp)), args.repeats)
    after = run_in(ROOT, args.repeats)
    text = section(before, after, args.before, args.repeats, load)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
