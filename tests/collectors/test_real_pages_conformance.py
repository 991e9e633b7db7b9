"""Real pages as the judge: every page of ../shared/real-pages (saved from real government sites by
other people, served on loopback at their original paths by its serve.py) read as a person reads it.

- each list page: page 1's rows — titles, Beijing dates, links — equal expected.json, in page order;
- each anti-bot challenge: reported as a challenge by probe and by a crawl, never as "no news";
- each page that is not a column (a search result page, a homepage of blocks): refused by probe
  with the reason.

The corpus is read in place, never copied into the project. Next pages and detail pages nobody
saved answer 404 there, so this judges page 1; paging is judged on the project's own fixtures.
"""
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import pytest
import _real_pages as real_pages

from collectors import BEIJING, REGISTRY, CollectState, Http, SourceError, beijing_date, probe, verify

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=BEIJING)
# expected.json key -> (site in manifest.json, path of the list page)
LISTS = {
    "js-col284": ("js-fzggw", "/col/col284/index.html"),
    "ndrc-tz": ("ndrc", "/xxgk/zcfb/tz/index.html"),
    "zj-col-api1": ("zj-fzggw", "/col/col1229565788/index.html"),
    "nmpa-ypggtg": ("nmpa", "/yaopin/ypggtg/index.html"),
    "nmpa-ypjgdt": ("nmpa", "/yaopin/ypjgdt/index.html"),
    "hb-zcwj-json": ("hb-scjg", "/zfxxgk/zcwj/qtwj/zcwj.json"),
}
CHALLENGES = {"hb-qtwj-412": ("hb-scjg", "/zfxxgk/zcwj/qtwj/"),
              "hb-zscqj-412": ("hb-zscqj", "/bsfwbs/hbszwfww/fwjgml1/")}
NOT_COLUMNS = {"gs-search": ("gs-scjg", "/guestweb4/s", "search"),
               "xinxiang": ("xinxiang", "/", "homepage")}


@pytest.fixture(scope="module")
def corpus():
    bases, logs, servers = real_pages.start()
    origins = {site: spec["origin"] for site, spec in real_pages.manifest()["sites"].items()}
    yield bases, origins, real_pages.expected()
    real_pages.stop(servers)


@pytest.fixture
def http():
    client = Http(min_delay=0, respect_robots=False, timeout=(2, 10))
    yield client
    client.close()


def test_every_key_of_expected_json_is_judged():
    expected = real_pages.expected()
    judged = set(LISTS) | set(CHALLENGES) | set(NOT_COLUMNS)
    assert set(expected) <= judged, f"pages in expected.json without a test: {set(expected) - judged}"


def _no_scheme(url: str) -> str:
    return url.split("://", 1)[-1]


def _as_origin(url: str, base: str, origin: str) -> str:
    return origin + url[len(base):] if url.startswith(base) else url


@pytest.mark.parametrize("key", sorted(LISTS))
def test_list_page_reads_as_a_person_reads_it(key, corpus, http):
    bases, origins, expected = corpus
    site, path = LISTS[key]
    base, origin = bases[site], origins[site]
    host = urlsplit(origin).hostname
    source = REGISTRY["website"]({"url": base + path, "allow_hosts": [host]}, http)
    v = verify(source, NOW)
    # Whitespace as a browser shows it; links without their scheme (protocol-relative links
    # resolve to http on the loopback server, to https on the real site).
    got = [(" ".join(r.title.split()), beijing_date(r.date).isoformat() if r.date else None,
            _no_scheme(_as_origin(r.url, base, origin))) for r in v.rows]
    want = [(" ".join(t.split()), d, _no_scheme(urljoin(origin + path, p))) for t, d, p in expected[key]]
    assert [g[2] for g in got] == [w[2] for w in want], f"{key}: links differ"
    assert [g[1] for g in got] == [w[1] for w in want], f"{key}: dates differ"
    assert [g[0] for g in got] == [w[0] for w in want], f"{key}: titles differ"


@pytest.mark.parametrize("key", sorted(CHALLENGES))
def test_challenge_page_is_reported_as_a_challenge(key, corpus, http):
    bases, _, expected = corpus
    site, path = CHALLENGES[key]
    assert expected[key] == []
    result = probe(bases[site] + path, http, now=NOW)
    assert not result.ok and "anti-bot challenge" in result.problem
    source = REGISTRY["website"]({"url": bases[site] + path}, http)
    with pytest.raises(SourceError, match="anti-bot challenge"):
        list(source.collect(CollectState(now=NOW)))


@pytest.mark.parametrize("key", sorted(NOT_COLUMNS))
def test_page_that_is_not_a_column_is_refused_by_probe(key, corpus, http):
    bases, _, _ = corpus
    site, path, kind = NOT_COLUMNS[key]
    result = probe(bases[site] + path, http, now=NOW)
    assert result.kind == kind and not result.ok, result.problem
    assert "not a column" in result.problem or "not one column" in result.problem
    assert result.snippet() == ""
