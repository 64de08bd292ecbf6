"""The sustainability section: the market's verdict with its reasons, the rules behind it and the risk table.

It judges the figures the earlier sections computed (the chapter's key figures, an argument) with the rules
of helpers.assess.sustainability, adding for care homes the share of homes at moderate or high financial
risk from the council's financial sustainability return (as the oversight chapter computes it). The risk
table lists the council's own actions against each risk, never invented ones.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from datetime import date
from typing import Any, Mapping

import pandas as pd

from helpers.assess import action_tracker, financial_sustainability, national, sustainability
from helpers.assess.sections.common import BuiltSection, Section
from helpers.load import (action_plan, ascfr, ascof, cost_returns, cqc_directory, fee_rates, home_care_activity,
                          occupancy, ons_population, skills_for_care)
from helpers.load import financial_sustainability as finance_source
from helpers.load.inputs import Inputs
from helpers.load.reading import SourceTable, file_hash, kept
from helpers.present import wording
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import Service

RULES_HEADERS = {"indicator": "Indicator", "value": "Value", "at_risk": "At risk", "not_sustainable": "Not sustainable",
                 "level": "Level", "reason": "Reason"}
RISK_HEADERS = {"risk": "Risk", "likelihood": "Likelihood", "impact": "Impact", "action": "What the council will do",
                "target": "Target date", "status": "Status"}


SOURCE_WORDS = 30  # words in one sentence of the source line at most (published sentences stay under 35)


def _workforce_source(svc: Service, inputs: Inputs) -> str:
    """The workforce figures' source, as the workforce section chooses it."""
    return skills_for_care.SOURCE if inputs.skills_for_care is not None and svc.skills_for_care_services else ascof.SOURCE


def rule_sources(svc: Service, inputs: Inputs, rule: str, funded_from_occupancy: bool = False,
                 demand: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The sources (as Inputs records them) a rule's figure is computed from (``demand``: the demand rules',
    ``demand_sources``, when already known)."""
    if rule in ("occupancy", "vacancy"):
        return (occupancy.SPEC.title,)
    if rule == "fee_gap":
        return (fee_rates.SPEC.title, cost_returns.SPEC.title)
    if rule == "financial_risk":
        return (finance_source.SPEC.title, *((occupancy.SPEC.title,) if funded_from_occupancy else ()))
    if rule in ("staff_turnover", "staff_vacancy"):
        return (_workforce_source(svc, inputs),)
    if rule in ("quality", "concentration", "closures"):
        return (cqc_directory.SOURCE,)
    return demand_sources(svc, inputs) if demand is None else demand


def demand_sources(svc: Service, inputs: Inputs) -> tuple[str, ...]:
    """The sources the demand rules' figures are computed from: the projections, ASC-FR when it splits the
    council's clients by age, and the service's capacity source."""
    split = (inputs.ascfr is not None and svc.ascfr_settings
             and national.age_split(inputs, svc.ascfr_settings, inputs.council_code) is not None)
    capacity = {"cqc_beds": (cqc_directory.SOURCE, occupancy.SPEC.title),
                "delivered_hours": (home_care_activity.SPEC.title,)}.get(svc.capacity, (fee_rates.SPEC.title,))
    return (ons_population.SOURCE_SNPP, *((ascfr.SOURCE,) if split else ()), *capacity)


ORDER = (cqc_directory.SOURCE, skills_for_care.SOURCE, ascof.SOURCE, ons_population.SOURCE_SNPP, ascfr.SOURCE,
         occupancy.SPEC.title, home_care_activity.SPEC.title, fee_rates.SPEC.title, cost_returns.SPEC.title,
         finance_source.SPEC.title, action_plan.SPEC.title)


def _words(text: str) -> int:
    """Words as the published-text checks count them (a number, date part or symbol-joined token is one)."""
    return len(re.findall(r"[^\s–—:;,()]+", text))


def source_text(names: set[str], sources: list[dict[str, object]], max_words: int = SOURCE_WORDS) -> str:
    """'Source: …' naming each source used that was read, with its vintage in the house style, in sentences of at
    most ``max_words`` words (the rules draw on many sources; one long sentence would be hard to read)."""
    seen: list[str] = []
    used = [s for name in ORDER if name in names for s in sources if s["source"] == name]
    for s in used:
        name, vintage = str(s["source"]), wording.vintage(s["vintage"])
        last, words = name.split()[-1:], vintage.split()
        as_at = " ".join(words[:-1]) if len(words) > 1 and words[-1:] == last else vintage  # "2022-based"
        if f"{name}, {as_at}" not in seen:
            seen.append(f"{name}, {as_at}")
    if not seen:
        return ""
    groups: list[list[str]] = [[]]
    for text in seen:
        if groups[-1] and _words("Source: " + "; ".join([*groups[-1], text])) > max_words:
            groups.append([])
        groups[-1].append(text)
    synthetic = " (synthetic demo data)" if any(s["synthetic"] for s in used) else ""
    sentences = [("Source: " if i == 0 else "Also: ") + "; ".join(g) for i, g in enumerate(groups)]
    return ". ".join(sentences) + synthetic + "."


PUBLISHED_MEMORY = 8  # councils' published action plans kept per process
_published: OrderedDict[tuple, pd.DataFrame] = OrderedDict()


def published_plan(plan: SourceTable, today: date | pd.Timestamp, days: int) -> pd.DataFrame:
    """``action_tracker.published_rows`` of a council's action plan, made once per plan file (by its content hash)
    and date: the four services' risk tables each show some of its rows. Callers only select from it."""
    key = (str(plan.file), file_hash(plan.file), pd.Timestamp(today), days)
    return kept(_published, key, PUBLISHED_MEMORY, lambda: action_tracker.published_rows(plan.data, today, days))


def financial_risk_pct(inputs: Inputs, fin: SourceTable | None | bool = False) -> float | None:
    """The share of care homes at moderate or high financial risk (None when no return, or suppressed).

    ``fin``: the council's financial sustainability return when the caller has looked it up (None: none was
    supplied); by default it is looked up here."""
    fin = inputs.local("financial_sustainability") if fin is False else fin
    if fin is None or fin.data.empty:
        return None
    occ = inputs.local("occupancy") if fin.data["council_funded_beds"].isna().any() else None
    p = financial_sustainability.finance_params()
    homes = financial_sustainability.per_home(fin.data, None if occ is None else occ.data, p)
    return financial_sustainability.share_at_risk(homes, p.min_homes)["at_risk_pct"]


def _funded_from_occupancy(fin: SourceTable | None) -> bool:
    return fin is not None and bool(fin.data["council_funded_beds"].isna().any())


def sustainability_section(svc: Service, inputs: Inputs, area: pd.Series,
                           figures: Mapping[str, Any]) -> BuiltSection:
    """The verdict and its reasons, the rules table and the risk table of the next 1 to 3 years.

    ``figures``: the key figures of the chapter's earlier sections (sufficiency to demand).
    """
    p = sustainability.load_params()
    fin = inputs.local("financial_sustainability") if svc.care_home else None  # looked up once
    indicators = sustainability.indicators_from(figures, financial_risk_pct(inputs, fin) if svc.care_home else None)
    checked = sustainability.evaluate(indicators, p, national.base_year(inputs))
    verdict = sustainability.judge(checked, p)
    messages = sustainability.messages(svc.title, verdict, checked, p)
    items: list[Table | Chart] = []
    if checked:
        items.append(Table("sustainability_rules", sustainability.rules_frame(checked),
                           f"{svc.title}: sustainability rules, each figure and the level it triggers",
                           RULES_HEADERS))
    notes = sustainability.notes(p)
    if verdict.at_risk_rules or verdict.not_sustainable_rules:
        plan = inputs.local("action_plan")
        days = action_tracker.due_soon_days()
        risks = sustainability.risk_table(checked, p, None if plan is None else plan.data, svc.key,
                                          inputs.vintage_date, days,
                                          None if plan is None else lambda: published_plan(plan, inputs.vintage_date,
                                                                                           days))
        from_plan = (f"the council's action plan, {wording.vintage(plan.vintage)}; status on "
                     f"{wording.day(inputs.vintage_date)}" if plan is not None else "no action plan was supplied")
        items.append(Table("sustainability_risks", risks,
                           f"{svc.title}: risks over the next 1 to 3 years and what the council will do ({from_plan})",
                           RISK_HEADERS))
        if plan is None:
            notes.append("No action plan was supplied, so no risk has an action against it.")
    funded = svc.care_home and any(c.rule.key == "financial_risk" for c in checked) and _funded_from_occupancy(fin)
    demand = demand_sources(svc, inputs) if any(c.rule.indicator == "demand" for c in checked) else None
    names = {n for c in checked for n in rule_sources(svc, inputs, c.rule.key, funded, demand)}
    if any(isinstance(i, Table) and i.name == "sustainability_risks" for i in items):
        names.add(action_plan.SPEC.title)
    section = Section("sustainability", "Sustainability", messages, items, notes,
                      source_text(names, inputs.sources) if items else "")
    return BuiltSection(section, {"sustainability": sustainability.key_figures(verdict)})
