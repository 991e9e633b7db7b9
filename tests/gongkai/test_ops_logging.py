"""The daemon's log: stderr plus a size-rotated file from [log]."""
import logging

from gongkai import config, logsetup


def test_log_file_rotates_by_size(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[log]\nfile = "logs/gongkai.log"\n'
                    'max_bytes = 2000\nkeep = 2\n', encoding="utf-8")
    cfg = config.load(path)
    root = logging.getLogger()
    level = root.level
    handler = logsetup.setup(cfg.log)
    try:
        for n in range(200):
            logging.getLogger("gongkai.daemon").info("tick %d: 3 sources due", n)
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["gongkai.log", "gongkai.log.1", "gongkai.log.2"]
    assert all((tmp_path / "logs" / f).stat().st_size <= 2000 for f in files)
    assert "tick 199" in (tmp_path / "logs" / "gongkai.log").read_text(encoding="utf-8")
