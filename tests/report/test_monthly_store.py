"""Store.monthly_counts: the same cluster rules as Store.counts, split by month."""
from datetime import datetime, timezone

import pytest

from store import Store

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)


def _rec(key, norm, pub_date):
    return {"key": key, "url": key, "title": norm, "title_norm": norm, "pub_date": pub_date,
            "published_at": pub_date and pub_date + "T09:00:00+08:00"}


@pytest.fixture
def st(tmp_path):
    s = Store(tmp_path / "t.db")
    s.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                    {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"}], NOW)
    yield s
    s.close()


def _add(st, source, channel, key, norm, day, cat, attribution="ours"):
    item, _ = st.save_item(source, channel, _rec(key, norm, day), attribution=attribution, now=NOW)
    st.apply_decision(item, {"category": cat, "score": 1.0, "ruleset_version": "v1"}, now=NOW)
    return item


def test_cluster_counts_once_in_its_first_month_under_its_representative(st):
    # One 信息 on the website on 31 Jan and on WeChat on 1 Feb: January, once, 促消费.
    w1 = _add(st, "web", "website", "w1", "消费季", "2024-01-31", "促消费")
    x1 = _add(st, "wx", "wechat", "x1", "消费季", "2024-02-01", "其他")
    st.merge_items([w1, x1], now=NOW, actor="t")   # the detector's job (gongkai.dupes), by hand here
    _add(st, "web", "website", "w2", "招商会", "2024-03-10", "招商引资")
    _add(st, "wx", "wechat", "x9", "别人的", "2024-03-11", "其他", attribution="not_ours")
    _add(st, "web", "website", "w3", "去年的", "2023-12-30", "其他")
    monthly = st.monthly_counts(2024)
    assert monthly["categories"] == {"促消费": {1: 1}, "招商引资": {3: 1}}
    assert monthly["by_channel"] == {"website": {1: 1, 3: 1}, "wechat": {2: 1}}
    # The months add up to the yearly counts.
    counts = st.counts(2024)
    for cat, n in counts["categories"].items():
        assert sum(monthly["categories"][cat].values()) == n


def test_cluster_starting_in_december_belongs_to_last_year(st):
    w = _add(st, "web", "website", "w", "同一条", "2023-12-31", "促消费")
    x = _add(st, "wx", "wechat", "x", "同一条", "2024-01-01", "促消费")
    st.merge_items([w, x], now=NOW, actor="t")
    monthly = st.monthly_counts(2024)
    assert monthly["categories"] == {}
    assert monthly["by_channel"] == {"wechat": {1: 1}}
