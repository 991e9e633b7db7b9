"""Hanweb jpaas deployments that differ (collectors/_presets/jpaas.py), each a fixture column under
tests/fixtures/sites/jpaas_variants/ (made by make_family_fixtures.py) whose expect.json states what
its gateway accepts and the exact items or the failure; plus the real Zhejiang FGW column of
/work/shared/real-pages. Each variant's test fails without its handling.

| variant | fixture |
|---|---|
| queryData single-quoted pseudo-JSON | jpaas/ (3185), post-only |
| queryData JSON with a bare null | json-querydata |
| paramJson paging over GET | json-querydata, jpaas/ |
| GET refused, POST form accepted | post-only |
| data.html with table.pagination / div.pagination | json-querydata / stale-count |
| count only in the pager script | script-count |
| protocol-relative legacy links | every variant, and the real column |
| page 1 for a page past the end | past-end-page-one (no count), stale-count (within the count) |
"""
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import _real_pages as real_pages
from _sites_server import SITES, SiteServer

from collectors import (BEIJING, REGISTRY, CollectState, ColumnError, Response, beijing_date,
                        canonical_url)
from collectors._presets import PRESETS, Context, ListRequest
from collectors._presets.jpaas import query_data

VARIANTS = SITES / "jpaas_variants"
API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JSON = "application/json;charset=UTF-8"
from _real_pages import REAL_PAGES
NOW = datetime(2025, 1, 3, 10, 0, tzinfo=BEIJING)


class Gateway(SiteServer):
    """The fixture site plus a jpaas gateway behaving as the variant's expect.json says: which
    HTTP method it accepts, the exact build-unit parameters it knows, and what a page number past
    the served pages gets."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.rules = json.loads((root / "expect.json").read_text("utf-8"))["server"]
        self.api: list[str] = []          # "GET 1", "POST 2": method and pageNo of each API call

    def _handle(self, h, method: str, body: bytes) -> None:
        parts = urlsplit(h.path)
        if parts.path != API:
            return super()._handle(h, method, body)
        self.requests.append((method, h.path))
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if method == "POST":
            params.update({k: v[0] for k, v in parse_qs(body.decode("utf-8"),
                                                         keep_blank_values=True).items()})
        try:
            page = int(json.loads(params.pop("paramJson", "{}")).get("pageNo", 1))
        except (ValueError, AttributeError):
            page = 1
        self.api.append(f"{method} {page}")
        if method != self.rules["accepts"]:
            return self._json(h, {"success": False, "code": "405", "data": None,
                                  "message": f"Request method '{method}' not supported"})
        if params != self.rules["query"]:
            return self._json(h, {"success": False, "code": "500", "data": {},
                                  "message": f"生成失败：未找到页面单元 {sorted(params.items())}"})
        file = self.root / f"api/page-{page}.json"
        if not file.is_file():
            if self.rules["past_end"] != "page1":
                return self._json(h, {"success": True, "code": "200", "data": {"html": ""}})
            file = self.root / "api/page-1.json"
        return self._file(h, file)

    def _json(self, h, value: dict) -> None:
        self._send(h, 200, json.dumps(value, ensure_ascii=False).encode(), JSON)


@pytest.fixture
def gateway():
    servers = []

    def start(name: str) -> Gateway:
        servers.append(Gateway(VARIANTS / name).start())
        return servers[-1]

    yield start
    for srv in servers:
        srv.stop()


def run(http, url, state=None, **opts):
    source = REGISTRY["website"]({"url": url, **opts}, http)
    state = state or CollectState(now=NOW)
    return list(source.collect(state)), state


@pytest.mark.parametrize("preset", ["jpaas", "auto"])
@pytest.mark.parametrize("name", sorted(p.name for p in VARIANTS.iterdir() if p.is_dir()))
def test_each_variant_reads_to_exactly_its_items_or_fails_as_stated(gateway, http, name, preset):
    srv = gateway(name)
    expect = json.loads((VARIANTS / name / "expect.json").read_text("utf-8"))
    url = srv.base + expect["column"]
    if "error" in expect:
        with pytest.raises(ColumnError, match=expect["error"]["match"]) as info:
            run(http, url, preset=preset)
        assert info.value.health == expect["error"]["health"]
        return
    items, state = run(http, url, preset=preset)
    want = {canonical_url(srv.base + e["path"]): e for e in expect["items"]}
    got = {i.key: i for i in items}
    assert len(items) == len(got) and sorted(got) == sorted(want)
    for key, e in want.items():
        assert got[key].title == e["title"] and not got[key].external, key
        assert str(beijing_date(got[key].published_at)) == e["date"], (key, got[key].date_raw)
    assert state.memo["stop_reason"] == expect["stop"]
    assert srv.api == expect["api"]


def test_protocol_relative_legacy_links_stay_on_the_column_host(gateway, http):
    srv = gateway("json-querydata")
    items, _ = run(http, srv.base + "/col/col1229551510/index.html", preset="jpaas")
    legacy = [i for i in items if "/art/2024/" in i.key and "/col/" not in i.key]
    assert len(legacy) == 4 and all(i.key.startswith(srv.base + "/art/") for i in legacy)
    assert all(("GET", p) in srv.requests for p in (urlsplit(i.key).path for i in legacy))


def test_paramjson_numbers_the_pages_and_carries_the_page_size(gateway, http):
    srv = gateway("json-querydata")
    run(http, srv.base + "/col/col1229551510/index.html", preset="jpaas")
    sent = [json.loads(parse_qs(urlsplit(p).query)["paramJson"][0]) for m, p in srv.requests
            if urlsplit(p).path == API]
    assert sent == [{"pageNo": 1, "pageSize": 15}, {"pageNo": 2, "pageSize": 15}]


def test_a_gateway_that_wants_post_is_asked_by_post_from_the_next_pass_on(gateway, http):
    srv = gateway("post-only")
    first, state = run(http, srv.base + "/col/col1229552520/index.html", preset="auto")
    assert state.memo["jpaas"]["method"] == "post"
    srv.api.clear()
    known = {i.key for i in first}
    again, _ = run(http, srv.base + "/col/col1229552520/index.html",
                   CollectState(now=NOW, is_known=known.__contains__, memo=state.memo), preset="auto")
    assert again == [] and srv.api == ["POST 1"]


@pytest.mark.parametrize("raw,want", [
    ("{'webId':'3185','editType':'null','tagId':'信息列表'}",
     {"webId": "3185", "editType": "null", "tagId": "信息列表"}),
    ('{"webId":"5151","editType":null,"isMobile":false,"pageId":1229551510}',
     {"webId": "5151", "editType": "null", "isMobile": "false", "pageId": "1229551510"}),
    ("{'webId':'52', 'tagId': '列表新闻', 'tplSetId': 'MsPk'}",
     {"webId": "52", "tagId": "列表新闻", "tplSetId": "MsPk"}),
])
def test_query_data_reads_both_quotings_and_sends_null_as_the_page_does(raw, want):
    assert query_data(raw) == want


# -- the real Zhejiang FGW column (gov-sites.md §2.2): shell page, API page 1 of 26, one detail --

@pytest.fixture(scope="module")
def real_servers():
    bases, logs, servers = real_pages.start()
    yield bases, logs
    real_pages.stop(servers)


@pytest.fixture
def zhejiang(real_servers):
    bases, logs = real_servers
    logs["zj-fzggw"].clear()
    expected = json.loads((REAL_PAGES / "expected.json").read_text("utf-8"))["zj-col-api1"]
    return bases["zj-fzggw"], logs["zj-fzggw"], expected


def _as_listed(url: str, base: str) -> str:
    # expected.json writes links as the page does: a path, or //host/path for legacy articles.
    parts = urlsplit(url)
    return parts.path if url.startswith(base) else f"//{parts.netloc}{parts.path}"


def test_real_zhejiang_api_page_reads_to_exactly_the_rows_a_person_sees(zhejiang):
    base, _log, expected = zhejiang
    file = REAL_PAGES / "pages/zj-fzggw/api-gateway/jpaas-publish-server/front/page/build/unit.pageNo1.json"
    text = file.read_text("utf-8")
    url = base + API + "?webId=3185&paramJson=%7B%22pageNo%22%3A1%7D"
    preset = PRESETS["jpaas"]({})
    preset._page_no = 1
    page = preset.parse(ListRequest(url, None, "json"), Response(url=url, status=200,
                        content=text.encode(), text=text), Context(2026, {}), {})
    assert [(r.title, str(beijing_date(r.date)), _as_listed(r.url, base)) for r in page.rows] == \
        [tuple(e) for e in expected]
    assert page.total_pages == 26 and page.promised          # count=388, rows=15


@pytest.mark.parametrize("preset", ["jpaas", "auto"])
def test_real_zhejiang_column_reads_page_one_and_fails_at_the_unsaved_page_two(zhejiang, http,
                                                                               preset):
    base, log, expected = zhejiang
    column = base + "/col/col1229565788/index.html"
    state = CollectState(now=datetime(2026, 7, 1, tzinfo=BEIJING))
    items, state = run(http, column, state, preset=preset, max_pages=1)
    assert [(i.title, str(beijing_date(i.published_at)), _as_listed(i.url, base)) for i in items] == \
        [tuple(e) for e in expected]
    legacy = [i for i in items if i.url.startswith("http://fzggw.zj.gov.cn/art/")]
    assert len(legacy) == 9 and all(i.external for i in legacy)      # never fetched
    apis = [p for _m, p in log if p.startswith(API)]
    assert len(apis) == 1 and "%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8" in apis[0]   # the 信息列表 unit
    with pytest.raises(ColumnError, match="list page 2 .* cut short after 15 rows") as info:
        run(http, column, CollectState(now=datetime(2026, 7, 1, tzinfo=BEIJING)), preset=preset)
    assert info.value.health == "truncated"
