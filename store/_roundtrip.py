"""Store queries of the Excel round trip (issue 6), mixed into :class:`store.Store`: the rows an
export writes and what a reviewed sheet changes, in one transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from ._db import immediate
from ._review import _ITEM_COLUMNS
from ._schema_review import QUEUE_ORDER


class RoundTripQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    db: Any

    def export_rows(self, year: int) -> list[dict]:
        """Every item of the year (ours and not ours) in doubt order, with its export stamp
        (the current decision id and attribution) so a later import can spot changes."""
        rows = list(self.db.query(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE pub_year = ? ORDER BY {QUEUE_ORDER}",
            [year]))
        evidence = self.auto_evidence(r["id"] for r in rows)
        clusters = self.cluster_members({r["cluster_id"] for r in rows
                                         if r["cluster_id"] is not None})
        for r in rows:
            r["evidence"] = evidence.get(r["id"], [])
            members, category = clusters.get(r["cluster_id"], ((), None))
            # the 信息's category, as counts counts it: one member re-filed moves them all
            r["cluster_category"] = category if r["attribution"] == "ours" else None
            r["cluster_members"] = [m for m in members if m != r["id"]]
        return rows

    def cluster_members(self, cluster_ids: Iterable[int]
                        ) -> dict[int, tuple[list[int], str | None]]:
        """For each cluster (one 信息): its items' ids and the category the counting rule gives
        it (None while none of its own items is dated and classified)."""
        from ._counts import _RULE_COLUMNS, count_clusters
        ids = list(cluster_ids)
        out: dict[int, tuple[list[int], str | None]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            members: dict[int, list[int]] = {}
            for cid, item_id in self.db.execute(
                    f"SELECT cluster_id, id FROM items WHERE cluster_id IN ({marks}) ORDER BY id",
                    part):
                members.setdefault(cid, []).append(item_id)
            clusters, _ = count_clusters(self.db.execute(
                f"SELECT {_RULE_COLUMNS} FROM items WHERE cluster_id IN ({marks}) "
                "AND attribution = 'ours'", part))
            category = {c[0]: c[3] for c in clusters}
            for cid, ids_of in members.items():
                out[cid] = (ids_of, category.get(cid))
        return out

    def decision_category(self, decision_id: int | None) -> str | None:
        if not decision_id:
            return None
        row = self.db.execute("SELECT category FROM decisions WHERE id = ?",
                              [decision_id]).fetchone()
        return row[0] if row else None

    def apply_review_import(self, changes: Iterable[Mapping[str, Any]], *, actor: str,
                            now: datetime, dry_run: bool) -> dict[str, list[dict]]:
        """Sort imported rows into applied / conflicts / already, and apply when not dry_run.

        Each change: item_id, stamp_decision_id, stamp_attribution, and the wanted category
        and/or attribution. A row whose item changed since the export is a conflict and is
        left alone. Everything happens in one transaction: all or nothing.

        ``category_edited``: the officer changed the cell (the sheet showed the cluster's
        category, not necessarily the item's own). Typing the item's own automatic category then
        still makes it a manual decision, which the counting rule prefers for the cluster.
        """
        out: dict[str, list[dict]] = {"applied": [], "conflicts": [], "already": []}
        with immediate(self.db):
            for ch in changes:
                row = self.db.execute(
                    "SELECT decision_id, attribution, category, decided_by FROM items "
                    "WHERE id = ?", [ch["item_id"]]).fetchone()
                if row is None:
                    out["conflicts"].append({**ch, "why": "item no longer exists"})
                    continue
                dec_id, attribution, category, decided_by = row
                exported = self.decision_category(ch["stamp_decision_id"])
                want_cat = ch.get("category") or exported
                want_attr = ch.get("attribution") or ch["stamp_attribution"]
                refile = (bool(ch.get("category_edited")) and decided_by != "manual"
                          and dec_id == ch["stamp_decision_id"])
                if want_cat == exported and want_attr == ch["stamp_attribution"] and not refile:
                    continue            # the officer left this row alone
                cat_done = want_cat == category and not refile
                if cat_done and want_attr == attribution:
                    out["already"].append(dict(ch))
                    continue
                if dec_id != ch["stamp_decision_id"] or attribution != ch["stamp_attribution"]:
                    out["conflicts"].append({**ch, "why": f"changed since the export (now "
                                             f"{category or '-'}, {attribution})"})
                    continue
                out["applied"].append({**ch, "old_category": category,
                                       "old_attribution": attribution})
                if dry_run:
                    continue
                if want_cat and not cat_done:
                    self.review_set_category(ch["item_id"], want_cat, actor=actor, now=now,
                                             reason="import-review")
                if want_attr != attribution:
                    self.review_set_attribution(ch["item_id"], want_attr, actor=actor, now=now,
                                                reason="import-review")
        return out
