"""The date of a list row, as a person reads it: which of the dates a row shows is its
publication date, the year of a date written without one, and whether a two-digit year is one.

- A 信息公开目录 table's header names each date column; a row that labels its dates inline
  (``成文日期：2025-12-28 发布日期：2026-01-04``) is read with the same words: the publication date
  (发布/公开) counts, a 成文/印发 date only when no other is shown, a validity date (生效, 实施)
  never. Two unlabelled dates a year apart are both kept for a person to choose between.
- A year-less ``[03-20]`` takes the year shown on the page (a heading, a tab, the column address).
- A two-digit year (``25-01-07``) is YY-MM-DD when the column's rows read consistently so.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import NavigableString, Tag

from ._dates import find_dates, parse_date, parse_short_year, short_year_shape
from ._links import clean as _clean, row_href

log = logging.getLogger(__name__)

# 信息公开目录 tables (gov-sites.md §3.2): the header names each column. A row's list date is the
# publication (发布/发文) column; 成文日期/生成日期 (when the text was written, often days and
# sometimes a year earlier) only when no publication column exists; validity dates never.
_HEAD_DATE = re.compile(r"日期|时间|^(?:发布|发文|公开)$")
_HEAD_PUBLISHED = re.compile(r"发布|发文|公开|上网")
_HEAD_WRITTEN = re.compile(r"成文|生成|印发|签发|制发|形成")
_HEAD_NOT_PUBLISHED = re.compile(r"实施|施行|生效|有效|废止|截止|失效|更新|修改")
# The same words label dates inside a row ("成文日期：2025-12-28 发布日期：2026-01-04"); an
# 更新时间 is a row's date only when it shows no other.
# (one ``\s*`` per blank run: four in a row before ``$`` cost n^4 steps on a label and n blanks)
_LABEL_TAIL = re.compile(r"([\u4e00-\u9fff]{1,8})\s*+(?:[\]】)）]\s*+)?(?:[:：]\s*+)?(?:[\[【(（]\s*+)?$")
_LABEL_UPDATED = re.compile(r"更新|修改")
_HEAD_LABEL = re.compile(r"索引号|标题|名称|文号|字号|日期|时间|序号|发布|发文|机构|机关")


# (the date as written, the date, the unlabelled other dates of another year: ``Row.also``)
Dated = tuple[str, "datetime | None", tuple[tuple[str, datetime], ...]]
UNDATED: Dated = ("", None, ())


def _label_rank(before: str) -> int | None:
    """How a date's label ranks it as the row's publication date, as a table header would
    (date_columns): 发布/公开 0, no label or a plain 日期 1, 成文/印发 2, 更新 3; a validity
    date (生效, 实施, 截止 …) never. *before*: the text up to the date."""
    m = _LABEL_TAIL.search(before)
    label = m.group(1) if m else ""
    if not label or not _HEAD_DATE.search(label):
        return 1
    if _LABEL_UPDATED.search(label):
        return 3
    if _HEAD_NOT_PUBLISHED.search(label):
        return None
    return 0 if _HEAD_PUBLISHED.search(label) else 2 if _HEAD_WRITTEN.search(label) else 1


def date_in(text: str, context_year: int | None) -> Dated | None:
    """The publication date among the dates *text* writes with their year — the labelled one
    when labels say (成文日期 then 发布日期: the 发布日期) — and the unlabelled others of another
    year (``Row.also``); None when it writes none. ``UNDATED`` when its only dates are
    validity dates. A year-less or two-digit-year date only when it is the whole text."""
    found = find_dates(text)
    if found:
        ranked = [(rank, when, raw) for when, raw, before in found
                  if (rank := _label_rank(before)) is not None]
        if not ranked:
            return UNDATED
        best = min(rank for rank, _, _ in ranked)
        tops = [(when, raw) for rank, when, raw in ranked if rank == best]
        when, raw = tops[0]
        return raw, when, tuple((r, w) for w, r in tops[1:] if w.year != when.year)
    when = parse_date(text, context_year=context_year)
    if when is not None:
        return _clean(text), when, ()
    if short_year_shape(text):
        return _clean(text), parse_short_year(text), ()
    return None


def _cells(tr: Tag) -> list[tuple[int, Tag]]:
    """A table row's own cells with the column each starts at (colspan counted)."""
    out, col = [], 0
    for cell in tr.find_all(["td", "th"], recursive=False):
        out.append((col, cell))
        try:
            col += max(1, int(cell.get("colspan") or 1))
        except ValueError:
            col += 1
    return out


def date_columns(table: Tag, base: str) -> list[int] | None:
    """The columns of a 信息公开目录 table that may hold a row's list date, best first, read from
    its header row (``th`` cells, or a first row of labels without links); None when the table
    has no such header. See _HEAD_PUBLISHED for the order."""
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = _cells(tr)
        labels = [(col, _clean(cell.get_text("")).replace(" ", "").replace("\u3000", ""))
                  for col, cell in cells]
        is_head = len(cells) >= 2 and (
            all(cell.name == "th" for _, cell in cells)
            or (not any(row_href(a, base) for a in tr.find_all("a"))
                and sum(bool(_HEAD_LABEL.search(t)) for _, t in labels) >= 2
                and all(len(t) <= 12 for _, t in labels)))
        if not is_head:
            if any(row_href(a, base) for a in tr.find_all("a")):
                return None   # data before any header: not a labelled table
            continue
        ranked = []
        for col, text in labels:
            if not _HEAD_DATE.search(text) or _HEAD_NOT_PUBLISHED.search(text):
                continue
            rank = 0 if _HEAD_PUBLISHED.search(text) else 2 if _HEAD_WRITTEN.search(text) else 1
            ranked.append((rank, col))
        return [col for _, col in sorted(ranked)] or None
    return None


def table_row_date(row: Tag, columns: list[int], context_year: int | None) -> Dated:
    by_col = dict(_cells(row))
    for col in columns:
        cell = by_col.get(col)
        if cell is None:
            continue
        text = _clean(cell.get_text(""))
        found = date_in(text, context_year) if text else None
        if found and found[1] is not None:
            return found
    return UNDATED


def short_years_unread(rows: list[tuple[str, datetime | None, bool]],
                       context_year: int | None) -> list[int]:
    """Two-digit-year dates (``25-01-07``) are read only when the column reads consistently as
    YY-MM-DD: every such row a real day, none after ``context_year`` (the crawl's year), and
    within a year of the years the column's other rows write in full. *rows*: each row's date as
    written, its date, and whether its year came from the page. The indexes of the rows whose
    two-digit year is not to be read (kept undated: their own pages, or a person, date them)."""
    short = [i for i, (text, _, _) in enumerate(rows) if short_year_shape(text)]
    if not short:
        return []
    years = [rows[i][1].year for i in short if rows[i][1] is not None]
    full = [when.year for i, (text, when, from_page) in enumerate(rows)
            if when is not None and i not in short and not from_page and year_written(text)]
    if (len(years) == len(short) and (context_year is None or max(years) <= context_year)
            and (not full or min(full) - 1 <= min(years) and max(years) <= max(full) + 1)):
        return []
    log.info("two-digit-year dates %s do not read as YY-MM-DD beside the column's other rows: "
             "kept undated", ", ".join(rows[i][0] for i in short[:3]))
    return short


# -- the year a year-less list date is read in --------------------------------------------------
# A person reading "[03-20]" takes the year from the page: a "2025年" heading, tab or caption above
# the rows, a "日期（2025年）" column header, the selected year of a 归档/年份 selector, else the
# column address's /2025/ or _2025. Never the crawl's year when the page says one.
_YEAR_LABEL = re.compile(r"\D{0,8}?((?:19|20)\d{2})\s*年度?\D{0,6}")
_BARE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?度?")
_URL_YEAR = re.compile(r"(?:/|_)((?:19|20)\d{2})(?=[/_.]|$)")
_PAGED = re.compile(r"(?:index|list|page|default)_\d+\.\w+$", re.IGNORECASE)
_NOT_LABELS = ("script", "style", "title", "textarea", "noscript")
_CURRENT = {"on", "active", "cur", "current", "selected", "hover", "now"}


def year_written(text: str) -> bool:
    """Whether a list date writes its year: "2017-12-20", "2017年12月20日", "17年12月20日" and
    "17-12-20" do; "12-20", "[03-05]" and "12月20日" do not."""
    return any(ch.isdigit() for ch in text) and ("年" in text or short_year_shape(text) or any(
        len(part) == 4 for part in "".join(c if c.isdigit() else " " for c in text).split()))


def _current_tab(el: Tag) -> bool:
    """A year tab that is the one shown: it or its li carries on/active/cur/current/selected."""
    for tag in (el, el.parent):
        if isinstance(tag, Tag) and (tag.get("aria-selected") == "true" or _CURRENT.intersection(
                c.lower() for c in tag.get("class") or [])):
            return True
    return False


def _label_year(s: NavigableString) -> int | None:
    parent = s.parent
    if parent is None or parent.name in _NOT_LABELS or parent.find_parent(_NOT_LABELS) is not None:
        return None
    text = unicodedata.normalize("NFKC", str(s)).strip()
    if not 4 <= len(text) <= 18:
        return None
    link = parent if parent.name == "a" else parent.find_parent("a")
    if parent.name == "option" or link is not None:
        # A 归档/年份 selector or a row of year tabs: only the year shown counts (a link to another
        # year's page is not this list's year), and it may be a bare "2025".
        shown = parent.has_attr("selected") if parent.name == "option" else _current_tab(link)
        m = _BARE_YEAR.fullmatch(text) or _YEAR_LABEL.fullmatch(text)
        return int(m.group(1)) if m and shown else None
    m = _YEAR_LABEL.fullmatch(text)
    return int(m.group(1)) if m else None


def _url_year(base: str) -> int | None:
    path = urlsplit(base).path
    path = _PAGED.sub("", path)   # index_2024.html is page 2024, not a year
    found = _URL_YEAR.findall(path)
    return int(found[-1]) if found else None


def page_year(row: Tag, base: str, date: datetime,
               last_under: dict[int, datetime]) -> tuple[datetime, str]:
    """*date* (read with the crawl's year) in the year the page shows above *row*, and where that
    year was read; *date* and "" when the page shows none. Under one label a newest-first list
    runs on into the year before ("日期（2025年）" over 01-02 then 12-30): each row takes the year
    nearest the row before it under the same label, the label's year or the one before."""
    label = row.find_previous(string=lambda s: _label_year(s) is not None)
    if label is not None:
        year, key, where = _label_year(label), id(label), f"{_label_year(label)}年 (heading)"
    else:
        year, key, where = _url_year(base), -1, f"{_url_year(base)} (column address)"
    if year is None:
        return date, ""
    options = []
    for y in (year, year - 1):
        try:
            options.append(date.replace(year=y))
        except ValueError:   # 29 February
            continue
    if not options:
        return date, ""
    before = last_under.get(key)
    moved = options[0] if before is None else min(options, key=lambda d: abs(d - before))
    last_under[key] = moved
    return moved, where
