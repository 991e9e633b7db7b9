import pytest

from report import Counts, ReportError, proactive_sentence

from .conftest import SEED_LABELS, SEED_NAMES, SEED_SENTENCE, SEED_TEMPLATE


def test_seed_sentence_exactly(counts):
    assert proactive_sentence(counts, SEED_LABELS, SEED_TEMPLATE) == SEED_SENTENCE


def test_order_follows_labels_not_counts(counts):
    reordered = dict(reversed(list(SEED_LABELS.items())))
    sentence = proactive_sentence(counts, reordered, SEED_TEMPLATE)
    assert sentence.index("其他信息 13 篇") < sentence.index("内贸流通领域信息 7 篇")


def test_zero_categories_are_written_out():
    counts = Counts.from_raw(2025, {"categories": {"促消费": 1}, "by_channel": {}, "unreviewed": 0, "undated": 0}, SEED_NAMES)
    sentence = proactive_sentence(counts, SEED_LABELS, SEED_TEMPLATE)
    assert sentence.startswith("2025 年度共通过各渠道发表内贸流通领域信息 0 篇、促消费信息 1 篇")


def test_category_without_label_is_an_error(counts):
    labels = {k: v for k, v in SEED_LABELS.items() if k != "其他"}
    with pytest.raises(ReportError, match="其他"):
        proactive_sentence(counts, labels, SEED_TEMPLATE)


def test_label_without_count_is_an_error(counts):
    with pytest.raises(ReportError, match="外贸"):
        proactive_sentence(counts, {**SEED_LABELS, "外贸": "外贸信息"}, SEED_TEMPLATE)


@pytest.mark.parametrize(
    "template",
    [
        {**SEED_TEMPLATE, "item": "{label} {cnt} 篇"},
        {**SEED_TEMPLATE, "item": "{label.__class__} {count} 篇"},
        {**SEED_TEMPLATE, "sentence": "{year 年度"},
        {"sentence": "{items}", "item": "{label}"},
    ],
)
def test_bad_templates_are_report_errors(counts, template):
    with pytest.raises(ReportError):
        proactive_sentence(counts, SEED_LABELS, template)
