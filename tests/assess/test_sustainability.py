"""Sustainability rules, verdict and risk table on hand-made figures; params validation; the section on the demo data.

The boundaries are those of the repository's params/sustainability.yml (the documented thresholds): for each rule
a value just inside, at and just past each threshold. A value equal to a threshold takes the worse level, and
values are compared as published (1 decimal place for percentages, whole numbers for the HHI).
"""
from __future__ import annotations

import copy
import re
from datetime import date

import pandas as pd
import pytest
import yaml

from helpers import params as params_module
from helpers.assess import sustainability as st
from helpers.assess.sustainability import AT_RISK, NO_ACTION, NOT_ASSESSED, NOT_SUSTAINABLE, SUSTAINABLE
from helpers.errors import InputError

S, R, N = SUSTAINABLE, AT_RISK, NOT_SUSTAINABLE


@pytest.fixture(scope="module")
def raw() -> dict:
    path = params_module.REPO_PARAMS / "sustainability.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def p(raw) -> st.Params:
    return st.load_params(raw)


def one(p: st.Params, key: str, value: float, base_year: int | None = 2026) -> st.Checked:
    checked = st.evaluate({key: value}, p, base_year)
    assert len(checked) == 1
    return checked[0]


# --------------------------------------------------------------------------------------------- each rule's boundaries

BOUNDARIES = {
    # rule: [(value, level)], walking from the sustainable range across each threshold
    "occupancy": [(85.1, S), (85.0, R), (80.1, R), (80.0, N), (79.9, N),
                  (94.9, S), (95.0, R), (97.9, R), (98.0, N), (98.1, N)],
    "vacancy": [(3.1, S), (3.0, R), (1.1, R), (1.0, N), (0.9, N)],
    "fee_gap": [(4.9, S), (5.0, R), (19.9, R), (20.0, N), (20.1, N), (-12.0, S)],
    "financial_risk": [(19.9, S), (20.0, R), (34.9, R), (35.0, N), (35.1, N)],
    "staff_turnover": [(29.9, S), (30.0, R), (39.9, R), (40.0, N), (40.1, N)],
    "staff_vacancy": [(9.9, S), (10.0, R), (14.9, R), (15.0, N), (15.1, N)],
    "quality": [(75.1, S), (75.0, R), (60.1, R), (60.0, N), (59.9, N)],
    "concentration": [(1999, S), (2000, R), (4999, R), (5000, N), (5001, N)],
    "closures": [(4.9, S), (5.0, R), (9.9, R), (10.0, N), (10.1, N)],
    "demand_3y": [(-1.9, S), (0.0, S), (-2.0, R), (-9.9, R), (-10.0, N), (-10.1, N)],
    "demand_5y": [(-1.9, S), (-2.0, R), (-14.9, R), (-15.0, N), (-15.1, N)],
}


def test_every_rule_has_its_boundaries_tested():
    assert set(BOUNDARIES) == set(st.RULE)


@pytest.mark.parametrize("key,value,level", [(k, v, lv) for k, cases in BOUNDARIES.items() for v, lv in cases])
def test_rule_levels_at_and_around_each_threshold(p, key, value, level):
    assert one(p, key, value).level == level


def test_values_are_compared_as_published(p):
    assert one(p, "occupancy", 85.04).level == R and one(p, "occupancy", 85.04).value_text == "85.0%"
    assert one(p, "occupancy", 85.06).level == S and one(p, "occupancy", 85.06).value_text == "85.1%"
    assert one(p, "concentration", 1999.5).level == R  # an HHI of 2,000 as published
    assert one(p, "demand_3y", -0.04).value == 0.0 and one(p, "demand_3y", -0.04).value_text == "0.0%"  # no −0


def test_a_two_sided_rule_names_the_side_that_set_its_level(p):
    low, high, middle = one(p, "occupancy", 82.0), one(p, "occupancy", 96.0), one(p, "occupancy", 90.0)
    assert low.side.direction == st.BELOW and "cover their costs" in low.side.risk
    assert high.side.direction == st.ABOVE and "wait for a place" in high.side.risk
    assert middle.side is None
    assert low.at_risk == "85% or less, or 95% or more" and low.not_sustainable == "80% or less, or 98% or more"
    assert middle.reason == "Outside the at-risk range (85% or less, or 95% or more)."
    assert low.reason.startswith("85% or less is at risk: homes with many empty beds")
    assert high.reason.startswith("95% or more is at risk: homes are nearly full")
    assert one(p, "occupancy", 97.0).at_risk == "85% or less, or 95% or more"
    assert one(p, "occupancy", 99.0).reason.startswith("98% or more is not sustainable: homes are nearly full")


def test_texts_in_the_house_style(p):
    hhi = one(p, "concentration", 2345.4)
    assert (hhi.value_text, hhi.at_risk, hhi.not_sustainable) == ("2,345", "2,000 or more", "5,000 or more")
    demand = one(p, "demand_3y", -4.25)
    assert demand.value_text == "−4.2%" or demand.value_text == "−4.3%"  # rounding of a float; the sign is U+2212
    # thresholds of a signed figure in words: a text cell never starts with a minus sign (a spreadsheet reads it
    # as a number)
    assert (demand.at_risk, demand.not_sustainable) == ("A shortfall of 2% or more", "A shortfall of 10% or more")
    assert demand.reason.startswith("A shortfall of 2% or more is at risk: demand may outgrow today's capacity")
    assert demand.label.endswith("in 2029 (% of demand)")
    assert demand.phrase.startswith("a projected shortfall of 4.") and demand.phrase.endswith("of demand by 2029")
    assert one(p, "demand_5y", 3.0, base_year=2026).label == \
        "Usable capacity less projected demand in 2031 (% of demand)"
    assert one(p, "demand_5y", 3.0).value_text == "+3.0%"
    assert one(p, "demand_3y", 1.0, base_year=None).label.endswith("in 3 years from now (% of demand)")
    assert one(p, "staff_turnover", 25.2).reason == "Outside the at-risk range (30% or more)."
    assert one(p, "quality", 80.0).reason == "Outside the at-risk range (75% or less)."
    assert one(p, "quality", 70.0).reason == "75% or less is at risk: more people may receive care that CQC rates below Good."
    assert one(p, "demand_3y", 1.0).reason == "Outside the at-risk range (a shortfall of 2% or more)."
    assert one(p, "demand_3y", 1.0).phrase == "a projected surplus of 1.0% of demand by 2029"
    for c in st.evaluate({k: -50.0 for k in st.RULE}, p, 2026):
        assert not any(text.startswith(("−", "-")) for text in (c.at_risk, c.not_sustainable, c.reason, c.label))
    assert one(p, "fee_gap", 13.27).phrase == "a main fee 13.3% below the median cost of care"


# --------------------------------------------------------------------------------------------- indicators

def test_indicators_from_key_figures():
    figures = {"occupancy_pct": 83.9, "vacancy_pct": 16.0, "cost": {"gap_pct": 13.27, "suppressed": False},
               "workforce_turnover_rate_pct": 25.16, "workforce_vacancy_rate_pct": None,
               "pct_good_or_outstanding": 78.9, "group_hhi": 585.0, "providers_hhi": 999.0,
               "locations": 106, "entries_latest_year": 7, "exits_latest_year": 1,
               "demand_3y": 3577.0, "surplus_3y": 241.0, "demand_5y": 4000.0, "surplus_5y": -100.0}
    got = st.indicators_from(figures, 22.6)
    assert got["occupancy"] == 83.9 and got["vacancy"] == 16.0 and got["fee_gap"] == 13.27
    assert got["financial_risk"] == 22.6 and got["staff_turnover"] == 25.16 and got["staff_vacancy"] is None
    assert got["quality"] == 78.9 and got["concentration"] == 585.0  # provider groups, not single providers
    assert got["closures"] == pytest.approx(1 / (106 - 7 + 1) * 100)  # 1 of the 100 locations a year before
    assert got["demand_3y"] == pytest.approx(241 / 3577 * 100) and got["demand_5y"] == pytest.approx(-2.5)


def test_missing_or_suppressed_figures_skip_their_rules(p):
    got = st.indicators_from({"cost": {"gap_pct": None, "suppressed": True}, "pct_good_or_outstanding": float("nan"),
                              "locations": 5, "entries_latest_year": 5, "exits_latest_year": 0})
    assert got["fee_gap"] is None and got["quality"] is None
    assert got["closures"] is None  # no location a year before: no share
    assert got["demand_3y"] is None and got["occupancy"] is None
    assert st.indicators_from({"cost": {"gap_pct": 30.0, "suppressed": True}})["fee_gap"] is None
    assert st.evaluate(got, p) == []
    assert [c.rule.key for c in st.evaluate({"quality": 70.0, "occupancy": None}, p)] == ["quality"]


# --------------------------------------------------------------------------------------------- verdict

def checked(p: st.Params, **values: float) -> list[st.Checked]:
    return st.evaluate(values, p, 2026)


def test_verdict_sustainable_needs_enough_rules(p):
    three = checked(p, quality=90.0, staff_turnover=20.0, closures=0.0)
    v = st.judge(three, p)
    assert (v.verdict, v.reasons, v.rules_checked, v.at_risk_rules, v.not_sustainable_rules) == (S, [], 3, 0, 0)
    two = st.judge(checked(p, quality=90.0, staff_turnover=20.0), p)
    assert two.verdict == NOT_ASSESSED and two.reasons == ["only 2 rules could be checked, and a verdict needs 3"]
    assert st.judge(checked(p, quality=70.0), p).verdict == R  # a risk counts however few rules were checked
    assert st.judge([], p).verdict == NOT_ASSESSED


def test_verdict_at_risk_and_not_sustainable(p):
    at_risk = st.judge(checked(p, quality=70.0, staff_turnover=35.0, closures=0.0), p)
    assert (at_risk.verdict, at_risk.at_risk_rules, at_risk.not_sustainable_rules) == (R, 2, 0)
    assert at_risk.reasons == ["staff turnover of 35.0% (at risk)",
                               "only 70.0% of rated locations rated Good or Outstanding (at risk)"]
    three = st.judge(checked(p, quality=70.0, staff_turnover=35.0, closures=6.0), p)
    assert (three.verdict, three.indicators_at_risk) == (N, 3)  # 3 indicators at risk together
    one_bad = st.judge(checked(p, quality=90.0, staff_turnover=45.0, closures=0.0), p)
    assert (one_bad.verdict, one_bad.at_risk_rules, one_bad.not_sustainable_rules) == (N, 0, 1)
    assert one_bad.reasons == ["staff turnover of 45.0% (not sustainable)"]


def test_demand_at_3_and_at_5_years_is_one_indicator(p):
    v = st.judge(checked(p, demand_3y=-3.0, demand_5y=-5.0, staff_turnover=35.0), p)
    assert (v.verdict, v.at_risk_rules, v.indicators_at_risk) == (R, 3, 2)
    worse = st.judge(checked(p, demand_3y=-3.0, demand_5y=-5.0, staff_turnover=35.0, quality=70.0), p)
    assert (worse.verdict, worse.indicators_at_risk) == (N, 3)


def test_reasons_list_not_sustainable_first(p):
    v = st.judge(checked(p, quality=70.0, staff_turnover=45.0, occupancy=84.0), p)
    assert v.reasons == ["staff turnover of 45.0% (not sustainable)", "occupancy of 84.0% (at risk)",
                         "only 70.0% of rated locations rated Good or Outstanding (at risk)"]


def test_key_figures_have_exactly_the_published_keys(p):
    v = st.judge(checked(p, quality=70.0, staff_turnover=45.0, closures=0.0), p)
    assert st.key_figures(v) == {"verdict": N, "reasons": v.reasons, "at_risk_rules": 1, "not_sustainable_rules": 1}


def test_messages_are_one_or_two_short_sentences(p):
    cases = [checked(p, quality=90.0, staff_turnover=20.0, closures=0.0),
             checked(p, quality=70.0, staff_turnover=20.0, closures=0.0),
             checked(p, quality=70.0, staff_turnover=35.0, closures=6.0, occupancy=84.0, fee_gap=13.0,
                     financial_risk=25.0, demand_3y=-3.0, concentration=2500.0),
             checked(p, quality=50.0, staff_turnover=45.0, closures=0.0),
             checked(p, quality=90.0)]
    for case in cases:
        v = st.judge(case, p)
        out = st.messages("Day opportunities", v, case, p)
        assert 1 <= len(out) <= 2
        for sentence in out:
            assert len(sentence.split()) < 25, sentence
            assert sentence.startswith("The ") and sentence.endswith(".")
    assert st.messages("Care homes", st.judge(cases[0], p), cases[0], p) == [
        "The care homes market is sustainable: none of the 3 rules checked is at risk."]
    assert st.messages("Home care", st.judge(cases[1], p), cases[1], p) == [
        "The home care market is at risk: 1 of the 3 rules checked is at risk.",
        "The reason is only 70.0% of rated locations rated Good or Outstanding."]
    many = st.messages("Home care", st.judge(cases[2], p), cases[2], p)
    assert many[0] == ("The home care market is not sustainable: 8 indicators are at risk together, and 3 or more "
                       "count as not sustainable.")
    assert many[1].startswith("The main reasons include occupancy of 84.0%")  # not all 8 fit in one sentence
    worst = st.messages("Home care", st.judge(cases[3], p), cases[3], p)
    assert worst[0] == "The home care market is not sustainable: 2 of the 3 rules checked are at that level."
    assert st.messages("Home care", st.judge(cases[4], p), cases[4], p) == [
        "The home care market is not assessed: only 1 rule could be checked, and a verdict needs 3."]


# --------------------------------------------------------------------------------------------- risk table

PLAN = pd.DataFrame({
    "theme": ["Workforce", "Workforce", "Contract management and quality", "Market shaping", "Workforce"],
    "action": ["Joint recruitment campaign with care providers", "Home care apprenticeships",
               "Quarterly quality reviews", "Grow nursing dementia capacity", "Supported living pay review"],
    "service": ["All", "home_care", "home_care", "care_homes", "supported_living"],
    "owner": ["Workforce Manager", "Commissioning Manager", "Quality Lead", "Head of Commissioning", "Contract Manager"],
    "target_date": pd.to_datetime(["2026-08-31", "2027-03-31", None, "2027-03-31", "2027-01-31"]),
    "status": ["Red", "Green", "Ongoing", "Amber", "Green"]})
TODAY = date(2026, 11, 1)


def test_risk_table_matches_actions_by_service_and_theme(p):
    rules = checked(p, staff_turnover=35.0, quality=55.0, closures=6.0, occupancy=90.0)
    table = st.risk_table(rules, p, PLAN, "home_care", TODAY, 30)
    assert list(table.columns) == st.RISK_COLUMNS
    # worst first: quality (not sustainable), then turnover and closures (at risk); occupancy is sustainable
    assert table["risk"].tolist() == [
        "More people may receive care that CQC rates below Good (only 55.0% of rated locations rated Good or "
        "Outstanding).",
        *["Providers may not keep enough experienced staff to deliver the care they are commissioned for "
          "(staff turnover of 35.0%)."] * 2,
        "Closures disrupt people's care and reduce choice (6.0% of locations closed in the latest year)."]
    assert table["action"].tolist() == ["Quarterly quality reviews", "Joint recruitment campaign with care providers",
                                        "Home care apprenticeships", NO_ACTION]  # not another service's actions
    assert table["likelihood"].tolist() == ["Likely", "Possible", "Possible", "Possible"]
    assert table["impact"].tolist() == ["High", "Medium", "Medium", "Medium"]
    assert table["target"].tolist() == ["Ongoing", "31 August 2026", "31 March 2027", None]
    assert table["status"].tolist() == ["Ongoing", "Red – overdue", "Green – on track", None]


def test_risk_table_never_invents_an_action(p):
    rules = checked(p, staff_turnover=35.0, quality=55.0, closures=6.0, fee_gap=25.0, demand_3y=-5.0)
    for plan, service in ((PLAN, "care_homes"), (PLAN, "day_opportunities"), (None, "home_care"),
                          (PLAN.iloc[0:0], "home_care")):
        table = st.risk_table(rules, p, plan, service, TODAY, 30)
        given = set() if plan is None else set(plan["action"])
        assert set(table["action"]) <= given | {NO_ACTION}
        assert len(table) >= len(rules)  # every rule at risk has a row, with or without an action
    nothing = st.risk_table(rules, p, None, "home_care", TODAY, 30)
    assert (nothing["action"] == NO_ACTION).all() and nothing["target"].isna().all() and nothing["status"].isna().all()
    care_homes = st.risk_table(rules, p, PLAN, "care_homes", TODAY, 30)
    # turnover: the All services' workforce action; closures and demand: the care homes' market shaping action
    assert care_homes[care_homes["action"] != NO_ACTION]["action"].tolist() == [
        "Joint recruitment campaign with care providers", "Grow nursing dementia capacity",
        "Grow nursing dementia capacity"]
    assert care_homes[care_homes["action"] == NO_ACTION]["risk"].str.contains("cost of care|CQC").all()
    assert st.risk_table(checked(p, quality=90.0), p, PLAN, "home_care", TODAY, 30).empty


def test_risk_table_uses_the_themes_of_params(p, raw):
    changed = copy.deepcopy(raw)
    changed["rules"]["staff_turnover"]["themes"] = ["Market shaping"]
    q = st.load_params(changed)
    table = st.risk_table(checked(q, staff_turnover=35.0), q, PLAN, "care_homes", TODAY, 30)
    assert table["action"].tolist() == ["Grow nursing dementia capacity"]


# --------------------------------------------------------------------------------------------- params validation

def test_the_repository_params_load(p):
    assert set(p.rules) == set(st.RULE)
    assert p.likelihood == {R: "Possible", N: "Likely"}
    assert (p.indicators_for_not_sustainable, p.min_rules) == (3, 3)
    assert p.rules["occupancy"].sides[st.BELOW].at_risk_from == 85.0


def bad(raw: dict, change) -> dict:
    out = copy.deepcopy(raw)
    change(out)
    return out


@pytest.mark.parametrize("change,message", [
    (lambda r: r["rules"]["quality"]["below"].pop("at_risk_from"), "missing key 'rules.quality.below.at_risk_from'"),
    (lambda r: r["rules"]["quality"].pop("below"), "missing key 'rules.quality.below.at_risk_from'"),
    (lambda r: r["rules"]["fee_gap"]["above"].update(at_risk_from="5%"),
     "key 'rules.fee_gap.above.at_risk_from': expected number, got '5%'"),
    (lambda r: r["rules"]["staff_turnover"]["above"].update(not_sustainable_from=25),
     "key 'rules.staff_turnover.above': not_sustainable_from (25) is below at_risk_from (30)"),
    (lambda r: r["rules"]["quality"]["below"].update(not_sustainable_from=80),
     "key 'rules.quality.below': not_sustainable_from (80) is above at_risk_from (75)"),
    (lambda r: r["rules"]["occupancy"]["below"].update(at_risk_from=96, not_sustainable_from=90),
     "key 'rules.occupancy': below.at_risk_from (96) is not under above.at_risk_from (95)"),
    (lambda r: r["rules"].update(occupancy_typo=r["rules"]["occupancy"]), "key 'rules.occupancy_typo': unknown rule"),
    (lambda r: r["rules"]["vacancy"].update(above=r["rules"]["vacancy"]["below"]),
     "key 'rules.vacancy.above': not a key of this rule"),
    (lambda r: r["rules"]["closures"].update(themes=["Workforce", "Workforse"]),
     "key 'rules.closures.themes': unknown theme 'Workforse'"),
    (lambda r: r["rules"]["closures"].update(themes="Workforce"), "key 'rules.closures.themes': expected list"),
    (lambda r: r["rules"]["closures"]["above"].update(impact="Severe"),
     "key 'rules.closures.above.impact': 'Severe'; expected one of Low, Medium, High"),
    (lambda r: r["rules"]["closures"]["above"].update(risk="  "), "key 'rules.closures.above.risk': empty"),
    (lambda r: r["likelihood"].pop("not_sustainable"), "missing key 'likelihood.not_sustainable'"),
    (lambda r: r["verdict"].update(min_rules=0), "key 'verdict.min_rules': 0 is outside 1..None"),
    (lambda r: r["verdict"].update(not_sustainable_from_indicators_at_risk=2.5),
     "key 'verdict.not_sustainable_from_indicators_at_risk': expected int"),
])
def test_a_bad_value_is_an_input_error_naming_the_file_and_key(raw, change, message):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        st.load_params(bad(raw, change))
    assert err.value.file == params_module.path_of("sustainability")


def test_a_bad_file_in_another_params_folder_is_named(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("CAREMARKET_PARAMS", str(tmp_path))
    broken = bad(raw, lambda r: r["rules"]["concentration"]["above"].update(not_sustainable_from=1000))
    (tmp_path / "sustainability.yml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(InputError) as err:
        st.load_params()
    assert err.value.file == tmp_path / "sustainability.yml"
    assert "sustainability.yml" in str(err.value) and "rules.concentration.above" in str(err.value)


# --------------------------------------------------------------------------------------------- the section, demo data

def test_the_section_on_the_demo_care_homes(demo_dir, tmp_path):
    from helpers.assess import financial_sustainability as fs
    from helpers.assess import oversight
    from helpers.assess.assessment import assess
    from helpers.errors import DataQualityLog
    chapter = assess("care_homes", demo_dir, "E08000019", tmp_path)
    keys = [s.key for s in chapter.sections]
    assert keys.index("sustainability") == keys.index("demand") + 1 and keys[-1] == "actions"
    section = chapter.sections[keys.index("sustainability")]
    assert section.title == "Sustainability" and 1 <= len(section.messages) <= 2
    assert all(len(m.split()) < 25 for m in section.messages)
    figures = chapter.key_figures["sustainability"]
    assert set(figures) == {"verdict", "reasons", "at_risk_rules", "not_sustainable_rules"}
    assert figures["verdict"] in (*st.LEVELS, NOT_ASSESSED)
    assert {"demand_3y", "surplus_3y", "demand_5y", "surplus_5y", "demand_10y"} <= set(chapter.key_figures)
    rules = next(i for i in section.items if i.name == "sustainability_rules").frame.set_index("indicator")
    homes = oversight.finance_homes(demo_dir, "E08000019", tmp_path, DataQualityLog(), [])
    share = fs.share_at_risk(homes, fs.finance_params().min_homes)["at_risk_pct"]
    # the same share the oversight chapter publishes
    assert rules.loc["Care homes at moderate or high financial risk (% of homes)", "value"] == f"{share:.1f}%"
    assert rules.loc["Care home occupancy (% of beds)", "value"] == f"{chapter.key_figures['occupancy_pct']:.1f}%"
    assert len(rules) == len(st.RULES)  # the demo care homes have every figure
    assert figures["at_risk_rules"] == (rules["level"] == "At risk").sum()
    risks = [i for i in section.items if i.name == "sustainability_risks"]
    if figures["at_risk_rules"] or figures["not_sustainable_rules"]:
        workbook = next((demo_dir / "local").glob("E08000019_action_plan*.xlsx"))
        plan = pd.read_excel(workbook, sheet_name=None, engine="openpyxl")
        texts = {str(v) for frame in plan.values() for v in frame.to_numpy().ravel()}
        assert set(risks[0].frame["action"]) <= texts | {NO_ACTION}
    from helpers.assess.sections.sustainability import _words
    assert section.source.startswith("Source: ") and "Care home financial sustainability" in section.source
    assert "Skills for Care" in section.source and "ASCOF" not in section.source  # only the sources the rules used
    assert all(_words(sentence) < 35 for sentence in section.source.split(". "))


def test_the_source_line_names_each_source_used_with_its_date_in_short_sentences():
    from helpers.assess.sections.sustainability import _words, source_text
    sources = [{"source": "Market sustainability action plan", "vintage": "2026-10-31", "synthetic": False},
               {"source": "CQC care directory", "vintage": "01 November 2026", "synthetic": False},
               {"source": "ONS subnational population projections", "vintage": "2022-based projections",
                "synthetic": False},
               {"source": "Skills for Care", "vintage": "2024-25", "synthetic": True},
               {"source": "Care home occupancy", "vintage": "2026-10-31", "synthetic": False},
               {"source": "Fee rates and budgets", "vintage": "2026-27", "synthetic": False}]
    names = {"CQC care directory", "Skills for Care", "ONS subnational population projections",
             "Care home occupancy", "Market sustainability action plan", "Not read"}
    assert source_text(names, sources) == (  # 30 words: one sentence; national sources first; fee rates not used
        "Source: CQC care directory, 1 November 2026; Skills for Care, 2024–25; ONS subnational population "
        "projections, 2022-based; Care home occupancy, 31 October 2026; Market sustainability action plan, "
        "31 October 2026 (synthetic demo data).")
    line = source_text(names, sources, max_words=20)
    assert line == ("Source: CQC care directory, 1 November 2026; Skills for Care, 2024–25; ONS subnational population "
                    "projections, 2022-based. Also: Care home occupancy, 31 October 2026; Market sustainability "
                    "action plan, 31 October 2026 (synthetic demo data).")
    assert all(_words(sentence) <= 20 for sentence in line.removesuffix(" (synthetic demo data).").split(". "))
    assert source_text({"CQC care directory"}, sources) == "Source: CQC care directory, 1 November 2026."
    assert source_text(set(), sources) == "" and source_text({"Not read"}, sources) == ""


def test_risk_table_rows_are_each_rules_actions_published_alone(p):
    """risk_table publishes the plan once and picks each rule's actions from it: the same rows, in the same order,
    as what_we_will_do of that rule's matching actions alone."""
    from helpers.assess import action_tracker
    rules = checked(p, staff_turnover=35.0, quality=55.0, closures=6.0, fee_gap=25.0, demand_3y=-5.0)
    for service in ("home_care", "care_homes", "supported_living"):
        table = st.risk_table(rules, p, PLAN, service, TODAY, 30)
        expected = []
        for c in st.worst_first(rules):
            actions = st.matching_actions(PLAN, service, p.rules[c.rule.key].themes)
            shown = action_tracker.what_we_will_do(actions, TODAY, 30)
            expected += ([(NO_ACTION, None, None)] if actions.empty else
                         list(zip(shown["action"], shown["target"], shown["status"])))
        assert list(zip(table["action"], table["target"], table["status"])) == expected


def test_a_plans_published_rows_are_made_once_per_file_content_and_date(p, tmp_path):
    """The section keeps each plan's published rows (every service's risk table shows some of them): the same file
    and date give the kept frame, a changed file or another date a new one; risk_table gives the same table with
    them as without."""
    from helpers.assess import action_tracker
    from helpers.assess.sections.sustainability import published_plan
    from helpers.load.reading import SourceTable
    path = tmp_path / "E08000019_action_plan.xlsx"
    path.write_bytes(b"one")
    plan = SourceTable(PLAN, path, "2026-10-31", False)
    first = published_plan(plan, TODAY, 30)
    pd.testing.assert_frame_equal(first, action_tracker.published_rows(PLAN, TODAY, 30))
    assert published_plan(plan, TODAY, 30) is first and published_plan(plan, TODAY, 60) is not first
    rules = checked(p, staff_turnover=35.0, quality=55.0, closures=6.0, occupancy=90.0)
    for service in ("home_care", "care_homes"):
        pd.testing.assert_frame_equal(st.risk_table(rules, p, PLAN, service, TODAY, 30,
                                                    lambda: published_plan(plan, TODAY, 30)),
                                      st.risk_table(rules, p, PLAN, service, TODAY, 30))
    path.write_bytes(b"two, changed")
    changed = SourceTable(PLAN.iloc[1:], path, "2026-10-31", False)
    assert len(published_plan(changed, TODAY, 30)) == len(PLAN) - 1
