"""Dates as Chinese government pages and WeChat bridges write them.

Everything returned is timezone-aware and expressed in Beijing time: the report's year is the Beijing
calendar date of the publish time (DESIGN "Domain rules"), and a zone-less string on these sites is
Beijing wall-clock time. feedparser's own parser mis-reads ``2025年1月1日``, ``2025/01/01``, epoch
strings and ``CST`` (wechat-feeds.md §4), which is why this module exists.

The parsers are deliberately strict: a whole string must be a date. Index numbers (索引号 such as
``2024-01-00123``), 文号 and long numeric article ids are not dates, and guessing wrong there moves an
item into another year of a published report.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

# Plausible publish years; anything outside is a misread id, not a date.
_MIN_YEAR, _MAX_YEAR = 1990, 2100

# RFC 822 zone names. "CST" on a Chinese site or bridge means China Standard Time, not US Central.
_ZONES = {
    "GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "CST": 8 * 60, "BJT": 8 * 60,
    "EST": -5 * 60, "EDT": -4 * 60, "CDT": -5 * 60, "MST": -7 * 60, "MDT": -6 * 60,
    "PST": -8 * 60, "PDT": -7 * 60,
}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

_TIME = r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2})(?:\.\d{1,6})?)?\s*秒?"
_ZONE = r"(?P<zone>Z|[A-Z]{2,4}(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})"
_WEEKDAY = r"(?:\s*(?:周|星期)[一二三四五六日天])?"

# 2024-03-05 / 2024/3/5 / 2024.03.05, optional time (space, "T" or gov.cn's "-"), optional zone.
_NUMERIC = re.compile(
    r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
    rf"(?:(?:\s*T\s*|\s+|-){_TIME})?\s*{_ZONE}?")
_CHINESE = re.compile(
    rf"(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]{_WEEKDAY}"
    rf"(?:\s*{_TIME})?{_WEEKDAY}")
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3,9},?\s*)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<y>\d{4})"
    rf"(?:\s+{_TIME})?\s*{_ZONE}?", re.IGNORECASE)
_NOYEAR = re.compile(
    r"(?P<m>\d{1,2})\s*(?:(?P<sep>[-/.])|月)\s*(?P<d>\d{1,2})\s*日?"
    rf"(?:\s+{_TIME})?")
_EPOCH = re.compile(r"\d{10}|\d{13}")
# A list cell's two-digit year, as some columns write it: 25-01-07, 25/1/7, 25.01.07 (YY-MM-DD, the
# only order Chinese sites use). Three numbers, so a year-less 12-31 is never read as one.
_SHORT_YEAR = re.compile(r"(?P<y>\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")

# Searching inside free text: a date must not be glued to other digits or to a path / index
# prefix, which is how "2024-01-00123" and "6107280000/2024-001005" stay non-dates.
_SEARCH_LEFT = r"(?<![\d/.\-])"
_SEARCH_RIGHT = r"(?![\d.]*\d)(?!\s*[-/]\s*\d)"
_FIND_PATTERNS = [
    re.compile(_SEARCH_LEFT + _CHINESE.pattern + r"(?!\d)"),
    re.compile(_SEARCH_LEFT + r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*"
               r"(?P<d>\d{1,2})" + rf"(?:(?:\s*T\s*|\s+|-){_TIME})?" + _SEARCH_RIGHT),
]


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and colons into ASCII and U+3000 into a space; Word-pasted
    # pages add non-breaking and zero-width characters between digits.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip()


def _strip_wrappers(text: str) -> str:
    # List cells often write dates as "[2024-03-05]" or "（2024-03-05）".
    return text.strip(" []【】()（）<>《》「」:：")


def _offset(zone: str | None) -> timezone | ZoneInfo:
    if not zone:
        return BEIJING
    z = zone.replace(" ", "").upper()
    if z in _ZONES:
        return timezone(timedelta(minutes=_ZONES[z]))
    m = re.fullmatch(r"([A-Z]{2,4})?([+-])(\d{1,2}):?(\d{2})?", z)
    if m and (m.group(1) is None or m.group(1) in ("GMT", "UTC", "UT")):
        minutes = int(m.group(3)) * 60 + int(m.group(4) or 0)
        if minutes > 14 * 60:
            raise ValueError(zone)
        return timezone(timedelta(minutes=minutes if m.group(2) == "+" else -minutes))
    raise ValueError(zone)


def _build(y: str | int, m: str | int, d: str | int, groups: dict, zone: str | None) -> datetime | None:
    try:
        year, month, day = int(y), int(m), int(d)
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        hour = int(groups.get("H") or 0)
        minute = int(groups.get("M") or 0)
        second = int(groups.get("S") or 0)
        tz = _offset(zone)
        return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(BEIJING)
    except ValueError:  # month 13, 30 Feb, hour 25, unknown zone: not a date
        return None


def parse_date(text: str, *, context_year: int | None = None) -> datetime | None:
    """Parse one date string (the whole string) into an aware datetime in Beijing time.

    ``context_year`` supplies the year for year-less ``MM-DD`` list dates; without it they give
    ``None``. Anything that is not unambiguously a date gives ``None``; callers flag it, never "now".
    """
    if not text:
        return None
    s = _strip_wrappers(_normalise(text))
    if not s:
        return None
    if _EPOCH.fullmatch(s):
        seconds = int(s) / 1000 if len(s) == 13 else int(s)
        dt = datetime.fromtimestamp(seconds, tz=timezone.utc).astimezone(BEIJING)
        return dt if _MIN_YEAR <= dt.year <= _MAX_YEAR else None
    for pattern in (_NUMERIC, _CHINESE):
        m = pattern.fullmatch(s)
        if m:
            g = m.groupdict()
            return _build(g["y"], g["m"], g["d"], g, g.get("zone"))
    m = _RFC822.fullmatch(s)
    if m:
        month = _MONTHS.get(m.group("mon").lower())
        if month is None:
            return None
        return _build(m.group("y"), month, m.group("d"), m.groupdict(), m.group("zone"))
    m = _NOYEAR.fullmatch(s)
    if m and context_year is not None and (m.group("sep") or "月" in s):
        return _build(context_year, m.group("m"), m.group("d"), m.groupdict(), None)
    return None


def short_year_shape(text: str) -> bool:
    """Whether a list cell writes its date with a two-digit year (``25-01-07``, ``[25/1/7]``)."""
    return bool(text) and _SHORT_YEAR.fullmatch(_strip_wrappers(_normalise(text))) is not None


def parse_short_year(text: str) -> datetime | None:
    """A two-digit-year list date (``25-01-07``) read as 20YY-MM-DD; None when it is not one or
    not a real day. Only for a list's date cells: whether the column really writes YY-MM-DD is
    for its caller to judge from the other rows (collectors/_listing.py)."""
    if not short_year_shape(text):
        return None
    m = _SHORT_YEAR.fullmatch(_strip_wrappers(_normalise(text)))
    assert m is not None
    return _build(2000 + int(m.group("y")), m.group("m"), m.group("d"), {}, None)


def find_dates(text: str) -> list[tuple[datetime, str, str]]:
    """Every date written with its year inside free text, in order: ``(date, matched string,
    the text between the previous date and this one)`` — that text ends with the date's label
    when it has one (``成文日期：``, ``[发布日期]``). Same strictness as :func:`find_date`."""
    if not text:
        return []
    s = _normalise(text)
    spans: list[tuple[int, int, datetime, str]] = []
    for pattern in _FIND_PATTERNS:
        # an earlier pattern's dates, which never overlap one another: sorted by start, their
        # ends are sorted too, so the one starting last before a match is the only one to check
        # (a row of n dates costs n log n, not n squared). A pattern's own matches never overlap.
        taken = sorted((start, end) for start, end, _, _ in spans)
        starts = [start for start, _ in taken]
        for m in pattern.finditer(s):
            k = bisect_left(starts, m.end()) - 1
            if k >= 0 and taken[k][1] > m.start():
                continue
            g = m.groupdict()
            dt = _build(g["y"], g["m"], g["d"], g, None)
            if dt is not None:
                spans.append((m.start(), m.end(), dt, m.group(0).strip()))
    spans.sort(key=lambda t: t[0])
    out, last = [], 0
    for start, end, dt, raw in spans:
        out.append((dt, raw, s[last:start]))
        last = end
    return out


def find_date(text: str, *, context_year: int | None = None) -> tuple[datetime, str] | None:
    """Find the first date inside free text (a list row, a byline); return it and the matched
    string. Same strictness as :func:`parse_date`; a year-less date only when the whole text is one."""
    if not text:
        return None
    s = _normalise(text)
    for pattern in _FIND_PATTERNS:
        for m in pattern.finditer(s):
            g = m.groupdict()
            dt = _build(g["y"], g["m"], g["d"], g, None)
            if dt is not None:
                return dt, m.group(0).strip()
    dt = parse_date(s, context_year=context_year)
    if dt is not None:
        return dt, s
    return None


def beijing_date(dt: datetime) -> date:
    """The Beijing calendar date of an instant (a naive datetime is taken as Beijing time)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BEIJING)
    return dt.astimezone(BEIJING).date()
