"""Which of a page's lists is the column: the one a person reads as the page's main list.

A column page often holds more than one list of dated links: the column itself, and beside it a
热点推荐 / 阅读排行 / 相关链接 box, a 最新信息 block, a footer of dated notices. Taking the biggest
list would read another body's news all year (a sidebar of 7 rows beats a column of 6). So each
group of rows is judged the way a reader judges it:

- a list inside a sidebar — an ``aside``, a container classed ``side``/``hot``/``rank``/``related``/
  ``recommend``…, or under a heading 热点, 热门, 推荐, 排行, 相关 … that is not the page's own name —
  is not the column while another list is;
- the list the pager sits next to, and the list under a heading that names the page (its
  ``<title>`` or the breadcrumb's last step), is the column;
- dates in order (newest first, or oldest first) are a column's; a ranking is ordered by clicks;
- then the number of rows.

When two lists are alike on all of that, the choice is a guess: it is said (``Choice.note``), and
the probe does not verify such a page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup, Tag

_SIDE_WORDS = frozenset({"side", "sidebar", "aside", "rank", "ranking", "paihang", "phb", "tuijian",
                         "recommend", "related", "relate", "xglj", "remen", "redian", "rdtj", "yqlj",
                         "friendlink", "friendlinks"})
_SIDE_PREFIX = ("hot", "rank", "sidebar", "recommend", "relat")
# 最新动态 / 最新信息 / 图片新闻 boxes beside a column often share its very markup (ul.news > li):
# their heading is what tells them apart
_SIDE_HEAD = re.compile(r"热点|热门|推荐|排行|排名|点击榜|阅读榜|相关(?:链接|新闻|文章|信息|阅读|内容|文件|政策)|"
                        r"猜你喜欢|友情链接|精彩专题|专题专栏|最新(?:动态|信息|发布|文章|更新|资讯|消息)|"
                        r"图片(?:新闻|报道)|视频新闻|要闻推荐|一周要闻")
_CRUMB = re.compile(r"crumb|position|location|weizhi|dqwz|current-?path|bread", re.I)
_CRUMB_TEXT = re.compile(r"^\s*(?:当前位置|您现在的位置|您的位置|所在位置|当前页面)")
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|→|/|\|)\s*")
_TITLE_SPLIT = re.compile(r"[-_|—–·:：\s]+")
_MORE = re.compile(r"(?:更多|more|MORE|>>|»|＞＞|\+)+\s*$")
_PAGER_TEXT = re.compile(r"下一页|下页|尾页|末页|最后一页|共\s*[\d,，]+\s*页|\d+\s*/\s*[\d,，]+\s*页|页次|共\s*[\d,，]+\s*条")
_PAGER_SCRIPT = re.compile(r"\bcreatePage(?:HTML)?\s*\(|\bvar\s+countPage\b|\bpagination\b|\bjpage\b", re.I)
_HEADING_MAX = 20      # a heading is short; longer text before a list is prose


@dataclass(frozen=True)
class Choice:
    index: int             # the chosen group
    note: str = ""         # why the choice is a guess, or what was set aside


@dataclass
class _Group:
    index: int
    rows: list[Tag]
    dates: list[datetime | None]
    side: str = ""
    pager: bool = False
    named: bool = False
    ordered: bool = False

    @property
    def evidence(self) -> int:
        return self.pager + self.named


def choose(soup: BeautifulSoup, groups: list[tuple[list[tuple[Tag, datetime | None]], str]],
           names: list[str]) -> Choice:
    """The group that is the page's main list (see the module's docstring). ``groups``: the rows
    of each group with their dates, and why the group sits in a sidebar ("" when it does not)."""
    if not groups:
        return Choice(None)
    if len(groups) == 1 and not groups[0][1]:
        return Choice(0)
    marks = _pager_marks(soup)
    judged = []
    for i, (g, side) in enumerate(groups):
        rows = [r for r, _ in g]
        j = _Group(i, rows, [d for _, d in g], side)
        box = _common_box(rows)
        j.pager = _near(box, marks)
        j.named = _named(box, names)
        j.ordered = _ordered([d for d in j.dates if d is not None])
        judged.append(j)
    main = [j for j in judged if not j.side]
    if not main:
        # Every list looks like a sidebar: the marks misled (a column classed "hotnews", a
        # homepage block); the biggest is read, as before, and said.
        best = max(judged, key=lambda j: len(j.rows))
        return Choice(best.index, f"the only dated list sits in {best.side}")
    main.sort(key=lambda j: (j.evidence, len(j.rows), j.ordered), reverse=True)
    best = main[0]
    set_aside = [j for j in judged if j.side]
    note = ""
    if len(main) > 1:
        second = main[1]
        alike = (second.evidence == best.evidence and second.ordered == best.ordered
                 and len(second.rows) >= 3 and len(second.rows) * 2 > len(best.rows))
        if alike:
            note = (f"ambiguous: two lists look alike ({len(best.rows)} and {len(second.rows)} dated "
                    f"rows, {_why(best)}); read the {len(best.rows)} from {_first_title(best)!r} — "
                    "check the column or set item_selector")
    if not note and set_aside:
        note = "set aside: " + "; ".join(f"{len(j.rows)} rows in {j.side}" for j in set_aside[:3])
    return Choice(best.index, note)


def _why(j: _Group) -> str:
    said = [w for w, on in (("next to the pager", j.pager), ("under the page's name", j.named),
                            ("in date order", j.ordered)) if on]
    return "both " + ", ".join(said) if said else "neither next to a pager nor under the page's name"


def _first_title(j: _Group) -> str:
    a = j.rows[0].find("a")
    return " ".join((a.get_text(" ") if a else j.rows[0].get_text(" ")).split())[:30]


# -- sidebars --

def side_of(row: Tag, names: list[str]) -> str:
    """Why ``row`` sits in a sidebar ("" when it does not): an ancestor (up to the page body) that
    is an ``aside`` or carries a sidebar class/id, or a sidebar heading just before one of its
    nearest containers, unless that heading is the page's own name (a column called 热点关注)."""
    for depth, el in enumerate(row.parents):
        if el.name in ("body", "html", "[document]"):
            break
        if el.name == "aside":
            return "an <aside>"
        for token in [*(el.get("class") or []), str(el.get("id") or "")]:
            parts = [p for p in re.split(r"[-_\s]+", token.lower()) if p]
            if any(p in _SIDE_WORDS or p.startswith(_SIDE_PREFIX) for p in parts):
                return f"a sidebar box ({el.name}.{token})"
        if depth < 3:
            head = _heading_before(el)
            if head and _SIDE_HEAD.search(head) and not _is_name(head, names):
                return f"a {head} box"
    return ""


def _heading_before(el: Tag) -> str:
    """The short text just before ``el`` among its siblings (a box's title), or ""."""
    for sib in el.find_previous_siblings(limit=2):
        if not isinstance(sib, Tag) or sib.name in ("script", "style"):
            continue
        text = _MORE.sub("", " ".join(sib.get_text(" ").split())).strip()
        if _CRUMB_TEXT.match(text) or _CRUMB.search(" ".join(sib.get("class") or []) + str(sib.get("id") or "")):
            return ""   # a breadcrumb names the path, not a box
        if text:
            return text if len(text) <= _HEADING_MAX else ""
    return ""


# -- the main list's marks --

def page_names(soup: BeautifulSoup) -> list[str]:
    """The page's own names: segments of its ``<title>`` and the breadcrumb's last step."""
    names = []
    title = soup.find("title")
    if title is not None:
        names += [s for s in _TITLE_SPLIT.split(title.get_text(" ")) if len(s) >= 2]
    for el in soup.find_all(True, class_=_CRUMB, limit=3) + soup.find_all(True, id=_CRUMB, limit=3):
        text = " ".join(el.get_text(" ").split())
        steps = [s for s in _CRUMB_SPLIT.split(_CRUMB_TEXT.sub("", text).lstrip("：: ")) if s]
        if steps and len(steps[-1]) <= _HEADING_MAX:
            names.append(steps[-1])
    return names


def _is_name(text: str, names: list[str]) -> bool:
    text = text.strip()
    return bool(text) and any(text == n or (len(text) >= 2 and text in n) for n in names)


def _named(box: Tag, names: list[str]) -> bool:
    for depth, el in enumerate([box, *box.parents]):
        if depth > 2 or el.name in ("body", "html", "[document]"):
            break
        head = _heading_before(el)
        if head and _is_name(head, names):
            return True
    return False


def _pager_marks(soup: BeautifulSoup) -> list[Tag]:
    marks = [s.parent for s in soup.find_all(string=_PAGER_TEXT) if s.parent is not None
             and s.parent.name not in ("script", "style", "title")]
    marks += [s for s in soup.find_all("script") if _PAGER_SCRIPT.search(s.get_text(""))]
    return marks


def _near(box: Tag, marks: list[Tag]) -> bool:
    """A pager mark inside the list's box, or its parent or grandparent (never the whole body)."""
    scopes = []
    for depth, el in enumerate([box, *box.parents]):
        if depth > 2 or el.name in ("body", "html", "[document]"):
            break
        scopes.append(el)
    return any(any(p is scope for p in mark.parents) or mark is scope
               for mark in marks for scope in scopes)


def _common_box(rows: list[Tag]) -> Tag:
    """The lowest element holding every row."""
    others = [{id(p) for p in r.parents} for r in rows[1:]]
    for p in rows[0].parents:
        if all(id(p) in s for s in others):
            return p
    return rows[0].parent or rows[0]


def _ordered(dates: list[datetime]) -> bool:
    """Dates in order either way, allowing a pinned row or two out of place."""
    if len(dates) < 3:
        return False
    down = sum(a < b for a, b in zip(dates, dates[1:]))
    up = sum(a > b for a, b in zip(dates, dates[1:]))
    return min(down, up) <= max(1, len(dates) // 10)


# -- rows whose date sits inside their link --

_DATE_CELL_MAX = 12    # "2025-09-01", "2025年9月1日": a cell holding a date and nothing else


def linked_rows(soup: BeautifulSoup, base: str, *, context_year: int | None = None
                ) -> tuple[list[tuple[str, str, str, datetime]], str]:
    """The column when each row is one link holding its title and its date (the Xinxiang
    platform's ``div.item > a > p.tit + em``): no ``li``/``tr`` carries it, so the li-row reading
    sees only a 热点推荐 box. Rows are grouped by their container and chosen among by
    :func:`choose`, sidebars set aside as for any list. ``(url, title, date_text, date)`` of each
    row (the title without the date glued on) and the choice's note."""
    from ._dates import find_date          # kept local: _mainlist itself is date-free
    from ._links import clean, row_href
    names = page_names(soup)
    groups: dict[int, list[tuple[Tag, tuple[str, str, str, datetime]]]] = {}
    for a in soup.find_all("a", href=True):
        if a.find_parent(["header", "nav", "footer"]) is not None:
            continue
        cells = [c for c in a.find_all(True) if not c.find(True) and c.get_text(strip=True)]
        date_cell, found = None, None
        for c in cells:
            text = clean(c.get_text(""))
            if len(text) <= _DATE_CELL_MAX:
                found = find_date(text, context_year=context_year)
                if found:
                    date_cell = c
                    break
        url = row_href(a, base)
        if date_cell is None or found is None or not url:
            continue
        title = clean(" ".join(c.get_text(" ") for c in cells if c is not date_cell))
        if not title:
            continue
        row = a.parent if a.parent is not None and len(a.parent.find_all("a")) == 1 else a
        if row.parent is None:
            continue
        groups.setdefault(id(row.parent), []).append((row, (url, title, found[1], found[0])))
    ordered = [g for g in groups.values() if len(g) >= 3]
    if not ordered:
        return [], ""
    choice = choose(soup, [([(row, r[3]) for row, r in g], side_of(g[0][0], names)) for g in ordered], names)
    seen: set[str] = set()
    rows = [r for _, r in ordered[choice.index] if not (r[0] in seen or seen.add(r[0]))]
    return rows, choice.note


def split_boxes(soup: BeautifulSoup, base: str, urls: list[str], dates: list[datetime | None]
                ) -> tuple[set[str] | None, str]:
    """The chosen rows when they came from lists alike in markup that sit in separate boxes (a
    最新动态 box of ``ul.news`` beside the column's ``ul.news``, under a heading no sidebar word
    names): the URLs of the box :func:`choose` takes, and its note — "ambiguous: …" when the boxes
    are alike. None when the rows share one box (a column split into several ``ul`` of five)."""
    from ._links import row_href
    wanted = {u: d for u, d in zip(urls, dates)}
    by_box: dict[int, list[tuple[Tag, str]]] = {}
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        url = row_href(a, base)
        if url not in wanted or url in seen:
            continue
        seen.add(url)
        row = a.find_parent(["li", "tr", "dd"]) or a
        box = row.parent
        if box is None:
            continue
        holder = box.parent if box.parent is not None else box
        by_box.setdefault(id(holder), []).append((row, url))
    boxes = [g for g in by_box.values() if len(g) >= 3]
    # boxes each under a heading of their own; a column split into tables or lists with nothing
    # between them is one list
    heads = [_box_heading(g[0][0].parent) for g in boxes]
    if len(boxes) < 2 or not all(heads) or len(set(heads)) < len(heads):
        return None, ""
    names = page_names(soup)
    choice = choose(soup, [([(row, wanted[u]) for row, u in g], "") for g in boxes], names)
    return {u for _, u in boxes[choice.index]}, choice.note


def _box_heading(box: Tag) -> str:
    for depth, el in enumerate([box, *box.parents]):
        if depth > 2 or el.name in ("body", "html", "[document]"):
            break
        head = _heading_before(el)
        if head:
            return head
    return ""
