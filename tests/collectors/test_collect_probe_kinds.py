"""probe says what a URL is before it offers a source: a feed (sniffed even when served as
text/html), a search result page, a homepage of blocks, an unreachable site named by the URL the
user gave — and for a column, the preset that verifies, with every variant the collectors know."""
import json
from datetime import datetime

import pytest
from _hanweb_server import HanwebServer
from _sites_server import SITES, SiteServer

from collectors import BEIJING, probe
from gongkai.cli import main

NOW = datetime(2025, 12, 20, tzinfo=BEIJING)
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>区商务局</title>
<link>https://mp.weixin.qq.com/</link><description>x</description>
{items}</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>区商务局</title><id>urn:x</id><updated>2025-12-18T10:00:00+08:00</updated>
{items}</feed>"""


def _rss_items(n):
    return "".join(f"<item><title>区商务局工作动态{i}</title><link>https://mp.weixin.qq.com/s?__biz=MzA{i}&amp;mid=26{i}"
                   f"&amp;idx=1&amp;sn=ab{i}</link><pubDate>Thu, 1{i} Dec 2025 08:00:00 +0800</pubDate>"
                   f"<description>正文{i}</description></item>" for i in range(3))


def _atom_items(n):
    return "".join(f"<entry><title>区商务局通知{i}</title><id>urn:e{i}</id><link href=\"https://mp.weixin.qq.com/s/tok{i}\"/>"
                   f"<updated>2025-12-1{i}T08:00:00+08:00</updated><content>正文{i}</content></entry>"
                   for i in range(3))


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[http]\nmin_delay = 0\n', encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name,body", [("feed.xml", RSS.format(items=_rss_items(3))),
                                       ("atom.xml", ATOM.format(items=_atom_items(3)))])
def test_a_feed_is_recognised_and_gets_a_feed_snippet(name, body, tmp_path, cfg, capsys):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / name).write_text(body, encoding="utf-8")   # served as text/html
    with SiteServer(tmp_path / "site") as srv:
        code = main(["probe", f"{srv.base}/{name}", "--config", cfg])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert captured.out.startswith("a feed: 3 entries")
    assert 'type = "feed"' in captured.out and 'type = "website"' not in captured.out
    assert "XMLParsedAsHTMLWarning" not in captured.err and "BeautifulSoup" not in captured.err


def test_a_network_error_names_the_url_given_and_offers_nothing(cfg, capsys):
    # A port nobody listens on: the robots.txt fetch fails first, but the user gave the page URL.
    url = "http://127.0.0.1:9/col/col1/index.html"
    path = cfg.replace("gongkai.toml", "robots.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write('[bureau]\nname = "卫滨区商务局"\n[http]\nmin_delay = 0\ntimeout = 2\n')
    code = main(["probe", url, "--config", path])
    out = capsys.readouterr().out
    assert code == 1
    assert f"could not read {url}" in out and "[[sources]]" not in out


def test_a_search_result_page_is_refused_with_the_reason(tmp_path, http):
    hits = "".join(f'<li><a href="/art/2024/{i}.html">保健食品备案第{i}号</a><span>2024-0{i}-02</span></li>'
                   for i in range(1, 6))
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "s.html").write_text(
        f'<html><head><meta charset="utf-8"><title>站内搜索</title></head><body><form><input name="searchWord" '
        f'value="备案"></form><div>为您找到相关结果约5个</div><ul class="r">{hits}</ul></body></html>',
        encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        result = probe(srv.base + "/search/s.html?searchWord=%E5%A4%87%E6%A1%88", http, now=NOW)
    assert result.kind == "search" and not result.ok and result.snippet() == ""
    assert "search parameter 'searchword'" in result.problem


def test_a_homepage_of_blocks_is_refused_with_the_reason(tmp_path, http):
    blocks = "".join(
        f'<div class="blk"><h3>栏目{b}</h3>' + "".join(
            f'<table><tr><td><a href="/c{b}/{i}.html">要闻{b}-{i}</a></td><td>12-{10 + i}</td></tr></table>'
            for i in range(5)) + "</div>" for b in range(5))
    (tmp_path / "index.html").write_text(f'<html><head><meta charset="utf-8"><title>某市人民政府</title></head>'
                                         f'<body>{blocks}</body></html>', encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        result = probe(srv.base + "/", http, now=NOW)
    assert result.kind == "homepage" and not result.ok
    assert "5 separate blocks" in result.problem


@pytest.mark.parametrize("case", ["var-param", "jpageform", "proxy-page-get", "morecolumn"])
def test_each_hanweb_variant_verifies_as_hanweb(case, http):
    spec = json.loads((SITES / "hanweb_variants" / case / "expect.json").read_text("utf-8"))
    with HanwebServer(SITES / "hanweb_variants" / case) as srv:
        result = probe(srv.base + spec["url"], http, now=NOW)
    assert result.ok, result.problem
    assert result.preset == "hanweb"
    assert any(e.startswith("page 2") for e in result.evidence)


def test_an_explicit_preset_that_cannot_read_the_page_is_not_offered(http):
    with SiteServer(SITES / "hanweb") as srv:
        result = probe(srv.base + "/col/col284/index.html", http, preset="jpaas", now=NOW)
    assert not result.ok and result.snippet() == ""
    assert "jpaas" in result.problem


def test_a_preset_that_raises_is_one_readings_problem_not_a_traceback(http, monkeypatch, capsys, cfg):
    from collectors._presets import hanweb

    def broken(self, text, base, units):
        raise AttributeError("'str' object has no attribute 'items'")

    monkeypatch.setattr(hanweb.Hanweb, "_paging_from", broken)
    with SiteServer(SITES / "hanweb") as srv:
        code = main(["probe", srv.base + "/col/col284/index.html", "--config", cfg])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err + captured.out
    assert "internal error in the hanweb reading: AttributeError" in captured.out
    assert "collectors/_presets/hanweb.py:" in captured.out


def _undated_list(root):
    """A column whose list shows no dates; each item's own page says 发布时间 (the blind trial's
    plain-list variant)."""
    rows = "".join(f'<li><a href="./202403/t2024030{i}_{i}.html">区商务局工作动态第{i}期</a></li>'
                   for i in range(1, 7))
    (root / "list.html").write_text(f'<html><head><meta charset="utf-8"><title>工作动态</title></head><body>'
                                    f'<ul class="news">{rows}</ul></body></html>', encoding="utf-8")
    (root / "202403").mkdir()
    for i in range(1, 7):
        (root / "202403" / f"t2024030{i}_{i}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>区商务局工作动态第{i}期</title></head><body>'
            f'<h1>区商务局工作动态第{i}期</h1><div class="info">发布时间：2024-03-0{i} 10:00</div>'
            f'<div class="content"><p>{"区商务局开展工作。" * 30}</p></div></body></html>', encoding="utf-8")


def test_a_list_without_dates_verifies_by_its_items_own_pages(tmp_path, cfg, capsys):
    _undated_list(tmp_path)
    with SiteServer(tmp_path) as srv:
        code = main(["probe", srv.base + "/list.html", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "✓ detail: dated 2024-03-01" in out and 'item_selector = "ul.news > li"' in out


def test_selectors_given_on_the_command_line_are_verified(tmp_path, cfg, capsys):
    _undated_list(tmp_path)
    with SiteServer(tmp_path) as srv:
        code = main(["probe", srv.base + "/list.html", "--config", cfg, "--item-selector", "ul.news > li"])
        out = capsys.readouterr().out
        assert code == 0 and "verified: preset selectors" in out
        assert 'item_selector = "ul.news > li"' in out
        assert main(["probe", srv.base + "/list.html", "--config", cfg, "--preset", "selectors"]) == 2
    assert "--preset selectors needs --item-selector" in capsys.readouterr().err


def test_an_asked_for_preset_does_not_make_a_homepage_a_column(tmp_path, http):
    blocks = "".join(
        f'<div class="blk"><h3>栏目{b}</h3>' + "".join(
            f'<table><tr><td><a href="/c{b}/{i}.html">要闻{b}-{i}</a></td><td>12-{10 + i}</td></tr></table>'
            for i in range(5)) + "</div>" for b in range(5))
    (tmp_path / "index.html").write_text(f"<html><body>{blocks}</body></html>", encoding="utf-8")
    with SiteServer(tmp_path) as srv:
        result = probe(srv.base + "/", http, preset="list", now=NOW)
    assert result.kind == "homepage" and result.snippet() == ""
