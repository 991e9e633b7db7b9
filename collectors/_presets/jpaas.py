"""Hanweb jpaas 集约化 (gov-sites.md §2.2).

The column page holds no list, only ``<script src=…/unitbuild.js url=/api-gateway/… queryData=
"{'webId':'3185',…,'tagId':'信息列表'}">`` build units. The list comes from
``GET {url}?{queryData}&paramJson={"pageNo":N,"pageSize":15}``, a JSON object whose ``data.html``
holds ``li`` rows and a ``table.pagination`` with ``count`` and ``rows``. Links mix new
``/col/colN/art/YYYY/art_<hex>.html``, protocol-relative legacy ``//host/art/…`` and other hosts;
anchor text is truncated, the full title is in ``title=``. Traps: every ``pageNo`` answering page 1
(overseas vantage; the ``website`` kind fails the run on a repeated page) and an empty ``html``.

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
_LIST_TAG = "信息列表"
PAGE_SIZE = 15


def query_data(raw: str) -> dict:
    """``queryData`` is single-quoted pseudo-JSON: ``{'webId':'3185',…}``."""
    raw = raw.strip()
    for attempt in (lambda: json.loads(raw), lambda: json.loads(raw.replace("'", '"')),
                    lambda: ast.literal_eval(raw)):
        try:
            value = attempt()
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
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
        self._page_no = 0

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
        return ListRequest(f"{self._api}?{urlencode(params)}", None, "json", f"API page {page_no}{of}")

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        if request.kind == "json":
            return self._api_page(response, ctx)
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
        memo["jpaas"] = {"column": request.url, "api": self._api, "query": query}
        return ListPage([], self._request(1), f"build unit {query.get('tagId', '?')!r}", shell=True)

    def _api_page(self, response: Response, ctx: Context) -> ListPage:
        try:
            data = json.loads(response.text)
        except ValueError:
            raise SourceError(f"jpaas API at {response.url} did not answer JSON "
                              f"(verification page?): {response.text[:80]!r}") from None
        if not isinstance(data, dict) or data.get("success") is False:
            message = data.get("message") if isinstance(data, dict) else data
            raise SourceError(f"jpaas API at {response.url} refused: {str(message)[:120]}")
        html = ((data.get("data") or {}).get("html") or "") if isinstance(data.get("data"), dict) else ""
        if not html.strip():
            return ListPage([], None, "API returned an empty html")
        soup = soup_of(html)
        rows = find_rows(soup, response.url, context_year=ctx.context_year)
        table = soup.find(["table", "div"], class_="pagination") or soup.find(attrs={"count": True})
        count = rows_per = None
        if table is not None:
            try:
                count, rows_per = int(table.get("count")), int(table.get("rows") or PAGE_SIZE)
            except (TypeError, ValueError):
                count = None
        if count is None:
            nxt = self._request(self._page_no + 1) if rows else None
            return ListPage(rows, nxt, "no pagination table: until an empty page")
        pages = pages_for(count, rows_per or PAGE_SIZE)
        if self._page_no >= pages:
            return ListPage(rows, None, f"last page by count={count}", pages, promised=True)
        return ListPage(rows, self._request(self._page_no + 1, pages), f"count={count}", pages,
                        promised=True)
