"""WeChat article pages: every tests/fixtures/wechat/*.html states its Expect; a fake
"mp.weixin.qq.com" on loopback (the feed links name host ``localhost``, which the source allows)."""
from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from collectors import REGISTRY, CollectState, Http, parse_article
from collectors._wechat import BACKOFF

WECHAT = Path(__file__).resolve().parents[1] / "fixtures" / "wechat"
CASES = sorted(WECHAT.glob("*.html"))
NOW = datetime(2025, 1, 3, 8, 0, tzinfo=timezone.utc)


def expect_of(path: Path) -> dict:
    return json.loads(re.match(r"<!-- Expect: (.*?) -->", path.read_text(encoding="utf-8")).group(1))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_article_fixture(path):
    expect = expect_of(path)
    art = parse_article(path.read_bytes())
    assert art.state == expect["state"]
    for name in ("key", "title", "account", "digest", "show_type", "body"):
        if name in expect:
            assert getattr(art, name) == expect[name], name
    if "published_at" in expect:
        assert art.published_at.isoformat() == expect["published_at"]
    if "body_has" in expect:
        assert expect["body_has"] in art.body
    if art.state:
        assert art.body == "" and art.key is None   # an unavailable page is never the article


# ---------------------------------------------------------------------------- through the feed

# token -> fixture; the feed lists them newest first in this order
TOKENS = {"ShortTok_article01": "article_short.html", "ShortTok_deleted01": "deleted.html",
          "ShortTok_verify0001": "verify.html", "ShortTok_msglink01": "article_msg_link_only.html"}
FEED_DATES = ["Thu, 02 Jan 2025 03:00:00 GMT", "Wed, 01 Jan 2025 03:00:00 GMT",
              "Tue, 31 Dec 2024 03:00:00 GMT", "Mon, 30 Dec 2024 03:00:00 GMT"]


class _Server:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.pages = dict(TOKENS)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                token = self.path.rsplit("/", 1)[-1]
                if self.path == "/feed.rss":
                    body = outer.feed().encode("utf-8")
                elif self.path.startswith("/s/") and token in outer.pages:
                    body = (WECHAT / outer.pages[token]).read_bytes()
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.link_host = "localhost"

    def feed(self) -> str:
        items = "".join(
            f"<item><title>feed title {n}</title><link>http://{self.link_host}:{self.port}/s/{tok}"
            f"</link><pubDate>{FEED_DATES[n]}</pubDate><description>feed digest {n}</description>"
            "</item>" for n, tok in enumerate(TOKENS))
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>卫滨商务</title>{items}</channel></rss>")

    def article_hits(self) -> list[str]:
        return [p.rsplit("/", 1)[-1] for p in self.requests if p.startswith("/s/")]


@pytest.fixture
def server():
    srv = _Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def http():
    client = Http(min_delay=0, timeout=(2, 5), sleep=lambda s: None)
    yield client
    client.close()


def collect(server, http, state=None, **opts):
    options = {"url": f"http://127.0.0.1:{server.port}/feed.rss", "stale_factor": 0.0, **opts}
    state = state or CollectState(now=NOW)
    return list(REGISTRY["feed"](options, http).collect(state)), state


def test_off_by_default_fetches_nothing(server, http):
    items, _ = collect(server, http, allow_hosts=["localhost"])
    assert server.article_hits() == []
    assert all("upstream_state" not in i.extra for i in items)


def test_articles_complete_the_feed_items(server, http):
    items, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    short, deleted, verify, later = items
    # short link resolved from the page's var biz/mid/idx; the short token kept as an alias
    assert short.key == "wx:3095437261:2247484100:1"
    assert "wxs:ShortTok_article01" in short.extra["aliases"]
    # var ct wins over the feed's date (a bridge's grab time): 00:10 on 1 January, Beijing
    assert short.published_at == datetime(2024, 12, 31, 16, 10, tzinfo=timezone.utc)
    assert short.date_source == "article-ct" and short.extra["feed_date"] == FEED_DATES[0]
    assert short.title == "卫滨区迎元旦消费券即将发放" and short.extra["feed_title"] == "feed title 0"
    assert "可在全区参与商家使用" in short.body and short.extra["account"] == "卫滨商务"
    assert short.raw_content_type.startswith("text/html") and b"js_content" in short.raw
    # a deleted page is the item's state, never its text: the feed's title, date, body stay
    assert deleted.extra["upstream_state"] == "deleted"
    assert (deleted.title, deleted.body) == ("feed title 1", "feed digest 1")
    assert deleted.published_at == datetime(2025, 1, 1, 3, 0, tzinfo=timezone.utc)
    assert "删除" not in deleted.body
    # a verification wall: recorded, no more pages this run, both remembered for a retry
    assert verify.extra["upstream_state"] == "verify" and verify.body == "feed digest 2"
    assert "upstream_state" not in later.extra and "article_fetched" not in later.extra
    assert server.article_hits() == ["ShortTok_article01", "ShortTok_deleted01", "ShortTok_verify0001"]
    assert set(state.memo["wx_retry"]) == {verify.key, later.key}
    assert state.memo["wx_resolved"] == {
        f"http://localhost:{server.port}/s/ShortTok_article01": short.key}


def test_only_new_items_are_fetched_and_resolution_is_remembered(server, http):
    items, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    known = {i.key for i in items} | set(items[0].extra["aliases"])
    server.requests.clear()
    # within the back-off after the verification page: nothing is fetched
    again, state = collect(server, http, CollectState(now=NOW + timedelta(hours=1),
                                                      is_known=known.__contains__, memo=state.memo),
                           allow_hosts=["localhost"], fetch_articles=True)
    assert server.article_hits() == []
    assert again[0].key == items[0].key        # the short link still in the feed: resolved key
    # after the back-off, the wall has gone: the two waiting items are fetched, nothing else
    server.pages["ShortTok_verify0001"] = "body_mentions_violation.html"
    third, state = collect(server, http, CollectState(now=NOW + BACKOFF * 2,
                                                      is_known=known.__contains__, memo=state.memo),
                           allow_hosts=["localhost"], fetch_articles=True)
    assert sorted(server.article_hits()) == ["ShortTok_msglink01", "ShortTok_verify0001"]
    assert third[2].key == "wx:3095437261:2247484200:1" and "upstream_state" not in third[2].extra
    assert third[3].key == "wx:3581926407:2650731013:2"
    assert state.memo["wx_retry"] == {}


def test_hosts_not_listed_are_never_fetched(server, http):
    # the feed's own host is not an article host unless listed
    server.link_host = "127.0.0.1"
    _, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    assert state.memo["wx_retry"] == {}          # not even tried (the HTTP layer would refuse)
    # and the pass says why no page was fetched (a trial's config fetched nothing, silently)
    assert "none of the 4 new item(s) links to a WeChat article" in state.memo["warning"]
    assert "localhost" in state.memo["warning"]
    server.link_host = "localhost"
    _, state = collect(server, http, allow_hosts=[], fetch_articles=True)
    assert state.memo["wx_retry"] == {}
    assert server.article_hits() == []
    assert "(none listed)" in state.memo["warning"]
    # a pass that could fetch says nothing of the kind
    _, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    assert "warning" not in state.memo


def test_max_articles_caps_a_run(server, http):
    items, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True,
                           max_articles=1)
    assert server.article_hits() == ["ShortTok_article01"]
    assert len(items) == 4 and len(state.memo["wx_retry"]) == 3


def test_a_missing_page_is_retried_not_fatal(server, http):
    del server.pages["ShortTok_article01"]
    items, state = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    assert len(items) == 4 and items[0].title == "feed title 0"
    assert state.memo["wx_retry"][items[0].key].startswith("fetch")


def test_page_size_is_capped(server, http, monkeypatch):
    # a hostile or broken page: neither parsed nor stored beyond the cap
    from collectors import _wechat
    monkeypatch.setattr(_wechat, "MAX_PAGE_BYTES", 2000)
    page = ("<html><body><div id='js_content'><p>" + "正文" * 100 + "</p><p>" + "填充" * 2000
            + "结尾之后的文字</p></div></body></html>").encode("utf-8")
    art = parse_article(page)
    assert "正文正文" in art.body and "结尾之后的文字" not in art.body
    items, _ = collect(server, http, allow_hosts=["localhost"], fetch_articles=True)
    assert items[0].extra.get("article_fetched") and 0 < len(items[0].raw) <= 2000


def test_a_long_link_keeps_its_key_when_the_page_names_another_biz():
    # an account that migrated (Wechat2RSS v1.4.1) shows a new biz on the page: the feed's
    # permanent key stays, the page's becomes an alias, so the item is not counted twice
    from types import SimpleNamespace

    from collectors import Item
    from collectors._wechat import Article, _apply
    url = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=1&sn=a"
    item = Item(key="wx:3070376195:2650000001:1", url=url, title="feed title", published_at=None)
    art = Article(state="", key="wx:3095437261:2650000001:1", title="page title", body="正文")
    done = _apply(item, art, SimpleNamespace(content=b"<html></html>", url=url))
    assert done.key == item.key and done.extra["aliases"] == ["wx:3095437261:2650000001:1"]
    assert (done.title, done.body) == ("page title", "正文")
