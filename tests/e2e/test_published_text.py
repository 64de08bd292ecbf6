"""Plain English and one number style in everything a run publishes (issue 15 item 4).

One demo render (Sheffield, data/demo, HTML) is scanned: the visible text of mps.html (chart titles, axis titles
and labels included, the charts' JSON specs otherwise left out), every cell of mps_data.xlsx and the prose strings
of key_figures.json. Each check (published_text_checks.py) is first shown to fail on a deliberately defective
string. A defect in the statement assembler's own text (helpers.present.statement: headings, banner, method,
appendix lists) is reported by its own test, which is expected to fail until that text is rewritten: that text is
not made here. Set CAREMARKET_PUBLISHED_REPORTS to a council's run folder to scan it without a run.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

import published_text_checks as ptc

# --- every check fails on a defective string and passes a clean one ----------------------------------------


@pytest.mark.parametrize("check, bad, good", [
    (ptc.separated_years, "In the year to 2,026, 7 homes registered", "In the year to 2026, 7 homes registered"),
    (ptc.separated_years, "Year 2,024", "1,000 to 2,000 concentrated"),
    (ptc.separated_years, "Fee rates for 2,026–27", "up from 2,096 hours in the week ending 3 May 2026"),
    (ptc.midnight_times, "2024-11-01 00:00:00", "1 November 2024"),
    (ptc.snake_case, "beds_total", "Beds in new homes"),
    (ptc.snake_case, "Occupancy (occupancy_pct) rose", "Occupancy rose"),
    (ptc.point_zero_counts, "3356.0", "3,356"),
    (ptc.point_zero_counts, "with 12.0 beds", "with 12 beds and 67.7 beds per 1,000"),
    (ptc.leading_zero_dates, "on 01 November 2026", "on 1 November 2026"),
    (ptc.signed_zero, "up (-0%)", "up (0%)"),
    (ptc.signed_zero, "a change of +0.0%", "a change of +0.4%"),
    (ptc.signed_zero, "−0%", "−1%"),
    (ptc.bracket_plurals, "3 action(s) overdue", "3 actions overdue"),
    (ptc.hyphen_minus, "a shortfall of -159 beds", "a shortfall of −159 beds"),
    (ptc.hyphen_minus, "(-1.2%)", "(−1.2%)"),
    (ptc.hyphen_ranges, "ASC-FR 2024-25", "ASC-FR 2024–25"),
    (ptc.hyphen_ranges, "people aged 18-64", "people aged 18–64 on 2026-11-01"),
    (ptc.internal_references, "Comparator group (params/comparators.yml).", "The council's chosen comparator group."),
    (ptc.internal_references, "See docs/cost_of_care.md.", "See the method below."),
    (ptc.internal_references, "quartiles (QUARTILE.INC)", "quartiles computed as a spreadsheet's inclusive quartile"),
    (ptc.internal_references, "an assumption: params have no NLW rate for 2027-28 yet",
     "an assumed 4.0% because the 2027–28 rate has not been announced"),
    (ptc.long_sentences, "Words " + " ".join(["word"] * 35) + ".",
     "Words " + " ".join(["word"] * 34) + ". Words " + " ".join(["word"] * 34) + "."),
])
def test_each_check_fails_on_a_defective_string(check, bad, good):
    assert check(bad), f"{check.__name__} missed {bad!r}"
    assert check(good) == [], f"{check.__name__} flagged {good!r}: {check(good)}"


def test_sentences_split_at_full_stops_not_at_decimals_or_abbreviations():
    text = "The rate is 67.7 beds, e.g. in Sheffield. [c] = suppressed: fewer than 3. Source: CQC, 1 November 2026."
    assert ptc.sentences(text) == ["The rate is 67.7 beds, e.g. in Sheffield.", "[c] = suppressed: fewer than 3.",
                                   "Source: CQC, 1 November 2026."]
    assert ptc.sentence_statistics([text]) == {"sentences": 3, "average_words": 6.3, "over_25": 0, "over_35": 0}


def test_a_source_line_is_a_list_of_sources_not_a_long_sentence():
    line = "Source: " + "; ".join(f"Source number {i}, 1 November 2026" for i in range(8)) + "."
    prose = "The market " + " ".join(["grew"] * 40) + "."
    assert ptc.long_sentences(line) == [] and ptc.long_sentences(prose)
    assert ptc.sentence_statistics([line, prose])["sentences"] == 1


def test_html_text_keeps_visible_text_and_the_charts_labels_but_not_their_specs():
    html = ("<html><head><title>MPS</title><style>.x{}</style><script>var beds_total = 1;</script></head><body>"
            "<table><thead><tr><th>Year</th><th>Beds</th></tr></thead><tbody><tr><td>2,024</td><td>3,356</td></tr>"
            "</tbody></table><p>Occupancy was 84% on 01 November 2026.</p>"
            '<script type="application/json" class="chart-spec">{"data": [{"type": "bar", "x": [1], "y": ["Good"], '
            '"text": ["3 (-0%)"], "hovertemplate": "%{x}", "customdata": ["beds_total"]}], "layout": {"title": '
            '{"text": "Ratings on 01 November 2026"}, "xaxis": {"title": {"text": "Number of locations"}}}}'
            "</script></body></html>")
    texts = ptc.html_texts(html)
    joined = " | ".join(t for _, t in texts)
    assert "beds_total" not in joined  # scripts and the spec's data are not visible text
    assert "Ratings on 01 November 2026" in joined and "Number of locations" in joined and "3 (-0%)" in joined
    found = ptc.scan(texts)
    assert found["separated year"] and found["leading-zero date"] and found["signed zero"]
    assert not found["snake_case name"]


def test_input_text_is_shown_as_given():
    texts = [("mps.html <td> [Action]", "Agree the 2027-28 fee uplift with providers")]
    assert ptc.scan(texts)["hyphen range"]
    assert not ptc.scan(texts, input_text={"Agree the 2027-28 fee uplift with providers"})["hyphen range"]


# --- the published text of one demo run --------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(default_demo, tmp_path_factory) -> Path:
    """Sheffield's statement from data/demo as HTML (no PDF): its run folder (no other e2e render uses data/demo)."""
    if os.environ.get("CAREMARKET_PUBLISHED_REPORTS"):
        return Path(os.environ["CAREMARKET_PUBLISHED_REPORTS"])
    from helpers.cli import main
    out = tmp_path_factory.mktemp("published_text")
    code = main(["run", "--data", str(default_demo), "--out", str(out), "--year", "2026", "--council", "E08000019",
                 "--formats", "html", "--timeout", "0"])
    assert code == 0, f"caremarket run exited {code}"
    return out / "2026" / "E08000019"


@pytest.fixture(scope="module")
def found(published) -> dict[str, dict[str, list[str]]]:
    """The defects by check, split into the run's own generated text ("ours") and the assembler's ("statement")."""
    texts = ptc.published_texts(published)
    corpus = ptc.artefact_corpus(published)
    ours = [(w, t) for w, t in texts if ptc.generated_here(w, t, corpus)]
    theirs = [(w, t) for w, t in texts if not ptc.generated_here(w, t, corpus)]
    inputs = ptc.input_texts(published)
    return {"ours": ptc.scan(ours, input_text=inputs), "statement": ptc.scan(theirs, input_text=inputs)}


@pytest.mark.slow
@pytest.mark.parametrize("check", list(ptc.CHECKS))
def test_generated_text_has_no(found, check):
    assert found["ours"][check] == [], "\n".join(found["ours"][check][:30])


@pytest.mark.slow
def test_generated_prose_is_short(published):
    paragraphs = ptc.generated_prose(published)
    stats = ptc.sentence_statistics(paragraphs)
    assert stats["sentences"] > 100, stats  # the scan saw the statement's prose
    assert stats["over_35"] == 0 and stats["average_words"] < 20, stats


@pytest.mark.slow
def test_every_table_and_chart_has_a_dated_source_line(published):
    problems = ptc.sections_without_source(published)
    assert problems == [], problems


@pytest.mark.slow
def test_statement_assembler_text_has_no_defects(found):
    defects = {check: hits for check, hits in found["statement"].items() if hits}
    assert defects == {}, "\n".join(f"{c}: {h}" for c, hits in defects.items() for h in hits[:10])


@pytest.mark.slow
def test_no_sentence_of_the_statements_prose_appears_twice(published):
    """Issue 15: sentences are not repeated (summary → key messages → section). Source lines are labels, not prose."""
    html = (published / "mps.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    for element in ("figure", "table", "nav"):  # captions and labels, not prose (prose_paragraphs keeps captions)
        main = re.sub(rf"<{element}\b.*?</{element}>", "", main, flags=re.S)
    main = re.sub(r"<li>\s*<a [^>]*>[^<]*</a>\s*</li>", "", main)  # a list of links to the appendix
    prose = [p for p in ptc.prose_paragraphs(main) if not p.startswith("Source")]
    counts = Counter(s for p in prose for s in ptc.sentences(p) if len(s.split()) >= 4)
    assert {s: n for s, n in counts.items() if n > 1} == {}
