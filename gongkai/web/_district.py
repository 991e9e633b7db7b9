"""The 政务公开办's dashboard (issue 17 #3): every body of the district on one page — its 信息
this year against last year, its review backlog, its sources' health, whether its report data
passes the checks — the days to the 1月31日 deadline, and the whole table as an .xlsx.

``/district?year=2024`` (and ``/district.xlsx?year=2024``); admins only for now (accounts bound
to bodies are issue 17 #4): anyone else gets 403, as on the accounts page. A one-bureau config
shows its one body, so the page means the same everywhere; without a config there are no
bodies to show (503, as the report form).

Every body's counts come from one pass (``store.body_counts``), and the report checks are
``gongkai report --district``'s own (``cmd_report.prepare`` into a ``district_summary.BodyRow``)
handed those counts instead of recounting each body.
"""
from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Flask, abort, render_template, request, send_file
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

import classifier
import report
import store as store_mod

from .. import app as gk_app
from .. import cmd_report, display, district, district_summary, schemes
from ..cleantext import clean_line
from . import _live
from ._auth import _now, get_store
from ._home import _year_arg, health_rows
from ._report_form import officer_message
from ._users import is_admin
from ._views import default_year, names

# worst first: the word a body's sources are summed up by
_LEVELS = ("failing", "never", "quiet", "disabled", "ok")
_LEVEL_NAMES = {"failing": "采集失败", "never": "还没有运行过", "quiet": "长期没有新信息",
                "disabled": "已停用", "ok": "正常"}
UNATTRIBUTED = "未归属（共享来源中没有署任何单位的信息）"


@dataclass
class Row:
    """One line of the table: a body, or (``id`` None) the shared sources' unattributed items."""

    id: str | None
    name: str
    total: int
    last: int
    categories: dict[str, int] = field(default_factory=dict)
    last_categories: dict[str, int] = field(default_factory=dict)
    unreviewed: int | None = None        # this year's items awaiting review
    backlog: int | None = None           # every year's
    undated: int | None = None
    possible_duplicates: int | None = None
    sources: list[dict] = field(default_factory=list)
    check: district_summary.BodyRow | None = None
    district: bool = True                # False: a one-bureau config's one body
    own: bool = False                    # it files under categories of its own (schemes.py)

    @property
    def delta(self) -> int:
        return self.total - self.last

    @property
    def health(self) -> str:
        """The worst level among its sources ('' without any)."""
        levels = {s["health"].level for s in self.sources}
        return next((lv for lv in _LEVELS if lv in levels), "")

    def health_words(self) -> str:
        if not self.sources:
            return "没有来源"
        bad = [s for s in self.sources if s["health"].level != "ok"]
        if not bad:
            return f"{len(self.sources)} 个来源均正常"
        return "；".join(f"{s['name']}：{s['health'].words}" for s in bad) + (
            f"（其余 {len(self.sources) - len(bad)} 个正常）" if len(bad) < len(self.sources) else "")

    def report_words(self) -> str:
        """The state of its report data, as the district summary judges it."""
        c = self.check
        if c is None:
            return "—"
        if c.data is None:
            return "还没有数据文件"
        if c.errors:
            return f"{len(c.errors)} 个错误"
        return f"可以生成（{len(c.problems)} 个提示待确认）" if c.problems else "可以生成"

    def report_level(self) -> str:
        c = self.check
        return "" if c is None else "bad" if c.data is None or c.errors else "ok"

    def missing(self) -> list[str]:
        """What keeps this body's report back, in the officer's words (BodyRow.missing's)."""
        c, out = self.check, []
        if c is None:
            return out
        if self.total == 0:
            out.append("本年还没有统计到信息：来源是否已配置并采集？")
        if c.data is None:
            which = f" --bureau {c.id}" if self.district else ""
            out.append(f"没有年度报告数据文件（表二、三、四）：gongkai report init --year "
                       f"{c.counts.year}{which}")
        elif c.errors:
            first = c.errors[0]
            out.append(f"数据文件 {c.data.name} 未通过检查，第一个错误："
                       f"{officer_message(first.message, first.rule)}")
        if self.unreviewed:
            out.append(f"{self.unreviewed} 条信息待审")
        return out


@dataclass
class Dashboard:
    year: int
    rows: list[Row]
    unattributed: list[dict]             # this year's, with the source's display name
    district_total: int                  # each 信息 once, however many bodies published it
    due: date
    left: int
    district: bool
    categories: list[str]

    @property
    def ready(self) -> int:
        """Bodies whose report data file exists and passes the checks."""
        return sum(r.report_level() == "ok" for r in self.rows)


class _Counted:
    """The store, with every body's counts of the dashboard's years in hand: the report check
    (``cmd_report.prepare``) asks ``counts(year, scope)`` of each body, which the one pass of
    ``store.body_counts`` has answered for all of them. A scope or year it was not given, and
    anything else, goes to the store."""

    def __init__(self, st: store_mod.Store,
                 known: dict[store_mod.BodyScope, dict[int, dict]]) -> None:
        self._st, self._known = st, known

    def counts(self, year: int, scope: store_mod.BodyScope | None = None) -> dict:
        if scope is None:       # a one-bureau config: its one body is the whole record
            return self._st.counts_cached(year)
        known = self._known.get(scope, {})
        return copy.deepcopy(known[year]) if year in known else self._st.counts(year, scope)

    def sources(self) -> list[dict]:
        # the report check asks district.scope of each body, which reads the record's sources:
        # once per page is enough (the page reads in one request)
        if not hasattr(self, "_sources"):
            self._sources = self._st.sources()
        return self._sources

    def __getattr__(self, name: str) -> Any:
        return getattr(self._st, name)


def _checked(cfg, rules: classifier.Ruleset, counted: _Counted, year: int, body: str,
             data, known: dict | None, cache: dict | None,
             now: datetime | None = None, gaps: list | None = None) -> list[report.Problem]:
    """``cmd_report.prepare``'s problems for one body, as ``gongkai report --district`` finds
    them. With a ``cache``, kept by everything they are made of — the body's counts of the
    year, its data file's and last year's file's bytes, the config and rules of the app — so
    a write changes the check of the bodies whose counts it changed and no other's — and the
    passes of its sources (a source failing since makes its count short)."""
    key = None
    if cache is not None and known is not None:
        files = [data, report.previous_path(data, year)] if data is not None else []
        # the config and rules by identity: the app holds them, so an id is never reused
        key = (id(cfg), id(rules), year, body,
               json.dumps(known, sort_keys=True, ensure_ascii=False),
               tuple((str(f), f.read_bytes() if f.is_file() else None) for f in files),
               tuple(gaps) if gaps is not None else None)
        if key in cache:
            return cache[key]
    try:
        _, problems = cmd_report.prepare(cfg, rules, counted, year, data=data, charts=False,
                                         body=body, now=now, gaps=gaps)
    except report.ReportError as e:     # a data file that cannot be read is an error too
        problems = [report.Problem("error", "DATA-FILE", str(e))]
    if key is not None:
        if len(cache) > 4 * len(cfg.bodies) + 100:     # old years and old counts
            cache.clear()
        cache[key] = problems
    return problems


def _not_crawled(source_id: str) -> dict:
    # in the config, not yet in the store: no crawl has seen it since it was added
    return {"id": source_id, "name": names().source(source_id),
            "health": display.Health("never", "还没有运行过")}


def build(st: store_mod.Store, cfg, rules: classifier.Ruleset, year: int, now: datetime,
          checks: dict | None = None, own: dict | None = None) -> Dashboard:
    """The whole table for ``year`` against ``year - 1`` (in a request: display names are
    the request's). ``checks``: a dict kept between calls for the report checks (see
    :func:`_checked`)."""
    categories = rules.names
    health = {r["id"]: r for r in health_rows(st, now)}
    due, left = display.deadline_of(year, now)
    if cfg.district:
        # with the store: a source dropped from the config still counts for its bodies
        scopes = district.scopes(cfg, st)
        # every body's counts and backlog from the summary the store keeps up to date
        # (issue 17 #5: a pass over the years' items took a second at 250,000 items)
        raw, backlog = st.body_summary((year - 1, year), list(scopes.values()))
        counted = _Counted(st, {sc: raw[body] for body, sc in scopes.items()})
    else:
        raw = {cfg.bodies[0].id: {y: st.counts_cached(y) for y in (year - 1, year)}}
        backlog = {cfg.bodies[0].id: st.review_backlog()}
        counted = _Counted(st, {})
    # every source's passes against the year at once, each body's check given its own
    gaps = cmd_report.source_gaps(cfg, st, year, now)

    def mine_ids(body: str) -> set[str]:
        return {s.id for s in district.sources_of(cfg, body)}

    rows = []
    for b in cfg.bodies:
        # its own categories, if any (``own``: the rules the web UI loaded with its config)
        mine_names = (own[b.id] if own and b.id in own else
                      schemes.rules_for(cfg, b.id, rules)).names
        now_c = report.Counts.from_raw(year, raw[b.id][year], mine_names)
        last_c = report.Counts.from_raw(year - 1, raw[b.id][year - 1], mine_names)
        data = cmd_report.found_data(cfg, year, b.id)
        data = data if data is not None and data.exists() else None   # not written yet
        problems = _checked(cfg, rules, counted, year, b.id, data,
                            raw[b.id][year] if cfg.district else None, checks, now,
                            [g for g in gaps if not cfg.district or g.source_id in mine_ids(b.id)])
        # the health of the sources it has now: a dropped one is crawled no more
        mine = district.sources_of(cfg, b.id) if cfg.district else cfg.sources
        rows.append(Row(
            id=b.id, name=b.name, total=now_c.total, last=last_c.total,
            categories=now_c.categories, last_categories=last_c.categories,
            unreviewed=now_c.unreviewed, backlog=backlog.get(b.id, 0), undated=now_c.undated,
            possible_duplicates=now_c.possible_duplicates,
            sources=[health.get(s.id) or _not_crawled(s.id) for s in mine],
            check=district_summary.BodyRow(id=b.id, name=b.name, counts=now_c, data=data,
                                           problems=tuple(problems)),
            district=cfg.district, own=b.rules_path is not None))
    loose: list[dict] = []
    if cfg.district:
        shared, known = district.shared_sources(cfg, st), district.body_ids(cfg)
        loose = [{**r, "source": names().source(r["source_id"])}
                 for r in st.unattributed(year, shared, known)]
        rows.append(Row(id=None, name=UNATTRIBUTED, total=len(loose),
                        last=st.unattributed_count(year - 1, shared, known),
                        sources=[health.get(s) or _not_crawled(s)
                                 for s in district.shared_sources(cfg)]))
    return Dashboard(year=year, rows=rows, unattributed=loose,
                     district_total=report.Counts.from_raw(year, st.counts_cached(year),
                                                           categories).total,
                     due=due, left=left, district=cfg.district, categories=list(categories))


# -- the export ------------------------------------------------------------------------------------

def headers(d: Dashboard, labels: dict[str, str]) -> list[str]:
    y = d.year
    return ["单位", "编号", f"{y} 年信息", f"{y - 1} 年信息", "增减",
            *(f"{y} 年 {labels.get(c, c)}" for c in d.categories),
            *(f"{y - 1} 年 {labels.get(c, c)}" for c in d.categories),
            f"{y} 年待审", "待审（所有年份）", "无日期", "可能重复", "来源数", "来源状况",
            "年报数据", "还缺什么", *([f"{y} 年本单位自定分类"] if _any_own(d) else [])]


def _any_own(d: Dashboard) -> bool:
    return any(r.own for r in d.rows)


def cells(d: Dashboard, r: Row) -> list[Any]:
    """One row of the sheet, in the order of :func:`headers`; None where a figure does not
    apply (the unattributed have no backlog, no sources of their own, no report)."""
    # a body with categories of its own has none of the district's: its own in the last column
    theirs = r.id and not r.own
    return [r.name, (r.id or "") if d.district else "", r.total, r.last, r.delta,
            *(r.categories.get(c) if theirs else None for c in d.categories),
            *(r.last_categories.get(c) if theirs else None for c in d.categories),
            r.unreviewed, r.backlog, r.undated, r.possible_duplicates, len(r.sources),
            r.health_words(), r.report_words(), "；".join(r.missing()) or None,
            *([("；".join(f"{c} {n}" for c, n in r.categories.items()) if r.own else None)]
              if _any_own(d) else [])]


def workbook(d: Dashboard, labels: dict[str, str], now: datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{d.year}"
    head = headers(d, labels)
    for col, h in enumerate(head, 1):
        ws.cell(row=1, column=col, value=h).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = 30 if col == 1 else 12
    for n, r in enumerate(d.rows, 2):
        for col, value in enumerate(cells(d, r), 1):
            if isinstance(value, str):
                # names and words come from the config and from crawled pages: text that
                # starts with "=" must stay text, never become a formula
                value = clean_line(value)
            cell = ws.cell(row=n, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    ws.freeze_panes = "C2"
    about = wb.create_sheet("说明")
    for n, (k, v) in enumerate((
            ("年度", d.year),
            ("发布期限", d.due.isoformat()),
            ("距发布期限天数", d.left),
            ("全区信息条数（同一信息只计一次）", d.district_total),
            ("导出时间（北京时间）", display.when(now)),
            ("说明", "联合发布的信息计入每个发布单位，各单位合计可能多于全区信息条数。")), 1):
        about.cell(row=n, column=1, value=k)
        about.cell(row=n, column=2, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the pages -------------------------------------------------------------------------------------

def _require_admin() -> None:
    if not is_admin():
        abort(403, "只有管理员可以查看全区汇总 (admins only)")


def _dashboard() -> Dashboard:
    _require_admin()
    cfg = _live.config()
    if cfg is None:
        abort(503, "全区汇总需要配置文件：请用 gongkai serve --config gongkai.toml 启动 "
                   "(the district dashboard needs the config: start gongkai serve with --config)")
    raw = request.args.get("year", "").strip()
    year = _year_arg(raw) if raw else default_year()[0]
    return build(get_store(), cfg, _live.rules(), year, _now(),
                 _live.snapshot().checks, _live.snapshot().own)


def has_district() -> bool:
    cfg = _live.config()
    return cfg is not None and cfg.district


def install(app: Flask) -> None:
    app.jinja_env.globals.update(has_district=has_district)

    @app.route("/district")
    def district_page():
        d = _dashboard()
        years = get_store().pub_years()
        switch = sorted({*(y for y in years if y), display.report_year(_now()), d.year},
                        reverse=True)
        return render_template("district.html", d=d, years=switch,
                               labels=gk_app.labels(_live.rules()))

    @app.route("/district.xlsx")
    def district_xlsx():
        d = _dashboard()
        body = workbook(d, gk_app.labels(_live.rules()), _now())
        return send_file(io.BytesIO(body), as_attachment=True,
                         download_name=f"district-{d.year}.xlsx", mimetype=(
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
