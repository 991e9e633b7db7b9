"""Login, sessions, CSRF, roles and the security headers of every response.

A login is a row in the store (``web_sessions``); the signed cookie carries only its random id.
Every request looks the id up, so logout, a password reset (`gongkai user passwd`, `user add
--force` or the users page), removing the account or the 12-hour expiry end a session on the
server, whatever copy of the cookie is still around. Roles: admin (reviews and manages the
accounts), reviewer, readonly.

Bodies (issue 17 #4): in a ``[[bureaus]]`` config a reviewer or read-only account is bound to one
body and sees only that body's items (``g.scope``, a ``store.BodyScope``); an admin sees every
body; an account bound to none sees nothing but a page saying so until an admin binds it. In a
one-bureau config (or served without a config, when no account is bound) every account sees
the one body's whole record, as before.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import (Flask, abort, current_app, g, redirect, render_template, request, session,
                   url_for)
from werkzeug.security import check_password_hash, generate_password_hash

import store as store_mod

from .. import district
from ..config import ConfigError
from . import _live, _throttle

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OPEN_ENDPOINTS = ("login", "static", "favicon")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# A hash to compare against when the user does not exist, so the answer takes as long.
_DUMMY_HASH = generate_password_hash("not a password")


def hash_password(password: str) -> str:
    """scrypt through werkzeug: salted, memory-hard; the format names its parameters."""
    return generate_password_hash(password, method="scrypt")


def get_store() -> store_mod.Store:
    """This request's own connection (sqlite3 connections are not shared across threads)."""
    if "store" not in g:
        g.store = store_mod.Store(current_app.config["GONGKAI_DB"])
    return g.store


def _now() -> datetime:
    return current_app.config["GONGKAI_CLOCK"]()


def _session_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.warning("refused %s %s: missing or wrong CSRF token", request.method, request.path)
        abort(400, "missing or wrong CSRF token")


def can_write() -> bool:
    # an item another body took over is still shown to this one (its history), not changed
    return (bool(g.get("user")) and g.user["role"] in ("admin", "reviewer")
            and not g.get("read_only_item"))


def require_writer() -> None:
    if not can_write():
        abort(403, "this account is read-only")


# -- bodies ------------------------------------------------------------------------------------------

def scope() -> store_mod.BodyScope | None:
    """The items this account sees: None for all of them (an admin; a one-bureau config)."""
    return g.get("scope")


def bound_body() -> str | None:
    """The body whose items alone this account sees (None: it sees every body)."""
    sc = scope()
    return sc.body if sc is not None else None


def _bind_scope(user: dict) -> store_mod.BodyScope | None:
    """The account's scope; a 403 with the reason when it may see nothing yet."""
    cfg = _live.config()
    body = user.get("body")
    if user["role"] == "admin":
        return None
    if cfg is None:
        if body:
            abort(403, f"账号 {user['name']} 只能查看单位 {body} 的信息，但服务启动时没有配置文件，"
                       "无法知道哪些来源属于该单位：请用 gongkai serve --config gongkai.toml 启动 "
                       "(an account bound to a body needs the config)")
        return None
    if not cfg.district:
        return None                 # one body: the whole record is its
    if not body:
        abort(403, f"账号 {user['name']} 还没有绑定单位，暂时看不到任何信息：请管理员在“账号”页"
                   f"或用 gongkai user bind {user['name']} --bureau 单位编号 绑定 "
                   "(this account is bound to no body yet: an admin binds it)")
    try:
        cfg.body(body)
    except ConfigError:
        abort(403, f"账号 {user['name']} 绑定的单位 {body} 已不在配置中：请管理员重新绑定 "
                   "(the account's body is no longer in the config)")
    return district.scope(cfg, body, get_store())


def visible_items(item_ids) -> set[int]:
    """The ids among ``item_ids`` that exist and are this account's body's."""
    return store_mod.access.in_scope(get_store(), scope(), item_ids)


def require_items(item_ids, *, write: bool = False) -> None:
    """404 unless every item exists and this account may see it; with ``write``, 403 unless it
    may change each too. An item moved away from the account's body stays visible to it (the
    move is in its history) but is no longer its to change."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    mine = visible_items(ids)
    body = bound_body()
    for i in ids:
        if i in mine:
            continue
        if body is None or not store_mod.access.moved_for(get_store(), body, i):
            abort(404, f"没有第 {i} 条信息，或它不属于您的单位 (no such item of your body)")
        if write:
            abort(403, f"第 {i} 条信息已转到其他单位，只能查看 (moved to another body: read only)")


def may_undo(item_id: int) -> dict:
    """The action an undo of the item would undo, when this account may undo it: a 409 when
    there is none, a 403 when it is not its body's. Any change of the body's own items is its
    to undo; a move between bodies is the undo of the bodies on either side of it (the body
    the item left may take it back), not of a third body the item counts for all along."""
    last = get_store().review_last_action(item_id)
    if last is None:
        abort(409, f"第 {item_id} 条信息没有可撤销的操作 (nothing to undo: no change by hand "
                   "since the last undo, or it was changed before undo was kept for it)")
    body = bound_body()
    if body is None:
        return last
    mine = (body in last["moved"] if last["kind"] == store_mod.access.MOVE
            else item_id in visible_items([item_id]))
    if not mine:
        abort(403, f"第 {item_id} 条信息最近的修改（{last['actor']}）不是本单位可以撤销的，"
                   "请管理员撤销 (the last change is not your body's to undo: an admin can)")
    return last


def report_body(cfg) -> str | None:
    """The body whose report data a request is about: None in a one-bureau config (the whole
    record); in a district the account's own body, or for an admin ``?bureau=`` (default: the
    first body). Another body's, asked by a bound account, is a 404."""
    if not cfg.district:
        return None
    asked = (request.args.get("bureau") or "").strip()
    mine = bound_body()
    if mine is not None:
        if asked and asked != mine:
            abort(404, f"没有单位 {asked} 的年度报告可看：您的账号属于 {mine} (not your body)")
        return mine
    if not asked:
        return cfg.bodies[0].id
    if asked not in {b.id for b in cfg.bodies}:
        abort(404, f"配置中没有单位 {asked} (unknown body)")
    return asked


def body_menu(cfg) -> list[tuple[str, str]]:
    """The bodies an admin may switch between in a district (none for anyone else)."""
    if not cfg.district or bound_body() is not None:
        return []
    return [(b.id, b.name) for b in cfg.bodies]


def _safe_next(target: str | None) -> str:
    # Only a local path: a login link must not bounce the officer to another site.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("home")


def install(app: Flask) -> None:
    app.jinja_env.globals.update(csrf_token=csrf_token, can_write=can_write)

    @app.before_request
    def _guard():
        if request.method not in SAFE_METHODS:
            _check_csrf()
        g.user = None
        sid = session.get("sid")
        if isinstance(sid, str) and sid:
            g.user = get_store().session_user(_session_hash(sid), now=_now())
        if g.user is None and "sid" in session:     # logged out, reset, expired or deleted
            session.clear()
        if g.user is None and request.endpoint not in OPEN_ENDPOINTS:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("login", next=request.full_path.rstrip("?")))
        g.scope = None
        if g.user is not None and request.endpoint not in OPEN_ENDPOINTS + ("logout",):
            g.scope = _bind_scope(g.user)
        return None

    @app.after_request
    def _headers(resp):
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        if request.endpoint != "static":
            resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            name = request.form.get("name", "")
            password = request.form.get("password", "")
            st, now, address = get_store(), _now(), request.remote_addr or "?"
            lock = _throttle.locked(st, name, address, now)
            if lock is not None:
                # no password is checked while locked, not even the right one
                log.warning("login refused for %r from %s: locked (%s) until %s", name[:64],
                            address, lock.what, lock.until.isoformat(timespec="seconds"))
                resp = app.make_response((render_template("login.html", error=lock.reason(now)),
                                          429))
                resp.headers["Retry-After"] = str(lock.seconds(now))
                return resp
            user = st.user(name) if name else None
            ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password)
            if user and ok:
                _throttle.succeeded(st, user["name"])
                sid = secrets.token_urlsafe(32)
                st.open_session(_session_hash(sid), user["name"], now=now,
                                expires=now + app.permanent_session_lifetime)
                session.clear()                # a fresh session (and CSRF token) per login
                session.permanent = True
                session["sid"] = sid
                csrf_token()
                log.info("login %s from %s", user["name"], address)
                return redirect(_safe_next(request.args.get("next")))
            _throttle.failed(st, name, address, now)
            log.warning("failed login for %r from %s", name[:64], address)
            error = "用户名或密码错误 (wrong name or password)"
        return render_template("login.html", error=error), (401 if error else 200)

    @app.route("/logout", methods=["POST"])
    def logout():
        sid = session.get("sid")
        if isinstance(sid, str) and sid:
            get_store().close_session(_session_hash(sid))
            log.info("logout %s", g.user["name"] if g.user else "?")
        session.clear()
        return redirect(url_for("login"))


def own_change_is_last(item_id: int, body: str) -> bool:
    """Whether the item's latest audited change is ``body``'s own category set by hand (a body
    with categories of its own: its undo gives the item back to its rules)."""
    rows = get_store().audit(item_id)
    last = max(rows, key=lambda a: a["id"], default=None)
    return bool(last and last["action"] == store_mod.BODY_CATEGORY
                and str(last["reason"] or "").split(":")[0] == body
                and last["new"] is not None)
