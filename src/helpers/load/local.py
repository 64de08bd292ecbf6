"""The council's own data in one import: declarations, loader, templates and the registry of local sources.

A facade only, for notebooks and the assessment; each name lives in one module:
``local_schema`` (``Field``, ``Check``, ``LocalSource``: what a source is), ``local_loader``
(reading a council's file), ``templates`` (writing the xlsx templates) and ``catalogue``
(``SOURCES``: name → declaration of every local source). No module under ``helpers.load`` imports
this one, so it cannot close an import circle.
"""
from __future__ import annotations

from helpers.load.catalogue import LOCAL_SOURCES as SOURCES
from helpers.load.local_loader import council_file, examples_frame, find_files, load_council, load_local
from helpers.load.local_schema import CARE_HOME_CATEGORIES, KINDS, Check, Field, LocalSource, percent_of
from helpers.load.templates import write_template, write_templates

__all__ = ["CARE_HOME_CATEGORIES", "KINDS", "SOURCES", "Check", "Field", "LocalSource", "council_file",
           "examples_frame", "find_files", "load_council", "load_local", "percent_of", "write_template",
           "write_templates"]
