"""A date set by hand (year-end trial #1): an item whose dates disagree on the year is named in
both years until a person settles it; the hand-set date is audited, survives a re-crawl, and
is undone with the review flag and the decision as they were."""
from datetime import date, datetime, timezone

import classifier
from collectors import _consensus as consensus
from gongkai import pipeline
from store import Store

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
TITLE, BODY = "2025年汽车消费券发放活动启动", "汽车消费 消费券 促消费"


def conflict_meta() -> dict:
    # the trial's item: the list says 31 December, the detail page's 发布时间 1 January 00:10
    return consensus.decide([consensus.candidate(consensus.LABEL, "2026-01-01 00:10", "发布时间"),
                             consensus.candidate(consensus.LIST, "2025-12-31")]).extra()


def record(n: int = 1) -> dict:
    return {"key": f"http://gov.example/{n}", "url": f"http://gov.example/{n}", "title": TITLE,
            "title_norm": classifier.normalize(TITLE) + str(n), "body": BODY,
            "pub_date": "2026-01-01", "published_at": "2026-01-01T00:10:00+08:00",
            "date_source": "detail", "date_raw": "2026-01-01 00:10", "meta": conflict_meta()}


def make(tmp_path):
    db = tmp_path / "g.db"
    with Store(db) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        item_id = st.save_item("web", "website", record(), attribution="ours", now=NOW)[0]
        pipeline.classify_pending(st, classifier.Classifier(classifier.load_rules()), lambda: NOW)
    return db, item_id


def test_an_unsettled_year_conflict_is_named_in_both_years(tmp_path):
    db, item_id = make(tmp_path)
    with Store(db) as st:
        assert st.item(item_id)["pub_year"] == 2026
        assert [r["id"] for r in st.year_conflicts(2025)] == [item_id]
        assert [r["id"] for r in st.year_conflicts(2026)] == [item_id]
        assert st.year_conflicts(2024) == []
        assert st.year_conflicts(2025)[0]["years"] == [2025, 2026]
        # filing a category clears the review flag, not the conflict
        st.review_set_category(item_id, st.item(item_id)["category"], actor="o", now=NOW)
        assert [r["id"] for r in st.year_conflicts(2025)] == [item_id]


def test_a_hand_set_date_is_audited_kept_across_a_recrawl_and_undone(tmp_path):
    db, item_id = make(tmp_path)
    clf = classifier.Classifier(classifier.load_rules())
    with Store(db) as st:
        before = st.item(item_id)
        assert before["needs_review"] == 1
        done = st.settle_date(item_id, date(2025, 12, 31), actor="officer", now=NOW,
                              reason="列表日期为准")
        pipeline.classify_pending(st, clf, lambda: NOW)
        assert done == {"item_id": item_id, "old": "2026-01-01", "new": "2025-12-31"}
        it = st.item(item_id)
        assert (it["pub_date"], it["pub_year"], it["date_source"]) == ("2025-12-31", 2025, "manual")
        assert it["published_at"].startswith("2025-12-31T00:00:00")
        assert "date_review" not in it["meta_json"] and "date_conflict" in it["meta_json"]
        assert it["needs_review"] == 0          # only the date made it doubtful
        assert st.year_conflicts(2025) == [] and st.year_conflicts(2026) == []
        audit = st.audit(item_id)[-1]
        assert (audit["action"], audit["old"], audit["new"], audit["actor"]) == (
            "date", "2026-01-01", "2025-12-31", "officer")
        assert st.date_settlement(item_id)["day"] == "2025-12-31"
        # the next crawl reads the same page again: the person's date stays
        st.save_item("web", "website", record(), attribution="ours", now=NOW)
        it = st.item(item_id)
        assert (it["pub_date"], it["pub_year"], it["date_source"]) == ("2025-12-31", 2025, "manual")
        assert "date_review" not in it["meta_json"]
        assert st.counts(2025)["categories"] == {"促消费": 1} and st.counts(2026)["categories"] == {}
        # undone: the date, the note and the flagged decision as they were
        assert st.review_undo(item_id, actor="officer", now=NOW)["kind"] == "date"
        it = st.item(item_id)
        assert (it["pub_date"], it["pub_year"], it["date_source"], it["published_at"]) == (
            "2026-01-01", 2026, "detail", "2026-01-01T00:10:00+08:00")
        assert "date_review" in it["meta_json"] and it["needs_review"] == 1
        assert it["decision_id"] == before["decision_id"]
        assert st.audit(item_id)[-1]["action"] == "undo date"
        assert st.date_settlement(item_id) is None
        assert [r["id"] for r in st.year_conflicts(2025)] == [item_id]
        # and a re-crawl now may date it again as the page says
        st.save_item("web", "website", {**record(), "pub_date": "2026-01-01"},
                     attribution="ours", now=NOW)
        assert st.item(item_id)["pub_year"] == 2026


def test_a_date_changed_since_it_was_seen_is_refused(tmp_path):
    import pytest
    from store import StoreError
    db, item_id = make(tmp_path)
    with Store(db) as st:
        with pytest.raises(StoreError, match="changed since"):
            st.settle_date(item_id, date(2025, 12, 31), actor="o", now=NOW, expect="2025-12-30")
        assert st.item(item_id)["pub_date"] == "2026-01-01" and st.audit(item_id) == []
