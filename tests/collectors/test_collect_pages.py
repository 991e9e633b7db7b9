"""Fixture-per-case: every tests/fixtures/sites/list/*.html and detail/*.html states its Expect."""
from datetime import datetime

import pytest
from _collectors_support import SITES, expect_of

from collectors import BEIJING, decode_html
from collectors._detail import parse_detail
from collectors._listing import find_next, find_rows
from collectors._pages import soup_of

BASE = "http://www.example.gov.cn/col/"
LIST_CASES = sorted((SITES / "list").glob("*.html"))
DETAIL_CASES = sorted((SITES / "detail").glob("*.html"))


def _day(dt: datetime | None) -> str | None:
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d") if dt else None


@pytest.mark.parametrize("path", LIST_CASES, ids=lambda p: p.name)
def test_list_fixture(path):
    expect = expect_of(path)
    text, _ = decode_html(path.read_bytes(), "text/html")
    soup = soup_of(text)
    rows = find_rows(soup, BASE + "index.html", context_year=2024)
    assert len(rows) == expect["count"], [r.title for r in rows]
    assert rows[0].title == expect["first_title"]
    assert _day(rows[0].date) == expect["first_date"]
    if "first_url" in expect:
        assert rows[0].url == (expect["first_url"] if "://" in expect["first_url"] else BASE + expect["first_url"])
    if "second_title" in expect:
        assert rows[1].title == expect["second_title"]
    if "second_date" in expect:
        assert _day(rows[1].date) == expect["second_date"]
    if "next" in expect:
        pager = find_next(soup, BASE + "index.html", text)
        assert pager.next_url == BASE + expect["next"]
        if "total_pages" in expect:
            assert pager.total_pages == expect["total_pages"]


def test_list_fixtures_exist():
    assert len(LIST_CASES) >= 5 and len(DETAIL_CASES) >= 4


@pytest.mark.parametrize("path", DETAIL_CASES, ids=lambda p: p.name)
def test_detail_fixture(path):
    expect = expect_of(path)
    text, _ = decode_html(path.read_bytes(), "text/html")
    d = parse_detail(soup_of(text), BASE + "page.html")
    assert d.title == expect["title"]
    assert d.published is not None
    assert d.published.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == expect["date"]
    assert d.date_source == expect["date_source"]
    assert d.byline == expect["byline"]
    assert expect["body_contains"] in d.body
    if "body_excludes" in expect:
        assert expect["body_excludes"] not in d.body
    for name, value in expect.get("fields", {}).items():
        assert d.fields.get(name) == value, (name, d.fields)
    if "attachments" in expect:
        assert [a["name"] for a in d.attachments] == expect["attachments"]
    if "generated" in expect:
        assert d.generated is not None
        assert d.generated.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == expect["generated"]
    if "candidates" in expect:
        assert [c.source for c in d.date_candidates] == expect["candidates"]


def test_next_page_from_index_sibling_and_last_page():
    html = '<ul><li><a href="a.html">x</a> 2024-01-01</li></ul><a href="index_2.html">2</a><a href="index_1.html">1</a>'
    soup = soup_of(html)
    assert find_next(soup, BASE + "index.html", html).next_url == BASE + "index_1.html"
    last = 'createPageHTML(3, 2, "index", "shtml");'
    assert find_next(soup_of(last), BASE + "index_2.shtml", last).next_url is None
    mid = 'createPageHTML(3, 1, "index", "shtml");'
    assert find_next(soup_of(mid), BASE + "index_1.shtml", mid).next_url == BASE + "index_2.shtml"
    count = "var countPage = 4; var currentPage = 0;"
    assert find_next(soup_of(count), BASE + "index.html", count).next_url == BASE + "index_1.html"
