"""The council's own words in its statement: one Markdown file per slot, checked, confined and given live figures.

A council writes each slot (introduction and vision; per service what it wants to see more of and less of,
opportunities and procurement; working with us; how the statement was produced; risks and contingency) as a
Markdown file in ``<CODE>_statement/`` beside its other local files (``caremarket templates`` writes the
skeletons, whose guidance sits in ``<!-- comments -->`` that are never published). A slot left empty, or holding
only the skeleton's guidance, is unwritten: a draft marks it, ``run --final`` refuses it.

Authored text may cite any computed figure by name, ``{{ care_homes.occupancy_pct }}`` (any key of
key_figures.json; ``services.`` may be left out), printed in the statement's number style, so the prose stays
true on next year's rerun. It is confined: raw HTML or TeX, Quarto shortcodes (includes), images from outside its
folder (or not PNG/JPEG) and links other than web, e-mail, telephone and in-page anchors are errors naming the
file and line. What is published is pandoc's own rewriting of the checked document, so nothing unchecked passes.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pypandoc

from helpers.errors import InputError
from helpers.present import wording
from helpers.present.escape import markdown
from helpers.services import SERVICES, title

FOLDER_SUFFIX = "_statement"  # <CODE>_statement/ beside the council's other local files
MAX_BYTES = 200_000
COMMENT = re.compile(r"<!--.*?-->", re.S)
CITATION = re.compile(r"\{\{(?![<%])\s*(.*?)\s*\}\}")
SHORTCODE = re.compile(r"\{\{\s*[<%]")
FIGURE_NAME = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:", "#")
READER = "markdown-raw_tex"  # raw TeX would be read as text anyway; raw HTML is read so it can be refused
WRITER = "markdown-raw_html-raw_attribute-raw_tex-native_divs-native_spans-fenced_divs-bracketed_spans-header_attributes-link_attributes-inline_code_attributes-fenced_code_attributes"
MONEY_WORDS = ("gbp", "cost", "rate", "price", "impact", "pay", "fee")


@dataclass(frozen=True)
class Slot:
    """A place in the statement for the council's own text."""

    key: str
    title: str
    guidance: str
    service: str | None = None

    @property
    def file_name(self) -> str:
        """The slot's file in the council's statement folder."""
        return f"{self.key}.md"


def slots(services: list[str] | tuple[str, ...] = SERVICES) -> list[Slot]:
    """Every slot of a statement covering these services, in the order the statement places them."""
    per_service = [s for service in services if service in SERVICES for s in _service_slots(service)]
    return [
        Slot("introduction", "Introduction and vision",
             "Why the council publishes this statement and who it is for; the council's vision for adult social "
             "care and the outcomes it wants for people; the main messages for providers this year."),
        *per_service,
        Slot("risks", "Risks and contingency",
             "The main risks to the care market over the next one to three years and what the council will do "
             "about each; how the council will respond if a provider fails or leaves the market."),
        Slot("working_with_us", "Working with us",
             "How to contact the commissioning team (a shared mailbox, not a person's name); how to become a "
             "provider (frameworks, the procurement portal); provider forums and how to join them."),
        Slot("how_produced", "How this statement was produced",
             "Who the council engaged and co-produced this statement with (people who use services and carers, "
             "providers, health partners), how, and when; how readers can comment on it."),
    ]


def _service_slots(service: str) -> list[Slot]:
    name = title(service).lower()
    return [
        Slot(f"{service}_more_of", f"{title(service)}: what we want to see more of",
             f"Three to five short bullet points: the {name} the council wants to buy more of (kinds of service, "
             "places, specialisms). They are shown on the at-a-glance page and at the start of the chapter.",
             service),
        Slot(f"{service}_less_of", f"{title(service)}: what we want to see less of",
             f"Three to five short bullet points: the {name} the council wants to buy less of, or stop buying. "
             "They are shown on the at-a-glance page and at the start of the chapter.", service),
        Slot(f"{service}_opportunities", f"{title(service)}: opportunities and procurement timetable",
             f"Opportunities for {name} providers: tenders, frameworks and when they open, contract values and "
             "lengths where they can be published, and whom to contact.", service),
    ]


def skeleton(slot: Slot) -> str:
    """The file `caremarket templates` writes for a slot: guidance in a comment, so an unedited file is unwritten."""
    return (f"<!--\n{slot.title}\n\n{slot.guidance}\n\n"
            "Write Markdown below this comment (headings, lists, bold, links to web pages or e-mail addresses).\n"
            "Cite a computed figure by name and it is printed from this year's data, e.g.\n"
            "  Occupancy of care homes was {{ care_homes.occupancy_pct }} on the latest return.\n"
            "Any name in the statement's key_figures.json works; a misspelt name stops the run and suggests the "
            "closest names.\nThis comment is never published. Leave the file with only this comment to keep the "
            "slot unwritten (a draft shows it as 'to be written by the council').\n-->\n")


def folder(data_dir: Path, code: str, year: int | None = None) -> Path | None:
    """The council's statement folder, any case, anywhere under the data folder: <CODE>_statement_<YEAR>/ when the
    council keeps each year's text apart (so a past statement reproduces exactly), else <CODE>_statement/; None."""
    names = ([f"{code}{FOLDER_SUFFIX}_{year}"] if year else []) + [f"{code}{FOLDER_SUFFIX}"]
    candidates: dict[str, list[Path]] = {name.casefold(): [] for name in names}
    for root, dirs, _ in os.walk(data_dir):  # one walk for both names (England's data: 1,500 files, ≈ 10 ms)
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # nor anything under a hidden folder
        for d in dirs:
            if d.casefold() in candidates:
                candidates[d.casefold()].append(Path(root) / d)
    for name in names:
        found = sorted(candidates[name.casefold()])
        if len(found) > 1:
            raise InputError(f"two statement folders {name} for {code}: {found[0]} and {found[1]}; keep one")
        if found:
            return found[0]
    return None


def read(path: Path) -> str:
    """A slot file's text as the author wrote it, its guidance comments removed (line numbers kept)."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise InputError(f"{len(raw):,} bytes; a slot's text must be under {MAX_BYTES:,} bytes", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"line {line}: not UTF-8 text (save the file as UTF-8)", file=path) from None
    if "\x00" in text:
        raise InputError("contains NUL bytes: not a text file", file=path)
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text.replace("\r\n", "\n"))


def texts(data_dir: Path, code: str, services: list[str], year: int | None = None) -> dict[str, tuple[Path, str]]:
    """Slot key → (file, text) for every written slot of the council (unwritten slots are absent)."""
    home = folder(data_dir, code, year)
    if home is None:
        return {}
    written = {}
    for slot in slots(services):
        path = home / slot.file_name
        if path.is_file():
            text = read(path)
            if text.strip():
                written[slot.key] = (path, text)
    return written


def unwritten(data_dir: Path, code: str, services: list[str], year: int | None = None) -> list[Slot]:
    """The slots the council has not written yet (what `run --final` refuses)."""
    written = texts(data_dir, code, services, year)
    return [s for s in slots(services) if s.key not in written]


# ------------------------------------------------------------------------------------------- figures


def figure_names(key_figures: dict[str, Any]) -> dict[str, Any]:
    """Every citable figure: dotted name → value (service figures also without their ``services.`` prefix)."""
    names: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif not isinstance(value, list):
            names[prefix] = value

    walk("", key_figures)
    for name, value in list(names.items()):
        if name.startswith("services."):
            names.setdefault(name.removeprefix("services."), value)
    return names


def styled(name: str, value: Any) -> str:
    """A cited figure in the statement's number style (percentages, money, whole numbers, years, dates)."""
    leaf = name.rsplit(".", 1)[-1]
    if value is None:
        return wording.NOT_AVAILABLE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if leaf == "year" or leaf.endswith("_year") and 1900 < value < 2200:
            return wording.year(int(value))
        if "pct" in leaf.split("_") or leaf.endswith("_share"):
            return wording.percent(value)
        if any(w in leaf for w in MONEY_WORDS) and "pct" not in leaf:
            return wording.money(value, pence=abs(value) < 10_000)
        if float(value).is_integer() or abs(value) >= 100:
            return wording.whole(value)
        return wording.number(value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return wording.day(text)
    return text


def cite(text: str, path: Path, figures: dict[str, Any]) -> str:
    """Replace every ``{{ name }}`` with the figure in house style; an unknown name is an error with suggestions."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if SHORTCODE.search(line):
            raise InputError(f"line {number}: Quarto shortcodes such as {{{{< include >}}}} are not allowed in the "
                             "council's text", file=path)

        def replace(match: re.Match[str], number: int = number) -> str:
            name = match.group(1)
            if not FIGURE_NAME.fullmatch(name):
                raise InputError(f"line {number}: {{{{ {name} }}}} is not a figure name (expected letters, digits, "
                                 "underscores and dots, e.g. {{ care_homes.occupancy_pct }})", file=path)
            if name not in figures:
                close = difflib.get_close_matches(name, list(figures), n=5, cutoff=0.6)
                hint = ("; closest known names: " + ", ".join(close)) if close else (
                    "; see key_figures.json for the names")
                raise InputError(f"line {number}: unknown figure {{{{ {name} }}}}{hint}", file=path)
            return markdown(styled(name, figures[name]))

        out.append(CITATION.sub(replace, line))
    return "\n".join(out)


# ------------------------------------------------------------------------------------------- confinement


def _line_of(text: str, fragment: str) -> int | None:
    probe = fragment.strip().split("\n")[0][:40]
    at = text.find(probe) if probe else -1
    return text[:at].count("\n") + 1 if at >= 0 else None


def _where(text: str, fragment: str) -> str:
    line = _line_of(text, fragment)
    return f"line {line}: " if line else ""


def _nodes(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _pandoc(args: list[str], source: bytes) -> bytes:
    result = subprocess.run([pypandoc.get_pandoc_path(), "--sandbox", *args], input=source, capture_output=True)
    if result.returncode != 0:
        raise InputError(f"pandoc could not read the council's text: {result.stderr.decode(errors='replace')}")
    return result.stdout


def confine(text: str, path: Path, project: Path, level: int) -> str:
    """The author's Markdown, checked and rewritten by pandoc: no raw markup, includes, outside images or odd links.

    Headings sit under the slot's own: the author's heading levels, in order, become ``level``, ``level + 1``, …
    (no level skipped, as a tagged PDF requires); element ids and classes are dropped (ids are the statement's);
    images in the slot's folder are copied into the project's ``authored/`` folder.
    """
    doc = json.loads(_pandoc([f"--from={READER}", "--to=json"], text.encode("utf-8")))
    used = sorted({node["c"][0] for node in _nodes(doc["blocks"]) if node["t"] == "Header"})
    levels = {old: min(6, level + i) for i, old in enumerate(used)}
    for node in _nodes(doc["blocks"]):
        kind, content = node["t"], node.get("c")
        if kind in ("RawBlock", "RawInline"):
            raise InputError(f"{_where(text, content[1])}raw {content[0].upper()} is not allowed in the council's "
                             f"text ({content[1].strip()[:60]!r}); write plain Markdown", file=path)
        if kind == "Header":
            content[0] = levels[content[0]]
        if kind in ("Header", "Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table"):
            attr = content[0] if kind in ("Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table") else content[1]
            attr[0], attr[1], attr[2] = "", [], []
        if kind == "Link":
            target = content[2][0]
            if not target.startswith(LINK_SCHEMES):
                raise InputError(f"{_where(text, target)}link to {target!r} refused: links must be to a web page "
                                 "(https://…), an e-mail address (mailto:…) or a telephone number (tel:…)", file=path)
        if kind == "Image":
            content[2][0] = _copy_image(content[2][0], text, path, project)
    out = _pandoc(["--from=json", f"--to={WRITER}", "--wrap=none"], json.dumps(doc).encode("utf-8")).decode("utf-8")
    if SHORTCODE.search(out):
        raise InputError("the text would publish a Quarto shortcode ({{< … >}}); remove the braces", file=path)
    return out


def _copy_image(target: str, text: str, path: Path, project: Path) -> str:
    source = (path.parent / target).resolve()
    if (re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or not source.is_relative_to(path.parent.resolve())
            or source.suffix.lower() not in IMAGE_SUFFIXES or not source.is_file()):
        raise InputError(f"{_where(text, target)}image {target!r} refused: an image must be a PNG or JPEG file in "
                         f"the statement folder {path.parent.name}/", file=path)
    dest = Path(project) / "authored" / source.relative_to(path.parent.resolve())
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest.relative_to(project).as_posix()


def placeholder(slot: Slot) -> str:
    """What a draft shows for an unwritten slot."""
    return (f"::: {{.callout-important}}\n## To be written by the council\n{markdown(slot.title)}: "
            f"{markdown(slot.guidance)}\n:::\n")


def publishable(written: dict[str, tuple[Path, str]], services: list[str], key_figures: dict[str, Any],
                project: Path, levels: dict[str, int]) -> dict[str, str]:
    """Slot key → the Markdown the statement includes: the council's checked text (``written``, as ``texts`` reads
    it; its headings from ``levels[slot]``, default 3), or a draft's placeholder."""
    figures = figure_names(key_figures)
    out = {}
    for slot in slots(services):
        if slot.key in written:
            path, text = written[slot.key]
            out[slot.key] = confine(cite(text, path, figures), path, project, levels.get(slot.key, 3))
        else:
            out[slot.key] = placeholder(slot)
    return out


TEMPLATE_FOLDER = "CODE_statement"
TEMPLATE_README = """# The council's own text in its Market Position Statement

One Markdown file per section the council writes. Rename this folder to your council's ONS code followed by
`_statement` (for example `E08000019_statement`) and put it beside your other local files in the data folder.

Each file starts with guidance in a comment (`<!-- … -->`), which is never published. A file holding only its
comment is unwritten: a draft statement shows "to be written by the council" there, and `caremarket run --final`
refuses to publish until every file is written.

Cite a computed figure by name, e.g. `{{ care_homes.occupancy_pct }}`: any name in the statement's
key_figures.json works (`services.` may be left out). A misspelt name stops the run, naming the file and line
and suggesting the closest names. Raw HTML, Quarto shortcodes, images outside this folder (PNG or JPEG only)
and links other than https://, mailto: and tel: are refused.
"""


def write_skeletons(out_dir: Path) -> list[Path]:
    """`caremarket templates`: the slot files with their guidance, in CODE_statement/ under out_dir."""
    home = Path(out_dir) / TEMPLATE_FOLDER
    home.mkdir(parents=True, exist_ok=True)
    (home / "README.md").write_text(TEMPLATE_README, encoding="utf-8")
    written = [home / "README.md"]
    for slot in slots():
        (home / slot.file_name).write_text(skeleton(slot), encoding="utf-8")
        written.append(home / slot.file_name)
    return written
