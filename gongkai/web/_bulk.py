"""Bulk actions on the queue and cluster merge/split from the item view.

Bulk: the queue's checkboxes post to /bulk/preview, which only shows how many items would
change; the officer confirms on that page (/bulk/apply) and can undo the whole batch as one
step. Every route here changes data, so each passes the CSRF guard of _auth and refuses the
read-only role. An account bound to one body names only that body's items: one item of another
body refuses the whole request, and nothing changes (issue 17 #4).
"""
from __future__ import annotations

import re

from flask import Flask, abort, g, redirect, render_template, request, url_for

import store as store_mod

from . import _live
from ._auth import _safe_next, bound_body, get_store, require_items, require_writer

MAX_BULK = 500          # ten pages of the queue; a larger change is an Excel round trip
_IDS = re.compile(r"\d{1,12}")


def _action() -> tuple[dict, str]:
    """The form's action as review_bulk keywords, and how to say it."""
    raw = request.form.get("action", "")
    kind, _, value = raw.partition(":")
    if kind == "category" and value in _live.rules().names:
        sc = g.get("scope")
        if sc is not None and sc.own:
            abort(400, "本单位使用自定分类，请逐条修改类别 (a body with its own categories "
                       "files items one by one)")
        return {"category": value}, f"归入 {value}"
    if kind == "attribution" and value in ("ours", "not_ours"):
        return {"attribution": value}, ("标为本单位 ours" if value == "ours"
                                        else "标为非本单位 not ours")
    abort(400, "choose what to do with the selected items")


def _ids() -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in request.form.getlist("id") if i.isdigit()))
    if not ids:
        abort(400, "no item selected")
    if len(ids) > MAX_BULK:
        abort(400, f"at most {MAX_BULK} items at once")
    if bound_body() is not None:
        require_items(ids, write=True)
    return ids


def _joint(ids: list[int], action: dict) -> None:
    """A bound reviewer's 'not ours' on a joint notice would take it from the other bodies too:
    refused in bulk (the item page's n takes only the reviewer's own body off it)."""
    body = bound_body()
    if body is None or "attribution" not in action:
        return
    st = get_store()
    joint = [i for i in ids if set(st.item_bodies(i)) - {body}]
    if joint:
        abort(400, f"第 {joint[0]} 条信息也计入其他单位：请在该条信息页面逐条处理 "
                   "(a joint notice: change it on its own page)")


def _now():
    from ._views import _now as now   # one clock for every write of the web UI
    return now()


def install(app: Flask) -> None:
    @app.route("/bulk/preview", methods=["POST"])
    def bulk_preview():
        require_writer()
        ids, (action, label) = _ids(), _action()
        _joint(ids, action)
        plan = get_store().bulk_preview(ids, **action)
        return render_template("bulk_confirm.html", plan=plan, label=label,
                               action=request.form["action"],
                               reason=request.form.get("reason", "")[:500],
                               back=_safe_next(request.form.get("back")))

    @app.route("/bulk/apply", methods=["POST"])
    def bulk_apply():
        require_writer()
        ids, (action, label) = _ids(), _action()
        _joint(ids, action)
        try:
            done = get_store().review_bulk(ids, actor=g.user["name"], now=_now(),
                                           reason=request.form.get("reason", "")[:500], **action)
        except store_mod.StoreError as e:
            abort(400, str(e))
        return render_template("bulk_done.html", done=done, label=label,
                               batch=get_store().bulk_batch(done["batch_id"]),
                               back=_safe_next(request.form.get("back")))

    @app.route("/bulk/<int:batch_id>/undo", methods=["POST"])
    def bulk_undo(batch_id: int):
        require_writer()
        if bound_body() is not None:
            require_items(store_mod.access.batch_items(get_store(), batch_id), write=True)
        try:
            undone = get_store().review_undo_bulk(batch_id, actor=g.user["name"], now=_now())
        except store_mod.StoreError as e:
            abort(400, str(e))
        return render_template("bulk_done.html", undone=undone,
                               batch=get_store().bulk_batch(batch_id),
                               back=_safe_next(request.form.get("back")))

    @app.route("/item/<int:item_id>/merge", methods=["POST"])
    def merge(item_id: int):
        require_writer()
        others = [int(i) for i in _IDS.findall(request.form.get("with", ""))]
        if not others:
            abort(400, "name the item numbers to merge with, e.g. 12 34")
        if bound_body() is not None:
            require_items([item_id, *others], write=True)
        try:
            get_store().merge_items([item_id, *others], now=_now(), actor=g.user["name"],
                                    reason=request.form.get("reason", "")[:500])
        except store_mod.StoreError as e:
            abort(400, str(e))
        return redirect(url_for("item", item_id=item_id))

    @app.route("/item/<int:item_id>/split", methods=["POST"])
    def split(item_id: int):
        require_writer()
        if bound_body() is not None:
            require_items([item_id], write=True)
        try:
            get_store().split_item(item_id, now=_now(), actor=g.user["name"],
                                   reason=request.form.get("reason", "")[:500])
        except store_mod.StoreError as e:
            abort(400, str(e))
        back = request.form.get("back_item", "")
        return redirect(url_for("item", item_id=int(back) if back.isdigit() else item_id))
