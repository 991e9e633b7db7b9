"""`gongkai status` says what the last good pass set aside: a bridge's placeholder entries
(verification walls, login notices) and list rows that were page furniture."""
from datetime import datetime, timezone

from gongkai import config
from gongkai.cmd_ops import status_lines
from store import Store

NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_placeholders_and_furniture_of_the_last_pass_are_shown(tmp_path):
    cfg_path = tmp_path / "gongkai.toml"
    cfg_path.write_text('[bureau]\nname = "卫滨区商务局"\n[[sources]]\nid = "wx"\ntype = "feed"\n'
                        'channel = "wechat"\nurl = "http://127.0.0.1:9/f.rss"\n'
                        '[[sources]]\nid = "web"\ntype = "website"\nchannel = "website"\n'
                        'url = "http://127.0.0.1:9/col/index.html"\n', encoding="utf-8")
    cfg = config.load(cfg_path)
    with Store(tmp_path / "s.db") as st:
        st.sync_sources([s.as_row() for s in cfg.sources], NOW)
        for sid, memo in (("wx", {"placeholders": {"count": 2, "kinds": {"verify": 2}}}),
                          ("web", {"dropped_rows": ["page 1: navigation link '首页'"]})):
            run = st.begin_run(sid, NOW)
            st.end_run(run, status="ok", now=NOW, n_seen=3, n_new=1, memo=memo)
        lines = status_lines(cfg, st, NOW, daemon_running=False)
    wx = next(line for line in lines if line.startswith("wx "))
    web = next(line for line in lines if line.startswith("web "))
    assert "2 placeholder entries skipped (verify x2)" in wx
    assert "1 list rows set aside as page furniture" in web


def test_a_feeds_possible_gap_is_shown(tmp_path):
    # the feed collector's note (collectors/_feedpass.py check_gap): items it never saw
    cfg_path = tmp_path / "gongkai.toml"
    cfg_path.write_text('[bureau]\nname = "卫滨区商务局"\n[[sources]]\nid = "wx"\ntype = "feed"\n'
                        'channel = "wechat"\nurl = "http://127.0.0.1:9/f.rss"\n', encoding="utf-8")
    cfg = config.load(cfg_path)
    note = ("possible gap: all 10 entries are new, the oldest (2025-10-15 10:00) newer than the "
            "newest read before (2025-10-11 10:00): articles published between may be missing")
    with Store(tmp_path / "s.db") as st:
        st.sync_sources([s.as_row() for s in cfg.sources], NOW)
        run = st.begin_run("wx", NOW)
        st.end_run(run, status="ok", now=NOW, n_seen=10, n_new=10, memo={"feed_gap": {
            "note": note, "gaps": [{"from": "2025-10-11T02:00:00+00:00",
                                    "to": "2025-10-15T02:00:00+00:00"}] * 2}})
        lines = status_lines(cfg, st, NOW, daemon_running=False)
    wx = next(line for line in lines if line.startswith("wx "))
    assert note in wx and "(2 such gaps noted)" in wx
