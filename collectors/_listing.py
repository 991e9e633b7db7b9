"""Reading a column (栏目) list page: its rows and the way to its next page.

The generic finder works on the plain server-rendered family (gov-sites.md §2.7, ``ul > li > a +
date``) and on TRS-style static lists: it looks for repeated ``li``/``tr`` rows that hold a link and a
date, and keeps the largest group of rows that share a container shape. Navigation, the "今天是…"
header widget and nested 解读 pop-up links are not rows.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ._dates import find_date, parse_date

log = logging.getLogger(__name__)

_TODAY = re.compile(r"今天是?\s*[:：]?\s*\S{0,20}?(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:\s*(?:星期|周)[一二三四五六日天])?")
_NESTED = "ul, ol, .popbox, .pop, .jd, .jiedu"
_TRUNCATED = ("...", "…", "..")
_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|next\s*(?:page)?|>|›|»)\s*$", re.I)
_ONCLICK_URL = re.compile(r"""['"]((?:https?:)?/{0,2}[^'"\s]+\.(?:s?html?|jsp|aspx?|php|do)[^'"\s]*)['"]""")
_CREATE_PAGE = re.compile(
    r"create(?:Page|PageHTML)\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
_CREATE_PAGE_BJ = re.compile(r"create(?:Page|PageHTML)\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*[,)]")
_CREATE_PAGE_2 = re.compile(r"create(?:Page|PageHTML)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_TOTAL_PAGES = re.compile(r"共\s*(\d{1,4})\s*页")
_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+currentPage\s*=\s*(\d+)")
_INDEX_N = re.compile(r"^(?P<prefix>[A-Za-z]+)(?:(?P<sep>[_-])(?P<n>\d+))?\.(?P<ext>s?html?)$")
ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".zip", ".rar", ".et")


@dataclass(frozen=True)
class Row:
    url: str              # absolute
    title: str
    date_text: str        # as written on the list ("" when none)
    date: datetime | None


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def row_href(a: Tag, base: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        # onclick-only anchors carry the URL as a string argument (gov-sites.md §2.8); never run JS.
        m = _ONCLICK_URL.search(a.get("onclick") or "") or _ONCLICK_URL.search(href)
        if not m:
            return None
        href = m.group(1)
    url = urljoin(base, href)
    return url.split("#", 1)[0] if urlsplit(url).scheme in ("http", "https") else None


def anchor_title(a: Tag) -> str:
    text = _clean(a.get_text(""))
    full = _clean(a.get("title") or "")
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


def find_rows(soup: BeautifulSoup, base: str, *, context_year: int | None = None) -> list[Row]:
    """The list's rows, found without configuration."""
    groups: dict[tuple, list[Row]] = {}
    for row in soup.find_all(["li", "tr", "dd"]):
        if row.find_parent(["header", "nav", "footer"]) is not None:
            continue
        anchor = _primary_anchor(row, base)
        if anchor is None:
            continue
        if row.find(["li", "tr"]) is not None and not _nested_only(row):
            continue  # a wrapper row of a table-in-table layout; its inner rows are the items
        date_text, date = _row_date(row, anchor, context_year)
        if date is None:
            continue
        url = row_href(anchor, base)
        assert url is not None
        groups.setdefault(_signature(row), []).append(Row(url, anchor_title(anchor), date_text, date))
    if not groups:
        return []
    best = max(groups.values(), key=len)  # ties: the first group in document order
    return _dedupe(best)


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
        rows.append(Row(url, anchor_title(anchor), date_text, date))
    return _dedupe(rows)


def _dedupe(rows: list[Row]) -> list[Row]:
    # PC and mobile units repeat the same records on one page (gov-sites.md §2.1).
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.url not in seen:
            seen.add(r.url)
            out.append(r)
    return out


@dataclass(frozen=True)
class Pager:
    next_url: str | None
    total_pages: int | None = None   # when the page states it (createPageHTML / countPage / 共N页)
    signal: str = ""                 # which clue gave next_url, for the log
    stated: bool = False             # next_url comes from a stated page count, not only a link


def _index_number(url: str) -> tuple[str, str, int, str] | None:
    """``index_3.html`` -> ("index", "_", 3, "html"); ``list-2.html`` -> ("list", "-", 2, "html");
    a bare ``index.html`` is number 0 (TRS counts from 0), a bare ``list.html`` too."""
    name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
    m = _INDEX_N.match(name)
    if not m:
        return None
    return m.group("prefix"), m.group("sep") or "_", int(m.group("n") or 0), m.group("ext")


def _stated_count(raw_text: str, page_url: str) -> tuple[int, int, str, str] | None:
    """(page count, current 0-based page, prefix, ext) from a TRS-style pager script."""
    here = _index_number(page_url)
    prefix, ext = (here[0], here[3]) if here else ("index", "html")
    m = _CREATE_PAGE.search(raw_text)
    if m:
        return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    m = _CREATE_PAGE_BJ.search(raw_text)
    if m:  # Beijing: createPageHTML(totalRecords, totalPages, current, ...) — pages come second
        return int(m.group(2)), int(m.group(3)), prefix, ext
    m = _CREATE_PAGE_2.search(raw_text)
    if m:  # createPageHTML(countPage, currentPage): name and extension are the page's own
        return int(m.group(1)), int(m.group(2)), prefix, ext
    m = _COUNT_PAGE.search(raw_text)
    if m:
        km = _CURRENT_PAGE.search(raw_text)
        cur = int(km.group(1)) if km else (here[2] if here else 0)
        return int(m.group(1)), cur, prefix, ext
    return None


def find_next(soup: BeautifulSoup, page_url: str, raw_text: str) -> Pager:
    """Where the next list page is, by the first clue that exists: a stated page count
    (``createPageHTML``/``createPage``/``countPage``), a 下一页 link, then an ``index_N`` /
    ``list-N`` sibling link."""
    stated = _stated_count(raw_text, page_url)
    if stated is not None:
        count, cur, prefix, ext = stated
        if cur + 1 >= count:
            return Pager(None, count, "last page by page count", stated=True)
        # TRS pages are 0-indexed: page 0 is index.html, page k is index_k.html.
        return Pager(urljoin(page_url, f"{prefix}_{cur + 1}.{ext}"), count, "page count", stated=True)
    total = None
    tm = _TOTAL_PAGES.search(visible_text_of(soup))
    if tm:
        total = int(tm.group(1))

    for a in soup.find_all("a"):
        label = _clean(a.get_text("")) or _clean(a.get("title") or "")
        if _NEXT_TEXT.match(label):
            href = row_href(a, page_url)
            if href and href != page_url.split("#", 1)[0]:
                return Pager(href, total, "下一页 link")
            return Pager(None, total, "下一页 link is inactive")

    here = _index_number(page_url)
    if here:
        prefix, sep, n, ext = here
        wanted = {f"{prefix}_{n + 1}.{ext}", f"{prefix}-{n + 1}.{ext}"}
        if sep == "-" or n == 0:
            wanted.add(f"{prefix}-{max(n, 1) + 1}.{ext}")   # list-1 is page 1, list-2 page 2
        folder = page_url.rsplit("/", 1)[0]
        for a in soup.find_all("a", href=True):
            target = urljoin(page_url, a["href"])
            if urlsplit(target).path.rsplit("/", 1)[-1] in wanted and target.rsplit("/", 1)[0] == folder:
                return Pager(target.split("#", 1)[0], total, "sibling page link")
    return Pager(None, total, "no next-page clue")


def visible_text_of(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())
