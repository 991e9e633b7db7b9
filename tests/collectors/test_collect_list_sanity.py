"""What a list yields is checked before it is stored: navigation, footer lines and front-page links
are not items, and a page of undated links is a failure, never ``ok``. The case of the issue on
unseen sites: ``item_selector = "body > div"`` on a portal gave 首页, 凤泉要闻 and an ICP number."""
from datetime import datetime

import pytest
from _sites_server import SiteServer

from collectors import BEIJING, REGISTRY, CollectState, SourceError
from collectors._listing import Row
from collectors._sanity import chrome_reason, screen

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=BEIJING)
PORTAL = """<html><head><meta charset="utf-8"><title>某区人民政府</title></head><body>
<div><a href="/">首页</a></div>
<div><a href="/col/col12/index.html">凤泉要闻</a></div>
<div><a href="https://beian.miit.gov.cn/">豫ICP备05001234号-1</a></div>
</body></html>"""


@pytest.mark.parametrize("title,url,why", [
    ("首页", "http://a.gov.cn/", "navigation"),
    ("更多>>", "http://a.gov.cn/col/col1/index.html", "navigation"),
    ("下一页", "http://a.gov.cn/list_2.html", "navigation"),
    ("2", "http://a.gov.cn/list_2.html", "navigation"),
    ("网站地图", "http://a.gov.cn/map.html", "navigation"),
    ("豫ICP备05001234号-1", "https://beian.miit.gov.cn/", "footer"),
    ("版权所有：某区人民政府办公室", "http://a.gov.cn/about.html", "footer"),
    ("豫公网安备 41070302000123号", "http://www.beian.gov.cn/x", "footer"),
    ("某区人民政府", "http://a.gov.cn/index.html", "front page"),
])
def test_page_furniture_is_named(title, url, why):
    assert why in chrome_reason(Row(url, title, "", None))


@pytest.mark.parametrize("title", [
    "区商务局关于开展2025年首页推荐商品评选的通知",        # 首页 inside a real title
    "更多惠民政策上线：家电以旧换新补贴再加码",
    "卫滨区2024年度政府信息公开工作年度报告",
    "关于公布2025年第1批备案企业名单的公告",
])
def test_real_titles_are_kept(title):
    kept, dropped = screen([Row("http://a.gov.cn/art/2025/1/2/art_1_2.html", title, "", None)])
    assert kept and not dropped


def test_a_selector_that_matches_the_portal_chrome_fails_and_stores_nothing(tmp_path, http):
    (tmp_path / "index.html").write_text(PORTAL, encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        src = REGISTRY["website"]({"url": srv.base + "/index.html", "preset": "selectors",
                                   "item_selector": "body > div"}, http)
        got = []
        with pytest.raises(SourceError) as err:
            for item in src.collect(CollectState(now=NOW)):
                got.append(item)
    assert got == []
    assert "navigation" in str(err.value) or "has a date" in str(err.value)


def test_undated_rows_on_page_one_are_held_back_and_fail_the_pass(tmp_path, http):
    rows = "".join(f'<li><a href="/info/{i}.html">栏目{i}</a></li>' for i in range(6))
    (tmp_path / "list.html").write_text(f"<html><body><ul class='list'>{rows}</ul></body></html>",
                                        encoding="utf-8")
    info = tmp_path / "info"
    info.mkdir()
    for i in range(6):   # the linked pages exist but carry no date either
        (info / f"{i}.html").write_text(f"<html><body><h1>栏目{i}</h1><p>{'介绍文字。' * 40}</p>"
                                        "</body></html>", encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        src = REGISTRY["website"]({"url": srv.base + "/list.html", "preset": "selectors",
                                   "item_selector": "ul.list > li"}, http)
        got = []
        with pytest.raises(SourceError, match="none of the 6 rows"):
            for item in src.collect(CollectState(now=NOW)):
                got.append(item)
    assert got == []


def test_undated_list_rows_whose_pages_are_dated_are_all_yielded(tmp_path, http):
    rows = "".join(f'<li><a href="/art/{i}.html">区商务局工作动态{i}</a></li>' for i in range(4))
    (tmp_path / "list.html").write_text(f"<html><body><ul class='list'>{rows}</ul></body></html>",
                                        encoding="utf-8")
    art = tmp_path / "art"
    art.mkdir()
    for i in range(4):
        (art / f"{i}.html").write_text(
            f"<html><body><h1>区商务局工作动态{i}</h1><div>发布时间：2025-02-0{i + 1}</div>"
            f"<div class='content'><p>{'正文内容。' * 40}</p></div></body></html>", encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        src = REGISTRY["website"]({"url": srv.base + "/list.html", "preset": "selectors",
                                   "item_selector": "ul.list > li"}, http)
        items = list(src.collect(CollectState(now=NOW)))
    assert len(items) == 4 and all(i.published_at for i in items)
