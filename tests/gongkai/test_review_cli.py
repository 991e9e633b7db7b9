"""gongkai user add / export / import-review / review / serve (errors)."""
import io

import pytest
from openpyxl import load_workbook
from werkzeug.security import check_password_hash

from _review_support import NOW, XSS_TITLE, build
from gongkai import cli
from store import Store


@pytest.fixture
def db(tmp_path):
    return build(tmp_path)[0]


def _run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_user_add_hashes_the_password(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["user", "add", "bob", "--role", "readonly", "--password-stdin",
                              "--db", str(db)], "s3cret-pass\n") == 0
    with Store(db) as st:
        u = st.user("bob")
    assert u["role"] == "readonly" and "s3cret" not in u["password_hash"]
    assert u["password_hash"].startswith("scrypt:")
    assert check_password_hash(u["password_hash"], "s3cret-pass")
    # existing name, short password: one line, exit 2
    assert _run(monkeypatch, ["user", "add", "bob", "--password-stdin", "--db", str(db)],
                "another-pass\n") == 2
    assert _run(monkeypatch, ["user", "add", "carl", "--password-stdin", "--db", str(db)],
                "short\n") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "exists" in err[0] and "too short" in err[1]


def test_serve_refuses_without_accounts(tmp_path, capsys):
    Store(tmp_path / "empty.db").close()            # a crawled database, nobody to log in
    assert cli.main(["serve", "--db", str(tmp_path / "empty.db")]) == 2
    assert "gongkai user add" in capsys.readouterr().err


def _sheet_rows(path):
    ws = load_workbook(path)["review"]
    header = [c.value for c in ws[1]]
    return ws, header


def test_export_layout(db, tmp_path):
    out = tmp_path / "review.xlsx"
    assert cli.main(["export", "--year", "2024", str(out), "--db", str(db)]) == 0
    ws, header = _sheet_rows(out)
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1 + 7                      # the 2024 items only (one is 2023)
    dv = ws.data_validations.dataValidation
    cat_col = "G"
    assert header[6] == "category 类别"
    assert any(v.type == "list" and f"{cat_col}2:{cat_col}8" in str(v.sqref) for v in dv)
    lists = load_workbook(out)["lists"]
    assert [lists.cell(row=i, column=1).value for i in range(1, 7)][0] == "内贸流通"
    links = [ws.cell(row=r, column=6).hyperlink for r in range(2, 9)]
    assert sum(1 for h in links if h is not None) == 5    # not javascript: nor wx:5
    assert all(h.target.startswith("http") for h in links if h is not None)
    titles = [ws.cell(row=r, column=6) for r in range(2, 9)]
    assert any(c.value == XSS_TITLE and c.data_type == "s" for c in titles)


def test_export_keeps_a_formula_looking_title_as_text(db, tmp_path):
    with Store(db) as st:
        st.db.execute("UPDATE items SET title = '=HYPERLINK(\"http://evil\",\"x\")' WHERE id = 1")
        st.db.conn.commit()
    out = tmp_path / "r.xlsx"
    cli.main(["export", "--year", "2024", str(out), "--db", str(db)])
    ws, _ = _sheet_rows(out)
    cell = next(ws.cell(row=r, column=6) for r in range(2, 9) if ws.cell(row=r, column=1).value == 1)
    assert cell.data_type == "s"


def _edit(path, edits):
    wb = load_workbook(path)
    ws = wb["review"]
    for r in range(2, ws.max_row + 1):
        item_id = ws.cell(row=r, column=1).value
        for col, value in edits.get(item_id, {}).items():
            ws.cell(row=r, column=col, value=value)
    wb.save(path)


def test_import_review_dry_run_apply_and_conflicts(db, tmp_path, capsys):
    out = tmp_path / "review.xlsx"
    cli.main(["export", "--year", "2024", str(out), "--db", str(db)])
    _edit(out, {1: {7: "内贸流通"}, 2: {8: "not_ours"}, 3: {7: "招商引资"}})
    # someone changes item 3 in the web UI after the export; item 4 changes but the sheet
    # leaves it alone, which is no conflict
    with Store(db) as st:
        st.review_set_category(3, "其他", actor="web", now=NOW)
        st.review_set_category(4, "促消费", actor="web", now=NOW)
        audit_before = len(st.audit())
    capsys.readouterr()
    assert cli.main(["import-review", str(out), "--db", str(db)]) == 0
    dry = capsys.readouterr().out
    assert "#1:" in dry and "-> 内贸流通" in dry and "#2:" in dry and "(not ours)" in dry
    assert "CONFLICT #3" in dry and "#4" not in dry
    assert "2 change(s) would apply" in dry
    with Store(db) as st:
        assert len(st.audit()) == audit_before and st.item(1)["decided_by"] == "auto"

    assert cli.main(["import-review", str(out), "--apply", "--actor", "officer",
                     "--db", str(db)]) == 0
    assert "2 change(s) applied, 1 conflict(s)" in capsys.readouterr().out
    with Store(db) as st:
        assert (st.item(1)["category"], st.item(1)["decided_by"]) == ("内贸流通", "manual")
        assert st.item(2)["attribution"] == "not_ours"
        assert st.item(3)["category"] == "其他"            # the conflict was not overwritten
        assert st.item(4)["category"] == "促消费"
        new = st.audit()[audit_before:]
    assert {(a["item_id"], a["action"], a["actor"], a["reason"]) for a in new} == {
        (1, "category", "officer", "import-review"), (2, "attribution", "officer", "import-review")}
    # a second apply changes nothing
    cli.main(["import-review", str(out), "--apply", "--db", str(db)])
    assert "0 change(s) applied" in capsys.readouterr().out


def test_import_review_rejects_a_bad_category(db, tmp_path, capsys):
    out = tmp_path / "review.xlsx"
    cli.main(["export", "--year", "2024", str(out), "--db", str(db)])
    _edit(out, {1: {7: "内贸流通"}, 2: {7: "乱写"}})
    capsys.readouterr()
    assert cli.main(["import-review", str(out), "--apply", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "row" in err and "乱写" in err and len(err.strip().splitlines()) == 1
    with Store(db) as st:
        assert st.item(1)["decided_by"] == "auto"            # nothing applied
    assert cli.main(["import-review", str(tmp_path / "missing.xlsx"), "--db", str(db)]) == 2
    assert cli.main(["export", "--year", "2024", str(tmp_path / "x.csv"), "--db", str(db)]) == 2


def test_terminal_review(db, monkeypatch, capsys):
    # first item: 招商引资; second: skip; third: not ours; then quit
    answers = iter(["x", "3", "s", "n", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    with Store(db) as st:
        order = [r["id"] for r in st.review_queue(year=2024, status="")]
    assert cli.main(["review", "--year", "2024", "--status", "", "--actor", "tty",
                     "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "NEEDS REVIEW" in out and "2 decision(s) recorded" in out
    with Store(db) as st:
        assert (st.item(order[0])["category"], st.item(order[0])["decided_by"]) == ("招商引资", "manual")
        assert st.item(order[1])["decided_by"] == "auto"
        assert st.item(order[2])["attribution"] == "not_ours"
        assert {a["actor"] for a in st.audit()} == {"tty"}
