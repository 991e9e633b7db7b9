from dataclasses import replace

from report import check, validate



def test_default_model_is_valid(model):
    assert validate(model) == []


def test_broken_identity_names_column_and_numbers(model, build):
    t3 = model.tables.t3
    # Consistent rows and total column, but 一 + 二 ≠ 三（七） + 四 for 自然人 (and so for 总计).
    t3["r1_new"]["natural_person"] = 3
    t3["r1_new"]["total"] = 3
    t3["r3_1_granted"]["natural_person"] = 2
    t3["r3_1_granted"]["total"] = 2
    t3["r3_7_total"]["natural_person"] = 2
    t3["r3_7_total"]["total"] = 2
    errors = validate(model)
    ident = [e for e in errors if "T3-IDENT-natural_person" in e]
    assert len(ident) == 1, errors
    assert "自然人" in ident[0] and "3" in ident[0] and "2" in ident[0]
    assert any("T3-IDENT-total" in e for e in errors)
    assert not any("COLSUM" in e or "TOTALROW" in e for e in errors)
    # Carrying the missing application over to next year balances the table.
    t3["r4_carried_out"]["natural_person"] = 1
    t3["r4_carried_out"]["total"] = 1
    # Rebuilt, because the default 依申请公开 text quotes table 三 as it was at build time.
    assert validate(build(tables=model.tables)) == []


def test_column_total_names_the_row(model):
    model.tables.t3["r3_5_2_repeat"]["commercial"] = 1
    errors = validate(model)
    colsum = [e for e in errors if "T3-COLSUM" in e]
    assert len(colsum) == 1 and "2.重复申请" in colsum[0] and "r3_5_2_repeat" in colsum[0]
    # The same stray 1 also breaks （七）总计 for that column.
    assert any("T3-TOTALROW-commercial" in e and "商业企业" in e for e in errors)


def test_table_four_sum(model):
    model.tables.t4["lit_after_review_upheld"] = 1
    errors = validate(model)
    assert len(errors) == 1 and "复议后起诉" in errors[0] and "lit_after_review_total" in errors[0]


def test_category_sum_must_equal_total(counts, build):
    model = build(replace(counts, total=104))
    errors = validate(model)
    assert len(errors) == 1 and "105" in errors[0] and "104" in errors[0]


def test_non_integer_cell_is_an_error(model):
    model.tables.t3["r1_new"]["total"] = "0"
    assert any("t3.r1_new.total" in e for e in validate(model))


def test_warnings_do_not_block(model):
    model.tables.t2["regulations"]["in_force"] = 1
    problems = check(model)
    assert validate(model) == []
    rules = {p.rule for p in problems}
    assert {"PENDING-REVIEW", "H-T2-NO-RULEMAKING", "TEXT-DEFAULT"} <= rules
