"""Every plain-list variant of the static-list matrix (fixtures written by
tests/fixtures/sites/make_static_variants.py, each naming the real sample of its shape) crawled end
to end on loopback, by ``preset = "list"`` and by ``auto``: exactly the column's items with their
Beijing dates and full titles, the list pages in order, and how the walk ends."""
from datetime import datetime

import pytest
from _static_server import cases, check_items, check_walk, crawl, spec_of

from collectors import BEIJING
from collectors._listing import find_next, find_rows
from collectors._pages import soup_of

FAMILY = "plain_variants"
CASES = cases(FAMILY)
BASE = "http://www.example.gov.cn/col/"


def test_the_matrix_has_its_cases():
    assert {"next-decorated", "page-numbers", "query-page", "list-n", "weihui-index-htm",
            "charset-utf8-meta-gbk-bytes", "charset-gbk-meta-utf8-bytes", "pinned", "truncated"} <= set(CASES)


@pytest.mark.parametrize("preset", ["named", "auto"])
@pytest.mark.parametrize("case", CASES)
def test_variant_column_is_read_whole_with_its_dates(http, case, preset):
    spec = spec_of(FAMILY, case)
    result = crawl(http, FAMILY, case, spec["preset"] if preset == "named" else "auto")
    check_items(result)
    check_walk(result, spec)
    if preset == "auto":
        assert result.state.memo["detected"] == spec["preset"]


def test_pinned_old_row_neither_ends_a_backfill_nor_loses_its_year(http):
    # Backfilling to 1 December: page 1 holds a 2019 row on top, but its newest date is December,
    # so page 2 is read; the pinned row keeps 2019 (it is counted in 2019, not this year).
    since = datetime(2024, 12, 1, tzinfo=BEIJING)
    result = crawl(http, FAMILY, "pinned", since=since)
    assert result.list_requests == ["/zwgk/tzgg/index.html", "/zwgk/tzgg/index_1.html"]
    top = result.items[0]
    assert top.title == "卫滨区商务局政府信息公开指南" and top.published_at.year == 2019


# -- next-page clues, one per case: (pager markup, page URL, next page or None) --

NEXT_LINKS = [
    ('<a href="index_1.html">下一页</a>', "index.html", "index_1.html"),
    ('<a href="list.aspx?page=2">下一页&gt;&gt;</a>', "list.aspx", "list.aspx?page=2"),
    ('<a href="list.aspx?page=2">[下一页]</a>', "list.aspx", "list.aspx?page=2"),
    ('<a href="list.aspx?page=2">下一页 ›</a>', "list.aspx", "list.aspx?page=2"),
    ('<a href="p2.htm"><img src="next.gif" alt="下一页"></a>', "p1.htm", "p2.htm"),
    ('<a href="?page=3">后页</a>', "list.php?page=2", "list.php?page=3"),
    ('<a href="javascript:;">下一页</a>', "index_4.html", None),
    ('<span class="cur">1</span> <a href="news.asp?pn=2">2</a> <a href="news.asp?pn=3">3</a>', "news.asp", "news.asp?pn=2"),
    ('<a href="news.asp?pn=1">1</a> <span class="current">2</span> <a href="news.asp?pn=3">3</a>', "news.asp?pn=2",
     "news.asp?pn=3"),
    ('<a href="news.asp?pn=1">1</a> <a href="news.asp?pn=2">2</a> <span class="active">3</span>', "news.asp?pn=3", None),
    ('<b>1</b> <a href="list_2.html">2</a>', "list.html", "list_2.html"),
    ('<a href="list_1.html">2</a> <a href="list_2.html">3</a>', "list.html", "list_1.html"),
    ('<a href="A001001index_2.htm">3</a>', "A001001index_1.htm", "A001001index_2.htm"),
    ('<a href="list_12_3.html">3</a>', "list_12_2.html", "list_12_3.html"),
    ('<a href="index_1.html">首页</a>', "index.html", "index_1.html"),      # a sibling link, whatever its text
]


@pytest.mark.parametrize("pager,page,nxt", NEXT_LINKS, ids=[p[0][:40] for p in NEXT_LINKS])
def test_next_page_clues(pager, page, nxt):
    html = (f'<html><body><ul class="list"><li><a href="a.html">标题</a><span>2024-01-01</span></li></ul>'
            f'<div class="page">{pager}</div></body></html>')
    assert find_next(soup_of(html), BASE + page, html).next_url == (BASE + nxt if nxt else None)


def test_page_numbers_outside_a_pager_are_not_pages():
    # A row numbered "2" in a table is not a pager link.
    html = ('<html><body><table><tr><td><a href="doc2.html">2</a></td><td><a href="a.html">标题</a></td>'
            '<td>2024-01-01</td></tr></table></body></html>')
    assert find_next(soup_of(html), BASE + "list.aspx", html).next_url is None


def test_last_link_gives_the_total_numbered_like_the_next_link():
    # nmpa: page 1 links 下一页 index_1.html and 末页 index_1226.html: 1,227 pages (0-based names).
    html = ('<div class="gray"><span class="current">1</span><a href="index_1.html">2</a>'
            '<a href="index_1.html">下一页</a><a href="index_1226.html">末页</a></div>')
    pager = find_next(soup_of(html), BASE + "index.html", html)
    assert pager.total_pages == 1227 and pager.stated
    one_based = ('<div class="page"><span class="current">1</span><a href="list.jsp?page=2">下一页</a>'
                 '<a href="list.jsp?page=39">尾页</a></div>')
    assert find_next(soup_of(one_based), BASE + "list.jsp", one_based).total_pages == 39


@pytest.mark.parametrize("marked", ['<font color="red">[置顶]</font>', "【置顶】", "置顶：", "[置顶] "])
def test_pinned_marker_is_not_part_of_the_title(marked):
    html = (f'<ul class="list"><li class="top"><a href="a.html">{marked}政府信息公开指南</a><span>2019-03-01</span></li>'
            '<li><a href="b.html">区商务局召开座谈会</a><span>2024-12-01</span></li></ul>')
    rows = find_rows(soup_of(html), BASE, context_year=2025)
    assert [r.title for r in rows] == ["政府信息公开指南", "区商务局召开座谈会"]
    assert rows[0].date.year == 2019
