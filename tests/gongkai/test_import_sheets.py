"""An .xlsx whose first sheet is a cover page (封面): the error names the sheet read, the headers
found and the headers expected; the one other sheet with the headers is read instead."""
from datetime import datetime, timezone

import openpyxl
import pytest

from gongkai import manual
from gongkai.cli import main
from _board import CONFIG

NOW = datetime(2025, 1, 10, 4, 0, tzinfo=timezone.utc)


def _book(path, *sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


COVER = ("封面", [["卫滨区商务局政务信息公开栏登记表"], ["填表人", "张三"]])
DATA = ("登记", [["标题", "发布日期"], ["促消费活动启动", "2024-05-07"]])


def test_cover_page_only_names_the_sheet_found_and_expected_headers(tmp_path):
    path = _book(tmp_path / "b2.xlsx", COVER, ("备注", [["说明"], ["无"]]))
    with pytest.raises(manual.ManualError) as e:
        manual.plan_import(path, "board", now=NOW)
    msg = str(e.value)
    assert "sheet '封面'" in msg and "found: 卫滨区商务局政务信息公开栏登记表" in msg
    assert "expected headers 标题" in msg and "发布日期" in msg
    assert "(headers: 标题, 发布日期" not in msg        # the expected list is not shown as found
    assert "\n" not in msg


def test_the_one_other_sheet_with_the_headers_is_read_and_said(tmp_path, capsys):
    path = _book(tmp_path / "b2.xlsx", COVER, DATA)
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.title for e in plan.entries] == ["促消费活动启动"]
    assert "'封面'" in plan.warnings[0] and "read sheet '登记'" in plan.warnings[0]
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    assert main(["import", str(path), "--config", str(cfg)]) == 0
    captured = capsys.readouterr()
    assert "1 new" in captured.out and "read sheet '登记'" in captured.err


def test_several_sheets_with_the_headers_are_all_read(tmp_path, capsys):
    other = ("登记2", [["标题", "发布日期"], ["招商推介会公告", "2024-06-07"]])
    path = _book(tmp_path / "b2.xlsx", COVER, DATA, other)
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    assert main(["import", str(path), "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "2 new" in out and "read '登记' 1 row, '登记2' 1 row" in out


def test_csv_with_wrong_headers_says_what_it_found(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("名目,日子\n促消费活动启动,2024-05-07\n", encoding="utf-8")
    with pytest.raises(manual.ManualError) as e:
        manual.plan_import(path, "board", now=NOW)
    assert "found: 名目, 日子" in str(e.value) and "expected headers 标题" in str(e.value)
