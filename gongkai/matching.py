"""Small text rules the pipeline applies to items: attribution (归属) and the title key that
groups cross-channel duplicates (the same 信息 on the website and on WeChat)."""
from __future__ import annotations

import re
import unicodedata

# 【商务动态】, [转载], 〔图文〕 ... prefixes that WeChat editors add to a website headline
_TAG_PREFIX = re.compile(r"^\s*(?:[【\[〔（(][^】\]〕）)]{1,12}[】\]〕）)]\s*)+")
# "转载：", "转发|", "图文：" ... a short label before a colon or bar
_LABEL_PREFIX = re.compile(r"^\s*(?:转载|转发|转自|原创|图文|视频|快讯|速看|重磅|提醒|通知)\s*[:：|｜丨]\s*")
# RSSHub cuts long titles and appends "..." (wechat-feeds.md §2.1, F10)
_TRUNCATION = re.compile(r"(?:\.{3,}|…+|⋯+)\s*$")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

# Appended to a key whose title was cut: the store then matches it as a prefix of a full title,
# and never mistakes a cut title for a complete one.
TRUNCATED_MARK = "…"


def title_key(title: str) -> str:
    """Normalized title for duplicate detection: NFKC, no tag prefixes or labels, no punctuation
    or space, lower case. A title cut short ("..." at the end) keeps ``TRUNCATED_MARK`` at the end
    of its key."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    truncated = bool(_TRUNCATION.search(text))
    text = _TRUNCATION.sub("", text)
    for _ in range(3):   # 【商务动态】转载：... nests labels and brackets
        stripped = _LABEL_PREFIX.sub("", _TAG_PREFIX.sub("", text))
        if stripped == text or not stripped.strip():
            break
        text = stripped
    key = _NOISE.sub("", text).lower()
    return key + TRUNCATED_MARK if truncated and key else key


# Characters that may stand right before a short alias such as 区商务局 without making it another
# body's name: "我区商务局", "全区商务局", "由区商务局牵头", "、区商务局". Any other Han character
# before it ("红旗区商务局", "牧野区商务局") names a different bureau.
_ALIAS_LEAD_OK = set("我本全该由与和及同向对经据在是为请会联携协并、，。；：“”‘’（）《》【】")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _mentions(haystack: str, alias: str) -> bool:
    """True when `alias` occurs as the bureau's own name, not inside another body's name.

    The bureau's full name is always among the aliases (config puts it first), so "卫滨区商务局"
    is found on its own and a short alias only has to rule out other bodies' names here.
    """
    start = haystack.find(alias)
    while start != -1:
        before = haystack[start - 1] if start else ""
        if not before or not _is_han(before) or before in _ALIAS_LEAD_OK:
            return True
        start = haystack.find(alias, start + 1)
    return False


def attribute(mode: str, aliases: tuple[str, ...], *texts: str) -> str:
    """'ours' when the source carries only the bureau's items (mode 'all') or when one of the
    bureau's names appears in the title, body or byline (mode 'mention').

    A short alias that ends another body's name does not count: on the city bureau's account
    "红旗区商务局" is not "区商务局" of 卫滨区.
    """
    if mode == "all":
        return "ours"
    haystack = _squash(" ".join(t or "" for t in texts))
    names = tuple(_squash(a) for a in aliases if a.strip())
    for alias in names:
        if _mentions(haystack, alias):
            return "ours"
    return "not_ours"
