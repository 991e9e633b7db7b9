"""The web review UI (issue 6): `gongkai serve`.

    app = create_app("gongkai.db", rules)      # a Flask app; one database connection per request

Safety: login with hashed passwords, signed session cookies, a CSRF token on every state
change, Jinja autoescape for all crawled text, a strict Content-Security-Policy (no inline
script: the keyboard handling is static/review.js), a read-only role. No SQL here: every
query is a Store method.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g

import classifier
import store as store_mod

from . import _auth, _bulk, _views

__all__ = ["create_app"]


def create_app(db_path: str | Path, rules: classifier.Ruleset, *,
               bureau: str = "") -> Flask:
    app = Flask(__name__)
    app.config.update(
        GONGKAI_DB=str(db_path), GONGKAI_RULES=rules, GONGKAI_BUREAU=bureau,
        SESSION_COOKIE_NAME="gongkai_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=64 * 1024, JSON_AS_ASCII=False,
    )
    # The secret lives in the database, generated on first run, so restarts keep sessions and
    # no secret ever sits in a config file.
    with store_mod.Store(db_path) as st:
        app.secret_key = st.setting("web_secret_key", lambda: secrets.token_hex(32))

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        st = g.pop("store", None)
        if st is not None:
            st.close()

    app.json.sort_keys = False          # keep the report order of categories
    _auth.install(app)
    _views.install(app)
    _bulk.install(app)
    return app
