"""Matched keywords highlighted in crawled text, which is hostile: escape, never trust.

Evidence offsets refer to the classifier's normalized text (classifier.normalize), so the text
is shown normalized too, paragraph by paragraph: the marks then sit exactly on what the
classifier saw. The text is cut at the marks and every piece is escaped on its own before any
tag is added around it, so no crawled character is ever read as markup.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from markupsafe import Markup, escape

import classifier

from ..cleantext import clean_line


def _spans(text: str, keywords: Mapping[str, bool]) -> list[tuple[int, int, bool]]:
    """Every occurrence of every keyword as (start, end, won); overlaps merged."""
    marks: list[tuple[int, int, bool]] = []
    for word, won in keywords.items():
        if not word:
            continue
        start = text.find(word)
        while start >= 0:
            marks.append((start, start + len(word), won))
            start = text.find(word, start + 1)
    marks.sort()
    merged: list[tuple[int, int, bool]] = []
    for s, e, won in marks:
        if merged and s <= merged[-1][1]:
            ps, pe, pwon = merged[-1]
            merged[-1] = (ps, max(pe, e), pwon or won)
        else:
            merged.append((s, e, won))
    return merged


def highlight(text: str | None, keywords: Mapping[str, bool]) -> Markup:
    """Normalized *text* with each keyword in <mark>; ``keywords`` maps a keyword to whether
    it counted for the winning category (shown differently from a runner-up's)."""
    # items stored before text was cleaned at the door may still carry bidi overrides and
    # control characters: none reaches a page
    norm = classifier.normalize(clean_line(text or ""))
    out: list[str] = []
    pos = 0
    for s, e, won in _spans(norm, keywords):
        out.append(escape(norm[pos:s]))
        out.append(Markup('<mark class="%s">%s</mark>') % ("win" if won else "other",
                                                            norm[s:e]))
        pos = e
    out.append(escape(norm[pos:]))
    return Markup("").join(out)


def paragraphs(text: str | None, keywords: Mapping[str, bool]) -> list[Markup]:
    """The body as highlighted paragraphs (normalization would otherwise join the lines)."""
    return [highlight(line, keywords) for line in (text or "").splitlines() if line.strip()]


def keyword_map(evidence: Iterable[Mapping], field: str, category: str | None
                ) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for e in evidence:
        if e.get("field") == field:
            out[e["keyword"]] = out.get(e["keyword"], False) or e.get("category") == category
    return out


def snippet(body: str | None, keywords: Mapping[str, bool], width: int = 28) -> Markup | None:
    """A few words of the body around its first winning keyword (else any keyword), highlighted:
    the reason for an item whose title holds none. None when no keyword is in the body."""
    ranked = sorted(keywords.items(), key=lambda kv: not kv[1])
    for word, _won in ranked:
        if not word:
            continue
        for line in (body or "").splitlines():
            norm = classifier.normalize(clean_line(line))
            at = norm.find(word)
            if at < 0:
                continue
            start, end = max(0, at - width), min(len(norm), at + len(word) + width)
            return (Markup("…" if start else "") + highlight(norm[start:end], keywords)
                    + Markup("…" if end < len(norm) else ""))
    return None
