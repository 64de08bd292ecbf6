"""Synthetic local sources: every file loads with no errors or warnings, holds plausible values consistent
with the council's CQC snapshot, says it is synthetic and is deterministic for a seed."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from helpers.councils import councils
from helpers.demo import cqc
from helpers.demo.local import write_local
from helpers.load import action_plan, cost_returns, occupancy
from helpers.load.catalogue import LOCAL_SOURCES as SOURCES
from helpers.load.local_loader import council_file, load_local

CODES = ["E08000019", "E08000018"]  # Sheffield, Rotherham
SEED = 2026
AS_AT = pd.Timestamp("2026-11-01")


def active_of(code: str, seed: int) -> pd.DataFrame:
    """The council's rows of the CQC snapshot, drawn as helpers.demo.generate draws them."""
    table = councils()
    i = table.index[table["code"] == code][0]
    return cqc.snapshot(cqc.council_market(table.loc[i], seed, start_id=i * 10000), AS_AT)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, pd.DataFrame, list[Path]]]:
    out = tmp_path_factory.mktemp("local")
    result = {}
    for code in CODES:
        active = active_of(code, SEED)
        result[code] = (out, active, write_local(code, active, SEED, out))
    return result


@pytest.fixture(scope="module")
def loaded(written: dict) -> dict[str, dict[str, pd.DataFrame]]:
    """Each council's sources, loaded; asserts no warnings."""
    out = {}
    for code, (_, _, paths) in written.items():
        out[code] = {}
        for name, spec in SOURCES.items():
            path = next(p for p in paths if p.name == f"{code}_{name}.xlsx")
            table = load_local(spec, path)
            assert table.log.warnings == [], f"{path.name}: {table.log.warnings[:3]}"
            assert table.synthetic, f"{path.name} does not say SYNTHETIC"
            assert len(table.data) > 0
            out[code][name] = table.data
    return out


def test_one_file_per_source_each_the_one_the_loader_finds_for_the_council(written: dict) -> None:
    for code, (out, _, paths) in written.items():
        assert len(paths) == len(SOURCES)
        for name, spec in SOURCES.items():
            assert council_file(spec, out, code) == out / f"{code}_{name}.xlsx"


def test_readme_says_synthetic(written: dict) -> None:
    for _, _, paths in written.values():
        for path in paths:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("README").to_python()
            assert any("SYNTHETIC DEMO DATA" in str(c) for row in rows for c in row)


def test_no_example_rows(loaded: dict) -> None:
    for sources in loaded.values():
        for name, df in sources.items():
            spec = SOURCES[name]
            for f in (f for f in spec.fields if f.kind == "text"):
                assert not df[f.canonical].str.casefold().str.startswith("example").any(), (name, f.canonical)


def test_occupancy_consistent_with_cqc(loaded: dict, written: dict) -> None:
    for code, sources in loaded.items():
        df = sources["occupancy"]
        homes = written[code][1].query("kind == 'care_home'")
        assert set(df["location_id"]) == set(homes["location_id"])
        assert df["date"].nunique() == 12 and df["date"].max() == pd.Timestamp("2026-10-31")
        last = df[df["date"] == df["date"].max()]
        beds = last.groupby("location_id")["beds"].sum()
        assert beds.to_dict() == homes.set_index("location_id")["beds"].astype(int).to_dict()
        trend = occupancy.occupancy_by_period(df)
        latest = trend[trend["date"] == trend["date"].max()]
        overall = latest[latest["category"] == occupancy.ALL_CARE_HOMES].iloc[0]
        assert 73 <= overall["occupancy_pct"] <= 89
        assert 80 <= overall["occupancy_pct"] <= 87
        share = df["council_funded"].sum() / df["occupied"].sum()
        assert 0.5 <= share <= 0.6


def test_home_care_hours(loaded: dict) -> None:
    df = loaded["E08000019"]["home_care_activity"]
    assert df["week_ending"].nunique() == 26 and (df["week_ending"].dt.day_of_week == 6).all()
    assert df["week_ending"].max() == pd.Timestamp("2026-10-25")
    last = df[df["week_ending"] == df["week_ending"].max()]
    assert 30_000 <= last["commissioned_hours"].sum() <= 45_000
    ratio = last["delivered_hours"].sum() / last["commissioned_hours"].sum()
    assert 0.97 <= ratio <= 1.0
    weekly = df.groupby("week_ending")[["hours_awaiting", "commissioned_hours"]].sum()
    assert (weekly["hours_awaiting"] / weekly["commissioned_hours"] * 100).between(3, 8).all()
    assert "UNALLOCATED" in set(df["provider_id"])
    assert 2 <= df["zone"].nunique() <= 3
    calls = df.groupby("week_ending")[["calls_15", "calls_30", "calls_45", "calls_60_plus"]].sum().sum(axis=1)
    assert (calls > 0).all()


def test_fee_rates_ranges(loaded: dict) -> None:
    for sources in loaded.values():
        df = sources["fee_rates"]
        df = df[df["financial_year"] == "2026-27"]
        assert set(df["service"]) == {"care_homes", "home_care", "supported_living", "day_opportunities"}
        ranges = {"care_homes": (750, 1050), "home_care": (21, 24), "supported_living": (20, 23),
                  "day_opportunities": (40, 70)}
        for service, (lo, hi) in ranges.items():
            assert df.loc[df["service"] == service, "current_rate"].between(lo, hi).all(), service
        assert len(df[df["service"] == "care_homes"]) == 4


def test_fee_rates_have_the_national_categories_and_last_years_rows_after_this_years(loaded: dict) -> None:
    for sources in loaded.values():
        df = sources["fee_rates"]
        now, before = df[df["financial_year"] == "2026-27"], df[df["financial_year"] == "2025-26"]
        assert df["financial_year"].tolist() == ["2026-27"] * len(now) + ["2025-26"] * len(before)
        assert before[["service", "band", "fee_category"]].values.tolist() == \
            now[["service", "band", "fee_category"]].values.tolist()
        assert now["fee_category"].tolist() == ["65+ residential", "65+ residential", "65+ nursing", "65+ nursing",
                                                "Home care per contact hour", "Home care per contact hour", "", "", ""]
        increase = now["current_rate"].to_numpy() / before["current_rate"].to_numpy() - 1
        assert ((increase > 0.029) & (increase < 0.071)).all()


def test_local_provider_list_of_services_outside_cqc_and_the_registered_day_services(loaded: dict,
                                                                                    written: dict) -> None:
    sizes = {"E08000019": 30, "E08000018": 12}  # about one day service per 20,000 residents
    for code, sources in loaded.items():
        df = sources["local_providers"]
        outside = df[~df["cqc_registered"]]
        assert set(outside["service"]) == {"day_opportunities", "supported_living", "home_care"}
        day = outside[outside["service"] == "day_opportunities"]
        assert 0.7 * sizes[code] <= len(day) <= 1.3 * sizes[code]
        assert set(outside["funding"]) <= {"Council", "Self-funded", "Mixed", "Other"}
        assert 0 < outside["capacity"].isna().sum() < len(outside) * 0.3
        registered = df[df["cqc_registered"]]
        cqc_day = written[code][1].query("kind == 'day_service'")
        assert sorted(registered["scheme"]) == sorted(cqc_day["name"])
        assert df["as_at"].max() == pd.Timestamp("2026-10-31")


def test_cost_returns_totals_and_suppression(loaded: dict, written: dict) -> None:
    for code, sources in loaded.items():
        df = sources["cost_returns"]
        totals = df.groupby(["provider_id", "service", "category"])["value"].sum()
        homes = totals.xs("care_homes", level="service")
        assert homes.between(850, 1300).all()
        assert totals.xs("home_care", level="service").between(24, 30).all()
        returns = df.groupby("service")["provider_id"].nunique()
        assert (returns < 3).any()  # at least one service to suppress
        care_home_providers = written[code][1].query("kind == 'care_home'")["provider_id"].nunique()
        assert 0.4 <= returns["care_homes"] / care_home_providers <= 0.8
        for (provider, service, category), part in df.groupby(["provider_id", "service", "category"]):
            assert set(part["cost_line"]) == {line for lines in cost_returns.COST_LINES[service].values()
                                              for line in lines}


def test_intelligence_action_plan_kpis(loaded: dict, written: dict) -> None:
    for code, sources in loaded.items():
        intel = sources["provider_intelligence"]
        active = written[code][1]
        assert set(intel["location_id"]) == set(active.loc[active["kind"].isin(["care_home", "home_care"]),
                                                           "location_id"])
        assert 0 < intel["placement_embargo"].sum() < len(intel) * 0.2 or len(intel) < 30
        plan = sources["action_plan"]
        assert len(plan) >= 8 and set(plan["theme"]) == set(action_plan.THEMES)
        overdue = (plan["target_date"] < pd.Timestamp("2026-11-25")) & (plan["status"] != "Complete")
        assert overdue.sum() >= 1
        assert len(sources["kpis"]) >= 6


def _digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha1(pd.concat(
        [load_local(SOURCES[p.stem.split("_", 1)[1]], p).data]).to_csv().encode()).hexdigest() for p in paths}


def test_deterministic_for_seed(written: dict, tmp_path: Path) -> None:
    code = "E08000018"
    active = written[code][1]
    again = write_local(code, active, SEED, tmp_path / "a")
    assert _digest(again) == _digest(written[code][2])
    other = write_local(code, active, SEED + 1, tmp_path / "b")
    assert _digest(other) != _digest(again)
