"""Column pages with more than one list, and columns paged only by JavaScript (fixtures written by
tests/fixtures/sites/make_layout_variants.py, each naming where its shape was seen), crawled end to
end on loopback and probed: the column a person reads is the one crawled — never the 热点推荐 /
阅读排行 / 相关链接 box beside it — and a column that shows more pages than can be reached fails
the pass saying how to reach them, instead of an "ok" with the first page only."""
import re

import pytest
from _static_server import NOW, StaticServer, cases, check_items, check_walk, crawl, spec_of

from collectors import REGISTRY, CollectState, ConfigError, probe
from collectors._listing import find_next
from collectors._pages import soup_of
from _collectors_support import SITES

FAMILY = "layout_variants"
CASES = cases(FAMILY)


def test_the_matrix_has_its_cases():
    assert {"sidebar-hot-more-rows", "sidebar-unclassed-ranking", "related-links-box", "column-named-hot",
            "ambiguous-two-lists", "js-pager-own-function", "js-pager-family-naming", "js-pager-unreachable",
            "js-pager-derived-missing"} <= set(CASES)


@pytest.mark.parametrize("preset", ["named", "auto"])
@pytest.mark.parametrize("case", CASES)
def test_layout_column_is_read_as_a_person_reads_it(http, case, preset):
    spec = spec_of(FAMILY, case)
    result = crawl(http, FAMILY, case, spec["preset"] if preset == "named" else "auto")
    check_items(result)
    check_walk(result, spec)


@pytest.mark.parametrize("case", CASES)
def test_probe_says_what_the_crawl_would_do(http, case):
    spec = spec_of(FAMILY, case)
    with StaticServer(SITES / FAMILY / case) as srv:
        result = probe(srv.base + spec["url"], http, now=NOW)
    said = "\n".join([result.problem, *result.evidence])
    assert result.ok == spec["probe"]["ok"], said
    assert re.search(spec["probe"]["match"], said), said
    if result.ok:
        want = {srv.base + e["path"] for e in spec["items"]}
        assert {r.url for r in result.rows} <= want, "probe shows rows that are not the column's"


def test_a_guess_between_two_alike_lists_is_a_warning_of_the_pass(http):
    result = crawl(http, FAMILY, "ambiguous-two-lists")
    assert result.state.memo["warning"].startswith("page 1: ambiguous: two lists look alike")
    assert "warning" not in crawl(http, FAMILY, "sidebar-hot-more-rows").state.memo


def test_page_url_reads_a_javascript_only_column_whole(http):
    spec = spec_of(FAMILY, "js-pager-unreachable")
    with StaticServer(SITES / FAMILY / "js-pager-unreachable") as srv:
        source = REGISTRY["website"]({"url": srv.base + spec["url"],
                                      "page_url": spec["with_page_url"]["page_url"]}, http)
        items = list(source.collect(CollectState(now=NOW)))
        listed = [p for _, p in srv.requests if "/t2024" not in p and p != "/robots.txt"]
    assert len({i.key for i in items}) == len(items) == spec["with_page_url"]["count"]
    assert listed == spec["with_page_url"]["list_requests"]


def test_max_pages_accepts_a_javascript_only_column_knowingly(http):
    spec = spec_of(FAMILY, "js-pager-unreachable")
    with StaticServer(SITES / FAMILY / "js-pager-unreachable") as srv:
        source = REGISTRY["website"]({"url": srv.base + spec["url"], "max_pages": 1}, http)
        state = CollectState(now=NOW)
        items = list(source.collect(state))
    assert len(items) == 10 and state.memo["warning"].startswith("stopped at the page cap")


@pytest.mark.parametrize("bad", ["list_2.html", "list_{page}.html"])
def test_page_url_without_a_page_number_is_a_config_error(bad):
    with pytest.raises(ConfigError, match=r"page_url' must hold \{n\}"):
        REGISTRY["website"].validate({"url": "http://www.example.gov.cn/news/list.html", "page_url": bad})


# -- a pager function the page defines: its address read from the definition, never run --

PAGER_FUNCTIONS = [
    ('function goPage(n){ location.href="list_"+n+".html"; }', 'onclick="goPage(2)"', "list_2.html"),
    ("function turn(p) { window.location.href = 'index_' + (p-1) + '.shtml'; }", 'onclick="turn(2)"',
     "index_1.shtml"),
    ('var toPage = function (page) { window.location = "?page=" + page; };', 'href="javascript:toPage(2)"',
     "list.html?page=2"),
    ('function goPage(n){ var u = base + n; location.href = u; }', 'onclick="goPage(2)"', None),
    ("", 'onclick="goPage(2)"', None),
]


@pytest.mark.parametrize("script,call,nxt", PAGER_FUNCTIONS, ids=[c[0][:30] or "no definition" for c in PAGER_FUNCTIONS])
def test_next_page_from_the_pages_own_pager_function(script, call, nxt):
    base = "http://www.example.gov.cn/col/"
    anchor = call if call.startswith("href") else 'href="javascript:void(0)" ' + call
    html = (f'<html><head><script>{script}</script></head><body><ul class="list"><li><a href="a.html">标题'
            f'</a><span>2024-01-01</span></li></ul><div class="page">共2页 <a {anchor}>下一页</a></div>'
            "</body></html>")
    pager = find_next(soup_of(html), base + "list.html", html)
    assert pager.next_url == (base + nxt if nxt else None)
    assert bool(pager.unreachable) == (nxt is None)
