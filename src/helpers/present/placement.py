"""Where each table and chart is published (params/statement.yml): the body, the appendix, or not at all."""
from __future__ import annotations

from helpers import params
from helpers.errors import InputError

PLACES = ("body", "appendix", "internal")


def places(kind: str) -> dict[str, str]:
    """Where each table (kind "tables") or chart ("charts") is published, from params/statement.yml: body, appendix
    or internal (tables only); one not listed goes in the body."""
    listed = params.require(params.load("statement"), kind, "mapping", name="statement")
    allowed = PLACES if kind == "tables" else PLACES[:2]
    for name, place in listed.items():
        if place not in allowed:
            raise InputError(f"key '{kind}.{name}': expected one of {', '.join(allowed)}, got {place!r}",
                             file=params.path_of("statement"))
    return dict(listed)
