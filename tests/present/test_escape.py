"""helpers.present.escape: input text reads back as the same literal text in Markdown (via pandoc), HTML and script JSON."""
from __future__ import annotations

import json
import subprocess

import pypandoc
import pytest

from helpers.present.escape import html_text, markdown, plain, plotly_figure, script_json

PAYLOADS = [
    "<img src=x onerror=alert(1)>name", "<script>alert(2)</script>NAME", "*x*", "_x_", "$x$", "\\textbf{x}",
    "<b>bold</b>", "[text](http://127.0.0.1:9/x)", "![x](/etc/hostname)", "{{< include ../../private/notes.txt >}}",
    "@Home commissioning team", "owner @word", "=HYPERLINK(\"http://x\",\"click\")", "1. not a list", "# not a heading",
    "- not a bullet", "a | pipe", "&amp; &copy; entity", "`code`", "~~strike~~ ^sup^ ~sub~", "<!-- comment -->x",
    "::: {.callout-note}", "right-to-left \u202eevil\u202c مرحبا", "back\\slash", "[@cite]", "x^[note]",
]
LITERAL_INLINES = {"Str", "Space"}


def _inlines(ast: dict) -> list[dict]:
    """Every inline element of a one-paragraph pandoc AST, recursively."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "t" in node and node["t"] not in ("Para", "Plain"):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast["blocks"])
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_reads_back_through_pandoc_as_the_same_literal_text(payload: str) -> None:
    out = subprocess.run([pypandoc.get_pandoc_path(), "--from=markdown", "--to=json", "--sandbox"],
                         input=markdown(payload).encode(), capture_output=True, check=True).stdout
    ast = json.loads(out)
    assert len(ast["blocks"]) == 1 and ast["blocks"][0]["t"] == "Para"
    inlines = _inlines(ast)
    assert {i["t"] for i in inlines} <= LITERAL_INLINES, payload
    text = "".join(i["c"] if i["t"] == "Str" else " " for i in inlines)
    assert text == " ".join(payload.split())


def test_markdown_keeps_a_cell_on_one_line_and_drops_control_characters() -> None:
    assert "\n" not in markdown("line one\nline two\r\nthree\tfour")
    assert plain("line one\nline two\r\nthree\tfour") == "line one line two three four"
    assert plain("bell\x07escape\x1b") == "bellescape"


def test_html_text_escapes_markup_and_quotes() -> None:
    assert html_text('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert html_text("a'b & c") == "a&#x27;b &amp; c"


def test_script_json_cannot_close_the_script_element_and_reads_back() -> None:
    value = {"name": "</script><script>alert(1)</script>", "amp": "&", "sep": "\u2028"}
    text = script_json(value)
    assert "</" not in text and "<" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_plotly_figure_makes_label_markup_literal_but_keeps_templates() -> None:
    fig = {"data": [{"type": "bar", "x": ["<a href='http://x'>click</a>", 3], "name": "A & B",
                     "hovertemplate": "%{y}<extra></extra>"}],
           "layout": {"title": {"text": "<b>T</b>"}}}
    out = plotly_figure(fig)
    assert out["data"][0]["x"] == ["&lt;a href='http://x'&gt;click&lt;/a&gt;", 3]
    assert out["data"][0]["name"] == "A &amp; B"
    assert out["data"][0]["hovertemplate"] == "%{y}<extra></extra>"
    assert out["layout"]["title"]["text"] == "&lt;b&gt;T&lt;/b&gt;"
    assert fig["data"][0]["name"] == "A & B"  # the caller's figure is not changed
