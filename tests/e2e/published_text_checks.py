"""Scanners of a run's published text for the house style (helpers.present.wording) and plain English.

``published_texts(folder)`` collects every published text of one council's run as (where, text) pairs:
the visible text of mps.html (tags, scripts and styles stripped; from each chart's JSON spec only what a
reader sees: titles, axis titles, tick and bar labels, legend names, annotations), every text cell of
mps_data.xlsx (and number cells in year columns shown with a thousands separator), and the prose strings of
key_figures.json. Each check is a function of one text returning the defects it finds (empty when clean);
``scan`` runs them all. The checks' own tests (tests/e2e/test_published_text.py) show each fails on a
deliberately defective string.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterator

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")
MAX_WORDS = 35

# --- the checks: text -> defects ---------------------------------------------------------------------------

_COUNT_NOUNS = (r"beds?|homes?|locations?|providers?|people|persons?|hours?|actions?|sessions?|calls?|places?|"
                r"clients?|residents?|staff|jobs?|posts?|vacancies|returns?|weeks?|councils?")
_YEAR_WORDS = r"in|since|to|from|by|year|years|until|between|during|before|after|march|april"
# "in 2,024", "2,024–25", "2,024/25"; not a count ("from 2,096 hours") nor a range of counts ("1,000 to 2,000").
_SEPARATED_YEAR = re.compile(rf"\b(?i:{_YEAR_WORDS})\s+(2,0\d\d)\b(?![,.]\d)(?!\s+(?:{_COUNT_NOUNS}|a week|a year)\b)"
                             r"|\b(2,0\d\d)\s*[–\-/]\s*\d\d\b(?![,.]\d)")


def separated_years(text: str) -> list[str]:
    """Years written with a thousands separator ("in 2,024", "2,024–25"); a year column's cell is given as
    "Year 2,024" by the collectors."""
    hits = []
    for m in _SEPARATED_YEAR.finditer(text):
        if re.search(r"\d\s*[–\-]?\s*$", text[:m.start()]):
            continue  # the end of a range of counts: "1,000 to 2,000", "1,000–2,000"
        hits.append(m.group(0).strip())
    return hits


def midnight_times(text: str) -> list[str]:
    """Dates printed with a midnight time ("2026-11-01 00:00:00")."""
    return re.findall(r"\S*\s?00:00:00", text)


_SNAKE = re.compile(r"(?<![\w./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./\\-])")


def snake_case(text: str) -> list[str]:
    """Raw column or variable names ("beds_total", "occupancy_pct") in published text."""
    return _SNAKE.findall(text)


_POINT_ZERO = re.compile(rf"\b\d[\d,]*\.0+\s+(?:{_COUNT_NOUNS})\b|^\s*[−\-]?\d{{4,}}\.0+\s*$")


def point_zero_counts(text: str) -> list[str]:
    """Whole counts written with a decimal point ("3356.0", "12.0 beds")."""
    return [m.group(0).strip() for m in _POINT_ZERO.finditer(text)]


_LEADING_ZERO_DATE = re.compile(rf"\b0\d (?:{MONTHS}) \d{{4}}\b")


def leading_zero_dates(text: str) -> list[str]:
    """Dates with a leading zero on the day ("01 November 2026")."""
    return _LEADING_ZERO_DATE.findall(text)


def signed_zero(text: str) -> list[str]:
    """A rounded zero with a sign ("-0%", "+0.0%", "−0%")."""
    return [m.group(0) for m in re.finditer(r"(?<![\w.])[-−+]0(?:\.0+)?%", text)]


def bracket_plurals(text: str) -> list[str]:
    """Plurals left to the reader ("action(s)", "provider(s)")."""
    return re.findall(r"\w+\(s\)|\w+\(es\)", text)


def hyphen_minus(text: str) -> list[str]:
    """The ASCII hyphen-minus used as a number's sign ("-3%"): the house minus is "−" (U+2212)."""
    return [m.group(0) for m in re.finditer(r"(?<![\w\d])-\d[\d,.]*%?", text)]


def hyphen_ranges(text: str) -> list[str]:
    """Ranges of years or ages with a hyphen ("2024-25", "18-64"): ranges take an en dash."""
    return re.findall(r"(?<![\w.\-/])\d{1,4}-\d{1,4}(?![\w\-/])", text)


_INTERNAL = re.compile(r"params/|docs/|\.ya?ml\b|QUARTILE|\bparams\b|\.py\b|\.md\b|\.ipynb\b")


def internal_references(text: str) -> list[str]:
    """File paths, parameter files and spreadsheet functions ("params/comparators.yml", "QUARTILE.INC")."""
    return [m.group(0) for m in _INTERNAL.finditer(text)]


# A sentence ends at . ! ? followed by a space and a capital, a digit or a quote; abbreviations and decimals
# ("e.g.", "1.5") do not end one.
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)[.!?](?=\s+[\"'“‘(\[A-Z0-9£−])|[.!?]\s*$")


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def words(sentence: str) -> int:
    """Words in a sentence (a number, a date part or a symbol-joined token is one word)."""
    return len(re.findall(r"[^\s–—:;,()]+", sentence.replace("—", " ")))


def citation(text: str) -> bool:
    """A source line ("Source: CQC care directory, 1 November 2026; ONS …"): a list of the sources a table or chart
    draws on, one per semicolon, not a sentence of prose (its length is the number of sources)."""
    return text.lstrip().startswith("Source: ")


def long_sentences(text: str, limit: int = MAX_WORDS) -> list[str]:
    """Sentences of prose over ``limit`` words (a source line is a list, not prose)."""
    if citation(text):
        return []
    return [f"{words(s)} words: {s}" for s in sentences(text) if words(s) > limit]


CHECKS: dict[str, Callable[[str], list[str]]] = {
    "separated year": separated_years, "midnight time": midnight_times, "snake_case name": snake_case,
    "whole count with .0": point_zero_counts, "leading-zero date": leading_zero_dates, "signed zero": signed_zero,
    "(s) plural": bracket_plurals, "hyphen-minus sign": hyphen_minus, "hyphen range": hyphen_ranges,
    "internal reference": internal_references, "sentence over 35 words": long_sentences,
}


# Checks that do not apply to the council's own text shown as given (an action "Agree the 2027-28 uplift").
NOT_FOR_INPUT_TEXT = {"hyphen range", "hyphen-minus sign", "snake_case name", "sentence over 35 words"}


def scan(texts: list[tuple[str, str]], checks: dict[str, Callable[[str], list[str]]] = CHECKS,
         input_text: set[str] = frozenset()) -> dict[str, list[str]]:
    """Every defect found, by check: "<where>: <what>". A text that is one of the inputs' own texts (a cell of
    the council's action plan, a provider's name) is literal input, so NOT_FOR_INPUT_TEXT checks skip it."""
    found: dict[str, list[str]] = {name: [] for name in checks}
    for where, text in texts:
        given = " ".join(text.split()) in input_text
        for name, check in checks.items():
            if not (given and name in NOT_FOR_INPUT_TEXT):
                found[name] += [f"{where}: {hit}" for hit in check(text)]
    return found


# Columns of the published tables that hold the inputs' own text (action plan, KPIs, provider and fee band names).
INPUT_COLUMNS = ("theme", "action", "owner", "kpi", "name", "band", "cost_line", "group", "category", "Fee band")


def input_texts(folder: Path) -> set[str]:
    """The inputs' own texts the run publishes as given: every cell of INPUT_COLUMNS in the artefacts' tables."""
    import csv
    out: set[str] = set()
    for path in (Path(folder) / "source" / "artefacts").glob("*/*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                out |= {" ".join(str(row[c]).lstrip("'").split()) for c in INPUT_COLUMNS if row.get(c)}
    return out


# --- collecting a run's published text ---------------------------------------------------------------------

class _Visible(HTMLParser):
    """The visible text of a page, one block (paragraph, list item, cell, heading, caption) per entry, with the
    header of a table cell's column; chart specs kept aside; the chart's alt text (visually hidden, for screen
    readers) counts as visible."""

    BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "title", "dt",
              "dd", "div", "summary", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []
        self.specs: list[str] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._skip = 0
        self._spec: list[str] | None = None
        self._headers: list[str] = []
        self._column = -1
        self._body_row = False

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        tag = self._stack[-1] if self._stack else "text"
        if tag == "th" and not self._body_row:
            self._headers.append(text)
        if text:
            header = self._headers[self._column] if tag == "td" and 0 <= self._column < len(self._headers) else ""
            self.blocks.append((tag, text, header))
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._flush()
            self._skip += 1
            if tag == "script" and "chart-spec" in (dict(attrs).get("class") or ""):
                self._spec = []
            return
        if tag == "table":
            self._headers, self._body_row = [], False
        elif tag == "tr":
            self._column = -1
        elif tag == "td":
            self._body_row = True
        if tag in ("td", "th"):
            self._column += 1
        if tag in self.BLOCKS:
            self._flush()
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
            if self._spec is not None:
                self.specs.append("".join(self._spec))
                self._spec = None
            return
        if tag in self.BLOCKS:
            self._flush()
        if self._stack and tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._skip:
            if self._spec is not None:
                self._spec.append(data)
            return
        self._text.append(data)


def _year_column(header: str) -> bool:
    return bool(re.search(r"\byear\b", header, re.IGNORECASE))


def chart_texts(spec: dict) -> Iterator[str]:
    """What a reader sees of a Plotly figure: title, axis titles, tick labels, legend names, bar labels, annotations."""
    layout = spec.get("layout", {})

    def text_of(title):
        return title.get("text") if isinstance(title, dict) else title

    if text_of(layout.get("title")):
        yield text_of(layout["title"])
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            if text_of(axis.get("title")):
                yield text_of(axis["title"])
            yield from (str(t) for t in axis.get("ticktext") or [])
    for note in layout.get("annotations") or []:
        if note.get("text"):
            yield str(note["text"])
    for trace in spec.get("data", []):
        if trace.get("name"):
            yield str(trace["name"])
        text = trace.get("text")
        if isinstance(text, str):
            yield text
        elif isinstance(text, list):
            yield from (str(t) for t in text if t is not None)
        for axis in ("x", "y"):  # category labels (strings) are shown on the axis
            values = trace.get(axis)
            if isinstance(values, list):
                yield from (v for v in values if isinstance(v, str) and not re.fullmatch(r"[\d\-T:. +]+", v))


def html_texts(html: str) -> list[tuple[str, str]]:
    """(where, text) for every visible block of a page and every visible text of its charts."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    out = []
    for tag, text, header in parser.blocks:
        out.append((f"mps.html <{tag}>" + (f" [{header}]" if header else ""), text))
        if _year_column(header) and not re.search(r"[A-Za-z]", text):
            out.append((f"mps.html <{tag}> [{header}]", f"Year {text}"))  # a year column's cell, read as a year
    for n, raw in enumerate(parser.specs, 1):
        try:
            spec = json.loads(raw)
        except ValueError:
            continue
        title = (spec.get("layout", {}).get("title") or {})
        name = title.get("text") if isinstance(title, dict) else title
        out += [(f"mps.html chart {n} ({name})", text) for text in chart_texts(spec)]
    return out


def prose_paragraphs(html: str) -> list[str]:
    """The page's generated prose: paragraphs, list items and captions (not table cells, headings or chart labels)."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return [text for tag, text, _ in parser.blocks if tag in ("p", "li", "figcaption", "caption")]


def workbook_texts(path: Path) -> list[tuple[str, str]]:
    """Every text cell of a workbook, and "2,024" for a year in a year column shown with a thousands separator."""
    from openpyxl import load_workbook
    out = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        headers = {c.column: str(c.value or "") for c in ws[1]}
        for row in ws.iter_rows():
            for cell in row:
                where = f"mps_data.xlsx {ws.title}!{cell.coordinate}"
                header = headers.get(cell.column, "")
                if isinstance(cell.value, str):
                    out.append((where, cell.value))
                    if cell.row > 1 and _year_column(header) and not re.search(r"[A-Za-z]", cell.value):
                        out.append((where, f"Year {cell.value}"))
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    if cell.row > 1 and _year_column(header):
                        shown = f"{cell.value:,.0f}" if "," in (cell.number_format or "") else f"{cell.value:g}"
                        out.append((where, shown))  # a year shown as "2,024" by a "#,##0" format
    return out


def json_texts(data: object, where: str = "key_figures.json") -> list[tuple[str, str]]:
    """The prose strings (those with a space) of a JSON document; codes, keys, ISO dates and file names are not prose."""
    out: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("file",):
                continue
            out += json_texts(value, f"{where}/{key}")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            out += json_texts(value, f"{where}/{n}")
    elif isinstance(data, str) and " " in data.strip():
        out.append((where, data))
    return out


def published_texts(folder: Path) -> list[tuple[str, str]]:
    """Every published text of one council's run folder (mps.html, mps_data.xlsx, key_figures.json)."""
    folder = Path(folder)
    texts = html_texts((folder / "mps.html").read_text(encoding="utf-8"))
    texts += workbook_texts(folder / "mps_data.xlsx")
    texts += json_texts(json.loads((folder / "key_figures.json").read_text(encoding="utf-8")))
    return texts


def sentence_statistics(paragraphs: list[str]) -> dict[str, float]:
    """Count, average words and how many are over 25 and over 35 words, of the sentences of some paragraphs."""
    counts = [words(s) for p in paragraphs if not citation(p) for s in sentences(p)]
    return {"sentences": len(counts), "average_words": round(sum(counts) / len(counts), 1) if counts else 0.0,
            "over_25": sum(c > 25 for c in counts), "over_35": sum(c > 35 for c in counts)}


# --- whose text: the run's own artefacts, or the statement assembler's ------------------------------------


def normal(text: str) -> str:
    """Text as compared across formats: one space for any run of white space, straight quotes, no ellipsis glyph."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.replace("\u2026", "...").replace("\u00a0", " ").split())


def strings_in(data: object) -> Iterator[str]:
    """Every string in parsed JSON (dict values and list items, at any depth)."""
    if isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str):
        yield data


def artefact_corpus(folder: Path) -> str:
    """Every text the run's notebooks wrote for the statement (messages, notes, captions, source lines, tables,
    charts, warnings), normalised: text found in it was generated here, not by the statement assembler."""
    import html as html_module
    parts: list[str] = []
    for service in sorted((Path(folder) / "source" / "artefacts").iterdir()):
        if not service.is_dir():
            continue
        for path in sorted(service.iterdir()):
            if path.suffix == ".json":
                parts += strings_in(json.loads(path.read_text(encoding="utf-8")))
            elif path.suffix == ".md":
                text = path.read_text(encoding="utf-8")
                parts.append(html_module.unescape(re.sub(r"\\(.)", r"\1", text)))
                parts += [cell for line in text.splitlines() for cell in re.split(r"(?<!\\)\|", line)]
                parts[-1:] = [re.sub(r"\\(.)", r"\1", p) for p in parts[-1:]]
    return "\n".join(normal(re.sub(r"\\(.)", r"\1", p)) for p in parts)


def generated_here(where: str, text: str, corpus: str) -> bool:
    """Whether a published text was generated by the run's own code (assess, tables, charts, the data workbook)
    rather than written by the statement assembler (its headings, banner, method, lists of captions and sources)."""
    if where.startswith("mps_data.xlsx"):
        return True
    if where.startswith("key_figures.json"):
        return where.startswith(("key_figures.json/services/", "key_figures.json/oversight/"))
    shown = normal(text)
    return shown in corpus or (shown.startswith("Year ") and shown[5:] in corpus)


def generated_prose(folder: Path) -> list[str]:
    """The page's prose generated by the run's own code: its paragraphs, list items and captions found in the
    artefacts (the assembler's own paragraphs and lists left out)."""
    corpus = artefact_corpus(folder)
    html = (Path(folder) / "mps.html").read_text(encoding="utf-8")
    return [p for p in prose_paragraphs(html) if generated_here("mps.html", p, corpus)]


_DATED = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b|\b\d{{4}}[–/]\d\d\b|\b\d{{4}}-based\b|\b\d{{4}} to \d{{4}}\b")


def sections_without_source(folder: Path) -> list[str]:
    """Sections with a table or chart whose source line is missing or names no date; charts without a source."""
    problems = []
    for path in sorted((Path(folder) / "source" / "artefacts").glob("*/key_figures.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        for section in summary.get("sections", []):
            source = section.get("source") or ""
            if section.get("items") and not (source.startswith("Source: ") and _DATED.search(source)):
                problems.append(f"{path.parent.name}/{section['key']}: {source!r}")
    html = (Path(folder) / "mps.html").read_text(encoding="utf-8")
    for figure in re.findall(r'<figure class="chart".*?</figure>', html, flags=re.DOTALL):
        caption = re.search(r'<figcaption class="source">(.*?)</figcaption>', figure, flags=re.DOTALL)
        if not caption or not _DATED.search(caption.group(1)):
            problems.append(f"chart without a dated source: {figure[:120]}")
    return problems
