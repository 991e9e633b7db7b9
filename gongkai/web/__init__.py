"""The web review UI (issue 6): `gongkai serve`.

    app = create_app("gongkai.db", rules)      # a Flask app; one database connection per request

Safety: login with hashed passwords, throttled per account and per address; server-side
sessions that logout and a password reset end; cookies signed with a key kept outside the
database (HttpOnly, SameSite=Lax, and Secure behind an HTTPS proxy); a CSRF token on every state
change, Jinja autoescape for all crawled text, a strict Content-Security-Policy (no inline
script: the keyboard handling is static/review.js), a read-only role. No SQL here: every
query is a Store method.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

import classifier
import store as store_mod

from . import (_auth, _bulk, _dates, _district, _faults, _home, _live, _report_form, _secret,
               _users, _views)

log = logging.getLogger(__name__)
_PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded")

__all__ = ["create_app"]


def create_app(db_path: str | Path, rules: classifier.Ruleset, *, bureau: str = "",
               behind_proxy: bool = False, key_path: str | Path | None = None,
               clock: Callable[[], datetime] | None = None, config=None) -> Flask:
    """``behind_proxy``: served only through one reverse proxy that speaks HTTPS to browsers;
    its X-Forwarded-For/-Proto/-Host/-Prefix are trusted and cookies are marked Secure.
    ``key_path``: the session key file (default: the database path + ".web-key").
    ``clock``: now, as an aware datetime (tests pass their own).
    ``config``: the loaded gongkai.toml (a ``gongkai.config.Config``), which the report form
    needs for the data file, the bureau and its channels; without it that form says so.
    The config (and the rules file it names) is reloaded when the file changes, checked on
    every request (``_live``): the rules given are the config's."""
    app = Flask(__name__)
    app.config.update(
        GONGKAI_DB=str(db_path), GONGKAI_RULES=rules, GONGKAI_BUREAU=bureau,
        GONGKAI_CLOCK=clock or (lambda: datetime.now(timezone.utc)), GONGKAI_CONFIG=config,
        SESSION_COOKIE_NAME="gongkai_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=behind_proxy,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=64 * 1024, JSON_AS_ASCII=False,
    )
    with store_mod.Store(db_path):      # migrated at start, not by the first request
        pass
    app.secret_key = _secret.load_or_create(Path(key_path) if key_path
                                            else _secret.key_path(db_path))
    if behind_proxy:
        # exactly one proxy in front: the last value of each header is the proxy's own word
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    else:
        _warn_proxy_once(app)

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        st = g.pop("store", None)
        if st is not None:
            st.close()

    app.json.sort_keys = False          # keep the report order of categories
    _live.install(app, config, rules, bureau)       # before the login's hook: it reads the config
    _auth.install(app)
    _views.install(app)
    _home.install(app)
    _bulk.install(app)
    _users.install(app)
    _report_form.install(app)
    _district.install(app)
    _dates.install(app)
    _faults.install(app)
    return app


def _warn_proxy_once(app: Flask) -> None:
    warned = []

    @app.before_request
    def _proxy_headers_ignored():
        if not warned and any(h in request.headers for h in _PROXY_HEADERS):
            warned.append(True)
            log.warning("requests carry proxy headers (X-Forwarded-…) that are ignored: behind a "
                        "reverse proxy, run `gongkai serve --behind-proxy` so cookies are Secure "
                        "and logins are throttled by the client's address, not the proxy's")
