"""Issue 15 #1 through the pipeline and the daemon: a stalled source fails by itself, at its
deadline, with the reason; the sources after it are collected on time. Deadlines are made small
and the loopback server stops dripping after a few seconds, so a regression fails quickly."""
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import config, daemon, pipeline
from store import Store

NOW = datetime(2025, 1, 2, 4, 0, tzinfo=timezone.utc)
GIVE_UP_S = 4.0
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>商务局</title>
<link>http://127.0.0.1/</link>
<item><title>卫滨区商务局开展促消费活动</title><pubDate>Tue, 31 Dec 2024 03:00:00 GMT</pubDate>
<link>http://127.0.0.1/a1.html</link></item>
<item><title>卫滨区商务局召开安全生产会议</title><pubDate>Mon, 30 Dec 2024 03:00:00 GMT</pubDate>
<link>http://127.0.0.1/a2.html</link></item>
</channel></rss>""".encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    """``/good.rss`` at once; ``/stalled.rss`` promises 100,000 bytes and drips one every 20 ms;
    ``/slow.rss`` is a whole, valid feed sent in 2 s."""

    def log_message(self, *a) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path not in ("/good.rss", "/stalled.rss", "/slow.rss"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", "100000" if self.path == "/stalled.rss" else str(len(FEED)))
        self.end_headers()
        if self.path == "/good.rss":
            self.wfile.write(FEED)
            return
        body, every = (b"x" * 100000, 0.02) if self.path == "/stalled.rss" else (FEED, 2.0 / len(FEED))
        end = time.monotonic() + GIVE_UP_S
        try:
            for i in range(0, len(body), 4):
                if time.monotonic() > end:
                    return
                self.wfile.write(body[i:i + 4])
                self.wfile.flush()
                time.sleep(every * 4)
        except OSError:
            pass


@pytest.fixture
def base():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _cfg(tmp_path, base, first: str):
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
    for sid, path in (("stuck", first), ("good", "/good.rss")):
        text += (f'[[sources]]\nid = "{sid}"\ntype = "feed"\nchannel = "wechat"\n'
                 f'url = "{base}{path}"\ninterval = "1h"\nstale_factor = 0.0\n')
    path = tmp_path / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def _http(**kw):
    return collectors.Http(min_delay=0, respect_robots=False, **kw)


def test_a_dripping_source_fails_at_the_response_deadline_and_the_next_is_collected(tmp_path, base):
    cfg = _cfg(tmp_path, base, "/stalled.rss")
    start = time.monotonic()
    with Store(cfg.db_path) as st:
        results = pipeline.crawl(cfg, st, classifier.Classifier(classifier.load_rules()),
                                 _http(deadline=0.5), clock=lambda: NOW)
    took = time.monotonic() - start
    stuck, good = results
    assert stuck.status == "failed" and "/stalled.rss took over 0.5 s" in stuck.reason
    assert (good.status, good.new) == ("ok", 2)
    assert took < 3.0, f"the crawl took {took:.1f} s"


def test_a_slow_source_is_cut_at_its_pass_deadline_in_the_daemon(tmp_path, base):
    # each response is well inside its own deadline; the source's whole pass is not
    cfg = _cfg(tmp_path, base, "/slow.rss")
    start = time.monotonic()
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()),
                          _http(deadline=30, source_deadline=0.5), clock=lambda: NOW)
        d.start()
        results = {r.source_id: r for r in d.tick()}
        last = st.last_run("stuck")
    assert time.monotonic() - start < 3.0
    assert results["stuck"].status == "failed"
    assert "source pass over its 0.5 s deadline" in results["stuck"].reason
    assert last["status"] == "failed" and "deadline" in last["reason"]
    assert (results["good"].status, results["good"].new) == ("ok", 2)
