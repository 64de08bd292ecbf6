"""Issue 18: a projection file with districts only (as ONS publishes the 2022-based SNPP) gives the
same county figures as one with county rows."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import demo
from helpers.assess.assessment import assess
from helpers.load import ons_population as op

COUNTIES = ["E10000008", "E10000019"]  # Devon, Lincolnshire
SEED = 2026


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, districts_only in (("counties", False), ("districts", True)):
        folder = tmp_path_factory.mktemp(name)
        demo.generate(folder, COUNTIES, seed=SEED, districts_only=districts_only)
        out[name] = folder
    return out


def snpp_file(folder: Path) -> Path:
    return folder / "ons" / demo.population.SNPP_FILE


def test_districts_only_file_has_the_counties_districts_and_no_county_region_or_england(datasets) -> None:
    codes = set(pd.read_csv(snpp_file(datasets["districts"]), usecols=["AREA_CODE"])["AREA_CODE"])
    lookup = op.district_to_council()
    assert codes == set(lookup.loc[lookup["council_code"].isin(COUNTIES), "district_code"])
    with_counties = set(pd.read_csv(snpp_file(datasets["counties"]), usecols=["AREA_CODE"])["AREA_CODE"])
    assert set(COUNTIES) | {"E92000001"} <= with_counties


def test_districts_add_up_exactly_to_the_county_rows(datasets) -> None:
    counties = op.load_snpp(snpp_file(datasets["counties"])).data
    districts = op.load_snpp(snpp_file(datasets["districts"]))
    keys = ["area_code", "sex", "age_group", "year"]
    for code in COUNTIES:
        a = counties[counties["area_code"] == code].set_index(keys)["population"].sort_index()
        b = districts.data[districts.data["area_code"] == code].set_index(keys)["population"].sort_index()
        pd.testing.assert_series_equal(a, b, check_exact=False, rtol=0, atol=1e-6)
    assert any("upper-tier councils (Devon, Lincolnshire) summed from their districts" in w.message
               for w in districts.log.warnings)


@pytest.mark.parametrize("code", COUNTIES)
@pytest.mark.parametrize("service", ["care_homes", "home_care"])
def test_county_demand_and_rates_are_the_same_with_districts_only(datasets, service: str, code: str) -> None:
    with_counties = assess(service, datasets["counties"], code).key_figures
    from_districts = assess(service, datasets["districts"], code).key_figures
    assert with_counties == from_districts
    assert {"demand_10y", "population_change_10y_pct", "clients_per_1000_adults"} <= set(with_counties)
    assert with_counties["demand_10y"] > 0
