"""Store queries of the web UI's accounts (issue 6, issue 15), mixed into :class:`store.Store`:
users and their roles, settings, sessions and failed logins. Every write runs inside
``immediate``."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable

from ._db import immediate
from ._review import ROLES, _error, _ts, _utc


class UserQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    db: Any

    def add_user(self, name: str, password_hash: str, role: str | None, *, now: datetime,
                 replace: bool = False, actor: str | None = None) -> str:
        """Store a user; the caller hashes the password (the store never sees it).

        ``role`` None: an existing account keeps its role; a new one is the first admin when
        there is none yet, a reviewer otherwise. Returns the role stored. With ``actor`` the
        change is audited (the CLI and the users page pass one; fixtures do not)."""
        if role is not None and role not in ROLES:
            raise _error(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise _error(f"bad user name {name!r}: 1-64 characters, no spaces")
        with immediate(self.db):
            old = self.user(name)
            if old and not replace:
                raise _error(f"user {name!r} exists; pass --force to reset its password")
            if role is None:
                role = old["role"] if old else ("reviewer" if self._admins() else "admin")
            if old and old["role"] == "admin" and role != "admin" and self._admins() == 1:
                raise _error(f"{name!r} is the last admin: make another account admin first")
            self.db["users"].upsert({"name": name, "password_hash": password_hash, "role": role,
                                     "updated_at": _ts(now),
                                     **({} if old else {"created_at": _ts(now)})}, pk="name")
            # a reset password (or role) ends every session opened with the old one
            self.db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
            if actor is not None:
                self._audit_user(actor, now, "user_add" if not old else "user_reset",
                                 f"{name} ({old['role']})" if old else None, f"{name} ({role})")
        return role

    def users(self, *, now: datetime) -> list[dict]:
        """Every account with its role and dates, and how many live logins it has at ``now``
        (no hashes)."""
        return list(self.db.query(
            "SELECT name, role, created_at, updated_at, (SELECT COUNT(*) FROM web_sessions s "
            "WHERE s.user = u.name AND s.expires_at > ?) AS sessions FROM users u ORDER BY name",
            [_utc(now)]))

    def set_password(self, name: str, password_hash: str, *, now: datetime, actor: str) -> None:
        """A new password; every session of the account ends (audited, the hash is not)."""
        with immediate(self.db):
            if self.user(name) is None:
                raise _error(f"no account named {name!r}")
            self.db.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
                            [password_hash, _ts(now), name])
            self.db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
            self._audit_user(actor, now, "user_passwd", name, name)

    def remove_user(self, name: str, *, now: datetime, actor: str) -> None:
        """Delete an account and its sessions; the last admin is refused (nobody could manage
        the accounts in the browser any more)."""
        with immediate(self.db):
            old = self.user(name)
            if old is None:
                raise _error(f"no account named {name!r}")
            if old["role"] == "admin" and self._admins() == 1:
                raise _error(f"{name!r} is the last admin: make another account admin first "
                             f"(`gongkai user add NAME --role admin`)")
            self.db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
            self.db.execute("DELETE FROM users WHERE name = ?", [name])
            self._audit_user(actor, now, "user_remove", f"{name} ({old['role']})", None)

    def _admins(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetchone()[0]

    def _audit_user(self, actor: str, now: datetime, action: str, old: str | None,
                    new: str | None) -> None:
        # an account change is in the same audit log as a re-filing, with no item
        self.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": None,
                                 "action": action, "old": old, "new": new, "reason": None})

    def user(self, name: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM users WHERE name = ?", [name]))
        return rows[0] if rows else None

    def user_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM users").fetchone()[0]

    # -- web sessions and failed logins (issue 15) ------------------------------------------------
    # Times are kept in UTC so the text comparisons below are time comparisons.

    def open_session(self, id_hash: str, user: str, *, now: datetime, expires: datetime) -> None:
        """Record a login; expired sessions of anyone are dropped on the way."""
        with immediate(self.db):
            self.db.execute("DELETE FROM web_sessions WHERE expires_at <= ?", [_utc(now)])
            self.db.execute("INSERT INTO web_sessions (id_hash, user, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?)", [id_hash, user, _utc(now), _utc(expires)])

    def session_user(self, id_hash: str, *, now: datetime) -> dict | None:
        """The account of a live session: None once it expired, was closed, or its user is gone."""
        rows = list(self.db.query(
            "SELECT u.* FROM web_sessions s JOIN users u ON u.name = s.user "
            "WHERE s.id_hash = ? AND s.expires_at > ?", [id_hash, _utc(now)]))
        return rows[0] if rows else None

    def close_session(self, id_hash: str) -> None:
        with immediate(self.db):
            self.db.execute("DELETE FROM web_sessions WHERE id_hash = ?", [id_hash])

    def login_failures(self, keys: Iterable[str]) -> dict[str, tuple[int, datetime]]:
        """{key: (failures, time of the last one)} for the keys that have failures on record."""
        keys = list(keys)
        marks = ",".join("?" * len(keys))
        return {k: (n, datetime.fromisoformat(at)) for k, n, at in self.db.execute(
            f"SELECT key, failures, last_at FROM login_failures WHERE key IN ({marks})", keys)}

    def record_login_failure(self, keys: Iterable[str], *, now: datetime,
                             forget_before: datetime) -> None:
        """Count one failed login against each key; failures older than ``forget_before`` are
        forgotten first (one statement per key, so concurrent failures are all counted)."""
        with immediate(self.db):
            self.db.execute("DELETE FROM login_failures WHERE last_at < ?", [_utc(forget_before)])
            for key in keys:
                self.db.execute(
                    "INSERT INTO login_failures (key, failures, last_at) VALUES (?, 1, ?) "
                    "ON CONFLICT (key) DO UPDATE SET failures = failures + 1, "
                    "last_at = excluded.last_at", [key, _utc(now)])

    def clear_login_failures(self, key: str) -> None:
        with immediate(self.db):
            self.db.execute("DELETE FROM login_failures WHERE key = ?", [key])

    def setting(self, key: str, default: Callable[[], str]) -> str:
        """The stored value of *key*; on first use store ``default()`` (once, even when two
        processes start together: the insert and the read share one IMMEDIATE transaction)."""
        with immediate(self.db):
            row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
            if row:
                return row[0]
            value = default()
            self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, value])
            return value
