"""Outside trial 7: feed items lost, invented or garbled.

Each case is a feed written here in a bridge's shape (wechat-feeds.md §2: RSSHub RSS/Atom, WeWe
RSS/JSON Feed, we-mp-rss RSS with its <id>, feeddd JSON Feed) and served on 127.0.0.1:
- several articles behind one link that is not theirs (a bridge's page, ``https://mp.weixin.qq.com/``,
  the feed itself) were stored as one item, the last overwriting the others;
- bridge error notices ("请求失败", "访问太频繁，请稍后再试", "Request failed with status code 429")
  were counted as publications;
- a feed listing only its newest N that skipped some between two passes said nothing;
- a date equal to the fetch time (a bridge's "no date → now") was counted in the fetch's year;
- an entry dated only by its link (``/202511/t20251105_…``) was undated;
- a GBK feed with no declared encoding was stored as windows-1252 mojibake.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from _feed_bridge import Bridge

from collectors import BEIJING, REGISTRY, CollectState, SourceError, beijing_date

RSS = "application/rss+xml"
NOW = datetime(2025, 10, 20, 2, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def _server():
    served = Bridge().start()
    yield served
    served.stop()


@pytest.fixture
def bridge(_server):
    return _server.reset()


def serve(bridge, path, body, ctype=RSS):
    bridge.docs[path] = (body if isinstance(body, bytes) else body.encode("utf-8"), ctype)
    return bridge.base + path


def run(url, http, state=None, **opts):
    state = state or CollectState(now=NOW)
    return list(REGISTRY["feed"]({"url": url, "stale_factor": 0, **opts}, http).collect(state)), state


def rfc822(when):
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def rss(entries, channel_link="https://mp.weixin.qq.com", encoding='encoding="utf-8"'):
    """RSSHub / WeWe-shaped RSS 2.0; each entry (title, link, guid, date) where None leaves the
    element out."""
    items = []
    for title, link, guid, when in entries:
        parts = [f"<title><![CDATA[{title}]]></title>"]
        if link is not None:
            parts.append(f"<link>{link.replace('&', '&amp;')}</link>")
        if guid is not None:
            parts.append(f'<guid isPermaLink="false">{guid}</guid>')
        if when is not None:
            parts.append(f"<pubDate>{when if isinstance(when, str) else rfc822(when)}</pubDate>")
        parts.append(f"<description><![CDATA[<p>{title}。</p>]]></description>")
        items.append("<item>" + "".join(parts) + "</item>")
    decl = f"<?xml version=\"1.0\" {encoding}?>" if encoding is not None else ""
    return (f"{decl}<rss version=\"2.0\"><channel><title>临河商务</title><link>{channel_link}</link>"
            f"<description>临河区商务局</description>{''.join(items)}</channel></rss>")


def day(n):
    return datetime(2025, 9, n, 10, 0, tzinfo=BEIJING)


# -- 1. several articles behind one link that is not theirs --------------------------------------

A = ("区商务局开展成品油市场专项检查", "MP_WXS_3076-2650008001_1", day(10))
B = ("临河区举办中秋消费促进活动", "MP_WXS_3076-2650008002_1", day(11))


def _shared_rss(link):
    return rss([(B[0], link, B[1], B[2]), (A[0], link, A[1], A[2])])


def _shared_atom(link):
    # RSSHub / WeWe Atom: <id> is the guid, the link an alternate
    entries = "".join(
        f"<entry><title type=\"html\"><![CDATA[{t}]]></title><id>{g}</id>"
        f"<link href=\"{link}\"/><updated>{w.isoformat()}</updated>"
        f"<content type=\"html\"><![CDATA[<p>{t}。</p>]]></content></entry>"
        for t, g, w in (B, A))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>临河商务</title><id>{link}</id>{entries}</feed>")


def _shared_json(link):
    # feeddd / WeWe JSON Feed: items[].{id, url, title, date_modified}
    return json.dumps({"version": "https://jsonfeed.org/version/1", "title": "临河商务",
                       "items": [{"id": g, "url": link, "title": t, "content_html": f"<p>{t}</p>",
                                  "date_modified": w.isoformat()} for t, g, w in (B, A)]},
                      ensure_ascii=False)


SHARED = {
    "we-mp-rss local page": ("rss", "{base}/wechat/linhe-shangwu"),
    "mp.weixin root": ("rss", "https://mp.weixin.qq.com/"),
    "mp.weixin account page": ("rss", "https://mp.weixin.qq.com/mp/homepage?__biz=MzA3NjE0==&hid=1"),
    "the feed itself": ("rss", "{base}/feeds/own.rss"),
    "site root, atom": ("atom", "{base}/"),
    "bridge page, atom": ("atom", "{base}/wechat/linhe-shangwu"),
    "bridge page, json feed": ("json", "{base}/wechat/linhe-shangwu"),
}
RENDER = {"rss": (_shared_rss, RSS), "atom": (_shared_atom, "application/atom+xml"),
          "json": (_shared_json, "application/json")}


@pytest.mark.parametrize("case", SHARED)
def test_articles_sharing_a_link_that_is_not_theirs_are_each_an_item(bridge, http, case):
    shape, link = SHARED[case]
    render, ctype = RENDER[shape]
    url = serve(bridge, "/feeds/own.rss", render(link.format(base=bridge.base)), ctype)
    items, _ = run(url, http)
    assert len({i.key for i in items}) == 2, [i.key for i in items]
    assert sorted(i.title for i in items) == sorted([A[0], B[0]])
    assert sorted(str(beijing_date(i.published_at)) for i in items) == ["2025-09-10", "2025-09-11"]
    # nor does the duplicate detector see one article behind both: the shared link is set aside
    assert len({i.url for i in items}) == 2
    assert all(i.extra.get("shared_link") for i in items)


def test_we_mp_rss_ids_behind_one_local_link_are_two_items_with_their_own_addresses(bridge, http):
    link = f"{bridge.base}/rss/linhe"
    body = rss([(B[0], link, B[1], B[2]), (A[0], link, A[1], A[2])]).replace(
        "<item>", "<item><id>3076-2650008002_1</id>", 1).replace(
        "</item><item>", "</item><item><id>3076-2650008001_1</id>", 1)
    items, _ = run(serve(bridge, "/feeds/own.rss", body), http)
    assert [i.key for i in items] == ["wx:3076:2650008002:1", "wx:3076:2650008001:1"]
    assert len({i.url for i in items}) == 2


def test_shared_link_keys_last_across_passes(bridge, http):
    link = f"{bridge.base}/wechat/linhe-shangwu"
    url = serve(bridge, "/feeds/own.rss", _shared_rss(link))
    first, state = run(url, http)
    keys = {i.title: i.key for i in first}
    # the next pass: a new article alone on that link, A's title edited (its guid is stable), and
    # B's guid changes on every fetch (its content does not)
    C = ("区商务局召开外贸企业座谈会", "MP_WXS_3076-2650008003_1", day(12))
    serve(bridge, "/feeds/own.rss", rss([(C[0], link, C[1], C[2]),
                                         (B[0], link, "fetch-2", B[2]),
                                         (A[0] + "（更新）", link, A[1], A[2])]))
    second, _ = run(url, http, state)
    got = {i.title: i.key for i in second}
    assert got[B[0]] == keys[B[0]]
    assert got[A[0] + "（更新）"] == keys[A[0]]
    assert len(set(got.values())) == 3
    # a link once seen shared stays no one's own, even when a pass shows it on one entry only
    serve(bridge, "/feeds/own.rss", rss([(C[0], link, C[1], C[2])]))
    third, _ = run(url, http, state)
    assert [i.key for i in third] == [got[C[0]]]


def test_an_own_link_stays_the_identity_whatever_the_guid(bridge, http):
    # guids that change on every fetch and the same article under new query strings: one item
    long = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650007004&idx=1&sn=s7004"
    page = "http://www.linhe.gov.cn/swj/202509/t20250910_1.html"
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局召开外贸企业座谈会", long + "&chksm=aa&scene=21",
                                                "d-1", day(10)),
                                               ("区商务局开展家电以旧换新宣传", page, "g-dup", day(9)),
                                               ("临河区新增3家汽车以旧换新定点企业", page.replace("_1", "_2"),
                                                "g-dup", day(8))]))
    first, state = run(url, http)
    serve(bridge, "/feeds/own.rss", rss([("区商务局召开外贸企业座谈会", long + "&chksm=bb&scene=126",
                                          "d-2", day(10))]))
    second, _ = run(url, http, state)
    assert len({i.key for i in first}) == 3
    assert second[0].key == first[0].key == "wx:307614:2650007004:1"


# -- 5. bridge error notices are not publications ------------------------------------------------

NOTICES = ["请求失败", "访问太频繁，请稍后再试", "操作太频繁，请稍后再试", "Request failed with status code 429",
           "服务器繁忙，请稍后重试", "获取文章列表失败", "出错了", "Too Many Requests"]


def _notice_entries(base):
    return [(t, link, f"err{n}", NOW)
            for n, (t, link) in enumerate(zip(NOTICES, [
                f"{base}/feeds/MP_WXS_1.rss?e=2", "https://mp.weixin.qq.com/s/errAAAAAAAAAAAAAAAAAAA",
                f"{base}/?e=4", f"{base}/feeds/MP_WXS_1.rss?e=5", f"{base}/?e=6", f"{base}/?e=7",
                f"{base}/?e=8", f"{base}/?e=9"]))]


def test_bridge_error_notices_are_skipped_and_noted(bridge, http):
    article = ("区商务局开展节前商贸领域安全生产检查",
               "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650009901&idx=1&sn=ok", "ok1", day(24))
    url = serve(bridge, "/feeds/own.rss", rss(_notice_entries(bridge.base) + [article]))
    items, state = run(url, http)
    assert [i.title for i in items] == [article[0]]
    note = state.memo["placeholders"]
    assert note["count"] == len(NOTICES)
    assert set(note["kinds"]) <= {"rate_limited", "bridge_error"}


def test_a_feed_of_nothing_but_error_notices_is_a_failed_pass(bridge, http):
    url = serve(bridge, "/feeds/own.rss", rss(_notice_entries(bridge.base)))
    with pytest.raises(SourceError, match="placeholders, not articles"):
        run(url, http)


def test_articles_that_mention_those_words_stay_articles(bridge, http):
    base = "http://www.linhe.gov.cn/swj/202509/"
    titles = ["关于12345热线系统繁忙时段错峰办理的提示", "区商务局：企业申报请求失败的常见原因及处理办法",
              "这些消费陷阱最容易出错了，请广大市民注意"]
    url = serve(bridge, "/feeds/site.rss", rss([(t, f"{base}t2025091{n}_{n}.html", None, day(10 + n))
                                                for n, t in enumerate(titles)],
                                               channel_link="http://www.linhe.gov.cn/"))
    items, state = run(url, http)
    assert [i.title for i in items] == titles
    assert "placeholders" not in state.memo


# -- 4. a feed that skipped entries between two passes -------------------------------------------

def _series(numbers):
    return rss([(f"区商务局商务动态第{n}期", f"https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=26500060{n:02d}"
                 f"&idx=1&sn=g{n}", None, datetime(2025, 10, n, 10, tzinfo=BEIJING))
                for n in sorted(numbers, reverse=True)])


def test_a_full_feed_of_only_new_entries_warns_of_a_gap(bridge, http):
    url = serve(bridge, "/feeds/own.rss", _series(range(1, 6)))
    _, state = run(url, http)
    assert "warning" not in state.memo and "feed_gap" not in state.memo
    serve(bridge, "/feeds/own.rss", _series(range(9, 14)))       # 6, 7, 8 were never listed
    _, state = run(url, http, state)
    warning = state.memo["warning"]
    assert "possible gap" in warning and "2025-10-05 10:00" in warning and "2025-10-09 10:00" in warning
    assert "\n" not in warning and "more often" in warning and "gongkai add" in warning
    gap = state.memo["feed_gap"]
    assert gap["note"] == warning and len(gap["gaps"]) == 1
    assert gap["gaps"][0]["from"].startswith("2025-10-05") and gap["gaps"][0]["to"].startswith("2025-10-09")


@pytest.mark.parametrize("second", [range(4, 9), range(9, 12)], ids=["overlap", "not-full"])
def test_no_gap_when_the_feed_overlaps_or_is_not_full(bridge, http, second):
    url = serve(bridge, "/feeds/own.rss", _series(range(1, 6)))
    _, state = run(url, http)
    serve(bridge, "/feeds/own.rss", _series(second))
    _, state = run(url, http, state)
    assert "warning" not in state.memo and "feed_gap" not in state.memo


# -- 6. a date that is the fetch time, or that moves between fetches ------------------------------

def test_a_date_equal_to_the_fetch_time_is_no_publish_date(bridge, http):
    article = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650006999&idx=1&sn=now"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局开展外贸企业走访调研活动", article, "now1", now),
                                               ("区商务局商务动态第1期", article.replace("6999", "6001"),
                                                "g1", day(1))]))
    items, _ = run(url, http, CollectState(now=now))
    flagged, kept = items
    assert flagged.published_at is None and flagged.date_source == ""
    assert "fetch" in flagged.extra["date_review"] and flagged.extra["date_unparsed"]
    assert kept.published_at == day(1) and "date_review" not in kept.extra


def test_a_day_only_date_at_the_fetch_time_is_a_date(bridge, http):
    # a pass at 00:00:05 on 1 January reads an entry dated "2026-01-01": midnight, not "now"
    article = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650006997&idx=1&sn=d"
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局发布新年致辞", article, "d1", "2026-01-01")]))
    items, _ = run(url, http, CollectState(now=datetime(2026, 1, 1, 0, 0, 5, tzinfo=BEIJING)))
    assert str(beijing_date(items[0].published_at)) == "2026-01-01"
    assert "date_review" not in items[0].extra


def test_the_servers_clock_also_tells_the_fetch_time(bridge, http):
    # the pass's clock is injected (a test, or a daemon that waited for the host's delay): the
    # response's Date header is the bridge's "now"
    article = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650006999&idx=1&sn=now"
    served_now = datetime.now(timezone.utc)
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局开展外贸企业走访调研活动", article, "now1",
                                                served_now)]))
    items, _ = run(url, http, CollectState(now=served_now - timedelta(minutes=5)))
    assert items[0].published_at is None and items[0].extra["date_review"]


def test_a_date_that_moves_between_fetches_keeps_the_first_and_goes_to_review(bridge, http):
    article = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650006998&idx=1&sn=m"
    first_date = datetime(2025, 10, 18, 9, 0, tzinfo=BEIJING)
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局召开电商企业座谈会", article, "m1", first_date)]))
    first, state = run(url, http)
    assert first[0].published_at == first_date and "date_review" not in first[0].extra
    serve(bridge, "/feeds/own.rss", rss([("区商务局召开电商企业座谈会", article, "m1",
                                          first_date + timedelta(hours=8))]))
    second, state = run(url, http, CollectState(now=NOW + timedelta(days=1), memo=state.memo))
    assert second[0].published_at == first_date
    assert "2025-10-18 09:00" in second[0].extra["date_review"]


def test_a_date_given_after_the_fetch_time_is_kept_but_doubted_on_every_pass(bridge, http):
    # the bridge had no date at first (its "now"), then one: which is right is a person's call
    article = "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650006996&idx=1&sn=l"
    now = datetime(2025, 10, 20, 2, 0, 0, tzinfo=timezone.utc)
    url = serve(bridge, "/feeds/own.rss", rss([("区商务局开展电商培训", article, "l1", now)]))
    first, state = run(url, http, CollectState(now=now))
    assert first[0].published_at is None
    later = datetime(2025, 10, 19, 9, 0, tzinfo=BEIJING)
    serve(bridge, "/feeds/own.rss", rss([("区商务局开展电商培训", article, "l1", later)]))
    for hours in (6, 12):          # the note stays while the doubt lasts: a re-crawl rewrites notes
        again, state = run(url, http, CollectState(now=now + timedelta(hours=hours), memo=state.memo))
        assert again[0].published_at == later
        assert "fetched" in again[0].extra["date_review"]


# -- 8. the date only in the link ----------------------------------------------------------------

@pytest.mark.parametrize("path,when", [
    ("/col/hyxw/202511/t20251105_9001.html", "2025-11-05"),
    ("/html/2025-11/05/content_9001.htm", "2025-11-05"),
    ("/news/20251105/9001.html", "2025-11-05"),
])
def test_an_entry_without_a_date_takes_its_links(bridge, http, path, when):
    link = "http://www.linhe.gov.cn" + path
    body = ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>活力临河</title><id>https://rsshub.app/x</id><updated>2025-12-15T00:00:00Z</updated>"
            f"<entry><title>临河区开展商贸领域消防安全联合检查</title><id>{link}</id><link href=\"{link}\"/>"
            "<content type=\"html\">&lt;p&gt;11月4日，区商务局开展检查。&lt;/p&gt;</content></entry></feed>")
    items, _ = run(serve(bridge, "/feeds/district.atom", body, "application/atom+xml"), http,
                   CollectState(now=datetime(2025, 12, 15, tzinfo=timezone.utc)))
    assert str(beijing_date(items[0].published_at)) == when
    assert items[0].date_source == "url" and items[0].extra["date_from_link"] == link


def test_a_wechat_or_shared_link_gives_no_date(bridge, http):
    body = rss([("区商务局开展检查", "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv", "x1", None)])
    items, _ = run(serve(bridge, "/feeds/own.rss", body), http)
    assert items[0].published_at is None


# -- 9. the encoding nobody declared -------------------------------------------------------------

GBK_TITLE = "区商务局开展节前市场保供稳价检查"


def _gbk(encoding):
    return rss([(GBK_TITLE, "https://mp.weixin.qq.com/s?__biz=MzA3NjE0==&mid=2650001777&idx=1&sn=g",
                 "g1", day(23))], encoding=encoding).encode("gb18030")


@pytest.mark.parametrize("encoding", [None, ""], ids=["no declaration", "version only"])
def test_undeclared_gbk_is_read_as_gb18030(bridge, http, encoding):
    items, _ = run(serve(bridge, "/feeds/none.rss", _gbk(encoding)), http)
    assert [i.title for i in items] == [GBK_TITLE]
    assert "临河区商务局" not in items[0].title and items[0].body.startswith(GBK_TITLE)


def test_text_that_still_reads_as_mojibake_fails_the_pass(bridge, http):
    # declared as Latin-1 by the server, the GBK bytes decode without error into nonsense
    url = serve(bridge, "/feeds/latin.rss", _gbk(None), "application/rss+xml; charset=iso-8859-1")
    with pytest.raises(SourceError, match="garbled") as failed:
        run(url, http)
    assert "\n" not in str(failed.value) and GBK_TITLE[:10] in str(failed.value)


def test_accented_latin_titles_are_not_mojibake(bridge, http):
    title = "Café Müller: Grüße aus Köln"
    body = ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Köln</title>'
            f"<link>http://example.org/</link><item><title>{title}</title>"
            f"<link>http://example.org/a/1.html</link><pubDate>{rfc822(day(3))}</pubDate></item>"
            "</channel></rss>").encode("latin-1")
    items, _ = run(serve(bridge, "/feeds/latin.rss", body), http)
    assert items[0].title == title
