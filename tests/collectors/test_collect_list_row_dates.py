"""List-row dates an outside tester found dropped or wrong (trial 6, defects 3, 4 and 7).

- A row whose date cell is empty, or a pinned row with none, is the column's all the same: kept,
  dated by its own page when that page says, else stored undated for a person to settle — never
  dropped (it was: "3 rows, 3 with a date … ok" on a list of 4).
- Two-digit years (25-01-07, [26/01/02], 25.12.8) read as 20YY-MM-DD when the column's rows read
  consistently so; a column where they do not (07-01-25 beside 2025 rows) keeps them undated.
  A year-less 12-31 is never YY-MM.
- A row that labels its dates is dated by its publication date (发布日期/发布时间/公开日期), not
  成文/印发/生效; two unlabelled dates a year apart are a date conflict, not a guess.

Cases and expected dates are in tests/fixtures/sites/listdates/expect.json (date null: undated).
"""
import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from _sites_server import SITES, SiteServer

from collectors import BEIJING, REGISTRY, CollectState, beijing_date, canonical_url, probe
from collectors._dates import parse_short_year
from collectors._listing import find_rows

ROOT = SITES / "listdates"
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=BEIJING)   # the outside test's crawl day
COLUMNS = ["nodate", "pinned", "yy", "yyonly", "yybad", "labels", "twodates"]


def _expected(srv, column):
    items = json.loads((ROOT / "expect.json").read_text("utf-8"))["items"]
    return {canonical_url(srv.base + e["path"]): e for e in items
            if e["path"].startswith(f"/{column}/")}


@pytest.mark.parametrize("column", COLUMNS)
def test_every_row_is_kept_and_dated_as_a_person_reads_it(column, http):
    with SiteServer(ROOT) as srv:
        source = REGISTRY["website"]({"url": f"{srv.base}/{column}/index.html"}, http)
        items = list(source.collect(CollectState(now=NOW)))
        want = _expected(srv, column)
    assert sorted(i.key for i in items) == sorted(want)
    for item in items:
        e = want[item.key]
        got = str(beijing_date(item.published_at)) if item.published_at else None
        assert got == e["date"], item.key
        conflict = item.extra.get("date_conflict")
        if "conflict_years" in e:
            assert conflict and conflict["years"] == e["conflict_years"], item.key
            assert "日期冲突" in item.extra["date_review"]
        else:
            assert conflict is None, item.key


@pytest.mark.parametrize("column, note", [
    ("nodate", "1 row without a date on the list, dated by its own page"),
    ("pinned", "1 row without a date on the list, left undated for review"),
    ("yybad", "2 rows without a date on the list, 1 left undated for review"),
    ("labels", ""),
])
def test_the_crawl_line_counts_the_rows_without_a_date(column, note, http):
    state = CollectState(now=NOW)
    with SiteServer(ROOT) as srv:
        list(REGISTRY["website"]({"url": f"{srv.base}/{column}/index.html"}, http).collect(state))
        # the pipeline takes this pass's warning out of the memo it keeps
        kept = {k: v for k, v in state.memo.items() if k != "warning"}
        again = CollectState(now=NOW, is_known=lambda key: True, memo=kept)
        list(REGISTRY["website"]({"url": f"{srv.base}/{column}/index.html"}, http).collect(again))
    warning = state.memo.get("warning", "")
    assert note in warning if note else "without a date" not in warning
    # said once, for the pass that stored them: a later pass has nothing new to say
    assert "without a date" not in again.memo.get("warning", "")


@pytest.mark.parametrize("column", COLUMNS)
def test_the_probe_lists_every_row_and_counts_those_without_a_date(column, http):
    with SiteServer(ROOT) as srv:
        result = probe(f"{srv.base}/{column}/index.html", http, now=NOW)
        want = _expected(srv, column)
    assert result.ok, result.problem
    assert sorted(canonical_url(r.url) for r in result.rows) == sorted(want)
    undated = [r for r in result.rows if r.date is None]
    said = [e for e in result.evidence if "without a date" in e]
    if undated:
        assert said and said[0].startswith(f"page 1: {len(undated)} of {len(want)} rows without a date")
    else:
        assert not said
    for row in result.rows:
        if row.date is not None:   # here no page says another day than its row
            assert str(beijing_date(row.date)) == want[canonical_url(row.url)]["date"], row.url


def _rows(html: str, context_year: int = 2026):
    return find_rows(BeautifulSoup(html, "lxml"), "http://127.0.0.1/c/index.html",
                     context_year=context_year)


def test_a_menu_of_plain_links_never_joins_the_column():
    html = ("<div class=m><ul><li><a href='/a/'>政务公开</a></li><li><a href='/b/'>互动交流</a></li>"
            "<li><a href='/c/'>办事服务</a></li></ul></div><div class=n><ul>"
            "<li><a href='/1.html'>区商务局召开会议一</a><span>2025-03-02</span></li>"
            "<li><a href='/2.html'>区商务局召开会议二</a><span></span></li>"
            "<li><a href='/3.html'>区商务局召开会议三</a><span>2025-02-20</span></li></ul></div>")
    assert [r.url.rsplit("/", 1)[1] for r in _rows(html)] == ["1.html", "2.html", "3.html"]


def test_mostly_undated_links_beside_a_dated_one_are_not_the_column():
    html = ("<ul><li><a href='/1.html'>区商务局召开会议一</a><span>2025-03-02</span></li>"
            "<li><a href='/a/'>政务公开</a></li><li><a href='/b/'>互动交流</a></li></ul>")
    assert [r.url.rsplit("/", 1)[1] for r in _rows(html)] == ["1.html"]


@pytest.mark.parametrize("text, expected", [
    ("25-01-07", "2025-01-07"), ("25/1/7", "2025-01-07"), ("25.01.07", "2025-01-07"),
    ("[25-01-07]", "2025-01-07"), ("（25-01-07）", "2025-01-07"), ("２５－０１－０７", "2025-01-07"),
    ("25-13-07", None), ("25-02-30", None), ("12-31", None), ("2025-01-07", None), ("25-01-07-1", None),
    ("125-01-07", None), ("25-01/07", None),
])
def test_two_digit_year_cells(text, expected):
    got = parse_short_year(text)
    assert (str(got.date()) if got else None) == expected


@pytest.mark.parametrize("cell, expected", [
    ("12-31", "2025-12-31"),          # year-less under the 2025年 heading: MM-DD, never YY-MM
    ("25-12-31", "2025-12-31"),
    ("25/12/31", "2025-12-31"),
])
def test_two_digit_year_and_year_less_cells_under_a_year_heading(cell, expected):
    html = (f"<h3>2025年</h3><ul><li><a href='/1.html'>区商务局召开会议一</a><span>{cell}</span></li>"
            "<li><a href='/2.html'>区商务局召开会议二</a><span>2025-12-20</span></li></ul>")
    rows = _rows(html)
    assert str(rows[0].date.date()) == expected


def test_a_two_digit_year_in_the_future_is_not_read():
    html = ("<ul><li><a href='/1.html'>区商务局召开会议一</a><span>27-01-07</span></li>"
            "<li><a href='/2.html'>区商务局召开会议二</a><span>26-01-06</span></li>"
            "<li><a href='/3.html'>区商务局召开会议三</a><span>26-01-05</span></li></ul>")
    rows = _rows(html, context_year=2026)
    assert [r.date for r in rows] == [None, None, None]
    assert [r.date_text for r in rows] == ["27-01-07", "26-01-06", "26-01-05"]


@pytest.mark.parametrize("cells, expected, also", [
    ("<span>成文日期：2025-12-28</span><span>发布日期：2026-01-04</span>", "2026-01-04", []),
    ("<span>发布日期：2026-01-04</span><span>成文日期：2025-12-28</span>", "2026-01-04", []),
    ("<span>[印发日期]2025-12-30</span><span>[发布时间]2026-01-02 10:00</span>", "2026-01-02", []),
    ("<em>公开日期</em><em>2025-12-29</em><em>生效日期</em><em>2026-02-01</em>", "2025-12-29", []),
    ("<span>成文日期：2025-12-31</span><span>2026-01-03</span>", "2026-01-03", []),
    ("<span>实施日期：2026-03-01</span>", None, []),
    ("<span>2025-12-28</span><span>2026-01-04</span>", "2025-12-28", ["2026-01-04"]),
    ("<span>2025-12-20</span><span>2025-12-22</span>", "2025-12-20", []),
])
def test_a_row_labelling_its_dates_is_dated_by_its_publication_date(cells, expected, also):
    html = (f"<ul><li><a href='/1.html'>卫滨区商务局关于印发工作方案的通知</a>{cells}</li>"
            "<li><a href='/2.html'>区商务局召开会议二</a><span>2025-12-20</span></li>"
            "<li><a href='/3.html'>区商务局召开会议三</a><span>2025-12-18</span></li></ul>")
    row = _rows(html)[0]
    assert (str(row.date.date()) if row.date else None) == expected
    assert [text for text, _ in row.also] == also


def test_a_table_and_a_row_labelling_the_same_dates_agree():
    table = ("<table><tr><th>标题</th><th>成文日期</th><th>发布日期</th></tr>"
             "<tr><td><a href='/1.html'>卫滨区商务局关于印发工作方案的通知</a></td><td>2025-12-28</td>"
             "<td>2026-01-04</td></tr><tr><td><a href='/2.html'>区商务局通知二</a></td>"
             "<td>2025-12-18</td><td>2025-12-20</td></tr></table>")
    row = ("<ul><li><a href='/1.html'>卫滨区商务局关于印发工作方案的通知</a><span>成文日期：2025-12-28"
           "</span><span>发布日期：2026-01-04</span></li><li><a href='/2.html'>区商务局通知二</a>"
           "<span>成文日期：2025-12-18</span><span>发布日期：2025-12-20</span></li></ul>")
    assert [r.date for r in _rows(table)] == [r.date for r in _rows(row)]
    assert str(_rows(row)[0].date.date()) == "2026-01-04"
