"""The static list pages of the real-pages corpus (../shared/real-pages, README.md there): NDRC's
TRS column (25 rows, 20 pages) and two nmpa columns (20 rows each, 共1,227页 and 共39页), served by
the corpus's own serve.py and read as a person reads them (expected.json): every row's title, date
and path, the page count, and the page 2 the site links. Page 2 is not saved — the server answers
404 "not saved" — so a ``website`` pass reads page 1, asks for exactly that page 2, and fails the
run as a column cut short after page 1's rows. The corpus is read in place, never copied; without
it these tests fail, saying where it should be."""
import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest
import _real_pages as real_pages

from collectors import BEIJING, REGISTRY, CollectState, ColumnError, beijing_date, detect, parse_date
from collectors._presets import PRESETS, Context, ListRequest

LISTS = ["ndrc-tz", "nmpa-ypggtg", "nmpa-ypjgdt"]


@pytest.fixture(scope="module")
def corpus():
    bases, logs, servers = real_pages.start()
    yield {"lists": {e["id"]: e for e in real_pages.manifest()["lists"]},
           "expected": real_pages.expected(), "bases": bases, "logs": logs}
    real_pages.stop(servers)


def _column(corpus, key):
    entry = corpus["lists"][key]
    return entry, corpus["bases"][entry["site"]] + entry["path"]


def _path(url):
    return urlsplit(url).path


@pytest.mark.parametrize("key", LISTS)
def test_page_one_rows_pages_and_next_as_a_person_reads_them(corpus, http, key):
    entry, url = _column(corpus, key)
    resp = http.get(url, allowed_hosts={"127.0.0.1"})
    found = detect(resp.text, resp.url)
    page = PRESETS[found.preset]({}).parse(ListRequest(url), resp, Context(entry["year"], {}), {})
    rows = [[r.title, r.date.astimezone(BEIJING).date().isoformat() if r.date else None, _path(r.url)]
            for r in page.rows]
    assert rows == corpus["expected"][key]
    assert page.total_pages == entry["pages_expect"]
    assert page.next is not None and re.search(entry["next_expect"], page.next.url), page.next
    # A stated total makes page 2 a promise: an empty page 2 would be a cut-short column.
    assert page.promised
    if key == "ndrc-tz":
        assert found.preset == "trs"


@pytest.mark.parametrize("key", LISTS)
def test_website_pass_reads_page_one_then_asks_for_the_linked_page_two(corpus, http, key):
    entry, url = _column(corpus, key)
    log = corpus["logs"][entry["site"]]
    log.clear()
    source = REGISTRY["website"]({"url": url, "preset": "auto"}, http)
    items = []
    with pytest.raises(ColumnError, match=r"list page 2 \(.*\) is missing \(HTTP 404\)") as info:
        for item in source.collect(CollectState(now=datetime(entry["year"], 12, 31, 12, tzinfo=BEIJING))):
            items.append(item)
    want = corpus["expected"][key]
    assert info.value.health == "truncated" and f"cut short after {len(want)} rows" in str(info.value)
    assert [_path(i.key) for i in items] == [path for _, _, path in want]
    for item, (title, day, path) in zip(items, want):
        # A saved detail may retitle and redate the item; the list's own reading is kept beside it.
        assert item.extra.get("list_title", item.title) == title, path
        listed = parse_date(item.list_date) if item.list_date else item.published_at
        assert beijing_date(listed).isoformat() == day, path
    details = {path for _, _, path in want}
    lists = [p for method, p in log if method == "GET" and p not in details and p != "/robots.txt"]
    assert len(lists) == 2 and lists[0] == entry["path"] and re.search(entry["next_expect"], lists[1]), lists
