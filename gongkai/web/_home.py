"""The officer's home page (首页): the year in numbers against last year's, the review backlog,
each source's health in words, and the days to the 1月31日 report deadline with what is missing.

``/?year=2024`` shows that year; it opens on the year being reported, or on the latest year
with items when that one has none. Queue filters given to ``/`` (an old bookmark of the queue)
are sent on to ``/queue``. An account bound to one body of a district sees that body's figures,
sources, backlog and report data only (issue 17 #4).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, abort, current_app, redirect, render_template, request, url_for

import report
import store as store_mod

from .. import alerts, cmd_report, coverage, display
from ..config import AlertsConfig
from . import _live
from ._auth import bound_body, get_store, scope
from ._views import FILTERS, default_year, names, raw_counts, source_ids

def _now() -> datetime:
    return current_app.config["GONGKAI_CLOCK"]()


def _quiet_days_min() -> int:
    cfg = _live.config()
    return (cfg.alerts if cfg is not None else AlertsConfig()).quiet_days_min


def health_rows(st: store_mod.Store, now: datetime | None = None) -> list[dict]:
    """Each source with its display names and its health in words (enabled ones first)."""
    now = now or _now()
    rows = st.source_health()
    for r in rows:
        streak, reason = st.failure_streak(r["id"])
        seen = st.item_rhythm(r["id"])
        quiet = alerts.quiet_after(seen, _quiet_days_min()).days if seen else None
        r["name"] = names().source(r["id"])
        r["channel_name"] = names().channel(r["channel"])
        r["health"] = display.health(
            enabled=bool(r["enabled"]), streak=streak, reason=reason,
            last_success_at=r["last_success_at"], last_new_at=seen[0] if seen else None,
            quiet_after_days=quiet, now=now)
    order = names().order([r["id"] for r in rows], of="sources")
    rows.sort(key=lambda r: (not r["enabled"], order.index(r["id"])))
    return rows


def year_gaps(st: store_mod.Store, year: int, now: datetime) -> list[coverage.Gap]:
    """The sources (this account's) whose passes did not surely read all of ``year``."""
    return coverage.gaps(st, year, now, coverage.polled(_live.config(), st, source_ids()),
                         names=names())


def gap_rows(st: store_mod.Store, year: int, now: datetime) -> list[dict]:
    """:func:`year_gaps` as the sources page lists them (errors first)."""
    return [{"text": coverage.officer_text(g, year, ids=False), "short": g.short}
            for g in year_gaps(st, year, now)]


def _compare(now: dict[str, int], before: dict[str, int], keys) -> list[dict]:
    return [{"key": k, "now": now.get(k, 0), "before": before.get(k, 0),
             "delta": now.get(k, 0) - before.get(k, 0)} for k in keys]


def _missing(raw: dict, year: int, failing: int, data_file: Path | None,
             gaps: list[coverage.Gap] = ()) -> list[dict]:
    """What still stands between the officer and the report, each with where to fix it."""
    out = []
    if raw.get("unreviewed"):
        out.append({"text": f"{raw['unreviewed']} 条信息待审（分类器没有把握）",
                    "href": url_for("queue", year=year, status="todo"), "go": "去审核"})
    if raw.get("possible_duplicates"):
        out.append({"text": f"{raw['possible_duplicates']} 对可能重复的信息待确认（确认前可能重复计数）",
                    "href": url_for("dupes"), "go": "去确认"})
    if raw.get("undated"):
        out.append({"text": f"{raw['undated']} 条信息没有日期（不知道算哪一年）",
                    "href": url_for("queue", status="undated"), "go": "去查看"})
    if raw.get("unclassified"):
        out.append({"text": f"{raw['unclassified']} 条信息还没有分类", "href": None, "go": ""})
    if failing:
        out.append({"text": f"{failing} 个来源采集失败（期间发布的信息可能没有采到）",
                    "href": url_for("sources"), "go": "看来源状态"})
    # the sources that leave this year's count short, each by name, as `report check` says
    out += [{"text": coverage.officer_text(g, year, ids=False), "href": url_for("sources"),
             "go": "看来源状态"} for g in gaps if g.short]
    if data_file is None:       # served without a config: the data file cannot be found
        out.append({"text": "不知道年度报告数据（表二、三、四和文字）保存在哪里：请用配置文件启动"
                            "（gongkai serve --config …）", "href": None, "go": ""})
    elif not data_file.exists():
        form = "report_form" if "report_form" in current_app.view_functions else None
        out.append({"text": f"{year} 年度报告数据（表二、三、四和文字）还没有填写",
                    "href": url_for(form, year=year) if form else None,
                    "go": "去填写" if form else ""})
    return out


def _year_arg(raw: str) -> int:
    try:
        year = int(raw)
    except ValueError:
        abort(400, "year must be a number")
    if not 1900 <= year <= 2999:
        abort(400, "year out of range")
    return year


def install(app: Flask) -> None:

    @app.route("/")
    def home():
        wanted = {k: v for k, v in request.args.items() if (k in FILTERS or k == "page") and v}
        if set(wanted) - {"year"}:  # an old bookmark of the queue, which used to live here
            return redirect(url_for("queue", **wanted))
        st, now = get_store(), _now()
        rules = _live.rules()
        years = st.review_facets()["years"]
        year, hint = default_year()
        if wanted:
            year, hint = _year_arg(wanted["year"]), ""
        raw, before = raw_counts(year), raw_counts(year - 1)
        counts = report.Counts.from_raw(year, raw, rules.names)
        last = report.Counts.from_raw(year - 1, before, rules.names)
        channels = names().order(dict.fromkeys([*counts.by_channel, *last.by_channel]))
        per_channel = _compare({ch: sum(v.values()) for ch, v in counts.by_channel.items()},
                               {ch: sum(v.values()) for ch, v in last.by_channel.items()},
                               channels)
        mine = source_ids()
        sources = [s for s in health_rows(st, now) if mine is None or s["id"] in mine]
        failing = sum(s["health"].level == "failing" for s in sources)
        cfg = _live.config()
        # where `report init` writes it and the report form saves it
        body = bound_body()
        data_file = (cmd_report.data_path(cfg, year, body)
                     or cmd_report.default_data(cfg, year, body) if cfg is not None else None)
        due, left = display.deadline_of(year, now)
        switch = sorted({*years, display.report_year(now), year}, reverse=True)
        return render_template(
            "home.html", year=year, year_hint=hint, years=switch,
            current=year == display.report_year(now), counts=counts, last=last,
            by_category=_compare(counts.categories, last.categories, counts.categories),
            per_channel=per_channel, sources=sources, due=due, left=left,
            missing=_missing(raw, year, failing, data_file, year_gaps(st, year, now)),
            backlog=(st.review_backlog() if scope() is None
                     else store_mod.body_backlog(st, [scope()])[scope().body]))
