"""Every TRS WCM variant of the static-list matrix (fixtures written by
tests/fixtures/sites/make_static_variants.py, each naming the real sample of its shape) crawled end
to end on loopback, by ``preset = "trs"`` and by ``auto``: exactly the column's items with their
Beijing dates, the list pages in order, and how the walk ends. Then the pager calls one by one."""
import pytest
from _static_server import cases, check_items, check_walk, crawl, spec_of

from collectors._listing import find_next
from collectors._pages import soup_of

FAMILY = "trs_variants"
CASES = cases(FAMILY)
BASE = "http://www.example.gov.cn/col/"


def test_the_matrix_has_its_cases():
    assert {"cph2-htm", "cph3-records-first", "cph4-shtml", "cph6-container", "createpage-cq",
            "countpage-docwrite", "call-vars-shtml", "xxgk-table-th", "xxgk-table-tdhead", "comma-total",
            "records-per-page"} <= set(CASES)


@pytest.mark.parametrize("preset", ["named", "auto"])
@pytest.mark.parametrize("case", CASES)
def test_variant_column_is_read_whole_with_its_dates(http, case, preset):
    spec = spec_of(FAMILY, case)
    result = crawl(http, FAMILY, case, spec["preset"] if preset == "named" else "auto")
    check_items(result)
    check_walk(result, spec)
    if preset == "auto":
        assert result.state.memo["detected"] == spec["preset"]


def test_xxgk_table_takes_the_publication_date_across_the_year_boundary(http):
    # 成文日期 2024-12-30 sits before 发布日期 2025-01-06 in the row: the item belongs to 2025.
    result = crawl(http, FAMILY, "xxgk-table-th")
    first = result.items[0]
    assert first.date_raw == "2025-01-06" and first.published_at.year == 2025


def test_comma_total_promises_the_pages_it_states(http):
    result = crawl(http, FAMILY, "comma-total", "list")
    assert len(result.items) == 8 and result.error.health == "truncated"
    assert "page 2/1227" in result.progress[1]


# -- pager calls, one form per case: (script, page URL, next page, page count) --

PAGER_CALLS = [
    ('createPageHTML(20, 0, "index", "html");', "index.html", "index_1.html", 20),
    ('createPageHTML(20, 19, "index", "html");', "index_19.html", None, 20),
    ("createPageHTML(5, 2);", "index_2.htm", "index_3.htm", 5),
    ('createPageHTML(5, 0, "list");', "list.shtml", "list_1.shtml", 5),
    ("createPageHTML(95, 7, 0);", "index.html", "index_1.html", 7),
    ('createPageHTML(95, 7, 6, "index", "html");', "index_6.html", None, 7),
    ("createPageHTML('page_div',10, 1,'xlist','shtml',189);", "xlist.shtml", "xlist_2.shtml", 10),
    ("createPageHTML('page_div', 5, 5, 'fg', 'shtml', 89);", "fg_5.shtml", None, 5),
    ('createPageHTML("pages", 3, 2, "common_list", "shtml", 30);', "common_list_2.shtml", "common_list_3.shtml", 3),
    ('createPage(7, 1, "index", "html");', "index_1.html", "index_2.html", 7),
    ("var countPage = 4//共多少页\nvar currentPage = 0;", "index.html", "index_1.html", 4),
    ("var countPage = 4;\nvar nCurrIndex = 2;", "", "index_3.html", 4),
    ("function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ var nCurrIndex = _nCurrIndex || 0; }\n"
     'var countPage = 3; var nCurrIndex = 1; createPageHTML(countPage, nCurrIndex, "index", "shtml");',
     "", "index_2.shtml", 3),
    ('var n = "index"; createPageHTML(6, 0, n, "htm");', "", "index_1.htm", 6),
    ('var countPage = 3//共多少页\nvar currentPage = 1;//所在页从0开始\nvar nextPage = currentPage+1//下一页\n'
     'createPageHTML(countPage, currentPage, "index", "shtml");', "", "index_2.shtml", 3),
    ('createPageHTML(1, 0, "index", "html");', "index.html", None, 1),
    ('createPageHTML(0, 0, "index", "html");', "index.html", None, 0),
]


@pytest.mark.parametrize("script,page,nxt,count", PAGER_CALLS, ids=[c[0][:40] for c in PAGER_CALLS])
def test_pager_call_forms(script, page, nxt, count):
    html = f"<html><body><ul><li><a href='a.html'>x</a> 2024-01-01</li></ul><script>{script}</script></body></html>"
    pager = find_next(soup_of(html), BASE + page, html)
    assert pager.next_url == (BASE + nxt if nxt else None)
    assert pager.total_pages == count and pager.stated


STATED_TOTALS = [
    ("<span>共24,539条</span> <span>共1,227页</span>", 1227),
    ("共 39 页", 39),
    ("第1/20页", 20),
    ("页次：1/12", 12),
    ("共768条 每页20条", 39),
    ("共768条", None),          # records alone are not pages
    ("本页共20条信息", None),
]


@pytest.mark.parametrize("text,total", STATED_TOTALS, ids=[t for t, _ in STATED_TOTALS])
def test_stated_totals(text, total):
    html = f'<html><body><div class="page">{text} <a href="index_1.html">下一页</a></div></body></html>'
    pager = find_next(soup_of(html), BASE + "index.html", html)
    assert pager.next_url == BASE + "index_1.html" and pager.total_pages == total
    assert pager.stated is (total is not None and total > 1)
