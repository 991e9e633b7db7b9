"""Store queries of one area, mixed into :class:`store.Store` (self.db is the sqlite-utils Database;
write inside `with immediate(self.db):` from ._db)."""
from __future__ import annotations

from ._counts import BodyScope


class ReportQueries:
    def monthly_counts(self, year: int, scope: BodyScope | None = None) -> dict:
        """Publications per month of ``year`` for the report's charts (only non-zero entries).

        The rule of :meth:`Store.cluster_firsts`, shared with :meth:`Store.counts`, so the months add up to its numbers: a cluster (one
        信息) counts once, in the month of its earliest publication, under the category of its
        manually decided item if any, else of its earliest item; ``by_channel`` counts clusters
        per channel in the month of that channel's own first publication; ``not_ours`` items are
        excluded and ``gone`` items included. ``scope``: one body's items only.

        Returns ``{"categories": {cat: {month: n}}, "by_channel": {channel: {month: n}}}``.
        """
        clusters, channels = self.cluster_firsts(year, scope)
        categories: dict[str, dict[int, int]] = {}
        for _, d, _, cat in clusters:
            months = categories.setdefault(cat, {})
            months[int(d[5:7])] = months.get(int(d[5:7]), 0) + 1
        by_channel: dict[str, dict[int, int]] = {}
        for _, channel, d, _, _ in channels:
            months = by_channel.setdefault(channel, {})
            months[int(d[5:7])] = months.get(int(d[5:7]), 0) + 1
        return {"categories": categories, "by_channel": by_channel}
