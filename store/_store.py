"""The store: every SQL statement of gongkai lives in this package."""
from __future__ import annotations

import hashlib
import sqlite3
import time
import json
import logging
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import _schema
from ._attribution import AttributionQueries
from ._body_rules import BodyRulesQueries
from ._channels import ChannelQueries
from ._counts import CountQueries
from ._daemon_stops import DaemonStopQueries
from ._dates import DateQueries, keep_hand_set_date
from ._dupes import DupeQueries
from ._db import BUSY_TIMEOUT_S, connect, fault, immediate
from ._ops import OpsQueries
from ._ownership import carried, carry, held
from ._reporting import ReportQueries
from ._review import ReviewQueries
from ._roundtrip import RoundTripQueries
from ._rules import RulesQueries
from ._schema_review import AWAITING_REVIEW
from ._users import UserQueries


log = logging.getLogger(__name__)
ITEM_FIELDS = ("url", "title", "title_norm", "published_at", "pub_date", "date_source", "date_raw",
               "list_date", "body", "byline", "external", "meta_json")


class StoreError(Exception):
    """A request the store cannot honour (unknown item, unknown source ...)."""


class Unavailable(StoreError):
    """The database cannot be used at all: missing (for a reader), another program's, damaged,
    or on a full or read-only disk. The message says which; the web UI answers 503 with it."""


def _text_changed(stored: Sequence[Any], record: Mapping[str, Any]) -> bool:
    """Whether a re-crawled record's text — what attribution reads — differs from the stored."""
    title, body, byline, fields = stored
    new_fields = (record.get("meta") or {}).get("fields")
    return ((record.get("title") or title or "") != (title or "")
            or (record.get("body") or body or "") != (body or "")
            or (record.get("byline") or byline or "") != (byline or "")
            or (new_fields is not None and (json.loads(fields) if fields else None) != new_fields))


def _open(path: str | Path) -> Any:
    """Connect and bring the schema up to date. Another process opening the same new file at
    the same moment (the daemon and the web UI started together) can hold it while it turns it
    into WAL, and SQLite then answers "locked" without waiting: tried again for as long as the
    busy timeout would have waited."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        db = None
        try:
            db = connect(path)
            _schema.apply(db)
            return db
        except sqlite3.OperationalError as e:
            if db is not None:
                db.close()
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _ts(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


class Store(CountQueries, OpsQueries, ChannelQueries, DupeQueries, ReviewQueries, RulesQueries,
            ReportQueries, AttributionQueries, BodyRulesQueries, DateQueries, DaemonStopQueries,
            UserQueries, RoundTripQueries):
    """Items, sources, decisions, audit and runs in one SQLite file (WAL).

    The core lives here; each area's queries live in a mixin module (``_counts``, ``_ops``,
    ``_channels``, ``_review``, ``_rules``, ``_reporting``)."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open (or, with ``create``, start) the database at ``path`` and bring an older gongkai
        schema up to date. A reader passes ``create=False``: a missing or empty file is then an
        error, not a new database. Another program's database is refused and left untouched;
        migrating gongkai's own older schema is fine for readers too (it is ours to upgrade)."""
        self.path = str(path)
        if Path(self.path).is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        db = None
        try:
            whose = _schema.owner(path)
            if whose == "other":
                raise Unavailable(f"{path} is not a gongkai database: it holds another "
                                  "program's tables (nothing was written to it)")
            if whose == "none" and not create:
                raise Unavailable(f"{path} holds no gongkai database yet: run `gongkai crawl` first"
                                  if Path(path).exists() else
                                  f"no database at {path}: run `gongkai crawl` first")
            db = _open(path)
        except sqlite3.DatabaseError as e:
            if db is not None:
                db.close()
            raise Unavailable(f"{path}: {fault(e) or f'not a gongkai database ({e})'}") from None
        self.db = db

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sources -------------------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Mapping[str, Any]], now: datetime,
                     bodies: Sequence[str] | None = None) -> list[str]:
        """Make the sources table match the config. Sources dropped from the config are disabled,
        never deleted: their items stay in the record. A source whose owner changed keeps what
        its earlier items were (store/_ownership.py); returns the notes that say so."""
        seen, notes = [], []
        with immediate(self.db):
            for s in sources:
                seen.append(s["id"])
                row = {"id": s["id"], "type": s["type"], "channel": s["channel"],
                       "url": s.get("url", ""), "enabled": int(s.get("enabled", True)),
                       "config_json": json.dumps(s.get("config", {}), ensure_ascii=False,
                                                 sort_keys=True, default=str)}
                before = self.db.execute(
                    "SELECT type, channel, url, enabled, config_json FROM sources WHERE id = ?",
                    [s["id"]]).fetchone()
                if before is None:
                    self.db["sources"].insert({**row, "created_at": _ts(now),
                                               "updated_at": _ts(now)})
                elif tuple(before) != (row["type"], row["channel"], row["url"], row["enabled"],
                                       row["config_json"]):
                    # every count and crawl syncs: only a row the config changed is written
                    notes.append(carry(self.db, s["id"], before[4], s.get("config", {}), now,
                                       bodies))
                    self.db["sources"].update(s["id"], {**row, "updated_at": _ts(now)})
            marks = ",".join("?" * len(seen)) or "''"
            self.db.execute(f"UPDATE sources SET enabled = 0 WHERE enabled = 1 AND id NOT IN "
                            f"({marks})", seen)
        notes = [n for n in notes if n]
        for note in notes:     # told once: the next sync finds the owner unchanged
            log.warning("%s", note)
        return notes

    def carried_sources(self) -> set[str]:
        """Sources whose owner changed in the config (store/_ownership.py)."""
        return carried(self.db)

    def sources(self) -> list[dict]:
        return list(self.db.query("SELECT * FROM sources ORDER BY id"))

    def source(self, source_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return rows[0] if rows else None

    def memo(self, source_id: str) -> dict:
        src = self.source(source_id)
        return json.loads(src["memo_json"] or "{}") if src else {}

    def set_next_due(self, source_id: str, when: datetime) -> None:
        with immediate(self.db):
            self.db.execute("UPDATE sources SET next_due_at = ? WHERE id = ?", [_ts(when), source_id])

    # -- runs ----------------------------------------------------------------------------------

    def last_run(self, source_id: str) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM runs WHERE source_id = ? ORDER BY id DESC LIMIT 1", [source_id]))
        return rows[0] if rows else None

    def begin_run(self, source_id: str, now: datetime) -> int:
        with immediate(self.db):
            # A run still 'running' was cut short (kill -9, power loss): say so.
            self.db.execute(
                "UPDATE runs SET status = 'failed', reason = 'interrupted', finished_at = ? "
                "WHERE source_id = ? AND status = 'running'", [_ts(now), source_id])
            self.db.execute("UPDATE sources SET last_run_at = ? WHERE id = ?", [_ts(now), source_id])
            return self.db["runs"].insert(
                {"source_id": source_id, "started_at": _ts(now), "status": "running"}).last_pk

    def end_run(self, run_id: int, *, status: str, now: datetime, reason: str = "",
                n_seen: int = 0, n_new: int = 0, memo: Mapping | None = None) -> None:
        if status not in ("ok", "not_modified", "failed"):
            raise ValueError(f"bad run status {status!r}")
        with immediate(self.db):
            run = self.db["runs"].get(run_id)
            self.db["runs"].update(run_id, {"status": status, "reason": reason or None,
                                            "finished_at": _ts(now), "n_seen": n_seen,
                                            "n_new": n_new})
            if status == "failed":
                self.db.execute(
                    "UPDATE sources SET last_error = ?, "
                    "consecutive_failures = consecutive_failures + 1 WHERE id = ?",
                    [reason, run["source_id"]])
            else:
                self.db.execute(
                    "UPDATE sources SET last_success_at = ?, last_error = NULL, "
                    "consecutive_failures = 0, memo_json = ? WHERE id = ?",
                    [_ts(now), json.dumps(dict(memo or {}), ensure_ascii=False),
                     run["source_id"]])

    def runs(self, source_id: str | None = None, limit: int = 20) -> list[dict]:
        where, args = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
        return list(self.db.query(
            f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?", [*args, limit]))

    # -- items ---------------------------------------------------------------------------------

    def is_known(self, source_id: str, key: str) -> bool:
        return bool(self.db.execute(
            "SELECT 1 FROM items WHERE source_id = ? AND key = ?", [source_id, key]).fetchone())

    def save_item(self, source_id: str, channel: str, record: Mapping[str, Any], *,
                  attribution: str, now: datetime, raw: bytes | None = None,
                  raw_url: str = "", raw_content_type: str = "",
                  bodies: Mapping[str, str] | None = None) -> tuple[int, bool]:
        """Insert or refresh one item, its raw page and its cluster in one transaction.

        ``bodies``: for an item of a shared source, the bodies it counts for, each with the
        reason (none: it names no configured body); like ``attribution``, kept as a person
        left them once they decided the item's attribution. Returns ``(item_id, is_new)``.
        Saving the same record twice never adds an item.
        """
        if attribution not in ("ours", "not_ours"):
            raise ValueError(f"bad attribution {attribution!r}")
        fields = {k: record.get(k) for k in ITEM_FIELDS}
        fields["external"] = int(bool(fields["external"]))
        meta = record.get("meta")
        fields["meta_json"] = (json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)
                               if meta else None)
        pub_date = fields["pub_date"]
        fields["pub_year"] = int(pub_date[:4]) if pub_date else None
        # a collector that found the item's own page deleted (a 404, a soft 404) says so in meta:
        # the item stays counted, shown as gone (原文已删除); read again, it is live again
        gone = isinstance(meta, Mapping) and meta.get("upstream") == "gone"
        upstream = "gone" if gone else "live"
        with immediate(self.db):
            # The key, or an alias of it (a WeChat short link resolved earlier), finds the item.
            known_id = self.item_id_for_key(source_id, record["key"])
            row = known_id and self.db.execute(
                "SELECT id, attribution_manual, title, body, byline, "
                "json_extract(meta_json, '$.fields') FROM items WHERE id = ?",
                [known_id]).fetchone()
            if row:
                item_id, manual = row[:2]
                update = {k: v for k, v in fields.items() if v not in (None, "")}
                update.update(last_seen_at=_ts(now), upstream_status=upstream)
                keep_hand_set_date(self.db, item_id, update)   # a person's date stays theirs
                kept = self.item_bodies(item_id) if bodies is not None else {}
                changed = _text_changed(row[2:], record)
                if changed:
                    # new text (a detail page read at last, where the list's title was all there
                    # was): an automatic decision is made again on it; a person's stays
                    self.db.execute("UPDATE items SET ruleset_version = NULL WHERE id = ? AND "
                                    "decided_by = 'auto'", [item_id])
                if bodies is not None and kept and not changed:
                    # the same text judged again: a body it named stays (only a config edit can
                    # have dropped it — an alias renamed, a body added — and that is
                    # gongkai.reattribute's to tell); a body it names now is added
                    bodies = {**kept, **{b: r for b, r in bodies.items() if b not in kept}}
                    attribution = "ours"
                # an item carried from its source's owner stays as a hand-set one does
                if not manual and not held(kept):
                    update["attribution"] = attribution
                    # rewritten only when they differ: each row written marks the 信息 for the
                    # bodies' summary to recount, and a daemon re-reads shared items every poll
                    if bodies is not None and kept != dict(bodies):
                        self.db.execute("DELETE FROM item_bodies WHERE item_id = ?", [item_id])
                        self._save_bodies(item_id, bodies)
                self.db["items"].update(item_id, update)
                is_new = False
            else:
                item_id = self.db["items"].insert({
                    **fields, "source_id": source_id, "key": record["key"], "channel": channel,
                    "attribution": attribution, "upstream_status": upstream,
                    "first_seen_at": _ts(now), "last_seen_at": _ts(now)}).last_pk
                cluster = self._find_cluster(item_id, record["key"])
                # Not the same article by key or alias: gongkai.dupes places it (pending).
                self.db["items"].update(item_id, {"cluster_id": cluster or item_id,
                                                  "dupe_pending": int(cluster is None)})
                self._save_bodies(item_id, bodies or {})
                is_new = True
            if raw:
                self._save_raw(item_id, raw, raw_url or fields["url"] or "", raw_content_type, now)
        return item_id, is_new

    def _save_bodies(self, item_id: int, bodies: Mapping[str, str]) -> None:
        self.db.conn.executemany(
            "INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
            [(item_id, body, reason) for body, reason in bodies.items()])

    def item_bodies(self, item_id: int) -> dict[str, str]:
        """The bodies an item of a shared source counts for, with the reason of each."""
        return dict(self.db.execute("SELECT body, reason FROM item_bodies WHERE item_id = ? "
                                    "ORDER BY body", [item_id]).fetchall())

    def _find_cluster(self, item_id: int, key: str) -> int | None:
        """The cluster of an earlier item that is the very same article: stored under the same
        key (the article through two bridges) or known by it as an alias (a WeChat short link
        resolved before). Anything less certain is the duplicate detector's question
        (``gongkai.dupes``), asked after the save. Only new items come here: a re-crawl never
        moves an item, so a person's merge or split stays as they left it."""
        row = self.db.execute(
            "SELECT cluster_id FROM items WHERE key = ? AND id != ? ORDER BY id LIMIT 1",
            [key, item_id]).fetchone()
        if row:
            return row[0]
        row = self.db.execute(
            "SELECT i.cluster_id FROM item_aliases a JOIN items i ON i.id = a.item_id "
            "WHERE a.alias = ? AND i.id != ? ORDER BY i.id LIMIT 1", [key, item_id]).fetchone()
        return row[0] if row else None

    def _save_raw(self, item_id: int, raw: bytes, url: str, content_type: str,
                  now: datetime) -> None:
        digest = hashlib.sha256(raw).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO raw_pages (item_id, url, fetched_at, content_type, sha256, "
            "size, content_zlib) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item_id, url, _ts(now), content_type, digest, len(raw), zlib.compress(raw, 6)])

    def raw_pages(self, item_id: int) -> list[dict]:
        rows = self.db.query("SELECT * FROM raw_pages WHERE item_id = ? ORDER BY id", [item_id])
        return [{**r, "content": zlib.decompress(r.pop("content_zlib"))} for r in rows]

    def item(self, item_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM items WHERE id = ?", [item_id]))
        if not rows:
            raise StoreError(f"no item with id {item_id}")
        return rows[0]

    def items(self, *, year: int | None = None, source_id: str | None = None) -> list[dict]:
        where, args = [], []
        if year is not None:
            where.append("pub_year = ?")
            args.append(year)
        if source_id:
            where.append("source_id = ?")
            args.append(source_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return list(self.db.query(f"SELECT * FROM items {clause} ORDER BY id", args))

    def item_count(self) -> int:
        return self.db["items"].count

    # -- decisions -----------------------------------------------------------------------------

    def pending_classification(self, ruleset_version: str) -> list[dict]:
        """Items never classified, or classified automatically under another ruleset, with
        their current decision (category, score, margin, needs_review, evidence_json) and the
        collector's ``date_review`` (why a person must settle the item's date, or None)."""
        return list(self.db.query(
            "SELECT i.id, i.title, i.body, i.category, i.score, i.margin, i.needs_review, "
            "d.evidence_json, json_extract(i.meta_json, '$.date_review') AS date_review "
            "FROM items i LEFT JOIN decisions d ON d.id = i.decision_id "
            "WHERE i.category IS NULL OR (i.decided_by = 'auto' AND i.ruleset_version IS NOT ?) "
            "ORDER BY i.id", [ruleset_version]))

    def apply_decision(self, item_id: int, decision: Mapping[str, Any], *, now: datetime,
                       method: str = "auto", actor: str = "gongkai", reason: str = "") -> bool:
        """Record a decision. An automatic one never overrides a manual one (returns False)."""
        if method not in ("auto", "manual"):
            raise ValueError(f"bad decision method {method!r}")
        with immediate(self.db):
            row = self.db.execute("SELECT category, decided_by FROM items WHERE id = ?",
                                  [item_id]).fetchone()
            if row is None:
                raise StoreError(f"no item with id {item_id}")
            old_category, decided_by = row
            if method == "auto" and decided_by == "manual":
                return False
            dec_id = self.db["decisions"].insert({
                "item_id": item_id, "category": decision["category"],
                "score": decision.get("score"), "margin": decision.get("margin"),
                "needs_review": int(bool(decision.get("needs_review"))) if method == "auto" else 0,
                "evidence_json": json.dumps(decision.get("evidence", []), ensure_ascii=False),
                "ruleset_version": decision.get("ruleset_version"), "method": method,
                "actor": actor, "reason": reason or None, "decided_at": _ts(now)}).last_pk
            self.db["items"].update(item_id, {
                "category": decision["category"], "score": decision.get("score"),
                "margin": decision.get("margin"),
                "needs_review": int(bool(decision.get("needs_review"))) if method == "auto" else 0,
                "decided_by": method, "ruleset_version": decision.get("ruleset_version"),
                "decision_id": dec_id})
            if method == "manual":
                self.db["audit"].insert({
                    "at": _ts(now), "actor": actor, "item_id": item_id, "action": "category",
                    "old": old_category, "new": decision["category"], "reason": reason or None})
        return True

    def audit(self, item_id: int | None = None) -> list[dict]:
        if item_id is None:
            return list(self.db.query("SELECT * FROM audit ORDER BY id"))
        return list(self.db.query("SELECT * FROM audit WHERE item_id = ? ORDER BY id", [item_id]))

    def review_backlog(self) -> int:
        """Items whose automatic decision is flagged for review and nobody has decided yet."""
        return self.db.execute("SELECT COUNT(*) FROM items WHERE attribution = 'ours' AND "
                               + AWAITING_REVIEW).fetchone()[0]

    def review_backlog_by_year(self) -> dict[int | None, int]:
        """review_backlog per year of publication, newest first (None: undated), each equal to
        what ``counts(year)["unreviewed"]`` says for that year."""
        return dict(self.db.execute(
            "SELECT pub_year, COUNT(*) FROM items WHERE attribution = 'ours' AND " + AWAITING_REVIEW
            + " GROUP BY pub_year ORDER BY pub_year IS NULL, pub_year DESC"
        ).fetchall())
