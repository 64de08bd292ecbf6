"""Input text as literal text in each published format: Markdown (pandoc), HTML, JSON inside a <script>.

Every value that comes from an input file (a provider's name, an action plan cell, a file name in a
data-quality warning) passes through one of these before it is spliced into the statement, so no cell
can add markup, maths, a link, a citation, an include, an image or a script.
"""
from __future__ import annotations

import html
import json
import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def plain(text: object) -> str:
    """The text on one line: line breaks and tabs become spaces, other control characters are dropped."""
    return _CONTROL.sub("", _BREAKS.sub(" ", str(text)))


def markdown(text: object) -> str:
    """Text that pandoc's Markdown reader reads back as exactly these characters (every ASCII punctuation escaped).

    pandoc lets any ASCII punctuation be backslash-escaped, so `*`, `_`, `$`, `@`, `<`, `[`, `{`, `\\`, `|`, `&`
    and the rest lose their meaning; line breaks become spaces so a cell stays in its table row.
    """
    return _PUNCTUATION.sub(r"\\\1", plain(text))


def yaml_markdown(text: object) -> str:
    """A YAML front-matter value (JSON is YAML) that pandoc reads back as exactly this text."""
    return json.dumps(markdown(text), ensure_ascii=False)


def html_text(text: object) -> str:
    """Text (or an attribute value) for HTML, with &, <, >, " and ' as entities."""
    return html.escape(plain(text), quote=True)


def script_json(value: object) -> str:
    """JSON to place inside <script>: '<', '>', '&' and line separators as \\u escapes, so no text closes the tag."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _plotly_text(value: object, key: str = "") -> object:
    if isinstance(value, str):
        return value if key.endswith("template") else value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, dict):
        return {k: _plotly_text(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_plotly_text(v, key) for v in value]
    return value


def plotly_figure(figure: dict) -> dict:
    """A figure dict whose every text shows literally: plotly.js reads <b>, <a href>, <br> and entities in labels.

    Strings become entities for &, < and >; hover and text templates (written by the code, not the data) are kept.
    """
    return {k: _plotly_text(v, k) for k, v in figure.items()}
