"""Store queries of the rules area (reclassify, rules test/diff/suggest, the second opinion),
mixed into :class:`store.Store`. Writes go inside ``with immediate(self.db):`` from ._db."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterator, Mapping, Sequence

from ._db import immediate

_PAGE = 2000  # rows per read: keeps memory flat on a million items


class RulesQueries:
    db: Any  # the sqlite-utils Database, provided by Store

    def reviewed_items(self) -> list[dict]:
        """Items whose category a person decided: the labelled set (title, body, category)."""
        return list(self.db.query(
            "SELECT id, title, body, category FROM items WHERE decided_by = 'manual' "
            "AND category IS NOT NULL ORDER BY id"))

    def reviewed_history(self) -> list[dict]:
        """For each item a person decided, every automatic decision made on it before: its
        ``ruleset_version``, ``decided_at``, the rules' ``auto_category`` and ``needs_review``,
        next to the person's ``category`` — how each rules version did on what was reviewed."""
        return list(self.db.query(
            "SELECT d.ruleset_version, MIN(d.decided_at) AS decided_at, d.item_id, "
            "d.category AS auto_category, d.needs_review, i.category FROM decisions d "
            "JOIN items i ON i.id = d.item_id WHERE i.decided_by = 'manual' "
            "AND i.category IS NOT NULL AND d.method IS NOT 'manual' AND d.ruleset_version IS NOT NULL "
            "GROUP BY d.ruleset_version, d.item_id ORDER BY decided_at, d.item_id"))

    def count_auto_items(self) -> int:
        """Items the rules may (re)decide: never decided, or decided automatically."""
        return self.db.execute(
            "SELECT COUNT(*) FROM items WHERE decided_by IS NOT 'manual'").fetchone()[0]

    def iter_auto_items(self, *, evidence: bool = False) -> Iterator[dict]:
        """Every item not decided by hand, with its current decision and the collector's
        ``date_review``, in id order, page by page (with ``evidence``, also the current
        decision's ``evidence_json``).

        Paged by id (not OFFSET) so the writes a caller makes between pages cannot shift rows."""
        last = 0
        sql = ("SELECT i.id, i.title, i.body, i.category, i.score, i.margin, i.needs_review, "
               "i.ruleset_version, json_extract(i.meta_json, '$.date_review') AS date_review"
               + (", d.evidence_json" if evidence else "") + " FROM items i "
               + ("LEFT JOIN decisions d ON d.id = i.decision_id " if evidence else "")
               + "WHERE i.id > ? AND i.decided_by IS NOT 'manual' ORDER BY i.id LIMIT ?")
        while True:
            rows = list(self.db.query(sql, [last, _PAGE]))
            if not rows:
                return
            yield from rows
            last = rows[-1]["id"]

    def apply_auto_decisions(self, batch: Sequence[tuple[int, Mapping[str, Any], str]], *,
                             now: datetime) -> int:
        """Record many automatic decisions ``(item_id, decision_dict, reason)`` in ONE transaction.

        The same rule as ``apply_decision``: an item decided by hand is left alone (checked
        inside the transaction, so a review made meanwhile wins). Returns how many were written.
        A decision dict may carry its evidence already serialized as ``evidence_json``.
        """
        if not batch:
            return 0
        at = now.isoformat(timespec="seconds")
        with immediate(self.db):
            conn = self.db.conn
            auto = self._auto_ids(conn, [item_id for item_id, _, _ in batch])
            rows = [(item_id, d, reason) for item_id, d, reason in batch if item_id in auto]
            # Ids given here, not looked up row by row: one executemany per table. The write
            # lock is held (BEGIN IMMEDIATE), so nobody else can take the same ids meanwhile.
            next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM decisions").fetchone()[0]
            decisions, updates = [], []
            for n, (item_id, d, reason) in enumerate(rows):
                review = int(bool(d.get("needs_review")))
                evidence = d.get("evidence_json")
                if evidence is None:
                    evidence = json.dumps(d.get("evidence", []), ensure_ascii=False)
                decisions.append((next_id + n, item_id, d["category"], d.get("score"),
                                  d.get("margin"), review, evidence, d.get("ruleset_version"),
                                  reason or None, at))
                updates.append((d["category"], d.get("score"), d.get("margin"), review,
                                d.get("ruleset_version"), next_id + n, item_id))
            conn.executemany(
                "INSERT INTO decisions (id, item_id, category, score, margin, needs_review, "
                "evidence_json, ruleset_version, method, actor, reason, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'auto', 'gongkai', ?, ?)", decisions)
            conn.executemany(
                "UPDATE items SET category = ?, score = ?, margin = ?, needs_review = ?, "
                "decided_by = 'auto', ruleset_version = ?, decision_id = ? WHERE id = ?", updates)
        return len(rows)

    def confirm_auto_decisions(self, item_ids: Sequence[int], ruleset_version: str) -> int:
        """Record that rules *ruleset_version* decide these items exactly as their current
        automatic decision does (same category, score, margin, review flag and evidence): no
        new decision row, the item and its current decision row just name the new version (a
        decision row's version is the latest rules that make it, so an undo that restores the
        row restores the version too). Items decided by hand meanwhile are left alone. Returns
        how many were updated."""
        if not item_ids:
            return 0
        with immediate(self.db):
            conn = self.db.conn
            auto = self._auto_ids(conn, item_ids)
            ids = [(ruleset_version, i) for i in item_ids if i in auto]
            conn.executemany("UPDATE items SET ruleset_version = ? WHERE id = ?", ids)
            conn.executemany("UPDATE decisions SET ruleset_version = ? "
                             "WHERE id = (SELECT decision_id FROM items WHERE id = ?)", ids)
        return len(ids)

    @staticmethod
    def _auto_ids(conn: Any, item_ids: Sequence[int]) -> set[int]:
        """Those of *item_ids* that exist and are not decided by hand."""
        out: set[int] = set()
        for i in range(0, len(item_ids), 900):   # under SQLite's bound-variable limit
            part = item_ids[i:i + 900]
            out.update(r[0] for r in conn.execute(
                f"SELECT id FROM items WHERE id IN ({','.join('?' * len(part))}) "
                "AND decided_by IS NOT 'manual'", list(part)))
        return out
