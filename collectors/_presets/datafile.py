"""Data-file and JSON-API columns (gov-sites.md §2.5, §2.6): a 信息公开目录 served as one static JSON
file, or a JSON list API paged by a query parameter.

Shapes seen in the wild (the fixtures under tests/fixtures/sites/datafile/ follow them):

- a static file of every record, ``{data: [{URL, FILENAME, PUBDATE, DOCRELTIME, …}]}`` (湖北市场监管局
  政策文件; ``PUBDATE`` is the 成文日期 there, ``DOCRELTIME`` the publication), or a bare array
  ``[{TITLE, SUB_TITLE, URL, DOCRELPUBTIME}]`` (gov.cn 最新政策);
- Guangdong gkmlpt ``/gkmlpt/api/all/{cat}?page=N&sid=S``: ``{total, classify: {post_count},
  articles: [{title, url, date, display_publish_time, create_time, …}]}`` with epoch-second times;
- list APIs such as Suzhou's ``loadData``: ``{data: {allRow, totalPage, list: [{TITLE, URL,
  PUBLISHED_TIME_FORMAT, C_FWRQ_FORMAT, …}]}}``;
- Hanweb jsearch ``…/interface/search/info?…&p=N``: ``{data: {searchResult: {total, result:
  ["<div>…<a href data-title>…时间:YYYY-MM-DD…</div>", …]}}}``, records as HTML fragments.

Field names differ from site to site, so fields are chosen by meaning, not by one name: the title
(``title``, ``DOCTITLE``, ``FILENAME``, 标题 …), the link (``url``, ``DOCPUBURL``, ``link`` …, resolved
against the JSON's own URL) and the publication date. Lists carry several dates, and the report's
year is the publication's, so a name that says released/published (``DOCRELTIME``, ``fbrq``,
``publishDate``, 发布日期, ``display_publish_time`` …) beats a generic one (``PUBDATE``, ``date``),
which beats a written/created date (成文日期, ``cwrq``, ``fwrq``, ``create_time``) — that last kind
is used only when a list has no other date. Effective/abolished/deadline/update dates never count.

Paging: a stated total (``total``, ``allRow``, ``post_count``, ``totalPage`` …) is walked to its end
through the page parameter of the URL (``page``, ``pageNo``, ``pageIndex``, ``p`` …); a total the
pages do not reach fails the run (a silently truncated column under-counts the year). Without a
stated total, a URL with a page parameter is walked until an empty page, and a file without one is
the whole list.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from .._dates import find_date
from .._http import Response
from .._item import SourceError
from .._listing import Row, anchor_title, dedupe_rows, row_href
from .._pages import problem, soup_of
from .._pager import page_address
from .._scriptrows import json_name, numbered_page
from ._jsonfields import (SAMPLE as _SAMPLE, as_date as _as_date, as_text as _as_text,
                          fields_of as _fields_of, first_of as _first, link_of as _link, norm as _norm)
from ._base import Context, ListPage, ListRequest, Preset, pages_for, register_preset

_MAX_DEPTH = 5          # how deep in the JSON a record list may sit ({data: {searchResult: {result}}})
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "totalnum", "totalsize",
               "totalrow", "totalrows", "allrow", "allrows", "recordcount", "recordtotal",
               "totalelements", "postcount", "rowcount", "totalhits")
_COUNT_KEYS = ("count",)   # sometimes the total, sometimes this page's size: only when nothing else
_PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pagetotal", "totalpagenum", "allpage",
               "pages")
_SIZE_KEYS = ("pagesize", "perpage", "pagerows", "limit", "size", "rows")
# Query parameters that number the page, most specific first.
_PAGE_PARAMS = ("pageno", "pageindex", "pagenum", "currentpage", "curpage", "cpage", "nowpage",
                "page", "current", "pn", "p")


def _dict_rows(records: list[dict], base: str) -> list[Row]:
    f = _fields_of(records)
    rows = []
    for rec in records:
        if not isinstance(rec, dict):
            continue
        title = _first(rec, f.titles, _as_text)
        href = _first(rec, f.urls, _link)
        if not title or not href:
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        date_text, date = "", None
        for k in f.dates:
            date_text, date = _as_date(rec.get(k))
            if date is not None:
                break
        rows.append(Row(url, title, date_text if date else "", date))
    return rows


_LABELLED = re.compile(r"(?:发布(?:时间|日期)|公开(?:时间|日期)|时间|日期)\s*[:：]\s*(\S[^<\n]{5,30})")


def _html_rows(records: list[str], base: str, context_year: int) -> list[Row]:
    """Records that are HTML fragments (Hanweb jsearch): the first real link, its ``data-title``
    (the full title; the text may be cut or highlighted), and the date labelled 时间/发布日期 —
    the summary beside it may quote other dates."""
    soup = BeautifulSoup("".join(f'<div class="gk-record">{_unescaped(r)}</div>' for r in records),
                         "lxml")
    rows = []
    for holder in soup.find_all("div", class_="gk-record"):
        anchor = next((a for a in holder.find_all("a") if row_href(a, base)), None)
        if anchor is None:
            continue
        url = row_href(anchor, base)
        title = _as_text(anchor.get("data-title") or "") or anchor_title(anchor)
        text = " ".join(holder.get_text(" ").split())
        found = None
        for m in _LABELLED.finditer(text):
            found = find_date(m.group(1), context_year=context_year)
            if found:
                break
        if found is None:
            rest = text.replace(anchor.get_text(" "), " ")
            found = find_date(rest, context_year=context_year)
        if url and title:
            rows.append(Row(url, title, found[1] if found else "", found[0] if found else None))
    return rows


def _unescaped(fragment: str) -> str:
    # jsearch sends the fragment entity-escaped inside the JSON string.
    return html.unescape(fragment) if "&lt;" in fragment and "<" not in fragment else fragment


# -- where the records are --------------------------------------------------------------------

@dataclass
class _Found:
    records: list
    path: tuple[str, ...]
    holders: list[dict]     # the dicts from the list's parent up to the root, nearest first
    html: bool              # records are HTML fragments

    @property
    def where(self) -> str:
        return ".".join(self.path) or "(top level)"


# (blanks after the call read one way: ``\s*;?\s*`` split n trailing blanks n^2 ways before a stray x)
_JSONP = re.compile(r"[A-Za-z_$][\w$.]{0,80}\s*\(\s*([\[{].*[\]}])\s*\)\s*+;?\s*+", re.S)


class TooDeep(ValueError):
    """A JSON body nested deeper than the json module recurses (100,000 ``[``): refused."""


def load(text: str) -> Any:
    """The JSON value of a body, or None when it is not JSON (an HTML page). A JSONP answer
    (``callback([...])``, gov.cn's ``pushInfoJsonpCallBack``) is its JSON, read, never run.
    TooDeep for JSON nested past the json module's recursion."""
    body = text.lstrip("\ufeff \t\r\n")
    wrapped = _JSONP.fullmatch(body) if body[:1].isalpha() or body[:1] in "_$" else None
    if wrapped:
        body = wrapped.group(1)
    if not body.startswith(("{", "[")):
        return None
    try:
        return json.loads(body)
    except RecursionError:              # the json module recurses once per nesting level
        raise TooDeep("JSON nested too deep") from None
    except ValueError:
        return None


def _lists(node: Any, path: tuple[str, ...], holders: list[dict],
           depth: int = 0) -> Iterator[tuple[list, tuple[str, ...], list[dict]]]:
    if isinstance(node, list):
        yield node, path, holders
    elif isinstance(node, dict) and depth < _MAX_DEPTH:
        for k, v in node.items():
            yield from _lists(v, path + (str(k),), [node, *holders], depth + 1)


def _score(records: list) -> tuple[float, bool]:
    sample = records[:_SAMPLE]
    if not sample:
        return 0.0, False
    if all(isinstance(r, str) for r in sample):
        good = sum(1 for r in sample if "href" in r and ("<a" in r or "&lt;a" in r))
        return good / len(sample), True
    dicts = [r for r in sample if isinstance(r, dict)]
    if len(dicts) < len(sample):
        return 0.0, False
    f = _fields_of(dicts)
    if not f.dates:
        return 0.0, False
    good = sum(1 for r in dicts if _first(r, f.titles, _as_text) and _first(r, f.urls, _link))
    return good / len(dicts), False


def find_records(data: Any) -> _Found | None:
    """The list of records in a JSON document: the list whose items best have a title, a link and
    a date (attachment lists, category trees and navigation lack one of them)."""
    best: tuple[tuple[float, int], _Found] | None = None
    for records, path, holders in _lists(data, (), []):
        score, is_html = _score(records)
        if score < 0.5:
            continue
        key = (score, len(records))
        if best is None or key > best[0]:
            best = (key, _Found(records, path, holders, is_html))
    return best[1] if best else None


def _empty_list(data: Any) -> str | None:
    """Where an empty list sits, for a page past the end (``articles: []``)."""
    for records, path, _holders in _lists(data, (), []):
        if not records:
            return ".".join(path) or "(top level)"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _stated(found: _Found, names: tuple[str, ...]) -> int | None:
    """A number the response states next to the list (``total``), or in a sibling object
    (gkmlpt's ``classify.post_count``): the nearest holder first, names in the given order."""
    for holder in found.holders:
        scopes = [holder] + [v for k, v in holder.items()
                             if isinstance(v, dict) and k not in found.path]
        for name in names:
            for scope in scopes:
                for k, v in scope.items():
                    if _norm(k) == name and _int(v) is not None:
                        return _int(v)
    return None


# -- paging -----------------------------------------------------------------------------------

def page_param(url: str) -> tuple[str, int] | None:
    """The query parameter that numbers the page, and its value."""
    query = urlsplit(url).query
    found = {}
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if value.isdigit():
            found.setdefault(_norm(name), (name, int(value)))
    for wanted in _PAGE_PARAMS:
        if wanted in found:
            return found[wanted]
    return None


def with_page(url: str, name: str, number: int) -> str:
    """``url`` with its page parameter set to ``number``; the rest of the URL as written."""
    parts = urlsplit(url)
    query = re.sub(rf"(^|&){re.escape(name)}=\d+", lambda m: f"{m.group(1)}{name}={number}",
                   parts.query, count=1)
    return parts._replace(query=query).geturl()


def _column_error(health: str, message: str) -> SourceError:
    from .._website import ColumnError   # the website module imports the presets
    return ColumnError(health, message)


@register_preset
class Datafile(Preset):
    name = "datafile"
    label = "data file / JSON list API (records with title, link and date)"
    rank = 20

    def __init__(self, options) -> None:
        super().__init__(options)
        self._page_of: dict[str, int] = {}     # request URL -> page number within this pass
        self._param: tuple[str, int] | None = None
        self._first_urls: set[str] = set()
        self._per_page = 0
        self._seen: set[str] = set()
        self._base = ""          # the column page a ``list_json`` belongs to: links resolve there
        self._first_url = ""

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        try:
            data = load(text)
        except TooDeep:
            return [(1, "a JSON body, but nested too deep to read")]
        if data is None:
            return []
        found = find_records(data)
        if found is None:
            return [(1, "a JSON body, but no list of records with title, link and date")]
        kind = "HTML-fragment records" if found.html else "records with title, link and date fields"
        return [(12, f"JSON list of {len(found.records)} {kind} at {found.where}")]

    def first(self, url: str, memo: dict) -> ListRequest:
        listed = self.options.get("list_json") or ""
        if listed:
            # the column page's script loads this list: its rows are the page's (_scriptrows)
            self._base = url
            data_url = urljoin(url, listed)
            return ListRequest(data_url, None, "json", f"{data_url} (the JSON list the page loads)")
        return ListRequest(url, None, "json", f"{url} (data file)")

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        first = self._page_of.get(request.url, 1) == 1
        page = self._read(request, response, ctx)
        if self._base and first and page.rows:
            page.notes.append(f"rows from the JSON list {json_name(request.url, self._base)} "
                              "(loaded by the page's script, not run)")
        return page

    def _read(self, request: ListRequest, response: Response, ctx: Context) -> ListPage:
        number = self._page_of.get(request.url, 1)
        where = request.label or request.url
        try:
            data = load(response.text)
        except TooDeep as e:
            raise SourceError(f"{response.url} did not answer a readable JSON list: {e}") from None
        if data is None:
            why = problem(response, soup_of(response.text)) or f"starts {response.text[:60]!r}"
            raise SourceError(f"{response.url} did not answer JSON: {why}")
        found = find_records(data)
        if found is None:
            empty = _empty_list(data)
            if empty is None:
                return ListPage([], None, "no list of records (title, link, date) in the JSON")
            return ListPage([], None, f"the record list at {empty} is empty")
        if found.html:
            rows = _html_rows(found.records, self._base or response.url, ctx.context_year)
        else:
            rows = _dict_rows(found.records, self._base or response.url)
        rows = dedupe_rows(rows)
        urls = {r.url for r in rows}
        if number == 1:
            self._first_url = request.url
            self._param = page_param(request.url)
            self._first_urls = urls
            self._per_page = _stated(found, _SIZE_KEYS) or len(found.records)
        total = _stated(found, _TOTAL_KEYS)
        if total is None:
            total = _stated(found, _COUNT_KEYS)
        pages = _stated(found, _PAGES_KEYS)
        if pages is None and total is not None:
            pages = pages_for(total, self._per_page)
        if number > 2 and rows and urls == self._first_urls:
            # Some APIs answer page 1 for any page number they do not have.
            if pages is not None and number <= pages:
                raise _column_error("repeated", f"{where} answers with page 1 although the stated "
                                    f"total promises {pages} pages: the API ignores the page "
                                    f"number past page {number - 1}")
            return ListPage([], None, f"page {number} answers page 1: past the end")
        self._seen |= urls
        if pages is None:
            if self._param is None:
                return ListPage(rows, None, "a data file: one answer holds the whole list")
            return ListPage(rows, self._next(request.url, number, None) if rows else None,
                            "no stated total: until an empty page")
        if number >= pages:
            if total is not None and len(self._seen) < total:
                raise _column_error("truncated", f"{where}: the JSON states {total} records but "
                                    f"its {pages} page(s) hold {len(self._seen)}: the column is "
                                    "cut short")
            return ListPage(rows, None, f"last page by the stated total ({total or pages})",
                            pages, promised=True)
        if self._param is None and self._by_address(number + 1) is None:
            raise _column_error("truncated", f"{where} states {total or pages} "
                                f"{'records' if total else 'pages'} but holds {len(rows)} records, "
                                "and its URL has no page parameter (page=, pageNo=, pageIndex=, "
                                "p= …, or list_N.json) to ask for the rest: set page_url")
        return ListPage(rows, self._next(request.url, number, pages),
                        f"stated total {total or pages}", pages, promised=True)

    def _by_address(self, n: int) -> str | None:
        """Page ``n`` of a list without a page parameter: the source's ``page_url``, else the
        number in the first list's name (``list_1.json`` → ``list_2.json``)."""
        pattern = self.options.get("page_url") or ""
        if pattern:
            return page_address(pattern, n, self._base or self._first_url)
        return numbered_page(self._first_url, n)

    def _next(self, url: str, number: int, pages: int | None) -> ListRequest:
        if self._param is None:
            nxt = self._by_address(number + 1) or ""
        else:
            name, start = self._param
            nxt = with_page(url, name, start + number)
        self._page_of[nxt] = number + 1
        of = f" of {pages}" if pages else ""
        return ListRequest(nxt, None, "json", f"records page {number + 1}{of}")
