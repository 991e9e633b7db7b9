"""A column beside boxes that share its markup (tests/fixtures/sites/sidebar_markup, written by its
make.py): the crawl reads the column a person reads and only it; probe picks the same list by the
same code, and the selectors it prints read exactly the rows it verified."""
import re

import pytest
from _static_server import NOW, StaticServer, cases, check_items, crawl, spec_of

from collectors import REGISTRY, CollectState, probe
from _collectors_support import SITES

FAMILY = "sidebar_markup"
CASES = [c for c in cases(FAMILY) if not spec_of(FAMILY, c).get("ambiguous")]


def test_the_cases_are_there():
    assert {"newest-box-before", "newest-box-after", "related-box-after", "nav-and-ranking",
            "xinxiang-div-rows"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_crawl_reads_the_column_only(http, case):
    spec = spec_of(FAMILY, case)
    result = crawl(http, FAMILY, case, "auto")
    assert result.error is None, str(result.error)
    check_items(result)
    assert result.list_requests == spec["list_requests"], "a box's rows were fetched as items"


@pytest.mark.parametrize("case", CASES)
def test_probe_shows_the_column_only(http, case):
    spec = spec_of(FAMILY, case)
    with StaticServer(SITES / FAMILY / case) as srv:
        result = probe(srv.base + spec["url"], http, now=NOW)
    assert result.ok, result.problem
    page1 = {srv.base + e["path"]: e["title"] for e in spec["items"]}
    assert {r.url: r.title for r in result.rows} == {u: t for u, t in page1.items()
                                                     if u in {r.url for r in result.rows}}
    assert len(result.rows) >= 5 and {r.url for r in result.rows} <= set(page1)


@pytest.mark.parametrize("case", CASES)
def test_the_printed_selectors_read_what_probe_verified(http, case):
    spec = spec_of(FAMILY, case)
    with StaticServer(SITES / FAMILY / case) as srv:
        result = probe(srv.base + spec["url"], http, now=NOW)
        snippet = result.snippet()
        opts = dict(re.findall(r'^(\w+) = "([^"]*)"', snippet, re.M))
        assert opts.get("preset") in {"selectors", "auto", "list"}, snippet
        opts.pop("id"), opts.pop("type"), opts.pop("channel"), opts.pop("attribution"), opts.pop("interval")
        items = list(REGISTRY["website"](opts, http).collect(CollectState(now=NOW)))
    assert sorted(i.url for i in items) == sorted(srv.base + e["path"] for e in spec["items"]), snippet


def test_two_alike_boxes_are_a_warning_and_probe_verifies_neither(http):
    spec = spec_of(FAMILY, "two-alike-boxes")
    with StaticServer(SITES / FAMILY / "two-alike-boxes") as srv:
        state = CollectState(now=NOW)
        items = list(REGISTRY["website"]({"url": srv.base + spec["url"]}, http).collect(state))
        result = probe(srv.base + spec["url"], http, now=NOW)
    assert state.memo.get("warning", "").startswith("page 1: ambiguous: two lists look alike"), state.memo
    assert len(items) == 6, "one box is read, not both merged"
    assert not result.ok and "ambiguous" in result.problem, result.problem
