"""A body's own categories (issue 17: ``rules = "..."`` in a ``[[bureaus]]`` entry).

The district's rules decide every item (``items.category`` …): the district's own counts, and
every body without rules of its own, read those. A body with its own rules has its own decision
for each item it counts, in ``body_decisions`` (migration ops_005): ``gongkai.pipeline``
classifies its items with its rules, and its reviewers correct them. Its counts — the
reference count, the one-pass count and the kept summary alike — read its decisions instead
of the district's (:class:`store.BodyScope` ``own``): an item it counts with no decision of its
own yet is unclassified there, exactly as an item not yet classified is.

Awaiting review, for such a body: its decision says so and was made by the rules, and no copy
of the 信息 was filed by hand by that body (the district's AWAITING_REVIEW, read through its
decisions).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Sequence

from ._db import immediate

BODY_CATEGORY = "body category"      # the audit action of a reviewer's change


def decision_sql(scope: Any) -> tuple[str, list]:
    """``(LEFT JOIN, args)`` giving the row ``items`` the alias ``bd`` of ``scope``'s decision."""
    return ("LEFT JOIN body_decisions bd ON bd.item_id = items.id AND bd.body = ?",
            [scope.body])


def awaiting_sql(scope: Any) -> tuple[str, list]:
    """AWAITING_REVIEW of an ``items`` row, read through ``scope``'s own decisions."""
    return ("EXISTS (SELECT 1 FROM body_decisions a WHERE a.item_id = items.id AND a.body = ? "
            "AND a.body_needs_review = 1 AND a.body_decided_by = 'auto') AND (items.cluster_id "
            "IS NULL OR NOT EXISTS (SELECT 1 FROM items m JOIN body_decisions md ON md.item_id "
            "= m.id AND md.body = ? WHERE m.cluster_id = items.cluster_id AND "
            "md.body_decided_by = 'manual'))", [scope.body, scope.body])


def unclassified_sql(scope: Any) -> tuple[str, list]:
    return ("NOT EXISTS (SELECT 1 FROM body_decisions u WHERE u.item_id = items.id AND "
            "u.body = ? AND u.body_category IS NOT NULL)", [scope.body])


def decided_of(db: Any, bodies: Sequence[str],
               item_ids: Sequence[int] | None = None) -> dict[tuple[int, str], tuple]:
    """``{(item, body): (category, decided_by, needs_review)}`` of these bodies' decisions, of
    the ``item_ids`` only when given."""
    if not bodies:
        return {}
    marks = ",".join("?" * len(bodies))
    sql = ("SELECT item_id, body, body_category, body_decided_by, body_needs_review FROM "
           f"body_decisions WHERE body IN ({marks})")
    if item_ids is None:
        return {(i, b): (c, d, n) for i, b, c, d, n in db.execute(sql, list(bodies))}
    out: dict[tuple[int, str], tuple] = {}
    ids = list(item_ids)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for i, b, c, d, n in db.execute(f"{sql} AND item_id IN ({','.join('?' * len(part))})",
                                        [*bodies, *part]):
            out[i, b] = (c, d, n)
    return out


def decisions_of(db: Any, bodies: Sequence[str]) -> tuple[dict, dict]:
    """For the one-pass count and the kept summary: ``{(item, body): (category, decided_by,
    needs_review)}`` of these bodies, and ``{body: clusters with a copy it filed by hand}``."""
    if not bodies:
        return {}, {}
    marks = ",".join("?" * len(bodies))
    decided = decided_of(db, bodies)
    by_hand: dict[str, set] = {b: set() for b in bodies}
    for cluster, body in db.execute(
            "SELECT DISTINCT i.cluster_id, bd.body FROM body_decisions bd JOIN items i ON "
            f"i.id = bd.item_id WHERE bd.body IN ({marks}) AND bd.body_decided_by = 'manual' "
            "AND i.cluster_id IS NOT NULL", list(bodies)):
        by_hand[body].add(cluster)
    return decided, by_hand


class BodyRulesQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    db: Any

    def body_decision(self, item_id: int, body: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM body_decisions WHERE item_id = ? AND body = ?",
                                  [item_id, body]))
        return rows[0] if rows else None

    def body_overlay(self, body: str, rows: list[dict]) -> list[dict]:
        """Rows of items showing ``body``'s own decisions (:func:`overlay`)."""
        return overlay(self.db, body, rows)

    def pending_body_decisions(self, scope: Any, version: str) -> list[dict]:
        """The items ``scope``'s body counts with no decision of its rules ``version`` yet (its
        hand-set ones excepted), with their text and current decision."""
        sql, args = scope.select(
            "items.id", "NOT EXISTS (SELECT 1 FROM body_decisions p WHERE p.item_id = items.id "
            "AND p.body = ? AND (p.body_decided_by = 'manual' OR p.body_version IS ?))",
            [scope.body, version], union=True)
        return list(self.db.query(
            "SELECT i.id, i.title, i.body, json_extract(i.meta_json, '$.date_review') AS "
            "date_review, d.body_category AS category, d.body_score AS score, d.body_margin AS "
            "margin, d.body_needs_review AS needs_review, d.body_evidence AS evidence_json "
            f"FROM ({sql}) p JOIN items i ON i.id = p.id LEFT JOIN body_decisions d ON "
            "d.item_id = i.id AND d.body = ? ORDER BY i.id", [*args, scope.body]))

    def apply_body_decisions(self, body: str, batch: Sequence[tuple[int, Mapping[str, Any]]],
                             *, now: datetime) -> int:
        """Record the rules' decisions of ``body`` (``(item_id, decision dict)``) in one
        transaction; a decision its reviewer made by hand meanwhile wins."""
        at = now.isoformat(timespec="seconds")
        done = 0
        # (no UPSERT: its conflict policy would reach into the triggers that mark the bodies'
        # summary stale, whose INSERT OR IGNORE then fails on a group already marked)
        with immediate(self.db):
            for item_id, d in batch:
                values = [d["category"], d.get("score"), d.get("margin"),
                          int(bool(d.get("needs_review"))), d.get("ruleset_version"),
                          d.get("evidence_json") or json.dumps(d.get("evidence", []),
                                                               ensure_ascii=False), at]
                cur = self.db.execute(
                    "UPDATE body_decisions SET body_category = ?, body_score = ?, body_margin = ?, "
                    "body_needs_review = ?, body_version = ?, body_evidence = ?, body_at = ?, "
                    "body_actor = 'gongkai' WHERE item_id = ? AND body = ? AND "
                    "body_decided_by = 'auto'", [*values, item_id, body])
                if not cur.rowcount:
                    cur = self.db.execute(
                        "INSERT OR IGNORE INTO body_decisions (body_category, body_score, "
                        "body_margin, body_needs_review, body_version, body_evidence, body_at, "
                        "item_id, body, body_actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'gongkai')",
                        [*values, item_id, body])
                done += cur.rowcount
        return done

    def stale_body_decisions(self, body: str, names: Sequence[str]) -> dict[int, str]:
        """``body``'s hand-set decisions under a category its rules no longer have (renamed or
        removed in its rules file): item id -> the old category."""
        marks = ",".join("?" * len(names)) or "''"
        return dict(self.db.execute(
            "SELECT item_id, body_category FROM body_decisions WHERE body = ? AND "
            f"body_decided_by = 'manual' AND body_category NOT IN ({marks})",
            [body, *names]).fetchall())

    def set_body_category(self, item_id: int, body: str, category: str | None, *, actor: str,
                          now: datetime, reason: str = "") -> None:
        """A reviewer of ``body`` files the item under its own ``category`` (None: gives the
        decision back to the rules, which decide it again at the next classification)."""
        at = now.isoformat(timespec="seconds")
        with immediate(self.db):
            old = self.db.execute("SELECT body_category FROM body_decisions WHERE item_id = ? "
                                  "AND body = ?", [item_id, body]).fetchone()
            if category is None:
                self.db.execute("UPDATE body_decisions SET body_decided_by = 'auto', "
                                "body_version = NULL, body_at = ?, body_actor = ? WHERE "
                                "item_id = ? AND body = ?", [at, actor, item_id, body])
            else:
                args = [category, at, actor, item_id, body]
                if not self.db.execute(
                        "UPDATE body_decisions SET body_category = ?, body_decided_by = 'manual', "
                        "body_needs_review = 0, body_at = ?, body_actor = ? WHERE item_id = ? "
                        "AND body = ?", args).rowcount:
                    self.db.execute(
                        "INSERT INTO body_decisions (body_category, body_decided_by, "
                        "body_needs_review, body_at, body_actor, item_id, body) VALUES "
                        "(?, 'manual', 0, ?, ?, ?, ?)", args)
            self.db["audit"].insert({"at": at, "actor": actor, "item_id": item_id,
                                     "action": BODY_CATEGORY, "old": old[0] if old else None,
                                     "new": category, "reason": f"{body}: {reason}" if reason
                                     else body})


def own_filters(scope: Any, category: str | None, todo: bool) -> tuple[list[str], list]:
    """The review queue's category and 待审 filters of a body with its own categories."""
    where: list[str] = []
    args: list = []
    if category:
        where.append("EXISTS (SELECT 1 FROM body_decisions f WHERE f.item_id = items.id AND "
                     "f.body = ? AND f.body_category = ?)")
        args += [scope.body, category]
    if todo:
        sql, more = awaiting_sql(scope)
        where.append(sql)
        args += more
    return where, args


def overlay(db: Any, body: str, rows: list[dict]) -> list[dict]:
    """Rows of items (the review queue's, an item page's) showing ``body``'s own decision —
    category, score, margin, needs_review, decided_by, evidence — in place of the district's."""
    ids = [r["id"] for r in rows]
    mine: dict[int, tuple] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for row in db.execute(
                "SELECT item_id, body_category, body_score, body_margin, body_needs_review, "
                "body_decided_by, body_evidence FROM body_decisions WHERE body = ? AND item_id "
                f"IN ({','.join('?' * len(part))})", [body, *part]):
            mine[row[0]] = row[1:]
    for r in rows:
        cat, score, margin, needs, how, evidence = mine.get(r["id"], (None, None, None, 0,
                                                                      "auto", None))
        r.update(category=cat, score=score, margin=margin, needs_review=needs,
                 decided_by=how if cat is not None else None,
                 evidence=json.loads(evidence) if evidence and how == "auto" else [])
    return rows
