"""The quality section: CQC ratings, the share Good or Outstanding against benchmarks, by category, change, key questions."""
from __future__ import annotations

import pandas as pd

from helpers.assess import benchmarks, narrative, national, quality
from helpers.assess.sections.common import BENCHMARK_HEADERS, BuiltSection, Section, bench_value, rounded
from helpers.load.inputs import Inputs
from helpers.present import charts
from helpers.present.charts import Chart
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def _good_benchmark(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame:
    """% of rated locations rated Good or Outstanding, from every council's counts (the national pass)."""
    return national.good_rates(inputs, svc).benchmark(area["code"], comparators, 100)


def quality_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """CQC ratings: distribution, % Good or Outstanding vs benchmarks, by sub-category, change, key questions."""
    locs = national.council_locations(inputs, svc, area["code"])
    counts = national.rating_counts(inputs, svc, area["code"])  # what rating_distribution(locs) counts
    dist = quality.distribution_of(counts)
    good = quality.good_share_of(counts)
    bench = _good_benchmark(svc, inputs, area, benchmarks.comparator_group(area["code"]))
    vintage = f"CQC care directory as at {wording.vintage(inputs.directory.vintage)}"
    subject = svc.title.lower()
    items: list[Table | Chart] = [
        charts.rating_chart(dist, area["name"], subject),
        Table("ratings", dist, f"{svc.title} in {area['name']} by CQC overall rating ({vintage})",
              {"rating": "CQC overall rating", "locations": "Locations", "percent": "% of locations"},
              {"locations": "int", "percent": "pct"}),
        Table("good_benchmark", bench, f"{svc.title}: % of rated locations rated Good or Outstanding ({vintage})",
              BENCHMARK_HEADERS | {"value": "% Good or Outstanding"}, {"value": "pct", "councils": "int"})]
    not_rated = int(dist.set_index("rating").loc[quality.NOT_YET_RATED, "locations"])
    figures: dict[str, object] = {"pct_good_or_outstanding": rounded(good),
                                  "pct_good_or_outstanding_region": rounded(bench_value(bench, 2)),
                                  "not_yet_rated": not_rated}
    messages = [narrative.quality_message(area["name"], svc, good, bench, not_rated)]
    if svc.subcategories:
        by = quality.good_or_outstanding_by(locs)
        items.append(Table("ratings_by_category", by, f"{svc.title} rated Good or Outstanding by category ({vintage})",
                           {"category": "Category", "locations": "Locations", "rated": "Rated",
                            "good_or_outstanding": "Good or Outstanding", "percent": "% of rated"},
                           {"locations": "int", "rated": "int", "good_or_outstanding": "int", "percent": "pct"}))
    baseline = inputs.snapshots[0]
    if baseline.file != inputs.directory.file:
        before = national.rating_counts(inputs, svc, area["code"], baseline)
        change = quality.change_of(quality.distribution_of(before), dist)  # rating_change(baseline's locations, locs)
        then, now = wording.vintage(baseline.vintage), wording.vintage(inputs.directory.vintage)
        items.append(Table("ratings_change", change, f"{svc.title} by CQC overall rating: {then} and {now}",
                           {"rating": "Rating", "baseline": then, "baseline_pct": f"% on {then}",
                            "current": now, "current_pct": f"% on {now}", "change": "Change",
                            "change_pct_points": "Change (percentage points)"},
                           {"baseline": "int", "current": "int", "baseline_pct": "pct", "current_pct": "pct",
                            "change": "signed", "change_pct_points": "signed1"}))
        before_good = quality.good_share_of(before)
        messages.append(narrative.change_message(svc, before_good, good, baseline.vintage))
    if inputs.ratings is not None:
        kq = national.key_question_breakdown(inputs, svc, area["code"], locs)
        if kq["rated"].sum() > 0:
            items.append(Table("key_questions", kq, f"{svc.title}: CQC ratings by key question "
                               f"(CQC latest ratings, {wording.vintage(inputs.ratings.vintage)})",
                               {"key_question": "Key question", "rated": "Rated",
                                "percent_good_or_outstanding": "% Good or Outstanding"},
                               {"rated": "int", "percent_good_or_outstanding": "pct"}))
            weakest = kq.sort_values("percent_good_or_outstanding").iloc[0]
            messages.append(f"Of the five key questions, '{weakest['key_question']}' has the lowest share rated Good or "
                            f"Outstanding ({narrative.fmt_pct(weakest['percent_good_or_outstanding'])}).")
    notes = []
    if svc.care_home and inputs.ascof_ratings is not None:
        ascof = quality.ascof_good_or_outstanding(inputs.ascof_ratings.data, area["code"])
        if ascof is not None:
            period, value = ascof
            figures["ascof_6b_pct"] = rounded(value)
            notes.append(narrative.ascof_note(value, period, good, inputs.directory.vintage))
    return BuiltSection(Section("quality", "Quality", messages, items, notes), figures)
