"""Hostile input end to end (issue 13 item 7): every input text cell is published as data, never as markup.

One pipeline run (Sheffield, demo data) with a matrix of payloads — markup, scripts, includes, images, URLs,
formulas, ``@``, line breaks, very long text, control characters, right-to-left text — written into the text
columns of the CQC care directory (provider, brand and location names) and of every local template
(action plan, KPIs, fee rates, occupancy, home care activity, financial sustainability, provider
intelligence, cost returns). Each cell carries a unique marker ``PAYLOAD<nn><column tag>[<cycle>]`` (e.g.
``PAYLOAD07act``) so it can be found wherever it lands. Then every output is checked:

- the run succeeds (no payload may fail it);
- ``mps.html`` (parsed with the standard library, and opened in headless Chromium): no element or
  attribute came from a payload, no script ran, and every payload that reached the page shows its text
  literally; a line break or a ``|`` inside a cell stays inside its table row;
- nothing was read or fetched: a local HTTP server counts requests (the run and the page must make none),
  and a secret file (named by an include and by an image) appears nowhere in the output, nor as a data URI;
- ``mps.pdf`` shows the payloads literally (``@``, ``*``, ``$``, ``=HYPERLINK``) and links nowhere;
- ``mps_data.xlsx`` has no formula cell and holds the payloads as text; the published CSVs are neutralised;
- the internal provider risk dashboard (where the provider-level columns of home care activity, provider
  intelligence and financial sustainability land) shows them as text, and its CSV is neutralised too.

Mutation-checked by hand (a sitecustomize patching the product in every process of the run): without
``escape.markdown`` the run fails; without ``escape.plotly_figure`` the script-JSON and browser tests fail;
without the xlsx string-cell guard the workbook test fails; with artefact CSVs written by plain ``to_csv``
the CSV test fails. (``escape.script_json`` alone is not observable here: plotly_figure has already turned
every ``<`` of input text into an entity.)
"""
from __future__ import annotations

import base64
import csv
import http.server
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from published_text_checks import strings_in

pytestmark = pytest.mark.slow

COUNCIL, YEAR = "E08000019", "2026"
CHROMIUM = "/usr/bin/chromium"
MARKER = re.compile(r"PAYLOAD(\d\d)([a-z]+)(\d*)")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------------- the payloads


@dataclass(frozen=True)
class Context:
    """What payloads point at: the counting HTTP server and the secret files nobody may read."""

    port: int
    secret_txt: Path
    secret_png: Path

    @property
    def relative_secret(self) -> str:
        # enough ../ to reach / from any working directory the renderer may use, then the absolute path
        return "../" * 24 + str(self.secret_txt).lstrip("/")


PAYLOADS = {  # number: template (marker, context) -> the cell's text
    1: lambda m, c: f"<img src=x onerror=alert(1)>{m}",
    2: lambda m, c: f"<script>alert(2)</script>{m}",
    3: lambda m, c: f"*{m}*",
    4: lambda m, c: f"_{m}_",
    5: lambda m, c: f"${m}$",
    6: lambda m, c: f"\\textbf{{{m}}}",
    7: lambda m, c: f"<b>{m}</b>",
    8: lambda m, c: f"[{m}](http://127.0.0.1:{c.port}/link)",
    9: lambda m, c: f"![{m}](http://127.0.0.1:{c.port}/img.png)",
    10: lambda m, c: f"![{m}]({c.secret_png})",
    11: lambda m, c: f"{{{{< include {c.secret_txt} >}}}} {m}",
    12: lambda m, c: f"@{m} team",
    13: lambda m, c: f"x @{m}",
    14: lambda m, c: f'=HYPERLINK("http://127.0.0.1:{c.port}/f","{m}")',
    15: lambda m, c: f"+{m}",
    16: lambda m, c: f"-{m}",
    17: lambda m, c: f"line one\n{m} line two",
    18: lambda m, c: f"{m} " + "very long text " * 300,
    19: lambda m, c: f"{m}\x07\x1b",
    20: lambda m, c: f"{m} \u202eRTL override\u202c مرحبا",
    21: lambda m, c: f"{m} | pipe | in cell",
    22: lambda m, c: f"&lt;{m}&amp;",
    23: lambda m, c: f"{{{{< include {c.relative_secret} >}}}} {m}",  # 11 with a relative ../ path
}
NUMBERS = sorted(PAYLOADS)


@dataclass(frozen=True)
class Column:
    """A text column to fill: tag (in the marker), file (under the data folder), sheet, header.

    ``group``: the header whose value identifies one entity (all its rows get the same payload, so a
    provider keeps one name); None: every row is its own entity. ``offset`` staggers the payloads so
    that columns with few entities still get different ones. ``council``: (header, value) rows to use.
    """

    tag: str
    file: str
    sheet: str
    header: str
    group: str | None = None
    offset: int = 0
    council: tuple[str, str] | None = None
    order_by: str | None = None  # a numeric header: entities with the largest total first (published first)
    numbers: tuple[int, ...] | None = None  # the payloads to use, in row order (instead of offset)


CQC_FILE = "cqc/01_November_2026_HSCA_Active_Locations.xlsx"
CQC_SHEET = "HSCA_Active_Locations"
LOCAL = "local/" + COUNCIL + "_{}.xlsx"
SHEFFIELD = ("Location Local Authority", "Sheffield")
COLUMNS = [
    Column("pn", CQC_FILE, CQC_SHEET, "Provider Name", group="Provider ID", offset=0, council=SHEFFIELD,
           order_by="Care homes beds"),
    Column("bn", CQC_FILE, CQC_SHEET, "Brand Name", group="Brand ID", offset=5, council=SHEFFIELD,
           order_by="Care homes beds"),
    Column("ln", CQC_FILE, CQC_SHEET, "Location Name", group="Location ID", offset=11, council=SHEFFIELD,
           order_by="Care homes beds"),
    Column("act", LOCAL.format("action_plan"), "Action plan", "Action", offset=0),
    Column("own", LOCAL.format("action_plan"), "Action plan", "Owner (role)", offset=11),
    Column("nt", LOCAL.format("action_plan"), "Action plan", "Notes", offset=6),
    Column("kpi", LOCAL.format("kpis"), "KPIs", "KPI", group="KPI", offset=2),
    Column("per", LOCAL.format("kpis"), "KPIs", "Period", group="Period", offset=13),
    # fee bands label the cost-gap charts (home care, supported living, day opportunities: rows 5-9), so these
    # rows get the payloads plotly.js would read as markup (<img>, <b>, <script>, entities)
    Column("band", LOCAL.format("fee_rates"), "Fee rates", "Band or category",
           numbers=(10, 11, 12, 13, 1, 7, 2, 8, 22)),
    Column("occ", LOCAL.format("occupancy"), "Occupancy", "Care home name", group="Location ID", offset=4),
    Column("hcp", LOCAL.format("home_care_activity"), "Home care activity", "Provider name", group="Provider ID",
           offset=7, order_by="Delivered hours"),
    Column("zone", LOCAL.format("home_care_activity"), "Home care activity", "Zone", group="Zone", offset=16),
    Column("hcid", LOCAL.format("home_care_activity"), "Home care activity", "Provider ID", group="Provider ID",
           offset=19, order_by="Delivered hours"),
    Column("fsn", LOCAL.format("financial_sustainability"), "Financial sustainability", "Care home name",
           group="Location ID", offset=3),
    Column("piln", LOCAL.format("provider_intelligence"), "Provider intelligence", "Location name", offset=8),
    Column("pipn", LOCAL.format("provider_intelligence"), "Provider intelligence", "Provider", group="Provider",
           offset=14),
    Column("crid", LOCAL.format("cost_returns"), "Cost returns", "Provider ID", group="Provider ID", offset=1),
]
ACTION_PLAN_ROWS = len(PAYLOADS)  # the plan is extended to one row per payload, so Action gets every one


def marker(number: int, tag: str, cycle: int) -> str:
    return f"PAYLOAD{number:02d}{tag}{cycle or ''}"


# ------------------------------------------------------------------------------------- writing the inputs


def _png(text: str) -> bytes:
    """A valid 1×1 PNG carrying text in a tEXt chunk (so its bytes are unique to this run)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + text.encode()) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + chunk(b"IEND", b""))


def _excel_cell_text(text: str) -> str:
    """Control characters as Excel stores them in xlsx XML (_xHHHH_), which readers decode back."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def _header_row(ws) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=20):
        values = [c.value for c in row]
        if any(isinstance(v, str) and v.strip() for v in values) and len([v for v in values if v]) > 2:
            return row[0].row, {str(v): i for i, v in enumerate(values) if v is not None}
    raise AssertionError(f"no header row in {ws.title}")


def _extend_action_plan(ws, header_row: int, width: int) -> None:
    """Repeat the demo rows (themes, services, dates, statuses) until the plan has one row per payload."""
    rows = [[c.value for c in r[:width]] for r in ws.iter_rows(min_row=header_row + 1)
            if any(c.value not in (None, "") for c in r[:width])]
    for i in range(len(rows), ACTION_PLAN_ROWS):
        for j, value in enumerate(rows[i % len(rows)]):
            ws.cell(header_row + 1 + i, j + 1, value)


def inject(data: Path, ctx: Context) -> dict[str, str]:
    """Write the payloads into the copied demo data; return marker -> the exact text written."""
    written: dict[str, str] = {}
    by_file: dict[str, list[Column]] = {}
    for col in COLUMNS:
        by_file.setdefault(col.file, []).append(col)
    for file, columns in by_file.items():
        path = data / file
        wb = load_workbook(path)
        ws = wb[columns[0].sheet]
        header_row, index = _header_row(ws)
        if file == LOCAL.format("action_plan"):
            _extend_action_plan(ws, header_row, len(index))
        rows = [r for r in ws.iter_rows(min_row=header_row + 1)
                if any(c.value not in (None, "") for c in r[:len(index)])]
        original = [[c.value for c in r] for r in rows]  # entities are found in the original values
        plan = []
        for col in columns:
            chosen = [i for i, r in enumerate(original)
                      if col.council is None or r[index[col.council[0]]] == col.council[1]]
            key = (lambda i: original[i][index[col.group]]) if col.group else (lambda i: i)
            entities: dict[object, list[int]] = {}
            for i in chosen:
                k = key(i)
                if k in (None, "", "-"):
                    continue
                entities.setdefault(k, []).append(i)
            order = list(entities)
            if col.order_by:
                def size(k, col=col):
                    return (-sum(float(original[i][index[col.order_by]] or 0) for i in entities[k]),
                            -len(entities[k]))
                order.sort(key=size)
            for j, k in enumerate(order):
                numbers = col.numbers or NUMBERS[col.offset:] + NUMBERS[:col.offset]
                number = numbers[j % len(numbers)]
                m = marker(number, col.tag, j // len(numbers))
                text = PAYLOADS[number](m, ctx)
                written[m] = text
                plan += [(rows[i][index[col.header]], text) for i in entities[k]]
        for cell, text in plan:
            cell.value = _excel_cell_text(text)
            cell.data_type = "s"  # a string cell even when it starts with '=' (as typed text would be)
        wb.save(path)
    return written


# ----------------------------------------------------------------------------------- the counting server


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _answer(self) -> None:
        type(self).requests.append(f"{self.command} {self.path}")
        body = _png("served")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


# ----------------------------------------------------------------------------------------------- the run


@dataclass
class Run:
    code: int
    log: str
    folder: Path
    out: Path
    written: dict[str, str]
    ctx: Context
    secret: str
    requests: list[str]
    seconds: float


@pytest.fixture(scope="module")
def server():
    handler = type("Counter", (_Counter,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], handler.requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def run(demo_dir, server, tmp_path_factory) -> Run:
    port, requests = server
    root = tmp_path_factory.mktemp("hostile")
    secret = f"SECRET-{uuid.uuid4().hex}"
    (root / "private").mkdir()
    secret_txt, secret_png = root / "private" / "notes.txt", root / "private" / "secret.png"
    secret_txt.write_text(secret + "\n", encoding="utf-8")
    secret_png.write_bytes(_png(secret))
    ctx = Context(port, secret_txt, secret_png)
    data = root / "data"
    shutil.copytree(demo_dir, data)
    written = inject(data, ctx)
    out = root / "reports"
    caremarket = Path(sys.executable).with_name("caremarket")
    started = time.monotonic()
    proc = subprocess.run([str(caremarket), "run", "--data", str(data), "--out", str(out), "--year", YEAR,
                           "--council", COUNCIL, "--formats", "html,pdf"],
                          capture_output=True, text=True, timeout=900)
    return Run(proc.returncode, proc.stdout + proc.stderr, out / YEAR / COUNCIL, out, written, ctx, secret,
               requests, time.monotonic() - started)


def expected_text(text: str) -> str:
    """The payload as a reader sees it: line breaks and tabs as spaces, control characters gone, spaces collapsed."""
    text = re.sub(r"[\r\n\t\v\f\u2028\u2029\x85]", " ", text)
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def markers_in(text: str) -> set[str]:
    return {m.group(0) for m in MARKER.finditer(text)}


def number_of(m: str) -> int:
    return int(MARKER.fullmatch(m).group(1))


# ---------------------------------------------------------------------------------------- reading the page


class Page(HTMLParser):
    """Every element (tag, attributes, text inside), the script bodies, the visible text and the tables."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.visible: list[str] = []
        self.tables: list[list[tuple[bool, list[str]]]] = []  # rows: (in thead, cell texts)
        self._open: list[list] = []
        self._raw: str | None = None  # inside script/style
        self._raw_body: list[str] = []
        self._thead = False
        self.feed(html)
        self.close()
        self.text = "\n".join(self.visible)  # text runs apart, so a marker never runs into the next cell

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        if tag in ("script", "style"):
            self._raw, self._raw_body = tag, []
            self._raw_attrs = attrs_d
            self.elements.append((tag, attrs_d, ""))
            return
        if tag in self.VOID:
            self.elements.append((tag, attrs_d, ""))
            return
        self._open.append([tag, attrs_d, []])
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._thead = True
        elif tag == "tr" and self.tables:
            self.tables[-1].append((self._thead, []))
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1][1].append("")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), ""))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._raw == tag:
            body = "".join(self._raw_body)
            if tag == "script":
                self.scripts.append((self._raw_attrs, body))
            self._raw = None
            return
        if tag == "thead":
            self._thead = False
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                for name, attrs, parts in reversed(self._open[i:]):
                    self.elements.append((name, attrs, "".join(parts)))
                del self._open[i:]
                return

    def handle_data(self, data):
        if self._raw:
            self._raw_body.append(data)
            return
        self.visible.append(data)
        for element in self._open:
            element[2].append(data)
        if self.tables and self.tables[-1] and self.tables[-1][-1][1] and any(
                e[0] in ("td", "th") for e in self._open):
            self.tables[-1][-1][1][-1] += data


@pytest.fixture(scope="module")
def page(run) -> Page:
    assert run.code == 0, run.log[-3000:]
    return Page((run.folder / "mps.html").read_text(encoding="utf-8"))


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


@pytest.fixture(scope="module")
def pdf_text(run) -> str:
    assert run.code == 0, run.log[-3000:]
    return _pdf_text(run.folder / "mps.pdf")


# ------------------------------------------------------------------------------------------------- the run


def test_run_succeeds_with_every_payload(run):
    assert run.code == 0, run.log[-3000:]
    for name in ["mps.html", "mps.pdf", "mps_data.xlsx"]:
        assert (run.folder / name).is_file(), name


def test_payloads_were_written_and_read_back_by_the_product_reader(run):
    """The injection itself is sound: the text cells hold the payloads exactly (control characters included)."""
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(run.out.parent / "data" / LOCAL.format("action_plan"))
    cells = {str(v) for row in book.get_sheet_by_name("Action plan").to_python() for v in row}
    for m, text in run.written.items():
        if m.endswith("act"):
            assert text in cells, m
    assert any("\x07\x1b" in c for c in cells)


def test_minimum_set_of_payloads_reaches_the_statement(run, page):
    seen = markers_in(page.text)
    for n in NUMBERS:  # the action plan's Action column is published in full
        assert marker(n, "act", 0) in seen, marker(n, "act", 0)
    for tag in ["pn", "bn", "kpi", "band", "zone"]:  # CQC provider and brand names, KPI names, fee bands, zones
        assert any(MARKER.fullmatch(m).group(2) == tag for m in seen), f"no {tag} payload in mps.html"


# ----------------------------------------------------------------------------------------------- the HTML


def test_html_has_no_element_from_a_payload(page):
    tags = [t for t, _, _ in page.elements]
    for tag in ["img", "iframe", "object", "embed", "math", "video", "audio", "base", "form", "svg", "link"]:
        assert tag not in tags, f"<{tag}> in mps.html"
    markup = {"a", "b", "strong", "em", "i", "u", "s", "del", "mark", "sup", "sub", "code", "span", "q", "cite",
              "kbd", "var", "small", "big", "font", "blockquote"}
    bad = [(t, txt[:120]) for t, _, txt in page.elements if t in markup and MARKER.search(txt)]
    assert not bad, f"markup around payload text: {bad[:5]}"


def test_html_has_no_attribute_from_a_payload(page, run):
    bad = []
    for tag, attrs, _ in page.elements:
        for name, value in attrs.items():
            value = value or ""
            if name.startswith("on") or "PAYLOAD" in value or "127.0.0.1" in value or "alert(" in value \
                    or str(run.ctx.secret_png) in value or "notes.txt" in value:
                bad.append((tag, name, value[:120]))
    assert not bad, bad[:5]


def test_html_scripts_are_only_the_pages_own(page):
    executable = [(a, b) for a, b in page.scripts if a.get("type") in (None, "", "text/javascript", "module")]
    for attrs, body in executable:
        assert "PAYLOAD" not in body and "alert(" not in body, body[:200]
        assert "src" not in attrs, attrs
    specs = [(a, b) for a, b in page.scripts if a.get("type") == "application/json"]
    assert len(executable) + len(specs) == len(page.scripts), [a for a, _ in page.scripts]
    for attrs, body in specs:
        spec = json.loads(body)  # no payload closed the script or broke the JSON
        for s in strings_in(spec):  # plotly.js reads <b>, <a href>, <br> in labels: payload text must be entities
            if MARKER.search(s):
                assert "<" not in s and ">" not in s, (attrs.get("data-target"), s[:200])


def test_html_shows_each_payload_literally(page, run):
    seen = markers_in(page.text)
    assert seen, "no payload reached mps.html"
    text = squash(page.text)
    missing = [m for m in sorted(seen) if expected_text(run.written[m]) not in text]
    assert not missing, [(m, expected_text(run.written[m])[:100]) for m in missing[:8]]


def test_line_breaks_and_pipes_stay_inside_their_table_row(page):
    checked = 0
    for table in page.tables:
        head = [cells for in_head, cells in table if in_head]
        if not head:
            continue
        width = len(head[-1])
        for in_head, cells in table:
            if not in_head and any(MARKER.search(c) for c in cells):
                checked += 1
                assert len(cells) == width, (head[-1], cells)
                for c in cells:
                    for m in markers_in(c):
                        if number_of(m) == 17:
                            assert re.search(rf"line one\s+{m} line two", c), c
                        if number_of(m) == 21:
                            assert f"{m} | pipe | in cell" in c, c
    assert checked
    assert any(number_of(m) == 17 for t in page.tables for _, cells in t for c in cells for m in markers_in(c))


# ----------------------------------------------------------------------------------- nothing read, nothing fetched


def _published_bytes(folder: Path, texts: dict[Path, str]):
    """(name, bytes) for every file under folder; archives (xlsx) member by member; PDFs also as their text."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        yield str(path), raw
        if raw[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                for name in z.namelist():
                    yield f"{path}!{name}", z.read(name)
        if path.suffix == ".pdf":
            yield f"{path} (text)", (texts.get(path) or _pdf_text(path)).encode()


def test_no_local_file_was_read_into_any_output(run, pdf_text):
    """The whole reports folder (published statement, notebooks, sources, internal dashboard) holds no secret."""
    assert run.code == 0, run.log[-3000:]
    png = run.ctx.secret_png.read_bytes()
    needles = {
        "secret text": run.secret.encode(),
        "secret text as base64": base64.b64encode(run.ctx.secret_txt.read_bytes()),
        "secret image as base64": base64.b64encode(png),
        "secret image's first bytes as base64": base64.b64encode(png)[:40],
    }
    files = _published_bytes(run.out, {run.folder / "mps.pdf": pdf_text})
    leaks = [(name, what) for name, raw in files for what, needle in needles.items() if needle in raw]
    assert not leaks, leaks[:5]


def test_nothing_was_fetched_during_the_run(run):
    assert run.code == 0
    assert run.requests == [], run.requests


# ---------------------------------------------------------------------------------------- the page in Chromium


_DOM_JS = """() => {
  const markup = new Set(['a','b','strong','em','i','u','s','del','mark','sup','sub','code','img','script',
                          'iframe','object','embed','math','video','audio','q','cite','font','blockquote']);
  const out = {on: [], attrs: [], markup: [], styled: [], imgs: document.images.length};
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) out.on.push([tag, a.name]);
      // plotly keeps each label's source text in data-unformatted: allowed, as entities only (no raw < or >)
      const label = a.name === 'data-unformatted' && !/[<>]/.test(a.value);
      if (a.value.includes('PAYLOAD') && !label) out.attrs.push([tag, a.name, a.value.slice(0, 160)]);
    }
    const data = tag === 'script' && el.type === 'application/json';  // a chart's data, never run
    if (markup.has(tag) && !data && el.textContent.includes('PAYLOAD'))
      out.markup.push([tag, el.textContent.slice(0, 160)]);
    if (tag === 'tspan' && /bold|italic/.test(el.getAttribute('style') || '') && el.textContent.includes('PAYLOAD'))
      out.styled.push(el.textContent.slice(0, 160));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser_view(run, page):
    from playwright.sync_api import sync_playwright
    dialogs, requests, errors = [], [], []
    charts = sum(1 for a, _ in page.scripts if a.get("class") == "chart-spec")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"])
        try:
            tab = browser.new_page()
            tab.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
            tab.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:"))
                   else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto((run.folder / "mps.html").as_uri(), wait_until="load", timeout=60_000)
            try:
                tab.wait_for_function(f"document.querySelectorAll('.plotly-graph-div svg.main-svg').length >= {charts}",
                                      timeout=30_000)
            except Exception:  # noqa: BLE001 (charts not drawn is another test's concern; the checks below still run)
                pass
            tab.wait_for_timeout(500)
            dom = tab.evaluate(_DOM_JS)
            drawn = tab.evaluate("document.querySelectorAll('.plotly-graph-div svg.main-svg').length")
        finally:
            browser.close()
    return {"dialogs": dialogs, "requests": requests, "errors": errors, "dom": dom, "charts": charts, "drawn": drawn}


def test_browser_runs_no_payload(browser_view):
    assert browser_view["dialogs"] == []
    assert browser_view["requests"] == []
    assert browser_view["dom"]["imgs"] == 0
    assert browser_view["dom"]["on"] == [], browser_view["dom"]["on"][:5]


def test_browser_dom_has_no_element_or_attribute_from_a_payload(browser_view):
    dom = browser_view["dom"]
    assert dom["markup"] == [], dom["markup"][:5]
    assert dom["styled"] == [], dom["styled"][:5]  # plotly draws <b>/<i> in labels as bold/italic tspans
    assert dom["attrs"] == [], dom["attrs"][:5]


def test_server_saw_no_request_after_opening_the_page(browser_view, run):
    assert run.requests == [], run.requests


# ------------------------------------------------------------------------------------------------ the PDF


def test_pdf_shows_the_payloads_that_reached_the_page(page, pdf_text, run):
    seen = markers_in(page.text)
    flat = squash(pdf_text)
    missing = [m for m in sorted(seen) if m not in flat]
    assert not missing, missing[:10]
    literal = {3: "*{m}*", 5: "${m}$", 12: "@{m}", 13: "@{m}", 14: '=HYPERLINK("http://127.0.0.1:{p}/f","{m}")',
               4: "_{m}_", 15: "+{m}", 16: "-{m}", 22: "&lt;{m}&amp;", 7: "<b>{m}</b>",
               1: "<img src=x onerror=alert(1)>{m}", 2: "<script>alert(2)</script>{m}", 6: "\\textbf{{{m}}}"}
    wrong = []
    for m in sorted(seen):
        n = number_of(m)
        if n in literal:
            want = literal[n].format(m=m, p=run.ctx.port)
            if want not in flat and want.replace(" ", "") not in flat.replace(" ", ""):
                wrong.append((m, want))
    assert not wrong, wrong[:10]
    assert any(number_of(m) == 12 for m in seen) and any(number_of(m) == 14 for m in seen)


def test_pdf_links_nowhere_a_payload_points(run):
    uris = []
    for pg in PdfReader(run.folder / "mps.pdf").pages:
        for annot in pg.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
    bad = [u for u in uris if "127.0.0.1" in u or "PAYLOAD" in u or "notes.txt" in u or "secret" in u]
    assert not bad, bad


# -------------------------------------------------------------------------------------- spreadsheets and CSVs


def _xlsx_norm(text: str) -> str:
    return squash(re.sub(r"[\x00-\x1f\x7f\ufffd]", " ", text))


def test_data_workbook_has_no_formula_and_holds_the_payloads_as_text(run):
    wb = load_workbook(run.folder / "mps_data.xlsx")
    formulas, with_marker, wrong = [], set(), []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{ws.title}!{cell.coordinate}: {cell.value!r}"[:160])
                if isinstance(cell.value, str):
                    for m in markers_in(cell.value):
                        with_marker.add(m)
                        want = _xlsx_norm(run.written[m])
                        got = _xlsx_norm(cell.value)
                        if want not in got or got.startswith("'"):
                            wrong.append((f"{ws.title}!{cell.coordinate}", m, cell.value[:120]))
    assert not formulas, formulas[:5]
    assert with_marker, "no payload reached mps_data.xlsx"
    assert not wrong, wrong[:5]
    assert any(number_of(m) == 14 for m in with_marker)


def _formula_cells(paths: list[Path], root: Path) -> tuple[list[tuple[str, str]], set[str]]:
    """CSV text cells (after csv parsing) that start with = + - @ tab or CR and are not numbers; markers seen."""
    bad, with_marker = [], set()
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for cell in row:
                    with_marker |= markers_in(cell)
                    if cell.startswith(FORMULA_START):
                        try:
                            float(cell)
                        except ValueError:
                            bad.append((str(path.relative_to(root)), cell[:80]))
    return bad, with_marker


def test_published_csvs_never_start_a_text_cell_with_a_formula_character(run):
    csvs = sorted(run.folder.rglob("*.csv"))
    assert csvs
    bad, with_marker = _formula_cells(csvs, run.folder)
    assert any(number_of(m) == 14 for m in with_marker), "no =HYPERLINK payload in the published CSVs"
    assert not bad, f"{len(bad)} cells, e.g. {bad[:8]}"


# ------------------------------------------------------------- the internal dashboard (provider-level columns)


@pytest.fixture(scope="module")
def internal(run) -> Path:
    assert run.code == 0, run.log[-3000:]
    return run.out / "internal" / YEAR / COUNCIL


def test_internal_dashboard_shows_payloads_as_text(internal, run):
    """Home care provider names and ids, provider intelligence and financial sustainability names land here."""
    dash = Page((internal / "provider_risk_dashboard.html").read_text(encoding="utf-8"))
    seen = markers_in(dash.text)
    for tag in ["pipn", "piln"]:
        assert any(MARKER.fullmatch(m).group(2) == tag for m in seen), f"no {tag} payload in the dashboard"
    tags = [t for t, _, _ in dash.elements]
    for tag in ["img", "iframe", "object", "embed", "math", "video", "audio", "base", "form", "svg", "link"]:
        assert tag not in tags, f"<{tag}> in the dashboard"
    markup = {"a", "b", "strong", "em", "i", "u", "s", "del", "mark", "sup", "sub", "code", "span", "q", "font"}
    bad = [(t, txt[:120]) for t, _, txt in dash.elements if t in markup and MARKER.search(txt)]
    bad += [(t, n) for t, a, _ in dash.elements for n, v in a.items()
            if n.startswith("on") or "PAYLOAD" in (v or "") or "127.0.0.1" in (v or "")]
    bad += [("script", b[:80]) for a, b in dash.scripts if "PAYLOAD" in b or "alert(" in b]
    assert not bad, bad[:5]
    text = re.sub(r"[\x00-\x1f\x7f]", "", squash(dash.text))
    missing = [m for m in sorted(seen) if expected_text(run.written[m]) not in text]
    assert not missing, [(m, expected_text(run.written[m])[:100]) for m in missing[:8]]


def test_internal_risk_csv_never_starts_a_text_cell_with_a_formula_character(internal):
    bad, with_marker = _formula_cells(sorted(internal.rglob("*.csv")), internal)
    assert with_marker, "no payload in the internal CSV"
    assert not bad, f"{len(bad)} cells, e.g. {bad[:8]}"
