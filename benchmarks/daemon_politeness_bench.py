"""One poll round of a district's sources with per-host politeness (issue 17 #5).

    python benchmarks/daemon_politeness_bench.py [--hosts 40] [--per-host 8] [--delay 0.2]
                                                 [--answer 0.02] [--items 5]

Serves --hosts feeds servers on loopback addresses 127.0.0.2, 127.0.0.3, … (each answers after
--answer seconds with --items items), configures --per-host feed sources on each (320 by
default), and times one ``Daemon.tick`` — every source polled once, its items saved and
classified — through a ``collectors.Http`` with a politeness delay of --delay seconds between
two requests to one host. Then checks that delay held on every host, from the servers' logs.

Baseline in the same run: the same round with one worker (``daemon.WORKERS = 1``), every
source one after another, as a poller without per-host threads would do it.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import classifier  # noqa: E402
import collectors  # noqa: E402
from gongkai import config, daemon  # noqa: E402
from store import Store  # noqa: E402

NOW = datetime(2025, 1, 2, 4, 0, tzinfo=timezone.utc)


BODIES = ("区商务局", "区应急管理局", "区教育局", "区卫健委", "城关镇", "区市场监管局", "区文旅局",
          "区住建局")
DEEDS = ("召开安全生产工作会议", "开展促消费系列活动", "组织招商引资项目推介", "检查节前市场供应",
         "发布行政审批事项办理指南", "举办业务培训班", "推进便民生活圈建设")


def _item(host: str, path: str, n: int) -> str:
    """An item of one source's feed: its own body, deed and day (sources spread over the
    year, as a district's do), so the duplicate finder meets the usual few candidates."""
    k = int(host.rsplit(".", 1)[1]) * 8 + int(path.strip("/s.rs") or 0)
    day = datetime(2024, 1, 1) + timedelta(days=(k * 3 + n) % 360)
    return (f"<item><title>{BODIES[k % len(BODIES)]}{DEEDS[(k + n) % len(DEEDS)]}（第{k}-{n}号）"
            f"</title><pubDate>{day:%a, %d %b %Y} 02:00:00 GMT</pubDate>"
            f"<link>http://{host}{path}/{n}.html</link></item>")


class Servers:
    """A feed server per loopback address; each request's (host, start, end)."""

    def __init__(self, hosts: int, answer: float, items: int) -> None:
        self.log: list[tuple[str, float, float]] = []
        lock = threading.Lock()
        log = self.log

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                began = time.monotonic()
                time.sleep(answer)
                host = self.server.server_address[0]
                body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                        f"<title>{host}</title><link>http://{host}/</link>" + "".join(
                            _item(host, self.path, n) for n in range(items))
                        + "</channel></rss>").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    log.append((host, began, time.monotonic()))

        self.httpds = []
        for k in range(hosts):
            httpd = ThreadingHTTPServer((f"127.0.0.{2 + k}", 0), Handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            self.httpds.append(httpd)

    def close(self) -> None:
        for httpd in self.httpds:
            httpd.shutdown()
            httpd.server_close()


def one_round(servers: Servers, per_host: int, delay: float, folder: Path
              ) -> tuple[float, float, int, float]:
    """Seconds for one tick and for its polls, items saved, and the shortest gap between two
    requests to one host (from the end of one answer to the next request)."""
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "bench.db"\n'
    for httpd in servers.httpds:
        host, port = httpd.server_address
        for j in range(per_host):     # by id, one host's sources together
            text += (f'[[sources]]\nid = "h{host.rsplit(".", 1)[1]:0>3}-s{j}"\ntype = "feed"\n'
                     f'channel = "wechat"\nurl = "http://{host}:{port}/s{j}.rss"\n'
                     'interval = "1h"\nstale_factor = 0.0\n')
    path = folder / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    cfg = config.load(path)
    servers.log.clear()
    http = collectors.Http(min_delay=delay, respect_robots=False)
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http,
                          clock=lambda: NOW)
        d.start()
        polling = []
        run_due = d._run_due

        def timed_run_due(due):             # the polls alone, without placing and classifying
            t = time.perf_counter()
            try:
                return run_due(due)
            finally:
                polling.append(time.perf_counter() - t)
        d._run_due = timed_run_due
        t = time.perf_counter()
        results = d.tick()
        took = time.perf_counter() - t
        assert all(r.status == "ok" for r in results), [r for r in results if r.status != "ok"]
        saved = st.item_count()
    gaps = []
    for host in {h for h, _, _ in servers.log}:
        visits = sorted((b, e) for h, b, e in servers.log if h == host)
        gaps += [b - e for (_, e), (b, _) in zip(visits, visits[1:])]
    return took, polling[0], saved, min(gaps) if gaps else float("inf")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=40)
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--delay", type=float, default=0.2, help="politeness delay, seconds")
    ap.add_argument("--answer", type=float, default=0.02, help="each answer's time, seconds")
    ap.add_argument("--items", type=int, default=5, help="items per feed")
    a = ap.parse_args()
    logging.disable(logging.WARNING)
    servers = Servers(a.hosts, a.answer, a.items)
    n = a.hosts * a.per_host
    try:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "a").mkdir()
            (Path(tmp) / "b").mkdir()
            took, polls, saved, gap = one_round(servers, a.per_host, a.delay, Path(tmp) / "a")
            workers, daemon.WORKERS = daemon.WORKERS, 1
            try:
                serial, serial_polls, serial_saved, serial_gap = one_round(servers, a.per_host, a.delay,
                                                             Path(tmp) / "b")
            finally:
                daemon.WORKERS = workers
    finally:
        servers.close()
    assert saved == serial_saved == n * a.items, (saved, serial_saved)
    # the client counts the delay from the answer's headers, the server logs after the body
    assert gap >= a.delay - 0.02 and serial_gap >= a.delay - 0.02, (gap, serial_gap)
    one_host = a.per_host * a.answer + (a.per_host - 1) * a.delay
    print(f"one poll round, {n} sources on {a.hosts} loopback hosts ({a.per_host} each, "
          f"{a.delay:g} s politeness delay, {a.answer:g} s answers): {took:.1f} s, "
          f"{n / took:.0f} sources/s, of which the polls {polls:.1f} s (one host alone needs "
          f"{one_host:.1f} s) and placing and classifying the {saved:,} new items the rest; "
          f"shortest gap between two requests to one host {gap:.2f} s")
    print(f"baseline, one source after another (WORKERS = 1): {serial:.1f} s, polls "
          f"{serial_polls:.1f} s, {n / serial:.0f} sources/s ({serial / took:.1f}x slower; "
          f"polls {serial_polls / polls:.1f}x)")

if __name__ == "__main__":
    main()
