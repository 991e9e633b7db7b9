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

    def count_auto_items(self) -> int:
        """Items the rules may (re)decide: never decided, or decided automatically."""
        return self.db.execute(
            "SELECT COUNT(*) FROM items WHERE decided_by IS NOT 'manual'").fetchone()[0]

    def iter_auto_items(self) -> Iterator[dict]:
        """Every item not decided by hand, with its current decision, in id order, page by page.

        Paged by id (not OFFSET) so the writes a caller makes between pages cannot shift rows."""
        last = 0
        while True:
            rows = list(self.db.query(
                "SELECT id, title, body, category, score, margin, needs_review, "
                "ruleset_version FROM items WHERE id > ? AND decided_by IS NOT 'manual' "
                "ORDER BY id LIMIT ?", [last, _PAGE]))
            if not rows:
                return
            yield from rows
            last = rows[-1]["id"]

    def apply_auto_decisions(self, batch: Sequence[tuple[int, Mapping[str, Any], str]], *,
                             now: datetime) -> int:
        """Record many automatic decisions ``(item_id, decision_dict, reason)`` in ONE transaction.

        The same rule as ``apply_decision``: an item decided by hand is left alone (checked
        inside the transaction, so a review made meanwhile wins). Returns how many were written.
        """
        at = now.isoformat(timespec="seconds")
        written = 0
        with immediate(self.db):
            conn = self.db.conn
            for item_id, d, reason in batch:
                row = conn.execute("SELECT decided_by FROM items WHERE id = ?",
                                   [item_id]).fetchone()
                if row is None or row[0] == "manual":
                    continue
                review = int(bool(d.get("needs_review")))
                cur = conn.execute(
                    "INSERT INTO decisions (item_id, category, score, margin, needs_review, "
                    "evidence_json, ruleset_version, method, actor, reason, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'auto', 'gongkai', ?, ?)",
                    [item_id, d["category"], d.get("score"), d.get("margin"), review,
                     json.dumps(d.get("evidence", []), ensure_ascii=False),
                     d.get("ruleset_version"), reason or None, at])
                conn.execute(
                    "UPDATE items SET category = ?, score = ?, margin = ?, needs_review = ?, "
                    "decided_by = 'auto', ruleset_version = ?, decision_id = ? WHERE id = ?",
                    [d["category"], d.get("score"), d.get("margin"), review,
                     d.get("ruleset_version"), cur.lastrowid, item_id])
                written += 1
        return written
