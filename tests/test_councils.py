import csv
import importlib.util

import pytest

from conftest import REPO
from helpers import councils
from helpers.errors import UsageError


def test_reference_has_153_councils_with_real_codes_and_regions():
    table = councils.councils()
    assert len(table) == 153
    assert table["code"].is_unique
    assert set(table["type"]) == {"E06", "E08", "E09", "E10"}
    assert table["region_code"].str.match(r"^E1200000[1-9]$").all()
    sheffield = councils.council("E08000019")
    assert (sheffield["name"], sheffield["region_name"]) == ("Sheffield", "Yorkshire and The Humber")
    assert councils.council("E10000019")["region_name"] == "East Midlands"


def test_reference_is_what_the_build_script_makes_from_the_real_lookups(realdata, capsys):
    spec = importlib.util.spec_from_file_location("build", REPO / "scripts" / "build_council_reference.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    rows = build.build(realdata / "ons_la_codes")
    with (REPO / "src" / "helpers" / "reference" / "councils.csv").open(encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == rows


def test_every_current_upper_tier_code_in_the_real_ons_lookup_is_known(realdata):
    path = realdata / "ons_la_codes" / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_(December_2022)_Lookup_in_England_and_Wales.csv"
    with path.open(encoding="utf-8-sig") as f:
        utla = {r["UTLA22CD"] for r in csv.DictReader(f) if r["UTLA22CD"].startswith("E")}
    abolished = {"E10000006", "E10000023", "E10000027"}  # Cumbria, North Yorkshire, Somerset (April 2023)
    assert utla - abolished <= set(councils.councils()["code"])


@pytest.mark.parametrize("name, code", [
    ("Sheffield", "E08000019"), ("Bristol, City of", "E06000023"), ("Redcar & Cleveland", "E06000003"),
    ("Herefordshire, County of", "E06000019"), ("Kingston upon Hull, City of", "E06000010"),
    ("Durham", "E06000047"), ("Lincolnshire", "E10000019"), ("Telford & Wrekin", "E06000020"),
])
def test_code_for_name_handles_the_names_cqc_and_skills_for_care_use(name, code):
    assert councils.code_for_name(name) == code


def test_code_for_name_unknown_is_none_and_london_is_the_region_not_the_city():
    assert councils.code_for_name("Unspecified") is None
    assert councils.code_for_name("London") is None
    assert councils.code_for_name("City of London") == "E09000001"


def test_council_code_is_case_and_space_tolerant_and_unknown_is_a_usage_error():
    assert councils.council(" e08000019 ")["name"] == "Sheffield"
    with pytest.raises(UsageError, match=r"unknown council code 'E08000091'.*Did you mean E08000031"):
        councils.council("E08000091")
