"""The four service types, as defined in params/services.yml (validated on load): the one home of their keys and titles."""
from __future__ import annotations

from dataclasses import dataclass

from helpers import params
from helpers.errors import InputError, UsageError

SERVICES = ("care_homes", "home_care", "supported_living", "day_opportunities")
OVERSIGHT = "oversight"  # the council-wide chapter beside the four services
OVERSIGHT_TITLE = "Market oversight and what we will do"
CAPACITY_SOURCES = ("cqc_beds", "delivered_hours", "contracted_volume")
PARAMS = "services"


@dataclass(frozen=True)
class Service:
    """One service type: what makes it up, its capacity unit and the population its rates are per 1,000 of."""

    key: str
    title: str
    cqc_service_types: tuple[str, ...]
    care_home: bool
    subcategories: dict[str, str]
    capacity: str
    unit: str
    population_band: str
    ascfr_settings: tuple[str, ...]
    skills_for_care_services: tuple[str, ...]
    target_occupancy: float


def _service(key: str, everything: dict) -> Service:
    from helpers.load.cqc_directory import FLAGS  # here, not at the top: `caremarket` starts without pandas (0.45 s)
    from helpers.load.ons_population import BANDS

    def get(name: str, kind: str, **kw: float) -> object:
        return params.require(everything, f"{key}.{name}", kind, name=PARAMS, **kw)

    raw = everything[key]

    where = params.path_of(PARAMS)
    flags = tuple(get("cqc_service_types", "list"))
    subcategories = dict(raw.get("subcategories") or {})
    unknown = [f for f in (*flags, *subcategories.values()) if f not in FLAGS]
    if unknown:
        raise InputError(f"{key}: unknown CQC service type flag(s) {unknown}; known: {', '.join(FLAGS)}", file=where)
    capacity = get("capacity", "text")
    if capacity not in CAPACITY_SOURCES:
        raise InputError(f"{key}.capacity: '{capacity}' is not one of {', '.join(CAPACITY_SOURCES)}", file=where)
    band = get("population_band", "text")
    if band not in BANDS:
        raise InputError(f"{key}.population_band: '{band}' is not one of {', '.join(BANDS)}", file=where)
    return Service(key=key, title=get("title", "text"), cqc_service_types=flags, care_home=get("care_home", "bool"),
                   subcategories=subcategories, capacity=capacity, unit=get("unit", "text"), population_band=band,
                   ascfr_settings=tuple(get("ascfr_settings", "list")),
                   skills_for_care_services=tuple(get("skills_for_care_services", "list")),
                   target_occupancy=float(get("target_occupancy", "number", minimum=0.01, maximum=1.0)))


def service(key: str) -> Service:
    """The definition of one service type."""
    raw = params.load(PARAMS)
    if key not in SERVICES:
        raise UsageError(f"unknown service '{key}': expected one of {', '.join(SERVICES)}")
    if key not in raw:
        raise InputError(f"no definition for service '{key}'", file=params.path_of(PARAMS))
    return _service(key, raw)


def title(key: str) -> str:
    """A service's title as a heading shows it ("Care homes"); the oversight chapter's for OVERSIGHT."""
    return OVERSIGHT_TITLE if key == OVERSIGHT else service(key).title


def name(key: str) -> str:
    """A service's title inside a sentence ("care homes")."""
    text = title(key)
    return text[:1].lower() + text[1:]
