"""Hanweb jpaas 集约化 (gov-sites.md §2.2).

The column page holds no list, only ``<script src=…/unitbuild.js url=/api-gateway/… queryData=
"{'webId':'3185',…,'tagId':'信息列表'}">`` build units. The list comes from
``GET {url}?{queryData}&paramJson={"pageNo":N,"pageSize":15}``, a JSON object whose ``data.html``
holds ``li`` rows and a ``table.pagination`` with ``count`` and ``rows``. Links mix new
``/col/colN/art/YYYY/art_<hex>.html``, protocol-relative legacy ``//host/art/…`` and other hosts;
anchor text is truncated, the full title is in ``title=``. Traps: every ``pageNo`` answering page 1
(overseas vantage; the ``website`` kind fails the run on a repeated page) and an empty ``html``.

Variants seen across deployments, each with a fixture (tests/fixtures/sites/jpaas*/):

- ``queryData`` single-quoted pseudo-JSON (Zhejiang) or real JSON in a single-quoted attribute,
  with ``null`` literals;
- the total as ``table.pagination[count][rows]`` (Zhejiang), ``div.pagination`` (Taizhou), or only in
  the pager script's options, ``oLayPageRender(…, {rows:"20", count:"585", pageNo:"1"})`` (MOHURD);
- a gateway that refuses GET (``{"success":false,"code":"405",…}``): the same parameters go as a
  POST form, and the choice is remembered;
- a page number past the end (or every page number, from overseas) answered with page 1: past a
  stated count that is the end of the list, within it the column is cut short.

The API endpoint is remembered in the source's memo, so a later pass asks the API directly: an
idle re-crawl is one request (gov-sites.md §6; issue 3's benchmark).
"""
from __future__ import annotations

import ast
import json
import re
from urllib.parse import urlencode, urljoin

from .._http import Response
from .._item import SourceError
from .._listing import find_rows
from .._pages import soup_of
from ._base import Context, ListPage, ListRequest, Preset, pages_for, register_preset

_UNITBUILD = re.compile(r"unitbuild\.js", re.I)
_API = re.compile(r"jpaas-publish-server", re.I)
# The pager's options when no pagination element carries them: ``{rows:"20", count:"585", …}``.
_SCRIPT_COUNT = re.compile(r"""\bcount['"]?\s*[:=]\s*['"]?(\d+)""")
_SCRIPT_ROWS = re.compile(r"""\b(?:rows|pageSize)['"]?\s*[:=]\s*['"]?(\d+)""")
# A gateway answer saying the HTTP method is wrong (Spring's "Request method 'GET' not supported").
_WRONG_METHOD = re.compile(r"\b405\b|method\s+not\s+allowed|method\s+'?get'?\s+not\s+supported|"
                           r"不支持.{0,6}(?:GET|请求方(?:式|法))", re.I)
_LIST_TAG = "信息列表"
PAGE_SIZE = 15


def _param(value) -> str:
    # JSON null/true/false go back as the page's own script sends them, not as Python's None.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_data(raw: str) -> dict:
    """``queryData`` is single-quoted pseudo-JSON, ``{'webId':'3185',…}``, or JSON with
    ``"editType":null`` in a single-quoted attribute."""
    raw = raw.strip()
    for attempt in (lambda: json.loads(raw), lambda: json.loads(raw.replace("'", '"')),
                    lambda: ast.literal_eval(raw)):
        try:
            value = attempt()
        except (ValueError, SyntaxError, RecursionError, MemoryError):   # nested too deep
            continue
        if isinstance(value, dict):
            return {str(k): _param(v) for k, v in value.items()}
    raise ValueError(f"unreadable queryData {raw[:80]!r}")


@register_preset
class Jpaas(Preset):
    name = "jpaas"
    label = "Hanweb jpaas (unitbuild.js + JSON API)"
    rank = 10

    def __init__(self, options) -> None:
        super().__init__(options)
        self._api = ""
        self._query: dict[str, str] = {}
        self._method = "get"
        self._page_no = 0
        self._first_urls: set[str] = set()

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        clues = []
        if _UNITBUILD.search(text):
            clues.append((12, "unitbuild.js build unit"))
        if _API.search(text):
            clues.append((8, "jpaas-publish-server API URL"))
        if re.search(r"queryData\s*=", text, re.I):
            clues.append((3, "queryData attribute"))
        return clues

    def first(self, url: str, memo: dict) -> ListRequest:
        cached = memo.get("jpaas")
        if isinstance(cached, dict) and cached.get("column") == url and cached.get("api"):
            self._api, self._query = cached["api"], dict(cached.get("query") or {})
            self._method = cached.get("method") or "get"
            return self._request(1)
        return ListRequest(url)

    def forget(self, memo: dict) -> None:
        memo.pop("jpaas", None)

    def _request(self, page_no: int, pages: int | None = None) -> ListRequest:
        self._page_no = page_no
        params = dict(self._query)
        params["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": PAGE_SIZE},
                                         separators=(",", ":"))
        of = f" of {pages}" if pages else ""
        if self._method == "post":
            return ListRequest(self._api, params, "json", f"API page {page_no}{of} (POST)")
        return ListRequest(f"{self._api}?{urlencode(params)}", None, "json", f"API page {page_no}{of}")

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        if request.kind == "json":
            return self._api_page(request, response, ctx, memo)
        soup = soup_of(response.text)
        units = []
        for script in soup.find_all("script", src=_UNITBUILD):
            raw = script.get("querydata") or script.get("queryData") or ""
            try:
                data = query_data(raw)
            except ValueError:
                continue
            units.append((script.get("url") or "", data))
        if not units:
            raise SourceError(f"no jpaas build unit (unitbuild.js with queryData) on {response.url}")
        listed = [u for u in units if u[1].get("tagId") == _LIST_TAG] or \
            [u for u in units if "列表" in u[1].get("tagId", "")] or units[:1]
        api, query = listed[0]
        if not api:
            raise SourceError(f"the jpaas build unit on {response.url} names no API url")
        self._api, self._query = urljoin(response.url, api), query
        self._method = "get"
        memo["jpaas"] = {"column": request.url, "api": self._api, "query": query}
        return ListPage([], self._request(1), f"build unit {query.get('tagId', '?')!r}", shell=True)

    def _api_page(self, request: ListRequest, response: Response, ctx: Context,
                  memo: dict) -> ListPage:
        try:
            data = json.loads(response.text)
        except ValueError:
            raise SourceError(f"jpaas API at {response.url} did not answer JSON "
                              f"(verification page?): {response.text[:80]!r}") from None
        except RecursionError:          # the json module recurses once per nesting level
            raise SourceError(f"jpaas API at {response.url} answered JSON nested too deep") from None
        if not isinstance(data, dict) or data.get("success") is False:
            message = data.get("message") if isinstance(data, dict) else data
            said = f"{data.get('code', '')} {message}" if isinstance(data, dict) else str(message)
            if self._method == "get" and _WRONG_METHOD.search(said):
                self._method = "post"
                if isinstance(memo.get("jpaas"), dict):
                    memo["jpaas"]["method"] = "post"
                return ListPage([], self._request(self._page_no), f"GET refused ({said.strip()[:60]}): "
                                "asking by POST", shell=True)
            raise SourceError(f"jpaas API at {response.url} refused: {str(message)[:120]}")
        html = ((data.get("data") or {}).get("html") or "") if isinstance(data.get("data"), dict) else ""
        if not html.strip():
            return ListPage([], None, "API returned an empty html")
        soup = soup_of(html)
        rows = find_rows(soup, response.url, context_year=ctx.context_year)
        count, rows_per = _stated_count(soup)
        pages = pages_for(count, rows_per or PAGE_SIZE) if count is not None else None
        urls = {r.url for r in rows}
        if self._page_no == 1:
            self._first_urls = urls
        elif self._page_no > 2 and rows and urls == self._first_urls:
            # Page 1 again for a page number it does not have (page 2 repeating page 1 is the
            # website's "repeated" failure: nothing tells a one-page list from a deaf API there).
            if pages is not None and self._page_no <= pages:
                from .._website import ColumnError   # the website module imports the presets
                raise ColumnError("repeated", f"{request.label or request.url} answers with page 1 "
                                  f"although count={count} promises {pages} pages: the column is "
                                  f"cut short after page {self._page_no - 1}")
            return ListPage([], None, f"page {self._page_no} answers page 1: past the end")
        if count is None:
            nxt = self._request(self._page_no + 1) if rows else None
            return ListPage(rows, nxt, "no pagination table: until an empty page")
        if self._page_no >= pages:
            return ListPage(rows, None, f"last page by count={count}", pages, promised=True)
        return ListPage(rows, self._request(self._page_no + 1, pages), f"count={count}", pages,
                        promised=True)


def _stated_count(soup) -> tuple[int | None, int | None]:
    """``count`` and ``rows`` from the pagination element, else from the pager script's options."""
    table = soup.find(["table", "div"], class_="pagination") or soup.find(attrs={"count": True})
    if table is not None:
        try:
            return int(table.get("count")), int(table.get("rows") or PAGE_SIZE)
        except (TypeError, ValueError):
            pass
    for script in soup.find_all("script"):
        code = script.string or ""
        count = _SCRIPT_COUNT.search(code)
        if count:
            rows = _SCRIPT_ROWS.search(code)
            return int(count.group(1)), int(rows.group(1)) if rows else None
    return None, None
