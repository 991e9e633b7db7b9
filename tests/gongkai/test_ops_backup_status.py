"""Backups (nightly, retention, checked restore) and `gongkai status` in January."""
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from gongkai import backup, cmd_ops, config
from gongkai.cli import main
from store import Store

T0 = datetime(2025, 3, 3, 18, 0, tzinfo=timezone.utc)      # 02:00 Beijing, 4 March


def _cfg(tmp_path, extra=""):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n' + extra +
                    '[[sources]]\nid = "wx"\ntype = "feed"\nchannel = "wechat"\n'
                    'url = "http://127.0.0.1:9/f.rss"\n', encoding="utf-8")
    return config.load(path)


def test_nightly_backup_once_a_day_after_its_time_with_retention(tmp_path):
    cfg = _cfg(tmp_path, '[backup]\ndir = "bk"\nkeep = 3\nat = "02:30"\n')
    bc = cfg.backup
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
        assert not backup.nightly_due(bc, T0)                         # 02:00 < 02:30
        for day in range(5):
            now = T0 + timedelta(days=day, minutes=45)
            assert backup.nightly_due(bc, now)
            backup.run_nightly(bc, st.db.conn, now)
            assert not backup.nightly_due(bc, now + timedelta(hours=3))
    names = sorted(p.name for p in (tmp_path / "bk").iterdir())
    assert names == ["gongkai-20250306.db", "gongkai-20250307.db", "gongkai-20250308.db"]
    backup.check_database(tmp_path / "bk" / names[-1])


def test_restore_refuses_what_is_not_a_gongkai_database(tmp_path):
    cfg = _cfg(tmp_path)
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(backup.BackupError, match="not a gongkai database"):
        backup.restore(cfg.db_path, other)
    with pytest.raises(backup.BackupError, match="not an SQLite database"):
        backup.restore(cfg.db_path, junk)
    assert not (tmp_path / "g.db.before-restore").exists()


def test_backup_and_restore_commands_round_trip(tmp_path, capsys):
    cfg = _cfg(tmp_path)
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
        st.save_item("wx", "wechat", {"key": "a", "title": "促消费"}, attribution="ours", now=T0)
    snap = tmp_path / "snap.db"
    assert main(["backup", "--to", str(snap), "--config", str(cfg.path)]) == 0
    with Store(cfg.db_path) as st:
        st.save_item("wx", "wechat", {"key": "b", "title": "later"}, attribution="ours", now=T0)
    assert main(["restore", str(snap), "--config", str(cfg.path)]) == 0
    with Store(cfg.db_path) as st:
        assert [r["key"] for r in st.items()] == ["a"]
    with Store(str(cfg.db_path) + ".before-restore") as st:
        assert [r["key"] for r in st.items()] == ["a", "b"]
    assert main(["restore", str(tmp_path / "nope.db"), "--config", str(cfg.path)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_status_in_january_counts_down_and_lists_what_is_missing(tmp_path):
    cfg = _cfg(tmp_path)
    now = datetime(2025, 1, 20, 2, tzinfo=timezone.utc)            # 10:00 Beijing, 20 January
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], now)
        st.save_item("wx", "wechat", {"key": "u", "title": "无日期"}, attribution="ours", now=now)
        run = st.begin_run("wx", now)
        st.end_run(run, status="failed", reason="feed has zero entries", now=now)
        st.add_alert("wx", "failing", subject="s", body="b", now=now)
        lines = cmd_ops.status_lines(cfg, st, now)
        text = "\n".join(lines)
        assert "2024 annual report: 11 days left before the 1月31日 publication deadline" in text
        assert "still missing: 1 undated items" in text
        assert "1 failing sources (wx)" in text
        assert "no report data file report-2024.toml" in text
        wx = [ln for ln in lines if ln.startswith("wx ")][0]
        assert "FAILING x1" in wx and "feed has zero entries" in wx and "alert open: failing" in wx
        assert "alerts not delivered yet: 1" in text
        (tmp_path / "report-2024.toml").write_text("", encoding="utf-8")
        assert "report-2024" not in "\n".join(cmd_ops.status_lines(cfg, st, now))
        assert not any("annual report" in ln for ln in
                       cmd_ops.status_lines(cfg, st, datetime(2025, 2, 1, tzinfo=timezone.utc)))
