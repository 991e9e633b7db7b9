"""Shared wiring for the commands: config, database, rules, HTTP client, counts, errors."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path

import classifier
import collectors
import report
import store as store_mod

from . import config as config_mod
from .errors import UsageError  # noqa: F401  (commands raise app.UsageError)

USER_ERRORS = (UsageError, config_mod.ConfigError, classifier.RulesError, report.ReportError,
               store_mod.StoreError)


def load_config(args) -> config_mod.Config:
    """The config, with every --source ID checked against it: a typo is refused before any
    database is created."""
    cfg = config_mod.load(args.config or config_mod.DEFAULT_CONFIG)
    ids = getattr(args, "source", None) or []
    for source_id in [ids] if isinstance(ids, str) else ids:
        cfg.source(source_id)
    return cfg


def load_config_optional(args) -> config_mod.Config | None:
    """Commands that can run on a bare --db do not insist on a config file."""
    path = Path(args.config or config_mod.DEFAULT_CONFIG)
    if args.config is None and not path.exists():
        return None
    return config_mod.load(path)


def db_path(args, cfg: config_mod.Config | None) -> Path:
    if args.db:
        return Path(args.db)
    if cfg is not None:
        return cfg.db_path
    raise config_mod.ConfigError(
        f"no database: pass --db PATH or create {config_mod.DEFAULT_CONFIG} with `gongkai init`")


# Commands that work on what crawls wrote: a database that does not exist yet (or an empty file)
# is a typo in --db or a wrong folder, never an empty year worth reporting as zeros, and they never
# create one. Another program's database is refused by every command (the store checks).
_READERS = {"counts", "report", "status", "export", "import-review", "review", "dupes",
            "reclassify", "rules", "backup", "serve"}


def open_store(args, cfg: config_mod.Config | None) -> store_mod.Store:
    path = db_path(args, cfg)
    reader = getattr(args, "command", None) in _READERS
    if reader and not path.exists():
        where = "--db" if args.db else f"[database] path in {cfg.path}" if cfg else "--db"
        raise UsageError(f"no database at {path} ({where}); run `gongkai crawl` first or fix the path")
    return store_mod.Store(path, create=not reader)


def load_rules(cfg: config_mod.Config | None, path: str | None = None) -> classifier.Ruleset:
    if path:
        return classifier.load_rules(path)
    if cfg is not None and cfg.rules_path is not None:
        return classifier.load_rules(cfg.rules_path)
    return classifier.load_rules()


def make_http(cfg: config_mod.Config) -> collectors.Http:
    h = cfg.http
    kwargs = {k: h[k] for k in ("min_delay", "respect_robots", "user_agent", "max_bytes") if k in h}
    if "timeout" in h:
        kwargs["timeout"] = (3.05, float(h["timeout"]))
    return collectors.Http(**kwargs)


def year_arg(text: str, now: datetime | None = None) -> int:
    """argparse type for --year: a plausible report year (the disclosure rules date from 2008),
    and not one after this year in Beijing: a future year has nothing published to count."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{year} is not a plausible report year")
    this_year = (now or datetime.now(collectors.BEIJING)).astimezone(collectors.BEIJING).year
    if year > this_year:
        raise argparse.ArgumentTypeError(f"{year} has not begun yet (it is {this_year} in Beijing): "
                                         "a report or count is for this year or an earlier one")
    return year


def parse_day(text: str, what: str) -> datetime:
    """'2024-01-01' -> midnight Beijing time; a UsageError naming the option otherwise."""
    try:
        d = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise UsageError(f"{what} must be a date like 2024-01-01, got {text!r}") from None
    return d.replace(tzinfo=collectors.BEIJING)


def counts_for(st: store_mod.Store, rules: classifier.Ruleset, year: int) -> report.Counts:
    return report.Counts.from_raw(year, st.counts(year), rules.names)


def labels(rules: classifier.Ruleset) -> dict[str, str]:
    return {c.name: c.label for c in rules.categories}


def progress(message: str) -> None:
    """Progress on one rewritten terminal line; silent when stderr is not a terminal."""
    if sys.stderr.isatty():
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)


def end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def login_name() -> str:
    """Who runs the command, for the audit log (a --by NAME option wins)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "officer"
