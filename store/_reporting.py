"""Store queries of one area, mixed into :class:`store.Store` (self.db is the sqlite-utils Database;
write inside `with immediate(self.db):` from ._db)."""
from __future__ import annotations


class ReportQueries:
    def monthly_counts(self, year: int) -> dict:
        """Publications per month of ``year`` for the report's charts (only non-zero entries).

        Same rules as :meth:`Store.counts`, so the months add up to its numbers: a cluster (one
        信息) counts once, in the month of its earliest publication, under the category of its
        manually decided item if any, else of its earliest item; ``by_channel`` counts clusters
        per channel in the month of that channel's own first publication; ``not_ours`` items are
        excluded and ``gone`` items included.

        Returns ``{"categories": {cat: {month: n}}, "by_channel": {channel: {month: n}}}``.
        """
        ours = ("SELECT id, cluster_id, channel, pub_date, category, decided_by FROM items "
                "WHERE attribution = 'ours' AND pub_date IS NOT NULL AND category IS NOT NULL")
        rep = (f"SELECT cluster_id, category FROM (SELECT cluster_id, category, ROW_NUMBER() "
               f"OVER (PARTITION BY cluster_id ORDER BY decided_by = 'manual' DESC, pub_date, id)"
               f" AS rn FROM ({ours})) WHERE rn = 1")
        y = f"{year:04d}"
        categories: dict[str, dict[int, int]] = {}
        for r in self.db.query(
                f"SELECT rep.category, CAST(substr(c.d, 6, 2) AS INTEGER) AS month, COUNT(*) AS n "
                f"FROM (SELECT cluster_id, MIN(pub_date) AS d FROM ({ours}) GROUP BY cluster_id) c "
                f"JOIN ({rep}) rep USING (cluster_id) WHERE substr(c.d, 1, 4) = ? "
                f"GROUP BY rep.category, month", [y]):
            categories.setdefault(r["category"], {})[r["month"]] = r["n"]
        by_channel: dict[str, dict[int, int]] = {}
        for r in self.db.query(
                f"SELECT channel, CAST(substr(d, 6, 2) AS INTEGER) AS month, COUNT(*) AS n "
                f"FROM (SELECT channel, cluster_id, MIN(pub_date) AS d FROM ({ours}) "
                f"GROUP BY channel, cluster_id) WHERE substr(d, 1, 4) = ? "
                f"GROUP BY channel, month", [y]):
            by_channel.setdefault(r["channel"], {})[r["month"]] = r["n"]
        return {"categories": categories, "by_channel": by_channel}
