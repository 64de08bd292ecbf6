"""Run: the orchestration of a run (notebooks per council with Papermill, cache, manifests, workers)."""
