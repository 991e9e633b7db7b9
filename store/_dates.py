"""A person settles an item's date (mixed into :class:`store.Store`).

The collector flags an item whose dates disagree on the year (``date_conflict`` in its meta,
``date_review`` the reviewer's note). Until a person settles it, the item could belong to either
year, so both years' counts and report checks name it (:meth:`DateQueries.year_conflicts`). A
date set by hand is audited, kept across re-crawls (:func:`keep_hand_set_date`, called by
``save_item``) and undone like any reviewer action (``review_undo``: kind ``date``).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

from ._db import immediate

DATE_KIND = "date"                 # review_actions.kind of a date set by hand
_BEIJING = timezone(timedelta(hours=8))
# what a re-crawl would rewrite of a hand-set date
_DATE_FIELDS = ("published_at", "pub_date", "pub_year", "date_source", "date_raw")
CONFLICT = "instr(meta_json, '\"date_conflict\"') > 0"
_ACTIVE = "SELECT 1 FROM date_settlements s WHERE s.item_id = {} AND s.undone_at IS NULL"


def _ts(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _error(message: str) -> Exception:
    from ._store import StoreError
    return StoreError(message)


def hand_set(db: Database, item_id: int) -> bool:
    return db.execute(_ACTIVE.format("?"), [item_id]).fetchone() is not None


def keep_hand_set_date(db: Database, item_id: int, update: dict[str, Any]) -> None:
    """A re-crawl of an item whose date a person set leaves that date alone, and does not bring
    back the collector's ``date_review`` note (it would flag the item again at the next
    reclassification)."""
    if not hand_set(db, item_id):
        return
    for key in _DATE_FIELDS:
        update.pop(key, None)
    if update.get("meta_json"):
        meta = json.loads(update["meta_json"])
        meta.pop("date_review", None)
        update["meta_json"] = json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)


def date_choices(meta_json: str | None) -> list[str]:
    """The days an item's own dates name (the collector's candidates), in order, for a person
    to choose from; the page generation time and metas equal to it are no candidates."""
    try:
        meta = json.loads(meta_json or "{}")
    except ValueError:
        return []
    out: list[str] = []
    for c in meta.get("date_candidates") or () if isinstance(meta, dict) else ():
        if not isinstance(c, dict) or c.get("source") == "generated" or c.get("note"):
            continue
        day = str(c.get("date") or "")[:10]
        try:
            date.fromisoformat(day)
        except ValueError:
            continue
        if day not in out:
            out.append(day)
    chosen = (meta.get("date_conflict") or {}).get("chosen") if isinstance(meta, dict) else None
    if isinstance(chosen, str) and chosen not in out:
        out.insert(0, chosen)
    return sorted(out)


class DateQueries:
    """Dates set by hand and the year conflicts still open."""

    def settle_date(self, item_id: int, day: date, *, actor: str, now: datetime,
                    reason: str = "", expect: str | None = None) -> dict:
        """Set the item's publication day by hand (audited, undoable, kept across re-crawls).

        The collector's ``date_review`` note is taken off; an automatic decision is marked for
        classification again (``gongkai.pipeline.classify_pending``), so the item stays in the
        queue only if its category is doubtful. ``expect``: the day the caller saw (the Excel
        export's); a StoreError when the item's day has changed since. Returns the old and
        new day."""
        if not isinstance(day, date) or not 1900 <= day.year <= 2999:
            raise _error(f"bad date {day!r}")
        with immediate(self.db):
            row = self.db.execute(
                "SELECT published_at, pub_date, pub_year, date_source, date_raw, meta_json, "
                "decided_by FROM items WHERE id = ?", [item_id]).fetchone()
            if row is None:
                raise _error(f"no item with id {item_id}")
            if expect is not None and (row[1] or "") != expect:
                raise _error(f"item {item_id}'s date changed since (now {row[1] or 'undated'})")
            meta = json.loads(row[5] or "{}")
            before = dict(zip(_DATE_FIELDS, row[:5]), date_review=meta.get("date_review"))
            self._journal(item_id, DATE_KIND, actor, now, None)
            # the instant is kept when it falls on the chosen day (its time of day is real)
            published = row[0]
            try:
                same = (published is not None and datetime.fromisoformat(published)
                        .astimezone(_BEIJING).date() == day)
            except ValueError:
                same = False
            if not same:
                published = datetime(day.year, day.month, day.day, tzinfo=_BEIJING).isoformat()
            meta.pop("date_review", None)
            update = {"published_at": published, "pub_date": day.isoformat(),
                      "pub_year": day.year, "date_source": "manual",
                      "meta_json": json.dumps(meta, ensure_ascii=False, sort_keys=True)}
            if row[6] == "auto":
                update["ruleset_version"] = None   # decided again without the date note
            self.db["items"].update(item_id, update)
            self.db.execute("UPDATE date_settlements SET undone_at = ? WHERE item_id = ? AND "
                            "undone_at IS NULL", [_ts(now), item_id])
            self.db["date_settlements"].insert({
                "item_id": item_id, "at": _ts(now), "actor": actor, "day": day.isoformat(),
                "reason": reason or None, "before_json": json.dumps(before, ensure_ascii=False)})
            self.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id,
                                     "action": "date", "old": row[1], "new": day.isoformat(),
                                     "reason": reason or None})
        return {"item_id": item_id, "old": row[1], "new": day.isoformat()}

    def date_settlement(self, item_id: int) -> dict | None:
        """The date set by hand on the item, if any: day, actor, at, reason."""
        rows = list(self.db.query(
            "SELECT day, actor, at, reason FROM date_settlements WHERE item_id = ? AND "
            "undone_at IS NULL ORDER BY id DESC LIMIT 1", [item_id]))
        return rows[0] if rows else None

    def _undo_date(self, act_id: int, item_id: int, prev_decision: int | None, actor: str,
                   now: datetime) -> dict:
        """The undo of a date set by hand (inside review_undo's transaction): the date fields and
        the review note as they were, and the decision that was current then if the rules
        decided it again meanwhile."""
        row = self.db.execute(
            "SELECT id, before_json, day FROM date_settlements WHERE item_id = ? AND "
            "undone_at IS NULL ORDER BY id DESC LIMIT 1", [item_id]).fetchone()
        cur = self.db.execute("SELECT meta_json, pub_date, decided_by, decision_id FROM items "
                              "WHERE id = ?", [item_id]).fetchone()
        old = cur[1]
        new = None
        if row is not None:
            before = json.loads(row[1])
            meta = json.loads(cur[0] or "{}")
            if before.get("date_review"):
                meta["date_review"] = before["date_review"]
            update = {k: before.get(k) for k in _DATE_FIELDS}
            update["meta_json"] = json.dumps(meta, ensure_ascii=False, sort_keys=True) \
                if meta else None
            if cur[2] == "auto" and prev_decision and cur[3] != prev_decision:
                prev = self.db["decisions"].get(prev_decision)
                update.update({"category": prev["category"], "score": prev["score"],
                               "margin": prev["margin"], "needs_review": prev["needs_review"] or 0,
                               "decided_by": prev["method"],
                               "ruleset_version": prev["ruleset_version"],
                               "decision_id": prev_decision})
            self.db["items"].update(item_id, update)
            self.db.execute("UPDATE date_settlements SET undone_at = ? WHERE id = ?",
                            [_ts(now), row[0]])
            new = before.get("pub_date")
        self.db.execute("UPDATE review_actions SET undone_at = ? WHERE id = ?", [_ts(now), act_id])
        self.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id,
                                 "action": f"undo {DATE_KIND}", "old": old, "new": new,
                                 "reason": None})
        return {"kind": DATE_KIND, "old": old, "new": new, "item_id": item_id}

    def year_conflicts(self, year: int, source_ids: Any = None) -> list[dict]:
        """Items of ours whose dates disagree on the year, one of them ``year``, not settled by
        a person: each could belong to ``year``, so the year's counts and check name it
        (id, title, pub_date, years). ``source_ids``: only these sources' items (a body's)."""
        rows = self.db.execute(
            "SELECT i.id, i.title, i.pub_date, json_extract(i.meta_json, '$.date_conflict.years'), "
            f"i.source_id FROM items i WHERE {CONFLICT} AND i.attribution = 'ours' "
            "AND EXISTS (SELECT 1 FROM json_each(i.meta_json, '$.date_conflict.years') y "
            "WHERE y.value = ?) AND NOT EXISTS (" + _ACTIVE.format("i.id") + ") ORDER BY i.id",
            [year]).fetchall()
        wanted = None if source_ids is None else set(source_ids)
        return [{"id": r[0], "title": r[1], "pub_date": r[2], "years": json.loads(r[3] or "[]")}
                for r in rows if wanted is None or r[4] in wanted]
