"""The national pass: every figure with a national context, computed once per input for all councils at once.

England's tables (the CQC directory snapshots and ratings, the population projections, ASC-FR, Skills for
Care) are the same for every council, and so is much of what the sections compute from them: a service's
locations with their council and category, each council's supply, the numerators and denominators of every
benchmarked rate, provider shares, population by age band and year, clients by age band, the Skills for Care
rows. Each is computed here for every council with vectorised group-bys, once per input: keyed on the content
hashes of the files the statement's year chose (``Inputs`` picks them, helpers.load.vintages), on the service's
definition and on anything else it depends on (the population year and band). Each is kept per process and,
when it is a DataFrame, stored in the run's parquet cache (``reading.cached``), so ``pipeline.prewarm`` computes
the pass once and the workers read it. A section looks a council's rows up (by position) instead of filtering
England's frames for it; a region's and England's benchmark rows are computed once per table.

A council's figures are the same, to the last bit, as those computed for it alone: the per-council rows are the
same rows in the same order, and every sum whose result depends on its order is taken over them as before
(tests/assess/test_national.py checks each table against the per-council functions).
"""
from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.assess import benchmarks, demand, quality, stability, sufficiency, usage, workforce
from helpers.councils import councils
from helpers.load import ascfr, cqc_directory, cqc_ratings, ons_population, skills_for_care
from helpers.load.inputs import Inputs
from helpers.load.reading import SourceTable, cached, file_hash, kept
from helpers.services import SERVICES, Service, service

VERSION = "1"  # bump when a table's content changes for the same inputs
MEMORY = 256  # national tables and their indexes kept per process (about 140 for four services and one year)
_kept: OrderedDict[tuple, object] = OrderedDict()
built: Counter[str] = Counter()  # tables computed (not read from the parquet cache) in this process, by name
_INDEX = "_index"  # the source frame's row labels, kept through the parquet cache


def clear() -> None:
    """Forget every national table kept in this process (the parquet cache is left alone)."""
    _kept.clear()


# --------------------------------------------------------------------------------------------- keys and storage


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _loaders() -> tuple[str, ...]:
    """The national loaders' cache versions: a table computed from an older loader's frame is not reused."""
    return (cqc_directory.LOADER_VERSION, cqc_ratings.LOADER_VERSION, ons_population.LOADER_VERSION,
            ascfr.LOADER_VERSION, skills_for_care.LOADER_VERSION)


def _reference() -> str:
    """The council reference table's content (codes, names, regions), part of every key."""
    table = councils()
    return kept(_kept, ("reference", id(table)), MEMORY,
                lambda: (table, _digest(table.to_csv(index=False))))[1]


def service_key(svc: Service) -> tuple:
    """What a service's national tables depend on in its definition (params/services.yml)."""
    return (svc.key, svc.title, svc.cqc_service_types, svc.care_home, tuple(svc.subcategories.items()),
            svc.capacity, svc.population_band, svc.ascfr_settings, svc.skills_for_care_services)


@lru_cache(maxsize=1)
def _code() -> str:
    """The helpers package's source and the libraries' versions: a table stored by other code is not reused."""
    from helpers.run.run_cache import package_hash
    return package_hash()


def _key(name: str, tables: Sequence[SourceTable], parts: tuple, cache_dir: Path | None) -> tuple:
    return (name, tuple(file_hash(t.file) for t in tables), parts, _loaders(), _reference(), _code(),
            str(cache_dir) if cache_dir else None)


def _table(name: str, tables: Sequence[SourceTable], parts: tuple, cache_dir: Path | None,
           build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A national table computed from ``tables`` (their files' content hashes, the loaders' versions, the council
    reference and ``parts`` key it): built once per process, and stored in the parquet cache under cache_dir so
    that the other processes of a run read it instead (``built`` counts the times it is built)."""
    key = _key(name, tables, parts, cache_dir)

    def counted() -> pd.DataFrame:
        built[name] += 1
        return build()
    if cache_dir is None:
        return kept(_kept, key, MEMORY, counted)
    return kept(_kept, key, MEMORY, lambda: cached(tables[0].file, cache_dir,
                                                   f"national-{name}-v{VERSION}-{_digest(key[1:6])}", counted))


def _derived(name: str, tables: Sequence[SourceTable], parts: tuple, cache_dir: Path | None,
             build: Callable[[], object]) -> object:
    """What is derived from national tables (an index by council, a lookup): quick, kept per process only."""
    return kept(_kept, _key(name, tables, parts, cache_dir), MEMORY, build)


@dataclass
class ByCouncil:
    """A national frame and, for each council, the positions of its rows (in the frame's order)."""

    frame: pd.DataFrame
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    columns: list[str] | None = None  # the columns a council's rows are given with (None: all)
    _given: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)  # frame[columns]

    @classmethod
    def of(cls, frame: pd.DataFrame, columns: list[str] | None = None, key: str = "la_code") -> "ByCouncil":
        """Index a frame by its council column."""
        rows = {str(k): np.asarray(v) for k, v in frame.groupby(key, sort=False).indices.items()}
        return cls(frame, rows, columns)

    def has(self, code: str) -> bool:
        """Whether the council has rows."""
        return code in self.rows

    def council(self, code: str) -> pd.DataFrame:
        """The council's rows, with the frame's index labels (none: an empty frame of the same columns)."""
        if self.columns is None:
            return self.frame.take(self.rows.get(code, np.empty(0, dtype=np.intp)))
        if self._given is None:  # the columns selected once, not once per council (the same rows either way)
            self._given = self.frame[self.columns]
        return self._given.take(self.rows.get(code, np.empty(0, dtype=np.intp)))


# --------------------------------------------------------------------------------------- a service's locations


def locations(inputs: Inputs, svc: Service, snapshot: SourceTable | None = None) -> ByCouncil:
    """The service's active locations of every council in one CQC directory snapshot (default the latest), as
    ``sufficiency.service_locations`` gives them (with their category), indexed by council."""
    table = snapshot if snapshot is not None else inputs.directory

    def build() -> pd.DataFrame:
        frame = sufficiency.service_locations(table.data, svc)
        return frame.assign(**{_INDEX: frame.index})

    def index() -> ByCouncil:
        frame = _table("locations", [table], service_key(svc), inputs.cache_dir, build)
        frame = frame.set_index(_INDEX)
        frame.index.name = None
        return ByCouncil.of(frame)
    return _derived("locations-index", [table], service_key(svc), inputs.cache_dir, index)


def council_locations(inputs: Inputs, svc: Service, code: str, snapshot: SourceTable | None = None) -> pd.DataFrame:
    """``sufficiency.service_locations(snapshot, svc, code)``, looked up."""
    return locations(inputs, svc, snapshot).council(code)


def supply(inputs: Inputs, svc: Service, code: str) -> pd.DataFrame:
    """``sufficiency.supply`` of the council's locations in the latest directory, looked up."""
    def build() -> pd.DataFrame:
        return sufficiency.supply_by_council(locations(inputs, svc).frame, svc)

    def index() -> ByCouncil:
        return ByCouncil.of(_table("supply", [inputs.directory], service_key(svc), inputs.cache_dir, build))
    counts = _derived("supply-index", [inputs.directory], service_key(svc), inputs.cache_dir, index)
    return sufficiency.supply_of(counts.council(code), svc)


# ------------------------------------------------------------------------------------------------ benchmarks


class Rates:
    """One rate's numerator and denominator for every council, with each region's and England's pooled value
    computed once (``benchmarks.pooled`` over the same rows, in the same order, as ``benchmarks.benchmark``)."""

    def __init__(self, per_council: pd.DataFrame) -> None:
        self.per_council = per_council
        self.frame = benchmarks.with_regions(per_council)
        self._pooled: dict[tuple, dict[str, object]] = {}
        # a council's and its comparators' rows by position, summed as pandas sums them (``_sum``): no mask over
        # every council and no frame per area; None when a column is not plain numbers (then the frames are used)
        columns = [self.frame[c].to_numpy() if c in self.frame else None for c in ("numerator", "denominator")]
        self._columns = columns if all(c is not None and c.dtype.kind in "fi" for c in columns) else None
        self._rows: dict[object, list[int]] = {}
        if self._columns is not None:
            for i, c in enumerate(self.frame["la_code"].tolist()):
                self._rows.setdefault(c, []).append(i)

    def benchmark(self, code: str, comparators: list[str], scale: float) -> pd.DataFrame:
        """``benchmarks.benchmark(per_council, code, comparators, scale=scale)``."""
        rows = []
        for name, kind, key in benchmarks.benchmark_areas(code, comparators):
            if kind in ("region", "England"):
                once = (kind, key, scale)
                if once not in self._pooled:
                    self._pooled[once] = benchmarks.pooled(self.frame[benchmarks.area_mask(self.frame, kind, key)],
                                                           scale)
                value = self._pooled[once]
            elif self._columns is not None:
                value = self._pooled_rows(self._rows.get(key, []) if kind == "council" else
                                          sorted(i for c in set(key) for i in self._rows.get(c, [])), scale)
            else:
                value = benchmarks.pooled(self.frame[benchmarks.area_mask(self.frame, kind, key)], scale)
            rows.append({"area": name, **value})
        return pd.DataFrame(rows)

    def _pooled_rows(self, positions: list[int], scale: float) -> dict[str, object]:
        """``benchmarks.pooled`` of the rows at ``positions`` (in frame order)."""
        numerator, denominator = (_sum(c[positions]) for c in self._columns)
        value = float(numerator / denominator * scale) if positions and denominator > 0 else None
        return {"value": value, "councils": len(positions)}


def _sum(values: np.ndarray) -> object:
    """``pd.Series(values).sum()`` of a float or int array, as pandas takes it (nanops.nansum): NaN counted as 0,
    then numpy's sum in the dtype pandas sums it in."""
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        if missing.any():
            values = np.where(missing, 0.0, values)
        return values.sum(dtype=np.float64)
    return values.sum(dtype=np.int64)


def population(inputs: Inputs, year: int, band: str) -> pd.DataFrame:
    """``benchmarks.population_by_council(snpp, year, band)``: every council's population in one year and band."""
    return _table("population", [inputs.snpp], (year, band), inputs.cache_dir,
                   lambda: benchmarks.population_by_council(inputs.snpp.data, year, band)).copy(deep=False)


def capacity_rates(inputs: Inputs, svc: Service, year: int) -> Rates:
    """Every council's beds (care homes) or locations and its population in the service's band in ``year``."""
    def build() -> pd.DataFrame:
        everyone = locations(inputs, svc).frame
        measure = "beds" if svc.capacity == "cqc_beds" else "location_id"
        counts = everyone.groupby("la_code")[measure].agg("sum" if measure == "beds" else "count")
        pop = population(inputs, year, svc.population_band)
        return pop.assign(numerator=pop["la_code"].map(counts).fillna(0)).rename(
            columns={"population": "denominator"})
    return _rates("capacity", [inputs.directory, inputs.snpp], service_key(svc) + (year,), inputs.cache_dir, build)


def people_rates(inputs: Inputs, svc: Service, year: int) -> Rates | None:
    """Every council's long-term clients in the service's ASC-FR settings and its adults (18+) in ``year``; None
    without ASC-FR, settings or clients."""
    if not svc.ascfr_settings or inputs.ascfr is None:
        return None

    def build() -> pd.DataFrame:
        clients = usage.clients_by_council(inputs.ascfr.data, svc.ascfr_settings)
        if clients.empty:
            return pd.DataFrame({"la_code": pd.Series(dtype="str")})
        pop = population(inputs, year, benchmarks.ADULTS)
        return clients.rename(columns={"clients": "numerator"}).merge(
            pop.rename(columns={"population": "denominator"}), on="la_code")
    rates = _rates("people", [inputs.ascfr, inputs.snpp], (svc.ascfr_settings, year), inputs.cache_dir, build)
    return None if "numerator" not in rates.per_council else rates


def good_rates(inputs: Inputs, svc: Service) -> Rates:
    """Every council's locations rated Good or Outstanding and rated at all (the quality benchmark)."""
    def build() -> pd.DataFrame:
        everyone = locations(inputs, svc).frame
        rated = everyone["overall_rating"].isin(quality.RATED)
        good = everyone["overall_rating"].isin(["Outstanding", "Good"])
        return pd.DataFrame({"la_code": everyone["la_code"], "numerator": good, "denominator": rated}).groupby(
            "la_code", as_index=False).sum()
    return _rates("good", [inputs.directory], service_key(svc), inputs.cache_dir, build)


def _rates(name: str, tables: Sequence[SourceTable], parts: tuple, cache_dir: Path | None,
           build: Callable[[], pd.DataFrame]) -> Rates:
    return _derived(f"{name}-rates", tables, parts, cache_dir,
                    lambda: Rates(_table(name, tables, parts, cache_dir, build)))


# ---------------------------------------------------------------------------------------------- quality


def rating_counts(inputs: Inputs, svc: Service, code: str, snapshot: SourceTable | None = None) -> pd.Series:
    """The council's number of the service's locations with each CQC overall rating in a directory snapshot
    (default the latest), indexed by quality.RATING_ORDER: what ``quality.rating_distribution`` counts."""
    table = snapshot if snapshot is not None else inputs.directory

    def index() -> dict[str, np.ndarray]:
        counts = _table("rating-counts", [table], service_key(svc), inputs.cache_dir,
                         lambda: quality.rating_counts_by(locations(inputs, svc, table).frame).reset_index())
        values = counts[quality.RATING_ORDER].to_numpy(dtype="int64")
        return {str(c): values[i] for i, c in enumerate(counts["la_code"])}
    found = _derived("rating-counts-index", [table], service_key(svc), inputs.cache_dir, index)
    return pd.Series(found.get(code, np.zeros(len(quality.RATING_ORDER), dtype="int64")), index=quality.RATING_ORDER)


def key_question_breakdown(inputs: Inputs, svc: Service, code: str, locs: pd.DataFrame) -> pd.DataFrame | None:
    """``quality.key_question_breakdown`` of the council's locations ``locs`` (the service's, in the latest
    directory) from the CQC ratings file, counted for every council at once; None when there is no ratings file."""
    if inputs.ratings is None:
        return None

    def build() -> pd.DataFrame:
        ratings = inputs.ratings.data
        everyone = locations(inputs, svc).frame
        try:
            wide = cqc_ratings.key_questions(ratings)
        except ValueError:  # a location rated twice on one question: then only its own council's table is refused
            wide = None
        if wide is None or everyone["location_id"].duplicated().any():
            return pd.DataFrame({"la_code": pd.Series(dtype="str")})
        wide = wide.assign(la_code=wide["location_id"].map(dict(zip(everyone["location_id"], everyone["la_code"]))))
        return quality.key_question_counts_by(wide)

    def index() -> tuple[list[str], dict[str, dict[str, dict[str, int]]]] | None:
        counts = _table("key-questions", [inputs.ratings, inputs.directory], service_key(svc), inputs.cache_dir,
                         build)
        if "key_question" not in counts:
            return None
        found: dict[str, dict[str, dict[str, int]]] = {}
        for row in counts.to_dict("records"):
            found.setdefault(str(row["la_code"]), {})[str(row["key_question"])] = {
                r: int(row[r]) for r in [*quality.RATED, "rated"]}
        return list(cqc_ratings.KEY_QUESTIONS), found
    found = _derived("key-questions-index", [inputs.ratings, inputs.directory], service_key(svc), inputs.cache_dir,
                     index)
    if found is None:  # as for one council
        ratings = inputs.ratings.data
        return quality.key_question_breakdown(
            cqc_ratings.key_questions(ratings[ratings["location_id"].isin(locs["location_id"])]), locs["location_id"])
    questions, by_council = found
    mine = by_council.get(code, {})
    zero = {r: 0 for r in [*quality.RATED, "rated"]}
    return quality.key_questions_of([{"key_question": q, **mine.get(q, zero)} for q in questions])


# -------------------------------------------------------------------------------------------- stability


def provider_shares(inputs: Inputs, svc: Service, code: str, by: str) -> pd.DataFrame:
    """``stability.provider_shares`` of the council's locations in the latest directory (by provider or brand)."""
    capacity = "beds" if svc.capacity == "cqc_beds" else None

    def build() -> pd.DataFrame:
        shares = stability.provider_shares_by_area(locations(inputs, svc).frame, capacity, by)
        return pd.DataFrame({"la_code": pd.Series(dtype="str")}) if shares is None else shares

    def index() -> ByCouncil | None:
        frame = _table(f"shares-{by}", [inputs.directory], service_key(svc), inputs.cache_dir, build)
        return None if len(frame.columns) == 1 else ByCouncil.of(frame, stability.SHARE_COLUMNS)
    shares = _derived(f"shares-{by}-index", [inputs.directory], service_key(svc), inputs.cache_dir, index)
    if shares is None or not shares.has(code):  # fractional capacities, or no located provider: as for one council
        return stability.provider_shares(council_locations(inputs, svc, code), capacity, by)
    return shares.council(code).reset_index(drop=True)


def flows(inputs: Inputs, svc: Service, code: str) -> pd.DataFrame:
    """``stability.entries_exits`` of the council's locations of the service in every directory snapshot, from
    every council's counted at once (``stability.flows_by_area``)."""
    capacity = "beds" if svc.capacity == "cqc_beds" else None
    ordered = sorted(inputs.snapshots, key=lambda t: pd.Timestamp(t.vintage))  # as entries_exits orders them
    dates = [pd.Timestamp(t.vintage) for t in ordered]

    def build() -> pd.DataFrame:
        counts = stability.flows_by_area([(d, locations(inputs, svc, t).frame) for d, t in zip(dates, ordered)],
                                         capacity)
        return pd.DataFrame({"la_code": pd.Series(dtype="str")}) if counts is None else counts

    def index() -> ByCouncil | None:
        frame = _table("flows", ordered, service_key(svc), inputs.cache_dir, build)
        return None if len(frame.columns) == 1 else ByCouncil.of(frame)
    found = _derived("flows-index", ordered, service_key(svc), inputs.cache_dir, index)
    if found is None or not found.has(code):  # as for one council
        return stability.entries_exits([(d, council_locations(inputs, svc, code, t)) for d, t in zip(dates, ordered)],
                                       capacity)
    return stability.flows_of(found.council(code), dates, capacity)


def concentration(inputs: Inputs, svc: Service, code: str) -> tuple[dict, pd.DataFrame]:
    """``stability.concentration_summary`` of the council's locations of the service in the latest directory, and its
    provider groups' shares (``stability.provider_shares(..., by="brand")``)."""
    capacity = "beds" if svc.capacity == "cqc_beds" else None
    groups = provider_shares(inputs, svc, code, "brand")
    located = locations(inputs, svc)
    return (stability.concentration_from_shares(provider_shares(inputs, svc, code, "provider"), groups,
                                                len(located.rows.get(code, ())), capacity), groups)


# --------------------------------------------------------------------------------------------- workforce


def workforce_rows(inputs: Inputs) -> workforce.Rows | None:
    """The Skills for Care file's rows, looked up for every council (``workforce.rows_of``; None: no file)."""
    if inputs.skills_for_care is None:
        return None
    table = inputs.skills_for_care
    return _derived("workforce-rows", [table], (), None, lambda: workforce.rows_of(table.data))


# ----------------------------------------------------------------------------------------- population and use


def band_totals(inputs: Inputs) -> pd.DataFrame:
    """Every area's population per standard age band (ons_population.BANDS) and year (ons_population.band_totals)."""
    return _table("band-totals", [inputs.snpp], tuple(ons_population.BANDS.items()), inputs.cache_dir,
                   lambda: ons_population.band_totals(inputs.snpp.data, ons_population.BANDS))


def projection(inputs: Inputs, code: str, base_year: int, horizons: tuple[int, ...],
               bands: Mapping[str, tuple[int, int | None]] = ons_population.BANDS) -> pd.DataFrame:
    """``ons_population.projection(snpp, code, base_year, horizons, bands)``, looked up in every area's projection
    (computed from the projections for an area whose ages are not all there, as for one council)."""
    bands = dict(bands)
    parts = (base_year, tuple(horizons), tuple(bands.items()))
    if any(ons_population.BANDS.get(name) != ages for name, ages in bands.items()):
        found = None
    else:
        def index() -> ByCouncil:
            frame = _table("projection", [inputs.snpp], parts, inputs.cache_dir,
                            lambda: ons_population.projections(band_totals(inputs), base_year, horizons, bands))
            return ByCouncil.of(frame, key="area_code")
        found = _derived("projection-index", [inputs.snpp], parts, inputs.cache_dir, index)
    if found is None or not found.has(code):
        return ons_population.projection(inputs.snpp.data, code, base_year, horizons, bands)
    return found.council(code).reset_index(drop=True)


def clients(inputs: Inputs, settings: tuple[str, ...]) -> pd.DataFrame | None:
    """``usage.clients_by_council(ascfr, settings)``: every council's long-term clients (None without ASC-FR)."""
    if inputs.ascfr is None:
        return None
    return _table("clients", [inputs.ascfr], (tuple(settings),), inputs.cache_dir,
                   lambda: usage.clients_by_council(inputs.ascfr.data, settings).reset_index(drop=True)
                   ).copy(deep=False)


def age_split(inputs: Inputs, settings: tuple[str, ...], code: str) -> pd.DataFrame | None:
    """``usage.age_split(ascfr, code, settings)``, looked up in every council's (``usage.splits_by_council``); None
    without ASC-FR, settings or the council's clients."""
    if inputs.ascfr is None or not settings:
        return None

    def index() -> ByCouncil:
        return ByCouncil.of(_table("age-split", [inputs.ascfr], (tuple(settings),), inputs.cache_dir,
                                    lambda: usage.splits_by_council(inputs.ascfr.data, settings)),
                            ["band", "clients", "share"])
    found = _derived("age-split-index", [inputs.ascfr], (tuple(settings),), inputs.cache_dir, index)
    return found.council(code).reset_index(drop=True) if found.has(code) else None


def base_year(inputs: Inputs) -> int:
    """The population year rates use: the directory's year, within the projection's years (their range found once
    per projections file)."""
    years = _derived("years", [inputs.snpp], (), None,
                     lambda: (int(inputs.snpp.data["year"].min()), int(inputs.snpp.data["year"].max())))
    return int(min(max(inputs.vintage_date.year, years[0]), years[1]))


# -------------------------------------------------------------------------------------------- the whole pass


def prepare(inputs: Inputs, service_keys: Sequence[str] = tuple(SERVICES)) -> None:
    """Compute every national table of the inputs' statement year for these services (``pipeline.prewarm`` runs
    it once before the workers start, so they read the tables from the parquet cache)."""
    base = base_year(inputs)
    workforce_rows(inputs)
    projection(inputs, inputs.council_code, base, demand.HORIZONS)
    for key in service_keys:
        svc = service(key)
        for bands in ([svc.population_band], *([["18-64", "65+"], ["18-64"], ["65+"]] if svc.ascfr_settings else [])):
            projection(inputs, inputs.council_code, base, demand.DEMAND_HORIZONS,
                       {b: ons_population.BANDS[b] for b in bands})  # the demand projection's, by usage split
        for snapshot in inputs.snapshots:
            locations(inputs, svc, snapshot)
        supply(inputs, svc, inputs.council_code)
        capacity_rates(inputs, svc, base)
        people_rates(inputs, svc, base)
        population(inputs, base, benchmarks.ADULTS)
        good_rates(inputs, svc)
        key_question_breakdown(inputs, svc, inputs.council_code, council_locations(inputs, svc, inputs.council_code))
        for snapshot in (inputs.snapshots[0], inputs.directory):
            rating_counts(inputs, svc, inputs.council_code, snapshot)
        flows(inputs, svc, inputs.council_code)
        provider_shares(inputs, svc, inputs.council_code, "provider")
        provider_shares(inputs, svc, inputs.council_code, "brand")
        if svc.ascfr_settings:
            age_split(inputs, svc.ascfr_settings, inputs.council_code)
            clients(inputs, svc.ascfr_settings)
