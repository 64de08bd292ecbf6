"""helpers.present.publish: chart ids unique per service × chart, chart snippets escaped, PNGs drawn at the printed width."""
from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go

from helpers.assess.assessment import Assessment
from helpers.assess.sections.common import Section
from helpers.errors import DataQualityLog
from helpers.present import chart_export, publish
from helpers.present.charts import LAYOUT, PRINT_WIDTH, Chart, benchmark_chart
from helpers.services import SERVICES

HOSTILE = "<img src=x onerror=alert(1)>Brand *x* @team"


def _chart(name: str = "ratings", label: str = "Sheffield") -> Chart:
    bench = pd.DataFrame({"area": [label, "England"], "value": [67.7, 73.0], "councils": [1, 40]})
    return benchmark_chart(name, bench, f"Beds for {label}", "Beds per 1,000")


def test_chart_ids_are_unique_across_services_for_the_same_chart() -> None:
    ids = {publish.chart_id(service, "ratings") for service in [*SERVICES, "oversight"]}
    assert len(ids) == len(SERVICES) + 1
    assert publish.chart_id("care_homes", "capacity_benchmark") == "fig-care-homes-capacity-benchmark"


def test_figure_snippet_uses_the_services_id_and_draws_from_a_json_spec_without_width_or_template() -> None:
    snippet = publish.figure_snippet(_chart(), "artefacts/care_homes/ratings.png", "care_homes", "Source: CQC.")
    html = snippet.split("```{=html}\n")[1].split("\n```")[0]
    assert re.findall(r'\bid="([^"]+)"', html) == ["fig-care-homes-ratings", "fig-care-homes-ratings-plot",
                                                   "fig-care-homes-ratings-alt"]
    spec = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html).group(1))
    assert "width" not in spec["layout"] and "template" not in spec["layout"]
    assert spec["layout"]["title"]["text"] == "Beds for Sheffield"
    assert '<figcaption class="source">Source: CQC.</figcaption>' in html


def test_figure_snippet_publishes_input_text_literally_in_html_and_markdown() -> None:
    snippet = publish.figure_snippet(_chart(label=HOSTILE), "x.png", "home_care", "Source: </figcaption><b>x</b>")
    html = snippet.split("```{=html}\n")[1].split("\n```")[0]
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # aria-label, alt text and the spec's labels
    pdf_part = snippet.split('when-format="pdf"}')[1]
    caption = re.search(r"!\[(.*)\]\(x\.png\)", pdf_part).group(1)
    assert "\\<img" in caption and "\\*x\\*" in caption and "\\@team" in caption


def _assessment(*charts: Chart) -> Assessment:
    return Assessment("E08000019", "Sheffield", "care_homes", "Care homes",
                      [Section("supply", "Supply", ["A message."], list(charts), source="Source: CQC.")], {}, [], True,
                      DataQualityLog())


def _bars(label: str) -> go.Figure:
    return go.Figure(go.Bar(x=[1], y=[label])).update_layout(height=300, **LAYOUT)


def test_export_pngs_draws_each_missing_png_from_the_charts_json_at_the_printed_width_with_literal_labels(
        monkeypatch, tmp_path) -> None:
    seen = {}
    monkeypatch.setattr(chart_export, "write_pngs", lambda figures, paths: seen.update(f=figures, p=paths))
    publish.write_artefacts(_assessment(Chart("c", _bars("<b>x</b>"), "T", "alt"), Chart("d", _bars("y"), "U", "alt")),
                            tmp_path)
    folder = publish.artefact_dir(tmp_path, "care_homes")
    (folder / "d.png").write_bytes(b"drawn before")
    assert publish.export_pngs(tmp_path, "care_homes") == [folder / "c.png"]
    assert seen["p"] == [folder / "c.png"] and len(seen["f"]) == 1  # d.png is there already
    assert seen["f"][0]["layout"]["width"] == PRINT_WIDTH
    assert seen["f"][0]["data"][0]["y"] == ["&lt;b&gt;x&lt;/b&gt;"]


def test_write_artefacts_removes_a_charts_png_so_it_is_drawn_again_from_the_new_json(tmp_path) -> None:
    folder = publish.artefact_dir(tmp_path, "care_homes")
    folder.mkdir(parents=True)
    (folder / "c.png").write_bytes(b"last run's chart")
    publish.write_artefacts(_assessment(Chart("c", _bars("x"), "T", "alt")), tmp_path)
    assert not (folder / "c.png").exists() and (folder / "c.json").is_file()
    publish.export_pngs(tmp_path, "care_homes")
    assert (folder / "c.png").read_bytes().startswith(b"\x89PNG")
