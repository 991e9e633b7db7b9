"""Cross-checks (carry-over, numbers in the texts, list sums), the draft mark, charts, Word layout."""
import re
from dataclasses import replace
from html.parser import HTMLParser

import docx
import pytest

import report
from report import Monthly, Tables, check, render_docx, render_html, render_markdown

MONTHLY_RAW = {"categories": {"促消费": {1: 3, 5: 6}, "其他": {12: 1}}, "by_channel": {"website": {1: 2, 5: 4}}}


def _rules(problems, severity="error"):
    return {p.rule for p in problems if p.severity == severity}


def _balanced_request_tables(new=2):
    t = Tables()
    for row in ("r1_new", "r3_1_granted", "r3_7_total"):
        t.t3[row]["natural_person"] = new
        t.t3[row]["total"] = new
    return t


def test_carry_over_must_equal_last_years_carried_out(build):
    last = Tables()
    last.t3["r4_carried_out"]["commercial"] = 1
    last.t3["r4_carried_out"]["total"] = 1
    problems = check(build(), previous=last)
    carry = [p for p in problems if p.rule.startswith("H-T3-CARRY")]
    assert {p.rule for p in carry} == {"H-T3-CARRY-commercial", "H-T3-CARRY-total"}
    assert "商业企业" in str(carry[0]) and "为 0" in str(carry[0]) and "为 1" in str(carry[0])
    assert not [p for p in check(build(), previous=Tables()) if p.rule.startswith("H-T3-CARRY")]


@pytest.mark.parametrize("text, rule", [
    ("我局本年度收到政府信息公开申请 3 件。", "H-TEXT-T3-new"),
    ("全年办结 1 件。", "H-TEXT-T3-done"),
    ("结转下年度继续办理 1 件。", "H-TEXT-T3-carried-out"),
    ("发生行政复议 1 件。", "H-TEXT-T4-review"),
    ("公示行政处罚案件 2 件。", "H-TEXT-T2-penalty"),
    ("我局未收到政府信息公开申请。", "H-TEXT-T3-none"),
    ("全年共发布信息 10 条，其中工作动态 6 条、通知公告 3 条。", "H-NARR-SUM"),
])
def test_numbers_in_texts_must_equal_the_tables(build, text, rule):
    model = build(tables=_balanced_request_tables(2), texts={"apply": text, "other": "无。"})
    problems = [p for p in check(model) if p.rule == rule]
    assert problems and problems[0].severity == "error", check(model)


def test_matching_texts_pass(build):
    texts = {"apply": "我局本年度收到政府信息公开申请 2 件，办结 2 件，结转下年度继续办理 0 件。",
             "other": "全年共发布信息 9 条，其中工作动态 6 条、通知公告 3 条。"}
    assert report.validate(build(tables=_balanced_request_tables(2), texts=texts)) == []


def test_monotone_and_rulemaking_warnings(build):
    t = Tables()
    t.t2["regulations"]["issued"] = 1
    t.t2["regulations"]["in_force"] = 1
    t.t2["normative_documents"]["issued"] = 1
    warnings = _rules(check(build(tables=t)), "warning")
    assert {"H-T2-NO-RULEMAKING", "H-T2-MONOTONE-normative_documents", "PENDING-REVIEW"} <= warnings


def test_pending_warning_says_how_many(build, counts):
    text = [str(p) for p in check(build()) if p.rule == "PENDING-REVIEW"][0]
    assert str(counts.unreviewed) in text


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.chunks.append(data)


def test_draft_is_marked_in_every_format(build, tmp_path):
    model = replace(build(), draft=True)
    parser = _Text()
    parser.feed(render_html(model))
    assert "草稿" in "".join(parser.chunks)
    assert "草稿" in render_markdown(model).splitlines()[0]
    render_docx(model, tmp_path / "d.docx")
    d = docx.Document(str(tmp_path / "d.docx"))
    assert d.paragraphs[0].text == "草稿"
    assert all("草稿" in s.header.paragraphs[0].text for s in d.sections)
    clean = build()
    assert "草稿" not in render_html(clean) and "草稿" not in render_markdown(clean)


def test_charts_are_embedded_self_contained(build, seed, tmp_path):
    monthly = Monthly.from_raw(2024, MONTHLY_RAW, seed.names)
    assert monthly.categories["促消费"][4] == 6 and monthly.total == 10
    model = build(monthly=monthly)
    html = render_html(model)
    assert html.count("<svg") == 1 and 'id="chart-monthly"' in html
    # Text as paths and no external references: the page needs neither a font nor a network.
    assert "<text" not in html and not re.search(r'(?:href|src)="(?!#)', html)
    render_docx(model, tmp_path / "c.docx")
    d = docx.Document(str(tmp_path / "c.docx"))
    assert len(d.inline_shapes) == 1
    blob = d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert d.part.related_parts[blob].blob[:8] == b"\x89PNG\r\n\x1a\n"


def test_bundled_font_covers_the_seed_categories_and_warns_otherwise(build, seed):
    assert report.missing_glyphs(seed.names + list(seed.labels.values())) == ""
    assert report.missing_glyphs(["𠀀类"]) == "𠀀"
    monthly = Monthly.from_raw(2024, {"categories": {}, "by_channel": {"𠀀号": {1: 1}}}, seed.names)
    assert "CHART-GLYPHS" in _rules(check(build(monthly=monthly)), "warning")


def test_table_four_is_landscape_and_pages_are_numbered(build, tmp_path):
    render_docx(build(), tmp_path / "l.docx")
    d = docx.Document(str(tmp_path / "l.docx"))
    orientation = [s.page_width > s.page_height for s in d.sections]
    assert orientation == [False, True, False]
    footer_xml = d.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "— " in d.sections[0].footer.paragraphs[0].text
    # Table 四 (15 numeric columns) is the only table inside the landscape section.
    assert len(d.tables) == 3 and len(d.tables[2].columns) == 15
