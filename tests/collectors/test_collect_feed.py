"""Source kind ``feed``: every tests/fixtures/feeds/* file states its Expect."""
from datetime import datetime, timedelta, timezone

import pytest
from _collectors_support import FEEDS, expect_of

from collectors import BEIJING, REGISTRY, CollectState, ConfigError, SourceError, beijing_date

CASES = sorted(p for p in FEEDS.iterdir() if not p.name.endswith(".meta.json"))


def feed(server, http, path):
    return REGISTRY["feed"]({"url": server.base + path}, http)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_feed_fixture(server, http, path):
    expect = expect_of(path)
    source = feed(server, http, "/feeds/" + path.name)
    state = CollectState()
    if "error" in expect:
        with pytest.raises(SourceError, match=expect["error"]):
            list(source.collect(state))
        assert "etag" not in state.memo
        return
    items = list(source.collect(state))
    assert len(items) == expect["count"]
    if "keys" in expect:
        assert [i.key for i in items] == expect["keys"]
    if "titles" in expect:
        assert [i.title for i in items] == expect["titles"]
    if "dates" in expect:
        assert [str(beijing_date(i.published_at)) for i in items] == expect["dates"]
    if "datetimes" in expect:
        assert [i.published_at.isoformat() if i.published_at else None for i in items] == expect["datetimes"]
        assert all(i.date_source == ("feed" if i.published_at else "") for i in items)
    if "bylines" in expect:
        assert [i.byline for i in items] == expect["bylines"]
    if "bodies" in expect:
        assert [i.body for i in items] == expect["bodies"]
    if "placeholders" in expect:
        assert [bool(i.extra.get("body_placeholder")) for i in items] == expect["placeholders"]
    if "aliases" in expect:
        assert [i.extra.get("aliases", []) for i in items] == expect["aliases"]
    if "suspect" in expect:
        assert [bool(i.extra.get("date_suspect")) for i in items] == expect["suspect"]
    if "truncated" in expect:
        assert [bool(i.extra.get("title_truncated")) for i in items] == expect["truncated"]
    assert all(i.raw and i.date_raw for i in items)


def test_feed_cases_cover_the_brief():
    names = {p.name for p in CASES}
    assert {"rss_gmt.xml", "atom_z.xml", "rss_odd_dates.xml", "rsshub_error.xml", "empty.xml",
            "zero_entries.xml", "not_well_formed.txt", "jsonfeed_rsshub.json", "jsonfeed_wewe_v1.json",
            "we_mp_rss.json", "we_mp_rss_id.xml", "login_expired_entry.xml",
            "login_expired_feed.xml", "entity_bomb.xml", "entity_bomb_utf16.xml",
            "entity_external.xml", "doctype_without_entities.xml"} <= names


def test_new_year_midnight_in_beijing_counts_in_2025(server, http):
    items = list(feed(server, http, "/feeds/atom_z.xml").collect(CollectState()))
    assert items[0].published_at == datetime(2025, 1, 1, 0, 10, tzinfo=BEIJING)
    assert items[0].published_at.year == 2025 and items[1].published_at.year == 2024


def test_unparseable_date_is_flagged_not_now(server, http):
    items = list(feed(server, http, "/feeds/rss_odd_dates.xml").collect(CollectState()))
    last = items[-1]
    assert last.published_at is None and last.extra["date_unparsed"] == "yesterday"


def test_body_is_text_not_html(server, http):
    items = list(feed(server, http, "/feeds/rss_gmt.xml").collect(CollectState()))
    assert items[0].body == "元旦期间，区商务局组织商超开展促消费活动。"
    assert items[1].body == "节日期间注意用电安全。"


def test_conditional_get_memo(server, http):
    source = feed(server, http, "/etag-feed")
    state = CollectState()
    assert len(list(source.collect(state))) == 3
    assert state.memo["etag"] == '"v1"' and state.memo["last_modified"].startswith("Wed, 01 Jan 2025")
    assert state.memo["not_modified"] is False
    assert list(source.collect(state)) == []
    assert state.memo["not_modified"] is True


def test_feed_http_error_is_a_source_error(server, http):
    with pytest.raises(SourceError, match=r"HTTP 404 .*/feeds/missing.xml"):
        list(feed(server, http, "/feeds/missing.xml").collect(CollectState()))


def test_feed_config():
    with pytest.raises(ConfigError, match="missing required key 'url'"):
        REGISTRY["feed"].validate({})
    with pytest.raises(ConfigError, match="unknown key 'preset'"):
        REGISTRY["feed"].validate({"url": "https://x.example/a.rss", "preset": "auto"})


# -- bridge health: a feed much older than its usual rhythm --------------------------------------
# rss_gmt.xml: three items from 2024-12-30T02:00Z to 2024-12-31T16:10Z, a gap of ~0.8 days each;
# the alarm comes after max(4 x gap, 7 days) without a new item.
FRESH = datetime(2025, 1, 2, tzinfo=timezone.utc)


def test_stale_feed_after_being_fresh_is_a_failed_run(server, http):
    source = feed(server, http, "/feeds/rss_gmt.xml")
    state = CollectState(now=FRESH)
    assert len(list(source.collect(state))) == 3
    assert state.memo["fresh"] is True and 0.5 < state.memo["rhythm_s"] / 86400 < 1
    state.now = FRESH + timedelta(days=5)
    assert len(list(source.collect(state))) == 3          # quiet for a few days is fine
    state.now = FRESH + timedelta(days=9)
    with pytest.raises(SourceError, match=r"newest item is 10\.3 days old, but the account usually "
                                          r"posts every 0\.\d days \(bridge login expired"):
        list(source.collect(state))


def test_stale_feed_served_as_304_is_a_failed_run(server, http):
    source = feed(server, http, "/etag-feed")
    state = CollectState(now=FRESH)
    assert len(list(source.collect(state))) == 3
    state.now = FRESH + timedelta(days=30)
    with pytest.raises(SourceError, match="newest item is 31.3 days"):
        list(source.collect(state))


def test_an_archive_already_old_when_first_read_is_no_alarm(server, http):
    source = feed(server, http, "/feeds/rss_gmt.xml")
    state = CollectState(now=FRESH + timedelta(days=400))
    assert len(list(source.collect(state))) == 3 and state.memo["fresh"] is False
    state.now += timedelta(days=30)
    assert len(list(source.collect(state))) == 3


def test_stale_check_can_be_switched_off(server, http):
    source = REGISTRY["feed"]({"url": server.base + "/feeds/rss_gmt.xml", "stale_factor": 0}, http)
    state = CollectState(now=FRESH)
    list(source.collect(state))
    state.now = FRESH + timedelta(days=90)
    assert len(list(source.collect(state))) == 3


def test_raw_ids_are_used_only_when_they_pair_with_the_entries():
    from collectors._feed import _rss_item_ids
    body = (b"<rss><channel><item><id>1-2_3</id><title>a</title></item>"
            b"<item><title>b</title></item></channel></rss>")
    assert _rss_item_ids(body) == ["1-2_3", ""]
    assert _rss_item_ids(b"<rss><channel><item><title>a</title></item></channel></rss>") == []


def test_feed_redirect_to_a_host_not_allowed_is_refused(server, http):
    # /redirect-out sends the client to "localhost", the same server under another name
    with pytest.raises(SourceError, match="host localhost is not allowed"):
        list(feed(server, http, "/redirect-out").collect(CollectState()))
    source = REGISTRY["feed"]({"url": server.base + "/redirect-out", "allow_hosts": ["localhost"]},
                              http)
    with pytest.raises(SourceError, match="HTML page"):   # allowed: fetched, and it is no feed
        list(source.collect(CollectState()))
