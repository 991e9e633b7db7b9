"""Every body's counts of a district at once (issue 17, the 政务公开办's dashboard).

``Store.counts(year, scope)`` answers for one body; asked once per body and year, a district of
40 bodies reads the year's items 80 times. :func:`body_counts` gives the very same dicts from one
pass over the items of the years asked (and the clusters they touch), each row carried to the
body it counts for — its own source's owner, or each body ``item_bodies`` names on a shared
source listing that body — and the counting rule (:func:`store._counts.count_clusters`) applied
to each body's rows. The side figures are one grouped statement each, not one per body.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from ._counts import BodyScope, count_clusters
from ._schema_review import AWAITING_REVIEW

# every item a body counts, with its body: owned sources by their owner, shared ones through
# item_bodies, and only for a body the source lists (as BodyScope.where has it)
_OWNED = "SELECT {cols} FROM owners JOIN items ON items.source_id = owners.source_id WHERE {where}"
_SHARED = ("SELECT {cols} FROM shared JOIN items ON items.source_id = shared.source_id "
           "JOIN item_bodies ib ON ib.item_id = items.id AND ib.body = shared.body WHERE {where}")


def _with(scopes: Sequence[BodyScope]) -> tuple[str, list]:
    """The two small tables of who owns what, as a WITH clause and its parameters."""
    owners = [(s, sc.body) for sc in scopes for s in sc.owned]
    shared = [(s, sc.body) for sc in scopes for s in sc.shared]

    def table(name: str, rows: list[tuple[str, str]]) -> str:
        if not rows:        # an empty VALUES is no SQL: a table of no row
            return f"{name}(source_id, body) AS (SELECT NULL, NULL WHERE 0)"
        return f"{name}(source_id, body) AS (VALUES {','.join(['(?, ?)'] * len(rows))})"

    return (f"WITH {table('owners', owners)}, {table('shared', shared)} ",
            [v for r in owners + shared for v in r])


def _body_items(scopes: Sequence[BodyScope], cols: str, where: str, args: Sequence[Any]
                ) -> tuple[str, list]:
    """A statement of ``body, <cols>`` for every (body, item) matching ``where`` (on items)."""
    head, head_args = _with(scopes)
    return (head + _OWNED.format(cols="owners.body, " + cols, where=where) + " UNION ALL "
            + _SHARED.format(cols="shared.body, " + cols, where=where),
            [*head_args, *args, *args])


def body_counts(st: Any, years: Iterable[int], scopes: Sequence[BodyScope]
                ) -> dict[str, dict[int, dict]]:
    """``{body: {year: st.counts(year, scope)}}`` for every scope and year, from one pass.

    ``st``: a :class:`store.Store`. Equal, dict for dict, to asking ``st.counts`` for each
    (tests/gongkai/test_district_dashboard.py compares them on the fixture district and on a
    generated one with manual decisions, undated, unclassified, not-ours and cross-year items)."""
    years = sorted(set(years))
    if not years or not scopes:
        return {sc.body: {} for sc in scopes}
    db = st.db
    marks = ",".join("?" * len(years))
    # 1. the rule's input: every item of a cluster that has an item of one of the years. A
    # cluster reached through a body's neighbour only counts in a year where that body filed
    # an item, so a superset of clusters is harmless: the year test below drops the rest.
    sql, args = _body_items(
        scopes, "items.cluster_id, items.channel, items.pub_date, items.pub_year, "
                "items.category, items.decided_by = 'manual', items.id",
        f"items.attribution = 'ours' AND items.cluster_id IN (SELECT cluster_id FROM items "
        f"WHERE pub_year IN ({marks}) AND attribution = 'ours')", years)
    rows: dict[str, list] = {sc.body: [] for sc in scopes}
    for body, *rest in db.execute(sql, args):
        rows[body].append(rest)
    out: dict[str, dict[int, dict]] = {}
    per_year: dict[tuple[str, int], tuple[dict, dict]] = {}
    for body, mine in rows.items():
        clusters, channels = count_clusters(mine)
        for y in years:
            per_year[body, y] = ({}, {})
        for *_, y, cat in clusters:
            if y in years:
                cats = per_year[body, y][0]
                cats[cat] = cats.get(cat, 0) + 1
        for _, channel, _, y, cat in channels:
            if y in years:
                chans = per_year[body, y][1]
                chans[channel, cat] = chans.get((channel, cat), 0) + 1
    # 2. the year's own items: the channels in use, awaiting review, not yet classified
    seen: dict[tuple[str, int], set] = {}
    unreviewed: dict[tuple[str, int], int] = {}
    unclassified: dict[tuple[str, int], int] = {}
    sql, args = _body_items(
        scopes, "items.pub_year, items.channel, "
                f"items.attribution = 'ours' AND {AWAITING_REVIEW}, "
                "items.attribution = 'ours' AND items.category IS NULL",
        f"items.pub_year IN ({marks})", years)
    for body, y, channel, awaiting, bare in db.execute(sql, args):
        seen.setdefault((body, y), set()).add(channel)
        unreviewed[body, y] = unreviewed.get((body, y), 0) + bool(awaiting)
        unclassified[body, y] = unclassified.get((body, y), 0) + bool(bare)
    # 3. undated, whatever the year
    sql, args = _body_items(scopes, "1",
                            "items.attribution = 'ours' AND items.pub_date IS NULL", [])
    undated: dict[str, int] = {}
    for body, _ in db.execute(sql, args):
        undated[body] = undated.get(body, 0) + 1
    # 4. open possible-duplicate pairs with an 'ours' side of the body, per year
    possible = _open_pairs(db, scopes, years)
    enabled = dict(db.execute("SELECT id, channel FROM sources WHERE enabled = 1").fetchall())
    for sc in scopes:
        mine = [enabled[s] for s in sc.owned + sc.shared if s in enabled]
        out[sc.body] = {}
        for y in years:
            categories, per_channel = per_year[sc.body, y]
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


def _open_pairs(db: Any, scopes: Sequence[BodyScope], years: Sequence[int]
                ) -> dict[tuple[str, int], int]:
    """Open pairs per (body, year): a pair counts for a body when a side is that body's and
    'ours', in each year either side is filed under (as ``Store.counts`` counts them)."""
    pairs = db.execute(
        "SELECT p.id, p.item_id, p.other_id, a.attribution, b.attribution, a.pub_year, "
        "b.pub_year FROM dupe_pairs p JOIN items a ON a.id = p.item_id "
        "JOIN items b ON b.id = p.other_id WHERE p.status = 'open'").fetchall()
    if not pairs:
        return {}
    ids = sorted({i for p in pairs for i in (p[1], p[2])})
    bodies: dict[int, set[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        sql, args = _body_items(scopes, "items.id",
                                f"items.id IN ({','.join('?' * len(part))})", part)
        for body, item_id in db.execute(sql, args):
            bodies.setdefault(item_id, set()).add(body)
    out: dict[tuple[str, int], int] = {}
    for _, a, b, a_attr, b_attr, a_year, b_year in pairs:
        whose = ((bodies.get(a, set()) if a_attr == "ours" else set())
                 | (bodies.get(b, set()) if b_attr == "ours" else set()))
        for body in whose:
            for y in {a_year, b_year} & set(years):
                out[body, y] = out.get((body, y), 0) + 1
    return out


def body_backlog(st: Any, scopes: Sequence[BodyScope]) -> dict[str, int]:
    """Every body's items awaiting review, whatever their year (``Store.review_backlog`` of
    each body's items), in one grouped statement."""
    if not scopes:
        return {}
    sql, args = _body_items(scopes, "1", f"items.attribution = 'ours' AND {AWAITING_REVIEW}",
                            [])
    out = {sc.body: 0 for sc in scopes}
    for body, n in st.db.execute(f"SELECT body, COUNT(*) FROM ({sql}) GROUP BY body", args):
        out[body] = n
    return out
