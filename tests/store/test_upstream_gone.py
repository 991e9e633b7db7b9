"""An item whose own page a collector found deleted (a 404, a soft 404: ``meta["upstream"] ==
"gone"``) is recorded as gone — still counted, shown as 原文已删除 — not as live; read again, it
is live again (outside test #6: a soft-404 detail's item was recorded as upstream "live")."""
from datetime import datetime, timezone

from store import Store

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


def record(**meta) -> dict:
    return {"key": "http://gov.example/1", "url": "http://gov.example/1", "title": "区商务局推进农贸市场提质改造",
            "title_norm": "区商务局推进农贸市场提质改造", "pub_date": "2025-09-17",
            "published_at": "2025-09-17T00:00:00+08:00", "date_source": "list", "meta": meta}


def test_a_deleted_detail_is_gone_and_comes_back_live_when_read(tmp_path):
    with Store(tmp_path / "g.db") as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        item_id, new = st.save_item("web", "website", record(upstream="gone", detail_error="soft 404"),
                                    attribution="ours", now=NOW)
        assert new and st.item(item_id)["upstream_status"] == "gone"
        assert st.save_item("web", "website", record(), attribution="ours", now=NOW) == (item_id, False)
        assert st.item(item_id)["upstream_status"] == "live"
        st.save_item("web", "website", record(upstream="gone"), attribution="ours", now=NOW)
        assert st.item(item_id)["upstream_status"] == "gone"
