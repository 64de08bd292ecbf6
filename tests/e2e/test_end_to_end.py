"""End to end: demo data → Papermill notebook → MPS (HTML + PDF), checked against the input file itself."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from helpers.cli import main

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = ["Care homes", "Home care", "Supported living", "Day opportunities", "Market oversight and what we will do"]
SECTIONS = ["Sufficiency", "Quality", "Stability", "Workforce", "Cost of care and value for money", "Demand",
            "Sustainability", "What we will do"]

pytestmark = pytest.mark.slow


def independent_care_home_count(directory_xlsx, la_name: str) -> tuple[int, int]:
    """Count active adult-social-care care homes and their beds straight from the published sheet."""
    rows = load_workbook(directory_xlsx, read_only=True)["HSCA_Active_Locations"].iter_rows(values_only=True)
    header = list(next(rows))
    col = {name: header.index(name) for name in header}
    homes = [r for r in rows if r[col["Location Local Authority"]] == la_name and r[col["Care home?"]] == "Y"
             and r[col["Dormant (Y/N)"]] == "N" and r[col["Location Inspection Directorate"]] == "Adult social care"]
    return len(homes), sum(int(r[col["Care homes beds"]]) for r in homes)


def image_widths(reader: PdfReader) -> list[int]:
    """Pixel widths of every image XObject in the PDF (searching inside form XObjects too)."""
    widths, seen = [], set()

    def visit(resources) -> None:
        for ref in (resources or {}).get("/XObject", {}).values():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                widths.append(int(obj["/Width"]))
            elif obj.get("/Subtype") == "/Form":
                visit(obj.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return widths


@pytest.fixture(scope="module")
def sheffield_run(demo_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    code = main(["run", "--data", str(demo_dir), "--out", str(out), "--year", "2026", "--council", "E08000019"])
    return code, out / "2026" / "E08000019"


def test_run_writes_html_pdf_notebook_and_key_figures(sheffield_run):
    code, folder = sheffield_run
    assert code == 0
    for name in ["mps.html", "mps.pdf", "mps_data.xlsx", "key_figures.json", "notebooks/care_homes.ipynb",
                 "notebooks/oversight.ipynb", "source/index.qmd"]:
        assert (folder / name).is_file(), name
    assert not list(folder.parents[1].glob(".staging-*")), "staging folders left behind"
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_html_figures_equal_an_independent_count_from_the_input_file(sheffield_run, demo_dir):
    _, folder = sheffield_run
    homes, beds = independent_care_home_count(next((demo_dir / "cqc").glob("*2026_HSCA*")), "Sheffield")
    html = (folder / "mps.html").read_text(encoding="utf-8")
    assert f"Sheffield has {homes} care homes" in html
    assert re.search(rf"All care homes</td>\s*<td[^>]*>{homes}</td>\s*<td[^>]*>\d+</td>\s*<td[^>]*>{beds:,}</td>", html)
    key = json.loads((folder / "key_figures.json").read_text())
    assert key["services"]["care_homes"]["locations"] == homes
    assert key["services"]["care_homes"]["beds"] == beds


def test_mps_has_four_service_chapters_each_with_every_section_and_the_oversight_chapter(sheffield_run):
    _, folder = sheffield_run
    html = (folder / "mps.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h1[^>]*>(?:<span[^>]*>[^<]*</span>\s*)?([^<]+)</h1>", html)
    for chapter in CHAPTERS:
        assert any(chapter in h for h in headings), chapter
    for service in ["care-homes", "home-care", "supported-living", "day-opportunities"]:
        for section in ["sufficiency", "quality", "stability", "workforce", "cost", "demand", "sustainability",
                        "actions"]:
            assert f'id="sec-{service}-{section}"' in html, (service, section)
    text = "\n".join(page.extract_text() for page in PdfReader(folder / "mps.pdf").pages)
    for section in SECTIONS:
        assert text.count(section) >= 4, section


def test_data_workbook_has_every_table_and_a_readme(sheffield_run):
    _, folder = sheffield_run
    wb = load_workbook(folder / "mps_data.xlsx", read_only=True)
    tables = [p for p in (folder / "source" / "artefacts").rglob("*.csv")]
    assert wb.sheetnames[0] == "README"
    assert len(wb.sheetnames) - 1 == len(tables)


def test_internal_dashboard_is_outside_the_published_folder_and_never_referenced(sheffield_run):
    _, folder = sheffield_run
    internal = folder.parents[1] / "internal" / "2026" / "E08000019"
    dashboard = (internal / "provider_risk_dashboard.html").read_text(encoding="utf-8")
    assert "INTERNAL" in dashboard
    risk = __import__("pandas").read_csv(internal / "provider_risk.csv")
    assert len(risk) and {"pts_placement_embargo", "rag_by_score"} <= set(risk.columns)
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".qmd", ".md", ".json", ".csv", ".ipynb"}:
            text = path.read_text(encoding="utf-8", errors="ignore")
            for leak in ["internal/2026", "provider_risk_dashboard", "provider_risk.csv", "pts_placement_embargo",
                         "rag_by_score"]:
                assert leak not in text, (path, leak)


def test_html_is_self_contained_interactive_and_carries_the_banner_and_vintage(sheffield_run):
    _, folder = sheffield_run
    html = (folder / "mps.html").read_text(encoding="utf-8")
    assert "<title>" in html and "Sheffield" in html
    assert "Plotly.newPlot" in html and 'id="fig-care-homes-ratings"' in html and 'class="chart-spec"' in html
    assert len(html.encode()) <= 2_000_000  # the plotly.js basic bundle, not the full 4.8 MB one
    assert not re.search(r'<script[^>]+src="https?://', html), "HTML loads a script from the network"
    assert "Synthetic demo data" in html
    assert "Data as at 1 November 2026" in html


def test_the_statement_opens_at_a_glance_keeps_the_body_to_25_pages_and_the_appendix_after_it(sheffield_run):
    _, folder = sheffield_run
    html = (folder / "mps.html").read_text(encoding="utf-8")
    first = re.findall(r'<section id="([^"]+)" class="level1', html)
    assert first[:3] == ["sec-glance", "sec-introduction", "sec-care-homes"], first[:3]
    assert first[-2:] == ["sec-appendix", "sec-methods"]
    assert "To be written by the council" not in html  # the demo ships Sheffield's own (synthetic) text
    pages = [page.extract_text() for page in PdfReader(folder / "mps.pdf").pages]
    starts = [i + 1 for i, text in enumerate(pages) if "Appendix: detail" in text and "behind the statement" in text]
    assert starts and starts[0] <= 26, f"the appendix starts on page {starts}: the body is over 25 A4 pages"
    # the budget sensitivity grid is internal by default: in neither the statement nor its data
    assert not list(folder.rglob("cost_sensitivity*"))
    assert not any("sensitivity" in name.lower() for name in load_workbook(folder / "mps_data.xlsx").sheetnames)


def test_pdf_has_the_chart_image_council_name_banner_and_title(sheffield_run):
    _, folder = sheffield_run
    reader = PdfReader(folder / "mps.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    widths = image_widths(reader)
    assert widths, "no image in the PDF"
    assert max(widths) >= 600  # the exported chart, not an icon
    assert "Sheffield" in text and "Synthetic demo data" in text
    assert "Market Position Statement 2026" in (reader.metadata.title or "")


def test_failed_rerun_leaves_the_previous_output_untouched(sheffield_run, demo_dir, tmp_path, capsys):
    _, folder = sheffield_run
    before = {p.name: p.read_bytes() for p in [folder / "mps.pdf", folder / "mps.html", folder / "key_figures.json"]}
    bad = tmp_path / "bad"
    shutil.copytree(demo_dir, bad)
    latest = next((bad / "cqc").glob("*2026_HSCA*"))
    wb = load_workbook(latest)
    ws = wb["HSCA_Active_Locations"]
    beds_col = [c.value for c in ws[1]].index("Care homes beds") + 1
    ws.cell(row=5, column=beds_col, value="lots")
    wb.save(latest)
    code = main(["run", "--data", str(bad), "--out", str(folder.parents[1]), "--year", "2026", "--council", "E08000019"])
    err = capsys.readouterr().err
    assert code == 1
    assert latest.name in err and "row 5, column 'Care homes beds': expected a number, found 'lots'" in err
    assert "Traceback" not in err
    assert {name: (folder / name).read_bytes() for name in before} == before
    assert not list(folder.parents[1].glob(".staging-*")), "staging folders left behind"
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_a_second_run_in_fresh_processes_publishes_the_same_bytes(sheffield_run, demo_dir, tmp_path):
    """Reproducible: the same inputs give the same statement, whatever each process's hash seed (sets and dicts
    of strings iterate in a per-process order unless PYTHONHASHSEED is fixed, and this run's are not)."""
    _, folder = sheffield_run
    out = tmp_path / "again"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    done = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--data", str(demo_dir), "--out", str(out),
                           "--year", "2026", "--council", "E08000019", "--formats", "html"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    again = out / "2026" / "E08000019"
    for name in ["mps.html", "key_figures.json", "source/index.qmd"]:
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
