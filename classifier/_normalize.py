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
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# CJK ideographs plus CJK punctuation and kana: text in which a space is layout, not a word gap.
_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation (、。《》「」…)
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\u201c\u201d\u2018\u2019"  # curly quotes used as Chinese quotation marks
)
_IS_CJK = re.compile(f"[{_CJK}]").fullmatch
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
    becomes a space), invisible characters dropped, whitespace between two CJK characters removed,
    other whitespace runs collapsed to one space, ends stripped, ASCII letters lower-cased.

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
        text = _INVISIBLE.sub("", text)
    if " " in text or not text.isprintable():
        text = _join_words(text.split())
    return text.lower()


def _join_words(parts: list[str]) -> str:
    """Join whitespace-separated pieces: no space between two CJK characters, else one."""
    if len(parts) < 2:
        return parts[0] if parts else ""
    out = [parts[0]]
    for prev, part in zip(parts, parts[1:]):
        if not (_IS_CJK(prev[-1]) and _IS_CJK(part[0])):
            out.append(" ")
        out.append(part)
    return "".join(out)
