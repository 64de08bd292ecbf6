"""A small process pool for council jobs: each job goes to one idle worker over its own pipe, so the parent
always knows which worker holds which job. A worker that dies fails only its own job and is replaced;
closing the pool (normally, on an error or on Ctrl-C) stops every worker.

Workers ignore SIGINT — the parent decides — and turn SIGTERM into KeyboardInterrupt so their own
clean-up (temporary folders, the warm kernel and its browser) runs before they exit; once that clean-up
has begun they ignore SIGTERM, which arrives twice when a whole process group is stopped.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator, TypeVar

J = TypeVar("J")
STOP_SECONDS = 20  # how long a terminated worker gets for its clean-up before it is killed


class WorkerDied(Exception):
    """The worker process running a job exited before returning its result."""


class JobFailed(Exception):
    """The job raised in the worker; the message carries the worker's exception."""


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    job: object | None = None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(conn: Connection, fn: Callable, teardown: Callable[[], None] | None) -> None:
    """A worker's life: run each job received until told to stop (None), then tear down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
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


def _start(ctx: mp.context.BaseContext, fn: Callable, teardown: Callable[[], None] | None) -> _Worker:
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child, fn, teardown), daemon=True)
    process.start()
    child.close()
    return _Worker(process, parent)


def _stop(workers: list[_Worker]) -> None:
    """Ask idle workers to finish, terminate busy ones, and make sure every one has exited."""
    for w in workers:
        try:
            if w.job is None and w.process.is_alive():
                w.conn.send(None)
            else:
                w.process.terminate()
        except (OSError, ValueError):
            w.process.terminate()
    for w in workers:
        w.process.join(STOP_SECONDS)
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()


def imap_unordered(fn: Callable[[J], object], jobs: Iterable[J], processes: int,
                   teardown: Callable[[], None] | None = None) -> Iterator[tuple[J, object]]:
    """Yield (job, result) as jobs finish; result is a WorkerDied or JobFailed when the job did not return.

    ``fn`` and ``teardown`` must be importable top-level functions (workers are spawned fresh).
    """
    ctx = mp.get_context("spawn")
    todo = deque(jobs)
    workers = [_start(ctx, fn, teardown) for _ in range(max(1, min(processes, len(todo))))]
    try:
        while todo or any(w.job is not None for w in workers):
            for w in workers:
                if w.job is None and todo:
                    w.job = todo.popleft()
                    w.conn.send(w.job)
            busy = [w for w in workers if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for i, w in enumerate(workers):
                if w.job is None or (w.conn not in ready and w.process.sentinel not in ready):
                    continue
                job, w.job = w.job, None
                yield job, _receive(w)
                if not w.process.is_alive():
                    w.conn.close()
                    workers[i] = _start(ctx, fn, teardown)
    finally:
        _stop(workers)


def _receive(w: _Worker) -> object:
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
