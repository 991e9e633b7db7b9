"""classifier.evaluate: per-category precision/recall/F1, macro-F1 and the confusion matrix."""
import pytest

from classifier import evaluate

NAMES = ["A", "B", "C"]


def test_scores_and_confusion():
    pairs = [("A", "A"), ("A", "A"), ("A", "B"), ("B", "B"), ("B", "A")]
    ev = evaluate(pairs, NAMES)
    a, b, c = ev.scores
    assert (a.precision, a.recall, a.support) == (pytest.approx(2 / 3), pytest.approx(2 / 3), 3)
    assert (b.precision, b.recall, b.support) == (0.5, 0.5, 2)
    assert ev.confusion["A"] == {"A": 2, "B": 1, "C": 0}
    assert ev.confusion["B"] == {"A": 1, "B": 1, "C": 0}
    # C never labelled nor predicted: left out of the macro average
    assert (c.support, c.predicted) == (0, 0)
    assert ev.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    assert ev.accuracy == pytest.approx(3 / 5)
    assert ev.names == ("A", "B", "C")


def test_category_predicted_but_never_labelled_counts_against_macro():
    ev = evaluate([("A", "A"), ("A", "C")], NAMES)
    assert ev.macro_f1 == pytest.approx((2 / 3 + 0.0) / 2)


def test_perfect():
    ev = evaluate([(n, n) for n in NAMES], NAMES)
    assert ev.macro_f1 == 1.0 and ev.total == 3
