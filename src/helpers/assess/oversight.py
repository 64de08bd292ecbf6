"""Market oversight for one council: the published chapter's metrics (aggregates only).

``oversight_section`` holds only aggregate, publishable content: the action plan ("what we will do") and
its status counts, the KPI table, home care delivery for the council as a whole and the share of care
homes at moderate or high financial risk (aggregates over too few providers or homes are suppressed).

The INTERNAL provider risk dashboard (per location, per provider, per home: never published) is computed
by helpers.assess.provider_risk.council_risk and laid out by helpers.present.dashboard; it reuses
``load_local`` and ``finance_homes`` from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.assess import action_tracker, financial_sustainability, home_care_delivery, kpi_tracker
from helpers import params as params_module
from helpers.present.charts import Chart, count_axis, plain_figure
from helpers.errors import DataQualityLog
from helpers.load import action_plan, home_care_activity, kpis, occupancy
from helpers.load import financial_sustainability as finance_source
from helpers.load.local import LocalSource, load_council
from helpers.load.reading import file_hash
from helpers.load.reading import SourceTable
from helpers.present import wording
from helpers.present.tables import Table

PARAMS = "oversight"
SUPPRESSED = "[c]"


@dataclass
class OversightSection:
    """The published oversight content: tables, charts, headline figures, plain-English messages and warnings."""

    tables: list[Table]
    charts: list[Chart]
    key_figures: dict[str, Any]
    messages: list[str]
    log: DataQualityLog
    sources: list[dict[str, Any]] = field(default_factory=list)


def load_local(spec: LocalSource, data_dir: Path, code: str, cache_dir: Path | None, log: DataQualityLog,
               sources: list[dict[str, Any]], when: pd.Timestamp | None = None) -> SourceTable | None:
    """Load a council's local source (None if not supplied; the newest as at ``when`` or earlier when given),
    adding its warnings to log and its vintage to sources."""
    table = load_council(spec, Path(data_dir), code, cache_dir, when)
    if table is not None:
        log.extend(table.log)
        sources.append({"source": spec.title, "file": table.file.name, "vintage": table.vintage,
                        "synthetic": table.synthetic, "sha256": file_hash(table.file)})
    return table


def _is(n: int) -> str:
    """'1 is' or 'n are'."""
    return f"{wording.whole(n)} is" if n == 1 else f"{wording.whole(n)} are"


# ---------------------------------------------------------------------------------------------- published parts


def action_part(plan: pd.DataFrame, today: date, days: int) -> tuple[list[Table], list[Chart], dict, list[str]]:
    """The "what we will do" table, status counts by theme, a status chart, figures and a message."""
    table = Table("action_plan", action_tracker.what_we_will_do(plan, today, days),
                  f"What we will do: the market sustainability action plan (status at {wording.day(today)})",
                  action_tracker.HEADERS)
    counts = action_tracker.counts_by(plan, "theme")
    counts_table = Table("action_status", counts, "Actions by theme and status", {"theme": "Theme"},
                         {c: "int" for c in counts.columns if c != "theme"})
    figures = action_tracker.summary(plan, today, days)
    message = (f"Of the {wording.plural(figures['actions'], 'action')} in the plan, {_is(figures['Complete'])} complete, "
               f"{_is(figures['overdue'])} overdue (target date passed, not complete) and {_is(figures['due_soon'])} "
               f"due in the next {wording.plural(days, 'day')}.")
    return [table, counts_table], [_status_chart(counts)], figures, [message]


def _status_chart(counts: pd.DataFrame) -> Chart:
    """Stacked horizontal bars of actions per theme by status, each segment labelled with its count."""
    body = counts[counts["theme"] != action_tracker.TOTAL_ROW]
    traces = [dict(type="bar", y=body["theme"], x=body[status], name=status, orientation="h",
                   marker=dict(color=action_tracker.RAG_COLOURS[status]),
                   insidetextfont=dict(color=action_tracker.RAG_TEXT_COLOURS[status]),
                   text=[f"{status}: {wording.whole(n)}" if n else "" for n in body[status]], textposition="inside")
              for status in action_plan.STATUSES]
    title = "Actions by theme and status"
    fig = plain_figure(traces, dict(
        barmode="stack", title=dict(text=title), height=360, margin=dict(l=10, r=20, t=60, b=50),
        xaxis=count_axis(body[list(action_plan.STATUSES)].sum(axis=1).max(), title=dict(text="Number of actions")),
        yaxis=dict(autorange="reversed", automargin=True), legend=dict(orientation="h", yanchor="top", y=-0.3)))
    parts = " ".join(f"{row['theme']}: " + ", ".join(f"{s} {wording.whole(row[s])}" for s in action_plan.STATUSES
                                                      if row[s]) + "."
                     for _, row in body.iterrows())
    return Chart("action_status", fig, title, f"Stacked bar chart of actions per theme by status. {parts}",
                 body[["theme", *action_plan.STATUSES]].rename(columns={"theme": "Theme"}))


def kpi_part(kpi_rows: pd.DataFrame, margin: float) -> tuple[list[Table], dict, list[str]]:
    """The KPI table, RAG counts and a message."""
    tracked = kpi_tracker.kpi_table(kpi_rows, margin)
    if tracked.empty:
        return [], {"kpis": 0}, []
    table = Table("kpis", kpi_tracker.published(tracked), "Key performance indicators against target",
                  kpi_tracker.HEADERS)
    figures = kpi_tracker.rag_summary(tracked)
    margin_text = kpi_tracker.rag_label("Amber", margin).split(" – ", 1)[1].removesuffix(" of target")
    message = (f"Of {wording.plural(figures['kpis'], 'KPI')}, {wording.whole(figures['Green'])} met "
               f"{'its' if figures['Green'] == 1 else 'their'} target, {wording.whole(figures['Amber'])} "
               f"{'was' if figures['Amber'] == 1 else 'were'} {margin_text} of it and {wording.whole(figures['Red'])} "
               "missed it by more"
               + (f"; {wording.whole(figures['Not reported'])} had no result yet." if figures["Not reported"] else "."))
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
    period = f"{wording.day(figures['from'])} to {wording.day(figures['to'])}" if figures["from"] else "no weeks"
    table = Table("home_care_delivery", frame, f"Home care delivery across all providers, weeks ending {period}",
                  {"measure": "Measure", "value": "Value"})
    if suppressed or figures["calls"] in (None, 0):
        reason = (f"fewer than {wording.plural(min_providers, 'provider')}, so the figures are suppressed" if suppressed
                  else "no calls by length were reported")
        return [table], [], figures, [f"Home care delivery: {reason}."]
    message = (f"Over the {wording.plural(figures['weeks'], 'week')} to {wording.day(figures['to'])}, providers "
               f"delivered {wording.percent(figures['delivered_pct'], 1)} of commissioned home care hours. "
               f"{wording.percent(figures['calls_15_pct'], 1)} of calls were 15-minute calls and "
               f"{wording.percent(figures['calls_30_pct'], 1)} were of 16 to 30 minutes. People received "
               f"{wording.number(figures['calls_per_person_week'])} calls and "
               f"{wording.number(figures['hours_per_person_week'])} hours of care a week on average.")
    return [table], [_calls_chart(home_care_delivery.weekly(activity, weeks))], figures, [message]


def _display(value: Any, fmt: str, suppressed: bool) -> str:
    if suppressed:
        return SUPPRESSED
    if value is None or pd.isna(value):
        return "–"
    return {"int": wording.whole, "pct": lambda v: wording.percent(v, 1), "num1": wording.number}[fmt](value)


def _calls_chart(weekly: pd.DataFrame) -> Chart:
    """Weekly % of calls of 15 and of 16–30 minutes, lines with distinct markers (not colour alone)."""
    traces = [dict(type="scatter", x=weekly["week_ending"], y=weekly[column].astype(float), name=name,
                   mode="lines+markers", marker=dict(symbol=symbol), line=dict(dash=dash))
              for column, name, symbol, dash in (("calls_15_pct", "15-minute calls", "circle", "solid"),
                                                 ("calls_30_pct", "16 to 30-minute calls", "square", "dash"))]
    title = "Share of home care calls by planned length, week by week"
    fig = plain_figure(traces, dict(title=dict(text=title), height=360, yaxis=dict(title=dict(text="% of calls")),
                                    xaxis=dict(title=dict(text="Week ending")), legend=dict(orientation="h", y=-0.25),
                                    margin=dict(l=70, r=20, t=60, b=50)))
    last = weekly.iloc[-1]
    alt = (f"Line chart of the weekly share of home care calls of 15 minutes and of 16 to 30 minutes over "
           f"{wording.plural(len(weekly), 'week')}. In the latest week, ending {wording.day(last['week_ending'])}, "
           f"{wording.percent(float(last['calls_15_pct']), 1)} of calls were 15 minutes and "
           f"{wording.percent(float(last['calls_30_pct']), 1)} were 16 to 30 minutes.")
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
        return [table], figures, [f"Financial risk: fewer than {wording.plural(p.min_homes, 'care home')} were "
                                  "assessed, so the figures are suppressed."]
    at_risk = figures["moderate"] + figures["high"]
    message = (f"Of the {wording.plural(figures['homes'], 'care home')} assessed, "
               f"{wording.percent(figures['at_risk_pct'], 1)} ({wording.whole(at_risk)}) "
               f"{'is' if at_risk == 1 else 'are'} at moderate or high financial risk.")
    return [table], figures, [message]


def oversight_section(data_dir: Path, council_code: str, council_name: str, cache_dir: Path | None = None,
                      today: date | None = None, when: pd.Timestamp | None = None) -> OversightSection:
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

    plan = load_local(action_plan.SPEC, data_dir, council_code, cache_dir, log, sources, when)
    if plan is not None and len(plan.data):
        t, c, f, m = action_part(plan.data, today, action_tracker.due_soon_days(raw))
        tables, charts, messages = tables + t, charts + c, messages + m
        figures["actions"] = f
    else:
        missing("an action plan")
    kpi_rows = load_local(kpis.SPEC, data_dir, council_code, cache_dir, log, sources, when)
    if kpi_rows is not None and len(kpi_rows.data):
        t, f, m = kpi_part(kpi_rows.data, kpi_tracker.amber_margin(raw))
        tables, messages, figures["kpis"] = tables + t, messages + m, f
    else:
        missing("KPIs")
    activity = load_local(home_care_activity.SPEC, data_dir, council_code, cache_dir, log, sources, when)
    if activity is not None and len(activity.data):
        min_providers = params_module.require(raw, "published.min_providers", "int", name=PARAMS, minimum=1)
        t, c, f, m = home_care_part(activity.data, home_care_delivery.window_weeks(raw), min_providers)
        tables, charts, messages, figures["home_care"] = tables + t, charts + c, messages + m, f
    else:
        missing("home care activity")
    homes = finance_homes(data_dir, council_code, cache_dir, log, sources, when)
    if homes is not None:
        t, f, m = finance_part(homes)
        tables, messages, figures["financial_risk"] = tables + t, messages + m, f
    else:
        missing("a care home financial sustainability return")
    return OversightSection(tables, charts, figures, messages, log, sources)


def finance_homes(data_dir: Path, code: str, cache_dir: Path | None, log: DataQualityLog,
                  sources: list[dict[str, Any]], when: pd.Timestamp | None = None) -> pd.DataFrame | None:
    """Per-home financial risk (INTERNAL: the published part shows only its aggregate), council-funded beds
    filled from occupancy where the return leaves them blank; None if no return was supplied."""
    fin = load_local(finance_source.SPEC, data_dir, code, cache_dir, log, sources, when)
    if fin is None or fin.data.empty:
        return None
    occ = None
    if fin.data["council_funded_beds"].isna().any():
        occ = load_local(occupancy.SPEC, data_dir, code, cache_dir, log, sources, when)
    return financial_sustainability.per_home(fin.data, None if occ is None else occ.data,
                                             financial_sustainability.finance_params())
