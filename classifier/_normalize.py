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

# The compatibility characters of almost every Chinese text — full-width punctuation and the
# ellipsis (…, NFKC "...") — tried one by one with str.replace (each a fast C scan) before a
# regular-expression scan for the rarer ones.
_COMMON_FULL_WIDTH = "，：；（）！？％…"
_COMMON = {c: unicodedata.normalize("NFKC", c) for c in _COMMON_FULL_WIDTH}

# Where the other compatibility characters of Chinese pages live: Latin-1's no-break space and
# superscripts, general punctuation and spaces, letterlike symbols (℃, Ⅱ), enclosed numbers
# (①), CJK symbols, enclosed and squared CJK (㈠, ㎡), small and vertical forms (﹝﹞), half- and
# full-width forms. A character found here is replaced by its own NFKC form — which leaves the
# text's NFKC unchanged, as both decompose alike — and the full NFKC pass runs only when the
# text is still not NFKC after that (a character outside these blocks, a combining mark).
_COMPAT = re.compile("[\u00a0-\u00bf\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u3000-\u303f"
                     "\u3200-\u33ff\ufe10-\ufe6f\uff00-\uffef]")
_NFKC_MEMO: dict[str, str] = {}


def _nfkc_char(c: str) -> str:
    out = _NFKC_MEMO.get(c)
    if out is None:
        out = _NFKC_MEMO[c] = unicodedata.normalize("NFKC", c)
    return out


def normalize(text: str) -> str:
    """Return *text* in the form the classifier matches against.

    NFKC (full-width letters, digits and punctuation become half-width; the ideographic space
    becomes a space), lone surrogates replaced by U+FFFD, invisible characters dropped, whitespace between two CJK characters removed,
    other whitespace runs collapsed to one space, ends stripped, letters lower-cased (str.lower).

    Fast paths (the classifier normalizes every title and body, so this is on the hot path):
    a text that is already NFKC skips the full-width work; a printable text without spaces
    (``str.isprintable`` is false for every whitespace but the ASCII space, for the invisible
    characters and for surrogates) skips the whitespace work; one whose only such characters
    are line breaks is split on them alone.
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        for c, n in _COMMON.items():
            if c in text:
                text = text.replace(c, n)
        if not unicodedata.is_normalized("NFKC", text):
            for c in set(_COMPAT.findall(text)):
                n = _nfkc_char(c)
                if n != c:
                    text = text.replace(c, n)
            if not unicodedata.is_normalized("NFKC", text):
                text = unicodedata.normalize("NFKC", text)
    if text.isprintable():
        if " " in text:
            text = _join_words(text.split())
        return text.lower()
    if " " not in text and text.replace("\n", "").isprintable():
        # Paragraphs: line breaks are the only characters of most bodies that are not
        # printable, and then there is no surrogate, invisible character or other space.
        parts = text.split("\n")
        return _join_words([p for p in parts if p] if "" in parts else parts).lower()
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
    if len(memo) > 65536:   # hostile text cannot grow it without bound
        memo.clear()
    # One pass, a lookup per edge: a body has dozens of pieces (its paragraphs), and most
    # joints are 。 then an ideograph, which take no space.
    out = []
    prev = None   # the previous piece ends in a CJK character
    for p in parts:
        if prev is not None:
            if prev:
                c = p[0]
                cjk = memo.get(c)
                if cjk is None:
                    cjk = memo[c] = _is_cjk(c)
                if not cjk:
                    out.append(" ")
            else:
                out.append(" ")
        out.append(p)
        c = p[-1]
        prev = memo.get(c)
        if prev is None:
            prev = memo[c] = _is_cjk(c)
    return "".join(out)


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
