"""Provider risk early warning: INTERNAL, never published (it names providers, locations and care homes).

Per location a score: the sum of points from the CQC overall rating, the council's quality rating, food
hygiene, safeguarding concerns, placement embargo, contract default notice, unexpected deaths,
substantiated concerns, administration, registered manager vacancy and two CQC signals (dormant; no
longer in the CQC directory, i.e. deregistered). Each indicator's points are their own ``pts_`` column so
every RAG can be traced. Score ≥ red_from → Red, ≥ amber_from → Amber, else Green; any red-flag
indicator scoring points forces Red. Weights, thresholds and red flags come from params/oversight.yml.

``council_risk`` gathers everything the internal provider risk dashboard shows for one council (the
scored locations, their counts by service and RAG, who turned Red since the previous run, home care
delivery per provider and financial risk per care home); helpers.present.dashboard only lays it out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import params as params_module
from helpers.assess import home_care_delivery
from helpers.assess.oversight import finance_homes, load_local
from helpers.councils import council
from helpers.errors import DataQualityLog, InputError
from helpers.load import home_care_activity, provider_intelligence
from helpers.load.cqc_directory import RATINGS as CQC_RATINGS
from helpers.load.provider_intelligence import QUALITY_RATINGS
from helpers.present import wording

PARAMS = "oversight"
CQC_NOT_RATED = "Not yet rated"
NOT_IN_DIRECTORY = "Not in CQC directory"
RATING_INDICATORS = {"cqc_rating": (*CQC_RATINGS, CQC_NOT_RATED), "local_quality": QUALITY_RATINGS}
COUNT_INDICATORS = ("safeguarding_concerns", "unexpected_deaths", "substantiated_concerns")
FLAG_INDICATORS = ("placement_embargo", "contract_default_notice", "in_administration", "manager_vacancy",
                   "cqc_dormant", "cqc_deregistered")
INDICATORS = ("cqc_rating", "local_quality", "food_hygiene", "safeguarding_concerns", "placement_embargo",
              "contract_default_notice", "unexpected_deaths", "substantiated_concerns", "in_administration",
              "manager_vacancy", "cqc_dormant", "cqc_deregistered")
LABELS = {"cqc_rating": "CQC rating", "local_quality": "Local quality rating", "food_hygiene": "Food hygiene",
          "safeguarding_concerns": "Safeguarding concerns", "placement_embargo": "Placement embargo",
          "contract_default_notice": "Default notice", "unexpected_deaths": "Unexpected deaths",
          "substantiated_concerns": "Substantiated concerns", "in_administration": "In administration",
          "manager_vacancy": "Manager vacancy", "cqc_dormant": "CQC dormant", "cqc_deregistered": "CQC deregistered"}
RAGS = ("Green", "Amber", "Red")
FOOD_HYGIENE_SCORES = tuple(range(6))
IDENTITY = ["location_id", "location_name", "provider_name", "service"]


def points_column(indicator: str) -> str:
    """The column holding an indicator's points, e.g. ``pts_placement_embargo``."""
    return f"pts_{indicator}"


POINT_COLUMNS = [points_column(i) for i in INDICATORS]


@dataclass(frozen=True)
class RiskParams:
    """Validated weights, thresholds and red flags of the provider risk score."""

    ratings: dict[str, dict[str, float]]
    food_hygiene: dict[int, float]
    counts: dict[str, tuple[float, float]]
    flags: dict[str, float]
    amber_from: float
    red_from: float
    red_flags: tuple[str, ...]


def risk_params(raw: dict[str, Any] | None = None) -> RiskParams:
    """Read and check ``provider_risk`` of params/oversight.yml (or a dict of the same shape)."""
    raw = params_module.load(PARAMS) if raw is None else raw

    def need(key: str, kind: str = "number", **limits: float) -> Any:
        return params_module.require(raw, f"provider_risk.{key}", kind, name=PARAMS, **limits)

    ratings = {ind: {r: float(need(f"weights.{ind}.{r}", minimum=0)) for r in allowed}
               for ind, allowed in RATING_INDICATORS.items()}
    food = _food_hygiene(need("weights.food_hygiene", "mapping"))
    counts = {ind: (float(need(f"weights.{ind}.per_count", minimum=0)), float(need(f"weights.{ind}.cap", minimum=0)))
              for ind in COUNT_INDICATORS}
    flags = {ind: float(need(f"weights.{ind}", minimum=0)) for ind in FLAG_INDICATORS}
    amber, red = float(need("thresholds.amber_from", minimum=0)), float(need("thresholds.red_from", minimum=0))
    if red < amber:
        raise InputError(f"key 'provider_risk.thresholds': red_from ({red:g}) is below amber_from ({amber:g})",
                         file=params_module.path_of(PARAMS))
    red_flags = tuple(need("red_flags", "list"))
    out = RiskParams(ratings, food, counts, flags, amber, red, red_flags)
    _check_red_flags(out)
    return out


def _food_hygiene(raw: dict) -> dict[int, float]:
    """Points per food hygiene rating: a number of at least 0 for each rating 0 to 5 (keys may be text)."""
    keyed = {str(k).strip(): v for k, v in raw.items()}
    if sorted(keyed) != [str(k) for k in FOOD_HYGIENE_SCORES]:
        raise InputError(f"key 'provider_risk.weights.food_hygiene': expected points for each rating 0 to 5, "
                         f"found keys {sorted(keyed)}", file=params_module.path_of(PARAMS))
    return {k: float(params_module.require(keyed, str(k), "number", name=PARAMS, minimum=0))
            for k in FOOD_HYGIENE_SCORES}


def _check_red_flags(p: RiskParams) -> None:
    """Each red flag must be a known indicator that can score points (else it could never fire)."""
    for flag in p.red_flags:
        if flag not in INDICATORS:
            raise InputError(f"key 'provider_risk.red_flags': unknown indicator {flag!r}; expected one of "
                             f"{', '.join(INDICATORS)}", file=params_module.path_of(PARAMS))
        if max_points(p, flag) <= 0:
            raise InputError(f"key 'provider_risk.red_flags': {flag!r} has no positive weight, so it could never "
                             "force Red", file=params_module.path_of(PARAMS))


def max_points(p: RiskParams, indicator: str) -> float:
    """The most points an indicator can score."""
    if indicator in p.ratings:
        return max(p.ratings[indicator].values())
    if indicator == "food_hygiene":
        return max(p.food_hygiene.values())
    if indicator in p.counts:
        return p.counts[indicator][1]
    return p.flags[indicator]


# ---------------------------------------------------------------------------------------------- inputs


def latest_intelligence(intel: pd.DataFrame) -> pd.DataFrame:
    """The latest row (by As at date) of each location × service in the provider intelligence table."""
    ordered = intel.sort_values(["location_id", "service", "as_at"])
    return ordered.groupby(["location_id", "service"], as_index=False).tail(1).reset_index(drop=True)


def with_cqc_signals(intel: pd.DataFrame, directory: pd.DataFrame) -> pd.DataFrame:
    """Add the CQC overall rating, dormant flag and ``in_cqc_directory`` from the CQC care directory."""
    # only the council's locations of the national directory (their first rows, as drop_duplicates keeps)
    cqc = directory[["location_id", "overall_rating", "dormant"]]
    cqc = cqc[cqc["location_id"].isin(intel["location_id"])].drop_duplicates("location_id")
    out = intel.merge(cqc.rename(columns={"overall_rating": "cqc_rating"}), on="location_id", how="left",
                      indicator=True)
    out["location_id"] = out["location_id"].astype("str")
    out["in_cqc_directory"] = out.pop("_merge").astype(str) == "both"
    out["cqc_rating"] = out["cqc_rating"].astype("str").where(out["in_cqc_directory"], NOT_IN_DIRECTORY)
    out["cqc_dormant"] = out["dormant"].astype("boolean").fillna(False).astype(bool)
    out["cqc_deregistered"] = ~out["in_cqc_directory"]
    return out.drop(columns="dormant")


# ---------------------------------------------------------------------------------------------- scoring


def indicator_points(frame: pd.DataFrame, p: RiskParams) -> pd.DataFrame:
    """One ``pts_<indicator>`` column per indicator (floats, 0 where the indicator is blank)."""
    pts = pd.DataFrame(index=frame.index)
    # looked up over Python lists (a council's locations): Series.map costs more per call than the lookups
    for ind, column in (("cqc_rating", "cqc_rating"), ("local_quality", "quality_rating")):
        weights = p.ratings[ind]
        pts[points_column(ind)] = np.array([weights.get(v, np.nan) for v in frame[column].tolist()], dtype=float)
    hygiene = frame["food_hygiene"].astype("Float64").tolist()
    pts[points_column("food_hygiene")] = pd.Series(
        [np.nan if pd.isna(v) else p.food_hygiene.get(int(v)) for v in hygiene], index=frame.index, dtype=object)
    for ind in COUNT_INDICATORS:
        per, cap = p.counts[ind]
        pts[points_column(ind)] = (frame[ind].astype("Float64") * per).clip(upper=cap)
    for ind in FLAG_INDICATORS:
        pts[points_column(ind)] = frame[ind].astype("boolean").fillna(False).astype(float) * p.flags[ind]
    return pts.astype(float).fillna(0.0)[POINT_COLUMNS]


def rag_from_score(score: pd.Series, p: RiskParams) -> pd.Series:
    """Green / Amber / Red from a score: a score equal to a threshold takes the higher level."""
    values = np.select([score >= p.red_from, score >= p.amber_from], ["Red", "Amber"], default="Green")
    return pd.Series(values, index=score.index, dtype="str")


def score(frame: pd.DataFrame, p: RiskParams) -> pd.DataFrame:
    """Add the points columns, ``score``, ``rag_by_score``, ``red_flags`` (names that fired) and ``rag``."""
    pts = indicator_points(frame, p)
    out = pd.concat([frame.drop(columns=[c for c in POINT_COLUMNS if c in frame]), pts], axis=1)
    out["score"] = pts.sum(axis=1)
    out["rag_by_score"] = rag_from_score(out["score"], p)
    fired = pd.DataFrame({LABELS[f]: pts[points_column(f)] > 0 for f in p.red_flags}, index=frame.index)
    labels = list(fired.columns)
    out["red_flags"] = pd.Series([", ".join(c for c, hit in zip(labels, row) if hit)
                                  for row in fired.to_numpy(dtype=bool)], index=frame.index, dtype="str") \
        if len(fired.columns) and len(fired) else pd.Series("", index=frame.index, dtype="str")
    out["rag"] = out["rag_by_score"].where(out["red_flags"] == "", "Red")
    return out


def provider_risk(intel: pd.DataFrame, directory: pd.DataFrame, p: RiskParams) -> pd.DataFrame:
    """Score the latest intelligence of every location, most at risk first (Red, then by score)."""
    scored = score(with_cqc_signals(latest_intelligence(intel), directory), p)
    order = scored["rag"].map({r: i for i, r in enumerate(reversed(RAGS))})
    scored = scored.assign(_order=order).sort_values(["_order", "score", "location_id"],
                                                     ascending=[True, False, True]).drop(columns="_order")
    columns = [*IDENTITY, "as_at", "cqc_rating", "quality_rating", "in_cqc_directory", *POINT_COLUMNS, "score",
               "rag_by_score", "red_flags", "rag"]
    return scored[columns].reset_index(drop=True)


def rag_counts(risk: pd.DataFrame) -> pd.DataFrame:
    """Locations per service × RAG (Green, Amber, Red) with a Total column and an All services row."""
    # counted in plain Python: the frame crosstab and reindex built (services sorted), without their overhead
    services = sorted({s for s in risk["service"].tolist() if not pd.isna(s)})
    rows, columns = {s: i for i, s in enumerate(services)}, {r: j for j, r in enumerate(RAGS)}
    cells = np.zeros((len(services), len(RAGS)), dtype="int64")
    for service, rag in zip(risk["service"].tolist(), risk["rag"].tolist()):
        if service in rows and rag in columns:
            cells[rows[service], columns[rag]] += 1
    counts = pd.DataFrame(cells, index=pd.Index(services, name="service"), columns=pd.Index(list(RAGS)))
    counts.loc["All services"] = counts.sum()
    counts["Total"] = counts.sum(axis=1)
    return counts.rename_axis(index="service", columns=None).reset_index()


def change_since(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Locations Red now that were not Red in the previous run (new locations too); empty without a previous run."""
    columns = [*IDENTITY, "previous_rag", "rag", "score", "red_flags"]
    if previous is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    before = previous[["location_id", "service", "rag"]].astype(str).rename(columns={"rag": "previous_rag"})
    joined = current.merge(before.drop_duplicates(["location_id", "service"]), on=["location_id", "service"],
                           how="left")
    joined["previous_rag"] = joined["previous_rag"].fillna("Not in previous run").astype("str")
    turned = joined[(joined["rag"] == "Red") & (joined["previous_rag"] != "Red")]
    return turned[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- one council


TOP_COLUMNS = [*IDENTITY, "score", "red_flags", "rag"]


@dataclass
class CouncilRisk:
    """What the INTERNAL provider risk dashboard shows for one council: per location, per provider, per home.

    ``risk`` is None when the council supplied no provider intelligence (then ``counts`` and ``turned`` are None
    too); ``previous`` is the table the previous run wrote (None: no previous run); ``delivery`` is home care
    delivery per provider over the latest ``delivery_weeks`` weeks and ``homes`` financial risk per care home
    (each None when its source was not supplied).
    """

    council_code: str
    council_name: str
    as_at: date
    params: RiskParams
    risk: pd.DataFrame | None
    previous: pd.DataFrame | None
    counts: pd.DataFrame | None
    turned: pd.DataFrame | None
    delivery: pd.DataFrame | None
    delivery_weeks: int
    homes: pd.DataFrame | None
    sources: list[dict[str, Any]] = field(default_factory=list)
    log: DataQualityLog = field(default_factory=DataQualityLog)

    def most_at_risk(self, n: int = 10) -> pd.DataFrame:
        """The first n locations (most at risk first): who they are, their score, red flags and RAG."""
        if self.risk is None:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in TOP_COLUMNS})
        return self.risk[TOP_COLUMNS].head(n)

    def summary(self) -> str:
        """One sentence on the council's locations by RAG and the change since the previous run."""
        if self.risk is None:
            return (f"{self.council_name} supplied no provider intelligence file, so there is no provider risk "
                    "score.")
        by_rag = self.risk["rag"].value_counts()
        text = (f"{self.council_name}: {wording.whole(len(self.risk))} locations scored as at {wording.day(self.as_at)}: "
                + ", ".join(f"{int(by_rag.get(r, 0))} {r}" for r in reversed(RAGS)))
        if self.previous is None:
            return text + "; no previous run to compare with."
        return text + f"; {len(self.turned)} turned Red since the previous run."


def council_risk(data_dir: Path, council_code: str, cache_dir: Path | None = None,
                 previous: pd.DataFrame | None = None, today: date | None = None,
                 year: int | None = None) -> CouncilRisk:
    """Score every location of a council and gather the per-provider and per-home tables of the dashboard.

    previous: the provider risk table of the previous run (e.g. helpers.present.dashboard.read_previous), for
    who turned Red since; today: the date the figures are as at (default: the latest CQC directory's date,
    as for every figure of the statement); year: the statement's year (each source's newest file by its date).
    """
    from helpers.load.inputs import Inputs
    data_dir = Path(data_dir)
    area = council(council_code)
    inputs = Inputs(data_dir, area["code"], cache_dir, year)
    as_at = today or inputs.vintage_date.date()
    p = risk_params()
    log, sources = DataQualityLog(), []
    intel = load_local(provider_intelligence.SPEC, data_dir, area["code"], cache_dir, log, sources, inputs.when)
    risk = counts = turned = None
    if intel is not None:
        directory = inputs.directory
        log.extend(directory.log)
        sources.append({"source": "CQC care directory", "file": directory.file.name, "vintage": directory.vintage,
                        "synthetic": directory.synthetic})
        risk = provider_risk(intel.data, directory.data, p)
        counts = rag_counts(risk)
        turned = change_since(previous, risk)
    activity = load_local(home_care_activity.SPEC, data_dir, area["code"], cache_dir, log, sources, inputs.when)
    weeks = home_care_delivery.window_weeks()
    delivery = (home_care_delivery.per_provider(activity.data, weeks)
                if activity is not None and len(activity.data) else None)
    homes = finance_homes(data_dir, area["code"], cache_dir, log, sources)
    return CouncilRisk(area["code"], area["name"], as_at, p, risk, previous, counts, turned, delivery, weeks, homes,
                       sources, log)
