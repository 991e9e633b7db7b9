"""Memory of the daemon after a simulated day over many sources (issue 8's figure, issue 17 #5).

    python benchmarks/daemon_memory.py [--sources 500] [--hours 24] [--tick 60]
                                       [--loopback HOSTS] [--long] [--warmup 4]
                                       [--top N] [--keep-caches]

Registers a fake source kind (here only: it fetches nothing) whose sources publish a new item now
and then and fail a few percent of the time, writes a config with N such sources (intervals 30 min
to 6 h), then drives ``gongkai.daemon.Daemon.tick`` with an injected clock advancing ``--tick``
seconds per tick through ``--hours`` — every run, classification, alert check and heartbeat is
real, against a real SQLite file; only the clock and the network are fake. Prints the tracemalloc
peak of the run, the Python heap still held at the end, and the process RSS (current and peak).

With ``--loopback HOSTS`` the network is real too: the sources are RSS feeds served by loopback
servers on 127.0.0.2, 127.0.0.3, … (N sources spread over HOSTS hosts, polled through
``collectors.Http`` with the daemon's threads per host), each feed gaining an item every few
simulated hours. The district of issue 17: ``--sources 320 --loopback 40``.

The memory (RSS, and the Python heap as tracemalloc counts it) is printed for every simulated
hour; the baseline is the end of the warm-up (``--warmup`` hours, 4: every source polled, the
database's pages and the per-host connections in use), and the growth ratio after it is the
last hour's RSS over the baseline's: flat means about 1.00. ``--long`` runs 72 simulated hours
(about 20 minutes of real time for the district), to see whether what grows levels off.
``--top N`` prints the N allocation sites that grew most from the baseline to the end
(tracemalloc snapshots compared by line). ``--keep-caches`` measures the code before issue 17 #5:
the duplicate finder's headline caches kept from one pass to the next instead of cleared.
"""
from __future__ import annotations

import argparse
import logging
import random
import resource
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import classifier
import collectors
from gongkai import clustering, config, daemon
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


BODIES = ("区商务局", "区应急管理局", "区教育局", "区卫健委", "城关镇", "区市场监管局", "区文旅局",
          "区住建局")
DEEDS = ("召开安全生产工作会议", "开展促消费系列活动", "组织招商引资项目推介", "检查节前市场供应",
         "发布行政审批事项办理指南", "举办业务培训班", "推进便民生活圈建设")


class FeedServers:
    """Feed servers on loopback addresses; a feed's items follow the simulated clock: source
    ``/sNNNN.rss`` publishes an item every 8 × (NNNN % 5 + 2) simulated hours (320 sources: about
    240 items a day, a busy district's pace), the newest 3 listed, each its own headline."""

    def __init__(self, hosts: int, clock: list[datetime]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                host = self.server.server_address[0]
                k = int(self.path.strip("/s.rs") or 0)
                every = timedelta(hours=8 * (k % 5 + 2))
                last = int((clock[0] - EPOCH) / every)
                items = "".join(
                    f"<item><title>{BODIES[k % len(BODIES)]}{DEEDS[(k + n) % len(DEEDS)]}"
                    f"（第{k}-{n}号）</title>"
                    f"<pubDate>{EPOCH + n * every:%a, %d %b %Y %H:%M:%S} GMT</pubDate>"
                    f"<link>http://{host}/s{k}/{n}.html</link>"
                    f"<description>{BODY[:200]}</description></item>"
                    for n in range(last, max(last - 3, 0), -1))
                body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                        f"<title>{host}</title><link>http://{host}/</link>{items}"
                        "</channel></rss>").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpds = []
        for h in range(hosts):
            httpd = ThreadingHTTPServer((f"127.0.0.{2 + h}", 0), Handler)
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            self.httpds.append(httpd)

    def url(self, i: int) -> str:
        host, port = self.httpds[i % len(self.httpds)].server_address
        return f"http://{host}:{port}/s{i:04d}.rss"

    def close(self) -> None:
        for httpd in self.httpds:
            httpd.shutdown()
            httpd.server_close()


EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)


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
    ap.add_argument("--loopback", type=int, default=0, metavar="HOSTS",
                    help="real feeds on this many loopback hosts instead of the fake kind")
    ap.add_argument("--long", action="store_true", help="72 simulated hours (overrides --hours)")
    ap.add_argument("--warmup", type=float, default=4, metavar="HOURS",
                    help="the baseline is the memory at this simulated hour")
    ap.add_argument("--top", type=int, default=0, metavar="N",
                    help="print the N allocation sites grown most after the warm-up")
    ap.add_argument("--keep-caches", action="store_true",
                    help="the code before #17 #5: headline caches kept across passes")
    args = ap.parse_args()
    if args.long:
        args.hours = 72
    if not 0 < args.warmup < args.hours:
        ap.error(f"--warmup must be between 0 and --hours ({args.hours:g})")
    if args.keep_caches:
        clustering.clear_caches = lambda: None
    logging.disable(logging.WARNING)     # the simulated failures would flood stderr
    collectors.register(FakeSource)
    intervals = ["30m", "1h", "2h", "6h"]
    now = [datetime(2025, 3, 3, tzinfo=timezone.utc)]
    servers = FeedServers(args.loopback, now) if args.loopback else None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gongkai.toml"
        text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "bench.db"\n' \
               '[alerts]\nafter_failures = 3\ndigest_at = "08:30"\n'
        for i in range(args.sources):
            kind, url = (("feed", servers.url(i)) if servers else
                         (FakeSource.name, f"http://fake{i}.invalid/col"))
            text += (f'[[sources]]\nid = "s{i:04d}"\ntype = "{kind}"\n'
                     f'channel = "website"\nurl = "{url}"\n'
                     f'interval = "{intervals[i % len(intervals)]}"\n')
        path.write_text(text, encoding="utf-8")
        cfg = config.load(path)
        start = now[0]
        end = start + timedelta(hours=args.hours)
        marks = [start + timedelta(hours=h) for h in range(1, int(args.hours) + 1)]
        base_at = start + timedelta(hours=args.warmup)
        snaps = []
        rss_before = _rss_kb()
        tracemalloc.start()
        t0 = time.perf_counter()
        ticks = runs = 0
        seen: list[tuple[float, float, float]] = []     # (hours, RSS MB, heap MB)
        http = collectors.Http(min_delay=0, respect_robots=False) if servers else None
        try:
            with Store(cfg.db_path) as st:
                d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http,
                                  clock=lambda: now[0])
                d.start()
                while now[0] < end:
                    results = d.tick()
                    runs += len(results)
                    failed = [r for r in results if r.status != "ok"]
                    if servers and failed:      # a real feed never fails here: say so
                        raise SystemExit(f"{failed[0].source_id}: {failed[0].reason}")
                    ticks += 1
                    now[0] += timedelta(seconds=args.tick)
                    if marks and now[0] >= marks[0]:
                        marks.pop(0)
                        seen.append(((now[0] - start).total_seconds() / 3600, _rss_kb() / 1024,
                                     tracemalloc.get_traced_memory()[0] / 1e6))
                        if args.top and (now[0] - timedelta(seconds=args.tick) < base_at <= now[0]
                                         or not marks):
                            # on disk, not held: the RSS printed must not include it
                            snaps.append(Path(tmp) / f"snap{len(snaps)}")
                            tracemalloc.take_snapshot().filter_traces(
                                [tracemalloc.Filter(False, tracemalloc.__file__)]).dump(snaps[-1])
                items, alerts = st.item_count(), len(st.alerts(limit=100_000))
                db_size = cfg.db_path.stat().st_size
        finally:
            if servers:
                servers.close()
        current, peak = tracemalloc.get_traced_memory()
        grew = tracemalloc.Snapshot.load(snaps[-1]).compare_to(
            tracemalloc.Snapshot.load(snaps[0]), "lineno")[:args.top] if len(snaps) == 2 else []
        tracemalloc.stop()
        elapsed = time.perf_counter() - t0
    where = (f"feeds on {args.loopback} loopback hosts" if servers else "a fake source kind")
    print(f"simulated {args.hours:g} h over {args.sources} sources ({where}): {ticks} ticks, "
          f"{runs} runs ({runs / elapsed:.0f} runs/s), {items} items, {alerts} alerts, "
          f"database {db_size / 1e6:.1f} MB ({elapsed:.0f} s of real time)")
    if args.keep_caches:
        print("the code before #17 #5: the headline caches kept across passes")
    print("memory by simulated hour (RSS MB / Python heap MB):")
    for row in range(0, len(seen), 6):
        print("  " + "; ".join(f"{h:>4g} h {rss:6.1f} / {heap:5.1f}"
                               for h, rss, heap in seen[row:row + 6]))
    base = [m for m in seen if m[0] >= args.warmup - 1e-9][:1]
    if base and seen[-1][0] > base[0][0]:
        (bh, brss, bheap), (eh, erss, eheap) = base[0], seen[-1]
        after = [m for m in seen if m[0] >= bh]
        top_rss = max(after, key=lambda m: m[1])
        print(f"growth after the warm-up ({bh:g} h -> {eh:g} h): RSS {erss / brss:.3f}x "
              f"({erss - brss:+.1f} MB; highest {top_rss[1]:.1f} MB at {top_rss[0]:g} h), "
              f"Python heap {eheap / bheap:.3f}x ({eheap - bheap:+.1f} MB)")
    for stat in grew:
        print(f"  grown {stat.size_diff / 1e3:+9.1f} kB in {stat.count_diff:+7d} blocks: "
              f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}")
    print(f"tracemalloc: peak {peak / 1e6:.1f} MB, still held at the end {current / 1e6:.1f} MB")
    print(f"RSS: {rss_before / 1024:.1f} MB before the run, {_rss_kb() / 1024:.1f} MB after; "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
