"""Cross-channel duplicates placed by the detector after each save (gongkai.clustering), by
headline when there is no text to compare; manual merge/split; aliases."""
from datetime import datetime, timezone

import pytest

from gongkai import clustering
from gongkai.dupes import judge
from gongkai.matching import title_key
from store import Store, StoreError

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
LONG = "卫滨区商务局关于开展2025年春节期间商贸流通领域安全生产大检查和消费市场保供稳价工作的通知"

# (title a, title b, verdict on the headline alone: dup, maybe (a person decides), distinct)
TITLE_CASES = [
    ("卫滨区首届夜经济美食节开幕", "【商务动态】卫滨区首届夜经济美食节开幕", "dup"),
    ("卫滨区首届夜经济美食节开幕", "转载：卫滨区首届夜经济美食节开幕！", "dup"),
    ("卫滨区首届夜经济美食节开幕", "卫滨区首届 夜经济美食节开幕", "dup"),
    ("卫滨区首届夜经济美食节开幕", "美食节｜卫滨区首届夜经济美食节开幕🎉", "dup"),
    (LONG, LONG[:30] + "...", "dup"),                       # RSSHub's truncation
    (LONG, LONG[:30] + "…", "dup"),
    (LONG[:40] + "...", LONG[:30] + "...", "dup"),          # two bridges, two cuts
    ("区商务局开展以旧换新政策进社区宣传活动", "区商务局开展以旧换新政策进社区宣传活动（附图）", "dup"),
    ("卫滨区第三轮惠民消费券发放工作圆满完成", "卫滨区第三轮惠民消费券发放工作顺利完成", "maybe"),
    ("卫滨区第二轮惠民消费券发放工作圆满完成", "卫滨区第三轮惠民消费券发放工作圆满完成", "distinct"),
    ("2024年第一批成品油零售经营资格审批公示", "2024年第二批成品油零售经营资格审批公示", "distinct"),
    ("2023年预付卡备案情况公示", "2024年预付卡备案情况公示", "distinct"),
    ("区商务局召开安全生产工作会议", "区商务局召开招商引资工作会议", "distinct"),
    ("召开会议", "召开大会", "distinct"),                     # short: must be equal
    ("区商务局召开会议", "卫滨区商务局召开会议", "distinct"),
    (LONG[:8] + "...", LONG, "distinct"),                  # too little left to match a prefix
    ("卫滨区第二轮消费券5月13日开抢", "一图读懂卫滨区第二轮消费券领取使用攻略", "distinct"),
    ("关于开展安全生产大检查的通知", "关于开展安全生产大检查的通知（第二批）", "maybe"),
]


@pytest.mark.parametrize("a, b, verdict", TITLE_CASES)
def test_headline_only_verdicts(a, b, verdict):
    x = {"id": 1, "title": a, "pub_date": "2024-03-05", "channel": "website", "url": "http://w/1"}
    y = {"id": 2, "title": b, "pub_date": "2024-03-06", "channel": "wechat", "url": "http://w/2"}
    assert judge(x, y)[0] == verdict
    assert judge(y, x)[0] == verdict


def test_title_key_marks_truncation_and_keeps_book_titles():
    assert title_key("标题很长很长...") == "标题很长很长…"
    assert title_key("《河南省促进消费条例》解读") == "河南省促进消费条例解读"
    assert title_key("【商务动态】") == "商务动态"


def _rec(key, title, pub_date="2024-03-05"):
    return {"key": key, "url": key, "title": title, "title_norm": title_key(title),
            "pub_date": pub_date, "published_at": pub_date + "T09:00:00+08:00"}


@pytest.fixture
def st(tmp_path):
    s = Store(tmp_path / "t.db")
    s.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                    {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"},
                    {"id": "cx", "type": "feed", "channel": "district-wechat", "url": "g"}], NOW)
    yield s
    s.close()


def save(st, source, key, title, pub_date="2024-03-05"):
    """Save as a crawl does: the store, then the detector places what is new."""
    channel = {"web": "website", "wx": "wechat", "cx": "district-wechat"}[source]
    item_id = st.save_item(source, channel, _rec(key, title, pub_date), attribution="ours", now=NOW)[0]
    clustering.place_pending(st, NOW)
    return item_id


def cluster(st, item_id):
    return st.item(item_id)["cluster_id"]


def test_truncated_and_prefixed_titles_join_one_cluster(st):
    a = save(st, "web", "http://w/1", LONG, "2024-12-30")
    b = save(st, "wx", "wx:1:100:1", "【商务动态】" + LONG, "2024-12-31")
    c = save(st, "cx", "wx:2:200:1", LONG[:36] + "...", "2025-01-01")
    d = save(st, "cx", "wx:2:300:1", LONG[:36] + "...", "2025-01-03")   # 4 days after a, 2 after c
    assert cluster(st, a) == cluster(st, b) == cluster(st, c) == a
    assert cluster(st, d) == a
    e = save(st, "cx", "wx:2:400:1", LONG, "2025-01-09")   # outside every window: another 信息
    assert cluster(st, e) == e


def test_best_match_wins_over_an_earlier_weaker_one(st):
    weak = save(st, "web", "http://w/1", "卫滨区第三轮惠民消费券发放工作顺利完成", "2024-09-05")
    exact = save(st, "web", "http://w/2", "卫滨区第三轮惠民消费券发放工作圆满完成", "2024-09-08")
    new = save(st, "wx", "wx:1:1:1", "卫滨区第三轮惠民消费券发放工作圆满完成", "2024-09-07")
    assert cluster(st, weak) != cluster(st, exact)
    assert cluster(st, new) == cluster(st, exact)


def test_articles_of_one_push_are_never_joined(st):
    a = save(st, "wx", "wx:1:500:1", "卫滨区消费券领取使用攻略发布通知")
    b = save(st, "wx", "wx:1:500:2", "卫滨区消费券领取使用攻略发布通知")
    c = save(st, "cx", "wx:2:600:1", "卫滨区消费券领取使用攻略发布通知")
    assert cluster(st, a) != cluster(st, b)
    # the other account's copy fits both articles by the headline alone: a person says which
    assert cluster(st, c) == c
    assert {(p["a"]["id"], p["b"]["id"]) for p in st.dupe_pairs()} & {(a, c), (b, c)}


def test_merge_and_split_are_audited_and_keep_the_invariant(st):
    a = save(st, "web", "http://w/1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    b = save(st, "wx", "wx:1:1:1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    c = save(st, "cx", "wx:2:1:1", "汽车消费嘉年华今日启幕", "2024-10-25")
    d = save(st, "web", "http://w/2", "另一条", "2024-10-25")
    assert cluster(st, b) == a and cluster(st, c) == c
    assert st.merge_items([c, b], now=NOW, actor="li", reason="same event") == a
    assert {cluster(st, i) for i in (a, b, c)} == {a} and cluster(st, d) == d
    assert st.item(c)["cluster_manual"] == 1
    audit = [r for r in st.audit(c) if r["action"] == "cluster"]
    assert [(r["old"], r["new"], r["actor"], r["reason"]) for r in audit] == [
        (str(c), str(a), "li", "same event")]
    # splitting the item whose id the cluster carries: the rest keep together under another id
    assert st.split_item(a, now=NOW, actor="li") == a
    assert cluster(st, a) == a and cluster(st, b) == cluster(st, c) == b
    assert st.item(a)["cluster_manual"] == 1
    with pytest.raises(StoreError, match="alone in its cluster"):
        st.split_item(a, now=NOW, actor="li")
    with pytest.raises(StoreError, match="no item with id 99"):
        st.merge_items([a, 99], now=NOW, actor="li")
    assert [len(c["items"]) for c in st.clusters()] == [2]
    assert st.clusters(2023) == []


def test_re_saving_never_moves_a_manually_placed_item(st):
    a = save(st, "web", "http://w/1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    b = save(st, "wx", "wx:1:1:1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    st.split_item(b, now=NOW, actor="li")
    save(st, "web", "http://w/1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    save(st, "wx", "wx:1:1:1", "卫滨区举办汽车消费嘉年华", "2024-10-24")
    assert cluster(st, a) == a and cluster(st, b) == b


def test_aliases_are_known_and_cluster(st):
    a = save(st, "wx", "wxs:TOKEN123456", "公众号文章标题一则")
    assert st.add_aliases("wx", a, ["wx:1:2:1", "wxs:TOKEN123456", "wx:1:2:1"], NOW) == 1
    assert st.is_known_key("wx", "wx:1:2:1") and st.is_known_key("wx", "wxs:TOKEN123456")
    assert not st.is_known_key("cx", "wx:1:2:1")
    assert st.aliases(a) == ["wx:1:2:1"]
    # the same article through another bridge, under its long key and another title
    b = save(st, "cx", "wx:1:2:1", "完全不同的标题文字", "2024-03-20")
    assert cluster(st, b) == cluster(st, a)
