"""Demand metrics on hand-computed tables: usage rates, projection arithmetic, capacity gap and its sign."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.assess.demand import (SHORTFALL, SURPLUS, TOTAL, capacity_gap, gap_assumptions, projected_demand,
                            projected_population, usage_rates)

# Population per band with distinct sizes, so a rate on the wrong band gives a different number.
BASE = pd.DataFrame({"band": ["18-64", "65+", "75+", "85+"], "age_from": [18, 65, 75, 85],
                     "age_to": pd.array([64, None, None, None], dtype="Int64"),
                     "population": [200_000.0, 50_000.0, 20_000.0, 5_000.0]})


def users(**counts: float) -> pd.DataFrame:
    """Users per band, e.g. users(**{"65+": 1000})."""
    return pd.DataFrame({"band": list(counts), "users": list(counts.values())})


def test_rates_per_band_and_per_1000():
    rates = usage_rates(users(**{"18-64": 400, "65+": 1000}), BASE).set_index("band")
    assert rates.loc["18-64", "rate"] == pytest.approx(0.002)
    assert rates.loc["65+", "rate"] == pytest.approx(0.02)
    assert rates.loc["65+", "rate_per_1000"] == pytest.approx(20.0)
    assert rates.loc["18-64", "rate_per_1000"] == pytest.approx(2.0)


def test_per_1000_rate_uses_the_right_age_band():
    per_1000 = usage_rates(users(**{"75+": 1000}), BASE)["rate_per_1000"].iloc[0]
    assert per_1000 == pytest.approx(50.0)  # 1,000 / 20,000 aged 75+, not / 50,000 aged 65+ (20) or 5,000 85+ (200)
    assert usage_rates(users(**{"85+": 1000}), BASE)["rate_per_1000"].iloc[0] == pytest.approx(200.0)


def test_zero_population_gives_nan_not_inf():
    pop = pd.DataFrame({"band": ["18-64", "65+"], "population": [0.0, 10_000.0]})
    rates = usage_rates(users(**{"18-64": 5, "65+": 100}), pop).set_index("band")
    assert math.isnan(rates.loc["18-64", "rate"]) and not np.isinf(rates["rate"]).any()
    assert rates.loc["65+", "rate"] == pytest.approx(0.01)


def test_missing_band_and_overlapping_bands_are_errors():
    with pytest.raises(ValueError, match="no population"):
        usage_rates(users(**{"90+": 5}), BASE)
    with pytest.raises(ValueError, match="overlap"):
        usage_rates(users(**{"65+": 5, "75+": 3}), BASE)


PROJECTED = pd.DataFrame({"band": ["18-64", "65+"] * 3, "horizon": [0, 0, 5, 5, 10, 10],
                          "year": [2026, 2026, 2031, 2031, 2036, 2036],
                          "population": [200_000.0, 50_000.0, 190_000.0, 60_000.0, 180_000.0, 70_000.0]})


def test_projected_demand_is_rate_times_population_with_totals():
    rates = usage_rates(users(**{"18-64": 400, "65+": 1000}), BASE)
    out = projected_demand(rates, PROJECTED)
    assert out["band"].tolist() == ["18-64", "65+", TOTAL] * 3
    by = out.set_index(["year", "band"])
    assert by.loc[(2031, "65+"), "demand"] == pytest.approx(1200)  # 0.02 × 60,000
    assert by.loc[(2031, "18-64"), "demand"] == pytest.approx(380)  # 0.002 × 190,000
    assert by.loc[(2036, TOTAL), "demand"] == pytest.approx(360 + 1400)
    assert by.loc[(2036, TOTAL), "population"] == pytest.approx(250_000)
    assert by.loc[(2026, TOTAL), "demand"] == pytest.approx(1400)  # the base year gives back today's users
    assert by.loc[(2036, TOTAL), "rate"] == pytest.approx(1760 / 250_000)


def test_projected_total_is_nan_when_a_band_has_no_rate():
    pop = pd.DataFrame({"band": ["18-64", "65+"], "population": [0.0, 10_000.0]})
    rates = usage_rates(users(**{"18-64": 5, "65+": 100}), pop)
    by = projected_demand(rates, PROJECTED).set_index(["year", "band"])
    assert math.isnan(by.loc[(2031, TOTAL), "demand"])
    assert by.loc[(2031, "65+"), "demand"] == pytest.approx(600)


def test_capacity_gap_sign_and_usable_capacity():
    demand = pd.DataFrame({"year": [2026, 2031, 2036], "demand": [900.0, 950.0, 1000.0]})
    gap = capacity_gap(demand, 1000, 0.9, 0.95).set_index("year")
    assert gap["usable_capacity"].tolist() == pytest.approx([950, 950, 950])
    assert gap["surplus"].tolist() == pytest.approx([50, 0, -50])
    assert gap["status"].tolist() == [SURPLUS, "balanced", SHORTFALL]
    assert gap.loc[2036, "surplus_pct"] == pytest.approx(-5.0)
    assert gap.loc[2026, "occupied_now"] == pytest.approx(900)
    unknown = capacity_gap(demand, 1000, None, 1.0)
    assert unknown["current_occupancy"].isna().all() and unknown["surplus"].tolist() == pytest.approx([100, 50, 0])
    with pytest.raises(ValueError):
        capacity_gap(demand, 1000, 0.9, 95)


def test_capacity_gap_takes_the_totals_of_projected_demand():
    rates = usage_rates(users(**{"18-64": 400, "65+": 1000}), BASE)
    gap = capacity_gap(projected_demand(rates, PROJECTED), 1500, 0.9, 1.0)
    assert gap["year"].tolist() == [2026, 2031, 2036]
    assert gap["surplus"].tolist() == pytest.approx([100, -80, -260])
    lines = gap_assumptions(2026, 1500, "beds", 0.9, 0.95, ["18-64", "65+"])
    assert any("1,500 beds" in line for line in lines) and any("95%" in line for line in lines)


def snpp_frame() -> pd.DataFrame:
    """A tidy SNPP frame for one area: ages 0–89 and 90+; each age holds 10 people in 2026, +1 a year from 65."""
    rows = []
    for year in range(2026, 2037):
        for age in range(91):
            people = 10.0 + (year - 2026 if age >= 65 else 0)
            group = "90+" if age == 90 else str(age)
            rows.append({"area_code": "E08000019", "area_name": "Sheffield", "sex": "persons", "age_group": group,
                         "age": age, "year": year, "population": people, "_row": 0})
    return pd.DataFrame(rows)


def test_projected_population_base_plus_5_and_10_by_band():
    out = projected_population(snpp_frame(), "E08000019", 2026).set_index(["band", "horizon"])
    assert out.loc[("18-64", 0), "population"] == pytest.approx(47 * 10)
    assert out.loc[("65+", 0), "population"] == pytest.approx(26 * 10)  # ages 65–89 and 90+
    assert out.loc[("65+", 5), "population"] == pytest.approx(26 * 15)
    assert out.loc[("65+", 10), "year"] == 2036
    assert out.loc[("65+", 10), "change_pct"] == pytest.approx(100.0)
    assert set(out.index.get_level_values("band")) == {"18-64", "65+"}


def test_the_demand_horizons_add_3_years_and_keep_the_5_and_10_year_rows():
    from helpers.assess.demand import DEMAND_HORIZONS, HORIZONS
    assert DEMAND_HORIZONS == (3, 5, 10) and HORIZONS == (5, 10)  # the population table keeps base, +5 and +10
    snpp = snpp_frame()
    before = projected_population(snpp, "E08000019", 2026)
    after = projected_population(snpp, "E08000019", 2026, horizons=DEMAND_HORIZONS)
    assert sorted(set(after["horizon"])) == [0, 3, 5, 10]
    three = after.set_index(["band", "horizon"])
    assert three.loc[("65+", 3), "year"] == 2029 and three.loc[("65+", 3), "population"] == pytest.approx(26 * 13)
    kept = after[after["horizon"] != 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, before.reset_index(drop=True))  # the existing rows are unchanged
    rates = usage_rates(users(**{"65+": 26}), before[before["horizon"] == 0][["band", "population"]])
    gap = capacity_gap(projected_demand(rates, after), 300, 0.9, 1.0)
    assert gap["year"].tolist() == [2026, 2029, 2031, 2036]
    assert gap["demand"].tolist() == pytest.approx([26, 33.8, 39, 52])  # rate 0.1 × population
    assert gap["surplus"].tolist() == pytest.approx([274, 266.2, 261, 248])


def _merged(frame: pd.DataFrame, column: str, by_band: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(by_band[["band", column]], on="band", how="left")


@pytest.mark.parametrize("band_dtype", ["object", "str", "string[pyarrow]"])
def test_band_values_are_the_left_merge_they_replace(band_dtype):
    """usage_rates and projected_demand add a band's value by lookup instead of a left merge: the same frame (rows,
    order, labels, dtypes), whatever the band column's string type."""
    from helpers.assess.demand import with_band_values
    pop = pd.DataFrame({"band": pd.Series(["65+", "18-64", "65+", "18-64"], dtype=band_dtype),
                        "horizon": [0, 0, 3, 3], "year": [2026, 2026, 2029, 2029],
                        "population": [1000.0, 5000.0, 1100.0, 5100.0]}).set_axis([7, 3, 9, 1])
    rates = pd.DataFrame({"band": pd.Series(["18-64", "65+"], dtype=band_dtype), "rate": [0.001, 0.02]})
    pd.testing.assert_frame_equal(with_band_values(pop, "rate", rates), _merged(pop, "rate", rates),
                                  check_exact=True)
    counts = pd.DataFrame({"band": pd.Series(["65+"], dtype=band_dtype), "population": pd.array([12], dtype="Int64")})
    people = pd.DataFrame({"band": pd.Series(["65+"], dtype=band_dtype), "users": [3]})
    pd.testing.assert_frame_equal(with_band_values(people, "population", counts), _merged(people, "population", counts),
                                  check_exact=True)


def test_usage_rates_and_projected_demand_still_refuse_or_repeat_as_the_merge_did():
    pop = pd.DataFrame({"band": ["18-64", "65+"], "population": [5000.0, 1000.0]})
    with pytest.raises(pd.errors.MergeError):  # a band's users given twice
        usage_rates(pd.DataFrame({"band": ["65+", "65+"], "users": [1.0, 2.0]}), pop)
    rates = pd.DataFrame({"band": ["65+", "65+"], "rate": [0.01, 0.02]})  # two rates of a band: a row for each
    proj = pd.DataFrame({"band": ["65+"], "year": [2030], "population": [1000.0]})
    assert projected_demand(rates, proj)["demand"].tolist() == [10.0, 20.0, 30.0]


def _gap_column_by_column(demand_by_year: pd.DataFrame, capacity: float, occupancy: float | None,
                          target_occupancy: float) -> pd.DataFrame:
    """capacity_gap as it was computed before it was built from arrays (the reference)."""
    frame = demand_by_year[demand_by_year["band"] == TOTAL] if "band" in demand_by_year else demand_by_year
    keys = [c for c in ("year", "horizon") if c in frame]
    out = frame[keys + ["demand"]].astype({"demand": "float64"}).reset_index(drop=True)
    out["capacity"] = float(capacity)
    out["target_occupancy"] = float(target_occupancy)
    out["usable_capacity"] = out["capacity"] * target_occupancy
    out["surplus"] = out["usable_capacity"] - out["demand"]
    out["surplus_pct"] = out["surplus"] / out["demand"].where(out["demand"] > 0) * 100
    status = np.select([out["surplus"] > 0, out["surplus"] < 0, out["surplus"] == 0], [SURPLUS, SHORTFALL, "balanced"],
                       default="unknown")
    out["status"] = pd.Series(status, index=out.index, dtype="string")
    out["current_occupancy"] = np.nan if occupancy is None else float(occupancy)
    out["occupied_now"] = out["capacity"] * out["current_occupancy"]
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def test_capacity_gap_from_arrays_equals_the_column_by_column_computation():
    rng = np.random.default_rng(5)
    for trial in range(120):
        k = int(rng.integers(1, 5))
        years = rng.permutation(np.arange(2026, 2026 + k)).astype("int64")
        totals = pd.DataFrame({"band": [TOTAL] * k, "horizon": years - 2026, "year": years,
                               "demand": rng.choice([0.0, -1.0, np.nan, 1234.5, *rng.uniform(0, 5000, 3)], size=k)})
        both = pd.concat([totals, totals.assign(band="65+", demand=1.0)]).sample(frac=1, random_state=trial)
        capacity = float(rng.choice([0.0, 1000.0, rng.uniform(0, 5000)]))
        occupancy = [None, 0.9, float(rng.uniform(0, 1))][trial % 3]
        target = float(rng.choice([0.95, 1.0, rng.uniform(0.01, 1)]))
        for frame in (both, totals.drop(columns="band"), totals[["year", "demand"]]):
            pd.testing.assert_frame_equal(capacity_gap(frame, capacity, occupancy, target),
                                          _gap_column_by_column(frame, capacity, occupancy, target), check_exact=True)


def test_projected_demand_from_arrays_is_the_frames_result():
    """The array path gives the group-by's frame to the bit: dtypes, order, totals (compensated population sums of
    three bands, NaN populations and rates, a zero population) on random projections."""
    import numpy as np
    from helpers.assess.demand import _projected_demand_arrays, _projected_demand_frames
    rng = np.random.default_rng(7)
    for trial in range(60):
        bands = ["18-64", "65+", "85+"][: 1 + trial % 3]
        years = [(h, 2026 + h) for h in (0, 3, 5, 10)]
        rows = [(b, h, y) for h, y in years for b in bands]
        rng.shuffle(rows)
        population = rng.uniform(0, 1e6, len(rows)) * rng.choice([1e-9, 1, 1e9], len(rows))
        population[rng.random(len(rows)) < 0.1] = np.nan
        population[rng.random(len(rows)) < 0.05] = 0.0
        projected = pd.DataFrame({"band": [r[0] for r in rows], "horizon": [r[1] for r in rows],
                                  "year": [r[2] for r in rows], "population": population})
        rate = rng.uniform(0, 0.01, len(bands))
        rate[rng.random(len(bands)) < 0.1] = np.nan
        rates = pd.DataFrame({"band": bands[: max(1, len(bands) - trial % 2)], "rate": rate[: max(1, len(bands) - trial % 2)]})
        for keys in (["horizon", "year"], ["year"]):
            frame = projected if keys == ["horizon", "year"] else projected.drop(columns="horizon")
            quick = _projected_demand_arrays(rates, frame, keys)
            assert quick is not None
            pd.testing.assert_frame_equal(quick, _projected_demand_frames(rates, frame, keys), check_exact=True)


def test_usage_rates_from_arrays_are_the_frames_result():
    """The array path gives the frames' table to the bit: ints and floats, a repeated population band (its first
    row counts), a zero or missing population, an index that is not 0, 1, …"""
    from helpers.assess.demand import _usage_rates_arrays, _usage_rates_frames
    population = pd.DataFrame({"band": ["65+", "18-64", "65+"], "population": [1000.0, 0.0, 7.0]})
    for users in (pd.DataFrame({"band": ["18-64", "65+"], "users": [12.5, 40.0]}, index=[5, 3]),
                  pd.DataFrame({"band": ["65+"], "users": [3]}),
                  pd.DataFrame({"band": ["65+", "18-64"], "users": [1e-7, np.nan]})):
        for pop in (population, population.astype({"population": "int64"}),
                    population.assign(population=[np.nan, 5.0, 1.0])):
            quick = _usage_rates_arrays(users, pop)
            assert quick is not None
            pd.testing.assert_frame_equal(quick, _usage_rates_frames(users, pop.drop_duplicates("band")),
                                          check_exact=True)
            pd.testing.assert_frame_equal(usage_rates(users, pop), quick, check_exact=True)
    assert _usage_rates_arrays(pd.DataFrame({"band": ["65+", "65+"], "users": [1.0, 2.0]}), population) is None
