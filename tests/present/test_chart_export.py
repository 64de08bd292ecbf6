"""Tests of helpers.present.chart_export: PNGs through one reused browser page, identical to plotly's own export."""
import asyncio
import re
import threading
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import kaleido
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from choreographer.protocol.devtools_async import Session
from kaleido.errors import KaleidoError

from helpers.present import chart_export
from helpers.present.charts import TEMPLATE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _figure(i: int, width: int = 760, height: int = 300) -> go.Figure:
    fig = go.Figure(go.Bar(x=[i + 1, 2 * i + 3], y=["Sheffield", "England"], orientation="h", text=[str(i), "x"]))
    return fig.update_layout(title=f"Chart {i}", template=TEMPLATE, width=width, height=height)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_pngs_are_byte_identical_to_plotly_export_across_page_reloads(tmp_path, monkeypatch):
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 2)  # exercise both the reused page and the reload
    figures = [_figure(i) for i in range(5)]
    paths = [tmp_path / f"chart{i}.png" for i in range(5)]
    chart_export.write_pngs(figures, paths)
    expected = [tmp_path / f"plotly{i}.png" for i in range(5)]
    pio.write_images(figures, expected, format="png", scale=chart_export.SCALE, width=760, height=300)
    for path, reference in zip(paths, expected):
        assert path.read_bytes() == reference.read_bytes(), path.name


def test_png_is_drawn_at_the_layouts_size_times_scale(tmp_path):
    chart_export.write_pngs([_figure(1, width=600, height=250)], [tmp_path / "a.png"], scale=2)
    assert _png_size((tmp_path / "a.png").read_bytes()) == (1200, 500)


def test_mismatched_figures_and_paths_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="2 figures but 1 paths"):
        chart_export.write_pngs([_figure(1), _figure(2)], [tmp_path / "a.png"])


def test_no_figures_writes_nothing(tmp_path):
    chart_export.write_pngs([], [])
    assert list(tmp_path.iterdir()) == []


def test_close_then_export_opens_a_new_browser(tmp_path):
    chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    chart_export.close()
    chart_export.close()  # safe twice
    chart_export.write_pngs([_figure(2)], [tmp_path / "b.png"])
    assert (tmp_path / "b.png").read_bytes().startswith(PNG_SIGNATURE)


def test_start_returns_while_the_browser_opens_and_a_failed_opening_is_raised_by_the_next_export(tmp_path,
                                                                                                   monkeypatch):
    chart_export.close()
    opened = threading.Event()
    real_open = chart_export._ReusingKaleido.open

    async def slow_failing_open(self, *args, **kwargs):
        await asyncio.get_running_loop().run_in_executor(None, opened.wait)
        raise RuntimeError("no Chromium here")

    monkeypatch.setattr(chart_export._ReusingKaleido, "open", slow_failing_open)
    chart_export.start()  # would hang here if start waited for the opening
    assert not chart_export._browser.opening.done()
    opened.set()
    with pytest.raises(RuntimeError, match="no Chromium here"):
        chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    assert chart_export._browser is None and not (tmp_path / "a.png").exists()
    monkeypatch.setattr(chart_export._ReusingKaleido, "open", real_open)
    chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])  # the next export opens a fresh browser
    assert (tmp_path / "a.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_page_loaded_before_kaleido_enables_its_events_still_opens(tmp_path, monkeypatch):
    """kaleido enables page events only after navigating: if the small local page has loaded by then (the worker's
    threads busy for a moment), its load event is never seen. Delaying that enable hung every opening before."""
    chart_export.close()
    monkeypatch.setattr(chart_export, "OPEN_SECONDS", 20)
    send = Session.send_command

    async def late_enable(self, command, params=None, **kwargs):
        if command == "Page.enable":
            await asyncio.sleep(1.5)
        return await send(self, command, params, **kwargs)

    monkeypatch.setattr(Session, "send_command", late_enable)
    chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    assert (tmp_path / "a.png").read_bytes().startswith(PNG_SIGNATURE)
    chart_export.close()


def test_a_browser_that_never_opens_is_given_up_and_the_next_export_opens_a_fresh_one(tmp_path, monkeypatch):
    chart_export.close()
    monkeypatch.setattr(chart_export, "OPEN_SECONDS", 1)
    real_open = chart_export._ReusingKaleido.open

    async def never(self, *args, **kwargs):
        await asyncio.Event().wait()

    monkeypatch.setattr(chart_export._ReusingKaleido, "open", never)
    with pytest.raises(KaleidoError, match="did not open within 1 s"):
        chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    assert chart_export._browser is None and not (tmp_path / "a.png").exists()
    monkeypatch.setattr(chart_export._ReusingKaleido, "open", real_open)
    monkeypatch.setattr(chart_export, "OPEN_SECONDS", 60)
    chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    assert (tmp_path / "a.png").read_bytes().startswith(PNG_SIGNATURE)


def test_the_export_page_loads_only_local_scripts_and_no_mathjax(tmp_path):
    """kaleido's default page loads MathJax from a CDN: a fetch outside the machine at every export, and "$…$" in
    a label would be typeset. The export page loads the statement's plotly.js bundle and kaleido's own script."""
    chart_export.write_pngs([_figure(1)], [tmp_path / "a.png"])
    index = Path(url2pathname(urlparse(chart_export._browser.kaleido._index).path)).read_text(encoding="utf-8")
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', index)
    assert sources and all(src.startswith("file://") for src in sources), sources
    assert not any("mathjax" in src.lower() for src in sources)
    assert sources[0].endswith("/" + chart_export.PLOTLY_BUNDLE)  # the statement's own plotly.js, the basic bundle


def test_kaleido_still_has_the_private_parts_this_module_uses():
    # chart_export drives kaleido's tab pool and page directly; a kaleido upgrade that renames them must fail here.
    assert hasattr(kaleido.Kaleido, "_get_kaleido_tab") and hasattr(kaleido.Kaleido, "_return_kaleido_tab")
    assert "tabs_ready" in kaleido.Kaleido.__init__.__code__.co_names
    assert "_current_js_id" in kaleido._kaleido_tab._KaleidoTab.reload.__code__.co_names
    constants = kaleido._kaleido_tab._KaleidoTab._calc_fig.__code__.co_consts  # kaleido's own JavaScript call
    assert any("kaleido_scopes.plotly(spec" in c for c in constants if isinstance(c, str))


@pytest.fixture
def calls(monkeypatch):
    """Every JavaScript call sent to the export page (Runtime.callFunctionOn), and every page reload, in order."""
    sent: list[str] = []
    send = Session.send_command

    async def spy(self, command, params=None, **kwargs):
        if command in ("Runtime.callFunctionOn", "Page.reload"):
            sent.append(command)
        return await send(self, command, params, **kwargs)

    monkeypatch.setattr(Session, "send_command", spy)
    return sent


def test_one_call_draws_all_its_figures_in_one_round_trip(tmp_path, calls):
    chart_export.write_pngs([_figure(1)], [tmp_path / "warm.png"])  # the browser open before counting
    calls.clear()
    chart_export.write_pngs([_figure(i) for i in range(6)], [tmp_path / f"c{i}.png" for i in range(6)])
    assert calls.count("Runtime.callFunctionOn") == 1
    assert all((tmp_path / f"c{i}.png").read_bytes().startswith(PNG_SIGNATURE) for i in range(6))


def test_the_page_is_reloaded_every_reload_every_figures_across_calls(tmp_path, monkeypatch, calls):
    chart_export.close()
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 3)
    figures = [_figure(i) for i in range(7)]
    for batch in ([0, 1], [2, 3], [4, 5, 6]):  # reloads after the 3rd and the 6th figure, each a split call
        chart_export.write_pngs([figures[i] for i in batch], [tmp_path / f"c{i}.png" for i in batch])
    assert calls == ["Runtime.callFunctionOn", "Runtime.callFunctionOn", "Page.reload", "Runtime.callFunctionOn",
                     "Runtime.callFunctionOn", "Page.reload", "Runtime.callFunctionOn"]
    pio.write_images(figures, [tmp_path / f"p{i}.png" for i in range(7)], format="png", scale=chart_export.SCALE,
                     width=760, height=300)
    for i in range(7):
        assert (tmp_path / f"c{i}.png").read_bytes() == (tmp_path / f"p{i}.png").read_bytes(), i


def test_a_figure_kaleido_refuses_fails_the_call_writes_none_of_its_files_and_the_next_call_works(tmp_path, calls):
    bad = {"data": "not a list of traces", "layout": {"width": 300, "height": 200}}
    with pytest.raises(KaleidoError, match="non-array figure data.*figure 2 of 3.*the chart for x1.png"):
        chart_export.write_pngs([_figure(1), bad, _figure(2)], [tmp_path / f"x{i}.png" for i in range(3)])
    assert list(tmp_path.iterdir()) == []
    assert calls[-1] == "Page.reload"  # a failed call leaves a fresh page
    chart_export.write_pngs([_figure(3)], [tmp_path / "after.png"])
    assert (tmp_path / "after.png").read_bytes().startswith(PNG_SIGNATURE)
