"""Detail pages whose article no known container holds, or whose container also holds the site's
furniture (tests/fixtures/sites/boilerplate/col/2024/, each stating its Description and Expect): the
body is the text a person reads, never the menu, breadcrumb, footer, share/print/close bars or
related links, and "" when nothing credible remains. Read from the files and through a crawl of
their column on loopback (the GBK page decoded from its bytes)."""
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from _collectors_support import SITES, expect_of

from collectors import BEIJING, REGISTRY, CollectState, beijing_date, decode_html
from collectors._detail import parse_detail
from collectors._pages import soup_of

COLUMN = SITES / "boilerplate" / "col"
CASES = sorted((COLUMN / "2024").glob("*.html"))
# What the old readers stored as bodies, never to be stored again.
FURNITURE = ("首页", "政务公开", "当前位置", "分享到", "打印", "关闭", "相关", "版权所有", "ICP备",
             "网站标识码", "主办单位", "字体", "今天是", "设为首页")


def _parsed(path):
    text, _ = decode_html(path.read_bytes(), "text/html")
    return parse_detail(soup_of(text), "http://www.example.gov.cn/col/2024/" + path.name)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_the_body_is_the_article_a_person_reads(path):
    expect = expect_of(path)
    d = _parsed(path)
    assert d.title == expect["title"]
    assert beijing_date(d.published).isoformat() == expect["date"]
    assert d.body == expect["body"]
    assert not any(word in d.body for word in FURNITURE), d.body


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_the_cases_cover_the_shapes():
    texts = {p.name: p.read_bytes() for p in CASES}
    assert len(CASES) >= 5
    assert any(b"charset=gbk" in t and not _utf8(t) for t in texts.values())      # legacy GBK table
    assert any(b'id="content"' in t for t in texts.values())                      # generic wrapper
    assert any(b'class="TRS_Editor"' in t for t in texts.values())                # known container
    assert any(expect_of(p)["body"] == "" for p in CASES)                          # footer only


@pytest.mark.parametrize("line, furniture", [
    ("版权所有：甘肃省市场监督管理局", True),
    ("甘公网安备 62010202000690号 网站标识码：6200000052 网站备案号：陇ICP备19000877号", True),
    ("您当前的位置：首页 > 政府信息公开 > 法定主动公开内容", True),
    ("【打印本页】 【关闭窗口】", True),
    ("今天是2024年2月26日 星期一", True),
    ("相关链接", True),
    # a sentence that names one mark is text, not furniture
    ("区商务局推进无障碍环境建设，在商场、超市增设无障碍通道和服务设施，方便残疾人和老年人购物消费。", False),
    ("地址：新乡市卫滨区健康路1号 联系电话：0373-0000000", False),
    ("国家发展改革委 交通运输部", False),
])
def test_boilerplate_lines(line, furniture):
    from collectors._boilerplate import boilerplate_line
    assert boilerplate_line(line) is furniture


def test_crawled_bodies_through_loopback(server, http):
    source = REGISTRY["website"]({"url": server.base + "/boilerplate/col/index.html"}, http)
    items = list(source.collect(CollectState(now=datetime(2024, 12, 31, 12, tzinfo=BEIJING))))
    want = {p.name: expect_of(p) for p in CASES}
    got = {urlsplit(i.key).path.rsplit("/", 1)[-1]: i for i in items}
    assert sorted(got) == sorted(want)
    for name, expect in want.items():
        item = got[name]
        assert (item.title, item.body) == (expect["title"], expect["body"]), name
        assert beijing_date(item.published_at).isoformat() == expect["date"], name
    assert got["t20240226_105.html"].extra["encoding"] == "gb18030"
