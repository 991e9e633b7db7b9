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
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
# Full-width ASCII forms and the ideographic space: what NFKC changes in almost every Chinese text
# (，：（）！). Mapping them first lets the full NFKC pass be skipped for the common case.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def normalize(text: str) -> str:
    """Return *text* in the form the classifier matches against.

    NFKC (full-width letters, digits and punctuation become half-width; the ideographic space
    becomes a space), invisible characters dropped, whitespace between two CJK characters removed,
    other whitespace runs collapsed to one space, ends stripped, ASCII letters lower-cased.
    """
    if not text:
        return ""
    # A text has few distinct full-width characters but many occurrences: replace per character.
    for c in set(_FULL_WIDTH.findall(text)):
        text = text.replace(c, _HALF_WIDTH[c])
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if _SPACES.search(text):
        text = _SPACE_BETWEEN_CJK.sub("", text)
        text = _SPACES.sub(" ", text).strip()
    return text.lower()
