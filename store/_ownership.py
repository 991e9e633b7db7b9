"""A source whose owner changes in the config (issue 17): its earlier items stay whose they were.

Items of a body's own source (``bureau = "ID"``) carry no ``item_bodies`` rows: the source's
owner is whose they are. When the config gives that source to another body or makes it shared,
the rows are written at that sync, once: each earlier 'ours' item without rows gets one naming
the body whose own channel it was published on (``OWNED_WHEN_COLLECTED``), and re-crawls keep
them. The source is recorded in ``source_carries``: on such a source an item with rows counts
for the bodies they name (its new owner only when named), one without for the owner
(:class:`store.BodyScope` ``mixed``). A shared source given one owner is recorded too: its
items attributed to other bodies keep counting for them, and only the rest become the owner's.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Sequence

OWNED_WHEN_COLLECTED = "published on the body's own source before the source changed owner"


def _owner(conf: Mapping[str, Any]) -> str | None:
    """The one owner of a source as synced (``config_json``), or None: shared, or synced before
    bodies were known."""
    bodies = conf.get("bureaus") or ()
    return bodies[0] if len(bodies) == 1 and not conf.get("shared") else None


def carry(db: Any, source_id: str, old_json: str | None, new: Mapping[str, Any],
          now: datetime, bodies: Sequence[str] | None = None) -> str:
    """Apply a change of the source's owner between the last sync (``old_json``) and the config
    now (``new``, the ``config`` of ``Source.as_row``). ``bodies``: the config's body ids — an
    owner that is not among them any more was renamed or removed, and keeps nothing (its items
    go with the source). Returns a note for the officer, or ''."""
    old = json.loads(old_json or "{}")
    if "bureaus" not in old:
        return ""
    was, now_owner = _owner(old), _owner(new)
    if was is None and not old.get("shared"):
        return ""
    if was is not None and bodies is not None and was not in bodies:
        if was == now_owner or now_owner is None:
            return ""
        return (f"source {source_id}: was {was}'s own, {was} is no longer a body of the config: "
                f"its items count for {now_owner} (a renamed id: `gongkai reattribute --rename "
                f"{was}={now_owner}` moves the rest of {was}'s record too)")
    if was is not None and was != now_owner:
        n = db.execute(
            "INSERT INTO item_bodies (item_id, body, reason) SELECT id, ?, ? FROM items "
            "WHERE source_id = ? AND attribution = 'ours' AND NOT EXISTS (SELECT 1 FROM "
            "item_bodies ib WHERE ib.item_id = items.id)",
            [was, OWNED_WHEN_COLLECTED, source_id]).rowcount
        _record(db, source_id, now)
        to = f"{now_owner}'s own" if now_owner else "shared"
        return (f"source {source_id}: was {was}'s own, now {to} — its {n} earlier items still "
                f"count for {was}" if n else "")
    if was is None and now_owner is not None:
        _record(db, source_id, now)
        n = db.execute("SELECT COUNT(*) FROM items WHERE source_id = ? AND attribution = 'ours' "
                       "AND NOT EXISTS (SELECT 1 FROM item_bodies ib WHERE ib.item_id = "
                       "items.id)", [source_id]).fetchone()[0]
        return (f"source {source_id}: was shared, now {now_owner}'s own — its earlier items "
                f"still count for the bodies they were attributed to; {n} more count for "
                f"{now_owner}" if n else "")
    return ""


def _record(db: Any, source_id: str, now: datetime) -> None:
    db.execute("INSERT OR IGNORE INTO source_carries (source_id, at) VALUES (?, ?)",
               [source_id, now.isoformat(timespec="seconds")])


def carried(db: Any) -> set[str]:
    """The sources whose owner changed: an own source among them is ``BodyScope.mixed``."""
    return {r[0] for r in db.execute("SELECT source_id FROM source_carries")}


def held(bodies: Mapping[str, str]) -> bool:
    """True when an item's rows were carried from its source's owner: a re-crawl keeps them."""
    return OWNED_WHEN_COLLECTED in bodies.values()
