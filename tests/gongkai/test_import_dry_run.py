"""`import --dry-run` creates and changes nothing on disk: no database is started for it."""
from pathlib import Path

from gongkai.cli import main
from _board import CONFIG

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_dry_run_without_a_database_creates_none(tmp_path, capsys):
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    before = _files(tmp_path)
    nx = tmp_path / "nx.db"
    assert main(["import", str(IMPORTS / "gbk_excel.csv"), "--config", str(cfg), "--db", str(nx),
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing written" in out and "2 new, 0 already recorded" in out
    assert _files(tmp_path) == before       # no nx.db, no -wal, no -shm


def test_dry_run_on_an_existing_database_changes_nothing(tmp_path, capsys):
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    csv = IMPORTS / "gbk_excel.csv"
    assert main(["import", str(csv), "--config", str(cfg)]) == 0
    before = _files(tmp_path)
    assert main(["import", str(csv), "--config", str(cfg), "--dry-run"]) == 0
    assert "0 new, 2 already recorded" in capsys.readouterr().out
    assert _files(tmp_path) == before
