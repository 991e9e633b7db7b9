"""Each CMS family's fixture column (tests/fixtures/sites/make_family_fixtures.py) crawled end to
end on loopback, by its named preset and by ``auto``: exactly the expected items, Beijing dates,
and every trap of gov-sites.md with a test that fails without its handling."""
import json
from datetime import datetime

import pytest
from _sites_server import SITES, SiteServer

from collectors import (BEIJING, REGISTRY, CollectState, SourceError, beijing_date, canonical_url,
                        decode_html, detect)

NOW = datetime(2025, 1, 3, 10, 0, tzinfo=BEIJING)
FAMILIES = {
    # preset: (document root, column path, expectations)
    "trs": (SITES, "/trs/index.html", SITES / "trs/expect.json"),
    "hanweb": (SITES / "hanweb", "/col/col284/index.html", SITES / "hanweb/col/col284/expect.json"),
    "jpaas": (SITES / "jpaas", "/col/col1229565788/index.html", SITES / "jpaas/expect-3185.json"),
    "list": (SITES, "/htmls/q934734p_jinriweibin/list-1.html", SITES / "htmls/expect.json"),
}


@pytest.fixture
def family_server(request):
    servers = []

    def start(root, etags=True):
        srv = SiteServer(root, etags=etags).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


def website(srv, http, path, **opts):
    return REGISTRY["website"]({"url": srv.base + path, **opts}, http)


def run(source, state=None):
    state = state or CollectState(now=NOW)
    return list(source.collect(state)), state


def expected(srv, family):
    items = json.loads(FAMILIES[family][2].read_text("utf-8"))["items"]
    return {canonical_url(e["path"] if "://" in e["path"] else srv.base + e["path"]): e for e in items}


@pytest.mark.parametrize("how", ["named", "auto"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_column_is_crawled_to_exactly_the_right_items_and_dates(family_server, http, family, how):
    root, path, _ = FAMILIES[family]
    srv = family_server(root)
    items, state = run(website(srv, http, path, preset=family if how == "named" else "auto"))
    want = expected(srv, family)
    got = {i.key: i for i in items}
    assert len(items) == len(got)                      # nothing yielded twice
    assert sorted(got) == sorted(want)
    for key, e in want.items():
        item = got[key]
        assert str(beijing_date(item.published_at)) == e["date"], (key, item.date_raw)
        assert item.title == e["title"]
        assert item.external == e.get("external", False)
        if "date_source" in e:
            assert item.date_source == e["date_source"], key
    assert state.memo["stop_reason"].startswith("last page")
    if how == "auto":
        assert state.memo["detected"] == family


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_recrawl_adds_nothing_and_costs_one_request(family_server, http, family):
    root, path, _ = FAMILIES[family]
    srv = family_server(root)
    first, state = run(website(srv, http, path, preset="auto"))
    known = {i.key for i in first}
    srv.requests.clear()
    again, state2 = run(website(srv, http, path, preset="auto"),
                        CollectState(now=NOW, is_known=known.__contains__, memo=state.memo))
    assert again == []
    assert len(srv.requests) == 1, srv.requests        # page 1 only (jpaas: its API, remembered)
    assert state2.memo.pop("not_modified") is True     # answered 304 to If-None-Match


def test_recrawl_without_etags_stops_on_an_unchanged_page_one(family_server, http):
    srv = family_server(SITES, etags=False)
    first, state = run(website(srv, http, "/trs/index.html", preset="trs"))
    known = {i.key for i in first}
    srv.requests.clear()
    again, state2 = run(website(srv, http, "/trs/index.html", preset="trs"),
                        CollectState(now=NOW, is_known=known.__contains__, memo=state.memo))
    assert again == [] and srv.paths() == ["/trs/index.html"]
    assert state2.memo["stop_reason"] == "page 1 unchanged since the last pass"


def test_one_new_item_on_page_two_is_found_with_the_extra_page(family_server, http):
    # Page 1 is all known (a pinned item included): the next page is read too, and only the new
    # item's detail is fetched.
    srv = family_server(SITES, etags=False)
    first, _ = run(website(srv, http, "/trs/index.html", preset="trs"))
    missing = next(i.key for i in first if "t20241107" in i.key)      # a page-2 row
    known = {i.key for i in first} - {missing}
    srv.requests.clear()
    again, state = run(website(srv, http, "/trs/index.html", preset="trs"),
                       CollectState(now=NOW, is_known=known.__contains__))
    assert [i.key for i in again] == [missing]
    assert [p for p in srv.paths() if "index" in p] == ["/trs/index.html", "/trs/index_1.html",
                                                         "/trs/index_2.html"]
    assert state.memo["stop_reason"].startswith("last page")


# -- TRS --

def test_trs_gbk_detail_metadata_attachments_and_nested_jiedu_links(family_server, http):
    srv = family_server(SITES)
    items, _ = run(website(srv, http, "/trs/index.html", preset="trs"))
    assert not any("/jd/" in i.key for i in items)                     # 解读 pop-ups are not items
    first = next(i for i in items if "t20241231" in i.key)
    assert first.extra["encoding"] == "gb18030" and "朱镕基" in first.body
    assert first.list_date == "2024/12/30" and first.extra["date_delta_days"] == 2
    assert first.extra["fields"] == {"索引号": "11410703MB0F5732XK/2024-00123", "发布机构": "卫滨区商务局",
                                     "文号": "卫商〔2024〕12号", "来源": "区商务局", "成文日期": "2024-12-28"}
    assert [a["url"].rsplit("/", 1)[-1] for a in first.extra["attachments"]] == [
        "P020250101319115295873.pdf", "P020250101319115295873.ofd"]


def test_trs_missing_deep_page_fails_the_run_after_keeping_what_was_read(family_server, http):
    srv = family_server(SITES)
    items = []
    with pytest.raises(SourceError, match=r"list page 3 .* missing \(HTTP 404\).* cut short after 11 rows") as info:
        for item in website(srv, http, "/trs_missing/index.html", preset="auto").collect(CollectState(now=NOW)):
            items.append(item)
    assert info.value.health == "truncated" and len(items) == 11


def test_trs_challenge_on_a_deep_page_fails_the_run(family_server, http):
    srv = family_server(SITES)
    with pytest.raises(SourceError, match="HTTP 412 anti-bot"):
        run(website(srv, http, "/trs_412/index.html", preset="trs"))


# -- Hanweb --

def test_hanweb_pages_after_the_inline_chunk_and_ignores_the_decoy_total(family_server, http):
    srv = family_server(SITES / "hanweb")
    items, state = run(website(srv, http, "/col/col284/index.html", preset="hanweb"))
    proxies = [p for m, p in srv.requests if m == "POST"]
    # 30 records inline (groupSize 3 x perPage 10): the next group starts at 31; totalRecord 65,
    # not the search box's decoy 1000.
    assert proxies == ["/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=60&perpage=10",
                       "/module/web/jpage/dataproxy.jsp?startrecord=61&endrecord=65&perpage=10"]
    assert len(items) == 65 and state.memo["stop_reason"] == "last page (all 65 records read (totalRecord))"


def test_hanweb_dataproxy_running_dry_before_total_is_a_truncated_column(family_server, http):
    srv = family_server(SITES / "hanweb")
    with pytest.raises(SourceError, match=r"records 41-65 of 65\) has no items .* promised"):
        run(website(srv, http, "/col/col285/index.html", preset="auto"))


# -- jpaas --

def test_jpaas_links_titles_and_externals(family_server, http):
    srv = family_server(SITES / "jpaas")
    items, state = run(website(srv, http, "/col/col1229565788/index.html", preset="jpaas"))
    legacy = [i for i in items if "/art/2024/12/7/" in i.key]
    assert legacy and legacy[0].key.startswith(srv.base) and not legacy[0].external
    external = [i for i in items if i.external]
    assert len(external) == 2 and all(i.raw is None and i.extra["host"] == "other.example.org" for i in external)
    assert all(not i.title.endswith("...") for i in items)             # full titles from title=
    apis = [p for p in srv.requests if "api-gateway" in p[1]]
    assert len(apis) == 3 and all("%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8" in p for _, p in apis)  # 信息列表 unit
    new = next(i for i in items if i.date_source == "detail-label")
    assert new.extra["fields"]["发布机构"] == "卫滨区商务局" and new.extra["fields"]["文号"] == "卫商〔2024〕31号"
    assert new.extra["attachments"][0]["name"] == "通报全文"


def test_jpaas_every_page_number_answering_page_one_fails_the_run(family_server, http):
    srv = family_server(SITES / "jpaas")
    with pytest.raises(SourceError, match="repeats page 1") as info:
        run(website(srv, http, "/col/col1229565799/index.html", preset="auto"))
    assert info.value.health == "repeated"


def test_jpaas_remembered_endpoint_that_fails_is_rediscovered(family_server, http):
    srv = family_server(SITES / "jpaas")
    memo = {"detected": "jpaas", "jpaas": {"column": srv.base + "/col/col1229565788/index.html",
                                           "api": srv.base + "/gone/api", "query": {"webId": "3185"}}}
    items, state = run(website(srv, http, "/col/col1229565788/index.html"), CollectState(now=NOW, memo=memo))
    assert len(items) == 40 and state.memo["jpaas"]["api"].endswith("/front/page/build/unit")


# -- plain / Xinxiang platform --

def test_js_redirect_stub_column_is_followed_once(family_server, http):
    srv = family_server(SITES)
    items, state = run(website(srv, http, "/htmls/jump/index.html"))
    assert len(items) == 8 and state.memo["detected"] == "list"


def test_progress_is_reported_per_page_with_a_bar_when_the_total_is_known(family_server, http):
    srv = family_server(SITES)
    seen = []
    since = datetime(2024, 1, 1, tzinfo=BEIJING)
    run(website(srv, http, "/trs/index.html"), CollectState(now=NOW, since=since, progress=seen.append))
    assert len(seen) == 3
    assert "[" in seen[0] and "page 1/3" in seen[0] and "backfilling to 2024-01-01" in seen[0]
    assert "page 3/3" in seen[2]


def test_since_backfill_stops_a_page_after_the_first_older_one(family_server, http):
    srv = family_server(SITES / "hanweb")
    since = datetime(2024, 11, 1, tzinfo=BEIJING)
    items, state = run(website(srv, http, "/col/col284/index.html"),
                       CollectState(now=NOW, since=since, is_known=lambda k: True))
    # Group 1 (inline) reaches back to 2024-08; group 2 is all older (settled), group 3 confirms.
    assert items == [] and state.memo["stop_reason"] == "older than since"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_detection_names_the_family_from_page_one(family, family_server, http):
    root, path, _ = FAMILIES[family]
    text, _ = decode_html((root / path.lstrip("/")).read_bytes(), None)
    found = detect(text, "http://www.example.gov.cn" + path)
    assert found.preset == family and found.reasons


def test_hanweb_pc_and_mobile_units_collapse_on_the_page():
    from collectors._http import Response
    from collectors._presets import PRESETS, Context, ListRequest

    path = SITES / "hanweb/col/col284/index.html"
    text = path.read_text("utf-8")
    assert text.count("<record>") == 60                    # 30 in the PC unit, 30 in the mobile one
    url = "http://www.example.gov.cn/col/col284/index.html"
    resp = Response(url=url, status=200, content=text.encode(), text=text)
    page = PRESETS["hanweb"]({}).parse(ListRequest(url), resp, Context(2025, {}), {})
    assert len(page.rows) == 30 and len({r.url for r in page.rows}) == 30
    assert page.next.url.endswith("startrecord=31&endrecord=60&perpage=10")
    assert page.next.form["columnid"] == "284" and page.next.form["unitid"] == "423940"
