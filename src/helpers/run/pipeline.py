"""The orchestration entry point: notebooks per council × service with Papermill, then the MPS render.

Reads like a recipe. ``run`` hashes the inputs once, plans each council (an unchanged council is
skipped, see run_cache), and hands the rest to a pool of worker processes (see workers), each
executing notebooks in a warm kernel (see warm_kernel; two or more side by side when there are fewer councils than
jobs) and drawing the charts' PNGs with one long-lived browser of its own (see chart_export).
``run_council`` is one council's recipe: every step is a unit, timed and with its error caught; its
outputs are written into a staging folder and moved into place only when every unit succeeded, so
a failed or interrupted run never leaves a half-written folder or loses the previous good output.

The output folder (checked before any work) and the staging folders are managed by run.output_folders.
"""
from __future__ import annotations

import json
import shutil
import threading
import time
from collections import deque
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from helpers import params
from helpers.present import changes, chart_export, render, statement
from helpers.present.publish import export_pngs, missing_pngs
from helpers.run import COUNCIL_WORKER, WORKER_TEARDOWN, manifest, national_parse, run_cache, uses_workers, workers
from helpers.councils import council
from helpers.errors import InputError, UsageError
from helpers.run.output_folders import INTERNAL, Staging, check_out, clear_staging, internal_dir, new_staging, recover_staging
from helpers.services import OVERSIGHT
from helpers.load.reading import sha256_file
from helpers.run.run_cache import InputFile, RunInputs

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "market_assessment.ipynb"
OVERSIGHT_NOTEBOOK = NOTEBOOK.with_name("market_oversight.ipynb")
DASHBOARD_NOTEBOOK = NOTEBOOK.with_name("provider_risk_dashboard.ipynb")  # the council's INTERNAL outputs
KERNEL = "python3"
EXPECTED_ERRORS = {"InputError", "UsageError"}
NOTEBOOK_TIMEOUT = 600  # seconds per cell
RENDER = "render"  # the unit name of a council's render (its other units are named by service)


@dataclass
class UnitResult:
    """The outcome of one unit: a council × service notebook, or a council's render."""

    council: str
    service: str
    status: str  # ran | cached | failed | not run
    seconds: float
    error: str = ""
    key: str = ""


@dataclass
class CouncilJob:
    """Everything a worker needs to produce one council's outputs (plain data, so it can be sent to a process)."""

    code: str
    name: str
    year: int
    data_dir: Path
    out_root: Path
    staging: Path
    services: list[str]
    formats: tuple[str, ...]
    engine: str
    keys: dict[str, str]  # unit → key
    reuse: list[str]  # services whose unchanged outputs are copied from the previous run
    inputs: RunInputs
    files: list[InputFile]
    params_info: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    last_statement: Path | None = None  # last year's key_figures.json, for "changes since the last statement"
    kernels: int = 1  # notebooks run at once, each in its own warm kernel (more than one: cores the pool leaves spare)
    last: bool = False  # its worker runs no council after it: kernels and browser are stopped while it renders

    @property
    def final(self) -> Path:
        """The council's published folder."""
        return self.out_root / str(self.year) / self.code

    @property
    def cache_dir(self) -> Path:
        """The parquet cache of parsed inputs, shared by every worker."""
        return self.out_root / ".cache"


# ------------------------------------------------------------------------------------- one council


def run_council(job: CouncilJob) -> list[UnitResult]:
    """Produce OUT/<year>/<code>/: notebooks, the MPS project, mps.html/pdf, key_figures.json and manifest.json,
    and the council's INTERNAL outputs in OUT/internal/<year>/<code>/.

    The notebooks run first (``job.kernels`` at once), then the render; the published folder and the internal one
    are moved into place only when every published unit succeeded (a failed internal notebook keeps the previous
    internal folder and does not hold back the MPS). To add a step: ``units.append(unit(job, "<name>", lambda:
    my_step(job, folder)))`` after the render; to write outside the published folder, stage that folder too with
    ``stage.folder(final)`` — it is moved into place with the others, or not at all.
    A worker's last council (``job.last``) stops its kernels and browser while it renders, not after (≈ 0.4–1 s).
    """
    chart_export.start()  # opens in the background while the kernels start
    with ThreadPoolExecutor(1, thread_name_prefix="release") as releasing, Staging(job.staging) as stage, \
            Staging(job.staging) as internal_stage, ThreadPoolExecutor(1, thread_name_prefix="chart-pngs") as pngs:
        folder = stage.folder(job.final)
        project = folder / "source"
        internal = internal_stage.folder(internal_dir(job.out_root, job.year, job.code))
        steps = {name: (lambda slot: internal_step(job, internal, slot)) if name == INTERNAL else
                 (lambda slot, s=name: notebook_step(job, s, folder, project, slot, pngs))
                 for name in notebook_order(job.services)}
        notebooks = notebook_units(job, steps)
        pngs.shutdown()  # every PNG drawn; one that failed is drawn again by the render, whose error names it
        if job.last and not any(missing_pngs(project, s) for s in job.services):  # the render needs no browser
            releasing.submit(release)  # the worker's teardown then finds nothing left to stop
        units = [u for u in notebooks if u.service != INTERNAL]  # the services, in the job's order
        if succeeded(units):
            units.append(unit(job, RENDER, lambda: render_step(job, folder, project)))
        if succeeded(units):
            write_council_manifest(job, folder, project, units)
            stage.commit()
            dashboard = next(u for u in notebooks if u.service == INTERNAL)
            if succeeded([dashboard]):
                internal_stage.commit()
            units.append(dashboard)
    return units


def notebook_order(services: list[str]) -> list[str]:
    """A council's notebook steps in the order kernels side by side take them, longest first: the first two
    services (they load the most), then the INTERNAL dashboard (≈ 0.8 s), then the rest; a one-council run ends
    ≈ 0.35 s sooner than with the dashboard last. One kernel runs them all anyway, in any order."""
    return [*services[:2], INTERNAL, *services[2:]]


def notebook_units(job: CouncilJob, steps: dict[str, Callable[[int], str | None]]) -> list[UnitResult]:
    """Run each notebook step as a unit, in steps' order, ``job.kernels`` at once: each thread takes the next step
    and runs it in its own warm kernel (its slot). A one-council run uses the cores a pool of councils would."""
    todo, done = deque(steps), {}

    def work(slot: int) -> None:
        while True:
            try:
                name = todo.popleft()  # atomic: two threads never take the same step
            except IndexError:
                return
            done[name] = unit(job, name, lambda: steps[name](slot))

    threads = [threading.Thread(target=work, args=(slot,), name=f"notebooks-{slot}", daemon=True)
               for slot in range(1, min(job.kernels, len(steps)))]
    for thread in threads:
        thread.start()
    work(0)
    for thread in threads:
        thread.join()
    return [done[name] for name in steps]


def internal_step(job: CouncilJob, folder: Path, slot: int = 0) -> None:
    """Execute the provider risk dashboard notebook into ``folder``, the council's staged INTERNAL folder (moved to
    OUT/internal/<year>/<code>/ by run_council): the dashboard, provider_risk.csv, the cost-of-care workbook and
    the executed notebook itself. The previous folder's provider_risk.csv tells the notebook who turned Red since
    the last run.
    """
    final = internal_dir(job.out_root, job.year, job.code)
    parameters = {"council": job.code, "year": job.year, "data_dir": str(Path(job.data_dir).resolve()),
                  "out_dir": str(folder.resolve()), "previous_dir": str(final.resolve()),
                  "cache_dir": str(job.cache_dir.resolve()), "engine": job.engine}
    execute_notebook(folder / DASHBOARD_NOTEBOOK.name, parameters, notebook=DASHBOARD_NOTEBOOK, slot=slot,
                     keep_failed=job.out_root / ".failed" / INTERNAL / str(job.year) / job.code
                     / DASHBOARD_NOTEBOOK.name)


def internal_outputs(internal: Path, code: str) -> list[Path]:
    """What internal_step leaves in a council's internal folder: the dashboard, its executed notebook and the
    cost-of-care workbook (provider_risk.csv only when provider intelligence was supplied)."""
    from helpers.present.dashboard import DASHBOARD
    return [internal / f"{DASHBOARD}.html", internal / DASHBOARD_NOTEBOOK.name, internal / f"cost_of_care_{code}.xlsx"]


def unit(job: CouncilJob, name: str, step: Callable[[], str | None]) -> UnitResult:
    """Run one step, timed; an error becomes a failed unit (the council stops, other councils go on)."""
    start = time.perf_counter()
    try:
        status = step() or "ran"
    except (InputError, render.RenderError) as exc:
        return UnitResult(job.code, name, "failed", time.perf_counter() - start, str(exc), job.keys.get(name, ""))
    except Exception as exc:  # an unexpected error in one council must not stop the others
        return UnitResult(job.code, name, "failed", time.perf_counter() - start, f"{type(exc).__name__}: {exc}",
                          job.keys.get(name, ""))
    return UnitResult(job.code, name, status, time.perf_counter() - start, "", job.keys.get(name, ""))


def succeeded(units: list[UnitResult]) -> bool:
    """True when no unit failed."""
    return all(u.status != "failed" for u in units)


def notebook_step(job: CouncilJob, service: str, folder: Path, project: Path, slot: int, pngs: Executor) -> str:
    """Execute the service's notebook into the staged folder and have its charts' PNGs drawn by ``pngs`` (this
    process's browser, in a thread, while the kernel runs the next notebook), or copy its unchanged outputs from the
    last run."""
    if service in job.reuse and copy_previous(job.final, folder, service):
        return "cached"
    (folder / "notebooks").mkdir(exist_ok=True)
    project.mkdir(exist_ok=True)
    parameters = {"council": job.code, "year": job.year, "data_dir": str(Path(job.data_dir).resolve()),
                  "mps_dir": str(project.resolve()), "cache_dir": str(job.cache_dir.resolve())}
    if service != OVERSIGHT:
        parameters["service"] = service
    execute_notebook(folder / "notebooks" / f"{service}.ipynb", parameters, slot=slot,
                     keep_failed=job.out_root / ".failed" / str(job.year) / job.code / f"{service}.ipynb",
                     notebook=OVERSIGHT_NOTEBOOK if service == OVERSIGHT else NOTEBOOK)
    pngs.submit(export_pngs, project, service)
    return "ran"


def copy_previous(previous: Path, folder: Path, service: str) -> bool:
    """Copy a service's executed notebook and artefacts from the previous output; False if they are missing."""
    from helpers.present.publish import artefact_dir
    notebook = previous / "notebooks" / f"{service}.ipynb"
    artefacts = artefact_dir(previous / "source", service)
    if not (notebook.is_file() and artefacts.is_dir()):
        return False
    (folder / "notebooks").mkdir(exist_ok=True)
    shutil.copy2(notebook, folder / "notebooks" / notebook.name)
    shutil.copytree(artefacts, artefact_dir(folder / "source", service))
    return True


def render_step(job: CouncilJob, folder: Path, project: Path) -> None:
    """Assemble the MPS Quarto project from the artefacts, write key_figures.json and render HTML/PDF, writing the
    data workbook meanwhile (openpyxl in a thread, while the render waits on pandoc and Typst)."""
    from helpers.present.data_workbook import write_data_workbook
    if job.last_statement is not None:
        shutil.copyfile(job.last_statement, project / changes.PREVIOUS_FILE)
    key_figures = statement.build_project(project, job.name, job.year, job.services, job.data_dir, job.code)
    (folder / "key_figures.json").write_text(json.dumps(key_figures, indent=2, sort_keys=True), encoding="utf-8")
    with ThreadPoolExecutor(1, thread_name_prefix="workbook") as pool:  # written while pandoc and Typst run
        workbook = pool.submit(write_data_workbook, project, job.services, folder / "mps_data.xlsx", job.name,
                               job.year)
        render.render(project, folder, formats=job.formats, engine=job.engine)
        workbook.result()


def write_council_manifest(job: CouncilJob, folder: Path, project: Path, units: list[UnitResult]) -> None:
    """Write manifest.json beside the council's reports: inputs, params, versions, unit keys and timings."""
    manifest.write_json(folder / manifest.COUNCIL_MANIFEST, manifest.council_manifest(
        code=job.code, name=job.name, year=job.year, inputs=job.inputs, files=job.files,
        known_vintages=manifest.vintages(project), units=[unit_record(u) for u in units], formats=job.formats,
        engine=job.engine, params_info=job.params_info, env=job.env, last_statement=job.last_statement))


def unit_record(u: UnitResult) -> dict[str, object]:
    """A unit's manifest entry."""
    record = asdict(u)
    record["unit"] = record.pop("service")
    record["seconds"] = round(u.seconds, 3)
    return record


def execute_notebook(output: Path, parameters: dict[str, object], keep_failed: Path | None = None,
                     notebook: Path = NOTEBOOK, slot: int = 0) -> None:
    """Run the market assessment notebook with Papermill in the warm kernel; an expected error becomes an InputError.

    ``slot``: which of the process's warm kernels runs it (notebooks run at once use different slots).
    A kernel that fails to start or dies is replaced and the notebook retried once (jupyter_client
    races for ports). A failed notebook is kept at ``keep_failed`` for inspection.
    The executed notebook is written once, when it has run (or failed: Papermill writes it with the error before
    raising), not after every cell: Papermill's default saves it 2 × cells + 3 times, each a validation and a write.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    from helpers.run import warm_kernel
    if not notebook.exists():
        raise InputError(f"notebook not found: {notebook} (run from a checkout of the project)")
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
                                engine_name=warm_kernel.ENGINE, progress_bar=False,
                                execution_timeout=NOTEBOOK_TIMEOUT, request_save_on_cell_execute=False, slot=slot)
            return
        except PapermillExecutionError as exc:
            if exc.ename in EXPECTED_ERRORS:
                raise InputError(exc.evalue) from None
            kept = keep(output, keep_failed)
            raise InputError(f"notebook {output.name} failed: {exc.ename}: {exc.evalue}"
                             + (f" (see {kept})" if kept else "")) from None
        except CellTimeoutError as exc:
            warm_kernel.discard(slot)
            raise InputError(f"notebook {output.name} timed out: {exc}") from None
        except Exception as exc:  # the kernel could not start, or died: start a fresh one and retry once
            warm_kernel.discard(slot)
            if attempt == 2:
                raise InputError(f"notebook {output.name} could not run: {type(exc).__name__}: {exc}") from None


def keep(output: Path, target: Path | None) -> Path | None:
    """Copy a failed notebook out of the staging folder so it survives the clean-up."""
    if target is None or not output.is_file():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(output, target)
    return target


# -------------------------------------------------------------------------------------- the run


def councils_in_data(data_dir: Path, cache_dir: Path | None = None) -> list[str]:
    """The councils with at least one location in the latest CQC directory, in reference-list order."""
    from helpers.councils import councils
    from helpers.load import cqc_directory
    present = set(cqc_directory.load_latest(Path(data_dir), cache_dir).data["la_code"].dropna())
    return [c for c in councils()["code"] if c in present]


def engine_used(engine: str) -> str:
    """The engine a render will actually use (auto → quarto when installed, else pandoc)."""
    if engine == "auto":
        return "quarto" if render.quarto_available() else "pandoc"
    return engine


def last_statement(out_root: Path, year: int, code: str, previous: Path | None = None) -> Path | None:
    """Last year's key_figures.json for a council: under ``previous`` (a year folder, or a reports folder holding
    <year - 1>/) when given, else in OUT/<year - 1>/<code>/; None when there is none."""
    roots = [previous, previous / str(year - 1)] if previous is not None else [Path(out_root) / str(year - 1)]
    found = [root / code / "key_figures.json" for root in roots if (root / code / "key_figures.json").is_file()]
    return found[0] if found else None


def plan(data_dir: Path, out_root: Path, year: int, codes: list[str], services: list[str],
         formats: tuple[str, ...], engine: str, force: bool, inputs: RunInputs,
         staging: Path, previous_root: Path | None = None) -> tuple[list[CouncilJob], list[UnitResult]]:
    """Split the councils into jobs to run and councils whose every unit is unchanged (returned as cached units)."""
    jobs, cached = [], []
    params_info, env = manifest.params_record(), manifest.environment()
    services = [*services, OVERSIGHT]
    for code in codes:
        area = council(code)
        keys = {s: run_cache.service_key(inputs, area["code"], year, s) for s in services}
        last = last_statement(out_root, year, area["code"], previous_root)
        keys[RENDER] = run_cache.render_key(keys, formats, engine_used(engine),
                                            sha256_file(last) if last is not None else None)
        final = Path(out_root) / str(year) / area["code"]
        previous = {} if force else run_cache.previous_keys(manifest.read_json(final / manifest.COUNCIL_MANIFEST))
        if (previous and all(previous.get(u) == k for u, k in keys.items())
                and outputs_exist(final, internal_dir(out_root, year, area["code"]), formats)):
            cached += [UnitResult(area["code"], u, "cached", 0.0, "", k) for u, k in keys.items()]
            continue
        jobs.append(CouncilJob(area["code"], area["name"], year, Path(data_dir), Path(out_root), staging, services,
                               formats, engine, keys, [s for s in services if previous.get(s) == keys[s]],
                               inputs, run_cache.council_inputs(inputs.files, area["code"]), params_info, env,
                               last))
    return jobs, cached


def outputs_exist(final: Path, internal: Path, formats: tuple[str, ...]) -> bool:
    """True when the council's folder has every requested report and its manifest, and its internal folder every
    internal output (see internal_outputs)."""
    return (all((final / f"mps.{fmt}").is_file() for fmt in formats) and (final / manifest.COUNCIL_MANIFEST).is_file()
            and all(p.is_file() for p in internal_outputs(internal, final.name)))


def prewarm(jobs: list[CouncilJob]) -> None:
    """Parse the national inputs of the run's year into the shared parquet cache once, and compute the national pass
    from them (helpers.assess.national: every council's figures with a national context), before workers would race
    to do both: each worker then reads the national tables from the cache instead of computing them."""
    from helpers.assess import national
    from helpers.assess.assessment import assess
    from helpers.load.inputs import Inputs
    job = jobs[0]
    services = [s for s in job.services if s != OVERSIGHT]
    try:
        national.prepare(Inputs(job.data_dir, job.code, job.cache_dir, job.year), services)
    except Exception:  # the councils' own runs report the error properly
        pass
    for service in services:
        try:
            assess(service, job.data_dir, job.code, job.cache_dir, job.year)
        except Exception:  # the council's own run reports the error properly
            pass


def release() -> None:
    """Shut down this process's warm kernels and close its chart-export browser, at once (when a worker ends, during
    its last council's render, or after an interrupt; warm_kernel is imported only where notebooks run)."""
    from helpers.run import warm_kernel
    with ThreadPoolExecutor(1, thread_name_prefix="close-browser") as closing_browser:
        browser = closing_browser.submit(chart_export.close)
        try:
            warm_kernel.discard()
        finally:
            browser.result()


def timed_council(job: CouncilJob) -> tuple[list[UnitResult], float]:
    """run_council's units and its wall time in seconds (its notebooks may run side by side: not their sum)."""
    start = time.perf_counter()
    units = run_council(job)
    return units, time.perf_counter() - start


def execute(jobs: list[CouncilJob], processes: int, timeout: float | None = None,
            spawned: Sequence[workers.Worker] = ()) -> Iterator[tuple[CouncilJob, list[UnitResult], float]]:
    """Run the jobs in a pool of worker processes (in this process when there is no time limit and only one worker
    or one job); yield each as it finishes, with its wall time. With ``timeout`` (seconds per council) a council still
    running is stopped by the parent (its worker terminated, its staged output removed) and reported failed; the
    others go on. ``spawned``: workers started early (workers.spawn with COUNCIL_WORKER), used first."""
    if not uses_workers(len(jobs), processes, timeout):
        workers.stop(spawned)
        if not jobs:  # every council unchanged: no kernel or browser was started, nothing to import and release
            return
        try:
            for job in jobs:
                yield job, *timed_council(job)
        finally:
            release()
        return
    if processes > 1 and len(jobs) > 1:
        prewarm(jobs)
    with closing(workers.imap_unordered(COUNCIL_WORKER, jobs, processes, teardown=WORKER_TEARDOWN, timeout=timeout,
                                        started=spawned)) as done:
        for job, outcome in done:
            if isinstance(outcome, tuple):
                yield job, *outcome
            elif isinstance(outcome, workers.TimedOut):
                yield job, [UnitResult(job.code, "*", "failed", outcome.seconds,
                                       f"{outcome} (the time limit per council, --timeout)")], outcome.seconds
            else:
                yield job, [UnitResult(job.code, "*", "failed", 0.0, str(outcome))], 0.0


def run(data_dir: Path, out_root: Path, year: int, codes: list[str], services: list[str],
        formats: tuple[str, ...] = ("html", "pdf"), engine: str = "auto", echo=print, *, jobs: int = 1,
        force: bool = False, progress_bar: bool | None = None, timeout: float | None = None,
        previous: Path | None = None, spawned: Sequence[workers.Worker] = ()) -> list[UnitResult]:
    """Run every council: unchanged councils are skipped, the rest run in a worker pool; one failure does not
    stop the others, nor does a council still running after ``timeout`` seconds (None: no limit), which is
    stopped and failed. Writes OUT/<year>/run_manifest.json when every unit succeeded, else (failed,
    interrupted — then it re-raises) run_manifest.failed.json beside the last good one (see write_run_manifest).
    An output folder it cannot write is a UsageError before any work (check_out). ``spawned``: workers the caller
    started early (workers.spawn), handed to execute; the caller stops them (workers.stop) whatever happens."""
    from helpers.run.progress import Progress
    data_dir, out_root = Path(data_dir), Path(out_root)
    if not data_dir.is_dir():
        raise InputError(f"data folder not found: {data_dir}")
    check_out(out_root, year, codes)
    started, clock = manifest.now(), time.perf_counter()
    out_root.mkdir(parents=True, exist_ok=True)
    recover_staging(out_root, echo)
    inputs = run_cache.run_inputs(data_dir, params.fingerprint(), [NOTEBOOK, OVERSIGHT_NOTEBOOK, DASHBOARD_NOTEBOOK])
    staging = new_staging(out_root)
    results: list[UnitResult] = []
    outcome = "error"
    try:
        todo, results = plan(data_dir, out_root, year, codes, services, formats, engine, force, inputs, staging,
                             previous)
        processes = max(1, min(jobs, len(todo)))
        for job in todo:  # fewer councils than jobs (one council, most often): each runs notebooks side by side
            job.kernels, job.last = max(1, jobs // len(todo)), len(todo) <= processes
        echo(f"{len(codes)} council(s): {len(codes) - len(todo)} unchanged since their last run (skipped), "
             f"{len(todo)} to run with {processes} worker(s)")
        if todo:  # England's files parsed by `jobs` processes at once, not by the first council's worker alone
            national_parse.parse_national(data_dir, todo[0].code, todo[0].cache_dir, year, jobs, echo, timeout)
        bar = Progress(len(todo), bar=progress_bar)
        try:
            for job, units, seconds in execute(todo, processes, timeout, spawned):
                results += units
                bar.council_done(job.code, units, seconds)
        finally:
            bar.close()
        outcome = "ok" if succeeded(results) else "failed"
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    finally:
        clear_staging(staging, echo)
        done = {u.council for u in results}
        results += [UnitResult(c, "*", "not run", 0.0) for c in codes if c not in done]
        write_run_manifest(out_root, year, started, time.perf_counter() - clock, outcome, inputs, results, {
            "data_dir": str(data_dir.resolve()), "out": str(out_root.resolve()), "year": year, "councils": codes,
            "services": services, "formats": list(formats), "engine": engine, "jobs": jobs, "force": force,
            "timeout": timeout, "previous": str(previous) if previous else None})
    return results


def write_run_manifest(out_root: Path, year: int, started: str, seconds: float, outcome: str, inputs: RunInputs,
                       results: list[UnitResult], options: dict[str, object]) -> Path:
    """Write the run's manifest: every input (hash, vintage), params, versions and each unit's outcome.

    A run whose outcome is "ok" writes OUT/<year>/run_manifest.json; any other (failed, interrupted, error)
    writes OUT/<year>/run_manifest.failed.json instead, so run_manifest.json always describes the last run that
    succeeded. Neither is ever deleted: compare their "finished" times to see which run came last."""
    known: dict[str, str] = {}
    for code in {u.council for u in results}:
        for record in manifest.read_json(out_root / str(year) / code / manifest.COUNCIL_MANIFEST).get("inputs", []):
            if record.get("vintage"):
                known[record.get("sha256") or Path(record["path"]).name] = record["vintage"]
    name = manifest.RUN_MANIFEST if outcome == "ok" else manifest.RUN_MANIFEST_FAILED
    return manifest.write_json(out_root / str(year) / name, manifest.run_manifest(
        options=options, started=started, seconds=seconds, outcome=outcome, inputs=inputs, known_vintages=known,
        units=[unit_record(u) for u in results], params_info=manifest.params_record(), env=manifest.environment()))
