"""Pages that stand in for the page asked for without being an error: a login (single sign-on)
page the site redirects to, and an empty column's own "暂无信息".

Both used to read as "no items found — layout changed?" (a column) or as an article titled 用户登录
(a detail page, three of which were then merged as one 信息): each is said for what it is.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString

from ._http import Response
from ._pages import page_title, visible_text
from ._urls import canonical_url

# A login or single-sign-on page: its title, its address, its password field.
_LOGIN_TITLE = re.compile(r"登\s*[录陆]|统一身份认证|身份认证|单点登|\blog\s*in\b|\bsign\s*in\b|\blogin\b",
                          re.I)
_LOGIN_PATH = re.compile(r"login|logon|signin|/sso\b|/cas/|passport|/auth\b|/oauth", re.I)
# What an empty column says where its rows would be (a short element of its own).
_EMPTY = re.compile(r"^\W*(?:暂无(?:相关)?(?:信息|数据|内容|记录|文章|新闻|资料)|没有找到(?:相关|符合条件的)?"
                    r"(?:记录|信息|数据|内容|文章)|(?:没有|无)相关(?:信息|记录|数据|内容)|没有(?:任何)?(?:记录|数据|信息))"
                    r"\W*$")
_EMPTY_WORDS = re.compile(r"暂无|没有|无相关")
_EMPTY_MAX = 30     # characters of the element that says it
_PLACEHOLDER_UP = 4  # levels above the words whose id or class a filling script would name


def login_page(requested: str, resp: Response, soup: BeautifulSoup) -> str:
    """"login page at URL (title …)" when ``resp`` (the answer to ``requested``) is a login or
    single-sign-on page — a password field under a 登录 title, or a redirect to a page with either
    or to a login address — else ""."""
    title = page_title(soup)
    moved = canonical_url(resp.url) != canonical_url(requested)
    password = soup.find("input", attrs={"type": re.compile(r"^password$", re.I)}) is not None
    login_title = bool(_LOGIN_TITLE.search(title))
    bare = password and len(visible_text(soup.body or soup)) < 500    # a form and little else
    if (password and login_title) or (moved and (bare or login_title
                                                 or _LOGIN_PATH.search(urlsplit(resp.url).path))):
        return (f"login page at {resp.url}" + (f" (title {title!r})" if title else "")
                + (f", redirected from {requested}" if moved else ""))
    return ""


def says_empty(soup: BeautifulSoup) -> str:
    """The words by which a column page says it has no items yet ("暂无信息", "暂无数据", "没有找到
    相关记录"), standing alone in an element of their own; "" when it says no such thing, or when
    a script of the page loads or writes content (its "暂无数据" may be the placeholder the rows
    replace in a browser: that column is not known to be empty)."""
    scripts = "\n".join(s.string or "" for s in soup.find_all("script"))
    for text in (soup.body or soup).find_all(string=_EMPTY_WORDS):
        el = text.parent
        if type(text) is not NavigableString or el is None or el.name in ("script", "style", "option"):
            continue
        said = " ".join(el.get_text(" ").split())
        if len(said) <= _EMPTY_MAX and _EMPTY.match(said) and not _filled(el, scripts):
            return said
    return ""


def _filled(el, scripts: str) -> bool:
    """True when a script of the page names the element holding *el* (its id or one of its
    classes, up to a few levels up), or writes into it: the words are a placeholder a browser
    replaces with the rows (never run here, only looked for)."""
    for node in [el, *el.parents][:_PLACEHOLDER_UP + 1]:
        if getattr(node, "name", None) in (None, "body", "html", "[document]"):
            break
        if node.find("script") is not None:
            return True
        names = [node.get("id") or ""] + list(node.get("class") or [])
        if any(len(n) > 1 and re.search(r"[#.'\"]" + re.escape(n) + r"\b", scripts) for n in names):
            return True
    return False
