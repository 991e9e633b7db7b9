"""Migrations of the district's area (issue 17): several bodies in one database. Append only.

An item of a body's own source counts for that body — unless the source changed owner since it
was collected: then the item has a row here naming the body it was collected for
(store/_ownership.py). An item of a shared source — the
portal's 部门动态, the district's WeChat account — counts for each body it was attributed to,
one row here per body; none when it names no configured body (unattributed). A database from
before this migration has no shared source, so the empty table leaves its counts as they were.
"""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations


@migrations()
def bodies_001_item_bodies(db: Database) -> None:
    db.execute("CREATE TABLE item_bodies (item_id INTEGER NOT NULL REFERENCES items(id), "
               "body TEXT NOT NULL, reason TEXT, PRIMARY KEY (item_id, body)) WITHOUT ROWID")
    # a body's counts look its items up by body
    db.execute("CREATE INDEX idx_item_bodies_body ON item_bodies (body, item_id)")


@migrations()
def bodies_002_source_carries(db: Database) -> None:
    # sources whose owner changed (store/_ownership.py): their items may carry item_bodies
    # rows though the source is a body's own now
    db.execute("CREATE TABLE source_carries (source_id TEXT NOT NULL PRIMARY KEY, "
               "at TEXT NOT NULL)")
