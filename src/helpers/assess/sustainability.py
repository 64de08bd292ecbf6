"""Market sustainability of one service: rules on its figures give a verdict with reasons, and a risk table.

Each rule (``RULES``) judges one of the figures the other sections already computed (``indicators_from``)
against the thresholds of params/sustainability.yml. A rule has a ``below`` side (low values are the risk),
an ``above`` side (high values are), or both (care home occupancy: too low is a financial risk, too high is
insufficiency). On a side:

- below: "not sustainable" when value <= not_sustainable_from, else "at risk" when value <= at_risk_from;
- above: "not sustainable" when value >= not_sustainable_from, else "at risk" when value >= at_risk_from;
- otherwise "sustainable". A value equal to a threshold takes the worse level. Values are compared as
  published (percentages to 1 decimal place, the HHI to a whole number), so the table never contradicts itself.

A rule whose figure the service does not have (occupancy for home care, a suppressed cost, no workforce
file) is skipped, without a row.

The verdict (``judge``):

- "not sustainable" when any rule is not sustainable, or when rules are at risk on
  ``verdict.not_sustainable_from_indicators_at_risk`` indicators or more (each rule's ``indicator``: the
  projected demand at 3 and at 5 years is one indicator, so one shortfall is not counted twice);
- else "at risk" when any rule is at risk;
- else "sustainable" when at least ``verdict.min_rules`` rules were checked, and "not assessed" when fewer
  were (too little evidence to call a market sustainable; evidence of a risk counts whatever the number).

The risk table (``risk_table``) has a row for each rule at risk or not sustainable, worst first: the risk in
plain English (params, with the figure), the likelihood (params, from the level), the impact (params) and
what the council will do: the council's own action plan rows for the service or for All services whose
theme is one of the rule's themes (params), one row per action. When none matches, the row says
``NO_ACTION``: an action is never invented.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

import pandas as pd

from helpers import params as params_module
from helpers.assess import action_tracker
from helpers.errors import InputError
from helpers.load.action_plan import ALL_SERVICES, THEMES
from helpers.present import wording

PARAMS = "sustainability"
SUSTAINABLE, AT_RISK, NOT_SUSTAINABLE = "sustainable", "at risk", "not sustainable"
LEVELS = (SUSTAINABLE, AT_RISK, NOT_SUSTAINABLE)
NOT_ASSESSED = "not assessed"
BELOW, ABOVE = "below", "above"
IMPACTS = ("Low", "Medium", "High")
NO_ACTION = "No action in the council's plan yet."
PCT, SIGNED_PCT, INDEX = "pct", "signed_pct", "index"


# --------------------------------------------------------------------------------------------- the rules

def _demand_phrase(value: float, text: str, year: str) -> str:
    if value < 0:
        return f"a projected shortfall of {wording.percent(abs(value), 1)} of demand by {year}"
    if value == 0:
        return f"projected demand equal to usable capacity by {year}"
    return f"a projected surplus of {wording.percent(value, 1)} of demand by {year}"


def _fee_phrase(value: float, text: str, year: str) -> str:
    side = "below" if value >= 0 else "above"
    return f"a main fee {wording.percent(abs(value), 1)} {side} the median cost of care"


@dataclass(frozen=True)
class Rule:
    """One rule: the figure it judges, how the table names it and how a reason names its value.

    ``indicator``: rules of one indicator count once toward the verdict. ``label`` and ``phrase`` may use
    ``{year}`` (the demand rules' year); ``phrase`` is a short noun phrase naming a rule at risk or not
    sustainable in the messages, key figures and risk table ("staff turnover of 39.5%"), a template of
    ``{value}`` and ``{year}`` or a function of (value, value text, year text).
    """

    key: str
    indicator: str
    label: str
    sides: tuple[str, ...]
    kind: str
    phrase: str | Callable[[float, str, str], str]
    horizon: int | None = None

    @property
    def digits(self) -> int:
        """Decimal places the value is published (and compared) at."""
        return 0 if self.kind == INDEX else 1

    def value_text(self, value: float) -> str:
        """The value in the house style: "83.9%", "+2.5%", "1,016"."""
        if self.kind == INDEX:
            return wording.whole(value)
        if self.kind == SIGNED_PCT:
            return wording.signed_percent(value, 1)
        return wording.percent(value, 1)

    def limit_text(self, direction: str, value: float) -> str:
        """A threshold as the values it catches, in the house style, with a decimal place only when it has one:
        "85% or less", "2,000 or more"; a signed percentage in words, "a shortfall of 2% or more" (a text never
        starts with a minus sign, which a spreadsheet would read as a number)."""
        digits = 0 if float(value).is_integer() else 1
        word = "less" if direction == BELOW else "more"
        if self.kind == INDEX:
            return f"{wording.number(value, digits)} or {word}"
        if self.kind == SIGNED_PCT and value < 0:
            return f"a shortfall of {wording.percent(abs(value), digits)} or {'more' if direction == BELOW else 'less'}"
        if self.kind == SIGNED_PCT:
            return f"{wording.signed_percent(value, digits)} or {word}"
        return f"{wording.percent(value, digits)} or {word}"

    def year_text(self, base_year: int | None) -> str:
        if self.horizon is None:
            return ""
        return wording.year(base_year + self.horizon) if base_year is not None else f"{self.horizon} years from now"

    def label_for(self, base_year: int | None) -> str:
        return self.label.format(year=self.year_text(base_year))

    def phrase_for(self, value: float, base_year: int | None) -> str:
        text, year = self.value_text(value), self.year_text(base_year)
        if callable(self.phrase):
            return self.phrase(value, text, year)
        return self.phrase.format(value=text, year=year)


RULES: tuple[Rule, ...] = (
    Rule("occupancy", "occupancy", "Care home occupancy (% of beds)", (BELOW, ABOVE), PCT, "occupancy of {value}"),
    Rule("vacancy", "vacancy", "Beds free to admit to (% of beds)", (BELOW,), PCT,
         "only {value} of beds free to admit to"),
    Rule("fee_gap", "fee_gap", "Main fee below the median cost of care (% of cost)", (ABOVE,), PCT, _fee_phrase),
    Rule("financial_risk", "financial_risk", "Care homes at moderate or high financial risk (% of homes)", (ABOVE,),
         PCT, "{value} of care homes at moderate or high financial risk"),
    Rule("staff_turnover", "staff_turnover", "Staff turnover (% a year)", (ABOVE,), PCT, "staff turnover of {value}"),
    Rule("staff_vacancy", "staff_vacancy", "Staff vacancy rate (% of posts)", (ABOVE,), PCT,
         "a staff vacancy rate of {value}"),
    Rule("quality", "quality", "Rated Good or Outstanding by CQC (% of rated)", (BELOW,), PCT,
         "only {value} of rated locations rated Good or Outstanding"),
    Rule("concentration", "concentration", "Concentration of provider groups (HHI, 0 to 10,000)", (ABOVE,), INDEX,
         "a provider group concentration (HHI) of {value}"),
    Rule("closures", "closures", "Locations closed in the latest year (% of locations)", (ABOVE,), PCT,
         "{value} of locations closed in the latest year"),
    Rule("demand_3y", "demand", "Usable capacity less projected demand in {year} (% of demand)", (BELOW,),
         SIGNED_PCT, _demand_phrase, horizon=3),
    Rule("demand_5y", "demand", "Usable capacity less projected demand in {year} (% of demand)", (BELOW,),
         SIGNED_PCT, _demand_phrase, horizon=5),
)
RULE = {r.key: r for r in RULES}


# --------------------------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class Side:
    """One side of a rule: its direction, thresholds, and the risk and impact the risk table shows."""

    direction: str
    at_risk_from: float
    not_sustainable_from: float
    risk: str
    impact: str


@dataclass(frozen=True)
class RuleParams:
    """A rule's sides (by direction) and the action plan themes whose actions answer its risk."""

    sides: dict[str, Side]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Params:
    """Validated params/sustainability.yml."""

    rules: dict[str, RuleParams]
    likelihood: dict[str, str]
    indicators_for_not_sustainable: int
    min_rules: int


def _error(message: str) -> InputError:
    return InputError(message, file=params_module.path_of(PARAMS))


def load_params(raw: dict[str, Any] | None = None) -> Params:
    """Read and check params/sustainability.yml: every rule of ``RULES`` with its sides, thresholds in the
    right order, impacts, themes of the action plan, likelihoods and the verdict's counts. A bad value is an
    InputError naming the file and key."""
    raw = params_module.load(PARAMS) if raw is None else raw

    def need(key: str, kind: str = "number", **limits: float) -> Any:
        return params_module.require(raw, key, kind, name=PARAMS, **limits)

    given = need("rules", "mapping")
    unknown = sorted(set(given) - set(RULE))
    if unknown:
        raise _error(f"key 'rules.{unknown[0]}': unknown rule; expected one of {', '.join(RULE)}")
    rules: dict[str, RuleParams] = {}
    for rule in RULES:
        base = f"rules.{rule.key}"
        extra = sorted(set(need(base, "mapping")) - {"themes", *rule.sides})
        if extra:
            raise _error(f"key '{base}.{extra[0]}': not a key of this rule; expected themes and "
                         f"{' and '.join(rule.sides)}")
        themes = need(f"{base}.themes", "list")
        for theme in themes:
            if theme not in THEMES:
                raise _error(f"key '{base}.themes': unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
        sides = {}
        for direction in rule.sides:
            key = f"{base}.{direction}"
            at_risk, worst = float(need(f"{key}.at_risk_from")), float(need(f"{key}.not_sustainable_from"))
            if direction == ABOVE and worst < at_risk or direction == BELOW and worst > at_risk:
                word = "below" if direction == ABOVE else "above"
                raise _error(f"key '{key}': not_sustainable_from ({worst:g}) is {word} at_risk_from ({at_risk:g})")
            risk = need(f"{key}.risk", "text").strip()
            if not risk:
                raise _error(f"key '{key}.risk': empty; expected the risk in a sentence")
            impact = need(f"{key}.impact", "text")
            if impact not in IMPACTS:
                raise _error(f"key '{key}.impact': {impact!r}; expected one of {', '.join(IMPACTS)}")
            sides[direction] = Side(direction, at_risk, worst, risk, impact)
        if BELOW in sides and ABOVE in sides and sides[BELOW].at_risk_from >= sides[ABOVE].at_risk_from:
            raise _error(f"key '{base}': below.at_risk_from ({sides[BELOW].at_risk_from:g}) is not under "
                         f"above.at_risk_from ({sides[ABOVE].at_risk_from:g})")
        rules[rule.key] = RuleParams(sides, tuple(themes))
    likelihood = {AT_RISK: need("likelihood.at_risk", "text"),
                  NOT_SUSTAINABLE: need("likelihood.not_sustainable", "text")}
    return Params(rules, likelihood, need("verdict.not_sustainable_from_indicators_at_risk", "int", minimum=1),
                  need("verdict.min_rules", "int", minimum=1))


# --------------------------------------------------------------------------------------------- indicators

def _known(value: Any) -> float | None:
    return None if wording.missing(value) else float(value)


def closure_share(figures: Mapping[str, Any]) -> float | None:
    """Locations that closed in the latest year as % of the locations a year before (locations − entries + exits)."""
    exits, entries, now = (_known(figures.get(k)) for k in ("exits_latest_year", "entries_latest_year", "locations"))
    if exits is None or entries is None or now is None or now - entries + exits <= 0:
        return None
    return exits / (now - entries + exits) * 100


def surplus_share(figures: Mapping[str, Any], years: int) -> float | None:
    """Usable capacity less projected demand in ``years`` years, as % of that demand (negative: a shortfall)."""
    demand, surplus = _known(figures.get(f"demand_{years}y")), _known(figures.get(f"surplus_{years}y"))
    if demand is None or surplus is None or demand <= 0:
        return None
    return surplus / demand * 100


def indicators_from(figures: Mapping[str, Any], financial_risk_pct: float | None = None) -> dict[str, float | None]:
    """Each rule's value from a service's key figures (None where the service has no such figure).

    ``financial_risk_pct``: the share of care homes at moderate or high financial risk (care homes only;
    helpers.assess.financial_sustainability.share_at_risk), which is not a service key figure.
    """
    cost = figures.get("cost") or {}
    return {"occupancy": _known(figures.get("occupancy_pct")), "vacancy": _known(figures.get("vacancy_pct")),
            "fee_gap": None if cost.get("suppressed") else _known(cost.get("gap_pct")),
            "financial_risk": _known(financial_risk_pct),
            "staff_turnover": _known(figures.get("workforce_turnover_rate_pct")),
            "staff_vacancy": _known(figures.get("workforce_vacancy_rate_pct")),
            "quality": _known(figures.get("pct_good_or_outstanding")),
            "concentration": _known(figures.get("group_hhi")),
            "closures": closure_share(figures),
            "demand_3y": surplus_share(figures, 3), "demand_5y": surplus_share(figures, 5)}


# --------------------------------------------------------------------------------------------- evaluation

def level_of(value: float, side: Side) -> str:
    """The level one side gives a value (a value equal to a threshold takes the worse level)."""
    if side.direction == ABOVE:
        worse = (value >= side.not_sustainable_from, value >= side.at_risk_from)
    else:
        worse = (value <= side.not_sustainable_from, value <= side.at_risk_from)
    return NOT_SUSTAINABLE if worse[0] else AT_RISK if worse[1] else SUSTAINABLE


@dataclass(frozen=True)
class Checked:
    """One rule checked: its value (as published), level, the side that set it (None when sustainable) and texts."""

    rule: Rule
    value: float
    level: str
    side: Side | None
    label: str
    value_text: str
    at_risk: str
    not_sustainable: str
    reason: str
    phrase: str


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _limits(rule: Rule, sides: dict[str, Side], which: str) -> str:
    """A level's thresholds as the values they catch: "85% or less, or 95% or more"."""
    parts = [rule.limit_text(d, sides[d].at_risk_from if which == AT_RISK else sides[d].not_sustainable_from)
             for d in rule.sides]
    return _capitalised(", or ".join(parts))


def _sentence_case_continuation(text: str) -> str:
    """A sentence to follow a colon: its first letter lower-case unless it starts an acronym ("CQC")."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _reason(rule: Rule, sides: dict[str, Side], level: str, side: Side | None) -> str:
    """Why a rule has its level: the thresholds it reached and the risk ("85% or less is at risk: homes …"), or
    that its value is outside the at-risk range."""
    if side is None:
        at_risk = ", or ".join(rule.limit_text(d, sides[d].at_risk_from) for d in rule.sides)
        return f"Outside the at-risk range ({at_risk})."
    threshold = side.not_sustainable_from if level == NOT_SUSTAINABLE else side.at_risk_from
    return (f"{_capitalised(rule.limit_text(side.direction, threshold))} is {level}: "
            f"{_sentence_case_continuation(side.risk)}")


def evaluate(indicators: Mapping[str, float | None], p: Params, base_year: int | None = None) -> list[Checked]:
    """Every rule whose value is known, in ``RULES`` order, with its level and texts.

    ``base_year``: the demand projection's base year, naming the demand rules' years (2029, 2031).
    """
    out = []
    for rule in RULES:
        raw = indicators.get(rule.key)
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            continue
        value = round(float(raw), rule.digits) + 0.0  # as published; + 0.0 turns −0.0 into 0.0
        sides = p.rules[rule.key].sides
        levels = [(level_of(value, sides[d]), sides[d]) for d in rule.sides]
        level, side = max(levels, key=lambda pair: LEVELS.index(pair[0]))
        side = None if level == SUSTAINABLE else side
        text = rule.value_text(value)
        out.append(Checked(rule, value, level, side, rule.label_for(base_year), text, _limits(rule, sides, AT_RISK),
                           _limits(rule, sides, NOT_SUSTAINABLE), _reason(rule, sides, level, side),
                           rule.phrase_for(value, base_year)))
    return out


def rules_frame(checked: list[Checked]) -> pd.DataFrame:
    """The rules table: indicator, value, the at-risk and not-sustainable thresholds, level and reason (all text)."""
    columns = {"indicator": [c.label for c in checked], "value": [c.value_text for c in checked],
               "at_risk": [c.at_risk for c in checked], "not_sustainable": [c.not_sustainable for c in checked],
               "level": [c.level[:1].upper() + c.level[1:] for c in checked], "reason": [c.reason for c in checked]}
    return pd.DataFrame(columns, columns=list(columns), dtype="object")


# --------------------------------------------------------------------------------------------- verdict

@dataclass(frozen=True)
class Verdict:
    """The verdict, its reasons (worst first) and the counts behind it."""

    verdict: str
    reasons: list[str]
    rules_checked: int
    at_risk_rules: int
    not_sustainable_rules: int
    indicators_at_risk: int


def worst_first(checked: list[Checked]) -> list[Checked]:
    """The rules at risk or not sustainable: not sustainable first, each level in rule order."""
    return [c for level in (NOT_SUSTAINABLE, AT_RISK) for c in checked if c.level == level]


def judge(checked: list[Checked], p: Params) -> Verdict:
    """The verdict of the rules checked (see the module docstring)."""
    flagged = worst_first(checked)
    ns = sum(c.level == NOT_SUSTAINABLE for c in checked)
    at_risk = sum(c.level == AT_RISK for c in checked)
    indicators = len({c.rule.indicator for c in flagged})
    if ns or indicators >= p.indicators_for_not_sustainable:
        verdict = NOT_SUSTAINABLE
    elif at_risk:
        verdict = AT_RISK
    elif len(checked) >= p.min_rules:
        verdict = SUSTAINABLE
    else:
        verdict = NOT_ASSESSED
    reasons = [f"{c.phrase} ({c.level})" for c in flagged]
    if verdict == NOT_ASSESSED:
        reasons = [f"only {wording.plural(len(checked), 'rule')} could be checked, and a verdict needs "
                   f"{wording.whole(p.min_rules)}"]
    return Verdict(verdict, reasons, len(checked), at_risk, ns, indicators)


def key_figures(v: Verdict) -> dict[str, Any]:
    """The service's ``sustainability`` key figure."""
    return {"verdict": v.verdict, "reasons": list(v.reasons), "at_risk_rules": v.at_risk_rules,
            "not_sustainable_rules": v.not_sustainable_rules}


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def _words(sentence: str) -> int:
    return len(sentence.split())


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def messages(service_title: str, v: Verdict, checked: list[Checked], p: Params, max_words: int = 24) -> list[str]:
    """One or two short sentences (each at most ``max_words`` words): the verdict, then its main reasons."""
    market = f"The {service_title.lower()} market"
    n = v.rules_checked
    if v.verdict == NOT_ASSESSED:
        return [f"{market} is not assessed: only {wording.plural(n, 'rule')} could be checked, and a verdict needs "
                f"{wording.whole(p.min_rules)}."]
    if v.verdict == SUSTAINABLE:
        return [f"{market} is sustainable: none of the {wording.plural(n, 'rule')} checked is at risk."]
    if v.not_sustainable_rules:
        first = (f"{market} is not sustainable: {wording.whole(v.not_sustainable_rules)} of the "
                 f"{wording.plural(n, 'rule')} checked {_is(v.not_sustainable_rules)} at that level.")
    elif v.verdict == NOT_SUSTAINABLE:
        first = (f"{market} is not sustainable: {wording.whole(v.indicators_at_risk)} indicators are at risk "
                 f"together, and {wording.whole(p.indicators_for_not_sustainable)} or more count as not sustainable.")
    else:
        first = (f"{market} is at risk: {wording.whole(v.at_risk_rules)} of the {wording.plural(n, 'rule')} checked "
                 f"{_is(v.at_risk_rules)} at risk.")
    phrases = [c.phrase for c in worst_first(checked)]
    shown = phrases[:1]
    for phrase in phrases[1:]:
        if _words(f"The main reasons include {_listed([*shown, phrase])}.") > max_words:
            break
        shown.append(phrase)
    if len(shown) == len(phrases):
        second = f"The {'reason is' if len(shown) == 1 else 'reasons are'} {_listed(shown)}."
    else:
        second = f"The main reasons include {_listed(shown)}."
    return [first, second]


def notes(p: Params) -> list[str]:
    """How the verdict and the risk table are made, in plain English: each sentence stands alone (the statement
    prints a note shared by every chapter once, among the other chapters' notes)."""
    return [f"A market is not sustainable when any sustainability rule is at that level, or when "
            f"{wording.whole(p.indicators_for_not_sustainable)} or more indicators are at risk together.",
            "A market is at risk when any sustainability rule is at risk, and sustainable when none is.",
            f"A market is not assessed when fewer than {wording.plural(p.min_rules, 'sustainability rule')} could "
            "be checked and none is at risk.",
            "In the sustainability rules, a value equal to a threshold takes the worse level.",
            "Projected demand at 3 and at 5 years counts as one indicator of a market's sustainability.",
            f"A risk's likelihood is {p.likelihood[AT_RISK].lower()} when its rule is at risk and "
            f"{p.likelihood[NOT_SUSTAINABLE].lower()} when it is not sustainable; its impact is the council's "
            "judgement.",
            "What the council will do against a risk lists the actions of its action plan for the service, or for "
            "all services, whose theme fits the risk."]


# --------------------------------------------------------------------------------------------- risk table

RISK_COLUMNS = ["risk", "likelihood", "impact", "action", "target", "status"]


def matching_actions(plan: pd.DataFrame | None, service: str, themes: tuple[str, ...]) -> pd.DataFrame:
    """The action plan's rows for the service (or All services) whose theme is one of ``themes``, in plan order."""
    if plan is None or plan.empty:
        return pd.DataFrame(columns=["theme", "action", "service", "owner", "target_date", "status"])
    keep = plan["service"].isin([service, ALL_SERVICES]) & plan["theme"].isin(list(themes))
    return plan[keep]


def risk_table(checked: list[Checked], p: Params, plan: pd.DataFrame | None, service: str,
               today: date | pd.Timestamp, due_soon_days: int,
               published: Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per rule at risk or not sustainable and matching action (worst first), or one row saying
    ``NO_ACTION``: risk, likelihood, impact, action, target (date text) and status (label).

    ``published``: gives ``action_tracker.published_rows(plan, today, due_soon_days)`` when the caller keeps it
    (each service's table shows some of the same plan's rows)."""
    rows = []
    usable = plan is not None and not plan.empty
    for_service = plan["service"].isin([service, ALL_SERVICES]).to_numpy(dtype=bool) if usable else None
    fetch, published = published, None  # the whole plan's published rows, made once: each rule's actions are some
    for c in worst_first(checked):
        risk = f"{c.side.risk.rstrip('.')} ({c.phrase})."
        head = {"risk": risk, "likelihood": p.likelihood[c.level], "impact": c.side.impact}
        # matching_actions' rows, by position
        mine = for_service & plan["theme"].isin(list(p.rules[c.rule.key].themes)).to_numpy(dtype=bool) \
            if usable else None
        if mine is None or not mine.any():
            rows.append(head | {"action": NO_ACTION, "target": None, "status": None})
            continue
        if published is None:
            published = action_tracker.published_rows(plan, today, due_soon_days) if fetch is None else fetch()
        shown = published[mine[published.index.to_numpy()]]
        rows += [head | {"action": a, "target": t, "status": s}
                 for a, t, s in zip(shown["action"], shown["target"], shown["status"])]
    return pd.DataFrame(rows, columns=RISK_COLUMNS, dtype="object")
