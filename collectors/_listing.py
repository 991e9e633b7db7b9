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
_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+currentPage\s*=\s*(\d+)")
_INDEX_N = re.compile(r"^(?P<prefix>[A-Za-z]+)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
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
    total_pages: int | None = None   # when the page states it (createPageHTML / countPage)
    signal: str = ""                 # which clue gave next_url, for the log


def _index_number(url: str) -> tuple[str, int, str] | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
    m = _INDEX_N.match(name)
    if not m:
        return None
    return m.group("prefix"), int(m.group("n") or 0), m.group("ext")


def find_next(soup: BeautifulSoup, page_url: str, raw_text: str) -> Pager:
    """Where the next list page is, by the first clue that exists: a stated page count
    (``createPageHTML``/``countPage``), a 下一页 link, then an ``index_N`` sibling link."""
    total = None
    m = _CREATE_PAGE.search(raw_text)
    count = cur = None
    prefix, ext = "index", "html"
    if m:
        count, cur, prefix, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    else:
        cm = _COUNT_PAGE.search(raw_text)
        if cm:
            count = int(cm.group(1))
            km = _CURRENT_PAGE.search(raw_text)
            here = _index_number(page_url)
            cur = int(km.group(1)) if km else (here[1] if here else 0)
            if here:
                prefix, ext = here[0], here[2]
    if count is not None and cur is not None:
        total = count
        if cur + 1 >= count:
            return Pager(None, total, "last page by page count")
        # TRS pages are 0-indexed: page 0 is index.html, page k is index_k.html.
        return Pager(urljoin(page_url, f"{prefix}_{cur + 1}.{ext}"), total, "page count")

    for a in soup.find_all("a"):
        label = _clean(a.get_text("")) or _clean(a.get("title") or "")
        if _NEXT_TEXT.match(label):
            href = row_href(a, page_url)
            if href and href != page_url.split("#", 1)[0]:
                return Pager(href, None, "下一页 link")
            return Pager(None, None, "下一页 link is inactive")

    here = _index_number(page_url)
    if here:
        want = f"{here[0]}_{here[1] + 1}.{here[2]}"
        for a in soup.find_all("a", href=True):
            target = urljoin(page_url, a["href"])
            if urlsplit(target).path.rsplit("/", 1)[-1] == want and \
                    target.rsplit("/", 1)[0] == page_url.rsplit("/", 1)[0]:
                return Pager(target.split("#", 1)[0], None, "index_N sibling link")
    return Pager(None, None, "no next-page clue")
