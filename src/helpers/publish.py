"""Write one assessment's artefacts (tables, charts, key figures, messages) for the MPS to assemble."""
from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio

from helpers import chart_export
from helpers.assessment import Assessment
from helpers.charts import Chart

FIGURE_SNIPPET = """::: {{.content-visible when-format="html"}}
```{{=html}}
<figure class="chart" role="group" aria-label="{alt}">
{div}
</figure>
```
:::

::: {{.content-visible when-format="pdf"}}
![{title}]({png}){{fig-alt="{alt}" width="100%"}}
:::
"""


def figure_snippet(chart: Chart, png_path: str) -> str:
    """Markdown for a chart: interactive Plotly in HTML, the static PNG (with alt text) in PDF."""
    div = pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, div_id=f"fig-{chart.name}",
                      config={"displaylogo": False, "responsive": True})
    alt = chart.alt.replace('"', "'")
    return FIGURE_SNIPPET.format(alt=alt, div=div, title=chart.title, png=png_path)


def export_png(charts: list[Chart], folder: Path) -> None:
    """Export every chart as PNG in one batch through the process's long-lived browser."""
    chart_export.write_pngs([c.figure for c in charts], [folder / f"{c.name}.png" for c in charts])


def artefact_dir(project: Path, service: str) -> Path:
    """Where a service's artefacts live inside the MPS Quarto project."""
    return Path(project) / "artefacts" / service


def _section_manifest(result: Assessment) -> list[dict[str, object]]:
    """The chapter's structure for the MPS: per section its messages, items (tables/charts) in order and notes."""
    return [{"key": sec.key, "title": sec.title, "messages": sec.messages, "notes": sec.notes,
             "items": [{"kind": "chart" if isinstance(item, Chart) else "table", "name": item.name,
                        "caption": item.title if isinstance(item, Chart) else item.caption} for item in sec.items]}
            for sec in result.sections]


def write_artefacts(result: Assessment, project: Path) -> dict[str, Path]:
    """Write tables (.csv, .md), charts (.json, .png, .fig.md), key figures, messages and the chapter structure."""
    folder = artefact_dir(project, result.service)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for table in result.tables:
        table.frame.to_csv(folder / f"{table.name}.csv", index=False)
        (folder / f"{table.name}.md").write_text(table.markdown(), encoding="utf-8")
        written[table.name] = folder / f"{table.name}.md"
    export_png(result.charts, folder)
    for chart in result.charts:
        (folder / f"{chart.name}.json").write_text(chart.figure.to_json(), encoding="utf-8")
        png = (folder / f"{chart.name}.png").relative_to(project).as_posix()
        (folder / f"{chart.name}.fig.md").write_text(figure_snippet(chart, png), encoding="utf-8")
        written[f"{chart.name}.fig"] = folder / f"{chart.name}.fig.md"
    (folder / "messages.md").write_text("".join(f"- {m}\n" for m in result.messages), encoding="utf-8")
    summary = {"council_code": result.council_code, "council_name": result.council_name, "service": result.service,
               "title": result.title, "synthetic": result.synthetic, "key_figures": result.key_figures,
               "messages": result.messages, "sections": _section_manifest(result), "sources": result.sources,
               "warnings": [str(w) for w in result.log.warnings]}
    (folder / "key_figures.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    return written
