"""The item page's date control: a person settles the date of an item whose dates disagree
(one of the candidate days, or one typed), audited and undone like any other change
(gongkai/review_dates.py, store/_dates.py)."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, abort, current_app, g, redirect, request, url_for

import store as store_mod

from .. import review_dates
from . import _live
from ._auth import get_store, require_items, require_writer


def _now() -> datetime:
    return current_app.config["GONGKAI_CLOCK"]()


def date_panel(item: dict) -> dict:
    """What the item page shows about the item's date: the candidate days (more than one: a
    person may have to choose) and the day set by hand, if any."""
    st = get_store()
    return {"choices": store_mod.date_choices(item.get("meta_json")),
            "settled": st.date_settlement(item["id"])}


def install(app: Flask) -> None:
    app.jinja_env.globals.update(date_panel=date_panel)

    @app.route("/item/<int:item_id>/date", methods=["POST"])
    def set_date(item_id: int):
        require_writer()
        require_items([item_id], write=True)
        typed = (request.form.get("typed") or "").strip()
        try:
            day = review_dates.parse_day(typed or request.form.get("day", ""))
        except review_dates.BadDate as e:
            abort(400, f"日期无法识别 {e}")
        try:
            review_dates.settle(get_store(), _live.rules(), item_id, day, actor=g.user["name"],
                                now=_now, reason=str(request.form.get("reason", ""))[:500])
        except store_mod.StoreError as e:
            abort(409, str(e))
        return redirect(url_for("item", item_id=item_id))
