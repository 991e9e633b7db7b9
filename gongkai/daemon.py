"""`gongkai run`: poll each source on its interval until SIGTERM/SIGINT.

`schedule` is only the tick; when each source is due lives in the database (sources.next_due_at),
so a restart picks up overdue sources instead of waiting a whole interval or repeating work.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta

import schedule

from classifier import Classifier
from store import Store

from . import pipeline
from .config import Config

log = logging.getLogger(__name__)


def due_sources(cfg: Config, st: Store, now: datetime) -> list:
    """Enabled sources whose next due time has come (never-run sources are due at once)."""
    due = []
    for src in cfg.sources:
        if not src.enabled:
            continue
        row = st.source(src.id)
        next_due = row and row["next_due_at"]
        if not next_due or datetime.fromisoformat(next_due) <= now:
            due.append(src)
    return due


def tick(cfg: Config, st: Store, clf: Classifier, http, *, clock=pipeline.utcnow,
         should_stop=lambda: False) -> list[pipeline.RunResult]:
    """Run every due source once; one failing source never stops the others."""
    results = []
    for src in due_sources(cfg, st, clock()):
        if should_stop():
            break
        try:
            r = pipeline.collect_source(src, cfg, st, http, since=None, clock=clock,
                                        should_stop=should_stop)
        except Exception:  # a bug in one collector must not kill the daemon
            log.exception("source %s crashed", src.id)
            r = pipeline.RunResult(src.id, "failed", reason="internal error (see log)")
        results.append(r)
        st.set_next_due(src.id, clock() + timedelta(seconds=src.interval_s))
    if results:
        pipeline.classify_pending(st, clf, clock)
    return results


def run(cfg: Config, st: Store, clf: Classifier, http, *, clock=pipeline.utcnow,
        stop: threading.Event | None = None, tick_seconds: float = 1.0) -> None:
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    st.sync_sources([s.as_row() for s in cfg.sources], clock())
    scheduler = schedule.Scheduler()
    scheduler.every(tick_seconds).seconds.do(
        lambda: tick(cfg, st, clf, http, clock=clock, should_stop=stop.is_set))
    log.info("gongkai run: %d sources", len(cfg.sources))
    tick(cfg, st, clf, http, clock=clock, should_stop=stop.is_set)
    while not stop.is_set():
        scheduler.run_pending()
        stop.wait(tick_seconds)
    log.info("gongkai run: stopped")
