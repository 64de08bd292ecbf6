"""Static (PNG) export of the MPS charts through one long-lived headless Chromium per process.

kaleido's own long-lived server (``kaleido.start_sync_server``) reloads its page after every
figure: measured, 0.12 s of the 0.21 s a chart costs. Every MPS chart is drawn on the same
plotly.js page, so this exporter hands the page back without reloading it, and reloads only
every ``RELOAD_EVERY`` figures to bound the page's memory. A chart then costs ≈ 0.05 s, with
byte-identical PNGs (tests/test_chart_export.py compares them with ``plotly.io.write_image``).
The browser runs on an asyncio loop in a daemon thread; it is opened on first use (or by
``start()`` when a worker warms up) and closed at exit.
"""
from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import kaleido
import plotly.graph_objects as go
from plotly.io._utils import validate_coerce_fig_to_dict

RELOAD_EVERY = 200
SCALE = 2
T = TypeVar("T")


class _ReusingKaleido(kaleido.Kaleido):
    """Kaleido that returns its tab to the pool without a page reload, except every RELOAD_EVERY figures."""

    rendered = 0

    async def _return_kaleido_tab(self, tab: Any) -> None:
        self.rendered += 1
        if self.rendered % RELOAD_EVERY == 0:
            await super()._return_kaleido_tab(tab)  # kaleido's own return: reload, then back in the pool
        else:
            await self.tabs_ready.put(tab)


class _Browser:
    """One Kaleido (headless Chromium, one tab) driven from an event loop in a background thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chart-export", daemon=True)
        self.thread.start()
        self.kaleido = _ReusingKaleido(n=1)
        try:
            self.call(self.kaleido.open())
        except BaseException:
            self._stop_loop()
            raise

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the browser's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        """Close the browser and stop the loop."""
        try:
            self.call(self.kaleido.close())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


_browser: _Browser | None = None
_lock = threading.Lock()


def start() -> None:
    """Open the process's export browser now (a worker warming up), not on the first chart."""
    global _browser
    with _lock:
        if _browser is None:
            _browser = _Browser()
            atexit.register(close)


def close() -> None:
    """Close the process's export browser, if open; safe to call twice."""
    global _browser
    with _lock:
        browser, _browser = _browser, None
    if browser is not None:
        browser.close()


def write_pngs(figures: Sequence[go.Figure | dict], paths: Sequence[Path], scale: float = SCALE) -> None:
    """Write each figure as a PNG at its path, at the figure's own width and height times scale.

    (``plotly.io.write_image`` would draw at 700×500 unless given a size: the layout's size is what the MPS designs for.)
    A figure dict is drawn as given, without Plotly's validation (≈ 5 ms a chart): the MPS passes its charts' own
    JSON, which validation returns unchanged (the PNGs are byte-identical, tests/present/test_chart_export_plain.py).
    """
    if len(figures) != len(paths):
        raise ValueError(f"{len(figures)} figures but {len(paths)} paths")
    if not figures:
        return
    specs = [{"fig": validate_coerce_fig_to_dict(figure, False), "path": Path(path),
              "opts": {"format": "png", "scale": scale}} for figure, path in zip(figures, paths)]
    start()
    assert _browser is not None
    _browser.call(_browser.kaleido.write_fig_from_object(specs, cancel_on_error=True))
