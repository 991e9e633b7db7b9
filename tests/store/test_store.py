import json
import sqlite3
import threading
from datetime import datetime, timezone

import pytest

from store import Store, StoreError

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)


def _rec(key, title="标题", pub_date="2024-03-05", **kw):
    return {"key": key, "url": key, "title": title, "title_norm": kw.pop("norm", title),
            "pub_date": pub_date, "published_at": pub_date and pub_date + "T09:00:00+08:00", **kw}


@pytest.fixture
def st(tmp_path):
    s = Store(tmp_path / "t.db")
    s.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                    {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"}], NOW)
    yield s
    s.close()


def _decide(st, item_id, cat, **kw):
    st.apply_decision(item_id, {"category": cat, "score": 1.0, "ruleset_version": "v1", **kw},
                      now=NOW)


def test_upsert_is_idempotent(st):
    a = st.save_item("web", "website", _rec("http://x/1"), attribution="ours", now=NOW)
    b = st.save_item("web", "website", _rec("http://x/1"), attribution="ours", now=NOW)
    assert a == (1, True) and b == (1, False)
    assert st.item_count() == 1


def test_collector_metadata_is_kept(st):
    meta = {"fields": {"索引号": "11410703MB0F5732XK/2024-00095", "文号": "卫商〔2024〕3号"},
            "attachments": [{"name": "附件1.pdf", "url": "http://x/a.pdf"}]}
    item_id, _ = st.save_item("web", "website", {**_rec("m"), "meta": meta}, attribution="ours",
                              now=NOW)
    assert json.loads(st.item(item_id)["meta_json"]) == meta


def test_raw_pages_compressed_and_not_duplicated(st):
    raw = "<html>页面</html>".encode() * 50
    for _ in range(2):
        item_id, _ = st.save_item("web", "website", _rec("k"), attribution="ours", now=NOW, raw=raw)
    pages = st.raw_pages(item_id)
    assert len(pages) == 1 and pages[0]["content"] == raw and pages[0]["size"] == len(raw)
    stored = st.db.execute("SELECT length(content_zlib) FROM raw_pages").fetchone()[0]
    assert stored < len(raw)


def test_cross_channel_duplicate_counts_once(st):
    i1, _ = st.save_item("web", "website", _rec("w1", norm="开展消费季活动", pub_date="2024-05-01"),
                         attribution="ours", now=NOW)
    i2, _ = st.save_item("wx", "wechat", _rec("x1", norm="开展消费季活动", pub_date="2024-05-02"),
                         attribution="ours", now=NOW)
    i3, _ = st.save_item("wx", "wechat", _rec("x2", norm="开展消费季活动", pub_date="2024-08-02"),
                         attribution="ours", now=NOW)
    # The store decides identity by key only; which items are one 信息 is gongkai.dupes'
    # (tests/gongkai/test_dupes_placement.py). Here the cluster is made by hand.
    assert len({st.item(i)["cluster_id"] for i in (i1, i2, i3)}) == 3
    assert all(st.item(i)["dupe_pending"] == 1 for i in (i1, i2, i3))
    st.merge_items([i1, i2], now=NOW, actor="t")
    for i in (i1, i2, i3):
        _decide(st, i, "促消费")
    c = st.counts(2024)
    assert c["categories"] == {"促消费": 2}
    assert c["by_channel"] == {"website": {"促消费": 1}, "wechat": {"促消费": 2}}


def test_year_is_the_cluster_first_publication(st):
    i1, _ = st.save_item("web", "website", _rec("w", norm="同一条", pub_date="2024-12-31"),
                         attribution="ours", now=NOW)
    i2, _ = st.save_item("wx", "wechat", _rec("x", norm="同一条", pub_date="2025-01-01"),
                         attribution="ours", now=NOW)
    st.merge_items([i1, i2], now=NOW, actor="t")
    _decide(st, i1, "其他")
    _decide(st, i2, "其他")
    assert st.counts(2024)["categories"] == {"其他": 1}
    assert st.counts(2025)["categories"] == {}
    assert st.counts(2025)["by_channel"] == {"website": {}, "wechat": {"其他": 1}}


def test_not_ours_and_undated_not_counted(st):
    i1, _ = st.save_item("wx", "wechat", _rec("a"), attribution="not_ours", now=NOW)
    i2, _ = st.save_item("wx", "wechat", _rec("b", pub_date=None), attribution="ours", now=NOW)
    _decide(st, i1, "其他")
    _decide(st, i2, "其他")
    c = st.counts(2024)
    assert c["categories"] == {} and c["undated"] == 1
    assert c["by_channel"] == {"website": {}, "wechat": {}}   # silent channels still listed


def test_manual_decision_wins_and_survives_reclassification(st):
    i, _ = st.save_item("web", "website", _rec("a"), attribution="ours", now=NOW)
    _decide(st, i, "促消费", needs_review=True)
    assert st.counts(2024)["unreviewed"] == 1
    st.apply_decision(i, {"category": "招商引资"}, now=NOW, method="manual", actor="officer",
                      reason="签约项目")
    assert st.apply_decision(i, {"category": "促消费", "ruleset_version": "v2"}, now=NOW) is False
    assert st.item(i)["category"] == "招商引资"
    assert st.pending_classification("v2") == []
    [entry] = st.audit(i)
    assert (entry["actor"], entry["old"], entry["new"], entry["reason"]) == \
        ("officer", "促消费", "招商引资", "签约项目")
    assert st.counts(2024)["unreviewed"] == 0


def test_pending_classification_follows_ruleset_version(st):
    i, _ = st.save_item("web", "website", _rec("a"), attribution="ours", now=NOW)
    assert [r["id"] for r in st.pending_classification("v1")] == [i]
    _decide(st, i, "其他")
    assert st.pending_classification("v1") == []
    assert [r["id"] for r in st.pending_classification("v2")] == [i]


def test_interrupted_run_is_marked_failed(st):
    r1 = st.begin_run("web", NOW)
    r2 = st.begin_run("web", NOW)        # the process died during r1
    assert st.runs("web")[1]["status"] == "failed" and st.runs("web")[1]["reason"] == "interrupted"
    st.end_run(r2, status="failed", reason="soft 404", now=NOW)
    src = st.source("web")
    assert src["consecutive_failures"] == 1 and src["last_error"] == "soft 404"
    r3 = st.begin_run("web", NOW)
    st.end_run(r3, status="ok", now=NOW, memo={"etag": "x"})
    src = st.source("web")
    assert src["consecutive_failures"] == 0 and src["last_success_at"] and st.memo("web") == {"etag": "x"}
    assert r1 < r2 < r3


def test_sources_dropped_from_config_are_disabled_not_deleted(st):
    st.save_item("wx", "wechat", _rec("a"), attribution="ours", now=NOW)
    st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
    assert st.source("wx")["enabled"] == 0 and st.item_count() == 1


def test_unknown_item(st):
    with pytest.raises(StoreError, match="no item with id 99"):
        st.apply_decision(99, {"category": "其他"}, now=NOW)


def test_reopen_keeps_schema_and_data(tmp_path):
    path = tmp_path / "x.db"
    with Store(path) as s:
        s.sync_sources([{"id": "web", "type": "website", "channel": "website"}], NOW)
        s.save_item("web", "website", _rec("a"), attribution="ours", now=NOW)
    with Store(path) as s:
        assert s.item_count() == 1
        applied = [r[0] for r in s.db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        assert applied[:3] == ["m001_initial", "m002_lookup_indexes", "m003_item_meta"]
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_writer_waits_instead_of_failing(tmp_path):
    path = tmp_path / "c.db"
    with Store(path) as s:
        s.sync_sources([{"id": "web", "type": "website", "channel": "website"}], NOW)
        i, _ = s.save_item("web", "website", _rec("a"), attribution="ours", now=NOW)
    other = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")           # a crawler holding the write lock
    other.execute("UPDATE items SET title = 'x'")
    release = threading.Timer(0.5, other.commit)
    release.start()
    with Store(path) as s:                     # the reviewer's write waits, then succeeds
        assert s.apply_decision(i, {"category": "其他"}, now=NOW, method="manual", actor="o")
    release.join()
    other.close()


def test_an_alias_finds_the_item_it_was_resolved_to(st):
    item_id, _ = st.save_item("wx", "wechat", _rec("wx:3095437261:2247483650:1"),
                              attribution="ours", now=NOW)
    st.add_aliases("wx", item_id, ["wxs:AbCdEfGhIjKlMnOpQrStUv"], NOW)
    again, is_new = st.save_item("wx", "wechat", _rec("wxs:AbCdEfGhIjKlMnOpQrStUv"),
                                 attribution="ours", now=NOW)
    assert (again, is_new) == (item_id, False) and st.item_count() == 1
    assert st.item(item_id)["key"] == "wx:3095437261:2247483650:1"
