"""The worker pool's time limit: a job past it is reported TimedOut, its worker stopped (killed if it ignores
SIGTERM) and replaced, and the other jobs finish. Jobs are defined here, in a module with light imports, so a
spawned worker starts in about a second and the limits can be short."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

from helpers.run import workers


def _job(n: int) -> int:
    if n == 2:  # hangs; stops on SIGTERM as a council does (KeyboardInterrupt, then its clean-up)
        time.sleep(300)
    if n == 3:  # hangs and ignores SIGTERM: only the kill after STOP_SECONDS stops it
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(300)
    return n * 10


def test_a_job_past_its_time_limit_is_stopped_and_the_others_finish(monkeypatch):
    monkeypatch.setattr(workers, "STOP_SECONDS", 2)  # the parent's grace before it kills
    start = time.monotonic()
    results = dict(workers.imap_unordered(_job, [1, 2, 3, 4, 5], processes=2, timeout=6))
    assert {k: v for k, v in results.items() if k not in (2, 3)} == {1: 10, 4: 40, 5: 50}
    assert all(isinstance(results[k], workers.TimedOut) and str(results[k]) == "timed out after 6 s" for k in (2, 3))
    assert time.monotonic() - start < 120  # not the jobs' 300 s: they were stopped at the limit


def test_no_worker_outlives_the_pool_after_a_time_limit(monkeypatch):
    monkeypatch.setattr(workers, "STOP_SECONDS", 2)
    seen = []
    for job, result in workers.imap_unordered(_job, [3], processes=1, timeout=3):
        seen.append((job, type(result)))
    assert seen == [(3, workers.TimedOut)]
    assert multiprocessing.active_children() == []  # the hung worker was killed and reaped


def test_without_a_time_limit_results_are_unchanged():
    assert dict(workers.imap_unordered(_job, [1, 4], processes=2)) == {1: 10, 4: 40}



def _double(n: int) -> int:
    return 2 * n


def test_a_ctrl_c_while_a_worker_is_still_starting_does_not_reach_it(capfd):
    """Workers are started with SIGINT ignored: one interrupted while still importing (before it ignores SIGINT
    itself) would print a KeyboardInterrupt traceback and die."""
    before = signal.getsignal(signal.SIGINT)
    worker = workers._start(multiprocessing.get_context("spawn"), _double, None)
    assert signal.getsignal(signal.SIGINT) is before  # the parent's own Ctrl-C handling is back
    os.kill(worker.process.pid, signal.SIGINT)  # a spawned worker takes far longer than this to import
    worker.conn.send(21)
    assert worker.conn.recv() == ("ok", 42)
    worker.conn.send(None)
    worker.process.join(30)
    assert worker.process.exitcode == 0
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def _noisy_teardown() -> None:
    print("stdout at teardown", end="")  # no newline: still in the buffer when the worker ends
    sys.stderr.write("stderr at teardown")


def test_a_worker_ends_after_its_teardown_with_its_output_flushed(capfd, monkeypatch):
    """Workers end with os._exit once torn down (no interpreter clean-up): what the teardown printed must still
    arrive, and the exit code is 0."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # the worker's stdout buffered, as on most machines
    worker = workers._start(multiprocessing.get_context("spawn"), _double, _noisy_teardown)
    worker.conn.send(4)
    assert worker.conn.recv() == ("ok", 8)
    worker.conn.send(None)
    worker.process.join(30)
    assert worker.process.exitcode == 0
    printed = capfd.readouterr()
    assert "stdout at teardown" in printed.out and "stderr at teardown" in printed.err


def _pid(n: int) -> int:
    return os.getpid()


def test_workers_spawned_early_take_the_jobs_and_those_not_needed_are_stopped():
    name = f"{_pid.__module__}:_pid"  # by name: the caller of spawn need not import the job's module
    spawned = workers.spawn(name, None, 3)
    pids = {w.process.pid for w in spawned}
    results = dict(workers.imap_unordered(name, [1, 2], processes=2, started=spawned))
    assert set(results) == {1, 2} and set(results.values()) <= pids  # no fresh worker was started
    assert all(w.process.exitcode == 0 for w in spawned)  # the third, not needed, was stopped too
    workers.stop(spawned)  # already stopped by the pool: nothing left to do, and no error
    assert multiprocessing.active_children() == []


def test_stop_ends_workers_spawned_for_a_run_that_needed_none():
    spawned = workers.spawn(f"{_pid.__module__}:_pid", None, 2)
    workers.stop(spawned)
    assert [w.process.exitcode for w in spawned] == [0, 0] and multiprocessing.active_children() == []
