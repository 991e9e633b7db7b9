"""Source kind ``manual``: a channel nobody can crawl, such as the bureau's bulletin board
(政务信息公开栏). Its items arrive by command (``gongkai add`` / ``gongkai import``), so a scheduled
pass has nothing to fetch and reports "not modified" rather than "0 new items"."""
from __future__ import annotations

from typing import Iterator

from ._base import Option, SourceKind, register
from ._item import CollectState, Item


@register
class Manual(SourceKind):
    """Items entered by a person, one at a time or from a spreadsheet."""

    name = "manual"
    options = {
        "location": Option(str, "", help="where the channel is, e.g. 局机关一楼政务信息公开栏"),
        "byline": Option(str, "", help="来源 recorded for entries that name none"),
    }

    def collect(self, state: CollectState) -> Iterator[Item]:
        state.memo["not_modified"] = True
        state.progress("manual source: items arrive by `gongkai add` / `gongkai import`")
        return iter(())
