"""Tests of helpers.present.chart_export: PNGs through one reused browser page, identical to plotly's own export."""
import kaleido
import plotly.graph_objects as go
import plotly.io as pio
import pytest

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


def test_kaleido_still_has_the_tab_return_hook_this_module_overrides():
    # chart_export overrides a private kaleido method; a kaleido upgrade that renames it must fail here.
    assert hasattr(kaleido.Kaleido, "_return_kaleido_tab")
    assert "tabs_ready" in kaleido.Kaleido.__init__.__code__.co_names
