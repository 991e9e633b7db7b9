"""Issue 15 #1 in the daemon: due sources on different hosts run side by side, so a stalled host
delays only its own sources; sources on one host still run one after another (politeness).

One loopback server answers under two host names (127.0.0.1 and localhost). The stalled source
comes first in the due order; with the sources run one after another the others would wait for
its deadline. Deadlines are small and the server stops dripping after a few seconds."""
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
DEADLINE_S = 2.0      # the stalled response is cut here
SLOW_S = 1.5          # /slow.rss: a whole feed, well inside its deadline
GIVE_UP_S = 5.0
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>商务局</title>
<link>http://127.0.0.1/</link>
<item><title>卫滨区商务局开展促消费活动</title><pubDate>Tue, 31 Dec 2024 03:00:00 GMT</pubDate>
<link>http://127.0.0.1/a1.html</link></item>
<item><title>卫滨区商务局召开安全生产会议</title><pubDate>Mon, 30 Dec 2024 03:00:00 GMT</pubDate>
<link>http://127.0.0.1/a2.html</link></item>
</channel></rss>""".encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    """``/fast.rss`` at once; ``/stalled.rss`` drips 4 bytes every 80 ms of 100,000 promised;
    ``/slow.rss`` is the whole feed sent in ``SLOW_S``."""

    def log_message(self, *a) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path not in ("/fast.rss", "/stalled.rss", "/slow.rss"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"x" * 100000 if self.path == "/stalled.rss" else FEED
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/fast.rss":
            self.wfile.write(body)
            return
        every = 0.08 if self.path == "/stalled.rss" else SLOW_S / (len(FEED) / 4)
        end = time.monotonic() + GIVE_UP_S
        try:
            for i in range(0, len(body), 4):
                if time.monotonic() > end:
                    return
                self.wfile.write(body[i:i + 4])
                self.wfile.flush()
                time.sleep(every)
        except OSError:
            pass


@pytest.fixture
def port():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def _cfg(tmp_path, port):
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
    # due order is by id: the stalled source first, then the other host's two
    for sid, url in (("a_stalled", f"http://127.0.0.1:{port}/stalled.rss"),
                     ("b_fast", f"http://localhost:{port}/fast.rss"),
                     ("c_slow", f"http://localhost:{port}/slow.rss")):
        text += (f'[[sources]]\nid = "{sid}"\ntype = "feed"\nchannel = "wechat"\n'
                 f'url = "{url}"\ninterval = "1h"\nstale_factor = 0.0\n')
    path = tmp_path / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def test_a_stalled_host_does_not_hold_up_the_sources_on_another(tmp_path, port, monkeypatch):
    spans: dict[str, tuple[float, float]] = {}
    fast_seen_when_stalled_ended: dict = {}
    collect = pipeline.collect_source

    def timed(src, cfg, st, http, **kw):
        began = time.monotonic()
        try:
            return collect(src, cfg, st, http, **kw)
        finally:
            spans[src.id] = (began, time.monotonic())
            if src.id == "a_stalled":   # what another reader sees as the stalled pass ends
                with Store(cfg.db_path) as other:
                    fast_seen_when_stalled_ended.update(
                        run=other.last_run("b_fast"),
                        items=len(other.items(source_id="b_fast")))
    monkeypatch.setattr(pipeline, "collect_source", timed)

    cfg = _cfg(tmp_path, port)
    http = collectors.Http(min_delay=0, respect_robots=False, deadline=DEADLINE_S)
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http,
                          clock=lambda: NOW)
        d.start()
        start = time.monotonic()
        results = {r.source_id: r for r in d.tick()}
        took = time.monotonic() - start
        assert [r["status"] for r in map(st.last_run, ("a_stalled", "b_fast", "c_slow"))] == \
            ["failed", "ok", "ok"]
        # every source's own bookkeeping: the next run is scheduled, the failure counted
        assert st.failure_streak("a_stalled")[0] == 1
        assert st.due_source_ids(NOW) == []

    assert results["a_stalled"].status == "failed"
    assert f"took over {DEADLINE_S:g} s" in results["a_stalled"].reason
    assert (results["b_fast"].status, results["b_fast"].new) == ("ok", 2)
    assert (results["c_slow"].status, results["c_slow"].seen) == ("ok", 2)
    # the fast source was done, its items saved, before the stalled one ended
    assert spans["b_fast"][1] < spans["a_stalled"][1] - 1.0
    assert fast_seen_when_stalled_ended["run"]["status"] == "ok"
    assert fast_seen_when_stalled_ended["items"] == 2
    # one host's sources one after another, never side by side
    assert spans["b_fast"][1] <= spans["c_slow"][0]
    # the tick took about as long as the stalled source alone, not the sum
    stalled = spans["a_stalled"][1] - spans["a_stalled"][0]
    assert took < stalled + 0.8 < DEADLINE_S + SLOW_S, (took, stalled)


def test_the_host_is_the_url_host_name(tmp_path, port):
    sources = _cfg(tmp_path, port).sources
    assert [daemon.host_of(s) for s in sources] == ["127.0.0.1", "localhost", "localhost"]


def test_one_client_keeps_each_threads_pass_deadline_apart():
    # the workers share one collectors.Http: one source's pass ending must not lift another's
    http = collectors.Http(source_deadline=100)
    inside, leave, seen = threading.Event(), threading.Event(), []

    def other() -> None:
        for _ in http.source_pass(iter([1])):
            inside.set()
            leave.wait(5)
            seen.append(http._pass_ends)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(5)
    assert http._pass_ends is None          # this thread is in no pass
    assert list(http.source_pass(iter([1]))) == [1]   # a pass here begins and ends
    leave.set()
    t.join(5)
    assert seen and seen[0] is not None
