"""The Excel round trip as the officer meets it (issue 16 #6): every bad row at once, Chinese
values, edits to columns that are not read back, and a cluster shown under its 信息's category."""
import json

import pytest
from openpyxl import load_workbook

from _review_support import NOW, build, item_id_by_key
from gongkai import cli
from store import Store

DATE, TITLE, CATEGORY, ATTRIBUTION = 3, 6, 7, 8


@pytest.fixture
def db(tmp_path):
    return build(tmp_path)[0]


def _export(db, path):
    assert cli.main(["export", "--year", "2024", str(path), "--db", str(db)]) == 0
    return path


def _rows(path) -> dict[int, dict[str, object]]:
    ws = load_workbook(path)["review"]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}


def _edit(path, edits):
    wb = load_workbook(path)
    ws = wb["review"]
    rows = {}
    for r in range(2, ws.max_row + 1):
        item_id = ws.cell(row=r, column=1).value
        rows[item_id] = r
        for col, value in edits.get(item_id, {}).items():
            ws.cell(row=r, column=col, value=value)
    wb.save(path)
    return rows


def _state(db):
    with Store(db) as st:
        return [(i["id"], i["category"], i["attribution"], i["decided_by"], i["pub_date"],
                 i["title"]) for i in st.items()], len(st.audit())


def test_every_bad_row_is_reported_and_nothing_is_applied(db, tmp_path, capsys):
    out = _export(db, tmp_path / "review.xlsx")
    rows = _edit(out, {1: {CATEGORY: "内贸流通"},                 # a good edit, not applied
                       2: {CATEGORY: "乱写"},
                       3: {ATTRIBUTION: "也许"},
                       4: {CATEGORY: "错类", ATTRIBUTION: "maybe"},
                       5: {2: "garbage"}})                        # the stamp
    before = _state(db)
    capsys.readouterr()
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "5 bad cells, nothing applied" in err[0]
    lines = err[1:]
    assert len(lines) == 5
    expect = [(rows[2], "G", "乱写"), (rows[3], "H", "也许"), (rows[4], "G", "错类"),
              (rows[4], "H", "maybe"), (rows[5], "B", "garbage")]
    for row, column, value in expect:
        assert any(f"sheet 'review' row {row} column {column} " in line and value in line
                   for line in lines), (row, column, lines)
    assert _state(db) == before                                   # nothing half-written


def test_chinese_values_are_accepted(db, tmp_path, capsys):
    out = _export(db, tmp_path / "review.xlsx")
    shown = _rows(out)
    assert {r["attribution 归属"] for r in shown.values()} == {"本单位"}   # written in Chinese
    _edit(out, {1: {CATEGORY: "招商引资信息"},        # the report wording of a category
                2: {ATTRIBUTION: "非本单位"},
                3: {CATEGORY: " 安全生产 "}})
    assert cli.main(["import-review", str(out), "--apply", "--actor", "officer",
                     "--db", str(db)]) == 0
    assert "3 change(s) applied" in capsys.readouterr().out
    with Store(db) as st:
        assert (st.item(1)["category"], st.item(1)["decided_by"]) == ("招商引资", "manual")
        assert st.item(2)["attribution"] == "not_ours"
        assert st.item(3)["category"] == "安全生产"
    # and the English words of older exports still work
    out2 = _export(db, tmp_path / "again.xlsx")
    _edit(out2, {2: {ATTRIBUTION: "ours"}})
    assert cli.main(["import-review", str(out2), "--apply", "--db", str(db)]) == 0
    with Store(db) as st:
        assert st.item(2)["attribution"] == "ours"


def test_edits_to_columns_that_are_not_read_back_are_reported_as_ignored(db, tmp_path, capsys):
    # the date column is read back since the year-end trial: a date typed there is set by hand
    out = _export(db, tmp_path / "review.xlsx")
    rows = _edit(out, {1: {DATE: "2024-12-31"}, 3: {TITLE: "改过的标题"},
                       4: {CATEGORY: "其他"}})
    with Store(db) as st:
        old_title = st.item(3)["title"]
    capsys.readouterr()
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    ignored = [line for line in text.splitlines() if line.startswith("IGNORED")]
    assert len(ignored) == 1, text
    assert f"row {rows[3]} column F (title 标题)" in ignored[0] and "改过的标题" in ignored[0]
    assert "#1: date 2024-03-01 -> 2024-12-31" in text
    assert "2 change(s) applied" in text and "1 edit(s) ignored" in text
    with Store(db) as st:
        assert st.item(1)["pub_date"] == "2024-12-31" and st.item(3)["title"] == old_title
        assert st.item(4)["category"] == "其他"
    # an untouched export reports nothing ignored
    clean = _export(db, tmp_path / "clean.xlsx")
    cli.main(["import-review", str(clean), "--db", str(db)])
    assert "IGNORED" not in capsys.readouterr().out


def _counts(db, capsys):
    capsys.readouterr()
    assert cli.main(["counts", "--year", "2024", "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)["categories"]


def test_a_cluster_is_exported_under_its_category_after_one_member_is_refiled(db, tmp_path,
                                                                             capsys):
    web, wx = item_id_by_key(db, "http://gov.example/5"), item_id_by_key(db, "wx:5")
    with Store(db) as st:
        assert st.item(web)["cluster_id"] == st.item(wx)["cluster_id"]   # one 信息
        assert st.item(web)["category"] == st.item(wx)["category"] == "促消费"
    before = _counts(db, capsys)
    # the officer re-files the WeChat copy (the later one) in the web UI
    with Store(db) as st:
        st.review_set_category(wx, "招商引资", actor="web", now=NOW)
    after = _counts(db, capsys)
    assert after["招商引资"] == before["招商引资"] + 1 and after["促消费"] == before["促消费"] - 1
    out = _export(db, tmp_path / "review.xlsx")
    shown = _rows(out)
    assert shown[web]["category 类别"] == shown[wx]["category 类别"] == "招商引资"
    assert shown[web]["same 信息 同一信息"] == f"#{wx}" and shown[wx]["same 信息 同一信息"] == f"#{web}"
    # handing the sheet back untouched changes nothing: the website copy is not re-filed
    audit = len(Store(db).audit())
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 0
    assert "0 change(s) applied" in capsys.readouterr().out
    with Store(db) as st:
        assert st.item(web)["decided_by"] == "auto" and len(st.audit()) == audit
    # re-filing one member in the sheet moves the 信息, in the next export and in counts alike
    _edit(out, {web: {CATEGORY: "其他"}})
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 0
    shown = _rows(_export(db, tmp_path / "next.xlsx"))
    assert shown[web]["category 类别"] == shown[wx]["category 类别"] == "其他"
    assert _counts(db, capsys)["其他"] == after["其他"] + 1


def test_typing_a_members_own_category_refiles_the_cluster(db, tmp_path, capsys):
    # the sheet shows the cluster's category; the website copy's own (automatic) category is
    # still 促消费: typing 促消费 there is a wish, not "no change"
    web, wx = item_id_by_key(db, "http://gov.example/5"), item_id_by_key(db, "wx:5")
    with Store(db) as st:
        st.review_set_category(wx, "招商引资", actor="web", now=NOW)
    out = _export(db, tmp_path / "review.xlsx")
    assert _rows(out)[web]["category 类别"] == "招商引资"
    _edit(out, {web: {CATEGORY: "促消费"}})
    capsys.readouterr()
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 0
    assert "1 change(s) applied" in capsys.readouterr().out
    with Store(db) as st:
        assert (st.item(web)["category"], st.item(web)["decided_by"]) == ("促消费", "manual")
    shown = _rows(_export(db, tmp_path / "next.xlsx"))
    assert shown[web]["category 类别"] == shown[wx]["category 类别"] == "促消费"
