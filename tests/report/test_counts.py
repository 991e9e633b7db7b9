import json

import pytest

from report import Counts, ReportError



def test_from_raw_orders_by_ruleset_and_totals(counts, seed):
    assert list(counts.categories) == seed.names
    assert list(counts.categories.values()) == [7, 36, 28, 17, 4, 13]
    assert counts.total == 105


def test_from_raw_zero_fills_categories_and_channels(seed):
    counts = Counts.from_raw(
        2024,
        {"categories": {"促消费": 2}, "by_channel": {"board": {"促消费": 2}}, "unreviewed": 0, "undated": 1},
        seed.names,
    )
    assert counts.categories == {"内贸流通": 0, "促消费": 2, "招商引资": 0, "安全生产": 0, "行政事项审批": 0, "其他": 0}
    assert list(counts.by_channel["board"]) == seed.names
    assert counts.by_channel["board"]["其他"] == 0
    assert counts.total == 2


def test_as_dict_is_the_json_contract(counts, seed):
    data = counts.as_dict()
    # DESIGN's keys first, in order; possible_duplicates (issue 13) added after them
    assert list(data) == ["year", "total", "categories", "by_channel", "unreviewed", "undated",
                          "possible_duplicates"]
    assert data["year"] == 2024 and data["total"] == 105 and data["possible_duplicates"] == 0
    assert data["unreviewed"] == 3 and data["undated"] == 0
    assert list(data["by_channel"]["wechat"]) == seed.names
    assert data["by_channel"]["wechat"] == {"内贸流通": 0, "促消费": 16, "招商引资": 0, "安全生产": 0, "行政事项审批": 0, "其他": 13}
    # Round trip through JSON keeps order and numbers.
    assert Counts.from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == counts


def test_as_dict_cannot_mutate_the_record(counts):
    counts.as_dict()["categories"]["促消费"] = 0
    assert counts.categories["促消费"] == 36


@pytest.mark.parametrize("where", ["categories", "by_channel"])
def test_unknown_category_is_named(where, seed):
    raw = {"categories": {"促消费": 1}, "by_channel": {}, "unreviewed": 0, "undated": 0}
    if where == "categories":
        raw["categories"]["外贸"] = 2
    else:
        raw["by_channel"] = {"website": {"外贸": 2}}
    with pytest.raises(ReportError, match="外贸"):
        Counts.from_raw(2024, raw, seed.names)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None])
def test_bad_count_values_are_rejected(bad, seed):
    raw = dict(seed.raw, categories={"促消费": bad})
    with pytest.raises(ReportError, match="促消费"):
        Counts.from_raw(2024, raw, seed.names)


def test_missing_raw_key_is_named(seed):
    raw = {k: v for k, v in seed.raw.items() if k != "undated"}
    with pytest.raises(ReportError, match="undated"):
        Counts.from_raw(2024, raw, seed.names)


def test_from_dict_rejects_a_wrong_total(counts):
    data = counts.as_dict()
    data["total"] = 104
    with pytest.raises(ReportError, match="104.*105"):
        Counts.from_dict(data)


def test_report_error_is_a_value_error():
    assert issubclass(ReportError, ValueError)
