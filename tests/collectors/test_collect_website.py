"""Source kind ``website`` end to end against the loopback fixture site."""
from datetime import datetime

import pytest
from _collectors_support import SITES, expect_of

from collectors import BEIJING, REGISTRY, CollectState, ConfigError, SourceError, beijing_date


def website(server, http, path, **opts):
    return REGISTRY["website"]({"url": server.base + path, **opts}, http)


def run(source, state=None):
    state = state or CollectState()
    return list(source.collect(state)), state


def test_plain_column_three_pages_with_details(server, http):
    items, state = run(website(server, http, "/plain/index.html"))
    assert len(items) == 9
    assert [p for p in server.requests if "index" in p] == [
        "/plain/index.html", "/plain/index_1.html", "/plain/index_2.html"]
    by_title = {i.title: i for i in items}
    first = items[0]
    assert first.key == server.base + "/plain/2024/art_1.html"
    assert first.byline == "卫滨区商务局"
    assert first.date_source == "detail-meta" and first.published_at == datetime(2025, 1, 3, 9, 30, tzinfo=BEIJING)
    assert "专题会议" in first.body and first.raw and first.raw_url.endswith("art_1.html")
    # Truncated anchor text: the full title comes from title= (and the detail agrees).
    long = by_title["卫滨区商务局开展岁末年初安全生产大检查暨消防隐患排查整治专项行动"]
    # The list's 2024-12-31 and a lone PubDate meta (00:10 on 1 Jan) disagree on the year: the
    # date a person reads wins, and the item carries both for the officer to decide (issue 19).
    assert str(beijing_date(long.published_at)) == "2024-12-31" and long.date_source == "list"
    assert long.extra["date_conflict"]["years"] == [2024, 2025] and "PubDate" in long.extra["date_review"]
    # A link to another host: recorded with the list date, never fetched.
    ext = by_title["外部链接：新乡市商务局通知"]
    assert ext.external and ext.date_source == "list" and ext.raw is None
    assert not any("other.example.org" in p for p in server.requests)
    # GBK page declaring gb2312, with GBK-only characters; space-padded 发布时间 label.
    gbk = by_title["朱镕基同志题词展与王堃企业座谈会"]
    assert gbk.extra["encoding"] == "gb18030" and gbk.date_source == "detail-label"
    assert gbk.published_at == datetime(2024, 11, 20, 10, 0, tzinfo=BEIJING)
    # UTF-8 bytes under a stale meta gb2312 still decode.
    assert by_title["区商务局组织招商引资项目观摩"].extra["encoding"] == "utf-8"
    # No detail date (only 成文日期, which is not a publish date): the list date is used.
    listed = by_title["2024年3月5日召开招商推介会"]
    assert listed.date_source == "list" and str(beijing_date(listed.published_at)) == "2024-03-05"
    assert state.memo["stop_reason"].startswith("last page")
    assert len({i.key for i in items}) == 9


def test_incremental_pass_stops_after_known_page_plus_one(server, http):
    first, _ = run(website(server, http, "/plain/index.html"))
    known = {i.key for i in first}
    server.requests.clear()
    items, state = run(website(server, http, "/plain/index.html"), CollectState(is_known=known.__contains__))
    assert items == []
    assert server.requests == ["/plain/index.html", "/plain/index_1.html"]   # no page 3, no details
    assert state.memo["stop_reason"] == "caught up with known items"


def test_incremental_pass_fetches_only_the_new_detail(server, http):
    first, _ = run(website(server, http, "/plain/index.html"))
    known = {i.key for i in first if not i.url.endswith("art_1.html")}
    server.requests.clear()
    items, _ = run(website(server, http, "/plain/index.html"), CollectState(is_known=known.__contains__))
    assert [i.url.rsplit("/", 1)[-1] for i in items] == ["art_1.html"]
    assert [p for p in server.requests if "/2024/" in p] == ["/plain/2024/art_1.html"]


def test_since_backfill_runs_past_known_items_until_older(server, http):
    state = CollectState(is_known=lambda key: True, since=datetime(2024, 10, 1, tzinfo=BEIJING))
    items, state = run(website(server, http, "/since/index.html"), state)
    assert items == []
    # Pages 0-1 reach into October; page 2 is all older (settled once), page 3 confirms; page 4 untouched.
    assert server.requests[1:] == ["/since/index.html", "/since/index_1.html", "/since/index_2.html",
                                   "/since/index_3.html"]
    assert state.memo["stop_reason"] == "older than since"


def test_max_pages_caps_the_pass_and_missing_details_keep_list_data(server, http):
    items, state = run(website(server, http, "/since/index.html", max_pages=2))
    assert [p for p in server.requests if "index" in p] == ["/since/index.html", "/since/index_1.html"]
    assert "max_pages" in state.memo["stop_reason"]
    # The since/ fixture has no detail pages: each item keeps its list date and says why.
    assert len(items) == 6
    assert all(i.date_source == "list" and "404" in i.extra["detail_error"] for i in items)


ERROR_CASES = sorted(p.parent.name for p in (SITES / "errors").glob("*/index.html")
                     if "error" in expect_of(p))


@pytest.mark.parametrize("case", ERROR_CASES)
def test_failed_page_is_an_error_with_a_reason(server, http, case):
    expect = expect_of(SITES / "errors" / case / "index.html")
    with pytest.raises(SourceError, match=expect["error"]):
        run(website(server, http, f"/errors/{case}/index.html"))


def test_error_cases_cover_the_brief():
    assert {"soft404", "verify", "empty", "script", "nolist", "repeat", "challenge",
            "stub_deep"} <= set(ERROR_CASES)


def test_deep_stub_page_fails_the_run_after_keeping_page_one(server, http):
    # A silently truncated column under-counts the year: the stub is a failure with a reason,
    # and what page 1 listed is still yielded (and saved by the pipeline) before it.
    items = []
    with pytest.raises(SourceError, match="cut short after 1 rows") as info:
        for item in website(server, http, "/errors/stub_deep/index.html").collect(CollectState()):
            items.append(item)
    assert len(items) == 1 and items[0].external
    assert info.value.health == "truncated"


def test_max_pages_accepts_a_known_broken_deep_page(server, http):
    items, state = run(website(server, http, "/errors/stub_deep/index.html", max_pages=1))
    assert len(items) == 1 and "max_pages" in state.memo["stop_reason"]


def test_detail_redirect_to_other_host_is_not_followed(server, http):
    from collectors._listing import Row

    source = website(server, http, "/plain/index.html")
    # A row whose detail URL redirects to a host outside the allow-list.
    item = source._item(server.base + "/redirect-out", Row(server.base + "/redirect-out", "t", "2024-01-02",
                                                           datetime(2024, 1, 2, tzinfo=BEIJING)))
    assert item.external and "not allowed" in item.extra["detail_error"]
    assert item.date_source == "list"
    assert "/plain/index.html" not in server.requests


def test_selectors_override(server, http):
    items, _ = run(website(server, http, "/plain/index.html", item_selector="ul.list > li",
                           title_selector="a", date_selector="span.date", max_pages=1))
    assert len(items) == 3 and items[0].title.startswith("卫滨区商务局召开")


@pytest.mark.parametrize("opts,message", [
    ({"preset": "selectors"}, "preset 'selectors' needs key 'item_selector'"),
    ({"preset": "nonsense"}, "key 'preset' must be one of"),
    ({"max_pages": "5"}, "key 'max_pages' must be int"),
    ({"colour": "red"}, "unknown key 'colour'"),
    ({"title_selector": "a"}, "need 'item_selector'"),
    ({"url": "ftp://x"}, "http"),
])
def test_config_errors_name_the_key(opts, message):
    with pytest.raises(ConfigError, match=message):
        REGISTRY["website"].validate({"url": "http://www.example.gov.cn/col/index.html", **opts})


def test_next_selector_pages_a_selectors_column(server, http):
    items, state = run(website(server, http, "/plain/index.html", preset="selectors",
                               item_selector="ul.list > li", title_selector="a", date_selector="span.date",
                               next_selector='div.page a:-soup-contains("下一页")'))
    assert len(items) == 9
    assert state.memo["stop_reason"] == "last page (next_selector matches no link)"


def test_zero_rows_where_page_one_had_items_names_the_previous_count(server, http):
    state = CollectState(memo={"page1_rows": 12})
    with pytest.raises(SourceError, match="no items found .* it listed 12 last time") as info:
        run(website(server, http, "/errors/nolist/index.html"), state)
    assert info.value.health == "empty"


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/files/P020240101.pdf", True),
    ("http://x.gov.cn/api-gateway/jpaas-web-server/front/document/download?fileUrl=a&fileName=%E9%80%9A%E7%9F%A5.wps", True),
    ("http://x.gov.cn/art/2024/1/1/art_1_2.html", False),
])
def test_attachment_links_in_lists_are_recognised_without_fetching(url, expected):
    from collectors._rowitem import is_attachment_url
    assert is_attachment_url(url) is expected
