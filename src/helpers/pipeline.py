"""The orchestration entry point: notebooks per council × service with Papermill, then the MPS render.

Reads like a recipe: for each council, execute each service's notebook into a temporary folder,
assemble the Quarto project from the artefacts they wrote, render HTML/PDF, and only then move
the folder into place — so a failed run never touches the previous good output.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import render, statement
from helpers.councils import council
from helpers.errors import InputError

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "market_assessment.ipynb"
KERNEL = "python3"
EXPECTED_ERRORS = {"InputError", "UsageError"}


@dataclass
class UnitResult:
    """The outcome of one council's run."""

    council: str
    status: str
    seconds: float
    error: str = ""


def execute_notebook(output: Path, parameters: dict[str, object]) -> None:
    """Run the market assessment notebook with Papermill; an expected error becomes an InputError."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError
    if not NOTEBOOK.exists():
        raise InputError(f"notebook not found: {NOTEBOOK} (run from a checkout of the project)")
    try:
        pm.execute_notebook(str(NOTEBOOK), str(output), parameters=parameters, kernel_name=KERNEL,
                            cwd=str(NOTEBOOK.parent), progress_bar=False, execution_timeout=600)
    except PapermillExecutionError as exc:
        if exc.ename in EXPECTED_ERRORS:
            raise InputError(exc.evalue) from None
        raise InputError(f"notebook {output.name} failed: {exc.ename}: {exc.evalue} (see {output})") from None


def replace_dir(new: Path, final: Path) -> None:
    """Move a finished folder into place, removing the previous one only once the new one is there."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def run_council(data_dir: Path, out_root: Path, year: int, code: str, services: list[str],
                formats: tuple[str, ...], engine: str) -> Path:
    """Produce reports/<year>/<code>/ for one council: notebooks, MPS project, mps.html/pdf, key_figures.json."""
    area = council(code)
    year_dir = Path(out_root) / str(year)
    year_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{area['code']}.tmp-", dir=year_dir))
    tmp.chmod(0o755)
    try:
        project = tmp / "source"
        (tmp / "notebooks").mkdir()
        project.mkdir()
        for service in services:
            execute_notebook(tmp / "notebooks" / f"{service}.ipynb", {
                "council": area["code"], "year": year, "service": service, "data_dir": str(Path(data_dir).resolve()),
                "mps_dir": str(project.resolve()), "cache_dir": str((Path(out_root) / ".cache").resolve())})
        key_figures = statement.build_project(project, area["name"], year, services)
        (tmp / "key_figures.json").write_text(json.dumps(key_figures, indent=2, sort_keys=True), encoding="utf-8")
        render.render(project, tmp, formats=formats, engine=engine)
        final = year_dir / area["code"]
        replace_dir(tmp, final)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def run(data_dir: Path, out_root: Path, year: int, codes: list[str], services: list[str],
        formats: tuple[str, ...] = ("html", "pdf"), engine: str = "auto", echo=print) -> list[UnitResult]:
    """Run every council in turn; one council's failure does not stop the others."""
    if not Path(data_dir).is_dir():
        raise InputError(f"data folder not found: {data_dir}")
    results = []
    for i, code in enumerate(codes, 1):
        start = time.perf_counter()
        echo(f"[{i}/{len(codes)}] {code}: running {', '.join(services)}…")
        try:
            final = run_council(data_dir, out_root, year, code, services, formats, engine)
            results.append(UnitResult(code, "ok", time.perf_counter() - start))
            echo(f"[{i}/{len(codes)}] {code}: done in {results[-1].seconds:.1f} s → {final}")
        except (InputError, render.RenderError) as exc:
            results.append(UnitResult(code, "failed", time.perf_counter() - start, str(exc)))
    return results
