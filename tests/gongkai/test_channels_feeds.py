"""A WeChat bridge through the whole pipeline (loopback only): a shared account's items are
attributed by mention, a re-fetch with nothing new adds nothing, and a broken bridge is a failed
run whose reason `gongkai status` shows, never "0 new items"."""
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import classifier
from gongkai import app, cmd_ops, config, pipeline
from store import Store

NOW = datetime(2025, 1, 2, 4, 0, tzinfo=timezone.utc)

SHARED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>出彩卫滨</title>
<link>https://mp.weixin.qq.com/</link>
<item><title>卫滨区商务局开展元旦促消费活动</title><pubDate>Tue, 31 Dec 2024 16:10:00 GMT</pubDate>
<link>https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&amp;mid=2650000001&amp;idx=1&amp;sn=a</link></item>
<item><title>红旗区商务局发放消费券</title><pubDate>Tue, 31 Dec 2024 03:00:00 GMT</pubDate>
<link>https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&amp;mid=2650000001&amp;idx=2&amp;sn=b</link></item>
<item><title>我区举办迎新春文艺演出</title><pubDate>Mon, 30 Dec 2024 02:00:00 GMT</pubDate>
<description>&lt;p&gt;由区商务局牵头，联合多部门举办。&lt;/p&gt;</description>
<link>https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&amp;mid=2649999990&amp;idx=1&amp;sn=c</link></item>
</channel></rss>""".encode("utf-8")
EXPIRED = SHARED.replace("<title>出彩卫滨</title>".encode(), "<title>出彩卫滨（登录已过期）</title>".encode())


class Bridge:
    def __init__(self) -> None:
        self.body = SHARED
        self.hits: list[int] = []
        self.pages: dict[str, bytes] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path in outer.pages:
                    body = outer.pages[self.path]
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if self.path != "/chucai.rss":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == '"v1"' and outer.body == SHARED:
                    outer.hits.append(304)
                    self.send_response(304)
                    self.end_headers()
                    return
                outer.hits.append(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                if outer.body == SHARED:
                    self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def bridge():
    b = Bridge()
    t = threading.Thread(target=b.httpd.serve_forever, daemon=True)
    t.start()
    yield b
    b.httpd.shutdown()
    b.httpd.server_close()


@pytest.fixture
def cfg(tmp_path, bridge):
    path = tmp_path / "gongkai.toml"
    path.write_text(f"""
[bureau]
name = "卫滨区商务局"
aliases = ["区商务局"]

[database]
path = "g.db"

[http]
min_delay = 0

[[sources]]
id = "chucai"
type = "feed"
channel = "district-wechat"
attribution = "mention"
url = "http://127.0.0.1:{bridge.httpd.server_address[1]}/chucai.rss"
stale_factor = 0.0
""", encoding="utf-8")
    return config.load(path)


def crawl(cfg, now):
    with Store(cfg.db_path) as st:
        [result] = pipeline.crawl(cfg, st, classifier.Classifier(classifier.load_rules()),
                                  app.make_http(cfg), clock=lambda: now)
        return result, {i["title"]: i["attribution"] for i in st.items()}


def test_shared_account_is_attributed_by_mention_and_a_refetch_adds_nothing(cfg, bridge):
    result, attribution = crawl(cfg, NOW)
    assert (result.status, result.new) == ("ok", 3)
    assert attribution == {"卫滨区商务局开展元旦促消费活动": "ours", "红旗区商务局发放消费券": "not_ours",
                           "我区举办迎新春文艺演出": "ours"}
    again, _ = crawl(cfg, NOW + timedelta(hours=1))
    assert bridge.hits == [200, 304] and (again.status, again.new) == ("not_modified", 0)
    bridge.body = SHARED + b"\n"     # no ETag (we-mp-rss sends none): a full 200, nothing new
    third, _ = crawl(cfg, NOW + timedelta(hours=2))
    assert bridge.hits[-1] == 200 and (third.status, third.seen, third.new) == ("ok", 3, 0)
    with Store(cfg.db_path) as st:
        assert len(st.items()) == 3
        # 31 Dec 16:10 GMT is 1 January in Beijing: counted in 2025, the others in 2024
        assert sorted(i["pub_year"] for i in st.items()) == [2024, 2024, 2025]


def test_broken_bridge_is_a_failed_run_shown_by_status(cfg, bridge):
    crawl(cfg, NOW)
    bridge.body = EXPIRED
    result, _ = crawl(cfg, NOW + timedelta(hours=1))
    assert result.status == "failed" and "bridge login expired" in result.reason
    bridge.body = b""
    result, _ = crawl(cfg, NOW + timedelta(hours=2))
    assert result.status == "failed" and "empty response body" in result.reason
    with Store(cfg.db_path) as st:
        assert len(st.items()) == 3
        line = next(ln for ln in cmd_ops.status_lines(cfg, st, NOW + timedelta(hours=3))
                    if ln.startswith("chucai "))
    assert "FAILING x2" in line and "empty response body" in line


def test_a_short_link_resolved_on_one_channel_joins_the_same_short_link_on_another(cfg, bridge):
    # the bureau's own account (WeWe, short links, article pages fetched) resolves /s/TOKEN to its
    # permanent key and keeps the token as an alias; the shared account's bridge gives the same
    # short link under another title: one 信息, not two
    port = bridge.httpd.server_address[1]
    page = Path(__file__).resolve().parents[1] / "fixtures" / "wechat" / "article_short.html"
    item = ("<item><title>{title}</title><link>http://localhost:%d/s/ShortTok_article01</link>"
            "<pubDate>Tue, 31 Dec 2024 16:10:00 GMT</pubDate></item>" % port)
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            "{items}</channel></rss>")
    bridge.pages = {
        "/s/ShortTok_article01": page.read_bytes(),
        "/own.rss": feed.format(items=item.format(title="卫滨区迎元旦消费券即将发放")).encode(),
        "/mirror.rss": feed.format(items=item.format(title="转发：消费券来了")).encode()}
    text = cfg.path.read_text(encoding="utf-8").replace('id = "chucai"', 'id = "chucai"\nenabled = false')
    for sid, extra in (("own", 'fetch_articles = true\nallow_hosts = ["localhost"]'), ("mirror", "")):
        text += (f'\n[[sources]]\nid = "{sid}"\ntype = "feed"\nchannel = "{sid}-wechat"\n'
                 f'url = "http://127.0.0.1:{port}/{sid}.rss"\nstale_factor = 0.0\n{extra}\n')
    cfg.path.write_text(text, encoding="utf-8")
    c = config.load(cfg.path)
    with Store(c.db_path) as st:
        pipeline.crawl(c, st, classifier.Classifier(classifier.load_rules()), app.make_http(c),
                       clock=lambda: NOW)
        rows = {r["source_id"]: r for r in st.items()}
        assert rows["own"]["key"] == "wx:3095437261:2247484100:1"
        # (on loopback the link's host is not mp.weixin, so its key is the URL, not wxs:TOKEN)
        assert rows["mirror"]["key"] == f"http://localhost:{port}/s/ShortTok_article01"
        assert rows["mirror"]["key"] in st.aliases(rows["own"]["id"])
        assert rows["mirror"]["cluster_id"] == rows["own"]["cluster_id"]
