"""A body taken off a shared source's list keeps what it published there (found by a review pass:
the items counted for no body and appeared in no list, while the district total held them)."""
from datetime import datetime, timezone

from gongkai import config as config_mod, district
from store import Store

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
BODIES = """
[[bureaus]]
id = "A"
name = "卫滨区商务局"
[[bureaus]]
id = "B"
name = "卫滨区应急管理局"
[database]
path = "d.db"
"""
CONFIG = BODIES + """
[[sources]]
id = "a-web"
type = "website"
channel = "website"
url = "http://a.example/list.html"
bureau = "A"
[[sources]]
id = "portal"
type = "website"
channel = "website"
url = "http://portal.example/list.html"
bureaus = {bureaus}
"""


def _cfg(tmp_path, bureaus):
    p = tmp_path / "g.toml"
    p.write_text(CONFIG.format(bureaus=bureaus), encoding="utf-8")
    return config_mod.load(p)


def _save(st, key, title, body_of):
    rec = {"key": key, "url": key, "title": title, "title_norm": key, "pub_date": "2025-03-05",
           "published_at": "2025-03-05T09:00:00+08:00"}
    iid, _ = st.save_item("portal", "website", rec, attribution="ours", now=NOW, bodies={body_of: "title"})
    st.apply_decision(iid, {"category": "促消费", "score": 1.0, "ruleset_version": "v"}, now=NOW)


def test_a_body_taken_off_a_shared_list_keeps_its_earlier_items(tmp_path):
    before = _cfg(tmp_path, '["A", "B"]')
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([s.as_row() for s in before.sources], NOW)
        _save(st, "p1", "卫滨区商务局开展促消费活动", "A")
        _save(st, "p2", "卫滨区应急管理局开展消费安全宣传", "B")
        assert st.counts(2025, district.scope(before, "A", st))["categories"] == {"促消费": 1}
        after = _cfg(tmp_path, '["B"]')
        st.sync_sources([s.as_row() for s in after.sources], NOW)
        a = st.counts(2025, district.scope(after, "A", st))["categories"]
        b = st.counts(2025, district.scope(after, "B", st))["categories"]
        assert (a, b) == ({"促消费": 1}, {"促消费": 1})
        assert district.scope(after, "A", st).shared == ("portal",)
        assert st.unattributed(2025, district.shared_sources(after, st)) == []


def test_a_body_that_never_published_on_a_shared_source_does_not_gain_it(tmp_path):
    cfg = _cfg(tmp_path, '["B"]')
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([s.as_row() for s in cfg.sources], NOW)
        _save(st, "p2", "卫滨区应急管理局开展消费安全宣传", "B")
        assert district.scope(cfg, "A", st).shared == ()
        assert st.counts(2025, district.scope(cfg, "A", st))["categories"] == {}


# -- a source whose owner changes (found by the trial of the last session: a body's own source
# turned shared left its earlier items counting for no body) ------------------------------------

OWNED_THEN = BODIES + """
[[sources]]
id = "a-wx"
type = "feed"
channel = "wechat"
url = "http://127.0.0.1:9/a.xml"
{whose}
"""


def _owned_cfg(tmp_path, whose):
    p = tmp_path / "o.toml"
    p.write_text(OWNED_THEN.format(whose=whose), encoding="utf-8")
    return config_mod.load(p)


def _save_on(st, source, key, title, *, bodies=None, attribution="ours"):
    rec = {"key": key, "url": key, "title": title, "title_norm": key, "pub_date": "2025-03-05",
           "published_at": "2025-03-05T09:00:00+08:00"}
    iid, _ = st.save_item(source, "wechat", rec, attribution=attribution, now=NOW, bodies=bodies)
    st.apply_decision(iid, {"category": "促消费", "score": 1.0, "ruleset_version": "v"}, now=NOW)
    return iid


def _every_way(st, cfg, year=2025):
    """Each body's categories by the reference count, the one-pass count and the kept summary
    (the dashboard's): all three must agree."""
    from store import body_counts
    from store._body_summary import summary
    scopes = district.scopes(cfg, st)
    ref = {b: st.counts(year, sc)["categories"] for b, sc in scopes.items()}
    one = {b: c[year]["categories"] for b, c in body_counts(st, [year], list(scopes.values())).items()}
    kept = {b: c[year]["categories"] for b, c in summary(st, [year], list(scopes.values()))[0].items()}
    assert (ref, ref) == (one, kept)
    return ref


def test_an_own_source_turned_shared_keeps_its_earlier_items_with_their_body(tmp_path):
    owned = _owned_cfg(tmp_path, 'bureau = "A"')
    with Store(tmp_path / "d.db") as st:
        assert st.sync_sources([s.as_row() for s in owned.sources], NOW) == []
        first = _save_on(st, "a-wx", "w1", "开展促消费活动")          # names nobody: A's own channel
        _save_on(st, "a-wx", "w2", "转发：某某通知", attribution="not_ours")
        assert _every_way(st, owned) == {"A": {"促消费": 1}, "B": {}}

        shared = _owned_cfg(tmp_path, 'bureaus = "*"')
        notes = st.sync_sources([s.as_row() for s in shared.sources], NOW)
        assert len(notes) == 1 and "a-wx" in notes[0] and "1 earlier items still count for A" in notes[0]
        assert _every_way(st, shared) == {"A": {"促消费": 1}, "B": {}}
        # a re-crawl of the now-shared column finds no body in the old item's text: it stays A's
        _save_on(st, "a-wx", "w1", "开展促消费活动", bodies={}, attribution="not_ours")
        assert st.db.execute("SELECT attribution FROM items WHERE id = ?", [first]).fetchone()[0] \
            == "ours"
        # what is published there from now on is attributed by its text, as on any shared source
        _save_on(st, "a-wx", "w3", "卫滨区应急管理局开展消费安全宣传", bodies={"B": "title"})
        assert _every_way(st, shared) == {"A": {"促消费": 1}, "B": {"促消费": 1}}
        assert st.unattributed(2025, district.shared_sources(shared, st)) == [
            r for r in st.unattributed(2025, ("a-wx",)) if r["title"].startswith("转发")]
        # the next sync finds nothing changed, says nothing, and adds no row twice
        assert st.sync_sources([s.as_row() for s in shared.sources], NOW) == []
        assert st.db.execute("SELECT COUNT(*) FROM item_bodies").fetchone()[0] == 2


def test_an_own_source_turned_shared_not_listing_its_old_owner_still_counts_for_it(tmp_path):
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([s.as_row() for s in _owned_cfg(tmp_path, 'bureau = "A"').sources], NOW)
        _save_on(st, "a-wx", "w1", "开展促消费活动")
        shared = _owned_cfg(tmp_path, 'bureaus = ["B"]')
        st.sync_sources([s.as_row() for s in shared.sources], NOW)
        assert _every_way(st, shared) == {"A": {"促消费": 1}, "B": {}}


def test_an_own_source_handed_to_another_body_keeps_its_earlier_items_with_the_first(tmp_path):
    """Found by a new-user trial: moving a source to another body moved every past item with it,
    silently, before any crawl. Earlier items stay with the body they were collected for; what
    is collected from now on is the new owner's."""
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([s.as_row() for s in _owned_cfg(tmp_path, 'bureau = "A"').sources], NOW)
        _save_on(st, "a-wx", "w1", "开展促消费活动")
        _save_on(st, "a-wx", "w2", "开展促消费活动二")
        to_b = _owned_cfg(tmp_path, 'bureau = "B"')
        notes = st.sync_sources([s.as_row() for s in to_b.sources], NOW)
        assert notes == ["source a-wx: was A's own, now B's own — its 2 earlier items still "
                         "count for A"]
        assert _every_way(st, to_b) == {"A": {"促消费": 2}, "B": {}}
        _save_on(st, "a-wx", "w3", "开展促消费活动三")
        _save_on(st, "a-wx", "w1", "开展促消费活动")       # re-read: still A's
        assert _every_way(st, to_b) == {"A": {"促消费": 2}, "B": {"促消费": 1}}
        # handed back: what B collected stays B's, A's stay A's, nothing twice
        back = _owned_cfg(tmp_path, 'bureau = "A"')
        assert st.sync_sources([s.as_row() for s in back.sources], NOW) == [
            "source a-wx: was B's own, now A's own — its 1 earlier items still count for B"]
        assert _every_way(st, back) == {"A": {"促消费": 2}, "B": {"促消费": 1}}


def test_a_shared_source_given_one_owner_keeps_other_bodies_items(tmp_path):
    with Store(tmp_path / "d.db") as st:
        shared = _owned_cfg(tmp_path, 'bureaus = "*"')
        st.sync_sources([s.as_row() for s in shared.sources], NOW)
        _save_on(st, "a-wx", "w1", "卫滨区商务局开展促消费活动", bodies={"A": "title"})
        _save_on(st, "a-wx", "w2", "卫滨区应急管理局开展消费安全宣传", bodies={"B": "title"})
        _save_on(st, "a-wx", "w3", "某某通知", bodies={}, attribution="not_ours")
        assert _every_way(st, shared) == {"A": {"促消费": 1}, "B": {"促消费": 1}}
        owned = _owned_cfg(tmp_path, 'bureau = "A"')
        notes = st.sync_sources([s.as_row() for s in owned.sources], NOW)
        assert notes == []          # nothing unattributed and 'ours' becomes A's
        assert _every_way(st, owned) == {"A": {"促消费": 1}, "B": {"促消费": 1}}
        _save_on(st, "a-wx", "w4", "开展促消费活动四")       # A's own from now on
        assert _every_way(st, owned) == {"A": {"促消费": 2}, "B": {"促消费": 1}}
