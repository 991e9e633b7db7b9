"""``gongkai probe`` on the real pages (../shared/real-pages, read in place): when no reading
verifies (the corpus has no page 2), the rows shown are the column's as expected.json lists them,
never a reading that adds the site's menu links (机构概况, 政务公开 … undated) to them."""
from datetime import datetime

import pytest
import _real_pages as real_pages

from collectors import BEIJING, Http, probe

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=BEIJING)
PAGES = {"nmpa-ypggtg": ("nmpa", "/yaopin/ypggtg/index.html"),
         "nmpa-ypjgdt": ("nmpa", "/yaopin/ypjgdt/index.html"),
         "ndrc-tz": ("ndrc", "/xxgk/zcfb/tz/index.html")}


@pytest.fixture(scope="module")
def corpus():
    bases, _logs, servers = real_pages.start()
    yield bases, real_pages.expected()
    real_pages.stop(servers)


@pytest.mark.parametrize("key", sorted(PAGES))
def test_probe_shows_the_columns_rows_not_the_menu(key, corpus):
    bases, expected = corpus
    site, path = PAGES[key]
    http = Http(min_delay=0, respect_robots=False, timeout=(2, 10))
    try:
        result = probe(bases[site] + path, http, now=NOW)
    finally:
        http.close()
    assert [" ".join(r.title.split()) for r in result.rows] == [" ".join(t.split()) for t, _, _ in expected[key]]
    assert all(r.date is not None for r in result.rows)
