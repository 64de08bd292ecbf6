"""What a reader sees: checks on a page open in headless Chromium (driven by playwright).

Each check takes a playwright ``Page`` (or the ``Watch`` that recorded its requests and errors) and
returns a list of human-readable problems: empty means the check passed. tests/test_browser.py runs
them on the demo statements and the internal dashboard, and on small broken pages to prove that each
one can fail.

Why playwright: its wheel carries its own driver, it drives the Chromium the project already finds
(kaleido's: ``BROWSER_PATH`` or chromium/chrome on PATH) with no browser download, it can block and
count every request, and axe-playwright-python brings axe-core for the WCAG scan.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOAD_TIMEOUT_MS = 30_000
SETTLE_MS = 500
CHART_WAIT_MS = 2_000


def find_browser() -> str | None:
    """The Chromium kaleido uses (choreographer's search: BROWSER_PATH, then chromium/chrome on PATH)."""
    try:
        from choreographer.browsers.chromium import Chromium
        found = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 (choreographer absent or changed: fall back to the same search by hand)
        found = None
    if found and os.access(found, os.X_OK):
        return found
    if os.environ.get("BROWSER_PATH") and os.access(os.environ["BROWSER_PATH"], os.X_OK):
        return os.environ["BROWSER_PATH"]
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]:
        if path := shutil.which(name):
            return path
    return None


@dataclass
class Watch:
    """What a page did while it loaded: requests to anywhere but local files, and script errors."""

    outside_requests: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)

    def record_request(self, url: str) -> None:
        if url not in self.outside_requests:
            self.outside_requests.append(url)

    def record_error(self, text: str) -> None:
        if text not in self.js_errors:
            self.js_errors.append(text)


def is_local(url: str) -> bool:
    return urlsplit(url).scheme.lower() in LOCAL_SCHEMES


def block_outside_requests(context, watch: Watch) -> None:
    """Route every request of the browser context: local ones continue, the rest are aborted and recorded."""

    def handle(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            watch.record_request(url)
            route.abort()

    context.route("**/*", handle)


def watch_page(page, watch: Watch) -> None:
    """Record uncaught exceptions, console errors and (belt and braces) any outside request the page makes."""
    page.on("pageerror", lambda error: watch.record_error(f"uncaught: {error}"))

    def console(message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if source and not is_local(source):
            return  # the console's note that an outside request we blocked failed: counted as a request
        watch.record_error(f"console.error: {message.text[:300]}")

    page.on("console", console)
    page.on("request", lambda request: None if is_local(request.url) else watch.record_request(request.url))
    page.on("websocket", lambda socket: watch.record_request(socket.url))  # page.route does not see WebSockets


def open_page(context, url: str, watch: Watch, chart_wait_ms: int = 0):
    """Open url in a new tab of context, wait for load and network idle, and return the page.

    With chart_wait_ms, also wait up to that long for every chart container to hold an svg (charts drawn
    after load, on a busy machine); a chart that never draws is then reported by check_charts_drawn.
    """
    page = context.new_page()
    page.set_default_timeout(LOAD_TIMEOUT_MS)
    watch_page(page, watch)
    page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    try:  # network idle: no request for 500 ms
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception:  # noqa: BLE001 (a page that keeps the network busy is reported by the request check)
        page.wait_for_timeout(SETTLE_MS)
    if chart_wait_ms:
        try:
            page.wait_for_function("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                                   ".every(d => d.querySelector('svg.main-svg'))", timeout=chart_wait_ms)
        except Exception:  # noqa: BLE001 (blank charts are the chart check's to report)
            pass
    return page


# --- a. every chart drawn ----------------------------------------------------------------------------------

_CHARTS_JS = """() => {
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div'));
  return {
    figures: document.querySelectorAll('figure.chart').length,
    charts: charts.map((div, i) => {
      const fig = div.closest('figure');
      return {
        index: i + 1, id: div.id || '',
        figure: fig ? (fig.id || fig.getAttribute('aria-label') || '').slice(0, 80) : '',
        svg: div.querySelectorAll('svg.main-svg').length,
        traces: div.querySelectorAll('.trace, .barlayer .point, .scatterlayer .trace, .pielayer .slice').length,
      };
    }),
  };
}"""


def check_charts_drawn(page, expect_charts: bool = True) -> list[str]:
    """Every .plotly-graph-div holds a drawn plot (svg.main-svg and at least one trace); as many as figures."""
    found = page.evaluate(_CHARTS_JS)
    charts, problems = found["charts"], []
    for c in charts:
        if not c["svg"] or not c["traces"]:
            where = f" in figure {c['figure']!r}" if c["figure"] else ""
            what = "no svg.main-svg" if not c["svg"] else "no trace drawn"
            problems.append(f"chart {c['index']} (div id {c['id']!r}{where}) is blank: {what}")
    drawn = sum(1 for c in charts if c["svg"] and c["traces"])
    if expect_charts and not charts:
        problems.append("no chart container (.plotly-graph-div) on the page")
    if drawn < found["figures"]:
        problems.append(f"{found['figures']} <figure class=\"chart\"> but only {drawn} drawn chart(s)")
    return problems


# --- b. each chart's title belongs to its figure and its chapter ----------------------------------------------

_FIGURES_JS = """() => {
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  const lines = el => {
    if (!el) return null;
    const tspans = el.querySelectorAll('tspan.line');
    return norm(tspans.length ? Array.from(tspans).map(t => t.textContent).join(' ') : el.textContent);
  };
  return Array.from(document.querySelectorAll('figure.chart')).map((fig, i) => {
    const cap = fig.querySelector('figcaption');
    const capTitle = cap && cap.querySelector('.chart-title, .title, .caption-title');
    let section = fig.parentElement ? fig.parentElement.closest('section.level1') : null;
    if (section && section.id === 'sec-appendix') {  // the appendix: the service's own part of it
      section = fig.parentElement.closest('section.level2');
    }
    return {
      index: i + 1, id: fig.id || '',
      drawn: fig.querySelector('.gtitle') ? lines(fig.querySelector('.gtitle')) : null,
      figcaption: cap ? norm(cap.textContent) : null,
      figcaption_title: capTitle ? norm(capTitle.textContent) : null,
      aria_label: fig.hasAttribute('aria-label') ? norm(fig.getAttribute('aria-label')) : null,
      section: section ? (section.id || '') : null,
    };
  });
}"""

_AFTER_TITLE = (".", ":", ";", ",", " (", " –", " -", "—")


def _norm_id(value: str) -> str:
    return value.replace("_", "-").lower()


def _begins_with_title(text: str, title: str) -> bool:
    """text is the title, or the title followed by punctuation (a caption title then its source line)."""
    text, title = text.strip(), title.strip().rstrip(".")
    if text.rstrip(".") == title:
        return True
    return text.startswith(title) and text[len(title):].startswith(_AFTER_TITLE)


def check_chart_titles_and_chapters(page) -> list[str]:
    """Each figure.chart: drawn title = its caption's title; id fig-<service>-… inside section#sec-<service>.level1
    (or, in the appendix, inside its service's section#sec-appendix-<service>.level2)."""
    problems = []
    for f in page.evaluate(_FIGURES_JS):
        name = f"figure {f['index']}" + (f" #{f['id']}" if f["id"] else "")
        # title: a figcaption's title element must equal it; else the figcaption or aria-label must begin with it
        captions = [c for c in (f["figcaption"], f["aria_label"]) if c]
        if not captions:
            problems.append(f"{name}: no caption (neither <figcaption> nor aria-label)")
        elif f["drawn"]:
            if f["figcaption_title"] is not None:
                ok = f["figcaption_title"].rstrip(".") == f["drawn"].rstrip(".")
                shown = f"its figcaption title {f['figcaption_title'][:90]!r}"
            else:
                ok = any(_begins_with_title(c, f["drawn"]) for c in captions)
                shown = " nor ".join(f"its {kind} {c[:90]!r}" for kind, c in
                                     (("figcaption", f["figcaption"]), ("aria-label", f["aria_label"])) if c)
            if not ok:
                problems.append(f"{name}: drawn title {f['drawn']!r} does not begin {shown}")
        # chapter: the id's service part is the enclosing level-1 section's
        if not f["id"]:
            problems.append(f"{name}: no id (expected fig-<service>-<chart>)")
        elif f["section"] is None:
            problems.append(f"{name}: not inside a chapter <section class=\"level1\">")
        else:
            fig_id, sec_id = _norm_id(f["id"]), _norm_id(f["section"]).replace("sec-appendix-", "sec-", 1)
            if not sec_id.startswith("sec-"):
                problems.append(f"{name}: its chapter section id {f['section']!r} is not sec-<service>")
            elif not fig_id.startswith("fig-" + sec_id[len("sec-"):] + "-"):
                problems.append(f"{name}: sits in chapter #{f['section']}, but its id names another service")
    return problems


# --- c. no duplicate ids -----------------------------------------------------------------------------------

def check_unique_ids(page) -> list[str]:
    counts = page.evaluate("""() => {
      const n = {};
      document.querySelectorAll('[id]').forEach(el => { n[el.id] = (n[el.id] || 0) + 1; });
      return n;
    }""")
    return [f"id {ident!r} appears {n} times" for ident, n in sorted(counts.items()) if n > 1]


# --- d. no outside request; g. no script error ---------------------------------------------------------------

def check_no_outside_requests(watch: Watch) -> list[str]:
    return [f"outside request blocked: {url[:200]}" for url in watch.outside_requests]


def check_no_js_errors(watch: Watch) -> list[str]:
    return list(watch.js_errors)


# --- e. reflow: no sideways scroll; tables fit or sit in a labelled, focusable scroll region -------------------

_WIDTH_JS = """() => {
  const vw = window.innerWidth, el = document.scrollingElement;
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.classList.length ? '.' + Array.from(e.classList).join('.') : '');
  const wide = [];
  const walk = parent => {
    for (const e of parent.children) {
      if (wide.length >= 5) return;
      const r = e.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0) { wide.push(describe(e) + ' ' + Math.round(r.width) + ' px wide'); continue; }
      if (getComputedStyle(e).overflowX === 'visible') walk(e);
    }
  };
  if (el.scrollWidth > vw) walk(document.body);
  return {scroll: el.scrollWidth, viewport: vw, wide: wide};
}"""


def check_no_sideways_scroll(page) -> list[str]:
    found = page.evaluate(_WIDTH_JS)
    if found["scroll"] <= found["viewport"]:
        return []
    return [f"page scrolls sideways: {found['scroll']} px wide in a {found['viewport']} px window"
            + (f" (widest: {'; '.join(found['wide'])})" if found["wide"] else "")]


_TABLES_JS = """() => {
  const vw = window.innerWidth;
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  const named = e => {
    if (norm(e.getAttribute('aria-label'))) return true;
    const ids = norm(e.getAttribute('aria-labelledby')).split(' ').filter(Boolean);
    return ids.some(id => { const t = document.getElementById(id); return t && norm(t.textContent); });
  };
  return Array.from(document.querySelectorAll('table')).map((t, i) => {
    const cap = t.querySelector('caption');
    const head = Array.from(t.querySelectorAll('th')).slice(0, 3).map(th => norm(th.textContent)).join(' | ');
    const r = t.getBoundingClientRect(), parent = t.parentElement;
    const fits = t.offsetWidth <= parent.clientWidth + 1 && r.right <= vw + 1;
    let region = null, nearMiss = null;
    for (let a = parent; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      const scrolls = ox === 'auto' || ox === 'scroll';
      const ok = a.getAttribute('role') === 'region' && named(a) && a.getAttribute('tabindex') === '0' && scrolls;
      if (ok) { region = a; break; }
      if (!nearMiss && (scrolls || a.getAttribute('role') === 'region')) {
        const lacks = [];
        if (a.getAttribute('role') !== 'region') lacks.push('role="region"');
        if (!named(a)) lacks.push('an accessible name');
        if (a.getAttribute('tabindex') !== '0') lacks.push('tabindex="0"');
        if (!scrolls) lacks.push('overflow-x auto/scroll');
        nearMiss = lacks.join(', ');
      }
    }
    const regionFits = region ? region.getBoundingClientRect().right <= vw + 1 : null;
    return {index: i + 1, name: norm(cap ? cap.textContent : '') || ('headers: ' + head), width: Math.round(r.width),
            room: parent.clientWidth, fits, region: !!region, regionFits, nearMiss};
  });
}"""


def check_tables_fit_or_scroll(page) -> list[str]:
    """Every table fits its container, or sits in a role=region, named, tabindex=0, overflow-x auto/scroll box."""
    problems = []
    for t in page.evaluate(_TABLES_JS):
        name = f"table {t['index']} {t['name'][:90]!r}"
        if t["region"] and not t["regionFits"]:
            problems.append(f"{name}: its scroll region is itself wider than the window")
        elif not t["fits"] and not t["region"]:
            why = f"its scrolling ancestor lacks {t['nearMiss']}" if t["nearMiss"] else "not in a scroll region"
            problems.append(f"{name}: {t['width']} px wide in {t['room']} px, {why}")
    return problems


# --- f. axe-core ---------------------------------------------------------------------------------------------

# axe's color-contrast rule costs ~5 ms a table cell, more inside scroll regions (measured: 17 of 18 s on Sheffield's
# 3,446 cells, 18 s on the dashboard's 5,925). A table row (or caption) whose markup and attributes (text and ids
# aside), place in its table section (first, last, odd or even) and ancestors' tags, classes, styles and roles repeat
# an earlier one's is styled the same, so only the first of each such kind on the page is measured for contrast;
# every other rule runs on every node.
_MARK_REPEATED_ROWS_JS = """(attribute) => {
  const skeleton = el => {
    const copy = el.cloneNode(true);
    const strip = node => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) child.remove();
        else if (child.nodeType === Node.ELEMENT_NODE) { child.removeAttribute('id'); strip(child); }
      }
    };
    copy.removeAttribute('id');
    strip(copy);
    return copy.outerHTML;
  };
  const ancestry = el => {
    const chain = [];
    for (let a = el.parentElement; a; a = a.parentElement) {
      chain.push([a.tagName, a.className, a.getAttribute('style') || '', a.getAttribute('role') || ''].join('|'));
    }
    return chain.join('>');
  };
  const seen = new Set();
  let marked = 0;
  const once = (el, place) => {
    const key = ancestry(el) + '#' + place + '#' + skeleton(el);
    if (seen.has(key)) { el.setAttribute(attribute, ''); marked += 1; } else { seen.add(key); }
  };
  for (const table of document.querySelectorAll('table')) {
    if (table.caption) once(table.caption, 'caption');
    for (const section of [table.tHead, ...table.tBodies, table.tFoot].filter(Boolean)) {
      const rows = Array.from(section.rows);
      rows.forEach((row, i) => once(row, (i === 0 ? 'first ' : '') + (i === rows.length - 1 ? 'last ' : '') +
                                         (i % 2 ? 'odd' : 'even')));
    }
  }
  return marked;
}"""
_REPEATED_ROW = "data-browser-check-repeated-row"


def check_axe(page) -> list[str]:
    """axe-core with the WCAG 2.2 A/AA tags: every serious or critical violation, with a few of its targets."""
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    tags = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    violations = axe.run(page, options={**tags, "rules": {"color-contrast": {"enabled": False}}}).response["violations"]
    page.evaluate(_MARK_REPEATED_ROWS_JS, _REPEATED_ROW)
    contrast = axe.run(page, context={"exclude": [[f"[{_REPEATED_ROW}]"]]},
                       options={"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]})
    violations += contrast.response["violations"]
    problems = []
    for v in violations:
        if v.get("impact") in AXE_IMPACTS:
            targets = ", ".join(" ".join(map(str, n.get("target", []))) for n in v["nodes"][:3])
            problems.append(f"axe {v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): {targets}")
    return problems
