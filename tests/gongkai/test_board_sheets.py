"""Outside test 8: a board workbook of several sheets, total rows, a year typo on a year's sheet,
and the messages of an office sheet (header synonyms, 10月9日, a serial stored as text, lock files)."""
import json
import sqlite3
from datetime import datetime, timezone

import openpyxl
import pytest

from gongkai import manual
from gongkai.cli import main
from _board import CONFIG

NOW = datetime(2026, 1, 10, 4, 0, tzinfo=timezone.utc)


def _book(path, *sheets, hidden=()):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        if name in hidden:
            ws.sheet_state = "hidden"
        for row in rows:
            ws.append(row)
    if hidden:
        wb.active = len(sheets) - 1
    wb.save(path)
    return path


def _cfg(tmp_path):
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return str(cfg)


def _count(tmp_path, capsys, year=2025) -> int:
    capsys.readouterr()
    assert main(["counts", "--year", str(year), "--config", _cfg(tmp_path)]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith(f"{year}:"))
    return int(line.split()[1])


HEAD = ["序号", "标题", "发布日期"]
Q1 = ("2025年一季度", [HEAD, [1, "春节燃气安全检查公告", datetime(2025, 1, 20)],
                      [2, "消费券活动公示", "2025-03-05"]])
Q2 = ("2025年二季度", [HEAD, [1, "安全生产月宣传活动", datetime(2025, 6, 5)]])
Q3 = ("2025年三季度", [HEAD, [1, "夜市经济促消费活动方案公示", "2025/07/15"],
                      [2, "外商投资企业招商推介会公告", datetime(2025, 8, 8)]])


def test_every_sheet_with_headers_is_read_and_named_and_a_reimport_adds_nothing(tmp_path, capsys):
    path = _book(tmp_path / "quarters.xlsx", Q1, Q2, Q3, ("说明", [["填表说明"], ["每季度一张表"]]))
    cfg = _cfg(tmp_path)
    assert main(["import", str(path), "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "5 new, 0 already recorded" in out
    assert "read '2025年一季度' 2 rows, '2025年二季度' 1 row, '2025年三季度' 2 rows" in out
    assert "'说明' skipped: no title and date headers (found: 填表说明" in out
    assert _count(tmp_path, capsys) == 5
    assert main(["import", str(path), "--config", cfg]) == 0
    assert "0 new, 5 already recorded" in capsys.readouterr().out
    assert _count(tmp_path, capsys) == 5


def test_a_one_sheet_file_imported_before_keeps_its_rows_when_the_workbook_grows(tmp_path, capsys):
    cfg = _cfg(tmp_path)
    assert main(["import", str(_book(tmp_path / "q1.xlsx", Q1)), "--config", cfg]) == 0
    # the same file a quarter later, a sheet added: the first sheet's rows are the same rows
    assert main(["import", str(_book(tmp_path / "q1.xlsx", Q1, Q2)), "--config", cfg]) == 0
    assert "1 new, 2 already recorded" in capsys.readouterr().out
    assert _count(tmp_path, capsys) == 3


def test_a_row_on_two_sheets_is_one_posting_named_by_its_sheet(tmp_path):
    again = ("2025年二季度", [HEAD, [1, "消费券活动公示", "2025-03-05"]])
    plan = manual.plan_import(_book(tmp_path / "b.xlsx", Q1, again), "board", now=NOW)
    assert len(plan.entries) == 2
    assert plan.errors == [(2, "sheet '2025年二季度': duplicate of sheet '2025年一季度' row 3 "
                               "(same title and date)")]
    assert {e.sheet for e in plan.entries} == {"2025年一季度"}


def test_a_hidden_template_sheet_first_does_not_hide_the_data(tmp_path, capsys):
    path = _book(tmp_path / "b.xlsx", ("模板", [["标题", "发布日期"]]),
                 ("2025年", [["标题", "发布日期"], ["今年通知甲", datetime(2025, 6, 1)]]),
                 hidden=("模板",))
    assert main(["import", str(path), "--config", _cfg(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 new" in out and "read '模板' (hidden) 0 rows, '2025年' 1 row" in out
    assert _count(tmp_path, capsys) == 1


def test_a_hidden_sheet_with_rows_is_read_and_said(tmp_path):
    path = _book(tmp_path / "b.xlsx", ("2025年", [["标题", "发布日期"], ["甲", "2025-06-01"]]),
                 ("旧", [["标题", "发布日期"], ["乙", "2025-07-01"]]), hidden=("旧",))
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.title for e in plan.entries] == ["甲", "乙"]
    assert any("sheet '旧' is hidden" in w and "1 row(s)" in w for w in plan.warnings)


def test_one_sheet_per_year_reads_both_years(tmp_path, capsys):
    path = _book(tmp_path / "b.xlsx", ("2024年", [["标题", "发布日期"], ["去年通知", "2024-06-01"]]),
                 ("2025年", [["标题", "发布日期"], ["今年通知甲", "2025-06-01"],
                            ["今年通知乙", "2025-07-01"]]))
    assert main(["import", str(path), "--config", _cfg(tmp_path)]) == 0
    assert _count(tmp_path, capsys) == 2 and _count(tmp_path, capsys, 2024) == 1


def test_a_workbook_without_headers_anywhere_is_still_refused(tmp_path):
    path = _book(tmp_path / "b.xlsx", ("封面", [["登记表"]]), ("备注", [["说明"], ["无"]]))
    with pytest.raises(manual.ManualError, match="no other sheet has them either"):
        manual.plan_import(path, "board", now=NOW)


def test_a_title_row_above_the_headers_is_passed(tmp_path):
    path = _book(tmp_path / "b.xlsx", ("一季度", [["2025年第一季度公示栏张贴记录"], HEAD,
                                               [1, "消费券活动公示", "2025-03-05"]]))
    plan = manual.plan_import(path, "board", now=NOW)
    assert [(e.title, e.row) for e in plan.entries] == [("消费券活动公示", 3)]


# -- totals --------------------------------------------------------------------------------------

def test_total_rows_are_skipped_and_said_even_with_a_date(tmp_path, capsys):
    path = _book(tmp_path / "total.xlsx", ("Sheet", [
        HEAD, [1, "关于组织企业参加进博会的通知", datetime(2025, 11, 3)],
        [2, "关于开展节前市场保供检查的通知", datetime(2025, 12, 20)],
        [None, "合计：2条", datetime(2025, 12, 31)], ["小计", "二季度小计", datetime(2025, 6, 30)],
        ["合计", "共6条", None], [3, "2025年社会消费品零售总额合计情况公示", datetime(2025, 7, 1)]]))
    plan = manual.plan_import(path, "board", now=NOW)
    assert plan.errors == [] and len(plan.entries) == 3
    assert [n.split(":")[0] for n in plan.notes] == ["row 4", "row 5", "row 6"]
    assert "a total row ('合计：2条'), not a posting; skipped" in plan.notes[0]
    assert main(["import", str(path), "--config", _cfg(tmp_path)]) == 0
    assert "a total row" in capsys.readouterr().err
    assert _count(tmp_path, capsys) == 3


# -- a year typo ---------------------------------------------------------------------------------

def _meta(tmp_path, title):
    with sqlite3.connect(tmp_path / "g.db") as db:
        (meta,) = db.execute("SELECT meta_json FROM items WHERE title = ?", (title,)).fetchone()
    return json.loads(meta)


def test_a_row_years_away_from_its_sheets_year_goes_to_review(tmp_path, capsys):
    path = _book(tmp_path / "b.xlsx", ("2025年", [["标题", "发布日期"], ["进博会通知", "2015-11-03"],
                                                ["保供检查通知", "2025-12-20"],
                                                ["年初通知", "2024-12-30"]]))
    assert main(["import", str(path), "--config", _cfg(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "row 2: 年份存疑" in err and "2015-11-03 on a sheet of 2025" in err
    assert _meta(tmp_path, "进博会通知")["date_conflict"]["years"] == [2015, 2025]
    assert "date_conflict" not in _meta(tmp_path, "年初通知")     # a year apart: no typo


def test_without_a_year_in_the_name_the_year_most_rows_have_is_the_sheets(tmp_path):
    path = _book(tmp_path / "b.xlsx", ("Sheet", [["标题", "发布日期"], ["甲", "2025-03-01"],
                                               ["乙", "2015-11-03"], ["丙", "2025-05-01"]]))
    plan = manual.plan_import(path, "board", now=NOW)
    # the lone 2015 row is set against 2025; the rows of the common year need no check
    assert {e.title: e.sheet_year for e in plan.entries} == {"甲": 0, "乙": 2025, "丙": 0}


# -- messages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("date_header", ["公示日期", "张贴日期", "发布时间"])
def test_date_header_synonyms(tmp_path, date_header):
    path = _book(tmp_path / "b.xlsx", ("Sheet", [["标题", date_header], ["甲", "2025-03-01"]]))
    assert [e.title for e in manual.plan_import(path, "board", now=NOW).entries] == ["甲"]


@pytest.mark.parametrize("title_header", ["内容", "事项"])
def test_a_content_column_is_the_title_only_without_a_title_column(tmp_path, title_header):
    path = _book(tmp_path / "b.xlsx", ("Sheet", [["序号", title_header, "日期"],
                                               [1, "进博会通知", "2025-11-03"]]))
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.title for e in plan.entries] == ["进博会通知"]
    assert any(f"column '{title_header}' is read as the title" in w for w in plan.warnings)
    both = _book(tmp_path / "c.xlsx", ("Sheet", [["标题", "内容", "日期"],
                                               ["进博会通知", "组织企业参展", "2025-11-03"]]))
    (entry,) = manual.plan_import(both, "board", now=NOW).entries
    assert (entry.title, entry.body) == ("进博会通知", "组织企业参展")


def test_a_month_and_day_takes_the_year_of_the_sheet_name_or_else_is_refused(tmp_path):
    named = _book(tmp_path / "a.xlsx", ("2025年", [["标题", "发布日期"], ["甲", "10月9日"]]))
    assert [e.day.isoformat() for e in manual.plan_import(named, "board", now=NOW).entries] \
        == ["2025-10-09"]
    titled = _book(tmp_path / "b.xlsx", ("表1", [["2025年公示栏"], ["标题", "发布日期"],
                                               ["甲", "10月9日"]]))
    assert [e.day.isoformat() for e in manual.plan_import(titled, "board", now=NOW).entries] \
        == ["2025-10-09"]
    bare = _book(tmp_path / "c.xlsx", ("Sheet", [["标题", "发布日期"], ["甲", "10月9日"]]))
    assert manual.plan_import(bare, "board", now=NOW).errors[0][1].startswith("bad date '10月9日'")


def test_a_serial_stored_as_text_among_real_dates_is_a_date(tmp_path):
    path = _book(tmp_path / "a.xlsx", ("Sheet", [["标题", "发布日期"], ["甲", "45701"],
                                               ["乙", 45964], ["丙", datetime(2025, 3, 1)]]))
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.day.isoformat() for e in plan.entries] == ["2025-02-13", "2025-11-03", "2025-03-01"]
    alone = _book(tmp_path / "b.xlsx", ("Sheet", [["标题", "发布日期"], ["甲", "45701"]]))
    assert manual.plan_import(alone, "board", now=NOW).errors


def test_a_lock_file_and_an_old_xls_named_xlsx_say_what_they_are(tmp_path, capsys):
    lock = tmp_path / "~$公示栏2025.xlsx"
    lock.write_bytes(b"\x05zhang" + b" " * 150)
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    cfg = _cfg(tmp_path)
    assert main(["import", str(lock), "--config", cfg]) == 2
    err = capsys.readouterr().err.strip()
    assert "an Excel lock file" in err and "import the file beside it" in err
    assert len(err.splitlines()) == 1
    assert main(["import", str(old), "--config", cfg]) == 2
    assert "an old .xls workbook" in capsys.readouterr().err


def test_a_date_in_a_merged_cell_is_said_to_be_one(tmp_path):
    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["标题", "发布日期"], ["通知一", datetime(2025, 6, 1)], ["通知二"], ["通知三"],
                ["通知四", datetime(2025, 6, 8)]):
        ws.append(row)
    ws.merge_cells("B2:B4")
    wb.save(path)
    plan = manual.plan_import(path, "board", now=NOW)
    assert [n for n, _ in plan.errors] == [3, 4]
    assert "missing date (the date cell is inside the merged cell B2:B4, whose value " \
           "'2025-06-01'" in plan.errors[0][1]


# -- a corrected copy under a new name -----------------------------------------------------------

def test_a_corrected_copy_under_a_new_name_lists_what_it_no_longer_holds(tmp_path, capsys):
    rows = [["标题", "发布日期"], ["甲通知", "2025-01-20"], ["乙公示", "2025-02-13"],
            ["丙公告", "2025-03-01"], ["丁通知", "2025-04-01"]]
    cfg = _cfg(tmp_path)
    assert main(["import", str(_book(tmp_path / "board.xlsx", ("2025年", rows))),
                 "--config", cfg]) == 0
    corrected = [r for r in rows if r[0] != "乙公示"] + [["戊通知", "2025-05-01"]]
    capsys.readouterr()
    assert main(["import", str(_book(tmp_path / "board-更正.xlsx", ("2025年", corrected))),
                 "--config", cfg]) == 0
    err = capsys.readouterr().err
    assert "looks like a corrected copy of board.xlsx" in err and "3 of its 4 counted rows" in err
    with sqlite3.connect(tmp_path / "g.db") as db:
        (gone,) = db.execute("SELECT id FROM items WHERE title = '乙公示'").fetchone()
    assert "乙公示" in err and f"gongkai withdraw {gone}" in err
    # next month's sheet sharing one row is not a copy
    nxt = [["标题", "发布日期"], ["丁通知", "2025-04-01"], ["己通知", "2025-06-01"]]
    assert main(["import", str(_book(tmp_path / "may.xlsx", ("2025年", nxt))), "--config", cfg]) == 0
    assert "corrected copy" not in capsys.readouterr().err


def test_a_history_of_several_years_on_one_unnamed_sheet_is_not_a_typo(tmp_path):
    rows = [["标题", "发布日期"]] + [[f"通知{y}-{m}", f"{y}-{m:02d}-01"]
                                     for y in (2021, 2022, 2025) for m in (1, 2, 3)]
    plan = manual.plan_import(_book(tmp_path / "b.xlsx", ("Sheet", rows)), "board", now=NOW)
    assert len(plan.entries) == 9 and {e.sheet_year for e in plan.entries} == {0}
