"""A Papermill engine that reuses warm Jupyter kernels (one per slot) instead of starting one per notebook.

Starting a kernel and importing pandas/plotly costs about a second per notebook. A worker keeps one kernel per
slot (notebooks run side by side use different slots): on start-up it imports the helpers (the charts' PNGs are
drawn by the worker itself, publish.export_pngs, so a kernel opens no browser); between
notebooks ``%reset -f`` clears the user namespace, the working directory is restored and the
execution counter starts again at 1, so each output notebook looks like a fresh run.
Papermill still parameterises, executes and records every cell (engine name ``warm``).
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client import BlockingKernelClient, KernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE = "warm"
START_TIMEOUT = 60
SETUP = """\
import helpers.assess.assessment, helpers.present.publish  # noqa: F401 (imported once per kernel, not per notebook)
"""
# %reset -f runs two full garbage collections (0.2 s of a 1 s notebook, measured, with England's tables in memory);
# reference counting frees the namespace at once, and Python's own collector still finds cycles.
RESET = """\
def _reset(shell, gc=__import__("gc")):  # locals survive the reset of the namespace that holds _reset
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        shell.run_line_magic("reset", "-f")
    finally:
        gc.collect = collect
_reset(get_ipython())
import os as _os; _os.chdir({cwd!r}); del _os
get_ipython().execution_count = 1
"""


# log_level: not the "running over TCP without encryption" warning in every run's output (local kernel).
# HistoryManager: the notebooks never read their input history (In, Out, %history), and keeping it is an SQLite write
# per cell: measured, ≈ 1.5 ms of the kernel's CPU and ≈ 2 ms of wall a cell, ~40 cells a council.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]


class KernelSetupError(RuntimeError):
    """The warm kernel could not be started or reset."""


class WarmKernel:
    """One running kernel that notebooks are executed in, one after another."""

    def __init__(self, kernel_name: str, cwd: Path) -> None:
        self.kernel_name, self.cwd = kernel_name, Path(cwd)
        self.km: KernelManager | None = None
        self.kc: BlockingKernelClient | None = None

    def alive(self) -> bool:
        """True while the kernel process runs."""
        return self.km is not None and self.km.is_alive()

    def start(self) -> None:
        """Start the kernel and import the helpers."""
        self.km = KernelManager(kernel_name=self.kernel_name)
        self.km.start_kernel(cwd=str(self.cwd), extra_arguments=KERNEL_ARGUMENTS)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=START_TIMEOUT)
        self.run_code(SETUP)

    def run_code(self, code: str, timeout: float = START_TIMEOUT) -> None:
        """Execute set-up code outside the notebook's history; raise KernelSetupError if it fails."""
        assert self.kc is not None
        reply = self.kc.execute_interactive(code, store_history=False, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise KernelSetupError(f"kernel set-up failed: {reply['content'].get('ename')}: "
                                   f"{reply['content'].get('evalue')}")

    def reset(self) -> None:
        """Clear the namespace so the next notebook starts clean (modules stay loaded)."""
        self.run_code(RESET.format(cwd=str(self.cwd)))

    def shutdown(self) -> None:
        """Stop the kernel; safe to call twice."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            if self.km.is_alive():
                self.km.shutdown_kernel(now=True)
            self.km.cleanup_resources()
            self.km = None


_kernels: dict[int, WarmKernel] = {}  # slot → the process's warm kernel in that slot


def kernel(kernel_name: str, cwd: Path, slot: int = 0) -> WarmKernel:
    """The process's warm kernel in ``slot``, started (or restarted after a crash) on demand and reset for a new
    notebook. Notebooks run at once (one per thread) each use their own slot."""
    current = _kernels.get(slot)
    if current is not None and not current.alive():
        discard(slot)
        current = None
    if current is None:
        fresh = WarmKernel(kernel_name, cwd)
        try:
            fresh.start()
        except BaseException:
            fresh.shutdown()
            raise
        _kernels[slot] = current = fresh
    else:
        current.reset()
    return current


def discard(slot: int | None = None) -> None:
    """Shut the process's warm kernel in ``slot`` down (after a timeout or a crash), or every one (None: an interrupt,
    or the worker ending); several at once, side by side (≈ 0.1 s each)."""
    logging.getLogger("asyncio").addFilter(_unretrieved_cell)
    doomed = [_kernels.pop(key) for key in (list(_kernels) if slot is None else [slot]) if key in _kernels]
    with ThreadPoolExecutor(max(1, len(doomed)), thread_name_prefix="kernel-shutdown") as pool:
        list(pool.map(lambda current: current.shutdown(), doomed))


def _unretrieved_cell(record: logging.LogRecord) -> bool:
    """False for asyncio's "Task exception was never retrieved" about a cell whose kernel was shut down mid-run
    (a council stopped at its time limit, or interrupted): its poll for the reply fails once the sockets close,
    and the run has already reported the council; a traceback on stderr would only alarm."""
    text = record.getMessage()
    return not (text.startswith("Task exception was never retrieved") and "async_execute_cell" in text)


class WarmEngine(NBClientEngine):
    """Papermill's nbclient engine, run against the process's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=START_TIMEOUT, execution_timeout=None, **kwargs):
        """Execute every cell of the parameterised notebook in the warm kernel."""
        warm = kernel(kernel_name, Path(kwargs["input_path"]).resolve().parent, kwargs.get("slot", 0))
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "slot"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                             stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final)
        client.kc = warm.kc  # the kernel's own client: connected and ready, so no new client's start-up wait
        return client.execute()


papermill_engines.register(ENGINE, WarmEngine)
