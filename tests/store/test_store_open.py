"""Issue 15 (#12, #13): what the store opens. Another program's SQLite file is refused and left
byte for byte as it was; a reader never creates a database; a garbage or damaged file is one
clear error; gongkai's own older schema is brought up to date, by readers too. And `fault`
names each failure of the file or its disk in words the officer can act on."""
import errno
import hashlib
import sqlite3

import pytest

import store
from store import Store, StoreError, _schema


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('keep me')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("create", [True, False])
def test_another_programs_database_is_refused_and_left_untouched(tmp_path, create):
    other = _foreign(tmp_path / "other.db")
    before = _digest(other)
    with pytest.raises(StoreError, match=r"other\.db is not a gongkai database"):
        Store(other, create=create)
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]      # no -wal, no -shm


def test_another_tools_migrations_table_does_not_make_it_ours(tmp_path):
    other = _foreign(tmp_path / "other.db")
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
                 "name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name) VALUES ('notes', 'm1')")
    conn.commit()
    conn.close()
    assert _schema.owner(other) == "other"
    with pytest.raises(StoreError, match="not a gongkai database"):
        Store(other)


def test_a_reader_never_creates_a_database(tmp_path):
    missing = tmp_path / "typo.db"
    with pytest.raises(StoreError, match=r"no database at .*typo\.db"):
        Store(missing, create=False)
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="holds no gongkai database yet"):
        Store(empty, create=False)
    assert empty.stat().st_size == 0


def test_a_writer_starts_a_new_or_empty_file(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    Store(empty).close()
    assert _schema.owner(empty) == "gongkai"
    # a first run cut short after sqlite-utils made its table, before our first migration
    half = tmp_path / "half.db"
    db = sqlite3.connect(half)
    db.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
               "name TEXT, applied_at TEXT)")
    db.commit()
    db.close()
    assert _schema.owner(half) == "none"
    Store(half).close()
    assert _schema.owner(half) == "gongkai"


def test_a_file_that_is_no_database_is_one_error(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not sqlite at all " * 500)
    with pytest.raises(StoreError, match=r"garbage\.db: not a gongkai database \(file is not a "):
        Store(garbage)
    assert garbage.read_bytes() == b"not sqlite at all " * 500


def test_a_reader_upgrades_gongkais_own_older_schema(tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    from sqlite_utils import Database
    _schema.migrations.apply(Database(conn), stop_before="m003_item_meta")
    conn.close()
    assert _schema.owner(old) == "gongkai"
    with Store(old, create=False) as st:
        assert "meta_json" in st.db["items"].columns_dict


# -- fault: the file or the disk, in words -------------------------------------------------------

def test_a_full_database_is_named_full(tmp_path):
    st = Store(tmp_path / "g.db")
    pages = st.db.execute("PRAGMA page_count").fetchone()[0]
    st.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        st.db.execute("CREATE TABLE filler (x)")
        st.db.execute("INSERT INTO filler VALUES (randomblob(100000))")
    st.close()
    assert store.fault(caught.value).startswith("the disk is full (database or disk is full)")
    # the same words when the error carries no SQLite code (raised by hand, by a library)
    assert store.fault(sqlite3.OperationalError("database or disk is full")).startswith(
        "the disk is full")
    assert store.fault(OSError(errno.ENOSPC, "No space left on device", "out.xlsx")) == (
        "the disk is full (No space left on device: out.xlsx): free some space, then run it again")


def test_a_read_only_database_is_named_read_only(tmp_path):
    Store(tmp_path / "g.db").close()
    conn = sqlite3.connect(f"{(tmp_path / 'g.db').as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("UPDATE sources SET url = 'x'")
    conn.close()
    assert store.fault(caught.value).startswith("the database cannot be written")
    assert store.fault(OSError(errno.EROFS, "Read-only file system")).startswith(
        "the database cannot be written (Read-only file system)")


def test_a_damaged_database_points_to_restore():
    reason = store.fault(sqlite3.DatabaseError("database disk image is malformed"))
    assert reason.startswith("the database is damaged") and "gongkai restore" in reason


def test_other_errors_are_not_resource_faults():
    assert store.fault(sqlite3.OperationalError("no such table: nosuch")) is None
    assert store.fault(sqlite3.IntegrityError("UNIQUE constraint failed: items.key")) is None
    assert store.fault(OSError(errno.ENOENT, "No such file or directory")) is None
    assert store.fault(ValueError("bad")) is None
