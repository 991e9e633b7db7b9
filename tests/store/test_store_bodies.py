"""Several bodies in one database (issue 17): the bodies an item of a shared source counts for,
each body's counts, the unattributed, and the migration that brings them."""
from datetime import datetime, timezone

import pytest

from store import BodyScope, Store, _schema
from store._db import connect

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
# the commerce bureau's website, the emergency bureau's WeChat account, the portal's shared column
SOURCES = [("swj-web", "website"), ("yjj-wx", "wechat"), ("portal", "website")]
SHANGWU = BodyScope("shangwu", owned=("swj-web",), shared=("portal",))
YINGJI = BodyScope("yingji", owned=("yjj-wx",), shared=("portal",))


def _rec(key, pub_date="2024-03-05"):
    return {"key": key, "url": key, "title": key, "title_norm": key, "pub_date": pub_date,
            "published_at": pub_date + "T09:00:00+08:00"}


@pytest.fixture
def st(tmp_path):
    s = Store(tmp_path / "t.db")
    s.sync_sources([{"id": i, "type": "website", "channel": c, "url": i} for i, c in SOURCES], NOW)
    yield s
    s.close()


def _save(st, source, key, bodies=None, *, attribution=None, category="促消费", day="2024-03-05"):
    channel = dict(SOURCES)[source]
    if attribution is None:
        attribution = "ours" if bodies is None or bodies else "not_ours"
    item_id, _ = st.save_item(source, channel, _rec(key, day), attribution=attribution, now=NOW,
                              bodies=bodies)
    st.apply_decision(item_id, {"category": category, "score": 1.0, "ruleset_version": "v1"},
                      now=NOW)
    return item_id


def test_each_body_counts_its_own_and_its_share_of_the_shared_column(st):
    _save(st, "swj-web", "swj-1")
    _save(st, "swj-web", "swj-2", category="招商引资")
    _save(st, "yjj-wx", "yjj-1", category="安全生产")
    _save(st, "portal", "p-swj", {"shangwu": "发布机构"})
    _save(st, "portal", "p-yjj", {"yingji": "发布机构"}, category="安全生产")
    _save(st, "portal", "p-joint", {"shangwu": "title", "yingji": "title"}, category="安全生产")
    _save(st, "portal", "p-none", {})
    shangwu, yingji, whole = st.counts(2024, SHANGWU), st.counts(2024, YINGJI), st.counts(2024)
    assert shangwu["categories"] == {"促消费": 2, "招商引资": 1, "安全生产": 1}
    assert yingji["categories"] == {"安全生产": 3}
    # the district counts the joint notice once; the unattributed item nowhere
    assert whole["categories"] == {"促消费": 2, "招商引资": 1, "安全生产": 3}
    assert shangwu["by_channel"] == {"website": {"促消费": 2, "招商引资": 1, "安全生产": 1}}
    # a body's channels are its sources' (a silent one shows with zeros), not the district's
    assert yingji["by_channel"] == {"website": {"安全生产": 2}, "wechat": {"安全生产": 1}}
    assert [r["title"] for r in st.unattributed(2024, ["portal"])] == ["p-none"]
    assert st.unattributed(2024, []) == []


def test_a_copy_on_a_bodys_own_channel_and_the_shared_column_is_one_information(st):
    own = _save(st, "swj-web", "swj-1", day="2024-03-05")
    copy = _save(st, "portal", "p-swj", {"shangwu": "来源"}, day="2024-03-06")
    st.db.execute("UPDATE items SET cluster_id = ? WHERE id = ?", [own, copy])
    st.db.conn.commit()
    counts = st.counts(2024, SHANGWU)
    assert counts["categories"] == {"促消费": 1}
    assert counts["by_channel"] == {"website": {"促消费": 1}}
    assert st.counts(2024, YINGJI)["categories"] == {}


def test_review_backlog_undated_and_monthly_are_per_body(st):
    a = _save(st, "swj-web", "swj-1")
    st.db.execute("UPDATE items SET needs_review = 1 WHERE id = ?", [a])
    st.db.conn.commit()
    st.save_item("portal", "website", {**_rec("p-undated"), "pub_date": None, "published_at": None},
                 attribution="ours", now=NOW, bodies={"yingji": "byline"})
    assert (st.counts(2024, SHANGWU)["unreviewed"], st.counts(2024, YINGJI)["unreviewed"]) == (1, 0)
    assert (st.counts(2024, SHANGWU)["undated"], st.counts(2024, YINGJI)["undated"]) == (0, 1)
    assert st.monthly_counts(2024, SHANGWU)["categories"] == {"促消费": {3: 1}}
    assert st.monthly_counts(2024, YINGJI)["categories"] == {}


def test_a_recrawl_of_changed_text_replaces_the_bodies_unless_a_person_decided(st):
    item = _save(st, "portal", "p-1", {"shangwu": "first reading"})
    # the same text judged again only adds (a config edit cannot take an item away)
    st.save_item("portal", "website", _rec("p-1"), attribution="ours", now=NOW,
                 bodies={"yingji": "another reading"})
    assert st.item_bodies(item) == {"shangwu": "first reading", "yingji": "another reading"}
    # the page's text changed: its reading is followed
    st.save_item("portal", "website", {**_rec("p-1"), "title": "更正后的标题"}, attribution="ours",
                 now=NOW, bodies={"yingji": "better reading"})
    assert st.item_bodies(item) == {"yingji": "better reading"}
    st.review_set_attribution(item, "not_ours", actor="li", now=NOW)
    st.save_item("portal", "website", _rec("p-1"), attribution="ours", now=NOW,
                 bodies={"shangwu": "again"})
    assert st.item_bodies(item) == {"yingji": "better reading"}
    assert st.counts(2024, YINGJI)["categories"] == {}      # not ours, by hand: nobody's
    assert [r["id"] for r in st.unattributed(2024, ["portal"])] == [item]


def test_an_item_and_its_bodies_are_saved_together_or_not_at_all(st, monkeypatch):
    def power_cut(self, item_id, bodies):
        raise KeyboardInterrupt("power cut")
    monkeypatch.setattr(Store, "_save_bodies", power_cut)
    with pytest.raises(KeyboardInterrupt):
        st.save_item("portal", "website", _rec("p-1"), attribution="ours", now=NOW,
                     bodies={"shangwu": "x"})
    assert st.item_count() == 0


def test_an_interrupted_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = connect(path)
    from store import _schema_bodies
    _schema.migrations.apply(db, stop_before="bodies_001_item_bodies")
    db.close()

    def dies_half_way(db):
        db.execute("CREATE TABLE item_bodies (item_id INTEGER, body TEXT)")
        raise KeyboardInterrupt("power cut")
    monkeypatch.setattr(next(m for m in _schema.migrations._migrations
                             if m.name == "bodies_001_item_bodies"), "fn", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        Store(path)
    monkeypatch.undo()
    assert _schema_bodies       # registered
    db = connect(path)
    assert not db["item_bodies"].exists()
    db.close()
    with Store(path) as st:
        assert st.db["item_bodies"].exists()
        assert "bodies_001_item_bodies" in {m.name for m in _schema.migrations.applied(st.db)}
