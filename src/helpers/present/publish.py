"""Write one assessment's artefacts (tables, charts, key figures, messages) for the MPS to assemble."""
from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio

from helpers.assess.assessment import Assessment
from helpers.present.charts import PRINT_WIDTH, Chart
from helpers.present.placement import places
from helpers.present.tables import Table
from helpers.present.escape import html_text, markdown, plain, plotly_figure, script_json
from helpers.present.spreadsheet_text import write_csv

CHART_HTML = """<figure class="chart" id="{id}" aria-label="{title}" aria-describedby="{id}-alt">
<div class="plotly-graph-div" id="{id}-plot"></div>
<script type="application/json" class="chart-spec" data-target="{id}-plot">{spec}</script>
<p class="visually-hidden" id="{id}-alt">{alt}</p>
<figcaption class="source">{source}</figcaption>
</figure>"""
FIGURE_SNIPPET = """::: {{.content-visible when-format="html"}}
```{{=html}}
{html}
```
:::

::: {{.content-visible when-format="pdf"}}
![{caption}]({png}){{fig-alt="{alt}" width="100%"}}
:::
"""


def chart_id(service: str, name: str) -> str:
    """The chart's id on the page, unique across the statement: service × chart (the one place ids are made)."""
    return f"fig-{service}-{name}".replace("_", "-")


def figure_json(chart: Chart) -> str:
    """The chart's figure as Plotly's JSON (what ``Figure.to_json`` writes, without validating it again)."""
    return pio.to_json(chart.figure, validate=False)


def chart_spec(chart: Chart, text: str | None = None) -> dict[str, object]:
    """The figure as plain JSON for the page: data and layout without the shared template or a fixed width
    (``text``: the figure's JSON when already made)."""
    spec = plotly_figure(json.loads(text if text is not None else figure_json(chart)))
    spec["layout"].pop("template", None)
    spec["layout"].pop("width", None)
    return {"data": spec["data"], "layout": spec["layout"]}


def figure_snippet(chart: Chart, png_path: str, service: str, source: str, text: str | None = None) -> str:
    """Markdown for a chart: interactive Plotly in HTML, the static PNG (with alt text) in PDF; input text escaped."""
    chart_html = CHART_HTML.format(id=chart_id(service, chart.name), title=html_text(chart.title),
                                   spec=script_json(chart_spec(chart, text)), alt=html_text(chart.alt),
                                   source=html_text(source))
    caption = markdown(f"{chart.title}. {source}" if source else chart.title)
    alt = plain(chart.alt).replace("\\", "/").replace('"', "'")
    return FIGURE_SNIPPET.format(html=chart_html, caption=caption, png=png_path, alt=alt)


def missing_pngs(project: Path, service: str) -> list[str]:
    """The names of the service's charts whose PDF PNG has not been drawn yet."""
    folder = artefact_dir(project, service)
    names = sorted(p.name[:-len(".fig.md")] for p in folder.glob("*.fig.md"))
    return [name for name in names if not (folder / f"{name}.png").exists()]


def export_pngs(project: Path, service: str) -> list[Path]:
    """Draw the PDF's PNG of each of the service's charts that has none yet, from the chart's JSON in its
    artefacts, at the printed width, in one batch through this process's long-lived browser; return the PNGs drawn.

    write_artefacts leaves the PNGs to this (a notebook's kernel starts no browser): ``caremarket run`` draws a
    service's charts in its worker as soon as the notebook has run, and statement.build_project draws any left."""
    folder = artefact_dir(project, service)
    missing = missing_pngs(project, service)
    figures = [plotly_figure(json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))) for name in missing]
    for figure in figures:
        figure["layout"]["width"] = PRINT_WIDTH
    paths = [folder / f"{name}.png" for name in missing]
    from helpers.present import chart_export  # kaleido: not imported by the kernels, which draw no PNGs
    chart_export.write_pngs(figures, paths)
    return paths


def artefact_dir(project: Path, service: str) -> Path:
    """Where a service's artefacts live inside the MPS Quarto project."""
    return Path(project) / "artefacts" / service


def _section_manifest(result: Assessment, tables: dict[str, str], charts: dict[str, str]) -> list[dict[str, object]]:
    """The chapter's structure for the MPS: per section its messages, items (tables/charts) in order, each with its
    place (body or appendix; internal tables are left out), and notes."""
    return [{"key": sec.key, "title": sec.title, "messages": sec.messages, "notes": sec.notes, "source": sec.source,
             "items": [{"kind": "chart", "name": item.name, "caption": item.title,
                        "place": charts.get(item.name, "body")} if isinstance(item, Chart) else
                       {"kind": "table", "name": item.name, "caption": item.caption, "formats": item.formats,
                        "place": tables.get(item.name, "body")}
                       for item in sec.items if not _internal(item, tables)]}
            for sec in result.sections]


def _internal(item: Table | Chart, tables: dict[str, str]) -> bool:
    return isinstance(item, Table) and tables.get(item.name) == "internal"


def write_artefacts(result: Assessment, project: Path) -> dict[str, Path]:
    """Write published tables (.csv, .md; internal ones not at all), charts (.json, .fig.md: export_pngs draws their
    PNGs), key figures, messages and the chapter structure."""
    tables, charts = places("tables"), places("charts")
    folder = artefact_dir(project, result.service)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for table in (t for t in result.tables if not _internal(t, tables)):
        write_csv(table.frame, folder / f"{table.name}.csv")
        (folder / f"{table.name}.md").write_text(table.markdown(), encoding="utf-8")
        written[table.name] = folder / f"{table.name}.md"
    for section in result.sections:
        for chart in (item for item in section.items if isinstance(item, Chart)):
            text = figure_json(chart)
            (folder / f"{chart.name}.png").unlink(missing_ok=True)  # drawn again from this JSON, never left stale
            (folder / f"{chart.name}.json").write_text(text, encoding="utf-8")
            if chart.data is not None:
                write_csv(chart.data, folder / f"{chart.name}.chart.csv")
            png = (folder / f"{chart.name}.png").relative_to(project).as_posix()
            snippet = figure_snippet(chart, png, result.service, section.source, text)
            (folder / f"{chart.name}.fig.md").write_text(snippet, encoding="utf-8")
            written[f"{chart.name}.fig"] = folder / f"{chart.name}.fig.md"
    (folder / "messages.md").write_text("".join(f"- {markdown(m)}\n" for m in result.messages), encoding="utf-8")
    summary = {"council_code": result.council_code, "council_name": result.council_name, "service": result.service,
               "title": result.title, "synthetic": result.synthetic, "key_figures": result.key_figures,
               "messages": result.messages, "sections": _section_manifest(result, tables, charts), "sources": result.sources,
               "warnings": [str(w) for w in result.log.warnings]}
    (folder / "key_figures.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    return written
