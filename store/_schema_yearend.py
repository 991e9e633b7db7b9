"""Migrations of the year-end fixes: dates set by hand (store/_dates.py) and the daemon's clean
stop (store/_daemon_stops.py). Imported last by ``_schema.apply``, so they follow the tables
they touch. Append only."""
from __future__ import annotations

from sqlite_utils import Database

from ._dates import CONFLICT
from ._schema import migrations


@migrations()
def dates_001_settlements(db: Database) -> None:
    # one row per date set by hand; ``before`` holds the item's date fields and its review note
    # as they were, so an undo puts them back exactly
    db["date_settlements"].create(
        {"id": int, "item_id": int, "at": str, "actor": str, "day": str, "reason": str,
         "before_json": str, "undone_at": str},
        pk="id", not_null={"item_id", "day"})
    db["date_settlements"].create_index(["item_id", "undone_at"])
    # the few items with a year conflict, found without reading every item's meta: each year's
    # counts and report check (of every body, on the district dashboard) ask for them
    db.execute(f"CREATE INDEX idx_items_date_conflict ON items (id) WHERE {CONFLICT}")


@migrations()
def ops_stop_001_daemon_stopped_at(db: Database) -> None:
    # set by a clean stop (SIGTERM, Ctrl-C); a start clears it (the heartbeat row is replaced),
    # so a daemon gone with none recorded was killed or crashed
    db["ops_heartbeat"].add_column("stopped_at", str)
