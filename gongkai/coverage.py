"""Has every item of the year been seen? (采全) Each polled source's passes, as the record that
`gongkai status` reads keeps them (its runs, its last good pass, its memo), against the year.

A year's count is short when a source's column was not read to the year's end: a source failing
since before the year ended, or that never completed a pass; a pass that stopped at the page cap
before reaching the year's first items; an ended year whose last good pass came before its end.
Those are errors of ``report check`` (the count may be short) and warnings of ``counts``. A
source failing now whose last good pass started after the year ended has shown the whole year
(a failed pass makes the next one walk the whole column): a warning, the count is not affected.
Items kept from the list alone (their page unread) are counted, filed by their title: a warning.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, Iterable

import collectors

from . import display

REASON_CHARS = 200          # a reason is one line of a check, not a page


@dataclass(frozen=True)
class Gap:
    """One source's part of the year not (surely) read, or read from its list alone."""
    source_id: str
    name: str
    severity: str       # error: the year's count may be short | warning: it is not
    kind: str           # failing | never (no pass yet) | stale | capped | unread | feedgap
    since: str          # Beijing time the problem began ("" when not known)
    good_at: str        # Beijing time the newest good pass started ("" never)
    reason: str         # one line
    count: int = 0      # failed passes (failing), unread pages (unread), gaps (feedgap)

    @property
    def short(self) -> bool:
        return self.severity == "error"


def year_end(year: int) -> datetime:
    """00:00 of 1 January after ``year``, Beijing time, as UTC: the year's last item is before."""
    return datetime.combine(date(year + 1, 1, 1), time(), collectors.BEIJING).astimezone(
        timezone.utc)


def _at(ts: str | None) -> datetime | None:
    if not ts:
        return None
    t = datetime.fromisoformat(ts)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _memo(row: dict) -> dict:
    try:
        memo = json.loads(row.get("memo_json") or "{}")
    except ValueError:
        return {}
    return memo if isinstance(memo, dict) else {}


def _year_of(iso: Any) -> int | None:
    """The Beijing year of a remembered row's date (None: none, or not a date)."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return collectors.beijing_date(when).year


def _line(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 1] + "…"


def polled(cfg: Any, st: Any, source_ids: Iterable[str] | None = None) -> list[str]:
    """The sources whose passes make the count: the config's enabled ones that are fetched
    (a manual channel has no passes: what was typed in is its record), else — no config —
    the record's; only ``source_ids`` of them when given."""
    wanted = set(source_ids) if source_ids is not None else None
    rows = ([(s.id, s.type, s.enabled) for s in cfg.sources] if cfg is not None else
            [(s["id"], s["type"], s["enabled"]) for s in st.sources()])
    return [i for i, kind, on in rows
            if on and kind != "manual" and (wanted is None or i in wanted)]


def gaps(st: Any, year: int, now: datetime, source_ids: Iterable[str], *,
         names: display.Names | None = None) -> list[Gap]:
    """The gaps of ``year`` in the sources ``source_ids`` (see :func:`polled`), errors first."""
    names = names or display.names_for(st)
    rows = {s["id"]: s for s in st.sources()}
    end = year_end(year)
    over = now >= end
    found: list[Gap] = []
    for sid in source_ids:
        s = rows.get(sid, {"id": sid})      # in the config, never crawled
        memo = _memo(s)
        cap = memo.get("page_cap")
        capped = isinstance(cap, dict) and bool(cap.get("note"))
        r = st.reading_of(s["id"], oldest=capped)
        good = _at(r["good_at"])
        seen_all = good is not None and good >= end    # a whole pass began after the year
        common = dict(source_id=s["id"], name=names.source(s["id"]),
                      good_at=display.when(r["good_at"], ""))
        if r["failed"]:
            found.append(Gap(**common, severity="warning" if seen_all else "error",
                             kind="failing",
                             since=display.when(r["failed_since"], ""),
                             reason=_line(r["reason"]), count=r["failed"]))
        elif good is None:
            # configured, no pass completed (never run, or every one cut short by a kill)
            found.append(Gap(**common, severity="error", kind="never",
                             since=display.when(s.get("created_at"), ""),
                             reason="no pass has completed"))
        elif over and not seen_all:
            found.append(Gap(**common, severity="error", kind="stale", since="",
                             reason="no pass since the year ended"))
        if good is not None and capped:
            # what the capped pass left unread is older than what it read: the year is whole
            # when the source's items reach back before it
            whole = bool(r["oldest"]) and r["oldest"] < f"{year}-01-01"
            found.append(Gap(**common, severity="warning" if whole else "error", kind="capped",
                             since="", reason=_line(cap["note"]) + (
                                 "" if not r["oldest"] else f"; oldest item read: {r['oldest']}")))
        # details the collector keeps to read again: a website's rows kept with the list's
        # title and date (of this year), a WeChat feed's articles not fetched yet
        # (and the rows whose page no pass will ask for again: given up, gone, a stub)
        mine = [e for part in ("unread_details", "unread_final")
                if isinstance(memo.get(part), dict) for e in memo[part].values()
                if isinstance(e, dict) and _year_of(e.get("date")) in (year, None)]
        retry = memo.get("wx_retry")
        waiting = len(retry) if isinstance(retry, dict) else 0
        if mine or waiting:
            why = [str(mine[0].get("why") or "")] if mine else []
            if waiting:
                why.append(f"{waiting} article page(s) not fetched yet, tried again on later "
                           "passes")
            found.append(Gap(**common, severity="warning", kind="unread", since="",
                             reason=_line("; ".join(w for w in why if w)), count=len(mine)))
        # a feed that listed only its newest entries may have skipped some between two passes
        spans = _feed_gaps(memo, year)
        if spans:
            found.append(Gap(**common, severity="warning", kind="feedgap", since=spans[0][0],
                             reason=_line("; ".join(f"{a} – {b}" for a, b in spans)),
                             count=len(spans)))
    found.sort(key=lambda g: not g.short)
    return found


def _feed_gaps(memo: dict, year: int) -> list[tuple[str, str]]:
    """(from, to) in Beijing time of the feed's possible gaps (collectors' ``feed_gap``) that
    overlap ``year``."""
    note = memo.get("feed_gap")
    out = []
    for g in note.get("gaps", []) if isinstance(note, dict) else []:
        try:
            a, b = (datetime.fromisoformat(g["from"]), datetime.fromisoformat(g["to"]))
        except (KeyError, TypeError, ValueError):
            continue
        if a.tzinfo and b.tzinfo and year in range(collectors.beijing_date(a).year,
                                                   collectors.beijing_date(b).year + 1):
            out.append((display.when(a.isoformat(), ""), display.when(b.isoformat(), "")))
    return out


def counts_lines(found: list[Gap], year: int) -> list[str]:
    """``gongkai counts``' warnings (stderr), one line per source: since when, the reason, and
    what it does to the count of ``year``."""
    by_source: dict[str, list[Gap]] = {}
    for g in found:
        by_source.setdefault(g.source_id, []).append(g)
    out = []
    for sid, mine in by_source.items():
        name = mine[0].name
        who = f"source {sid} ({name})" if name != sid else f"source {sid}"
        out.append(f"{who}: " + "; also ".join(counts_line(g, year) for g in mine))
    return out


def counts_line(g: Gap, year: int) -> str:
    """One finding as ``gongkai counts`` words it (without the source's name)."""
    if g.kind == "feedgap":
        return (f"the feed listed only its newest entries and may have skipped some published "
                f"between {g.reason}: the {year} count may be short by them; check the account's "
                f"history for that time and add what is missing (`gongkai add`, a board import)")
    if g.kind == "unread":
        return (f"{g.count} item(s) of {year} counted from the list's title and date only "
                f"(their page could not be read; filed by their title): {g.reason}"
                if g.count else f"pages not read: {g.reason}")
    if g.kind == "capped":
        effect = (f"the {year} count may be short" if g.short else
                  f"{year} was read to its start, the count is not affected")
        return f"the last pass stopped short of the column's end ({g.reason}): {effect}"
    if g.kind == "stale":
        return (f"last complete pass started {g.good_at} Beijing time, before {year} ended; items "
                f"published since have not been looked for: the {year} count may be short "
                f"(`gongkai crawl --source {g.source_id}`)")
    if g.kind == "never":
        return (f"configured {g.since or '-'}, no pass over it has completed: the {year} count "
                f"may be short (`gongkai crawl --source {g.source_id}`)")
    passes = f"{g.count} failed pass{'es' if g.count != 1 else ''}"
    last = (f"last complete pass started {g.good_at}" if g.good_at
            else "no pass has ever completed")
    effect = (f"the {year} count may be short" if g.short else
              f"that pass came after {year} ended, so every item of {year} was seen: the count "
              "is not affected")
    return (f"FAILING since {g.since} Beijing time ({passes}; {last}): {effect} — "
            f"{g.reason}")


def check_message(g: Gap, year: int) -> str:
    """``report check``'s finding: Chinese for the officer, the same in English after it."""
    english = {"failing": f"failing since {g.since}", "never": "never read to the end",
               "stale": "not read since the year ended", "capped": "stopped at the page cap",
               "unread": "pages unread", "feedgap": f"possible feed gap {g.reason}"}[g.kind]
    english = f"source {g.source_id}: {english}; " + (
        f"the {year} count may be short" if g.short else
        "check their category" if g.kind == "unread" else
        "check the account's history for that time" if g.kind == "feedgap" else
        f"the {year} count is not affected")
    return f"{officer_text(g, year)} ({english})"


def officer_text(g: Gap, year: int, ids: bool = True) -> str:
    """The finding in Chinese; ``ids=False``: as the web pages show it, by the source's name."""
    who = f"来源“{g.name}”" + (f"（{g.source_id}）" if ids and g.name != g.source_id else "")
    if g.kind == "feedgap":
        text = (f"{who}的订阅源只列出最新的若干篇，{g.reason} 之间发布的文章可能漏采，"
                f"{year} 年的统计数可能偏少：请对照该账号的历史消息，补录遗漏的信息")
    elif g.kind == "unread":
        text = (f"{who}有 {g.count} 条 {year} 年信息的页面没能读取，只按列表的标题和日期计入、"
                f"按标题分类，请核对其分类。例：{g.reason}" if g.count else
                f"{who}有文章页面还没能读取（{g.reason}），相关信息按摘要分类，请核对其分类")
    elif g.kind == "capped":
        text = (f"{who}的采集停在页数上限，栏目后面的页没有读到，{year} 年的统计数可能偏少"
                if g.short else f"{who}的采集停在页数上限，但已读到 {year} 年之前，本年统计不受影响"
                ) + f"（{g.reason}）"
    elif g.kind == "stale":
        text = (f"{who}最后一次完整采集开始于 {g.good_at}，早于 {year} 年底，此后发布的信息还没有"
                f"采集，{year} 年的统计数可能偏少：请运行 gongkai crawl")
    elif g.kind == "never":
        text = (f"{who}从未完整采集过（配置于 {g.since or '-'}），{year} 年的统计数可能偏少："
                f"请运行 gongkai crawl")
    else:
        last = f"最后一次成功采集开始于 {g.good_at}" if g.good_at else "从未成功采集过"
        text = (f"{who}自 {g.since} 起采集失败（连续 {g.count} 次），{last}，"
                + (f"{year} 年的统计数可能偏少" if g.short else
                   f"在 {year} 年结束之后，{year} 年的信息已全部看过，本年统计不受影响")
                + f"。原因：{g.reason}")
    return text
