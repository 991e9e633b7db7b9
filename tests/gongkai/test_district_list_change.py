"""A body taken off a shared source's list keeps what it published there (found by a review pass:
the items counted for no body and appeared in no list, while the district total held them)."""
from datetime import datetime, timezone

from gongkai import config as config_mod, district
from store import Store

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
CONFIG = """
[[bureaus]]
id = "A"
name = "卫滨区商务局"
[[bureaus]]
id = "B"
name = "卫滨区应急管理局"
[database]
path = "d.db"
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
