"""helpers.present.publish: chart ids unique per service × chart, chart snippets escaped, PNGs drawn at the printed width."""
from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go

from helpers.present import publish
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


def test_export_png_draws_at_the_printed_width_with_literal_labels(monkeypatch, tmp_path) -> None:
    seen = {}
    monkeypatch.setattr(publish.chart_export, "write_pngs", lambda figures, paths: seen.update(f=figures, p=paths))
    fig = go.Figure(go.Bar(x=[1], y=["<b>x</b>"]))
    fig.update_layout(height=300, **LAYOUT)
    publish.export_png([Chart("c", fig, "T", "alt")], tmp_path)
    assert seen["f"][0]["layout"]["width"] == PRINT_WIDTH and seen["p"] == [tmp_path / "c.png"]
    assert seen["f"][0]["data"][0]["y"] == ["&lt;b&gt;x&lt;/b&gt;"]
