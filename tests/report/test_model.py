import pytest

from report import TEXT_KEYS, ReportError, Tables



def test_title_and_six_sections_in_order(model, seed):
    assert model.title == "卫滨区商务局 2024 年政府信息公开工作年度报告"
    assert [s.heading for s in model.sections] == seed.headings
    assert [p.heading for p in model.section("s1").parts] == [
        "（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障",
    ]
    assert [s.table for s in model.sections] == [None, "t2", "t3", "t4", None, None]


def test_active_part_is_channels_then_sentence(model, seed):
    first = model.section("s1").parts[0].paragraphs[0]
    assert first == (
        "2024 年，我局通过市商务局融媒体账号及微信公众号、区政府官网专栏、区委宣传部“出彩卫滨”微信公众号、"
        "局政务信息公开栏等多种渠道发布信息。" + seed.sentence
    )


def test_single_channel_does_not_say_many(counts, build):
    first = build(channels=["区政府官网专栏"]).section("s1").parts[0].paragraphs[0]
    assert first.startswith("2024 年，我局通过区政府官网专栏发布信息。")


def test_texts_replace_defaults_and_are_split_into_paragraphs(counts, seed, build):
    model = build(texts={"problems": "一是甲。\n\n二是乙。", "active": "认真贯彻落实。\n另起一段。"})
    assert model.section("s5").parts[0].paragraphs == ["一是甲。", "二是乙。"]
    active = model.section("s1").parts[0].paragraphs
    assert active[0].endswith(seed.sentence + "认真贯彻落实。") and active[1:] == ["另起一段。"]
    assert "problems" not in model.defaulted_texts and "improvements" in model.defaulted_texts


def test_every_section_has_content_by_default(model):
    for section in model.sections:
        assert section.paragraphs or section.table or all(p.paragraphs for p in section.parts), section.heading


def test_unknown_text_key_is_an_error(counts, build):
    with pytest.raises(ReportError, match="problem"):
        build(texts={"problem": "typo"})
    assert set(TEXT_KEYS) >= {"apply", "management", "platform", "supervision", "problems", "improvements", "other"}


def test_apply_default_states_table_three_numbers(counts, build):
    tables = Tables()
    tables.set("t3.r1_new.natural_person", 2)
    tables.set("t3.r1_new.total", 2)
    tables.set("t3.r3_1_granted.natural_person", 2)
    tables.set("t3.r3_1_granted.total", 2)
    tables.set("t3.r3_7_total.natural_person", 2)
    tables.set("t3.r3_7_total.total", 2)
    text = build(tables=tables).section("s1").parts[1].paragraphs[0]
    assert "新收政府信息公开申请 2 件" in text and "办结 2 件" in text


def test_tables_default_to_zero_and_reject_bad_cells():
    tables = Tables()
    assert len(tables.t3) == 25 and all(len(r) == 7 for r in tables.t3.values())
    assert len(tables.t4) == 15
    assert tables.get("t2.admin_fees.fee_amount") == 0
    tables.set("t2.admin_fees.fee_amount", "1.25")
    assert str(tables.get("t2.admin_fees.fee_amount")) == "1.25"
    with pytest.raises(ReportError, match="t3.r9.total"):
        tables.set("t3.r9.total", 1)
    with pytest.raises(ReportError, match="t4.review_total"):
        tables.set("t4.review_total", -1)
    with pytest.raises(ReportError):
        tables.set("t3.r1_new.total", 1.5)


def test_table_grids_are_full_rectangles_without_overlap():
    from report._grid import grid_for, place

    for key, shape in {"t2": (14, 4), "t3": (28, 10), "t4": (4, 15)}.items():
        grid = grid_for(key, Tables())
        covered: list[tuple[int, int]] = []
        for r, c, cell in place(grid):
            covered += [(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)]
        assert len(covered) == len(set(covered)), key
        assert set(covered) == {(r, c) for r in range(shape[0]) for c in range(shape[1])}, key


def test_table_three_rows_match_the_format():
    from report._format import T3_LEAVES, T3_ROWS

    assert len(T3_ROWS) == 25 and len(T3_LEAVES) == 21
    assert T3_ROWS[0].label == "一、本年新收政府信息公开申请数量"
    assert T3_ROWS[3].label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert T3_ROWS[6].label == "3.危及“三安全一稳定”"
    assert [r.label for r in T3_ROWS[-2:]] == ["（七）总计", "四、结转下年度继续办理"]
