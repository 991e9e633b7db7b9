"""Reading a column (栏目) list page: its rows and the way to its next page.

The generic finder works on the plain server-rendered family (gov-sites.md §2.7, ``ul > li > a +
date``) and on TRS-style static lists: it looks for repeated ``li``/``tr`` rows that hold a link and a
date, and keeps the largest group of rows that share a container shape. Navigation, the "今天是…"
header widget and nested 解读 pop-up links are not rows. In a 信息公开目录 table the header says
which cell is the publication date (a row also carries 成文日期 and 索引号).

The next page comes from the first clue that exists: a stated page count (the TRS pager call in
its forms, or its variables), a 下一页 link, a sibling ``index_N``/``list_N`` link, the page
number after the current one. A total stated in words (``共1,227页``, 尾页, records over the page
size) makes the next page a promise the walker holds the site to. Each shape has a fixture column
naming its real sample: tests/fixtures/sites/{trs,plain}_variants/*/expect.json.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ._dates import find_date, parse_date

log = logging.getLogger(__name__)

_TODAY = re.compile(r"今天是?\s*[:：]?\s*\S{0,20}?(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:\s*(?:星期|周)[一二三四五六日天])?")
_NESTED = "ul, ol, .popbox, .pop, .jd, .jiedu"
_TRUNCATED = ("...", "…", "..")
# A pinned row's marker rendered inside its anchor ("[置顶]标题"): decoration, not the title.
_PINNED_MARK = re.compile(r"^\s*(?:[\[【(（]\s*置顶\s*[\]】)）]|置顶\s*[:：|])\s*")
# 下一页 as sites write it: bare, bracketed, with arrows ("下一页>>", "[下一页]", "下一页 ›").
_NEXT_TEXT = re.compile(r"^[\s\[【(（<《]*(?:下一页|下页|后一页|后页|下一頁|next\s*(?:page)?)[\s\]】)）>》›»]*$"
                        r"|^\s*[>›»]\s*$", re.I)
_LAST_TEXT = re.compile(r"^[\s\[【(（]*(?:尾页|末页|最后一页|最末页|last\s*(?:page)?)[\s\]】)）>》›»]*$", re.I)
_PAGE_WORDS = re.compile(r"页|next|last", re.I)
_PAGER_BOXES = frozenset({"div", "p", "td", "ul", "ol", "nav", "form", "center", "span"})
_ONCLICK_URL = re.compile(r"""['"]((?:https?:)?/{0,2}[^'"\s]+\.(?:s?html?|jsp|aspx?|php|do)[^'"\s]*)['"]""")
# The TRS-family pager call, whatever its arguments (gov-sites.md §2.3); see _pager_call.
_PAGER_CALL = re.compile(r"\bcreatePage(?:HTML)?\s*\(([^()]{1,300})\)")
_ARG_STR = re.compile(r"""^(['"])([\w.-]*)\1$""")
_ARG_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_EXT = re.compile(r"^s?html?$|^jsp$|^aspx?$|^php$", re.I)
# The classic TRS template writes its pager with document.write from variables, no call:
# "var currentPage = 0;//所在页从0开始 … var countPage = 20//共多少页"; older ones name the current
# page nCurrIndex.
_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+(?:currentPage|nCurrIndex)\s*=\s*(\d+)")
# A stated total as pagers write it: "共1,227页" (thousands comma, real: nmpa), "共 39 页",
# "第1/39页", "页次：1/39"; or records with a page size ("共768条 每页20条").
_NUM = r"(\d{1,3}(?:[,，]\d{3})+|\d{1,6})"
_TOTAL_PAGES = (re.compile(rf"共\s*{_NUM}\s*页"), re.compile(rf"\d{{1,6}}\s*/\s*{_NUM}\s*页"),
                re.compile(rf"页次\s*[:：]?\s*\d{{1,6}}\s*/\s*{_NUM}"),
                re.compile(rf"总页数\s*[:：]?\s*{_NUM}"))
_TOTAL_RECORDS = re.compile(rf"共\s*(?:有\s*)?{_NUM}\s*条")
_PER_PAGE = re.compile(r"每页\s*(?:显示\s*)?(\d{1,4})\s*条")
_PAGE_PARAM = re.compile(r"^(?:page|pageno|pagenum|pageindex|currpage|curpage|cur_page|pn|p)$", re.I)
_CURRENT_CLASS = re.compile(r"(?:^|[-_])(?:current|curr|cur|active|on|sel|selected|now)(?:$|[-_])", re.I)
# Any name whose page number is a trailing "_N"/"-N": index_3.html, list-2.html, list_12_2.html
# (DedeCMS), A001001index_1.htm (卫辉), common_list_2.shtml.
_INDEX_N = re.compile(r"^(?P<prefix>[A-Za-z0-9][\w-]*?)(?:(?P<sep>[_-])(?P<n>\d+))?\.(?P<ext>s?html?)$")
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
    groups: dict[tuple, list[Row]] = {}
    headers: dict[int, list[int] | None] = {}
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
        groups.setdefault(_signature(row), []).append(Row(url, anchor_title(anchor), date_text, date))
    if not groups:
        return []
    best = max(groups.values(), key=len)  # ties: the first group in document order
    return dedupe_rows(best)


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


def _number(text: str) -> int:
    return int(re.sub(r"[,，]", "", text))


def _resolve(arg: str, raw_text: str) -> int | str | None:
    """A pager call's argument: a number, a quoted name, or a variable assigned a literal on
    the page (``createPageHTML(countPage, currentPage, "index", "html")``). None: unknown, as
    in the function's own definition ``function createPageHTML(_nPageCount, _nCurrIndex, …)``."""
    arg = arg.strip()
    if arg.isdigit():
        return int(arg)
    m = _ARG_STR.match(arg)
    if m:
        return m.group(2)
    if _ARG_NAME.match(arg):
        # "countPage = 20//共多少页" is a literal; "nextPage = currentPage + 1" and "n = 2 * k" are not.
        m = re.search(rf"(?<![\w$.]){re.escape(arg)}\s*=\s*(?:(\d+)(?![\w.])(?!\s*(?:[-+*%]|/(?![/*])))"
                      r"""|(['"])([\w.-]*)\2)""", raw_text)
        if m:
            return int(m.group(1)) if m.group(1) else m.group(3)
    return None


def _pager_call(args: list[int | str], prefix: str, ext: str) -> tuple[int, int | None, str, str] | None:
    """(page count, next page's file number or None on the last page, prefix, extension) from a
    pager call's resolved arguments. The forms seen (gov-sites.md §2.3; samples in the variant
    fixtures' expect.json):

    - ``createPageHTML(count, current, "index", "html")`` — TRS WCM; 0-based, page k is
      ``index_k.html``; Chongqing's ``createPage`` the same; 2 and 3 arguments leave the name and
      extension to the page's own URL;
    - ``createPageHTML(records, count, current, …)`` — Beijing, three numbers first;
    - ``createPageHTML('page_div', count, current, 'list', 'shtml', records)`` — a container id
      first (CSRC, 昆山, 邵阳); 1-based, page k ≥ 2 is ``list_k.shtml``.
    """
    def names(rest: list) -> tuple[str, str]:
        strs = [a for a in rest if isinstance(a, str)]
        p = strs[0] if strs and re.fullmatch(r"[\w-]+", strs[0]) else prefix
        e = strs[1] if len(strs) > 1 and _EXT.match(strs[1]) else ext
        return p, e

    if len(args) >= 3 and isinstance(args[0], str) and isinstance(args[1], int) and isinstance(args[2], int):
        count, cur = args[1], args[2]
        p, e = names(args[3:])
        return count, (cur + 1 if cur < count else None), p, e
    ints = 0
    for a in args:
        if not isinstance(a, int):
            break
        ints += 1
    if ints >= 3:
        count, cur = args[1], args[2]
    elif ints == 2:
        count, cur = args[0], args[1]
    else:
        return None
    p, e = names(args[ints:])
    return count, (cur + 1 if cur + 1 < count else None), p, e


def _stated_count(raw_text: str, page_url: str) -> tuple[int, int | None, str, str] | None:
    """(page count, next page's file number or None, prefix, ext) from a TRS-style pager script."""
    here = _index_number(page_url)
    prefix, ext = (here[0], here[3]) if here else ("index", "html")
    for m in _PAGER_CALL.finditer(raw_text):
        args: list[int | str] = []
        for raw in m.group(1).split(","):
            value = _resolve(raw, raw_text)
            if value is None:
                break
            args.append(value)
        else:
            found = _pager_call(args, prefix, ext)
            if found is not None:
                return found
    m = _COUNT_PAGE.search(raw_text)
    if m:
        km = _CURRENT_PAGE.search(raw_text)
        cur = int(km.group(1)) if km else (here[2] if here else 0)
        count = int(m.group(1))
        return count, (cur + 1 if cur + 1 < count else None), prefix, ext
    return None


def _stated_total(text: str) -> int | None:
    """The page count a pager states in words, or records over the page size."""
    for pattern in _TOTAL_PAGES:
        m = pattern.search(text)
        if m:
            return _number(m.group(1))
    m, per = _TOTAL_RECORDS.search(text), _PER_PAGE.search(text)
    if m and per and int(per.group(1)) > 0:
        return max(1, -(-_number(m.group(1)) // int(per.group(1))))
    return None


def _label(a: Tag) -> str:
    img = a.find("img")
    return (_clean(a.get_text("")) or _clean(a.get("title") or "")
            or (_clean(img.get("alt") or img.get("title") or "") if img else ""))


def _page_number(url: str) -> int | None:
    """The page number a list URL carries: ``?page=3`` (and pageNo, pageIndex …) or ``index_3``."""
    for key, value in parse_qsl(urlsplit(url).query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    here = _index_number(url)
    return here[2] if here else None


def _current_number(soup: BeautifulSoup, page_url: str) -> int | None:
    """This page's 1-based number: the pager's highlighted number (``<span class="current">1``),
    else 1 when the URL carries no page number (a column's first page)."""
    for el in soup.find_all(class_=_CURRENT_CLASS):
        text = _clean(el.get_text(""))
        if text.isdigit() and len(text) <= 5 and el.find_parent(["nav", "header"]) is None and _in_pager(el):
            return int(text)
    parts = urlsplit(page_url)
    if not any(_PAGE_PARAM.match(k) for k, _ in parse_qsl(parts.query)):
        here = _index_number(page_url)
        if here is None or here[2] == 0:
            return 1
    return None


def _in_pager(el: Tag) -> bool:
    """A page number sits in a pager: a block around it (up to three levels, never a table row,
    where a numbered link is a document) also holds other page numbers or page words."""
    for depth, box in enumerate(el.parents):
        if depth >= 3 or box.name in ("tr", "tbody", "table", "body", "html", "[document]"):
            return False
        if box.name not in _PAGER_BOXES:
            continue
        if any(other is not el and _clean(other.get_text("")).isdigit()
               for other in box.find_all(["a", "span", "b", "strong", "font", "em", "li"])):
            return True
        if _PAGE_WORDS.search(_clean(box.get_text(" "))):
            return True
    return False


def _link_to(a: Tag, page_url: str) -> str | None:
    href = row_href(a, page_url)
    return href if href and href != page_url.split("#", 1)[0] else None


def find_next(soup: BeautifulSoup, page_url: str, raw_text: str) -> Pager:
    """Where the next list page is, by the first clue that exists: a stated page count
    (``createPageHTML``/``createPage``/``countPage``), a 下一页 link, an ``index_N`` /
    ``list-N`` sibling link, then the link numbered one past this page's number."""
    stated = _stated_count(raw_text, page_url)
    if stated is not None:
        count, nxt, prefix, ext = stated
        if nxt is None:
            return Pager(None, count, "last page by page count", stated=True)
        return Pager(urljoin(page_url, f"{prefix}_{nxt}.{ext}"), count, "page count", stated=True)
    total = _stated_total(visible_text_of(soup))
    current = _current_number(soup, page_url)
    anchors = soup.find_all("a")
    found: tuple[str | None, str] | None = None
    for a in anchors:
        if _NEXT_TEXT.match(_label(a)):
            href = _link_to(a, page_url)
            found = (href, "下一页 link") if href else (None, "下一页 link is inactive")
            break
    if found is None:
        found = _sibling_link(soup, page_url)
    if found is None and current is not None:
        for a in anchors:
            label = _label(a).strip("[]【】 ")
            if label.isdigit() and int(label) == current + 1 and _in_pager(a):
                href = _link_to(a, page_url)
                if href:
                    found = (href, f"page-number link {current + 1}")
                    break
    next_url, signal = found or (None, "no next-page clue")
    if total is None and next_url and current is not None:
        total = _last_link_total(anchors, page_url, next_url, current)
    # A stated total makes the next page a promise: if it then lists nothing, the column was
    # cut short (the walker fails the run) instead of having ended.
    promised = bool(next_url and total is not None and current is not None and current < total)
    return Pager(next_url, total, signal, stated=promised)


def _sibling_link(soup: BeautifulSoup, page_url: str) -> tuple[str, str] | None:
    here = _index_number(page_url)
    if not here:
        return None
    prefix, sep, n, ext = here
    # From a bare first page the next one is prefix_1 on 0-based sites (TRS) and prefix_2 on
    # 1-based ones (list.html, list_2.html); further on both number it n + 1. list-1 is page 1.
    wanted = [f"{prefix}_{n + 1}.{ext}", f"{prefix}-{n + 1}.{ext}"]
    if sep == "-" or n == 0:
        wanted += [f"{prefix}_{max(n, 1) + 1}.{ext}", f"{prefix}-{max(n, 1) + 1}.{ext}"]
    folder = page_url.rsplit("/", 1)[0]
    targets = {}
    for a in soup.find_all("a", href=True):
        target = urljoin(page_url, a["href"]).split("#", 1)[0]
        if target.rsplit("/", 1)[0] == folder:
            targets.setdefault(urlsplit(target).path.rsplit("/", 1)[-1], target)
    for name in wanted:
        if name in targets:
            return targets[name], "sibling page link"
    return None


def _last_link_total(anchors: list[Tag], page_url: str, next_url: str, current: int) -> int | None:
    """The page count from a 尾页/末页 link, numbered the way the next link is: nmpa's page 1
    links 下一页 index_1.html and 末页 index_1226.html, so the column has 1,227 pages."""
    nxt = _page_number(next_url)
    if nxt is None:
        return None
    for a in anchors:
        if _LAST_TEXT.match(_label(a)):
            href = row_href(a, page_url)
            last = _page_number(href) if href else None
            if last is not None:
                return last - (nxt - (current + 1))
    return None


def visible_text_of(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())
