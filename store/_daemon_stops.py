"""How the daemon last ended, and what a pass cut short left behind (mixed into
:class:`store.Store`), so `gongkai status` tells a clean stop from a kill or a crash."""
from __future__ import annotations

from datetime import datetime

from ._db import immediate


class DaemonStopQueries:
    def record_stop(self, now: datetime) -> None:
        """The daemon shut down cleanly: its pass finished or recorded as stopped."""
        with immediate(self.db):
            self.db.execute("UPDATE ops_heartbeat SET stopped_at = ? WHERE id = 1",
                            [now.isoformat(timespec="seconds")])

    def saved_since(self, source_id: str, started_at: str) -> int:
        """Items first saved from the source since ``started_at`` (a pass's start)."""
        return self.db.execute(
            "SELECT COUNT(*) FROM items WHERE source_id = ? AND first_seen_at >= ?",
            [source_id, started_at]).fetchone()[0]
