"""--template ours.docx: a bureau's own Word file with {{placeholders}}, filled from the model."""

from __future__ import annotations

import dataclasses

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

import report

TEXTS = {
    "apply": "我局 2024 年度无依申请公开政府信息事项。",
    "management": "管理段落。",
    "platform": "平台段落。",
    "supervision": "监督段落。",
    "problems": "问题第一段。\n问题第二段。",
    "improvements": "改进段落。",
    "other": "其他段落。",
}


def _runs(paragraph, *pieces: str, bold_first: bool = False) -> None:
    """Type ``pieces`` as separate runs, the way Word splits text it has spell-checked."""
    for i, piece in enumerate(pieces):
        paragraph.add_run(piece).bold = bold_first and i == 0


def make_template(path, *, extra: list[tuple[str, ...]] = ()) -> None:
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "{{title}}"
    _runs(doc.add_paragraph(), "{{bur", "eau}} {{", "year}} 年政府信息公开工作年度报告", bold_first=True)
    doc.add_paragraph("一、总体情况")
    _runs(doc.add_paragraph(), "{{", "主动", "公开}}")
    doc.add_paragraph("{{图表}}")
    for name in ("依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"):
        doc.add_paragraph("{{" + name + "}}")
    doc.add_paragraph("二、主动公开政府信息情况")
    doc.add_paragraph("{{表二}}")
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    _runs(doc.add_paragraph(), "{{表", "三}}")
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc.add_paragraph("{{ 表四 }}")
    doc.add_paragraph("五、存在的主要问题及改进情况")
    problems = doc.add_paragraph("{{存在的主要问题}}")
    problems.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("（二）改进情况：{{改进情况}}")
    doc.add_paragraph("六、其他需要报告的事项")
    doc.add_paragraph("{{其他需要报告的事项}}")
    for pieces in extra:
        _runs(doc.add_paragraph(), *pieces)
    doc.save(str(path))


@pytest.fixture
def seed_model(build):
    tables = report.Tables()
    tables.set("t3.r1_new.natural_person", 2)
    tables.set("t4.review_pending", 3)
    return build(texts=TEXTS, tables=tables)  # no monthly counts: charts are slow to draw


def _body_order(document) -> list[str]:
    """The body as a sequence: paragraph texts and "<table N>" markers."""
    out, n = [], 0
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            out.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif child.tag.endswith("}tbl"):
            n += 1
            out.append(f"<table {n}>")
    return out


def test_placeholders_are_filled_even_when_split_across_runs(tmp_path, seed_model, seed):
    monthly = report.Monthly(2024, {"促消费": (1,) * 12}, {"website": (1,) * 12})
    seed_model = dataclasses.replace(seed_model, monthly=monthly)
    make_template(tmp_path / "ours.docx")
    warnings = report.render_template(seed_model, tmp_path / "ours.docx", tmp_path / "out.docx")
    assert warnings == []
    document = docx.Document(str(tmp_path / "out.docx"))
    texts = [p.text for p in document.paragraphs]
    assert not any("{{" in t or "}}" in t for t in texts)
    assert texts[0] == "卫滨区商务局 2024 年政府信息公开工作年度报告"
    assert document.paragraphs[0].runs[0].bold  # the first run's formatting wins
    assert document.sections[0].header.paragraphs[0].text == seed_model.title
    active = seed_model.section("s1").parts[0].paragraphs[0]
    assert seed.sentence in active and active in texts
    assert "（二）改进情况：改进段落。" in texts
    # A two-paragraph text fills two paragraphs, each formatted like the placeholder's.
    first, second = texts.index("问题第一段。"), texts.index("问题第二段。")
    assert second == first + 1
    assert all(document.paragraphs[i].alignment == WD_ALIGN_PARAGRAPH.CENTER for i in (first, second))
    order = _body_order(document)
    assert order.index("<table 1>") == order.index("二、主动公开政府信息情况") + 1
    assert order.index("<table 2>") == order.index("三、收到和处理政府信息公开申请情况") + 1
    assert order.index("<table 3>") == order.index("四、政府信息公开行政复议、行政诉讼情况") + 1
    assert len(document.tables) == 3 and len(document.inline_shapes) == 1


def test_tables_hold_the_models_numbers_and_fit_the_page(tmp_path, seed_model):
    make_template(tmp_path / "ours.docx")
    report.render_template(seed_model, tmp_path / "ours.docx", tmp_path / "out.docx")
    document = docx.Document(str(tmp_path / "out.docx"))
    t3, t4 = document.tables[1], document.tables[2]
    assert t3.cell(3, 3).text == "2"      # 一、本年新收 · 自然人 (after three header rows)
    assert t4.cell(3, 3).text == "3"      # 行政复议 · 尚未审结
    # Table 四 is 225 mm wide on its landscape page; in this portrait template it is narrowed.
    section = document.sections[0]
    available = section.page_width - section.left_margin - section.right_margin
    assert sum(column.width for column in t4.columns) <= available


@pytest.mark.parametrize("pieces, words", [
    (("{{依申", "请}}",), "{{依申请}}"),
    (("见 {{表三}} 所列",), "{{表三}} must stand alone"),
    (("问题：{{存在的主要问题}}",), "has 2 paragraphs"),
])
def test_bad_placeholder_is_an_error_naming_it_and_nothing_is_written(tmp_path, seed_model, pieces, words):
    make_template(tmp_path / "ours.docx", extra=[pieces])
    with pytest.raises(report.ReportError) as caught:
        report.render_template(seed_model, tmp_path / "ours.docx", tmp_path / "out.docx")
    assert words in str(caught.value)
    assert not (tmp_path / "out.docx").exists()


def test_missing_required_placeholders_are_warnings(tmp_path, seed_model):
    doc = docx.Document()
    doc.add_paragraph("{{title}}")
    doc.add_paragraph("{{表三}}")
    doc.save(str(tmp_path / "short.docx"))
    warnings = report.render_template(seed_model, tmp_path / "short.docx", tmp_path / "out.docx")
    missing = {w.message.split("{{")[1].split("}}")[0] for w in warnings}
    assert missing == set(report.PLACEHOLDERS[3:14]) - {"表三"}
    assert all(w.severity == "warning" and w.rule == "TEMPLATE-MISSING" for w in warnings)


def test_not_a_word_file_is_a_report_error(tmp_path, seed_model):
    (tmp_path / "ours.docx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(report.ReportError, match="not a Word .docx file"):
        report.render_template(seed_model, tmp_path / "ours.docx", tmp_path / "out.docx")
    with pytest.raises(report.ReportError, match="ours2.docx"):
        report.render_template(seed_model, tmp_path / "ours2.docx", tmp_path / "out.docx")


def test_draft_is_marked_at_the_top(tmp_path, build):
    make_template(tmp_path / "ours.docx")
    report.render_template(build(texts=TEXTS, draft=True), tmp_path / "ours.docx", tmp_path / "out.docx")
    document = docx.Document(str(tmp_path / "out.docx"))
    assert document.paragraphs[0].text.startswith("草稿")
    # Without monthly counts the chart placeholder is simply emptied.
    assert len(document.inline_shapes) == 0
