"""The mp.weixin.qq.com article page (wechat-feeds.md §3): what a feed item gains by fetching it.

A page gives the article's own publish time (``var ct``, unix seconds, which wins over whatever
date the bridge put in its feed), the full body (``#js_content``), the digest, the account name and
the permanent identity (``var biz/mid/idx``) behind a short ``/s/TOKEN`` link. Or it gives a state
instead: deleted by the publisher, blocked for a violation, under review, a verification wall
(环境异常). Such a page is never the item's text; the feed's title and date stay.

:func:`parse_article` is pure; :func:`with_articles` fetches pages for the feed collector through the
shared :class:`Http` (its per-host delay is the rate limit), only from hosts the source allows.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from ._http import FetchError
from ._item import CollectState, Item
from ._pages import html_to_text
from ._urls import wechat_key, wechat_key_of

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 3_000_000        # a long article with inline styles is ~300 KB; cap the hostile case

# Text markers of pages that are not the article (§3.4), most specific first. The state names are
# what items.meta / Item.extra['upstream_state'] record.
_STATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("verify", ("环境异常", "完成验证后即可继续访问", "去验证", "访问过于频繁")),
    ("deleted", ("该内容已被发布者删除", "已被发布者删除", "已被作者删除",
                 "The content has been deleted by the author")),
    ("blocked", ("此内容因违规无法查看", "违规无法查看", "涉嫌违规",
                 "Unable to view this content because it violates regulation")),
    ("send_failed", ("此内容发送失败无法查看", "发送失败无法查看")),
    ("under_review", ("内容审核中", "该内容暂时无法查看")),
    ("private", ("根据作者隐私设置，无法查看该内容",)),
    ("expired", ("链接已过期",)),
    # the account's history page (and some restricted articles) outside the WeChat client
    ("client_only", ("请在微信客户端打开链接", "请在微信客户端打开")),
)
# States that may pass: the page is fetched again on a later run (§3.4 "retry later").
RETRY_STATES = frozenset({"verify", "under_review", "client_only", "unknown"})
# Paths on the WeChat host that are never an article, whatever they say (§3.4): the verification
# wall a blocked client is redirected to (/mp/wappoc_appmsgcaptcha?poc_token=…&target_url=…, or
# /mp/verify), and the account's history page, which opens only inside the WeChat client.
_WALL_PATHS = (("verify", re.compile(r"captcha|^/mp/verify\b", re.I)),
               ("client_only", re.compile(r"^/mp/profile_ext\b", re.I)))
_WECHAT_HOSTS = frozenset({"mp.weixin.qq.com", "weixin.qq.com"})
_VAR = re.compile(r"""\bvar\s+(biz|mid|idx|sn|ct|nickname|msg_title|msg_desc|msg_link|"""
                  r"""item_show_type|user_name)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')""")
_OR_VAR = re.compile(r"""\b(biz|mid|idx|ct)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)')\s*\|\|""")
_SHORT = re.compile(r"^/s/([A-Za-z0-9_-]{8,64})/?$")
_SCRIPT_ESCAPES = {"\\x26": "&", "\\x3c": "<", "\\x3e": ">", "\\x22": '"', "\\x27": "'",
                   "\\/": "/", "\\u0026": "&"}


@dataclass(frozen=True)
class Article:
    """What one fetched article page says. ``state`` is "" for a readable article, else one of
    ``verify``, ``deleted``, ``blocked``, ``send_failed``, ``under_review``, ``private``,
    ``expired``, ``unknown`` (no article body and no known marker: layout change?)."""

    state: str
    key: str | None = None            # wx:{biz_num}:{mid}:{idx} from the page, when it says
    title: str = ""
    account: str = ""
    author: str = ""
    published_at: datetime | None = None
    ct_raw: str = ""
    digest: str = ""
    body: str = ""
    show_type: str = ""
    marker: str = ""                  # the text that decided an unavailable state


def unavailable_markers() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The §3.4 text markers, ``(state, markers)`` most specific first: what a page (or a
    bridge that copied one) says instead of an article."""
    return _STATES


def wall_of(url: str) -> tuple[str, str] | None:
    """``(state, target_url)`` when *url* is a WeChat page that is never an article (a
    verification wall or the client-only account page), else ``None``. ``target_url`` is the
    article the wall stands in front of, when the wall's query names it (else "")."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    # a captcha path is no article on any host; profile_ext only means the wall on WeChat's
    state = next((name for name, path in _WALL_PATHS
                  if path.search(parts.path) and (name == "verify" or host in _WECHAT_HOSTS)),
                 None)
    if state is None:
        return None
    query = dict(parse_qsl(parts.query.replace("&amp;", "&"), keep_blank_values=True))
    target = query.get("target_url") or query.get("url") or ""
    for _ in range(2):      # seen encoded once and twice (https%253A%252F%252F…)
        if target.lower().startswith(("http%3a", "https%3a", "%2f")):
            target = unquote(target)
    if target.startswith("/"):
        target = urljoin("https://mp.weixin.qq.com/", target)
    return state, target


def short_token(url: str) -> str | None:
    """The token of a short ``/s/TOKEN`` article link on any host (the host check is the
    caller's), ``None`` otherwise."""
    m = _SHORT.match(urlsplit(url).path) if url else None
    return m.group(1) if m else None


def is_article_url(url: str) -> bool:
    """A link shaped like an article page (``/s/TOKEN`` or ``/s?__biz=...``)."""
    parts = urlsplit(url)
    return bool(short_token(url)) or (parts.path.rstrip("/") == "/s" and "__biz=" in parts.query)


def _unescape_js(value: str) -> str:
    for k, v in _SCRIPT_ESCAPES.items():
        value = value.replace(k, v)
    return value.replace("&amp;", "&")


def _vars(script_text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pattern in (_OR_VAR, _VAR):     # `var ct = "..." * 1 || ...` and `var biz = "" || "..."`
        for m in pattern.finditer(script_text):
            value = m.group(2) if m.group(2) is not None else m.group(3)
            if value and m.group(1) not in out:
                out[m.group(1)] = _unescape_js(value)
    return out


def _meta(soup: BeautifulSoup, **attrs: str) -> str:
    tag = soup.find("meta", attrs=attrs)
    return " ".join(str(tag.get("content", "")).split()) if tag else ""


def _text_of(soup: BeautifulSoup, selector: str) -> str:
    node = soup.select_one(selector)
    return " ".join(node.get_text(" ").split()) if node else ""


def parse_article(content: bytes) -> Article:
    """Parse one article page (bytes as fetched; WeChat serves UTF-8)."""
    text = content[:MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(["style", "noscript"]):
        tag.decompose()
    scripts = "\n".join(s.get_text() for s in soup.find_all("script"))
    js = _vars(scripts)
    content_node = soup.select_one("#js_content")
    body = html_to_text(content_node).strip() if content_node else ""
    # Markers are looked for outside the article body: an article may quote "违规" in its text.
    for tag in soup.find_all("script"):
        tag.decompose()
    if content_node is not None:
        content_node.decompose()
    chrome = " ".join(soup.get_text(" ").split())
    for state, markers in _STATES:
        hit = next((m for m in markers if m in chrome), "")
        if hit and not body:
            return Article(state=state, marker=hit)
    key = None
    if js.get("biz") and js.get("mid", "").isdigit():
        idx = js.get("idx") if js.get("idx", "").isdigit() else "1"
        key = wechat_key_of(js["biz"], js["mid"], idx)
    if key is None and js.get("msg_link"):
        key = wechat_key(js["msg_link"])
        key = key if key and key.startswith("wx:") else None
    published = None
    ct = js.get("ct", "")
    if ct.isdigit() and 9 <= len(ct) <= 10:
        published = datetime.fromtimestamp(int(ct), timezone.utc)
    title = (_meta(soup, property="og:title") or _text_of(soup, "#activity-name")
             or " ".join(js.get("msg_title", "").split()))
    if content_node is None and key is None and published is None:
        return Article(state="unknown", title=title)
    return Article(
        state="", key=key, title=title,
        account=_text_of(soup, "#js_name") or _text_of(soup, ".wx_follow_nickname")
        or js.get("nickname", ""),
        author=_meta(soup, name="author") or _text_of(soup, "#js_author_name"),
        published_at=published, ct_raw=ct,
        digest=_meta(soup, name="description") or _meta(soup, property="og:description")
        or " ".join(js.get("msg_desc", "").split()),
        body=body, show_type=js.get("item_show_type", ""))


# -- fetching for the feed collector ------------------------------------------------------------

BACKOFF = timedelta(hours=6)      # after a verification wall, leave the host alone this long (§3.4)
MAX_RETRY = 500                   # keys remembered for a later fetch (bounded memo)


def with_articles(items: Iterable[Item], http: Any, state: CollectState,
                  allow_hosts: Iterable[str], limit: int) -> Iterator[Item]:
    """Yield the feed's items, each new one completed from its article page.

    Only links to a host listed in ``allow_hosts`` are fetched (the feed's own host does not count),
    at most ``limit`` per run, and only items not yet known or waiting for a retry. What was learned
    is kept in ``state.memo``: short keys already resolved (``wx_resolved``, so a re-crawl that still
    sees ``/s/TOKEN`` yields the item under its permanent key) and keys to fetch again later
    (``wx_retry``: verification wall, under review, network error)."""
    allowed = {h.lower().rstrip(".") for h in allow_hosts}
    memo = state.memo
    resolved: dict[str, str] = memo.setdefault("wx_resolved", {})
    retry: dict[str, str] = memo.setdefault("wx_retry", {})
    now = state.now or datetime.now(timezone.utc)
    blocked_at = memo.get("wx_blocked_at")
    blocked = bool(blocked_at) and now - datetime.fromisoformat(blocked_at) < BACKOFF
    budget = limit
    unfetchable, fetchable = 0, 0       # new items whose link can / cannot be fetched
    for item in items:
        if item.key in resolved:
            item = _rekey(item, resolved[item.key])
        host = (urlsplit(item.url).hostname or "").lower()
        fresh = item.key in retry or not state.is_known(item.key)
        if fresh:
            if host in allowed and is_article_url(item.url):
                fetchable += 1
            else:
                unfetchable += 1
        wanted = host in allowed and is_article_url(item.url) and fresh
        if not wanted or blocked or budget <= 0:
            if wanted and item.key not in retry and len(retry) < MAX_RETRY:
                retry[item.key] = "deferred"
            yield item
            continue
        budget -= 1
        try:
            resp = http.get(item.url, allowed_hosts=allowed)
        except FetchError as e:
            log.warning("article %s: %s", item.url, e)
            if len(retry) < MAX_RETRY or item.key in retry:
                retry[item.key] = f"fetch: {e.kind}"
            yield item
            continue
        # redirected to the wall: whatever that page says (it may say nothing), it is the wall
        wall = wall_of(resp.url)
        article = (Article(state=wall[0], marker=urlsplit(resp.url).path) if wall
                   else parse_article(resp.content))
        done = _apply(item, article, resp)
        retry.pop(item.key, None)
        if article.state in RETRY_STATES and len(retry) < MAX_RETRY:
            retry[done.key] = article.state
        if article.state == "verify":
            blocked = True
            memo["wx_blocked_at"] = now.isoformat()
            state.progress(f"{host}: verification page ({article.marker}); article fetches paused "
                           f"for {BACKOFF.total_seconds() / 3600:.0f} h")
            log.warning("article host %s shows a verification page: backing off", host)
        if done.key != item.key:
            resolved[item.key] = done.key
        yield done
    if unfetchable and not fetchable:
        # fetch_articles is on, yet no new link is a WeChat article on an allowed host: say so
        # rather than run without the article pages the config asked for
        memo["warning"] = (f"fetch_articles: none of the {unfetchable} new item(s) links to a "
                           f"WeChat article (/s/…) on an allow_hosts host "
                           f"({', '.join(sorted(allowed)) or 'none listed'}): no page fetched")


def _rekey(item: Item, key: str) -> Item:
    aliases = [a for a in dict.fromkeys([*item.extra.get("aliases", []), item.key]) if a != key]
    return replace(item, key=key, extra={**item.extra, "aliases": aliases})


def _apply(item: Item, article: Article, resp: Any) -> Item:
    extra = dict(item.extra)
    if article.state:
        # the page is not the article: record what it said, keep the feed's title, date and text
        extra["upstream_state"] = article.state
        if article.marker:
            extra["upstream_marker"] = article.marker
        return replace(item, extra=extra)
    extra.pop("upstream_state", None)
    # a long link's key is already permanent: keep it (an account that migrated has a new biz)
    key = item.key if item.key.startswith("wx:") or not article.key else article.key
    aliases = [*extra.get("aliases", []), item.key, article.key or ""]
    token = short_token(item.url)
    if token:
        aliases.append(f"wxs:{token}")
    extra["aliases"] = [a for a in dict.fromkeys(aliases) if a and a != key]
    if not extra["aliases"]:
        del extra["aliases"]
    extra["article_fetched"] = True
    for name in ("account", "digest", "show_type"):
        if getattr(article, name):
            extra[name] = getattr(article, name)
    if article.title and article.title != item.title:
        extra["feed_title"] = item.title
    date_source, date_raw, published = item.date_source, item.date_raw, item.published_at
    if article.published_at is not None:
        # the article's own time wins over the bridge's date (grab time, Telegram time, ...)
        if item.date_raw:
            extra["feed_date"] = item.date_raw
        date_source, date_raw, published = "article-ct", article.ct_raw, article.published_at
    return replace(item, key=key, title=article.title or item.title, published_at=published,
                   date_source=date_source, date_raw=date_raw, body=article.body or item.body,
                   byline=item.byline or article.author, raw=resp.content[:MAX_PAGE_BYTES],
                   raw_url=resp.url, raw_content_type="text/html; charset=utf-8", extra=extra)
