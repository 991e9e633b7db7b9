"""A running `gongkai serve` follows edits of its config file (issue 17 follow-up).

A source moved from one body to another, a body or alias added, a category added to the rules
file the config names: the next request sees it, without a restart. Each request compares the
config file's (and rules file's) modification time, size and inode with the last ones read — one
``stat`` each — and reloads only when they changed. A config that no longer loads keeps the last
good one: the error is logged once (one line naming the file) and shown to admins on every page
until the file is fixed. A config that loads is synced into the record as a crawl, `status` or
`counts --all` syncs it (``reattribute.sync``: a source given to another body keeps its earlier
items with the body they were collected for; a body or alias added is asked of the stored
items), so the pages count as `gongkai counts` does. The database
stays the one the server started with: a changed ``[database] path`` is logged and waits for a
restart.

Each request works on one snapshot (:func:`config`, :func:`rules`), so a reload in the middle of
it never mixes the old config with the new rules.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import classifier
import store as store_mod
from flask import Flask, current_app, g

from .. import app as gk_app
from .. import config as config_mod
from .. import pipeline, reattribute, schemes

log = logging.getLogger(__name__)
_KEY = "gongkai_live"


@dataclass(frozen=True)
class Snapshot:
    """What one request reads: the config (None: served without one), its rules, the bureau's
    name, and the district dashboard's report checks kept for this config (a dict per snapshot:
    its keys hold the config by identity)."""

    config: Any
    rules: classifier.Ruleset
    bureau: str
    checks: dict = field(default_factory=dict)
    own: dict = field(default_factory=dict)     # body id -> its own rules (gongkai/schemes.py)


def _stamp(paths: list[Path]) -> tuple:
    out = []
    for p in paths:
        try:
            s = os.stat(p)
        except OSError:
            out.append(None)
        else:
            out.append((s.st_mtime_ns, s.st_size, s.st_ino))
    return tuple(out)


class Live:
    """The app's current snapshot and the files it was read from."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.error: str | None = None
        self._watch = snap.config is not None
        self._lock = threading.Lock()
        self._paths = self._files(snap.config)
        self._seen = _stamp(self._paths)

    @staticmethod
    def _files(cfg) -> list[Path]:
        if cfg is None:
            return []
        return [Path(cfg.path), *([Path(cfg.rules_path)] if cfg.rules_path else []),
                *(Path(b.rules_path) for b in cfg.bodies if b.rules_path)]

    def refresh(self, app: Flask) -> None:
        """Reload when the files changed since last read; cheap when they did not."""
        if not self._watch or _stamp(self._paths) == self._seen:
            return
        with self._lock:
            stamp = _stamp(self._paths)
            if stamp == self._seen:         # another thread reloaded meanwhile
                return
            self._seen = stamp
            old = self.snap.config
            try:
                cfg = config_mod.load(old.path)
                rules = gk_app.load_rules(cfg)
                own = schemes.own_rules(cfg)
            except (config_mod.ConfigError, classifier.RulesError) as e:
                self.error = " ".join(str(e).split())
                log.error("config not reloaded, the web UI keeps the last good one: %s",
                          self.error)
                return
            try:
                self._sync(app, cfg)
            except (store_mod.StoreError, sqlite3.Error, OSError) as e:
                # the old config stays until the record agrees with the new one: tried again
                # by the next request
                self._seen = None
                log.error("config %s not reloaded yet: syncing its sources into %s failed: %s",
                          cfg.path, app.config["GONGKAI_DB"], " ".join(str(e).split()))
                return
            self.error = None
            self.snap = Snapshot(cfg, rules, cfg.bureau, own=own)
            # a rules file named anew is watched from now on
            self._paths = self._files(cfg)
            self._seen = _stamp(self._paths)
            app.config.update(GONGKAI_CONFIG=cfg, GONGKAI_RULES=rules, GONGKAI_BUREAU=cfg.bureau)
            log.info("config %s changed: reloaded (%d bodies, %d sources)", cfg.path,
                     len(cfg.bodies), len(cfg.sources))
            if Path(cfg.db_path).resolve() != Path(app.config["GONGKAI_DB"]).resolve():
                log.warning("%s: [database] path is now %s, but the web UI keeps serving %s "
                            "until `gongkai serve` is restarted", cfg.path, cfg.db_path,
                            app.config["GONGKAI_DB"])


    @staticmethod
    def _sync(app: Flask, cfg) -> None:
        with store_mod.Store(app.config["GONGKAI_DB"]) as st:
            # the sources and attributions, and the decisions of bodies with their own rules
            # (a rules file edited: its stale hand-set categories go back to review)
            reattribute.sync(cfg, st, app.config["GONGKAI_CLOCK"]())
            pipeline.classify_own(cfg, st, app.config["GONGKAI_CLOCK"])


def install(app: Flask, config, rules: classifier.Ruleset, bureau: str) -> None:
    """Before every other request hook (the login's scope reads the config)."""
    own = schemes.own_rules(config) if config is not None else {}
    app.extensions[_KEY] = Live(Snapshot(config, rules, bureau, own=own))

    @app.before_request
    def _follow_config():
        live: Live = app.extensions[_KEY]
        live.refresh(app)
        g.live = live.snap

    @app.context_processor
    def _config_error():
        return {"config_error": app.extensions[_KEY].error}


def snapshot() -> Snapshot:
    snap = g.get("live")
    return snap if snap is not None else current_app.extensions[_KEY].snap


def config():
    """The config this request works with (None: the app was started without one)."""
    return snapshot().config


def rules() -> classifier.Ruleset:
    """The rules whose categories this request shows and accepts: for an account bound to a
    body with categories of its own, that body's (gongkai/schemes.py); else the district's."""
    snap = snapshot()
    sc = g.get("scope")
    if sc is not None and sc.own and sc.body in snap.own:
        return snap.own[sc.body]
    return snap.rules


def bureau() -> str:
    return snapshot().bureau
