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
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import json

import ahocorasick_rs

from . import _doubt
from ._normalize import normalize
from ._rules import AllRule, Ruleset

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed_headlines.jsonl"      # the development corpus the built-in model learns from
CALIBRATION = DATA / "doubt.json"


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
    # The calibrated probability that ``category`` is wrong (classifier/_doubt.py); None when
    # the classifier was built without a calibration.
    doubt: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "category": self.category,
            "score": self.score,
            "margin": self.margin,
            "needs_review": self.needs_review,
            "evidence": [e.as_dict() for e in self.evidence],
            "ruleset_version": self.ruleset_version,
        }
        if self.doubt is not None:
            out["doubt"] = round(self.doubt, 3)
        if self.second_opinion:
            out["second_opinion"] = self.second_opinion
        return out


# A near rule as matching needs it: (within, context words as (automaton index, text)).
_Near = tuple[int, tuple[tuple[int, str], ...]]
# A longer live word that may hide this one, under its automaton index: (its length, the
# offsets of this word inside it, None when it is always live, else its near rules: live only
# where one of them is satisfied).
_Container = tuple[int, tuple[int, ...], "tuple[_Near, ...] | None"]


@dataclass(frozen=True)
class _Word:
    """Everything one automaton word means, precomputed so matching does no dispatch."""

    index: int  # in the automaton
    text: str
    length: int
    keyword: tuple[tuple[int, float], ...]  # (category index, weight)
    near_term: tuple[tuple[int, int, float], ...]  # (category, within, weight) ...
    near_with: tuple[tuple[tuple[int, str], ...], ...]  # ... its context words (index, text)
    exclude: tuple[int, ...]  # categories this word voids
    all_of: tuple[int, ...]  # required groups this word belongs to
    # longer live words containing it (they may hide a hit), by automaton index
    containers: dict[int, _Container] = field(compare=False)


_PLAIN, _HIDEABLE, _NEAR = 0, 1, 2
# Evidence((keyword, field, start, weight, category)) without the named tuple's Python-level
# __new__: the hot loop makes one per scoring hit.
_evidence = partial(tuple.__new__, Evidence)
_IDX = itemgetter(0)
_START = itemgetter(1)


class Classifier:
    """Files items into the categories of *ruleset*; build once, call ``classify`` many times.

    ``calibrated`` (the default) sets ``needs_review`` from the calibrated doubt of each decision
    (classifier/_doubt.py), with the built-in model of the development corpus as second opinion
    when the ruleset has its categories; ``calibrated=False`` gives the rules' own thresholds only
    (``[review] min_score / min_margin``), as tools that study the rules themselves need.
    """

    def __init__(self, ruleset: Ruleset, *, calibrated: bool = True) -> None:
        self.ruleset = ruleset
        self._model, self._calibration = _calibration_for(ruleset) if calibrated else (None, None)
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
        index = {w: i for i, w in enumerate(parts)}
        live = {w: (None if p["keyword"] or p["ignore"] else
                    tuple((within, tuple((index[c], c) for c in context))
                          for within, context in near_of[w]))
                for w, p in parts.items() if p["keyword"] or p["ignore"] or p["near_term"]}
        info: list[_Word] = []
        for word, p in parts.items():
            containers = {index[other]: (len(other), _offsets(word, other), cond)
                          for other, cond in live.items()
                          if len(other) > len(word) and word in other}
            info.append(_Word(
                index=index[word], text=word, length=len(word), keyword=tuple(p["keyword"]),
                near_term=tuple(p["near_term"]),
                near_with=tuple(tuple((index[c], c) for c in ctx) for ctx in p["near_with"]),
                exclude=tuple(p["exclude"]), all_of=tuple(p["all_of"]), containers=containers))
        self._info: tuple[_Word, ...] = tuple(info)
        self._words = tuple(parts)
        # The hot path's view of each automaton word, by index: what to do when it is present.
        #   (_PLAIN, ((word, length, category, weight), ...)) scores at its first position;
        #   (_HIDEABLE, _Word): plain unless a longer word containing it is in the field too;
        #   (_NEAR, _Word): a near term (and maybe a keyword), see _complex_candidates;
        #   None: only context, exclusion, group or ignore roles (handled apart).
        self._plans: list[tuple[int, Any] | None] = []
        for w in info:
            if w.near_term:
                self._plans.append((_NEAR, w))
            elif w.keyword and w.containers:
                self._plans.append((_HIDEABLE, w))
            elif w.keyword:
                self._plans.append((_PLAIN, tuple((w.text, w.length, ci, weight)
                                                  for ci, weight in w.keyword)))
            else:
                self._plans.append(None)
        self._exclude = {i: w.exclude for i, w in enumerate(info) if w.exclude}
        # longer live word -> the keywords inside it, which its presence may hide
        self._inside: dict[int, list[int]] = {}
        for w in info:
            if w.keyword and not w.near_term:
                for c in w.containers:
                    self._inside.setdefault(c, []).append(w.index)
        self._in_group = frozenset(i for i, w in enumerate(info) if w.all_of)
        self._group_words = [tuple(index[w] for w in rule.words) for _, rule in self._groups]
        # ahocorasick-rs, chosen by measurement over pyahocorasick (benchmarks/
        # classify_matchers_bench.py): on a 2 KB Chinese body with ~200 overlapping hits it
        # returns all of them as one list about three times faster than pyahocorasick's iterator.
        # Its DFA form: a third faster on such a body than the default NFA, for a few MB.
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._words, implementation=ahocorasick_rs.Implementation.DFA) if parts else None

    @property
    def review_threshold(self) -> float | None:
        """The doubt at or above which a decision is flagged (None when uncalibrated)."""
        return None if self._calibration is None else self._calibration.threshold

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct word the rules mention (keywords, near terms and their context words,
        exclusion, group and ignore words)."""
        return self._words

    def classify(self, title: str, body: str = "") -> Decision:
        rs = self.ruleset
        scores = [0.0] * len(self._names)
        evidence: list[Evidence] = []
        for name, text, mult in (("title", title, rs.title_weight), ("body", body, rs.body_weight)):
            if text:
                self._score_field(name, normalize(text), mult, scores, evidence)

        order = sorted(range(len(scores)), key=lambda i: (-scores[i], -self._priority[i], i))
        best = order[0]
        if scores[best] <= 0:
            d = Decision(category=rs.fallback, score=0.0, margin=0.0, needs_review=True,
                         evidence=tuple(evidence), ruleset_version=rs.version)
        else:
            runner_up = max(scores[order[1]], 0.0) if len(order) > 1 else 0.0
            score = round(scores[best], 6)
            margin = round(scores[best] - runner_up, 6)
            needs_review = score < rs.min_score or margin < rs.min_margin
            winner = self._names[best]
            evidence.sort(key=lambda e: (e[4] != winner, e[1] != "title", e[2]))
            d = Decision(category=self._names[best], score=score, margin=margin,
                         needs_review=needs_review, evidence=tuple(evidence),
                         ruleset_version=rs.version)
        return d if self._calibration is None else self._calibrate(d, title, body)

    def _calibrate(self, d: Decision, title: str, body: str) -> Decision:
        """``d`` with its calibrated doubt, flagged when the doubt reaches the threshold (the
        rules' own [review] thresholds are one of the things the doubt weighs)."""
        cal = self._calibration
        p = self._model.predict(title, body) if self._model is not None else None
        doubt = cal.doubt(_doubt.features(d, self.ruleset.fallback, p))
        # a new Decision directly: dataclasses.replace reads every field back by name first
        return Decision(d.category, d.score, d.margin, doubt >= cal.threshold, d.evidence,
                        d.ruleset_version, d.second_opinion, doubt)

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

        excluded: set[int] = set()
        hideable: set[int] = set()   # words a longer word present in this field contains
        exclude, inside = self._exclude, self._inside
        # the few words of the field with these roles, found by set intersection (in C)
        for idx in first.keys() & exclude.keys():
            excluded.update(exclude[idx])
        for idx in first.keys() & inside.keys():
            hideable.update(inside[idx])
        # (start, end, word, category, weight): sorted, the first per (category, word) counts
        candidates: list[tuple[int, int, str, int, float]] = []
        plans = self._plans
        positions: dict[int, list[int]] = {}   # every start of every word, when needed
        for idx, start in first.items():
            plan = plans[idx]
            if plan is None:
                continue
            kind, what = plan
            if kind == _PLAIN:
                for word, size, ci, weight in what:
                    candidates.append((start, start + size, word, ci, weight))
            elif kind == _HIDEABLE and idx not in hideable:
                for ci, weight in what.keyword:
                    candidates.append((start, start + what.length, what.text, ci, weight))
            else:
                if not positions:
                    for i, s, _end in reversed(hits):   # ascending again
                        occ = positions.get(i)
                        if occ is None:
                            positions[i] = [s]
                        else:
                            occ.append(s)
                self._complex_candidates(positions, what, candidates)

        grouped = self._in_group.intersection(first)
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
            evidence.append(_evidence((word, field, start, wt, names[ci])))

    def _complex_candidates(self, positions: dict[int, list[int]], w: _Word,
                            candidates: list[tuple[int, int, str, int, float]]) -> None:
        """Candidates of a word that may be hidden or is a near term: for each of its
        categories, its first occurrence that is visible (and, for a near term, where the rule
        holds); at that position the smallest weight, as sorting all candidates would pick."""
        occ = positions[w.index]
        covered: set[int] = set()   # starts of this word's occurrences inside a longer live one
        # A short word may lie inside a hundred longer ones, of which a field holds one or two.
        containers = w.containers
        for idx in positions.keys() & containers.keys() if containers else ():
            size, offsets, near = containers[idx]
            for s in positions[idx]:
                if near is None or any(_spans_near(positions, s, s + size, within, context)
                                       for within, context in near):
                    covered.update([s + off for off in offsets])
        visible = [p for p in occ if p not in covered] if covered else occ
        if not visible:
            return
        size, word = w.length, w.text
        if w.keyword:
            p = visible[0]
            candidates += [(p, p + size, word, ci, weight) for ci, weight in w.keyword]
        found: dict[int, tuple[int, float]] = {}   # category -> (position, weight)
        for (ci, within, weight), context in zip(w.near_term, w.near_with):
            # the rule's context words present in this field; none, and it holds nowhere here
            present = [(idx, c) for idx, c in context if idx in positions]
            if not present:
                continue
            for p in visible:
                best = found.get(ci)
                if best is not None and best[0] < p:
                    break
                if _spans_near(positions, p, p + size, within, present):
                    if best is None or (p, weight) < best:
                        found[ci] = (p, weight)
                    break
        candidates += [(p, p + size, word, ci, weight) for ci, (p, weight) in found.items()]

    def _score_groups(self, field: str, text: str, first: dict[int, int], grouped: set[int],
                      excluded: set[int], mult: float, scores: list[float],
                      evidence: list[Evidence]) -> None:
        """Required groups (all of …), in rule order: every word present in the field (and,
        with ``within``, close to one occurrence of the first word, the group's position)."""
        info = self._info
        for g in sorted({g for idx in grouped for g in info[idx].all_of}):
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


def _spans_near(positions: dict[int, list[int]], start: int, end: int, within: int,
                context: "tuple[tuple[int, str], ...] | list[tuple[int, str]]") -> bool:
    """True when an occurrence of a *context* word (its starts in *positions*) lies within
    *within* characters of [start, end) — overlapping counts, the same span does not."""
    for idx, c in context:
        starts = positions.get(idx)
        if starts is not None:
            size = len(c)
            # skip, by bisection, the occurrences too far left: a long page has hundreds
            for i in range(bisect_left(starts, start - within - size), len(starts)):
                s = starts[i]
                if s > end + within:
                    break
                if s != start or s + size != end:
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


@lru_cache(maxsize=1)
def seed_model():
    """The naive-Bayes second opinion learnt from the development corpus shipped in SEED."""
    from ._learn import NaiveBayes
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            obj = json.loads(line)
            rows.append((obj["title"], obj.get("body", ""), obj["label"]))
    return NaiveBayes(rows)


@lru_cache(maxsize=2)
def _calibration_file(uses_model: bool) -> "_doubt.Calibration | None":
    if not CALIBRATION.exists():
        return None
    return _doubt.load_calibration(CALIBRATION, uses_model=uses_model)


def _calibration_for(ruleset: Ruleset):
    """(model or None, calibration or None) for *ruleset*: the built-in model only when the
    ruleset files into the categories it learnt (a bureau's own categories get the rules-only
    calibration)."""
    model = None
    if SEED.exists() and set(seed_model().categories) == set(ruleset.names):
        model = seed_model()
    return model, _calibration_file(model is not None)
