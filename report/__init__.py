"""report — counts → report model → validation → renderers (docx, html, markdown).

Typical use::

    counts = Counts.from_raw(2024, raw_from_store, category_names)   # ruleset order
    model = build_model(counts, bureau="卫滨区商务局", channels=[...],
                        labels=report_labels, template=sentence_template, texts=officer_texts)
    errors = validate(model)            # [] when every table adds up; check() adds warnings
    render_docx(model, "report-2024.docx")                       # atomic
    render_template(model, "ours.docx", "report-2024.docx")      # the bureau's own layout
    write_text_atomic("report-2024.html", render_html(model))

``texts`` keys are listed in ``TEXT_KEYS``; table cells are set on ``model.tables`` (or a
``Tables`` passed to ``build_model``) by schema id, e.g. ``tables.set("t3.r1_new.total", 2)``.
The yearly data file (``report-2024.toml``, see ``report._data``) supplies the tables and
texts: ``data = load_data(path, year)``; ``check(model, previous=last_year.tables)`` adds the
carry-over rule. ``Monthly`` (from ``Store.monthly_counts``) adds the charts. The layout of the
tables (``T2_BLOCKS``, ``T3_ROWS`` …) is public for forms that edit them.
The public API is the names below; everything else is private. ``report`` imports nothing of
the project (later it may read through ``store``).
"""

from ._atomic import write_text_atomic
from ._charts import Monthly, chart_png, chart_svg, missing_glyphs
from ._counts import Counts, ReportError
from ._data import ReportData, data_template, init_data, load_data, previous_path, starting_data
from ._docx import render_docx
from ._format import SECTION_HEADINGS, T2_BLOCKS, T3_COLUMNS, T3_GROUPS, T3_ROWS, T4_GROUPS, T4_OUTCOMES
from ._html import render_html
from ._markdown import render_markdown
from ._model import Part, ReportModel, Section, build_model
from ._tables import Tables
from ._template import PLACEHOLDERS, render_template
from ._text import TEXT_KEYS, proactive_sentence
from ._validate import Problem, check, validate

__all__ = [
    "SECTION_HEADINGS",
    "T2_BLOCKS",
    "T3_COLUMNS",
    "T3_GROUPS",
    "T3_ROWS",
    "T4_GROUPS",
    "T4_OUTCOMES",
    "Counts",
    "Monthly",
    "ReportData",
    "chart_png",
    "chart_svg",
    "data_template",
    "init_data",
    "load_data",
    "missing_glyphs",
    "previous_path",
    "PLACEHOLDERS",
    "Part",
    "Problem",
    "ReportError",
    "ReportModel",
    "Section",
    "starting_data",
    "TEXT_KEYS",
    "Tables",
    "build_model",
    "check",
    "proactive_sentence",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_template",
    "validate",
    "write_text_atomic",
]
