"""Every Hanweb JCMS variant of collectors/README.md's table (fixtures written by
tests/fixtures/sites/make_hanweb_variants.py) crawled end to end on loopback, by ``preset =
"hanweb"`` and by ``auto``: exactly the column's records with their Beijing dates, or a failure that
says what was read and what was promised."""
import json
from datetime import datetime

import pytest
from _hanweb_server import HanwebServer
from _sites_server import SITES

from collectors import BEIJING, REGISTRY, CollectState, SourceError, beijing_date, canonical_url

ROOT = SITES / "hanweb_variants"
NOW = datetime(2025, 12, 20, 10, 0, tzinfo=BEIJING)
COMPLETE = ["var-param", "jpageform", "proxy-page-get", "proxy-window-get", "morecolumn", "no-total",
            "uid-pagenum", "unreadable-then-links"]


def _expect(case):
    return json.loads((ROOT / case / "expect.json").read_text("utf-8"))


class _Case:
    """Serve one case folder at the root, as a site would."""

    def __init__(self, case):
        self.srv = HanwebServer(ROOT / case).start()

    def __enter__(self):
        return self.srv

    def __exit__(self, *exc):
        self.srv.stop()


def _run(http, case, preset, state=None):
    spec = _expect(case)
    with _Case(case) as srv:
        source = REGISTRY["website"]({"url": srv.base + spec["url"], "preset": preset}, http)
        state = state or CollectState(now=NOW)
        items = []
        error = None
        try:
            for item in source.collect(state):
                items.append(item)
        except SourceError as exc:
            error = exc
        want = {canonical_url(srv.base + e["path"]): e for e in spec["items"]}
        return items, want, error, srv, state


@pytest.mark.parametrize("preset", ["hanweb", "auto"])
@pytest.mark.parametrize("case", COMPLETE)
def test_each_variant_reads_the_whole_column_with_its_dates(http, case, preset):
    items, want, error, _, _ = _run(http, case, preset)
    assert error is None, str(error)
    got = {i.key: i for i in items}
    assert len(got) == len(items)                         # nothing yielded twice
    assert sorted(got) == sorted(want)
    for key, item in got.items():
        assert beijing_date(item.published_at).isoformat() == want[key]["date"], key
        assert item.title == want[key]["title"]


def test_ajaxparam_variable_is_resolved_and_the_search_decoy_ignored(http):
    items, want, error, srv, state = _run(http, "var-param", "auto")
    posts = [p for m, p in srv.requests if m == "POST"]
    # 47 records: 30 inline, then one group of 17 (totalRecord 47, not the decoy 1000)
    assert posts == ["/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=47&perpage=10"]
    assert state.memo["detected"] == "hanweb"


def test_jpageform_inputs_become_the_post_form(http):
    items, want, error, srv, _ = _run(http, "jpageform", "hanweb")
    assert error is None and len(items) == 116
    assert sum(m == "POST" for m, _ in srv.requests) == 3     # 31-60, 61-90, 91-116


def test_dataproxy_url_as_source_pages_by_get_to_totalpage(http):
    items, want, error, srv, state = _run(http, "proxy-page-get", "auto")
    assert error is None and len(items) == 116                # 100 + 16: not 100 and "next: none"
    pages = [p for m, p in srv.requests if "dataproxy" in p]
    assert [m for m, p in srv.requests if "dataproxy" in p] == ["GET", "GET"]
    assert "page=2" in pages[1] and "columnid=403" in pages[1]
    assert "totalpage" in state.memo["stop_reason"]


def test_unresolvable_pager_fails_instead_of_stopping_at_the_inline_records(http):
    items, want, error, _, _ = _run(http, "unresolvable", "hanweb")
    assert error is not None
    assert "90" in str(error) and "30" in str(error)        # what was promised, what was read
    assert "Traceback" not in str(error)


def test_server_running_dry_before_the_stated_total_is_a_truncated_column(http):
    items, want, error, _, _ = _run(http, "total-in-tag", "hanweb")
    assert error is not None and getattr(error, "health", "") == "truncated"
    assert len(items) == 70


def test_unreadable_pager_falls_back_to_the_pages_own_links(http):
    items, want, error, srv, state = _run(http, "unreadable-then-links", "hanweb")
    assert error is None and len(items) == 75
    assert not any(m == "POST" for m, _ in srv.requests)           # no guessed dataproxy form
    assert any("pageNum=3" in p for _, p in srv.requests)
