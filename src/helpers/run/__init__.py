"""Run: the orchestration of a run (notebooks per council with Papermill, cache, manifests, workers)."""

# A council worker's job and teardown (helpers.run.pipeline), by name: `caremarket run` spawns its workers with these
# before it imports the pipeline, so the workers' imports overlap the run's own (see workers.spawn).
COUNCIL_WORKER = "helpers.run.pipeline:timed_council"
WORKER_TEARDOWN = "helpers.run.pipeline:release"


def uses_workers(councils: int, processes: int, timeout: float | None) -> bool:
    """Whether pipeline.execute runs that many councils in worker processes (else in this process, where a time limit
    could not stop one)."""
    return councils > 0 and (timeout is not None or (processes > 1 and councils > 1))
