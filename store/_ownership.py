"""A source whose owner changes in the config (issue 17): what its earlier items become.

Items of a body's own source (``bureau = "ID"``) carry no ``item_bodies`` rows: the source's
owner is whose they are. When the config turns that source into a shared one, the rows are
written now, once — each earlier 'ours' item stays with the body whose own channel it was
published on (``OWNED_WHEN_COLLECTED``), and re-crawls keep those rows (an old item re-read on
the now-shared column is not attributed again by its text). Without them the earlier items
would count for no body at all.

Other changes are told, not undone: an own source handed to another body, or a shared source
given one owner, counts all its items for the new owner; ``sync_sources`` returns a note that
says so, with how many items move.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

OWNED_WHEN_COLLECTED = "published on the body's own source (before the source was shared)"


def _owner(conf: Mapping[str, Any]) -> str | None:
    """The one owner of a source as synced (``config_json``), or None: shared, or synced before
    bodies were known."""
    bodies = conf.get("bureaus") or ()
    return bodies[0] if len(bodies) == 1 and not conf.get("shared") else None


def carry(db: Any, source_id: str, old_json: str | None, new: Mapping[str, Any]) -> str:
    """Apply a change of the source's owner between the last sync (``old_json``) and the config
    now (``new``, the ``config`` of ``Source.as_row``). Returns a note for the officer, or ''."""
    old = json.loads(old_json or "{}")
    if "bureaus" not in old:
        return ""
    was, now = _owner(old), _owner(new)
    if was is not None and new.get("shared"):
        n = db.execute(
            "INSERT INTO item_bodies (item_id, body, reason) SELECT id, ?, ? FROM items "
            "WHERE source_id = ? AND attribution = 'ours' AND NOT EXISTS (SELECT 1 FROM "
            "item_bodies ib WHERE ib.item_id = items.id)",
            [was, OWNED_WHEN_COLLECTED, source_id]).rowcount
        return (f"source {source_id}: was {was}'s own, now shared — its {n} earlier items "
                f"stay {was}'s" if n else "")
    if now is not None and now != was:
        n = db.execute("SELECT COUNT(*) FROM items WHERE source_id = ? AND attribution = 'ours'",
                       [source_id]).fetchone()[0]
        if not n:
            return ""
        before = f"{was}'s own" if was else "shared"
        return (f"source {source_id}: was {before}, now {now}'s own — all its {n} items "
                f"count for {now}")
    return ""


def held(bodies: Mapping[str, str]) -> bool:
    """True when an item's rows were carried from its source's owner: a re-crawl keeps them."""
    return OWNED_WHEN_COLLECTED in bodies.values()
