"""An existing one-bureau config and database upgrade without a change (issue 17).

tests/fixtures/district/upgrade.db.gz is the demo's database as the code before the bodies
migration (commit e17f5a0) left it, with a category and two attributions changed by hand; the
upgrade-counts-*.json/.txt files are what that code printed for it. The migration must pass it
through unchanged and every count must print byte for byte as before.
"""
import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from gongkai.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "district"

TABLES = ("items", "decisions", "audit", "sources", "dupe_pairs", "item_aliases", "runs")


@pytest.fixture
def old(tmp_path):
    (tmp_path / "upgrade.db").write_bytes(gzip.decompress((FIXTURE / "upgrade.db.gz").read_bytes()))
    shutil.copy(FIXTURE / "single-bureau.toml", tmp_path / "gongkai.toml")
    return tmp_path / "gongkai.toml"


def _rows(db):
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


def _applied(db):
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


def _out(capsys, *args):
    assert main(list(args)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("year", [2024, 2025])
def test_counts_print_as_before(old, capsys, year):
    db = old.with_name("upgrade.db")
    assert "bodies_001_item_bodies" not in _applied(db)
    before = _rows(db)
    want_json = (FIXTURE / f"upgrade-counts-{year}.json").read_text(encoding="utf-8")
    want_text = (FIXTURE / f"upgrade-counts-{year}.txt").read_text(encoding="utf-8")
    assert _out(capsys, "counts", "--year", str(year), "--json", "--config", str(old)) == want_json
    assert "bodies_001_item_bodies" in _applied(db)
    assert _rows(db) == before          # the migration changed no row of the record
    assert _out(capsys, "counts", "--year", str(year), "--config", str(old)) == want_text
    # the one body has the default id; its object is the same object
    assert _out(capsys, "counts", "--year", str(year), "--bureau", "bureau", "--json",
                "--config", str(old)) == want_json
    every = json.loads(_out(capsys, "counts", "--year", str(year), "--all", "--json",
                            "--config", str(old)))
    assert every == {"year": year, "bureaus": {"bureau": json.loads(want_json)},
                     "unattributed": 0}


def test_the_report_is_the_one_bodys_report(old, capsys):
    plain, body = old.with_name("plain.md"), old.with_name("body.md")
    _out(capsys, "report", "--year", "2024", "--format", "md", "--force", "-o", str(plain),
         "--config", str(old))
    _out(capsys, "report", "--year", "2024", "--format", "md", "--force", "-o", str(body),
         "--bureau", "bureau", "--config", str(old))
    text = plain.read_text(encoding="utf-8")
    assert body.read_text(encoding="utf-8") == text
    counts = json.loads((FIXTURE / "upgrade-counts-2024.json").read_text(encoding="utf-8"))
    assert "卫滨区商务局" in text and f"招商引资信息 {counts['categories']['招商引资']} 篇" in text
