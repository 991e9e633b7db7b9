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

from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

import json

from . import _doubt
from ._coreload import core as _core
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


# Evidence((keyword, field, start, weight, category)) without the named tuple's Python-level
# __new__: the hot loop makes one per scoring hit.
_evidence = partial(tuple.__new__, Evidence)


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
        # The hot path's view of each automaton word, by index (classifier/_core.py):
        #   (PLAIN, ((word, length, category, weight), ...)) scores at its first position;
        #   (HIDEABLE, word): plain unless a longer word containing it is in the field too;
        #   (NEAR, word): a near term (and maybe a keyword), see _core.complex_candidates;
        #   None: only context, exclusion, group or ignore roles (handled apart).
        plans: list[tuple[int, Any] | None] = []
        for w in info:
            as_tuple = (w.index, w.text, w.length, w.keyword, w.near_term, w.near_with,
                        w.containers)
            if w.near_term:
                plans.append((_core.NEAR, as_tuple))
            elif w.keyword and w.containers:
                plans.append((_core.HIDEABLE, as_tuple))
            elif w.keyword:
                plans.append((_core.PLAIN, tuple((w.text, w.length, ci, weight)
                                                 for ci, weight in w.keyword)))
            else:
                plans.append(None)
        exclude = {i: w.exclude for i, w in enumerate(info) if w.exclude}
        # longer live word -> the keywords inside it, which its presence may hide
        inside: dict[int, list[int]] = {}
        for w in info:
            if w.keyword and not w.near_term:
                for c in w.containers:
                    inside.setdefault(c, []).append(w.index)
        in_group = frozenset(i for i, w in enumerate(info) if w.all_of)
        all_of = {i: w.all_of for i, w in enumerate(info) if w.all_of}
        groups = [(ci, rule.words, tuple(index[w] for w in rule.words), rule.within,
                   rule.weight, "+".join(rule.words)) for ci, rule in self._groups]
        # the automaton and the tables are the core's own (classifier/_core.py, prepare), so
        # this classifier keeps the core it built them with
        self._core = _core
        self._tables = _core.prepare(self._words, plans, exclude, inside, in_group, all_of,
                                     groups, list(self._names), _evidence)

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
        best, top, runner_up, evidence = self._core.rank_item(
            self._tables, title, body, rs.title_weight, rs.body_weight, self._priority)
        if top <= 0:
            category, score, margin, needs_review = rs.fallback, 0.0, 0.0, True
        else:
            category, score, margin = self._names[best], round(top, 6), round(top - runner_up, 6)
            needs_review = score < rs.min_score or margin < rs.min_margin
        cal = self._calibration
        if cal is None:
            return Decision(category, score, margin, needs_review, evidence, rs.version)
        # calibrated: the doubt, flagged when it reaches the threshold (the rules' own [review]
        # thresholds are one of the things it weighs); one Decision made, with it
        p = self._model.predict(title, body) if self._model is not None else None
        doubt = cal.doubt(_doubt.features_of(category, score, margin, needs_review, evidence,
                                             rs.fallback, p))
        return Decision(category, score, margin, doubt >= cal.threshold, evidence, rs.version,
                        "", doubt)

    def _score_field(self, field: str, text: str, mult: float, scores: list[float],
                     evidence: list[Evidence]) -> None:
        """Score one normalized field into *scores* and *evidence* (steps 1–6 above)."""
        self._core.score_field(self._tables, field, text, mult, scores, evidence)


def _offsets(word: str, other: str) -> tuple[int, ...]:
    """Every offset at which *word* occurs inside *other*."""
    out, i = [], other.find(word)
    while i >= 0:
        out.append(i)
        i = other.find(word, i + 1)
    return tuple(out)


def fast_evidence_json(evidence: tuple[Evidence, ...]) -> str | None:
    """``json.dumps([e.as_dict() for e in evidence], ensure_ascii=False)`` written by the
    compiled core, in C; None on pure Python, or for evidence it leaves to the caller (a
    character JSON escapes, a weight that is not a finite float)."""
    return _core.evidence_json(evidence)


@lru_cache(maxsize=1)
def seed_model():
    """The naive-Bayes second opinion learnt from the development corpus shipped in SEED."""
    from . import _seedcache
    from ._learn import NaiveBayes
    seed = SEED.read_bytes()

    def train() -> NaiveBayes:
        rows = []
        for line in seed.decode("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                obj = json.loads(line)
                rows.append((obj["title"], obj.get("body", ""), obj["label"]))
        return NaiveBayes(rows)

    # trained once, then read from the user's cache (58–62 ms -> a few at every start)
    return _seedcache.load_or_train(seed, train, NaiveBayes.from_state, NaiveBayes.state)


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
