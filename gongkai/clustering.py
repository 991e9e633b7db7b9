"""Placing items into 信息 with the duplicate detector (``gongkai.dupes``): after every crawl and
import (``place_pending``), and over the whole record on request (``rebuild``,
``gongkai dupes rebuild``). What a person placed by hand stays where it is; a pair they kept apart
is never merged again.
"""
from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .dupe_headlines import clear_caches
from .dupe_match import best_match, common_shingles
from .dupe_phrases import clear_caches as clear_headlines_read, title_stock
from .dupes import WINDOW_DAYS, Doc

log = logging.getLogger(__name__)
_SPAN = max(WINDOW_DAYS.values())     # the widest window any pair of channels has
# Stock phrases are judged on the weeks around an item, not on the board's whole month: over a
# wider span a bureau's recurring notices make every phrase of a text look stock, and true
# copies are left with nothing to compare (benchmarks/dupes_store_bench.py, 3,000 items).
STOCK_SPAN = 21


def place_pending(store, now: datetime, *, batch: int = 1000) -> tuple[int, int]:
    """Settle every item saved since the last call: join the cluster of the earlier item it
    duplicates, or open a "possible duplicate" pair for review, or stay alone. Each item is one
    transaction, so a crash leaves the rest pending for the next call. Returns (placed, joined)."""
    try:
        return _place_pending(store, now, batch)
    finally:
        clear_caches()      # the headlines' features serve this call only: the heap stays flat
        clear_headlines_read()


def _place_pending(store, now: datetime, batch: int) -> tuple[int, int]:
    placed = joined = 0
    prepared: dict[int, Doc] = {}      # shingling is most of the cost: once per item per call

    def doc_of(row: dict) -> Doc:
        doc = prepared.get(row["id"])
        if doc is None:
            doc = prepared[row["id"]] = Doc.of(row)
        doc.cluster_id, doc.pending = row["cluster_id"], bool(row["dupe_pending"])
        return doc

    while True:
        rows = store.pending_dupes(batch)
        if not rows:
            return placed, joined
        for row in rows:
            doc = doc_of(row)
            around = [doc_of(r) for r in store.dupe_candidates(
                row["id"], row["pub_date"], _SPAN, keys=sorted(doc.keys), pending=True,
                have=prepared)]
            # stock phrases are judged on everything of the weeks around; only placed items can
            # be joined
            near = [d for d in around if _near(doc, d, STOCK_SPAN)]
            common, stock = common_shingles(doc, near), title_stock(doc, near)
            candidates = [d for d in around if not d.pending]
            verdict, score, reason, other = best_match(doc, candidates, common, stock)
            target = other.cluster_id if verdict == "dup" and other is not None else None
            pairs = [(other.id, score, reason)] if verdict == "maybe" and other is not None else []
            joined += store.place_item(row["id"], target, now=now, reason=reason, pairs=pairs)
            placed += 1


def _near(doc: Doc, other: Doc, days: int) -> bool:
    if doc.pub_date is None or other.pub_date is None:
        return True
    return abs((doc.pub_date - other.pub_date).days) <= days


@dataclass
class Plan:
    """What a rebuild would change."""

    moves: list[tuple[int, int, str]] = field(default_factory=list)      # (item, new cluster, why)
    pairs: list[tuple[int, int, float, str]] = field(default_factory=list)
    items: dict[int, dict] = field(default_factory=dict)
    old: dict[int, int] = field(default_factory=dict)                    # item -> cluster now


def plan_rebuild(store) -> Plan:
    """The whole record placed afresh, the way ``place_pending`` places new items: in order of
    publication, each item against the items placed before it within the window (stock phrases
    left out by cluster). Items placed by hand keep their clusters and may be joined; a pair a
    person kept apart is never joined, directly or through a cluster."""
    rows = store.items_for_dupes()
    plan = Plan(items={r["id"]: r for r in rows}, old={r["id"]: r["cluster_id"] for r in rows})
    manual = {r["id"]: r["cluster_id"] for r in rows if r["cluster_manual"]}
    fixed = set(manual) | {c for c in manual.values() if c in plan.old}
    apart: dict[int, set[int]] = {}
    for a, b in store.kept_apart():
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    docs = [Doc.of(r) for r in rows]
    all_dates = [d.pub_date for d in docs if d.pub_date is not None]
    dated = [d for d in docs if d.pub_date is not None]     # rows come in date order
    members: dict[int, set[int]] = {}
    placed: list[Doc] = []
    dates: list = []
    by_key: dict[str, list[Doc]] = {}
    for row, doc in zip(rows, docs):
        i = row["id"]
        if i in fixed:
            doc.cluster_id = manual.get(i, plan.old[i])
        else:
            window: list[Doc] = []
            if doc.pub_date is not None:
                window = placed[bisect_left(dates, doc.pub_date - timedelta(days=_SPAN)):]
            near = {d.id: d for d in window}
            for k in doc.keys:
                near.update((d.id, d) for d in by_key.get(k, ()))
            banned = apart.get(i, set())
            candidates = [d for d in near.values()
                          if not (members.get(d.cluster_id, {d.id}) & banned)]
            common = stock = frozenset()
            if doc.pub_date is not None:
                lo = bisect_left(all_dates, doc.pub_date - timedelta(days=STOCK_SPAN))
                hi = bisect_right(all_dates, doc.pub_date + timedelta(days=STOCK_SPAN))
                common, stock = common_shingles(doc, dated[lo:hi]), title_stock(doc, dated[lo:hi])
            verdict, score, reason, other = best_match(doc, candidates, common, stock)
            doc.cluster_id = other.cluster_id if verdict == "dup" and other is not None else i
            if verdict == "maybe" and other is not None:
                plan.pairs.append((min(i, other.id), max(i, other.id), score, reason))
            if plan.old[i] != doc.cluster_id:
                why = f"with #{other.id}: {reason}" if verdict == "dup" and other else "a 信息 of its own"
                plan.moves.append((i, doc.cluster_id, "rebuild: " + why))
        members.setdefault(doc.cluster_id, set()).add(i)
        if doc.pub_date is not None:
            pos = bisect_left(dates, doc.pub_date)
            dates.insert(pos, doc.pub_date)
            placed.insert(pos, doc)
        for k in doc.keys:
            by_key.setdefault(k, []).append(doc)
    return plan


def rebuild(store, now: datetime, *, actor: str, dry_run: bool = False) -> Plan:
    plan = plan_rebuild(store)
    if not dry_run:
        store.apply_cluster_moves(plan.moves, plan.pairs, now=now, actor=actor)
    return plan


def describe_plan(plan: Plan, limit: int = 50) -> list[str]:
    lines = []
    for item, target, why in plan.moves[:limit]:
        row = plan.items[item]
        lines.append(f"  #{item:<6} {row['pub_date'] or '????-??-??'}  {row['channel']:<14} "
                     f"cluster {plan.old[item]} -> {target}  {row['title'][:40]}  ({why})")
    if len(plan.moves) > limit:
        lines.append(f"  … {len(plan.moves) - limit} more moves")
    return lines
