"""A board entry typed with the wrong date and typed again with the right one counted twice, in the
wrong year when the typo crossed New Year (found by a new-user trial): the import now says which
earlier entry the row may correct, and `gongkai withdraw` takes the mistyped one back."""
import json

from gongkai import cli
from store import Store
from _board import CONFIG

TITLE = "卫滨区商务局关于开展2025年促消费活动的通知"
OTHER = "卫滨区商务局召开安全生产工作会议"


def _setup(tmp_path):
    (tmp_path / "gongkai.toml").write_text(CONFIG, encoding="utf-8")
    return ["--config", str(tmp_path / "gongkai.toml")]


def _import(tmp_path, cfg, name, rows, capsys):
    path = tmp_path / name
    path.write_text("标题,发布日期\n" + "".join(f"{t},{d}\n" for t, d in rows), encoding="utf-8")
    assert cli.main(["import", str(path), "--source", "board", *cfg]) == 0
    return capsys.readouterr()


def _counts(cfg, year, capsys):
    assert cli.main(["counts", "--year", str(year), "--json", *cfg]) == 0
    return json.loads(capsys.readouterr().out)


def _total(counts):
    return sum(counts["categories"].values())


def test_a_date_typo_across_new_year_is_told_at_import_and_withdrawn(tmp_path, capsys):
    cfg = _setup(tmp_path)
    _import(tmp_path, cfg, "a.csv", [(TITLE, "2024-12-30"), (OTHER, "2025-04-01")], capsys)
    out = _import(tmp_path, cfg, "b.csv", [(TITLE, "2025-12-30"), (OTHER, "2025-04-01")], capsys)
    with Store(tmp_path / "g.db") as st:
        [old] = [r["id"] for r in st.items(source_id="board") if r["pub_date"] == "2024-12-30"]
    # the note names the row, the earlier date and the command; the unchanged row says nothing
    assert f"row 2: the same title is already counted, dated 2024-12-30 (item {old})" in out.err
    assert f"gongkai withdraw {old}" in out.err and "row 3" not in out.err
    assert (_total(_counts(cfg, 2024, capsys)), _total(_counts(cfg, 2025, capsys))) == (1, 2)

    assert cli.main(["withdraw", str(old), "--reason", "日期录错", "--by", "t", *cfg]) == 0
    told = capsys.readouterr().out
    assert f"withdrawn: item {old} (board, 2024-12-30)" in told
    assert (_total(_counts(cfg, 2024, capsys)), _total(_counts(cfg, 2025, capsys))) == (0, 2)
    with Store(tmp_path / "g.db") as st:
        [audit] = [a for a in st.db["audit"].rows if a["item_id"] == old]
        assert (audit["actor"], audit["new"]) == ("t", "not_ours") and "日期录错" in audit["reason"]
    # undone, it counts again where it was
    assert cli.main(["withdraw", str(old), "--undo", *cfg]) == 0
    assert f"counted again: item {old}" in capsys.readouterr().out
    assert _total(_counts(cfg, 2024, capsys)) == 1


def test_a_recurring_headline_is_not_taken_for_a_correction(tmp_path, capsys):
    cfg = _setup(tmp_path)
    _import(tmp_path, cfg, "a.csv", [(OTHER, "2025-01-05"), (OTHER, "2025-02-05")], capsys)
    out = _import(tmp_path, cfg, "b.csv", [(OTHER, "2025-03-05")], capsys)
    assert "already counted" not in out.err
    # nor is a new file's own run of one headline
    out = _import(tmp_path, cfg, "c.csv", [(TITLE, "2025-01-05"), (TITLE, "2025-02-05")], capsys)
    assert "already counted" not in out.err


def test_withdraw_refuses_a_crawled_item_and_an_unknown_one_writing_nothing(tmp_path, capsys):
    cfg = _setup(tmp_path)
    _import(tmp_path, cfg, "a.csv", [(TITLE, "2025-03-05")], capsys)
    with Store(tmp_path / "g.db") as st:
        st.db.execute("INSERT INTO sources (id, type, channel, url, enabled) "
                      "VALUES ('web', 'website', 'website', 'u', 1)")
        st.db.conn.commit()
        st.save_item("web", "website", {"key": "k", "url": "u", "title": OTHER, "title_norm": "o",
                                        "pub_date": "2025-03-06"}, attribution="ours",
                     now=__import__("datetime").datetime(2025, 3, 6))
        ids = sorted(r["id"] for r in st.items())
    assert cli.main(["withdraw", str(ids[0]), str(ids[1]), *cfg]) == 2
    assert "not entered by hand" in capsys.readouterr().err
    assert cli.main(["withdraw", str(ids[0]), "999", *cfg]) == 2
    assert "999" in capsys.readouterr().err
    with Store(tmp_path / "g.db") as st:     # the good id before the bad one was not written
        assert {r["attribution"] for r in st.items()} == {"ours"}


def test_a_corrected_copy_of_a_file_says_which_earlier_entries_it_dropped(tmp_path, capsys):
    """A row retitled or removed in a corrected copy of the ledger stayed counted, unsaid."""
    cfg = _setup(tmp_path)
    third = "卫滨区商务局召开外贸企业座谈会"
    _import(tmp_path, cfg, "ledger.csv", [(TITLE, "2025-03-05"), (OTHER, "2025-04-01"),
                                          (third, "2025-04-02")], capsys)
    (tmp_path / "v2").mkdir()
    out = _import(tmp_path, cfg, "v2/ledger.csv", [(TITLE, "2025-03-05"),
                                                   (OTHER + "（更正）", "2025-04-01")], capsys)
    with Store(tmp_path / "g.db") as st:
        ids = {r["title"]: r["id"] for r in st.items(source_id="board")}
    dropped = f"{ids[OTHER]} {ids[third]}"
    assert "2 entries imported before from a file named ledger.csv are not in this one" in out.err
    assert f"gongkai withdraw {dropped}" in out.err
    assert cli.main(["withdraw", *dropped.split(), *cfg]) == 0
    capsys.readouterr()
    assert _total(_counts(cfg, 2025, capsys)) == 2
    # next month's sheet under the same name repeats nothing: nothing to say
    out = _import(tmp_path, cfg, "ledger.csv", [("卫滨区商务局五月工作动态", "2025-05-06")], capsys)
    assert "not in this one" not in out.err


def test_last_years_year_typed_in_january_goes_to_review_in_both_years(tmp_path, capsys):
    """Found by a trial: dated 2025-01-12, "关于2026年春节期间…" counted in 2025, unflagged."""
    cfg = _setup(tmp_path)
    title = "区商务局关于2026年春节期间市场保供工作的通知"
    assert cli.main(["add", "--channel", "board", "--date", "2025-01-12", "--title", title,
                     *cfg]) == 0
    assert "年份存疑" in capsys.readouterr().err
    assert _counts(cfg, 2025, capsys)["unreviewed"] == 1
    assert cli.main(["report", "check", "--year", "2026", *cfg]) in (0, 1)
    assert "DATE-CONFLICT" in capsys.readouterr().out
    # a title about its own year, or a date later in the year, is no typo
    for day, text in (("2026-01-12", title), ("2025-06-01", "关于2026年度预算编制的通知")):
        assert cli.main(["add", "--channel", "board", "--date", day, "--title", text, *cfg]) == 0
        assert "年份存疑" not in capsys.readouterr().err
