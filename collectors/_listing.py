"""Reading a column (栏目) list page: its rows.

The generic finder works on the plain server-rendered family (gov-sites.md §2.7, ``ul > li > a +
date``) and on TRS-style static lists: it looks for repeated ``li``/``tr`` rows that hold a link and a
date and groups them by their container's shape; of the groups, the one a person reads as the page's
main list is the column (``_mainlist``: never a 热点推荐 / 阅读排行 / 相关链接 box beside it).
Navigation, the "今天是…" header widget and nested 解读 pop-up links are not rows. In a 信息公开目录
table the header says which cell is the publication date (a row also carries 成文日期 and 索引号).
The way to the next page is ``_pager``'s (re-exported here).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from ._dates import find_date, parse_date
from ._links import clean as _clean, row_href
from ._pager import Pager, family_pattern, find_next, page_address, visible_text_of
from ._mainlist import choose, page_names, side_of

log = logging.getLogger(__name__)

__all__ = ["ATTACHMENT_EXT", "Pager", "Row", "anchor_title", "dedupe_rows", "family_pattern", "find_list",
           "find_next", "find_rows", "fragment_row", "fragment_rows", "page_address", "row_href",
           "select_rows", "visible_text_of"]

_TODAY = re.compile(r"今天是?\s*[:：]?\s*\S{0,20}?(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:\s*(?:星期|周)[一二三四五六日天])?")
_NESTED = "ul, ol, .popbox, .pop, .jd, .jiedu"
_TRUNCATED = ("...", "…", "..")
# A pinned row's marker rendered inside its anchor ("[置顶]标题"): decoration, not the title.
_PINNED_MARK = re.compile(r"^\s*(?:[\[【(（]\s*置顶\s*[\]】)）]|置顶\s*[:：|])\s*")
# 信息公开目录 tables (gov-sites.md §3.2): the header names each column. A row's list date is the
# publication (发布/发文) column; 成文日期/生成日期 (when the text was written, often days and
# sometimes a year earlier) only when no publication column exists; validity dates never.
_HEAD_DATE = re.compile(r"日期|时间|^(?:发布|发文|公开)$")
_HEAD_PUBLISHED = re.compile(r"发布|发文|公开|上网")
_HEAD_WRITTEN = re.compile(r"成文|生成|印发|签发|制发|形成")
_HEAD_NOT_PUBLISHED = re.compile(r"实施|施行|生效|有效|废止|截止|失效|更新|修改")
_HEAD_LABEL = re.compile(r"索引号|标题|名称|文号|字号|日期|时间|序号|发布|发文|机构|机关")
ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".zip", ".rar", ".et")


@dataclass(frozen=True)
class Row:
    url: str              # absolute
    title: str
    date_text: str        # as written on the list ("" when none)
    date: datetime | None
    # Where a year-less "03-20" took its year on the page: "2025年 (heading)", "2025 (column address)";
    # "" when the row writes its year or nothing on the page gives one.
    year_from: str = ""


def anchor_title(a: Tag) -> str:
    text = _PINNED_MARK.sub("", _clean(a.get_text("")))
    full = _PINNED_MARK.sub("", _clean(a.get("title") or ""))
    if full and (not text or text.endswith(_TRUNCATED)
                 or (len(full) > len(text) and full.startswith(text.rstrip(".…")))):
        return full
    return text


def _own_text(row: Tag, skip: Tag | None) -> str:
    """Row text without nested lists/pop-ups and without the title anchor (titles may contain
    dates: "2024年3月5日召开…")."""
    parts: list[str] = []
    for s in row.find_all(string=True):
        parent = s.parent
        if parent is None or parent.name in ("script", "style"):
            continue
        if skip is not None and (parent is skip or any(p is skip for p in parent.parents)):
            continue
        if _nested_under(parent, row):
            continue
        parts.append(str(s))
    return _TODAY.sub(" ", _clean(" ".join(parts)))


def _nested_under(el: Tag, row: Tag) -> bool:
    for p in [el, *el.parents]:
        if p is row:
            return False
        if p.name in ("ul", "ol") or set(p.get("class") or []) & {"popbox", "pop", "jd", "jiedu"}:
            return True
    return False


def _primary_anchor(row: Tag, base: str) -> Tag | None:
    for a in row.find_all("a"):
        if _nested_under(a, row):
            continue
        if row_href(a, base) and anchor_title(a):
            return a
    return None


def _row_date(row: Tag, anchor: Tag | None, context_year: int | None) -> tuple[str, datetime | None]:
    found = find_date(_own_text(row, anchor), context_year=context_year)
    if found:
        return found[1], found[0]
    # Year-less cells ("03-05", "12/20") only count when a cell holds nothing else.
    for cell in row.find_all(["span", "td", "em", "i", "font", "b", "div", "p"]):
        if cell is anchor or (anchor is not None and any(p is anchor for p in cell.parents)) or _nested_under(cell, row):
            continue
        text = _clean(cell.get_text(""))
        if 3 <= len(text) <= 12 and parse_date(text, context_year=context_year):
            return text, parse_date(text, context_year=context_year)
    return "", None


def _signature(row: Tag) -> tuple:
    parent = row.parent
    return (row.name, parent.name if parent else "", tuple(parent.get("class") or []) if parent else ())


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


def _date_columns(table: Tag, base: str) -> list[int] | None:
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


def _table_row_date(row: Tag, columns: list[int], context_year: int | None) -> tuple[str, datetime | None]:
    by_col = dict(_cells(row))
    for col in columns:
        cell = by_col.get(col)
        if cell is None:
            continue
        text = _clean(cell.get_text(""))
        found = find_date(text, context_year=context_year) if text else None
        if found:
            return found[1], found[0]
    return "", None


def find_rows(soup: BeautifulSoup, base: str, *, context_year: int | None = None) -> list[Row]:
    """The list's rows, found without configuration."""
    return find_list(soup, base, context_year=context_year)[0]


def find_list(soup: BeautifulSoup, base: str, *,
              context_year: int | None = None) -> tuple[list[Row], str]:
    """The column's rows and a note when the choice among the page's lists is a guess or set a
    sidebar aside (``_mainlist``). Rows are grouped by their container's shape, and a sidebar's
    rows apart from the rest even when their ``ul`` looks the same."""
    groups: dict[tuple, list[tuple[Tag, Row]]] = {}
    headers: dict[int, list[int] | None] = {}
    names = page_names(soup)
    sides: dict[int, str] = {}
    last_under: dict[int, datetime] = {}
    for row in soup.find_all(["li", "tr", "dd"]):
        if row.find_parent(["header", "nav", "footer"]) is not None:
            continue
        anchor = _primary_anchor(row, base)
        if anchor is None:
            continue
        if row.find(["li", "tr"]) is not None and not _nested_only(row):
            continue  # a wrapper row of a table-in-table layout; its inner rows are the items
        date_text, date = "", None
        table = row.find_parent("table") if row.name == "tr" else None
        if table is not None:
            if id(table) not in headers:
                headers[id(table)] = _date_columns(table, base)
            columns = headers[id(table)]
            if columns:
                date_text, date = _table_row_date(row, columns, context_year)
        if date is None:
            date_text, date = _row_date(row, anchor, context_year)
        if date is None:
            continue
        url = row_href(anchor, base)
        assert url is not None
        year_from = ""
        if not year_written(date_text):
            date, year_from = _page_year(row, base, date, last_under)
        if id(row.parent) not in sides:
            sides[id(row.parent)] = side_of(row, names)
        key = (*_signature(row), sides[id(row.parent)])
        groups.setdefault(key, []).append(
            (row, Row(url, anchor_title(anchor), date_text, date, year_from)))
    if not groups:
        return [], ""
    ordered = list(groups.items())   # document order of each group's first row
    choice = choose(soup, [([(tag, r.date) for tag, r in g], key[-1]) for key, g in ordered], names)
    if choice.note:
        log.info("%s: %s", base, choice.note)
    return dedupe_rows([r for _, r in ordered[choice.index][1]]), choice.note


def fragment_row(html: str, base: str, *, context_year: int | None = None) -> Row | None:
    """One row from an HTML fragment that is a single record (Hanweb ``<record>`` CDATA, a jpaas
    ``li``): its first real link and the date beside it."""
    return fragment_rows([html], base, context_year=context_year)[0]


def fragment_rows(htmls: list[str], base: str, *, context_year: int | None = None) -> list[Row | None]:
    """:func:`fragment_row` for many records, parsed as one document (one parser run, not one
    per record)."""
    soup = BeautifulSoup("".join(f"<div class=\"gk-record\">{h}</div>" for h in htmls), "lxml")
    out: list[Row | None] = []
    for holder in soup.find_all("div", class_="gk-record", recursive=True)[: len(htmls)]:
        row = holder.find(["li", "tr", "dd"]) or holder
        anchor = _primary_anchor(row, base)
        if anchor is None:
            anchor = next((a for a in row.find_all("a") if row_href(a, base) and anchor_title(a)), None)
        if anchor is None:
            out.append(None)
            continue
        url = row_href(anchor, base)
        assert url is not None
        date_text, date = _row_date(row, anchor, context_year)
        out.append(Row(url, anchor_title(anchor), date_text, date))
    return out + [None] * (len(htmls) - len(out))


def _nested_only(row: Tag) -> bool:
    """True when every inner li/tr sits in a nested pop-up list (TRS 解读 links), so the row is
    still an item."""
    return all(_nested_under(inner, row) for inner in row.find_all(["li", "tr"]))


def select_rows(soup: BeautifulSoup, base: str, item_selector: str, title_selector: str,
                date_selector: str, *, context_year: int | None = None) -> list[Row]:
    """Rows from user-supplied CSS selectors (the ``selectors`` escape hatch)."""
    rows: list[Row] = []
    last_under: dict[int, datetime] = {}
    for row in soup.select(item_selector):
        anchor = row.select_one(title_selector) if title_selector else _primary_anchor(row, base)
        if anchor is not None and anchor.name != "a":
            anchor = anchor if anchor.get("href") else anchor.find("a") or anchor.find_parent("a")
        if anchor is None:
            continue
        url = row_href(anchor, base)
        if not url:
            continue
        if date_selector:
            cell = row.select_one(date_selector)
            date_text = _clean(cell.get_text("")) if cell else ""
            found = find_date(date_text, context_year=context_year) if date_text else None
            date = found[0] if found else None
        else:
            date_text, date = _row_date(row, anchor, context_year)
        year_from = ""
        if date is not None and not year_written(date_text):
            date, year_from = _page_year(row, base, date, last_under)
        rows.append(Row(url, anchor_title(anchor), date_text, date, year_from))
    return dedupe_rows(rows)


def dedupe_rows(rows: list[Row]) -> list[Row]:
    # PC and mobile units repeat the same records on one page (gov-sites.md §2.1).
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.url not in seen:
            seen.add(r.url)
            out.append(r)
    return out


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
    """Whether a list date writes its year: "2017-12-20", "2017年12月20日", "17年12月20日" do;
    "12-20", "[03-05]" and "12月20日" do not."""
    return any(ch.isdigit() for ch in text) and ("年" in text or any(
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


def _page_year(row: Tag, base: str, date: datetime,
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
