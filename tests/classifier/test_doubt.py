"""Calibrated doubt (issue 14): the logistic fit, the review curve, the features of a decision,
and how the classifier uses them to set needs_review."""
import math

import pytest

import classifier
from classifier import Classifier, load_rules, parse_rules
from classifier import _doubt


def test_the_fit_learns_which_feature_raises_the_odds_of_a_mistake():
    # feature 1 marks the wrong ones 80% of the time and the right ones 5%, feature 2 is noise
    import random
    rng = random.Random(7)
    xs, ys = [], []
    for _ in range(2000):
        wrong = rng.random() < 0.2
        mark = rng.random() < (0.8 if wrong else 0.05)
        xs.append([1.0, 1.0 if mark else 0.0, float(rng.random() < 0.5)])
        ys.append(int(wrong))
    w = _doubt.fit_logistic(xs, ys, l2=0.1)
    assert w[1] > 2.0 and abs(w[2]) < 0.5
    cal = _doubt.Calibration(w, 0.5, False)
    assert cal.doubt([1.0, 1.0, 0.0]) > 0.7 > 0.1 > cal.doubt([1.0, 0.0, 0.0])


def test_a_skipped_feature_keeps_weight_zero():
    xs = [[1.0, float(i % 2), float(i % 3 == 0)] for i in range(60)]
    ys = [i % 2 for i in range(60)]
    assert _doubt.fit_logistic(xs, ys, skip=frozenset({1}))[1] == 0.0


def test_the_curve_counts_review_and_silent_errors_exactly():
    scored = [(0.9, True), (0.6, False), (0.4, True), (0.1, False)]
    points = {p.threshold: p for p in _doubt.curve(scored, [0.5, 0.3])}
    assert (points[0.5].review, points[0.5].silent) == (0.5, 0.25)     # 0.4-wrong slips through
    assert (points[0.3].review, points[0.3].silent) == (0.75, 0.0)
    best = _doubt.pick_threshold(scored, max_review=0.5)
    assert best.review <= 0.5 and best.silent == 0.25


def test_features_of_a_fallback_and_of_a_headline_hit():
    clf = Classifier(load_rules(), calibrated=False)
    fallback = clf.classify("区领导调研", "")
    x = _doubt.features(fallback, "其他", None)
    assert x[_doubt.FEATURES.index("fallback")] == 1.0 and x[_doubt.FEATURES.index("title_hit")] == 0.0
    hit = clf.classify("区商务局开展节前安全生产检查", "")
    y = _doubt.features(hit, "其他", None)
    assert y[_doubt.FEATURES.index("title_hit")] == 1.0 and y[_doubt.FEATURES.index("fallback")] == 0.0
    assert y[_doubt.FEATURES.index("model_agrees")] == 0.0   # no model, no model features


def test_needs_review_is_the_calibrated_flag_and_never_changes_the_category():
    rules = load_rules()
    raw, calibrated = Classifier(rules, calibrated=False), Classifier(rules)
    cal = _doubt.load_calibration(classifier._classify.CALIBRATION, uses_model=True)
    for title in ("区商务局开展节前安全生产检查", "区领导调研", "县域商业体系建设推进会召开",
                  "关于2024年度部门决算公开的说明", "区商务局召开党风廉政建设会议"):
        a, b = raw.classify(title), calibrated.classify(title)
        assert a.category == b.category and a.evidence == b.evidence
        assert b.doubt is not None and 0.0 <= b.doubt <= 1.0
        assert b.needs_review == (b.doubt >= cal.threshold)


def test_a_bureau_with_its_own_categories_gets_the_rules_only_calibration():
    own = parse_rules('''
title_weight = 3.0
body_weight = 1.0
fallback = "杂项"
[[category]]
name = "会展"
label = "会展信息"
key = "1"
keywords = { "展会" = 3, "博览会" = 3 }
[[category]]
name = "杂项"
label = "其他信息"
key = "2"
keywords = { "杂事" = 1 }
'''.encode(), None)
    clf = Classifier(own)
    assert clf._model is None and clf._calibration is not None and not clf._calibration.uses_model
    d = clf.classify("第三届博览会开幕")
    assert d.category == "会展" and d.doubt is not None and not math.isnan(d.doubt)


def test_without_a_calibration_the_rules_thresholds_decide(monkeypatch, tmp_path):
    monkeypatch.setattr(classifier._classify, "CALIBRATION", tmp_path / "none.json")
    classifier._classify._calibration_file.cache_clear()
    try:
        d = Classifier(load_rules()).classify("区领导调研")
        assert d.doubt is None and d.needs_review      # the fallback always asks
    finally:
        classifier._classify._calibration_file.cache_clear()
