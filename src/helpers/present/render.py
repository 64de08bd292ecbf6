"""Render the MPS Quarto project to HTML and PDF: with Quarto where installed, else with pandoc + typst
(what Quarto itself runs underneath, installable with pip alone: pandoc from pypandoc-binary, Typst from typst).

The built-in engine supports exactly the Quarto subset the MPS uses: front matter, `{{< include >}}`,
content-visible/-hidden by format, callouts, figures with `fig-alt`, pipe tables with captions and
`@sec-` cross-references (see mps/quarto_subset.lua). pandoc parses the statement once, under --sandbox, and
one custom writer (mps/formats_writer.lua) writes that parse to HTML and to Typst, each through the filter with
its own FORMAT, as two `pandoc --to=...` runs did from two parses of the same text. Every output is written to a
temporary file and moved into place, so a failed render leaves the previous output untouched.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import pypandoc
import yaml

from helpers.errors import InputError, UsageError
from helpers.files import write_bytes

ENGINES = ("auto", "quarto", "pandoc")
QUARTO_FORMATS = {"html": "html", "pdf": "typst"}  # our output → Quarto/pandoc format
PANDOC_WRITERS = {"html": "html5", "typst": "typst"}  # Quarto format → pandoc writer (and the filter's FORMAT)
# _quarto.yml format options the pandoc engine handles itself or ignores; the rest become document metadata.
NOT_METADATA = {"toc", "toc-depth", "number-sections", "css", "include-in-header", "embed-resources",
                "output-file", "pdf-standard", "keep-typ", "template"}
_SHORTCODE = re.compile(r"\{\{<\s*(\S+)(.*?)>\}\}")
# pandoc's GHC runtime: a 128 MB allocation area (default 4 MB under its 64 MB heap) halves its garbage collections;
# ~6% less CPU per statement, measured, for ~100 MB more memory while it runs. GHCRTS, not +RTS arguments: a pandoc
# built without -rtsopts only warns about the variable (and runs), where it would refuse the arguments.
PANDOC_RTS = "-A128m"
# The metadata key under which _quarto.yml's metadata for each format reaches formats_writer.lua.
FORMAT_METADATA = "caremarket-format-metadata"


class RenderError(Exception):
    """pandoc, typst or Quarto could not render the MPS; the message is the tool's own."""


def expand_includes(path: Path) -> str:
    """Return the .qmd text with every {{< include X >}} replaced by X's expanded text (X relative to its includer).

    X must be inside the folder of the file expanded first (the project): nothing outside it is ever read.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise InputError("file not found", file=path)
    return _expand(path, (), path.parent)


def _expand(path: Path, chain: tuple[Path, ...], root: Path) -> str:
    chain = (*chain, path)

    def replace(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2).strip().strip("\"'")
        if name != "include":
            raise InputError(f"unsupported Quarto shortcode {match.group(0)} (only include is supported)", file=path)
        target = (path.parent / argument).resolve()
        if not target.is_relative_to(root):
            raise InputError(f"include outside the project refused: {argument}", file=path)
        if target in chain:
            cycle = " → ".join(p.name for p in (*chain[chain.index(target):], target))
            raise InputError(f"include cycle: {cycle}", file=path)
        if not target.is_file():
            raise InputError(f"included file not found: {argument}", file=path)
        return _expand(target, chain, root)

    return _SHORTCODE.sub(replace, path.read_text(encoding="utf-8"))


def quarto_available() -> str | None:
    """Return the path of the quarto binary named by QUARTO_PATH or found on PATH, else None."""
    return shutil.which(os.environ.get("QUARTO_PATH") or "quarto")


def render(project: Path, out_dir: Path, formats: tuple[str, ...] = ("html", "pdf"), engine: str = "auto",
           basename: str = "mps") -> dict[str, Path]:
    """Render project/index.qmd to out_dir/<basename>.html and/or .pdf; return {format: path}."""
    project, out_dir = Path(project).resolve(), Path(out_dir).resolve()
    unknown = [f for f in formats if f not in QUARTO_FORMATS]
    if unknown:
        raise UsageError(f"unknown output format(s) {', '.join(unknown)}: choose from {', '.join(QUARTO_FORMATS)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown render engine '{engine}': choose from {', '.join(ENGINES)}")
    quarto = quarto_available()
    if engine == "quarto" and quarto is None:
        raise RenderError("engine 'quarto' was asked for but Quarto is not installed (put quarto on PATH or set "
                          "QUARTO_PATH), or use engine 'pandoc'")
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {fmt: out_dir / f"{basename}.{fmt}" for fmt in formats}
    if quarto is not None and engine != "pandoc":
        for fmt, target in outputs.items():
            _render_quarto(quarto, project, fmt, target)
        return outputs
    text = expand_includes(project / "index.qmd")
    config = _quarto_config(project)
    options = {fmt: _format_options(config, QUARTO_FORMATS[fmt]) for fmt in outputs}
    written = _pandoc(text, project, config, {QUARTO_FORMATS[fmt]: options[fmt] for fmt in outputs}) if outputs else {}
    for fmt, target in outputs.items():
        source = written[QUARTO_FORMATS[fmt]]
        data = _html_page(source, project, options[fmt]) if fmt == "html" else _pdf(source, project, options[fmt])
        write_bytes(target, data)
    return outputs


def _render_quarto(quarto: str, project: Path, fmt: str, target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".quarto-", dir=target.parent))
    try:
        result = subprocess.run([quarto, "render", "index.qmd", "--to", QUARTO_FORMATS[fmt], "--output",
                                 target.name, "--output-dir", str(staging)], cwd=project, capture_output=True,
                                text=True)
        if result.returncode != 0 or not (staging / target.name).is_file():
            raise RenderError(f"quarto could not render {project / 'index.qmd'} to {fmt}:\n{result.stderr.strip()}")
        os.replace(staging / target.name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _quarto_config(project: Path) -> dict:
    path = project / "_quarto.yml"
    if not path.is_file():
        return {}
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from exc
    if not isinstance(config, dict):
        raise InputError("expected a mapping of Quarto options", file=path)
    return config


def _format_options(config: dict, quarto_format: str) -> dict:
    formats = config.get("format")
    options = formats.get(quarto_format) if isinstance(formats, dict) else None
    return options if isinstance(options, dict) else {}


def _as_list(value: object) -> list[str]:
    return [] if value is None else [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _format_metadata(config: dict, options: dict) -> dict:
    """_quarto.yml's metadata for one format: its top-level keys, then the format's options that are metadata."""
    metadata = {k: v for k, v in config.items() if k not in ("project", "format")}
    metadata.update({k: v for k, v in options.items() if k not in NOT_METADATA})
    return metadata


def _with_project_metadata(text: str, config: dict, formats: dict[str, dict]) -> str:
    """Prepend each format's _quarto.yml metadata as a YAML block under FORMAT_METADATA: pandoc's reader parses
    it like the document's own, and formats_writer.lua gives each format its own (the document's keys win)."""
    metadata = {name: m for name, options in formats.items() if (m := _format_metadata(config, options))}
    if not metadata:
        return text
    block = yaml.safe_dump({FORMAT_METADATA: metadata}, allow_unicode=True, sort_keys=True)
    return f"---\n{block}---\n\n{text}"


def _project_file(project: Path, name: str, what: str) -> str:
    """The absolute path of a file _quarto.yml names, which must be a file inside the project."""
    path = (project / name).resolve()
    if not path.is_relative_to(project.resolve()) or not path.is_file():
        raise InputError(f"{what} {name} is not a file inside the project", file=project / "_quarto.yml")
    return str(path)


def _writer_settings(project: Path, name: str, options: dict) -> dict:
    """How formats_writer.lua writes one Quarto format: the options `pandoc --to=...` was given for it."""
    settings = {"name": name, "writer": PANDOC_WRITERS[name], "toc": bool(options.get("toc")),
                "number_sections": bool(options.get("number-sections")), "section_divs": name == "html",
                "css": _as_list(options.get("css")) if name == "html" else [],
                # HTML: render inlines the headers itself (after pandoc); Typst: pandoc puts them in the source.
                "header_includes": [] if name == "html" else [
                    _project_file(project, header, "include-in-header file")
                    for header in _as_list(options.get("include-in-header"))]}
    if "toc-depth" in options:
        try:
            settings["toc_depth"] = int(options["toc-depth"])
        except (TypeError, ValueError) as exc:
            raise InputError(f"toc-depth must be a whole number, not {options['toc-depth']!r}",
                             file=project / "_quarto.yml") from exc
    if name == "html" and options.get("template"):
        settings["template"] = _project_file(project, str(options["template"]), "template")
    return settings


def _pandoc(text: str, project: Path, config: dict, formats: dict[str, dict]) -> dict[str, bytes]:
    """The statement parsed once by pandoc and written to each Quarto format in formats ({format: options}).

    --sandbox: pandoc's reader reads nothing but the text it is given and fetches nothing, whatever the text asks
    for; the writers (html5, typst, without --embed-resources) read nothing either, and the custom writer reads only
    the filter and the template and header files checked here to be inside the project.
    """
    mps = resources.files("helpers.present.mps")
    with resources.as_file(mps.joinpath("quarto_subset.lua")) as lua_filter, \
            resources.as_file(mps.joinpath("formats_writer.lua")) as writer:
        settings = {"filter": str(lua_filter), "metadata_key": FORMAT_METADATA,
                    "formats": [_writer_settings(project, name, options) for name, options in formats.items()]}
        args = [pypandoc.get_pandoc_path(), "--from=markdown", f"--to={writer}", "--sandbox", "--fail-if-warnings"]
        result = subprocess.run(args, input=_with_project_metadata(text, config, formats).encode("utf-8"),
                                cwd=project, capture_output=True,
                                env={**os.environ, "CAREMARKET_PANDOC_WRITER": json.dumps(settings),
                                     "GHCRTS": PANDOC_RTS})
    message = result.stderr.decode("utf-8", errors="replace").strip()
    # A warning of the writers (called from the custom writer) does not fail pandoc: it fails the render here.
    if result.returncode != 0 or "[WARNING]" in message:
        raise RenderError(f"pandoc could not render {project / 'index.qmd'} to {', '.join(formats)}:\n{message}")
    written = json.loads(result.stdout)
    return {name: written[name].encode("utf-8") for name in formats}


def _html_page(html: bytes, project: Path, options: dict) -> bytes:
    """pandoc's HTML as one self-contained file: the stylesheets and include-in-header files inlined, nothing else
    referenced.

    The page must not point at anything outside itself (an image, a script, a stylesheet's url()): that is an
    error, not something to fetch or embed, so no input can make the render read a file or a URL.
    """
    html = _embed_images(_inline_styles(html, project, _as_list(options.get("css"))), project)
    outside = _EXTERNAL.search(html)
    if outside:
        raise RenderError(f"{project / 'index.qmd'}: the page would reference something outside itself "
                          f"({outside.group(0)[:120].decode('utf-8', 'replace')}…); the MPS embeds everything it shows")
    headers = [Path(_project_file(project, name, "include-in-header file")).read_bytes()
               for name in _as_list(options.get("include-in-header"))]
    head_end = html.index(b"</head>")
    return html[:head_end] + b"".join(headers) + html[head_end:]


_EXTERNAL = re.compile(rb'<(?:img|script|link|source|video|audio|iframe|embed|object|track)\b[^>]*?'
                       rb'\s(?:src|href|data|poster)="(?!data:|#)', re.IGNORECASE)


_IMG_SRC = re.compile(rb'(<img\b[^>]*?\ssrc=")([^"]*)(")', re.IGNORECASE)
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".svg": "image/svg+xml", ".webp": "image/webp"}


def _embed_images(html: bytes, project: Path) -> bytes:
    """Each <img> from a file inside the project as a data: URI; an image elsewhere (a path outside, a URL) is an error."""
    def embed(match: re.Match[bytes]) -> bytes:
        src = unquote(match.group(2).decode("utf-8"))
        if src.startswith("data:"):
            return match.group(0)
        path = (project / src).resolve()
        kind = _IMAGE_TYPES.get(path.suffix.lower())
        if "://" in src or not path.is_relative_to(project.resolve()) or kind is None or not path.is_file():
            raise RenderError(f"{project / 'index.qmd'}: image '{src}' is not an image file inside the project; "
                              "the statement shows only images from its own folder")
        data = base64.b64encode(path.read_bytes())
        return match.group(1) + f"data:{kind};base64,".encode() + data + match.group(3)

    return _IMG_SRC.sub(embed, html)


def _inline_styles(html: bytes, project: Path, stylesheets: list[str]) -> bytes:
    """The page with each stylesheet link replaced by a <style> of its text (which may not import or url() anything)."""
    for css in stylesheets:
        path = (project / css).resolve()
        if not path.is_relative_to(project.resolve()) or not path.is_file():
            raise RenderError(f"stylesheet {css} not found in {project}")
        text = path.read_bytes()
        link = f'<link rel="stylesheet" href="{css}" />'.encode()
        if b"url(" in text or b"@import" in text:
            raise RenderError(f"stylesheet {path} may not use url() or @import: the page embeds everything it shows")
        if html.count(link) != 1:
            raise RenderError(f"stylesheet {css} is not linked exactly once by the page's template")
        html = html.replace(link, b"<style>\n" + text + b"\n</style>")
    return html


def _pdf(typst_source: bytes, project: Path, options: dict) -> bytes:
    """pandoc's Typst source compiled by the typst package with the project as root and its embedded fonts."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return _typst_pdf(typst_source, project, {"root": str(project), "format": "pdf", "ignore_system_fonts": True,
                                              "pdf_standards": _as_list(options.get("pdf-standard")),
                                              "timestamp": int(epoch) if epoch else None})


# Typst keeps its caches for the life of a process: ~2 GB after 20 MPSs, measured, which every worker of a national
# run would carry to the end. A child process per PDF (≈ 40 ms) frees them; its errors come back as JSON.
_TYPST_CHILD = """
import json, sys, typst
try:
    sys.stdout.buffer.write(typst.compile(sys.stdin.buffer.read(), **json.loads(sys.argv[1])))
except typst.TypstError as exc:
    sys.stderr.write(json.dumps({"diagnostic": exc.diagnostic or exc.message, "hints": list(exc.hints)}))
    sys.exit(3)
"""


def _typst_pdf(source: bytes, project: Path, options: dict) -> bytes:
    """Compile Typst source to PDF bytes (in a child process); a Typst error becomes a RenderError with its hints."""
    result = subprocess.run([sys.executable, "-c", _TYPST_CHILD, json.dumps(options)], input=source,
                            capture_output=True, cwd=project)
    if result.returncode == 0:
        return result.stdout
    message = result.stderr.decode("utf-8", errors="replace").strip()
    if result.returncode == 3:
        error = json.loads(message)
        message = "\n".join([error["diagnostic"], *(f"hint: {hint}" for hint in error["hints"])]).strip()
    raise RenderError(f"typst could not compile {project / 'index.qmd'} to PDF:\n{message}")


