"""Spreadsheet bombs (issue 15 #3): `gongkai import` and `gongkai import-review` check an untrusted
file against its limits before openpyxl loads it — zip directory, unpacked sizes and ratio, sheet
dimensions, rows, columns, cell length, XML that openpyxl would hold — and refuse it in one line
naming the file and the limit, exit 2, with little memory spent. Each bomb is built in tmp_path,
small on disk."""
import os
import tracemalloc
import zipfile
from datetime import datetime, timezone

import pytest

import _sheet_bombs as bombs
from gongkai import cli, manual, review_xlsx, xlsx_limits
from _board import CONFIG

NOW = datetime(2025, 1, 10, tzinfo=timezone.utc)


def _refused(path, match: str, peak_mb: float = 20) -> str:
    """plan_import refuses ``path`` with a ManualError naming it and matching ``match``, having
    allocated at most ``peak_mb`` on the way (the attacks ran to gigabytes)."""
    tracemalloc.start()
    try:
        with pytest.raises(manual.ManualError, match=match) as e:
            manual.plan_import(path, "board", now=NOW)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(e.value) and "\n" not in str(e.value)
    assert peak < peak_mb * 1e6, f"{peak / 1e6:.0f} MB"
    return str(e.value)


# -- through the commands: one line, exit 2 -----------------------------------------------------

def test_import_refuses_a_cell_at_xfd1048576_in_one_line(tmp_path, capsys):
    bomb = bombs.far_cell(tmp_path / "far.xlsx")
    assert bomb.stat().st_size < 10_000
    (tmp_path / "gongkai.toml").write_text(CONFIG, encoding="utf-8")
    assert cli.main(["import", str(bomb), "--config", str(tmp_path / "gongkai.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(bomb) in err and "A1:XFD1048576" in err and "100,000 rows" in err
    assert not (tmp_path / "g.db").exists()


def test_import_review_refuses_a_bomb_in_one_line(tmp_path, capsys):
    bomb = bombs.far_row(tmp_path / "review.xlsx")
    assert cli.main(["import-review", str(bomb), "--db", str(tmp_path / "g.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bomb) in err
    assert "row 1,048,576" in err and f"{review_xlsx.MAX_ROWS + 1:,} rows" in err


def test_import_review_reads_a_real_export_within_the_limits(tmp_path):
    rows = [{"id": i, "decision_id": i, "attribution": "ours", "pub_date": "2024-05-01",
             "channel": "website", "source_id": "web", "title": f"促消费活动第{i}期",
             "category": "促消费", "score": 2.0, "margin": 1.0, "needs_review": False,
             "decided_by": "auto", "evidence": [], "url": f"http://gov.example/{i}"}
            for i in range(1, 2001)]
    path = tmp_path / "review.xlsx"
    review_xlsx.write(path, rows, ["促消费", "其他"])
    assert len(review_xlsx.read(path, ["促消费", "其他"])) == 2000
    with pytest.raises(xlsx_limits.SheetRefused, match="spans A1:O2001, beyond the limit"):
        xlsx_limits.check(path, max_rows=1000)


# -- the attacks of the report --------------------------------------------------------------------

def test_a_dimension_of_the_whole_grid_is_refused_before_loading(tmp_path):
    _refused(bombs.far_cell(tmp_path / "far.xlsx"), r"spans A1:XFD1048576, beyond the limit")


def test_a_far_row_without_a_dimension_is_refused(tmp_path):
    _refused(bombs.far_row(tmp_path / "far.xlsx"), r"row 1,048,576 is beyond the limit")


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tmp_path):
    bomb = bombs.zip_bomb(tmp_path / "bomb.xlsx", xlsx_limits.MAX_PART_BYTES + 1)
    assert bomb.stat().st_size < 1_000_000
    _refused(bomb, r"part xl/worksheets/sheet1.xml unpacks to 50,000,001 bytes, over the limit")


def test_a_smaller_zip_bomb_is_refused_by_its_ratio(tmp_path):
    _refused(bombs.zip_bomb(tmp_path / "bomb.xlsx", 5_000_000),
             r"unpacks \d+ times its packed size \(limit 100:1")


def test_a_long_cell_is_refused_before_loading(tmp_path):
    _refused(bombs.long_shared_string(tmp_path / "long.xlsx", xlsx_limits.MAX_CELL + 1),
             r"sharedStrings.xml\): a cell or string of more than 32,767 characters")
    inline = bombs.swap(bombs.base(tmp_path / "inline.xlsx"), {bombs.SHEET: bombs.sheet_of(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>', b"x" * 40_000, b"</t></is></c></row>")})
    _refused(inline, r"more than 32,767 characters in row 1")


def test_a_megabyte_tag_is_refused_before_expat_buffers_it(tmp_path):
    bomb = bombs.swap(bombs.base(tmp_path / "tag.xlsx"), {bombs.SHEET: bombs.sheet_of(
        b'<row r="1"><c r="A1" foo="', os.urandom(xlsx_limits.MAX_RUN).hex().encode(),
        b'"/></row>')})
    _refused(bomb, r"more than 1,048,576 bytes in one tag or text")


def test_entity_declarations_are_refused(tmp_path):
    _refused(bombs.laughs(tmp_path / "lol.xlsx"), r"DOCTYPE or entity declaration")


def test_too_many_zip_members_are_refused_before_zipfile_lists_them(tmp_path):
    _refused(bombs.many_parts(tmp_path / "parts.xlsx", xlsx_limits.MAX_PARTS + 1),
             r"more than 10,000 parts")


def test_rows_and_columns_beyond_the_limits(tmp_path):
    with pytest.raises(xlsx_limits.SheetRefused, match=r"row 1,001 is beyond the limit of 1,000"):
        xlsx_limits.check(bombs.rows(tmp_path / "rows.xlsx", 1001), max_rows=1000)
    xlsx_limits.check(bombs.rows(tmp_path / "ok.xlsx", 1000), max_rows=1000)
    _refused(bombs.rows(tmp_path / "cols.xlsx", 2, columns=xlsx_limits.MAX_COLUMNS + 1),
             r"row 1 has a cell in column 65, beyond the limit of 64 columns")


def test_what_openpyxl_would_hold_whole_is_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_limits, "MAX_STRINGS", 1000)
    monkeypatch.setattr(xlsx_limits, "MAX_ELEMENTS", 1000)
    _refused(bombs.many_strings(tmp_path / "sst.xlsx", 1001), r"more than 1,000 shared strings")
    _refused(bombs.many_merges(tmp_path / "merge.xlsx", 1001),
             r"more than 1,000 XML elements outside the rows")


def test_a_damaged_xlsx_is_one_line_not_a_traceback(tmp_path):
    ok = bombs.base(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(ok) as z:
        info = z.getinfo(bombs.SHEET)
    data = bytearray(ok.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + 20    # inside the sheet's deflate stream
    data[at:at + 20] = b"\xff" * 20
    (tmp_path / "bad.xlsx").write_bytes(bytes(data))
    _refused(tmp_path / "bad.xlsx", "not a readable .xlsx file")
    (tmp_path / "notxml.xlsx").write_bytes(ok.read_bytes())
    bombs.swap(tmp_path / "notxml.xlsx", {bombs.SHEET: b"<worksheet><sheetData><row>"})
    _refused(tmp_path / "notxml.xlsx", r"not a readable .xlsx file \(bad XML")


def test_a_good_sheet_still_imports(tmp_path):
    path = bombs.base(tmp_path / "ok.xlsx")
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.title for e in plan.entries] == ["促消费活动"] and plan.errors == []


# -- CSV -------------------------------------------------------------------------------------------

def test_csv_limits(tmp_path, monkeypatch):
    p = tmp_path / "long.csv"
    p.write_text("标题,发布日期\n" + "x" * (manual.MAX_CELL + 1) + ",2024-05-01\n", encoding="utf-8")
    _refused(p, r"row 2: a cell of 32,768 characters \(limit 32,767\)")
    p = tmp_path / "wide.csv"
    p.write_text("标题,发布日期\n" + "ab," * (manual.MAX_LINE // 3 + 1) + "\n", encoding="utf-8")
    _refused(p, r"a line of more than [\d,]+ characters")
    p = tmp_path / "cols.csv"
    p.write_text("标题,发布日期\n" + "a," * 70 + "\n", encoding="utf-8")
    _refused(p, r"row 2: more than 64 columns")
    monkeypatch.setattr(manual, "MAX_ROWS", 10)
    p = tmp_path / "rows.csv"
    p.write_text("标题,发布日期\n" + "促消费,2024-05-01\n" * 10, encoding="utf-8")
    _refused(p, r"more than 10 rows")
    monkeypatch.setattr(manual, "MAX_TEXT", 100)
    p = tmp_path / "text.csv"
    p.write_text("标题,发布日期\n" + "".join(f"促消费{i},2024-05-01\n" for i in range(8)),
                 encoding="utf-8")
    _refused(p, r"more than 100 characters of text in all")
