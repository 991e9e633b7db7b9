"""Issue 13 item 3: placeholders are never items.

A bridge entry that is no article (WeChat's verification wall, a captcha or ``mp/profile_ext``
link, a login-expired / rate-limit / error notice, a "deleted" or "blocked" notice standing in for
the title) says something about the source's health, not about what the bureau published:
- it is never yielded (an item titled 环境异常 was counted in the annual report);
- when it is all a feed holds, the run fails with a reason naming the bridge problem;
- when other entries are articles, those are yielded and the placeholders go to
  ``state.memo["placeholders"]`` and the log, with the article behind a wall as a hint only.

The fixture files (tests/fixtures/feeds/placeholder_*) are the realistic cases; the matrix below
puts every kind of placeholder into every bridge shape of test_feed_variants.py.
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pytest
from _collectors_support import FEEDS, expect_of
from _feed_bridge import Bridge

from collectors import REGISTRY, CollectState, SourceError

FEED_LOG = "collectors._feedentry"


def run(url, http, state=None, **opts):
    state = state or CollectState()
    return list(REGISTRY["feed"]({"url": url, **opts}, http).collect(state)), state


# -- the fixture files ---------------------------------------------------------------------------

PLACEHOLDER_FILES = sorted(p for p in FEEDS.glob("placeholder_*")
                           if not p.name.endswith(".meta.json")
                           and {"skipped", "error"} & set(expect_of(p)))
# Entries whose *body* is a placeholder under a real title and link are articles: kept as items.
BODY_ONLY = ["placeholder_body.xml", "placeholder_upstream_states.xml",
             "placeholder_verify_page.xml"]


def test_the_brief_kinds_each_have_a_fixture():
    names = {p.name for p in PLACEHOLDER_FILES}
    assert {"placeholder_verify_wall_entry.xml", "placeholder_login_entries.xml",
            "placeholder_login_only.json", "placeholder_deleted_notices.json",
            "placeholder_captcha_links.xml", "placeholder_profile_ext.xml",
            "placeholder_rsshub_error_entry.xml", "placeholder_walls_only.xml",
            "placeholder_rate_limited.xml", "placeholder_fulltext_failed.xml"} <= names


@pytest.mark.parametrize("path", PLACEHOLDER_FILES, ids=lambda p: p.name)
def test_placeholder_fixture(bridge, http, path, caplog):
    expect = expect_of(path)
    url = bridge.serve_file(path)
    if "error" in expect:
        with pytest.raises(SourceError, match=expect["error"]):
            run(url, http)
        return
    with caplog.at_level(logging.WARNING, logger=FEED_LOG):
        items, state = run(url, http)
    assert [i.key for i in items] == expect["keys"]
    assert not any("captcha" in i.url or "profile_ext" in i.url for i in items)
    note = state.memo["placeholders"]
    skipped = expect["skipped"]
    assert note["count"] == skipped["count"] == len(note["reasons"])
    assert note["kinds"] == dict(Counter(skipped["kinds"]))
    warnings = [r.getMessage() for r in caplog.records if r.name == FEED_LOG]
    assert len([w for w in warnings if "placeholder entry skipped" in w]) == skipped["count"]
    for hint in expect.get("hints", []):
        if hint:
            assert any(f"the article behind it is probably {hint}" in w for w in warnings), hint
    if "hints" in expect and not any(expect["hints"]):
        assert not any("behind it" in w for w in warnings)


@pytest.mark.parametrize("name", BODY_ONLY)
def test_a_placeholder_body_under_a_real_title_is_still_an_item(bridge, http, name):
    items, state = run(bridge.serve_file(FEEDS / name), http)
    assert len(items) == expect_of(FEEDS / name)["count"]
    assert "placeholders" not in state.memo


# -- every kind in every bridge shape ------------------------------------------------------------

@pytest.fixture(scope="module")
def _bridge_server():
    bridge = Bridge().start()
    yield bridge
    bridge.stop()


@pytest.fixture
def bridge(_bridge_server):
    return _bridge_server.reset()


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    body: str = ""           # HTML, where the shape has a place for it


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# How each bridge writes one entry (the same renderers as the variant fixtures, see there).
RENDER = {
    "rsshub-rss": lambda e: (
        f"<item><title>{_x(e.title)}</title><description>{_x(e.body)}</description>"
        f"<link>{_x(e.link)}</link><guid isPermaLink=\"false\">{_x(e.link)}</guid>"
        "<pubDate>Thu, 02 Jan 2025 01:00:00 GMT</pubDate></item>"),
    "rsshub-atom": lambda e: (
        f"<entry><title>{_x(e.title)}</title><content type=\"html\">{_x(e.body)}</content>"
        f"<link href=\"{_x(e.link)}\"/><id>{_x(e.link)}</id>"
        "<published>2025-01-02T01:00:00.000Z</published>"
        "<updated>2025-01-02T01:00:00.000Z</updated></entry>"),
    "rsshub-json": lambda e: {
        "id": e.link, "url": e.link, "title": e.title, "content_html": e.body or e.title,
        "date_published": "2025-01-02T01:00:00.000Z"},
    "wewe-rss": lambda e: (     # no body outside full-text mode
        f"<item><title><![CDATA[{e.title}]]></title><link>{_x(e.link)}</link>"
        f"<guid>{_x(e.link)}</guid><pubDate>Thu, 02 Jan 2025 01:00:00 GMT</pubDate></item>"),
    "wewe-atom": lambda e: (
        f"<entry><title type=\"html\"><![CDATA[{e.title}]]></title>"
        f"<id>{_x(e.link.rsplit('/', 1)[-1])}</id><link href=\"{_x(e.link)}\"/>"
        "<updated>2025-01-02T01:00:00.000Z</updated>"
        + (f"<content type=\"html\"><![CDATA[{e.body}]]></content>" if e.body else "")
        + "</entry>"),
    "wewe-json": lambda e: {
        "id": e.link.rsplit("/", 1)[-1], "content_html": e.body, "url": e.link,
        "title": e.title, "date_modified": "2025-01-02T01:00:00.000Z"},
    "we-mp-rss-rss": lambda e: (
        f"<item><title>{_x(e.title)}</title><description>{_x(_text(e.body) or e.title)}"
        f"</description><guid>{_x(e.link)}</guid><content:encoded>{_x(e.body)}"
        f"</content:encoded><link>{_x(e.link)}</link>"
        "<pubDate>Thu, 02 Jan 2025 09:00:00 +0800</pubDate></item>"),
    "we-mp-rss-atom": lambda e: (
        f"<entry><title>{_x(e.title)}</title><link href=\"{_x(e.link)}\" />"
        "<updated>Thu, 02 Jan 2025 09:00:00 +0800</updated>"
        f"<summary>{_x(_text(e.body))}</summary><author>卫滨区商务局</author></entry>"),
    "we-mp-rss-json": lambda e: {
        "id": "", "title": e.title, "description": _text(e.body), "link": e.link,
        "updated": "2025-01-02T09:00:00+08:00", "content": e.body,
        "channel_name": "卫滨区商务局", "feed": {"id": "MP_WXS_3070376195"}},
    "wechat2rss-rss": lambda e: (
        f"<item><title>{_x(e.title)}</title><link>{_x(e.link)}</link>"
        f"<description>{_x(_text(e.body))}</description>"
        "<pubDate>Thu, 02 Jan 2025 09:00:00 +0800</pubDate></item>"),
    "wechat2rss-json": lambda e: {
        "id": e.link, "url": e.link, "title": e.title, "summary": _text(e.body),
        "content_html": e.body, "date_published": "2025-01-02T09:00:00+08:00"},
}
# each shape's articles come from its variant fixture (test_feed_variants.py)
SHAPES = {name: "variant_" + name.replace("-", "_") + (".json" if name.endswith("json") else ".xml")
          for name in RENDER}
HAS_BODY = set(RENDER) - {"wewe-rss"}


def test_every_bridge_shape_gets_every_placeholder():
    # a new variant fixture (a new bridge or format) needs a renderer here, or it goes untested
    variants = {p.name for p in FEEDS.glob("variant_*") if not p.name.endswith(".meta.json")}
    assert set(SHAPES.values()) == variants
    assert {case for _, case in MATRIX} == set(CASES)
_ENTRY = re.compile(r"<(item|entry)\b.*?</\1>\s*", re.S)


def feed_with(shape: str, entry: Entry | None, keep_articles: bool) -> tuple[bytes, str]:
    """The shape's variant fixture, its articles kept or dropped, *entry* added after them."""
    text = (FEEDS / SHAPES[shape]).read_text("utf-8")
    rendered = RENDER[shape](entry) if entry else None
    if SHAPES[shape].endswith(".json"):
        doc = json.loads(text)
        doc["items"] = (doc["items"] if keep_articles else []) + ([rendered] if rendered else [])
        return json.dumps(doc, ensure_ascii=False).encode(), "application/json"
    if not keep_articles:
        text = _ENTRY.sub("", text)
    close = "</channel>" if "<channel>" in text else "</feed>"
    at = text.rindex(close)
    return (text[:at] + (rendered or "") + text[at:]).encode(), "application/xml"


ARTICLE_LONG = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000999&idx=1&sn=9f"
WALL = ("https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=HEx1Zmdnz0bGuAm"
        "&target_url=https%3A%2F%2Fmp.weixin.qq.com%2Fs%2FWb4sYq0mJx2Lk9TtQe7RzA")
WALL_TWICE_ENCODED = (
    "https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=HAbC1dEf2GhI3jKl&target_url="
    "https%253A%252F%252Fmp.weixin.qq.com%252Fs%253F__biz%253DMzA3MDM3NjE5NQ%253D%253D%2526mid"
    "%253D2650000998%2526idx%253D2%2526sn%253D2d3c")
PROFILE = ("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA3MDM3NjE5NQ=="
           "&scene=124#wechat_redirect")


@dataclass(frozen=True)
class Case:
    kind: str
    entry: Entry
    problem: str        # what the run's failure and the memo's reason say
    hint: str = ""      # the key the log names as the article behind the placeholder
    body_only: bool = False     # the notice is in the entry's text only, not its title or link


# One per placeholder kind the brief lists; "{base}" is the bridge's own address.
CASES = {
    "verification wall, target_url known": Case(
        "verify", Entry("环境异常", WALL, "<p>当前环境异常，完成验证后即可继续访问。</p><a>去验证</a>"),
        "verification wall", "wxs:Wb4sYq0mJx2Lk9TtQe7RzA"),
    "wall's title on the article link": Case(
        "verify", Entry("当前环境异常，完成验证后即可继续访问", ARTICLE_LONG, "<p>去验证</p>"),
        "verification wall", "wx:3070376195:2650000999:1"),
    "captcha link under a real-looking title": Case(
        "verify", Entry("区商务局开展外贸企业走访活动", WALL_TWICE_ENCODED, "<p>走访外贸企业</p>"),
        "verification wall", "wx:3070376195:2650000998:2"),
    "too frequent": Case("verify", Entry("访问过于频繁，请稍后再试", ARTICLE_LONG),
                         "verification wall", "wx:3070376195:2650000999:1"),
    "login expired": Case("login", Entry("公众号平台登录失效,请重新登录", "{base}/login"),
                          "bridge login expired"),
    "login expired, said only in the text of an entry pointing back at the bridge": Case(
        "login", Entry("WeRss", "{base}/", "<p>WeRss授权过期,扫码授权</p>"), "bridge login expired",
        body_only=True),
    "deleted by the publisher": Case(
        "deleted", Entry("该内容已被发布者删除", "https://mp.weixin.qq.com/s/pN3vHc8_Ud5Gx1Kf6Ma-Yw"),
        "deleted by the publisher", "wxs:pN3vHc8_Ud5Gx1Kf6Ma-Yw"),
    "已删除": Case("deleted", Entry("已删除", ARTICLE_LONG), "deleted by the publisher",
                 "wx:3070376195:2650000999:1"),
    "blocked for a violation": Case(
        "blocked", Entry("此内容因违规无法查看", ARTICLE_LONG, "<p>此内容因违规无法查看</p>"),
        "blocked for a violation", "wx:3070376195:2650000999:1"),
    "mp/profile_ext wall": Case("client_only", Entry("卫滨区商务局", PROFILE, "<p>请在微信客户端打开链接</p>"),
                                "open only inside WeChat"),
    "RSSHub error entry": Case(
        "bridge_error", Entry("Error: this route is empty, please check the original site",
                              "{base}/wechat/mp/homepage/MzA3MDM3NjE5NQ==/1"), "bridge error"),
    "WeRead ban": Case("rate_limited", Entry("WeReadError429：今日小黑屋", "{base}/dash"),
                       "rate-limited"),
    "untitled full-text failure": Case(
        "bridge_error", Entry("", "https://mp.weixin.qq.com/s/Ea1Mu6Rd3Fy8Ip2Gh7Ox-Q",
                              "获取全文失败，请重试~"), "bridge error", "wxs:Ea1Mu6Rd3Fy8Ip2Gh7Ox-Q",
        body_only=True),
}
# a case that lives only in the body cannot be written in a shape without a body
MATRIX = [(shape, case) for shape in RENDER for case in CASES
          if shape in HAS_BODY or not CASES[case].body_only]


def _entry(case: Case, bridge: Bridge) -> Entry:
    e = case.entry
    return Entry(e.title, e.link.replace("{base}", bridge.base), e.body)


@pytest.mark.parametrize(("shape", "case"), MATRIX)
def test_a_placeholder_among_articles_is_noted_not_yielded(bridge, http, shape, case, caplog):
    c = CASES[case]
    bridge.docs["/feed"] = feed_with(shape, _entry(c, bridge), keep_articles=True)
    with caplog.at_level(logging.WARNING, logger=FEED_LOG):
        items, state = run(bridge.base + "/feed", http)
    assert [i.key for i in items] == expect_of(FEEDS / SHAPES[shape])["keys"]
    note = state.memo["placeholders"]
    assert note["count"] == 1 and note["kinds"] == {c.kind: 1}
    assert c.problem in note["reasons"][0]
    warnings = " ".join(r.getMessage() for r in caplog.records if r.name == FEED_LOG)
    assert "placeholder entry skipped" in warnings
    if c.hint:
        assert f"the article behind it is probably {c.hint}" in warnings


@pytest.mark.parametrize(("shape", "case"), MATRIX)
def test_a_feed_of_only_placeholders_is_a_failed_run(bridge, http, shape, case):
    c = CASES[case]
    bridge.docs["/feed"] = feed_with(shape, _entry(c, bridge), keep_articles=False)
    state = CollectState()
    with pytest.raises(SourceError, match=re.escape(c.problem) + r".*; all 1 entries are "
                                          r"placeholders, not articles"):
        run(bridge.base + "/feed", http, state)
    assert "etag" not in state.memo


# Article titles that *mention* a notice are articles (the share of notice text decides).
ARTICLES_ABOUT_NOTICES = [
    "关于网络环境异常情况的说明",
    "违规内容已删除整改情况通报",
    "系统升级后请重新登录“卫滨消费”小程序领取消费券",
    "区商务局提醒：谨防“账号登录失效”类诈骗短信",
]


@pytest.mark.parametrize("shape", RENDER)
@pytest.mark.parametrize("title", ARTICLES_ABOUT_NOTICES)
def test_an_article_about_a_notice_stays_an_article(bridge, http, shape, title):
    bridge.docs["/feed"] = feed_with(shape, Entry(title, ARTICLE_LONG, "<p>正文。</p>"),
                                     keep_articles=True)
    items, state = run(bridge.base + "/feed", http)
    assert title in [i.title for i in items]
    assert "placeholders" not in state.memo


def test_the_note_goes_when_the_placeholders_go(bridge, http):
    wall = Case("verify", Entry("环境异常", WALL), "")
    state = CollectState()
    bridge.docs["/feed"] = feed_with("we-mp-rss-rss", _entry(wall, bridge), keep_articles=True)
    run(bridge.base + "/feed", http, state)
    assert state.memo["placeholders"]["count"] == 1
    bridge.docs["/feed"] = feed_with("we-mp-rss-rss", None, keep_articles=True)
    items, _ = run(bridge.base + "/feed", http, state)
    assert len(items) == 2 and "placeholders" not in state.memo


def test_the_memo_keeps_a_bounded_number_of_reasons(bridge, http):
    text, ctype = feed_with("rsshub-rss", None, keep_articles=True)
    walls = "".join(RENDER["rsshub-rss"](Entry("环境异常", f"{WALL}&n={n}")) for n in range(50))
    bridge.docs["/feed"] = (text.replace(b"</channel>", walls.encode() + b"</channel>"), ctype)
    items, state = run(bridge.base + "/feed", http)
    assert len(items) == 3
    assert state.memo["placeholders"]["count"] == 50
    assert len(state.memo["placeholders"]["reasons"]) == 20     # the count says the rest


# -- an article page fetch that lands on the wall ------------------------------------------------

def test_an_article_fetch_redirected_to_the_wall_is_a_verification_wall(bridge, http):
    # WeChat answers a blocked client with a 302 to /mp/wappoc_appmsgcaptcha, whose page may be a
    # bare script shell without the 环境异常 text: the redirect alone says "wall", never "unknown"
    port = bridge.base.rsplit(":", 1)[1]
    article = f"http://localhost:{port}/s/Wb4sYq0mJx2Lk9TtQe7RzA"
    rss = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
           f"<item><title>区商务局召开会议</title><link>{article}</link>"
           "<pubDate>Wed, 01 Jan 2025 02:00:00 GMT</pubDate></item></channel></rss>")
    bridge.docs["/feed"] = (rss.encode(), "application/rss+xml")
    wall_path = ("/mp/wappoc_appmsgcaptcha?poc_token=HEx1&target_url="
                 "https%3A%2F%2Fmp.weixin.qq.com%2Fs%2FWb4sYq0mJx2Lk9TtQe7RzA")
    bridge.redirects["/s/Wb4sYq0mJx2Lk9TtQe7RzA"] = wall_path
    shell = (b'<html><head><title></title></head><body><div id="app"></div>'
             b'<script src="/mmbizwap/secitptpage/verify.js"></script></body></html>')
    bridge.docs[wall_path] = (shell, "text/html; charset=utf-8")
    items, state = run(bridge.base + "/feed", http, fetch_articles=True, allow_hosts=["localhost"])
    [item] = items                      # the feed's entry is a real article: still the item
    assert item.title == "区商务局召开会议"
    assert item.extra["upstream_state"] == "verify"
    assert item.extra["upstream_marker"] == "/mp/wappoc_appmsgcaptcha"
    assert state.memo["wx_blocked_at"] and state.memo["wx_retry"][item.key] == "verify"


def test_a_json_feed_nested_too_deep_is_one_line_not_an_internal_error():
    from collectors._jsonfeed import parse_json
    deep = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    with pytest.raises(SourceError, match="nested too deep"):
        parse_json(deep, "http://127.0.0.1/f.json")
