"""Issue 16 #7, the smaller half: the board template names the configured bureau, `status` and
`counts` say which year they count, and a manual source never shows `not_modified`."""
import json
import re

import openpyxl

from _review_support import build
from gongkai import manual
from gongkai.cli import main
from store import Store

CONFIG = """
[bureau]
name = "红旗区发展和改革委员会"
aliases = ["红旗区发改委"]

[database]
path = "g.db"

[[sources]]
id = "board"
type = "manual"
channel = "board"
"""


def _cfg(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _help_text(path) -> str:
    ws = openpyxl.load_workbook(path)["说明"]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_the_board_template_names_the_configured_bureau(tmp_path):
    out = tmp_path / "board.xlsx"
    assert main(["import", "--template", str(out), "--config", str(_cfg(tmp_path))]) == 0
    text = _help_text(out)
    assert "红旗区发展和改革委员会" in text and "卫滨区商务局" not in text
    # without a config: no bureau's name at all, rather than someone else's
    bare = tmp_path / "bare.xlsx"
    assert main(["import", "--template", str(bare), "--config", str(tmp_path / "none.toml")]) == 2
    manual.write_template(bare)
    assert "卫滨区商务局" not in _help_text(bare)


def _review_db(tmp_path):
    db, _ = build(tmp_path)
    with Store(db) as st:       # one doubtful item in 2023 too, so the years differ
        st.db.execute("UPDATE items SET needs_review = 1 WHERE pub_year = 2023")
        st.db.conn.commit()
        by_year = st.review_backlog_by_year()
    assert set(by_year) == {2023, 2024} and by_year[2023] == 1 and by_year[2024] >= 1
    return db, by_year


def test_status_and_counts_say_the_year_and_agree(tmp_path, capsys):
    db, by_year = _review_db(tmp_path)
    cfg = _cfg(tmp_path)
    assert main(["status", "--config", str(cfg), "--db", str(db)]) == 0
    status = capsys.readouterr().out
    line = next(x for x in status.splitlines() if x.startswith("items awaiting review"))
    assert line == (f"items awaiting review by year published: 2024: {by_year[2024]}, 2023: 1 "
                    f"({by_year[2024] + 1} in all)")
    for year in (2023, 2024):
        assert main(["counts", "--year", str(year), "--db", str(db)]) == 0
        text = capsys.readouterr().out
        n = int(re.search(rf"awaiting review in {year}: (\d+)", text).group(1))
        assert n == by_year[year]
        assert main(["counts", "--year", str(year), "--json", "--db", str(db)]) == 0
        raw = json.loads(capsys.readouterr().out)
        assert raw["unreviewed"] == n and set(raw) >= {"year", "total", "categories",
                                                      "by_channel", "unreviewed", "undated"}


def test_a_manual_source_never_shows_not_modified(tmp_path, capsys):
    cfg = _cfg(tmp_path)
    assert main(["crawl", "--config", str(cfg)]) == 0        # the board is skipped: nothing to do
    assert main(["crawl", "--source", "board", "--config", str(cfg)]) == 0
    assert main(["add", "--channel", "board", "--date", "2024-03-05", "--title",
                 "关于开展燃气安全隐患排查整治的通知", "--config", str(cfg)]) == 0
    assert main(["crawl", "--source", "board", "--config", str(cfg)]) == 0
    capsys.readouterr()
    assert main(["status", "--config", str(cfg)]) == 0
    status = capsys.readouterr().out
    board = next(line for line in status.splitlines() if line.startswith("board "))
    assert "manual" in board and "not_modified" not in status and "never run" not in board
    with Store(tmp_path / "g.db") as st:
        runs = [r["status"] for r in st.runs("board")]
        assert runs == ["ok"]                                  # the `add`, nothing else
        # a database that recorded polls of the board before still shows its last import
        st.db["runs"].insert({"source_id": "board", "started_at": "2024-03-06T00:00:00+00:00",
                              "finished_at": "2024-03-06T00:00:01+00:00",
                              "status": "not_modified", "n_seen": 0, "n_new": 0})
        st.db.conn.commit()
        health = {s["id"]: s for s in st.source_health()}["board"]
    assert health["last_run"]["status"] == "ok" and health["last_run"]["n_new"] == 1
