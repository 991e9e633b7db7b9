"""The offline sample site: served on loopback, crawled with urllib, compared with its own truth."""
from __future__ import annotations

import dataclasses
import re
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit, parse_qs
from zoneinfo import ZoneInfo

import pytest

import classifier
from gongkai import manual
from gongkai.demo import _data
from gongkai.demo import (BOARD_XLSX, DESIGN, SOURCE_IDS, Site, board_xlsx_bytes, build_site,
                          config_text, serve, write_board_xlsx)

SH = ZoneInfo("Asia/Shanghai")
CATS = ["内贸流通", "促消费", "招商引资", "安全生产", "行政事项审批", "其他"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site()


@pytest.fixture(scope="module")
def base(site):
    with serve(site) as url:
        yield url


def get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def by_channel(site, channel, ours=None):
    return [i for i in site.items if i.channel == channel and (ours is None or i.ours == ours)]


# ------------------------------------------------------------------------------------ the truth

def test_truth_2024_is_the_seed_report(site):
    t = site.truth(2024)
    assert t["year"] == 2024
    assert t["categories"] == {"内贸流通": 7, "促消费": 36, "招商引资": 28, "安全生产": 17,
                               "行政事项审批": 4, "其他": 13}
    assert t["total"] == 105
    assert {k: v for k, v in t.items() if k != "year"} == DESIGN[2024]


def test_truth_2025_and_shape(site):
    t = site.truth(2025)
    assert {k: v for k, v in t.items() if k != "year"} == DESIGN[2025]
    for year in (2023, 2024, 2025, 2026):
        t = site.truth(year)
        assert list(t["categories"]) == CATS
        assert list(t["by_channel"]) == ["website", "wechat", "district-wechat", "board"]
        assert all(list(d) == CATS for d in t["by_channel"].values())
        assert t["total"] == sum(t["categories"].values())
    assert site.truth(2026)["total"] == 0


def _without(site, pred) -> Site:
    return Site(pages=site.pages, items=[i for i in site.items if not pred(i)])


def test_truth_is_computed_from_the_items(site):
    just_after = datetime(2025, 1, 1, 0, 10, tzinfo=SH)
    just_before = datetime(2024, 12, 31, 23, 50, tzinfo=SH)
    assert _without(site, lambda i: i.published == just_after).truth(2025)["categories"]["促消费"] == 0
    assert _without(site, lambda i: i.published == just_before).truth(2024)["categories"]["促消费"] == 35
    # a 信息 on several channels counts once; dropping one of its channels changes only by_channel
    multi = next(i.cluster for i in site.items if i.title.startswith("【商务动态】"))
    fewer = _without(site, lambda i: i.cluster == multi and i.channel == "wechat").truth(2024)
    assert fewer["categories"] == site.truth(2024)["categories"]
    assert fewer["by_channel"]["wechat"]["促消费"] == site.truth(2024)["by_channel"]["wechat"]["促消费"] - 1
    # not-ours items never count, whatever they say
    assert _without(site, lambda i: not i.ours).truth(2024) == site.truth(2024)
    # the board's notice is a cross-post of a website notice: it adds to by_channel only
    no_board = _without(site, lambda i: i.channel == "board").truth(2024)
    assert no_board["categories"] == site.truth(2024)["categories"]
    assert site.truth(2024)["by_channel"]["board"]["行政事项审批"] == 1
    assert no_board["by_channel"]["board"]["行政事项审批"] == 0


def test_boundary_items(site):
    wx = {i.published: i for i in by_channel(site, "wechat")}
    after = wx[datetime(2025, 1, 1, 0, 10, tzinfo=SH)]
    before = wx[datetime(2024, 12, 31, 23, 50, tzinfo=SH)]
    assert after.category == before.category == "促消费"
    # the row dated 2025-01-01 in the list whose detail page says 2024-12-31 18:00
    row = [i for i in by_channel(site, "website") if i.list_date != i.published.strftime("%Y-%m-%d")]
    assert len(row) == 1 and row[0].list_date == "2025-01-01"
    assert row[0].published == datetime(2024, 12, 31, 18, 0, tzinfo=SH)
    # 2023 items exist and sit at the end of the column only
    old = [i for i in by_channel(site, "website") if i.published.year == 2023]
    assert len(old) >= 3


def test_cross_posts(site):
    web = {i.title: i for i in by_channel(site, "website")}
    prefixed = [i for i in by_channel(site, "wechat") if i.title.startswith("【商务动态】")]
    assert prefixed
    for item in prefixed:
        twin = web[item.title.removeprefix("【商务动态】")]
        assert twin.cluster == item.cluster
        assert abs(twin.published - item.published) <= timedelta(days=1)
    clusters = {}
    for i in site.items:
        if i.ours:
            clusters.setdefault(i.cluster, set()).add(i.channel)
    assert any(len(chs) == 3 for chs in clusters.values())
    # cross-posts as real channels make them (issue 13): each cluster's titles are the same up to
    # the 【】 prefix, or one of the declared rewordings; WeChat within two days (across 31
    # December too), the board up to three weeks later
    declared = {t for e in _data.ITEMS if isinstance(e, _data.E)
                for t in (e.wx_title, e.cx_title, e.board_title) if t}
    for cl, chs in clusters.items():
        members = [i for i in site.items if i.cluster == cl]
        titles = {i.title.removeprefix("【商务动态】") for i in members} - declared
        assert len(titles) == 1, titles
        online = [i.published for i in members if i.channel != "board"]
        assert max(online) - min(online) <= timedelta(days=2), cl
        assert all(i.published - min(online) <= timedelta(days=21)
                   for i in members if i.channel == "board"), cl


def test_the_cross_posts_that_defeat_title_matching_are_in_the_site(site):
    """Issue 13's patterns, each present: a reworded WeChat headline with a lead paragraph, a
    title cut by the bridge, a board row days later under a shortened title, a board row whose 链接
    is the WeChat article, a WeChat repost across 31 December, a verification wall in the feed."""
    wx = by_channel(site, "wechat")
    assert any("｜" in i.title and i.body.startswith("6月是") for i in wx)
    assert any(i.title.endswith("...") for i in by_channel(site, "district-wechat"))
    board = by_channel(site, "board")
    web_by_cluster = {i.cluster: i for i in by_channel(site, "website")}
    later = [b for b in board if b.cluster in web_by_cluster
             and b.published - web_by_cluster[b.cluster].published >= timedelta(days=5)]
    assert later and all(b.title != web_by_cluster[b.cluster].title for b in later)
    linked = [row for row in site.board_rows() if row[4].startswith("https://mp.weixin.qq.com/s?")]
    assert linked and any(i.url == linked[0][4] for i in wx)
    assert any(i.published.year == 2025 and web_by_cluster.get(i.cluster)
               and web_by_cluster[i.cluster].published.year == 2024 for i in wx)
    rss = site.pages["/feeds/wbswj.rss"][0].decode()
    assert "wappoc_appmsgcaptcha" in rss and "环境异常" in rss
    assert not any("环境异常" in i.title for i in site.items)


# Each category's typical words; an item must use its own and no other category's.
MARKERS = {
    "内贸流通": ["流通", "农贸市场", "菜市场", "便民生活圈", "县域商业", "再生资源", "保供"],
    "促消费": ["消费", "以旧换新", "促销", "美食节", "购物节", "年货节", "购物季"],
    "招商引资": ["招商", "引资", "签约", "投资", "客商", "推介"],
    "安全生产": ["安全生产", "隐患", "燃气安全", "消防", "安全检查", "应急演练"],
    "行政事项审批": ["审批", "资格认定", "公示", "经营资格"],
}


# The items written to be borderline (E.doubt): title -> why.
BORDERLINE = {e.title: e.doubt for e in _data.ITEMS if isinstance(e, _data.E) and e.doubt}


def test_each_item_speaks_only_its_categorys_vocabulary(site):
    for item in site.items:
        if not item.ours:
            continue
        text = item.title + item.body
        own = MARKERS.get(item.category, [])
        if own:
            assert any(w in text for w in own), (item.category, item.title)
        if item.title in BORDERLINE:   # borrows another category's words on purpose
            continue
        for cat, words in MARKERS.items():
            if cat != item.category:
                hits = [w for w in words if w in text]
                assert not hits, (item.category, item.title, cat, hits)


def test_some_of_the_bureaus_items_are_doubtful_yet_filed_right(site):
    # issue #6: an officer reviewing the demo database must find doubtful items of the bureau's.
    # The default rules file every item into its true category (so the counts stay exact), but
    # the borderline ones with a weak score or a small margin (needs_review).
    clf = classifier.Classifier(classifier.load_rules())
    doubtful = []
    for item in site.items:
        if not item.ours:
            continue
        decision = clf.classify(item.title, item.body)
        assert decision.category == item.category, (item.title, decision.category, decision.score)
        if decision.needs_review and item.published.astimezone(SH).year == 2024:
            doubtful.append(item)
    # Which of the borderline items cross the line follows the calibrated doubt, which
    # tools/calibrate_doubt.py refits whenever the development corpus grows: most of them, over
    # several categories and channels, and never an item written to be clear.
    assert len({i.cluster for i in doubtful}) >= 4
    assert len({i.category for i in doubtful}) >= 3       # spread over categories ...
    assert len({i.channel for i in doubtful}) >= 2        # ... and channels
    assert {i.title for i in doubtful} <= set(BORDERLINE)   # none by accident
    assert len({i.title for i in doubtful}) >= len(BORDERLINE) * 2 // 3


def test_attribution_of_the_propaganda_account(site):
    cx = by_channel(site, "district-wechat")
    assert len([i for i in cx if not i.ours]) >= 8
    assert [i for i in cx if i.ours]
    for item in cx:
        text = item.title + item.body
        if item.ours:
            assert "区商务局" in text
        else:
            assert "商务局" not in text and "商务" not in text


# ------------------------------------------------------------------------------- the served site

ROW = re.compile(r'<li><a href="([^"]+)" title="([^"]+)"[^>]*>([^<]+)</a><span class="date">([^<]+)</span></li>')


def crawl_column(base):
    url, seen, rows, pages = base + "/col/swj/index.html", set(), [], None
    while url:
        assert url not in seen
        seen.add(url)
        status, body, _ = get(url)
        assert status == 200, url
        html = body.decode("utf-8")
        n = int(re.search(r"共(\d+)页", html).group(1))
        assert pages in (None, n)
        pages = n
        assert re.search(r'<a href="[^"]+">首页</a>', html) and re.search(r'<a href="[^"]+">尾页</a>', html)
        page_rows = [(urljoin(url, m[0]), m[1], m[2], m[3]) for m in ROW.findall(html)]
        assert 0 < len(page_rows) <= 20
        rows.append(page_rows)
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', html)
        url = urljoin(url, nxt.group(1)) if nxt else None
    return rows, pages


def test_column_pages_chain_and_details_exist(site, base):
    pages_rows, n_pages = crawl_column(base)
    assert len(pages_rows) == n_pages >= 5
    assert all(len(r) == 20 for r in pages_rows[:-1])
    rows = [r for page in pages_rows for r in page]
    web = {base + i.url: i for i in by_channel(site, "website")}
    assert {r[0] for r in rows} == set(web)          # every item listed, once
    assert len(rows) == len(web)
    dates = [r[3] for r in rows]
    assert dates == sorted(dates, reverse=True)       # newest first
    # 2023 items only on the last two pages
    for p, page in enumerate(pages_rows):
        if any(r[3].startswith("2023") for r in page):
            assert p >= n_pages - 2
    assert pages_rows[-1][-1][3].startswith("2023")
    for href, title, shown, date in rows:
        item = web[href]
        assert title == item.title and date == item.list_date
        assert shown == title or (shown.endswith("…") and title.startswith(shown[:-1]))
        status, body, headers = get(href)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        html = body.decode("utf-8")
        pub = re.search(r'<meta name="PubDate" content="([^"]+)">', html).group(1)
        assert pub == item.published.strftime("%Y-%m-%d %H:%M")
        assert f'<meta name="ArticleTitle" content="{title}">' in html.replace("&quot;", '"')
        assert f"发布时间：{pub}　来源：卫滨区商务局" in html
        assert re.search(r"索引号：</td><td>11410703\w+/\d{4}-\d{5}<", html)
        zoom = re.search(r'<div id="zoom" class="TRS_Editor">(.*?)</div>', html, re.S).group(1)
        text = re.sub(r"<[^>]+>", "", zoom)
        assert 150 <= len(text) <= 600, (title, len(text))
        assert "今天是2026年" in html                    # the header clock trap is everywhere
    assert any(i.list_date == "2025-01-01" and i.published.year == 2024 for i in web.values())
    # truncated titles exist (long ones are cut in the list)
    assert any(r[2].endswith("…") for r in rows)


def test_home_robots_and_404(base):
    status, body, _ = get(base + "/robots.txt")
    assert status == 200 and b"User-agent: *" in body and b"Disallow:\n" in body
    status, body, _ = get(base + "/index.html")
    assert status == 200 and "今天是2026年" in body.decode()
    assert get(base + "/")[1] == body
    for path in ("/nope.html", "/col/swj/index_99.html", "/col/swj/202401/t20240101_1.html", "/feeds/x.rss"):
        status, body, headers = get(base + path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
    req = urllib.request.Request(base + "/index.html", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read() == b""


def test_conditional_get(base):
    status, _, headers = get(base + "/feeds/wbswj.rss")
    assert status == 200
    status, body, _ = get(base + "/feeds/wbswj.rss", {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_bureau_feed(site, base):
    status, body, headers = get(base + "/feeds/wbswj.rss")
    assert status == 200 and "rss" in headers["Content-Type"]
    root = ET.fromstring(body)
    # every article, plus the verification wall the bridge served in place of one (not an item)
    walls = [it for it in root.findall("./channel/item") if "wappoc_appmsgcaptcha" in it.findtext("link")]
    items = [it for it in root.findall("./channel/item") if it not in walls]
    ours = {i.url: i for i in by_channel(site, "wechat")}
    assert len(items) == len(ours) and [w.findtext("title") for w in walls] == ["环境异常"]
    dates = {}
    mids: dict[str, list[str]] = {}
    for it in items:
        link = it.findtext("link")
        assert link in ours and it.findtext("guid") == link and link.endswith("#rd")
        q = parse_qs(urlsplit(link).query)
        assert set(q) >= {"__biz", "mid", "idx", "sn", "chksm"}
        mids.setdefault(q["mid"][0], []).append(q["idx"][0])
        pub = it.findtext("pubDate")
        assert pub.endswith(" GMT")
        dates[pub] = it.findtext("title")
        assert it.findtext("title") == ours[link].title
        assert "<p>" in it.findtext("description")
    assert "Tue, 31 Dec 2024 16:10:00 GMT" in dates
    assert "Tue, 31 Dec 2024 15:50:00 GMT" in dates
    assert any(sorted(idx) == ["1", "2"] for idx in mids.values())
    assert len({parse_qs(urlsplit(it.findtext("link")).query)["__biz"][0] for it in items}) == 1


def test_propaganda_feed(site, base):
    status, body, headers = get(base + "/feeds/cxwb.atom")
    assert status == 200 and "atom" in headers["Content-Type"]
    root = ET.fromstring(body)
    entries = root.findall(f"{ATOM}entry")
    known = {i.url: i for i in by_channel(site, "district-wechat")}
    assert len(entries) == len(known)
    for e in entries:
        link = e.find(f"{ATOM}link").get("href")
        item = known[link]
        pub = e.findtext(f"{ATOM}published")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", pub)
        assert datetime.fromisoformat(pub) == item.published
        assert e.findtext(f"{ATOM}author/{ATOM}name") == "出彩卫滨"
        assert e.find(f"{ATOM}content").get("type") == "html"
        content = e.findtext(f"{ATOM}content")
        mentions = "区商务局" in e.findtext(f"{ATOM}title") + content
        assert mentions == item.ours


def test_serve_stops(site):
    with serve(site) as url:
        assert get(url + "/robots.txt")[0] == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/robots.txt", timeout=2)


# --------------------------------------------------------------------------- determinism, config

def test_build_is_deterministic(site):
    again = build_site()
    assert again.pages.keys() == site.pages.keys()
    for path, (body, ctype) in site.pages.items():
        assert again.pages[path] == (body, ctype), path
    assert [dataclasses.astuple(i) for i in again.items] == [dataclasses.astuple(i) for i in site.items]
    assert all(i.published.tzinfo is not None for i in site.items)


def test_site_size_is_crawlable(site):
    details = [p for p in site.pages if re.search(r"/t\d{8}_\d+\.html$", p)]
    lists = [p for p in site.pages if re.search(r"/col/swj/index(_\d+)?\.html$", p)]
    assert 100 <= len(details) <= 130 and 5 <= len(lists) <= 7


def test_config_text(tmp_path):
    db = 'C:\\data\\gk "demo".db'
    cfg = tomllib.loads(config_text("http://127.0.0.1:8123/", db))
    assert cfg["bureau"] == {"name": "卫滨区商务局", "aliases": ["卫滨区商务局", "区商务局"]}
    assert cfg["database"]["path"] == db
    assert cfg["http"] == {"min_delay": 0, "respect_robots": True}
    assert cfg["report"]["channels"] == ["区政府官网专栏", "卫滨商务微信公众号", "区委宣传部“出彩卫滨”微信公众号",
                                         "局政务信息公开栏"]
    src = {s["id"]: s for s in cfg["sources"]}
    assert list(src) == ["portal-shangwu", "wechat-wbswj", "wechat-cxwb", "board-gkl"]
    assert src["portal-shangwu"] == {"id": "portal-shangwu", "type": "website", "channel": "website",
                                     "url": "http://127.0.0.1:8123/col/swj/index.html", "preset": "list",
                                     "interval": "6h", "attribution": "all"}
    assert src["wechat-wbswj"]["url"] == "http://127.0.0.1:8123/feeds/wbswj.rss"
    assert src["wechat-wbswj"]["channel"] == "wechat" and src["wechat-wbswj"]["attribution"] == "all"
    assert src["wechat-cxwb"]["url"] == "http://127.0.0.1:8123/feeds/cxwb.atom"
    assert src["wechat-cxwb"]["channel"] == "district-wechat"
    assert src["wechat-cxwb"]["attribution"] == "mention"
    assert all(s.get("allow_hosts") == ["mp.weixin.qq.com"] for s in src.values() if s["type"] == "feed")
    assert src["board-gkl"]["type"] == "manual" and src["board-gkl"]["channel"] == "board"
    assert {s["id"]: s["channel"] for s in src.values()} == {v: k for k, v in SOURCE_IDS.items()}


def test_config_points_at_the_served_site(site):
    with serve(site) as url:
        cfg = tomllib.loads(config_text(url, "demo.db"))
        for s in cfg["sources"]:
            if s["type"] != "manual":
                assert get(s["url"])[0] == 200


# ------------------------------------------------------------------------- the bulletin board

def test_board_entry_is_a_cross_post_of_a_website_notice(site):
    board = by_channel(site, "board")
    assert len(board) == 3      # the notice, and two later posts of news (issue 13's patterns)
    [item] = [b for b in board if "公示" in b.title]
    assert item.source_id == SOURCE_IDS["board"] and item.ours and item.url == ""
    twins = [i for i in site.items if i.cluster == item.cluster and i is not item]
    assert [t.channel for t in twins] == ["website"]
    assert twins[0].title == item.title and twins[0].body == item.body
    # posted on the board the morning the website published it: the cluster's year is 2024
    assert item.published == datetime(2024, 3, 1, 9, 0, tzinfo=SH) < twins[0].published


def test_shipped_board_spreadsheet_is_generated_from_the_site(site, tmp_path):
    # the committed file cannot drift from the data: regenerate it (python -c "from gongkai.demo
    # import write_board_xlsx as w, BOARD_XLSX as p; w(p)") when this fails after a data change
    assert BOARD_XLSX.read_bytes() == board_xlsx_bytes(site) == board_xlsx_bytes()
    out = write_board_xlsx(tmp_path / "b.xlsx", site)
    assert out.read_bytes() == BOARD_XLSX.read_bytes()
    assert not list(tmp_path.glob("*.tmp"))


def test_board_spreadsheet_imports_as_the_board_items(site):
    now = datetime(2025, 1, 10, tzinfo=SH)
    plan = manual.plan_import(BOARD_XLSX, SOURCE_IDS["board"], now=now)
    assert plan.errors == [] and plan.warnings == []
    board = by_channel(site, "board")
    assert [(e.title, e.published_at, e.body, e.byline) for e in plan.entries] == \
        [(i.title, i.published, i.body, "卫滨区商务局") for i in board]
    assert [e.row for e in plan.entries] == [2, 3, 4]
    assert [e.url for e in plan.entries] == [i.url for i in board]     # the 链接 column


def test_board_headers_are_the_import_templates():
    from gongkai.demo._board import HEADERS
    assert HEADERS == manual.TEMPLATE_HEADERS
