"""The cached counts panel (Store.counts_cached) equals Store.counts after every kind of write."""
from datetime import datetime, timezone
from itertools import combinations

import pytest

from _review_support import NOW, build, item_id_by_key
from store import Store
from store._schema_review import COUNTED_COLUMNS

LATER = datetime(2024, 7, 1, tzinfo=timezone.utc)
YEARS = (2023, 2024, 2025)


@pytest.fixture
def st(tmp_path):
    db, _ = build(tmp_path)
    with Store(db) as s:
        # a wider spread than the shared fixture: not ours, undated, manual, across a year end
        for key, title, day, attribution in [
                ("http://gov.example/n1", "外单位的消费活动", "2024-02-02", "not_ours"),
                ("http://gov.example/u1", "无日期的安全生产通知", None, "ours"),
                ("http://gov.example/y1", "招商引资项目签约仪式举行", "2024-01-01", "ours"),
                ("http://gov.example/y2", "年终消费活动", "2025-01-02", "ours")]:
            item_id, _ = s.save_item("web", "website", {
                "key": key, "url": key, "title": title, "title_norm": title, "body": "",
                "pub_date": day}, attribution=attribution, now=NOW)
            s.apply_decision(item_id, {"category": "其他", "score": 3.0, "margin": 1.0,
                                       "needs_review": True}, now=NOW)
        s.review_set_category(3, "安全生产", actor="alice", now=NOW)
        yield s


def same(st: Store) -> None:
    for year in YEARS:
        assert st.counts_cached(year) == st.counts(year), year


def warm(st: Store) -> int:
    same(st)
    return st.data_version()


def test_repeated_loads_come_from_the_cache(st, monkeypatch):
    expected = {y: st.counts(y) for y in YEARS}
    warm(st)
    monkeypatch.setattr(Store, "counts", lambda self, year: pytest.fail("not cached"))
    assert {y: st.counts_cached(y) for y in YEARS} == expected


def test_a_recrawl_that_changes_nothing_counted_keeps_the_cache(st):
    version = warm(st)
    item = st.item(4)
    st.save_item("web", "website", {"key": item["url"], "url": item["url"],
                                    "title": item["title"], "pub_date": item["pub_date"]},
                 attribution="ours", now=LATER)
    assert st.item(4)["last_seen_at"] != item["last_seen_at"]
    assert st.data_version() == version
    same(st)


def test_every_kind_of_write_moves_the_stamp_and_the_cache_follows(st):
    writes = [
        ("new item", lambda: st.save_item("wx", "wechat", {
            "key": "wx:new", "url": "http://mp.example/new", "title": "我区开展燃气安全隐患排查整治",
            "title_norm": "我区开展燃气安全隐患排查整治", "pub_date": "2024-05-05"},
            attribution="ours", now=LATER)),
        ("auto decision", lambda: st.apply_decision(
            2, {"category": "促消费", "score": 9.0, "margin": 9.0}, now=LATER)),
        ("manual decision", lambda: st.review_set_category(4, "其他", actor="a", now=LATER)),
        ("undo", lambda: st.review_undo(4, actor="a", now=LATER)),
        ("not ours", lambda: st.review_set_attribution(5, "not_ours", actor="a", now=LATER)),
        ("ours again", lambda: st.review_set_attribution(5, "ours", actor="a", now=LATER)),
        ("merge", lambda: st.merge_items([1, 8], now=LATER, actor="a")),
        ("split", lambda: st.split_item(8, now=LATER, actor="a")),
        ("merge across a year end", lambda: st.merge_items(
            [item_id_by_key(st.path, "http://gov.example/8"),
             item_id_by_key(st.path, "http://gov.example/y1")], now=LATER, actor="a")),
        ("bulk file", lambda: st.review_bulk([1, 2, 7], category="招商引资", actor="a",
                                             now=LATER, reason="r")),
        ("bulk not ours", lambda: st.review_bulk([1, 2], attribution="not_ours", actor="a",
                                                 now=LATER, reason="r")),
        ("bulk undo", lambda: st.review_undo_bulk(st.last_bulk("a"), actor="a", now=LATER)),
        ("source disabled", lambda: st.sync_sources(
            [{"id": "web", "type": "website", "channel": "website", "url": "u"}], LATER)),
    ]
    for name, write in writes:
        before = {y: st.counts(y) for y in YEARS}
        version = warm(st)
        write()
        after = {y: st.counts(y) for y in YEARS}
        if after != before:
            assert st.data_version() > version, name
        same(st)


def _swap(st: Store, column: str, a: int, b: int) -> None:
    st.db.execute(f"UPDATE items SET {column} = CASE id WHEN ? THEN (SELECT {column} FROM items "
                  f"WHERE id = ?) ELSE (SELECT {column} FROM items WHERE id = ?) END "
                  f"WHERE id IN (?, ?)", [a, b, a, a, b])
    st.db.conn.commit()


def test_no_column_of_items_changes_the_counts_behind_the_stamp(st):
    """Swap every column's values between every pair of items: whenever the counts move, the
    stamp moved too. Fails when Store.counts starts reading a column COUNTED_COLUMNS lacks."""
    columns = [c.name for c in st.db["items"].columns if c.name != "id"]   # id: FK target
    ids = [r["id"] for r in st.items()]
    moved = set()
    for column in columns:
        for a, b in combinations(ids, 2):
            va, vb = (st.item(i)[column] for i in (a, b))
            if va == vb or (column in ("source_id", "key")):
                continue        # (source_id, key) is unique: swapping one half may collide
            before = {y: st.counts(y) for y in YEARS}
            version = warm(st)
            _swap(st, column, a, b)
            if {y: st.counts(y) for y in YEARS} != before:
                moved.add(column)
                assert st.data_version() > version, (column, a, b)
            same(st)
            _swap(st, column, a, b)
            same(st)
    # the swaps really exercised the counted columns (a test of the test)
    assert set(COUNTED_COLUMNS) - {"id", "needs_review"} <= moved | {"pub_year"}
