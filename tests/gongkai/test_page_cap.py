"""Issue 15 #11: a column claiming 10,000 pages stops at the default page cap (100). The run stays
ok, but the crawl summary and `gongkai status` say so, and a second pass with the rest of the
column still unread raises an alert as a failure would."""
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import cmd_core, cmd_ops, config, daemon
from store import Store

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=timezone.utc)
NOTE = "stopped at the page cap: 100 of 10,000 pages"


class Column(BaseHTTPRequestHandler):
    """A TRS column stating 10,000 pages, two rows a page; the rows link off-site, so only list
    pages are fetched."""

    def log_message(self, *a) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        name = self.path.rsplit("/", 1)[-1]
        if name == "index.html":
            n = 0
        elif name.startswith("index_") and name.endswith(".html"):
            n = int(name[6:-5])
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        day = datetime(2025, 3, 1) - timedelta(days=n)
        rows = "".join(
            f'<li><a href="http://other.example.org/a/{n}_{i}.html">卫滨区商务局工作动态第{n}-{i}期</a>'
            f'<span>{day:%Y-%m-%d}</span></li>' for i in range(2))
        body = (f'<html><head><meta charset="utf-8"><title>部门动态</title></head><body>'
                f'<ul class="u-list">{rows}</ul><div class="page"><script>'
                f'createPageHTML(10000, {n}, "index", "html");</script></div></body></html>'
                ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def cfg(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Column)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                    '[[sources]]\nid = "col"\ntype = "website"\nchannel = "website"\n'
                    f'url = "http://127.0.0.1:{httpd.server_address[1]}/col/index.html"\n'
                    'preset = "trs"\ninterval = "1h"\n', encoding="utf-8")
    yield config.load(path)
    httpd.shutdown()
    httpd.server_close()


def test_a_capped_column_is_a_warning_then_an_alert(cfg):
    now = [T0]
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()),
                          collectors.Http(min_delay=0, respect_robots=False),
                          clock=lambda: now[0])
        d.start()
        [first] = d.tick()
        assert (first.status, first.warning, first.seen) == ("ok", NOTE, 200)
        assert cmd_core.crawl_summary([first]) == [
            f"col: ok ({NOTE}), 200 seen, 200 new", "1 source collected, 1 with a warning (above)"]
        [line] = [x for x in cmd_ops.status_lines(cfg, st, now[0]) if x.startswith("col ")]
        assert f"ok ({NOTE})" in line and "max_pages" in line
        assert st.open_alert("col", "capped") is None      # the first time: a warning only
        assert st.last_run("col")["status"] == "ok"

        now[0] += timedelta(hours=2)
        [second] = d.tick()       # incremental: page 1 is known, the pages past 100 still unread
        assert second.status == "ok" and second.new == 0
        alert = st.open_alert("col", "capped")
        assert alert is not None and "page cap" in alert["subject"] and NOTE in alert["body"]
        [line] = [x for x in cmd_ops.status_lines(cfg, st, now[0]) if x.startswith("col ")]
        assert f"ok ({NOTE})" in line and "alert open: capped" in line
