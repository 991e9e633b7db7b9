"""normalize()'s fast paths must give exactly what the plain reading of its rules gives.

``reference`` applies the documented steps one after another with regular expressions and the
full NFKC; normalize() skips steps it can prove have nothing to do. Random texts are drawn from
the characters that make each step matter: full-width forms, the ideographic space, no-break
spaces, line breaks, zero-width characters, compatibility characters (①, ㎡, ﬁ), Latin capitals
and CJK text on both sides of every kind of space.
"""

from __future__ import annotations

import random
import re
import unicodedata

from classifier import normalize

_CJK = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u201c\u201d\u2018\u2019"


def reference(text: str) -> str:
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    text = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.lower()


POOL = ("促消费安全生产市场，。：；（）！？％「」“”、" "ＡＢｚ０９＋－／＂" "\u3000\u00a0 \n\t\r"
        "\u200b\u200d\ufeff\u00ad" "①㎡ﬁ㈠…℃﹝﹞ｶﾞⅡ²\u2002\u0301" "ABCxyz19,.()" "\x1c\x85\u2028"
        "\ud83d\udcff\u2fd5\u2ff0\u303f\u3040\u30ff\u3100\u4dbf\u4dc0\uf900\ufb00\u2018")


def test_normalize_equals_reference_on_random_texts() -> None:
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice(POOL) for _ in range(rng.randrange(0, 30)))
        assert normalize(text) == reference(text), repr(text)


def test_reference_is_not_trivially_equal() -> None:
    # the pool exercises every step: each of these differs from its input
    for raw in ("ＡＢ", "促 消", "a\u200bb", "①", " x ", "A"):
        assert reference(raw) != raw
