"""Accounts bound to one body (单位) of a district (issue 17 #4): which items an account sees,
and an item moved from one body to another (改归属单位), audited.

The caller (the web UI, which has the config) turns an account's body into a
:class:`~store._counts.BodyScope`; these functions only apply it. An item counts for a body by
its source (the body's own source) or, on a shared source, by its ``item_bodies`` rows: only the
latter can move, and a move is written to the audit log as action ``body`` (``old``: the body it
leaves, ``new``: the body it goes to; either may be empty), so the bodies on both sides of a move
find it in the item's history.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from ._counts import BodyScope
from ._db import immediate

MOVE = "body"          # the audit action of a move between bodies
_BATCH = 500


def _ts(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _error(message: str) -> Exception:
    from ._store import StoreError      # late: _store imports the store's modules
    return StoreError(message)


# -- the accounts --------------------------------------------------------------------------------

def user_bodies(st: Any) -> dict[str, str | None]:
    """Every account's body (None: not bound to one)."""
    return dict(st.db.execute("SELECT name, body FROM users").fetchall())


def bind_user(st: Any, name: str, body: str | None, *, now: datetime, actor: str) -> None:
    """Bind the account to ``body`` (None: unbind it), audited; its logins end, as on a change
    of role, so no page opened under the old binding stays open. The caller checks that the
    body exists (the store does not know the config); an admin is never bound: it sees all."""
    with immediate(st.db):
        row = st.db.execute("SELECT role, body FROM users WHERE name = ?", [name]).fetchone()
        if row is None:
            raise _error(f"no account named {name!r}")
        role, old = row
        if body and role == "admin":
            raise _error(f"{name!r} is an admin, who sees every body: bind a reviewer or a "
                         f"read-only account")
        if (old or None) == (body or None):
            return
        st.db.execute("UPDATE users SET body = ?, updated_at = ? WHERE name = ?",
                      [body or None, _ts(now), name])
        st.db.execute("DELETE FROM web_sessions WHERE user = ?", [name])
        st.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": None,
                               "action": "user_bind", "old": f"{name} ({old})" if old else None,
                               "new": f"{name} ({body})" if body else None, "reason": None})


def account_role(st: Any, name: str, role: str | None, body: str | None, *,
                 replace: bool = False) -> str:
    """The role ``add_account`` would give ``name``, or a StoreError saying why it cannot be
    bound to ``body``: every check of an account added with a body, before anything is
    written (the first account is an admin, and an admin is bound to no body)."""
    row = st.db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
    if row is not None and not replace:
        raise _error(f"user {name!r} exists; pass --force to reset its password")
    admins = st.db.execute("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetchone()[0]
    resolved = role or (row[0] if row is not None else "reviewer" if admins else "admin")
    if body and resolved == "admin":
        if role is not None:
            raise _error("an admin sees every body: --bureau is for a reviewer or a read-only "
                         "account")
        if row is not None:
            raise _error(f"{name!r} is an admin, who sees every body: pass --role reviewer "
                         "(or readonly) with --bureau")
        raise _error(f"{name!r} would be the first admin, who sees every body: add an admin "
                     "first (`gongkai user add NAME`), or pass --role reviewer (or readonly) "
                     "with --bureau")
    return resolved


def add_account(st: Any, name: str, password_hash: str, role: str | None, body: str | None, *,
                now: datetime, actor: str, replace: bool = False) -> str:
    """``Store.add_user`` and :func:`bind_user` in one transaction, checked first
    (:func:`account_role`): an account refused for its body leaves nothing behind. Returns the
    role stored."""
    with immediate(st.db):
        account_role(st, name, role, body, replace=replace)
        role = st.add_user(name, password_hash, role, now=now, replace=replace, actor=actor)
        if body or role == "admin":     # an admin is bound to no body
            bind_user(st, name, body, now=now, actor=actor)
    return role


# -- what a body sees ----------------------------------------------------------------------------

def in_scope(st: Any, scope: BodyScope | None, item_ids: Iterable[int]) -> set[int]:
    """The ids among ``item_ids`` that are items of the scope (all existing ones without one)."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    where, args = scope.where("items") if scope is not None else ("1", [])
    out: set[int] = set()
    for start in range(0, len(ids), _BATCH):
        part = ids[start:start + _BATCH]
        out.update(r[0] for r in st.db.execute(
            f"SELECT id FROM items WHERE id IN ({','.join('?' * len(part))}) AND {where}",
            [*part, *args]))
    return out


def moved_for(st: Any, body: str, item_id: int) -> bool:
    """Whether ``item_id`` was ever moved to or from ``body``: its history stays that body's."""
    return st.db.execute(
        "SELECT 1 FROM audit WHERE item_id = ? AND action = ? AND ? IN (old, new) LIMIT 1",
        [item_id, MOVE, body]).fetchone() is not None


def scoped_audit(st: Any, scope: BodyScope | None, limit: int = 200) -> list[dict]:
    """The audit log as ``recent_audit`` has it, of the scope's items and of the moves to or
    from its body only (no account changes: those are the admins')."""
    if scope is None:
        return st.recent_audit(limit)
    where, args = scope.where("i")
    return list(st.db.query(
        "SELECT a.*, i.title FROM audit a JOIN items i ON i.id = a.item_id "
        f"WHERE {where} OR (a.action = ? AND ? IN (a.old, a.new)) ORDER BY a.id DESC LIMIT ?",
        [*args, MOVE, scope.body, limit]))


def batch_items(st: Any, batch_id: int) -> list[int]:
    """The items a bulk action changed."""
    return [r[0] for r in st.db.execute(
        "SELECT DISTINCT item_id FROM review_actions WHERE batch_id = ?", [batch_id])]


# -- a move between bodies -----------------------------------------------------------------------

def move_item(st: Any, item_id: int, old: str | None, new: str | None, *, actor: str,
              now: datetime, reason: str = "") -> dict[str, str]:
    """Take the item of a shared source from body ``old`` and give it to body ``new`` (either
    None: only give, only take), by hand, audited. An item left with no body is no body's
    (``not_ours``, unattributed); one with a body is ``ours``. Like a hand-set attribution, the
    bodies then stay as the person left them through re-crawls. Returns the item's bodies."""
    if not old and not new:
        raise _error("a move needs the body the item leaves or the body it goes to")
    if old and old == new:
        raise _error(f"the item already counts for {new}")
    with immediate(st.db):
        if st.db.execute("SELECT 1 FROM items WHERE id = ?", [item_id]).fetchone() is None:
            raise _error(f"no item with id {item_id}")
        bodies = dict(st.db.execute("SELECT body, reason FROM item_bodies WHERE item_id = ?",
                                    [item_id]).fetchall())
        if old and old not in bodies:
            raise _error(f"item {item_id} does not count for {old}")
        if new and new in bodies:
            raise _error(f"item {item_id} already counts for {new}")
        # journaled with the bodies before it, so the reviewer's `u` (review_undo) puts them back
        st._journal(item_id, MOVE, actor, now, None,
                    prev_bodies=json.dumps(bodies, ensure_ascii=False))
        if old:
            st.db.execute("DELETE FROM item_bodies WHERE item_id = ? AND body = ?",
                          [item_id, old])
            del bodies[old]
        if new:
            why = f"moved by {actor}" + (f": {reason}" if reason else "")
            st.db.execute("INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
                          [item_id, new, why])
            bodies[new] = why
        st.db.execute("UPDATE items SET attribution = ?, attribution_manual = 1 WHERE id = ?",
                      ["ours" if bodies else "not_ours", item_id])
        st.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id,
                               "action": MOVE, "old": old or None, "new": new or None,
                               "reason": reason or None})
    return bodies


def restore_bodies(st: Any, item_id: int, bodies: dict[str, str | None],
                   attribution: str, attribution_manual: int | None, *, actor: str,
                   now: datetime) -> tuple[str | None, str | None]:
    """The undo of a move (inside the caller's transaction): the item counts for ``bodies``
    again, with their reasons and the attribution it had before. Audited as a move back, so
    both bodies find it in the item's history. Returns (the body it leaves, the body it
    returns to)."""
    current = {r[0] for r in st.db.execute("SELECT body FROM item_bodies WHERE item_id = ?",
                                           [item_id])}
    leaves = ",".join(sorted(current - set(bodies))) or None
    returns = ",".join(sorted(set(bodies) - current)) or None
    for body in current - set(bodies):
        st.db.execute("DELETE FROM item_bodies WHERE item_id = ? AND body = ?", [item_id, body])
    for body in set(bodies) - current:
        st.db.execute("INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
                      [item_id, body, bodies[body]])
    st.db.execute("UPDATE items SET attribution = ?, attribution_manual = ? WHERE id = ?",
                  [attribution, attribution_manual or 0, item_id])
    st.db["audit"].insert({"at": _ts(now), "actor": actor, "item_id": item_id, "action": MOVE,
                           "old": leaves, "new": returns, "reason": "撤销 undo"})
    return leaves, returns
