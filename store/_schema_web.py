"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas.

Web (issue 15): server-side login sessions, so logout and a password reset end them, and the
failed-login counters that throttle guessing per account and per address; (issue 17) the body
an account is bound to.
"""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations


@migrations()
def web_001_sessions_throttle(db: Database) -> None:
    # One row per live login. The cookie carries the session id; only its SHA-256 is kept
    # here, so a copy of the database does not hand out live sessions.
    db["web_sessions"].create(
        {"id_hash": str, "user": str, "created_at": str, "expires_at": str},
        pk="id_hash", not_null={"user", "expires_at"},
    )
    db["web_sessions"].create_index(["user"])
    # key: "account:NAME" or "address:IP"; failures since the last success (or forgetting)
    db["login_failures"].create(
        {"key": str, "failures": int, "last_at": str},
        pk="key", not_null={"failures", "last_at"},
    )
    # The session secret moved out of the database into a key file (gongkai.web._secret):
    # whoever can read a copy of the database must not be able to sign a session.
    if db["settings"].exists():
        db.execute("DELETE FROM settings WHERE key = 'web_secret_key'")


@migrations()
def web_002_user_body(db: Database) -> None:
    # Issue 17 #4: an account bound to one body (a [[bureaus]] id) sees only that body's items;
    # NULL, as every existing account gets, keeps today's behaviour in a one-bureau config.
    db.execute("ALTER TABLE users ADD COLUMN body TEXT")
