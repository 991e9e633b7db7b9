"""Small text rules the pipeline applies to items: attribution (归属) and the title key that
groups cross-channel duplicates (the same 信息 on the website and on WeChat)."""
from __future__ import annotations

import re
import unicodedata

# 【商务动态】, [转载], 〔图文〕 ... prefixes that WeChat editors add to a website headline
_TAG_PREFIX = re.compile(r"^\s*(?:[【\[〔（(][^】\]〕）)]{1,12}[】\]〕）)]\s*)+")
_TRUNCATION = re.compile(r"(?:\.{3}|…+)\s*$")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def title_key(title: str) -> str:
    """Normalized title for duplicate detection: NFKC, no tag prefixes, no punctuation or space."""
    text = unicodedata.normalize("NFKC", title or "")
    text = _TAG_PREFIX.sub("", text)
    text = _TRUNCATION.sub("", text)
    return _NOISE.sub("", text).lower()


def attribute(mode: str, aliases: tuple[str, ...], *texts: str) -> str:
    """'ours' when the source carries only the bureau's items (mode 'all') or when one of the
    bureau's names appears in the title, body or byline (mode 'mention')."""
    if mode == "all":
        return "ours"
    haystack = unicodedata.normalize("NFKC", " ".join(t or "" for t in texts))
    haystack = re.sub(r"\s+", "", haystack)
    for alias in aliases:
        if re.sub(r"\s+", "", unicodedata.normalize("NFKC", alias)) in haystack:
            return "ours"
    return "not_ours"
