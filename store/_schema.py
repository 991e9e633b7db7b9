"""Schema, versioned from the first version with sqlite-utils' built-in migrations.

A new column or table is a new migration appended below; never edit an applied one.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ._db import BUSY_TIMEOUT_S, immediate

migrations = Migrations("gongkai")


@migrations()
def m001_initial(db: Database) -> None:
    db["sources"].create(
        {
            "id": str, "type": str, "channel": str, "url": str, "config_json": str,
            "enabled": int,
            # health (健康状况): what the officer needs to see the same day a source breaks
            "last_run_at": str, "last_success_at": str, "last_error": str,
            "consecutive_failures": int, "next_due_at": str,
            "memo_json": str,            # collector state between runs (ETag, ...)
            "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"type", "channel"},
        defaults={"enabled": 1, "consecutive_failures": 0, "memo_json": "{}"},
    )
    db["items"].create(
        {
            "id": int,
            "source_id": str, "key": str, "channel": str, "url": str,
            "title": str, "title_norm": str,
            "published_at": str,         # ISO 8601 with offset, as read
            "pub_date": str,             # Beijing-time date YYYY-MM-DD: the year key
            "pub_year": int,
            "date_source": str, "date_raw": str, "list_date": str,
            "body": str, "byline": str,
            "external": int,
            "attribution": str,          # ours | not_ours (归属)
            "attribution_manual": int,   # 1 when a person decided; crawls never override it
            "upstream_status": str,      # live | gone: gone items stay counted
            "first_seen_at": str, "last_seen_at": str,
            "cluster_id": int,           # cross-channel duplicates share one 信息
            "cluster_manual": int,
            # the current decision, denormalised from `decisions` for fast counts
            "category": str, "score": float, "margin": float, "needs_review": int,
            "decided_by": str,           # auto | manual
            "ruleset_version": str, "decision_id": int,
        },
        pk="id",
        not_null={"source_id", "key", "channel", "attribution", "upstream_status"},
        defaults={"external": 0, "attribution_manual": 0, "upstream_status": "live",
                  "cluster_manual": 0, "needs_review": 0},
        foreign_keys=[("source_id", "sources", "id")],
    )
    db["items"].create_index(["source_id", "key"], unique=True)
    db["items"].create_index(["pub_year"])
    db["items"].create_index(["cluster_id"])
    db["items"].create_index(["title_norm"])
    db["raw_pages"].create(
        {"id": int, "item_id": int, "url": str, "fetched_at": str, "content_type": str,
         "sha256": str, "size": int, "content_zlib": bytes},
        pk="id", foreign_keys=[("item_id", "items", "id")],
    )
    db["raw_pages"].create_index(["item_id", "sha256"], unique=True)
    db["decisions"].create(
        {"id": int, "item_id": int, "category": str, "score": float, "margin": float,
         "needs_review": int, "evidence_json": str, "ruleset_version": str,
         "method": str, "actor": str, "reason": str, "decided_at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
    )
    db["decisions"].create_index(["item_id"])
    db["audit"].create(
        {"id": int, "at": str, "actor": str, "item_id": int, "action": str,
         "old": str, "new": str, "reason": str},
        pk="id",
    )
    db["audit"].create_index(["item_id"])
    db["runs"].create(
        {"id": int, "source_id": str, "started_at": str, "finished_at": str,
         "status": str,               # running | ok | not_modified | failed
         "reason": str, "n_seen": int, "n_new": int},
        pk="id", defaults={"n_seen": 0, "n_new": 0},
    )
    db["runs"].create_index(["source_id", "id"])


@migrations()
def m002_lookup_indexes(db: Database) -> None:
    # Clustering looks an item's key up across sources on every insert.
    db["items"].create_index(["key"])
    # Counting reads these columns only; covering indexes keep it off the (large) body pages.
    db["items"].create_index(["pub_year", "attribution", "cluster_id"], index_name="items_year_cluster")
    db["items"].create_index(["cluster_id", "attribution", "pub_date", "category", "decided_by",
                              "channel"], index_name="items_cluster_counts")


@migrations()
def m003_item_meta(db: Database) -> None:
    # What a collector read beside title/date/body (索引号, 文号, 发布机构, attachments, the
    # list-vs-detail date difference, ...), as JSON, so it is kept and can be shown in review.
    db["items"].add_column("meta_json", str)


def apply(db: Database) -> None:
    # Each area registers its migrations in its own module; importing them registers them.
    from . import (_schema_bodies, _schema_channels, _schema_dupes, _schema_ops,  # noqa: F401
                   _schema_review, _schema_web)
    from . import _schema_yearend  # noqa: F401  (last: it touches the tables above)
    if not migrations.pending(db):
        return
    # Two processes opening a new or older database at once (the daemon and the web UI started
    # together) must not both apply the same migration: the write lock first (BEGIN IMMEDIATE,
    # waiting out the other's migrations), then the pending ones are asked again inside it.
    with immediate(db):
        migrations.apply(db)


def owner(path: str | Path) -> str:
    """Whose database the file at ``path`` is, found without writing a byte: ``"none"`` (no file,
    an empty file, or no tables yet), ``"gongkai"``, or ``"other"`` (another program's tables,
    which must never receive ours). sqlite3.DatabaseError when it is no SQLite file at all."""
    if str(path) == ":memory:" or not Path(path).is_file():
        return "none"
    # mode=rw: a file removed since the check above is not silently created again
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True,
                           timeout=BUSY_TIMEOUT_S)
    try:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}
        ours = False
        if migrations.migrations_table in tables:
            try:
                ours = conn.execute(
                    f"SELECT 1 FROM [{migrations.migrations_table}] WHERE migration_set = ? LIMIT 1",
                    [migrations.name]).fetchone() is not None
            except sqlite3.OperationalError:    # another tool's table of that name
                pass
    finally:
        conn.close()
    # a first run stopped (disk full) after sqlite-utils made its table but before our first
    # migration leaves only that table: still a new database
    return "gongkai" if ours else "other" if tables - {migrations.migrations_table} else "none"
