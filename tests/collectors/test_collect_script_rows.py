"""Columns whose rows a script builds (collectors/_scriptrows.py), read without running it
(outside test 6, defect 6): TRS rows written by ``document.write`` string literals, and an empty
``<ul id="list">`` filled from a JSON list the page's script loads.

The pages are modelled on the shapes met in the wild (TRS ``createPageHTML`` templates writing
``<li>`` rows; /work/shared/real-pages ndrc's ``if (jdFlag == 1) document.write(badge)`` and the
countpage-docwrite pager writes, which must write no row; ``$.getJSON``/``fetch``/``$.ajax`` of a
``data/list_N.json`` or a ``?page=N`` API with ``data``/``list``/``rows`` arrays, epoch-ms dates),
served on 127.0.0.1 by the test itself, with nasty cases: a JSON error page answered 200, an empty
list, HTML entities in titles, a record without a date, a huge list, a list on another host."""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from collectors import BEIJING, REGISTRY, CollectState, ConfigError, SourceError, beijing_date, probe
from collectors._listing import find_list
from collectors._pages import soup_of

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=BEIJING)
PAGE_HEAD = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>工作动态_卫滨区商务局</title>'
             '</head><body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
             '<div class="crumb">当前位置：<a href="/">首页</a> &gt; 工作动态</div>')
PAGE_FOOT = '<div class="foot">主办单位：卫滨区商务局 版权所有</div></body></html>'
DETAIL = ('<html><head><meta charset="utf-8"><title>{t}</title></head><body><h1>{t}</h1>'
          '<div class="content"><p>区商务局开展工作，推动商贸流通高质量发展。' + "内容。" * 40 +
          '</p></div></body></html>')


class Site:
    """Loopback server of a dict of routes (path with query -> (status, content type, body)); any
    other ``.html`` path is a plain detail page without a date (items are dated by the list)."""

    def __init__(self, routes: dict[str, tuple[int, str, str]]) -> None:
        self.routes, self.requests = routes, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.requests.append(self.path)
                status, ctype, body = site.routes.get(self.path, (0, "", ""))
                if not status:
                    if self.path.endswith(".html"):
                        status, ctype, body = 200, "text/html", DETAIL.format(t="区商务局工作动态信息")
                    else:
                        status, ctype, body = 404, "text/html", "<html><title>404 Not Found</title></html>"
                data = body.replace("{{HOST}}", site.host).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype + ";charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.base = f"http://{self.host}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site():
    made = []

    def start(routes):
        made.append(Site(routes))
        return made[-1]

    yield start
    for s in made:
        s.close()


def _html(body: str) -> tuple[int, str, str]:
    return 200, "text/html", PAGE_HEAD + body + PAGE_FOOT


def _json(data, status: int = 200) -> tuple[int, str, str]:
    return status, "application/json", json.dumps(data, ensure_ascii=False)


def crawl(http, opts: dict) -> list:
    return list(REGISTRY["website"](opts, http).collect(CollectState(now=NOW)))


def dated(items) -> list[tuple[str, str | None]]:
    """(the item's page name, its Beijing date): the title is the detail page's own."""
    return sorted((i.url.rsplit("/", 1)[1], str(beijing_date(i.published_at)) if i.published_at
                   else "") for i in items)


# -- document.write rows ---------------------------------------------------------------------

def _trs_page(script: str, current: int, count: int = 2) -> tuple[int, str, str]:
    return _html(f'<div class="list"><ul class="list-ul"><script type="text/javascript">{script}'
                 '</script></ul></div><div class="page"><script type="text/javascript">'
                 f'var currentPage = {current}; var countPage = {count};\n'
                 'createPageHTML(countPage, currentPage, "index", "html");</script></div>')


WRITES = {
    # one literal per row (the outside tester's shape)
    "single": ("document.write('<li><a href=\"./202502/t20250210_11.html\" title=\"区商务局举办新春消费季"
               "启动仪式\">区商务局举办新春消费季启动仪式</a><span class=\"date\">2025-02-10</span></li>');\n"
               "document.write('<li><a href=\"./202503/t20250311_12.html\">区商务局召开招商引资项目推进会"
               "</a><span>2025-03-11</span></li>');"),
    # double quotes, escaped quotes, literals joined with +, writeln, a \\u escape, an HTML comment wrapper
    "concat": ("<!--\ndocument.write(\"<li><a href=\\\"./202502/t20250210_11.html\\\">\" + "
               "\"区商务局举办新春消费季启动仪式</a>\"\n + \"<span>2025-02-10</span></li>\");\n"
               "document.writeln(\"<li><a href='./202503/t20250311_12.html'>区商务局召开\\u62db\\u5546"
               "引资项目推进会</a>\" + '<span>2025-03-11</span></li>');\n//-->"),
    # rows gathered in a variable first
    "gathered": ("var str = '';\nstr += '<li><a href=\"./202502/t20250210_11.html\">区商务局举办新春消费季"
                 "启动仪式</a><span>2025-02-10</span></li>';\nstr += '<li><a href=\"./202503/"
                 "t20250311_12.html\">区商务局召开招商引资项目推进会</a>' + '<span>2025-03-11</span></li>'\n"
                 "document.write(str);"),
    # one script per row, writing the link inside a static <li> that holds the date
    "per-row": ("</script><li><script>document.write(\"<a href='./202502/t20250210_11.html'>区商务局举办"
                "新春消费季启动仪式</a>\");</script><span>2025-02-10</span></li>\n<li><script>"
                "var title = '区商务局召开招商引资项目推进会'; document.write('<a href=\"./202503/t20250311_12.html\">'"
                " + title + '</a>');</script><span>2025-03-11</span></li><script>"),
}
WANT = [("区商务局举办新春消费季启动仪式", "2025-02-10"), ("区商务局召开招商引资项目推进会", "2025-03-11")]


@pytest.mark.parametrize("shape", sorted(WRITES))
def test_rows_written_by_document_write_literals_are_read_on_every_page(site, http, shape):
    page2 = WRITES[shape].replace("20250210_11", "20250612_13").replace("20250311_12", "20250713_14") \
        .replace("2025-02-10", "2025-06-12").replace("2025-03-11", "2025-07-13") \
        .replace("新春消费季启动仪式", "家电以旧换新活动").replace("招商引资项目推进会", "安全生产检查会")
    s = site({"/col/index.html": _trs_page(WRITES[shape], 0), "/col/index_1.html": _trs_page(page2, 1)})
    result = probe(s.base + "/col/index.html", http, now=NOW)
    assert result.ok, result.problem
    assert [(r.title, str(beijing_date(r.date))) for r in result.rows] == WANT
    assert any("rows written by the page's script" in e for e in result.evidence)
    items = crawl(http, {"url": s.base + "/col/index.html", "preset": result.preset})
    assert dated(items) == [("t20250210_11.html", "2025-02-10"), ("t20250311_12.html", "2025-03-11"),
                            ("t20250612_13.html", "2025-06-12"), ("t20250713_14.html", "2025-07-13")]
    assert {i.url.rsplit("/", 2)[0] for i in items} == {s.base + "/col"}   # resolved against the page


def test_writes_made_of_values_only_a_script_knows_write_no_row():
    # the row's link comes from code (a variable set by a call), the 解读 badge behind a
    # condition writes no link, the pager computes its address: nothing here is a readable row
    html = PAGE_HEAD + """<ul class="list"><li><a href="./202501/t20250105_1.html">区商务局召开会议</a>
<script>if (jdFlag == 1) document.write('<strong><img src="/images/jiedu.png" alt="解读"/></strong>');</script>
<span>2025-01-05</span></li>
<script>document.write('<li><a href="./202501/t20250107_3.html">区商务局发布通告</a><span>2025-01-07</span></li>');
var u = getUrl(3); document.write('<li><a href="' + u + '">区商务局开展检查</a><span>2025-01-06</span></li>');
var nextPage = currentPage + 1;
if (nextPage < countPage) document.write("<a href=\\"index_" + nextPage + ".html\\">下一页</a>");</script>
</ul>""" + PAGE_FOOT
    soup = soup_of(html)
    rows, note = find_list(soup, "http://127.0.0.1:1/col/index.html", context_year=2025)
    assert [(r.title, r.url) for r in rows] == [("区商务局召开会议", "http://127.0.0.1:1/col/202501/t20250105_1.html"),
                                                ("区商务局发布通告", "http://127.0.0.1:1/col/202501/t20250107_3.html")]
    assert "written by the page's script" not in note    # one row of the list is the page's own
    assert soup.find(string=lambda s: "jdFlag" in s) is not None     # the badge script stays as it was
    assert "index_" not in " ".join(a.get("href", "") for a in soup.find_all("a"))


# -- JSON lists the page loads ---------------------------------------------------------------

def _list_page(script: str) -> tuple[int, str, str]:
    return _html(f'<ul id="list"></ul><div class="page" id="page"></div><script>{script}</script>')


def _records(n0: int, n: int, **extra) -> list[dict]:
    return [{"title": f"区商务局工作动态第{k}期", "url": f"./2025{k % 12 + 1:02d}/t2025{k % 12 + 1:02d}10_{k}.html",
             "pubDate": f"2025-{k % 12 + 1:02d}-10", **extra} for k in range(n0, n0 + n)]


def test_a_getjson_list_file_is_found_read_on_every_page_with_links_against_the_page(site, http):
    s = site({
        "/gg/index.html": _list_page('$.getJSON("data/list_1.json", function (j) { var h = "";'
                                     ' $.each(j.list, function (i, x) { h += \'<li><a href="\' + x.url +'
                                     ' \'">\' + x.title + "</a></li>"; }); $("#list").html(h); });'),
        "/gg/data/list_1.json": _json({"totalPage": 2, "list": _records(1, 3)}),
        "/gg/data/list_2.json": _json({"totalPage": 2, "list": _records(4, 2)}),
    })
    result = probe(s.base + "/gg/index.html", http, now=NOW)
    assert result.ok, result.problem
    assert result.preset == "datafile" and result.list_json == s.base + "/gg/data/list_1.json"
    assert any("rows from the JSON list data/list_1.json" in e for e in result.evidence)
    snippet = result.snippet()
    assert f'list_json = "{s.base}/gg/data/list_1.json"' in snippet and 'preset = "datafile"' in snippet
    # the snippet as configured: every page, links resolved against the page (./2025… is /gg/2025…)
    items = crawl(http, {"url": s.base + "/gg/index.html", "list_json": "data/list_1.json"})
    assert len(items) == 5 and all(i.url.startswith(s.base + "/gg/2025") for i in items)
    assert "/gg/data/list_2.json" in s.requests


def test_a_fetch_with_a_computed_page_number_and_a_paged_api_with_epoch_ms(site, http):
    # publishTime (epoch ms) 2024-12-31 16:30 UTC is 2025-01-01 00:30 in Beijing: the 2025 column
    boundary = int(datetime(2024, 12, 31, 16, 30, tzinfo=timezone.utc).timestamp() * 1000)
    written = int(datetime(2024, 12, 20, tzinfo=timezone.utc).timestamp() * 1000)
    rec = [{"name": "关于春节期间安全生产的通知", "link": "/tz/202501/t20250101_1.html",
            "publishTime": boundary, "createTime": written},
           {"name": "区商务局开展&quot;诚信经营&quot;活动&amp;宣传", "link": "/tz/202501/t20250102_2.html",
            "publishTime": boundary + 86_400_000, "createTime": written},
           {"name": "区商务局公布2025年家电以旧换新门店名单", "link": "/tz/202501/t20250103_3.html",
            "publishTime": None, "createTime": None}]
    s = site({
        "/tz/index.html": _list_page('var currentPage = 0; function load(p) { fetch("/tz/data/list_" + (p + 1)'
                                     ' + ".json").then(r => r.json()).then(j => render(j.data)); } load(currentPage);'),
        "/tz/data/list_1.json": _json({"total": 5, "pageSize": 3, "data": rec}),
        "/tz/data/list_2.json": _json({"total": 5, "pageSize": 3, "data": [
            {"name": "区商务局开展预付卡专项整治", "link": "/tz/202502/t20250203_4.html",
             "publishTime": boundary + 3 * 86_400_000},
            {"name": "区商务局召开招商引资推进会", "link": "/tz/202502/t20250204_5.html",
             "publishTime": boundary + 4 * 86_400_000}]}),
        "/api/list?page=1&size=2": _json({"rows": _records(1, 2), "total": 3}),
        "/api/list?page=2&size=2": _json({"rows": _records(3, 1), "total": 3}),
        "/ax/index.html": _list_page('$.ajax({type: "get", url: "/api/list?page=1&size=2", dataType: "json",'
                                     ' success: function (res) { show(res.rows); }});'),
    })
    result = probe(s.base + "/tz/index.html", http, now=NOW)
    assert result.ok, result.problem
    assert result.list_json == s.base + "/tz/data/list_1.json"
    assert [r.title for r in result.rows][1] == '区商务局开展"诚信经营"活动&宣传'   # entities read
    items = crawl(http, {"url": s.base + "/tz/index.html", "preset": "datafile",
                         "list_json": "/tz/data/list_1.json"})
    assert dated(items) == [("t20250101_1.html", "2025-01-01"),      # Beijing time, publishTime
                            ("t20250102_2.html", "2025-01-02"),
                            ("t20250103_3.html", "2025-01-03"),       # no list date: kept, dated by its own page
                            ("t20250203_4.html", "2025-01-04"), ("t20250204_5.html", "2025-01-05")]
    ajax = probe(s.base + "/ax/index.html", http, now=NOW)
    assert ajax.ok and ajax.list_json == s.base + "/api/list?page=1&size=2", ajax.problem
    assert len(crawl(http, {"url": s.base + "/ax/index.html", "list_json": "/api/list?page=1&size=2"})) == 3


def test_an_api_a_call_loads_is_read_with_or_without_a_page_number(site, http):
    # {code, digest_list: [{id, source, url, type, title, time}]}: a list API met in the wild
    # (getPageList?page=1&page_size=10); no total: read until an empty page
    def digest(k0, n):
        return [{"id": k, "source": "http://other.example/x", "url": f"/news/2025/t202503{k:02d}_{k}.html",
                 "type": 0, "title": f"区商务局招标动态第{k}期", "time": f"2025-03-{k:02d} 16:55:02"}
                for k in range(k0, k0 + n)]
    s = site({
        "/p/index.html": _list_page('$.getJSON("/digest/getPageList?page=1&page_size=2&type=1", show);'),
        "/digest/getPageList?page=1&page_size=2&type=1": _json({"code": 0, "digest_list": digest(1, 2)}),
        "/digest/getPageList?page=2&page_size=2&type=1": _json({"code": 0, "digest_list": digest(3, 1)}),
        "/digest/getPageList?page=3&page_size=2&type=1": _json({"code": 0, "digest_list": []}),
        "/q/index.html": _list_page('$(function () { $.ajax({ url: "/api/articles", type: "get", '
                                    'dataType: "json", success: function (r) { show(r.digest_list); } }); });'
                                    'var logo = "/images/logo.png";'),
        "/api/articles": _json({"code": 0, "digest_list": digest(5, 3)}),
    })
    paged = probe(s.base + "/p/index.html", http, now=NOW)
    assert paged.ok and paged.list_json.endswith("/digest/getPageList?page=1&page_size=2&type=1"), paged.problem
    assert len(crawl(http, {"url": s.base + "/p/index.html", "list_json": paged.list_json})) == 3
    whole = probe(s.base + "/q/index.html", http, now=NOW)
    assert whole.ok and whole.list_json == s.base + "/api/articles", whole.problem
    assert [r.title for r in whole.rows] == ["区商务局招标动态第5期", "区商务局招标动态第6期", "区商务局招标动态第7期"]
    assert "/images/logo.png" not in s.requests


def test_a_jsonp_list_is_read_as_data(site, http):
    # gov.cn's 最新政策 box: $.ajax({url: "…/pushinfo.jsonp", dataType: "jsonp", jsonpCallback: …})
    body = "pushInfoJsonpCallBack(" + json.dumps(
        [{"title": f"国务院办公厅关于促进消费的通知（{k}）", "link": f"/zhengce/content/202501/content_70{k}.htm",
          "pubDate": f"2025-01-0{k}"} for k in range(1, 4)], ensure_ascii=False) + ");"
    s = site({"/zc/index.html": _list_page('$(function () { $.ajax({ type: "GET", url: "/pushinfo/v150203/'
                                           'pushinfo.jsonp", dataType: "jsonp", jsonp: "pushInfoJsonpCallBack",'
                                           ' jsonpCallback: "pushInfoJsonpCallBack", success: show }); });'),
              "/pushinfo/v150203/pushinfo.jsonp": (200, "application/javascript", body)})
    result = probe(s.base + "/zc/index.html", http, now=NOW)
    assert result.ok and result.list_json == s.base + "/pushinfo/v150203/pushinfo.jsonp", result.problem
    assert [(r.title[-3:], str(beijing_date(r.date))) for r in result.rows] == [
        ("（1）", "2025-01-01"), ("（2）", "2025-01-02"), ("（3）", "2025-01-03")]


BROKEN = {
    "error-200": {"code": 500, "msg": "系统繁忙，请稍后再试", "data": None},
    "empty": {"total": 0, "data": []},
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_json_error_page_or_an_empty_list_is_never_verified_as_the_column(site, http, case):
    s = site({"/e/index.html": _list_page('$.getJSON("data/list_1.json", show);'),
              "/e/data/list_1.json": _json(BROKEN[case])})
    result = probe(s.base + "/e/index.html", http, now=NOW)
    assert not result.ok and not result.snippet()
    assert "/e/data/list_1.json" in s.requests       # the list was looked at, and refused


def test_a_list_on_a_host_the_source_does_not_allow_is_said_and_not_read(site, http):
    s = site({"/o/index.html": _list_page('$.getJSON("http://127.0.0.2:9/o/data/list_1.json", show);')})
    result = probe(s.base + "/o/index.html", http, now=NOW)
    assert not result.ok
    assert any("127.0.0.2:9/o/data/list_1.json, on a host the source does not allow" in f
               for f in result.findings)


def test_a_huge_json_list_the_page_loads_is_read_whole(site, http):
    s = site({"/big/index.html": _list_page('$.getJSON("all.json", show);'),
              "/big/all.json": _json({"data": _records(1, 20_000)})})
    start = time.monotonic()
    result = probe(s.base + "/big/index.html", http, now=NOW)
    assert result.ok, result.problem
    assert len(result.rows) == 20_000 and result.rows[-1].title == "区商务局工作动态第20000期"
    assert time.monotonic() - start < 30


def test_a_json_source_pages_by_its_file_number_or_by_page_url(site, http):
    routes = {"/j/data/list_1.json": _json({"pageCount": 2, "data": _records(1, 2)}),
              "/j/data/list_2.json": _json({"pageCount": 2, "data": _records(3, 2)}),
              "/k/p1.json": _json({"pageCount": 2, "data": _records(1, 2)}),
              "/k/p2.json": _json({"pageCount": 2, "data": _records(3, 2)})}
    s = site(routes)
    assert len(crawl(http, {"url": s.base + "/j/data/list_1.json", "preset": "datafile"})) == 4
    assert len(crawl(http, {"url": s.base + "/k/p1.json", "preset": "datafile", "page_url": "p{n}.json"})) == 4
    with pytest.raises(SourceError, match="page_url"):
        crawl(http, {"url": s.base + "/k/p1.json", "preset": "datafile"})


def test_list_json_needs_the_datafile_preset():
    with pytest.raises(ConfigError, match="'list_json' needs preset"):
        REGISTRY["website"]({"url": "http://127.0.0.1:1/a/index.html", "preset": "trs",
                             "list_json": "data/list_1.json"}, None)


def test_a_hostile_script_is_read_in_bounded_time_and_depth():
    # 100,000 nested parentheses once raised RecursionError; an unclosed /* and a long string
    # must neither hang nor hide the literal rows written before them
    hostile = ("document.write('<li><a href=\"./202501/t20250105_1.html\">区商务局召开会议</a>"
               "<span>2025-01-05</span></li>');\n"
               "document.write('x' + " + "(" * 100_000 + ");\nvar s = '" + "a" * 100_000 + "/*" * 50_000)
    soup = soup_of(PAGE_HEAD + f"<ul class=\"list\"><script>{hostile}</script></ul>" + PAGE_FOOT)
    start = time.monotonic()
    rows, note = find_list(soup, "http://127.0.0.1:1/col/index.html", context_year=2025)
    assert [r.title for r in rows] == ["区商务局召开会议"] and "written by the page's script" in note
    assert time.monotonic() - start < 5


def test_a_crawl_of_the_page_alone_fails_naming_the_json_list_and_its_placeholder_is_not_an_empty_column(site, http):
    s = site({"/n/index.html": _html('<ul id="list"><li class="empty">暂无信息</li></ul><script>'
                                     '$.getJSON("data/list_1.json", show);</script>'),
              "/n/data/list_1.json": _json({"data": _records(1, 2)})})
    with pytest.raises(SourceError) as err:
        crawl(http, {"url": s.base + "/n/index.html", "preset": "trs"})
    assert f'list_json = "{s.base}/n/data/list_1.json"' in str(err.value)
    assert len(crawl(http, {"url": s.base + "/n/index.html", "list_json": "data/list_1.json"})) == 2
