"""Issue 12, feed rows of the variant matrix: every WeChat bridge in reference/wechat-feeds.md, in
every format it serves, read to the right items, Beijing dates, links and WeChat keys.

Each fixture is a hand-written skeleton in the structure the bridge's own renderer produces (the
sources read are named per row below and in each fixture's Description); its Expect line states
the result. Every fixture has an article posted at 00:30 on 1 January Beijing time, which the
bridge writes as 31 December UTC: counted in the wrong year, it fails here.
"""
from datetime import timezone

import pytest
from _collectors_support import FEEDS, expect_of
from _feed_bridge import Bridge

from collectors import REGISTRY, CollectState, beijing_date

# (bridge, format) -> fixture. Where the shape was read:
#   RSSHub      lib/views/rss.tsx@192405ed, atom.tsx@0a582f56, json.ts@174752fe (DIYgod/RSSHub)
#   WeWe RSS    apps/server/src/feeds/feeds.service.ts@253fa07 (cooderl/wewe-rss) rendering with
#               the `feed` package 4.2.2, src/rss2.ts, src/atom1.ts, src/json.ts (jpmonette/feed)
#   we-mp-rss   core/rss.py generate_rss/generate_atom/generate_json and apis/rss.py
#               (rachelos/we-mp-rss@41d407b; yishensanying/we-mp-rss@47a7d55 for Atom, JSON, +0800)
#   Wechat2RSS  closed source: deploy/api.md@9e3f745 (ttttmr/Wechat2RSS) and the items users
#               quote in ttttmr/Wechat2RSS#287 and #470
VARIANTS = {
    ("rsshub", "rss"): "variant_rsshub_rss.xml",
    ("rsshub", "atom"): "variant_rsshub_atom.xml",
    ("rsshub", "json"): "variant_rsshub_json.json",
    ("wewe", "rss"): "variant_wewe_rss.xml",
    ("wewe", "atom"): "variant_wewe_atom.xml",
    ("wewe", "json"): "variant_wewe_json.json",
    ("we-mp-rss", "rss"): "variant_we_mp_rss_rss.xml",
    ("we-mp-rss", "rss, before PR #189 (no zone)"): "we_mp_rss.xml",
    ("we-mp-rss", "rss, rss.local links, no <id>"): "we_mp_rss_local_link.xml",
    ("we-mp-rss", "atom"): "variant_we_mp_rss_atom.xml",
    ("we-mp-rss", "json"): "variant_we_mp_rss_json.json",
    ("wechat2rss", "rss"): "variant_wechat2rss_rss.xml",
    ("wechat2rss", "json"): "variant_wechat2rss_json.json",
}
# The formats each bridge serves (wechat-feeds.md §1 table).
SERVED = {"rsshub": {"rss", "atom", "json"}, "wewe": {"rss", "atom", "json"},
          "we-mp-rss": {"rss", "atom", "json"}, "wechat2rss": {"rss", "json"}}


def test_every_bridge_format_has_a_fixture():
    covered = {(bridge, fmt.split(",")[0]) for bridge, fmt in VARIANTS}
    assert covered == {(b, f) for b, formats in SERVED.items() for f in formats}
    assert all((FEEDS / name).is_file() for name in VARIANTS.values())


@pytest.fixture(scope="module")
def bridge():
    served = Bridge().start()
    yield served
    served.stop()


def collect(bridge, http, name):
    source = REGISTRY["feed"]({"url": bridge.serve_file(FEEDS / name)}, http)
    state = CollectState()
    return list(source.collect(state)), state


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}")
def test_variant_reads_to_items_dates_links_and_keys(bridge, http, variant):
    path = FEEDS / VARIANTS[variant]
    expect = expect_of(path)
    items, state = collect(bridge, http, path.name)
    assert [i.key for i in items] == expect["keys"]
    assert [i.url for i in items] == expect["links"]
    assert [i.published_at.isoformat() for i in items] == expect["datetimes"]
    assert all(i.date_source == "feed" and i.date_raw for i in items)
    for name, got in (("titles", [i.title for i in items]), ("bylines", [i.byline for i in items]),
                      ("bodies", [i.body for i in items]),
                      ("aliases", [i.extra.get("aliases", []) for i in items]),
                      ("dates", [str(beijing_date(i.published_at)) for i in items])):
        if name in expect:
            assert got == expect[name], name
    # a clean feed leaves no placeholder note behind
    assert "placeholders" not in state.memo


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}")
def test_variant_crosses_the_beijing_new_year(bridge, http, variant):
    # Each fixture holds an article that is 2024 in UTC and 2025 in Beijing: the year it counts in
    # is Beijing's (DESIGN "The year is the Beijing-time date"), whatever zone the bridge wrote.
    items, _ = collect(bridge, http, VARIANTS[variant])
    crossing = [i for i in items if i.published_at.astimezone(timezone.utc).year == 2024
                and beijing_date(i.published_at).year == 2025]
    assert crossing, "fixture lost its year-boundary article"
    assert all(str(beijing_date(i.published_at)) == "2025-01-01" for i in crossing)


def test_one_push_is_several_items_in_every_bridge_that_shows_it(bridge, http):
    # several articles of one push share mid and differ in idx: each is its own item (DESIGN)
    for name in ("variant_rsshub_rss.xml", "variant_we_mp_rss_rss.xml"):
        items, _ = collect(bridge, http, name)
        mids = [i.key.rsplit(":", 2)[1] for i in items if i.key.startswith("wx:")]
        assert len(mids) > len(set(mids)) and len({i.key for i in items}) == len(items), name
