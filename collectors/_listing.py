"""Reading a column (栏目) list page: its rows.

The generic finder works on the plain server-rendered family (gov-sites.md §2.7, ``ul > li > a +
date``) and on TRS-style static lists: it looks for repeated ``li``/``tr`` rows that hold a link and a
date and groups them by their container's shape; of the groups, the one a person reads as the page's
main list is the column (``_mainlist``: never a 热点推荐 / 阅读排行 / 相关链接 box beside it).
Navigation, the "今天是…" header widget and nested 解读 pop-up links are not rows. A row without a
readable date among the column's dated rows is kept, undated. Which of a row's dates is its list
date (a 信息公开目录 table's header, labels in the row, a year-less or two-digit year) is
``_rowdates``'s. The way to the next page is ``_pager``'s (re-exported here).
"""
from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from ._dates import short_year_shape
from ._links import clean as _clean, row_href
from ._pager import Pager, family_pattern, find_next, page_address, visible_text_of
from ._mainlist import choose, page_names, side_of
from ._scriptrows import was_written, write_out
from ._rowdates import (UNDATED, Dated, date_columns, date_in, page_year, short_years_unread,
                        table_row_date, year_written)

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
    # Other dates the row shows, unlabelled, in another year than ``date`` ("2025-12-28 2026-01-04"):
    # which one is the publication is not written, so they are a date conflict for a person to
    # settle, never a guess. ``(as written, date)`` each.
    also: tuple[tuple[str, datetime], ...] = ()


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


def _row_date(row: Tag, anchor: Tag | None, context_year: int | None) -> Dated:
    found = date_in(_own_text(row, anchor), context_year)
    if found:
        return found
    # Year-less ("03-05", "12/20") and two-digit-year ("25-01-07") cells only count when a cell
    # holds nothing else.
    for cell in row.find_all(["span", "td", "em", "i", "font", "b", "div", "p"]):
        if cell is anchor or (anchor is not None and any(p is anchor for p in cell.parents)) or _nested_under(cell, row):
            continue
        text = _clean(cell.get_text(""))
        if 3 <= len(text) <= 12:
            found = date_in(text, context_year)
            if found and (found[1] is not None or short_year_shape(text)):
                return found
    return UNDATED


def _signature(row: Tag) -> tuple:
    parent = row.parent
    return (row.name, parent.name if parent else "", tuple(parent.get("class") or []) if parent else ())


def find_rows(soup: BeautifulSoup, base: str, *, context_year: int | None = None) -> list[Row]:
    """The list's rows, found without configuration."""
    return find_list(soup, base, context_year=context_year)[0]


def find_list(soup: BeautifulSoup, base: str, *,
              context_year: int | None = None) -> tuple[list[Row], str]:
    """The column's rows and a note when the choice among the page's lists is a guess or set a
    sidebar aside (``_mainlist``). Rows are grouped by their container's shape, and a sidebar's
    rows apart from the rest even when their ``ul`` looks the same. A row without a readable
    date (an empty date cell, a pinned notice) among the column's dated rows is the column's
    too: it is kept, undated, for its own page to date or a person to settle. Rows a script
    writes with literal ``document.write`` calls are read in its place (``_scriptrows``)."""
    write_out(soup)
    groups: dict[tuple, list[tuple[Tag, Row]]] = {}
    undated: list[tuple[Tag, Row]] = []
    headers: dict[int, list[int] | None] = {}
    names = page_names(soup)
    sides: dict[int, str] = {}
    last_under: dict[int, datetime] = {}
    order: dict[int, int] = {}     # document order
    for row in soup.find_all(["li", "tr", "dd"]):
        if row.find_parent(["header", "nav", "footer"]) is not None:
            continue
        anchor = _primary_anchor(row, base)
        if anchor is None:
            continue
        if row.find(["li", "tr"]) is not None and not _nested_only(row):
            continue  # a wrapper row of a table-in-table layout; its inner rows are the items
        order[id(row)] = len(order)
        date_text, date, also = UNDATED
        table = row.find_parent("table") if row.name == "tr" else None
        if table is not None:
            if id(table) not in headers:
                headers[id(table)] = date_columns(table, base)
            columns = headers[id(table)]
            if columns:
                date_text, date, also = table_row_date(row, columns, context_year)
        if date is None:
            date_text, date, also = _row_date(row, anchor, context_year)
        url = row_href(anchor, base)
        assert url is not None
        if date is None:
            undated.append((row, Row(url, anchor_title(anchor), date_text, None)))
            continue
        year_from = ""
        if not year_written(date_text):
            date, year_from = page_year(row, base, date, last_under)
        if id(row.parent) not in sides:
            sides[id(row.parent)] = side_of(row, names)
        key = (*_signature(row), sides[id(row.parent)])
        groups.setdefault(key, []).append(
            (row, Row(url, anchor_title(anchor), date_text, date, year_from, also)))
    if not groups:
        return [], ""
    ordered = list(groups.items())   # document order of each group's first row
    choice = choose(soup, [([(tag, r.date) for tag, r in g], key[-1]) for key, g in ordered], names)
    if choice.note:
        log.info("%s: %s", base, choice.note)
    chosen = _with_undated(ordered[choice.index][1], undated, order)
    note = choice.note
    if chosen and all(was_written(tag) for tag, _ in chosen):
        said = "rows written by the page's script (document.write string literals, not run)"
        note = f"{note}; {said}" if note else said
    return dedupe_rows(settle_short_years([r for _, r in chosen], context_year)), note


def settle_short_years(rows: list[Row], context_year: int | None) -> list[Row]:
    """The rows, with two-digit-year dates undone where the column does not read as YY-MM-DD
    (``_rowdates.short_years_unread``)."""
    unread = set(short_years_unread([(r.date_text, r.date, bool(r.year_from)) for r in rows],
                                    context_year))
    return [dataclasses.replace(r, date=None) if i in unread else r for i, r in enumerate(rows)]


def _with_undated(dated: list[tuple[Tag, Row]], undated: list[tuple[Tag, Row]],
                  order: dict[int, int]) -> list[tuple[Tag, Row]]:
    """The chosen list's rows with the undated rows that sit among them: same tag, same container,
    and no more of them there than dated rows (a menu's links never share a container with the
    column's dated rows). Document order."""
    if not undated:
        return dated
    name = dated[0][0].name
    per_box: dict[int, int] = {}
    for tag, _ in dated:
        per_box[id(tag.parent)] = per_box.get(id(tag.parent), 0) + 1
    extra: dict[int, list[tuple[Tag, Row]]] = {}
    for tag, row in undated:
        if tag.name == name and id(tag.parent) in per_box:
            extra.setdefault(id(tag.parent), []).append((tag, row))
    kept = [pair for box, pairs in extra.items() if len(pairs) <= per_box[box] for pair in pairs]
    if not kept:
        return dated
    return sorted(dated + kept, key=lambda pair: order[id(pair[0])])


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
        date_text, date, also = _row_date(row, anchor, context_year)
        out.append(Row(url, anchor_title(anchor), date_text, date, also=also))
    settled = iter(settle_short_years([r for r in out if r is not None], context_year))
    out = [None if r is None else next(settled) for r in out]
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
            cell_text = _clean(cell.get_text("")) if cell else ""
            date_text, date, also = (date_in(cell_text, context_year) if cell_text else None) or UNDATED
            date_text = date_text or cell_text
        else:
            date_text, date, also = _row_date(row, anchor, context_year)
        year_from = ""
        if date is not None and not year_written(date_text):
            date, year_from = page_year(row, base, date, last_under)
        rows.append(Row(url, anchor_title(anchor), date_text, date, year_from, also))
    return dedupe_rows(settle_short_years(rows, context_year))


def dedupe_rows(rows: list[Row]) -> list[Row]:
    # PC and mobile units repeat the same records on one page (gov-sites.md §2.1).
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.url not in seen:
            seen.add(r.url)
            out.append(r)
    return out

