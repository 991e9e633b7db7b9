"""The bureau's own Word file as the layout: ``{{placeholders}}`` filled from the report model.

Placeholders (``PLACEHOLDERS``): ``{{year}}``, ``{{bureau}}``, ``{{title}}``; one per narrative part
(``{{主动公开}}`` … ``{{其他需要报告的事项}}``), which may stand inside a sentence when the part is
one paragraph, and otherwise must fill their paragraph (repeated, formatting kept, per paragraph);
``{{表二}}``/``{{表三}}``/``{{表四}}`` and ``{{图表}}``, which must fill a paragraph of the body and
are replaced there by the real table or the chart.

Word splits typed text into runs wherever formatting, spell-check or revision marks change, so
``{{主动公开}}`` may be ``{{``, ``主动``, ``公开}}`` in three runs: placeholders are found in the
paragraph's joined text and the runs are rewritten, the first run's formatting winning.
"""

from __future__ import annotations

import copy
import io
import os
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ._atomic import write_atomic
from ._charts import chart_png
from ._counts import ReportError
from ._docx import DRAFT_MARK, TEXT_WIDTH_MM, _table, table_styles
from ._grid import grid_for
from ._model import ReportModel
from ._validate import Problem

_TEXT_PARTS = {  # placeholder → (section, part or None for the section's own paragraphs)
    "主动公开": ("s1", "active"),
    "依申请公开": ("s1", "apply"),
    "政府信息管理": ("s1", "management"),
    "政府信息公开平台建设": ("s1", "platform"),
    "监督保障": ("s1", "supervision"),
    "存在的主要问题": ("s5", "problems"),
    "改进情况": ("s5", "improvements"),
    "其他需要报告的事项": ("s6", None),
}
_TABLES = {"表二": "t2", "表三": "t3", "表四": "t4"}
_CHART = "图表"
_SCALARS = ("year", "bureau", "title")
PLACEHOLDERS: tuple[str, ...] = _SCALARS + tuple(_TEXT_PARTS) + tuple(_TABLES) + (_CHART,)
# A report missing one of these is incomplete; the template is still filled, with a warning.
REQUIRED: tuple[str, ...] = tuple(_TEXT_PARTS) + tuple(_TABLES)

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def render_template(model: ReportModel, template: str | os.PathLike[str], path: str | os.PathLike[str]) -> list:
    """Fill ``template`` from ``model`` and write it to ``path`` atomically.

    Returns warnings (:class:`report.Problem`) for required placeholders the template lacks.
    An unknown or misplaced placeholder is a :class:`ReportError` naming it; nothing is written.
    """
    doc = _open(Path(template))
    table_styles(doc)
    found: set[str] = set()
    where = Path(template).name
    for para, in_body in _paragraphs(doc):
        found |= _fill(doc, model, para, in_body, where)
    if model.draft:
        mark = OxmlElement("w:p")
        doc.element.body.insert(0, mark)
        Paragraph(mark, doc._body).add_run(f"{DRAFT_MARK}（未通过校验，不得发布）").bold = True
    write_atomic(path, lambda tmp: doc.save(str(tmp)))
    return [Problem("warning", "TEMPLATE-MISSING", f"模板 {where} 中没有 {{{{{name}}}}}，报告缺少该部分")
            for name in REQUIRED if name not in found]


def _open(path: Path):
    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReportError(f"{path}: not a Word .docx file ({exc})") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read template ({exc.strerror or exc})") from None


def _paragraphs(doc):
    """(paragraph, is a top-level body paragraph) for the body, its tables, headers and footers."""
    body = doc.element.body
    for p in list(body.iter(qn("w:p"))):
        yield Paragraph(p, doc._body), p.getparent() is body
    parts = {}
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                   section.even_page_header, section.even_page_footer):
            if not hf.is_linked_to_previous:
                parts.setdefault(id(hf.part), hf)  # linked ones share a part: fill it once
    for hf in parts.values():
        for p in list(hf._element.iter(qn("w:p"))):
            yield Paragraph(p, hf), False


def _runs(para: Paragraph) -> list[Run]:
    # Every run, also those inside hyperlinks, smart tags and tracked insertions.
    return [Run(r, para) for r in para._p.iter(qn("w:r"))]


def _fill(doc, model: ReportModel, para: Paragraph, in_body: bool, where: str) -> set[str]:
    text = "".join(run.text for run in _runs(para))
    matches = list(_PLACEHOLDER.finditer(text))
    if not matches:
        return set()
    names = [m.group(1) for m in matches]
    for name in names:
        if name not in PLACEHOLDERS:
            raise ReportError(f"{where}: unknown placeholder {{{{{name}}}}} in “{text.strip()[:60]}”; "
                              f"known: {', '.join('{{' + n + '}}' for n in PLACEHOLDERS)}")
    alone = len(matches) == 1 and text.strip() == matches[0].group(0)
    for name in names:
        if name in _TABLES or name == _CHART:
            if not (alone and in_body):
                raise ReportError(f"{where}: {{{{{name}}}}} must stand alone in a paragraph of the body "
                                  f"(not in a table, header or sentence): “{text.strip()[:60]}”")
            _block(doc, model, para, name)
            return {name}
    if alone and names[0] in _TEXT_PARTS:
        _repeat(para, matches[0], _texts(model, names[0]))
        return {names[0]}
    values = {}
    for name in names:
        if name in _TEXT_PARTS:
            paragraphs = _texts(model, name)
            if len(paragraphs) > 1:
                raise ReportError(f"{where}: {{{{{name}}}}} has {len(paragraphs)} paragraphs and must "
                                  f"stand alone in its paragraph: “{text.strip()[:60]}”")
            values[name] = "".join(paragraphs)
        else:
            values[name] = str(getattr(model, name))
    for match in reversed(matches):  # right to left: earlier offsets stay valid
        _replace(_runs(para), match.start(), match.end(), values[match.group(1)])
    return set(names)


def _texts(model: ReportModel, name: str) -> list[str]:
    section_key, part_key = _TEXT_PARTS[name]
    section = model.section(section_key)
    if part_key is None:
        return list(section.paragraphs)
    return next(list(part.paragraphs) for part in section.parts if part.key == part_key)


def _replace(runs: list[Run], start: int, end: int, value: str) -> None:
    """Put ``value`` in place of characters ``start:end`` of the runs' joined text."""
    pos, first = 0, True
    for run in runs:
        text = run.text
        lo, hi = pos, pos + len(text)
        pos = hi
        if hi <= start or lo >= end:
            continue
        # The first run touched takes the value (and keeps its formatting); the others lose
        # only their share of the placeholder.
        cut_from, cut_to = max(start, lo) - lo, min(end, hi) - lo
        run.text = text[:cut_from] + (value if first else "") + text[cut_to:]
        first = False


def _repeat(para: Paragraph, match: re.Match, texts: list[str]) -> None:
    """One copy of ``para`` per text, each keeping the placeholder paragraph's formatting."""
    p = para._p
    for text in texts[:-1]:
        clone = copy.deepcopy(p)
        ppr = clone.pPr
        if ppr is not None and ppr.sectPr is not None:
            ppr.remove(ppr.sectPr)  # a section break belongs to the last copy only
        p.addprevious(clone)
        clone_para = Paragraph(clone, para._parent)
        _replace(_runs(clone_para), match.start(), match.end(), text)
    _replace(_runs(para), match.start(), match.end(), texts[-1] if texts else "")


def _block(doc, model: ReportModel, para: Paragraph, name: str) -> None:
    width = _text_width_mm(doc, para._p)
    for run in _runs(para):
        run.text = ""
    if name == _CHART:
        if model.monthly is not None:
            png = chart_png(model.monthly)
            para.add_run().add_picture(io.BytesIO(png), width=Mm(min(TEXT_WIDTH_MM, width)))
        return
    table: Table = _table(doc, grid_for(_TABLES[name], model.tables), max_width_mm=width)
    para._p.addprevious(table._tbl)
    # The emptied paragraph goes, unless it carries a section break or must close the body.
    if para._p.pPr is None or para._p.pPr.sectPr is None:
        following = para._p.getnext()
        if following is not None and following.tag != qn("w:sectPr"):
            para._p.getparent().remove(para._p)


def _text_width_mm(doc, p) -> float:
    """The type-area width of the section ``p`` is in: its page width minus the side margins."""
    sect = None
    node = p
    while node is not None and sect is None:
        if node.tag == qn("w:p") and node.pPr is not None and node.pPr.sectPr is not None:
            sect = node.pPr.sectPr
        elif node.tag == qn("w:sectPr"):
            sect = node
        node = node.getnext()
    if sect is None:
        return TEXT_WIDTH_MM
    pgsz, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    try:
        twips = int(pgsz.get(qn("w:w"))) - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))
    except (AttributeError, TypeError, ValueError):
        return TEXT_WIDTH_MM
    return twips / 56.6929  # 1 mm = 56.69 twips
