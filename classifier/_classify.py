"""Matching and scoring: one Aho–Corasick automaton over every word the rules mention.

How a decision is reached, per field (title, body) of the normalized item:

1. Find every occurrence of every rule word, overlapping ones included (燃气安全 and 安全生产 in
   "燃气安全生产" are both seen).
2. A ``near`` term is live only when one of its context words lies within ``within`` characters.
3. A scoring hit (keyword, live near term) or an ``ignore`` phrase hides every shorter hit lying
   wholly inside it: writing the longer phrase (单用途预付卡备案) overrides its parts (单用途预付卡).
   Partly overlapping hits both stay.
4. A category's hits in a field are voided when one of its exclusion words (排除词) is in that field.
5. Each (category, keyword, field) scores once, at its first position: weight × title_weight or
   body_weight. A category's score is the sum of its evidence weights.

The best score wins; ties go to the higher ``priority``, then to report order. With no positive
score the item goes to the fallback category (其他) and always needs review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ahocorasick

from ._normalize import normalize
from ._rules import Ruleset

# Roles a word can play; one word may play several (for several categories).
_KEYWORD, _NEAR_TERM, _NEAR_WITH, _EXCLUDE, _IGNORE = range(5)


@dataclass(frozen=True)
class Evidence:
    """One keyword hit that counted: ``start`` is its offset in the normalized field."""

    keyword: str
    field: str
    start: int
    weight: float
    category: str

    def as_dict(self) -> dict[str, Any]:
        return {"keyword": self.keyword, "field": self.field, "start": self.start,
                "weight": self.weight, "category": self.category}


@dataclass(frozen=True)
class Decision:
    """The classifier's verdict on one item, with the hits that decided it."""

    category: str
    score: float
    margin: float
    needs_review: bool
    evidence: tuple[Evidence, ...]
    ruleset_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "score": self.score,
            "margin": self.margin,
            "needs_review": self.needs_review,
            "evidence": [e.as_dict() for e in self.evidence],
            "ruleset_version": self.ruleset_version,
        }


class Classifier:
    """Files items into the categories of *ruleset*; build once, call ``classify`` many times."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._names = ruleset.names
        self._priority = [c.priority for c in ruleset.categories]
        self._fallback = self._names.index(ruleset.fallback)
        # near rules flattened: (category index, within, weight); words point at them by index.
        self._near: list[tuple[int, int, float]] = []
        self._excludes: list[frozenset[str]] = [frozenset(c.exclude) for c in ruleset.categories]

        roles: dict[str, list[tuple[int, int, float]]] = {}

        def add(word: str, role: int, ref: int, weight: float = 0.0) -> None:
            roles.setdefault(word, []).append((role, ref, weight))

        for ci, cat in enumerate(ruleset.categories):
            for word, weight in cat.keywords.items():
                add(word, _KEYWORD, ci, weight)
            for word in cat.exclude:
                add(word, _EXCLUDE, ci)
            for rule in cat.near:
                ni = len(self._near)
                self._near.append((ci, rule.within, rule.weight))
                for word in rule.terms:
                    add(word, _NEAR_TERM, ni, rule.weight)
                for word in rule.with_:
                    add(word, _NEAR_WITH, ni)
        for word in ruleset.ignore:
            add(word, _IGNORE, -1)

        self._automaton = ahocorasick.Automaton()
        for word, word_roles in roles.items():
            self._automaton.add_word(word, (word, tuple(word_roles)))
        self._empty = not roles
        if not self._empty:
            self._automaton.make_automaton()

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct word the automaton looks for (keywords, context, exclusion, ignore)."""
        return tuple(self._automaton.keys()) if not self._empty else ()

    def classify(self, title: str, body: str = "") -> Decision:
        rs = self.ruleset
        scores = [0.0] * len(self._names)
        evidence: list[Evidence] = []
        for field, text, mult in (("title", title, rs.title_weight), ("body", body, rs.body_weight)):
            if text:
                self._score_field(field, normalize(text), mult, scores, evidence)

        order = sorted(range(len(scores)), key=lambda i: (-scores[i], -self._priority[i], i))
        best = order[0]
        if scores[best] <= 0:
            return Decision(category=rs.fallback, score=0.0, margin=0.0, needs_review=True,
                            evidence=tuple(evidence), ruleset_version=rs.version)
        runner_up = max(scores[order[1]], 0.0) if len(order) > 1 else 0.0
        score = round(scores[best], 6)
        margin = round(scores[best] - runner_up, 6)
        needs_review = score < rs.min_score or margin < rs.min_margin
        evidence.sort(key=lambda e: (e.category != self._names[best], e.field != "title", e.start))
        return Decision(category=self._names[best], score=score, margin=margin,
                        needs_review=needs_review, evidence=tuple(evidence),
                        ruleset_version=rs.version)

    def _score_field(self, field: str, text: str, mult: float, scores: list[float],
                     evidence: list[Evidence]) -> None:
        if self._empty or not text:
            return
        # (start, end, word, roles) for every occurrence, overlapping ones included.
        hits = [(end - len(word) + 1, end + 1, word, word_roles)
                for end, (word, word_roles) in self._automaton.iter(text)]
        if not hits:
            return

        near_with: dict[int, list[tuple[int, int]]] = {}
        excluded: set[int] = set()
        for start, end, _word, word_roles in hits:
            for role, ref, _w in word_roles:
                if role == _NEAR_WITH:
                    near_with.setdefault(ref, []).append((start, end))
                elif role == _EXCLUDE:
                    excluded.add(ref)

        # Candidates that score or shadow: (start, end, word, category, weight); category -1 = ignore.
        candidates: list[tuple[int, int, str, int, float]] = []
        for start, end, word, word_roles in hits:
            for role, ref, weight in word_roles:
                if role == _KEYWORD:
                    candidates.append((start, end, word, ref, weight))
                elif role == _IGNORE:
                    candidates.append((start, end, word, -1, 0.0))
                elif role == _NEAR_TERM:
                    ci, within, _ = self._near[ref]
                    if any(_gap(start, end, s, e) <= within for s, e in near_with.get(ref, ())
                           if (s, e) != (start, end)):
                        candidates.append((start, end, word, ci, weight))
        if not candidates:
            return

        spans = {(s, e) for s, e, *_ in candidates}
        seen: set[tuple[int, str]] = set()
        for start, end, word, ci, weight in sorted(candidates):
            if ci < 0 or ci in excluded:
                continue
            if any(s <= start and end <= e and (e - s) > (end - start) for s, e in spans):
                continue
            if (ci, word) in seen:
                continue
            seen.add((ci, word))
            w = weight * mult
            scores[ci] += w
            evidence.append(Evidence(keyword=word, field=field, start=start, weight=w,
                                     category=self._names[ci]))


def _gap(s1: int, e1: int, s2: int, e2: int) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, s2 - e1, s1 - e2)
