"""Year-less list dates ("[03-20]", "01-20") take the year a person reads on the page — a "2025年"
heading above the rows, a "日期（2025年）" column header, the selected year of a 归档 selector, the
column address's /2025/ — never the crawl's year when the page shows one (outside test, variants
C2 and G2: every item dated a year late, 2026-03-20 for 2025-03-20). With no year anywhere the
crawl's year is kept as a guess and the item is a year conflict naming both years, so both years'
counts and checks show it. The probe shows the dates the crawl stores. Cases and expected dates
are in tests/fixtures/sites/yearless/expect.json."""
import json
from datetime import datetime

import pytest
from _sites_server import SITES, SiteServer

from collectors import BEIJING, REGISTRY, CollectState, beijing_date, canonical_url, probe

ROOT = SITES / "yearless"
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=BEIJING)   # the outside test's crawl day
COLUMNS = ["/c/index.html", "/g/index.html", "/s/index.html", "/t/index.html", "/y/2025/index.html",
           "/n/index.html"]


def _expected(srv):
    items = json.loads((ROOT / "expect.json").read_text("utf-8"))["items"]
    return {canonical_url(srv.base + e["path"]): e for e in items}


@pytest.mark.parametrize("column", COLUMNS)
def test_a_yearless_list_date_takes_the_year_shown_on_the_page(column, http):
    with SiteServer(ROOT) as srv:
        source = REGISTRY["website"]({"url": srv.base + column}, http)
        items = list(source.collect(CollectState(now=NOW)))
        want = _expected(srv)
    prefix = column.split("/")[1]
    mine = {k: e for k, e in want.items() if e["path"].startswith(f"/{prefix}/")}
    assert sorted(i.key for i in items) == sorted(mine)
    for item in items:
        e = mine[item.key]
        assert str(beijing_date(item.published_at)) == e["date"], item.key
        conflict = item.extra.get("date_conflict")
        if "conflict_years" in e:
            assert conflict and conflict["years"] == e["conflict_years"], item.key
            assert "日期冲突" in item.extra["date_review"]
        else:
            assert conflict is None and "date_review" not in item.extra, item.key


@pytest.mark.parametrize("column", COLUMNS)
def test_the_probe_shows_the_dates_the_crawl_stores(column, http):
    with SiteServer(ROOT) as srv:
        result = probe(srv.base + column, http, now=NOW)
        want = _expected(srv)
    assert result.rows
    for row in result.rows:
        assert str(beijing_date(row.date)) == want[canonical_url(row.url)]["date"], row.url
