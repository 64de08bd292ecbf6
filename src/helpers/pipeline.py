"""The orchestration entry point: notebooks per council × service with Papermill, then the MPS render.

Reads like a recipe. ``run`` hashes the inputs once, plans each council (an unchanged council is
skipped, see run_cache), and hands the rest to a pool of worker processes (see workers), each
executing notebooks in one warm kernel with one long-lived chart-export browser (see warm_kernel).
``run_council`` is one council's recipe: every step is a unit, timed and with its error caught; its
outputs are written into a staging folder and moved into place only when every unit succeeded, so
a failed or interrupted run never leaves a half-written folder or loses the previous good output.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from helpers import manifest, params, render, run_cache, statement, workers
from helpers.councils import council
from helpers.errors import InputError
from helpers.run_cache import InputFile, RunInputs

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "market_assessment.ipynb"
OVERSIGHT_NOTEBOOK = NOTEBOOK.with_name("market_oversight.ipynb")
OVERSIGHT = "oversight"  # the council-wide chapter's unit, run after the service notebooks
INTERNAL = "internal"  # the internal provider risk dashboard, written outside the published folder
KERNEL = "python3"
EXPECTED_ERRORS = {"InputError", "UsageError"}
NOTEBOOK_TIMEOUT = 600  # seconds per cell
RENDER = "render"  # the unit name of a council's render (its other units are named by service)
STAGING_PREFIX = ".staging-"


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
    """Produce OUT/<year>/<code>/: notebooks, the MPS project, mps.html/pdf, key_figures.json and manifest.json.

    To add a step: ``units.append(unit(job, "<name>", lambda: my_step(job, folder)))`` after the
    render; to write outside the published folder, stage that folder too with ``stage.folder(final)``
    (e.g. OUT/internal/<year>/<code>/) — it is moved into place with the others, or not at all.
    """
    with Staging(job.staging) as stage:
        folder = stage.folder(job.final)
        project = folder / "source"
        units = [unit(job, service, lambda s=service: notebook_step(job, s, folder, project))
                 for service in job.services]
        if succeeded(units):
            units.append(unit(job, RENDER, lambda: render_step(job, folder, project)))
        if succeeded(units):
            write_council_manifest(job, folder, project, units)
            stage.commit()
    if succeeded(units):
        units.append(unit(job, INTERNAL, lambda: internal_step(job)))
    return units


def internal_step(job: CouncilJob) -> None:
    """The internal provider risk dashboard in OUT/internal/<year>/<code>/ (it stages and swaps its own folder)."""
    from helpers import oversight
    from helpers.inputs import Inputs
    today = Inputs(job.data_dir, job.code, job.cache_dir).vintage_date.date()
    oversight.write_internal_dashboard(job.data_dir, job.code, job.name, internal_dir(job.out_root, job.year, job.code),
                                       job.cache_dir, today, engine=job.engine)


def internal_dir(out_root: Path, year: int, code: str) -> Path:
    """Where a council's internal (never published) outputs go: a tree apart from OUT/<year>/."""
    return Path(out_root) / INTERNAL / str(year) / code


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


def notebook_step(job: CouncilJob, service: str, folder: Path, project: Path) -> str:
    """Execute the service's notebook into the staged folder, or copy its unchanged outputs from the last run."""
    if service in job.reuse and copy_previous(job.final, folder, service):
        return "cached"
    (folder / "notebooks").mkdir(exist_ok=True)
    project.mkdir(exist_ok=True)
    parameters = {"council": job.code, "year": job.year, "data_dir": str(Path(job.data_dir).resolve()),
                  "mps_dir": str(project.resolve()), "cache_dir": str(job.cache_dir.resolve())}
    if service != OVERSIGHT:
        parameters["service"] = service
    execute_notebook(folder / "notebooks" / f"{service}.ipynb", parameters,
                     keep_failed=job.out_root / ".failed" / str(job.year) / job.code / f"{service}.ipynb",
                     notebook=OVERSIGHT_NOTEBOOK if service == OVERSIGHT else NOTEBOOK)
    return "ran"


def copy_previous(previous: Path, folder: Path, service: str) -> bool:
    """Copy a service's executed notebook and artefacts from the previous output; False if they are missing."""
    from helpers.publish import artefact_dir
    notebook = previous / "notebooks" / f"{service}.ipynb"
    artefacts = artefact_dir(previous / "source", service)
    if not (notebook.is_file() and artefacts.is_dir()):
        return False
    (folder / "notebooks").mkdir(exist_ok=True)
    shutil.copy2(notebook, folder / "notebooks" / notebook.name)
    shutil.copytree(artefacts, artefact_dir(folder / "source", service))
    return True


def render_step(job: CouncilJob, folder: Path, project: Path) -> None:
    """Assemble the MPS Quarto project from the artefacts, write key_figures.json and render HTML/PDF."""
    from helpers.data_workbook import write_data_workbook
    key_figures = statement.build_project(project, job.name, job.year, job.services)
    (folder / "key_figures.json").write_text(json.dumps(key_figures, indent=2, sort_keys=True), encoding="utf-8")
    write_data_workbook(project, job.services, folder / "mps_data.xlsx", job.name, job.year)
    render.render(project, folder, formats=job.formats, engine=job.engine)


def write_council_manifest(job: CouncilJob, folder: Path, project: Path, units: list[UnitResult]) -> None:
    """Write manifest.json beside the council's reports: inputs, params, versions, unit keys and timings."""
    manifest.write_json(folder / manifest.COUNCIL_MANIFEST, manifest.council_manifest(
        code=job.code, name=job.name, year=job.year, inputs=job.inputs, files=job.files,
        known_vintages=manifest.vintages(project), units=[unit_record(u) for u in units], formats=job.formats,
        engine=job.engine, params_info=job.params_info, env=job.env))


def unit_record(u: UnitResult) -> dict[str, object]:
    """A unit's manifest entry."""
    record = asdict(u)
    record["unit"] = record.pop("service")
    record["seconds"] = round(u.seconds, 3)
    return record


def execute_notebook(output: Path, parameters: dict[str, object], keep_failed: Path | None = None,
                     notebook: Path = NOTEBOOK) -> None:
    """Run the market assessment notebook with Papermill in the warm kernel; an expected error becomes an InputError.

    A kernel that fails to start or dies is replaced and the notebook retried once (jupyter_client
    port races, STACK_NOTES). A failed notebook is kept at ``keep_failed`` for inspection.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    from helpers import warm_kernel
    if not notebook.exists():
        raise InputError(f"notebook not found: {notebook} (run from a checkout of the project)")
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
                                engine_name=warm_kernel.ENGINE, progress_bar=False,
                                execution_timeout=NOTEBOOK_TIMEOUT)
            return
        except PapermillExecutionError as exc:
            if exc.ename in EXPECTED_ERRORS:
                raise InputError(exc.evalue) from None
            kept = keep(output, keep_failed)
            raise InputError(f"notebook {output.name} failed: {exc.ename}: {exc.evalue}"
                             + (f" (see {kept})" if kept else "")) from None
        except CellTimeoutError as exc:
            warm_kernel.discard()
            raise InputError(f"notebook {output.name} timed out: {exc}") from None
        except Exception as exc:  # the kernel could not start, or died: start a fresh one and retry once
            warm_kernel.discard()
            if attempt == 2:
                raise InputError(f"notebook {output.name} could not run: {type(exc).__name__}: {exc}") from None


def keep(output: Path, target: Path | None) -> Path | None:
    """Copy a failed notebook out of the staging folder so it survives the clean-up."""
    if target is None or not output.is_file():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(output, target)
    return target


# ------------------------------------------------------------------------------- staging folders


class Staging:
    """Temporary folders in the run's staging folder, moved into place together by commit(), else removed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.pending: list[tuple[Path, Path]] = []

    def folder(self, final: Path) -> Path:
        """A new empty folder that will become ``final`` on commit."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{final.name}-", dir=self.root))
        tmp.chmod(0o755)
        self.pending.append((tmp, Path(final)))
        return tmp

    def commit(self) -> None:
        """Move every staged folder into place, each replacing its previous version."""
        while self.pending:
            tmp, final = self.pending.pop(0)
            replace_dir(tmp, final, self.root)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp, _ in self.pending:
            shutil.rmtree(tmp, ignore_errors=True)
        self.pending.clear()


def replace_dir(new: Path, final: Path, staging: Path | None = None) -> None:
    """Move a finished folder into place, removing the previous one only once the new one is there.

    The previous folder waits in the staging folder with a note of where it belongs, so a run killed
    between the two renames is repaired by the next run (recover_staging).
    """
    staging = Path(staging or new.parent)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = staging / f"old-{uuid.uuid4().hex}"
    note = old.with_suffix(".target")
    note.write_text(str(final), encoding="utf-8")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    note.unlink()


def new_staging(out_root: Path) -> Path:
    """This run's staging folder under the output root (same file system, so moves are renames)."""
    folder = Path(out_root) / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def recover_staging(out_root: Path) -> None:
    """Clear the staging folders of runs that were killed, putting back any previous output caught mid-move."""
    for folder in Path(out_root).glob(f"{STAGING_PREFIX}*"):
        if not _pid_alive(folder.name[len(STAGING_PREFIX):].split("-")[0]):
            clear_staging(folder)


def clear_staging(folder: Path) -> None:
    """Remove a staging folder, first moving back any previous output whose replacement never arrived."""
    for note in folder.glob("old-*.target"):
        old, final = note.with_suffix(""), Path(note.read_text(encoding="utf-8"))
        if old.is_dir() and not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            old.rename(final)
    shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()  # our own pid: a finished earlier run in this process


# -------------------------------------------------------------------------------------- the run


def councils_in_data(data_dir: Path, cache_dir: Path | None = None) -> list[str]:
    """The councils with at least one location in the latest CQC directory, in reference-list order."""
    from helpers.councils import councils
    from helpers.sources import cqc_directory
    present = set(cqc_directory.load_latest(Path(data_dir), cache_dir).data["la_code"].dropna())
    return [c for c in councils()["code"] if c in present]


def engine_used(engine: str) -> str:
    """The engine a render will actually use (auto → quarto when installed, else pandoc)."""
    if engine == "auto":
        return "quarto" if render.quarto_available() else "pandoc"
    return engine


def plan(data_dir: Path, out_root: Path, year: int, codes: list[str], services: list[str],
         formats: tuple[str, ...], engine: str, force: bool, inputs: RunInputs,
         staging: Path) -> tuple[list[CouncilJob], list[UnitResult]]:
    """Split the councils into jobs to run and councils whose every unit is unchanged (returned as cached units)."""
    jobs, cached = [], []
    params_info, env = manifest.params_record(), manifest.environment()
    services = [*services, OVERSIGHT]
    for code in codes:
        area = council(code)
        keys = {s: run_cache.service_key(inputs, area["code"], year, s) for s in services}
        keys[RENDER] = run_cache.render_key(keys, formats, engine_used(engine))
        final = Path(out_root) / str(year) / area["code"]
        previous = {} if force else run_cache.previous_keys(manifest.read_json(final / manifest.COUNCIL_MANIFEST))
        if (previous and all(previous.get(u) == k for u, k in keys.items())
                and outputs_exist(final, internal_dir(out_root, year, area["code"]), formats)):
            cached += [UnitResult(area["code"], u, "cached", 0.0, "", k) for u, k in keys.items()]
            continue
        jobs.append(CouncilJob(area["code"], area["name"], year, Path(data_dir), Path(out_root), staging, services,
                               formats, engine, keys, [s for s in services if previous.get(s) == keys[s]],
                               inputs, run_cache.council_inputs(inputs.files, area["code"]), params_info, env))
    return jobs, cached


def outputs_exist(final: Path, internal: Path, formats: tuple[str, ...]) -> bool:
    """True when the council's folder has every requested report and its manifest, and its internal dashboard exists."""
    from helpers.oversight import DASHBOARD
    return (all((final / f"mps.{fmt}").is_file() for fmt in formats) and (final / manifest.COUNCIL_MANIFEST).is_file()
            and (internal / f"{DASHBOARD}.html").is_file())


def prewarm(jobs: list[CouncilJob]) -> None:
    """Parse the national inputs into the shared parquet cache once, before workers would race to do it."""
    from helpers.assessment import assess
    job = jobs[0]
    for service in [s for s in job.services if s != OVERSIGHT]:
        try:
            assess(service, job.data_dir, job.code, job.cache_dir)
        except Exception:  # the council's own run reports the error properly
            pass


def execute(jobs: list[CouncilJob], processes: int) -> Iterator[tuple[CouncilJob, list[UnitResult]]]:
    """Run the jobs in this process (one worker) or in a pool of worker processes; yield each as it finishes."""
    from helpers import warm_kernel
    if processes <= 1 or len(jobs) <= 1:
        try:
            for job in jobs:
                yield job, run_council(job)
        finally:
            warm_kernel.discard()
        return
    prewarm(jobs)
    with closing(workers.imap_unordered(run_council, jobs, processes, teardown=warm_kernel.discard)) as done:
        for job, outcome in done:
            yield job, outcome if isinstance(outcome, list) else [UnitResult(job.code, "*", "failed", 0.0, str(outcome))]


def run(data_dir: Path, out_root: Path, year: int, codes: list[str], services: list[str],
        formats: tuple[str, ...] = ("html", "pdf"), engine: str = "auto", echo=print, *, jobs: int = 1,
        force: bool = False, progress_bar: bool | None = None) -> list[UnitResult]:
    """Run every council: unchanged councils are skipped, the rest run in a worker pool; one failure does not
    stop the others. Writes OUT/<year>/run_manifest.json, also when interrupted (then it re-raises)."""
    from helpers.progress import Progress
    data_dir, out_root = Path(data_dir), Path(out_root)
    if not data_dir.is_dir():
        raise InputError(f"data folder not found: {data_dir}")
    started, clock = manifest.now(), time.perf_counter()
    out_root.mkdir(parents=True, exist_ok=True)
    recover_staging(out_root)
    inputs = run_cache.run_inputs(data_dir, params.fingerprint(), [NOTEBOOK, OVERSIGHT_NOTEBOOK])
    staging = new_staging(out_root)
    results: list[UnitResult] = []
    outcome = "error"
    try:
        todo, results = plan(data_dir, out_root, year, codes, services, formats, engine, force, inputs, staging)
        processes = max(1, min(jobs, len(todo)))
        echo(f"{len(codes)} council(s): {len(codes) - len(todo)} unchanged since their last run (skipped), "
             f"{len(todo)} to run with {processes} worker(s)")
        bar = Progress(len(todo), bar=progress_bar)
        try:
            for job, units in execute(todo, processes):
                results += units
                bar.council_done(job.code, units)
        finally:
            bar.close()
        outcome = "ok" if succeeded(results) else "failed"
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    finally:
        clear_staging(staging)
        done = {u.council for u in results}
        results += [UnitResult(c, "*", "not run", 0.0) for c in codes if c not in done]
        write_run_manifest(out_root, year, started, time.perf_counter() - clock, outcome, inputs, results, {
            "data_dir": str(data_dir.resolve()), "out": str(out_root.resolve()), "year": year, "councils": codes,
            "services": services, "formats": list(formats), "engine": engine, "jobs": jobs, "force": force})
    return results


def write_run_manifest(out_root: Path, year: int, started: str, seconds: float, outcome: str, inputs: RunInputs,
                       results: list[UnitResult], options: dict[str, object]) -> Path:
    """Write OUT/<year>/run_manifest.json: every input (hash, vintage), params, versions and each unit's outcome."""
    known: dict[str, str] = {}
    for code in {u.council for u in results}:
        for record in manifest.read_json(out_root / str(year) / code / manifest.COUNCIL_MANIFEST).get("inputs", []):
            if record.get("vintage"):
                known[Path(record["path"]).name] = record["vintage"]
    return manifest.write_json(out_root / str(year) / manifest.RUN_MANIFEST, manifest.run_manifest(
        options=options, started=started, seconds=seconds, outcome=outcome, inputs=inputs, known_vintages=known,
        units=[unit_record(u) for u in results], params_info=manifest.params_record(), env=manifest.environment()))
