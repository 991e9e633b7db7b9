"""Connection handling: WAL, a long busy timeout, and short IMMEDIATE transactions.

The daemon and the review UI write the same file. A deferred BEGIN fails at once with
"database is locked" when another writer commits between our read and our write, so every
write transaction here starts with BEGIN IMMEDIATE and simply waits for the other writer.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

BUSY_TIMEOUT_S = 30


def connect(path: str | Path) -> Database:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the first byte (it holds the reviewers' password hashes); SQLite gives
        # its -wal and -shm files the database file's mode. An empty file is an empty database.
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    db = Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """One write transaction; nested use joins the outer one."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()


# What the officer can do about each failure of the file or the disk under it (资源故障).
_FULL = "the disk is full ({}): free some space, then run it again"
_READ_ONLY = ("the database cannot be written ({}): the file system is read-only or the file's "
              "permissions forbid it")
_DAMAGED = "the database is damaged ({}): restore the latest backup with `gongkai restore FILE`"
_FAULTS = {
    "SQLITE_FULL": _FULL, "SQLITE_READONLY": _READ_ONLY, "SQLITE_CORRUPT": _DAMAGED,
    "SQLITE_NOTADB": "not a gongkai database ({})",
    "SQLITE_IOERR": "the disk failed to read or write the database ({}): check the disk",
    "SQLITE_CANTOPEN": "the database file cannot be opened ({}): check the folder and permissions",
}
_OS_FAULTS = {errno.ENOSPC: _FULL, errno.EDQUOT: _FULL, errno.EROFS: _READ_ONLY}


def fault(exc: BaseException) -> str | None:
    """One line saying what is wrong with the database file or its disk (full, read-only, damaged,
    not a database), or None when ``exc`` is something else: a bug stays a bug."""
    if isinstance(exc, sqlite3.DatabaseError):
        name = getattr(exc, "sqlite_errorname", None) or ""
        # extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE …) share their family's advice
        family = next((f for f in _FAULTS if name == f or name.startswith(f + "_")), None)
        if family is None:      # raised by Python itself, without a code: go by SQLite's words
            text = str(exc)
            family = ("SQLITE_FULL" if "disk is full" in text else
                      "SQLITE_READONLY" if "readonly database" in text else
                      "SQLITE_CORRUPT" if "malformed" in text else
                      "SQLITE_NOTADB" if "not a database" in text else None)
        return _FAULTS[family].format(exc) if family else None
    if isinstance(exc, OSError) and exc.errno in _OS_FAULTS:
        what = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror or str(exc)
        return _OS_FAULTS[exc.errno].format(what)
    return None
