"""Store queries of the review workflow (issue 6), mixed into :class:`store.Store`.

The queue, search, reviewer actions with undo, bulk actions, the counts panel (accounts are
in ``_users``, the Excel round trip in ``_roundtrip``).
Every write runs inside ``immediate`` so a reviewer never meets "database is locked" while
the daemon crawls.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable

from . import _access
from . import _body_rules
from ._db import immediate
from ._schema_review import AWAITING_REVIEW, QUEUE_ORDER

STATUSES = ("", "todo", "not_ours", "undated", "gone", "all")
# admin: reviews and manages the accounts; reviewer: reviews; readonly: looks only
ROLES = ("admin", "reviewer", "readonly")
_ITEM_COLUMNS = ("id, source_id, channel, url, title, pub_date, pub_year, category, score, margin, "
                 "needs_review, decided_by, attribution, upstream_status, cluster_id, decision_id")
MAX_TERMS = 5
_ACTION_COLUMNS = ("id, item_id, kind, prev_decision_id, prev_attribution, "
                   "prev_attribution_manual, prev_bodies")


def _ts(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _utc(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds")


def _error(message: str) -> Exception:
    from ._store import StoreError  # late: _store imports this module
    return StoreError(message)


def _bulk_kind(category: str | None, attribution: str | None) -> tuple[str, str]:
    if bool(category) == bool(attribution):
        raise _error("a bulk action sets either a category or an attribution")
    if attribution and attribution not in ("ours", "not_ours"):
        raise _error(f"bad attribution {attribution!r}")
    return ("category", category) if category else ("attribution", attribution)


def _filters(year: int | None, month: int | None, category: str | None, channel: str | None,
             source_id: str | None, status: str | None, query: str | None,
             scope: Any = None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if scope is not None:       # one body's items only (a store.BodyScope)
        mine, mine_args = scope.where("items")
        where.append(mine)
        args += mine_args
    if year is not None:
        where.append("pub_year = ?")
        args.append(year)
        if month is not None:
            where.append("substr(pub_date, 1, 7) = ?")
            args.append(f"{year:04d}-{month:02d}")
    own = scope is not None and getattr(scope, "own", False)
    if category and not own:
        where.append("category = ?")
        args.append(category)
    if channel:
        where.append("channel = ?")
        args.append(channel)
    if source_id:
        where.append("source_id = ?")
        args.append(source_id)
    status = status or ""
    if status not in STATUSES:
        raise _error(f"unknown status {status!r}; one of: {', '.join(s for s in STATUSES if s)}")
    if status == "not_ours":
        where.append("attribution = 'not_ours'")
    elif status != "all":
        where.append("attribution = 'ours'")
    if own:     # a body with categories of its own: its decisions (store/_body_rules.py)
        more, more_args = _body_rules.own_filters(scope, category, status == "todo")
        where += more
        args += more_args
    if status == "todo" and not own:
        where.append(AWAITING_REVIEW)
    elif status == "undated":
        where.append("pub_date IS NULL")
    elif status == "gone":
        where.append("upstream_status = 'gone'")
    for term in (query or "").split()[:MAX_TERMS]:
        if len(term) >= 3:
            # trigram FTS: a quoted phrase, so user input is never FTS syntax
            where.append("id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            args.append('"' + term.replace('"', '""') + '"')
        else:
            # trigram cannot match 1-2 characters (消费, 招商): scan the base table
            where.append("(instr(title, ?) > 0 OR instr(body, ?) > 0)")
            args += [term, term]
    return where, args


class ReviewQueries:
    db: Any

    # -- the queue -----------------------------------------------------------------------------

    def review_queue(self, *, year: int | None = None, month: int | None = None,
                     category: str | None = None, channel: str | None = None,
                     source_id: str | None = None, status: str | None = None,
                     query: str | None = None, limit: int = 50, offset: int = 0,
                     scope: Any = None) -> list[dict]:
        """Items ordered by doubt: needs_review first, then undecided by hand, then smallest
        margin. ``status``: '' (ours), todo, not_ours, undated, gone, all. ``scope``: a
        ``store.BodyScope``, one body's items only (an account bound to that body)."""
        where, args = _filters(year, month, category, channel, source_id, status, query, scope)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        rows = list(self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM items {clause} ORDER BY {QUEUE_ORDER} "
            f"LIMIT ? OFFSET ?", [*args, limit, offset]))
        evidence = self.auto_evidence([r["id"] for r in rows])
        for r in rows:
            r["evidence"] = evidence.get(r["id"], [])
        if scope is not None and scope.own:
            _body_rules.overlay(self.db, scope.body, rows)
        return rows

    def auto_evidence(self, item_ids: Iterable[int]) -> dict[int, list[dict]]:
        """The evidence of each item's latest automatic decision (a manual one carries none)."""
        ids = list(item_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT item_id, evidence_json FROM decisions WHERE id IN (SELECT MAX(id) "
            f"FROM decisions WHERE method = 'auto' AND item_id IN ({marks}) GROUP BY item_id)",
            ids).fetchall()
        return {item_id: json.loads(ev or "[]") for item_id, ev in rows}

    def review_facets(self) -> dict[str, list]:
        """Values the queue's filter menus offer."""
        return {
            "years": [r[0] for r in self.db.execute(
                "SELECT DISTINCT pub_year FROM items WHERE pub_year IS NOT NULL "
                "ORDER BY 1 DESC")],
            "channels": [r[0] for r in self.db.execute(
                "SELECT DISTINCT channel FROM sources ORDER BY 1")],
            "sources": [r[0] for r in self.db.execute("SELECT id FROM sources ORDER BY 1")],
        }

    def latest_pub_date(self) -> str | None:
        """The newest publication date of any item (None: no dated item)."""
        return self.db.execute("SELECT MAX(pub_date) FROM items").fetchone()[0]

    def duplicates(self, item_id: int) -> list[dict]:
        """The other items of this item's cluster (the same 信息 on other channels)."""
        return list(self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE cluster_id = "
            f"(SELECT cluster_id FROM items WHERE id = ?) AND id != ? ORDER BY pub_date, id",
            [item_id, item_id]))

    def source_health(self) -> list[dict]:
        """Each source with its last run and how many items it brought."""
        rows = list(self.db.query("SELECT * FROM sources ORDER BY id"))
        for r in rows:
            # a manual source's runs are its imports; polls recorded before issue 16 said
            # "not modified" of a board nobody can poll, and are not shown
            skip = "AND status != 'not_modified' " if r["type"] == "manual" else ""
            last = self.db.execute(
                "SELECT status, reason, started_at, finished_at, n_seen, n_new FROM runs "
                f"WHERE source_id = ? {skip}ORDER BY id DESC LIMIT 1", [r["id"]]).fetchone()
            r["last_run"] = dict(zip(("status", "reason", "started_at", "finished_at",
                                      "n_seen", "n_new"), last)) if last else None
            r["n_items"] = self.db.execute(
                "SELECT COUNT(*) FROM items WHERE source_id = ?", [r["id"]]).fetchone()[0]
        return rows

    def recent_audit(self, limit: int = 200) -> list[dict]:
        return list(self.db.query(
            "SELECT a.*, i.title FROM audit a LEFT JOIN items i ON i.id = a.item_id "
            "ORDER BY a.id DESC LIMIT ?", [limit]))

    # -- reviewer actions ----------------------------------------------------------------------

    def _journal(self, item_id: int, kind: str, actor: str, now: datetime,
                 batch_id: int | None, prev_bodies: str | None = None) -> None:
        row = self.db.execute(
            "SELECT decision_id, attribution, attribution_manual FROM items WHERE id = ?",
            [item_id]).fetchone()
        if row is None:
            raise _error(f"no item with id {item_id}")
        self.db["review_actions"].insert({
            "at": _ts(now), "actor": actor, "item_id": item_id, "kind": kind,
            "prev_decision_id": row[0], "prev_attribution": row[1],
            "prev_attribution_manual": row[2], "batch_id": batch_id,
            "prev_bodies": prev_bodies})

    def review_set_category(self, item_id: int, category: str, *, actor: str, now: datetime,
                            reason: str = "", batch_id: int | None = None) -> None:
        """A manual decision (audited, survives re-classification), undoable with review_undo."""
        with immediate(self.db):
            self._journal(item_id, "category", actor, now, batch_id)
            self.apply_decision(item_id, {"category": category}, now=now, method="manual",
                                actor=actor, reason=reason)

    def review_set_attribution(self, item_id: int, attribution: str, *, actor: str,
                               now: datetime, reason: str = "",
                               batch_id: int | None = None) -> None:
        """Mark an item ours / not ours (归属) by hand; crawls never override it."""
        if attribution not in ("ours", "not_ours"):
            raise _error(f"bad attribution {attribution!r}")
        with immediate(self.db):
            self._journal(item_id, "attribution", actor, now, batch_id)
            old = self.db.execute("SELECT attribution FROM items WHERE id = ?",
                                  [item_id]).fetchone()[0]
            self.db.execute("UPDATE items SET attribution = ?, attribution_manual = 1 "
                            "WHERE id = ?", [attribution, item_id])
            self.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id,
                                     "action": "attribution", "old": old, "new": attribution,
                                     "reason": reason or None})

    def _last_action(self, item_id: int) -> tuple | None:
        return self.db.execute(
            f"SELECT {_ACTION_COLUMNS} FROM review_actions WHERE item_id = ? "
            "AND undone_at IS NULL ORDER BY id DESC LIMIT 1", [item_id]).fetchone()

    def review_last_action(self, item_id: int) -> dict | None:
        """The action :meth:`review_undo` would undo (None: nothing to undo): its ``id``,
        ``kind`` (category | attribution | body), ``actor``, and for a move between bodies the
        bodies it took the item from or gave it to (``moved``), the bodies that may undo it."""
        act = self._last_action(item_id)
        if act is None:
            return None
        actor = self.db.execute("SELECT actor FROM review_actions WHERE id = ?",
                                [act[0]]).fetchone()[0]
        moved: set[str] = set()
        if act[2] == _access.MOVE:
            now_bodies = {r[0] for r in self.db.execute(
                "SELECT body FROM item_bodies WHERE item_id = ?", [item_id])}
            moved = set(json.loads(act[6] or "{}")) ^ now_bodies
        return {"id": act[0], "kind": act[2], "actor": actor, "moved": moved}

    def review_undo(self, item_id: int, *, actor: str, now: datetime,
                    action_id: int | None = None) -> dict | None:
        """Undo the latest not-yet-undone reviewer action on the item; None when there is none.

        A category change restores the decision that was current before it (an automatic one
        comes back with its score, margin and needs_review flag); a move between bodies the
        bodies the item counted for before it. ``action_id``: the action the caller checked
        (``review_last_action``): a StoreError if another has come since."""
        with immediate(self.db):
            act = self._last_action(item_id)
            if action_id is not None and (act is None or act[0] != action_id):
                raise _error(f"item {item_id} was changed again meanwhile: reload it and undo "
                             "again if still wanted")
            return None if act is None else self._undo_action(act, actor, now)

    def _undo_action(self, act: tuple, actor: str, now: datetime) -> dict:
        act_id, item_id, kind, prev_dec, prev_attr, prev_attr_manual, prev_bodies = act
        if kind == "date":          # a date set by hand (store/_dates.py)
            return self._undo_date(act_id, item_id, prev_dec, actor, now)
        cur = self.item(item_id)
        if kind == _access.MOVE:
            old, new = _access.restore_bodies(self, item_id, json.loads(prev_bodies or "{}"),
                                              prev_attr, prev_attr_manual, actor=actor, now=now)
            self.db.execute("UPDATE review_actions SET undone_at = ? WHERE id = ?",
                            [_ts(now), act_id])
            return {"kind": kind, "old": old, "new": new, "item_id": item_id}
        if kind == "category":
            prev = self.db["decisions"].get(prev_dec) if prev_dec else {}
            self.db["items"].update(item_id, {
                "category": prev.get("category"), "score": prev.get("score"),
                "margin": prev.get("margin"), "needs_review": prev.get("needs_review") or 0,
                "decided_by": prev.get("method"),
                "ruleset_version": prev.get("ruleset_version"), "decision_id": prev_dec})
            old, new = cur["category"], prev.get("category")
        else:
            self.db["items"].update(item_id, {"attribution": prev_attr,
                                              "attribution_manual": prev_attr_manual or 0})
            old, new = cur["attribution"], prev_attr
        self.db.execute("UPDATE review_actions SET undone_at = ? WHERE id = ?",
                        [_ts(now), act_id])
        self.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id,
                                 "action": f"undo {kind}", "old": old, "new": new,
                                 "reason": None})
        return {"kind": kind, "old": old, "new": new, "item_id": item_id}

    # -- bulk actions --------------------------------------------------------------------------

    def bulk_preview(self, item_ids: Iterable[int], *, category: str | None = None,
                     attribution: str | None = None) -> dict[str, list]:
        """What a bulk action would do, without doing it: rows that ``change``, rows already so
        (``unchanged``) and ids that do not exist (``missing``). For the confirm step."""
        _bulk_kind(category, attribution)
        ids = list(dict.fromkeys(int(i) for i in item_ids))
        rows: dict[int, dict] = {}
        for start in range(0, len(ids), 500):          # SQLite's bound-parameter limit
            part = ids[start:start + 500]
            for r in self.db.query(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id IN "
                                   f"({','.join('?' * len(part))})", part):
                rows[r["id"]] = r
        out: dict[str, list] = {"change": [], "unchanged": [], "missing": []}
        for i in ids:
            r = rows.get(i)
            if r is None:
                out["missing"].append(i)
            elif (category and r["category"] == category and r["decided_by"] == "manual") or \
                    (attribution and r["attribution"] == attribution):
                out["unchanged"].append(r)
            else:
                out["change"].append(r)
        return out

    def review_bulk(self, item_ids: Iterable[int], *, actor: str, now: datetime,
                    category: str | None = None, attribution: str | None = None,
                    reason: str = "") -> dict:
        """File the items into ``category`` or set their ``attribution``, in one transaction:
        one audit entry per item that changes (all with ``reason``), one batch that
        :meth:`review_undo_bulk` undoes as one step. Items already so are left alone.
        Returns ``{"batch_id", "changed": [ids], "unchanged": [ids], "missing": [ids]}``."""
        kind, value = _bulk_kind(category, attribution)
        with immediate(self.db):
            plan = self.bulk_preview(item_ids, category=category, attribution=attribution)
            if plan["missing"]:
                raise _error(f"no item with id {plan['missing'][0]}")
            changed = [r["id"] for r in plan["change"]]
            batch_id = self.db["review_batches"].insert({
                "at": _ts(now), "actor": actor, "kind": kind, "value": value,
                "reason": reason or None, "n": len(changed)}).last_pk
            for item_id in changed:
                if kind == "category":
                    self.review_set_category(item_id, value, actor=actor, now=now,
                                             reason=reason, batch_id=batch_id)
                else:
                    self.review_set_attribution(item_id, value, actor=actor, now=now,
                                                reason=reason, batch_id=batch_id)
        return {"batch_id": batch_id, "changed": changed,
                "unchanged": [r["id"] for r in plan["unchanged"]], "missing": []}

    def bulk_batch(self, batch_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM review_batches WHERE id = ?", [batch_id]))
        return rows[0] if rows else None

    def last_bulk(self, actor: str) -> int | None:
        """The actor's latest bulk action not undone yet."""
        row = self.db.execute("SELECT MAX(id) FROM review_batches WHERE actor = ? "
                              "AND undone_at IS NULL", [actor]).fetchone()
        return row[0]

    def review_undo_bulk(self, batch_id: int, *, actor: str, now: datetime) -> dict:
        """Undo a bulk action as one step. An item changed again after it (by hand, another
        bulk action, an import) keeps that later change and is reported in ``skipped``.
        Returns ``{"undone": [ids], "skipped": [ids]}``."""
        with immediate(self.db):
            batch = self.bulk_batch(batch_id)
            if batch is None:
                raise _error(f"no bulk action {batch_id}")
            if batch["undone_at"]:
                raise _error(f"bulk action {batch_id} was already undone")
            out: dict[str, list[int]] = {"undone": [], "skipped": []}
            for act in self.db.execute(
                    f"SELECT {_ACTION_COLUMNS} FROM review_actions WHERE batch_id = ? "
                    "AND undone_at IS NULL ORDER BY id", [batch_id]).fetchall():
                latest = self.db.execute(
                    "SELECT MAX(id) FROM review_actions WHERE item_id = ? AND undone_at IS NULL",
                    [act[1]]).fetchone()[0]
                if latest != act[0]:
                    out["skipped"].append(act[1])
                    continue
                self._undo_action(act, actor, now)
                out["undone"].append(act[1])
            self.db.execute("UPDATE review_batches SET undone_at = ? WHERE id = ?",
                            [_ts(now), batch_id])
        return out

    # -- the counts panel ----------------------------------------------------------------------

    def data_version(self) -> int:
        """The stamp that moves on every write able to change the counts (review_004)."""
        return self.db.execute("SELECT version FROM review_data_version WHERE id = 1").fetchone()[0]

    def counts_cached(self, year: int) -> dict:
        """``Store.counts(year)``, from the cache when nothing counted changed since, else from
        the per-cluster summary (``counts_summary``: the changed clusters are recounted, not
        the year).

        On a miss the stamp is read again inside the write transaction that brings the summary
        up to date, so the cached counts belong exactly to the stamp stored with them.
        """
        row = self.db.execute("SELECT version, counts_json FROM review_counts_cache "
                              "WHERE year = ?", [year]).fetchone()
        if row and row[0] == self.data_version():
            return json.loads(row[1])
        with immediate(self.db):
            version = self.data_version()
            counts = self.counts_summary(year)
            # two panels computing at once: keep the newer stamp
            self.db.execute(
                "INSERT INTO review_counts_cache (year, version, counts_json, computed_at) "
                "VALUES (?, ?, ?, datetime('now')) ON CONFLICT (year) DO UPDATE SET "
                "version = excluded.version, counts_json = excluded.counts_json, "
                "computed_at = excluded.computed_at WHERE excluded.version >= version",
                [year, version, json.dumps(counts, ensure_ascii=False)])
        return counts
