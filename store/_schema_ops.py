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
