"""Online backups with SQLite's backup API, nightly retention, and a checked restore.

The backup API copies a consistent snapshot (WAL content included) while the daemon keeps writing,
which a plain file copy of a WAL database does not.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, time
from pathlib import Path

import collectors
import store as store_mod

from .config import BackupConfig

log = logging.getLogger(__name__)

PREFIX = "gongkai-"
SUFFIX = ".db"
MIGRATIONS_TABLE = "_sqlite_migrations"    # sqlite-utils' migrations table


class BackupError(Exception):
    """A backup or restore the user asked for cannot be done; the message says why."""


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    """Snapshot ``src`` into ``dest_path`` atomically (temp file, then rename)."""
    dest_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = dest_path.with_name(dest_path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    # owner-only, like the database it copies (password hashes); the rename keeps the mode
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        dest = sqlite3.connect(tmp)
        try:
            src.backup(dest)
            # a single self-contained file: no -wal beside it to forget when copying it away
            dest.execute("PRAGMA journal_mode = DELETE")
            # a copy of a damaged database is no backup: say so today, not on the day it is needed
            check = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
        if check != "ok":
            raise BackupError(f"the database is damaged ({check}): it was not backed up")
        os.replace(tmp, dest_path)
    except BaseException:
        tmp.unlink(missing_ok=True)     # never a half-written copy left beside the real ones
        raise


def backup_file(db_path: str | Path, dest: str | Path) -> Path:
    """Back up the database at ``db_path`` (possibly in use by the daemon) to ``dest``."""
    db_path, dest = Path(db_path), Path(dest)
    if not db_path.exists():
        raise BackupError(f"no database at {db_path}")
    if dest.resolve() == db_path.resolve():
        raise BackupError(f"backup target {dest} is the database itself")
    src = sqlite3.connect(db_path, timeout=30)
    try:
        _copy(src, dest)
    except sqlite3.DatabaseError as e:      # damaged, not a database, or the target disk full
        raise BackupError(f"cannot back up {db_path}: {store_mod.fault(e) or e}") from None
    finally:
        src.close()
    return dest


def nightly_name(now: datetime) -> str:
    return f"{PREFIX}{now.astimezone(collectors.BEIJING):%Y%m%d}{SUFFIX}"


def nightly_due(bc: BackupConfig, now: datetime) -> bool:
    """Past today's [backup] at (Beijing time) and today's file not written yet.

    The file itself is the record, so a restart neither repeats nor skips the night's backup."""
    local = now.astimezone(collectors.BEIJING)
    hh, mm = (int(x) for x in bc.at.split(":"))
    return local.time() >= time(hh, mm) and not (bc.dir / nightly_name(now)).exists()


def run_nightly(bc: BackupConfig, conn: sqlite3.Connection, now: datetime) -> Path:
    dest = bc.dir / nightly_name(now)
    _copy(conn, dest)
    prune(bc.dir, bc.keep)
    log.info("backup written: %s", dest)
    return dest


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` nightly backups (names sort by date)."""
    files = sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.name[len(PREFIX):-len(SUFFIX)]
                   .isdigit())
    gone = files[:-keep] if keep > 0 else files
    for p in gone:
        p.unlink()
    return gone


def check_database(path: str | Path) -> None:
    """Raise BackupError unless ``path`` is an intact gongkai database."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN (?, 'items')",
                [MIGRATIONS_TABLE]).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: not an SQLite database ({e})") from None
    if result != "ok":
        raise BackupError(f"{path}: integrity check failed: {result}")
    if len(has_table) < 2:
        raise BackupError(f"{path}: not a gongkai database (no {MIGRATIONS_TABLE} or items table)")


def restore(db_path: str | Path, backup: str | Path) -> Path | None:
    """Replace the database at ``db_path`` with ``backup``; the caller holds the instance lock.

    Returns where the previous database was kept (``*.before-restore``), or None if there was none."""
    db_path, backup = Path(db_path), Path(backup)
    check_database(backup)
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise BackupError(f"{backup} is the database itself")
    kept = None
    if db_path.exists():
        kept = Path(str(db_path) + ".before-restore")
        backup_file(db_path, kept)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        staged = db_path.with_name(db_path.name + ".restoring")
        _copy(src, staged)
    finally:
        src.close()
    # The old -wal/-shm belong to the old file; left beside the new one they would be replayed.
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(staged, db_path)
    return kept
