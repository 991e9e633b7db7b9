"""Text normalization applied to rule keywords and to every field before matching.

Pages and WeChat articles write the same words in several ways: full-width digits and letters
(２０２４), ideographic or non-breaking spaces, and spaces inserted between Chinese characters by
the page layout (“促 消 费”). Keywords and text go through the same function, so a keyword written
either way matches text written either way, and evidence offsets refer to the normalized text.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that are never content: zero-width spaces/joiners, BOM, soft hyphen.
_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

# Full-width ASCII forms and the ideographic space: what NFKC changes in almost every Chinese text
# (，：（）！). Mapping them first lets the full NFKC pass be skipped for the common case.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


# The full-width punctuation of almost every Chinese text, tried one by one with str.replace
# (each a fast C scan) before falling back to a regular-expression scan for the rarer ones.
_COMMON_FULL_WIDTH = "，：；（）！？％"


def normalize(text: str) -> str:
    """Return *text* in the form the classifier matches against.

    NFKC (full-width letters, digits and punctuation become half-width; the ideographic space
    becomes a space), lone surrogates replaced by U+FFFD, invisible characters dropped, whitespace between two CJK characters removed,
    other whitespace runs collapsed to one space, ends stripped, letters lower-cased (str.lower).

    Fast paths (the classifier normalizes every title and body, so this is on the hot path):
    a text that is already NFKC skips the full-width work; a printable text without spaces
    (``str.isprintable`` is false for every whitespace but the ASCII space and for the
    invisible characters) skips the whitespace work.
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        for c in _COMMON_FULL_WIDTH:
            if c in text:
                text = text.replace(c, _HALF_WIDTH[c])
        if not unicodedata.is_normalized("NFKC", text):
            for c in set(_FULL_WIDTH.findall(text)):
                text = text.replace(c, _HALF_WIDTH[c])
            if not unicodedata.is_normalized("NFKC", text):
                text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (half an emoji cut off, an undecodable byte) is no character:
            # U+FFFD keeps the length, so offsets still agree.
            text = _SURROGATE.sub("\ufffd", text)
        for c in _INVISIBLE_CHARS:
            if c in text:
                text = text.replace(c, "")
    if " " in text or not text.isprintable():
        text = _join_words(text.split())
    return text.lower()


def _join_words(parts: list[str]) -> str:
    """Join whitespace-separated pieces: no space between two CJK characters, else one."""
    if len(parts) < 2:
        return parts[0] if parts else ""
    memo = _CJK_MEMO
    edges = {p[-1] for p in parts} | {p[0] for p in parts}
    for c in edges - memo.keys():
        if len(memo) > 65536:   # hostile text cannot grow it without bound
            memo.clear()
        memo[c] = _is_cjk(c)
    # Commonest case: paragraphs ending in 。 and starting with an ideograph.
    if all(memo[c] for c in edges):
        return "".join(parts)
    seps = ["" if memo[p[-1]] and memo[q[0]] else " " for p, q in zip(parts, parts[1:])]
    seps.append("")
    return "".join([x for pair in zip(parts, seps) for x in pair])


# _is_cjk per character, remembered: a body has dozens of line breaks between the same few
# characters (。, ，, ideographs), and a dict lookup is cheaper than the comparisons.
_CJK_MEMO: dict[str, bool] = {}


def _is_cjk(c: str) -> bool:
    """CJK ideographs, CJK punctuation and kana, and the curly quotes used as Chinese quotation
    marks: text in which a space is layout, not a word gap. Plain comparisons, commonest range
    first, are cheaper here than a regular expression."""
    return ("\u4e00" <= c <= "\u9fff"      # unified ideographs
            or "\u3000" <= c <= "\u30ff"   # CJK symbols and punctuation (、。《》「」…), kana
            or "\u3400" <= c <= "\u4dbf"   # extension A
            or "\u2e80" <= c <= "\u2fdf"   # radicals
            or "\uf900" <= c <= "\ufaff"   # compatibility ideographs
            or c in "\u201c\u201d\u2018\u2019")
