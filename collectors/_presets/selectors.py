"""``preset = "selectors"``: CSS selectors from the config for a layout no preset reads
(``item_selector``, ``title_selector``, ``date_selector``, ``next_selector``)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .._http import Response
from .._links import clean
from .._listing import Row, find_next, row_href, select_rows
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
        if o.get("title_selector"):
            rows = _titles_from_selector(soup, response.url, rows, o["item_selector"], o["title_selector"])
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


def _titles_from_selector(soup, base: str, rows: list[Row], item: str, title: str) -> list[Row]:
    """A ``title_selector`` naming a part of the link (``a p.tit`` where the link also holds its
    date, ``a > p + em``) is the title: the link's whole text would end in the date."""
    titles: dict[str, str] = {}
    for row in soup.select(item):
        cell = row.select_one(title)
        if cell is None or cell.name == "a" or cell.get("href"):
            continue
        anchor = cell.find_parent("a") or cell.find("a")
        url = row_href(anchor, base) if anchor is not None else None
        text = clean(cell.get_text(""))
        if url and text:
            titles.setdefault(url, text)
    return [replace(r, title=titles[r.url]) if r.url in titles else r for r in rows]
