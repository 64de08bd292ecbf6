"""A small process pool for council jobs: each job goes to one idle worker over its own pipe, so the parent
always knows which worker holds which job. A worker that dies fails only its own job and is replaced;
closing the pool (normally, on an error or on Ctrl-C) stops every worker. With a time limit, a job still
running when it passes is reported as TimedOut at once and its worker is stopped the same way (SIGTERM,
then SIGKILL after STOP_SECONDS) while the other workers go on; a fresh worker takes the next job.

Workers ignore SIGINT — the parent decides — and turn SIGTERM into KeyboardInterrupt so their own
clean-up (temporary folders, the warm kernels, the chart browser) runs before they exit; once that clean-up
has begun they ignore SIGTERM, which arrives twice when a whole process group is stopped.
"""
from __future__ import annotations

import contextlib
import importlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

J = TypeVar("J")
STOP_SECONDS = 20  # how long a terminated worker gets for its clean-up before it is killed


class WorkerDied(Exception):
    """The worker process running a job exited before returning its result."""


class JobFailed(Exception):
    """The job raised in the worker; the message carries the worker's exception."""


class TimedOut(Exception):
    """The job was still running when its time limit passed; its worker was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


@dataclass
class Worker:
    """A worker process, the pipe its jobs and results go through, and the job it holds."""

    process: mp.process.BaseProcess
    conn: Connection
    job: object | None = None
    since: float = 0.0  # time.monotonic() when the job was sent; for a stopping worker, when it is killed


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _resolve(target: Callable | str | None) -> Callable | None:
    """A function, or the one named "module:function" (imported here, in the worker)."""
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(conn: Connection, fn: Callable | str, teardown: Callable[[], None] | str | None) -> None:
    """A worker's life: run each job received until told to stop (None), then tear down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        fn, teardown = _resolve(fn), _resolve(teardown)  # their imports, before the first job arrives
        while (job := conn.recv()) is not None:
            try:
                conn.send(("ok", fn(job)))
            except Exception as exc:  # one job's unexpected error is reported, the worker lives on
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    except (KeyboardInterrupt, EOFError):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM (group, then parent) must not cut the clean-up
        if teardown is not None:
            teardown()
    _exit_now()


def _exit_now() -> None:
    """End the worker without the interpreter's clean-up: after teardown nothing is left to close or write, and freeing
    its objects one by one (England's tables, pandas, plotly) only kept the parent waiting, ≈ 0.3 s, measured."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def spawn(fn: str, teardown: str | None, processes: int) -> list[Worker]:
    """Start ``processes`` workers now, before their jobs are known, for ``imap_unordered(..., started=...)``: they
    import while the caller is still getting ready (a run's own imports, hashing and planning). ``fn`` and
    ``teardown`` are named "module:function", so the caller need not import them. Whoever ends up not handing them
    to ``imap_unordered`` stops them with ``stop``."""
    ctx = mp.get_context("spawn")
    return [_start(ctx, fn, teardown) for _ in range(processes)]


def stop(started: Sequence[Worker]) -> None:
    """Stop workers from ``spawn`` that no job needed (each finishes its imports and tears down); those a pool has
    already stopped are left alone, so this is safe to call on every worker ``spawn`` gave."""
    _stop([w for w in started if not w.conn.closed])


def _start(ctx: mp.context.BaseContext, fn: Callable | str, teardown: Callable[[], None] | str | None) -> Worker:
    """Start a worker with SIGINT ignored from its first instruction: a Ctrl-C while it is still importing (before
    _serve) would otherwise print a KeyboardInterrupt traceback from multiprocessing's bootstrap. The parent ignores
    SIGINT only while the process is created (milliseconds)."""
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child, fn, teardown), daemon=True)
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited through the spawn's exec
        try:
            process.start()
        finally:
            signal.signal(signal.SIGINT, previous)
    else:
        process.start()
    child.close()
    return Worker(process, parent)


def _stop(workers: list[Worker], stopping: list[Worker] = ()) -> None:
    """Ask idle workers to finish, terminate busy ones, and make sure every one (and every stopping one) has exited."""
    for w in workers:
        try:
            if w.job is None and w.process.is_alive():
                w.conn.send(None)
            else:
                w.process.terminate()
        except (OSError, ValueError):
            w.process.terminate()
    for w in workers:
        _finish(w, time.monotonic() + STOP_SECONDS)
    for w in stopping:
        _finish(w, w.since)


def _finish(w: Worker, kill_at: float) -> None:
    """Wait for a worker to exit until kill_at, then kill it."""
    w.process.join(max(0.0, kill_at - time.monotonic()))
    if w.process.is_alive():
        w.process.kill()
        w.process.join()
    w.conn.close()


def _reap(stopping: list[Worker], now: float) -> list[Worker]:
    """The stopping workers still cleaning up; those that exited are closed, those past their deadline killed."""
    left = []
    for w in stopping:
        if w.process.is_alive() and now < w.since:
            left.append(w)
        else:
            _finish(w, now)
    return left


def _wait_seconds(busy: list[Worker], stopping: list[Worker], timeout: float | None) -> float | None:
    """How long the pool may wait before a job's time limit or a stopping worker's kill deadline passes."""
    deadlines = [w.since + timeout for w in busy] if timeout is not None else []
    deadlines += [w.since for w in stopping]
    return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None


def imap_unordered(fn: Callable[[J], object] | str, jobs: Iterable[J], processes: int,
                   teardown: Callable[[], None] | str | None = None, timeout: float | None = None,
                   started: Sequence[Worker] = ()) -> Iterator[tuple[J, object]]:
    """Yield (job, result) as jobs finish; result is a WorkerDied, JobFailed or TimedOut when the job did not return.

    ``timeout`` (seconds, None for none) limits each job from when it is handed to a worker.
    ``fn`` and ``teardown`` must be importable top-level functions, or their "module:function" names (workers are
    spawned fresh). ``started``: workers from ``spawn`` with the same ``fn`` and ``teardown``, used first (those
    not needed are stopped); the pool owns them from here.
    """
    ctx = mp.get_context("spawn")
    todo = deque(jobs)
    wanted = min(max(1, processes), len(todo))
    stop(started[wanted:])
    workers: list[Worker | None] = [*started[:wanted],
                                     *(_start(ctx, fn, teardown) for _ in range(wanted - len(started[:wanted])))]
    stopping: list[Worker] = []  # workers stopped at their job's time limit, cleaning up
    try:
        while True:
            workers = [w for w in workers if w is not None]
            for w in workers:
                if w.job is None and todo:
                    w.job, w.since = todo.popleft(), time.monotonic()
                    w.conn.send(w.job)
            busy = [w for w in workers if w.job is not None]
            if not busy:
                break
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy + stopping],
                         _wait_seconds(busy, stopping, timeout))
            now = time.monotonic()
            stopping = _reap(stopping, now)
            for i, w in enumerate(workers):
                if w is None or w.job is None:
                    continue
                if w.conn in ready or w.process.sentinel in ready:
                    job, w.job = w.job, None
                    outcome = _receive(w)
                    if not w.process.is_alive():
                        w.conn.close()
                        workers[i] = _start(ctx, fn, teardown) if todo else None
                elif timeout is not None and now - w.since >= timeout:
                    job, w.job = w.job, None
                    w.process.terminate()  # its clean-up runs, as on Ctrl-C; killed if it takes too long
                    w.since = now + STOP_SECONDS
                    stopping.append(w)
                    workers[i] = _start(ctx, fn, teardown) if todo else None
                    outcome = TimedOut(timeout)
                else:
                    continue
                yield job, outcome
    finally:
        _stop([w for w in workers if w is not None], stopping)


def _receive(w: Worker) -> object:
    """The job's result from the worker's pipe, or why there is none."""
    try:
        if w.conn.poll():
            status, value = w.conn.recv()
            return value if status == "ok" else JobFailed(value)
    except (EOFError, OSError):
        pass
    w.process.join(1)
    code = w.process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return WorkerDied(f"the worker process died ({how}) before finishing")
