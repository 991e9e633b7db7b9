"""Telling a real page from a "200 OK that is not the page", and HTML → plain text.

A failed fetch is not "no news" (DESIGN): soft 404s, verification walls, script-only challenges and
empty bodies all come back as HTTP 200 on government sites (gov-sites.md §5 T6/T7), and reading them
as an empty column would silently under-count the year.
"""
from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning

from ._http import Response

STUB_BYTES = 600          # deep index_N.html stubs are 300–400 B (gov-sites.md §2.3)
_SHORT_TEXT = 500         # visible characters under which body markers are believed

_SOFT404_TITLE = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|页面找不到|访问的页面不存在|无法找到|错误页面|"
    r"^\s*404\b|\b404\s*(?:not found|错误|页面)|not found|信息不存在|文章不存在|内容不存在|已被删除", re.I)
_SOFT404_BODY = re.compile(
    r"页面不存在|页面未找到|找不到|无法找到|错误页面|not found|\b404\b|信息不存在|文章不存在|内容不存在", re.I)
_VERIFY = re.compile(
    r"安全验证|访问验证|滑动验证|人机验证|验证码|拖动滑块|访问被拒绝|请求被拦截|访问过于频繁|"
    r"access denied|are you a robot|just a moment|环境异常", re.I)

# Column pages whose list legitimately lives in scripts (Hanweb's <datastore>, jpaas build units).
_LIST_IN_SCRIPT = re.compile(r"<datastore>|unitbuild\.js", re.I)

_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "tr", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "center", "form", "hr",
    # Table cells too: a 政府信息公开 block's label and value sit in neighbouring cells, and glued
    # together ("索引号：…主题分类：…") a value would run into the next label.
    "td", "th",
})
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed")


def soup_of(text: str) -> BeautifulSoup:
    # Hanweb's dataproxy answers and feeds probed as pages are XML read on purpose by the HTML
    # parser; bs4's 15-line warning about it would reach the user's terminal.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def visible_text(soup: BeautifulSoup | Tag) -> str:
    parts = [s for s in soup.find_all(string=True)
             if isinstance(s, NavigableString) and s.parent is not None
             and s.parent.name not in _DROP_TAGS and type(s) is NavigableString]
    return " ".join(" ".join(parts).split())


def page_title(soup: BeautifulSoup) -> str:
    tag = soup.find("title")
    return " ".join(tag.get_text(" ").split()) if tag else ""


def problem(resp: Response, soup: BeautifulSoup | None = None) -> str | None:
    """Why this 200 is not a usable page, or None. Used for list pages and detail pages alike."""
    if not resp.content.strip():
        return f"empty response (HTTP {resp.status}, {len(resp.content)} bytes) from {resp.url}"
    soup = soup if soup is not None else soup_of(resp.text)
    title = page_title(soup)
    text = visible_text(soup.body or soup)
    if _VERIFY.search(title) or (len(text) < _SHORT_TEXT * 2 and _VERIFY.search(text)):
        return f"verification/anti-bot page at {resp.url} (title {title!r})"
    if _SOFT404_TITLE.search(title) or (len(text) < _SHORT_TEXT and _SOFT404_BODY.search(text)):
        return f"soft 404 at {resp.url} (HTTP {resp.status}, title {title!r})"
    if len(text) < 20 and soup.find("script") is not None and not _LIST_IN_SCRIPT.search(resp.text):
        # 瑞数-style challenges and JS redirect stubs: scripts and nothing to read.
        return f"script-only page at {resp.url} (JavaScript challenge or redirect stub)"
    return None


def html_to_text(node: Tag | BeautifulSoup) -> str:
    """Readable text with paragraph breaks. Inline elements join without spaces because Word-pasted
    pages split numbers and dates across spans (``202<span>4</span>年``, gov-sites.md §5 T10)."""
    out: list[str] = []

    def walk(el: Tag) -> None:
        for child in el.children:
            if isinstance(child, Tag):
                if child.name in _DROP_TAGS:
                    continue
                block = child.name in _BLOCK_TAGS
                if block:
                    out.append("\n")
                walk(child)
                if block:
                    out.append("\n")
            elif type(child) is NavigableString:
                out.append(str(child))

    walk(node)
    lines = []
    for line in "".join(out).replace("\xa0", " ").split("\n"):
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)
