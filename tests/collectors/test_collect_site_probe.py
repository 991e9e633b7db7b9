"""`gongkai probe URL` and collectors.probe: the detected family and why, page 1's items, a ready
[[sources]] snippet; selectors suggested when no preset reads the page."""
import tomllib
from datetime import datetime

import pytest
from _sites_server import SITES, SiteServer

from collectors import BEIJING, REGISTRY, probe
from gongkai.cli import main

NOW = datetime(2025, 1, 3, tzinfo=BEIJING)
COLUMNS = [
    ("trs", SITES, "/trs/index.html", 6),
    ("hanweb", SITES / "hanweb", "/col/col284/index.html", 30),
    ("jpaas", SITES / "jpaas", "/col/col1229565788/index.html", 15),
    ("list", SITES, "/htmls/q934734p_jinriweibin/list-1.html", 4),
]


@pytest.mark.parametrize("family,root,path,rows", COLUMNS, ids=[c[0] for c in COLUMNS])
def test_probe_finds_the_preset_of_each_family(family, root, path, rows, http):
    with SiteServer(root) as srv:
        result = probe(srv.base + path, http, now=NOW)
    assert result.preset == family and result.detection.reasons
    assert len(result.rows) == rows and all(r.date for r in result.rows)
    snippet = tomllib.loads(result.snippet())["sources"][0]
    assert snippet["preset"] == family and snippet["url"] == srv.base + path
    # The snippet is a valid website source as it stands.
    REGISTRY["website"].validate({k: v for k, v in snippet.items()
                                  if k not in ("id", "type", "channel", "interval", "attribution")})


@pytest.fixture
def cfg(tmp_path):
    # The probe uses the config's [http] settings when there is one: no politeness delay here.
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[http]\nmin_delay = 0\n', encoding="utf-8")
    return str(path)


def test_probe_command_prints_family_items_and_snippet(capsys, cfg):
    with SiteServer(SITES / "hanweb") as srv:
        code = main(["probe", srv.base + "/col/col284/index.html", "--limit", "2", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("detected: hanweb — Hanweb JCMS")
    assert "page 1: 30 items of 3 pages; next: records 31-60 of 65" in out
    assert "2024-12-20  卫滨区商务局关于促消费活动周启动的通知（1）" in out and "… 28 more" in out
    assert 'preset = "hanweb"' in out


def _odd_column(root, dated: bool):
    page = root / "site" / "col" / "index.html"
    page.parent.mkdir(parents=True)
    rows = "".join(f'<p class="it"><a href="/a/{i}.html">第{i}条消息</a>'
                   + (f'<em>2024-12-{20 - i:02d}</em>' if dated else "") + "</p>" for i in range(6))
    page.write_text(f'<html><head><meta charset="utf-8"><title>栏目</title></head><body>'
                    f'<ul class="nav"><li><a href="/">首页</a></li><li><a href="/b">政务</a></li>'
                    f'<li><a href="/c">互动</a></li></ul><div class="news">{rows}</div>'
                    f'<p>本栏目提供本单位发布的各类公开信息，欢迎查阅。</p></body></html>', encoding="utf-8")
    return root / "site"


def test_probe_suggests_selectors_only_when_they_verify(capsys, tmp_path, cfg):
    with SiteServer(_odd_column(tmp_path, dated=True)) as srv:
        code = main(["probe", srv.base + "/col/index.html", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verified: preset selectors" in out and "✓ page 1: 6 rows, 6 with a date" in out
    assert 'preset = "selectors"' in out and 'item_selector = "div.news > p"' in out


def test_probe_offers_nothing_when_no_reading_verifies(capsys, tmp_path, cfg):
    # Undated link rows: the selectors would "work" and store six undated non-items all year.
    with SiteServer(_odd_column(tmp_path, dated=False)) as srv:
        code = main(["probe", srv.base + "/col/index.html", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 1
    assert "problem: no reading of this page verifies as a column" in out
    assert "✗ selectors: no row on page 1 has a date" in out
    assert "[[sources]]" not in out and "nothing to paste" in out


def test_probe_reports_a_challenge_instead_of_crashing(capsys, cfg):
    with SiteServer(SITES) as srv:
        code = main(["probe", srv.base + "/errors/challenge/index.html", "--config", cfg])
    out = capsys.readouterr().out
    assert code == 1 and "HTTP 412 anti-bot challenge" in out
    assert f"could not read {srv.base}/errors/challenge/index.html" in out
    assert "[[sources]]" not in out


def test_probe_bad_url_is_a_usage_error(capsys):
    assert main(["probe", "ftp://x/y"]) == 2
    assert "URL must be an http(s) URL" in capsys.readouterr().err


@pytest.mark.parametrize("family,root,path,rows", COLUMNS, ids=[c[0] for c in COLUMNS])
def test_source_probe_is_the_same_command(family, root, path, rows, capsys, cfg):
    # Issue 3 names it `gongkai source probe URL`; `gongkai probe URL` is the short spelling.
    with SiteServer(root) as srv:
        assert main(["source", "probe", srv.base + path, "--limit", "1", "--config", cfg]) == 0
        long_out = capsys.readouterr().out
        assert main(["probe", srv.base + path, "--limit", "1", "--config", cfg]) == 0
        short_out = capsys.readouterr().out
    assert long_out == short_out and long_out.startswith(f"detected: {family} — ")
    assert f'preset = "{family}"' in long_out and f"page 1: {rows} items" in long_out


def test_source_without_an_action_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["source"])
    assert info.value.code == 2
