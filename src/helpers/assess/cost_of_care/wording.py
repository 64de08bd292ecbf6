"""How the cost of care writes things: the name its data-quality warnings carry, and money."""
from __future__ import annotations

SOURCE = "Cost of care returns"


def money(value: float, pence: bool = True) -> str:
    """£ with thousands separators, to the penny or the pound."""
    return f"£{value:,.2f}" if pence else f"£{value:,.0f}"
