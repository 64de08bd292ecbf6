"""Synthetic text in the council's voice for the demo councils' statements (one Markdown file per slot).

Written as a council would write it, citing computed figures by name so the demo shows live figures in prose.
Every word is invented: the statement's synthetic-data banner says so. Councils outside SEED get no text, so
their demo statements are drafts that mark every slot.
"""
from __future__ import annotations

from pathlib import Path

from helpers.councils import council
from helpers.present.authored import FOLDER_SUFFIX, slots

SEED = {  # code → (a local detail for the introduction, the area's character)
    "E08000019": ("a city of neighbourhoods from the Peak District edge to the Don valley", "urban"),
    "E08000018": ("a borough of market towns and former mining communities", "urban"),
    "E10000008": ("England's third largest county, with long travel times between its towns and villages",
                  "rural"),
    "E10000019": ("a large rural county with a long coastline and dispersed market towns", "rural"),
}
MORE_OF = {
    "care_homes": ["Nursing care for people living with advanced dementia.",
                   "Short-term beds that help people return home after a hospital stay.",
                   "Homes that support people with complex needs close to their families."],
    "home_care": ["Care at home for people with complex needs, including two-carer calls.",
                  "Providers working in {rural_areas}.",
                  "Support that helps people regain skills and independence (reablement)."],
    "supported_living": ["Self-contained homes for younger adults with a learning disability or autism.",
                         "Support for people moving out of long-stay hospital or residential care.",
                         "Technology that gives people more privacy and independence."],
    "day_opportunities": ["Community-based activities that connect people with local groups and work.",
                          "Support for people with profound and multiple learning disabilities.",
                          "Evening and weekend opportunities."],
}
LESS_OF = {
    "care_homes": ["Residential beds for people whose needs could be met at home.",
                   "Placements far from a person's home area."],
    "home_care": ["Calls of 15 minutes or less for personal care.", "Spot purchasing outside the framework."],
    "supported_living": ["Shared houses where people cannot choose who they live with.",
                         "Placements outside the council's area."],
    "day_opportunities": ["Building-based services with fixed timetables.", "Transport arranged separately from the "
                                                                          "service."],
}
OPPORTUNITIES = {
    "care_homes": "We will reopen the care home framework for nursing and dementia nursing providers in "
                  "**June {next_year}**. Our current fee for {{{{ care_homes.cost.main_band }}}} is "
                  "{{{{ care_homes.cost.main_current_rate }}}} a week against a median cost of "
                  "{{{{ care_homes.cost.main_median_cost }}}}; we will publish fee rates for {next_year} in "
                  "March.",
    "home_care": "Our home care framework reopens to new providers every six months; the next window is in "
                 "**April {next_year}**. {{{{ home_care.people_waiting }}}} people were waiting for "
                 "{{{{ home_care.hours_waiting }}}} hours of care a week in the latest return, so we want "
                 "providers who can start packages quickly.",
    "supported_living": "We will tender new supported living schemes in **{next_year}**, in lots of "
                        "up to 12 homes. Providers on the framework will be invited to a market event first.",
    "day_opportunities": "We will co-design a new day opportunities framework with people who use services "
                         "during **{next_year}**. Small and community organisations are welcome to bid.",
}


def texts(code: str, year: int) -> dict[str, str]:
    """Slot key → synthetic Markdown for one demo council."""
    name = council(code)["name"]
    detail, character = SEED[code]
    rural_areas = "rural and coastal areas" if character == "rural" else "the outer estates"
    fill = {"next_year": year + 1, "rural_areas": rural_areas}
    out = {
        "introduction": (
            f"{name} is {detail}. This statement is for everyone who provides, or wants to provide, adult "
            "social care here. It sets out what we know about the market and what we want to change.\n\n"
            "Our vision is that people live in their own homes for as long as they can, with care that is "
            "safe, good and close to the people who matter to them.\n\n"
            "## Our main messages this year\n\n"
            "- Demand for care homes is growing: at today's rate of use we would need "
            "{{ care_homes.demand_10y }} beds in ten years.\n"
            "- {{ care_homes.pct_good_or_outstanding }} of rated care homes are Good or Outstanding. We want "
            "every home to reach Good.\n"
            "- We will keep working with providers on fees that reflect the cost of care.\n"),
        "risks": (
            "The main risks we see over the next three years are:\n\n"
            "- **Workforce.** Recruitment and retention remain hard. We will fund a shared recruitment campaign "
            "with providers.\n"
            "- **Provider failure.** If a provider leaves the market, our contingency plan sets out how we keep "
            "people safe, from emergency support to moving people with care.\n"
            "- **Fees and costs.** Costs rise faster than our budget. We will review fees each year against the "
            "cost of care.\n"),
        "working_with_us": (
            f"Contact the commissioning team at [commissioning@example.org](mailto:commissioning@example.org). "
            "This is an invented address for the demo.\n\n"
            "To become a provider, register on our procurement portal and watch for the framework windows in "
            "each chapter. Our provider forum meets every quarter; every registered provider is welcome.\n"),
        "how_produced": (
            "We wrote this statement with people who use services, carers, providers and our health partners. "
            f"We held four workshops in the autumn of {year} and an online survey that providers answered.\n\n"
            "Tell us what you think of it through the commissioning team.\n"),
    }
    for service in MORE_OF:
        out[f"{service}_more_of"] = "".join(f"- {line.format(**fill)}\n" for line in MORE_OF[service])
        out[f"{service}_less_of"] = "".join(f"- {line.format(**fill)}\n" for line in LESS_OF[service])
        out[f"{service}_opportunities"] = OPPORTUNITIES[service].format(**fill) + "\n"
    return out


def write_authored(codes: list[str], out_dir: Path, year: int = 2026) -> list[Path]:
    """Write the synthetic statement text of every seed council among codes into out_dir/<CODE>_statement/."""
    written = []
    for code in (c for c in codes if c in SEED):
        home = Path(out_dir) / f"{code}{FOLDER_SUFFIX}"
        home.mkdir(parents=True, exist_ok=True)
        text = texts(code, year)
        for slot in slots():
            path = home / slot.file_name
            path.write_text(text[slot.key], encoding="utf-8")
            written.append(path)
    return written
