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

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import ahocorasick

from ._normalize import normalize
from ._rules import AllRule, Ruleset

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


@dataclass(frozen=True)
class _Word:
    """Everything one automaton word means, precomputed so matching does no dispatch."""

    text: str
    length: int
    keyword: tuple[tuple[int, float], ...]  # (category index, weight)
    near_term: tuple[tuple[int, int, int, float], ...]  # (near rule, category, within, weight)
    near_with: tuple[int, ...]  # near rules this word is context for
    exclude: tuple[int, ...]  # categories this word voids
    ignore: bool
    all_of: tuple[int, ...] = ()  # required groups this word belongs to
    contained: bool = False  # some longer live word contains it, so a hit may be hidden


class Classifier:
    """Files items into the categories of *ruleset*; build once, call ``classify`` many times."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._names = ruleset.names
        self._priority = [c.priority for c in ruleset.categories]

        parts: dict[str, dict[str, list]] = {}
        self._groups: list[tuple[int, AllRule]] = []  # (category index, rule)

        def slot(word: str, kind: str) -> list:
            entry = parts.setdefault(word, {"keyword": [], "near_term": [], "near_with": [],
                                            "exclude": [], "ignore": [], "all_of": []})
            return entry[kind]

        near_index = 0
        for ci, cat in enumerate(ruleset.categories):
            for word, weight in cat.keywords.items():
                slot(word, "keyword").append((ci, weight))
            for word in cat.exclude:
                slot(word, "exclude").append(ci)
            for rule in cat.near:
                for word in rule.terms:
                    slot(word, "near_term").append((near_index, ci, rule.within, rule.weight))
                for word in rule.with_:
                    slot(word, "near_with").append(near_index)
                near_index += 1
            for group in cat.all_of:
                for word in group.words:
                    slot(word, "all_of").append(len(self._groups))
                self._groups.append((ci, group))
        for word in ruleset.ignore:
            slot(word, "ignore").append(True)

        # Only a word inside a longer scoring/ignore word can ever be hidden (step 3); knowing
        # which ones lets the hot loop skip the containment scan for all the others.
        live_words = [w for w, p in parts.items() if p["keyword"] or p["near_term"] or p["ignore"]]
        # The automaton stores each word's index into self._info: ints hash and compare far faster
        # than the records themselves when occurrences are grouped per word.
        self._automaton = ahocorasick.Automaton()
        info: list[_Word] = []
        for word, p in parts.items():
            self._automaton.add_word(word, len(info))
            info.append(_Word(
                text=word, length=len(word), keyword=tuple(p["keyword"]),
                near_term=tuple(p["near_term"]), near_with=tuple(p["near_with"]),
                exclude=tuple(p["exclude"]), ignore=bool(p["ignore"]),
                all_of=tuple(p["all_of"]),
                contained=any(len(o) > len(word) and word in o for o in live_words)))
        self._info: tuple[_Word, ...] = tuple(info)
        self._words = tuple(parts)
        self._max_len = max((len(w) for w in parts), default=0)
        if parts:
            self._automaton.make_automaton()

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct word the automaton looks for (keywords, context, exclusion, ignore)."""
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
        if not self._words or not text:
            return
        # Group occurrences by word: a long body has ~170 hits of ~40 distinct words, and each
        # (category, word) scores once per field, so the work below is per word, not per hit.
        # Ends arrive in increasing order, so each word's list is sorted.
        occ: dict[int, list[int]] = {}
        for end, idx in self._automaton.iter(text):
            ends = occ.get(idx)
            if ends is None:
                occ[idx] = [end + 1]
            else:
                ends.append(end + 1)
        if not occ:
            return
        info = self._info
        words = [(info[idx], ends) for idx, ends in occ.items()]

        context: dict[int, list[tuple[int, int]]] = {}
        excluded: set[int] = set()
        groups: dict[int, dict[str, list[tuple[int, int]]]] = {}
        for w, ends in words:
            if w.exclude:
                excluded.update(w.exclude)
            if w.near_with or w.all_of:
                spans = [(e - w.length, e) for e in ends]
                for ref in w.near_with:
                    context.setdefault(ref, []).extend(spans)
                for g in w.all_of:
                    groups.setdefault(g, {})[w.text] = spans
        # _near bisects on end position; at one end the automaton reports longer words first.
        for spans in context.values():
            spans.sort(key=_by_end)
        if groups:
            self._score_groups(field, groups, excluded, mult, scores, evidence)

        # Candidates that score: (start, end, word, category, weight, may be hidden). A word no
        # live word contains can never be hidden, so only its first qualifying occurrence can
        # count; a containable word keeps every occurrence for the containment check below.
        candidates: list[tuple[int, int, str, int, float, bool]] = []
        live_spans: list[tuple[int, list[int]]] = []   # (length, ends) of live occurrences
        need_longest = False
        for w, ends in words:
            size = w.length
            if w.keyword or w.ignore:
                live_spans.append((size, ends))
            for ci, weight in w.keyword:
                if ci not in excluded:
                    if w.contained:
                        need_longest = True
                        candidates.extend((e - size, e, w.text, ci, weight, True) for e in ends)
                    else:
                        candidates.append((ends[0] - size, ends[0], w.text, ci, weight, False))
            if not w.near_term:
                continue
            near_live: list[int] = []   # ends where any near rule of this word is satisfied
            for e in ends:
                s = e - size
                live_here = False
                for ref, ci, within, weight in w.near_term:
                    if _near(s, e, within, context.get(ref)):
                        live_here = True
                        if ci not in excluded:
                            candidates.append((s, e, w.text, ci, weight, w.contained))
                            need_longest = need_longest or w.contained
                if live_here:
                    near_live.append(e)
            if near_live and not (w.keyword or w.ignore):
                live_spans.append((size, near_live))
        if not candidates:
            return

        # Longest live span (scoring or ignore) starting at each position, for containment.
        longest: dict[int, int] = {}
        if need_longest:
            for size, ends in live_spans:
                for e in ends:
                    s = e - size
                    if longest.get(s, 0) < e:
                        longest[s] = e

        reach = self._max_len
        seen: set[tuple[int, str]] = set()
        names = self._names
        for start, end, word, ci, weight, contained in sorted(candidates):
            if (ci, word) in seen:
                continue
            # Hidden when a longer live span starting at or before `start` covers [start, end).
            size = end - start
            if contained and any(longest.get(s, 0) >= end and longest[s] - s > size
                                 for s in range(max(0, start - reach), start + 1)):
                continue
            seen.add((ci, word))
            w = weight * mult
            scores[ci] += w
            evidence.append(Evidence(keyword=word, field=field, start=start, weight=w,
                                     category=names[ci]))

    def _score_groups(self, field: str, found: dict[int, dict[str, list[tuple[int, int]]]],
                      excluded: set[int], mult: float, scores: list[float],
                      evidence: list[Evidence]) -> None:
        """Required groups (all of …): every word present (and close, with ``within``)."""
        for g, spans in found.items():
            ci, rule = self._groups[g]
            if ci in excluded or len(spans) < len(rule.words):
                continue
            first, others = rule.words[0], rule.words[1:]
            anchor = next((s for s, e in spans[first]
                           if rule.within is None
                           or all(_near(s, e, rule.within, spans[o]) for o in others)), None)
            if anchor is None:
                continue
            w = rule.weight * mult
            scores[ci] += w
            evidence.append(Evidence(keyword="+".join(rule.words), field=field, start=anchor,
                                     weight=w, category=self._names[ci]))


def _by_end(span: tuple[int, int]) -> tuple[int, int]:
    return span[1], span[0]


def _near(start: int, end: int, within: int, others: list[tuple[int, int]] | None) -> bool:
    """True when one of *others* (context-word spans, in order of their end) lies within
    *within* characters of [start, end)."""
    if not others:
        return False
    # Spans ending before start - within are too far left; skip them by bisection (long bodies
    # carry hundreds of context hits).
    i = bisect_left(others, (start - within,), key=lambda span: (span[1],))
    for s, e in others[i:]:
        if s > end + within and e - s <= 0:
            break
        if (s, e) != (start, end) and max(0, s - end, start - e) <= within:
            return True
        if s - end > within and e > end + within + 64:   # far right of us and beyond any word
            break
    return False
