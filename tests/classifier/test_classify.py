"""Matching, scoring and the Decision record, on the default rules and on small custom rules."""

from __future__ import annotations

import dataclasses
import json

import pytest

from classifier import Classifier, Decision, Evidence, load_rules, normalize

RULES = """
title_weight = 3.0
body_weight = 1.0
ignore = ["市场监管"]

[review]
min_score = 3.0
min_margin = 2.0

[[category]]
name = "内贸流通"
label = "内贸流通领域信息"
key = 1
priority = 1
exclude = ["安全检查"]
[category.keywords]
"单用途预付卡" = 3
"保供" = 4
[[category.near]]
terms = ["市场"]
with = ["保供", "供应"]
within = 4
weight = 2

[[category]]
name = "促消费"
label = "促消费信息"
key = 2
priority = 1
[category.keywords]
"消费券" = 5
"家电" = 2

[[category]]
name = "安全生产"
label = "安全生产信息"
key = 3
priority = 3
[category.keywords]
"安全生产" = 5
"燃气安全" = 5
"安全检查" = 5
"家电" = 2

[[category]]
name = "行政事项审批"
label = "行政事项审批信息"
key = 4
[category.keywords]
"单用途预付卡备案" = 6
"备案" = 4

[[category]]
name = "其他"
label = "其他信息"
key = 5
[category.keywords]
"党建" = 5
"会议" = 1
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Classifier:
    path = tmp_path_factory.mktemp("rules") / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return Classifier(load_rules(path))


@pytest.fixture(scope="module")
def default() -> Classifier:
    return Classifier(load_rules())


def _hits(d: Decision) -> set[tuple[str, str, int, str]]:
    return {(e.keyword, e.field, e.start, e.category) for e in d.evidence}


# -- normalization ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("２０２４年消费券", "2024年消费券"),
    ("促 消 费", "促消费"),
    ("促\u00a0消\u3000费", "促消费"),
    ("ＡＢＣ　促消费", "abc 促消费"),
    ("2024 年度  共 通过", "2024 年度共通过"),
    ("安全\u200b生产", "安全生产"),
    ("“双节” 期间", "“双节”期间"),
    ("  \n", ""),
    ("", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_full_width_and_spaced_text_still_matches(small):
    d = small.classify("２０２４年 消 费 券 发放")
    assert d.category == "促消费"
    assert _hits(d) == {("消费券", "title", 5, "促消费")}


# -- evidence --------------------------------------------------------------------------------

def test_evidence_positions_are_offsets_in_the_normalized_field(small):
    title = "区商务局发放消费券"
    body = "今天 党建 活动，发放消费券。"
    d = small.classify(title, body)
    norm_body = normalize(body)
    for e in d.evidence:
        text = normalize(title) if e.field == "title" else norm_body
        assert text[e.start:e.start + len(e.keyword)] == e.keyword
    assert ("消费券", "title", 6, "促消费") in _hits(d)
    assert ("消费券", "body", norm_body.index("消费券"), "促消费") in _hits(d)
    assert ("党建", "body", 2, "其他") in _hits(d)


def test_title_hit_weighs_title_weight_times_more(small):
    in_title = small.classify("发放消费券")
    in_body = small.classify("通知", "发放消费券")
    assert in_title.score == 15.0
    assert in_body.score == 5.0


def test_score_is_the_sum_of_the_winners_evidence(default):
    d = default.classify("区商务局开展节前安全生产大检查", "重点检查燃气安全、消防通道和应急预案。")
    assert d.score == pytest.approx(sum(e.weight for e in d.evidence if e.category == d.category))
    # the winner's evidence comes first
    assert d.evidence[0].category == d.category


def test_a_keyword_counts_once_per_field(small):
    d = small.classify("消费券 消费券 消费券")
    assert d.score == 15.0
    assert len(d.evidence) == 1


def test_overlapping_keywords_are_both_found(small):
    d = small.classify("重点检查燃气安全生产情况")
    assert _hits(d) == {("燃气安全", "title", 4, "安全生产"), ("安全生产", "title", 6, "安全生产")}
    assert d.score == 30.0


def test_longer_phrase_hides_the_words_inside_it(small):
    d = small.classify("单用途预付卡备案")
    assert d.category == "行政事项审批"
    assert _hits(d) == {("单用途预付卡备案", "title", 0, "行政事项审批")}


def test_ignore_phrase_hides_words_and_scores_nothing(small):
    d = small.classify("市场监管保供")  # 市场 inside 市场监管 is hidden, so the near rule can't fire
    assert _hits(d) == {("保供", "title", 4, "内贸流通")}


def test_near_term_counts_only_close_to_its_context(small):
    close = small.classify("确保市场供应")
    assert ("市场", "title", 2, "内贸流通") in _hits(close)
    far = small.classify("市场一二三四五六七供应")
    assert not any(e.keyword == "市场" for e in far.evidence)


def test_exclusion_word_voids_the_category_in_that_field_only(small):
    d = small.classify("保供企业安全检查", "做好保供工作")
    assert d.category == "安全生产"
    assert ("保供", "title", 0, "内贸流通") not in _hits(d)
    assert ("保供", "body", 2, "内贸流通") in _hits(d)


# -- decisions -------------------------------------------------------------------------------

def test_ties_go_to_priority(small):
    d = small.classify("家电")  # 促消费 and 安全生产 both score 6
    assert d.category == "安全生产"
    assert d.margin == 0.0
    assert d.needs_review


def test_nothing_matched_goes_to_fallback_and_needs_review(small):
    d = small.classify("今天天气很好", "没有任何关键词")
    assert (d.category, d.score, d.margin, d.needs_review, d.evidence) == ("其他", 0.0, 0.0, True, ())


def test_fallback_keywords_make_a_confident_decision(small):
    d = small.classify("区商务局开展党建活动")
    assert d.category == "其他"
    assert not d.needs_review


def test_weak_decision_needs_review(small):
    # only 会议 in the body: score 1 < min_score 3, which the rules' own flag marks; the calibrated
    # flag weighs it with the rest (a weak 其他 is often right), so it is more doubtful than a
    # strong decision, not flagged by rule
    weak = Classifier(small.ruleset, calibrated=False).classify("通知", "召开会议")
    assert weak.category == "其他" and weak.score == 1.0 and weak.needs_review
    assert small.classify("通知", "召开会议").doubt > small.classify("召开党支部会议", "党建").doubt


def test_decision_is_frozen_and_json_friendly(small):
    d = small.classify("发放消费券", "党建")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.category = "其他"  # type: ignore[misc]
    data = json.loads(json.dumps(d.as_dict(), ensure_ascii=False))
    assert set(data) == {"category", "score", "margin", "needs_review", "evidence", "ruleset_version",
                         "doubt"}
    assert 0.0 <= data["doubt"] <= 1.0
    assert data["category"] == "促消费"
    assert data["score"] == 15.0
    assert data["margin"] == 10.0
    assert data["needs_review"] is False
    assert data["ruleset_version"] == small.ruleset.version
    assert data["evidence"][0] == {"keyword": "消费券", "field": "title", "start": 2,
                                   "weight": 15.0, "category": "促消费"}
    assert isinstance(d.evidence[0], Evidence)


def test_empty_input(default):
    d = default.classify("")
    assert d.category == default.ruleset.fallback and d.needs_review


def test_seed_traps_named_in_the_brief(default):
    assert default.classify("开展成品油市场安全生产大检查").category == "安全生产"
    assert default.classify("成品油零售经营资格审批结果公示").category == "行政事项审批"
    assert default.classify("2024年汽车消费券申报名单公示").category == "促消费"
