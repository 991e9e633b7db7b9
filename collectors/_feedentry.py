"""One feed entry read: its link, ids, title, text, date string and raw fields, and whether it
is an article at all.

An entry that is no article (a verification wall, a captcha or account-page link, a bridge's
login / error notice, a "deleted" notice in place of the title) is a placeholder: never an item.
It tells about the source's health instead (:func:`placeholder_of`, :func:`note_placeholders`).
"""
from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ._item import CollectState, SourceError
from ._pages import html_to_text
from ._urls import wechat_key
from ._wechat import unavailable_markers, wall_of

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
TRUNCATED = ("...", "…")
_WE_MP_RSS_ID = re.compile(r"^(\d+)-(\d+)_(\d+)$")     # "<biz num>-<mid>_<idx>"
# we-mp-rss with rss.local links to its own view page: /views/article/<N-M_I> (§6 F14)
_WE_MP_RSS_LINK = re.compile(r"/(?:views/article|rss/feed|article)/(\d+)-(\d+)_(\d+)/?$")
# what a bridge shows instead of articles when its WeChat / WeRead login has expired (§6 F1)
LOGIN_EXPIRED = re.compile(
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
# ... and the short notices bridges and their upstream APIs put in an entry's title (trial 7):
# "访问太频繁，请稍后再试", "Request failed with status code 429", "获取文章列表失败", "出错了".
# Read in titles only (an article's text may well say 系统繁忙): a title made of them is no article.
_BUSY_TITLE = re.compile(r"(?:请求|访问|操作)(?:过于|太|过)频繁|请稍后(?:再试|重试)|"
                         r"(?:request failed with )?status code 429|too many requests", re.I)
_FAILED_TITLE = re.compile(r"request failed(?: with status code \d+)?|请求失败|(?:服务器|系统)繁忙|"
                           r"获取(?:文章)?(?:列表|数据|内容)?失败|出错了|网络(?:异常|错误)|"
                           r"internal server error|service unavailable|bad gateway", re.I)
# More ways of saying "this article is gone" than the article page's own (§3.4) markers
_SHORT_NOTICES = (
    ("verify", re.compile(r"request blocked by WAF|wappoc_appmsgcaptcha|captcha", re.I)),
    ("deleted", re.compile(r"deleted by author|已被删除|已删除|内容已删除|\bdeleted\b", re.I)))
# A title is a notice, not an article's, when at least this share of its letters is notice text:
# "该内容已被发布者删除" is one, "违规内容已删除整改情况通报" is an article about one.
_NOTICE_SHARE = 0.5
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def raw_date(entry: Any) -> str:
    return str(entry.get("published") or entry.get("updated") or entry.get("created") or "")


def clean(text: str) -> str:
    return " ".join(str(text).split())


def unwrap_link(entry: Any) -> str:
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


def id_key(guid: str) -> str | None:
    # we-mp-rss ids carry the article identity without a fetch (wechat-feeds.md §3.5).
    m = _WE_MP_RSS_ID.match(guid.strip())
    return f"wx:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


def link_id_key(link: str) -> str | None:
    m = _WE_MP_RSS_LINK.search(urlsplit(link).path) if link else None
    return f"wx:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


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


def _notice_spans(text: str, title: bool = True) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, marker) of every notice phrase in *text* (with the title-only ones when
    *title*)."""
    spans = []
    for kind, markers in unavailable_markers():
        for marker in markers:
            start = text.find(marker)
            while start >= 0:
                spans.append((start, start + len(marker), kind, marker))
                start = text.find(marker, start + 1)
    patterns = (("login", LOGIN_EXPIRED), ("rate_limited", _RATE_LIMITED),
                ("bridge_error", _BRIDGE_ERROR), *_SHORT_NOTICES)
    if title:
        patterns += (("rate_limited", _BUSY_TITLE), ("bridge_error", _FAILED_TITLE))
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
    link = unwrap_link(entry)
    title = entry_title(entry)
    wall = wall_of(link)
    if wall:
        state, target = wall
        hint = (wechat_key(target) or "") if target else ""
        return Placeholder(state, urlsplit(link).path, title, link, hint)
    identity = (id_key(raw_id) or id_key(str(entry.get("id") or "")) or link_id_key(link)
                or wechat_key(link))
    notice = _title_notice(title)
    if notice:
        return Placeholder(notice[0], notice[1], title, link, identity or "")
    if not title:
        # nothing but the notice a bridge put where the text should be (WeWe 获取全文失败, ...)
        _, said = entry_body(entry)
        spans = _notice_spans(said, title=False) if said else []
        if spans:
            kind, marker = max(spans, key=lambda s: s[1] - s[0])[2:]
            return Placeholder(kind, marker, title, link, identity or "")
    if identity:
        return None
    host = (urlsplit(link).hostname or "") if link else ""
    if link and host not in own_hosts:
        return None   # an ordinary site's item that mentions a login is still the site's item
    text = " ".join((title, *entry_body(entry)))
    said = [(m.end() - m.start(), kind, m.group(0))
            for kind, pattern in (("login", LOGIN_EXPIRED), ("rate_limited", _RATE_LIMITED),
                                  ("bridge_error", _BRIDGE_ERROR))
            for m in pattern.finditer(text)]
    if said:
        _, kind, marker = max(said, key=lambda s: s[0])
        return Placeholder(kind, marker, title, link)
    return None


def note_placeholders(url: str, state: CollectState, placeholders: list[Placeholder],
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


def entry_title(entry: Any) -> str:
    title = str(entry.get("title", ""))
    kind = (entry.get("title_detail") or {}).get("type", "")
    if "html" in kind or "<" in title:
        # type="html" titles keep markup and entities in entry.title (wechat-feeds.md §6 F11).
        title = BeautifulSoup(title, "lxml").get_text("")
    if _ENTITY.search(title):
        title = html.unescape(title)
    return clean(title)


def entry_body(entry: Any) -> tuple[str, str]:
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


def entry_raw(entry: Any) -> bytes:
    # feedparser does not keep per-entry bytes; keep the entry's own fields (not the *_parsed
    # tuples, which are derived) so the item can be re-parsed later.
    fields = {k: v for k, v in entry.items() if not k.endswith("_parsed")}
    return json.dumps(fields, ensure_ascii=False, default=str, sort_keys=True).encode("utf-8")
