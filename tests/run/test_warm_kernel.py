"""Tests of helpers.run.warm_kernel: notebooks share one kernel yet each starts as if fresh."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from helpers.run import warm_kernel


def write_notebook(path: Path, *sources: str) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def execute(path: Path) -> nbformat.NotebookNode:
    return pm.execute_notebook(str(path), str(path.with_suffix(".out.ipynb")), kernel_name="python3",
                               engine_name=warm_kernel.ENGINE, progress_bar=False)


@pytest.fixture
def kernel_after():
    yield
    warm_kernel.discard()


def test_a_notebook_sees_nothing_of_the_one_before_it_and_counts_from_one(tmp_path, kernel_after):
    first = write_notebook(tmp_path / "first.ipynb", "import os\nleftover = 42\npid = os.getpid()\nos.chdir('/')")
    second = write_notebook(tmp_path / "second.ipynb", "print('leftover' in globals())", "import os\nprint(os.getcwd())",
                            "import gc\nprint(type(gc.collect).__name__)", "print(os.getpid())")
    ran = execute(first)
    ran_second = execute(second)
    printed = [cell.outputs[0]["text"].strip() for cell in ran_second.cells]
    assert printed[0] == "False"  # the namespace was reset
    assert printed[1] == str(tmp_path)  # and the working directory restored
    assert printed[2] == "builtin_function_or_method"  # the reset's no-op gc.collect was put back
    assert [cell.execution_count for cell in ran_second.cells] == [1, 2, 3, 4]
    assert [cell.execution_count for cell in ran.cells] == [1]
    assert list(warm_kernel._kernels) == [0] and warm_kernel._kernels[0].alive()  # one kernel served both


def test_a_dead_kernel_is_replaced_for_the_next_notebook(tmp_path, kernel_after):
    notebook = write_notebook(tmp_path / "pid.ipynb", "import os\nprint(os.getpid())")
    before = execute(notebook).cells[0].outputs[0]["text"]
    warm_kernel._kernels[0].km.shutdown_kernel(now=True)
    after = execute(notebook).cells[0].outputs[0]["text"]
    assert before != after


def test_notebooks_run_at_once_in_their_own_slots_and_discard_stops_one_slot_or_all(tmp_path, kernel_after):
    import threading
    notebooks = [write_notebook(tmp_path / f"n{i}.ipynb", "import os, time\ntime.sleep(0.5)\nprint(os.getpid())")
                 for i in range(2)]
    printed: dict[int, str] = {}

    def run(slot: int) -> None:
        ran = pm.execute_notebook(str(notebooks[slot]), str(tmp_path / f"out{slot}.ipynb"), kernel_name="python3",
                                  engine_name=warm_kernel.ENGINE, progress_bar=False, slot=slot)
        printed[slot] = ran.cells[0].outputs[0]["text"]

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert printed[0] != printed[1]  # two kernel processes
    assert sorted(warm_kernel._kernels) == [0, 1]
    first = warm_kernel._kernels[1]
    warm_kernel.discard(1)
    assert sorted(warm_kernel._kernels) == [0] and not first.alive()
    warm_kernel.discard()
    assert warm_kernel._kernels == {}


def test_the_warm_kernel_writes_no_history_database(tmp_path, kernel_after):
    notebook = write_notebook(tmp_path / "history.ipynb", "history = get_ipython().history_manager",
                              "print(type(history.db).__name__, history.save_thread)")
    ran = execute(notebook)
    assert ran.cells[1].outputs[0]["text"].strip() == "DummyDB None"  # no SQLite database, no thread writing it
    assert [cell.execution_count for cell in ran.cells] == [1, 2]  # still counted from 1


def test_a_cell_cut_short_by_discarding_its_kernel_leaves_no_traceback_on_stderr(monkeypatch, capsys):
    import logging

    class Stopped:
        def shutdown(self) -> None:
            pass
    monkeypatch.setattr(warm_kernel, "_kernels", {0: Stopped()})
    warm_kernel.discard()  # a council stopped at its time limit mid-cell

    handler = logging.StreamHandler()  # stderr, as the worker's last-resort output
    logging.getLogger("asyncio").addHandler(handler)
    try:
        # what asyncio logs when the cell's poll for its reply fails once the kernel's sockets are closed
        record = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task exception was never retrieved\n"
                                   "future: <Task finished coro=<NotebookClient.async_execute_cell() done> "
                                   "exception=AssertionError()>", None, None)
        logging.getLogger("asyncio").handle(record)
        other = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task exception was never retrieved\n"
                                  "future: <Task finished coro=<something_else() done>>", None, None)
        logging.getLogger("asyncio").handle(other)
    finally:
        logging.getLogger("asyncio").removeHandler(handler)
    err = capsys.readouterr().err
    assert "async_execute_cell" not in err  # the cut-short cell: silent
    assert "something_else" in err  # any other task's lost exception is still shown
