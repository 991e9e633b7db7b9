"""Calibrated doubt: how likely is the rules' category wrong, and so does a person look?

The rules say which category an item belongs to; this module says how far to trust that. It
reads what an officer would read from a decision — did the winning words appear in the headline
or only in the body, how many independent words agree, how far ahead of the runner-up, is it the
fallback 其他 for lack of any evidence, does the second opinion (a character n-gram model) agree —
and turns it into ``doubt``, the probability that the category is wrong, by a logistic model
fitted on the development corpus (``tools/calibrate_doubt.py``). ``needs_review`` is ``doubt``
at or above the calibration's threshold, chosen there for a review load the officer can carry.

Pure: :func:`load_calibration` reads the shipped JSON; everything else is arithmetic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ._coreload import core as _core

if TYPE_CHECKING:
    from ._classify import Decision
    from ._learn import Prediction

# The order of the features in a calibration's weights. Each is 0..1 or a small count, so the
# fitted weights read as "how much this raises the odds of a wrong category".
FEATURES = (
    "bias",
    "fallback",          # no rule word at all: 其他 by default
    "lead",              # margin / score: 1 = no competitor, 0 = a tie
    "log_score",         # log(1 + score)
    "title_hit",         # the winner's words are in the headline
    "body_only",         # the winner's words are only in the body
    "one_word",          # a single distinct winning word
    "rival_in_title",    # another category also has words in the headline
    "is_other",          # the winner is the fallback category (其他) by its own words
    "rules_flag",        # below the rules file's own [review] min_score / min_margin
    "model_agrees",      # the second opinion's top category is the rules' category
    "model_p_rules",     # the second opinion's probability of the rules' category
    "model_p_top",       # the second opinion's probability of its own top category
)
MODEL_FEATURES = frozenset({"model_agrees", "model_p_rules", "model_p_top"})


def features(d: Decision, fallback: str, p: Prediction | None) -> list[float]:
    """The feature vector of one rules decision (see FEATURES), before calibration: its
    ``needs_review`` is the rules file's own; ``p`` is the second opinion or None."""
    return features_of(d.category, d.score, d.margin, d.needs_review, d.evidence, fallback, p)


def features_of(category: str, score: float, margin: float, needs_review: bool,
                evidence: Sequence, fallback: str, p: Prediction | None) -> list[float]:
    """:func:`features` of a decision given by its parts (what Classifier.classify has before
    it makes the Decision)."""
    any_word, in_title, one_word, rival_in_title = _core.evidence_facts(evidence, category)
    no_evidence = score <= 0
    row = [
        1.0,
        1.0 if no_evidence else 0.0,
        0.0 if no_evidence else min(1.0, margin / score),
        math.log1p(max(0.0, score)),
        1.0 if in_title else 0.0,
        1.0 if any_word and not in_title else 0.0,
        1.0 if one_word else 0.0,
        1.0 if rival_in_title else 0.0,
        1.0 if category == fallback and not no_evidence else 0.0,
        1.0 if needs_review and not no_evidence else 0.0,
    ]
    if p is None:
        row += [0.0, 0.0, 0.0]
    else:
        row += [1.0 if p.category == category else 0.0,
                p.probabilities.get(category, 0.0), p.probability]
    return row


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over FEATURES and the review threshold, with what they were fitted on."""

    weights: tuple[float, ...]
    threshold: float
    uses_model: bool
    fitted_on: str = ""

    def doubt(self, x: Sequence[float]) -> float:
        z = sum(w * v for w, v in zip(self.weights, x))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def as_dict(self) -> dict[str, Any]:
        # rounded: the model's sums differ in the last bits from run to run (set order); the
        # threshold lies midway between two items' doubts (pick_threshold), far from both
        return {"features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
                "threshold": round(self.threshold, 6), "uses_model": self.uses_model,
                "fitted_on": self.fitted_on}


def load_calibration(path: Path, *, uses_model: bool) -> Calibration:
    """The calibration in *path* for decisions with (``uses_model``) or without a second opinion."""
    data = json.loads(path.read_text(encoding="utf-8"))
    part = data["with_model" if uses_model else "rules_only"]
    if part["features"] != list(FEATURES):
        raise ValueError(f"{path}: calibrated for other features; rerun tools/calibrate_doubt.py")
    return Calibration(tuple(float(w) for w in part["weights"]), float(part["threshold"]),
                       uses_model, part.get("fitted_on", ""))


def fit_logistic(xs: Sequence[Sequence[float]], ys: Sequence[int], *, l2: float = 1.0,
                 skip: frozenset[int] = frozenset(), iterations: int = 50) -> tuple[float, ...]:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias); features
    whose index is in ``skip`` keep weight 0. Twelve features and a few hundred rows: exact
    and instant, no library needed."""
    k = len(xs[0])
    live = [j for j in range(k) if j not in skip]
    w = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(xs, ys):
            z = sum(wj * xj for wj, xj in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            r = p * (1.0 - p)
            for i in live:
                grad[i] += (p - y) * x[i]
                xi = r * x[i]
                if xi:
                    row = hess[i]
                    for j in live:
                        row[j] += xi * x[j]
        for i in live:
            if i:
                grad[i] += l2 * w[i]
                hess[i][i] += l2
            else:
                hess[i][i] += 1e-9
        step = _solve([[hess[i][j] for j in live] for i in live], [grad[i] for i in live])
        for n, i in enumerate(live):
            w[i] -= step[n]
        if max(abs(s) for s in step) < 1e-9:
            break
    return tuple(w)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a small dense symmetric system)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f:
                for j in range(c, n + 1):
                    m[r][j] -= f * m[c][j]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(m[r][r]) < 1e-12:
            continue
        out[r] = (m[r][n] - sum(m[r][j] * out[j] for j in range(r + 1, n))) / m[r][r]
    return out


@dataclass(frozen=True)
class CurvePoint:
    """At one threshold: the share flagged for review and the share wrong and not flagged."""

    threshold: float
    review: float
    silent: float


def curve(scored: Sequence[tuple[float, bool]], thresholds: Sequence[float] | None = None
          ) -> list[CurvePoint]:
    """Review load against silent errors for ``(doubt, wrong)`` pairs, at each threshold
    (default: every distinct doubt, so the curve is exact)."""
    n = len(scored) or 1
    if thresholds is None:
        thresholds = sorted({d for d, _ in scored} | {1.01})
    out = []
    for t in thresholds:
        review = sum(1 for d, _ in scored if d >= t)
        silent = sum(1 for d, wrong in scored if wrong and d < t)
        out.append(CurvePoint(t, review / n, silent / n))
    return out


def pick_threshold(scored: Sequence[tuple[float, bool]], *, max_review: float) -> CurvePoint:
    """The threshold with the fewest silent errors whose review load stays within
    ``max_review``; among equals, the most review. The development lines are ones the rules were
    tuned on, so they show fewer errors than a bureau never seen will have: review the budget
    allows but development cannot show to pay is spent on the most doubtful items all the same
    (with the least review among equals, one fixed development error moved the threshold so far
    that 14.6% were flagged instead of 17.9%)."""
    points = [p for p in curve(scored) if p.review <= max_review]
    best = min(points, key=lambda p: (p.silent, -p.review))
    # midway down to the next lower doubt: the same items flagged, with room on both sides
    lower = [d for d, _ in scored if d < best.threshold]
    if lower:
        best = CurvePoint((best.threshold + max(lower)) / 2, best.review, best.silent)
    return best
