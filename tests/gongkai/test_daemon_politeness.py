"""Issue 17 #5: the daemon polls a district's sources with per-host politeness — sources on
different hosts do not wait on each other; sources on one host wait the politeness delay.

Hosts are host *names*, the port left out (``daemon.host_of``, as ``collectors.Http`` keeps its
per-host delay): two ports of one machine are one server to be polite to. The test's hosts are
loopback servers on 127.0.0.2, 127.0.0.3, … (all of 127.0.0.0/8 is the loopback on Linux),
more of them than the four hosts the daemon once polled at a time."""
import dataclasses
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import config, daemon
from store import Store

NOW = datetime(2025, 1, 2, 4, 0, tzinfo=timezone.utc)
HOSTS = 7
PER_HOST = 2
DELAY_S = 0.5         # the politeness delay between two requests to one host
ANSWER_S = 0.1        # each answer takes this long


def feed(host: str, path: str) -> bytes:
    items = "".join(
        f"<item><title>卫滨区商务局开展第{n}期促消费活动</title>"
        f"<pubDate>Tue, 31 Dec 2024 0{n}:00:00 GMT</pubDate>"
        f"<link>http://{host}{path}/{n}.html</link></item>" for n in (1, 2))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{host}</title><link>http://{host}/</link>{items}</channel></rss>"
            ).encode("utf-8")


class Servers:
    """One loopback HTTP server per address; every request's arrival and end, per host."""

    def __init__(self, hosts: list[str]) -> None:
        self.log: list[tuple[str, float, float]] = []
        self.lock = threading.Lock()
        self.httpds = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                began = time.monotonic()
                time.sleep(ANSWER_S)
                body = feed(self.server.server_address[0], self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with outer.lock:
                    outer.log.append((self.server.server_address[0], began, time.monotonic()))

        for host in hosts:
            httpd = ThreadingHTTPServer((host, 0), Handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            self.httpds.append(httpd)

    def close(self) -> None:
        for httpd in self.httpds:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture
def servers():
    try:
        s = Servers([f"127.0.0.{k}" for k in range(2, 2 + HOSTS)])
    except OSError as e:     # not Linux's loopback /8: say so rather than pass
        pytest.fail(f"cannot listen on 127.0.0.2-{1 + HOSTS}: {e}")
    yield s
    s.close()


def _cfg(tmp_path, servers: Servers):
    text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
    # due order is by id: one host's sources together, as a serial poller would meet them
    for httpd in servers.httpds:
        host, port = httpd.server_address
        for j in range(PER_HOST):
            text += (f'[[sources]]\nid = "h{host.rsplit(".", 1)[1]:0>3}-s{j}"\ntype = "feed"\n'
                     f'channel = "wechat"\nurl = "http://{host}:{port}/s{j}.rss"\n'
                     'interval = "1h"\nstale_factor = 0.0\n')
    path = tmp_path / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def _tick(tmp_path, servers):
    cfg = _cfg(tmp_path, servers)
    http = collectors.Http(min_delay=DELAY_S, respect_robots=False)
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http,
                          clock=lambda: NOW)
        d.start()
        start = time.monotonic()
        results = d.tick()
        took = time.monotonic() - start
        saved = st.item_count()
    return start, took, results, saved


def test_sources_on_different_hosts_do_not_wait_on_each_other(tmp_path, servers):
    start, took, results, saved = _tick(tmp_path, servers)
    assert [r.status for r in results] == ["ok"] * HOSTS * PER_HOST
    assert saved == 2 * HOSTS * PER_HOST
    first = {}
    for host, began, _ in sorted(servers.log, key=lambda e: e[1]):
        first.setdefault(host, began - start)
    assert len(first) == HOSTS
    # every host's first request is sent at once, none after another host's delay
    assert max(first.values()) < DELAY_S - 0.1, first
    # one round: about one host's time, not the hosts' times added up
    one_host = PER_HOST * ANSWER_S + (PER_HOST - 1) * DELAY_S
    assert took < one_host + 1.5 < HOSTS * one_host, took


def test_sources_on_one_host_wait_the_politeness_delay(tmp_path, servers):
    _tick(tmp_path, servers)
    for host in {h for h, _, _ in servers.log}:
        visits = sorted((b, e) for h, b, e in servers.log if h == host)
        assert len(visits) == PER_HOST
        for (_, ended), (began, _) in zip(visits, visits[1:]):
            # one after another, never side by side, and the delay between them
            assert began - ended >= DELAY_S - 0.05, (host, visits)


def test_a_host_is_its_name_whatever_the_port(tmp_path, servers):
    cfg = _cfg(tmp_path, servers)
    hosts = [daemon.host_of(s) for s in cfg.sources]
    assert hosts == [f"127.0.0.{k}" for k in range(2, 2 + HOSTS) for _ in range(PER_HOST)]
    src = cfg.sources[0]
    other_port = dataclasses.replace(src, options={**src.options, "url": src.url.replace(
        f":{servers.httpds[0].server_address[1]}/", ":1/")})
    assert other_port.url != cfg.sources[0].url
    assert daemon.host_of(other_port) == hosts[0]
