"""The daemon's scheduling, driven by a fake clock: never sleeps."""
from datetime import datetime, timedelta, timezone

import pytest

import classifier
import collectors
from gongkai import config, daemon
from store import Store

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=timezone.utc)

# behaviour per source url: "ok" (one new item a run), "fail" (SourceError), "raise" (a bug)
BEHAVIOUR: dict[str, str] = {}
CALLS: list[tuple[str, datetime]] = []


class Fake(collectors.SourceKind):
    name = "fake-sched"
    options = {"url": collectors.Option(str)}

    def collect(self, state):
        url = self.opts["url"]
        CALLS.append((url, state.now))
        what = BEHAVIOUR.get(url, "ok")
        if what == "raise":
            raise RuntimeError("a bug in a collector")
        if what == "fail":
            raise collectors.SourceError("layout changed")
        yield collectors.Item(key=f"{url}/{state.now.isoformat()}", url=url, title="促消费活动",
                              published_at=state.now)


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch):
    monkeypatch.setitem(collectors.REGISTRY, Fake.name, Fake)
    BEHAVIOUR.clear()
    CALLS.clear()


def _cfg(tmp_path, intervals: dict[str, str]) -> config.Config:
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
    for sid, interval in intervals.items():
        text += (f'[[sources]]\nid = "{sid}"\ntype = "{Fake.name}"\nchannel = "website"\n'
                 f'url = "fake://{sid}"\ninterval = "{interval}"\n')
    path = tmp_path / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def _daemon(cfg, st, clock):
    d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http=None,
                      clock=clock)
    d.start()
    return d


def _runs_by_source() -> dict[str, list[datetime]]:
    out: dict[str, list[datetime]] = {}
    for url, when in CALLS:
        out.setdefault(url.removeprefix("fake://"), []).append(when)
    return out


def test_jitter_is_deterministic_and_bounded():
    assert daemon.jitter_s("portal", 3600) == daemon.jitter_s("portal", 3600)
    values = {daemon.jitter_s(f"s{i}", 3600) for i in range(200)}
    assert len(values) > 150                      # sources spread out
    assert all(-360 <= v < 360 for v in values)


def test_backoff_grows_and_is_capped():
    src = config.Source("a", "feed", "wechat", 2 * 3600, "all", True, {})
    waits = [(daemon.next_due(src, T0, n) - T0).total_seconds() for n in range(1, 9)]
    assert waits[:4] == [600, 1200, 2400, 4800]
    assert waits[-1] == daemon.BACKOFF_CAP_S and waits == sorted(waits)


def test_24_hours_of_ticks_run_each_source_on_its_interval(tmp_path):
    cfg = _cfg(tmp_path, {"hourly": "1h", "six": "6h", "broken": "2h"})
    BEHAVIOUR["fake://broken"] = "fail"
    clock = Clock(T0)
    with Store(cfg.db_path) as st:
        d = _daemon(cfg, st, clock)
        while clock.t < T0 + timedelta(hours=24):
            d.tick()
            clock.t += timedelta(minutes=1)
    runs = _runs_by_source()
    j = {sid: timedelta(seconds=daemon.jitter_s(sid, s)) for sid, s in
         (("hourly", 3600), ("six", 21600))}
    # a run at T0, then every interval + its fixed jitter, rounded up to the next minute tick
    def expected(sid, interval):
        out, t = [], T0
        while t < T0 + timedelta(hours=24):
            out.append(t)
            due = t + interval + j[sid]
            t = T0 + timedelta(minutes=-(-(due - T0) // timedelta(minutes=1)))
        return out
    assert runs["hourly"] == expected("hourly", timedelta(hours=1))
    assert runs["six"] == expected("six", timedelta(hours=6))
    # the failing source backs off: 10, 20, 40, 80, 160 ... minutes, capped at max(2 h, 6 h)
    gaps = [(b - a) / timedelta(minutes=1) for a, b in zip(runs["broken"], runs["broken"][1:])]
    assert gaps[:5] == [10, 20, 40, 80, 160]
    assert max(gaps) == daemon.BACKOFF_CAP_S / 60
    with Store(cfg.db_path) as st:
        assert st.failure_streak("broken")[0] == len(runs["broken"])
        assert st.source("hourly")["consecutive_failures"] == 0


def test_a_source_that_raises_does_not_stop_the_others(tmp_path):
    cfg = _cfg(tmp_path, {"a": "1h", "b": "1h", "c": "1h"})
    BEHAVIOUR["fake://b"] = "raise"
    clock = Clock(T0)
    with Store(cfg.db_path) as st:
        results = _daemon(cfg, st, clock).tick()
        assert [(r.source_id, r.status) for r in results] == [
            ("a", "ok"), ("b", "failed"), ("c", "ok")]
        assert "RuntimeError" in results[1].reason
        # the crash is recorded as the source's failure, and its run is closed
        assert st.last_run("b")["status"] == "failed"
        assert st.failure_streak("b") == (1, results[1].reason)
        assert len(st.items(source_id="c")) == 1
        assert st.source("b")["next_due_at"] == (T0 + timedelta(minutes=10)).isoformat()


def test_restart_catches_up_overdue_sources_without_repeating_done_ones(tmp_path):
    cfg = _cfg(tmp_path, {"a": "1h", "b": "6h"})
    clock = Clock(T0)
    with Store(cfg.db_path) as st:
        _daemon(cfg, st, clock).tick()
    assert sorted(u for u, _ in CALLS) == ["fake://a", "fake://b"]
    CALLS.clear()
    # down for 2 hours; restart: a is overdue and runs at once (once, not twice), b is not due
    clock.t = T0 + timedelta(hours=2)
    with Store(cfg.db_path) as st:
        d = _daemon(cfg, st, clock)
        d.tick()
        d.tick()
    assert CALLS == [("fake://a", clock.t)]


def test_a_stopped_pass_stays_due_and_is_not_a_failure(tmp_path):
    cfg = _cfg(tmp_path, {"a": "1h"})
    clock = Clock(T0)
    with Store(cfg.db_path) as st:
        d = _daemon(cfg, st, clock)
        d.stop.set()
        r = daemon.Daemon._run_one(d, cfg.source("a"))   # the stop arrives mid-pass
        assert r.reason == daemon.STOPPED
        assert st.source("a")["next_due_at"] is None      # due again at once after restart
        assert st.failure_streak("a") == (0, "")
