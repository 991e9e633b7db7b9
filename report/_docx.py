"""Word rendering following GB/T 9704-2012 conventions (A4, 37/35/28/26 mm, 3号仿宋 body).

The fonts are only referenced; the recipient's Windows/WPS machine supplies them. In Word the
East-Asian font lives in ``w:rFonts/@w:eastAsia`` — ``font.name`` alone sets only Latin text.
Each font is named with its fallbacks: ``w:eastAsia`` holds the first (the one Word and WPS
should use), and the document's font table lists the rest as ``w:altName`` (a comma-separated
list, ECMA-376 §17.8.3.1) with the GB 2312 charset and the family, so a machine without
仿宋_GB2312 substitutes 仿宋, FangSong, then Noto Serif CJK SC — a serif face, not a sans one.
LibreOffice ignores ``altName``; on Linux it follows fontconfig, so ``tools/fontconfig/`` maps
the same chains for it (``tools/render_docx.sh`` uses that file).
"""

from __future__ import annotations

import io
import os

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from ._atomic import write_atomic
from ._charts import chart_png
from ._grid import Grid, grid_for, place
from ._format import TITLE_TAIL
from ._model import ReportModel

# (names, tried in order; w:family, w:pitch of the first) — the GB/T 9704 faces, then the common
# Windows/macOS names, then the free Noto CJK that Linux machines have (fonts-noto-cjk).
FONT_CHAINS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "title": (("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC"), "roman", "variable"),
    "body": (("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"), "modern", "fixed"),
    "heading1": (("黑体", "SimHei", "Noto Sans CJK SC"), "modern", "fixed"),
    "heading2": (("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC"), "modern", "fixed"),
}
TITLE_FONT = FONT_CHAINS["title"][0][0]
BODY_FONT = FONT_CHAINS["body"][0][0]
HEADING1_FONT = FONT_CHAINS["heading1"][0][0]
HEADING2_FONT = FONT_CHAINS["heading2"][0][0]
LATIN_FONT = "Times New Roman"  # GB/T 9704 habit: Arabic numerals in Times New Roman

PAGE = {"width": Mm(210), "height": Mm(297)}
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm 版心

# 22 lines per page on a 225 mm type area ≈ 29 pt fixed line pitch.
_LINE_PITCH = Pt(29)

# Column widths in mm, summing to the 156 mm type area; labels need room, numbers little.
_WIDTHS_MM = {
    "t2": [60, 32, 32, 32],
    "t3": [14, 18, 52] + [10.2] * 6 + [10.8],
    "t4": [16.0] * 15,  # on a landscape page: 243 mm of type area, 240 used
}
_TABLE_SIZE = {"t2": Pt(10.5), "t3": Pt(10.5), "t4": Pt(9)}
_CELL_SIDE_TWIPS = 45   # 0.8 mm


def _set_fonts(rpr_owner, east_asian: str) -> None:
    """Latin and East-Asian font on a style's or run's ``w:rPr``."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    # Chinese punctuation shared with Latin (“ ” …) is drawn with the East-Asian font
    fonts.set(qn("w:hint"), "eastAsia")


def font_table(doc) -> None:
    """Declare every East-Asian font with its fallbacks in the document's font table."""
    table = doc.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable")
    root = etree.fromstring(table.blob)
    known = {f.get(qn("w:name")): f for f in root.findall(qn("w:font"))}
    for names, family, pitch in FONT_CHAINS.values():
        font = known.get(names[0])
        if font is None:
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): names[0]})
            known[names[0]] = font
        for child in list(font):
            font.remove(child)
        # children in schema order: altName, panose1, charset, family, pitch
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): ",".join(names[1:])})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})     # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): pitch})
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style(doc, name: str, font: str, size: Pt, *, centred: bool = False, indent: bool = False,
           outline: int | None = None, pitch: Pt | None = _LINE_PITCH, keep: bool = False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = size
    _set_fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if pitch is None:
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = pitch
    if centred:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 3号
    if keep:
        # a heading never ends a page: it goes with the paragraph or table that follows
        fmt.keep_with_next = True
        fmt.keep_together = True
    if outline is not None:
        # Outline level gives Word's navigation pane the section structure without using the
        # built-in Heading styles, whose theme colours and fonts would fight the convention.
        ppr = style.element.get_or_add_pPr()
        lvl = ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): str(outline)})
        ppr.insert_element_before(lvl, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    return style


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    _set_fonts(normal.element, BODY_FONT)
    # Chinese language tagging makes Word apply Chinese line-breaking and punctuation rules.
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.makeelement(qn("w:lang"), {qn("w:val"): "zh-CN", qn("w:eastAsia"): "zh-CN"})
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    _style(doc, "GK Title", TITLE_FONT, Pt(22), centred=True, outline=None, pitch=Pt(36), keep=True)
    _style(doc, "GK Body", BODY_FONT, Pt(16), indent=True)
    _style(doc, "GK Heading 1", HEADING1_FONT, Pt(16), indent=True, outline=0, keep=True)
    _style(doc, "GK Heading 2", HEADING2_FONT, Pt(16), indent=True, outline=1, keep=True)
    table_styles(doc)
    font_table(doc)


def table_styles(doc) -> None:
    """The table text styles, added when missing (a bureau's own template has none of them)."""
    names = {s.name for s in doc.styles}
    for key, size in _TABLE_SIZE.items():
        if f"GK Table {key}" not in names:
            _style(doc, f"GK Table {key}", BODY_FONT, size, centred=True, pitch=None)


def _borders(table) -> None:
    # Explicit single borders: a bureau's template may lack the "Table Grid" style.
    tblpr = table._tbl.tblPr
    borders = tblpr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "single", qn("w:sz"): "4",
                                                            qn("w:space"): "0", qn("w:color"): "000000"}))
    # Schema order matters to Word: tblBorders comes before shd/tblLayout/tblCellMar/tblLook.
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    # Narrow side margins (0.8 mm instead of Word's 1.9 mm): a 10 mm column of 表三 then holds
    # four digits, and 表四's 结果维持 one line — a number is never split across two lines.
    margins = tblpr.makeelement(qn("w:tblCellMar"), {})
    for edge in ("left", "right"):
        margins.append(margins.makeelement(qn(f"w:{edge}"), {qn("w:w"): str(_CELL_SIDE_TWIPS),
                                                             qn("w:type"): "dxa"}))
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription",
                                "w:tblPrChange")


def _table(doc, grid: Grid, max_width_mm: float | None = None):
    """Add table ``grid`` at the end of the body; narrowed to ``max_width_mm`` when wider."""
    table = doc.add_table(rows=len(grid.rows), cols=grid.columns)
    if "Table Grid" in {s.name for s in doc.styles}:
        table.style = doc.styles["Table Grid"]
    _borders(table)
    table.autofit = False
    widths_mm = _WIDTHS_MM[grid.key]
    if max_width_mm is not None and sum(widths_mm) > max_width_mm:
        widths_mm = [w * max_width_mm / sum(widths_mm) for w in widths_mm]
    widths = [Mm(w) for w in widths_mm]
    # Word reads the cell widths, LibreOffice the table grid: set both.
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    style = doc.styles[f"GK Table {grid.key}"]
    # table.cell() rebuilds the whole cell list on every call (seconds for 表三); take it once.
    # Spans never overlap, so no corner used below is merged away before its turn.
    before = table._cells
    for r, c, spec in place(grid):
        cell = before[r * grid.columns + c]
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(before[(r + spec.rowspan - 1) * grid.columns + c + spec.colspan - 1])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        para = cell.paragraphs[0]
        para.style = style
        if not (spec.header or spec.number) and spec.colspan < grid.columns:
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = para.add_run(spec.text)
        run.bold = spec.header
    # Repeat the column headers when table 三 breaks across pages.
    for row in table.rows[: grid.header_rows]:
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    # No row breaks across a page. Tables 二 and 四 stay whole; 表三 (a page long) keeps its
    # headers with its first rows. With the heading's keep-with-next, a heading never ends a
    # page with its table on the next.
    keep = len(table.rows) - 1 if grid.key != "t3" else grid.header_rows + 2
    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
        if i < keep:
            for p in row._tr.iter(qn("w:p")):
                Paragraph(p, None).paragraph_format.keep_with_next = True
    return table


DRAFT_MARK = "草稿"


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE …) as begin/instrText/end runs; Word and LibreOffice compute it."""
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        run = paragraph.add_run()
        if kind:
            run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
        else:
            instr = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = text
            run._r.append(instr)


def _footer(section, draft: bool) -> None:
    """GB/T 9704 page number "— 1 —" (4号, centred: one layout for odd and even pages)."""
    section.footer.is_linked_to_previous = False
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    _field(para, " PAGE ")
    para.add_run(" —")
    for run in para.runs:
        run.font.size = Pt(14)
        _set_fonts(run._r, "宋体")
    section.header.is_linked_to_previous = False
    head = section.header.paragraphs[0]
    head.text = ""
    if draft:
        # In the header, so every printed page of a draft says so.
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = head.add_run(f"{DRAFT_MARK}（未通过校验，不得发布）")
        run.bold = True
        run.font.size = Pt(14)
        _set_fonts(run._r, HEADING1_FONT)


def _new_section(doc, landscape: bool, draft: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    wide, tall = PAGE["height"], PAGE["width"]
    section.page_width, section.page_height = (wide, tall) if landscape else (tall, wide)
    # The binding edge (订口) stays on the left of the portrait page, i.e. the top when rotated.
    if landscape:
        section.top_margin, section.bottom_margin = MARGINS["left"], MARGINS["right"]
        section.left_margin, section.right_margin = MARGINS["top"], MARGINS["bottom"]
    else:
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    _footer(section, draft)


def _chart(doc, model: ReportModel) -> None:
    para = doc.add_paragraph(style="GK Table t2")
    para.add_run().add_picture(io.BytesIO(chart_png(model.monthly)), width=Mm(TEXT_WIDTH_MM))


def _title(paragraph, title: str) -> None:
    """The title on two lines broken where the sense breaks — "卫滨区商务局 2024 年" /
    "政府信息公开工作年度报告" — rather than wherever 22 pt runs out ("…工作年" / "度报告")."""
    head = title[: -len(TITLE_TAIL)].rstrip() if title.endswith(TITLE_TAIL) else ""
    if not head or len(title) <= 18:
        paragraph.add_run(title)
        return
    paragraph.add_run(head).add_break()
    paragraph.add_run(TITLE_TAIL)


def build_document(model: ReportModel):
    """The python-docx Document for ``model`` (not yet saved)."""
    doc = Document()
    _setup(doc)
    _footer(doc.sections[0], model.draft)
    doc.core_properties.title = model.title
    if model.draft:
        mark = doc.add_paragraph(style="GK Title")
        run = mark.add_run(DRAFT_MARK)
        run.bold = True
        _set_fonts(run._r, HEADING1_FONT)
    _title(doc.add_paragraph(style="GK Title"), model.title)
    doc.add_paragraph("", style="GK Body")
    for section in model.sections:
        if section.table == "t4":
            # Fifteen numeric columns do not fit 156 mm; the national form is wide.
            _new_section(doc, landscape=True, draft=model.draft)
        doc.add_paragraph(section.heading, style="GK Heading 1")
        for text in section.paragraphs:
            doc.add_paragraph(text, style="GK Body")
        for part in section.parts:
            doc.add_paragraph(part.heading, style="GK Heading 2")
            for text in part.paragraphs:
                doc.add_paragraph(text, style="GK Body")
            if part.key == "active" and model.monthly is not None:
                _chart(doc, model)
        if section.table:
            _table(doc, grid_for(section.table, model.tables))
        if section.table == "t4":
            _new_section(doc, landscape=False, draft=model.draft)
    return doc


def render_docx(model: ReportModel, path: str | os.PathLike[str]) -> None:
    """Write the report as .docx atomically: ``path`` is either the old file or the complete new one."""
    doc = build_document(model)
    write_atomic(path, lambda tmp: doc.save(str(tmp)))

