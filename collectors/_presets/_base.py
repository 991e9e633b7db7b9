"""What a website preset is, and the registry of them (STYLE "kinds of source declared").

A preset knows one CMS family's list pages (gov-sites.md §2): where the first list request goes, how
to read rows out of a response, and what the next list request is. Everything else (fetching,
health checks, incremental and backfill stops, detail pages) is the ``website`` kind's job, so a
new family is one small file with one class.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .._http import Response
from .._listing import Row


@dataclass(frozen=True)
class ListRequest:
    """One list-page request. ``form`` makes it a POST (Hanweb's dataproxy.jsp)."""

    url: str
    form: dict[str, str] | None = None
    kind: str = "html"            # html | json | xml: which health checks apply to the answer
    label: str = ""               # how the log names it ("records 31-60"); the URL otherwise


@dataclass
class ListPage:
    rows: list[Row]
    next: ListRequest | None = None
    signal: str = ""              # which clue gave ``next``, or why there is none
    total_pages: int | None = None
    # True when ``next`` comes from a stated total (page count, totalRecord, count/rows): a next
    # page that then holds nothing means the column was cut short, not that it ended.
    promised: bool = False
    # A page that only leads to the list (jpaas' column shell): no rows expected, not counted.
    shell: bool = False
    notes: list[str] = field(default_factory=list)
    # A next page the page shows but gives no address for (a JavaScript-only 下一页), in words.
    unreachable: str = ""


@dataclass(frozen=True)
class Context:
    context_year: int             # for year-less list dates
    options: dict[str, Any]


class Preset:
    """One CMS family. Subclasses set ``name``/``label``, may declare ``fingerprints`` for
    ``preset = "auto"``, and implement :meth:`parse`."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    detectable: ClassVar[bool] = True     # False: never chosen by "auto" (selectors)
    rank: ClassVar[int] = 50              # ties in detection: the lower rank wins

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> str | None:
        """A config problem this preset has with the options, or None."""
        return None

    @classmethod
    def fingerprints(cls, text: str, url: str) -> list[tuple[int, str]]:
        """Clues in a column page that it belongs to this family: (weight, why) pairs. A weight of
        10 is decisive (a marker only this family emits); 1-3 are hints (URL shapes)."""
        return []

    def first(self, url: str, memo: dict) -> ListRequest:
        """The pass's first list request (a preset may go straight to a remembered endpoint)."""
        return ListRequest(url)

    def forget(self, memo: dict) -> None:
        """Drop whatever :meth:`first` remembered; called when that shortcut failed."""

    def parse(self, request: ListRequest, response: Response, ctx: Context,
              memo: dict) -> ListPage:  # pragma: no cover - abstract
        raise NotImplementedError


PRESETS: dict[str, type[Preset]] = {}


def register_preset(cls: type[Preset]) -> type[Preset]:
    for name in (cls.name, *cls.aliases):
        PRESETS[name] = cls
    return cls


def preset_names() -> list[str]:
    return sorted({cls.name for cls in PRESETS.values()})


def pages_for(total_records: int, per_page: int) -> int:
    return max(1, math.ceil(total_records / per_page)) if per_page > 0 else 1


def static_list_page(response: Response, ctx: Context) -> ListPage:
    """A server-rendered list page (plain columns, TRS static pages): rows and the pager."""
    from .._listing import find_list, find_next   # the listing module imports this one
    from .._pages import soup_of
    soup = soup_of(response.text)
    rows, note = find_list(soup, response.url, context_year=ctx.context_year)
    if not rows or note.startswith("the only dated list sits in"):
        # no li/tr row outside a sidebar: the column may be links holding their dates
        from .._listing import Row
        from .._mainlist import linked_rows
        linked, why = linked_rows(soup, response.url, context_year=ctx.context_year)
        if linked and not why.startswith("the only dated list sits in"):
            rows, note = [Row(*r) for r in linked], why
    elif rows:
        from .._mainlist import split_boxes
        keep, why = split_boxes(soup, response.url, [r.url for r in rows], [r.date for r in rows])
        if keep is not None:
            rows, note = [r for r in rows if r.url in keep], why or note
    pager = find_next(soup, response.url, response.text)
    nxt = ListRequest(pager.next_url) if pager.next_url else None
    return ListPage(rows, nxt, pager.signal, pager.total_pages, promised=pager.stated,
                    notes=[note] if note else [], unreachable=pager.unreachable)
