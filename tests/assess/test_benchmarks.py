"""benchmarks: comparator groups, pooled rates (never a mean of rates) and population by age band."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.assess import benchmarks
from helpers.errors import InputError
from helpers.load import ons_population

REPO = Path(__file__).resolve().parents[2]
SHEFFIELD = "E08000019"


@pytest.fixture
def pdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "params"
    shutil.copytree(REPO / "params", target)
    monkeypatch.setenv("CAREMARKET_PARAMS", str(target))
    return target


def test_comparator_group_from_the_params_list(monkeypatch):
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    assert benchmarks.comparator_group(SHEFFIELD) == ["E08000035", "E08000032", "E08000034", "E08000036",
                                                      "E06000018", "E06000015"]


def test_comparator_group_default_rule_same_type_nearest_in_size(pdir):
    (pdir / "comparators.yml").write_text("default_size: 2\ngroups:\n  E08000018: [e08000016]\n")
    # Sheffield 589,214 (mid-2020): Manchester 555,741 (33,473 away), Bradford 542,128 (47,086 away)
    assert benchmarks.comparator_group(SHEFFIELD) == ["E08000003", "E08000032"]
    # North East Lincolnshire 159,364: West Berkshire (899 away), Reading (973 away), Windsor (8,091 away) — unitaries
    (pdir / "comparators.yml").write_text("default_size: 3\n")
    assert benchmarks.comparator_group("E06000012") == ["E06000037", "E06000038", "E06000040"]


def test_comparator_group_listed_codes_are_normalised(pdir):
    (pdir / "comparators.yml").write_text("default_size: 2\ngroups:\n  E08000018: [e08000016, ' E08000017']\n")
    assert benchmarks.comparator_group("E08000018") == ["E08000016", "E08000017"]


@pytest.mark.parametrize("text", ["groups: {}\n", "default_size: 0\n", "default_size: two\n"])
def test_comparator_group_bad_default_size_names_the_params_file(pdir, text):
    (pdir / "comparators.yml").write_text(text)
    with pytest.raises(InputError, match="default_size") as err:
        benchmarks.comparator_group(SHEFFIELD)
    assert err.value.file == pdir / "comparators.yml"


def _per_council(**override) -> pd.DataFrame:
    rows = {SHEFFIELD: (100, 1000),     # Yorkshire and The Humber
            "E08000018": (50, 1000),    # Rotherham, same region, not a comparator
            "E08000035": (300, 2000),   # Leeds, same region, comparator
            "E06000018": (20, 100),     # Nottingham, East Midlands, comparator
            "E08000025": (30, 900)}     # Birmingham, West Midlands
    rows.update(override)
    return pd.DataFrame([{"la_code": k, "numerator": n, "denominator": d} for k, (n, d) in rows.items()])


COMPARATORS = ["E08000035", "E08000032", "E06000018"]


def test_benchmark_pools_numerators_and_denominators():
    out = benchmarks.benchmark(_per_council(), SHEFFIELD, COMPARATORS, scale=1000)
    assert out["area"].tolist() == ["Sheffield", "Comparator group", "Yorkshire and The Humber region", "England"]
    values = dict(zip(out["area"], out["value"]))
    assert values["Sheffield"] == pytest.approx(100.0)
    assert values["Comparator group"] == pytest.approx(320 / 2100 * 1000)  # a mean of rates would be 175
    assert values["Yorkshire and The Humber region"] == pytest.approx(450 / 4000 * 1000)  # mean of rates: 100
    assert values["England"] == pytest.approx(500 / 5000 * 1000)  # mean of rates: 106.7
    assert out["councils"].tolist() == [1, 2, 3, 5]


def test_benchmark_zero_denominator_is_none_not_infinite():
    out = benchmarks.benchmark(_per_council(**{SHEFFIELD: (5, 0)}), SHEFFIELD, COMPARATORS)
    assert pd.isna(out["value"].iloc[0]) and out["councils"].iloc[0] == 1
    assert out["value"].iloc[2] == pytest.approx(355 / 3000)  # region still pools the others


def test_benchmark_area_with_no_councils_in_the_data():
    out = benchmarks.benchmark(_per_council(), SHEFFIELD, ["E08000032"])
    assert pd.isna(out["value"].iloc[1]) and out["councils"].iloc[1] == 0
    alone = benchmarks.benchmark(_per_council().iloc[[4]], SHEFFIELD, COMPARATORS)
    assert pd.isna(alone["value"].iloc[0]) and alone["councils"].tolist() == [0, 0, 0, 1]
    assert alone["value"].iloc[3] == pytest.approx(30 / 900)


def test_missing_comparators_are_named():
    assert benchmarks.missing_comparators(_per_council(), ["E08000035", "E08000032", "E06000015"]) == [
        "Bradford", "Derby"]


def _snpp() -> pd.DataFrame:
    """A tiny frame shaped like ons_population.load_snpp's output."""
    ages = ["17", "18", "64", "65", "74", "75", "89", "90+", "All ages"]
    age = pd.array([17, 18, 64, 65, 74, 75, 89, 90, None], dtype="Int64")
    pops = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 99_999_999]
    parts = []
    for code, sex, year, factor in [(SHEFFIELD, "persons", 2025, 1), (SHEFFIELD, "male", 2025, 7),
                                    (SHEFFIELD, "persons", 2030, 3), ("E08000018", "persons", 2025, 2),
                                    ("E12000003", "persons", 2025, 5)]:  # a region: not a council
        parts.append(pd.DataFrame({"area_code": code, "area_name": "x", "sex": sex, "age_group": ages, "age": age,
                                   "year": year, "population": [float(p * factor) for p in pops]}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("band, expected", [
    ("18-64", 10 + 100),                                             # excludes 17 and 65
    ("65+", 1_000 + 10_000 + 100_000 + 1_000_000 + 10_000_000),
    ("75+", 100_000 + 1_000_000 + 10_000_000),                       # includes the open top group 90+
    ("85+", 1_000_000 + 10_000_000),
    ("18+", 11_111_110)])                                            # never the "All ages" row
def test_population_by_council_takes_exactly_the_ages_of_the_band(band, expected):
    out = benchmarks.population_by_council(_snpp(), 2025, band)
    assert out.columns.tolist() == ["la_code", "population"]
    assert out["la_code"].tolist() == ["E08000018", SHEFFIELD]  # persons only, councils only, this year only
    assert out.set_index("la_code")["population"].to_dict() == {SHEFFIELD: expected, "E08000018": 2 * expected}


def test_population_by_council_other_year():
    out = benchmarks.population_by_council(_snpp(), 2030, "75+")
    assert out.to_dict("records") == [{"la_code": SHEFFIELD, "population": 3 * 11_100_000}]


def test_population_by_council_matches_the_demo_projections(demo_dir):
    path = next((demo_dir / "ons").glob("*SNPP*"))
    snpp = ons_population.load_snpp(path).data
    assert {"area_code", "sex", "year", "age", "age_group", "population"} <= set(snpp.columns)
    year = int(snpp["year"].min())
    mine = snpp[(snpp["area_code"] == SHEFFIELD) & (snpp["year"] == year) & (snpp["sex"] == "persons")]
    labels = mine.set_index("age_group")["population"]
    expected = labels[[str(a) for a in range(75, 90)] + ["90+"]].sum()
    got = benchmarks.population_by_council(snpp, year, "75+").set_index("la_code")["population"]
    assert got[SHEFFIELD] == pytest.approx(expected)
    assert got[SHEFFIELD] < labels["All ages"]


def test_care_home_beds_per_1000_use_the_75_plus_population(monkeypatch):
    from helpers import services
    from helpers.assess import sufficiency
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    band = services.service("care_homes").population_band
    pop = benchmarks.population_by_council(_snpp(), 2025, band).set_index("la_code")["population"]
    # 75+ = 11,100,000; 65+ would be 11,111,000 and all adults 11,111,110
    assert sufficiency.per_thousand(111_000, pop[SHEFFIELD]) == pytest.approx(10.0)
    home_band = services.service("home_care").population_band
    pop65 = benchmarks.population_by_council(_snpp(), 2025, home_band).set_index("la_code")["population"]
    assert sufficiency.per_thousand(111_110, pop65[SHEFFIELD]) == pytest.approx(10.0)
