"""Issue 17 #5: the daemon's memory stays flat. Polling a feed that keeps publishing must not
leave the process holding more with every poll: each new headline went into the duplicate
finder's headline caches (dupe_headlines: 5 caches of up to 65,536 entries, a pair of fresh
headline copies per compared pair), kept from one poll to the next, so the daemon's heap grew
with every item until the caps (benchmarks/daemon_memory.py: +5.7 MB of heap in 20 simulated
hours of a district's 320 feeds).

A loopback feed gains two items per poll, under new headlines, on two sources (so the placing
compares pairs); the project's caches are sized after a few polls and again after four times
as many: they must not have grown."""
import functools
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import config, daemon
from store import Store

START = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
STEP = timedelta(minutes=40)        # every source (interval 30 min ± 10 %) is due each tick
PROJECT = ("gongkai", "collectors", "classifier", "store")
BODIES = ("区商务局", "区应急管理局", "区教育局", "城关镇")
DEEDS = ("召开安全生产工作会议", "开展促消费系列活动", "组织招商引资项目推介", "检查节前市场供应",
         "举办业务培训班")


class Feed:
    """``/a.rss`` and ``/b.rss``: the newest three of items published one per source per
    simulated tick, each under its own headline."""

    def __init__(self, clock: list[datetime]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                side = self.path.strip("/.rs")
                last = int((clock[0] - START) / STEP)
                items = "".join(
                    f"<item><title>{BODIES[n % 4]}{DEEDS[(n + len(side)) % 5]}（{side}第{n}号）"
                    f"</title><pubDate>{START + n * STEP - timedelta(minutes=1):%a, %d %b %Y %H:%M:%S} GMT</pubDate>"
                    f"<link>http://127.0.0.1/{side}/{n}.html</link>"
                    f"<description>为进一步促进消费，开展第{n}次系列活动。</description></item>"
                    for n in range(last, max(last - 3, -1), -1))
                body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                        f"<title>{side}</title><link>http://127.0.0.1/</link>{items}"
                        "</channel></rss>").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, side: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{side}.rss"


@pytest.fixture
def clock():
    return [START]


@pytest.fixture
def feed(clock):
    f = Feed(clock)
    yield f
    f.httpd.shutdown()
    f.httpd.server_close()


def cache_sizes() -> dict[str, int]:
    """Entries held by every functools cache the project's modules define (not the standard
    library's, such as urllib's urlsplit, capped at 128)."""
    out = {}
    for name, mod in list(sys.modules.items()):
        if name.split(".")[0] not in PROJECT:
            continue
        for obj in list(vars(mod).values()):
            fn = getattr(obj, "__wrapped__", None)
            if isinstance(obj, functools._lru_cache_wrapper) and \
                    getattr(fn, "__module__", "").split(".")[0] in PROJECT:
                out[f"{fn.__module__}.{fn.__qualname__}"] = obj.cache_info().currsize
    return out


def test_polls_of_a_growing_feed_leave_the_caches_no_larger(tmp_path, feed, clock):
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
    for side in ("a", "b"):
        text += (f'[[sources]]\nid = "{side}"\ntype = "feed"\nchannel = "website"\n'
                 f'url = "{feed.url(side)}"\ninterval = "30m"\n')
    (tmp_path / "gongkai.toml").write_text(text, encoding="utf-8")
    cfg = config.load(tmp_path / "gongkai.toml")
    http = collectors.Http(min_delay=0, respect_robots=False)
    sizes = []
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http,
                          clock=lambda: clock[0])
        d.start()
        for polls in (5, 20):
            for _ in range(polls):
                results = d.tick()
                assert sorted((r.source_id, r.status) for r in results) == \
                    [("a", "ok"), ("b", "ok")]
                clock[0] += STEP
            sizes.append(cache_sizes())
        items = st.item_count()
    assert items == 2 * 25     # every poll brought its new item, on both sources
    assert "gongkai.dupe_headlines.subjects_differ" in sizes[0]   # the caches were looked at
    grown = {k: (sizes[0].get(k, 0), n) for k, n in sizes[1].items() if n > sizes[0].get(k, 0)}
    assert not grown, f"caches grown from 5 polls to 25 (before, after): {grown}"
