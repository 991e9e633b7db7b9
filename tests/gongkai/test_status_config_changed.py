"""`gongkai run` keeps the config it started with (README: a changed config needs a restart of
the daemon, not of `gongkai serve`): `gongkai status` says when the config or its rules file was
changed after the running daemon started."""
import os
from datetime import datetime, timedelta, timezone

from gongkai import config
from gongkai.cmd_ops import status_lines
from store import Store

STARTED = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


def test_status_says_the_running_daemon_has_an_older_config(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[[sources]]\nid = "wx"\ntype = "feed"\n'
                    'channel = "wechat"\nurl = "http://127.0.0.1:9/f.rss"\n', encoding="utf-8")
    cfg = config.load(path)
    now = STARTED + timedelta(hours=1)

    def first_line(running):
        with Store(tmp_path / "s.db") as st:
            return status_lines(cfg, st, now, daemon_running=running)[0]

    with Store(tmp_path / "s.db") as st:
        st.heartbeat(pid=42, host="box", now=STARTED, started=True)
        st.heartbeat(pid=42, host="box", now=now)
    before = STARTED - timedelta(days=1)
    os.utime(path, (before.timestamp(), before.timestamp()))
    assert "restart" not in first_line(True)
    edited = STARTED + timedelta(minutes=30)
    os.utime(path, (edited.timestamp(), edited.timestamp()))
    line = first_line(True)
    assert line.startswith("daemon: running") and str(path) in line
    assert "2025-03-01 16:30" in line and "restart `gongkai run`" in line
    # a daemon that is not running will read it when started
    assert "restart" not in first_line(False)
