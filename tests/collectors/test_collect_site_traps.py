"""Traps of gov-sites.md §2–§6 that the family crawls do not reach, each with a test that fails
without its handling (checked by breaking the handling once): lists that end without a stated total,
Hanweb paged by ``<nextgroup>`` alone, Shandong-style ``/col/`` pages without a datastore, pagers
that loop, year-less dates read in January, anchors without ``title=``, WAF cookie redirect loops."""
import json
from datetime import datetime

import pytest
from _sites_server import SITES, SiteServer

from collectors import BEIJING, REGISTRY, CollectState, SourceError, beijing_date, canonical_url

NOW = datetime(2025, 1, 3, 10, 0, tzinfo=BEIJING)


def website(srv, http, path, **opts):
    return REGISTRY["website"]({"url": srv.base + path, **opts}, http)


def run(source, state=None):
    state = state or CollectState(now=NOW)
    return list(source.collect(state)), state


def expected(srv, expect_file):
    items = json.loads(expect_file.read_text("utf-8"))["items"]
    return {canonical_url(e["path"] if "://" in e["path"] else srv.base + e["path"]): e for e in items}


@pytest.mark.parametrize("preset", ["jpaas", "auto"])
def test_jpaas_without_a_count_ends_at_the_empty_html_answer(http, preset):
    # No table.pagination: the only end signal is an API answer with an empty html (gov-sites.md
    # §2.2, "stop when the html is empty"). That ~50-byte JSON is the end, not a truncated stub.
    with SiteServer(SITES / "jpaas") as srv:
        items, state = run(website(srv, http, "/col/col1229565744/index.html", preset=preset))
        want = expected(srv, SITES / "jpaas/expect-4444.json")
    assert sorted(i.key for i in items) == sorted(want) and len(items) == 20
    assert all(str(beijing_date(i.published_at)) == want[i.key]["date"] for i in items)
    assert state.memo["stop_reason"] == "page 3 has no items: end of the list"


def test_hanweb_without_a_jpage_init_pages_by_the_nextgroup_link(http):
    # Only <nextgroup>'s GET link (duplicated appid, double-encoded webname) tells how to page.
    with SiteServer(SITES / "hanweb") as srv:
        items, state = run(website(srv, http, "/col/col286/index.html", preset="auto"))
        want = expected(srv, SITES / "hanweb/col/col286/expect.json")
    assert state.memo["detected"] == "hanweb"
    assert sorted(i.key for i in items) == sorted(want) and len(items) == 65
    assert all(str(beijing_date(i.published_at)) == want[i.key]["date"] for i in items)
    posts = [p for m, p in srv.requests if m == "POST"]
    assert posts[0].endswith("startrecord=31&endrecord=60&perpage=10")


def _parse(preset, url, html, memo=None):
    from collectors._http import Response
    from collectors._presets import PRESETS, Context, ListRequest

    resp = Response(url=url, status=200, content=html.encode(), text=html)
    return PRESETS[preset]({}).parse(ListRequest(url), resp, Context(2025, {}), memo or {})


def test_hanweb_col_page_without_datastore_is_read_as_a_plain_list():
    # Shandong: dataproxy answers nothing, the /col/ page lists its /art/ links itself (§2.1).
    html = ('<html><body><link href="/images/hanweb.css"><ul class="list">'
            + "".join(f'<li><a href="/art/2024/12/{d}/art_9_{d}.html" title="第{d}条">第{d}条</a>'
                      f'<span>2024-12-{d:02d}</span></li>' for d in (9, 8, 7))
            + '</ul><script src="/module/web/jpage/dataproxy.jsp"></script></body></html>')
    page = _parse("hanweb", "http://www.example.gov.cn/col/col9/index.html", html)
    assert [r.title for r in page.rows] == ["第9条", "第8条", "第7条"] and page.next is None


def test_year_less_list_dates_read_in_january_belong_to_last_year(tmp_path, http):
    # "12-20" read on 3 January 2025 is 20 December 2024, not a date eleven months ahead.
    col = tmp_path / "noyear"
    col.mkdir()
    (col / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><ul class="list">'
        '<li><a href="http://other.example.org/a/1.html" title="元旦消费季启动">元旦消费季启动</a><span>01-02</span></li>'
        '<li><a href="http://other.example.org/a/2.html" title="年末安全检查">年末安全检查</a><span>12-20</span></li>'
        '</ul></body></html>', encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        items, _ = run(website(srv, http, "/noyear/index.html", preset="list"))
    assert [str(beijing_date(i.published_at)) for i in items] == ["2025-01-02", "2024-12-20"]


def test_anchor_without_title_takes_the_full_title_from_the_detail(tmp_path, http):
    # Truncated anchor text and no title=: the full title exists only on the detail page (T11).
    col = tmp_path / "col"
    col.mkdir()
    (col / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><ul class="list">'
        '<li><a href="a1.html">卫滨区商务局开展岁末年初安全生...</a><span>2024-12-31</span></li>'
        '<li><a href="a2.html">区商务局座谈会</a><span>2024-12-30</span></li></ul></body></html>',
        encoding="utf-8")
    full = "卫滨区商务局开展岁末年初安全生产大检查"
    (col / "a1.html").write_text(
        f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{full}">'
        f'<title>{full}_卫滨区人民政府</title></head><body><h1>{full}</h1>'
        '<div class="info">发布日期：2024-12-31 09:00</div><div id="zoom"><p>检查全区商贸企业安全生产情况。</p></div>'
        '</body></html>', encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        items, _ = run(website(srv, http, "/col/index.html", preset="list"))
    first = items[0]
    assert first.title == full and first.extra["list_title"] == "卫滨区商务局开展岁末年初安全生..."


def test_a_pager_pointing_back_to_an_earlier_page_is_a_loop_error(tmp_path, http):
    col = tmp_path / "col"
    col.mkdir()
    for n, nxt in ((1, 2), (2, 1)):
        rows = "".join(f'<li><a href="http://other.example.org/{n}/{i}.html" title="第{n}页第{i}条">第{n}页第{i}条</a>'
                       f'<span>2024-12-{10 + i:02d}</span></li>' for i in range(3))
        (col / f"list-{n}.html").write_text(
            f'<html><head><meta charset="utf-8"></head><body><ul class="list">{rows}</ul>'
            f'<div class="page"><a href="list-{nxt}.html">下一页</a></div></body></html>', encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        with pytest.raises(SourceError, match="loops back to") as info:
            run(website(srv, http, "/col/list-1.html", preset="list"))
    assert info.value.health == "loop"
