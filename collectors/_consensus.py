"""Which day an item was published on, decided by agreement between every date it carries.

The year of that day decides which annual report counts the item, and one field alone is not to be
trusted: a CMS that regenerates its pages rewrites ``<meta name="PubDate">`` with the regeneration
time (scjg.gansu.gov.cn: PubDate 2023-04-18 = 页面生成时间, while the visible 发布时间, the URL's
``/202205/`` and the list all say 2022-05-06), a TRS URL's ``t20260828_`` is the day the document was
filed, not published (www.ndrc.gov.cn: published 2026-08-27), and a list may show a year-less
``12-20``. So every date is a :class:`Candidate` tagged with where it was read, and :func:`decide`
chooses by agreement:

- What a person reads comes first: the page's visible 发布时间/发布日期 line, then the list's date
  (then a feed's or a data file's publication field). A meta that agrees with nobody loses to them,
  and a meta equal to the page's generation time (页面生成时间, ``HtmlGenerateTime``) does not vote
  at all while anything else does.
- The URL's date only supports a reading at month level (filing and publishing days differ) and
  breaks ties; it is the date only when nothing else is.
- Within the chosen day, the most precise candidate gives the instant (a detail meta with a time
  wins over a list's bare day when they agree on the day).
- When the candidates disagree on the **year**, the result says so (:attr:`Consensus.conflict_years`)
  and the item carries every candidate, so a person decides before the year's counts are final.

Pure: no I/O, no clock. Dates without a zone are Beijing time (collectors/_dates.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

from ._dates import BEIJING, beijing_date, parse_date

LABEL = "detail-label"      # the visible 发布时间/发布日期/时间 line of the detail page
META = "detail-meta"        # PubDate, firstpublishedtime, dispatch date …
LIST = "list"
LIST_YEARLESS = "list-yearless"   # a year-less list date whose year is the crawl's year: a guess
FEED = "feed"
DATA = "data"               # a data file's publication field (hb zcwj.json DOCRELTIME)
URL = "url"
GENERATED = "generated"     # the page's generation time: never a publication date

# Who wins when two readings have equal support: what a person reads first.
_PRIORITY = {LABEL: 0, LIST: 1, FEED: 2, DATA: 3, META: 4, LIST_YEARLESS: 5, URL: 6}
# Who gives the instant inside the chosen day, among equally precise candidates (the meta carries
# the CMS's own publish time to the second; the visible line often only the day).
_INSTANT = {META: 0, LABEL: 1, FEED: 2, DATA: 3, LIST: 4, LIST_YEARLESS: 5, URL: 6}
# Sources that vote as one: several metas copied from one CMS field are one witness, not three.
_FAMILY = {LIST_YEARLESS: LIST}
_PRECISION = {"month": 0, "day": 1, "minute": 2, "second": 3}

_SECONDS = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}\s*[:：分]\s*\d{2}")
_MINUTES = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}")
_EPOCH = re.compile(r"\d{10}|\d{13}")

# Dates in URL paths (gov-sites.md §2): TRS t20220506_123.html; Hanweb /art/2022/5/6/art_…;
# gov.cn /content/2026-09/28/content_…; /2017/12/20/; old Xinxiang /20171220144159170.html (a file
# name starting with the day it was made). A year-only folder (/art/2026/art_…, /2024/) says too
# little, and a bare number elsewhere in the path is an id, not a date.
_URL_DAYS = (
    re.compile(r"/t(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})_\d+\.\w+$"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})/(?P<d>\d{2})/"),
    re.compile(r"/(?:[A-Za-z]{1,8}_?)?(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})\d{0,12}\.\w+$"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})/"),
)
_URL_MONTHS = (re.compile(r"/(?P<y>(?:19|20)\d{2})-?(?P<m>\d{2})/"),)


@dataclass(frozen=True)
class Candidate:
    """One date an item carries, and where it was read."""

    source: str                 # LABEL | META | LIST | LIST_YEARLESS | FEED | DATA | URL | GENERATED
    when: datetime              # aware, Beijing time
    raw: str = ""               # the text it was read from
    name: str = ""              # which one: 发布时间, PubDate, DOCRELTIME, the URL part …
    precision: str = "day"      # month | day | minute | second
    # A list's year-less "12-20" given a year from its link, its neighbours or the crawl: it votes
    # for its day, but its year is no evidence of a year conflict.
    inferred_year: bool = False

    @property
    def day(self) -> date:
        return beijing_date(self.when)

    def shown(self) -> str:
        fmt = {"month": "%Y-%m", "day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M"}.get(
            self.precision, "%Y-%m-%d %H:%M:%S")
        return self.when.astimezone(BEIJING).strftime(fmt)

    def label(self) -> str:
        return f"{self.name} ({self.source})" if self.name else self.source


def precision_of(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    if _EPOCH.fullmatch(text) or _SECONDS.search(text):
        return "second"
    return "minute" if _MINUTES.search(text) else "day"


def candidate(source: str, raw: str, name: str = "", *, when: datetime | None = None,
              inferred_year: bool = False) -> Candidate | None:
    """A candidate read from *raw* (or already parsed as *when*); None when it is not a date."""
    if when is None:
        when = parse_date(raw) if raw else None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=BEIJING)
    return Candidate(source, when.astimezone(BEIJING), raw, name, precision_of(raw),
                     inferred_year or source == LIST_YEARLESS)


def url_candidate(url: str) -> Candidate | None:
    """The date a URL's path carries (the most precise one), or None."""
    path = urlsplit(url).path
    for patterns, precision in ((_URL_DAYS, "day"), (_URL_MONTHS, "month")):
        for pattern in patterns:
            for m in pattern.finditer(path):
                g = m.groupdict()
                try:
                    when = datetime(int(g["y"]), int(g["m"]), int(g.get("d") or 1), tzinfo=BEIJING)
                except ValueError:
                    continue
                return Candidate(URL, when, m.group(0).strip("/"), "", precision)
    return None


@dataclass(frozen=True)
class Consensus:
    """The chosen publish time, every candidate, and whether their years disagree."""

    published: datetime | None
    source: str                       # the source of the candidate giving the instant ("" unknown)
    raw: str
    candidates: tuple[Candidate, ...]
    unheard: frozenset[int] = frozenset()   # indexes of metas equal to the page generation time
    conflict_years: tuple[int, ...] = ()   # sorted, empty when the years agree

    @property
    def day(self) -> date | None:
        return beijing_date(self.published) if self.published else None

    def as_dicts(self) -> list[dict[str, Any]]:
        out = []
        for i, c in enumerate(self.candidates):
            d: dict[str, Any] = {"source": c.source, "date": c.shown(), "raw": c.raw}
            if c.name:
                d["name"] = c.name
            if c.source != GENERATED:
                d["agrees"] = self.day is not None and _supports(c, self.day)
            if i in self.unheard:
                d["note"] = "equals the page generation time (页面生成时间): not a publish date"
            out.append(d)
        return out

    def summary(self) -> str:
        """One line a reviewer reads: each day and who says it."""
        by_day: dict[str, list[str]] = {}
        for i, c in enumerate(self.candidates):
            if c.source == GENERATED or i in self.unheard:
                continue
            by_day.setdefault(c.shown()[:10], []).append(c.label())
        chosen = self.day.isoformat() if self.day else ""
        parts = [f"{d}{' ✓' if d == chosen else ''}: {', '.join(who)}"
                 for d, who in sorted(by_day.items(), key=lambda kv: kv[0] != chosen)]
        return " | ".join(parts)

    def review(self) -> str:
        """Why a person must look at this item's date, or "" when the date is settled."""
        if self.conflict_years:
            years = "/".join(map(str, self.conflict_years))
            if self.source == LIST_YEARLESS:
                return (f"日期冲突 date conflict ({years}): the year is written neither on the list "
                        f"nor on the page, taken from the crawl date: {self.raw} -> {self.day}")
            return f"日期冲突 date conflict ({years}): {self.summary()}"
        if self.source == LIST_YEARLESS:
            return (f"年份推测 year not written on the list, taken from the crawl date: "
                    f"{self.raw} -> {self.day}")
        return ""

    def extra(self) -> dict[str, Any]:
        """What an Item keeps in ``extra``: the candidates when there was a choice, and
        ``date_conflict``/``date_review`` when a person must look."""
        out: dict[str, Any] = {}
        if len(self.candidates) > 1 or self.unheard or self.conflict_years:
            out["date_candidates"] = self.as_dicts()
        if self.conflict_years:
            out["date_conflict"] = {"years": list(self.conflict_years),
                                    "chosen": self.day.isoformat() if self.day else None}
        why = self.review()
        if why:
            out["date_review"] = why
        return out


def _supports(c: Candidate, day: date) -> bool:
    """Whether *c* bears witness to *day*: a URL at month level (filed and published days differ),
    a year-less list date by month and day, anything else by the day itself."""
    if c.source == URL:
        return (c.when.year, c.when.month) == (day.year, day.month)
    if c.source == LIST_YEARLESS:
        return (c.day.month, c.day.day) == (day.month, day.day)
    return c.day == day


def _unheard(cands: Sequence[Candidate]) -> frozenset[int]:
    """Metas that equal the page's generation time: a regenerated page stamps both."""
    stamps = [c for c in cands if c.source == GENERATED]
    out = set()
    for i, c in enumerate(cands):
        if c.source != META:
            continue
        for g in stamps:
            timed = c.precision in ("minute", "second") and g.precision in ("minute", "second")
            if (abs(c.when - g.when) < timedelta(minutes=1)) if timed else c.day == g.day:
                out.add(i)
    return frozenset(out)


def decide(candidates: Iterable[Candidate | None]) -> Consensus:
    """Choose the publish time by agreement (module docstring). ``None`` entries are ignored."""
    cands = tuple(c for c in candidates if c is not None)
    unheard = _unheard(cands)
    voters = [c for i, c in enumerate(cands) if c.source not in (URL, GENERATED) and i not in unheard]
    if not voters:   # a meta equal to the generation time is still better than nothing
        voters = [c for c in cands if c.source not in (URL, GENERATED)]
        unheard = frozenset()
    urls = [c for c in cands if c.source == URL]

    chosen: list[Candidate] = []
    if voters:
        dated = [c for c in voters if c.source != LIST_YEARLESS] or voters
        best = None
        for day in dict.fromkeys(c.day for c in dated):
            witnesses = [c for c in voters if _supports(c, day)]
            support = len({_FAMILY.get(c.source, c.source) for c in witnesses}) + \
                any(_supports(u, day) for u in urls)
            key = (support, -min(_PRIORITY[c.source] for c in witnesses))
            if best is None or key > best[0]:
                best = (key, day)
        chosen = [c for c in voters if c.day == best[1]]
    else:
        chosen = [u for u in urls if u.precision != "month"]   # a month alone is not a day
    if not chosen:
        return Consensus(None, "", "", cands, unheard, _years(cands, unheard))
    # The chosen day with the instant of its most precise witness.
    top = min(chosen, key=lambda c: (-_PRECISION[c.precision], _INSTANT[c.source]))
    years = _years(cands, unheard)
    if top.source == LIST_YEARLESS and not years:
        # Nothing on the page or the item gave the year: the crawl's year is a guess, and the
        # year before is as likely ("03-20" read in December) — both years' counts name it
        # until a person settles the date.
        years = (top.when.year - 1, top.when.year)
    return Consensus(top.when, top.source, top.raw, cands, unheard, years)


def _years(cands: Sequence[Candidate], unheard: frozenset[int]) -> tuple[int, ...]:
    years = {c.when.year for i, c in enumerate(cands)
             if c.source != GENERATED and not c.inferred_year and i not in unheard}
    return tuple(sorted(years)) if len(years) > 1 else ()


# -- year-less list dates ---------------------------------------------------------------------

def _nearest_year(when: datetime, ref: datetime) -> datetime | None:
    """*when* (month, day and time kept) moved to the year that puts it nearest to *ref*."""
    best = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            moved = when.replace(year=year)
        except ValueError:   # 29 February in a common year
            continue
        if best is None or abs(moved - ref) < abs(best - ref):
            best = moved
    return best


def _year_back(when: datetime) -> datetime:
    try:
        return when.replace(year=when.year - 1)
    except ValueError:   # 29 February
        return when.replace(year=when.year - 1, day=28)


def settle_years(rows: Sequence[tuple[str, datetime | None, bool]],
                 now: datetime) -> list[tuple[datetime | None, str]]:
    """Years for year-less list dates (``12-20``), as a person reading the page would settle them.

    *rows* are ``(url, date, yearless)`` in page order, a year-less date parsed with the crawl's
    year. Returns ``(date, how)`` per row, *how* being "" (the year was written), "url" (the
    nearest year to the link's own date: ``…20171220…``, ``t20171220_``, ``/2017/12/20/``),
    "neighbours" (the nearest year to the closest row on the page whose year is known) or
    "context" (neither: the crawl's year, one back when that puts the day in the future — a
    guess the item is marked with).
    """
    out: list[tuple[datetime | None, str]] = []
    for url, when, yearless in rows:
        if when is None or not yearless:
            out.append((when, ""))
            continue
        ref = url_candidate(url)
        moved = _nearest_year(when, ref.when.replace(day=15) if ref and ref.precision == "month"
                              else ref.when) if ref else None
        out.append((moved, "url") if moved else (when, "?"))
    known = [i for i, (when, how) in enumerate(out) if when is not None and how != "?"]
    for i, (when, how) in enumerate(out):
        if how != "?" or when is None:
            continue
        near = min(known, key=lambda j: (abs(j - i), j > i), default=None)
        moved = _nearest_year(when, out[near][0]) if near is not None else None
        if moved is not None:
            out[i] = (moved, "neighbours")
        else:
            if when > now + timedelta(days=2):   # "12-20" read in January is last December
                when = _year_back(when)
            out[i] = (when, "context")
    return out
