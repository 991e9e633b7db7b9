"""Columns reached only through a pager script (tests/fixtures/sites/js_pagers, written by its
make_js_pagers.py in the shapes an outside tester's pages showed): numbered ``goPage(n)`` links
are next pages, a ``page_url`` is honoured on every page, a pass that reads fewer pages than the
column states fails, the page's own script is read (never run) in its conditional forms, and the
page_url advice is the pattern whose page 2 answers with a list."""
import pytest
from _static_server import NOW, StaticServer

from collectors import REGISTRY, CollectState, SourceError, probe
from collectors._links import js_value, own_function_url
from _collectors_support import SITES

ROOT = SITES / "js_pagers"


def walk(http, case: str, url: str, **opts):
    with StaticServer(ROOT / case) as srv:
        source = REGISTRY["website"]({"url": srv.base + url, **opts}, http)
        state = CollectState(now=NOW)
        items, error = [], None
        try:
            items.extend(source.collect(state))
        except SourceError as exc:
            error = exc
        listed = [p for _m, p in srv.requests if "/art_" not in p and p != "/robots.txt"]
    return items, error, listed, state


@pytest.mark.parametrize("case", ["numbered-stated", "numbered-unstated"])
def test_numbered_gopage_links_are_next_pages(http, case):
    items, error, listed, state = walk(http, case, "/d/tzgg/list.html")
    assert error is None, str(error)
    assert len({i.key for i in items}) == len(items) == 14
    assert listed == ["/d/tzgg/list.html", "/d/tzgg/list_2.html", "/d/tzgg/list_3.html"]
    assert state.memo["stop_reason"].startswith("last page")


def test_page_url_is_honoured_on_every_page_of_a_numbered_pager(http):
    items, error, listed, _state = walk(http, "numbered-stated-other-naming", "/d/tzgg/column.html",
                                        page_url="column_{n}.html")
    assert error is None, str(error)
    assert len(items) == 14
    assert listed == ["/d/tzgg/column.html", "/d/tzgg/column_2.html", "/d/tzgg/column_3.html"]


def test_fewer_pages_than_the_column_states_is_a_failure_not_ok(http):
    # no page_url and no naming to go by: page 1 of 共3页 read, the pass fails saying so
    items, error, _listed, _state = walk(http, "numbered-stated-other-naming", "/d/tzgg/column.html")
    assert error is not None and error.health == "truncated", error
    assert "column_{n}.html\" (checked" in str(error), str(error)
    assert len(items) == 5


def test_a_stated_total_past_the_last_link_fails_the_pass(http, tmp_path):
    # page 2 states 共3页 but page 3 is gone: never "ok" with 10 of 14 rows
    import shutil
    shutil.copytree(ROOT / "numbered-stated", tmp_path / "site")
    (tmp_path / "site/d/tzgg/list_3.html").unlink()
    with StaticServer(tmp_path / "site") as srv:
        source = REGISTRY["website"]({"url": srv.base + "/d/tzgg/list.html"}, http)
        with pytest.raises(SourceError, match=r"list_3\.html.*HTTP 404|states 3 pages") as caught:
            list(source.collect(CollectState(now=NOW)))
    assert caught.value.health == "truncated"


def test_the_pages_own_conditional_script_is_read(http):
    items, error, listed, _state = walk(http, "script-conditional", "/c/gzdt/index.html")
    assert error is None, str(error)
    assert len(items) == 20
    assert listed == ["/c/gzdt/index.html", "/c/gzdt/index_2.html", "/c/gzdt/index_3.html"]


def test_page_url_advice_is_the_pattern_whose_page_2_answers(http):
    items, error, _listed, _state = walk(http, "script-external", "/c/gzdt/index.html")
    assert error is not None and error.health == "truncated"
    assert 'page_url = "index_{n}.html" (checked: page 2' in str(error), str(error)
    assert len(items) == 8


def test_a_failed_page_url_is_not_advised_again(http):
    _items, error, _listed, _state = walk(http, "script-external", "/c/gzdt/index.html", page_url="index_{n-1}.html")
    assert error is not None and 'page_url = "index_{n}.html" (checked' in str(error), str(error)
    items, error, _listed, _state = walk(http, "script-external", "/c/gzdt/index.html", page_url="index_{n}.html")
    assert error is None and len(items) == 20


def test_probe_advises_the_checked_pattern(http):
    with StaticServer(ROOT / "script-external") as srv:
        result = probe(srv.base + "/c/gzdt/index.html", http, now=NOW)
    said = "\n".join([result.problem, *result.evidence])
    assert not result.ok
    assert 'page_url = "index_{n}.html" (checked' in said and "index_{n-1}" not in said, said


@pytest.mark.parametrize("expr, n, want", [
    ('n==1 ? "index.html" : "index_"+n+".html"', 1, "index.html"),
    ('n==1 ? "index.html" : "index_"+n+".html"', 3, "index_3.html"),
    ('base+(n>1?"_"+n:"")+".html"', 2, "list_2.html"),
    ('base+(n>1?"_"+n:"")+".html"', 1, "list.html"),
    ('"index_"+(n-1)+".shtml"', 2, "index_1.shtml"),
    ('"list_"+n+1+".html"', 2, "list_21.html"),     # JavaScript joins left to right
    ("(n === 1) ? 'a.htm' : 'a_' + n + '.htm'", 4, "a_4.htm"),
])
def test_js_value_reads_pager_expressions(expr, n, want):
    assert js_value(expr, {"n": n, "base": "list"}) == want


@pytest.mark.parametrize("expr", ['getUrl(n)', '"a"+n*2', 'unknown+n', 'n ? "a" :', '"a" + n; alert(1)'])
def test_js_value_refuses_what_it_cannot_read(expr):
    with pytest.raises(ValueError):
        js_value(expr, {"n": 2})


def test_own_function_url_needs_an_address_that_follows_the_number():
    fixed = '<script>function goPage(n){ location.href = "search.html"; }</script>'
    assert own_function_url(fixed, "goPage", 2, "http://h/c/index.html") is None
    built = ('<script>var pageBase = "list"; function goPage(n){ location.href = pageBase+(n>1?"_"+n:"")'
             '+".html" }</script>')
    assert own_function_url(built, "goPage", 2, "http://h/d/list.html") == "http://h/d/list_2.html"
