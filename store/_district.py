"""Every body's counts of a district at once (issue 17, the 政务公开办's dashboard).

``Store.counts(year, scope)`` answers for one body; asked once per body and year, a district of
40 bodies reads the year's items 80 times. :func:`body_counts` gives the very same dicts from one
read of the items of the years asked (and of the clusters they touch) and one of
``item_bodies``: each item is carried to the bodies it counts for — its own source's owner, or
on a shared source each body ``item_bodies`` names that the source lists (as
:meth:`BodyScope.where` has it) — and the counting rule (:func:`store._counts.count_clusters`)
is applied to each body's rows.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from ._body_rules import decisions_of
from ._counts import BodyScope, count_clusters
from ._schema_review import AWAITING_REVIEW


class _Owners:
    """Which bodies an item counts for, from its source and (shared sources) ``item_bodies``."""

    def __init__(self, db: Any, scopes: Sequence[BodyScope]) -> None:
        self.owner = {s: sc.body for sc in scopes for s in sc.owned}
        self.mixed = {s for sc in scopes for s in sc.mixed}
        self.listed: dict[str, set[str]] = {}
        for sc in scopes:
            for s in sc.shared:
                self.listed.setdefault(s, set()).add(sc.body)
        self.named: dict[int, list[str]] = {}
        if self.listed or self.mixed:     # a one-owner district reads no row of item_bodies
            for item_id, body in db.execute("SELECT item_id, body FROM item_bodies"):
                self.named.setdefault(item_id, []).append(body)

    def of(self, source_id: str, item_id: int) -> Iterator[str]:
        body = self.owner.get(source_id)
        if body is not None and not (source_id in self.mixed and item_id in self.named):
            yield body
        elif body is not None or source_id in self.listed:
            # (a source that changed owner: the bodies its rows name, the owner among them)
            listed = self.listed.get(source_id, ())
            yield from (b for b in self.named.get(item_id, ()) if b in listed or b == body)


def body_counts(st: Any, years: Iterable[int], scopes: Sequence[BodyScope]
                ) -> dict[str, dict[int, dict]]:
    """``{body: {year: st.counts(year, scope)}}`` for every scope and year, from one pass.

    ``st``: a :class:`store.Store`. Equal, dict for dict, to asking ``st.counts`` for each
    (tests/store/test_body_counts.py compares them on a generated district holding every case
    the counting rule distinguishes)."""
    years = sorted(set(years))
    if not years or not scopes:
        return {sc.body: {} for sc in scopes}
    db = st.db
    owners = _Owners(db, scopes)
    marks = ",".join("?" * len(years))
    # One read of the years' items and of every 'ours' item of a cluster that has one in the
    # years (the rule needs a 信息's every copy, whatever its year). A cluster reached through
    # another body's item counts for a body only in a year the body filed an item of it under,
    # so the extra clusters drop out at the year test below.
    rows: dict[str, list] = {sc.body: [] for sc in scopes}
    seen: dict[tuple[str, int], set] = {}
    unreviewed: dict[tuple[str, int], int] = {}
    unclassified: dict[tuple[str, int], int] = {}
    fetched = db.execute(
        "SELECT source_id, cluster_id, channel, pub_date, pub_year, category, "
        "decided_by = 'manual', id, attribution = 'ours', "
        f"attribution = 'ours' AND pub_year IN ({marks}) AND {AWAITING_REVIEW} FROM items "
        f"WHERE pub_year IN ({marks}) OR (attribution = 'ours' AND cluster_id IN "
        f"(SELECT cluster_id FROM items WHERE pub_year IN ({marks}) AND attribution = 'ours'))",
        [*years, *years, *years]).fetchall()
    owner, listed, mixed = owners.owner, owners.listed, owners.mixed
    own = {sc.body for sc in scopes if sc.own}
    decided, by_hand = decisions_of(db, sorted(own))
    for source_id, cluster, channel, pub_date, y, category, manual, item_id, ours, awaiting \
            in fetched:
        body = owner.get(source_id)
        if body is not None and source_id not in mixed:
            mine: Iterable[str] = (body,)
        elif body is not None or source_id in listed:
            mine = list(owners.of(source_id, item_id))
        else:
            continue
        district_row = (cluster, channel, pub_date, y, category, manual, item_id)
        for body in mine:
            row, cat, waits = district_row, category, awaiting
            if body in own:         # its own decision, and its own review (store/_body_rules.py)
                cat, how, needs = decided.get((item_id, body), (None, "auto", 0))
                row = (cluster, channel, pub_date, y, cat, how == "manual", item_id)
                waits = (ours and y in years and needs == 1 and how == "auto"
                         and cluster not in by_hand[body])
            if ours:
                rows[body].append(row)
            if y in years:
                seen.setdefault((body, y), set()).add(channel)
                if waits:
                    unreviewed[body, y] = unreviewed.get((body, y), 0) + 1
                if ours and cat is None:
                    unclassified[body, y] = unclassified.get((body, y), 0) + 1
    del fetched
    per_year = {(sc.body, y): ({}, {}) for sc in scopes for y in years}
    for body, mine_rows in rows.items():
        clusters, channels = count_clusters(mine_rows)
        for *_, y, cat in clusters:
            if y in years:
                cats = per_year[body, y][0]
                cats[cat] = cats.get(cat, 0) + 1
        for _, channel, _, y, cat in channels:
            if y in years:
                chans = per_year[body, y][1]
                chans[channel, cat] = chans.get((channel, cat), 0) + 1
    del rows
    # 3. undated, whatever the year. Every writer derives pub_year from pub_date, so the
    # undated are found through the pub_year index instead of a scan of the table.
    undated: dict[str, int] = {}
    for source_id, item_id in db.execute(
            "SELECT source_id, id FROM items WHERE pub_year IS NULL AND pub_date IS NULL "
            "AND attribution = 'ours'"):
        for body in owners.of(source_id, item_id):
            undated[body] = undated.get(body, 0) + 1
    # 4. open possible-duplicate pairs with an 'ours' side of the body, per year
    possible = _open_pairs(db, owners, years)
    enabled = dict(db.execute("SELECT id, channel FROM sources WHERE enabled = 1").fetchall())
    out: dict[str, dict[int, dict]] = {}
    for sc in scopes:
        mine = {enabled[s] for s in sc.owned + sc.shared if s in enabled}
        out[sc.body] = {}
        for y in years:
            categories, per_channel = per_year[sc.body, y]
            # every channel in use, zeros included, in Store.counts' order (ORDER BY 1)
            by_channel: dict[str, dict[str, int]] = {
                ch: {} for ch in sorted({*mine, *seen.get((sc.body, y), ())})}
            for (channel, cat), n in per_channel.items():
                by_channel.setdefault(channel, {})[cat] = n
            out[sc.body][y] = {
                "categories": categories, "by_channel": by_channel,
                "unreviewed": unreviewed.get((sc.body, y), 0),
                "undated": undated.get(sc.body, 0),
                "unclassified": unclassified.get((sc.body, y), 0),
                "possible_duplicates": possible.get((sc.body, y), 0)}
    return out


def _open_pairs(db: Any, owners: _Owners, years: Sequence[int]) -> dict[tuple[str, int], int]:
    """Open pairs per (body, year): a pair counts for a body when a side is that body's and
    'ours', in each year either side is filed under (as ``Store.counts`` counts them)."""
    out: dict[tuple[str, int], int] = {}
    for a_source, a_id, a_attr, a_year, b_source, b_id, b_attr, b_year in db.execute(
            "SELECT a.source_id, a.id, a.attribution, a.pub_year, b.source_id, b.id, "
            "b.attribution, b.pub_year FROM dupe_pairs p JOIN items a ON a.id = p.item_id "
            "JOIN items b ON b.id = p.other_id WHERE p.status = 'open'"):
        whose = {*(owners.of(a_source, a_id) if a_attr == "ours" else ()),
                 *(owners.of(b_source, b_id) if b_attr == "ours" else ())}
        for body in whose:
            for y in {a_year, b_year}.intersection(years):
                out[body, y] = out.get((body, y), 0) + 1
    return out


def body_backlog(st: Any, scopes: Sequence[BodyScope]) -> dict[str, int]:
    """Every body's items awaiting review, whatever their year (``Store.review_backlog`` of
    each body's items), from one statement over the flagged items."""
    out = {sc.body: 0 for sc in scopes}
    if not scopes:
        return out
    owners = _Owners(st.db, scopes)
    own = {sc.body for sc in scopes if sc.own}
    for source_id, item_id in st.db.execute(
            f"SELECT source_id, id FROM items WHERE attribution = 'ours' AND {AWAITING_REVIEW}"):
        for body in owners.of(source_id, item_id):
            if body not in own:
                out[body] += 1
    if own:     # those with their own categories: their own decisions awaiting review
        decided, by_hand = decisions_of(st.db, sorted(own))
        waiting = sorted({i for (i, _), (_, how, needs) in decided.items()
                          if needs == 1 and how == "auto"})
        for start in range(0, len(waiting), 500):
            part = waiting[start:start + 500]
            for source_id, item_id, cluster in st.db.execute(
                    "SELECT source_id, id, cluster_id FROM items WHERE attribution = 'ours' AND "
                    f"id IN ({','.join('?' * len(part))})", part):
                for body in owners.of(source_id, item_id):
                    how, needs = decided.get((item_id, body), (None, "auto", 0))[1:]
                    if (body in own and needs == 1 and how == "auto"
                            and cluster not in by_hand[body]):
                        out[body] += 1
    return out
