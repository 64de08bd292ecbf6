"""Market oversight for one council: the published MPS section and the INTERNAL provider risk dashboard.

``oversight_section`` holds only aggregate, publishable content: the action plan ("what we will do") and
its status counts, the KPI table, home care delivery for the council as a whole and the share of care
homes at moderate or high financial risk (aggregates over too few providers or homes are suppressed).

``write_internal_dashboard`` renders the provider risk dashboard (per location, per provider, per home:
never published) as a small Quarto project into a folder outside the published reports, staged in a
temporary folder and moved into place only when it rendered.
"""
from __future__ import annotations

import html
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from helpers.assess import action_tracker, financial_sustainability, home_care_delivery, kpi_tracker, provider_risk
from helpers import params as params_module
from helpers.present.charts import LAYOUT, Chart, count_axis
from helpers.errors import DataQualityLog
from helpers.present.render import render
from helpers.present.spreadsheet_text import read_csv, write_csv
from helpers.load import action_plan, cqc_directory, home_care_activity, kpis, occupancy, provider_intelligence
from helpers.load import financial_sustainability as finance_source
from helpers.load.local import LocalSource, load_council
from helpers.load.reading import SourceTable
from helpers.present.tables import Table

PARAMS = "oversight"
SUPPRESSED = "[c]"
INTERNAL = "INTERNAL – not for publication"
DASHBOARD = "provider_risk_dashboard"
RISK_CSV = "provider_risk.csv"
SERVICE_NAMES = action_tracker.SERVICE_NAMES


@dataclass
class OversightSection:
    """The published oversight content: tables, charts, headline figures, plain-English messages and warnings."""

    tables: list[Table]
    charts: list[Chart]
    key_figures: dict[str, Any]
    messages: list[str]
    log: DataQualityLog
    sources: list[dict[str, Any]] = field(default_factory=list)


def _load(spec: LocalSource, data_dir: Path, code: str, cache_dir: Path | None, log: DataQualityLog,
          sources: list[dict[str, Any]]) -> SourceTable | None:
    """Load a council's local source (None if not supplied), adding its warnings to log and its vintage to sources."""
    table = load_council(spec, Path(data_dir), code, cache_dir)
    if table is not None:
        log.extend(table.log)
        sources.append({"source": spec.title, "file": table.file.name, "vintage": table.vintage,
                        "synthetic": table.synthetic})
    return table


def _is(n: int) -> str:
    """'1 is' or 'n are'."""
    return f"{n} is" if n == 1 else f"{n} are"


def _n(value: float, places: int = 1) -> str:
    return f"{value:,.{places}f}"


# ---------------------------------------------------------------------------------------------- published parts


def action_part(plan: pd.DataFrame, today: date, days: int) -> tuple[list[Table], list[Chart], dict, list[str]]:
    """The "what we will do" table, status counts by theme, a status chart, figures and a message."""
    table = Table("action_plan", action_tracker.what_we_will_do(plan, today, days),
                  f"What we will do: the market sustainability action plan (status at {today:%d %B %Y})",
                  action_tracker.HEADERS)
    counts = action_tracker.counts_by(plan, "theme")
    counts_table = Table("action_status", counts, "Actions by theme and status", {"theme": "Theme"},
                         {c: "int" for c in counts.columns if c != "theme"})
    figures = action_tracker.summary(plan, today, days)
    message = (f"Of the {figures['actions']} actions in the plan, {_is(figures['Complete'])} complete, "
               f"{_is(figures['overdue'])} overdue (target date passed, not complete) and {_is(figures['due_soon'])} "
               f"due in the next {days} days.")
    return [table, counts_table], [_status_chart(counts)], figures, [message]


def _status_chart(counts: pd.DataFrame) -> Chart:
    """Stacked horizontal bars of actions per theme by status, each segment labelled with its count."""
    body = counts[counts["theme"] != action_tracker.TOTAL_ROW]
    fig = go.Figure()
    for status in action_plan.STATUSES:
        fig.add_trace(go.Bar(y=body["theme"], x=body[status], name=status, orientation="h",
                             marker_color=action_tracker.RAG_COLOURS[status],
                             insidetextfont=dict(color=action_tracker.RAG_TEXT_COLOURS[status]),
                             text=[f"{status}: {n}" if n else "" for n in body[status]], textposition="inside"))
    title = "Actions by theme and status"
    fig.update_layout(barmode="stack", title=title, height=360, margin=dict(l=10, r=20, t=60, b=50),
                      xaxis=count_axis(body[list(action_plan.STATUSES)].sum(axis=1).max(), title="Number of actions"),
                      yaxis=dict(autorange="reversed", automargin=True), legend=dict(orientation="h", yanchor="top", y=-0.3),
                      **LAYOUT)
    parts = "; ".join(f"{row['theme']}: " + ", ".join(f"{s} {int(row[s])}" for s in action_plan.STATUSES if row[s])
                      for _, row in body.iterrows())
    return Chart("action_status", fig, title, f"Stacked bar chart of actions per theme by status. {parts}.",
                 body[["theme", *action_plan.STATUSES]])


def kpi_part(kpi_rows: pd.DataFrame, margin: float) -> tuple[list[Table], dict, list[str]]:
    """The KPI table, RAG counts and a message."""
    tracked = kpi_tracker.kpi_table(kpi_rows, margin)
    if tracked.empty:
        return [], {"kpis": 0}, []
    table = Table("kpis", kpi_tracker.published(tracked), "Key performance indicators against target",
                  kpi_tracker.HEADERS)
    figures = kpi_tracker.rag_summary(tracked)
    message = (f"Of {figures['kpis']} KPIs, {figures['Green']} met their target, {figures['Amber']} were within "
               f"{margin * 100:g}% of it and {figures['Red']} missed it by more"
               + (f"; {figures['Not reported']} had no result yet." if figures["Not reported"] else "."))
    return [table], figures, [message]


def home_care_part(activity: pd.DataFrame, weeks: int, min_providers: int) -> tuple[list[Table], list[Chart],
                                                                                       dict, list[str]]:
    """Council-wide home care delivery (suppressed below min_providers providers) and the call-length chart."""
    figures = home_care_delivery.aggregate(activity, weeks)
    suppressed = figures["providers"] < min_providers
    figures["suppressed"] = suppressed
    if suppressed:
        figures.update({m: None for m in home_care_delivery.MEASURES if m != "weeks"})
    rows = [("Providers", figures["providers"], "int"), ("Weeks measured", figures["weeks"], "int"),
            ("Delivered hours as % of commissioned", figures["delivered_pct"], "pct"),
            ("Share of calls of 15 minutes", figures["calls_15_pct"], "pct"),
            ("Share of calls of 16 to 30 minutes", figures["calls_30_pct"], "pct"),
            ("Calls per person per week", figures["calls_per_person_week"], "num1"),
            ("Hours per person per week", figures["hours_per_person_week"], "num1"),
            ("Packages handed back", figures["hand_backs"], "int"),
            ("Packages handed back per week", figures["hand_backs_per_week"], "num1")]
    frame = pd.DataFrame({"measure": [r[0] for r in rows],
                          "value": [_display(v, fmt, suppressed and i > 1) for i, (_, v, fmt) in enumerate(rows)]})
    period = f"{_day(figures['from'])} to {_day(figures['to'])}" if figures["from"] else "no weeks"
    table = Table("home_care_delivery", frame, f"Home care delivery across all providers, weeks ending {period}",
                  {"measure": "Measure", "value": "Value"})
    if suppressed or figures["calls"] in (None, 0):
        reason = (f"fewer than {min_providers} providers, so the figures are suppressed" if suppressed
                  else "no calls by length were reported")
        return [table], [], figures, [f"Home care delivery: {reason}."]
    message = (f"Over the {figures['weeks']} weeks to {_day(figures['to'])}, providers delivered "
               f"{_n(figures['delivered_pct'])}% of commissioned home care hours; "
               f"{_n(figures['calls_15_pct'])}% of calls were 15-minute calls and {_n(figures['calls_30_pct'])}% "
               f"were of 16 to 30 minutes; people received {_n(figures['calls_per_person_week'])} calls and "
               f"{_n(figures['hours_per_person_week'])} hours of care a week on average.")
    return [table], [_calls_chart(home_care_delivery.weekly(activity, weeks))], figures, [message]


def _display(value: Any, fmt: str, suppressed: bool) -> str:
    if suppressed:
        return SUPPRESSED
    if value is None or pd.isna(value):
        return "–"
    return {"int": f"{int(round(value)):,}", "pct": f"{value:.1f}%", "num1": f"{value:,.1f}"}[fmt]


def _day(iso: str | None) -> str:
    return "" if iso is None else f"{pd.Timestamp(iso).day} {pd.Timestamp(iso):%B %Y}"


def _calls_chart(weekly: pd.DataFrame) -> Chart:
    """Weekly % of calls of 15 and of 16–30 minutes, lines with distinct markers (not colour alone)."""
    fig = go.Figure()
    for column, name, symbol, dash in (("calls_15_pct", "15-minute calls", "circle", "solid"),
                                       ("calls_30_pct", "16 to 30-minute calls", "square", "dash")):
        fig.add_trace(go.Scatter(x=weekly["week_ending"], y=weekly[column].astype(float), name=name,
                                 mode="lines+markers", marker_symbol=symbol, line_dash=dash))
    title = "Share of home care calls by planned length, week by week"
    fig.update_layout(title=title, height=360, yaxis=dict(title="% of calls"), xaxis=dict(title="Week ending"),
                      legend=dict(orientation="h", y=-0.25), margin=dict(l=70, r=20, t=60, b=50), **LAYOUT)
    last = weekly.iloc[-1]
    alt = (f"Line chart of the weekly share of home care calls of 15 minutes and of 16 to 30 minutes over "
           f"{len(weekly)} weeks. In the latest week, ending {last['week_ending']:%d %B %Y}, "
           f"{float(last['calls_15_pct']):.1f}% of calls were 15 minutes and {float(last['calls_30_pct']):.1f}% "
           f"were 16 to 30 minutes.")
    data = weekly[["week_ending", "calls_15_pct", "calls_30_pct"]].rename(
        columns={"week_ending": "Week ending", "calls_15_pct": "15-minute calls, %", "calls_30_pct": "16 to 30-minute calls, %"})
    return Chart("home_care_calls", fig, title, alt, data)


def finance_part(homes: pd.DataFrame) -> tuple[list[Table], dict, list[str]]:
    """The share of care homes at moderate or high financial risk (aggregate only)."""
    p = financial_sustainability.finance_params()
    figures = financial_sustainability.share_at_risk(homes, p.min_homes)
    rows = [("Care homes assessed", figures["homes"], "int", False),
            ("At moderate financial risk", figures["moderate"], "int", figures["suppressed"]),
            ("At high financial risk", figures["high"], "int", figures["suppressed"]),
            ("Share at moderate or high risk", figures["at_risk_pct"], "pct", figures["suppressed"])]
    frame = pd.DataFrame({"measure": [r[0] for r in rows], "value": [_display(v, f, s) for _, v, f, s in rows]})
    table = Table("financial_risk", frame, "Care homes by financial risk", {"measure": "Measure", "value": "Value"})
    if figures["suppressed"]:
        return [table], figures, [f"Financial risk: fewer than {p.min_homes} care homes were assessed, so the "
                                  "figures are suppressed."]
    message = (f"Of the {figures['homes']} care homes assessed, {_n(figures['at_risk_pct'])}% "
               f"({figures['moderate'] + figures['high']}) are at moderate or high financial risk.")
    return [table], figures, [message]


def oversight_section(data_dir: Path, council_code: str, council_name: str, cache_dir: Path | None = None,
                      today: date | None = None) -> OversightSection:
    """The published oversight content for one council; parts whose source is not supplied are skipped (said so)."""
    today = today or date.today()
    raw = params_module.load(PARAMS)
    log, sources = DataQualityLog(), []
    tables: list[Table] = []
    charts: list[Chart] = []
    figures: dict[str, Any] = {"council_code": council_code, "as_at": today.isoformat()}
    messages: list[str] = []

    def missing(what: str) -> None:
        messages.append(f"{council_name} has not supplied {what}, so this part is left out.")

    plan = _load(action_plan.SPEC, data_dir, council_code, cache_dir, log, sources)
    if plan is not None and len(plan.data):
        t, c, f, m = action_part(plan.data, today, action_tracker.due_soon_days(raw))
        tables, charts, messages = tables + t, charts + c, messages + m
        figures["actions"] = f
    else:
        missing("an action plan")
    kpi_rows = _load(kpis.SPEC, data_dir, council_code, cache_dir, log, sources)
    if kpi_rows is not None and len(kpi_rows.data):
        t, f, m = kpi_part(kpi_rows.data, kpi_tracker.amber_margin(raw))
        tables, messages, figures["kpis"] = tables + t, messages + m, f
    else:
        missing("KPIs")
    activity = _load(home_care_activity.SPEC, data_dir, council_code, cache_dir, log, sources)
    if activity is not None and len(activity.data):
        min_providers = params_module.require(raw, "published.min_providers", "int", name=PARAMS, minimum=1)
        t, c, f, m = home_care_part(activity.data, home_care_delivery.window_weeks(raw), min_providers)
        tables, charts, messages, figures["home_care"] = tables + t, charts + c, messages + m, f
    else:
        missing("home care activity")
    homes = _finance_homes(data_dir, council_code, cache_dir, log, sources)
    if homes is not None:
        t, f, m = finance_part(homes)
        tables, messages, figures["financial_risk"] = tables + t, messages + m, f
    else:
        missing("a care home financial sustainability return")
    return OversightSection(tables, charts, figures, messages, log, sources)


def _finance_homes(data_dir: Path, code: str, cache_dir: Path | None, log: DataQualityLog,
                   sources: list[dict[str, Any]]) -> pd.DataFrame | None:
    """Per-home financial risk (internal), council-funded beds filled from occupancy; None if no return."""
    fin = _load(finance_source.SPEC, data_dir, code, cache_dir, log, sources)
    if fin is None or fin.data.empty:
        return None
    occ = None
    if fin.data["council_funded_beds"].isna().any():
        occ = _load(occupancy.SPEC, data_dir, code, cache_dir, log, sources)
    return financial_sustainability.per_home(fin.data, None if occ is None else occ.data,
                                             financial_sustainability.finance_params())


# ---------------------------------------------------------------------------------------------- internal dashboard


def read_previous(path: Path) -> pd.DataFrame | None:
    """The provider risk table the dashboard wrote last time (None if there is none)."""
    path = Path(path)
    if not path.is_file():
        return None
    return read_csv(path, dtype={"location_id": "str", "service": "str", "rag": "str"}, keep_default_na=False)


def write_internal_dashboard(data_dir: Path, council_code: str, council_name: str, out_dir: Path,
                             cache_dir: Path | None = None, today: date | None = None, engine: str = "auto") -> Path:
    """Render the INTERNAL provider risk dashboard into out_dir (staged, then moved); return the HTML's path."""
    today = today or date.today()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    log, sources = DataQualityLog(), []
    intel = _load(provider_intelligence.SPEC, data_dir, council_code, cache_dir, log, sources)
    risk = None
    if intel is not None:
        directory = cqc_directory.load_latest(Path(data_dir), cache_dir)
        log.extend(directory.log)
        sources.append({"source": "CQC care directory", "file": directory.file.name, "vintage": directory.vintage,
                        "synthetic": directory.synthetic})
        risk = provider_risk.provider_risk(intel.data, directory.data, provider_risk.risk_params())
    activity = _load(home_care_activity.SPEC, data_dir, council_code, cache_dir, log, sources)
    homes = _finance_homes(data_dir, council_code, cache_dir, log, sources)
    previous = read_previous(out_dir / RISK_CSV)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        project, staged = work / "project", work / out_dir.name
        _write_project(project, council_name, today, risk, previous, activity, homes, sources, log)
        render(project, staged, ("html",), engine, basename=DASHBOARD)
        if risk is not None:
            write_csv(risk.assign(as_at=risk["as_at"].dt.strftime("%Y-%m-%d")), staged / RISK_CSV)
        _swap_into_place(staged, out_dir, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out_dir / f"{DASHBOARD}.html"


def _swap_into_place(staged: Path, out_dir: Path, work: Path) -> None:
    """Replace out_dir by staged; if that fails, put the previous out_dir back."""
    old = work / "previous"
    if out_dir.exists():
        os.replace(out_dir, old)
    try:
        os.replace(staged, out_dir)
    except BaseException:
        if old.exists():
            os.replace(old, out_dir)
        raise


def _write_project(project: Path, council_name: str, today: date, risk: pd.DataFrame | None,
                   previous: pd.DataFrame | None, activity: SourceTable | None, homes: pd.DataFrame | None,
                   sources: list[dict[str, Any]], log: DataQualityLog) -> None:
    """The dashboard's Quarto project: _quarto.yml, a header with the sort/filter script, index.qmd (no code)."""
    project.mkdir(parents=True)
    (project / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (project / "dashboard.css").write_text(CSS, encoding="utf-8")
    (project / "dashboard-header.html").write_text(f"<meta name=\"robots\" content=\"noindex, nofollow\">\n"
                                                   f"<script>{SCRIPT}</script>\n", encoding="utf-8")
    parts = [_front_matter(council_name), _banner(), f"Run on {today.day} {today:%B %Y}. Every RAG below is the sum "
             "of its indicators' points (one column each); a red flag forces Red whatever the score.\n"]
    if risk is None:
        parts.append("## Provider risk\n\nNo provider intelligence file was supplied, so there is no provider risk "
                     "score.\n")
    else:
        parts += _risk_sections(risk, previous)
    if activity is not None and len(activity.data):
        weeks = home_care_delivery.window_weeks()
        providers = home_care_delivery.per_provider(activity.data, weeks)
        parts.append("## Home care delivery by provider\n\n" + _provider_delivery_table(providers, weeks).markdown())
    if homes is not None:
        parts.append("## Care home financial risk\n\n" + _homes_table(homes).markdown())
    parts.append(_method(sources, log))
    parts.append(_banner())
    (project / "index.qmd").write_text("\n\n".join(parts), encoding="utf-8")


def _front_matter(council_name: str) -> str:
    title = f"Provider risk dashboard: {council_name} ({INTERNAL})"
    return f"---\ntitle: \"{title}\"\nlang: en-GB\n---\n"


def _banner() -> str:
    return f"```{{=html}}\n<p class=\"internal-banner\" role=\"note\"><strong>{INTERNAL}</strong></p>\n```\n"


def _risk_sections(risk: pd.DataFrame, previous: pd.DataFrame | None) -> list[str]:
    counts = provider_risk.rag_counts(risk).assign(service=lambda d: d["service"].map(SERVICE_NAMES).fillna(
        d["service"]))
    counts_table = Table("risk_counts", counts, "Locations by service and RAG", {"service": "Service"})
    turned = provider_risk.change_since(previous, risk)
    if previous is None:
        change = "No previous run was found, so there is no change to show yet."
    elif turned.empty:
        change = "No location has turned Red since the previous run."
    else:
        change = Table("turned_red", turned.assign(service=turned["service"].map(SERVICE_NAMES)),
                       f"{len(turned)} location(s) turned Red since the previous run",
                       {"location_id": "Location ID", "location_name": "Location", "provider_name": "Provider",
                        "service": "Service", "previous_rag": "Previous RAG", "rag": "RAG", "score": "Score",
                        "red_flags": "Red flags"}, {"score": "num1"}).markdown()
    return ["## Counts\n\n" + counts_table.markdown(), "## Turned Red since the previous run\n\n" + change,
            "## Locations\n\n" + _risk_html(risk)]


def _esc(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else html.escape(str(value))


def _risk_html(risk: pd.DataFrame) -> str:
    """The sortable, filterable table of locations: one column of points per indicator."""
    columns = [("location_id", "Location ID", "text"), ("location_name", "Location", "text"),
               ("provider_name", "Provider", "text"), ("service", "Service", "text"),
               ("cqc_rating", "CQC rating", "text"), ("quality_rating", "Local rating", "text"),
               *[(provider_risk.points_column(i), f"{provider_risk.LABELS[i]} (pts)", "number")
                 for i in provider_risk.INDICATORS],
               ("score", "Score", "number"), ("red_flags", "Red flags", "text"), ("rag", "RAG", "text")]
    services = sorted(set(risk["service"]))
    options = "".join(f"<option value=\"{_esc(s)}\">{_esc(SERVICE_NAMES.get(s, s))}</option>" for s in services)
    rag_options = "".join(f"<option>{r}</option>" for r in reversed(provider_risk.RAGS))
    head = "".join(f"<th scope=\"col\" data-type=\"{kind}\" aria-sort=\"none\"><button type=\"button\">{_esc(label)}"
                   f"</button></th>" for _, label, kind in columns)
    body = []
    for _, row in risk.iterrows():
        cells = []
        for name, _, kind in columns:
            value = row[name]
            if name == "service":
                cells.append(f"<td>{_esc(SERVICE_NAMES.get(value, value))}</td>")
            elif name == "rag":
                label = f"{value} (red flag)" if row["red_flags"] else value
                cells.append(f"<td class=\"rag rag-{_esc(value).lower()}\">{_esc(label)}</td>")
            elif kind == "number":
                cells.append(f"<td class=\"num\" data-value=\"{float(value):g}\">{float(value):g}</td>")
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
    return Table("home_care_by_provider", frame, f"Home care delivery per provider over the latest {weeks} weeks "
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


def _method(sources: list[dict[str, Any]], log: DataQualityLog) -> str:
    """How the score is made (weights, thresholds, red flags), the sources and their warnings."""
    p = provider_risk.risk_params()
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
    listed = "\n".join(f"- {s['source']}: {s['file']}, as at {s['vintage']}"
                       f"{' (SYNTHETIC DEMO DATA)' if s['synthetic'] else ''}" for s in sources)
    warnings = "\n".join(f"- {html.escape(str(w))}" for w in log.warnings) or "None."
    return (f"## How the score is made\n\nScore of {p.amber_from:g} or more: Amber; {p.red_from:g} or more: Red; "
            f"below {p.amber_from:g}: Green.\n\n" + weights.markdown() + f"\n\n## Sources\n\n{listed or 'None.'}\n\n"
            f"## Data quality warnings\n\n{warnings}\n")


QUARTO_YML = """# The INTERNAL provider risk dashboard: never linked from or included in the published MPS.
project:
  type: default
format:
  html:
    embed-resources: true
    toc: false
    css: dashboard.css
    include-in-header: dashboard-header.html
"""

CSS = """body { font-family: "Segoe UI", Arial, sans-serif; margin: 0 auto; padding: 1rem 2rem; max-width: 110rem;
  line-height: 1.4; color: #1b1b1b; overflow-wrap: break-word; }
h1, h2 { color: #003a6b; }
.internal-banner { background: #b3261e; color: #fff; padding: 0.5rem 1rem; font-size: 1.1rem; text-align: center; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f3f2f1; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
td.num { text-align: right; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll:focus { outline: 3px solid #fd0; }
@media (max-width: 40rem) { body { padding: 0.5rem 1rem; } }
.filters { margin: 0.5rem 0; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
td.rag { font-weight: 700; }
td.rag-red { background: #b3261e; color: #fff; }
td.rag-amber { background: #ffdd00; color: #1b1b1b; }
td.rag-green { background: #00703c; color: #fff; }
caption { caption-side: top; text-align: left; font-weight: 600; }
"""

SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("risk-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var service = document.getElementById("filter-service");
  var rag = document.getElementById("filter-rag");
  var shown = document.getElementById("shown-count");
  function filter() {
    var rows = Array.prototype.slice.call(body.rows), n = 0;
    rows.forEach(function (tr) {
      var ok = (!service.value || tr.dataset.service === service.value) && (!rag.value || tr.dataset.rag === rag.value);
      tr.hidden = !ok; if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " locations shown";
  }
  service.addEventListener("change", filter);
  rag.addEventListener("change", filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var numeric = th.dataset.type === "number";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index], y = b.cells[index];
        var c = numeric ? parseFloat(x.dataset.value) - parseFloat(y.dataset.value)
                        : x.textContent.localeCompare(y.textContent);
        return ascending ? c : -c;
      });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
});
"""
