"""`caremarket`: the command line (verbs demo-data, templates, validate, run). Exit codes: 0 success, 1 data/run error, 2 usage error."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from helpers.services import SERVICES
from helpers.errors import InputError, UsageError

COUNCIL_TIMEOUT = 900  # `run --timeout` default, seconds per council (a council takes ~5-20 s; a cell may take 600)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="caremarket", description="Care Market Workbook: market assessments and "
                                "Market Position Statements for English councils' adult social care.")
    sub = p.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo-data", help="write the synthetic demo dataset in the real published layouts")
    demo.add_argument("--out", required=True, type=Path, help="folder to write the demo data into")
    demo.add_argument("--councils", default="default",
                      help="'default' (seed councils and their regions), 'all', a number N, or CODE,CODE,…")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed → same files)")
    tmpl = sub.add_parser("templates", help="write the local-data xlsx templates (occupancy, fees, cost returns, …) and the statement's text skeletons")
    tmpl.add_argument("--out", required=True, type=Path, help="folder to write the templates into")
    check = sub.add_parser("validate", help="load every source found under a folder and report every problem")
    check.add_argument("--data", required=True, type=Path, help="folder holding the input files")
    run = sub.add_parser("run", help="execute the notebooks and render the MPS into OUT/<year>/<council>/")
    run.add_argument("--data", required=True, type=Path, help="folder holding the input files")
    run.add_argument("--out", required=True, type=Path, help="reports folder")
    run.add_argument("--year", required=True, type=int, help="the year of the statement, e.g. 2026")
    who = run.add_mutually_exclusive_group(required=True)
    who.add_argument("--council", nargs="+", metavar="CODE", help="ONS code(s), e.g. E08000019")
    who.add_argument("--all", action="store_true", help="every council in the data (with a location in the latest "
                     "CQC directory)")
    run.add_argument("--service", nargs="+", choices=SERVICES, default=None, help="service types (default: all available)")
    run.add_argument("--jobs", type=int, default=None, metavar="N",
                     help=f"worker processes (default: the number of cores, {default_jobs()})")
    run.add_argument("--force", action="store_true", help="rerun every unit, even those whose inputs are unchanged")
    run.add_argument("--formats", default="html,pdf", help="comma-separated: html,pdf")
    run.add_argument("--engine", choices=["auto", "quarto", "pandoc"], default="auto",
                     help="renderer: Quarto when installed (auto), or the built-in pandoc + typst engine")
    run.add_argument("--timeout", type=float, default=COUNCIL_TIMEOUT, metavar="SECONDS",
                     help="time limit per council: a council still running after it is stopped and reported "
                          f"failed, its previous output untouched, and the others go on (default: {COUNCIL_TIMEOUT}; "
                          "0: no limit)")
    run.add_argument("--previous", type=Path, default=None, metavar="DIR",
                     help="last year's reports (a <year> folder, or a reports folder holding <year-1>/) for 'changes "
                          "since the last statement' (default: OUT/<year-1>/ when it exists)")
    run.add_argument("--final", action="store_true",
                     help="publish only a final statement: refuse (exit 1, listing them) while any section the "
                          "council writes is still unwritten (without it, a draft marks them)")
    return p


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _demo_data(args: argparse.Namespace) -> int:
    from helpers import demo
    codes = demo.select_councils(args.councils)
    print(f"Writing synthetic demo data for {len(codes)} council(s) to {args.out} …", file=sys.stderr)
    for path in demo.generate(args.out, codes, args.seed):
        print(path)
    return 0


def _run(args: argparse.Namespace) -> int:
    if not 1900 < args.year < 2200:
        raise UsageError(f"--year {args.year}: expected a four-digit year such as 2026")
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if not formats or set(formats) - {"html", "pdf"}:
        raise UsageError(f"--formats {args.formats}: expected html, pdf or html,pdf")
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: expected a number of worker processes, 1 or more")
    if not args.timeout >= 0 or args.timeout == float("inf"):
        raise UsageError(f"--timeout {args.timeout:g}: expected a number of seconds, or 0 for no limit")
    services = args.service or list(SERVICES)
    timeout = args.timeout or None
    # The workers start importing now, while this process imports the pipeline, hashes the inputs and plans (≈ 0.7 s
    # sooner to a one-council run's first notebook); any the run does not need are stopped.
    from helpers.run import COUNCIL_WORKER, WORKER_TEARDOWN, uses_workers, workers
    processes = jobs if args.all else min(jobs, len(set(args.council)))  # --all: councils counted later, from the data
    # (as many workers as councils at most, so "more than one council" is "more than one worker" here)
    spawned = workers.spawn(COUNCIL_WORKER, WORKER_TEARDOWN, processes) if uses_workers(processes, processes,
                                                                                         timeout) else []
    try:
        return _run_councils(args, services, formats, jobs, timeout, spawned)
    finally:
        workers.stop(spawned)


def _run_councils(args: argparse.Namespace, services: list[str], formats: tuple[str, ...], jobs: int,
                  timeout: float | None, spawned: list) -> int:
    from helpers.run import output_folders, pipeline
    from helpers.councils import council
    from helpers.run.progress import summary_table
    output_folders.check_out(args.out, args.year)  # before anything is written (--all writes the cache under --out)
    if args.all:
        if not args.data.is_dir():
            raise InputError(f"data folder not found: {args.data}")
        codes = pipeline.councils_in_data(args.data, args.out / ".cache")
    else:
        codes = list(dict.fromkeys(council(c)["code"] for c in args.council))
    if args.previous is not None and not args.previous.is_dir():
        raise UsageError(f"--previous {args.previous}: not a folder (expected last year's reports)")
    if args.final:
        _refuse_unwritten(args.data, codes, services, args.year)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` or a scheduler stops the run as Ctrl-C does
    try:
        results = pipeline.run(args.data, args.out, args.year, codes, services, formats, args.engine,
                               echo=lambda m: print(m, file=sys.stderr), jobs=jobs, force=args.force,
                               timeout=timeout, previous=args.previous, spawned=spawned)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary_table(results), file=sys.stderr)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"error: {r.council} {r.service}: {r.error}", file=sys.stderr)
    councils_failed = {r.council for r in failed}
    cached = {r.council for r in results} - {r.council for r in results if r.status != "cached"}
    print(f"{len(codes)} council(s): {len(codes) - len(councils_failed) - len(cached)} done, {len(cached)} unchanged, "
          f"{len(councils_failed)} failed; reports in {args.out / str(args.year)}", file=sys.stderr)
    return 1 if failed else 0


def _refuse_unwritten(data_dir: Path, codes: list[str], services: list[str], year: int) -> None:
    """`run --final`: an InputError listing every slot any council has not written yet."""
    from helpers.present import authored
    from helpers.councils import council
    missing = [f"{council(code)['name']} ({code}): {slot.title} ({authored.FOLDER_SUFFIX.lstrip('_')} file "
               f"{code}{authored.FOLDER_SUFFIX}/{slot.file_name})"
               for code in codes for slot in authored.unwritten(data_dir, code, services, year)]
    if missing:
        raise InputError(f"--final: {len(missing)} section(s) of the statement are still to be written by the "
                         "council, so nothing was published:\n  " + "\n  ".join(missing))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _validate(args: argparse.Namespace) -> int:
    from helpers.load import validation
    reports = validation.validate(args.data)
    if not reports:
        raise InputError(f"no known source files found under {args.data}")
    print(validation.summary_table(reports, args.data))
    for r in reports:
        for problem in ([f"error: {r.error}"] if r.error else []) + [f"warning: {w}" for w in r.warnings]:
            print(problem)
    errors = sum(bool(r.error) for r in reports)
    print(f"{len(reports)} file(s) checked: {errors} with errors, {sum(len(r.warnings) for r in reports)} warning(s)")
    return 1 if errors else 0


def _templates(args: argparse.Namespace) -> int:
    from helpers.load.templates import write_templates
    from helpers.present.authored import write_skeletons
    for path in [*write_templates(args.out), *write_skeletons(args.out)]:
        print(path)
    return 0


COMMANDS = {"demo-data": _demo_data, "templates": _templates, "validate": _validate, "run": _run}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `caremarket` console script."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message (usage error → 2, --help → 0)
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"caremarket {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"caremarket {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("caremarket: interrupted; whatever had not finished left its previous output untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
