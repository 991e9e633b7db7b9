"""Migrations of the duplicate detector's area (issue 13). Append only."""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations


@migrations()
def dupes_001_pending_and_candidates(db: Database) -> None:
    # A new item is saved alone (its key and aliases are the only identity the store decides) and
    # marked pending; gongkai.dupes then places it. Kept in the item's own row so a crash between
    # the two steps leaves it pending, found and placed by the next pass, never counted twice.
    # Items stored before the detector were placed by the old title rule: not pending.
    db["items"].add_column("dupe_pending", int, not_null_default=0)
    # why the detector put the item where it is (shown beside its cluster); a first placement is
    # not a change of anyone's decision, so it is kept here rather than in the audit log
    db["items"].add_column("cluster_reason", str)
    db["items"].create_index(["dupe_pending"], index_name="items_dupe_pending")
    # Pairs the detector could not decide, for a person: open until merged or kept apart. A pair
    # kept apart is never merged again by a rebuild.
    db["dupe_pairs"].create(
        {"id": int, "item_id": int, "other_id": int, "score": float, "reason": str,
         "status": str, "created_at": str, "decided_at": str, "decided_by": str},
        pk="id", not_null={"item_id", "other_id", "status"},
        foreign_keys=[("item_id", "items", "id"), ("other_id", "items", "id")])
    db["dupe_pairs"].create_index(["item_id", "other_id"], unique=True)
    db["dupe_pairs"].create_index(["status"])
