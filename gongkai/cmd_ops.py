"""run, status, backup, restore."""
from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path

import classifier
import collectors
import store as store_mod

from . import app, backup, display, oplock, pipeline, reattribute
from .config import Config

HEARTBEAT_STALE_S = 120
PASS_DEADLINE_S = 1800       # a source's whole pass is cut at this (README: Limits)


def register(sub, common) -> None:
    s = sub.add_parser("run", parents=[common], help="the daemon: poll each source on its interval")
    s.add_argument("--tick", type=float, default=5.0, metavar="SECONDS",
                   help=argparse.SUPPRESS)   # tests tick faster
    s.set_defaults(func=cmd_run)
    s = sub.add_parser("status", parents=[common],
                       help="sources with their health, open alerts, items awaiting review")
    s.set_defaults(func=cmd_status)
    s = sub.add_parser("backup", parents=[common],
                       help="copy the database now (safe while `gongkai run` works)")
    s.add_argument("--to", metavar="FILE", help="backup file (default: a dated file in [backup] dir "
                                                "or next to the database)")
    s.add_argument("--force", action="store_true", help="overwrite an existing --to file")
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("restore", parents=[common],
                       help="replace the database with a checked backup (daemon stopped)")
    s.add_argument("file", metavar="FILE", help="a backup written by `gongkai backup` or nightly")
    s.set_defaults(func=cmd_restore)


def _lock(path: Path, doing: str) -> oplock.InstanceLock:
    try:
        return oplock.InstanceLock(path).acquire()
    except oplock.LockHeld as e:
        raise app.UsageError(f"{doing}: {e}") from None


def cmd_run(args) -> int:
    from . import daemon, logsetup
    cfg = app.load_config(args)
    path = app.db_path(args, cfg)
    if args.tick <= 0:
        raise app.UsageError(f"--tick must be positive, got {args.tick}")
    lock = _lock(path, "cannot start")
    try:
        logsetup.setup(cfg.log, verbose=args.verbose)
        with store_mod.Store(path) as st:
            daemon.run(cfg, st, classifier.Classifier(app.load_rules(cfg)), app.make_http(cfg),
                       tick_seconds=args.tick, hard_exit_after=daemon.STOP_GRACE_S)
            # a clean stop, for `gongkai status` to tell from a kill or a crash
            st.record_stop(pipeline.utcnow())
    finally:
        lock.release()
    return 0


def cmd_status(args) -> int:
    cfg = app.load_config(args)
    path = app.db_path(args, cfg)
    with app.open_store(args, cfg) as st:
        print("\n".join(status_lines(cfg, st, pipeline.utcnow(), daemon_running=_running(path))))
    print("(times are Beijing time, 北京时间)")
    return 0


def _running(path: Path) -> bool:
    try:
        oplock.InstanceLock(path).acquire().release()
        return False
    except oplock.LockHeld:
        return True


def _local(ts: str | None) -> str:
    return display.when(ts)         # Beijing time, as every page shows it


def status_lines(cfg: Config, st: store_mod.Store, now: datetime, *,
                 daemon_running: bool | None = None) -> list[str]:
    """What `gongkai status` prints; ``now`` is injected so January is testable."""
    reattribute.sync(cfg, st, now)
    out = [_daemon_line(st, now, daemon_running) + _stale_config(cfg, st, daemon_running)]
    hb = st.last_heartbeat()
    failing = []
    alerts_by_source: dict[str, list[str]] = {}
    for a in st.open_alerts():
        if a["kind"] != "digest":
            alerts_by_source.setdefault(a["source"], []).append(a["kind"])
    names = display.names_for(st, cfg)
    out.append(f"{'SOURCE':<20} {display.pad('NAME 名称', 32)} {'HEALTH':<12} {'LAST OK':<16} "
               f"{'NEXT DUE':<16} REASON / ALERTS")
    for s in st.sources():
        streak, reason = st.failure_streak(s["id"])
        if not s["enabled"]:
            health = "disabled"
        elif streak:
            health = f"FAILING x{streak}"
            failing.append(s["id"])
        elif "quiet" in alerts_by_source.get(s["id"], []):
            health = "QUIET"
        elif s["type"] == "manual":
            # nothing is polled: LAST OK is the last `gongkai add` / `gongkai import`
            health = "manual"
        else:
            health = "ok" if s["last_success_at"] else "never run"
        polled = s["enabled"] and s["type"] != "manual"
        notes = ([reason] if streak else []) + [
            f"alert open: {k}" for k in alerts_by_source.get(s["id"], [])] + _pass_notes(st, s["id"])
        run = st.last_run(s["id"]) if daemon_running is not True else None
        if run is not None and _cut_short(run, hb, now, daemon_running):
            health = "INTERRUPTED"
            notes.insert(0, f"the pass started {_local(run['started_at'])} was cut short "
                            f"({st.saved_since(s['id'], run['started_at'])} items saved, kept); "
                            "the next pass reads it again")
        out.append(f"{s['id']:<20} {display.pad(names.source(s['id']), 32)} {health:<12} "
                   f"{_local(s['last_success_at']):<16} "
                   f"{_local(s['next_due_at']) if polled else '-':<16} "
                   + "; ".join(notes))
    unsent = [a for a in st.open_alerts() if a["kind"] != "digest" and not a["sent_at"]]
    if unsent:
        why = unsent[-1]["last_send_error"] or "no [alerts] webhook or [alerts.email] configured"
        out.append(f"alerts not delivered yet: {len(unsent)} ({why})")
    out.append(backlog_line(st))
    waiting = st.unsettled()
    if waiting:
        out.append(f"items saved but not yet placed or classified: {waiting} (a run was cut "
                   "short; not counted until settled): `gongkai reclassify` or the next crawl "
                   "settles them")
    out += january_lines(cfg, st, now, failing)
    return out


def backlog_line(st: store_mod.Store) -> str:
    """The review backlog by year, so it agrees with `gongkai counts --year`, which counts one."""
    by_year = st.review_backlog_by_year()
    if not by_year:
        return "items awaiting review: none"
    parts = [f"{year if year is not None else 'undated'}: {n}" for year, n in by_year.items()]
    total = sum(by_year.values())
    return ("items awaiting review by year published: " + ", ".join(parts)
            + (f" ({total} in all)" if len(by_year) > 1 else ""))


def _pass_notes(st: store_mod.Store, source_id: str) -> list[str]:
    """What the last good pass set aside: a bridge's placeholder entries (verification walls,
    login notices) and list rows that were page furniture, and a column left unread past its
    page cap. Not failures, but worth a look."""
    memo = st.memo(source_id)
    notes = []
    cap = memo.get("page_cap")
    if isinstance(cap, dict) and cap.get("note"):
        how = ("its max_pages is set in the config" if cap.get("chosen") else
               f"raise max_pages, then `gongkai crawl --source {source_id} --since DATE` reads on")
        notes.append(f"ok ({cap['note']}): {how}")
    held = memo.get("placeholders")
    if isinstance(held, dict) and held.get("count"):
        kinds = held.get("kinds") or {}
        what = ", ".join(f"{k} x{n}" for k, n in kinds.items()) if isinstance(kinds, dict) else ""
        notes.append(f"{held['count']} placeholder entries skipped" + (f" ({what})" if what else ""))
    gap = memo.get("feed_gap")     # a feed that listed fewer entries than were published
    if isinstance(gap, dict) and gap.get("note"):
        more = len(gap.get("gaps") or ())
        notes.append(gap["note"] + (f" ({more} such gaps noted)" if more > 1 else ""))
    dropped = memo.get("dropped_rows")
    if isinstance(dropped, list) and dropped:
        notes.append(f"{len(dropped)} list rows set aside as page furniture")
    return notes


def _daemon_line(st: store_mod.Store, now: datetime, running: bool | None) -> str:
    hb = st.last_heartbeat()
    if hb is None:
        return "daemon: never run (start it with `gongkai run`)"
    age = (now - datetime.fromisoformat(hb["beat_at"])).total_seconds()
    beat = f"last heartbeat {_local(hb['beat_at'])} ({int(age)} s ago)"
    if running is False:
        if hb.get("stopped_at"):
            return f"daemon: NOT RUNNING — stopped cleanly at {_local(hb['stopped_at'])}; {beat}"
        return (f"daemon: NOT RUNNING — stopped without shutting down (killed or crashed) at "
                f"about {_local(hb['beat_at'])}, its last heartbeat ({int(age)} s ago)")
    if age > HEARTBEAT_STALE_S:
        return f"daemon: STALLED? pid {hb['pid']} — {beat}"
    return f"daemon: running, pid {hb['pid']} on {hb['host']} — {beat}"


def _cut_short(run: dict, hb: dict | None, now: datetime, running: bool | None) -> bool:
    """A pass still 'running' that nothing is finishing: the daemon that ran it died without
    shutting down (the pass began by its last heartbeat's tick), or it is older than a pass may
    last (a `gongkai crawl` killed; one at work now is younger)."""
    if run["status"] != "running":
        return False
    started = datetime.fromisoformat(run["started_at"])
    if (now - started).total_seconds() > PASS_DEADLINE_S:
        return True
    if hb is None or hb.get("stopped_at"):
        return False
    beat = datetime.fromisoformat(hb["beat_at"])
    gone = running is False or (now - beat).total_seconds() > HEARTBEAT_STALE_S
    return gone and (started - beat).total_seconds() <= PASS_DEADLINE_S


def _stale_config(cfg: Config, st: store_mod.Store, running: bool | None) -> str:
    """A running daemon keeps the config and rules it started with: say when either file was
    changed since, so the officer knows `gongkai run` needs a restart to use it."""
    hb = st.last_heartbeat()
    if running is False or hb is None or not hb["started_at"]:
        return ""
    started = datetime.fromisoformat(hb["started_at"])
    for path in (cfg.path, cfg.rules_path):
        try:
            changed = datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc)
        except (OSError, TypeError):
            continue
        if changed > started:
            return (f" — {path} changed at {_local(changed.isoformat())}, after the daemon "
                    f"started ({_local(hb['started_at'])}): restart `gongkai run` to use it")
    return ""


def january_lines(cfg: Config, st: store_mod.Store, now: datetime,
                  failing: list[str]) -> list[str]:
    """In January (Beijing time): days left before the 1月31日 deadline and what is missing."""
    today = now.astimezone(collectors.BEIJING).date()
    if today.month != 1:
        return []
    year = today.year - 1
    left = (date(today.year, 1, 31) - today).days
    raw = st.counts(year)
    missing = []
    if raw["unreviewed"]:
        missing.append(f"{raw['unreviewed']} items of {year} awaiting review (`gongkai review`)")
    if raw["undated"]:
        missing.append(f"{raw['undated']} undated items")
    if raw.get("possible_duplicates"):
        missing.append(f"{raw['possible_duplicates']} possible duplicates to decide "
                       "(`gongkai dupes pairs`)")
    if raw.get("unclassified"):
        missing.append(f"{raw['unclassified']} items of {year} not classified yet")
    if failing:
        missing.append(f"{len(failing)} failing sources ({', '.join(failing)})")
    data_file = cfg.path.parent / f"report-{year}.toml"
    if not data_file.exists():
        missing.append(f"no report data file {data_file.name} (`gongkai report init --year {year}`)")
    head = (f"{year} annual report: {left} days left before the 1月31日 publication deadline"
            if left > 0 else f"{year} annual report: the 1月31日 publication deadline is today")
    return [head] + ([f"  still missing: {m}" for m in missing] or ["  nothing missing"])


def cmd_backup(args) -> int:
    cfg = app.load_config_optional(args)
    path = app.db_path(args, cfg)
    if args.to:
        dest = Path(args.to)
        if dest.is_dir():
            raise app.UsageError(f"--to {dest} is a folder; give a file name inside it")
        # as `report -o` and `export`: a folder the user named is not made for them (a typo
        # would put the backup where nobody looks); only the configured [backup] dir is made
        if not dest.parent.is_dir():
            raise app.UsageError(f"no such folder: {dest.parent}")
        if dest.exists() and not args.force:
            raise app.UsageError(f"--to {dest} already exists; pass --force to overwrite it")
    else:
        folder = cfg.backup.dir if cfg is not None and cfg.backup is not None else path.parent
        stamp = datetime.now(timezone.utc).astimezone(collectors.BEIJING).strftime("%Y%m%d-%H%M%S")
        dest = folder / f"gongkai-manual-{stamp}.db"
    try:
        backup.backup_file(path, dest)
    except backup.BackupError as e:
        raise app.UsageError(str(e)) from None
    print(f"wrote {dest}")
    return 0


def cmd_restore(args) -> int:
    cfg = app.load_config_optional(args)
    path = app.db_path(args, cfg)
    lock = _lock(path, "refusing to restore")
    try:
        kept = backup.restore(path, args.file)
    except backup.BackupError as e:
        raise app.UsageError(str(e)) from None
    finally:
        lock.release()
    print(f"restored {path} from {args.file}"
          + (f"; the previous database is kept as {kept}" if kept else ""))
    return 0
