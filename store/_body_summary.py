"""Every body's counts kept up to date (issue 17 #5: the dashboard's first load after a write).

:func:`store.body_counts` reads the years' items on every call: about a second at 40 bodies and
250,000 items. Here the same figures are kept: each *group* of items (a cluster, one 信息; or
an item with no cluster yet, ``-id``) contributes a few rows per body to ``body_parts``
(migration ops_003), and ``body_totals`` holds their sums. Triggers mark a group stale
(``body_dirty``) on any change to one of its items or to their bodies, so no writer can forget;
:func:`summary` recomputes the stale groups — subtracting their old parts, adding the new —
and reads the totals in the same write transaction, so a figure it returns is never older than
the last committed write. The parts are the very computation :func:`store.body_counts` makes,
applied one group at a time: the counting rule (:func:`store._counts.count_clusters`) sees all
of a body's items of a cluster, and the per-item figures (awaiting review, unclassified,
undated, the channels seen) depend on nothing outside the item's group.

The parts depend on which sources are whose (the config's scopes): they are built for one set
of scopes, and another set rebuilds them all (a config change; about 10 s at 250,000 items).

Kinds of parts, by (body, year): ``c`` a 信息 per category; ``h`` a 信息 per channel and
category (key ``channel\\x1fcategory``); ``s`` items seen on a channel (any attribution: the
channel is listed); ``u`` items awaiting review (year 0: undated, counted in the backlog only);
``n`` unclassified items; ``d`` undated items (year 0).
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable, Sequence

from ._body_rules import decided_of
from ._counts import BodyScope, count_clusters
from ._db import immediate

SEP = "\x1f"
_BATCH = 500
# More stale groups than this share of all (a backfill, a re-clustering, the first use): one
# pass over every item beats recomputing them one batch at a time.
REBUILD_SHARE = 0.25
REBUILD_MIN = 20_000
_ITEM_COLUMNS = ("id, source_id, cluster_id, channel, pub_date, pub_year, category, "
                 "decided_by, attribution, needs_review")

Parts = dict[tuple[str, int, str, str], int]      # (body, year, kind, key) -> n


def fingerprint(scopes: Sequence[BodyScope]) -> dict[str, list]:
    return {sc.body: [sorted(sc.owned), sorted(sc.shared), sorted(sc.mixed), sc.own]
            for sc in scopes}


class _Whose:
    """Which bodies an item counts for: its source's owner, or on a shared source each body
    ``item_bodies`` names that the source lists (as :meth:`BodyScope.where` has it)."""

    def __init__(self, scopes: Sequence[BodyScope]) -> None:
        self.owner = {s: sc.body for sc in scopes for s in sc.owned}
        self.mixed = {s for sc in scopes for s in sc.mixed}
        # the bodies with their own categories, and their decisions (store/_body_rules.py),
        # read by load() in the transaction that recounts
        self.own = {sc.body for sc in scopes if sc.own}
        self.decided: dict = {}
        self.listed: dict[str, set[str]] = defaultdict(set)
        for sc in scopes:
            for s in sc.shared:
                self.listed[s].add(sc.body)

    def load(self, db: Any, item_ids: Sequence[int] | None = None) -> None:
        """The own-category bodies' decisions of these items (None: of every item)."""
        if self.own:
            self.decided = decided_of(db, sorted(self.own), item_ids)

    def of(self, source_id: str, named: Sequence[str]) -> list[str]:
        body = self.owner.get(source_id)
        if body is not None and not (named and source_id in self.mixed):
            return [body]
        # (a source that changed owner: the bodies its rows name, the owner among them)
        listed = self.listed.get(source_id) or ()
        return [b for b in named if b in listed or b == body]


def group_parts(items: Sequence[tuple], named: dict[int, list[str]], whose: _Whose
                ) -> dict[int, Parts]:
    """The parts of each group of ``items`` (rows of :data:`_ITEM_COLUMNS`; every item of each
    group), ``named`` the bodies item_bodies gives each item."""
    by_group: dict[int, list[tuple]] = defaultdict(list)
    for row in items:
        by_group[row[2] if row[2] is not None else -row[0]].append(row)
    return {grp: _parts_of(rows, named, whose) for grp, rows in by_group.items()}


def _parts_of(rows: list[tuple], named: dict[int, list[str]], whose: _Whose) -> Parts:
    parts: Parts = defaultdict(int)
    # AWAITING_REVIEW: a copy of a 信息 someone filed by hand awaits nobody (any item of the
    # cluster, whoever's)
    filed_by_hand = rows[0][2] is not None and any(r[7] == "manual" for r in rows)
    by_hand_own = {b for b in whose.own if rows[0][2] is not None and any(
        whose.decided.get((r[0], b), (None, "auto"))[1] == "manual" for r in rows)}
    rule: dict[str, list[tuple]] = defaultdict(list)
    for item_id, source_id, cluster, channel, pub_date, pub_year, district_category, \
            district_how, attribution, needs_review in rows:
        ours = attribution == "ours"
        district_awaiting = (ours and needs_review == 1 and district_how == "auto"
                             and not filed_by_hand)
        for body in whose.of(source_id, named.get(item_id, ())):
            category, decided_by, awaiting = district_category, district_how, district_awaiting
            if body in whose.own:   # its own decision, and its own review
                category, decided_by, needs = whose.decided.get((item_id, body),
                                                                (None, "auto", 0))
                awaiting = (ours and needs == 1 and decided_by == "auto"
                            and body not in by_hand_own)
            if pub_year is not None:
                parts[body, pub_year, "s", channel] += 1
            if not ours:
                continue
            if cluster is not None:
                rule[body].append((cluster, channel, pub_date, pub_year, category,
                                   decided_by == "manual", item_id))
            if awaiting:
                parts[body, pub_year if pub_year is not None else 0, "u", ""] += 1
            if category is None and pub_year is not None:
                parts[body, pub_year, "n", ""] += 1
            if pub_date is None:
                parts[body, 0, "d", ""] += 1
    for body, mine in rule.items():
        clusters, channels = count_clusters(mine)
        for _, _, year, category in clusters:
            if year is not None:
                parts[body, year, "c", category] += 1
        for _, channel, _, year, category in channels:
            if year is not None:
                parts[body, year, "h", channel + SEP + category] += 1
    return parts


def _named(db: Any, item_ids: Sequence[int] | None) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if item_ids is None:
        rows: Iterable = db.execute("SELECT item_id, body FROM item_bodies")
    else:
        rows = []
        for start in range(0, len(item_ids), _BATCH):
            part = item_ids[start:start + _BATCH]
            rows += db.execute("SELECT item_id, body FROM item_bodies WHERE item_id IN "
                               f"({','.join('?' * len(part))})", part).fetchall()
    for item_id, body in rows:
        out[item_id].append(body)
    return out


def _add(db: Any, totals: Parts, sign: int) -> None:
    db.conn.executemany(
        "INSERT INTO body_totals (body, year, kind, key, n) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (body, year, kind, key) DO UPDATE SET n = n + excluded.n",
        [(*k, sign * n) for k, n in totals.items()])


def _rebuild(db: Any, whose: _Whose, marks: str) -> None:
    for table in ("body_parts", "body_totals", "body_dirty"):
        db.execute(f"DELETE FROM {table}")
    named = _named(db, None)
    whose.load(db)
    totals: Parts = defaultdict(int)
    # clusters in order through their index, then the items without one
    cur = db.execute(f"SELECT {_ITEM_COLUMNS} FROM items INDEXED BY items_cluster_rule "
                     "WHERE cluster_id IS NOT NULL ORDER BY cluster_id")
    chunk: list[tuple] = []
    for row in cur:
        if len(chunk) >= 20_000 and row[2] != chunk[-1][2]:
            _write(db, group_parts(chunk, named, whose), totals)
            chunk = []
        chunk.append(row)
    chunk += db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE cluster_id IS NULL").fetchall()
    _write(db, group_parts(chunk, named, whose), totals)
    _add(db, totals, 1)
    db.execute("INSERT OR REPLACE INTO body_summary_meta (id, scopes) VALUES (1, ?)", [marks])


def _write(db: Any, parts: dict[int, Parts], totals: Parts) -> None:
    rows = []
    for grp, mine in parts.items():
        for k, n in mine.items():
            rows.append((grp, *k, n))
            totals[k] += n
    db.conn.executemany(
        "INSERT INTO body_parts (grp, body, year, kind, key, n) VALUES (?, ?, ?, ?, ?, ?)", rows)


def _refresh(db: Any, whose: _Whose, stale: list[int]) -> None:
    """Recompute the ``stale`` groups: their old parts out of the totals, the new in."""
    for start in range(0, len(stale), _BATCH):
        part = stale[start:start + _BATCH]
        marks = ",".join("?" * len(part))
        old: Parts = defaultdict(int)
        for body, year, kind, key, n in db.execute(
                f"SELECT body, year, kind, key, n FROM body_parts WHERE grp IN ({marks})", part):
            old[body, year, kind, key] += n
        _add(db, old, -1)
        db.execute(f"DELETE FROM body_parts WHERE grp IN ({marks})", part)
        clusters = [g for g in part if g >= 0]
        alone = [-g for g in part if g < 0]
        items: list[tuple] = []
        if clusters:
            items += db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE cluster_id IN "
                                f"({','.join('?' * len(clusters))})", clusters).fetchall()
        if alone:
            items += db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE cluster_id IS NULL "
                                f"AND id IN ({','.join('?' * len(alone))})", alone).fetchall()
        new: Parts = defaultdict(int)
        ids = [r[0] for r in items]
        whose.load(db, ids)     # only the recounted items' own-category decisions
        _write(db, group_parts(items, _named(db, ids), whose), new)
        _add(db, new, 1)
        db.execute(f"DELETE FROM body_dirty WHERE grp IN ({marks})", part)
    db.execute("DELETE FROM body_totals WHERE n = 0")


def summary(st: Any, years: Iterable[int], scopes: Sequence[BodyScope]
            ) -> tuple[dict[str, dict[int, dict]], dict[str, int]]:
    """``(store.body_counts(st, years, scopes), store.body_backlog(st, scopes))``, from the
    kept summary brought up to date first, in one write transaction."""
    years = sorted(set(years))
    if not scopes:
        return {}, {}
    db = st.db
    whose = _Whose(scopes)
    wanted = fingerprint(scopes)
    with immediate(db):
        row = db.execute("SELECT scopes FROM body_summary_meta WHERE id = 1").fetchone()
        built = json.loads(row[0]) if row else None
        stale = [r[0] for r in db.execute("SELECT grp FROM body_dirty")]
        if built != wanted or (len(stale) > REBUILD_MIN and len(stale) > REBUILD_SHARE *
                               db.execute("SELECT COUNT(DISTINCT grp) FROM body_parts"
                                          ).fetchone()[0]):
            _rebuild(db, whose, json.dumps(wanted, sort_keys=True))
        elif stale:
            _refresh(db, whose, stale)
        totals: dict[tuple[str, int], dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(dict))
        backlog = {sc.body: 0 for sc in scopes}
        for body, year, kind, key, n in db.execute(
                "SELECT body, year, kind, key, n FROM body_totals WHERE year IN "
                f"({','.join('?' * len(years))}) OR kind IN ('u', 'd')", years):
            if kind == "u":
                backlog[body] = backlog.get(body, 0) + n
            totals[body, year][kind][key] = n
        enabled = dict(db.execute("SELECT id, channel FROM sources WHERE enabled = 1").fetchall())
        possible = _open_pairs(db, whose, years)
    out: dict[str, dict[int, dict]] = {}
    for sc in scopes:
        mine = {enabled[s] for s in sc.owned + sc.shared if s in enabled}
        undated = sum(totals[sc.body, 0].get("d", {}).values())
        out[sc.body] = {}
        for y in years:
            t = totals.get((sc.body, y), {})
            by_channel: dict[str, dict[str, int]] = {
                ch: {} for ch in sorted({*mine, *t.get("s", {})})}
            for key, n in t.get("h", {}).items():
                channel, category = key.split(SEP, 1)
                by_channel.setdefault(channel, {})[category] = n
            out[sc.body][y] = {
                "categories": dict(t.get("c", {})), "by_channel": by_channel,
                "unreviewed": t.get("u", {}).get("", 0), "undated": undated,
                "unclassified": t.get("n", {}).get("", 0),
                "possible_duplicates": possible.get((sc.body, y), 0)}
    return out, {sc.body: backlog.get(sc.body, 0) for sc in scopes}


def _open_pairs(db: Any, whose: _Whose, years: Sequence[int]) -> dict[tuple[str, int], int]:
    """Open possible-duplicate pairs per (body, year), read live (they are few): a pair counts
    for a body when a side is that body's and 'ours', in each year either side is filed under
    (as ``Store.counts`` counts them)."""
    pairs = db.execute(
        "SELECT a.source_id, a.id, a.attribution, a.pub_year, b.source_id, b.id, "
        "b.attribution, b.pub_year FROM dupe_pairs p JOIN items a ON a.id = p.item_id "
        "JOIN items b ON b.id = p.other_id WHERE p.status = 'open'").fetchall()
    named = _named(db, sorted({r[1] for r in pairs} | {r[5] for r in pairs}))
    out: dict[tuple[str, int], int] = defaultdict(int)
    for a_source, a_id, a_attr, a_year, b_source, b_id, b_attr, b_year in pairs:
        who = {*(whose.of(a_source, named.get(a_id, ())) if a_attr == "ours" else ()),
               *(whose.of(b_source, named.get(b_id, ())) if b_attr == "ours" else ())}
        for body in who:
            for y in {a_year, b_year}.intersection(years):
                out[body, y] += 1
    return out
