"""Source kind ``feed``: RSS 2.0 / Atom from a WeChat bridge (RSSHub, WeWe RSS, we-mp-rss,
Wechat2RSS) or any site.

feedparser only parses bytes here: fetching goes through :class:`Http` (it has no timeout of its
own), and its ``*_parsed`` dates are not used because they mis-read Chinese, slash, epoch and ``CST``
dates (wechat-feeds.md §4). With ``fetch_articles`` the article page of each new item is fetched
(:mod:`._wechat`) for its own time, body and permanent identity.

An entry that is no article (a verification wall, a captcha or account-page link, a bridge's
login / error notice, a "deleted" notice in place of the title) is a placeholder: never an item.
It tells about the source's health instead (:func:`placeholder_of`, :func:`_note_placeholders`).
"""
from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup

from ._wechat import unavailable_markers, wall_of, with_articles
from ._base import Option, SourceKind, check_range, check_url, register
from ._dates import BEIJING, parse_date
from ._item import CollectState, ConfigError, Item, SourceError
from ._jsonfeed import looks_like_json, parse_json
from ._pages import html_to_text
from ._urls import canonical_url, wechat_key

log = logging.getLogger(__name__)

# Placeholder texts bridges put where the article body should be (wechat-feeds.md §6 F7/F8), and
# the unavailable-page markers of §3.4 that a bridge copies from the page it could not read.
_PLACEHOLDERS = ("获取全文失败", "环境异常", "去验证", "访问过于频繁", "content not found",
                 "全文内容获取失败", "该内容已被发布者删除", "已被作者删除", "违规无法查看",
                 "发送失败无法查看", "内容审核中", "该内容暂时无法查看", "根据作者隐私设置",
                 "The content has been deleted by the author",
                 "Unable to view this content because it violates regulation")
# we-mp-rss replaces the content of a deleted / blocked / under-review article by this word (§2.3)
_PLACEHOLDER_EXACT = frozenset({"DELETED"})
# RSSHub's footers come after an emoji that may carry a variation selector ("🔗️ 阅读原文")
_FOOTER = re.compile(r"^[^\w]*(?:发表于|阅读原文|原文链接|预览时标签不可点|微信扫一扫)")
_TRUNCATED = ("...", "…")
_WE_MP_RSS_ID = re.compile(r"^(\d+)-(\d+)_(\d+)$")     # "<biz num>-<mid>_<idx>"
# we-mp-rss with rss.local links to its own view page: /views/article/<N-M_I> (§6 F14)
_WE_MP_RSS_LINK = re.compile(r"/(?:views/article|rss/feed|article)/(\d+)-(\d+)_(\d+)/?$")
# what a bridge shows instead of articles when its WeChat / WeRead login has expired (§6 F1)
_LOGIN_EXPIRED = re.compile(
    r"登录已过期|登录过期|登录失效|登录状态失效|登录已失效|登录已经失效|请重新登录|请重新扫码|重新扫码登录|"
    r"扫码授权|请先扫码登录|invalid session|session (?:has )?expired|账号已失效|账号失效|授权已过期|"
    r"授权过期|授权失效|WeReadError401", re.I)
# A bridge's own trouble, said in an entry (§2, §6 F2-F4): RSSHub's error texts and its "error as
# the only entry" habit (DIYgod/RSSHub#4110), WeRead's ban (WeWe "今日小黑屋", 429), we-mp-rss's
# "frequencey control", data258's daily limit.
_RATE_LIMITED = re.compile(r"今日小黑屋|小黑屋|WeReadError429|frequen(?:c|ce)y control|"
                           r"今日浏览次数已达上限|请求过于频繁", re.I)
_BRIDGE_ERROR = re.compile(r"this route is empty|please check the original site|"
                           r"looks like something went wrong|"
                           r"unknown page,? probably due to WAF|发生了一些意外|获取全文失败|"
                           r"WeReadError\d*|failed to fetch|error message|\berror\b", re.I)
# More ways of saying "this article is gone" than the article page's own (§3.4) markers
_SHORT_NOTICES = (
    ("verify", re.compile(r"request blocked by WAF|wappoc_appmsgcaptcha|captcha", re.I)),
    ("deleted", re.compile(r"deleted by author|已被删除|已删除|内容已删除|\bdeleted\b", re.I)))
# A title is a notice, not an article's, when at least this share of its letters is notice text:
# "该内容已被发布者删除" is one, "违规内容已删除整改情况通报" is an article about one.
_NOTICE_SHARE = 0.5
_RSS_ITEM_ID = re.compile(rb"<item\b.*?</item>", re.S)
_RSS_ID_TAG = re.compile(rb"<id>\s*(\d+-\d+_\d+)\s*</id>")
_DAY = 86400.0
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
# §5.3: a date in the future or a WeChat date before official accounts existed is a bridge's error
_FUTURE_SLACK = timedelta(minutes=10)
_WECHAT_LAUNCH = datetime(2012, 8, 23, tzinfo=BEIJING)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
# An entity declared in the DOCTYPE: no feed needs one, and nested ones expand without limit
# (billion laughs). Refused before parsing, as defusedxml does: expat stops the expansion, but
# feedparser then falls back to its loose parser and keeps "&lol9;" as an entry's title.
_DTD_ENTITY = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE\b.*?<!ENTITY\b", re.I | re.S)
# UTF-16/32 feeds (by BOM or by how "<?" is spelled, XML 1.0 appendix F), narrowed for that check
_WIDE = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"))


@register
class Feed(SourceKind):
    """An RSS/Atom feed; each entry is one item (the articles of one WeChat push differ by idx)."""

    name = "feed"
    options = {
        "url": Option(str, help="the feed URL (ask bridges for .rss or .atom, not .json)"),
        "allow_hosts": Option(list, [], help="other hosts the feed may redirect to"),
        "stale_factor": Option(float, 4.0, help="fail when the newest item is older than this many "
                               "times the feed's usual gap between items (0: never)"),
        "stale_min_days": Option(float, 7.0, help="...but never before this many days"),
        "fetch_articles": Option(bool, False, help="fetch each new item's article page (only from "
                                 "hosts in allow_hosts, e.g. mp.weixin.qq.com) for its time, "
                                 "body and identity"),
        "max_articles": Option(int, 30, help="at most this many article pages per run"),
    }

    @classmethod
    def validate(cls, options: dict[str, Any]) -> dict[str, Any]:
        opts = super().validate(options)
        check_url(opts["url"])
        check_range(opts, "stale_factor", 0, 100)       # 0: never stale
        check_range(opts, "stale_min_days", 0, 366)
        check_range(opts, "max_articles", 0, 10_000)
        if not all(isinstance(h, str) and h for h in opts["allow_hosts"]):
            raise ConfigError("key 'allow_hosts' must be a list of host names")
        return opts

    def collect(self, state: CollectState) -> Iterator[Item]:
        url = self.opts["url"]
        hosts = {urlsplit(url).hostname.lower()} | {h.lower() for h in self.opts["allow_hosts"]}
        resp = self.http.get(url, allowed_hosts=hosts, etag=state.memo.get("etag"),
                             last_modified=state.memo.get("last_modified"))
        if resp.status == 304:
            # a bridge whose login expired keeps serving the same feed: 304 is no proof of health
            self._check_rhythm(url, state, None)
            state.memo["not_modified"] = True
            state.progress(f"{url}: not modified")
            return
        state.memo["not_modified"] = False
        parsed = self._parse(url, resp.content, resp.headers)
        _check_login(url, parsed)
        ids = _rss_item_ids(resp.content) if parsed.get("version", "").startswith("rss") else []
        if len(ids) != len(parsed.entries):
            ids = []   # the raw scan and feedparser disagree: trust neither pairing
        # the bridge itself: an entry pointing back at it is the bridge talking, not an article
        own_hosts = {urlsplit(u).hostname or ""
                     for u in (url, resp.url, str(parsed.feed.get("link", "")))}
        items: list[Item] = []
        placeholders: list[Placeholder] = []
        for n, entry in enumerate(parsed.entries):
            raw_id = ids[n] if n < len(ids) else ""
            found = placeholder_of(entry, raw_id, own_hosts - {""})
            if found:
                placeholders.append(found)
                continue
            item = self._item(url, parsed, entry, raw_id)
            if item is not None:
                items.append(item)
        _note_placeholders(url, state, placeholders, any_items=bool(items))
        now = state.now or datetime.now(timezone.utc)
        items = [_check_date(i, now) for i in items]
        self._check_rhythm(url, state, [i.published_at for i in items if i.published_at])
        # Only a feed that parsed is worth remembering: a failed one must be fetched in full again.
        for header, key in (("etag", "etag"), ("last-modified", "last_modified")):
            if resp.headers.get(header):
                state.memo[key] = resp.headers[header]
        skipped = f", {len(placeholders)} placeholders skipped" if placeholders else ""
        state.progress(f"{url}: {len(items)} entries{skipped}")
        if self.opts["fetch_articles"]:
            yield from with_articles(items, self.http, state, self.opts["allow_hosts"],
                                     self.opts["max_articles"])
        else:
            yield from items

    def _check_rhythm(self, url: str, state: CollectState,
                      dates: list[datetime] | None) -> None:
        """Fail when the newest item is much older than the feed's usual gap between items (an
        expired bridge login serves the old feed with HTTP 200 or 304, wechat-feeds.md §6 F1).

        The rhythm is learned from the feed's own items and kept in ``state.memo``. Only a feed
        that was once seen fresh can go stale: an archive that was already old when first read
        (a retired account, the demo site) is not an alarm."""
        factor = self.opts["stale_factor"]
        now = state.now or datetime.now(timezone.utc)
        memo = state.memo
        newest_seen = memo.get("newest")
        newest = max(dates) if dates else None
        if newest_seen:
            known = datetime.fromisoformat(newest_seen)
            newest = known if newest is None or known > newest else newest
        if newest is None:
            return
        if dates and len(dates) >= 3:
            ordered = sorted(dates)
            memo["rhythm_s"] = max((ordered[-1] - ordered[0]).total_seconds() / (len(ordered) - 1),
                                   _DAY / 4)
        rhythm = memo.get("rhythm_s")
        if not factor or not rhythm:
            memo["newest"] = newest.isoformat()
            return
        limit = max(factor * rhythm, self.opts["stale_min_days"] * _DAY)
        age = (now - newest).total_seconds()
        if age > limit and memo.get("fresh"):
            raise SourceError(
                f"feed {url}: newest item is {age / _DAY:.1f} days old, but the account usually "
                f"posts every {rhythm / _DAY:.1f} days (bridge login expired or blocked?)")
        memo["fresh"] = age <= limit
        memo["newest"] = newest.isoformat()

    def _parse(self, url: str, content: bytes, headers: dict[str, str]) -> Any:
        if not content.strip():
            raise SourceError(f"empty response body from feed {url} (bridge down or login expired?)")
        if _HTML_START.match(content[:2048]):
            soup = BeautifulSoup(content[:65536], "lxml")
            title = " ".join((soup.title.get_text() if soup.title else "").split())
            text = " ".join(soup.get_text(" ").split())[:120]
            raise SourceError(f"feed {url} returned an HTML page, not a feed "
                              f"(title {title!r}: {text!r})")
        if _declares_entities(content):
            raise SourceError(f"feed {url} declares XML entities in a DOCTYPE (an entity-expansion "
                              "bomb?): refused unparsed")
        if looks_like_json(content):
            parsed = parse_json(content, url)
            if not parsed.entries:
                raise SourceError(f"feed {url} has zero entries (an empty feed means a broken "
                                  "bridge, not a quiet bureau)")
            return parsed
        parsed = feedparser.parse(content, response_headers=dict(headers), sanitize_html=False,
                                  resolve_relative_uris=False)
        if not parsed.entries:
            if parsed.get("bozo") and not parsed.get("version"):
                raise SourceError(f"feed {url} is not well-formed: "
                                  f"{type(parsed.get('bozo_exception')).__name__}: "
                                  f"{' '.join(str(parsed.get('bozo_exception')).split())[:150]}")
            raise SourceError(f"feed {url} has zero entries (an empty feed means a broken bridge, "
                              "not a quiet bureau)")
        if parsed.get("bozo"):
            log.info("feed %s parsed with a warning: %r", url, parsed.get("bozo_exception"))
        return parsed

    def _item(self, feed_url: str, parsed: Any, entry: Any, raw_id: str = "") -> Item | None:
        link = _unwrap_link(entry)
        guid = str(entry.get("id") or "")
        from_link = wechat_key(link) if link else None
        # we-mp-rss carries the article identity in its id (RSS <id>, JSON id, local view link):
        # canonical without a page fetch, so it wins over a short /s/TOKEN link (§3.5)
        canonical = _id_key(raw_id) or _id_key(guid) or _link_id_key(link)
        aliases: list[str] = []
        if canonical and from_link and from_link != canonical:
            aliases.append(from_link)
        key = canonical or from_link
        if key is None and link:
            key = canonical_url(link)
        if key is None and guid:
            key = f"guid:{guid}"
        if key is None:
            log.warning("feed %s: entry without link or id skipped: %r", feed_url, entry.get("title"))
            return None
        title = _title(entry)
        raw_date = str(entry.get("published") or entry.get("updated") or entry.get("created") or "")
        published = parse_date(raw_date) if raw_date else None
        extra: dict[str, Any] = {"feed_title": _clean(parsed.feed.get("title", ""))}
        if aliases:
            extra["aliases"] = aliases
        if title.endswith(_TRUNCATED):
            extra["title_truncated"] = True   # RSSHub cuts long titles; kept as given
        if raw_date and published is None:
            extra["date_unparsed"] = raw_date
        body, placeholder = _body(entry)
        if placeholder:
            extra["body_placeholder"] = placeholder
        return Item(key=key, url=link or guid, title=title, published_at=published,
                    date_source="feed" if published else "", date_raw=raw_date, body=body,
                    byline=_clean(entry.get("author", "")), raw=_raw(entry),
                    raw_url=feed_url, raw_content_type="application/json", extra=extra)


def _check_date(item: Item, now: datetime) -> Item:
    """Flag a date no article can have (wechat-feeds.md §5.3): the item stays undated for review
    instead of being counted in a wrong year (and it does not fool the rhythm check)."""
    pub = item.published_at
    if pub is None:
        return item
    if pub > now + _FUTURE_SLACK:
        why = "in the future"
    elif item.key.startswith(("wx:", "wxs:")) and pub < _WECHAT_LAUNCH:
        why = "before WeChat official accounts existed"
    else:
        return item
    log.warning("feed item %s: date %r is %s; left undated", item.key, item.date_raw, why)
    return replace(item, published_at=None, date_source="",
                   extra={**item.extra, "date_unparsed": item.date_raw, "date_suspect": why})


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _unwrap_link(entry: Any) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links", []):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        guid = str(entry.get("id") or "")
        if guid.startswith(("http://", "https://")):
            link = guid
    return link.strip()


def _id_key(guid: str) -> str | None:
    # we-mp-rss ids carry the article identity without a fetch (wechat-feeds.md §3.5).
    m = _WE_MP_RSS_ID.match(guid.strip())
    return f"wx:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


def _link_id_key(link: str) -> str | None:
    m = _WE_MP_RSS_LINK.search(urlsplit(link).path) if link else None
    return f"wx:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


def _rss_item_ids(content: bytes) -> list[str]:
    """we-mp-rss's non-standard <id> of each RSS <item>, in order ("" where absent): feedparser
    drops it in favour of <guid>, which holds only the link."""
    if b"<id>" not in content:
        return []
    out = []
    for m in _RSS_ITEM_ID.finditer(content):
        found = _RSS_ID_TAG.search(m.group(0))
        out.append(found.group(1).decode("ascii") if found else "")
    return out


def _check_login(url: str, parsed: Any) -> None:
    """A bridge whose login expired may still answer with its old feed: the feed's own title
    says so. (An entry that says so is a placeholder: :func:`placeholder_of`.)"""
    feed = parsed.feed
    for field in ("title", "subtitle", "description"):
        m = _LOGIN_EXPIRED.search(str(feed.get(field, "")))
        if m:
            raise SourceError(f"feed {url}: bridge login expired ({field} says {m.group(0)!r})")


# -- placeholders: entries that are no article (issue 13) ----------------------------------------

# What each kind of placeholder says about the source, most urgent first: the reason a feed of
# nothing but placeholders fails with names the most urgent kind among them.
PLACEHOLDER_PROBLEMS = {
    "login": "bridge login expired",
    "verify": "bridge blocked by WeChat's verification wall (环境异常)",
    "rate_limited": "bridge rate-limited upstream",
    "bridge_error": "bridge error",
    "client_only": "bridge links to pages that open only inside WeChat",
    "deleted": "articles deleted by the publisher",
    "blocked": "articles blocked for a violation",
    "send_failed": "articles that failed to send",
    "under_review": "articles under review",
    "private": "articles hidden by the author's privacy settings",
    "expired": "expired article links",
}
_MEMO_REASONS = 20          # reasons kept in state.memo (a bridge may emit hundreds of them)


@dataclass(frozen=True)
class Placeholder:
    """A feed entry that is no article (a verification wall, a login or error notice, "deleted"):
    never an item. ``hint`` is the WeChat key of the article it stands for, when it says."""

    kind: str
    marker: str
    title: str
    link: str
    hint: str = ""

    @property
    def reason(self) -> str:
        return f"{PLACEHOLDER_PROBLEMS[self.kind]} (entry {self.title[:60]!r} says {self.marker!r})"


def _notice_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, marker) of every notice phrase in *text*."""
    spans = []
    for kind, markers in unavailable_markers():
        for marker in markers:
            start = text.find(marker)
            while start >= 0:
                spans.append((start, start + len(marker), kind, marker))
                start = text.find(marker, start + 1)
    patterns = (("login", _LOGIN_EXPIRED), ("rate_limited", _RATE_LIMITED),
                ("bridge_error", _BRIDGE_ERROR), *_SHORT_NOTICES)
    for kind, pattern in patterns:
        spans += [(m.start(), m.end(), kind, m.group(0)) for m in pattern.finditer(text)]
    return spans


def _title_notice(title: str) -> tuple[str, str] | None:
    """(kind, marker) when the title *is* a notice: notice phrases cover at least half of its
    letters. An article title that merely mentions one stays an article."""
    spans = _notice_spans(title)
    if not spans:
        return None
    covered = set()
    for start, end, _, _ in spans:
        covered.update(range(start, end))
    letters = [i for i, ch in enumerate(title) if ch.isalnum()]
    if not letters or sum(1 for i in letters if i in covered) / len(letters) < _NOTICE_SHARE:
        return None
    # the longest phrase names the kind: "当前环境异常，完成验证后即可继续访问" over "验证"
    _, _, kind, marker = max(spans, key=lambda s: (s[1] - s[0], -s[0]))
    return kind, marker


def placeholder_of(entry: Any, raw_id: str = "", own_hosts: frozenset[str] | set[str] = frozenset()
                   ) -> Placeholder | None:
    """The placeholder *entry* is, or ``None`` for an article.

    An entry is a placeholder when its link is a WeChat wall (captcha, ``mp/profile_ext``), when
    its title is a notice (环境异常, 登录失效, 该内容已被发布者删除, an RSSHub error), when it has
    no title and its text is a notice, or when a login / error notice anywhere in it comes with
    no article identity and a link back to the bridge itself."""
    link = _unwrap_link(entry)
    title = _title(entry)
    wall = wall_of(link)
    if wall:
        state, target = wall
        hint = (wechat_key(target) or "") if target else ""
        return Placeholder(state, urlsplit(link).path, title, link, hint)
    identity = (_id_key(raw_id) or _id_key(str(entry.get("id") or "")) or _link_id_key(link)
                or wechat_key(link))
    notice = _title_notice(title)
    if notice:
        return Placeholder(notice[0], notice[1], title, link, identity or "")
    if not title:
        # nothing but the notice a bridge put where the text should be (WeWe 获取全文失败, ...)
        _, said = _body(entry)
        spans = _notice_spans(said) if said else []
        if spans:
            kind, marker = max(spans, key=lambda s: s[1] - s[0])[2:]
            return Placeholder(kind, marker, title, link, identity or "")
    if identity:
        return None
    host = (urlsplit(link).hostname or "") if link else ""
    if link and host not in own_hosts:
        return None   # an ordinary site's item that mentions a login is still the site's item
    text = " ".join((title, *_body(entry)))
    said = [(m.end() - m.start(), kind, m.group(0))
            for kind, pattern in (("login", _LOGIN_EXPIRED), ("rate_limited", _RATE_LIMITED),
                                  ("bridge_error", _BRIDGE_ERROR))
            for m in pattern.finditer(text)]
    if said:
        _, kind, marker = max(said, key=lambda s: s[0])
        return Placeholder(kind, marker, title, link)
    return None


def _note_placeholders(url: str, state: CollectState, placeholders: list[Placeholder],
                       any_items: bool) -> None:
    """Placeholders mark the source's health, never its items: all of them is a failed run
    naming the bridge's problem; some of them are recorded in ``state.memo["placeholders"]`` and
    the log, where the officer sees them."""
    if not placeholders:
        state.memo.pop("placeholders", None)
        return
    for p in placeholders:
        behind = f"; the article behind it is probably {p.hint}" if p.hint else ""
        log.warning("feed %s: placeholder entry skipped, not an article: %s%s", url, p.reason,
                    behind)
    kinds: dict[str, int] = {}
    for p in placeholders:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    state.memo["placeholders"] = {"count": len(placeholders), "kinds": kinds,
                                  "reasons": [p.reason for p in placeholders[:_MEMO_REASONS]]}
    if not any_items:
        ranks = list(PLACEHOLDER_PROBLEMS)
        worst = min(placeholders, key=lambda p: ranks.index(p.kind))
        raise SourceError(f"feed {url}: {worst.reason}; all {len(placeholders)} entries are "
                          "placeholders, not articles")


def _declares_entities(content: bytes) -> bool:
    for signature, codec in _WIDE:
        if content.startswith(signature):
            content = content.decode(codec, errors="ignore").lstrip("\ufeff").encode("utf-8")
            break
    return _DTD_ENTITY.match(content) is not None


def _title(entry: Any) -> str:
    title = str(entry.get("title", ""))
    kind = (entry.get("title_detail") or {}).get("type", "")
    if "html" in kind or "<" in title:
        # type="html" titles keep markup and entities in entry.title (wechat-feeds.md §6 F11).
        title = BeautifulSoup(title, "lxml").get_text("")
    if _ENTITY.search(title):
        title = html.unescape(title)
    return _clean(title)


def _body(entry: Any) -> tuple[str, str]:
    """Plain text of the longest content/summary, and the placeholder text if that is all it was."""
    values = [c.get("value", "") for c in entry.get("content", [])]
    values.append(entry.get("summary", ""))
    raw = max(values, key=len, default="")
    if not raw.strip():
        return "", ""
    soup = BeautifulSoup(raw, "lxml")
    # WeWe's fulltext mode puts the whole mp.weixin page in content; the article is #js_content.
    node = soup.select_one("#js_content") or soup.body or soup
    lines = [ln for ln in html_to_text(node).split("\n") if not _FOOTER.match(ln.strip())]
    text = "\n".join(lines).strip()
    marker = next((p for p in _PLACEHOLDERS if p in text), "")
    if text in _PLACEHOLDER_EXACT:
        return "", text
    if marker and (len(text) < 200 or ("环境异常" in text and "去验证" in text)):
        return "", text[:80]
    return text, ""


def _raw(entry: Any) -> bytes:
    # feedparser does not keep per-entry bytes; keep the entry's own fields (not the *_parsed
    # tuples, which are derived) so the item can be re-parsed later.
    fields = {k: v for k, v in entry.items() if not k.endswith("_parsed")}
    return json.dumps(fields, ensure_ascii=False, default=str, sort_keys=True).encode("utf-8")
