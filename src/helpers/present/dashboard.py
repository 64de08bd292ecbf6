"""The INTERNAL provider risk dashboard: one self-contained HTML page per council, never published.

It lays out what helpers.assess.provider_risk.council_risk computed (nothing is computed here): locations by
service and RAG, who turned Red since the previous run, a sortable and filterable table of every location
with one column of points per indicator, home care delivery per provider, financial risk per care home, how
the score is made, the sources and their warnings. Every page carries the INTERNAL marking top and bottom.

The page is rendered from a small Quarto project (index.qmd without code, plus the fixed files in
dashboard_template/: _quarto.yml, dashboard.css, dashboard.js) built in a temporary folder. ``write_dashboard``
writes the page and provider_risk.csv (the table the next run compares with) into out_dir, each to a
temporary file moved into place, so a failed render leaves the previous dashboard as it was. ``caremarket
run`` executes notebooks/provider_risk_dashboard.ipynb into a staged folder that replaces the council's
internal folder (OUT/internal/<year>/<code>/) only when the whole notebook succeeded.
"""
from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.assess import provider_risk
from helpers.assess.provider_risk import CouncilRisk
from helpers.errors import DataQualityLog
from helpers.present.escape import html_text, markdown, yaml_markdown
from helpers.present.render import render
from helpers.present.spreadsheet_text import read_csv, write_csv
from helpers.present.tables import Table
from helpers.present import wording
from helpers.services import SERVICES, title

INTERNAL = "INTERNAL – not for publication"
DASHBOARD = "provider_risk_dashboard"  # the page's base name (and the executed notebook's)
RISK_CSV = "provider_risk.csv"
TEMPLATE = "dashboard_template"  # the project's fixed files, package data of helpers.present
TEMPLATE_FILES = ("_quarto.yml", "dashboard.css")
SCRIPT = "dashboard.js"


def read_previous(folder: Path) -> pd.DataFrame | None:
    """The provider risk table the dashboard in folder was made with (None if there is none)."""
    path = Path(folder) / RISK_CSV
    if not path.is_file():
        return None
    return read_csv(path, dtype={"location_id": "str", "service": "str", "rag": "str"}, keep_default_na=False)


def write_dashboard(risk: CouncilRisk, out_dir: Path, engine: str = "auto") -> Path:
    """Render the dashboard to out_dir/provider_risk_dashboard.html and write provider_risk.csv beside it.

    The project is built in a temporary folder (removed afterwards); the page is written before the CSV, so a
    failed render leaves both previous files. Returns the page's path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{DASHBOARD}-"))
    try:
        write_project(work / "project", risk)
        page = render(work / "project", out_dir, ("html",), engine, basename=DASHBOARD)["html"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if risk.risk is not None:
        write_csv(risk.risk.assign(as_at=risk.risk["as_at"].dt.strftime("%Y-%m-%d")), out_dir / RISK_CSV)
    return page


def write_project(project: Path, risk: CouncilRisk) -> None:
    """The dashboard's Quarto project: the template's files, a header with the sort/filter script, index.qmd."""
    project.mkdir(parents=True)
    template = resources.files("helpers.present").joinpath(TEMPLATE)
    for name in TEMPLATE_FILES:
        (project / name).write_text(template.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    script = template.joinpath(SCRIPT).read_text(encoding="utf-8")
    (project / "dashboard-header.html").write_text(f"<meta name=\"robots\" content=\"noindex, nofollow\">\n"
                                                   f"<script>\n{script}</script>\n", encoding="utf-8")
    (project / "index.qmd").write_text(page_markdown(risk), encoding="utf-8")


def page_markdown(risk: CouncilRisk) -> str:
    """index.qmd: the banners, the run's date, every part that has data, the method and the sources."""
    today = risk.as_at
    parts = [_front_matter(risk.council_name), _banner(), f"Run on {wording.day(today)}. Every RAG below is the "
             "sum of its indicators' points (one column each); a red flag forces Red whatever the score.\n"]
    if risk.risk is None:
        parts.append("## Provider risk\n\nNo provider intelligence file was supplied, so there is no provider risk "
                     "score.\n")
    else:
        parts += _risk_sections(risk)
    if risk.delivery is not None:
        parts.append("## Home care delivery by provider\n\n"
                     + _provider_delivery_table(risk.delivery, risk.delivery_weeks).markdown())
    if risk.homes is not None:
        parts.append("## Care home financial risk\n\n" + _homes_table(risk.homes).markdown())
    parts.append(_method(risk.params, risk.sources, risk.log))
    parts.append(_banner())
    return "\n\n".join(parts)


def _service_titles() -> dict[str, str]:
    """Service key → title (helpers.services); other labels, e.g. the 'All services' row, are shown as they are."""
    return {s: title(s) for s in SERVICES}


def _front_matter(council_name: str) -> str:
    heading = f"Provider risk dashboard: {council_name} ({INTERNAL})"
    return f"---\ntitle: {yaml_markdown(heading)}\nlang: en-GB\n---\n"


def _banner() -> str:
    return f"```{{=html}}\n<p class=\"internal-banner\" role=\"note\"><strong>{INTERNAL}</strong></p>\n```\n"


def _risk_sections(risk: CouncilRisk) -> list[str]:
    titles = _service_titles()
    counts = risk.counts.assign(service=lambda d: d["service"].map(lambda s: titles.get(s, s)))
    counts_table = Table("risk_counts", counts, "Locations by service and RAG", {"service": "Service"})
    turned = risk.turned
    if risk.previous is None:
        change = "No previous run was found, so there is no change to show yet."
    elif turned.empty:
        change = "No location has turned Red since the previous run."
    else:
        change = Table("turned_red", turned.assign(service=turned["service"].map(lambda s: titles.get(s, s))),
                       f"{wording.plural(len(turned), 'location')} turned Red since the previous run",
                       {"location_id": "Location ID", "location_name": "Location", "provider_name": "Provider",
                        "service": "Service", "previous_rag": "Previous RAG", "rag": "RAG", "score": "Score",
                        "red_flags": "Red flags"}, {"score": "num1"}).markdown()
    return ["## Counts\n\n" + counts_table.markdown(), "## Turned Red since the previous run\n\n" + change,
            "## Locations\n\n" + _risk_html(risk.risk)]


def _esc(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else html_text(value)


def _risk_html(risk: pd.DataFrame) -> str:
    """The sortable, filterable table of locations: one column of points per indicator."""
    titles = _service_titles()
    columns = [("location_id", "Location ID", "text"), ("location_name", "Location", "text"),
               ("provider_name", "Provider", "text"), ("service", "Service", "text"),
               ("cqc_rating", "CQC rating", "text"), ("quality_rating", "Local rating", "text"),
               *[(provider_risk.points_column(i), f"{provider_risk.LABELS[i]} (pts)", "number")
                 for i in provider_risk.INDICATORS],
               ("score", "Score", "number"), ("red_flags", "Red flags", "text"), ("rag", "RAG", "text")]
    services = sorted(set(risk["service"]))
    options = "".join(f"<option value=\"{_esc(s)}\">{_esc(titles.get(s, s))}</option>" for s in services)
    rag_options = "".join(f"<option>{r}</option>" for r in reversed(provider_risk.RAGS))
    head = "".join(f"<th scope=\"col\" data-type=\"{kind}\" aria-sort=\"none\"><button type=\"button\">{_esc(label)}"
                   f"</button></th>" for _, label, kind in columns)
    body = []
    for _, row in risk.iterrows():
        cells = []
        for name, _, kind in columns:
            value = row[name]
            if name == "service":
                cells.append(f"<td>{_esc(titles.get(value, value))}</td>")
            elif name == "rag":
                label = f"{value} (red flag)" if row["red_flags"] else value
                cells.append(f"<td class=\"rag rag-{_esc(value).lower()}\">{_esc(label)}</td>")
            elif kind == "number":
                shown = wording.whole(value) if float(value).is_integer() else wording.number(value, 1)
                cells.append(f"<td class=\"num\" data-value=\"{float(value):g}\">{shown}</td>")
            else:
                cells.append(f"<td>{_esc(value)}</td>")
        body.append(f"<tr data-service=\"{_esc(row['service'])}\" data-rag=\"{_esc(row['rag'])}\">{''.join(cells)}"
                    "</tr>")
    return ("```{=html}\n<div class=\"filters\">"
            f"<label>Service <select id=\"filter-service\"><option value=\"\">All services</option>{options}"
            "</select></label> "
            f"<label>RAG <select id=\"filter-rag\"><option value=\"\">All</option>{rag_options}</select></label> "
            f"<span id=\"shown-count\" aria-live=\"polite\">{len(risk)} of {len(risk)} locations shown</span></div>\n"
            "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Provider risk by location\">"
            "<table id=\"risk-table\" class=\"risk\">"
            f"<caption>Provider risk by location ({INTERNAL}); select a heading to sort</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table></div>\n```\n")


def _provider_delivery_table(providers: pd.DataFrame, weeks: int) -> Table:
    frame = providers[["provider_id", "provider_name", "delivered_pct", "calls_15_pct", "calls_30_pct",
                       "calls_per_person_week", "hours_per_person_week", "hand_backs"]]
    return Table("home_care_by_provider", frame, f"Home care delivery per provider over the latest "
                 f"{wording.plural(weeks, 'week')} "
                 f"({INTERNAL})",
                 {"provider_id": "Provider ID", "provider_name": "Provider", "delivered_pct": "Delivered %",
                  "calls_15_pct": "15-min calls %", "calls_30_pct": "30-min calls %",
                  "calls_per_person_week": "Calls per person a week", "hours_per_person_week": "Hours per person a week",
                  "hand_backs": "Hand-backs"},
                 {"delivered_pct": "pct", "calls_15_pct": "pct", "calls_30_pct": "pct", "calls_per_person_week": "num1",
                  "hours_per_person_week": "num1", "hand_backs": "int"})


def _homes_table(homes: pd.DataFrame) -> Table:
    frame = homes[["location_id", "home_name", "beds", "council_funded_beds", "dependency_pct", "outstanding_pct",
                   "hardship_fund_used", "credit_red_flag", "risk_level", "risk_reasons"]].assign(
        credit_red_flag=lambda d: d["credit_red_flag"].map({True: "Y", False: "N"}))
    return Table("financial_risk_by_home", frame, f"Financial risk per care home ({INTERNAL})",
                 {"location_id": "Location ID", "home_name": "Care home", "beds": "Beds",
                  "council_funded_beds": "Council-funded beds", "dependency_pct": "Dependency %",
                  "outstanding_pct": "Outstanding % of monthly payment", "hardship_fund_used": "Hardship fund used",
                  "credit_red_flag": "Credit red flag", "risk_level": "Risk", "risk_reasons": "Why"},
                 {"beds": "int", "council_funded_beds": "int", "dependency_pct": "pct", "outstanding_pct": "pct",
                  "hardship_fund_used": "gbp0"})


def _method(p: provider_risk.RiskParams, sources: list[dict[str, Any]], log: DataQualityLog) -> str:
    """How the score is made (weights, thresholds, red flags), the sources and their warnings."""
    rows = []
    for ind in provider_risk.INDICATORS:
        if ind in p.ratings:
            rule = ", ".join(f"{k} {v:g}" for k, v in p.ratings[ind].items())
        elif ind == "food_hygiene":
            rule = ", ".join(f"rating {k}: {v:g}" for k, v in p.food_hygiene.items()) + "; blank 0"
        elif ind in p.counts:
            rule = f"{p.counts[ind][0]:g} per event, at most {p.counts[ind][1]:g}"
        else:
            rule = f"{p.flags[ind]:g} if Y"
        rows.append({"indicator": provider_risk.LABELS[ind], "points": rule,
                     "red_flag": "Yes" if ind in p.red_flags else "No"})
    weights = Table("risk_weights", pd.DataFrame(rows), "Points per indicator (params/oversight.yml)",
                    {"indicator": "Indicator", "points": "Points", "red_flag": "Red flag"})
    listed = "\n".join(f"- {markdown(s['source'])}: {markdown(s['file'])}, as at {markdown(wording.vintage(s['vintage']))}"
                       f"{' (SYNTHETIC DEMO DATA)' if s['synthetic'] else ''}" for s in sources)
    warnings = "\n".join(f"- {markdown(w)}" for w in log.warnings) or "None."
    return (f"## How the score is made\n\nScore of {p.amber_from:g} or more: Amber; {p.red_from:g} or more: Red; "
            f"below {p.amber_from:g}: Green.\n\n" + weights.markdown() + f"\n\n## Sources\n\n{listed or 'None.'}\n\n"
            f"## Data quality warnings\n\n{warnings}\n")
