"""Scoring a ruleset against labelled items: precision, recall, F1, macro-F1, confusion matrix.

Pure: the caller passes ``(expected, predicted)`` pairs (from reviewed items or a labelled file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class CategoryScore:
    """Precision/recall/F1 of one category; ``support`` is how many items truly belong to it."""

    name: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Evaluation:
    """Per-category scores in report order, macro-F1 and ``confusion[expected][predicted]``.

    Macro-F1 averages the categories that occur in the labels or the predictions: a category
    nobody labelled and the rules never chose says nothing about the rules and is left out.
    """

    names: tuple[str, ...]
    scores: tuple[CategoryScore, ...]
    macro_f1: float
    accuracy: float
    total: int
    confusion: dict[str, dict[str, int]]


def evaluate(pairs: Iterable[tuple[str, str]], names: Iterable[str]) -> Evaluation:
    """Compare *pairs* of (expected, predicted) categories; *names* gives the report order.

    Labels outside *names* are the caller's business (reject them before calling); any that
    slip through are appended so the matrix still adds up.
    """
    order = list(dict.fromkeys(names))
    pairs = list(pairs)
    for expected, predicted in pairs:
        for label in (expected, predicted):
            if label not in order:
                order.append(label)
    confusion = {e: {p: 0 for p in order} for e in order}
    for expected, predicted in pairs:
        confusion[expected][predicted] += 1

    scores = []
    for name in order:
        tp = confusion[name][name]
        support = sum(confusion[name].values())
        predicted = sum(confusion[e][name] for e in order)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(CategoryScore(name, precision, recall, f1, support, predicted))
    present = [s for s in scores if s.support or s.predicted]
    macro = sum(s.f1 for s in present) / len(present) if present else 0.0
    correct = sum(confusion[n][n] for n in order)
    return Evaluation(names=tuple(order), scores=tuple(scores), macro_f1=macro,
                      accuracy=correct / len(pairs) if pairs else 0.0, total=len(pairs),
                      confusion=confusion)
