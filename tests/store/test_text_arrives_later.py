"""An item first saved with the list's title only (its detail page could not be read) and later
completed from its page is classified again on the new text; a person's decision stays (outside
test #6: a row kept with list data must get its body — and its category — on a later pass)."""
from datetime import datetime, timezone

import classifier
from gongkai import pipeline
from store import Store

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
KEY = "http://gov.example/news/1.html"


def record(title: str, body: str = "") -> dict:
    return {"key": KEY, "url": KEY, "title": title, "title_norm": classifier.normalize(title),
            "body": body, "pub_date": "2025-09-16", "published_at": "2025-09-16T00:00:00+08:00",
            "date_source": "list", "meta": {}}


def test_a_body_read_on_a_later_pass_is_classified(tmp_path):
    rules = classifier.Classifier(classifier.load_rules())
    with Store(tmp_path / "g.db") as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        item_id, _ = st.save_item("web", "website", record("区商务局工作动态"), attribution="ours",
                                  now=NOW)
        assert pipeline.classify_pending(st, rules, lambda: NOW) == 1
        first = st.item(item_id)["category"]
        # the same text again: nothing to decide
        st.save_item("web", "website", record("区商务局工作动态"), attribution="ours", now=NOW)
        assert st.pending_classification(rules.ruleset.version) == []
        body = "开展燃气安全专项检查，排查餐饮场所安全生产隐患，落实安全生产责任。" * 3
        st.save_item("web", "website", record("区商务局工作动态", body), attribution="ours", now=NOW)
        assert [r["id"] for r in st.pending_classification(rules.ruleset.version)] == [item_id]
        pipeline.classify_pending(st, rules, lambda: NOW)
        assert st.item(item_id)["category"] == "安全生产" != first
