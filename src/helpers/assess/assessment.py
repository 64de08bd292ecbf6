"""The market assessment of one council × service: eight sections of tables, charts, key figures and messages.

``assess`` is the recipe: it builds each section from the council's ``Inputs`` and the service
definition (params/services.yml) with the builders in helpers.assess.sections, passing what a
later section needs from an earlier one as an argument, and gathers their key figures and
warnings. ``assess_oversight`` builds the council-wide oversight chapter the same shape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.assess import cost_of_care, oversight
from helpers.assess.sections.actions import actions_section
from helpers.assess.sections.common import BuiltSection, Section
from helpers.assess.sections.cost import cost_section
from helpers.assess.sections.demand import demand_section
from helpers.assess.sections.quality import quality_section
from helpers.assess.sections.stability import stability_section
from helpers.assess.sections.sufficiency import sufficiency_section
from helpers.assess.sections.sustainability import sustainability_section
from helpers.assess.sections.workforce import workforce_section
from helpers.councils import council
from helpers.errors import DataQualityLog, UsageError
from helpers.load import (action_plan, ascfr, ascof, cost_returns, cqc_directory, cqc_ratings, fee_rates,
                          financial_sustainability, home_care_activity, kpis, local_providers, occupancy,
                          ons_population, skills_for_care)
from helpers.load.inputs import Inputs
from helpers.present import wording
from helpers.present.charts import Chart
from helpers.present.tables import Table
from helpers.services import OVERSIGHT, OVERSIGHT_TITLE, SERVICES, service

__all__ = ["Assessment", "Section", "assess", "assess_oversight", "publishable_log", "source_line"]


@dataclass
class Assessment:
    """Everything one service's chapter shows, all computed from the inputs."""

    council_code: str
    council_name: str
    service: str
    title: str
    sections: list[Section]
    key_figures: dict[str, object]
    sources: list[dict[str, object]]
    synthetic: bool
    log: DataQualityLog

    @property
    def tables(self) -> list[Table]:
        """Every table, in chapter order."""
        return [i for s in self.sections for i in s.items if isinstance(i, Table)]

    @property
    def charts(self) -> list[Chart]:
        """Every chart, in chapter order."""
        return [i for s in self.sections for i in s.items if isinstance(i, Chart)]

    @property
    def messages(self) -> list[str]:
        """The chapter's headline messages: the first key message of each section."""
        return [s.messages[0] for s in self.sections if s.messages]


@dataclass
class Chapter:
    """The sections built so far, in order, with their key figures and every warning in the order it arose.

    ``add`` takes the warnings the loaders recorded in ``inputs.log`` since the previous section, then
    the section's own; a key figure two sections both set is an error, never a silent overwrite.
    """

    inputs: Inputs
    sections: list[Section] = field(default_factory=list)
    key_figures: dict[str, object] = field(default_factory=dict)
    log: DataQualityLog = field(default_factory=DataQualityLog)
    _seen: int = field(default=0, init=False, repr=False)  # inputs.log warnings already taken

    def add(self, built: BuiltSection) -> None:
        """Append one built section."""
        clash = sorted(set(built.key_figures) & set(self.key_figures))
        if clash:
            raise ValueError(f"section '{built.section.key}' sets key figures another section set: {clash}")
        self._take_loader_warnings()
        self.sections.append(built.section)
        self.key_figures |= built.key_figures
        self.log.extend(built.log)

    def _take_loader_warnings(self) -> None:
        self.log.warnings.extend(self.inputs.log.warnings[self._seen:])
        self._seen = len(self.inputs.log.warnings)

    def finish(self) -> None:
        """Take the loaders' last warnings and give each section its source line (unless its builder wrote one)."""
        self._take_loader_warnings()
        for section in self.sections:
            section.source = section.source or source_line(section.key, self.inputs.sources)


def assess(service_key: str, data_dir: Path, council_code: str, cache_dir: Path | None = None,
           year: int | None = None) -> Assessment:
    """Compute the assessment of one service for one council from the files under data_dir (for a statement of
    ``year``: each source's newest file published by its date, helpers.load.vintages; no year: the newest)."""
    if service_key not in SERVICES:
        raise UsageError(f"unknown service '{service_key}': expected one of {', '.join(SERVICES)}")
    svc, area = service(service_key), council(council_code)
    inputs = Inputs(data_dir, area["code"], cache_dir, year)
    chapter = Chapter(inputs)
    sufficiency, current_capacity = sufficiency_section(svc, inputs, area)
    chapter.add(sufficiency)
    chapter.add(quality_section(svc, inputs, area))
    chapter.add(stability_section(svc, inputs, area))
    chapter.add(workforce_section(svc, inputs, area))
    chapter.add(cost_section(svc, inputs, area))
    chapter.add(demand_section(svc, inputs, area, current_capacity))
    chapter.add(sustainability_section(svc, inputs, area, dict(chapter.key_figures)))  # judges the figures so far
    chapter.add(actions_section(svc, inputs, area))
    chapter.finish()
    synthetic = any(s["synthetic"] for s in inputs.sources)
    return Assessment(council_code=area["code"], council_name=area["name"], service=svc.key, title=svc.title,
                      sections=chapter.sections, key_figures=chapter.key_figures, sources=inputs.sources,
                      synthetic=synthetic, log=publishable_log(chapter.log))


OVERSIGHT_PARTS = (("actions", "Action plan", ("action_status_chart", "action_status", "action_plan")),
                   ("kpis", "Key performance indicators", ("kpis",)),
                   ("home_care_delivery", "Home care delivery", ("home_care_calls", "home_care_delivery")),
                   ("financial_risk", "Care home financial sustainability", ("financial_risk",)))


def assess_oversight(data_dir: Path, council_code: str, cache_dir: Path | None = None,
                     year: int | None = None) -> Assessment:
    """The council-wide oversight chapter (aggregate only): action plan, KPIs, home care delivery, financial risk."""
    area = council(council_code)
    inputs = Inputs(data_dir, area["code"], cache_dir, year)
    result = oversight.oversight_section(Path(data_dir), area["code"], area["name"], cache_dir,
                                         inputs.vintage_date.date(), inputs.when)
    sections = []
    for key, title, names in OVERSIGHT_PARTS:  # a part's charts, then its tables (a chart may share its table's name)
        items = [item for kind in (result.charts, result.tables) for n in names for item in kind if item.name == n]
        if items or not sections:
            sections.append(Section(key, title, [] if sections else result.messages, items))
    log = DataQualityLog()
    log.extend(result.log)
    sources = [*inputs.sources, *result.sources]
    for section in sections:
        section.source = source_line(section.key, sources)
    return Assessment(council_code=area["code"], council_name=area["name"], service=OVERSIGHT,
                      title=OVERSIGHT_TITLE, sections=sections, key_figures=result.key_figures,
                      sources=sources, synthetic=any(s["synthetic"] for s in sources), log=publishable_log(log))


# The sources each section's charts and tables are drawn from, by the names the loaders record.
SECTION_SOURCES = {
    "sufficiency": (cqc_directory.SOURCE, ons_population.SOURCE_SNPP, ascfr.SOURCE, occupancy.SPEC.title,
                    home_care_activity.SPEC.title, fee_rates.SPEC.title, local_providers.SPEC.title),
    "quality": (cqc_directory.SOURCE, cqc_ratings.SOURCE, ascof.SOURCE),
    "stability": (cqc_directory.SOURCE,),
    "workforce": (skills_for_care.SOURCE, ascof.SOURCE),
    "cost": (cost_returns.SPEC.title, fee_rates.SPEC.title),
    "demand": (ons_population.SOURCE_SNPP, ascfr.SOURCE, cqc_directory.SOURCE, occupancy.SPEC.title,
               home_care_activity.SPEC.title, fee_rates.SPEC.title),
    "actions": (action_plan.SPEC.title,),
    "kpis": (kpis.SPEC.title,),
    "home_care_delivery": (home_care_activity.SPEC.title,),
    "financial_risk": (financial_sustainability.SPEC.title,),
}


def source_line(section_key: str, sources: list[dict[str, object]]) -> str:
    """'Source: …' for a section's charts and tables: each source it draws on that was read, with its vintage
    in the house style ("CQC care directory, 1 November 2026; ASC-FR, 2024–25")."""
    names = SECTION_SOURCES.get(section_key, ())
    used = [s for name in names for s in sources if s["source"] == name]
    seen: list[str] = []
    for s in used:
        text = f"{s['source']}, {_as_at(str(s['source']), wording.vintage(s['vintage']))}"
        if text not in seen:
            seen.append(text)
    if not seen:
        return ""
    synthetic = " (synthetic demo data)" if any(s["synthetic"] for s in used) else ""
    return "Source: " + "; ".join(seen) + synthetic + "."


def _as_at(source: str, vintage: str) -> str:
    """The vintage without a last word the source's name already ends with ("2022-based projections" → "2022-based")."""
    last = source.split()[-1:]
    words = vintage.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1:] == last else vintage


def publishable_log(log: DataQualityLog) -> DataQualityLog:
    """The data-quality log for publication: cost-return warnings (which name providers) become one count."""
    private = {cost_of_care.SOURCE, cost_returns.SPEC.title}
    out = DataQualityLog([w for w in log.warnings if w.source not in private])
    flagged = len(log.warnings) - len(out.warnings)
    if flagged:
        out.warn(cost_of_care.SOURCE, f"{wording.plural(flagged, 'check')} on providers' cost returns "
                 f"{'was' if flagged == 1 else 'were'} flagged (outliers, missing lines or volumes). They are listed "
                 "by provider in the internal cost of care notebook, not here.")
    return out
