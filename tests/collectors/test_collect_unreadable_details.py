"""A detail page that cannot be read never costs the rows of its column.

An outside tester's columns lost every row below one unreadable detail, on every pass: a
``location.href`` stub to a WeChat article, a JavaScript-cookie challenge, a detail slower than the
timeout. Details that 302 to a login page became three items titled 用户登录 (then merged as one
信息). Each case below is a small column served on 127.0.0.1 by the test: its rows are all kept with
the list's title and date, the unreadable detail says why on its item and on the pass's note, and
a later pass completes the item once its page reads (the same key: never counted twice).
"""
from __future__ import annotations

import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from collectors import BEIJING, REGISTRY, CollectState, Http, SourceError, beijing_date, canonical_url

NOW = datetime(2025, 10, 1, 10, 0, tzinfo=BEIJING)

STUB = ('<html><head><meta charset="utf-8"></head><body><script>'
        'window.location.href="https://mp.weixin.qq.com/s/ZzYyXxWw";</script></body></html>')
CHALLENGE = ('<html><head><meta charset="utf-8"></head><body><script>var _0x1=["__jsl_clearance_s",'
             '"=1701234567.123|0|abc"];document.cookie=_0x1[0]+_0x1[1]+";max-age=3600;path=/";'
             'location.href=location.pathname+location.search;</script></body></html>')
LOGIN = ('<html><head><meta charset="utf-8"><title>用户登录</title></head><body><form action="/login.do" '
         'method="post">用户名<input name="u">密码<input type="password" name="p"><button>登录</button>'
         '</form></body></html>')
SOFT404 = ('<html><head><meta charset="utf-8"><title>提示信息</title></head><body><h2>页面不存在</h2>'
           '<p>抱歉，您访问的页面不存在或已被删除！</p></body></html>')

TITLES = ["区商务局召开招商引资项目推进会", "区商务局组织商贸流通企业座谈", "区商务局发放汽车消费补贴",
          "区商务局推进农贸市场提质改造"]


def column(rows: list[int], title: str = "商务动态_卫滨区商务局") -> str:
    items = "".join(f'<li><a href="/news/202509/t2025091{n}_{n}.html">{TITLES[n - 1]}</a>'
                    f'<span>2025-09-1{n}</span></li>' for n in rows)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="nav"><a href="/">首页</a></div><ul class="list">{items}</ul>'
            '<div class="foot">主办单位：卫滨区商务局</div></body></html>')


def article(n: int, title: str | None = None) -> str:
    title = TITLES[n - 1] if title is None else title
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><div class="info">发布时间：2025-09-1{n} 09:00 来源：卫滨区商务局</div>'
            f'<div class="content"><p>{TITLES[n - 1]}。' + "卫滨区商务局推进各项工作，取得明显成效。" * 8
            + '</p></div></body></html>')


def detail_path(n: int) -> str:
    return f"/news/202509/t2025091{n}_{n}.html"


class Column:
    """A loopback site whose routes the test sets: path -> html, (status, location), or a
    callable returning one of those (for pages that change between passes or answer slowly)."""

    def __init__(self, routes: dict) -> None:
        self.routes = routes
        self.requests: list[str] = []

    def __enter__(self) -> "Column":
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                site.requests.append(path)
                answer = site.routes.get(path, (404, ""))
                if callable(answer):
                    answer = answer()
                status, body = (200, answer) if isinstance(answer, str) else answer
                data = b"" if status in (301, 302) else body.encode("utf-8")
                try:
                    self.send_response(status)
                    if status in (301, 302):
                        self.send_header("Location", body)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass    # the client gave up (a timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def key(self, n: int) -> str:
        return canonical_url(self.base + detail_path(n))


def one_pass(site: Column, http, memo: dict | None = None, known: set[str] = frozenset()):
    source = REGISTRY["website"]({"url": site.base + "/news/index.html", "preset": "list"}, http)
    memo = memo if memo is not None else {}
    memo.pop("warning", None)    # this pass's only, as the pipeline takes it
    state = CollectState(now=NOW, memo=memo, is_known=lambda key: key in known)
    return list(source.collect(state)), state.memo


def routes(**details) -> dict:
    out = {"/news/index.html": column([1, 2, 3, 4])}
    out.update({detail_path(n): article(n) for n in range(1, 5)})
    out.update({detail_path(int(k[1:])): v for k, v in details.items()})
    return out


def check_kept(items, site: Column, bad: list[int]) -> None:
    """Every row kept once, with the list's title and date; the bad ones say why."""
    got = {i.key: i for i in items}
    assert sorted(got) == sorted(site.key(n) for n in range(1, 5))
    for n in range(1, 5):
        item = got[site.key(n)]
        assert item.title == TITLES[n - 1]
        assert str(beijing_date(item.published_at)) == f"2025-09-1{n}"
        if n in bad:
            assert item.extra["detail_error"] and "\n" not in item.extra["detail_error"]
            assert item.body == ""
        else:
            assert "detail_error" not in item.extra and item.body


@pytest.mark.parametrize("page,said,retried", [
    (STUB, "redirect stub", False),
    (CHALLENGE, "script-only page", True),
    ((302, "/login.jsp"), "login page", True),
], ids=["wechat-stub", "js-challenge", "login-redirect"])
def test_one_unreadable_detail_keeps_every_row_of_the_column(http, page, said, retried):
    with Column({**routes(n2=page), "/login.jsp": LOGIN}) as site:
        items, memo = one_pass(site, http)
        check_kept(items, site, bad=[2])
        item = next(i for i in items if i.key == site.key(2))
        assert said in item.extra["detail_error"]
        assert memo["warning"].startswith("1 detail page not read, the rows kept with the list's "
                                          "title and date; first: ")
        assert (site.key(2) in memo.get("unread_details", {})) is retried
    if page is STUB:
        assert item.extra["detail_redirect"] == "https://mp.weixin.qq.com/s/ZzYyXxWw"


def test_details_redirected_to_a_login_page_keep_their_own_titles(http):
    """g3-login: three rows whose details 302 to /login.jsp were three items titled 用户登录."""
    login = (302, "/login.jsp")
    with Column({**routes(n1=login, n2=login, n3=login), "/login.jsp": LOGIN}) as site:
        items, memo = one_pass(site, http)
        check_kept(items, site, bad=[1, 2, 3])
    assert {i.title for i in items} == set(TITLES)
    assert all(i.extra["detail_error"].startswith("login page at ") for i in items[:3])
    assert memo["warning"].startswith("3 detail pages not read, the rows kept")


def test_a_detail_slower_than_the_timeout_is_kept_and_the_reason_is_whole():
    def slow() -> str:
        time.sleep(1.5)
        return article(3)
    http = Http(respect_robots=False, min_delay=0, retries=0, timeout=(0.5, 0.5))
    with Column(routes(n3=slow)) as site:
        items, memo = one_pass(site, http)
        check_kept(items, site, bad=[3])
    why = next(i for i in items if i.key == site.key(3)).extra["detail_error"]
    assert why == f"timed out after 0.5 s fetching {site.base}{detail_path(3)}"
    assert list(memo["unread_details"]) == [site.key(3)]


def test_a_generic_detail_title_never_replaces_the_list_title(http):
    """The site's name, 提示, 登录 …: not the article's title; the list's stays."""
    pages = routes(n1=article(1, "卫滨区商务局"), n2=article(2, "提示"),
                   n3=article(3, "区商务局发放汽车消费补贴（第二批）"))
    with Column(pages) as site:
        items, _memo = one_pass(site, http)
    got = {i.key: i for i in items}
    assert got[site.key(1)].title == TITLES[0] and got[site.key(1)].extra["detail_title"] == "卫滨区商务局"
    assert got[site.key(2)].title == TITLES[1] and got[site.key(2)].extra["detail_title"] == "提示"
    # a fuller title of the same article is the article's: it wins, the list's is kept beside it
    assert got[site.key(3)].title == "区商务局发放汽车消费补贴（第二批）"
    assert got[site.key(3)].extra["list_title"] == TITLES[2]
    assert all(i.body for i in items)


def test_a_later_pass_completes_the_kept_row_once_its_page_reads(http):
    page = {"now": CHALLENGE}
    with Column(routes(n2=lambda: page["now"])) as site:
        first, memo = one_pass(site, http)
        known = {i.key for i in first}
        # still a challenge: nothing new to save, the row stays remembered
        again, memo = one_pass(site, http, memo, known)
        assert again == [] and memo["unread_details"][site.key(2)]["tries"] == 2
        page["now"] = article(2)
        done, memo = one_pass(site, http, memo, known)
        assert [i.key for i in done] == [site.key(2)]
        assert done[0].body and done[0].title == TITLES[1] and "detail_error" not in done[0].extra
        assert "unread_details" not in memo and "warning" not in memo
        assert one_pass(site, http, memo, known)[0] == []


def test_a_kept_row_no_longer_on_page_one_is_fetched_from_the_memo(http):
    page = {"now": CHALLENGE}
    pages = routes(n2=lambda: page["now"])
    with Column(pages) as site:
        first, memo = one_pass(site, http)
        known = {i.key for i in first}
        pages["/news/index.html"] = column([1, 3, 4])   # row 2 moved off the first page
        page["now"] = article(2)
        done, memo = one_pass(site, http, memo, known)
    assert [i.key for i in done] == [site.key(2)]
    assert done[0].title == TITLES[1] and str(beijing_date(done[0].published_at)) == "2025-09-12"
    assert "unread_details" not in memo


def test_a_page_that_stays_unreadable_is_given_up_on(http):
    with Column(routes(n2=CHALLENGE)) as site:
        first, memo = one_pass(site, http)
        known = {i.key for i in first}
        for _ in range(10):
            assert one_pass(site, http, memo, known)[0] == []
        fetched = site.requests.count(detail_path(2))
    assert "unread_details" not in memo
    assert fetched == 8
    # given up, but its item still has only the list's title: remembered for report check
    assert list(memo["unread_final"]) == [site.key(2)]
    assert memo["unread_final"][site.key(2)]["date"].startswith("2025-09-1")


def test_a_row_whose_page_is_not_asked_for_again_is_remembered_until_read(http):
    # a 404 (gone upstream) is not retried; its item keeps the list's title and date, and the
    # memo says so until its page is read (report check warns from it: gongkai/coverage.py)
    pages = routes(n3=(404, "not found"))
    with Column(pages) as site:
        first, memo = one_pass(site, http)
        check_kept(first, site, bad=[3])
        assert list(memo["unread_final"]) == [site.key(3)] and "unread_details" not in memo
        assert "404" in memo["unread_final"][site.key(3)]["why"]
        # read at last (met again as a row the memo does not want: a new pass of a new store)
        pages[detail_path(3)] = article(3)
        again, memo = one_pass(site, http, memo)
    assert {i.key for i in again} >= {site.key(3)}
    assert "unread_final" not in memo


def test_an_empty_column_that_says_so_is_ok_with_a_note(http):
    empty = column([]).replace('<ul class="list"></ul>', '<ul class="list"></ul><p class="nodata">暂无信息</p>')
    with Column({"/news/index.html": empty}) as site:
        items, memo = one_pass(site, http)
        assert items == [] and memo["warning"] == "empty column: page 1 says '暂无信息'"
        # a column that listed rows before and now shows none is not "empty": it failed
        with pytest.raises(SourceError, match="no items found .* it listed 4 last time"):
            one_pass(site, http, {"page1_rows": 4})


@pytest.mark.parametrize("filler", [
    '<script>$.getJSON("/news/data/list_1.json", function (d) { $("#rows").html(d.html); });'
    '</script>',
    '<script>document.getElementById("rows").innerHTML = rows;</script>',
    '<script>$(".nodata").hide();</script>'])
def test_a_placeholder_a_script_replaces_is_no_empty_column(http, filler):
    # rows built by the page's script (never run here): its "暂无数据" is what a browser replaces
    empty = column([]).replace(
        '<ul class="list"></ul>', '<h2>商务动态</h2><p>本栏目发布卫滨区商务局工作动态。</p>'
        f'<ul class="list" id="rows"><li class="nodata">暂无数据</li></ul>{filler}')
    with Column({"/news/index.html": empty}) as site:
        with pytest.raises(SourceError, match="no items found"):
            one_pass(site, http)


def test_an_empty_page_without_those_words_still_fails(http):
    with Column({"/news/index.html": column([])}) as site:
        with pytest.raises(SourceError, match="no items found"):
            one_pass(site, http)


def test_a_column_redirected_to_a_login_page_says_so(http):
    with Column({"/news/index.html": (302, "/login.jsp?redirect=/news/index.html"),
                 "/login.jsp": LOGIN}) as site:
        with pytest.raises(SourceError, match=r"column's page is a login page at .*/login\.jsp"):
            one_pass(site, http)


def test_a_soft_404_detail_is_kept_noted_but_not_retried(http):
    with Column(routes(n4=SOFT404)) as site:
        items, memo = one_pass(site, http)
        check_kept(items, site, bad=[4])
    assert "soft 404" in items[-1].extra["detail_error"]
    assert items[-1].extra["upstream"] == "gone"     # the store records it as gone, not live
    assert all("upstream" not in i.extra for i in items[:-1])
    assert "unread_details" not in memo and "warning" not in memo


def test_source_test_reads_three_details_and_says_each(http):
    """`gongkai source test` read one detail page: a column whose first detail is a stub failed,
    and one whose third is a login page passed unseen."""
    from collectors import verify
    with Column({**routes(n1=STUB, n3=(302, "/login.jsp")), "/login.jsp": LOGIN}) as site:
        source = REGISTRY["website"]({"url": site.base + "/news/index.html", "preset": "list"}, http)
        v = verify(source, NOW, detail=True)
        stubs = REGISTRY["website"]({"url": site.base + "/news/index.html", "preset": "list"}, http)
        site.routes.update({detail_path(n): STUB for n in range(1, 5)})
        w = verify(stubs, NOW, detail=True)
    details = [e for e in v.evidence if e.startswith("detail:")]
    assert len(details) == 3 and v.ok, v.problems
    assert details[0].startswith("detail: could not be read (redirect stub at ")
    assert details[1].startswith("detail: dated 2025-09-12 (") and details[1].endswith(
        f"characters of text — {site.base}{detail_path(2)}")
    assert details[2].startswith("detail: could not be read (login page at ")
    assert not w.ok and w.problems == ["none of the 3 detail pages checked could be read (above)"]
    assert sum(e.startswith("detail: could not be read (redirect stub at ") for e in w.evidence) == 3


def test_source_test_of_an_empty_column_that_says_so_is_ok(http):
    from collectors import verify
    empty = column([]).replace('<ul class="list"></ul>', '<ul class="list"></ul><p>暂无数据</p>')
    with Column({"/news/index.html": empty}) as site:
        source = REGISTRY["website"]({"url": site.base + "/news/index.html", "preset": "list"}, http)
        v = verify(source, NOW, detail=True)
        probed = verify(REGISTRY["website"]({"url": site.base + "/news/index.html"}, http), NOW)
    assert v.ok and v.evidence == ["page 1 has no rows and says '暂无数据': the column is empty"]
    assert not probed.ok and probed.problems[0].startswith("page 1 has no rows and says '暂无数据'")


def test_after_three_challenges_in_a_row_the_pass_asks_for_no_more_details(http):
    """A site that walls every detail off is not asked for each of them: after three the rest of
    the rows are kept with the list's data and wait for the next pass (without a try spent)."""
    pages = routes(n1=CHALLENGE, n2=CHALLENGE, n3=CHALLENGE)
    with Column(pages) as site:
        first, memo = one_pass(site, http)
        check_kept(first, site, bad=[1, 2, 3, 4])
        assert detail_path(4) not in site.requests
        assert first[3].extra["detail_error"] == ("not fetched on this pass: the last 3 detail pages "
                                                  "fetched were challenge or verification pages")
        assert [e["tries"] for e in memo["unread_details"].values()] == [1, 1, 1, 0]
        assert memo["warning"].startswith("4 detail pages not read")
        pages.update({detail_path(n): article(n) for n in range(1, 5)})
        done, memo = one_pass(site, http, memo, {i.key for i in first})
    assert sorted(i.key for i in done) == sorted(site.key(n) for n in range(1, 5))
    assert all(i.body and "detail_error" not in i.extra for i in done)
    assert "unread_details" not in memo


def test_a_detail_redirected_to_another_page_is_not_the_article(http):
    """A detail that 302s to the site's home page (no password field, no 登录): that page's title
    and text have nothing of the row's, so it is not read as the article."""
    home = ('<html><head><meta charset="utf-8"><title>卫滨区商务局</title></head><body>'
            '<h1>卫滨区商务局</h1><div class="content"><p>' + "政务服务 办事指南 互动交流 区商务局 "
            "消费补贴 " * 20 + '</p></div></body></html>')
    moved = {"/index.html": home, "/news/moved/4.html": article(4)}   # a 301 to the article: read
    with Column({**routes(n3=(302, "/index.html"), n4=(301, "/news/moved/4.html")), **moved}) as site:
        items, memo = one_pass(site, http)
        check_kept(items, site, bad=[3])
    why = next(i for i in items if i.key == site.key(3)).extra["detail_error"]
    assert why == (f"redirected from {site.base}{detail_path(3)} to {site.base}/index.html, a page "
                   "that is not the article (title '卫滨区商务局')")
    assert site.key(3) in memo["unread_details"]


def test_a_remembered_row_comes_back_as_the_list_showed_it():
    """The memo is JSON between passes: the row fetched again from it is the row the list showed
    (its date as written, where a year-less date took its year, its other dates)."""
    import json

    from collectors._http import FetchError
    from collectors._listing import Row
    from collectors._rowitem import RowReader

    class Down:
        def get(self, url, **kw):
            raise FetchError(f"timed out after 5 s fetching {url}", url=url, kind="network")

    when = datetime(2025, 12, 28, tzinfo=BEIJING)
    row = Row(url="http://gov.example/news/1.html", title=TITLES[0], date_text="12-28", date=when,
              year_from="2025年 (heading)", also=(("2026-01-04", datetime(2026, 1, 4, tzinfo=BEIJING)),))
    memo: dict = {}
    RowReader(Down(), frozenset({"gov.example"}), memo).item("k1", row, "neighbours")
    again = RowReader(Down(), frozenset({"gov.example"}), json.loads(json.dumps(memo)))
    asked = []
    again.item = lambda key, r, how, known=False: asked.append((key, r, how))
    assert list(again.leftovers(set(), {})) == []
    assert asked == [("k1", row, "neighbours")]
