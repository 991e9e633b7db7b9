"""The date a person reads wins, by consensus (issue 19): collectors/_consensus.py case by case
(tests/fixtures/dates/consensus/*.txt), year-less list dates (tests/fixtures/dates/yearless/*.txt),
and the real pages of /work/shared/real-pages read in place, through ``Website._item``."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from _collectors_support import FIXTURES

from collectors import BEIJING, REGISTRY, Response, beijing_date, decode_html, parse_date
from collectors import _consensus as consensus
from collectors._detail import parse_detail
from collectors._listing import Row, find_rows
from collectors._pages import soup_of

DATES = FIXTURES / "dates"
CASES = sorted((DATES / "consensus").glob("*.txt"))
YEARLESS = sorted((DATES / "yearless").glob("*.txt"))
from _real_pages import corpus_file
_LINE = re.compile(r"^(?P<source>[a-z-]+)(?:\s+(?P<name>[^|]+?))?\s*\|\s*(?P<raw>.+)$")


def _day_time(dt: datetime | None) -> str | None:
    return dt.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if dt else None


def _candidates(path: Path) -> list[consensus.Candidate | None]:
    """``source [name] | raw`` per line after the Expect line; a url line holds the whole URL."""
    text = path.read_text("utf-8")
    out: list[consensus.Candidate | None] = []
    for line in text.split("\n"):
        m = _LINE.match(line.strip())
        if not m or line.startswith(("Description", "Expect")):
            continue
        source, name, raw = m.group("source"), (m.group("name") or "").strip(), m.group("raw").strip()
        if source == consensus.URL:
            out.append(consensus.url_candidate(raw))
        else:
            c = consensus.candidate(source, raw, name)
            assert c is not None, f"{path.name}: {raw!r} is not a date"
            out.append(c)
    assert out, f"{path.name} lists no candidates"
    return out


def _expect(path: Path) -> dict:
    m = re.search(r"^Expect:\s*(\{.*\})\s*$", path.read_text("utf-8"), re.M)
    assert m, f"{path} has no Expect: line"
    return json.loads(m.group(1))


def test_case_fixtures_exist():
    assert len(CASES) >= 12 and len(YEARLESS) >= 5


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_consensus_case(path):
    expect = _expect(path)
    got = consensus.decide(_candidates(path))
    assert _day_time(got.published) == expect["date"]
    assert got.source == expect["source"]
    assert list(got.conflict_years) == expect["conflict"]
    extra = got.extra()
    assert ("date_conflict" in extra) == bool(expect["conflict"])
    if expect["conflict"]:
        # The officer sees every candidate: each day and who says it.
        assert all(c.shown()[:10] in extra["date_review"]
                   for i, c in enumerate(got.candidates) if c.source != consensus.GENERATED
                   and i not in got.unheard)
        assert len(extra["date_candidates"]) == len(got.candidates)
    if "review" in expect:
        assert expect["review"] in extra["date_review"]
    elif not expect["conflict"]:
        assert "date_review" not in extra
    if "unheard" in expect:
        assert [got.candidates[i].name for i in sorted(got.unheard)] == expect["unheard"]
        notes = [d for d in extra["date_candidates"] if "note" in d]
        assert [d["name"] for d in notes] == expect["unheard"]


@pytest.mark.parametrize("url,expected", [
    ("http://scjg.gansu.gov.cn/scjg/c110159/202205/2032457.shtml", ("2022-05", "month")),
    ("https://www.ndrc.gov.cn/xxgk/zcfb/tz/202608/t20260828_1407232.html", ("2026-08-28", "day")),
    ("http://fzggw.jiangsu.gov.cn/art/2026/8/28/art_284_11821965.html", ("2026-08-28", "day")),
    ("http://www.gov.cn/zhengce/content/2026-09/28/content_5712345.htm", ("2026-09-28", "day")),
    ("http://www.xinxiang.gov.cn/sitegroup/root/html/4028815814acaf060114acb4d476001e/"
     "20171220144159170.html", ("2017-12-20", "day")),
    ("http://www.example.gov.cn/2017/12/20/a.html", ("2017-12-20", "day")),
    ("http://fzggw.zj.gov.cn/art/2026/art_937add6719f140bdac86d5b97c525d28.html", None),  # a year only
    ("http://www.example.gov.cn/plain/2024/art_2.html", None),
    ("http://www.example.gov.cn/xxgk/20171301_1.html", None),               # month 13 is no date
    ("http://www.example.gov.cn/info/12345678.html", None),                 # an id, not 1234-56-78
    ("http://scjg.gansu.gov.cn/scjg/c110203/201911/bbb75b4f044d4766b63ff63287d6da05.shtml",
     ("2019-11", "month")),
])
def test_url_dates(url, expected):
    c = consensus.url_candidate(url)
    if expected is None:
        assert c is None
    else:
        assert c is not None and (c.shown(), c.precision) == expected


# -- year-less list dates -----------------------------------------------------------------------

def _website(url: str = "http://www.example.gov.cn/col/index.html"):
    return REGISTRY["website"]({"url": url}, None)


@pytest.mark.parametrize("path", YEARLESS, ids=lambda p: p.stem)
def test_yearless_list_dates(path):
    expect = _expect(path)
    now = datetime.fromisoformat(expect["now"]).replace(tzinfo=BEIJING)
    rows = []
    for i, line in enumerate(l for l in path.read_text("utf-8").split("\n") if l.startswith("http")):
        url, text = (part.strip() for part in line.split("|"))
        rows.append(Row(url, f"第{i}条", text, parse_date(text, context_year=now.year)))
    site = _website()   # every row links to another host: recorded from the list, never fetched
    fixed = site._fix_years(rows, now)
    items = [site._item(r.url, r) for r in fixed]
    assert [str(beijing_date(i.published_at)) for i in items] == expect["dates"]
    assert [i.date_source for i in items] == expect["sources"]
    assert all(i.external for i in items)
    for item, source in zip(items, expect["sources"]):
        # A guessed year is a conflict of it and the year before, sent for review; a year from
        # the link or the page raises nothing.
        guessed = source == consensus.LIST_YEARLESS
        assert ("date_review" in item.extra) == guessed
        year = item.published_at.year
        assert item.extra.get("date_conflict", {}).get("years") == ([year - 1, year] if guessed else None)
    if "how" in expect:
        assert [site._list_years.get(r.url, "") for r in fixed] == expect["how"]


# -- the real pages, read in place ----------------------------------------------------------

def _real(*parts: str) -> Path:
    return corpus_file(*parts)


class _SavedPages:
    """An Http stand-in answering a detail URL with the real page saved for it (no network)."""

    def __init__(self, pages: dict[str, Path]) -> None:
        self.pages = pages

    def get(self, url: str, **_kw) -> Response:
        content = self.pages[url].read_bytes()
        text, encoding = decode_html(content, "text/html")
        return Response(url, 200, {"content-type": "text/html"}, content, encoding, text)


def test_real_gansu_detail_regenerated_pubdate_loses_to_what_a_person_reads():
    # The search result row (expected.json gs-search), the saved detail page, and the URL.
    title, day, url = json.loads(_real("expected.json").read_text("utf-8"))["gs-search"][0]
    page = _real("pages", "gs-scjg", *url.split("/", 3)[3].split("/"))
    site = REGISTRY["website"]({"url": "http://scjg.gansu.gov.cn/guestweb4/s.html"},
                               _SavedPages({url: page}))
    item = site._item(url, Row(url, title, day, parse_date(day)))
    assert item.published_at == datetime(2022, 5, 6, 15, 16, tzinfo=BEIJING)
    assert item.date_source == "detail-label" and item.date_raw == "2022-05-06 15:16"
    assert "date_conflict" not in item.extra and "date_review" not in item.extra
    by_source = {d["source"]: d for d in item.extra["date_candidates"]}
    assert by_source["detail-meta"]["date"] == "2023-04-18 15:24:29"
    assert not by_source["detail-meta"]["agrees"] and "页面生成时间" in by_source["detail-meta"]["note"]
    assert by_source["generated"]["date"] == "2023-04-18 15:24:29"
    assert by_source["list"]["agrees"] and by_source["url"]["agrees"]
    # The page alone says the same: its generation time is exposed, its own consensus is the line.
    d = parse_detail(soup_of(decode_html(page.read_bytes(), "text/html")[0]), url)
    assert d.generated == datetime(2023, 4, 18, 15, 24, 29, tzinfo=BEIJING)
    assert d.date_source == "detail-label" and str(beijing_date(d.published)) == "2022-05-06"


def test_real_ndrc_detail_agrees_with_its_list_and_keeps_the_meta_time():
    rows = json.loads(_real("expected.json").read_text("utf-8"))["ndrc-tz"]
    title, day, path = next(r for r in rows if r[2].endswith("t20260828_1407232.html"))
    url = "https://www.ndrc.gov.cn" + path
    site = REGISTRY["website"]({"url": "https://www.ndrc.gov.cn/xxgk/zcfb/tz/index.html"},
                               _SavedPages({url: _real("pages", "ndrc", *path.strip("/").split("/"))}))
    item = site._item(url, Row(url, title, day, parse_date(day)))
    assert item.published_at == datetime(2026, 8, 27, 14, 28, 41, tzinfo=BEIJING)
    assert item.date_source == "detail-meta" and item.list_date == ""
    assert "date_conflict" not in item.extra
    assert {d["source"]: d["agrees"] for d in item.extra["date_candidates"]} == {
        "detail-label": True, "detail-meta": True, "list": True, "url": True}


def test_real_zhejiang_detail_publication_line_not_the_generation_date():
    # 生成日期 2026-06-02 (the document's date) differs from 发布日期 2026-06-05 16:21: not a candidate.
    page = _real("pages", "zj-fzggw", "col", "col1229123351", "art", "2026",
                 "art_937add6719f140bdac86d5b97c525d28.html")
    d = parse_detail(soup_of(decode_html(page.read_bytes(), "text/html")[0]),
                     "http://fzggw.zj.gov.cn/art/2026/6/5/art_1229123351_1.html")
    assert _day_time(d.published) == "2026-06-05 16:21"
    assert [(c.source, c.name) for c in d.date_candidates] == [("detail-label", "发布日期"),
                                                               ("detail-meta", "PubDate")]
    assert d.fields.get("成文日期") == "2026-06-02"


def test_real_xinxiang_yearless_rows_take_the_year_of_their_links_and_of_the_page():
    page = _real("pages", "xinxiang", "index.html")
    text, _ = decode_html(page.read_bytes(), "text/html")
    now = datetime(2026, 3, 1, 10, 0, tzinfo=BEIJING)
    rows = find_rows(soup_of(text), "http://www.xinxiang.gov.cn/index.html", context_year=now.year)
    yearless = [r for r in rows if re.fullmatch(r"\d{1,2}-\d{1,2}", r.date_text)]
    assert len(yearless) >= 10      # the 要闻 and 县区 blocks: "12-20", "12-19"
    site = _website("http://www.xinxiang.gov.cn/index.html")
    fixed = {r.url: r for r in site._fix_years(rows, now)}
    assert {fixed[r.url].date.year for r in yearless} == {2017}
    assert str(beijing_date(next(fixed[r.url].date for r in yearless if r.title == "市委召开常委会议"))) \
        == "2017-12-20"
    # Without the dated file names, the page's own dated rows (2017-12-18 …) settle the year.
    bare = [Row(f"http://www.xinxiang.gov.cn/a/{i}.html", r.title, r.date_text, r.date)
            for i, r in enumerate(rows)]
    settled = site._fix_years(bare, now)
    assert {s.date.year for s, r in zip(settled, rows) if r in yearless} == {2017}
    assert all(site._list_years[s.url] == "neighbours" for s, r in zip(settled, rows) if r in yearless)
    # The rows that wrote their year are left as written.
    assert all(s.date == r.date for s, r in zip(settled, rows) if r not in yearless)
