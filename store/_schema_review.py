"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas.

Review (issue 6): users and settings for the web UI, the undo journal, Chinese full-text search
and the indexes that keep the review queue's first page fast on a large database.
"""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations

# The queue's order; the expression index below uses exactly this text so SQLite can walk it
# instead of sorting. needs_review first, then items nobody decided by hand, then the thinnest
# margin (NULL, i.e. never classified, sorts first: the most doubtful of all).
QUEUE_ORDER = "needs_review DESC, (decided_by = 'manual'), margin, id"


@migrations()
def review_001_users_settings(db: Database) -> None:
    db["users"].create(
        {"name": str, "password_hash": str, "role": str, "created_at": str, "updated_at": str},
        pk="name", not_null={"password_hash", "role"},
    )
    # key/value pairs the web UI needs on every start, e.g. its session secret
    db["settings"].create({"key": str, "value": str}, pk="key")
    # One row per reviewer action, so `u` restores exactly the state before it (the previous
    # decision row, the previous attribution), even after later re-filing.
    db["review_actions"].create(
        {"id": int, "at": str, "actor": str, "item_id": int, "kind": str,
         "prev_decision_id": int, "prev_attribution": str, "prev_attribution_manual": int,
         "undone_at": str},
        pk="id", not_null={"item_id", "kind"},
    )
    db["review_actions"].create_index(["item_id", "id"])


@migrations()
def review_002_fts_trigram(db: Database) -> None:
    # unicode61 finds nothing in Chinese; trigram finds any >= 3-character substring. Shorter
    # terms fall back to instr() on items (see _review.py).
    db.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content='items', "
        "content_rowid='id', tokenize='trigram')")
    db.execute(
        "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
        "INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    db.execute(
        "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); END")
    # Only a change of the indexed text re-indexes; category updates leave the index alone.
    db.execute(
        "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, body ON items "
        "WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); "
        "INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


@migrations()
def review_003_queue_indexes(db: Database) -> None:
    db.execute(f"CREATE INDEX idx_items_review_queue ON items ({QUEUE_ORDER})")
    db.execute(f"CREATE INDEX idx_items_review_queue_year ON items (pub_year, {QUEUE_ORDER})")
    db["audit"].create_index(["at"], if_not_exists=True)
