"""Store queries of the rules area: auto items paged by id, batched automatic decisions."""
from datetime import datetime, timezone

import pytest

from store import Store
from store import _rules

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def st(tmp_path):
    s = Store(tmp_path / "t.db")
    s.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
    for i in range(5):
        s.save_item("web", "website", {"key": f"k{i}", "title": f"标题{i}", "body": "正文",
                                       "pub_date": "2024-03-05"}, attribution="ours", now=NOW)
    yield s
    s.close()


def _auto(cat, version="v2"):
    return {"category": cat, "score": 3.0, "margin": 3.0, "needs_review": False,
            "evidence": [{"keyword": "x"}], "ruleset_version": version}


def test_auto_items_exclude_manual_and_page_by_id(st, monkeypatch):
    monkeypatch.setattr(_rules, "_PAGE", 2)
    st.apply_decision(2, {"category": "其他"}, now=NOW, method="manual", actor="officer")
    assert [r["id"] for r in st.iter_auto_items()] == [1, 3, 4, 5]
    assert st.count_auto_items() == 4
    assert [(r["id"], r["category"]) for r in st.reviewed_items()] == [(2, "其他")]


def test_batched_decisions_never_overwrite_manual_ones(st):
    st.apply_decision(2, {"category": "其他"}, now=NOW, method="manual", actor="officer")
    batch = [(i, _auto("促消费"), "second opinion: 安全生产" if i == 3 else "")
             for i in (1, 2, 3)]
    assert st.apply_auto_decisions(batch, now=NOW) == 2
    assert st.item(2)["category"] == "其他" and st.item(2)["decided_by"] == "manual"
    one = st.item(1)
    assert (one["category"], one["decided_by"], one["ruleset_version"]) == ("促消费", "auto", "v2")
    reasons = {r["item_id"]: r["reason"] for r in st.db.query(
        "SELECT item_id, reason FROM decisions WHERE method = 'auto'")}
    assert reasons == {1: None, 3: "second opinion: 安全生产"}
    assert one["decision_id"] == max(r["id"] for r in st.db.query(
        "SELECT id FROM decisions WHERE item_id = 1"))
    # no longer pending under v2
    assert [r["id"] for r in st.pending_classification("v2")] == [4, 5]


def test_a_failing_batch_writes_nothing(st):
    with pytest.raises(KeyError):
        st.apply_auto_decisions([(1, _auto("促消费"), ""), (3, {"score": 1}, "")], now=NOW)
    assert st.item(1)["category"] is None      # rolled back with the rest of its transaction
