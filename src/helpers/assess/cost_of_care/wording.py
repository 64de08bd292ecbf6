"""How the cost of care writes things: the name its data-quality warnings carry, and money (the house style's)."""
from __future__ import annotations

from helpers.present import wording
from helpers.services import name as service_name

SOURCE = "Cost of care returns"


def money(value: float, pence: bool = True) -> str:
    """£ with thousands separators, to the penny or the pound; negatives as "−£3.20" (helpers.present.wording)."""
    return wording.money(value, pence)


def rates_of(service: str) -> str:
    """Whose rates, inside a sentence: "care home" (rates), "home care" (rates)."""
    return "care home" if service == "care_homes" else service_name(service)


def year(financial_year: str) -> str:
    """A financial year as published: "2026-27" → "2026–27" (en dash)."""
    return wording.dashed(financial_year)
