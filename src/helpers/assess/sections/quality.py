"""The quality section: CQC ratings, the share Good or Outstanding against benchmarks, by category, change, key questions."""
from __future__ import annotations

import pandas as pd

from helpers.assess import benchmarks, narrative, quality, sufficiency
from helpers.assess.sections.common import BENCHMARK_HEADERS, BuiltSection, Section, bench_value, rounded
from helpers.load import cqc_ratings
from helpers.load.inputs import Inputs
from helpers.present import charts
from helpers.present.charts import Chart
from helpers.present import wording
from helpers.present.tables import Table
from helpers.services import Service


def _good_benchmark(svc: Service, inputs: Inputs, area: pd.Series, comparators: list[str]) -> pd.DataFrame:
    everyone = sufficiency.service_locations(inputs.directory.data, svc)
    rated = everyone["overall_rating"].isin(quality.RATED)
    good = everyone["overall_rating"].isin(["Outstanding", "Good"])
    per_council = pd.DataFrame({"la_code": everyone["la_code"], "numerator": good, "denominator": rated}).groupby(
        "la_code", as_index=False).sum()
    return benchmarks.benchmark(per_council, area["code"], comparators, scale=100)


def quality_section(svc: Service, inputs: Inputs, area: pd.Series) -> BuiltSection:
    """CQC ratings: distribution, % Good or Outstanding vs benchmarks, by sub-category, change, key questions."""
    locs = sufficiency.service_locations(inputs.directory.data, svc, area["code"])
    dist = quality.rating_distribution(locs)
    good = quality.percent_good_or_outstanding(locs)
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
        before = sufficiency.service_locations(baseline.data, svc, area["code"])
        change = quality.rating_change(before, locs)
        then, now = wording.vintage(baseline.vintage), wording.vintage(inputs.directory.vintage)
        items.append(Table("ratings_change", change, f"{svc.title} by CQC overall rating: {then} and {now}",
                           {"rating": "Rating", "baseline": then, "baseline_pct": f"% on {then}",
                            "current": now, "current_pct": f"% on {now}", "change": "Change",
                            "change_pct_points": "Change (percentage points)"},
                           {"baseline": "int", "current": "int", "baseline_pct": "pct", "current_pct": "pct",
                            "change": "signed", "change_pct_points": "signed1"}))
        before_good = quality.percent_good_or_outstanding(before)
        messages.append(narrative.change_message(svc, before_good, good, baseline.vintage))
    if inputs.ratings is not None:
        ratings = inputs.ratings.data
        kq = quality.key_question_breakdown(
            cqc_ratings.key_questions(ratings[ratings["location_id"].isin(locs["location_id"])]), locs["location_id"])
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
