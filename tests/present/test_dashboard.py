"""The INTERNAL provider risk dashboard: every indicator traceable, marked internal, escaped, written atomically."""
from __future__ import annotations

import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from helpers.assess.provider_risk import INDICATORS, LABELS, council_risk
from helpers.present import dashboard
from helpers.present.render import RenderError
from helpers.services import SERVICES, title

CODE = "E08000019"  # Sheffield, in the session's demo dataset
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def first(demo_dir, tmp_path_factory) -> tuple[Path, Path]:
    """A first dashboard (no previous run): (its folder, its page)."""
    out_dir = tmp_path_factory.mktemp("reports") / "internal" / "2026" / CODE
    page = dashboard.write_dashboard(council_risk(demo_dir, CODE, today=TODAY), out_dir, engine="pandoc")
    return out_dir, page


def test_dashboard_shows_every_indicator_and_the_internal_marking(first):
    out_dir, page = first
    text = page.read_text(encoding="utf-8")
    assert page == out_dir / "provider_risk_dashboard.html"
    for indicator in INDICATORS:
        assert f"{LABELS[indicator]} (pts)" in text
    assert text.count(dashboard.INTERNAL) >= 3  # title, top and bottom banners
    assert 'id="filter-service"' in text and 'id="filter-rag"' in text and "aria-sort" in text
    assert "No previous run was found" in text and "Run on 25 November 2026" in text
    assert "Home care delivery by provider" in text and "Care home financial risk" in text
    risk = pd.read_csv(out_dir / "provider_risk.csv", dtype={"location_id": "str"})
    assert {f"pts_{i}" for i in INDICATORS} <= set(risk.columns)
    assert (risk[[f"pts_{i}" for i in INDICATORS]].sum(axis=1) == risk["score"]).all()
    assert sorted(p.name for p in out_dir.iterdir()) == ["provider_risk.csv", "provider_risk_dashboard.html"]


def test_css_and_script_come_from_the_package_template(first):
    _, page = first
    text = page.read_text(encoding="utf-8")
    template = resources.files("helpers.present").joinpath(dashboard.TEMPLATE)
    css = template.joinpath("dashboard.css").read_text(encoding="utf-8")
    script = template.joinpath(dashboard.SCRIPT).read_text(encoding="utf-8")
    assert css.strip() in text and script.strip() in text
    assert '<meta name="robots" content="noindex, nofollow">' in text


def test_services_are_named_by_their_titles(first):
    out_dir, page = first
    text = page.read_text(encoding="utf-8")
    scored = set(pd.read_csv(out_dir / dashboard.RISK_CSV)["service"])
    assert scored and scored <= set(SERVICES)
    for service in scored:
        assert f'<option value="{service}">{title(service)}</option>' in text
    assert "<td>home_care</td>" not in text and "<td>Home care</td>" in text


def test_second_run_lists_who_turned_red_and_a_failed_render_keeps_the_last_output(first, demo_dir, tmp_path,
                                                                                   monkeypatch):
    out_dir = tmp_path / CODE
    shutil.copytree(first[0], out_dir)
    previous = pd.read_csv(out_dir / "provider_risk.csv", dtype={"location_id": "str"})
    red = previous.index[previous["rag"] == "Red"][:2]
    turned = set(previous.loc[red, "location_id"])
    previous.loc[red, "rag"] = "Amber"
    previous.to_csv(out_dir / "provider_risk.csv", index=False)
    risk = council_risk(demo_dir, CODE, previous=dashboard.read_previous(out_dir), today=TODAY)
    assert set(risk.turned["location_id"]) == turned
    text = dashboard.write_dashboard(risk, out_dir, engine="pandoc").read_text(encoding="utf-8")
    section = text[text.index("Turned Red since the previous run"):text.index('id="filter-service"')]
    assert "2 locations turned Red since the previous run" in section
    assert all(loc in section for loc in turned)

    def fail(*args, **kwargs):
        raise RenderError("boom")
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    monkeypatch.setattr(dashboard, "render", fail)
    with pytest.raises(RenderError):
        dashboard.write_dashboard(risk, out_dir, engine="pandoc")
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before  # page and CSV as they were, nothing else


def test_without_provider_intelligence_the_page_says_so(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    for path in data.rglob(f"{CODE}_provider_intelligence.*"):
        path.unlink()
    risk = council_risk(data, CODE, today=TODAY)
    assert risk.risk is None and risk.counts is None and risk.turned is None
    page = dashboard.write_dashboard(risk, tmp_path / "out", engine="pandoc")
    assert "No provider intelligence file was supplied" in page.read_text(encoding="utf-8")
    assert not (tmp_path / "out" / dashboard.RISK_CSV).exists()


def test_untrusted_names_are_escaped(first, demo_dir):
    risk = council_risk(demo_dir, CODE, today=TODAY)
    risk.risk.loc[0, "location_name"] = '<img src=x onerror="alert(1)">&'
    html = dashboard.page_markdown(risk)
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in html


def test_read_previous_is_none_without_a_previous_table(tmp_path):
    assert dashboard.read_previous(tmp_path) is None


def test_source_file_names_and_warnings_are_literal_text_in_the_method():
    from helpers.assess.provider_risk import risk_params
    from helpers.errors import DataQualityLog
    log = DataQualityLog()
    log.warn("Provider intelligence", "owner '*x* @team' in row 3")
    text = dashboard._method(risk_params(), [{"source": "CQC care directory", "file": "_dir_ $1$.xlsx",
                                              "vintage": "1 November 2026", "synthetic": False}], log)
    assert "\\*x\\* \\@team" in text and "\\_dir\\_ \\$1\\$\\.xlsx" in text
    assert dashboard._front_matter("*x*").startswith('---\ntitle: "Provider risk dashboard\\\\: \\\\*x\\\\*')
