"""Store queries of operations (issue 8): due sources, failure streaks, heartbeat, alerts.

Mixed into :class:`store.Store` (self.db is the sqlite-utils Database; writes inside
``with immediate(self.db):``)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ._db import immediate

# Failed runs that say nothing about the source's health: the daemon was stopped or killed.
NOT_THE_SOURCES_FAULT = ("interrupted", "stopped before the end of the pass")


def _ts(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


class OpsQueries:
    db: Any

    # -- scheduling ----------------------------------------------------------------------------

    def due_source_ids(self, now: datetime) -> list[str]:
        """Enabled sources due at ``now`` (UTC), most overdue first; never-run sources first of all."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM sources WHERE enabled = 1 AND (next_due_at IS NULL OR next_due_at <= ?) "
            "ORDER BY next_due_at IS NOT NULL, next_due_at, id", [_ts(now)])]

    def failure_streak(self, source_id: str, limit: int = 100) -> tuple[int, str]:
        """How many runs in a row failed, newest first, and the newest failure's reason.

        Runs cut short by a stop or a kill neither count nor break the streak."""
        streak, reason = 0, ""
        for status, why in self.db.execute(
                "SELECT status, reason FROM runs WHERE source_id = ? AND status != 'running' "
                "ORDER BY id DESC LIMIT ?", [source_id, limit]):
            if status != "failed":
                break
            if why in NOT_THE_SOURCES_FAULT:
                continue
            streak += 1
            reason = reason or (why or "")
        return streak, reason

    def reading_of(self, source_id: str, *, oldest: bool = False) -> dict:
        """How far the record says a source has been read: its newest good pass (``good_at``:
        when the newest ok / not-modified run started), the failed runs since (``failed``, the
        first one's start ``failed_since``, the newest one's ``reason``); with ``oldest``, the
        oldest publication date it holds (a scan of its items: ask only when needed)."""
        good = self.db.execute(
            "SELECT id, started_at FROM runs WHERE source_id = ? AND status IN "
            "('ok', 'not_modified') ORDER BY id DESC LIMIT 1", [source_id]).fetchone()
        after = good[0] if good else 0
        failed, since = self.db.execute(
            "SELECT COUNT(*), MIN(started_at) FROM runs WHERE source_id = ? AND id > ? "
            "AND status = 'failed'", [source_id, after]).fetchone()
        reason = self.db.execute(
            "SELECT reason FROM runs WHERE source_id = ? AND id > ? AND status = 'failed' "
            "ORDER BY id DESC LIMIT 1", [source_id, after]).fetchone() if failed else None
        first = self.db.execute("SELECT MIN(pub_date) FROM items WHERE source_id = ?",
                                [source_id]).fetchone()[0] if oldest else None
        return {"good_at": good[1] if good else None, "failed": failed, "failed_since": since,
                "reason": (reason[0] or "") if reason else "", "oldest": first}

    def fail_open_run(self, source_id: str, reason: str, now: datetime) -> None:
        """Close the source's run left 'running' by a crash inside the collector."""
        row = self.db.execute("SELECT id FROM runs WHERE source_id = ? AND status = 'running' "
                              "ORDER BY id DESC LIMIT 1", [source_id]).fetchone()
        if row:
            self.end_run(row[0], status="failed", reason=reason, now=now)  # type: ignore[attr-defined]

    def item_rhythm(self, source_id: str, limit: int = 200) -> list[str]:
        """first_seen_at of the source's newest items (newest first): its publishing rhythm."""
        return [r[0] for r in self.db.execute(
            "SELECT first_seen_at FROM items WHERE source_id = ? ORDER BY first_seen_at DESC "
            "LIMIT ?", [source_id, limit])]

    def new_items_since(self, since: datetime) -> int:
        return self.db.execute("SELECT COUNT(*) FROM items WHERE first_seen_at >= ?",
                               [_ts(since)]).fetchone()[0]

    # -- heartbeat -----------------------------------------------------------------------------

    def heartbeat(self, *, pid: int, host: str, now: datetime, started: bool = False) -> None:
        with immediate(self.db):
            if started or not self.db.execute("SELECT 1 FROM ops_heartbeat WHERE id = 1").fetchone():
                self.db.execute(
                    "INSERT OR REPLACE INTO ops_heartbeat (id, pid, host, started_at, beat_at, ticks)"
                    " VALUES (1, ?, ?, ?, ?, 0)", [pid, host, _ts(now), _ts(now)])
            self.db.execute("UPDATE ops_heartbeat SET beat_at = ?, ticks = ticks + 1, pid = ? "
                            "WHERE id = 1", [_ts(now), pid])

    def last_heartbeat(self) -> dict | None:
        rows = list(self.db.query("SELECT * FROM ops_heartbeat WHERE id = 1"))
        return rows[0] if rows else None

    # -- alerts --------------------------------------------------------------------------------

    def open_alert(self, source: str, kind: str) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM alerts WHERE source = ? AND kind = ? AND resolved_at IS NULL "
            "ORDER BY id DESC LIMIT 1", [source, kind]))
        return rows[0] if rows else None

    def open_alerts(self) -> list[dict]:
        return list(self.db.query("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id"))

    def alerts(self, limit: int = 100) -> list[dict]:
        return list(self.db.query("SELECT * FROM alerts ORDER BY id DESC LIMIT ?", [limit]))

    def add_alert(self, source: str, kind: str, *, subject: str, body: str, now: datetime,
                  ref: str = "", resolved: bool = False) -> int:
        with immediate(self.db):
            return self.db["alerts"].insert({
                "source": source, "kind": kind, "ref": ref, "subject": subject, "body": body,
                "opened_at": _ts(now), "resolved_at": _ts(now) if resolved else None,
                "delivered": "[]", "attempts": 0}).last_pk

    def has_alert_ref(self, kind: str, ref: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM alerts WHERE kind = ? AND ref = ?",
                                    [kind, ref]).fetchone())

    def resolve_alert(self, alert_id: int, now: datetime) -> None:
        with immediate(self.db):
            self.db.execute("UPDATE alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
                            [_ts(now), alert_id])

    def alerts_to_send(self, now: datetime) -> list[dict]:
        """Unsent alerts whose retry pause is over. A source alert resolved before it could be sent
        is dropped (the problem is gone); a digest is opened resolved and still goes out."""
        return list(self.db.query(
            "SELECT * FROM alerts WHERE sent_at IS NULL "
            "AND (resolved_at IS NULL OR kind = 'digest') "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id", [_ts(now)]))

    def record_delivery(self, alert_id: int, *, delivered: list[str], done: bool, now: datetime,
                        error: str = "", retry_at: datetime | None = None) -> None:
        with immediate(self.db):
            self.db.execute(
                "UPDATE alerts SET delivered = ?, sent_at = ?, attempts = attempts + ?, "
                "last_send_error = ?, next_attempt_at = ? WHERE id = ?",
                [json.dumps(delivered), _ts(now) if done else None, 0 if done else 1,
                 error or None, _ts(retry_at) if retry_at else None, alert_id])
