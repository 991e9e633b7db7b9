"""The plain server-rendered list (gov-sites.md §2.7): ``ul > li > a + date`` and its table and
``dd`` variants, paged by a 下一页 link however it is written (``下一页>>``, ``[下一页]``, an image),
``index_N``/``list_N``/``list-N`` siblings (0- or 1-based, ``.htm`` too, behind a column-code prefix
as in 卫辉's ``A001001index_1.htm``), ``?page=N`` links, or the page number after the current one;
the total from 共N页 (``共1,227页``), 尾页 or records over the page size. Also the fallback of
``preset = "auto"`` when no CMS marker is found (bespoke county CMSs, the Xinxiang
``/htmls/…/list-N.html`` platform, UCAP-marked templates). The variants and their samples:
tests/fixtures/sites/plain_variants/*/expect.json. Reading them is ``_listing``'s job."""
from __future__ import annotations

import re

from .._http import Response
from ._base import Context, ListPage, ListRequest, Preset, register_preset, static_list_page

_XINXIANG = re.compile(r"/htmls/[0-9a-z]{8}_[a-z]+/(?:list-\d+|index)\.html")
_UCAP = re.compile(r"UCAP-CONTENT|UCAPCONTENT", re.I)


@register_preset
class Plain(Preset):
    name = "list"
    label = "plain list (ul > li > a + date)"
    aliases = ("plain",)
    rank = 90

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        clues = []
        if _XINXIANG.search(url):
            clues.append((2, "URL shape /htmls/<id>_<pinyin>/list-N.html (Xinxiang county platform)"))
        if _UCAP.search(text):
            clues.append((2, "UCAP template marker"))
        return clues

    def parse(self, request: ListRequest, response: Response, ctx: Context, memo: dict) -> ListPage:
        return static_list_page(response, ctx)
