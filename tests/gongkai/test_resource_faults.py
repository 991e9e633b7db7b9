"""Issue 15 (#12, #13): resource failures are one line. A full disk during a crawl, another
program's database, a damaged one: a clear message, exit status 2, nothing half-written, and the
next run (space freed) as if nothing had happened. The web UI says what is wrong with a 503 and
works again by itself."""
import hashlib
import re
import sqlite3
from datetime import datetime, timezone

import pytest

import store._store as store_impl
from _review_support import PASSWORD, build
from gongkai import cli, demo
from gongkai.web import create_app
from store import Store

FULL = "database or disk is full"


def _main(capsys, *argv):
    rc = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def _one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gongkai: error: "), err
    return lines[0]


def _disk_full_after(monkeypatch, spare_pages: int) -> None:
    """Every connection the store opens from now on may grow the file by ``spare_pages`` pages
    only: SQLite's own "database or disk is full", without filling a disk."""
    real = store_impl.connect

    def connect(path):
        db = real(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        return db
    monkeypatch.setattr(store_impl, "connect", connect)


def _counts(capsys, cfg):
    rc, out, _ = _main(capsys, "counts", "--year", 2024, "--json", "--config", cfg)
    assert rc == 0
    return out


def test_a_full_disk_during_a_crawl_is_one_line_and_the_next_crawl_loses_nothing(
        tmp_path, monkeypatch, capsys):
    with demo.serve(demo.build_site()) as base:
        clean = tmp_path / "clean"
        clean.mkdir()
        (clean / "gongkai.toml").write_text(demo.config_text(base, str(clean / "g.db")),
                                            encoding="utf-8")
        rc, _, _ = _main(capsys, "crawl", "--config", clean / "gongkai.toml")
        assert rc == 0
        expected = _counts(capsys, clean / "gongkai.toml")

        cfg = tmp_path / "gongkai.toml"
        cfg.write_text(demo.config_text(base, str(tmp_path / "g.db")), encoding="utf-8")
        Store(tmp_path / "g.db").close()
        with monkeypatch.context() as m:
            _disk_full_after(m, 3)
            rc, out, err = _main(capsys, "crawl", "--config", cfg)
        assert rc == 2
        line = _one_line_error(err)
        assert line.startswith(f"gongkai: error: the disk is full ({FULL}): free some space")
        assert "internal error" not in out + err      # not blamed on a source

        rc, _, err = _main(capsys, "crawl", "--config", cfg)      # space is back
        assert rc == 0, err
    assert _counts(capsys, cfg) == expected                      # nothing lost, nothing twice
    with Store(tmp_path / "g.db") as st:
        assert all(st.last_run(s["id"])["status"] in ("ok", "not_modified") for s in st.sources()
                   if s["type"] != "manual")           # the board is never crawled


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv", [
    ["counts", "--year", "2024"], ["counts", "--year", "2024", "--json"], ["status"],
    ["report", "--year", "2024"], ["report", "check", "--year", "2024"],
    ["export", "--year", "2024", "out.xlsx"], ["review"], ["dupes"], ["dupes", "pairs"],
    ["rules", "suggest"], ["reclassify"], ["crawl"], ["serve"],
])
def test_another_programs_database_is_refused_and_never_written(tmp_path, capsys, argv):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    before = _digest(other)
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text(f'[bureau]\nname = "卫滨区商务局"\n[database]\npath = "{other}"\n',
                   encoding="utf-8")
    argv = [str(tmp_path / a) if a.endswith(".xlsx") else a for a in argv]
    rc, out, err = _main(capsys, *argv, "--config", cfg)
    assert rc == 2 and out == ""
    assert _one_line_error(err) == (f"gongkai: error: {other} is not a gongkai database: it holds "
                                    "another program's tables (nothing was written to it)")
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gongkai.toml", "other.db"]


def test_an_empty_file_is_no_year_of_zeros(tmp_path, capsys):
    empty = tmp_path / "empty.db"
    empty.touch()
    rc, out, err = _main(capsys, "counts", "--year", 2024, "--db", empty)
    assert rc == 2 and out == "" and "holds no gongkai database yet" in _one_line_error(err)
    assert empty.stat().st_size == 0


def _damage(path):
    data = bytearray(path.read_bytes())
    for i in range(4096, len(data), 7):      # every page after the first: the header still reads
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def test_backup_of_a_damaged_database_is_one_line_and_leaves_no_temp_file(tmp_path, capsys):
    db = tmp_path / "g.db"
    with Store(db) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}],
                        datetime(2024, 6, 1, tzinfo=timezone.utc))
    _damage(db)
    rc, out, err = _main(capsys, "backup", "--db", db, "--to", tmp_path / "b.db")
    assert rc == 2 and out == ""
    assert _one_line_error(err).startswith(f"gongkai: error: cannot back up {db}: the database is "
                                           "damaged")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.db"]


def test_backup_of_garbage_is_one_line_and_leaves_no_temp_file(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"garbage " * 1000)
    rc, _, err = _main(capsys, "backup", "--db", junk, "--to", tmp_path / "b.db")
    assert rc == 2
    assert _one_line_error(err) == (f"gongkai: error: cannot back up {junk}: not a gongkai "
                                    "database (file is not a database)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.db"]


def test_damage_found_in_the_middle_of_a_command_is_one_line(tmp_path, capsys):
    db = tmp_path / "g.db"
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    with Store(db) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], now)
        for i in range(200):
            st.save_item("web", "website", {
                "key": f"http://x/{i}", "url": f"http://x/{i}", "title": f"标题{i}",
                "title_norm": f"标题{i}", "pub_date": "2024-03-05", "body": "正文" * 1000},
                attribution="ours", now=now)
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    for i in range(len(data) // 2, len(data), 3):    # the items' pages; the schema still reads
        data[i] ^= 0x5A
    db.write_bytes(bytes(data))
    rc, _, err = _main(capsys, "counts", "--year", 2024, "--db", db)
    assert rc == 2
    assert _one_line_error(err) == (
        "gongkai: error: the database is damaged (database disk image is malformed): restore the "
        "latest backup with `gongkai restore FILE`")


# -- the web UI ----------------------------------------------------------------------------------

def _token(resp) -> str:
    return re.search(r'name="csrf[-_]token"[^>]*(?:content|value)="([^"]+)"', resp.text).group(1)


def _login(client):
    tok = _token(client.get("/login"))
    return client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": tok})


def test_web_ui_says_the_disk_is_full_and_recovers_by_itself(tmp_path, monkeypatch):
    db, rules = build(tmp_path)
    app = create_app(db, rules)
    c = app.test_client()
    assert _login(c).status_code == 302
    tok = _token(c.get("/"))

    def full(*args, **kwargs):
        raise sqlite3.OperationalError(FULL)
    with monkeypatch.context() as m:
        m.setattr(store_impl, "connect", full)          # every request's connection fails
        r = c.get("/")
        assert r.status_code == 503 and r.headers["Retry-After"]
        assert "the disk is full" in r.text and FULL in r.text
        fresh = app.test_client()
        r = fresh.post("/login", data={"name": "alice", "password": PASSWORD,
                                       "csrf_token": _token(fresh.get("/login"))})
        assert r.status_code == 503 and "the disk is full" in r.text
    assert c.get("/").status_code == 200                 # space is back: no restart needed

    with monkeypatch.context() as m:                     # a write the disk refuses
        m.setattr(store_impl.Store, "review_set_category", full)
        r = c.post("/api/item/1/category", json={"category": "招商引资"},
                   headers={"X-CSRF-Token": tok})
        assert r.status_code == 503 and "the disk is full" in r.get_json()["error"]
    r = c.post("/api/item/1/category", json={"category": "招商引资"},
               headers={"X-CSRF-Token": tok})
    assert r.status_code == 200
    with Store(db) as st:
        assert st.item(1)["category"] == "招商引资"


def test_web_ui_names_a_database_that_is_not_gongkais(tmp_path, monkeypatch):
    db, rules = build(tmp_path)
    app = create_app(db, rules)
    c = app.test_client()
    assert _login(c).status_code == 302
    monkeypatch.setattr(store_impl._schema, "owner", lambda path: "other")
    r = c.get("/")
    assert r.status_code == 503 and "is not a gongkai database" in r.text
