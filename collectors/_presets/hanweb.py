"""Hanweb 大汉 JCMS with jpage (gov-sites.md §2.1).

The column page ``/col/colN/index.html`` carries its first records inline, as CDATA inside
``<script type="text/xml"><datastore><recordset><record>``; the rest come from
``/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P`` answered to a POST of the
unit's ``ajaxParam`` form. Traps handled here:

- the inline chunk is groupSize × perPage records (30), not perPage (10): the next request starts
  after what was actually inline;
- the page has a second ``jpage`` call for its search box with a decoy ``totalRecord:1000``: only
  the call that carries ``dataStore`` is believed;
- the same records appear twice, in a PC unit and a mobile unit: rows collapse by URL;
- dataproxy responses split dates across lines (``2026-\\n01-\\n23``).

``ajaxParam`` comes in three shapes (collectors/README.md, the variant table): an object literal, the
name of a ``var param_N = {…}`` defined before the init (Jiangsu), or that variable filled from the
inputs of a hidden ``<form id="jpageform_N">``; the ``<nextgroup>`` link's query is the base under all
three. Without a jpage init, the ``<nextgroup>`` link (GET form, duplicated ``appid``) gives the form;
a ``/col/`` page with no datastore at all (Shandong) is read as a plain list. A source whose URL is the
dataproxy itself (``dataproxy.jsp?page=1&…`` or ``morecolumndataproxy.jsp``, taken from a
``<nextgroup>``) is paged by GET: ``page=N`` with ``<totalpage>``/``<totalrecord>``, or record windows.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from .._http import Response
from .._item import SourceError
from .._listing import Row, fragment_rows
from .._pages import soup_of
from ._base import Context, ListPage, ListRequest, Preset, register_preset, static_list_page

log = logging.getLogger(__name__)

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTALRECORD_TAG = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_JPAGE = re.compile(r"""\$\(\s*['"]#?([\w-]+)['"]\s*\)\s*\.jpage\(\s*\{""")
_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|(\{)|([^,}\s]+))""")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
_ART_LINK = re.compile(r"/art/\d{4}/(?:\d{1,2}/\d{1,2}/art_\d+_\d+|art_[0-9a-f]{32})\.html")


def _object_at(text: str, start: int) -> str:
    """The ``{...}`` literal opening at ``text[start]``, braces balanced, strings skipped."""
    depth, i, quote = 0, start, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return text[start:]


def js_object(literal: str) -> dict:
    """Top-level keys of a JavaScript object literal (unquoted keys, single-quoted strings):
    enough for jpage's init, never ``eval``."""
    out: dict = {}
    body = literal[1:-1] if literal.startswith("{") else literal
    pos = 0
    while True:
        m = _PAIR.search(body, pos)
        if not m:
            return out
        key = m.group(1)
        if m.group(4):
            inner = _object_at(body, m.start(4))
            out[key] = js_object(inner)
            pos = m.start(4) + len(inner)
            continue
        value = next(g for g in (m.group(2), m.group(3), m.group(5)) if g is not None)
        out.setdefault(key, value)
        pos = m.end()


@dataclass
class _Paging:
    proxy: str            # absolute dataproxy URL, without its query
    form: dict[str, str]  # the unit's parameters (columnid, unitid, webid …)
    per_page: int
    group: int            # records per request (groupSize × perPage)
    total: int | None     # totalRecord of the unit that owns the datastore
    by_get: bool = False  # parameters in the query string: a dataproxy URL given as the source
    page: int | None = None          # ``page=N`` paging (GET dataproxy URLs): the page just read
    total_pages: int | None = None   # ``<totalpage>`` of page-numbered answers
    first_size: int = 0              # records on the first page-numbered answer


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip("'\" ").replace(",", ""))
    except (TypeError, ValueError):
        return default


def _flat(params: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in params.items() if not isinstance(v, dict)}


def is_proxy_url(url: str) -> bool:
    """``dataproxy.jsp`` and its multi-column sibling ``morecolumndataproxy.jsp``."""
    return urlsplit(url).path.lower().endswith("dataproxy.jsp")


def _query_form(url: str) -> dict[str, str]:
    # appid comes twice in real nextgroup links; parse_qsl keeps the last, which is the same value
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _owned_init(text: str, units: list[tuple[str, str]]) -> tuple[str, dict] | None:
    """(unit id, options) of the ``jpage({…})`` init that owns a datastore: the column's. The
    search box's jpage() carries a decoy ``totalRecord:1000`` and no datastore (gov-sites.md §2.1)."""
    unit_ids = {u for u, _ in units if u}
    owned = []
    for m in _JPAGE.finditer(text):
        opts = js_object(_object_at(text, m.end() - 1))
        if "dataStore" in opts or "datastore" in opts:
            owned.append((m.group(1), opts))
    owned.sort(key=lambda t: t[0] not in unit_ids)
    return owned[0] if owned else None


@register_preset
class Hanweb(Preset):
    name = "hanweb"
    label = "Hanweb JCMS (<datastore> records + dataproxy.jsp)"
    rank = 20

    def __init__(self, options) -> None:
        super().__init__(options)
        self._paging: _Paging | None = None
        self._next_start = 0
        self._fallback_read = 0     # rows read through generic next links (pager unreadable)

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        clues = []
        if _DATASTORE.search(text):
            clues.append((10, "inline <datastore>/<recordset> records"))
        if "dataproxy.jsp" in text:
            clues.append((10, "jpage dataproxy.jsp pager"))
        if is_proxy_url(url):
            clues.append((10, "the URL is a Hanweb dataproxy.jsp"))
        if "hanweb.css" in text.lower():
            clues.append((3, "hanweb.css stylesheet"))
        if re.search(r"/col/col\d+/index\.html", url):
            clues.append((2, "URL shape /col/colN/index.html"))
        arts = len(_ART_LINK.findall(text))
        if arts:
            clues.append((2, f"{arts} article links shaped /art/YYYY/M/D/art_C_N.html"))
        return clues

    # -- the column page --

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        if request.form is not None or (self._paging is not None and self._paging.by_get):
            return self._proxy_page(request, response, ctx)
        if is_proxy_url(response.url) or is_proxy_url(request.url):
            return self._direct_proxy(request, response, ctx)
        text = response.text
        units = self._units(text)
        if not units:
            # Shandong-style: the /col/ page lists its /art/ links directly (gov-sites.md §2.1);
            # newer JCMS pages render each page server-side (``?uid=U&pageNum=N`` links).
            page = static_list_page(response, ctx)
            page.signal = f"no datastore: read as a plain list ({page.signal})"
            return page
        rows: list[Row] = []
        seen: set[str] = set()
        owner_records = 0
        paging = self._paging_from(text, response.url, units)
        distinct: list[str] = []
        for unit_id, block in units:
            records = _RECORD.findall(block)
            if paging is not None and unit_id == paging.form.get("unitid", unit_id) and not owner_records:
                owner_records = len(records)
            distinct += [r for r in records if r not in distinct]
        for row in fragment_rows(distinct, response.url, context_year=ctx.context_year):
            if row is not None and row.url not in seen:  # PC and mobile units collapse here
                seen.add(row.url)
                rows.append(row)
        if paging is None:
            return self._fallback(rows, response, ctx, units)
        self._paging = paging
        self._next_start = (owner_records or len(rows)) + 1
        return self._after(rows, len(rows))

    def _fallback(self, rows: list[Row], response: Response, ctx: Context,
                  units: list[tuple[str, str]]) -> ListPage:
        """The jpage pager could not be read: before failing, the generic ways a page may name
        its next page (a 下一页 link, page-number links, ``index_N`` siblings, a pager script). A
        stated total not reached by the end stays a failure saying what was read."""
        self._fallback_read += len(rows)
        stated = self._stated_total(response.text, units)
        generic = static_list_page(response, ctx)
        if generic.next is not None and (stated is None or self._fallback_read < stated):
            return ListPage(rows, generic.next, f"jpage pager unreadable; generic {generic.signal}",
                            generic.total_pages, promised=stated is not None or generic.promised)
        if stated is not None and stated > self._fallback_read:
            raise SourceError(
                f"{response.url}: the column states {stated} records but {self._fallback_read} "
                "were read, and its jpage pager (ajaxParam, jpageform or <nextgroup>) could not be "
                "read to ask for the rest, nor does the page link a next page; try the column's "
                "dataproxy.jsp URL as the source url, or report this page's shape")
        return ListPage(rows, None, "inline records only (no jpage pager)")

    def _units(self, text: str) -> list[tuple[str, str]]:
        """(unit id, datastore text) per ``<script type="text/xml">`` block, in page order."""
        soup = soup_of(text)
        out = []
        for script in soup.find_all("script", attrs={"type": re.compile("xml", re.I)}):
            body = script.string or script.get_text()
            m = _DATASTORE.search(body)
            if not m:
                continue
            holder = script.find_parent(id=True)
            out.append((holder["id"] if holder is not None else "", m.group(1)))
        if not out:
            out = [("", m.group(1)) for m in _DATASTORE.finditer(text)]
        return out

    @staticmethod
    def _stated_total(text: str, units: list[tuple[str, str]]) -> int | None:
        for _, block in units:
            tm = _TOTALRECORD_TAG.search(block)
            if tm:
                return int(tm.group(1))
        owned = _owned_init(text, units)
        return _int(owned[1].get("totalRecord")) if owned else None

    def _nextgroup_form(self, units: list[tuple[str, str]], base: str) -> tuple[str, dict[str, str]] | None:
        for _, block in units:
            ng = _NEXTGROUP.search(block)
            href = _HREF.search(ng.group(1)) if ng else None
            if href:
                target = urljoin(base, href.group(1).replace("&amp;", "&"))
                form = _query_form(target)
                form.pop("page", None)
                return _without_query(target), form
        return None

    def _paging_from(self, text: str, base: str, units: list[tuple[str, str]]) -> _Paging | None:
        nextgroup = self._nextgroup_form(units, base)
        owned = _owned_init(text, units)
        if owned:
            unit, opts = owned
            per_page = _int(opts.get("perPage"), 10) or 10
            group = per_page * (_int(opts.get("groupSize"), 1) or 1)
            form = dict(nextgroup[1]) if nextgroup else {}
            form.update(self._ajax_param(opts.get("ajaxParam"), text, unit))
            form.setdefault("unitid", unit)
            proxy = urljoin(base, str(opts.get("proxyUrl") or (nextgroup[0] if nextgroup else _DEFAULT_PROXY)))
            total = _int(opts.get("totalRecord"))
            if "columnid" not in form:
                # Not readable as data (ajaxParam built by code): parse() fails the pass when the
                # stated total says records are missing.
                log.warning("%s: jpage ajaxParam %r of unit %s not found as an object, a var or a "
                            "jpageform, and no <nextgroup>", base, opts.get("ajaxParam"), unit)
                return None
            return _Paging(proxy, form, per_page, group, total)
        if nextgroup:
            block = next(b for _, b in units if _NEXTGROUP.search(b))
            tm = _TOTALRECORD_TAG.search(block)
            records = len(_RECORD.findall(block)) or 10
            return _Paging(nextgroup[0], nextgroup[1], _int(nextgroup[1].get("perpage"), 10) or 10,
                           records, int(tm.group(1)) if tm else None)
        return None

    @staticmethod
    def _ajax_param(value, text: str, unit: str) -> dict[str, str]:
        """The unit's POST form from jpage's ``ajaxParam``: an object literal, or the name of a
        variable (``var param_N = {…}``) that a function may also fill from ``jpageform_N``'s
        inputs before the call. Never runs the page's JavaScript: both sources are read as data."""
        if isinstance(value, dict):
            return _flat(value)
        form: dict[str, str] = {}
        name = value if isinstance(value, str) and re.fullmatch(r"[A-Za-z_$][\w$]*", value) else ""
        if name:
            m = re.search(rf"(?:\bvar\s+|[;{{}}\s]){re.escape(name)}\s*=\s*\{{", text)
            if m:
                form.update(_flat(js_object(_object_at(text, m.end() - 1))))
        ids = {f"jpageform_{unit}"}
        if name.startswith("param_"):
            ids.add("jpageform_" + name[len("param_"):])
        soup = soup_of(text)
        for form_id in ids:
            tag = soup.find("form", id=form_id)
            if tag is None:
                continue
            for field in tag.find_all(["input", "select", "textarea"]):
                key = field.get("name")
                if key and field.get("type", "").lower() not in ("submit", "button", "image", "reset"):
                    form[key] = field.get("value") or ""
        return form

    # -- a dataproxy URL given as the source: paged by GET --

    def _direct_proxy(self, request: ListRequest, response: Response, ctx: Context) -> ListPage:
        query = _query_form(response.url if is_proxy_url(response.url) else request.url)
        text = response.text
        records = _RECORD.findall(text)
        rows = [r for r in fragment_rows(records, response.url, context_year=ctx.context_year) if r]
        tm = _TOTALRECORD_TAG.search(text)
        tp = re.search(r"<totalpage>\s*(\d+)\s*</totalpage>", text, re.I)
        total = int(tm.group(1)) if tm else None
        proxy = _without_query(request.url)
        if "startrecord" in query:
            start = _int(query.pop("startrecord"), 1) or 1
            end = _int(query.pop("endrecord"), 0) or 0
            per_page = _int(query.pop("perpage", None), 10) or 10
            group = max(end - start + 1, per_page)
            self._paging = _Paging(proxy, query, per_page, group, total, by_get=True)
            self._next_start = start + len(records)
            return self._after(rows, len(records))
        page = _int(query.pop("page", None), 1) or 1
        self._paging = _Paging(proxy, query, len(records) or 10, len(records), total, by_get=True,
                               page=page, total_pages=int(tp.group(1)) if tp else None,
                               first_size=len(records))
        return self._after(rows, len(records))

    # -- the dataproxy pages --

    def _request(self) -> ListRequest:
        p = self._paging
        assert p is not None
        of = f" of {p.total}" if p.total is not None else ""
        if p.page is not None:
            query = urlencode({**p.form, "page": p.page + 1})
            pages = f" of {p.total_pages}" if p.total_pages else ""
            return ListRequest(f"{p.proxy}?{query}", None, "xml", f"dataproxy page {p.page + 1}{pages}")
        start, end = self._next_start, self._next_start + p.group - 1
        if p.total is not None:
            end = min(end, p.total)
        window = {"startrecord": start, "endrecord": end, "perpage": p.per_page}
        label = f"records {start}-{end}{of}"
        if p.by_get:
            return ListRequest(f"{p.proxy}?{urlencode({**p.form, **window})}", None, "xml", label)
        return ListRequest(f"{p.proxy}?{urlencode(window)}", dict(p.form), "xml", label)

    def _after(self, rows: list[Row], got: int) -> ListPage:
        p = self._paging
        assert p is not None
        if p.page is not None:
            return self._after_page(rows, got)
        pages = -(-p.total // p.group) if p.total else None
        if p.total is not None:
            if self._next_start > p.total:
                return ListPage(rows, None, f"all {p.total} records read (totalRecord)", pages,
                                promised=True)
            return ListPage(rows, self._request(), "totalRecord", pages, promised=True)
        if got < p.group:
            return ListPage(rows, None, "short group: last records")
        return ListPage(rows, self._request(), "nextgroup link")

    def _after_page(self, rows: list[Row], got: int) -> ListPage:
        p = self._paging
        assert p is not None and p.page is not None
        pages = p.total_pages or (-(-p.total // p.first_size) if p.total and p.first_size else None)
        if pages is not None:
            if p.page >= pages:
                return ListPage(rows, None, f"all {pages} pages read (totalpage)", pages, promised=True)
            return ListPage(rows, self._request(), "totalpage", pages, promised=True)
        if got < p.first_size or not got:
            return ListPage(rows, None, "short page: last records")
        return ListPage(rows, self._request(), "full page: asking for the next")

    def _proxy_page(self, request: ListRequest, response: Response, ctx: Context) -> ListPage:
        if self._paging is None:
            raise SourceError(f"dataproxy page {request.url} without the column page's pager")
        p = self._paging
        text = response.text
        tm = _TOTALRECORD_TAG.search(text)
        if tm and p.total is None:
            p.total = int(tm.group(1))
        records = _RECORD.findall(text)
        rows = [r for r in fragment_rows(records, response.url, context_year=ctx.context_year) if r]
        if p.page is not None:
            p.page += 1
            tp = re.search(r"<totalpage>\s*(\d+)\s*</totalpage>", text, re.I)
            if tp and p.total_pages is None:
                p.total_pages = int(tp.group(1))
        else:
            self._next_start += len(records) if records else p.group
        return self._after(rows, len(records))
