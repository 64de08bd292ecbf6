"""The published statement as a reader sees it: rendered, opened in headless Chromium, checked on what it shows.

The demo statements of Sheffield and Devon (and their internal provider risk dashboards) are rendered once,
then each statement and Sheffield's dashboard is opened twice in one browser (1280 px and 390 px wide) with
every request that is not to a local file blocked and counted; the browser is launched once for this file. The checks live in tests/browser_checks.py; each
is also run on a small deliberately broken page written here, so that none can pass vacuously, and on a
small page that follows the contract, so that none fails on a correct page.

Set CAREMARKET_SCREENSHOTS=<folder> to keep full-page screenshots at both widths for a human to look at, and
CAREMARKET_BROWSER_REPORTS=<reports folder> to check pages already rendered there (run with --year 2026 for
E08000019 and E10000008) instead of rendering them again.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import browser_checks as bc

pytestmark = pytest.mark.slow

COUNCILS = {"sheffield": "E08000019", "devon": "E10000008"}
YEAR = "2026"
PAGES = {  # name: (path under the reports folder, is a statement with charts)
    **{name: (f"{YEAR}/{code}/mps.html", True) for name, code in COUNCILS.items()},
    # one dashboard: Devon's is the same template, and axe's contrast rule over its long table costs ~10 s
    "dashboard": (f"internal/{YEAR}/{COUNCILS['sheffield']}/provider_risk_dashboard.html", False),
}
CHECKS_AT_1280 = {
    "charts_drawn": None,  # set per page (expect_charts)
    "titles_and_chapters": bc.check_chart_titles_and_chapters,
    "unique_ids": bc.check_unique_ids,
    "no_sideways_scroll_1280": bc.check_no_sideways_scroll,
    "axe": bc.check_axe,
}
CHECKS_AT_390 = {
    "no_sideways_scroll_390": bc.check_no_sideways_scroll,
    "tables_fit_or_scroll": bc.check_tables_fit_or_scroll,
}


def _say(config, line: str) -> None:
    """Write a line to the terminal even while pytest captures output."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(line)
    else:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


def _run(check, *args) -> list[str]:
    try:
        return check(*args)
    except Exception as exc:  # noqa: BLE001 (a check that crashes is a failed check, not a lost session)
        return [f"check raised {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"]


# --- fixtures -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def rendered(tmp_path_factory, pytestconfig) -> Path:
    """Demo data for Sheffield and Devon (Devon alone makes its region), run to HTML; the reports folder."""
    if os.environ.get("CAREMARKET_BROWSER_REPORTS"):  # look at pages already rendered (no pipeline run)
        return Path(os.environ["CAREMARKET_BROWSER_REPORTS"])
    from helpers import demo
    from helpers.cli import main
    started = time.perf_counter()
    data = tmp_path_factory.mktemp("browser_demo")
    demo.generate(data, list(COUNCILS.values()), seed=2026)
    out = tmp_path_factory.mktemp("browser_reports")
    code = main(["run", "--data", str(data), "--out", str(out), "--year", YEAR, "--council", *COUNCILS.values(),
                 "--formats", "html"])
    assert code == 0, f"caremarket run exited {code}"
    _say(pytestconfig, f"browser tests: demo data and HTML rendered in {time.perf_counter() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the one kaleido finds) for this file's tests: launched once, closed after them."""
    try:
        from playwright.sync_api import sync_playwright
        import axe_playwright_python  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"{exc.name} is not installed: pip install -e '.[dev]'")
    executable = bc.find_browser()
    if not executable:
        pytest.fail("no Chrome/Chromium found: run scripts/ensure_chromium.sh or set BROWSER_PATH")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=bc.LAUNCH_ARGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def inspect(browser, pytestconfig):
    """inspect(path, expect_charts) → {check name: problems}, each page opened once per width and cached."""
    shots = os.environ.get("CAREMARKET_SCREENSHOTS")
    cache: dict[tuple[Path, bool], dict[str, list[str]]] = {}
    timings: dict[str, float] = {}

    def visit(viewport: dict, path: Path, checks: dict, watch: bc.Watch, label: str) -> dict[str, list[str]]:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        try:
            bc.block_outside_requests(context, watch)
            try:
                page = bc.open_page(context, path.resolve().as_uri(), watch,
                                    chart_wait_ms=bc.CHART_WAIT_MS if "charts_drawn" in checks else 0)
            except Exception as exc:  # noqa: BLE001
                return {name: [f"page did not load at {viewport['width']} px: {str(exc).splitlines()[0]}"]
                        for name in checks}
            found = {}
            for name, check in checks.items():
                started = time.perf_counter()
                found[name] = _run(check, page)
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
            if shots:
                folder = Path(shots)
                folder.mkdir(parents=True, exist_ok=True)
                try:
                    page.screenshot(path=str(folder / f"{label}-{viewport['width']}.png"), full_page=True,
                                    timeout=60_000)
                except Exception as exc:  # noqa: BLE001 (a picture for people, not a check)
                    _say(pytestconfig, f"browser tests: no screenshot of {label}: {str(exc).splitlines()[0]}")
            return found
        finally:
            context.close()

    def run(path: Path, expect_charts: bool, label: str | None = None) -> dict[str, list[str]]:
        key = (path, expect_charts)
        if key not in cache:
            label = label or path.stem
            started = time.perf_counter()
            timings.clear()
            watch = bc.Watch()
            at_1280 = dict(CHECKS_AT_1280, charts_drawn=lambda page: bc.check_charts_drawn(page, expect_charts))
            found = visit(bc.DESKTOP, path, at_1280, watch, label)
            found.update(visit(bc.PHONE, path, CHECKS_AT_390, watch, label))
            found["no_outside_requests"] = bc.check_no_outside_requests(watch)
            found["no_js_errors"] = bc.check_no_js_errors(watch)
            failing = sum(1 for problems in found.values() if problems)
            _say(pytestconfig, f"browser tests: {label}: {path.stat().st_size:,} bytes, "
                               f"{failing} of {len(found)} checks with problems, "
                               f"{time.perf_counter() - started:.1f} s in the browser (axe {timings.get('axe', 0):.1f} s)")
            cache[key] = found
        return cache[key]

    return run


@pytest.fixture(scope="module")
def real(rendered, inspect):
    def problems(page: str, check: str) -> list[str]:
        relative, expect_charts = PAGES[page]
        return inspect(rendered / relative, expect_charts, label=page)[check]
    return problems


def _report(page: str, check: str, problems: list[str]) -> str:
    shown = problems[:40] + ([f"… and {len(problems) - 40} more"] if len(problems) > 40 else [])
    return f"{page}: {len(problems)} problem(s) with {check}:\n  " + "\n  ".join(shown)


# --- the real pages -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_chart_container_holds_a_drawn_plot(real, page):
    """a. svg.main-svg and a trace in every .plotly-graph-div; statements have charts, ≥ one per figure.chart."""
    problems = real(page, "charts_drawn")
    assert not problems, _report(page, "charts drawn", problems)


@pytest.mark.parametrize("page", PAGES)
def test_each_chart_title_belongs_to_its_figure_and_chapter(real, page):
    """b. drawn title = figure caption's title; fig-<service>-… sits in section#sec-<service>.level1."""
    problems = real(page, "titles_and_chapters")
    assert not problems, _report(page, "chart titles and chapters", problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_duplicate_ids(real, page):
    """c."""
    problems = real(page, "unique_ids")
    assert not problems, _report(page, "duplicate ids", problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_outside_request(real, page):
    """d. every request not to file:/data:/blob:/about: is aborted and counted; the count is 0."""
    problems = real(page, "no_outside_requests")
    assert not problems, _report(page, "outside requests", problems)


@pytest.mark.parametrize("width", ["390", "1280"])
@pytest.mark.parametrize("page", PAGES)
def test_no_sideways_scroll(real, page, width):
    """e. document.scrollingElement.scrollWidth <= window.innerWidth at a phone's and a desktop's width."""
    problems = real(page, f"no_sideways_scroll_{width}")
    assert not problems, _report(page, f"reflow at {width} px", problems)


@pytest.mark.parametrize("page", PAGES)
def test_every_table_fits_or_sits_in_a_labelled_focusable_scroll_region(real, page):
    """e. at 390 px: each table fits its container, or role=region + name + tabindex=0 + overflow-x auto/scroll."""
    problems = real(page, "tables_fit_or_scroll")
    assert not problems, _report(page, "tables at 390 px", problems)


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_serious_or_critical_violation(real, page):
    """f. axe-core, WCAG 2.2 A and AA tags."""
    problems = real(page, "axe")
    assert not problems, _report(page, "axe-core (WCAG 2.2 A/AA)", problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_script_error(real, page):
    """g. no uncaught exception and no console error, at either width."""
    problems = real(page, "no_js_errors")
    assert not problems, _report(page, "script errors", problems)


# --- the checks fail on broken pages and pass on a page that follows the contract ---------------------------

def _chart(div_id: str, title: str | None, width: int | None = None) -> str:
    """A plotly div and the script that draws a bar chart into it (plotly.js loaded once by the page)."""
    layout = {"height": 240, "margin": {"t": 40, "l": 40, "r": 10, "b": 30}}
    if title:
        layout["title"] = {"text": title}
    if width:
        layout["width"] = width
    style = f"width:{width}px;" if width else "width:100%;"
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:240px;{style}"></div>\n'
            f'<script>Plotly.newPlot("{div_id}", [{{"type":"bar","x":["A","B"],"y":[3,5]}}], '
            f'{json.dumps(layout)}, {{"responsive": true, "displayModeBar": false}});</script>\n')


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<script src="plotly.min.js"></script>\n'
            '<style>body{margin:0 auto;padding:0 1rem;max-width:60rem;font-family:sans-serif}'
            'td,th{white-space:nowrap;padding:0 1rem}</style></head>\n'
            f'<body><main>\n<h1>{title}</h1>\n{body}\n</main></body></html>\n')


def _wide_table(caption_id: str, caption: str) -> str:
    cells = "".join(f"<td>A long unbreakable cell {i}</td>" for i in range(4))
    heads = "".join(f"<th scope=\"col\">Column heading {i}</th>" for i in range(4))
    return (f'<table><caption id="{caption_id}">{caption}</caption><thead><tr>{heads}</tr></thead>'
            f'<tbody><tr>{cells}</tr></tbody></table>')


BROKEN = _page("Broken statement", "\n".join([
    '<section id="sec-care-homes" class="level1"><h2>Care homes</h2>',
    # a chart in the wrong chapter (its title agrees with its own caption)
    '<figure class="chart" id="fig-day-opportunities-ratings" aria-label="Day opportunities: ratings. Bars.">',
    _chart("chart-wrong-chapter", "Day opportunities: ratings"), "</figure>",
    # a caption that is not the drawn chart's title
    '<figure class="chart" id="fig-care-homes-capacity"><figcaption>Care homes: capacity</figcaption>',
    _chart("chart-mismatch", "Home care: capacity"), "</figure>",
    # two containers with one id: the second script draws into the first, the second stays blank
    '<figure class="chart" id="fig-care-homes-dup-a" aria-label="Care homes: first.">',
    _chart("dup", "Care homes: first"), "</figure>",
    '<figure class="chart" id="fig-care-homes-dup-b" aria-label="Care homes: second.">',
    _chart("dup", "Care homes: second"), "</figure>",
    # a figure with no chart in it
    '<figure class="chart" id="fig-care-homes-empty" aria-label="Care homes: empty."></figure>',
    # a chart fixed at 760 px
    '<figure class="chart" id="fig-care-homes-fixed" aria-label="Care homes: fixed width.">',
    _chart("chart-fixed", "Care homes: fixed width", width=760), "</figure>",
    # a wide table with no scroll region, one in a region that is not focusable, one done right
    _wide_table("cap-bare", "Bare wide table"),
    '<div class="scroll" style="overflow-x:auto" role="region" aria-labelledby="cap-nofocus">',
    _wide_table("cap-nofocus", "Unfocusable region table"), "</div>",
    '<div style="overflow-x:auto" role="region" aria-labelledby="cap-good" tabindex="0">',
    _wide_table("cap-good", "Good region table"), "</div>",
    # rows alike but one: axe measures contrast on one row of each kind, and must still measure the faint one
    "<table><caption>Contrast table</caption><tbody>"
    + "".join('<tr><td>Readable</td></tr>' for _ in range(4)) + '<tr style="color:#c8c8c8"><td>Faint</td></tr>'
    + "".join('<tr><td>Readable</td></tr>' for _ in range(4)) + "</tbody></table>",
    "</section>",
    # a chart outside any chapter
    '<figure class="chart" id="fig-oversight-orphan" aria-label="Oversight: orphan.">',
    _chart("chart-orphan", "Oversight: orphan"), "</figure>",
    # an outside request (and an image with no alt text: axe's image-alt is critical), a script error
    '<img src="http://example.invalid/x.png">',
    '<script>console.error("boom from the page"); notDefinedAnywhere();</script>',
]))

GOOD = _page("Good statement", "\n".join([
    '<section id="sec-care-homes" class="level1"><h2>Care homes</h2>',
    '<figure class="chart" id="fig-care-homes-ratings">',
    _chart("fig-care-homes-ratings-plot", "Care homes: ratings"),
    "<figcaption>Care homes: ratings. Source: CQC.</figcaption></figure>",
    '<div style="overflow-x:auto" role="region" aria-labelledby="cap-ok" tabindex="0">',
    _wide_table("cap-ok", "A wide table in a scroll region"), "</div>",
    "<table><caption>A narrow table</caption><tr><th scope=\"row\">A</th><td>1</td></tr></table>",
    "</section>",
    '<section id="sec-home-care" class="level1"><h2>Home care</h2>',
    '<figure class="chart" id="fig-home_care-capacity" aria-label="Home care: capacity. Bar chart of two values.">',
    _chart("fig-home_care-capacity-plot", "Home care: capacity"), "</figure>",
    '<figure class="chart" id="fig-home-care-untitled" aria-label="Untitled bar chart.">',
    _chart("fig-home-care-untitled-plot", None), "</figure>",
    "</section>",
]))


@pytest.fixture(scope="module")
def made_pages(tmp_path_factory, inspect) -> dict[str, dict[str, list[str]]]:
    """The broken and the good page (plotly.js beside them, loaded from file:), inspected."""
    from plotly.offline import get_plotlyjs
    folder = tmp_path_factory.mktemp("made_pages")
    (folder / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    found = {}
    for name, html in {"broken": BROKEN, "good": GOOD}.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        found[name] = inspect(folder / f"{name}.html", True, label=f"made-{name}")
    return found


def _mentions(problems: list[str], *words: str) -> bool:
    return any(all(w in p for w in words) for p in problems)


def test_the_checks_pass_on_a_page_that_follows_the_contract(made_pages):
    failing = {check: problems for check, problems in made_pages["good"].items() if problems}
    assert not failing, failing


def test_chart_check_fails_on_a_blank_chart_and_an_empty_figure(made_pages):
    problems = made_pages["broken"]["charts_drawn"]
    assert _mentions(problems, "'dup'", "blank"), problems
    assert _mentions(problems, "<figure class=\"chart\">", "drawn chart"), problems
    assert len(problems) == 2, problems


def test_chart_check_fails_on_a_statement_with_no_chart():
    """A statement must have charts (the dashboards, which have none, are inspected with expect_charts=False)."""
    from types import SimpleNamespace
    empty = SimpleNamespace(evaluate=lambda script: {"figures": 0, "charts": []})
    assert bc.check_charts_drawn(empty) == ["no chart container (.plotly-graph-div) on the page"]
    assert bc.check_charts_drawn(empty, expect_charts=False) == []


def test_title_check_fails_on_a_wrong_chapter_a_wrong_title_and_a_chart_outside_chapters(made_pages):
    problems = made_pages["broken"]["titles_and_chapters"]
    assert _mentions(problems, "#fig-day-opportunities-ratings", "sits in chapter #sec-care-homes"), problems
    assert _mentions(problems, "#fig-care-homes-capacity", "'Home care: capacity' does not begin its figcaption"), problems
    assert _mentions(problems, "#fig-oversight-orphan", "not inside a chapter"), problems
    assert not _mentions(problems, "#fig-care-homes-fixed"), problems


def test_id_check_lists_duplicate_ids(made_pages):
    assert made_pages["broken"]["unique_ids"] == ["id 'dup' appears 2 times"]


def test_request_check_counts_a_blocked_outside_request(made_pages):
    assert made_pages["broken"]["no_outside_requests"] == ["outside request blocked: http://example.invalid/x.png"]


def test_reflow_check_fails_on_a_fixed_760px_chart_at_390px(made_pages):
    broken = made_pages["broken"]
    assert _mentions(broken["no_sideways_scroll_390"], "scrolls sideways"), broken["no_sideways_scroll_390"]
    assert broken["no_sideways_scroll_1280"] == []


def test_table_check_names_unwrapped_and_unfocusable_tables_only(made_pages):
    problems = made_pages["broken"]["tables_fit_or_scroll"]
    assert _mentions(problems, "'Bare wide table'", "not in a scroll region"), problems
    assert _mentions(problems, "'Unfocusable region table'", "tabindex"), problems
    assert not _mentions(problems, "Good region table"), problems
    assert len(problems) == 2, problems


def test_axe_check_reports_a_critical_violation(made_pages):
    problems = made_pages["broken"]["axe"]
    assert _mentions(problems, "image-alt", "critical"), problems
    assert _mentions(problems, "color-contrast", "serious", "1 node"), problems


def test_script_error_check_reports_exceptions_and_console_errors(made_pages):
    problems = made_pages["broken"]["no_js_errors"]
    assert _mentions(problems, "uncaught", "notDefinedAnywhere"), problems
    assert _mentions(problems, "console.error", "boom from the page"), problems
