"""TRS WCM (gov-sites.md §2.3): static ``index.html``, ``index_1.html`` … (0-indexed, also
``.shtml`` and ``.htm``), the page count in ``createPageHTML(count, current, "index", "html")``
(Chongqing's ``createPage``, Beijing's ``createPageHTML(records, pages, current)``, calls with
variables, ``var countPage``), or the container-first, 1-based ``createPageHTML('page_div', pages,
current, 'list', 'shtml', records)``; articles at ``./YYYYMM/tYYYYMMDD_ID.html``. Rows carry nested
相关解读 pop-ups (``div.popbox``) that are not items, and ``li.empty`` separators every few rows;
信息公开目录 pages list them in tables. The variants and their samples:
tests/fixtures/sites/trs_variants/*/expect.json. Reading them is ``_listing``'s job."""
from __future__ import annotations

import re

from .._http import Response
from ._base import Context, ListPage, ListRequest, Preset, register_preset, static_list_page

# The call with numbers, optionally after a container id (the 1-based form, also used by
# UCAP-built templates: it pages the same way, so it is read here).
_PAGER = re.compile(r"""\bcreatePage(?:HTML)?\s*\(\s*(?:['"][\w-]+['"]\s*,\s*)?\d+\s*,\s*\d+""")
_COUNT = re.compile(r"\bvar\s+countPage\s*=\s*\d+")
_T_DATE = re.compile(r"""href\s*=\s*["']?(?:\./|\.\./)*(?:[\w/-]*/)?\d{6}/t\d{8}_\d+\.s?html?""")


@register_preset
class Trs(Preset):
    name = "trs"
    label = "TRS WCM (index_N.html + createPageHTML)"
    rank = 30

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        clues = []
        if _PAGER.search(text):
            clues.append((10, "createPageHTML(...) pager script"))
        elif _COUNT.search(text):
            clues.append((6, "var countPage pager variable"))
        links = len(_T_DATE.findall(text))
        if links:
            clues.append((3, f"{links} article links shaped ./YYYYMM/tYYYYMMDD_ID.html"))
        return clues

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        return static_list_page(response, ctx)
