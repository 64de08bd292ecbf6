"""The batch run: unchanged councils skipped, a failing council isolated, interruptions leave no partial folder.

Small on purpose: the two demo councils, one service, HTML only.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from openpyxl import load_workbook

from helpers.run import manifest, output_folders, pipeline, run_cache, workers
from helpers.services import SERVICES
from helpers.cli import main
from helpers.councils import council

pytestmark = pytest.mark.slow

COUNCILS = ["E08000019", "E08000018"]  # Sheffield, Rotherham
SERVICE = SERVICES[0]
YEAR = 2026


def run(data: Path, out: Path, **options) -> list[pipeline.UnitResult]:
    options = {"jobs": 2, "progress_bar": False, **options}
    return pipeline.run(data, out, YEAR, COUNCILS, [SERVICE], ("html",), "pandoc", echo=lambda m: None, **options)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[Path]:
    """Staging folders or temporary files a run should not leave behind."""
    return [*out.glob(f"{output_folders.STAGING_PREFIX}*"), *out.rglob("*.tmp"), *(out / str(YEAR)).glob(".*")]


@pytest.fixture(scope="module")
def baseline(demo_dir, tmp_path_factory):
    """A first run over both councils with two workers: (data folder, reports folder, results)."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(demo_dir, data, dirs_exist_ok=True)
    out = tmp_path_factory.mktemp("reports")
    return data, out, run(data, out)


@pytest.fixture
def copies(baseline, tmp_path):
    """Private copies of the baseline's data and reports for a test that changes them."""
    data, out, _ = baseline
    shutil.copytree(data, tmp_path / "data")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "data", tmp_path / "out"


def test_first_run_writes_every_council_and_its_manifest(baseline):
    data, out, results = baseline
    assert {(r.council, r.service, r.status) for r in results} == {
        (c, u, "ran") for c in COUNCILS for u in (SERVICE, pipeline.OVERSIGHT, pipeline.RENDER, output_folders.INTERNAL)}
    for code in COUNCILS:
        folder = out / str(YEAR) / code
        assert (folder / "mps.html").is_file() and (folder / "notebooks" / f"{SERVICE}.ipynb").is_file()
        units = json.loads((folder / manifest.COUNCIL_MANIFEST).read_text())["units"]
        assert {u["unit"]: u["status"] for u in units} == {SERVICE: "ran", pipeline.OVERSIGHT: "ran",
                                                             pipeline.RENDER: "ran"}
        assert sorted(p.name for p in output_folders.internal_dir(out, YEAR, code).iterdir()) == [
            f"cost_of_care_{code}.xlsx", "provider_risk.csv", "provider_risk_dashboard.html",
            "provider_risk_dashboard.ipynb"]
    assert not leftovers(out)


def test_the_executed_dashboard_notebook_lands_in_the_internal_tree_with_its_outputs(baseline):
    data, out, _ = baseline
    for code in COUNCILS:
        internal = output_folders.internal_dir(out, YEAR, code)
        notebook = json.loads((internal / "provider_risk_dashboard.ipynb").read_text(encoding="utf-8"))
        injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
        assert f'council = "{code}"' in "".join(injected["source"])
        shown = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                 for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert any(f"{council(code)['name']}: " in t and "locations scored as at" in t for t in shown)
        most_at_risk = pd.read_csv(internal / "provider_risk.csv", dtype={"location_id": "str"})["location_id"][0]
        assert any(most_at_risk in t for t in shown)  # the head of the risk table
        published = out / str(YEAR) / code
        assert not [p for p in published.rglob("*") if p.name.startswith(("provider_risk", "cost_of_care_"))]


def test_the_internal_cost_workbook_holds_the_published_cost_figures(baseline):
    _, out, _ = baseline
    code = COUNCILS[1]  # Rotherham: its care home totals have a suppressed row
    published = load_workbook(out / str(YEAR) / code / "mps_data.xlsx")
    sheet = next(n for n in published.sheetnames if n.startswith("CH") and n.endswith("cost totals"))
    internal = load_workbook(output_folders.internal_dir(out, YEAR, code) / f"cost_of_care_{code}.xlsx")
    rows = list(published[sheet].iter_rows(min_row=2, values_only=True))
    assert rows and len(rows) == len(list(internal["Care homes totals"].iter_rows(min_row=2)))
    assert any("[c]" in row for row in rows)
    for mine, theirs in zip(internal["Care homes totals"].iter_rows(min_row=2, values_only=True), rows):
        for a, b in zip(mine, theirs):
            assert a == (pytest.approx(b, abs=0.006) if isinstance(b, float) else b)


def test_run_manifest_lists_every_input_with_its_hash(baseline):
    data, out, _ = baseline
    record = json.loads((out / str(YEAR) / manifest.RUN_MANIFEST).read_text())
    files = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file() and p.name != "README.md"}
    assert {i["path"] for i in record["inputs"]} == files
    assert all(len(i["sha256"]) == 64 for i in record["inputs"])
    assert any(i["vintage"] for i in record["inputs"] if i["scope"] == "national")
    assert record["outcome"] == "ok" and len(record["units"]) == 4 * len(COUNCILS)
    assert all(u["seconds"] > 0 for u in record["units"])


def test_unchanged_rerun_skips_every_unit_and_touches_nothing(copies):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    results = run(data, out)
    assert {r.status for r in results} == {"cached"}  # how fast that is belongs to benchmarks/ (c)
    assert {code: snapshot(out / str(YEAR) / code) for code in COUNCILS} == before


def test_force_reruns_everything(copies):
    data, out = copies
    assert {r.status for r in run(data, out, jobs=1, force=True)} == {"ran"}


def test_a_changed_local_file_reruns_only_that_council(copies):
    data, out = copies
    sheffield = snapshot(out / str(YEAR) / COUNCILS[0])
    (data / "local" / f"{COUNCILS[1]}_notes.txt").write_text("one more input for Rotherham")
    results = run(data, out)
    assert {r.council: r.status for r in results if r.service == pipeline.RENDER} == {
        COUNCILS[0]: "cached", COUNCILS[1]: "ran"}
    assert snapshot(out / str(YEAR) / COUNCILS[0]) == sheffield


@pytest.mark.parametrize("name", ["provider_risk_dashboard.html", "provider_risk_dashboard.ipynb",
                                  f"cost_of_care_{COUNCILS[0]}.xlsx"])
def test_a_missing_internal_dashboard_is_rebuilt_on_an_unchanged_rerun(copies, name):
    data, out = copies
    missing = output_folders.internal_dir(out, YEAR, COUNCILS[0]) / name
    missing.unlink()
    results = run(data, out)
    assert missing.is_file()
    assert {(r.council, r.service) for r in results if r.status == "ran"} == {
        (COUNCILS[0], pipeline.RENDER), (COUNCILS[0], output_folders.INTERNAL)}


def test_a_failed_internal_step_keeps_the_previous_internal_folder(copies):
    data, out = copies
    code = COUNCILS[0]
    internal = output_folders.internal_dir(out, YEAR, code)
    before = snapshot(internal)
    bad = list((data / "local").glob(f"{code}_provider_intelligence.*"))
    assert bad
    for path in bad:  # read by the dashboard's notebook only
        path.write_bytes(b"this is not a spreadsheet")
    results = run(data, out)
    failed = [r for r in results if r.status == "failed"]
    assert [(r.council, r.service) for r in failed] == [(code, output_folders.INTERNAL)]
    assert "cannot open as a spreadsheet" in failed[0].error
    assert snapshot(internal) == before  # the previous dashboard, notebook, CSV and workbook, untouched
    assert {r.status for r in results if r.council == code and r.service != output_folders.INTERNAL} == {"ran"}
    assert not leftovers(out)


def test_a_bad_local_file_fails_that_council_only_and_keeps_its_previous_output(copies, capsys):
    data, out = copies
    rotherham = snapshot(out / str(YEAR) / COUNCILS[1])
    good_manifest = (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes()
    for path in (data / "local").glob(f"{COUNCILS[1]}_*.xlsx"):
        path.write_bytes(b"this is not a spreadsheet")
    code = main(["run", "--data", str(data), "--out", str(out), "--year", str(YEAR), "--council", *COUNCILS,
                 "--service", SERVICE, "--formats", "html", "--engine", "pandoc", "--jobs", "2", "--force"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {COUNCILS[1]} {SERVICE}:" in err and "cannot open as a spreadsheet" in err
    assert "Traceback" not in err
    assert snapshot(out / str(YEAR) / COUNCILS[1]) == rotherham
    units = json.loads((out / str(YEAR) / COUNCILS[0] / manifest.COUNCIL_MANIFEST).read_text())["units"]
    assert {u["status"] for u in units} == {"ran"}  # Sheffield was rerun (--force) and written
    assert (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes() == good_manifest  # the last good run's, kept
    failed = json.loads((out / str(YEAR) / manifest.RUN_MANIFEST_FAILED).read_text())
    assert failed["outcome"] == "failed"
    failed_units = {(u["council"], u["unit"]) for u in failed["units"] if u["status"] == "failed"}
    assert (COUNCILS[1], SERVICE) in failed_units and {c for c, _ in failed_units} == {COUNCILS[1]}
    assert not leftovers(out)


def test_keyboard_interrupt_mid_run_leaves_no_partial_folder(copies, monkeypatch):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    good_manifest = (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.render, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(data, out, jobs=1, force=True)
    assert {code: snapshot(out / str(YEAR) / code) for code in COUNCILS} == before
    assert sorted(p.name for p in (out / str(YEAR)).iterdir()) == sorted([*COUNCILS, manifest.RUN_MANIFEST,
                                                                          manifest.RUN_MANIFEST_FAILED])
    assert (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes() == good_manifest
    assert json.loads((out / str(YEAR) / manifest.RUN_MANIFEST_FAILED).read_text())["outcome"] == "interrupted"
    assert not leftovers(out)


HOLD_RENDER = Path(__file__).parents[1] / "hold_render"  # a sitecustomize that stops every council at its render


def start_cli(data: Path, out: Path, hold_render: bool = False, *extra: str) -> subprocess.Popen:
    """`caremarket run` over both councils with two workers, in its own process group with Ctrl-C's default action
    (like a terminal's foreground job: a job started in the background of a script inherits SIGINT ignored, and
    Python then keeps ignoring it, so a test run from such a job would otherwise never see its Ctrl-C)."""
    env = dict(os.environ)
    if hold_render:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOLD_RENDER), env.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", "helpers.cli", "run", "--data", str(data), "--out", str(out),
                             "--year", str(YEAR), "--council", *COUNCILS, "--service", SERVICE, "--formats", "html",
                             "--engine", "pandoc", "--jobs", "2", "--force", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_staged_folders(out: Path, count: int, process: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until `count` councils have folders in the run's staging folder (work in progress; a council stages
    its published and its internal folder, both named <code>-…)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        staged = {p.name.split("-")[0] for s in out.glob(f"{output_folders.STAGING_PREFIX}*") for p in s.glob("E*")}
        if len(staged) >= count:
            return
        time.sleep(0.05)
    pytest.fail("the run never had work in progress to interrupt")


@pytest.mark.parametrize("stop", [lambda pid: os.killpg(pid, signal.SIGINT),  # Ctrl-C in a terminal
                                  lambda pid: os.kill(pid, signal.SIGTERM),  # `kill`
                                  lambda pid: os.killpg(pid, signal.SIGTERM)],  # `timeout`, or a scheduler's stop
                         ids=["ctrl-c", "sigterm", "sigterm-group"])
def test_ctrl_c_or_sigterm_stops_the_workers_and_leaves_no_partial_folder(copies, stop):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    process = start_cli(data, out, hold_render=True)  # so neither council can finish before the signal
    wait_for_staged_folders(out, len(COUNCILS), process)
    stop(process.pid)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted; whatever had not finished left its previous output untouched" in err and "Traceback" not in err
    assert {code: snapshot(out / str(YEAR) / code) for code in COUNCILS} == before
    assert not leftovers(out)


def test_a_council_past_its_time_limit_fails_cleanly_and_keeps_its_previous_output(copies):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    good_manifest = (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes()
    process = start_cli(data, out, True, "--timeout", "8")  # every council hangs at its render for 120 s
    _, err = process.communicate(timeout=100)
    assert process.returncode == 1, err
    for code in COUNCILS:
        assert f"error: {code} *: timed out after 8 s (the time limit per council, --timeout)" in err
    assert "Traceback" not in err and "held for 120 s" not in err
    assert {code: snapshot(out / str(YEAR) / code) for code in COUNCILS} == before
    assert (out / str(YEAR) / manifest.RUN_MANIFEST).read_bytes() == good_manifest
    failed = json.loads((out / str(YEAR) / manifest.RUN_MANIFEST_FAILED).read_text())
    assert failed["outcome"] == "failed" and failed["options"]["timeout"] == 8
    assert {(u["council"], u["status"]) for u in failed["units"]} == {(code, "failed") for code in COUNCILS}
    assert not leftovers(out)


def test_only_a_successful_run_writes_run_manifest_json(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "E08000019_notes.txt").write_text("x")
    inputs = run_cache.run_inputs(data, "params", [])
    ok = [pipeline.UnitResult("E08000019", SERVICE, "ran", 1.0)]
    failed = [pipeline.UnitResult("E08000019", SERVICE, "failed", 1.0, "no data")]
    good = pipeline.write_run_manifest(tmp_path, YEAR, manifest.now(), 1.0, "ok", inputs, ok, {})
    assert good.name == manifest.RUN_MANIFEST
    kept = good.read_bytes()
    for outcome in ("failed", "interrupted", "error"):
        beside = pipeline.write_run_manifest(tmp_path, YEAR, manifest.now(), 1.0, outcome, inputs, failed, {})
        assert beside == good.with_name(manifest.RUN_MANIFEST_FAILED) and good.read_bytes() == kept
        assert json.loads(beside.read_text())["outcome"] == outcome
    pipeline.write_run_manifest(tmp_path, YEAR, manifest.now(), 2.0, "ok", inputs, ok, {})
    assert json.loads(good.read_text())["seconds"] == 2.0 and beside.is_file()  # replaces the good one only


def test_a_killed_worker_fails_its_council_only_and_leaves_no_partial_folder(copies):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    process = start_cli(data, out)
    wait_for_staged_folders(out, 1, process)
    worker = next(p for p in psutil.Process(process.pid).children() if "spawn_main" in " ".join(p.cmdline()))
    worker.kill()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "the worker process died (killed by signal 9)" in err
    changed = [code for code in COUNCILS if snapshot(out / str(YEAR) / code) != before[code]]
    assert len(changed) <= 1  # the survivor's council was rewritten; the killed one kept its previous output
    for code in COUNCILS:
        assert (out / str(YEAR) / code / "mps.html").is_file()
    assert not leftovers(out)


def _job(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 10


def test_pool_replaces_a_dead_worker_and_finishes_the_other_jobs():
    results = dict(workers.imap_unordered(_job, [1, 2, 3, 4], processes=2))
    assert {k: v for k, v in results.items() if k != 2} == {1: 10, 3: 30, 4: 40}
    assert isinstance(results[2], workers.WorkerDied)


DEAD_PID = 999999999  # above any kernel's pid_max: no process has it


def killed_runs_staging(out: Path, pid: int = DEAD_PID, suffix: str = "0123abcd") -> Path:
    """A staging folder as a run killed with pid `pid` left it (name and marker as new_staging makes them)."""
    staging = out / f"{output_folders.STAGING_PREFIX}{pid}-{suffix}"
    staging.mkdir(parents=True)
    output_folders.write_staging_marker(staging, pid)
    return staging


def test_a_previous_output_caught_mid_move_is_put_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the killed run was given a relative --out ...
    staging = killed_runs_staging(Path("."))
    final = Path("2026") / "E08000019"
    final.mkdir(parents=True)
    (final / "mps.html").write_text("previous")
    with pytest.raises(FileNotFoundError):  # killed between its two renames: the new folder never arrived
        output_folders.replace_dir(staging / "never-made", final, staging)
    assert not final.exists() and list(staging.glob("old-*.target"))
    monkeypatch.chdir(tmp_path.parent)  # ... and the next run starts elsewhere, with an absolute one
    output_folders.recover_staging(tmp_path, echo=pytest.fail)
    assert (tmp_path / final / "mps.html").read_text() == "previous"
    assert not (tmp_path / staging).exists()


def test_a_killed_runs_staging_folder_is_cleared_even_when_its_pid_is_reused(tmp_path):
    reused = killed_runs_staging(tmp_path, os.getppid(), "00000001")  # a live process, but not the one that made it
    marker = json.loads((reused / output_folders.STAGING_MARKER).read_text())
    (reused / output_folders.STAGING_MARKER).write_text(json.dumps({**marker, "process_start": "1"}))
    running = killed_runs_staging(tmp_path, os.getppid(), "00000002")  # a run that is still going: not touched
    output_folders.recover_staging(tmp_path, echo=pytest.fail)
    assert not reused.exists() and running.is_dir()


def test_recovery_deletes_nothing_it_did_not_provably_make(tmp_path):
    user_folder = tmp_path / ".staging-notes"
    user_folder.mkdir()
    (user_folder / "notes.txt").write_text("mine")
    (tmp_path / ".staging-x").write_text("mine too")
    no_marker = tmp_path / f"{output_folders.STAGING_PREFIX}{DEAD_PID}-00000003"  # our name, but no marker
    (no_marker / "old-1").mkdir(parents=True)
    wrong_pid = killed_runs_staging(tmp_path, DEAD_PID, "00000004")
    (wrong_pid / output_folders.STAGING_MARKER).write_text(json.dumps({"program": "caremarket", "pid": 12}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    output_folders.write_staging_marker(elsewhere, DEAD_PID)
    (elsewhere / "keep.txt").write_text("mine")
    link = tmp_path / f"{output_folders.STAGING_PREFIX}{DEAD_PID}-00000005"
    link.symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / f"{output_folders.STAGING_PREFIX}{DEAD_PID}-00000006").write_text("a file with our name")
    escape = killed_runs_staging(tmp_path / "out", DEAD_PID, "00000007")  # its note points outside its root
    (escape / "old-1").mkdir()
    (escape / "old-1.target").write_text("../elsewhere/moved")
    before = snapshot(tmp_path)
    warnings: list[str] = []
    output_folders.recover_staging(tmp_path, echo=warnings.append)
    output_folders.recover_staging(tmp_path / "out", echo=warnings.append)
    assert snapshot(tmp_path) == before and link.is_symlink() and (no_marker / "old-1").is_dir()
    assert not (elsewhere / "moved").exists() and (escape / "old-1").is_dir()
    assert len(warnings) == 3
    assert str(no_marker) in warnings[0] and "no valid .caremarket-staging marker; left alone" in warnings[0]
    assert str(wrong_pid) in warnings[1] and "outside" in warnings[2]


def test_a_run_leaves_a_users_staging_named_entries_alone(copies, capsys):
    data, out = copies
    (out / ".staging-notes").mkdir()
    (out / ".staging-notes" / "notes.txt").write_text("my notes")
    (out / ".staging-x").write_text("my file")
    assert main(["run", "--data", str(data), "--out", str(out), "--year", str(YEAR), "--council", *COUNCILS,
                 "--service", SERVICE, "--formats", "html", "--engine", "pandoc", "--jobs", "2"]) == 0
    assert (out / ".staging-notes" / "notes.txt").read_text() == "my notes"
    assert (out / ".staging-x").read_text() == "my file"
    assert sorted(p.name for p in out.glob(f"{output_folders.STAGING_PREFIX}*")) == [".staging-notes", ".staging-x"]
    assert "warning" not in capsys.readouterr().err


def test_a_run_killed_with_sigkill_is_recovered_from_its_marked_staging_folder(copies):
    data, out = copies
    before = {code: snapshot(out / str(YEAR) / code) for code in COUNCILS}
    process = start_cli(data, out, True)
    wait_for_staged_folders(out, len(COUNCILS), process)
    os.killpg(process.pid, signal.SIGKILL)  # kill -9: no clean-up at all
    process.communicate(timeout=60)
    staging, = out.glob(f"{output_folders.STAGING_PREFIX}*")
    assert output_folders.staging_owner(staging)["pid"] == process.pid  # the marker the run wrote when it made it
    final = out / str(YEAR) / COUNCILS[0]
    with pytest.raises(FileNotFoundError):  # as if it had been killed between the two renames of a council
        output_folders.replace_dir(staging / "never-made", final, staging)
    assert not final.exists()
    output_folders.recover_staging(out, echo=pytest.fail)  # what the next run does first
    assert {code: snapshot(out / str(YEAR) / code) for code in COUNCILS} == before
    assert not leftovers(out)


def test_replace_dir_swaps_in_the_new_folder_and_drops_the_old(tmp_path):
    final, new = tmp_path / "E08000019", tmp_path / "staging" / "new"
    final.mkdir()
    (final / "mps.html").write_text("old")
    new.mkdir(parents=True)
    (new / "mps.html").write_text("new")
    output_folders.replace_dir(new, final, tmp_path / "staging")
    assert (final / "mps.html").read_text() == "new"
    assert list((tmp_path / "staging").iterdir()) == []


def _council_job(kernels: int) -> pipeline.CouncilJob:
    return pipeline.CouncilJob("E08000019", "Sheffield", YEAR, Path("data"), Path("out"), Path("staging"), [], ("html",),
                               "pandoc", {}, [], run_cache.RunInputs((), "", "", ""), [], kernels=kernels)


@pytest.mark.parametrize("kernels", [1, 2, 3])
def test_notebook_units_run_side_by_side_in_their_own_slots_and_report_in_the_steps_order(kernels):
    import threading
    seen: dict[str, tuple[int, str]] = {}
    all_started = threading.Barrier(kernels, timeout=30)
    names = ["a", "b", "c", "d", "e"]

    def step(name: str):
        def run(slot: int) -> None:
            seen[name] = (slot, threading.current_thread().name)
            if name in names[:kernels]:  # the first `kernels` steps run at once: none passes until all have started
                all_started.wait()
            if name == "c":
                raise pipeline.InputError("c failed")
        return run

    units = pipeline.notebook_units(_council_job(kernels), {n: step(n) for n in names})
    assert [u.service for u in units] == names
    assert [u.status for u in units] == ["ran", "ran", "failed", "ran", "ran"] and units[2].error == "c failed"
    assert {slot for slot, _ in seen.values()} == set(range(kernels))
    assert len({thread for _, thread in seen.values()}) == kernels  # one thread per slot, never two on one slot


def test_a_chart_png_that_failed_to_draw_is_drawn_by_the_render(demo_dir, tmp_path, monkeypatch):
    def broken(project, service):
        raise RuntimeError("the browser went away")

    monkeypatch.setattr(pipeline, "export_pngs", broken)
    results = pipeline.run(demo_dir, tmp_path, YEAR, COUNCILS[:1], [SERVICE], ("pdf",), "pandoc", echo=lambda m: None,
                           jobs=1, progress_bar=False)
    assert {r.status for r in results} == {"ran"}
    pngs = list((tmp_path / str(YEAR) / COUNCILS[0] / "source" / "artefacts" / SERVICE).glob("*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_release_stops_the_kernels_and_the_browser_side_by_side(monkeypatch):
    import threading
    both = threading.Barrier(2, timeout=10)  # neither returns until the other has started: they run at once
    monkeypatch.setattr(pipeline.chart_export, "close", both.wait)
    from helpers.run import warm_kernel
    monkeypatch.setattr(warm_kernel, "discard", both.wait)
    pipeline.release()
    assert not both.broken


@pytest.mark.parametrize("last, png_missing", [(True, False), (False, False), (True, True)])
def test_a_workers_last_council_stops_its_kernels_and_browser_while_it_renders(tmp_path, monkeypatch, last,
                                                                               png_missing):
    """...unless a chart's PNG is still to draw: the render draws it with the browser."""
    import threading
    released = threading.Event()
    seen: dict[str, bool] = {}

    def render(job, folder, project):
        seen["released during the render"] = released.wait(10 if last and not png_missing else 0.5)

    monkeypatch.setattr(pipeline.chart_export, "start", lambda: None)
    monkeypatch.setattr(pipeline, "notebook_units",
                        lambda job, steps: [pipeline.UnitResult(job.code, name, "ran", 0.0) for name in steps])
    monkeypatch.setattr(pipeline, "render_step", render)
    monkeypatch.setattr(pipeline, "write_council_manifest", lambda *args: None)
    monkeypatch.setattr(pipeline, "release", released.set)
    monkeypatch.setattr(pipeline, "missing_pngs", lambda project, service: ["ratings"] if png_missing else [])
    (tmp_path / "staging").mkdir()
    job = pipeline.CouncilJob("E08000019", "Sheffield", YEAR, tmp_path, tmp_path / "out", tmp_path / "staging",
                              [SERVICE], ("html",), "pandoc", {}, [], run_cache.RunInputs((), "", "", ""), [], last=last)
    units = pipeline.run_council(job)
    assert [u.status for u in units] == ["ran"] * 3
    assert seen["released during the render"] is (last and not png_missing)
