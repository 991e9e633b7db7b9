"""What a list yields, checked before anything is stored: a row is a 信息 only if it looks like one.

A wrong item_selector, a homepage, a search page or a preset meeting a shape it does not know can
all "succeed" with rows that are navigation (首页, 上一页, 更多), footer lines (版权所有, an ICP 备案
number) or links to other sites. Stored, they would be counted in the year's report. Here they are
recognised and set aside with a reason; the walker (``_website``) and the verifier (``_verify``)
decide what a page full of them means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._http import _host
from ._listing import Row

# Whole-title navigation words: a row titled exactly this is a menu or pager link.
_NAV_TITLE = re.compile(
    r"^\s*[\[【〔(（<《]?\s*(?:首\s*页|主\s*页|返回首页|上一页|下一页|上页|下页|尾\s*页|末\s*页|第一页|最后一页|"
    r"更多|更多>+|more|more>+|查看更多|网站地图|站点地图|返回顶部|返回|关闭窗口|打印本页|关闭|"
    r"联系我们|关于我们|无障碍|长者模式|English|繁体|简体|繁體|登录|注册|设为首页|加入收藏|"
    r"当前位置|您现在的位置|\d{1,4}|[>»›<«‹]+|GO|跳转|确定)\s*[\]】〕)）>》]?\s*$", re.I)
# Footer and registration lines: a row containing one of these is not an article.
_FOOTER = re.compile(
    r"版权所有|ICP\s*备|ICP\s*证|备案号|公网安备|网站标识码|网站识别码|技术支持[:：]|主办单位[:：]|"
    r"承办单位[:：]|Copyright|©|\(c\)\s*\d{4}|建议使用.{0,20}浏览器|分辨率", re.I)
# Links that are never an item: the site root and bare section indexes.
_ROOT_PATH = re.compile(r"^/?(?:index\.s?html?|default\.s?html?|index\.jsp|index\.php)?$", re.I)


@dataclass(frozen=True)
class Dropped:
    row: Row
    reason: str


def chrome_reason(row: Row) -> str:
    """Why this row is page furniture rather than an item, or ""."""
    title = row.title.strip()
    if not title:
        return "no title"
    if _NAV_TITLE.match(title):
        return f"navigation link {title!r}"
    if _FOOTER.search(title):
        return f"footer text {title[:30]!r}"
    if _ROOT_PATH.match(urlsplit(row.url).path) and not urlsplit(row.url).query:
        return f"link to a site's front page ({row.url})"
    return ""


def screen(rows: list[Row]) -> tuple[list[Row], list[Dropped]]:
    """Rows kept as items, and those set aside as page furniture with the reason. An undated row
    among dated ones is kept: a pinned (置顶) notice often shows no date, and dropping a real item
    would under-count the year; the walker's undated-page rule catches lists of furniture."""
    kept: list[Row] = []
    dropped: list[Dropped] = []
    for row in rows:
        why = chrome_reason(row)
        (dropped.append(Dropped(row, why)) if why else kept.append(row))
    return kept, dropped


def off_host(rows: list[Row], hosts: frozenset[str]) -> list[Row]:
    return [r for r in rows if _host(r.url) not in hosts]
