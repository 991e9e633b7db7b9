"""Connection handling: WAL, a long busy timeout, and short IMMEDIATE transactions.

The daemon and the review UI write the same file. A deferred BEGIN fails at once with
"database is locked" when another writer commits between our read and our write, so every
write transaction here starts with BEGIN IMMEDIATE and simply waits for the other writer.
"""
from __future__ import annotations

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
