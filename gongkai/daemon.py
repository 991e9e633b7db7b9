"""`gongkai run`: poll each source on its interval until SIGTERM/SIGINT.

`schedule` is only the tick (reference/libraries-anchors.md §1.5). When each source is due lives
in the database (sources.next_due_at), so a restart picks up overdue sources instead of waiting a
whole interval or repeating work. Each tick: heartbeat, every due source once (a crash in one is
caught and recorded as its failure), classify what is new, alerts, digest, nightly backup.

Due sources on different hosts run side by side (a thread per host, up to ``WORKERS``, each with
its own connection to the database), those on one host one after another, so a stalled host
delays only its own sources and the per-host politeness delays still hold. A host is the URL's
host name, the port left out, as ``collectors.Http`` keeps its per-host delay: two ports of one
machine are one server to be polite to.
"""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Callable
from urllib.parse import urlsplit

import schedule

import collectors
from classifier import Classifier
from store import Store

from . import alerts, backup, clustering, crash, pipeline, reattribute
from .config import Config, Source

log = logging.getLogger(__name__)

JITTER = 0.1                 # next run at interval ± 10 %, fixed per source: sources spread out
RETRY_FIRST_S = 600          # after a failure retry in 10 min, then 20, 40 ... (exponential backoff)
BACKOFF_CAP_S = 6 * 3600     # ... but never wait longer than max(interval, 6 h)
ALERT_SWEEP_S = 3600         # quiet sources are looked for hourly; failing ones after every run
STOP_GRACE_S = 8.0           # SIGTERM: exit 0 within 10 s even if a request hangs
STOPPING_TIMEOUT = (3.05, 3.0)
# Hosts polled side by side in one tick. A district's 320 sources sit on some 40 hosts: with
# fewer threads than hosts, a host waited for another's politeness delays before its first
# request (issue 17 #5). The threads mostly wait on the network; each holds a connection.
WORKERS = 64
# the pipeline's reason for a pass cut short by a stop; the store ignores such runs in streaks
STOPPED = pipeline.STOPPED


def jitter_s(source_id: str, interval_s: int) -> float:
    """A fixed offset in [-JITTER, +JITTER) x interval, seeded by the source id (deterministic)."""
    h = int.from_bytes(hashlib.sha256(source_id.encode("utf-8")).digest()[:8], "big")
    return (h / 2 ** 64 * 2 - 1) * JITTER * interval_s


def host_of(src: Source) -> str:
    """The host a source is polled on (its URL's host name, as ``collectors.Http`` keeps its
    per-host delays); sources without a URL share the empty host."""
    try:
        return (urlsplit(src.url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def next_due(src: Source, now: datetime, streak: int) -> datetime:
    """When to poll ``src`` again after a run ending at ``now`` with ``streak`` failures in a row."""
    if streak <= 0:
        return now + timedelta(seconds=src.interval_s + jitter_s(src.id, src.interval_s))
    first = min(RETRY_FIRST_S, src.interval_s)
    cap = max(src.interval_s, BACKOFF_CAP_S)
    return now + timedelta(seconds=min(first * 2 ** min(streak - 1, 30), cap))


class _StoppableHttp:
    """The HTTP client as the collectors see it: once stopping, the next request fails at once, so
    a pass ends between pages instead of walking the rest of the column.

    Every public method is guarded except those known to send nothing: a request method added to
    ``collectors.Http`` later (a HEAD, say) honours the stop without anyone remembering it here,
    as ``post`` (Hanweb's paging) once did not."""

    _SENDS_NOTHING = frozenset({"close"})

    def __init__(self, http, should_stop: Callable[[], bool]) -> None:
        self._http = http
        self._should_stop = should_stop

    def __getattr__(self, name: str):
        attr = getattr(self._http, name)
        if name.startswith("_") or name in self._SENDS_NOTHING or not callable(attr):
            return attr

        def guarded(*args, **kw):
            if self._should_stop():
                url = args[0] if args else kw.get("url", "")
                raise collectors.FetchError(STOPPED, url=str(url), kind="network")
            return attr(*args, **kw)
        return guarded


class Daemon:
    """One tick of the daemon at a time; all time comes from ``clock`` (tests drive it)."""

    def __init__(self, cfg: Config, st: Store, clf: Classifier, http, *,
                 clock: pipeline.Clock = pipeline.utcnow, stop: threading.Event | None = None,
                 webhook: Callable = alerts.send_webhook, email: Callable = alerts.send_email,
                 pid: int | None = None) -> None:
        self.cfg, self.st, self.clf = cfg, st, clf
        self.clock = clock
        self.stop = stop or threading.Event()
        self.http = _StoppableHttp(http, self.stop.is_set)
        self._send = {"webhook": webhook, "email": email}
        self.pid = os.getpid() if pid is None else pid
        self._last_sweep: datetime | None = None

    def start(self) -> None:
        now = self.clock()
        reattribute.sync(self.cfg, self.st, now)
        self.st.heartbeat(pid=self.pid, host=socket.gethostname(), now=now, started=True)
        log.info("gongkai run: %d sources (%d enabled)", len(self.cfg.sources),
                 sum(s.enabled for s in self.cfg.sources))

    def tick(self) -> list[pipeline.RunResult]:
        """Run every due source once, then the housekeeping. Never raises for one source's sake."""
        now = self.clock()
        self.st.heartbeat(pid=self.pid, host=socket.gethostname(), now=now)
        # manual sources (the board) have nothing to poll
        enabled = {s.id: s for s in self.cfg.sources if s.enabled and s.type != "manual"}
        due = [enabled[sid] for sid in self.st.due_source_ids(now) if sid in enabled]
        results = self._run_due(due)
        if results:
            self._guard("duplicates", lambda: clustering.place_pending(self.st, self.clock()))
            self._guard("classify", lambda: pipeline.classify_pending(self.st, self.clf, self.clock))
            self._guard("classify", lambda: pipeline.classify_own(self.cfg, self.st, self.clock))
        if not self.stop.is_set():
            self._housekeeping([r.source_id for r in results])
        return results

    def _run_due(self, due: list[Source]) -> list[pipeline.RunResult]:
        """Run ``due``: one host's sources in order, different hosts in worker threads, each
        with its own ``Store`` (a SQLite connection is not shared across threads)."""
        groups: dict[str, list[Source]] = {}
        for src in due:
            groups.setdefault(host_of(src), []).append(src)
        if len(groups) <= 1 or getattr(self.st, "path", ":memory:") == ":memory:":
            return self._run_group(due, self.st)
        done: dict[str, pipeline.RunResult] = {}
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(groups)),
                                thread_name_prefix="gongkai-source") as pool:
            futures = [pool.submit(self._run_group_apart, g) for g in groups.values()]
            for f in futures:
                for r in f.result():
                    done[r.source_id] = r
        return [done[s.id] for s in due if s.id in done]

    def _run_group(self, srcs: list[Source], st: Store) -> list[pipeline.RunResult]:
        out = []
        for src in srcs:
            if self.stop.is_set():
                break
            out.append(self._run_one(src, st))
        return out

    def _run_group_apart(self, srcs: list[Source]) -> list[pipeline.RunResult]:
        if self.stop.is_set():
            return []
        with Store(self.st.path) as st:
            return self._run_group(srcs, st)

    def _run_one(self, src: Source, st: Store | None = None) -> pipeline.RunResult:
        st = self.st if st is None else st
        try:
            r = pipeline.collect_source(src, self.cfg, st, self.http, since=None,
                                        clock=self.clock, should_stop=self.stop.is_set)
        except Exception as e:  # e.g. the store failing around the pass: not the daemon's end
            reason = crash.report(log, src.id, e)
            self._guard("record crash", lambda: st.fail_open_run(src.id, reason, self.clock()))
            r = pipeline.RunResult(src.id, "failed", reason=reason)
        log.info("source %s: %s, %d seen, %d new%s", src.id, r.status, r.seen, r.new,
                 f" ({r.reason})" if r.reason else "")
        if r.status == "failed" and r.reason == STOPPED:
            return r    # next_due_at untouched: the restarted daemon finishes this pass first
        streak, _ = st.failure_streak(src.id)
        st.set_next_due(src.id, next_due(src, self.clock(), streak))
        return r

    def _housekeeping(self, ran: list[str]) -> None:
        now = self.clock()
        sweep = self._last_sweep is None or now - self._last_sweep >= timedelta(seconds=ALERT_SWEEP_S)
        if sweep:
            self._last_sweep = now
            self._guard("alerts", lambda: alerts.check_sources(self.cfg, self.st, now))
        elif ran:
            self._guard("alerts", lambda: alerts.check_sources(self.cfg, self.st, now, ran,
                                                               quiet=False))
        self._guard("digest", lambda: alerts.check_digest(self.cfg, self.st, now))
        self._guard("send alerts", lambda: alerts.deliver(
            self.cfg, self.st, now, webhook=self._send["webhook"], email=self._send["email"]))
        bc = self.cfg.backup
        if bc is not None and backup.nightly_due(bc, now):
            self._guard("backup", lambda: backup.run_nightly(bc, self.st.db.conn, now))

    @staticmethod
    def _guard(what: str, fn: Callable) -> None:
        try:
            fn()
        except Exception:   # housekeeping failing must not stop collecting
            log.exception("%s failed", what)

    def shorten_requests(self) -> None:
        """While stopping, a request still to be sent gets a short timeout."""
        inner = self.http._http
        if hasattr(inner, "timeout"):
            inner.timeout = STOPPING_TIMEOUT
        if hasattr(inner, "deadline"):
            inner.deadline = STOPPING_TIMEOUT[1]


def run(cfg: Config, st: Store, clf: Classifier, http, *, clock: pipeline.Clock = pipeline.utcnow,
        stop: threading.Event | None = None, tick_seconds: float = 5.0,
        hard_exit_after: float | None = None, **kw) -> None:
    """The loop. With ``hard_exit_after`` (the CLI), a stop that is not done in that many seconds
    (a request hanging in its 30 s read) ends the process with status 0: every saved item is
    already committed and the unfinished pass is redone on the next start."""
    d = Daemon(cfg, st, clf, http, clock=clock, stop=stop, **kw)
    done = threading.Event()

    def on_signal(signum, _frame) -> None:
        log.info("gongkai run: %s received, finishing the page in hand",
                 signal.Signals(signum).name)
        d.stop.set()
        d.shorten_requests()

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, on_signal)
    if hard_exit_after is not None:
        def watchdog() -> None:
            d.stop.wait()
            if not done.wait(hard_exit_after):
                log.warning("gongkai run: still busy %.0f s after the stop; exiting now",
                            hard_exit_after)
                logging.shutdown()
                os._exit(0)
        threading.Thread(target=watchdog, name="gongkai-stop-watchdog", daemon=True).start()

    def safe_tick() -> None:
        try:
            d.tick()
        except Exception:   # e.g. the database locked for longer than its 30 s busy timeout
            log.exception("tick failed; trying again next tick")

    d.start()
    scheduler = schedule.Scheduler()
    scheduler.every(tick_seconds).seconds.do(safe_tick)
    safe_tick()
    while not d.stop.is_set():
        scheduler.run_pending()
        idle = scheduler.idle_seconds
        d.stop.wait(tick_seconds if idle is None else min(max(idle, 0.05), tick_seconds))
    done.set()
    log.info("gongkai run: stopped")
