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
6. A required group (``[[category.all]]``) scores its weight once per field when all its words
   occur there (within ``within`` characters of its first word, if given); its evidence keyword
   is the words joined by "+". Exclusion words void it like any other hit.

The best score wins; ties go to the higher ``priority``, then to report order. With no positive
score the item goes to the fallback category (其他) and always needs review.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick_rs

from ._normalize import normalize
from ._rules import AllRule, Ruleset


class Evidence(NamedTuple):
    """One keyword hit that counted: ``start`` is its offset in the normalized field.

    A named tuple rather than a dataclass: a long body yields dozens per item and building them
    was a measurable part of classifying (benchmarks/classify_bench.py).
    """

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
    # Why a second opinion (a model trained on reviewed items) asked for review; "" when none.
    second_opinion: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = {
            "category": self.category,
            "score": self.score,
            "margin": self.margin,
            "needs_review": self.needs_review,
            "evidence": [e.as_dict() for e in self.evidence],
            "ruleset_version": self.ruleset_version,
        }
        if self.second_opinion:
            out["second_opinion"] = self.second_opinion
        return out


# A near rule as matching needs it: (within, context words).
_Near = tuple[int, tuple[str, ...]]
# A longer live word that may hide this one: (its automaton index, text, length, offsets of
# this word inside it, None when it is always live, else its near rules: live only where one of
# them is satisfied).
_Container = tuple[int, str, int, tuple[int, ...], "tuple[_Near, ...] | None"]


@dataclass(frozen=True)
class _Word:
    """Everything one automaton word means, precomputed so matching does no dispatch."""

    text: str
    length: int
    keyword: tuple[tuple[int, float], ...]  # (category index, weight)
    near_term: tuple[tuple[int, int, float], ...]  # (category, within, weight) ...
    near_with: tuple[tuple[tuple[int, str], ...], ...]  # ... its context words (index, text)
    exclude: tuple[int, ...]  # categories this word voids
    all_of: tuple[int, ...]  # required groups this word belongs to
    containers: tuple[_Container, ...]  # longer live words containing it (may hide a hit)
    container_ids: tuple[int, ...]  # their automaton indexes
    simple: bool  # scores as a plain keyword: no near role, never hidden


_IDX = itemgetter(0)
_START = itemgetter(1)


class Classifier:
    """Files items into the categories of *ruleset*; build once, call ``classify`` many times."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._names = ruleset.names
        self._priority = [c.priority for c in ruleset.categories]

        parts: dict[str, dict[str, list]] = {}
        self._groups: list[tuple[int, AllRule]] = []  # (category index, rule)
        near_of: dict[str, list[_Near]] = {}           # near term -> every near rule it is in

        def slot(word: str, kind: str) -> list:
            entry = parts.setdefault(word, {"keyword": [], "near_term": [], "near_with": [],
                                            "exclude": [], "ignore": [], "all_of": [],
                                            "context": []})
            return entry[kind]

        for ci, cat in enumerate(ruleset.categories):
            for word, weight in cat.keywords.items():
                slot(word, "keyword").append((ci, weight))
            for word in cat.exclude:
                slot(word, "exclude").append(ci)
            for rule in cat.near:
                for word in rule.terms:
                    slot(word, "near_term").append((ci, rule.within, rule.weight))
                    slot(word, "near_with").append(rule.with_)
                    near_of.setdefault(word, []).append((rule.within, rule.with_))
                for word in rule.with_:
                    slot(word, "context").append(True)
            for group in cat.all_of:
                for word in group.words:
                    slot(word, "all_of").append(len(self._groups))
                self._groups.append((ci, group))
        for word in ruleset.ignore:
            slot(word, "ignore").append(True)

        # Step 3: only a word inside a longer live word (scoring, ignore, or a near term where
        # its rule holds) can be hidden; record where it sits inside each such word.
        live = {w: (None if p["keyword"] or p["ignore"] else tuple(near_of[w]))
                for w, p in parts.items() if p["keyword"] or p["ignore"] or p["near_term"]}
        index = {w: i for i, w in enumerate(parts)}
        info: list[_Word] = []
        for word, p in parts.items():
            containers = tuple(
                (index[other], other, len(other), _offsets(word, other), cond)
                for other, cond in live.items() if len(other) > len(word) and word in other)
            info.append(_Word(
                text=word, length=len(word), keyword=tuple(p["keyword"]),
                near_term=tuple(p["near_term"]),
                near_with=tuple(tuple((index[c], c) for c in ctx) for ctx in p["near_with"]),
                exclude=tuple(p["exclude"]), all_of=tuple(p["all_of"]), containers=containers,
                container_ids=tuple(c[0] for c in containers),
                simple=not p["near_term"] and not containers))
        self._info: tuple[_Word, ...] = tuple(info)
        self._words = tuple(parts)
        self._group_words = [tuple(index[w] for w in rule.words) for _, rule in self._groups]
        # ahocorasick-rs, chosen by measurement over pyahocorasick (benchmarks/
        # classify_matchers_bench.py): on a 2 KB Chinese body with ~200 overlapping hits it
        # returns all of them as one list about three times faster than pyahocorasick's iterator.
        self._automaton = ahocorasick_rs.AhoCorasick(self._words) if parts else None

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct word the rules mention (keywords, near terms and their context words,
        exclusion, group and ignore words)."""
        return self._words

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
        """Score one normalized field into *scores* and *evidence* (steps 1–6 above).

        The automaton's overlapping matches are reduced, in C, to each word's first position:
        a long body has ~200 hits of ~40 distinct words and each (category, word) scores once.
        The few words whose other occurrences matter (near terms, words a longer word may hide,
        required groups with a distance) look further with ``str.find`` from there.
        """
        if self._automaton is None or not text:
            return
        hits = self._automaton.find_matches_as_indexes(text, overlapping=True)
        if not hits:
            return
        # Matches come ordered by end, so for each word by start: keep each word's first start.
        hits.reverse()
        first = dict(zip(map(_IDX, hits), map(_START, hits)))
        info = self._info

        excluded: set[int] = set()
        grouped: set[int] = set()
        # (start, end, word, category, weight): sorted, the first per (category, word) counts
        candidates: list[tuple[int, int, str, int, float]] = []
        for idx, start in first.items():
            w = info[idx]
            if w.exclude:
                excluded.update(w.exclude)
            if w.all_of:
                grouped.update(w.all_of)
            if w.simple or (not w.near_term
                            and not any(map(first.__contains__, w.container_ids))):
                # a plain keyword, or one whose longer words are all absent from this field
                end = start + w.length
                for ci, weight in w.keyword:
                    candidates.append((start, end, w.text, ci, weight))
            elif w.keyword or w.near_term:
                self._complex_candidates(text, first, w, start, candidates)

        if grouped:
            self._score_groups(field, text, first, grouped, excluded, mult, scores, evidence)
        if not candidates:
            return
        candidates.sort()
        seen: set[tuple[int, str]] = set()
        names = self._names
        for start, _end, word, ci, weight in candidates:
            if ci in excluded or (ci, word) in seen:
                continue
            seen.add((ci, word))
            wt = weight * mult
            scores[ci] += wt
            evidence.append(Evidence(word, field, start, wt, names[ci]))

    def _complex_candidates(self, text: str, first: dict[int, int], w: _Word, start: int,
                            candidates: list[tuple[int, int, str, int, float]]) -> None:
        """Candidates of a word that may be hidden or is a near term: for each of its
        categories, its first occurrence that is visible (and, for a near term, where the rule
        holds); at that position the smallest weight, as sorting all candidates would pick."""
        # Only longer words present in this field can hide: usually none or one of many.
        containers = [c for c in w.containers if c[0] in first]
        todo_kw = bool(w.keyword)
        # A near rule none of whose context words is in the field can hold nowhere in it.
        near = [(ci, within, weight, present) for (ci, within, weight), context
                in zip(w.near_term, w.near_with)
                if (present := tuple(c for i, c in context if i in first))]
        todo_near = {r[0] for r in near}
        size, word = w.length, w.text
        pos = start
        while pos >= 0 and (todo_kw or todo_near):
            end = pos + size
            if not (containers and _hidden(text, pos, containers, first)):
                if todo_kw:
                    candidates.extend((pos, end, word, ci, weight) for ci, weight in w.keyword)
                    todo_kw = False
                found: dict[int, float] = {}
                for ci, within, weight, context in near:
                    if ci in todo_near and _context_near(text, pos, end, within, context):
                        found[ci] = min(weight, found.get(ci, weight))
                for ci, weight in found.items():
                    candidates.append((pos, end, word, ci, weight))
                    todo_near.discard(ci)
            pos = text.find(word, pos + 1)

    def _score_groups(self, field: str, text: str, first: dict[int, int], grouped: set[int],
                      excluded: set[int], mult: float, scores: list[float],
                      evidence: list[Evidence]) -> None:
        """Required groups (all of …), in rule order: every word present in the field (and,
        with ``within``, close to one occurrence of the first word, the group's position)."""
        for g in sorted(grouped):
            ci, rule = self._groups[g]
            idxs = self._group_words[g]
            if ci in excluded or any(i not in first for i in idxs):
                continue
            anchor = first[idxs[0]]
            if rule.within is not None:
                head, others = rule.words[0], rule.words[1:]
                while anchor >= 0 and not all(
                        _context_near(text, anchor, anchor + len(head), rule.within, (o,))
                        for o in others):
                    anchor = text.find(head, anchor + 1)
                if anchor < 0:
                    continue
            w = rule.weight * mult
            scores[ci] += w
            evidence.append(Evidence("+".join(rule.words), field, anchor, w, self._names[ci]))


def _offsets(word: str, other: str) -> tuple[int, ...]:
    """Every offset at which *word* occurs inside *other*."""
    out, i = [], other.find(word)
    while i >= 0:
        out.append(i)
        i = other.find(word, i + 1)
    return tuple(out)


def _hidden(text: str, start: int, containers: list[_Container], first: dict[int, int]) -> bool:
    """True when a longer live word covers the hit at *start* (step 3); *first* holds each
    present word's first position, so earlier positions need no look."""
    for idx, other, size, offsets, near in containers:
        earliest = first[idx]
        for off in offsets:
            s = start - off
            if s >= earliest and text.startswith(other, s) and (
                    near is None or any(_context_near(text, s, s + size, within, context)
                                        for within, context in near)):
                return True
    return False


def _context_near(text: str, start: int, end: int, within: int, context: tuple[str, ...]) -> bool:
    """True when one of the *context* words occurs within *within* characters of
    [start, end) — overlapping counts, the same span as the hit itself does not."""
    for c in context:
        size = len(c)
        hi = end + within + size
        i = text.find(c, max(0, start - within - size), hi)
        while i >= 0:
            if i != start or size != end - start:
                return True
            i = text.find(c, i + 1, hi)
    return False
