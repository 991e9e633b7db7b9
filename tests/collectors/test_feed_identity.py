"""One article stays one item across passes when its feed entry's link is not its own.

Reviewer's findings on the shared-link keys (collectors/_feedpass.py ``Identities``):
- a bridge giving every entry the same link, no guid and the fetch time as pubDate made a new
  key — a new item — for the same article on every pass (the key hashed that moving date);
- an article stored under its link while alone behind it was keyed again (``guid:``) once a
  second entry shared that link: two items for one article;
- the shared links remembered were the alphabetically last 50, not the most recently seen, so a
  link could fall out of the memo and its entries' keys flip back.
Feeds are served on 127.0.0.1 by the tests.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from test_feed_trial7 import _server, bridge, rss, serve  # noqa: F401 (fixtures)

from collectors import BEIJING, REGISTRY, CollectState

T0 = datetime(2025, 10, 20, 2, 0, 0, tzinfo=timezone.utc)
A = "区商务局开展成品油市场专项检查"
B = "区商务局举办中秋消费促进活动"


def collect(url, http, memo, now):
    state = CollectState(now=now, memo=memo)
    items = list(REGISTRY["feed"]({"url": url, "stale_factor": 0}, http).collect(state))
    return items, state.memo


def passes(bridge, http, feeds, step=timedelta(hours=6)):
    """Each of *feeds* (a function of the pass's time giving the RSS) read in turn, one memo."""
    memo: dict = {}
    out = []
    for n, feed in enumerate(feeds):
        now = T0 + n * step
        url = serve(bridge, "/feeds/own.rss", feed(now))
        items, memo = collect(url, http, memo, now)
        out.append(items)
    return out, memo


def test_a_fetch_time_date_is_not_part_of_the_key(bridge, http):
    link = f"{bridge.base}/wechat/account-page"
    feed = lambda now: rss([(A, link, None, now), (B, link, None, now)])   # noqa: E731
    runs, _ = passes(bridge, http, [feed, feed, feed])
    keys = [{i.title: i.key for i in items} for items in runs]
    assert len(set(keys[0].values())) == 2
    assert keys[0] == keys[1] == keys[2]
    assert all(i.published_at is None for items in runs for i in items)


def test_a_fetch_time_date_after_a_real_one_keeps_the_key(bridge, http):
    # the bridge had the date on the first pass, then lost it ("now"), then had it again
    link = f"{bridge.base}/wechat/account-page"
    dated = datetime(2025, 10, 18, 9, 0, tzinfo=BEIJING)
    runs, _ = passes(bridge, http, [lambda now: rss([(A, link, None, None), (B, link, None, dated)]),
                                    lambda now: rss([(A, link, None, now), (B, link, None, now)]),
                                    lambda now: rss([(A, link, None, now), (B, link, None, dated)])])
    keys = [{i.title: i.key for i in items} for items in runs]
    assert keys[0] == keys[1] == keys[2]
    assert len(set(keys[0].values())) == 2


def test_the_same_title_twice_in_one_feed_is_two_items_on_every_pass(bridge, http):
    link = "https://mp.weixin.qq.com/"
    feed = lambda now: rss([(A, link, None, now), (A, link, None, now)])   # noqa: E731
    runs, _ = passes(bridge, http, [feed, feed])
    assert len({i.key for i in runs[0]}) == 2
    assert sorted(i.key for i in runs[0]) == sorted(i.key for i in runs[1])


def test_a_date_that_moved_keeps_the_key_and_the_first_date(bridge, http):
    link = f"{bridge.base}/wechat/account-page"
    first = datetime(2025, 10, 18, 9, 0, tzinfo=BEIJING)
    runs, _ = passes(bridge, http, [lambda now: rss([(A, link, None, first), (B, link, None, first)]),
                                    lambda now: rss([(A, link, None, first + timedelta(hours=8)),
                                                     (B, link, None, first)])])
    assert [i.key for i in runs[0]] == [i.key for i in runs[1]]
    assert runs[1][0].published_at == first and runs[1][0].extra["date_review"]


def test_a_weekly_title_a_week_later_is_a_new_item(bridge, http):
    link = f"{bridge.base}/wechat/account-page"
    week1 = datetime(2025, 10, 10, 9, 0, tzinfo=BEIJING)
    title = "区商务局商务动态周报"
    runs, _ = passes(bridge, http, [lambda now: rss([(title, link, None, week1), (B, link, None, week1)]),
                                    lambda now: rss([(title, link, None, week1 + timedelta(days=7)),
                                                     (B, link, None, week1)])])
    assert runs[0][0].key != runs[1][0].key
    assert runs[0][1].key == runs[1][1].key


def test_an_article_keyed_by_its_link_keeps_that_key_when_the_link_becomes_shared(bridge, http):
    link = f"{bridge.base}/wechat/account-page"
    a = (A, link, "guid-a", datetime(2025, 9, 10, 10, 0, tzinfo=BEIJING))
    b = (B, link, "guid-b", datetime(2025, 9, 11, 10, 0, tzinfo=BEIJING))
    runs, _ = passes(bridge, http, [lambda now: rss([a], channel_link="https://example.org/other"),
                                    lambda now: rss([b, a], channel_link="https://example.org/other"),
                                    lambda now: rss([a], channel_link="https://example.org/other")])
    keys = [{i.title: i.key for i in items} for items in runs]
    assert keys[0][A] == keys[1][A] == keys[2][A] == link
    assert keys[1][B] != link
    assert all(i.extra.get("shared_link") for i in runs[1])


def test_the_most_recently_seen_shared_links_are_remembered(bridge, http):
    # fifty links remembered from before, all sorting after this bridge's: the link shared now
    # must stay remembered, else an entry alone on it next pass is keyed by it
    link = f"{bridge.base}/wechat/account-page"
    memo = {"shared_links": [f"https://z{n:02d}.example.org/page" for n in range(50)]}
    a = (A, link, "guid-a", datetime(2025, 9, 10, 10, 0, tzinfo=BEIJING))
    b = (B, link, "guid-b", datetime(2025, 9, 11, 10, 0, tzinfo=BEIJING))
    url = serve(bridge, "/feeds/own.rss", rss([b, a], channel_link="https://example.org/other"))
    first, memo = collect(url, http, memo, T0)
    assert link in memo["shared_links"] and len(memo["shared_links"]) == 50
    serve(bridge, "/feeds/own.rss", rss([b], channel_link="https://example.org/other"))
    second, memo = collect(url, http, memo, T0 + timedelta(hours=6))
    assert second[0].key == first[0].key == "guid:guid-b"
    assert memo["shared_links"][-1] == link
