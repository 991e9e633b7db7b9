"""Store queries of operations: due sources, failure streaks, heartbeat, alert delivery."""
from datetime import datetime, timedelta, timezone

from store import Store

T0 = datetime(2025, 3, 3, tzinfo=timezone.utc)


def _store(tmp_path, ids=("a", "b", "c")):
    st = Store(tmp_path / "g.db")
    st.sync_sources([{"id": i, "type": "feed", "channel": "wechat"} for i in ids], T0)
    return st


def _run(st, sid, status, reason="", now=T0):
    st.end_run(st.begin_run(sid, now), status=status, reason=reason, now=now)


def test_due_sources_never_run_first_then_most_overdue(tmp_path):
    with _store(tmp_path) as st:
        st.set_next_due("a", T0 - timedelta(hours=1))
        st.set_next_due("b", T0 + timedelta(minutes=1))
        assert st.due_source_ids(T0) == ["c", "a"]
        st.sync_sources([{"id": "a", "type": "feed", "channel": "wechat"}], T0)   # b, c dropped
        assert st.due_source_ids(T0 + timedelta(hours=1)) == ["a"]


def test_failure_streak_ignores_stops_and_kills(tmp_path):
    with _store(tmp_path) as st:
        _run(st, "a", "ok")
        _run(st, "a", "failed", "HTTP 503")
        st.begin_run("a", T0)                      # killed: marked interrupted by the next begin
        _run(st, "a", "failed", "stopped before the end of the pass")
        _run(st, "a", "failed", "layout changed")
        assert st.failure_streak("a") == (2, "layout changed")
        _run(st, "a", "not_modified")
        assert st.failure_streak("a") == (0, "")


def test_fail_open_run_closes_a_crashed_run(tmp_path):
    with _store(tmp_path) as st:
        st.begin_run("a", T0)
        st.fail_open_run("a", "internal error: KeyError", T0)
        assert st.last_run("a")["status"] == "failed"
        assert st.source("a")["consecutive_failures"] == 1


def test_heartbeat_counts_ticks(tmp_path):
    with _store(tmp_path) as st:
        st.heartbeat(pid=7, host="h", now=T0, started=True)
        st.heartbeat(pid=7, host="h", now=T0 + timedelta(seconds=5))
        hb = st.last_heartbeat()
        assert (hb["ticks"], hb["started_at"], hb["beat_at"]) == (
            2, T0.isoformat(), (T0 + timedelta(seconds=5)).isoformat())


def test_alert_delivery_bookkeeping(tmp_path):
    with _store(tmp_path) as st:
        aid = st.add_alert("a", "failing", subject="s", body="b", now=T0)
        assert st.open_alert("a", "failing")["id"] == aid
        st.record_delivery(aid, delivered=["webhook"], done=False, now=T0, error="smtp down",
                           retry_at=T0 + timedelta(minutes=5))
        assert st.alerts_to_send(T0 + timedelta(minutes=4)) == []
        assert [a["id"] for a in st.alerts_to_send(T0 + timedelta(minutes=5))] == [aid]
        st.resolve_alert(aid, T0 + timedelta(minutes=6))
        assert st.alerts_to_send(T0 + timedelta(hours=1)) == []     # resolved before sent: dropped
        assert st.open_alert("a", "failing") is None
        st.add_alert("", "digest", ref="2025-03-03", subject="d", body="", now=T0, resolved=True)
        assert st.has_alert_ref("digest", "2025-03-03")
        assert [a["kind"] for a in st.alerts_to_send(T0)] == ["digest"]
