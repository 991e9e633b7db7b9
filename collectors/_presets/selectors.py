"""``preset = "selectors"``: CSS selectors from the config for a layout no preset reads
(``item_selector``, ``title_selector``, ``date_selector``, ``next_selector``)."""
from __future__ import annotations

from typing import Any

from .._http import Response
from .._listing import find_next, row_href, select_rows
from .._pages import soup_of
from ._base import Context, ListPage, ListRequest, Preset, register_preset


@register_preset
class Selectors(Preset):
    name = "selectors"
    label = "CSS selectors from the config"
    detectable = False

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> str | None:
        if not options.get("item_selector"):
            return "preset 'selectors' needs key 'item_selector'"
        return None

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        o = self.options
        soup = soup_of(response.text)
        rows = select_rows(soup, response.url, o["item_selector"], o.get("title_selector", ""),
                           o.get("date_selector", ""), context_year=ctx.context_year)
        if o.get("next_selector"):
            link = soup.select_one(o["next_selector"])
            href = row_href(link, response.url) if link is not None and link.name == "a" else None
            if href and href != response.url:
                return ListPage(rows, ListRequest(href), "next_selector")
            return ListPage(rows, None, "next_selector matches no link")
        pager = find_next(soup, response.url, response.text)
        nxt = ListRequest(pager.next_url) if pager.next_url else None
        return ListPage(rows, nxt, pager.signal, pager.total_pages, promised=pager.stated,
                        unreachable=pager.unreachable)
