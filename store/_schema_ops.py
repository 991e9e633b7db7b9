"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas."""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations


@migrations()
def ops_001_heartbeat_alerts(db: Database) -> None:
    # one row (id = 1): the daemon's pulse, so `gongkai status` can tell a dead daemon from a quiet one
    db["ops_heartbeat"].create(
        {"id": int, "pid": int, "host": str, "started_at": str, "beat_at": str, "ticks": int},
        pk="id")
    db["alerts"].create(
        {
            "id": int,
            "source": str,             # a source id; '' for the daily digest
            "kind": str,              # failing | quiet | digest
            "ref": str,               # the digest's Beijing date; '' otherwise
            "subject": str, "body": str,
            "opened_at": str, "sent_at": str, "resolved_at": str,
            # delivery: each channel once, retried with growing pauses (no spamming)
            "delivered": str,         # JSON list of channels that already accepted it
            "attempts": int, "next_attempt_at": str, "last_send_error": str,
        },
        pk="id", not_null={"source", "kind", "opened_at"},
        defaults={"ref": "", "delivered": "[]", "attempts": 0})
    db["alerts"].create_index(["source", "kind", "resolved_at"])


@migrations()
def ops_002_items_source_seen(db: Database) -> None:
    # A source's publishing rhythm (item_rhythm: its newest items by first_seen_at) is read for
    # every source on the home page, the status and the district dashboard; without this index
    # each read sorts all of the source's items (0.4 s at 322 sources and 250,000 items).
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_source_seen ON items (source_id, first_seen_at)")


# What a change to an item or to its bodies makes stale in the bodies' summary (store._bodies):
# the group it belongs to — its cluster, or the item alone (-id) before it has one.
_GROUP = "COALESCE({r}.cluster_id, -{r}.id)"
BODY_COLUMNS = ("id", "source_id", "cluster_id", "channel", "pub_date", "pub_year", "category",
                "decided_by", "attribution", "needs_review")


# Only once a summary exists: a one-bureau database, which never builds one, marks nothing.
_BUILT = "EXISTS (SELECT 1 FROM body_summary_meta)"


def _mark_group(row: str) -> str:
    return (f"INSERT OR IGNORE INTO body_dirty (grp) SELECT {_GROUP.format(r=row)} "
            f"WHERE {_BUILT};")


def _mark_item(row: str) -> str:
    return (f"INSERT OR IGNORE INTO body_dirty (grp) SELECT {_GROUP.format(r='i')} "
            f"FROM items i WHERE i.id = {row}.item_id AND {_BUILT};")


@migrations()
def ops_003_district_scale(db: Database) -> None:
    # A body's counts read its own sources' items of a year: (source_id, pub_year) finds them
    # without visiting the year's other 39 bodies' items (issue 17 #5, 250,000 items).
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_source_year "
               "ON items (source_id, pub_year, attribution, cluster_id)")
    # ... and its undated items (a handful) without visiting its every item
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_undated ON items (source_id, attribution) "
               "WHERE pub_date IS NULL")
    # Every body's counts, kept (the district dashboard's first load after a write): each
    # group's share per body in body_parts, their sums in body_totals, the groups a write made
    # stale in body_dirty (marked by triggers, so no writer can forget), and the bodies' scopes
    # the summary was built for in body_summary_meta (another set of scopes rebuilds it).
    db.execute("CREATE TABLE body_dirty (grp INTEGER NOT NULL PRIMARY KEY) WITHOUT ROWID")
    db.execute("CREATE TABLE body_parts (grp INTEGER NOT NULL, body TEXT NOT NULL, "
               "year INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, "
               "PRIMARY KEY (grp, body, year, kind, key)) WITHOUT ROWID")
    db.execute("CREATE TABLE body_totals (body TEXT NOT NULL, year INTEGER NOT NULL, "
               "kind TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, "
               "PRIMARY KEY (body, year, kind, key)) WITHOUT ROWID")
    db.execute("CREATE TABLE body_summary_meta (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "scopes TEXT NOT NULL)")
    db.execute(f"CREATE TRIGGER ops_bodies_items_ai AFTER INSERT ON items "
               f"BEGIN {_mark_group('new')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_items_ad AFTER DELETE ON items "
               f"BEGIN {_mark_group('old')} END")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in BODY_COLUMNS)
    db.execute(f"CREATE TRIGGER ops_bodies_items_au AFTER UPDATE OF {', '.join(BODY_COLUMNS)} "
               f"ON items WHEN {changed} BEGIN {_mark_group('old')} {_mark_group('new')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_ib_ai AFTER INSERT ON item_bodies "
               f"BEGIN {_mark_item('new')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_ib_ad AFTER DELETE ON item_bodies "
               f"BEGIN {_mark_item('old')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_ib_au AFTER UPDATE ON item_bodies "
               f"BEGIN {_mark_item('old')} {_mark_item('new')} END")


@migrations()
def ops_004_body_year_covering(db: Database) -> None:
    # ops_003's (source_id, pub_year) index, covering what a body's counts read of a year's
    # items (the channels in use, the unclassified, those awaiting review): each read without
    # visiting the rows, 7–11 ms less each for one body at 250,000 items.
    db.execute("DROP INDEX IF EXISTS idx_items_source_year")
    db.execute("CREATE INDEX idx_items_source_year ON items (source_id, pub_year, attribution, "
               "category, needs_review, decided_by, cluster_id, channel)")


@migrations()
def ops_005_body_decisions(db: Database) -> None:
    # A body with its own categories ([[bureaus]] rules = ...): the category of each item it
    # counts under its own rules, beside the district's decision in items (store/_body_rules.py).
    # Columns named body_* so a join with items never reads an ambiguous name.
    db.execute("CREATE TABLE body_decisions (item_id INTEGER NOT NULL REFERENCES items(id), "
               "body TEXT NOT NULL, body_category TEXT, body_score REAL, body_margin REAL, "
               "body_needs_review INTEGER NOT NULL DEFAULT 0, "
               "body_decided_by TEXT NOT NULL DEFAULT 'auto', body_version TEXT, "
               "body_evidence TEXT, body_at TEXT, body_actor TEXT, "
               "PRIMARY KEY (item_id, body)) WITHOUT ROWID")
    db.execute("CREATE INDEX idx_body_decisions_body ON body_decisions (body, item_id)")
    db.execute(f"CREATE TRIGGER ops_bodies_bd_ai AFTER INSERT ON body_decisions "
               f"BEGIN {_mark_item('new')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_bd_ad AFTER DELETE ON body_decisions "
               f"BEGIN {_mark_item('old')} END")
    db.execute(f"CREATE TRIGGER ops_bodies_bd_au AFTER UPDATE ON body_decisions "
               f"BEGIN {_mark_item('old')} {_mark_item('new')} END")
