"""The accounts page (issue 16 #7): an admin lists, adds, re-passwords and removes accounts in
the browser, as `gongkai user list/add/passwd/remove` do in the terminal.

Admin only: anyone else gets 403. Every form posts through the CSRF guard of _auth, and each
change goes to the audit log with the admin's name, like a re-filing. In a ``[[bureaus]]``
config an account is bound to one body when it is added, or later (``/users/bind``): an unknown
body is a 400 naming the bodies the config lists (issue 17 #4).
"""
from __future__ import annotations

from flask import Flask, abort, g, redirect, render_template, request, url_for

import store as store_mod

from .. import app as gk_app
from .. import display
from . import _live
from ._auth import _now, get_store, hash_password

# the roles in the words every other page uses, the stored value as a hint
ROLE_NAMES = {role: f"{display.role_name(role)} {role}" for role in ("admin", "reviewer",
                                                                     "readonly")}


def is_admin() -> bool:
    return bool(g.get("user")) and g.user["role"] == "admin"


def _require_admin() -> None:
    if not is_admin():
        abort(403, "只有管理员可以管理账号 (admins only)")


def _password(field: str = "password") -> str:
    from ..cmd_review import check_password
    password = request.form.get(field, "")
    if password != request.form.get(field + "2", ""):
        raise gk_app.UsageError("两次输入的密码不一致 (the two passwords differ)")
    check_password(password)
    return password


def _body() -> str | None:
    """The body the form names, checked against the config (None: no body)."""
    from ..cmd_review import check_body
    return check_body(_live.config(),
                      request.form.get("body", "").strip() or None)


def _page(message: str = "", error: str = "", status: int = 200):
    st = get_store()
    users = st.users(now=_now())
    bound = store_mod.access.user_bodies(st)
    for u in users:
        u["body"] = bound.get(u["name"])
    cfg = _live.config()
    bodies = {b.id: b.name for b in cfg.bodies} if cfg is not None and cfg.district else {}
    return render_template("users.html", users=users, roles=ROLE_NAMES, message=message,
                           error=error, bodies=bodies), status


def install(app: Flask) -> None:
    app.jinja_env.globals.update(is_admin=is_admin)

    @app.route("/users")
    def users():
        _require_admin()
        return _page()

    def _change(do, done: str, *, ends_own_login: bool = False):
        _require_admin()
        name = request.form.get("name", "").strip()
        try:
            do(name)
        except (store_mod.StoreError, gk_app.UsageError) as e:
            return _page(error=str(e), status=400)
        if ends_own_login and name == g.user["name"]:
            return redirect(url_for("login"))       # one's own password or account: log in again
        return _page(message=done)

    @app.route("/users/add", methods=["POST"])
    def users_add():
        def do(name: str) -> None:
            role = request.form.get("role", "reviewer")
            if role not in ROLE_NAMES:
                abort(400, "unknown role")
            body = _body()
            if body and role == "admin":
                raise gk_app.UsageError("管理员可以查看所有单位，不绑定单位 (an admin is bound "
                                        "to no body)")
            # one transaction, checked first: an account refused for its body is not written
            store_mod.access.add_account(get_store(), name, hash_password(_password()), role,
                                         body, now=_now(), actor=g.user["name"])
        return _change(do, f"账号 {request.form.get('name', '').strip()} 已添加 (added)")

    @app.route("/users/bind", methods=["POST"])
    def users_bind():
        def do(name: str) -> None:
            store_mod.access.bind_user(get_store(), name, _body(), now=_now(),
                                       actor=g.user["name"])
        return _change(do, f"{request.form.get('name', '').strip()} 的单位已更改，其登录已结束 "
                           "(bound; its logins are ended)")

    @app.route("/users/passwd", methods=["POST"])
    def users_passwd():
        def do(name: str) -> None:
            get_store().set_password(name, hash_password(_password()), now=_now(),
                                     actor=g.user["name"])
        return _change(do, f"{request.form.get('name', '').strip()} 的密码已更改，其登录已结束 "
                           "(password changed; its logins are ended)", ends_own_login=True)

    @app.route("/users/remove", methods=["POST"])
    def users_remove():
        def do(name: str) -> None:
            get_store().remove_user(name, now=_now(), actor=g.user["name"])
        return _change(do, f"账号 {request.form.get('name', '').strip()} 已删除 (removed)",
                       ends_own_login=True)
