import os

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from report import render_docx



def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_docx_opens_with_sentence_tables_page_and_margins(model, tmp_path, seed):
    path = tmp_path / "report-2024.docx"
    render_docx(model, path)
    document = docx.Document(str(path))
    assert seed.sentence in _text(document)
    assert len(document.tables) >= 3
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    for got, want in [(section.top_margin, 37), (section.bottom_margin, 35),
                      (section.left_margin, 28), (section.right_margin, 26)]:
        assert abs(got - Mm(want)) < Mm(0.1)
    assert list(tmp_path.iterdir()) == [path]


def test_docx_fonts_are_set_for_east_asian_text(model, tmp_path, seed):
    path = tmp_path / "r.docx"
    render_docx(model, path)
    document = docx.Document(str(path))
    title = document.paragraphs[0]
    # two lines, broken where the sense breaks
    assert title.text == "卫滨区商务局 2024 年\n政府信息公开工作年度报告"
    assert title.text.replace("\n", "") == model.title

    def east_asian(style) -> str:
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian(title.style) == "方正小标宋简体"
    assert title.style.font.size.pt == 22
    by_text = {p.text: p for p in document.paragraphs}
    assert east_asian(by_text["一、总体情况"].style) == "黑体"
    assert east_asian(by_text["（一）主动公开"].style) == "楷体_GB2312"
    body = next(p for p in document.paragraphs if seed.sentence in p.text)
    assert east_asian(body.style) == "仿宋_GB2312" and body.style.font.size.pt == 16


def test_docx_tables_have_official_shape_and_merges(model, tmp_path):
    path = tmp_path / "r.docx"
    render_docx(model, path)
    t2, t3, t4 = docx.Document(str(path)).tables
    assert len(t3.rows) == 28 and len(t3.columns) == 10
    assert len(t4.rows) == 4 and len(t4.columns) == 15
    # Merged cells come back as the same cell object spanning the grid.
    note = t3.cell(0, 0)
    assert note.text.startswith("（本列数据的勾稽关系为") and t3.cell(2, 2)._tc is note._tc
    assert t3.cell(3 + 2, 0).text == "三、本年度办理结果" and t3.cell(3 + 23, 0)._tc is t3.cell(5, 0)._tc
    assert t3.cell(27, 0).text == "四、结转下年度继续办理" and t3.cell(27, 9).text == "0"
    assert t4.cell(0, 5).text == "行政诉讼" and t4.cell(0, 14)._tc is t4.cell(0, 5)._tc
    assert t2.cell(0, 0).text == "第二十条第（一）项" and t2.cell(0, 3)._tc is t2.cell(0, 0)._tc


def test_failed_render_leaves_no_partial_file(model, tmp_path, monkeypatch):
    path = tmp_path / "report-2024.docx"

    def crash(self, target):
        with open(target, "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        render_docx(model, path)
    assert list(tmp_path.iterdir()) == []


def test_failed_render_keeps_the_previous_report(model, tmp_path, monkeypatch):
    path = tmp_path / "report-2024.docx"
    render_docx(model, path)
    before = path.read_bytes()

    def crash(self, target):
        raise RuntimeError("boom")

    monkeypatch.setattr(docx.document.Document, "save", crash)
    with pytest.raises(RuntimeError):
        render_docx(model, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_control_characters_from_pasted_text_do_not_break_word(build, tmp_path):
    model = build(bureau="卫滨区\x00商务局", texts={"problems": "一是甲。\x0b二是乙。\x07"})
    assert model.title.startswith("卫滨区商务局 ")
    assert model.section("s5").parts[0].paragraphs == ["一是甲。", "二是乙。"]
    render_docx(model, tmp_path / "r.docx")
    assert docx.Document(str(tmp_path / "r.docx")).paragraphs[0].text.replace("\n", "") == model.title


def test_headings_keep_with_what_follows_and_rows_never_split(model, tmp_path):
    render_docx(model, tmp_path / "r.docx")
    document = docx.Document(str(tmp_path / "r.docx"))
    styles = document.styles
    for name in ("GK Title", "GK Heading 1", "GK Heading 2"):
        assert styles[name].paragraph_format.keep_with_next is True, name
    assert not styles["GK Body"].paragraph_format.keep_with_next
    heading = next(p for p in document.paragraphs if p.text == "三、收到和处理政府信息公开申请情况")
    assert heading.style.name == "GK Heading 1"
    t2, t3, t4 = document.tables
    for table in (t2, t3, t4):
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        assert int(margins.find(qn("w:left")).get(qn("w:w"))) <= 60

    def kept(row) -> bool:
        return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)

    # 表二 and 表四 stay whole; 表三 keeps its three header rows with the first body rows
    assert all(kept(r) for r in t2.rows[:-1]) and all(kept(r) for r in t4.rows[:-1])
    assert all(kept(r) for r in t3.rows[:5]) and not kept(t3.rows[10])


def test_fonts_are_named_with_their_fallbacks(model, tmp_path):
    from lxml import etree
    render_docx(model, tmp_path / "r.docx")
    document = docx.Document(str(tmp_path / "r.docx"))
    part = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable")
    fonts = {f.get(qn("w:name")): f for f in etree.fromstring(part.blob).findall(qn("w:font"))}

    def chain(name):
        font = fonts[name]
        alt = font.find(qn("w:altName")).get(qn("w:val")).split(",")
        return [name] + alt, font.find(qn("w:charset")).get(qn("w:val"))

    assert chain("仿宋_GB2312") == (["仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"], "86")
    assert chain("方正小标宋简体")[0][0] == "方正小标宋简体" and chain("方正小标宋简体")[0][-1] == "Noto Serif CJK SC"
    assert chain("黑体")[0][-1] == "Noto Sans CJK SC" and chain("楷体_GB2312")[0][-1] == "Noto Serif CJK SC"
    # the run-level East-Asian attribute names the first of each chain, for Word and WPS
    body = document.styles["GK Body"].element.rPr.rFonts
    assert body.get(qn("w:eastAsia")) == "仿宋_GB2312" and body.get(qn("w:hint")) == "eastAsia"
