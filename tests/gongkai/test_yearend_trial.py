"""Year-end trial #2–#5: rows deleted and cells emptied in the review sheet are reported, a
daemon killed mid-poll is told from a clean stop, a report channel with no source is a warning,
and `backup --to` refuses a folder that does not exist as `report -o` and `export` do."""
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from _review_support import build
from gongkai import cmd_ops, config
from gongkai.cli import main
from store import Store

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


def test_deleted_rows_and_blank_cells_of_the_review_sheet_are_listed(tmp_path, capsys):
    db = build(tmp_path)[0]
    sheet = tmp_path / "review.xlsx"
    assert main(["export", "--year", "2024", str(sheet), "--db", str(db)]) == 0
    wb = load_workbook(sheet)
    ws = wb["review"]
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    gone, blank, moved = rows[0][0], rows[1][0], rows[2][0]
    kept = [r for r in rows if r[0] != gone][::-1]          # one row deleted, the rest reversed
    ws.delete_rows(2, ws.max_row)
    for r in kept:
        if r[0] == blank:
            r[6] = None                                     # its category cleared
        if r[0] == moved:
            r[6] = "招商引资"                                 # a real edit beside them
        ws.append(r)
    wb.save(sheet)
    blank_row = 2 + [r[0] for r in kept].index(blank)
    for apply in ([], ["--apply"]):
        capsys.readouterr()
        assert main(["import-review", str(sheet), *apply, "--db", str(db)]) == 0
        out = capsys.readouterr().out
        assert (f"LEFT row missing: #{gone} left unchanged (to mark it not ours, set 归属 to "
                "非本单位)") in out, out
        assert f"LEFT row {blank_row}: category blank: #{blank} left unchanged" in out
        assert "2 row(s) left unchanged (above)" in out
    with Store(db) as st:
        assert st.item(moved)["category"] == "招商引资"
        assert st.item(gone)["decided_by"] == st.item(blank)["decided_by"] == "auto"


def _status_cfg(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                    '[[sources]]\nid = "wx"\ntype = "feed"\nchannel = "wechat"\n'
                    'url = "http://127.0.0.1:9/f.rss"\n', encoding="utf-8")
    return config.load(path)


def _save(st, n, now):
    for i in range(n):
        st.save_item("wx", "wechat", {"key": f"k{now:%H%M}{i}", "title": f"促消费 {i}",
                                      "pub_date": "2025-02-28"}, attribution="ours", now=now)


def test_status_tells_a_kill_from_a_clean_stop_and_shows_the_pass_cut_short(tmp_path):
    cfg = _status_cfg(tmp_path)
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
        st.heartbeat(pid=4242, host="h", now=T0, started=True)
        st.begin_run("wx", T0)
        _save(st, 5, T0)                      # then kill -9: no end_run, nothing placed
        lines = cmd_ops.status_lines(cfg, st, T0 + timedelta(seconds=11), daemon_running=False)
        assert lines[0].startswith("daemon: NOT RUNNING — stopped without shutting down "
                                   "(killed or crashed) at about "), lines[0]
        wx = next(line for line in lines if line.startswith("wx "))
        assert "INTERRUPTED" in wx and "never run" not in wx and "5 items saved" in wx, wx
        assert ("items saved but not yet placed or classified: 5 (a run was cut short; not "
                "counted until settled): `gongkai reclassify` or the next crawl settles them"
                ) in lines
        # restarted: the cut pass is failed as interrupted, a new one ends ok; killed again
        t1 = T0 + timedelta(minutes=5)
        st.heartbeat(pid=4243, host="h", now=t1, started=True)
        st.end_run(st.begin_run("wx", t1), status="ok", now=t1)
        t2 = t1 + timedelta(hours=2)
        st.heartbeat(pid=4243, host="h", now=t2)
        st.begin_run("wx", t2)
        _save(st, 2, t2)
        lines = cmd_ops.status_lines(cfg, st, t2 + timedelta(seconds=30), daemon_running=False)
        wx = next(line for line in lines if line.startswith("wx "))
        assert "INTERRUPTED" in wx and " ok " not in wx and "2 items saved" in wx, wx
        # a clean stop says so, and a pass it left is not called interrupted
        st.record_stop(t2 + timedelta(seconds=40))
        lines = cmd_ops.status_lines(cfg, st, t2 + timedelta(minutes=1), daemon_running=False)
        assert lines[0].startswith("daemon: NOT RUNNING — stopped cleanly at "), lines[0]
        # a daemon at work: its pass in hand is not interrupted
        st.heartbeat(pid=4244, host="h", now=t2 + timedelta(minutes=2), started=True)
        lines = cmd_ops.status_lines(cfg, st, t2 + timedelta(minutes=2), daemon_running=True)
        assert "INTERRUPTED" not in "\n".join(lines) and "stopped" not in lines[0]


def test_a_report_channel_no_source_is_named_by_is_a_check_warning(tmp_path, capsys):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                    '[report]\nchannels = ["区政府官网专栏", "区科技局网站"]\n'
                    '[[sources]]\nid = "web"\ntype = "website"\nchannel = "website"\n'
                    'label = "区政府官网专栏"\nurl = "http://127.0.0.1:9/col/index.html"\n',
                    encoding="utf-8")
    with Store(tmp_path / "g.db"):
        pass
    main(["report", "check", "--year", "2025", "--config", str(path)])
    out = capsys.readouterr().out
    warned = [line for line in out.splitlines() if "CHANNEL-NO-SOURCE" in line]
    assert len(warned) == 1 and warned[0].startswith("warning:") and "区科技局网站" in warned[0]


def test_backup_to_a_missing_folder_is_refused_like_report_and_export(tmp_path, capsys):
    cfg = _status_cfg(tmp_path)
    with Store(cfg.db_path):
        pass
    target = tmp_path / "nonexistent" / "b.db"
    for argv in (["backup", "--to", str(target)],
                 ["export", "--year", "2025", str(tmp_path / "nonexistent" / "r.xlsx")],
                 ["report", "--year", "2025", "--force", "-o", str(tmp_path / "nonexistent" /
                                                                  "r.html")]):
        capsys.readouterr()
        assert main([*argv, "--config", str(cfg.path)]) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"gongkai: error: no such folder: {tmp_path / 'nonexistent'}"], (argv, err)
    assert not (tmp_path / "nonexistent").exists()
    # the configured [backup] dir is still made for the dated default
    (tmp_path / "gongkai.toml").write_text(cfg.path.read_text() + '[backup]\ndir = "bk"\n')
    assert main(["backup", "--config", str(cfg.path)]) == 0
    assert len(list((tmp_path / "bk").glob("gongkai-manual-*.db"))) == 1


def test_a_real_daemon_stopped_then_killed(tmp_path, capsys):
    import os
    import signal
    import subprocess
    import sys
    import time
    cfg = _status_cfg(tmp_path)
    with Store(cfg.db_path):        # made before the daemon, so the test never meets a migration
        pass

    def start():
        proc = subprocess.Popen([sys.executable, "-m", "gongkai", "run", "--tick", "0.2",
                                 "--config", str(cfg.path)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.2)
            with Store(cfg.db_path, create=False) as st:
                hb = st.last_heartbeat()
                if hb and hb["pid"] == proc.pid and hb["ticks"] >= 2:
                    return proc
        proc.kill()
        raise AssertionError("the daemon never beat")

    def status() -> str:
        capsys.readouterr()
        assert main(["status", "--config", str(cfg.path)]) == 0
        return capsys.readouterr().out.splitlines()[0]

    proc = start()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert status().startswith("daemon: NOT RUNNING — stopped cleanly at ")
    proc = start()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)
    assert "stopped without shutting down (killed or crashed)" in status()
