"""Test support: on PYTHONPATH, every Python process of a `caremarket run` (the parent and its spawned
workers) holds each council at its render, so no council can be written before the test interrupts it
(Ctrl-C, SIGTERM, kill -9) or before its time limit (`--timeout`) stops it.

Without this, a council that reaches its render before the interrupt is (correctly) written, and an
"outputs untouched" check would depend on timing.
"""
import time

import helpers.present.render


def _held(*args, **kwargs):
    time.sleep(120)
    raise RuntimeError("the render was held for 120 s and the test never interrupted the run")


helpers.present.render.render = _held
