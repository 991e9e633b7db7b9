"""Keyword classifier (信息分类): rules file -> Aho–Corasick matcher -> Decision with evidence.

Pure: the only I/O is reading the rules file in :func:`load_rules`.

    rules = load_rules()                 # the built-in default for a commerce bureau
    clf = Classifier(rules)
    d = clf.classify("2024年汽车消费券申报名单公示")
    d.category, d.score, d.needs_review, d.evidence
"""

from ._classify import Classifier, Decision, Evidence, fast_evidence_json, seed_model
from ._doubt import Calibration, CurvePoint
from ._doubt import curve as doubt_curve
from ._evaluate import CategoryScore, Evaluation, evaluate
from ._learn import (
    NaiveBayes,
    Prediction,
    SecondOpinion,
    Suggestion,
    char_ngrams,
    suggest_keywords,
)
from ._normalize import normalize
from ._rules import (
    AllRule,
    Category,
    NearRule,
    Ruleset,
    RulesError,
    default_rules_path,
    default_rules_text,
    load_rules,
    parse_rules,
)

__all__ = [
    "Calibration",
    "CurvePoint",
    "doubt_curve",
    "seed_model",
    "fast_evidence_json",
    "AllRule",
    "Category",
    "CategoryScore",
    "Classifier",
    "Decision",
    "Evaluation",
    "Evidence",
    "NaiveBayes",
    "NearRule",
    "Prediction",
    "SecondOpinion",
    "Suggestion",
    "char_ngrams",
    "evaluate",
    "suggest_keywords",
    "Ruleset",
    "RulesError",
    "default_rules_path",
    "default_rules_text",
    "load_rules",
    "normalize",
    "parse_rules",
]
