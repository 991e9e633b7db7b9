"""The counting rule and the two ways of applying it, mixed into :class:`store.Store`.

``count_clusters`` is the rule. ``Store.counts`` applies it to every cluster of the year
straight from ``items``: the reference, used by ``gongkai counts`` and the
report, which must not depend on anything kept up to date by triggers. ``Store.counts_summary``
gives the same dict from a per-cluster summary that triggers mark stale (``count_dirty``,
migration review_007) and this module recomputes with the same rule, so the review UI's counts
panel costs the changed clusters plus two index scans instead of a pass over the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, Iterable, Sequence

from . import _body_rules
from ._db import immediate
from ._schema_review import AWAITING_REVIEW

# When a big share of the clusters is stale (the first count after the migration, a backfill)
# one ordered pass over the covering index beats looking each up: at 1,000,000 items the pass
# takes about as long as recounting a fifth of the clusters one batch at a time.
REBUILD_SHARE = 0.2
REBUILD_MIN = 5_000         # below this, never: a few thousand lookups are quick at any size
_BATCH = 500                # SQLite's bound-parameter limit is far above; keeps IN lists short
# What the rule reads of each of the bureau's items; the index of review_007 covers it.
_RULE_COLUMNS = "cluster_id, channel, pub_date, pub_year, category, decided_by = 'manual', id"
# ... the same of a body with its own categories, its decision joined as bd
_OWN_RULE_COLUMNS = ("cluster_id, channel, pub_date, pub_year, bd.body_category, "
                     "COALESCE(bd.body_decided_by = 'manual', 0), id")


@dataclass(frozen=True)
class BodyScope:
    """The items one body (单位) of a district counts: every item of its own sources (``owned``),
    and of the shared sources listing it (``shared``) those attributed to it (``item_bodies``).
    The caller (the config) says which source is whose; the store only applies it."""

    body: str
    owned: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    # own sources that changed owner (store/_ownership.py): an item there with item_bodies rows
    # counts for the bodies they name, the owner only among them; one without, for the owner
    mixed: tuple[str, ...] = ()
    # the body has its own categories (store/_body_rules.py): its decisions are read, not the
    # district's
    own: bool = False

    def _owned(self, alias: str) -> tuple[str, list]:
        plain = [s for s in self.owned if s not in self.mixed]
        mixed = [s for s in self.owned if s in self.mixed]
        parts, args = [], []
        if plain:
            parts.append(f"{alias}.source_id IN ({','.join('?' * len(plain))})")
            args += plain
        if mixed:
            parts.append(f"({alias}.source_id IN ({','.join('?' * len(mixed))}) AND (NOT EXISTS "
                         f"(SELECT 1 FROM item_bodies ob WHERE ob.item_id = {alias}.id) OR EXISTS "
                         f"(SELECT 1 FROM item_bodies ob WHERE ob.item_id = {alias}.id "
                         f"AND ob.body = ?)))")
            args += [*mixed, self.body]
        return " OR ".join(parts), args

    def where(self, alias: str) -> tuple[str, list]:
        """An SQL condition on the items row ``alias`` and its parameters."""
        parts, args = [], []
        if self.owned:
            owned, owned_args = self._owned(alias)
            parts.append(owned)
            args += owned_args
        if self.shared:
            parts.append(f"({alias}.source_id IN ({','.join('?' * len(self.shared))}) AND EXISTS "
                         f"(SELECT 1 FROM item_bodies ib WHERE ib.item_id = {alias}.id "
                         f"AND ib.body = ?))")
            args += [*self.shared, self.body]
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), args

    def select(self, columns: str, condition: str, args: Sequence[Any], *,
               union: bool = False) -> tuple[str, list]:
        """``SELECT columns`` of the body's items meeting ``condition`` (on the row ``items``),
        one statement per kind of source so each finds its rows by index: the own sources'
        by (source_id, ...), the shared ones' through item_bodies. An item is in at most one
        part; ``union`` drops repeated rows (UNION instead of UNION ALL)."""
        parts, out = [], []
        if self.owned:
            owned, owned_args = self._owned("items")
            parts.append(f"SELECT {columns} FROM items WHERE ({owned}) AND {condition}")
            out += [*owned_args, *args]
        if self.shared:
            parts.append(f"SELECT {columns} FROM item_bodies ib CROSS JOIN items ON items.id = "
                         f"ib.item_id WHERE ib.body = ? AND items.source_id IN "
                         f"({','.join('?' * len(self.shared))}) AND {condition}")
            out += [self.body, *self.shared, *args]
        if not parts:
            return f"SELECT {columns} FROM items WHERE 0", []
        return (" UNION " if union else " UNION ALL ").join(parts), out


def _and(scope: BodyScope | None, alias: str) -> tuple[str, list]:
    """`` AND <scope>`` and its parameters; nothing at all without a scope, so a one-body
    count runs exactly the statements it always ran."""
    if scope is None:
        return "", []
    where, args = scope.where(alias)
    return " AND " + where, args


def count_clusters(rows: Iterable[Sequence[Any]]) -> tuple[list[tuple], list[tuple]]:
    """The counting rule, in one place. ``rows`` are ``(cluster_id, channel, pub_date,
    pub_year, category, manual, item_id)`` for every ``attribution = 'ours'`` item of the
    clusters to count, in any order; a cluster must come with all its items.

    Only dated, classified items take part. A cluster (one 信息) counts once, dated by its
    earliest publication, under the category of its manually decided item if any, else of its
    earliest item (ties by item id); and once on each of its channels, dated by that channel's
    earliest item, under the same category.

    Returns ``(clusters, channels)``: ``(cluster_id, first_date, year, category)`` and
    ``(cluster_id, channel, first_date, year, category)`` -- the rows of the summary tables.
    ``year`` is the year the date counts in, None for nowhere.
    """
    # One pass over flat dicts, no object per cluster: at 250,000 clusters a year (the
    # reference count reads them all) that is most of the time.
    filed: dict[Any, Any] = {}                     # cluster -> pub_year of an item of it
    filed_more: set[tuple] = set()                 # (cluster, pub_year) of the other years
    first: dict[Any, str] = {}
    rep: dict[Any, tuple] = {}                     # cluster -> (sort key, category)
    on_channel: dict[tuple, str] = {}              # (cluster, channel) -> first date on it
    for cluster, channel, pub_date, pub_year, category, manual, item_id in rows:
        if filed.setdefault(cluster, pub_year) != pub_year:
            filed_more.add((cluster, pub_year))
        if pub_date is None or category is None:
            continue
        if cluster not in first or pub_date < first[cluster]:
            first[cluster] = pub_date
        key = (not manual, pub_date, item_id)
        if cluster not in rep or key < rep[cluster][0]:
            rep[cluster] = (key, category)
        ck = (cluster, channel)
        if ck not in on_channel or pub_date < on_channel[ck]:
            on_channel[ck] = pub_date
    # The year a date counts in: the one it starts with, provided an item of the cluster is
    # filed under that year (pub_year). The store always derives pub_year from pub_date, so
    # the proviso only matters for a row edited by hand; it keeps the summary equal to the
    # full count, which finds a year's clusters through pub_year.
    head = {d: _head_year(d) for d in {*first.values(), *on_channel.values()}}

    def year(c: Any, d: str) -> int | None:
        y = head[d]
        return y if y is not None and (filed[c] == y or (c, y) in filed_more) else None

    return ([(c, d, year(c, d), rep[c][1]) for c, d in first.items()],
            [(c, ch, d, year(c, d), rep[c][1]) for (c, ch), d in on_channel.items()])


def _head_year(pub_date: str) -> int | None:
    head = pub_date[:4]
    return int(head) if len(head) == 4 and head.isascii() and head.isdigit() else None


def _loose(shared: Sequence[str], known: Sequence[str] | None) -> tuple[str, list]:
    """The condition of :meth:`CountQueries.unattributed` on an ``items`` row."""
    marks = ",".join("?" * len(known or ())) or "''"
    named = "" if known is None else f" AND ib.body IN ({marks})"
    return (f"source_id IN ({','.join('?' * len(shared))}) AND (attribution = 'not_ours' OR "
            f"NOT EXISTS (SELECT 1 FROM item_bodies ib WHERE ib.item_id = items.id{named}))",
            [*shared, *(known or ())])


class CountQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    db: Any

    # -- the reference: straight from items ----------------------------------------------------

    def cluster_firsts(self, year: int, scope: BodyScope | None = None
                       ) -> tuple[list[tuple], list[tuple]]:
        """:func:`count_clusters` for the clusters that count in ``year`` (counts and the
        monthly charts both use it), read straight from items.

        Returns ``(clusters, channels)`` as :func:`count_clusters` does, only the rows whose
        year is ``year``: one per cluster (one 信息) first published in ``year``, one per
        cluster and channel first published on that channel in ``year``. With a ``scope``, only
        one body's items take part: a 信息 counts for each body that published a copy of it.
        """
        # Only clusters with an item filed under `year` can count in it; read just those.
        if scope is None:
            year_clusters, inner_args = ("SELECT DISTINCT cluster_id AS year_cluster FROM items "
                                         "WHERE pub_year = ? AND attribution = 'ours'", [year])
        else:
            # a body's own sources through (source_id, pub_year), its shared sources' items
            # through item_bodies: not the year's every item (ops_003)
            year_clusters, inner_args = scope.select(
                "cluster_id AS year_cluster", "items.pub_year = ? AND items.attribution = 'ours'",
                [year], union=True)
        outer, outer_args = _and(scope, "items")
        columns, join, join_args = _RULE_COLUMNS, "", []
        if scope is not None and scope.own:
            columns = _OWN_RULE_COLUMNS
            join, join_args = _body_rules.decision_sql(scope)
        clusters, channels = count_clusters(self.db.execute(
            f"SELECT {columns} FROM ({year_clusters}) JOIN items INDEXED BY "
            f"items_cluster_rule ON cluster_id = year_cluster {join} "
            f"WHERE attribution = 'ours'{outer}", [*inner_args, *join_args, *outer_args]).fetchall())
        return [r for r in clusters if r[2] == year], [r for r in channels if r[3] == year]

    def counts(self, year: int, scope: BodyScope | None = None) -> dict:
        """Raw counts for one year (only non-zero entries; report.Counts orders and fills them).

        A cluster (one 信息) counts once, in the year of its earliest publication, under the
        category of its manually decided item if any, else of its earliest item. ``by_channel``
        counts clusters per channel, each in the year of that channel's own publication.
        ``not_ours`` items are not counted; ``gone`` items are (the report counts what was
        published). With a ``scope``, the same for one body's items (see :class:`BodyScope`).
        """
        categories: dict[str, int] = {}
        per_channel: dict[tuple[str, str], int] = {}
        clusters, channels = self.cluster_firsts(year, scope)
        for *_, cat in clusters:
            categories[cat] = categories.get(cat, 0) + 1
        for _, channel, _, _, cat in channels:
            per_channel[channel, cat] = per_channel.get((channel, cat), 0) + 1
        return self._counts_dict(year, categories, per_channel, scope)

    def sources_naming(self, body: str) -> set[str]:
        """The sources that hold an item attributed to ``body`` (item_bodies): a shared source
        keeps counting a body's earlier items there after the body is taken off its list."""
        return {r[0] for r in self.db.execute(
            "SELECT DISTINCT items.source_id FROM item_bodies JOIN items ON items.id = "
            "item_bodies.item_id WHERE item_bodies.body = ?", [body])}

    def unattributed(self, year: int, shared: Sequence[str],
                     known: Sequence[str] | None = None) -> list[dict]:
        """Items of ``year`` from the ``shared`` sources that count for no body: naming none
        (or decided by hand as nobody's), or — given the ``known`` bodies — naming only bodies
        that are not (a body renamed or removed). Kept and shown to the district, never
        dropped."""
        if not shared:
            return []
        cond, args = _loose(shared, known)
        return list(self.db.query(
            "SELECT id, source_id, channel, pub_date, title, url, attribution FROM items "
            f"WHERE pub_year = ? AND {cond} ORDER BY pub_date, id", [year, *args]))

    def unattributed_count(self, year: int, shared: Sequence[str],
                           known: Sequence[str] | None = None) -> int:
        """``len(unattributed(year, shared, known))``, without reading the items."""
        if not shared:
            return 0
        cond, args = _loose(shared, known)
        return self.db.execute(f"SELECT COUNT(*) FROM items WHERE pub_year = ? AND {cond}",
                               [year, *args]).fetchone()[0]

    def pub_years(self) -> list[int]:
        """The years items are filed under, newest first: one index seek per year instead of
        a scan of the index (review_facets' DISTINCT reads all 250,000 entries)."""
        return [r[0] for r in self.db.execute(
            "WITH RECURSIVE y(v) AS (SELECT MAX(pub_year) FROM items UNION ALL "
            "SELECT (SELECT MAX(pub_year) FROM items WHERE pub_year < v) FROM y "
            "WHERE v IS NOT NULL) SELECT v FROM y WHERE v IS NOT NULL")]

    def body_summary(self, years: Iterable[int], scopes: Sequence[BodyScope]
                     ) -> tuple[dict[str, dict[int, dict]], dict[str, int]]:
        """``(store.body_counts(self, years, scopes), store.body_backlog(self, scopes))``,
        from the bodies' summary kept by triggers (store._body_summary), brought up to date
        first in one write transaction: what the district dashboard shows after a write."""
        from ._body_summary import summary
        return summary(self, years, scopes)

    # -- the summary: the same rule, kept per cluster ------------------------------------------

    def counts_summary(self, year: int) -> dict:
        """Exactly ``counts(year)``, from the per-cluster summary after recomputing the clusters
        changed since it was last brought up to date. One IMMEDIATE transaction, so the result
        matches the data stamp read in the same transaction (see ``counts_cached``)."""
        with immediate(self.db):
            self.refresh_count_summary()
            categories = dict(self.db.execute(
                "SELECT category, COUNT(*) FROM cluster_summary WHERE first_year = ? "
                "GROUP BY category", [year]).fetchall())
            per_channel = {(ch, cat): n for ch, cat, n in self.db.execute(
                "SELECT channel, category, COUNT(*) FROM cluster_channel_first WHERE year = ? "
                "GROUP BY channel, category", [year])}
            return self._counts_dict(year, categories, per_channel)

    def refresh_count_summary(self) -> int:
        """Recompute the summary rows of every cluster marked stale; returns how many."""
        with immediate(self.db):
            stale = [r[0] for r in self.db.execute("SELECT cluster_id FROM count_dirty")]
            if len(stale) > REBUILD_MIN and len(stale) > REBUILD_SHARE * self.db.execute(
                    "SELECT COUNT(*) FROM cluster_summary").fetchone()[0]:
                self._rebuild_summary()
                return len(stale)
            for start in range(0, len(stale), _BATCH):
                part = stale[start:start + _BATCH]
                marks = ",".join("?" * len(part))
                rows = self.db.execute(
                    f"SELECT {_RULE_COLUMNS} FROM items INDEXED BY items_cluster_rule "
                    f"WHERE cluster_id IN ({marks}) AND attribution = 'ours'", part).fetchall()
                for table in ("cluster_summary", "cluster_channel_first", "count_dirty"):
                    self.db.execute(f"DELETE FROM {table} WHERE cluster_id IN ({marks})", part)
                self._write_summary(rows)
            return len(stale)

    def _rebuild_summary(self) -> None:
        """Every cluster from scratch, in one pass in cluster order (the caller holds the
        transaction)."""
        for table in ("cluster_summary", "cluster_channel_first", "count_dirty"):
            self.db.execute(f"DELETE FROM {table}")
        cur = self.db.execute(
            f"SELECT {_RULE_COLUMNS} FROM items INDEXED BY items_cluster_rule "
            "WHERE cluster_id IS NOT NULL AND attribution = 'ours' ORDER BY cluster_id")
        chunk: list = []
        for _, members in groupby(cur, key=itemgetter(0)):
            chunk += members           # whole clusters only: the rule needs all of one
            if len(chunk) >= 50_000:
                self._write_summary(chunk)
                chunk = []
        self._write_summary(chunk)

    def _write_summary(self, rows: list) -> None:
        """The summary rows of the clusters of ``rows`` (all their items)."""
        clusters, channels = count_clusters(rows)
        self.db.conn.executemany(
            "INSERT INTO cluster_summary (cluster_id, first_date, first_year, category) "
            "VALUES (?, ?, ?, ?)", clusters)
        self.db.conn.executemany(
            "INSERT INTO cluster_channel_first (cluster_id, channel, first_date, year, category) "
            "VALUES (?, ?, ?, ?, ?)", channels)

    # -- shared by both ------------------------------------------------------------------------

    def _counts_dict(self, year: int, categories: dict[str, int],
                     per_channel: dict[tuple[str, str], int],
                     scope: BodyScope | None = None) -> dict:
        """The counts dict around the cluster counts: every channel in use (zeros included)
        and the items still to look at (of one body's items, with a ``scope``)."""
        # every channel in use appears, with zeros, so a silent channel is visible as such
        if scope is None:
            def count(condition: str, args: list) -> int:
                return self.db.execute(f"SELECT COUNT(*) FROM items WHERE {condition}",
                                       args).fetchone()[0]
            used, used_args = "SELECT DISTINCT channel FROM items WHERE pub_year = ?", [year]
            sources, source_args = "", []
        else:
            def count(condition: str, args: list) -> int:
                sql, all_args = scope.select("1", condition, args)
                return self.db.execute(f"SELECT COUNT(*) FROM ({sql})", all_args).fetchone()[0]
            used, used_args = scope.select("items.channel", "items.pub_year = ?", [year],
                                           union=True)
            source_args = [*scope.owned, *scope.shared]
            sources = f" AND id IN ({','.join('?' * len(source_args))})"
        by_channel: dict[str, dict[str, int]] = {r[0]: {} for r in self.db.execute(
            f"SELECT channel FROM sources WHERE enabled = 1{sources} UNION "
            f"SELECT channel FROM ({used}) ORDER BY 1", [*source_args, *used_args])}
        for (channel, cat), n in per_channel.items():
            by_channel.setdefault(channel, {})[cat] = n
        awaiting, awaiting_args = AWAITING_REVIEW, []
        unfiled, unfiled_args = "items.category IS NULL", []
        if scope is not None and scope.own:
            awaiting, awaiting_args = _body_rules.awaiting_sql(scope)
            unfiled, unfiled_args = _body_rules.unclassified_sql(scope)
        unreviewed = count(f"items.attribution = 'ours' AND items.pub_year = ? AND {awaiting}",
                           [year, *awaiting_args])
        undated = count("items.attribution = 'ours' AND items.pub_date IS NULL", [])
        unclassified = count(f"items.attribution = 'ours' AND items.pub_year = ? AND {unfiled}",
                             [year, *unfiled_args])
        # dupe_pairs exists from migration dupes_001; both sides of an open pair count it once
        if scope is None:
            ours, pair_args = "'ours' IN (a.attribution, b.attribution)", []
        else:
            a_mine, a_args = scope.where("a")
            b_mine, b_args = scope.where("b")
            ours = (f"((a.attribution = 'ours' AND {a_mine}) OR "
                    f"(b.attribution = 'ours' AND {b_mine}))")
            pair_args = [*a_args, *b_args]
        possible = self.db.execute(
            "SELECT COUNT(*) FROM dupe_pairs p JOIN items a ON a.id = p.item_id "
            "JOIN items b ON b.id = p.other_id WHERE p.status = 'open' "
            f"AND {ours} AND ? IN (a.pub_year, b.pub_year)",
            [*pair_args, year]).fetchone()[0]
        return {"categories": categories, "by_channel": by_channel, "unreviewed": unreviewed,
                "undated": undated, "unclassified": unclassified, "possible_duplicates": possible}
