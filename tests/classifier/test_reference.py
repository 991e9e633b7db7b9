"""The fast path must decide exactly as the plain per-occurrence reading of the scoring steps.

``reference_field`` reads classifier/_classify.py's steps 1–6 literally from the public Ruleset:
every occurrence of every rule word is found with ``str.find``, every live hit becomes a
candidate, every candidate is checked against every live span. The Classifier (ahocorasick-rs,
first positions only, ``str.find`` for the rest) must give identical scores and evidence on
every fixture headline, on long synthetic bodies, and on random rulesets over a tiny alphabet
where containment, near rules, exclusions and groups collide all the time.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from classifier import Classifier, Evidence, Ruleset, load_rules, normalize, parse_rules

from test_headlines import FIXTURES, read_cases

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from classify_bench import make_items  # noqa: E402


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return out


def _near(span: tuple[int, int], within: int, others: list[tuple[int, int]]) -> bool:
    s, e = span
    return any((cs, ce) != span and max(0, cs - e, s - ce) <= within for cs, ce in others)


def reference_field(rs: Ruleset, field: str, text: str, mult: float,
                    scores: list[float], evidence: list[Evidence]) -> None:
    names = rs.names
    excluded = {ci for ci, cat in enumerate(rs.categories)
                if any(w in text for w in cat.exclude)}
    # Groups first, in rule order.
    for ci, cat in enumerate(rs.categories):
        for rule in cat.all_of:
            if ci in excluded or not all(w in text for w in rule.words):
                continue
            head = rule.words[0]
            anchor = next((s for s, e in _occurrences(text, head) if rule.within is None
                           or all(_near((s, e), rule.within, _occurrences(text, o))
                                  for o in rule.words[1:])), None)
            if anchor is not None:
                scores[ci] += rule.weight * mult
                evidence.append(Evidence("+".join(rule.words), field, anchor,
                                         rule.weight * mult, names[ci]))
    candidates, live = [], set()
    for word in rs.ignore:
        live.update(_occurrences(text, word))
    for ci, cat in enumerate(rs.categories):
        for word, weight in cat.keywords.items():
            spans = _occurrences(text, word)
            live.update(spans)
            candidates += [(s, e, word, ci, weight) for s, e in spans]
        for rule in cat.near:
            context = [span for c in rule.with_ for span in _occurrences(text, c)]
            for word in rule.terms:
                for span in _occurrences(text, word):
                    if _near(span, rule.within, context):
                        live.add(span)
                        candidates.append((*span, word, ci, rule.weight))
    seen = set()
    for s, e, word, ci, weight in sorted(candidates):
        hidden = any(ls <= s and le >= e and le - ls > e - s for ls, le in live)
        if ci in excluded or (ci, word) in seen or hidden:
            continue
        seen.add((ci, word))
        scores[ci] += weight * mult
        evidence.append(Evidence(word, field, s, weight * mult, names[ci]))


def reference_scores(rs: Ruleset, title: str, body: str) -> tuple[list[float], list[Evidence]]:
    scores = [0.0] * len(rs.categories)
    evidence: list[Evidence] = []
    for field, text, mult in (("title", title, rs.title_weight), ("body", body, rs.body_weight)):
        if text:
            reference_field(rs, field, normalize(text), mult, scores, evidence)
    return scores, evidence


def fast_scores(clf: Classifier, title: str, body: str) -> tuple[list[float], list[Evidence]]:
    scores = [0.0] * len(clf.ruleset.categories)
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
        assert fast_scores(clf, title, body) == reference_scores(clf.ruleset, title, body), title


ALPHABET = "甲乙丙丁"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))


def _random_rules(rng: random.Random) -> str:
    """A TOML ruleset whose words all come from four characters, so every word is inside
    others, near terms sit next to their context and groups share words with keywords."""
    def words(n: int) -> list[str]:
        return sorted({_word(rng) for _ in range(n)})

    lines = [f"title_weight = {rng.choice((1.0, 3.0))}", "body_weight = 1.0",
             'fallback = "C"', f"ignore = {json.dumps(words(rng.randrange(0, 3)))}"]
    for i, name in enumerate("ABC"):
        lines += ["[[category]]", f'name = "{name}"', f'label = "{name}"', f"key = {i + 1}",
                  f"priority = {rng.randrange(3)}",
                  f"exclude = {json.dumps(words(rng.randrange(0, 2)), ensure_ascii=False)}",
                  "[category.keywords]"]
        lines += [f'"{w}" = {rng.choice((1, 2, 2.5, 4))}' for w in words(rng.randrange(1, 6))]
        for _ in range(rng.randrange(0, 3)):
            lines += ["[[category.near]]", f"terms = {json.dumps(words(2), ensure_ascii=False)}",
                      f"with = {json.dumps(words(2), ensure_ascii=False)}",
                      f"within = {rng.randrange(0, 5)}", f"weight = {rng.choice((1, 3))}"]
        for _ in range(rng.randrange(0, 2)):
            group = words(3)
            if len(group) >= 2:
                lines += ["[[category.all]]", f"words = {json.dumps(group, ensure_ascii=False)}",
                          f"weight = {rng.choice((2, 5))}"]
                if rng.random() < 0.6:
                    lines.append(f"within = {rng.randrange(0, 6)}")
    return "\n".join(lines) + "\n"


def test_random_rulesets_match_reference() -> None:
    rng = random.Random(20261125)
    checked = 0
    for _ in range(300):
        rs = parse_rules(_random_rules(rng).encode("utf-8"))
        clf = Classifier(rs)
        for _ in range(20):
            title = "".join(rng.choice(ALPHABET + "。 ") for _ in range(rng.randrange(0, 12)))
            body = "".join(rng.choice(ALPHABET + "，戊") for _ in range(rng.randrange(0, 80)))
            assert fast_scores(clf, title, body) == reference_scores(rs, title, body), (title, body)
            checked += 1
    assert checked == 6000
