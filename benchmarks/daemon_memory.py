"""Memory of the daemon after a simulated day over many sources (issue 8's figure).

    python benchmarks/daemon_memory.py [--sources 500] [--hours 24] [--tick 60]

Registers a fake source kind (here only: it fetches nothing) whose sources publish a new item now
and then and fail a few percent of the time, writes a config with N such sources (intervals 30 min
to 6 h), then drives ``gongkai.daemon.Daemon.tick`` with an injected clock advancing ``--tick``
seconds per tick through ``--hours`` — every run, classification, alert check and heartbeat is
real, against a real SQLite file; only the clock and the network are fake. Prints the tracemalloc
peak of the run, the Python heap still held at the end, and the process RSS (current and peak).
"""
from __future__ import annotations

import argparse
import logging
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import classifier
import collectors
from gongkai import config, daemon
from store import Store

TITLES = ["区商务局开展节前安全生产大检查", "卫滨区汽车消费券第二轮发放活动即将开启",
          "卫滨区召开招商引资工作推进会", "区商务局推进一刻钟便民生活圈建设"]
BODY = "为进一步促进消费，卫滨区商务局组织开展系列活动。" * 40


class FakeSource(collectors.SourceKind):
    """Deterministic per (url, time): about one new item every third run, a failure every 30th."""
    name = "bench-fake"
    options = {"url": collectors.Option(str)}

    def collect(self, state):
        rnd = random.Random(f"{self.opts['url']}|{state.now.isoformat()}")
        if rnd.random() < 1 / 30:
            raise collectors.SourceError("simulated verification page")
        if rnd.random() < 1 / 3:
            n = rnd.randrange(1_000_000)
            yield collectors.Item(key=f"{self.opts['url']}/{n}", url=f"{self.opts['url']}/{n}",
                                  title=rnd.choice(TITLES), body=BODY, published_at=state.now)


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=500)
    ap.add_argument("--hours", type=float, default=24)
    ap.add_argument("--tick", type=float, default=60, help="simulated seconds per tick")
    args = ap.parse_args()
    logging.disable(logging.WARNING)     # the simulated failures would flood stderr
    collectors.register(FakeSource)
    intervals = ["30m", "1h", "2h", "6h"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gongkai.toml"
        text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "bench.db"\n' \
               '[alerts]\nafter_failures = 3\ndigest_at = "08:30"\n'
        for i in range(args.sources):
            text += (f'[[sources]]\nid = "s{i:04d}"\ntype = "{FakeSource.name}"\n'
                     f'channel = "website"\nurl = "http://fake{i}.invalid/col"\n'
                     f'interval = "{intervals[i % len(intervals)]}"\n')
        path.write_text(text, encoding="utf-8")
        cfg = config.load(path)
        now = [datetime(2025, 3, 3, tzinfo=timezone.utc)]
        end = now[0] + timedelta(hours=args.hours)
        rss_before = _rss_kb()
        tracemalloc.start()
        t0 = time.perf_counter()
        ticks = runs = 0
        with Store(cfg.db_path) as st:
            d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), None,
                              clock=lambda: now[0])
            d.start()
            while now[0] < end:
                runs += len(d.tick())
                ticks += 1
                now[0] += timedelta(seconds=args.tick)
            items, alerts = st.item_count(), len(st.alerts(limit=100_000))
            db_size = cfg.db_path.stat().st_size
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        elapsed = time.perf_counter() - t0
    print(f"simulated {args.hours:g} h over {args.sources} sources: {ticks} ticks, {runs} runs, "
          f"{items} items, {alerts} alerts, database {db_size / 1e6:.1f} MB "
          f"({elapsed:.0f} s of real time)")
    print(f"tracemalloc: peak {peak / 1e6:.1f} MB, still held at the end {current / 1e6:.1f} MB")
    print(f"RSS: {rss_before / 1024:.1f} MB before the run, {_rss_kb() / 1024:.1f} MB after; "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
