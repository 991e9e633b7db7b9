"""The duplicate detector's queries, mixed into :class:`store.Store`. The detector itself (what
makes two items one 信息) is ``gongkai.dupes``; here are only the rows it reads and the moves it
asks for, each in one transaction, audited, and never moving what a person placed by hand.

Clusters keep the invariant of ``_channels``: a cluster id in use is the id of one of its members.
An item placed into another cluster takes its whole (automatic) cluster along, so the id it
leaves behind is not left without its member.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Container, Iterable

from ._db import immediate

_FIELDS = ("id, cluster_id, cluster_manual, dupe_pending, source_id, channel, key, url, title, "
           "body, byline, pub_date, meta_json")


def _row(cur, row) -> dict:
    out = dict(zip([c[0] for c in cur.description], row))
    meta = out.pop("meta_json", None)
    out["meta"] = json.loads(meta) if meta else {}
    aliases = out.pop("aliases", None)
    out["links"] = tuple(aliases.split("\n")) if aliases else ()
    return out


class DupeQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    def _dupe_rows(self, where: str, args: list) -> list[dict]:
        cur = self.db.execute(
            f"SELECT {_FIELDS}, (SELECT group_concat(alias, char(10)) FROM item_aliases a "
            f"WHERE a.item_id = items.id) AS aliases FROM items WHERE {where}", args)
        return [_row(cur, r) for r in cur.fetchall()]

    def pending_dupes(self, limit: int = 1000) -> list[dict]:
        """Items saved but not yet placed by the detector, oldest publication first."""
        return self._dupe_rows("dupe_pending = 1 ORDER BY pub_date IS NULL, pub_date, id LIMIT ?",
                               [limit])

    def unsettled(self, year: int | None = None) -> int:
        """Items saved but not yet placed into a 信息 or not yet classified — left by a run cut
        short (kill -9, a crash) until the next crawl, import or reclassify settles them: the
        counts leave them out meanwhile. Of one publication year, or of any."""
        where, args = "(dupe_pending = 1 OR category IS NULL)", []
        if year is not None:
            where, args = where + " AND pub_year = ?", [year]
        return self.db.execute(f"SELECT COUNT(*) FROM items WHERE {where}", args).fetchone()[0]

    def dupe_candidates(self, item_id: int, pub_date: str | None, days: int,
                        keys: Iterable[str] = (), pending: bool = False,
                        have: Container[int] = ()) -> list[dict]:
        """Placed items (and with ``pending`` the unplaced too) published within ``days`` of
        ``pub_date``, and any such item known by one of ``keys`` (identity needs no date). Items
        in ``have`` (the caller read them already) come as ``id, cluster_id, dupe_pending`` only:
        a pass placing a crawl's items does not read the same bodies again for each of them."""
        keys = [k for k in keys if k]
        placed = "1" if pending else "dupe_pending = 0"
        where, args = [], []
        if keys:
            marks = ",".join("?" * len(keys))
            where.append(f"key IN ({marks}) OR url IN ({marks}) OR id IN "
                         f"(SELECT item_id FROM item_aliases WHERE alias IN ({marks}))")
            args += [*keys, *keys, *keys]
        if pub_date:
            d = date.fromisoformat(pub_date)
            where.append("pub_date BETWEEN ? AND ?")
            args += [(d - timedelta(days=days)).isoformat(), (d + timedelta(days=days)).isoformat()]
        if not where:
            return []
        light = self.db.execute(
            f"SELECT id, cluster_id, dupe_pending, pub_date FROM items WHERE id != ? AND {placed} "
            f"AND ({' OR '.join(f'({w})' for w in where)}) ORDER BY pub_date IS NULL, pub_date, id",
            [item_id, *args]).fetchall()
        missing = [r[0] for r in light if r[0] not in have]
        full = {}
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            full.update((r["id"], r) for r in self._dupe_rows(
                f"id IN ({','.join('?' * len(chunk))})", chunk))
        return [full.get(r[0]) or {"id": r[0], "cluster_id": r[1], "dupe_pending": r[2],
                                   "pub_date": r[3]} for r in light]

    def items_for_dupes(self) -> list[dict]:
        """Every item, for a rebuild, oldest publication first."""
        return self._dupe_rows("1 ORDER BY pub_date IS NULL, pub_date, id", [])

    def place_item(self, item_id: int, cluster_id: int | None, *, now: datetime, reason: str,
                   pairs: Iterable[tuple[int, float, str]] = ()) -> bool:
        """Settle a pending item: join ``cluster_id`` (with the items of its own automatic
        cluster; ``reason`` kept on the item), record the undecided ``pairs`` (other item, score,
        reason) for review, and clear its pending mark — all or nothing. Returns whether the item
        moved. A first placement is no change of a decision: not in the audit log."""
        moved = False
        with immediate(self.db):
            row = self.db.execute("SELECT cluster_id, cluster_manual, dupe_pending FROM items "
                                  "WHERE id = ?", [item_id]).fetchone()
            if row is None or not row[2]:
                return False
            own, manual = row[0], row[1]
            if cluster_id is not None and cluster_id != own and not manual:
                members = [r[0] for r in self.db.execute(
                    "SELECT id FROM items WHERE cluster_id = ? AND cluster_manual = 0", [own])]
                for mid in members:
                    self.db.execute("UPDATE items SET cluster_id = ?, cluster_reason = ? WHERE id = ?",
                                    [cluster_id, reason, mid])
                moved = True
            for other, score, why in pairs:
                self._open_pair(item_id, other, score, why, now)
            self.db.execute("UPDATE items SET dupe_pending = 0 WHERE id = ?", [item_id])
        return moved

    def _open_pair(self, a: int, b: int, score: float, reason: str, now: datetime) -> None:
        lo, hi = sorted((a, b))
        self.db.execute(
            "INSERT OR IGNORE INTO dupe_pairs (item_id, other_id, score, reason, status, created_at) "
            "VALUES (?, ?, ?, ?, 'open', ?)", [lo, hi, score, reason, now.isoformat(timespec="seconds")])

    def dupe_pairs(self, status: str | None = "open", year: int | None = None) -> list[dict]:
        """Pairs the detector left to a person, with both items' texts side by side."""
        where, args = ["1"], []
        if status:
            where.append("p.status = ?")
            args.append(status)
        if year is not None:
            where.append("(a.pub_year = ? OR b.pub_year = ?)")
            args += [year, year]
        cols = ("id", "channel", "source_id", "title", "body", "pub_date", "url", "cluster_id",
                "attribution")
        sel = ", ".join([f"a.{c} AS a_{c}" for c in cols] + [f"b.{c} AS b_{c}" for c in cols])
        cur = self.db.execute(
            f"SELECT p.id, p.score, p.reason, p.status, p.created_at, p.decided_by, {sel} "
            "FROM dupe_pairs p JOIN items a ON a.id = p.item_id JOIN items b ON b.id = p.other_id "
            f"WHERE {' AND '.join(where)} ORDER BY p.score DESC, p.id", args)
        names = [c[0] for c in cur.description]
        out = []
        for r in cur.fetchall():
            d = dict(zip(names, r))
            pair = {k: d[k] for k in ("id", "score", "reason", "status", "created_at", "decided_by")}
            pair["a"] = {c: d[f"a_{c}"] for c in cols}
            pair["b"] = {c: d[f"b_{c}"] for c in cols}
            out.append(pair)
        return out

    def open_pairs_of(self, item_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
        """For each of these items, its open possible-duplicate pairs as (pair id, other item)."""
        ids = list(item_ids)
        out: dict[int, list[tuple[int, int]]] = {}
        if not ids:
            return out
        marks = ",".join("?" * len(ids))
        for pair, a, b in self.db.execute(
                f"SELECT id, item_id, other_id FROM dupe_pairs WHERE status = 'open' AND "
                f"(item_id IN ({marks}) OR other_id IN ({marks})) ORDER BY id", ids + ids):
            for mine, other in ((a, b), (b, a)):
                if mine in ids:
                    out.setdefault(mine, []).append((pair, other))
        return out

    def decide_dupe_pair(self, pair_id: int, decision: str, *, now: datetime, actor: str) -> dict:
        """A person's answer: ``merged`` (one 信息: the clusters join, by hand) or ``apart``
        (two: they stay or become separate clusters, and no rebuild joins them again)."""
        if decision not in ("merged", "apart"):
            raise ValueError(f"bad decision {decision!r}")
        row = self.db.execute("SELECT item_id, other_id, status FROM dupe_pairs WHERE id = ?",
                              [pair_id]).fetchone()
        if row is None:
            from ._store import StoreError
            raise StoreError(f"no possible-duplicate pair {pair_id}")
        a, b, _status = row
        if decision == "merged":
            self.merge_items([a, b], now=now, actor=actor, reason=f"possible duplicate #{pair_id}")
        else:
            same = self.db.execute("SELECT (SELECT cluster_id FROM items WHERE id = ?) = "
                                   "(SELECT cluster_id FROM items WHERE id = ?)", [a, b]).fetchone()[0]
            if same:
                self.split_item(b, now=now, actor=actor, reason=f"not a duplicate (#{pair_id})")
        with immediate(self.db):
            self.db.execute("UPDATE dupe_pairs SET status = ?, decided_at = ?, decided_by = ? "
                            "WHERE id = ?", [decision, now.isoformat(timespec="seconds"), actor, pair_id])
        return {"id": pair_id, "item_id": a, "other_id": b, "status": decision}

    def kept_apart(self) -> set[tuple[int, int]]:
        return {(r[0], r[1]) for r in self.db.execute(
            "SELECT item_id, other_id FROM dupe_pairs WHERE status = 'apart'")}

    def apply_cluster_moves(self, moves: Iterable[tuple[int, int, str]], pairs: Iterable[tuple[int, int, float, str]],
                            *, now: datetime, actor: str) -> int:
        """A rebuild's plan in one transaction: ``(item, new cluster, reason)`` moves (never of an
        item placed by hand) and newly undecided pairs. Returns the moves made."""
        n = 0
        with immediate(self.db):
            for item_id, cluster_id, why in moves:
                row = self.db.execute("SELECT cluster_id, cluster_manual FROM items WHERE id = ?",
                                      [item_id]).fetchone()
                if row is None or row[1] or row[0] == cluster_id:
                    continue
                self.db.execute("UPDATE items SET cluster_id = ?, dupe_pending = 0, cluster_reason = ? "
                                "WHERE id = ?", [cluster_id, why, item_id])
                self._audit_cluster(item_id, row[0], cluster_id, now, actor, why)
                n += 1
            for a, b, score, why in pairs:
                self._open_pair(a, b, score, why, now)
            self.db.execute("UPDATE items SET dupe_pending = 0 WHERE dupe_pending = 1")
        return n
