import pytest

from report import Counts, ReportError, proactive_sentence



def test_seed_sentence_exactly(counts, seed):
    assert proactive_sentence(counts, seed.labels, seed.template) == seed.sentence


def test_order_follows_labels_not_counts(counts, seed):
    reordered = dict(reversed(list(seed.labels.items())))
    sentence = proactive_sentence(counts, reordered, seed.template)
    assert sentence.index("其他信息 13 篇") < sentence.index("内贸流通领域信息 7 篇")


def test_zero_categories_are_written_out(seed):
    counts = Counts.from_raw(2025, {"categories": {"促消费": 1}, "by_channel": {}, "unreviewed": 0, "undated": 0}, seed.names)
    sentence = proactive_sentence(counts, seed.labels, seed.template)
    assert sentence.startswith("2025 年度共通过各渠道发表内贸流通领域信息 0 篇、促消费信息 1 篇")


def test_category_without_label_is_an_error(counts, seed):
    labels = {k: v for k, v in seed.labels.items() if k != "其他"}
    with pytest.raises(ReportError, match="其他"):
        proactive_sentence(counts, labels, seed.template)


def test_label_without_count_is_an_error(counts, seed):
    with pytest.raises(ReportError, match="外贸"):
        proactive_sentence(counts, {**seed.labels, "外贸": "外贸信息"}, seed.template)


@pytest.mark.parametrize(
    "override",
    [
        {"item": "{label} {cnt} 篇"},
        {"item": "{label.__class__} {count} 篇"},
        {"sentence": "{year 年度"},
        {"item": "{count:q}"},
        {"separator": None},
    ],
)
def test_bad_templates_are_report_errors(counts, seed, override):
    template = {**seed.template, **override}
    template = {k: v for k, v in template.items() if v is not None}
    with pytest.raises(ReportError):
        proactive_sentence(counts, seed.labels, template)
