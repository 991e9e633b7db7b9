"""report — counts → report model → validation → renderers (docx, html, markdown).

The public API is the names below; everything else is private. ``report`` imports nothing of
the project (later it may read through ``store``).
"""

from ._atomic import write_text_atomic
from ._counts import Counts, ReportError
from ._docx import render_docx
from ._html import render_html
from ._markdown import render_markdown
from ._model import Part, ReportModel, Section, build_model
from ._tables import Tables
from ._text import TEXT_KEYS, proactive_sentence
from ._validate import Problem, check, validate

__all__ = [
    "Counts",
    "Part",
    "Problem",
    "ReportError",
    "ReportModel",
    "Section",
    "TEXT_KEYS",
    "Tables",
    "build_model",
    "check",
    "proactive_sentence",
    "render_docx",
    "render_html",
    "render_markdown",
    "validate",
    "write_text_atomic",
]
