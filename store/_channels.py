"""Channel queries mixed into :class:`store.Store`: clusters (one 信息 across channels) and their
manual merge/split, and item aliases (other keys of one item). Which items are one 信息 is
decided by ``gongkai.dupes`` through ``_dupes``.

Clusters keep one invariant that merge and split rely on: a cluster id in use is the id of one of
its members (a new item starts the cluster of its own id). So an item leaving its cluster can take
its own id, and a split never collides with another cluster.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from ._db import immediate


class ChannelQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    # -- clusters ------------------------------------------------------------------------------

    def clusters(self, year: int | None = None) -> list[dict]:
        """Clusters with more than one item (in ``year``: with at least one item dated in it),
        oldest first; each ``{"cluster_id", "manual", "items": [item rows]}``."""
        args: list = []
        having = "HAVING COUNT(*) > 1"
        if year is not None:
            having += " AND SUM(pub_year = ?) > 0"
            args.append(year)
        rows = list(self.db.query(
            "SELECT id, cluster_id, cluster_manual, source_id, channel, key, url, title, pub_date, "
            "attribution, category, decided_by FROM items WHERE cluster_id IN (SELECT cluster_id "
            f"FROM items GROUP BY cluster_id {having}) ORDER BY cluster_id, pub_date, id", args))
        out: dict[int, dict] = {}
        for r in rows:
            c = out.setdefault(r["cluster_id"], {"cluster_id": r["cluster_id"], "manual": False,
                                                 "items": []})
            c["items"].append(r)
            c["manual"] = c["manual"] or bool(r["cluster_manual"])
        return sorted(out.values(), key=lambda c: (min(i["pub_date"] or "9999"
                                                       for i in c["items"]), c["cluster_id"]))

    def merge_items(self, item_ids: Iterable[int], *, now: datetime, actor: str,
                    reason: str = "") -> int:
        """Put the clusters of these items together (a person says they are one 信息). Every item
        that moves is marked ``cluster_manual`` and audited; returns the cluster id."""
        ids = sorted(set(item_ids))
        if len(ids) < 2:
            raise _store_error("merge needs at least two items")
        with immediate(self.db):
            clusters = {r[0]: r[1] for r in self.db.execute(
                f"SELECT id, cluster_id FROM items WHERE id IN ({','.join('?' * len(ids))})", ids)}
            missing = [i for i in ids if i not in clusters]
            if missing:
                raise _store_error(f"no item with id {missing[0]}")
            target = min(clusters.values())
            cids = sorted(set(clusters.values()))
            members = list(self.db.execute(
                f"SELECT id, cluster_id, cluster_manual FROM items WHERE cluster_id IN "
                f"({','.join('?' * len(cids))}) ORDER BY id", cids))
            for mid, cid, manual in members:
                if cid == target and (manual or mid not in ids):
                    continue
                self.db.execute("UPDATE items SET cluster_id = ?, cluster_manual = 1 WHERE id = ?",
                                [target, mid])
                self._audit_cluster(mid, cid, target, now, actor, reason or "merge")
        return target

    def split_item(self, item_id: int, *, now: datetime, actor: str, reason: str = "") -> int:
        """Take one item out of its cluster into a cluster of its own (a person says it is another
        信息); marked ``cluster_manual`` and audited. Returns the item's new cluster id."""
        with immediate(self.db):
            row = self.db.execute("SELECT cluster_id FROM items WHERE id = ?", [item_id]).fetchone()
            if row is None:
                raise _store_error(f"no item with id {item_id}")
            cid = row[0]
            others = [r[0] for r in self.db.execute(
                "SELECT id FROM items WHERE cluster_id = ? AND id != ? ORDER BY id",
                [cid, item_id])]
            if not others:
                raise _store_error(f"item {item_id} is alone in its cluster; nothing to split")
            if cid == item_id:
                # the cluster carried this item's id: the ones that stay take the smallest of theirs
                self.db.execute("UPDATE items SET cluster_id = ? WHERE cluster_id = ? AND id != ?",
                                [others[0], cid, item_id])
            self.db.execute("UPDATE items SET cluster_id = ?, cluster_manual = 1 WHERE id = ?",
                            [item_id, item_id])
            self._audit_cluster(item_id, cid, item_id, now, actor, reason or "split")
        return item_id

    def _audit_cluster(self, item_id: int, old: int, new: int, now: datetime, actor: str,
                       reason: str) -> None:
        self.db["audit"].insert({"at": now.isoformat(timespec="seconds"), "actor": actor,
                                 "item_id": item_id, "action": "cluster", "old": str(old),
                                 "new": str(new), "reason": reason or None})

    # -- items by key and alias ----------------------------------------------------------------

    def item_id_for_key(self, source_id: str, key: str) -> int | None:
        """The item of this source stored under ``key`` or known by it as an alias."""
        row = self.db.execute("SELECT id FROM items WHERE source_id = ? AND key = ?",
                              [source_id, key]).fetchone()
        if row:
            return row[0]
        row = self.db.execute("SELECT item_id FROM item_aliases WHERE source_id = ? AND alias = ?",
                              [source_id, key]).fetchone()
        return row[0] if row else None

    def is_known_key(self, source_id: str, key: str) -> bool:
        """Like ``is_known`` but also true for an alias (a WeChat short link already resolved)."""
        return self.item_id_for_key(source_id, key) is not None

    def same_title(self, item_id: int) -> list[dict]:
        """The other counted ('ours') items of the item's source under the same headline
        (``title_norm``) on another day, oldest first: on a hand-kept source, an entry typed
        again with its date corrected leaves the mistyped one counted beside it."""
        return list(self.db.query(
            "SELECT o.id, o.pub_date, o.title FROM items i JOIN items o ON o.source_id = "
            "i.source_id AND o.title_norm = i.title_norm AND o.id != i.id WHERE i.id = ? AND "
            "o.attribution = 'ours' AND COALESCE(o.pub_date, '') != COALESCE(i.pub_date, '') "
            "ORDER BY o.pub_date, o.id", [item_id]))

    def left_out(self, source_id: str, origin: str, present: Iterable[int]) -> list[dict]:
        """The counted items of ``source_id`` last saved from ``origin`` (``meta.origin``: a
        spreadsheet's name) that are not ``present``: rows a corrected copy of that file
        dropped or changed."""
        keep = set(present)
        return [r for r in self.db.query(
            "SELECT id, pub_date, title FROM items WHERE source_id = ? AND attribution = 'ours' "
            "AND json_extract(meta_json, '$.origin') = ? ORDER BY pub_date, id",
            [source_id, origin]) if r["id"] not in keep]

    def add_aliases(self, source_id: str, item_id: int, aliases: Iterable[str],
                    now: datetime) -> int:
        """Record other keys of an item; an alias already pointing elsewhere is left alone.
        Returns how many were new."""
        n = 0
        with immediate(self.db):
            key = self.db.execute("SELECT key FROM items WHERE id = ?", [item_id]).fetchone()
            if key is None:
                raise _store_error(f"no item with id {item_id}")
            for alias in dict.fromkeys(aliases):
                if not alias or alias == key[0]:
                    continue
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO item_aliases (source_id, alias, item_id, created_at) "
                    "VALUES (?, ?, ?, ?)", [source_id, alias, item_id,
                                            now.isoformat(timespec="seconds")])
                n += cur.rowcount
        return n

    def aliases(self, item_id: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT alias FROM item_aliases WHERE item_id = ? ORDER BY id", [item_id])]


def _store_error(message: str) -> Exception:
    from ._store import StoreError   # _store imports this module; import at call time
    return StoreError(message)
