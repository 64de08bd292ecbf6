"""Static (PNG) export of the MPS charts through one long-lived headless Chromium per process.

kaleido's own long-lived server (``kaleido.start_sync_server``) reloads its page after every
figure: measured, 0.12 s of the 0.21 s a chart costs. Every MPS chart is drawn on the same
plotly.js page, so this exporter keeps the page, and reloads it only every ``RELOAD_EVERY``
figures to bound the page's memory. A ``write_pngs`` call draws its figures in one DevTools
round trip (kaleido's own drawing function, ``kaleido_scopes.plotly``, for each figure in turn,
the PNGs sent back together) instead of one per figure: measured, a chart's CPU between this
process, the browser and its page fell from ≈ 55 to ≈ 49 ms, most of it the page drawing and
encoding the PNG. The PNGs are byte-identical (tests/present/test_chart_export.py compares them with
``plotly.io.write_image``).
The export page loads plotly.js's basic bundle (the statement's own) and no MathJax. The browser runs on an asyncio
loop in a daemon thread; it is opened on first use (or by
``start()`` when a worker warms up, in the background) and closed at exit.
"""
from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import json
import threading
from collections.abc import Coroutine, Sequence
from concurrent.futures import CancelledError
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import kaleido
import plotly.graph_objects as go
from choreographer.errors import DevtoolsProtocolError
from kaleido._kaleido_tab._errors import _raise_error
from kaleido._utils.fig_tools import coerce_for_js
from kaleido.errors import JavascriptError, KaleidoError
from plotly.io._utils import validate_coerce_fig_to_dict

RELOAD_EVERY = 200
SCALE = 2
OPEN_SECONDS = 60  # a browser not open by then is given up (an export then tries a fresh one)
# plotly.js "basic" (scatter, bar, pie: every trace type the MPS draws), 1.2 MB against the full bundle's 4.8 MB;
# the same plotly.js version plotly.py writes figures for (scripts/update_plotly_bundle.sh refreshes it). The
# statement's page draws its charts with it, and so does the export page: a browser opens in 0.7 s instead of 1.7
# (1.1 CPU-seconds instead of 2.3), and its PNGs are byte-identical to plotly.io's with the full bundle (tested).
PLOTLY_BUNDLE = "vendor/plotly-basic.min.js"
T = TypeVar("T")


# Draws each figure in turn with kaleido's own function (what kaleido calls once per figure) and sends back the
# PNGs' base64 joined by "," (base64 has no comma); a figure kaleido refuses ends the call with its error as JSON.
DRAW_JS = r"""async function(specs) {
  const images = [];
  for (const spec of specs) {
    const response = await kaleido_scopes.plotly(spec);
    if (response.code !== 0) {
      return JSON.stringify({code: response.code, message: response.message, figure: images.length});
    }
    images.push(response.result);
  }
  return images.join(",");
}"""


class _ReusingKaleido(kaleido.Kaleido):
    """Kaleido drawing batches of figures on one page, reloaded only every RELOAD_EVERY figures or after an error."""

    rendered = 0

    async def _conform_tabs(self, tabs: Any = None) -> None:
        """Enable each tab's page events before kaleido navigates it to the export page.

        kaleido subscribes to the page's load event, navigates, and only then enables page events: a page that has
        loaded before that enable arrives (a small local page, the worker's threads busy for a moment) never reports
        its load, and opening waits for ever. Measured: delaying the enable by 1.5 s hung every opening."""
        for tab in tabs or self.tabs.values():
            _raise_error(await tab.send_command("Page.enable"))
        await super()._conform_tabs(tabs)

    async def draw_pngs(self, specs: list[dict[str, Any]]) -> list[bytes]:
        """The PNG of each spec (kaleido's figure spec), drawn in one round trip; the page is reloaded after the
        batch when it reaches a multiple of RELOAD_EVERY figures, or when drawing failed."""
        tab = await self._get_kaleido_tab()
        drawn = False
        try:
            call = tab.tab.send_command("Runtime.callFunctionOn", params={
                "functionDeclaration": DRAW_JS, "arguments": [{"value": specs}], "returnByValue": False,
                "userGesture": True, "awaitPromise": True, "executionContextId": tab._current_js_id})
            images = _images(await asyncio.wait_for(call, self._timeout * len(specs) if self._timeout else None),
                             len(specs))
            drawn = True
            return images
        finally:
            before, self.rendered = self.rendered, self.rendered + len(specs)
            if drawn and before // RELOAD_EVERY == self.rendered // RELOAD_EVERY:
                await self.tabs_ready.put(tab)
            else:
                await self._return_kaleido_tab(tab)  # kaleido's own return: reload, then back in the pool


def _images(response: dict[str, Any], count: int) -> list[bytes]:
    """The PNGs in a DRAW_JS reply; DevTools, JavaScript and kaleido errors raised as kaleido raises them."""
    if "error" in response:
        raise DevtoolsProtocolError(response)
    result = response.get("result", {}).get("result", {})
    if result.get("subtype") == "error" or "exceptionDetails" in response.get("result", {}):
        raise JavascriptError(str(response.get("result")))
    value = result.get("value")
    if not isinstance(value, str):
        raise JavascriptError(f"unexpected reply to a chart export: {str(response)[:500]}")
    if value.startswith("{"):
        error = json.loads(value)
        failed = KaleidoError(error["code"], f"{error['message']} (figure {error['figure'] + 1} of {count})")
        failed.figure = error["figure"]  # its place in this call's figures (write_pngs names its file)
        raise failed
    images = [base64.b64decode(part) for part in value.split(",")] if value else []
    if len(images) != count:
        raise JavascriptError(f"{len(images)} images for {count} figures")
    return images


class _Browser:
    """One Kaleido (headless Chromium, one tab) driven from an event loop in a background thread.

    The browser opens in that thread while the caller goes on (≈ 0.7 s, mostly Chromium starting in its own
    processes): a worker starts it as a council begins and starts its kernels meanwhile; ``ready`` waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chart-export", daemon=True)
        self.thread.start()
        self.kaleido = _ReusingKaleido(n=1, mathjax=False, plotlyjs=_page_script(PLOTLY_BUNDLE))
        self.opening = asyncio.run_coroutine_threadsafe(self.kaleido.open(), self.loop)

    def ready(self) -> None:
        """Wait until the browser has opened (at most OPEN_SECONDS); raise why it could not."""
        try:
            self.opening.result(timeout=OPEN_SECONDS)
        except TimeoutError:
            self.opening.cancel()
            raise KaleidoError(0, f"the chart browser did not open within {OPEN_SECONDS} s") from None

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the browser's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        """Close the browser once it has finished opening (an opening still going after OPEN_SECONDS is given up)
        and stop the loop. An opening that failed (its Chromium stopped by Ctrl-C, say) has nothing to close; its
        error is taken here, so asyncio prints no "exception was never retrieved" traceback."""
        try:
            try:
                failed = self.opening.exception(timeout=OPEN_SECONDS)
            except (TimeoutError, CancelledError):
                self.opening.cancel()
                with contextlib.suppress(Exception):  # close what the cut-short opening started
                    self.call(asyncio.wait_for(self.kaleido.close(), OPEN_SECONDS))
                return
            if failed is None:
                self.call(self.kaleido.close())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def _page_script(name: str) -> str:
    """A file of the statement's template (helpers.present.mps) as the file: URI the export page loads."""
    return Path(str(resources.files("helpers.present.mps").joinpath(name))).as_uri()


_browser: _Browser | None = None
_lock = threading.Lock()


def start() -> None:
    """Begin opening the process's export browser now (a worker warming up), not on the first chart; returns at once."""
    global _browser
    with _lock:
        if _browser is None:
            _browser = _Browser()
            atexit.register(close)


def _ready() -> _Browser:
    """The process's export browser, open; one that failed to open is closed and its error raised (the next call
    tries a fresh one)."""
    start()
    browser = _browser
    assert browser is not None
    try:
        browser.ready()
    except BaseException:
        close()
        raise
    return browser


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
    The figures are drawn in one round trip to the browser (split where the page is due a reload); the files are
    written when every figure has been drawn, so a failed figure leaves none of this call's files.
    """
    if len(figures) != len(paths):
        raise ValueError(f"{len(figures)} figures but {len(paths)} paths")
    if not figures:
        return
    specs = [coerce_for_js(validate_coerce_fig_to_dict(figure, False), None, {"format": "png", "scale": scale})
             for figure in figures]
    browser = _ready()
    images: list[bytes] = []
    while len(images) < len(specs):
        room = RELOAD_EVERY - browser.kaleido.rendered % RELOAD_EVERY
        try:
            images += browser.call(browser.kaleido.draw_pngs(specs[len(images):len(images) + room]))
        except KaleidoError as exc:  # name the chart: a split call counts its figures from its own first
            at = len(images) + getattr(exc, "figure", 0)
            raise KaleidoError(exc._code, f"{exc._message}; the chart for {Path(paths[at]).name}") from None
    for path, image in zip(paths, images):
        Path(path).write_bytes(image)
