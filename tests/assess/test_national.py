"""The national pass (helpers.assess.national): every council's figures computed once for all councils equal, to the
last bit, what the per-council functions compute for that council alone; each table is computed once per input.

England here is six councils in three regions (Sheffield's comparator group is partly in the data), two CQC
directory snapshots (a location moves from Sheffield to Rotherham, one closes, one opens, one has no council),
projections with populations to three decimals, ASC-FR clients, Skills for Care rows and CQC key-question ratings.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers.assess import benchmarks, demand, national, quality, stability, sufficiency, usage, workforce
from helpers.assess.sections import quality as quality_sections
from helpers.assess.sections import stability as stability_sections
from helpers.assess.sections import sufficiency as sufficiency_sections
from helpers.assess.sections import demand as demand_sections
from helpers.assess.sections import workforce as workforce_sections
from helpers.councils import council
from helpers.errors import InputError
from helpers.load import cqc_ratings, ons_population
from helpers.load.reading import SourceTable
from helpers.load.skills_for_care import CARE_WORKER, DIRECT_CARE, METRICS
from helpers.services import SERVICES, service

SHEFFIELD, ROTHERHAM, LEEDS, NOTTINGHAM, DERBY, BIRMINGHAM = (
    "E08000019", "E08000018", "E08000035", "E06000018", "E06000015", "E08000025")
CODES = [SHEFFIELD, ROTHERHAM, LEEDS, NOTTINGHAM, DERBY, BIRMINGHAM]  # Yorkshire ×3, East Midlands ×2, West Midlands
FLAGS = ["svc_care_home_nursing", "svc_care_home_residential", "svc_domiciliary", "svc_supported_living",
         "svc_extra_care", "svc_shared_lives", "svc_community_learning_disability", "svc_community_mental_health"]
RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not yet rated"]
YEARS = range(2024, 2038)


# ------------------------------------------------------------------------------------------- hand-made England


def directory(seed: int, later: bool) -> pd.DataFrame:
    """A CQC directory snapshot of the six councils: ~14 locations each of every kind, shared providers and brands."""
    rng = np.random.default_rng(seed)
    rows = []
    for c, code in enumerate(CODES):
        for i in range(14):
            kind = i % 4  # care home (nursing/residential), home care, supported living + extra care, day services
            flags = {f: False for f in FLAGS}
            if kind == 0:
                flags["svc_care_home_nursing" if i % 3 else "svc_care_home_residential"] = True
                flags["svc_care_home_residential"] |= i % 5 == 0
            elif kind == 1:
                flags["svc_domiciliary"] = True
            elif kind == 2:
                flags["svc_supported_living"] = True
                flags["svc_extra_care"] = i % 3 == 0
            else:
                flags["svc_community_learning_disability" if i % 2 else "svc_community_mental_health"] = True
            provider = int(rng.integers(0, 9))  # providers and brands span councils
            rows.append({"location_id": f"1-{c}{i:03d}", "location_name": f"Home {c}-{i}", "la_code": code,
                         "directorate": "Adult social care" if i != 13 else "Primary medical services",
                         "dormant": i == 12, "care_home": kind == 0, **flags,
                         "provider_id": f"1-P{provider}", "provider_name": f"Provider {provider}",
                         "brand_id": f"BD{provider % 3}" if provider % 2 else "-",
                         "brand_name": f"Brand {provider % 3}" if provider % 2 else "-",
                         "beds": int(rng.integers(5, 80)) if kind == 0 else 0,
                         "overall_rating": RATINGS[int(rng.integers(0, 5))]})
    frame = pd.DataFrame(rows)
    if later:  # one home moves from Sheffield to Rotherham, one closes, one opens, one has no council
        frame.loc[frame["location_id"] == "1-0000", "la_code"] = ROTHERHAM
        frame = frame[frame["location_id"] != "1-1004"]
        extra = frame.iloc[[0]].assign(location_id="1-9999", beds=41, provider_id="1-P42", provider_name="New")
        frame = pd.concat([frame, extra, frame.iloc[[4]].assign(location_id="1-8888", la_code=np.nan)],
                          ignore_index=True)
        frame["beds"] = frame["beds"] + (frame.index % 3 == 0) * 2  # homes resized
    return frame


def snpp() -> pd.DataFrame:
    """Projections: single ages 0-89 and 90+ (and All ages) of each council, 2024-2037, to three decimals."""
    rng = np.random.default_rng(7)
    rows = []
    for code in CODES:
        for year in YEARS:
            for age in range(91):
                rows.append({"area_code": code, "area_name": code, "sex": "persons",
                             "age_group": "90+" if age == 90 else str(age), "age": age, "year": year,
                             "population": round(float(rng.uniform(100, 9000)), 3), "_row": len(rows)})
            rows.append({"area_code": code, "area_name": code, "sex": "persons", "age_group": "All ages",
                         "age": pd.NA, "year": year, "population": 1.0, "_row": len(rows)})
    frame = pd.DataFrame(rows)
    frame["age"] = frame["age"].astype("Int64")
    return frame


def ascfr() -> pd.DataFrame:
    """ASC-FR long-term clients of each council by setting and age band (several rows per band)."""
    rng = np.random.default_rng(11)
    settings = ["Residential", "Nursing", "Community: Home Care", "Supported Accommodation"]
    rows = []
    for code in CODES[:-1]:  # Birmingham has no rows
        for setting in settings:
            for band in ("18 to 64", "65 and Over"):
                for reason in ("Physical Support", "Learning Disability Support", "Mental Health Support"):
                    rows.append({"geography_code": code, "data_type": "Clients", "value_type": "",
                                 "support_setting": setting, "age_band": band, "care_type": "Long Term Support",
                                 "value": round(float(rng.uniform(0, 400)), 1)})
        rows.append({"geography_code": code, "data_type": "Clients", "value_type": "", "support_setting": "Nursing",
                     "age_band": "65 and Over", "care_type": "Short Term Support", "value": 999.0})
    return pd.DataFrame(rows)


def skills_for_care_rows() -> pd.DataFrame:
    """Skills for Care rows of every council, its region and England; one suppressed value, one missing row."""
    rng = np.random.default_rng(5)
    services = ["Care home services with nursing", "Care home services without nursing", "Domiciliary care services"]
    codes = [*CODES, "E12000003", "E12000004", "E12000005", "E92000001"]
    rows = []
    for code in codes:
        for svc in services:
            for role in (DIRECT_CARE, CARE_WORKER):
                if code == DERBY and role == CARE_WORKER and svc == services[0]:
                    continue  # no row: NaN pay
                metrics = {m: round(float(rng.uniform(1, 60)), 2) for m in METRICS}
                metrics["filled_posts"] = float(rng.integers(50, 5000))
                if code == LEEDS and svc == services[1]:
                    metrics["turnover_rate_pct"] = np.nan  # suppressed
                rows.append({"la_name": code, "la_code": code, "level": "LA", "sector": "All sectors",
                             "service": svc.upper() if code == NOTTINGHAM else svc, "job_role": role, **metrics,
                             **{f"{m}_reason": None for m in METRICS}})
    return pd.DataFrame(rows)


def ratings(locations: pd.DataFrame) -> pd.DataFrame:
    """Key-question ratings of most locations (location level) and some provider-level rows that do not count."""
    rng = np.random.default_rng(3)
    rows = []
    for location in locations["location_id"].iloc[::2]:
        for domain in cqc_ratings.DOMAINS:
            rows.append({"location_id": location, "service_group": cqc_ratings.LOCATION_LEVEL, "domain": domain,
                         "rating": RATINGS[int(rng.integers(0, 5))]})
        rows.append({"location_id": location, "service_group": "Care Homes", "domain": "Safe", "rating": "Good"})
    return pd.DataFrame(rows)


class England(SimpleNamespace):
    """What the national pass and the sections read of ``Inputs``: the tables, their files and the cache folder."""

    def local(self, name: str) -> None:  # no local files
        return None


def england(folder: Path, cache_dir: Path | None) -> England:
    folder.mkdir(parents=True, exist_ok=True)

    def table(name: str, data: pd.DataFrame, vintage: str) -> SourceTable:
        path = folder / name
        path.write_text(f"{name}\n")  # the tables are keyed on their files' content
        return SourceTable(data, path, vintage)
    before, after = directory(1, False), directory(1, True)
    return England(snapshots=[table("directory_2025", before, "01 November 2025"),
                              table("directory_2026", after, "01 November 2026")],
                   snpp=table("snpp", snpp(), "2022-based projections"), ascfr=table("ascfr", ascfr(), "2024-25"),
                   ratings=table("ratings", ratings(after), "01 November 2026"),
                   skills_for_care=table("sfc", skills_for_care_rows(), "2024/25"), ascof_ratings=None,
                   ascof_turnover=None, cache_dir=cache_dir, vintage_date=pd.Timestamp("2026-11-01"),
                   council_code=SHEFFIELD, sources=[])


@pytest.fixture
def inputs(tmp_path: Path) -> England:
    national.clear()
    data = england(tmp_path / "data", tmp_path / "cache")
    data.directory = data.snapshots[-1]
    return data


# ------------------------------------------------------------------- each council alone (the per-council code)


def alone_rates(inputs: England, svc, kind: str, year: int) -> pd.DataFrame | None:
    """The per-council numerators and denominators, as the sections built them for each council."""
    if kind == "capacity":
        everyone = sufficiency.service_locations(inputs.directory.data, svc)
        measure = "beds" if svc.capacity == "cqc_beds" else "location_id"
        counts = everyone.groupby("la_code")[measure].agg("sum" if measure == "beds" else "count")
        pop = benchmarks.population_by_council(inputs.snpp.data, year, svc.population_band)
        return pop.assign(numerator=pop["la_code"].map(counts).fillna(0)).rename(columns={"population": "denominator"})
    if kind == "people":
        clients = usage.clients_by_council(inputs.ascfr.data, svc.ascfr_settings)
        if not svc.ascfr_settings or clients.empty:
            return None
        pop = benchmarks.population_by_council(inputs.snpp.data, year, "18+")
        return clients.rename(columns={"clients": "numerator"}).merge(
            pop.rename(columns={"population": "denominator"}), on="la_code")
    everyone = sufficiency.service_locations(inputs.directory.data, svc)
    rated = everyone["overall_rating"].isin(quality.RATED)
    good = everyone["overall_rating"].isin(["Outstanding", "Good"])
    return pd.DataFrame({"la_code": everyone["la_code"], "numerator": good, "denominator": rated}).groupby(
        "la_code", as_index=False).sum()


class Alone:
    """helpers.assess.national's lookups, computed for one council alone as the sections did before it."""

    def __init__(self, year: int) -> None:
        self.year = year

    def base_year(self, inputs):
        years = inputs.snpp.data["year"]
        return int(min(max(inputs.vintage_date.year, years.min()), years.max()))

    def council_locations(self, inputs, svc, code, snapshot=None):
        return sufficiency.service_locations((snapshot or inputs.directory).data, svc, code)

    def supply(self, inputs, svc, code):
        return sufficiency.supply(self.council_locations(inputs, svc, code), svc)

    def population(self, inputs, year, band):
        return benchmarks.population_by_council(inputs.snpp.data, year, band)

    def _rates(self, inputs, svc, kind, year):
        per_council = alone_rates(inputs, svc, kind, year)
        if per_council is None:
            return None
        return SimpleNamespace(benchmark=lambda code, comparators, scale: benchmarks.benchmark(
            per_council, code, comparators, scale=scale))

    def capacity_rates(self, inputs, svc, year):
        return self._rates(inputs, svc, "capacity", year)

    def people_rates(self, inputs, svc, year):
        return None if inputs.ascfr is None else self._rates(inputs, svc, "people", year)

    def good_rates(self, inputs, svc):
        return self._rates(inputs, svc, "good", self.year)

    def rating_counts(self, inputs, svc, code, snapshot=None):
        locs = self.council_locations(inputs, svc, code, snapshot)
        return locs["overall_rating"].value_counts().reindex(quality.RATING_ORDER, fill_value=0).astype(int)

    def key_question_breakdown(self, inputs, svc, code, locs):
        data = inputs.ratings.data
        return quality.key_question_breakdown(
            cqc_ratings.key_questions(data[data["location_id"].isin(locs["location_id"])]), locs["location_id"])

    def flows(self, inputs, svc, code):
        capacity = "beds" if svc.capacity == "cqc_beds" else None
        return stability.entries_exits([(pd.Timestamp(s.vintage), self.council_locations(inputs, svc, code, s))
                                        for s in inputs.snapshots], capacity)

    def concentration(self, inputs, svc, code):
        capacity = "beds" if svc.capacity == "cqc_beds" else None
        locs = self.council_locations(inputs, svc, code)
        return (stability.concentration_summary(locs, capacity),
                stability.provider_shares(locs, capacity, by="brand"))

    def workforce_rows(self, inputs):
        return None

    def projection(self, inputs, code, base_year, horizons, bands=ons_population.BANDS):
        return ons_population.projection(inputs.snpp.data, code, base_year, horizons, dict(bands))

    def age_split(self, inputs, settings, code):
        return usage.age_split(inputs.ascfr.data, code, settings) if inputs.ascfr is not None and settings else None


def built(make, inputs: England, svc, area: pd.Series, *more):
    """A section built by ``make``: (its key figures, its messages, its tables' frames by name, its notes)."""
    out = make(svc, inputs, area, *more)
    section = out[0] if isinstance(out, tuple) else out
    tables = {i.name: i.frame for i in section.section.items if hasattr(i, "frame")}
    charts = {i.name: i.figure.to_json() for i in section.section.items if not hasattr(i, "frame")}
    return section.key_figures, section.section.messages, tables, charts, section.section.notes


SECTIONS = [sufficiency_sections, quality_sections, stability_sections, workforce_sections, demand_sections]


def every_section(inputs: England, svc, area: pd.Series) -> list:
    suff, current = sufficiency_sections.sufficiency_section(svc, inputs, area)
    return [built(lambda *a: (suff, current), inputs, svc, area),
            built(quality_sections.quality_section, inputs, svc, area),
            built(stability_sections.stability_section, inputs, svc, area),
            built(workforce_sections.workforce_section, inputs, svc, area),
            built(demand_sections.demand_section, inputs, svc, area, current)]


def assert_same(a, b, where: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ------------------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("service_key", list(SERVICES))
def test_every_councils_sections_equal_those_computed_for_it_alone(inputs, monkeypatch, service_key):
    svc = service(service_key)
    national_figures = {code: every_section(inputs, svc, council(code)) for code in CODES}
    alone = Alone(national.base_year(inputs))
    for module in SECTIONS:
        monkeypatch.setattr(module, "national", alone)
    for code in CODES:
        assert_same(national_figures[code], every_section(inputs, svc, council(code)), f"{service_key} {code}")
    assert national_figures[SHEFFIELD][0][0]["locations"] > 0


def test_benchmark_tables_pool_councils_regions_and_england_as_for_one_council(inputs):
    svc, year = service("care_homes"), 2026
    comparators = benchmarks.comparator_group(SHEFFIELD)
    assert {LEEDS, NOTTINGHAM, DERBY} < set(comparators) and BIRMINGHAM not in comparators
    for kind, rates, scale in [("capacity", national.capacity_rates(inputs, svc, year), 1000),
                               ("people", national.people_rates(inputs, svc, year), 1000),
                               ("good", national.good_rates(inputs, svc), 100)]:
        for code in CODES:
            mine = rates.benchmark(code, benchmarks.comparator_group(code), scale)
            alone = benchmarks.benchmark(alone_rates(inputs, svc, kind, year), code, benchmarks.comparator_group(code),
                                         scale=scale)
            pd.testing.assert_frame_equal(mine, alone, check_exact=True)
    table = national.capacity_rates(inputs, svc, year).benchmark(SHEFFIELD, comparators, 1000)
    assert table["area"].tolist() == ["Sheffield", "Comparator group", "Yorkshire and The Humber region", "England"]
    assert table["councils"].tolist() == [1, 3, 3, 6]


def test_the_pass_is_computed_once_per_input_and_read_back_from_the_cache(inputs, tmp_path):
    svc = service("care_homes")
    national.built.clear()
    for code in CODES:
        national.supply(inputs, svc, code)
        national.flows(inputs, svc, code)
        national.capacity_rates(inputs, svc, 2026).benchmark(code, benchmarks.comparator_group(code), 1000)
    assert national.built["locations"] == 2  # once per snapshot, not once per council
    assert national.built["supply"] == national.built["flows"] == national.built["capacity"] == 1
    written = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").glob("national-*.parquet")}
    assert len(written) == sum(national.built.values())
    national.clear()  # a worker: reads what another process computed
    national.built.clear()
    again = [national.supply(inputs, svc, code) for code in CODES]
    assert sum(national.built.values()) == 0
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").glob("national-*.parquet")} == written
    national.clear()
    uncached = england(tmp_path / "data", None)
    uncached.directory = uncached.snapshots[-1]
    for code, frame in zip(CODES, again):
        pd.testing.assert_frame_equal(national.supply(uncached, svc, code), frame, check_exact=True)


def test_a_changed_file_is_a_new_table(inputs):
    svc = service("home_care")
    national.built.clear()
    national.supply(inputs, svc, SHEFFIELD)
    inputs.directory.file.write_text("another version\n")
    national.supply(inputs, svc, SHEFFIELD)
    assert national.built["supply"] == 2


def test_tables_stored_by_other_code_are_not_reused(inputs, monkeypatch):
    svc = service("home_care")
    national.built.clear()
    national.supply(inputs, svc, SHEFFIELD)
    national.clear()
    monkeypatch.setattr(national, "_code", lambda: "the helpers after an upgrade")
    national.supply(inputs, svc, SHEFFIELD)  # the cache holds the old code's table: computed afresh
    assert national.built["supply"] == 2


def test_prepare_computes_the_whole_pass_so_councils_only_look_up(inputs):
    national.built.clear()
    national.prepare(inputs, list(SERVICES))
    before = sum(national.built.values())
    for key in SERVICES:
        svc = service(key)
        for code in CODES:
            every_section(inputs, svc, council(code))
    assert sum(national.built.values()) == before


def test_prewarm_computes_the_pass_and_a_worker_then_only_reads_it(default_demo, tmp_path):
    from helpers.assess.assessment import assess
    from helpers.run import pipeline
    job = SimpleNamespace(code=SHEFFIELD, services=[*SERVICES, pipeline.OVERSIGHT], data_dir=default_demo,
                          cache_dir=tmp_path / "cache", year=2026)
    national.clear()
    national.built.clear()
    pipeline.prewarm([job])
    assert national.built["locations"] == 3 * len(SERVICES)  # three directory snapshots
    stored = sorted(p.name for p in (tmp_path / "cache").glob("national-*.parquet"))
    assert len(stored) == sum(national.built.values())
    national.clear()  # a worker starts with nothing in memory
    national.built.clear()
    for key in SERVICES:
        assess(key, default_demo, ROTHERHAM, tmp_path / "cache", 2026)
    assert sum(national.built.values()) == 0
    assert sorted(p.name for p in (tmp_path / "cache").glob("national-*.parquet")) == stored


# ---------------------------------------------------------------------------------------- the group-bys


def test_supply_by_council_counts_each_sub_category_and_the_total():
    svc = service("care_homes")
    locs = sufficiency.service_locations(pd.DataFrame({
        "location_id": ["a", "b", "c", "d"], "la_code": [SHEFFIELD, SHEFFIELD, SHEFFIELD, LEEDS],
        "directorate": ["Adult social care"] * 4, "dormant": [False] * 4, "care_home": [True] * 4,
        "svc_care_home_nursing": [True, False, True, False], "svc_care_home_residential": [False, True, False, True],
        "provider_id": ["p", "p", "q", "p"], "beds": [10, 20, 30, 5]}), svc)
    counts = sufficiency.supply_by_council(locs, svc)
    assert counts.values.tolist() == [[SHEFFIELD, "Nursing", 2, 2, 40], [SHEFFIELD, "Residential", 1, 1, 20],
                                      [LEEDS, "Residential", 1, 1, 5], [SHEFFIELD, "All care homes", 3, 2, 60],
                                      [LEEDS, "All care homes", 1, 1, 5]]
    leeds = sufficiency.supply_of(counts[counts["la_code"] == LEEDS], svc)
    assert leeds.values.tolist() == [["Nursing", 0, 0, 0], ["Residential", 1, 1, 5], ["All care homes", 1, 1, 5]]
    pd.testing.assert_frame_equal(leeds, sufficiency.supply(locs[locs["la_code"] == LEEDS], svc))


def test_provider_shares_by_area_share_each_councils_capacity():
    locs = pd.DataFrame({"la_code": ["A", "A", "A", "B", "B", None], "provider_id": ["p", "q", "p", "p", "r", "p"],
                         "provider_name": ["P", "Q", "P", "P", "R", "P"], "beds": [10, 30, 20, 0, 0, 7]})
    shares = stability.provider_shares_by_area(locs, "beds")
    assert shares[["la_code", "id", "locations", "share_pct", "basis"]].values.tolist() == [
        ["A", "p", 2, 50.0, "beds"], ["A", "q", 1, 50.0, "beds"],
        ["B", "p", 1, 50.0, "locations"], ["B", "r", 1, 50.0, "locations"]]  # B has no beds: shares of locations
    for area in ("A", "B"):
        mine = shares[shares["la_code"] == area].drop(columns="la_code").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, stability.provider_shares(locs[locs["la_code"] == area], "beds"))
    assert stability.provider_shares_by_area(locs.assign(beds=[1.5, 1, 1, 1, 1, 1]), "beds") is None


def test_flows_by_area_count_entries_and_exits_per_council():
    before = pd.DataFrame({"la_code": ["A", "A", "B"], "location_id": ["x", "y", "z"], "beds": [10, 20, 5]})
    after = pd.DataFrame({"la_code": ["B", "A", "B"], "location_id": ["x", "w", "z"], "beds": [12, 7, 5]})
    dates = [pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01")]
    counts = stability.flows_by_area(list(zip(dates, [before, after])), "beds")
    assert counts[counts["snapshot"] == 1][["la_code", "locations", "total", "entries", "exits", "entering",
                                             "leaving"]].values.tolist() == [["A", 1, 7.0, 1, 2, 7.0, 30.0],
                                                                             ["B", 2, 17.0, 1, 0, 12.0, 0.0]]
    for area in ("A", "B"):  # x moved from A to B: an exit from A and an entry to B
        alone = stability.entries_exits([(d, f[f["la_code"] == area]) for d, f in zip(dates, [before, after])], "beds")
        pd.testing.assert_frame_equal(stability.flows_of(counts[counts["la_code"] == area], dates, "beds"), alone)


def test_rating_and_key_question_counts_by_council():
    locs = pd.DataFrame({"la_code": ["A", "A", "B", None], "overall_rating": ["Good", "Inadequate", "Good", "Good"]})
    counts = quality.rating_counts_by(locs)
    assert counts.loc["A"].tolist() == [0, 1, 0, 1, 0] and counts.loc["B"].tolist() == [0, 1, 0, 0, 0]
    pd.testing.assert_frame_equal(quality.distribution_of(counts.loc["A"]),
                                  quality.rating_distribution(locs[locs["la_code"] == "A"]))
    assert quality.good_share_of(counts.loc["A"]) == quality.percent_good_or_outstanding(locs[locs["la_code"] == "A"])
    wide = pd.DataFrame({"location_id": ["x", "y", "z"], "Safe": ["Good", "Inadequate", np.nan],
                         "Caring": ["Outstanding", np.nan, "Good"], "la_code": ["A", "A", "B"]})
    kq = quality.key_question_counts_by(wide)
    assert kq[kq["la_code"] == "A"][["key_question", "Outstanding", "Good", "Inadequate", "rated"]].values.tolist() == [
        ["Caring", 1, 0, 0, 1], ["Safe", 0, 1, 1, 2]]


def test_band_totals_sum_each_areas_ages_as_one_area_does():
    pop = snpp()
    totals = ons_population.band_totals(pop)
    for code in (SHEFFIELD, BIRMINGHAM):
        for year in (2024, 2030, 2037):
            mine = totals[(totals["area_code"] == code) & (totals["year"] == year)].set_index("band")["population"]
            alone = ons_population.age_band_population(pop, code, year).set_index("band")["population"]
            assert mine.to_dict() == alone.to_dict()  # float for float
    # an area whose ages are not 0, 1, …, 90+ in order is left to the per-area computation, which says what is wrong
    broken = pop[~((pop["area_code"] == LEEDS) & (pop["year"] == 2030) & (pop["age"] == 70))]
    assert not ((ons_population.band_totals(broken)["area_code"] == LEEDS)
                & (ons_population.band_totals(broken)["year"] == 2030)).any()
    with pytest.raises(InputError, match="age"):
        ons_population.projection(broken, LEEDS, 2025, (5, 10))


def test_an_area_whose_ages_are_not_all_there_is_computed_or_refused_as_for_one_area(inputs):
    pop = inputs.snpp.data
    broken = pop[~((pop["area_code"] == LEEDS) & (pop["year"] == 2030) & (pop["age"] == 70))]
    inputs.snpp = SourceTable(broken, inputs.snpp.file.with_name("broken"), "2022-based projections")
    inputs.snpp.file.write_text("broken\n")
    with pytest.raises(InputError, match="band '65\\+' .* 1 age"):
        national.projection(inputs, LEEDS, 2025, (5, 10))  # as ons_population.projection: 65+ misses age 70
    pd.testing.assert_frame_equal(national.projection(inputs, LEEDS, 2026, (1, 2), {"75+": (75, None)}),
                                  ons_population.projection(broken, LEEDS, 2026, (1, 2), {"75+": (75, None)}))
    pd.testing.assert_frame_equal(national.projection(inputs, SHEFFIELD, 2025, (5, 10)),
                                  ons_population.projection(broken, SHEFFIELD, 2025, (5, 10)))


def test_projections_of_every_area_equal_each_areas_projection(inputs):
    pop = inputs.snpp.data
    totals = ons_population.band_totals(pop)
    for horizons, bands in [((5, 10), ons_population.BANDS), ((3, 5, 10), {"18-64": (18, 64), "65+": (65, None)}),
                            ((3, 5, 10), {"75+": (75, None)})]:
        every = ons_population.projections(totals, 2026, horizons, bands)
        for code in CODES:
            mine = every[every["area_code"] == code].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, ons_population.projection(pop, code, 2026, horizons, bands),
                                          check_exact=True)
            pd.testing.assert_frame_equal(national.projection(inputs, code, 2026, horizons, bands), mine)


def test_projection_of_the_real_extract_equals_each_areas(realdata: Path):
    """Populations to three decimals as published: County Durham's every projection, to the last bit."""
    path = realdata / "ons_snpp" / "2022_SNPP_Population_persons_EXTRACT_CountyDurham_Darlington.csv"
    pop = ons_population.load_snpp(path).data
    totals = ons_population.band_totals(pop)
    assert set(totals["area_code"]) == {"E06000047"}  # the Darlington extract holds only ages 65+: left to itself
    for base in range(int(pop["year"].min()), int(pop["year"].max()) - 9):
        for horizons, bands in [((5, 10), ons_population.BANDS), ((3, 5, 10), {"18-64": (18, 64), "65+": (65, None)})]:
            every = ons_population.projections(totals, base, horizons, bands)
            pd.testing.assert_frame_equal(every.reset_index(drop=True),
                                          ons_population.projection(pop, "E06000047", base, horizons, bands),
                                          check_exact=True)


def test_splits_by_council_equal_each_councils_age_split():
    frame = ascfr()
    for settings in (("Residential", "Nursing"), ("Community: Home Care",), ("Nope",)):
        every = usage.splits_by_council(frame, settings)
        for code in CODES:
            alone = usage.age_split(frame, code, settings)
            mine = every[every["la_code"] == code].drop(columns="la_code").reset_index(drop=True)
            if alone is None:
                assert mine.empty
            else:
                pd.testing.assert_frame_equal(mine, alone, check_exact=True)


@pytest.mark.parametrize("services", [["Care home services with nursing"],
                                      ["Care home services with nursing", "Care home services without nursing"],
                                      ["Care home services with nursing", "Care home services without nursing",
                                       "Domiciliary care services"]])
def test_workforce_comparison_from_looked_up_rows_equals_the_searched_one(services):
    sfc = skills_for_care_rows()
    rows = workforce.rows_of(sfc)
    for code in CODES:
        region = council(code)["region_code"]
        pd.testing.assert_frame_equal(workforce.workforce_comparison(sfc, code, region, services, 12.21, rows=rows),
                                      workforce.workforce_comparison(sfc, code, region, services, 12.21),
                                      check_exact=True)


def test_rates_sum_a_councils_and_its_comparators_rows_as_pandas_does():
    """Rates.benchmark's sums over row positions equal the pooled frames': NaN counted as 0, ints summed as ints, a
    comparator repeated or without rows, no comparators, and a column that is not plain numbers (left to the frames)."""
    frame = pd.DataFrame({"la_code": [SHEFFIELD, ROTHERHAM, LEEDS, NOTTINGHAM, DERBY, LEEDS],
                          "numerator": [1e-3, np.nan, 2.5, 1e17, 3.0, 7.0],
                          "denominator": [10.0, 20.0, np.nan, 0.1, 1e-5, 2.0]})
    for per_council in (frame, frame.fillna(0), frame.assign(numerator=[1, 2, 3, 4, 5, 6]),
                        frame.assign(numerator=pd.array([1, 2, 3, 4, 5, None]))):
        rates = national.Rates(per_council)
        assert (rates._columns is None) == (per_council["numerator"].dtype.kind not in "fi")
        for code in CODES:
            for comparators in (benchmarks.comparator_group(SHEFFIELD), [LEEDS, LEEDS, "E08000099"], []):
                pd.testing.assert_frame_equal(rates.benchmark(code, comparators, 1000),
                                              benchmarks.benchmark(per_council, code, comparators, scale=1000),
                                              check_exact=True)
