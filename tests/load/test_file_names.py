"""File names: `caremarket validate` and `caremarket run` accept exactly the same names, one rule per source;
two files of one source with the same vintage are an error naming both, in both commands."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.errors import InputError
from helpers.load import catalogue, cqc_directory, validation
from helpers.load.file_names import FileNames, fold, name_date
from helpers.load.inputs import Inputs
from helpers.load.local_loader import council_file

COUNCIL = "E08000019"
DIRECTORY, RATINGS = "CQC care directory", "CQC ratings"
SKILLS, ASCOF, ASCFR = "Skills for Care", "ASCOF", "ASC-FR"
SNPP, MID_YEAR = "ONS subnational population projections", "ONS mid-year population estimates"
OCCUPANCY, HOME_CARE = "Care home occupancy", "Home care activity and unmet need"

# (source, file name, accepted?): CQC's own name, with spaces, other case, a browser's " (1)", each extension
NAMES = [
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations.ods", True),
    (DIRECTORY, "01 November 2026 HSCA Active Locations.ods", True),
    (DIRECTORY, "01_NOVEMBER_2026_hsca_active_locations.ODS", True),
    (DIRECTORY, "01 November 2026 HSCA Active Locations (1).ods", True),
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations (2).xlsx", True),
    (DIRECTORY, "01__November 2026_HSCA_Active Locations.csv", True),
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations.pdf", False),
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations.xls", False),
    (DIRECTORY, "~$01_November_2026_HSCA_Active_Locations.xlsx", False),
    (DIRECTORY, ".01_November_2026_HSCA_Active_Locations.xlsx", False),
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations (copy).ods", False),
    (DIRECTORY, "01_November_2026_HSCA_Active_Locations_notes.ods", False),
    (DIRECTORY, "01_November_2026_HSCA_Inactive_Locations.ods", False),
    (RATINGS, "01_November_2026_Latest_ratings.ods", True),
    (RATINGS, "01 November 2026 Latest Ratings.xlsx", True),
    (RATINGS, "01_november_2026_latest_ratings (1).csv", True),
    (RATINGS, "01_November_2026_Latest_ratings.pdf", False),
    (RATINGS, "Latest_ratings_guidance.ods", False),
    (SKILLS, "LA-data-download.xlsx", True),
    (SKILLS, "LA-data-download-Oct-2021.xlsx", True),
    (SKILLS, "la data download (1).xls", True),
    (SKILLS, "LA-data-download.csv", False),
    (SKILLS, "Copy of LA-data-download.xlsx", False),
    (ASCOF, "ascof_2024_25.ods", True),
    (ASCOF, "ASCOF 2024 25 (1).xlsx", True),
    (ASCOF, "ascof_2024_25.csv", False),
    (ASCFR, "ASC-FR Data File (descriptions) v2_2025.csv", True),
    (ASCFR, "asc-fr_data_file_(descriptions)_v2_2025 (1).csv", True),
    (ASCFR, "CSV ASCFR Activity (2016-17).csv", True),
    (ASCFR, "pss-exp-eng-15-16-fin-act.csv", True),
    (ASCFR, "ASC-FR Data File (descriptions) v2_2025.xlsx", False),
    (SNPP, "2022 SNPP Population persons.csv", True),
    (SNPP, "2022_SNPP_Population_persons (1).csv", True),
    (SNPP, "2022 SNPP Population males.csv", False),
    (SNPP, "2022 SNPP Population persons.xlsx", False),
    (MID_YEAR, "ons_population_2024.csv", True),
    (MID_YEAR, "ONS Population 2024 (1).csv", True),
    (MID_YEAR, "ons_mid_year_population_2024.csv", True),
    (MID_YEAR, "ons_population_2024.xlsx", False),
    (MID_YEAR, "ukpopestimatesmid2024on2021geography.xls", True),  # ONS's own workbook (helpers.load.ons_mid_year)
    (MID_YEAR, "mye24tablesew.xlsx", True),
    (MID_YEAR, "MYE24TablesEW (1).xlsx", True),
    (MID_YEAR, "ukmidyearestimates20192020ladcodes.xls", True),
    (MID_YEAR, "ukpopestimatesmid2024on2021geography.pdf", False),
    (MID_YEAR, "MYEB1_detailed_population_estimates_series_UK_(2021_geog21).xlsx", False),  # a long layout
    (OCCUPANCY, f"{COUNCIL}_occupancy.xlsx", True),
    (OCCUPANCY, f"{COUNCIL} Occupancy.ods", True),
    (OCCUPANCY, f"{COUNCIL.lower()}_OCCUPANCY (1).csv", True),
    (OCCUPANCY, f"{COUNCIL}_occupancy.xlsm", True),
    (OCCUPANCY, f"{COUNCIL}_occupancy.pdf", False),
    (OCCUPANCY, f"~${COUNCIL}_occupancy.xlsx", False),
    (HOME_CARE, f"{COUNCIL} home care activity.xlsx", True),
    (HOME_CARE, f"{COUNCIL}_Home_Care_Activity (1).xlsx", True),
    (HOME_CARE, f"{COUNCIL}_home-care-activity.xlsx", False),
]


def validate_sources(data_dir: Path, path: Path) -> set[str]:
    """The sources `caremarket validate` reports this file under (loading it; a broken file is still reported)."""
    return {r.source for r in validation.validate(data_dir) if r.file == path}


def run_sources(data_dir: Path, path: Path) -> set[str]:
    """The sources whose files `caremarket run` would read this file as, through every finder it uses."""
    inputs = Inputs(data_dir, COUNCIL)
    found = {s.name for s in catalogue.NATIONAL if path in inputs.files(s.name)}
    if path in cqc_directory.find_files(data_dir):  # the run's list of councils (--all)
        found.add(DIRECTORY)
    found |= {spec.title for spec in catalogue.LOCAL_SOURCES.values() if council_file(spec, data_dir, COUNCIL) == path}
    return found


@pytest.mark.parametrize("source, name, accepted", NAMES, ids=[n for _, n, _ in NAMES])
def test_validate_and_run_accept_exactly_the_same_names(tmp_path, source, name, accepted):
    path = tmp_path / "data" / name
    path.parent.mkdir()
    path.write_bytes(b"not a real file: only its name is on trial")
    expected = {source} if accepted else set()
    assert validate_sources(tmp_path / "data", path) == expected
    assert run_sources(tmp_path / "data", path) == expected
    assert catalogue.source(source).file_names.accepts(name) is accepted


def test_no_name_fits_two_rules():
    real_names = ["cqc_lincolnshire_prefiltered.csv", "metric_data.csv", "README.txt",
                  "Local_Authority_District_to_County_(April_2021)_Lookup_in_England.csv",
                  "brighton_hove_annexB_carehome_table_EXCERPT.csv", "SNPP Z1 Population_read me.txt",
                  "2022_SNPP_Population_persons_EXTRACT_CountyDurham_Darlington.csv",
                  "CSV ASCFR Additional (2016-17).csv", "CSV ASCFR Totals (2016-17).csv",
                  "ASC-FR Data File (descriptions) v2_2025_SYNTHETIC.csv", "2022 SNPP Population persons_SYNTHETIC.csv",
                  "ons_mid_year_population_2024_SYNTHETIC.csv", "ascof_2024_25.xlsx"]
    templates = [f"template_{name}.xlsx" for name in catalogue.LOCAL_SOURCES]
    for name in [n for _, n, _ in NAMES] + real_names + templates + [s.file_names.example for s in catalogue.SOURCES]:
        fits = [s.name for s in catalogue.SOURCES if s.file_names.accepts(name)]
        assert len(fits) <= 1, (name, fits)


def test_each_demo_file_is_recognised_as_the_source_it_was_written_for(demo_dir):
    for path in (p for p in demo_dir.rglob("*") if p.is_file() and p.name != "README.md"
                 and not p.parent.name.endswith("_statement")):  # the council's own text, not a data source
        source = catalogue.identify(path)
        assert source is not None, path.name
        if source.local is not None:
            assert path.name.endswith(f"_{source.local.name}.xlsx")


def copy_as(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def test_a_directory_downloaded_twice_is_refused_by_run_and_validate_naming_both(demo_dir, tmp_path, capsys):
    data = tmp_path / "data"
    original = demo_dir / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx"
    first = copy_as(original, data / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx")
    second = copy_as(original, data / "downloads" / "01 November 2026 HSCA Active Locations (1).xlsx")
    for find in (lambda: Inputs(data, COUNCIL).snapshots, lambda: cqc_directory.find_files(data)):
        with pytest.raises(InputError) as err:
            find()
        assert f"'{first}'" in str(err.value) and f"'{second}'" in str(err.value)
        assert "share the vintage '01 November 2026'" in str(err.value)
    reports = validation.validate(data)
    assert [(r.file, bool(r.error)) for r in reports] == [(first, True), (second, True)]
    assert all(f"'{first}'" in r.error and f"'{second}'" in r.error for r in reports)
    assert main(["validate", "--data", str(data)]) == 1
    assert "2 file(s) checked: 2 with errors" in capsys.readouterr().out


def test_the_same_directory_as_ods_and_xlsx_is_one_vintage_twice(tmp_path):
    data = tmp_path / "data"
    for name in ["01_November_2026_HSCA_Active_Locations.ods", "01_November_2026_HSCA_Active_Locations.xlsx",
                 "01_November_2025_HSCA_Active_Locations.xlsx"]:
        copy_as(Path(__file__), data / name)  # contents never read: the names clash
    with pytest.raises(InputError, match="2 CQC care directory files share the vintage '01 November 2026'"):
        Inputs(data, COUNCIL).files(DIRECTORY)
    assert [bool(r.error and "share the vintage" in r.error) for r in validation.validate(data)] == [
        False, True, True]


def test_two_directories_as_at_the_same_date_under_different_names_are_refused_by_both(demo_dir, tmp_path):
    data = tmp_path / "data"
    original = demo_dir / "cqc" / "01_November_2026_HSCA_Active_Locations.xlsx"
    first = copy_as(original, data / "01_November_2026_HSCA_Active_Locations.xlsx")
    second = copy_as(original, data / "Sheffield_HSCA_Active_Locations.xlsx")  # no date in the name: its README's
    with pytest.raises(InputError, match="share the vintage '01 November 2026'"):
        Inputs(data, COUNCIL).snapshots
    reports = validation.validate(data)
    assert {r.file for r in reports} == {first, second}
    assert all("share the vintage '01 November 2026'" in r.error for r in reports)


def test_a_local_file_saved_twice_is_refused_by_run_and_validate(demo_dir, tmp_path):
    data = tmp_path / "data"
    original = demo_dir / "local" / f"{COUNCIL}_fee_rates.xlsx"
    first = copy_as(original, data / f"{COUNCIL}_fee_rates.xlsx")
    second = copy_as(original, data / f"{COUNCIL} Fee Rates (1).xlsx")
    copy_as(demo_dir / "local" / "E08000018_fee_rates.xlsx", data / "E08000018_fee_rates.xlsx")
    with pytest.raises(InputError, match="share the vintage") as err:
        Inputs(data, COUNCIL).local("fee_rates")
    assert f"'{first}'" in str(err.value) and f"'{second}'" in str(err.value)
    assert Inputs(data, "E08000018").local("fee_rates").file.name == "E08000018_fee_rates.xlsx"
    errors = {r.file.name: r.error for r in validation.validate(data)}
    assert errors["E08000018_fee_rates.xlsx"] == ""
    assert "share the vintage" in errors[first.name] and "share the vintage" in errors[second.name]


# --- the rule's parts ----------------------------------------------------------------------------

@pytest.mark.parametrize("stem, folded", [
    ("01_November_2026_HSCA_Active_Locations", "01 november 2026 hsca active locations"),
    ("01 November  2026__HSCA Active_Locations (1)", "01 november 2026 hsca active locations"),
    ("CSV ASCFR Activity (2016-17)", "csv ascfr activity (2016-17)"),
    ("report (12)", "report"),
])
def test_fold(stem, folded):
    assert fold(stem) == folded


def test_name_date_reads_dd_month_yyyy_with_spaces_or_underscores():
    assert name_date("01_November_2026_HSCA_Active_Locations.ods").date().isoformat() == "2026-11-01"
    assert name_date("1 november 2026 Latest ratings (1).csv").date().isoformat() == "2026-11-01"
    assert name_date("31_Smarch_2026_Latest_ratings.ods") is None and name_date("ascof_2024_25.ods") is None


def test_a_rule_must_accept_its_own_example():
    with pytest.raises(ValueError, match="its own example"):
        FileNames((r".*latest ratings",), (".ods",), "01_November_2026_Latest_ratings.csv")


def test_the_vintage_is_the_date_of_a_dated_name_else_the_folded_name():
    directory = catalogue.source(DIRECTORY).file_names
    assert directory.vintage("01_November_2026_HSCA_Active_Locations.ods") == "01 November 2026"
    assert directory.vintage("1 november 2026 hsca active locations (1).xlsx") == "01 November 2026"
    ascfr = catalogue.source(ASCFR).file_names
    assert ascfr.vintage("CSV ASCFR Activity (2016-17).csv") != ascfr.vintage("CSV ASCFR Totals (2016-17).csv")


def test_the_files_a_rule_accepts_follow_the_folder_as_it_changes(tmp_path):
    from helpers.load import cqc_ratings
    from helpers.load.file_names import accepted
    rule = cqc_ratings.FILE_NAMES
    (tmp_path / "01_November_2025_Latest_ratings.xlsx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"x")
    first = accepted(rule, tmp_path)
    assert [p.name for p in first] == ["01_November_2025_Latest_ratings.xlsx"]
    first.clear()  # a caller's list is its own
    assert accepted(rule, tmp_path) == [tmp_path / "01_November_2025_Latest_ratings.xlsx"]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "01_November_2026_Latest_ratings.xlsx").write_bytes(b"x")
    assert [p.name for p in accepted(rule, tmp_path)] == ["01_November_2025_Latest_ratings.xlsx",
                                                           "01_November_2026_Latest_ratings.xlsx"]


def test_find_raises_on_every_call_while_two_files_share_a_vintage_and_follows_the_folder(tmp_path):
    from helpers.load import cqc_ratings
    from helpers.load.file_names import find
    rule = cqc_ratings.FILE_NAMES
    (tmp_path / "01_November_2025_Latest_ratings.xlsx").write_bytes(b"x")
    first = find(rule, tmp_path, "CQC ratings")
    first.clear()  # a caller's list is its own
    assert find(rule, tmp_path, "CQC ratings") == [tmp_path / "01_November_2025_Latest_ratings.xlsx"]
    (tmp_path / "01 November 2025 Latest ratings (1).xlsx").write_bytes(b"x")
    for _ in range(2):
        with pytest.raises(InputError, match="share the vintage '01 November 2025'"):
            find(rule, tmp_path, "CQC ratings")
    (tmp_path / "01 November 2025 Latest ratings (1).xlsx").unlink()
    assert find(rule, tmp_path, "CQC ratings") == [tmp_path / "01_November_2025_Latest_ratings.xlsx"]


def test_a_ratings_csv_under_any_name_is_found_while_it_is_there(tmp_path):
    source = catalogue.source("CQC ratings")
    header = ",".join(source.signature)
    (tmp_path / "extract.csv").write_text(header + "\n")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    assert catalogue.files(source, tmp_path) == [tmp_path / "extract.csv"]
    assert catalogue.files(source, tmp_path) == [tmp_path / "extract.csv"]
    (tmp_path / "other.csv").write_text(header + "\n")  # the same folder listing, a file's contents changed
    assert catalogue.files(source, tmp_path) == [tmp_path / "extract.csv", tmp_path / "other.csv"]
    (tmp_path / "extract.csv").unlink()
    assert catalogue.files(source, tmp_path) == [tmp_path / "other.csv"]
