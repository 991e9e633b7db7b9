"""`gongkai source test [ID…]`: what an officer runs after editing the config — every source
checked (page 1, page 2, one detail page; a feed's first items), a verdict per source, nothing saved,
exit 1 when any fails."""
from pathlib import Path

import pytest

from gongkai import demo
from gongkai.cli import main


@pytest.fixture
def demo_site():
    with demo.serve(demo.build_site()) as base:
        yield base


def _config(tmp_path: Path, base: str, extra: str = "") -> tuple[str, Path]:
    db = tmp_path / "never.db"
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(demo.config_text(base, str(db)) + extra, encoding="utf-8")
    return str(cfg), db


def test_every_demo_source_passes_and_nothing_is_saved(tmp_path, demo_site, capsys):
    cfg, db = _config(tmp_path, demo_site)
    code = main(["source", "test", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "portal-shangwu  website  OK" in out
    assert "✓ page 2" in out and "✓ detail: dated" in out
    assert "SKIP" in out                         # the bulletin board is entered by hand
    assert out.rstrip().endswith("sources ok")
    assert not db.exists()                       # nothing saved, not even an empty database


def test_a_broken_source_fails_with_its_reason_and_exit_1(tmp_path, demo_site, capsys):
    broken = f"""
[[sources]]
id = "moved-column"
type = "website"
channel = "website"
url = "{demo_site}/col/no-such-column/index.html"
interval = "6h"
"""
    cfg, _ = _config(tmp_path, demo_site, broken)
    code = main(["source", "test", "portal-shangwu", "moved-column", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 1
    assert "moved-column" in out and "FAIL" in out and "404" in out
    assert "1 of 2 sources failed" in out


def test_an_unknown_id_is_a_usage_error(tmp_path, demo_site, capsys):
    cfg, db = _config(tmp_path, demo_site)
    assert main(["source", "test", "nosuch", "--config", cfg]) == 2
    err = capsys.readouterr().err
    assert "no source 'nosuch'" in err and "Traceback" not in err
    assert not db.exists()
