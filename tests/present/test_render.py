"""The MPS renderer: include expansion, the pandoc + typst engine end to end, and Quarto where installed."""
from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from helpers.errors import InputError
from helpers.present.render import RenderError, expand_includes, quarto_available, render

QUARTO_YML = """project:
  type: default
format:
  html:
    embed-resources: true
    toc: true
    css: mps.css
    include-in-header: artefacts/plotly.html
  typst:
    toc: true
    papersize: a4
"""

INDEX = """---
title: "Test MPS — Sheffield"
subtitle: "Adult social care market position statement"
lang: en-GB
---

::: {.callout-warning}
## Synthetic demo data
Every figure here is invented. See @sec-care-homes.
:::

# Summary {#sec-summary}

Sheffield has a mixed care home market.

::: {.callout-note title="Key messages"}
- Most homes are rated Good.
:::

{{< include _care_homes.qmd >}}
"""

CHAPTER = """# Care homes {#sec-care-homes}

{{< include artefacts/care_homes/ratings.fig.md >}}

| Rating | Homes |
|:---|---:|
| Good | 12 |
| Outstanding | 3 |

: Care home ratings by CQC overall rating
"""

CHART = """::: {.content-visible when-format="html"}
```{=html}
<div id="chart-ratings" class="plotly-graph-div"></div><script>Plotly.newPlot("chart-ratings", [], {});</script>
```
:::

::: {.content-visible when-format="pdf"}
![Care home ratings](artefacts/care_homes/ratings.png){fig-alt="Bar chart: 12 homes rated Good, 3 Outstanding"
width="90%"}
:::

::: {.content-hidden when-format="typst"}
Interactive chart above.
:::
"""


def png(width: int, height: int) -> bytes:
    """A solid-colour RGB PNG built with zlib, so no chart engine or network is needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([29, 112, 184]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def make_project(root: Path) -> Path:
    """Write a small MPS project like helpers.present.mps builds: index, one chapter, a chart snippet and its PNG."""
    charts = root / "artefacts" / "care_homes"
    charts.mkdir(parents=True)
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "mps.css").write_text(".callout { border-left: 6px solid #1d70b8; }\n", encoding="utf-8")
    (root / "artefacts" / "plotly.html").write_text("<script>window.PlotlyStub = true;</script>\n", encoding="utf-8")
    (root / "index.qmd").write_text(INDEX, encoding="utf-8")
    (root / "_care_homes.qmd").write_text(CHAPTER, encoding="utf-8")
    (charts / "ratings.fig.md").write_text(CHART, encoding="utf-8")
    (charts / "ratings.png").write_bytes(png(160, 80))
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small project rendered once to HTML and PDF by the pandoc engine."""
    project = make_project(tmp_path_factory.mktemp("project"))
    return render(project, project / "out", engine="pandoc")


def pdf_alt_texts(reader: PdfReader) -> list[str]:
    """Every /Alt entry in the PDF's structure tree (tagged PDF)."""
    found: list[str] = []

    def walk(node: object, seen: set[int]) -> None:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            for key, value in node.items():
                if key not in ("/P", "/Pg", "/Parent"):
                    walk(value, seen)
        elif isinstance(node, ArrayObject):
            for value in node:
                walk(value, seen)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], set())
    return found


def test_expand_includes_is_recursive_and_relative_to_the_including_file(tmp_path: Path) -> None:
    (tmp_path / "chapters" / "parts").mkdir(parents=True)
    (tmp_path / "index.qmd").write_text("Start\n{{< include chapters/one.qmd >}}\nEnd\n", encoding="utf-8")
    (tmp_path / "chapters" / "one.qmd").write_text('One\n{{< include "parts/two.md" >}}\n', encoding="utf-8")
    (tmp_path / "chapters" / "parts" / "two.md").write_text("Two", encoding="utf-8")
    assert expand_includes(tmp_path / "index.qmd") == "Start\nOne\nTwo\n\nEnd\n"


def test_missing_include_names_the_including_file_and_the_missing_path(tmp_path: Path) -> None:
    (tmp_path / "index.qmd").write_text("{{< include _a.qmd >}}\n", encoding="utf-8")
    (tmp_path / "_a.qmd").write_text("{{< include artefacts/gone.md >}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="artefacts/gone.md") as caught:
        expand_includes(tmp_path / "index.qmd")
    assert Path(caught.value.file) == (tmp_path / "_a.qmd").resolve()
    assert "_a.qmd" in str(caught.value)


def test_include_cycle_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "index.qmd").write_text("{{< include a.qmd >}}\n", encoding="utf-8")
    (tmp_path / "a.qmd").write_text("{{< include b.qmd >}}\n", encoding="utf-8")
    (tmp_path / "b.qmd").write_text("{{< include a.qmd >}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="include cycle: a.qmd → b.qmd → a.qmd"):
        expand_includes(tmp_path / "index.qmd")


def test_shortcodes_outside_the_subset_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "index.qmd").write_text("{{< pagebreak >}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported Quarto shortcode"):
        expand_includes(tmp_path / "index.qmd")


def test_html_is_self_contained_with_title_callout_chart_and_table(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert rendered["html"].name == "mps.html"
    assert "<title>Test MPS — Sheffield</title>" in html
    assert 'lang="en-GB"' in html
    assert '<div id="chart-ratings" class="plotly-graph-div"></div>' in html
    assert "window.PlotlyStub = true;" in html.split("</head>")[0]
    assert "border-left: 6px solid #1d70b8" in html
    assert "ratings.png" not in html and "![" not in html
    assert "Interactive chart above." in html
    assert '<div class="callout callout-warning callout-titled" role="note">' in html
    assert "<strong>Synthetic demo data</strong>" in html and "Every figure here is invented." in html
    assert "<strong>Key messages</strong>" in html and "<li>Most homes are rated Good.</li>" in html
    assert '<a href="#sec-care-homes">Care homes</a>' in html
    assert "<caption>Care home ratings by CQC overall rating</caption>" in html
    assert 'id="TOC"' in html
    assert "content-visible" not in html and "when-format" not in html


EXTERNAL_REFERENCE = re.compile(r'<(?:img|script|link)\b[^>]*\s(?:src|href)="(?!data:|#)')


def test_html_inlines_its_stylesheet_and_references_no_other_file(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert "<style>\n.callout { border-left: 6px solid #1d70b8; }" in html
    assert not EXTERNAL_REFERENCE.search(html)


def test_a_stylesheet_that_points_elsewhere_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "mps.css").write_text("body { background: url(https://example.org/x.png); }\n", encoding="utf-8")
    with pytest.raises(RenderError, match="url"):
        render(project, tmp_path / "out", formats=("html",), engine="pandoc")
    assert not (tmp_path / "out" / "mps.html").exists()


@pytest.mark.parametrize("src", ["/etc/hostname", "../outside.png", "http://127.0.0.1:9/x.png"])
def test_an_image_outside_the_project_is_refused_not_read_or_fetched(tmp_path: Path, src: str) -> None:
    project = make_project(tmp_path)
    (tmp_path / "outside.png").write_bytes((project / "artefacts" / "care_homes" / "ratings.png").read_bytes())
    (project / "index.qmd").write_text(f"---\ntitle: Alt\n---\n\n![Caption]({src})\n", encoding="utf-8")
    with pytest.raises(RenderError, match="inside the project"):
        render(project, tmp_path / "out", formats=("html",), engine="pandoc")


def test_html_image_takes_its_alt_text_from_fig_alt(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "index.qmd").write_text(
        '---\ntitle: Alt\n---\n\n![Caption](artefacts/care_homes/ratings.png){fig-alt="Described chart"}\n',
        encoding="utf-8")
    html = render(project, tmp_path / "out", formats=("html",), engine="pandoc")["html"].read_text(encoding="utf-8")
    assert 'alt="Described chart"' in html and "<figcaption>Caption</figcaption>" in html
    assert "data:image/png;base64," in html and "fig-alt" not in html


def test_pdf_has_title_headings_image_with_alt_text_callout_and_table(rendered: dict[str, Path]) -> None:
    assert rendered["pdf"].read_bytes().startswith(b"%PDF")
    reader = PdfReader(rendered["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title == "Test MPS — Sheffield"
    assert "Sheffield" in text
    assert "Synthetic demo data" in text and "Every figure here is invented." in text
    assert "Key messages" in text and "Most homes are rated Good." in text
    assert "Outstanding" in text and "Care home ratings by CQC overall rating" in text
    assert "Interactive chart above." not in text
    assert sum(len(page.images) for page in reader.pages) == 1
    assert pdf_alt_texts(reader) == ["Bar chart: 12 homes rated Good, 3 Outstanding"]
    assert [item.title for item in reader.outline] == ["Summary", "Care homes"]


def test_missing_include_stops_the_render(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "_care_homes.qmd").write_text("{{< include artefacts/nope.md >}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="artefacts/nope.md") as caught:
        render(project, tmp_path / "out", engine="pandoc")
    assert Path(caught.value.file).name == "_care_homes.qmd"


@pytest.mark.parametrize("breakage", [
    "\n```{=typst}\n#let broken = (\n```\n",
    "\n![Missing chart](artefacts/care_homes/missing.png){fig-alt=\"A chart that was never written\"}\n",
])
def test_failed_render_raises_and_leaves_the_previous_pdf_untouched(tmp_path: Path, breakage: str) -> None:
    project = make_project(tmp_path)
    out = tmp_path / "out"
    previous = render(project, out, formats=("pdf",), engine="pandoc")["pdf"].read_bytes()
    with (project / "_care_homes.qmd").open("a", encoding="utf-8") as f:
        f.write(breakage)
    with pytest.raises(RenderError, match="typst"):
        render(project, out, formats=("pdf",), engine="pandoc")
    assert (out / "mps.pdf").read_bytes() == previous
    assert sorted(p.name for p in out.iterdir()) == ["mps.pdf"]


def test_missing_html_resource_is_a_render_error(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "mps.css").unlink()
    with pytest.raises(RenderError, match="mps.css"):
        render(project, tmp_path / "out", formats=("html",), engine="pandoc")
    assert not (tmp_path / "out" / "mps.html").exists()


def test_quarto_engine_without_quarto_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "no-quarto-here"))
    assert quarto_available() is None
    with pytest.raises(RenderError, match="Quarto is not installed"):
        render(make_project(tmp_path / "project"), tmp_path / "out", engine="quarto")


FAKE_QUARTO = """#!/bin/sh
# Stands in for quarto: records its arguments and writes the --output file into --output-dir.
echo "$@" >> "$(dirname "$0")/calls.txt"
while [ $# -gt 0 ]; do
  case "$1" in --output) out="$2"; shift ;; --output-dir) dir="$2"; shift ;; esac
  shift
done
echo "rendered by fake quarto" > "$dir/$out"
"""


def test_quarto_engine_runs_quarto_render_and_moves_its_outputs(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(FAKE_QUARTO, encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    out = tmp_path / "out"
    outputs = render(make_project(tmp_path / "project"), out)
    assert outputs == {"html": out / "mps.html", "pdf": out / "mps.pdf"}
    assert outputs["pdf"].read_text() == "rendered by fake quarto\n"
    calls = (fake.parent / "calls.txt").read_text().splitlines()
    assert [c.split(" --output-dir")[0] for c in calls] == ["render index.qmd --to html --output mps.html",
                                                            "render index.qmd --to typst --output mps.pdf"]
    assert sorted(p.name for p in out.iterdir()) == ["mps.html", "mps.pdf"]


@pytest.mark.skipif(quarto_available() is None,
                    reason="Quarto not installed; the pandoc+typst engine is tested instead")
def test_quarto_engine_renders_the_same_sources(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    outputs = render(project, tmp_path / "out", engine="quarto")
    assert outputs["pdf"].read_bytes().startswith(b"%PDF")
    assert "Sheffield" in "".join(page.extract_text() for page in PdfReader(outputs["pdf"]).pages)
    html = outputs["html"].read_text(encoding="utf-8")
    assert "plotly-graph-div" in html and "Synthetic demo data" in html


def test_an_include_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (tmp_path / "private.txt").write_text("SECRET NOTES", encoding="utf-8")
    (project / "index.qmd").write_text("---\ntitle: T\n---\n\n{{< include ../private.txt >}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside the project"):
        render(project, tmp_path / "out", formats=("html",), engine="pandoc")


def test_html_and_typst_come_from_one_sandboxed_pandoc_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    import pypandoc
    calls: list[list[str]] = []
    run = subprocess.run

    def recording(args, *rest, **kwargs):
        calls.append([str(a) for a in args])
        return run(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", recording)
    render(make_project(tmp_path / "project"), tmp_path / "out", engine="pandoc")
    pandoc_calls = [c for c in calls if c[0] == pypandoc.get_pandoc_path()]
    assert len(pandoc_calls) == 1  # the statement is parsed once for both formats
    assert "--sandbox" in pandoc_calls[0] and "--fail-if-warnings" in pandoc_calls[0]


def test_table_regions_write_their_attributes_in_one_order(rendered: dict[str, Path]) -> None:
    # A Lua table's key order changes from run to run: the same statement must give the same bytes every time.
    html = rendered["html"].read_text(encoding="utf-8")
    assert ('<div class="table-scroll" role="region" tabindex="0" '
            'aria-label="Care home ratings by CQC overall rating">') in html


def test_quarto_yml_metadata_is_per_format_and_the_documents_own_wins(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "_quarto.yml").write_text("""title: Not the document title
subtitle: Everywhere
format:
  html:
    css: mps.css
    subtitle: Only on the web page
  typst:
    papersize: a5
""", encoding="utf-8")
    (project / "index.qmd").write_text("---\ntitle: The document title\n---\n\n# One {#sec-one}\n\nText.\n",
                                       encoding="utf-8")
    outputs = render(project, tmp_path / "out", engine="pandoc")
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<title>The document title</title>" in html
    assert '<p class="subtitle">Only on the web page</p>' in html
    reader = PdfReader(outputs["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title == "The document title"
    assert "Everywhere" in text and "Only on the web page" not in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)  # A5, from the typst options


def test_a_writer_warning_fails_the_render_as_a_reader_warning_does(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "index.qmd").write_text("---\ntitle: T\n---\n\nx $\\begin{foo}a\\end{bar}$ y\n", encoding="utf-8")
    with pytest.raises(RenderError, match="WARNING"):
        render(project, tmp_path / "out", formats=("pdf",), engine="pandoc")
    assert not (tmp_path / "out" / "mps.pdf").exists()


@pytest.mark.parametrize("option", ["template: ../outside.html5", "include-in-header: ../outside.html"])
def test_a_template_or_header_outside_the_project_is_refused(tmp_path: Path, option: str) -> None:
    project = make_project(tmp_path / "project")
    (tmp_path / "outside.html5").write_text("$body$\n", encoding="utf-8")
    (tmp_path / "outside.html").write_text("<script>SECRET</script>\n", encoding="utf-8")
    config = QUARTO_YML.replace("    include-in-header: artefacts/plotly.html\n", f"    {option}\n")
    (project / "_quarto.yml").write_text(config, encoding="utf-8")
    with pytest.raises(InputError, match="not a file inside the project"):
        render(project, tmp_path / "out", formats=("html",), engine="pandoc")


def test_a_document_cannot_stand_in_for_the_projects_format_metadata(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "index.qmd").write_text("---\ntitle: T\ncaremarket-format-metadata: mine\n---\n\nText.\n",
                                       encoding="utf-8")
    with pytest.raises(RenderError, match="reserved"):
        render(project, tmp_path / "out", engine="pandoc")


def test_quarto_only_attributes_are_dropped_and_others_kept(tmp_path: Path) -> None:
    """The filter leaves an element it does not change as it was, and still drops fig-/tbl-/layout attributes."""
    project = make_project(tmp_path)
    (project / "index.qmd").write_text(
        "---\ntitle: Attributes\n---\n\n"
        '::: {#kept .box data-keep="div" layout-ncol="2"}\nA div.\n:::\n\n'
        '::: {#plain data-keep="plain"}\nNothing to drop.\n:::\n\n'
        'A [span]{.mark data-keep="span" fig-align="left"} and a [plain span]{data-keep="plain-span"}.\n\n'
        '![Caption](artefacts/care_homes/ratings.png){width="50%" fig-align="center" data-keep="figure"}\n\n'
        "| A | B |\n|:--|--:|\n| 1 | 2 |\n\n"
        ': Numbers {#tbl-numbers tbl-colwidths="[50,50]" data-keep="table"}\n',
        encoding="utf-8")
    out = render(project, tmp_path / "out", engine="pandoc")
    html = out["html"].read_text(encoding="utf-8")
    for kept in ("div", "plain", "span", "plain-span", "figure"):
        assert f'data-keep="{kept}"' in html
    assert not re.search(r"(fig|tbl|layout)-(ncol|align|colwidths)", html)
    assert 'aria-label="Numbers"' in html and out["pdf"].read_bytes().startswith(b"%PDF")


def test_pandoc_runs_with_its_larger_allocation_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandoc gets PANDOC_RTS in GHCRTS (its runtime's options, which only tune memory: the output is the same)."""
    import subprocess

    from helpers.present import render as render_module

    seen = []
    run = subprocess.run
    monkeypatch.setattr(render_module.subprocess, "run",
                        lambda args, **kw: seen.append(kw.get("env", {}).get("GHCRTS")) or run(args, **kw))
    render(make_project(tmp_path), tmp_path / "out", formats=("html",), engine="pandoc")
    assert seen and seen[0] == render_module.PANDOC_RTS == "-A128m"
