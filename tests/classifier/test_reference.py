"""The grouped-per-word hot path must decide exactly as the plain per-occurrence algorithm.

``reference_field`` is the straightforward reading of the scoring steps in classifier/_classify.py
(every occurrence becomes a hit, every live hit a candidate); Classifier's fast path must produce
identical scores and evidence on every fixture headline and on long synthetic bodies.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from classifier import Classifier, Evidence, load_rules, normalize
from classifier._classify import _near

from test_headlines import FIXTURES, read_cases

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from classify_bench import make_items  # noqa: E402


def reference_field(clf: Classifier, field: str, text: str, mult: float,
                    scores: list[float], evidence: list[Evidence]) -> None:
    hits = [(end + 1 - clf._info[i].length, end + 1, clf._info[i])
            for end, i in clf._automaton.iter(text)]
    context: dict[int, list[tuple[int, int]]] = {}
    excluded: set[int] = set()
    groups: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for start, end, w in hits:
        for ref in w.near_with:
            context.setdefault(ref, []).append((start, end))
        excluded.update(w.exclude)
        for g in w.all_of:
            groups.setdefault(g, {}).setdefault(w.text, []).append((start, end))
    if groups:
        clf._score_groups(field, groups, excluded, mult, scores, evidence)
    candidates = []
    longest: dict[int, int] = {}
    for start, end, w in hits:
        live = w.ignore or bool(w.keyword)
        candidates += [(start, end, w.text, ci, wt) for ci, wt in w.keyword if ci not in excluded]
        for ref, ci, within, wt in w.near_term:
            if _near(start, end, within, context.get(ref)):
                live = True
                if ci not in excluded:
                    candidates.append((start, end, w.text, ci, wt))
        if live:
            longest[start] = max(longest.get(start, 0), end)
    seen: set[tuple[int, str]] = set()
    for start, end, word, ci, wt in sorted(candidates):
        hidden = any(e >= end and e - s > end - start for s, e in longest.items() if s <= start)
        if (ci, word) in seen or hidden:
            continue
        seen.add((ci, word))
        scores[ci] += wt * mult
        evidence.append(Evidence(word, field, start, wt * mult, clf._names[ci]))


def reference_scores(clf: Classifier, title: str, body: str) -> tuple[list[float], list[Evidence]]:
    scores = [0.0] * len(clf._names)
    evidence: list[Evidence] = []
    rs = clf.ruleset
    for field, text, mult in (("title", title, rs.title_weight), ("body", body, rs.body_weight)):
        if text:
            reference_field(clf, field, normalize(text), mult, scores, evidence)
    return scores, evidence


def fast_scores(clf: Classifier, title: str, body: str) -> tuple[list[float], list[Evidence]]:
    scores = [0.0] * len(clf._names)
    evidence: list[Evidence] = []
    rs = clf.ruleset
    for field, text, mult in (("title", title, rs.title_weight), ("body", body, rs.body_weight)):
        if text:
            clf._score_field(field, normalize(text), mult, scores, evidence)
    return scores, evidence


def _items() -> list[tuple[str, str]]:
    cases = [c for p in sorted(FIXTURES.glob("**/*.txt")) for c in read_cases(p)]
    items = [(c.title, c.body) for c in cases]
    # Long bodies: many repeats, containment and near words far apart.
    items += make_items(60, seed=7)
    rng = random.Random(3)
    items += [(t, b[: rng.randrange(20, len(b))]) for t, b in make_items(40, seed=11)]
    return items


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(load_rules())


def test_fast_path_matches_reference(clf: Classifier) -> None:
    items = _items()
    assert len(items) > 250
    for title, body in items:
        assert fast_scores(clf, title, body) == reference_scores(clf, title, body), title
