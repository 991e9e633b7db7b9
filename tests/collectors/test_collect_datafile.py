"""Data-file and JSON-API columns (collectors/_presets/datafile.py), end to end on loopback.

Each folder of tests/fixtures/sites/datafile/ is one real-world JSON shape (made by its
make_datafile_fixtures.py) with ``expect-*.json`` files stating the exact items or the failure; the
real 湖北市场监管局 data file of /work/shared/real-pages is read through its own server. Nothing here
touches the internet: links to other hosts are never fetched."""
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import _real_pages as real_pages
from _collectors_support import SITES

from collectors import (BEIJING, REGISTRY, CollectState, ColumnError, Response, beijing_date,
                        canonical_url, detect)
from collectors._presets import PRESETS, Context, ListRequest

DATAFILE = SITES / "datafile"
from _real_pages import REAL_PAGES
NOW = datetime(2025, 1, 3, 10, 0, tzinfo=BEIJING)
CASES = sorted(DATAFILE.glob("*/expect-*.json"))


class RouteServer:
    """Serves one fixture folder by its ``routes.json``: the exact path and query a request must
    have, and the file answering it (``{{HOST}}`` in it becomes this server's host); anything else,
    detail pages included, is a 404 page."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.routes = json.loads((root / "routes.json").read_text("utf-8"))
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                name = server.routes.get(self.path)
                if name is None:
                    body, status, ctype = b"<html><title>404 Not Found</title></html>", 404, "text/html"
                else:
                    body = (root / name).read_bytes().replace(b"{{HOST}}", server.host.encode())
                    status, ctype = 200, "application/json;charset=UTF-8"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.base = f"http://{self.host}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def api_requests(self) -> list[str]:
        return [p for p in self.requests if p in self.routes]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(root: Path) -> RouteServer:
        servers.append(RouteServer(root))
        return servers[-1]

    yield start
    for srv in servers:
        srv.close()


def run(http, url, preset, state=None):
    source = REGISTRY["website"]({"url": url, "preset": preset}, http)
    state = state or CollectState(now=NOW)
    return list(source.collect(state)), state


@pytest.mark.parametrize("preset", ["datafile", "auto"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_json_shape_reads_to_exactly_its_expected_items_or_failure(serve, http, case, preset):
    expect = json.loads(case.read_text("utf-8"))
    srv = serve(case.parent)
    url = srv.base + expect["url"]
    if "error" in expect:
        with pytest.raises(ColumnError, match=expect["error"]["match"]) as info:
            run(http, url, preset)
        assert info.value.health == expect["error"]["health"]
        return
    items, state = run(http, url, preset)
    want = {canonical_url(e["url"] if "://" in e["url"] else srv.base + e["url"]): e
            for e in expect["items"]}
    got = {i.key: i for i in items}
    assert len(items) == len(got)                        # nothing yielded twice
    assert sorted(got) == sorted(want)
    for key, e in want.items():
        assert got[key].title == e["title"], key
        assert str(beijing_date(got[key].published_at)) == e["date"], (key, got[key].date_raw)
    assert state.memo["stop_reason"] == expect["stop"]
    if preset == "auto":
        assert state.memo["detected"] == "datafile"


def test_a_remembered_data_file_is_read_again_with_one_request(serve, http):
    srv = serve(DATAFILE / "gkmlpt")
    url = srv.base + "/gkmlpt/api/all/368?page=1&sid=769033"
    first, state = run(http, url, "auto")
    srv.requests.clear()
    known = {i.key for i in first}
    again, state2 = run(http, url, "auto", CollectState(now=NOW, is_known=known.__contains__,
                                                        memo=state.memo))
    assert again == [] and srv.api_requests() == ["/gkmlpt/api/all/368?page=1&sid=769033"]
    assert state2.memo["stop_reason"] == "page 1 unchanged since the last pass"


def _rows(records, url="http://127.0.0.1:1/list.json"):
    text = json.dumps(records, ensure_ascii=False)
    resp = Response(url=url, status=200, content=text.encode(), text=text)
    return PRESETS["datafile"]({}).parse(ListRequest(url), resp, Context(2025, {}), {}).rows


# The publication date is chosen by what a field's name means; each case breaks one rule.
DATE_CHOICE = [
    ({"PUBDATE": "2023-12-28", "DOCRELTIME": "2024-01-02 09:00:00"}, "2024-01-02"),  # 成文 vs 发布 (hb)
    ({"cwrq": "2023-12-28", "fbrq": "2024-01-02"}, "2024-01-02"),
    ({"writeDate": "2023-12-28", "publishDate": "2024-01-02"}, "2024-01-02"),
    ({"成文日期": "2023年12月28日", "发布日期": "2024年1月2日"}, "2024-01-02"),
    ({"date": 1703692800, "display_publish_time": 1704157200}, "2024-01-02"),   # gkmlpt epochs
    ({"C_FWRQ_FORMAT": "2023-12-28", "PUBLISHED_TIME_FORMAT": "2024-01-02"}, "2024-01-02"),
    ({"date": "2024-01-02", "create_time": "2023-12-28 08:00"}, "2024-01-02"),     # generic > created
    ({"createTime": "2024-01-02 08:00"}, "2024-01-02"),                            # the only date
    ({"EFECTDATE": "2024-03-01", "PUBDATE": "2024-01-02"}, "2024-01-02"),          # never 生效日期
    ({"updateTime": "2024-03-01 10:00", "pubDate": "2024-01-02"}, "2024-01-02"),
    ({"id": 1709251200, "sj": "2024-01-02"}, "2024-01-02"),                        # an id is no epoch
]


@pytest.mark.parametrize("dates,want", DATE_CHOICE, ids=[" / ".join(d) for d, _ in DATE_CHOICE])
def test_the_publication_date_field_is_chosen_by_meaning(dates, want):
    records = [{"title": f"通知{i}", "url": f"/a/{i}.html", **dates} for i in range(3)]
    rows = _rows(records)
    assert len(rows) == 3 and {str(beijing_date(r.date)) for r in rows} == {want}


@pytest.mark.parametrize("record,title,url", [
    ({"TITLE": "标题甲", "SUB_TITLE": "副题", "URL": "/a.htm", "DOCRELPUBTIME": "2024-01-02"},
     "标题甲", "http://127.0.0.1:1/a.htm"),
    ({"FILENAME": "文件乙", "URL": "//other.example.org/b.shtml", "RECURL": "", "PDF": "/b.pdf",
      "DOCRELTIME": "2024-01-02"}, "文件乙", "http://other.example.org/b.shtml"),
    ({"picUrl": "/img/c.jpg", "name": "新闻丙", "link": "c/1.html", "time": "2024-01-02"},
     "新闻丙", "http://127.0.0.1:1/c/1.html"),
    ({"标题": "通知丁<em>高亮</em>&amp;", "链接": "https://x.example.org/d.html#top", "发布日期": "2024-01-02"},
     "通知丁高亮&", "https://x.example.org/d.html"),
])
def test_title_and_link_fields_are_chosen_by_meaning(record, title, url):
    rows = _rows({"data": {"list": [record]}})
    assert [(r.title, r.url) for r in rows] == [(title, url)]


def test_a_json_body_with_records_is_detected_and_html_is_not():
    body = (DATAFILE / "loaddata/page-1.json").read_text("utf-8")
    found = detect(body, "http://127.0.0.1:1/szinf/interfacesWebZcwj/loadData?pageIndex=1")
    assert found.preset == "datafile" and "data.list" in found.reasons[0]
    html = (SITES / "jpaas/col/col1229565788/index.html").read_text("utf-8")
    assert detect(html, "http://127.0.0.1:1/col/col1229565788/index.html").preset == "jpaas"
    nav = json.dumps({"tree": [{"id": 1, "name": "通知公告", "url": "/c/1"}]}, ensure_ascii=False)
    assert detect(nav, "http://127.0.0.1:1/tree.json").preset == "list"   # no dated records


# -- the real 湖北市场监管局 data file (the column itself answers a 412 challenge) ----------------

@pytest.fixture(scope="module")
def real_servers():
    bases, logs, servers = real_pages.start()
    yield bases, logs
    real_pages.stop(servers)


@pytest.fixture
def real_sites(real_servers):
    bases, logs = real_servers
    for log in logs.values():
        log.clear()
    return bases, logs


@pytest.mark.parametrize("preset", ["datafile", "auto"])
def test_real_hubei_data_file_reads_to_every_record_with_its_publication_date(real_sites, http,
                                                                               preset):
    bases, logs = real_sites
    expected = json.loads((REAL_PAGES / "expected.json").read_text("utf-8")).get("hb-zcwj-json")
    data = json.loads((REAL_PAGES / "pages/hb-scjg/zfxxgk/zcwj/qtwj/zcwj.json").read_text("utf-8"))
    if expected is None:   # the truth by its publication field, DOCRELTIME (PUBDATE is 成文日期)
        expected = [[r["FILENAME"], r["DOCRELTIME"][:10], r["URL"]] for r in data["data"]]
    items, state = run(http, bases["hb-scjg"] + "/zfxxgk/zcwj/qtwj/zcwj.json", preset,
                       CollectState(now=datetime(2024, 1, 3, tzinfo=BEIJING)))
    assert len(items) == len(expected) == 429
    # Titles compare with runs of spaces (U+2002 between co-issuing bodies) folded to one, as
    # every list title is.
    assert [(i.title, str(beijing_date(i.published_at)), i.url) for i in items] == \
        [(" ".join(t.split()), d, u) for t, d, u in expected]
    differ = sum(1 for r in data["data"] if r["PUBDATE"][:10] != r["DOCRELTIME"][:10])
    assert differ > 300                                   # the field choice is what is tested
    assert all(i.external for i in items)                 # scjg.hubei.gov.cn is never fetched
    assert [p for _m, p in logs["hb-scjg"] if not p.startswith("/robots")] == \
        ["/zfxxgk/zcwj/qtwj/zcwj.json"]
    assert state.memo["stop_reason"] == "last page (a data file: one answer holds the whole list)"
