"""A district of three bodies sharing channels (issue 17), crawled from tests/fixtures/district
served on loopback: whose each item is, every count of every body, the unattributed, and the
per-body and district reports. The expectations are in the fixture's expect.json."""
from __future__ import annotations

import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gongkai.cli import main
from store import Store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "district"
EXPECT = json.loads((FIXTURE / "expect.json").read_text(encoding="utf-8"))
BODIES = ("shangwu", "yingji", "shijian")

CONFIG = """
[[bureaus]]
id = "shangwu"
name = "卫滨区商务局"
aliases = ["区商务局"]

[[bureaus]]
id = "yingji"
name = "卫滨区应急管理局"
aliases = ["区应急管理局"]

[[bureaus]]
id = "shijian"
name = "卫滨区市场监督管理局"
aliases = ["区市场监管局"]

[database]
path = "district.db"

[http]
min_delay = 0

[rules]
path = "{rules}"

[[sources]]
id = "swj-wx"
type = "feed"
channel = "wechat"
url = "{base}/feeds/swj.rss"
bureau = "shangwu"

[[sources]]
id = "portal-bmdt"
type = "website"
channel = "website"
url = "{base}/col/bmdt/index.html"
preset = "list"
bureaus = "*"

[[sources]]
id = "cxwb"
type = "feed"
channel = "district-wechat"
url = "{base}/feeds/cxwb.rss"
bureaus = ["shangwu", "yingji"]
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    handler = functools.partial(_Quiet, directory=str(FIXTURE / "site"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """The district crawled once; tests that write copy it first."""
    root = tmp_path_factory.mktemp("district")
    path = root / "gongkai.toml"
    path.write_text(CONFIG.format(base=site, rules=(FIXTURE / "rules.toml").as_posix()),
                    encoding="utf-8")
    assert main(["crawl", "--config", str(path)]) == 0
    return path


@pytest.fixture
def cfg(crawled, tmp_path):
    shutil.copy(crawled, tmp_path / crawled.name)
    shutil.copy(crawled.with_name("district.db"), tmp_path / "district.db")
    return tmp_path / crawled.name


def _json(capsys, *args):
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _title(row) -> str:
    return row["title"] + (" (portal)" if row["source_id"] == "portal-bmdt"
                           and row["title"] == "卫滨商务开展消费季活动" else "")


def test_every_item_of_a_shared_source_goes_to_the_bodies_that_published_it(crawled):
    with Store(crawled.with_name("district.db")) as st:
        found = {_title(r): sorted(st.item_bodies(r["id"])) for r in st.items()
                 if r["source_id"] != "swj-wx"}
        reasons = {_title(r): st.item_bodies(r["id"]) for r in st.items()}
        own = [r for r in st.items() if r["source_id"] == "swj-wx"]
    assert found == {t: sorted(b) for t, b in EXPECT["bodies_of"].items()}
    # a body's own source stores no bodies: its items are its own by the config
    assert len(own) == 2 and all(reasons[r["title"]] == {} for r in own)
    joint = reasons["区市场监管局联合区商务局开展消费维权宣传"]
    assert "joined to 区市场监管局" in joint["shangwu"] and "subject" in joint["shijian"]
    assert "byline" in reasons["应急科普进社区"]["yingji"]


@pytest.mark.parametrize("body", BODIES)
def test_each_bodys_counts(crawled, capsys, body):
    got = _json(capsys, "counts", "--year", "2024", "--bureau", body, "--config", str(crawled))
    want = EXPECT["counts_2024"][body]
    assert {k: got[k] for k in want} == want
    assert got["year"] == 2024 and got["possible_duplicates"] == 0
    assert _json(capsys, "counts", "--year", "2025", "--bureau", body,
                 "--config", str(crawled))["total"] == EXPECT["counts_2025"][body]


def test_all_bodies_and_the_unattributed(crawled, capsys):
    every = _json(capsys, "counts", "--year", "2024", "--all", "--config", str(crawled))
    assert list(every) == ["year", "bureaus", "unattributed"]
    assert every["year"] == 2024 and list(every["bureaus"]) == list(BODIES)
    for body in BODIES:
        assert every["bureaus"][body] == _json(capsys, "counts", "--year", "2024", "--bureau",
                                               body, "--config", str(crawled))
    assert every["unattributed"] == len(EXPECT["unattributed_2024"])
    # the district's own count: each 信息 once, the joint notice too, the unattributed never
    assert _json(capsys, "counts", "--year", "2024",
                 "--config", str(crawled))["total"] == EXPECT["district_total_2024"]
    assert main(["counts", "--year", "2024", "--all", "--config", str(crawled)]) == 0
    text = capsys.readouterr().out
    assert "== 卫滨区应急管理局 (yingji)\n2024: 3 信息" in text
    assert "== unattributed in 2024: 2 item(s)" in text
    for title in EXPECT["unattributed_2024"]:
        assert title in text


def test_a_second_crawl_changes_no_count(cfg, capsys):
    before = _json(capsys, "counts", "--year", "2024", "--all", "--config", str(cfg))
    assert main(["crawl", "--config", str(cfg)]) == 0
    capsys.readouterr()
    assert _json(capsys, "counts", "--year", "2024", "--all", "--config", str(cfg)) == before


def test_one_bodys_report(cfg, capsys, monkeypatch):
    out = cfg.with_name("yingji.md")
    assert main(["report", "--year", "2024", "--bureau", "yingji", "--format", "md", "--force",
                 "-o", str(out), "--config", str(cfg)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "卫滨区应急管理局" in text and "卫滨区商务局" not in text
    assert "2024 年度共通过各渠道发表促消费信息 0 篇、安全生产信息 1 篇、其他信息 2 篇。" in text
    # without -o a district's body gets a file of its own
    monkeypatch.chdir(cfg.parent)
    assert main(["report", "--year", "2024", "--bureau", "shijian", "--force",
                 "--config", str(cfg)]) == 0
    assert "wrote report-2024-shijian.html" in capsys.readouterr().out
    assert "卫滨区市场监督管理局" in cfg.with_name("report-2024-shijian.html").read_text("utf-8")


def test_report_data_per_body(cfg, capsys):
    assert main(["report", "init", "--year", "2024", "--bureau", "shangwu",
                 "--config", str(cfg)]) == 0
    assert cfg.with_name("report-2024-shangwu.toml").exists()
    assert not cfg.with_name("report-2024.toml").exists()
    capsys.readouterr()
    summary = cfg.with_name("district.md")
    assert main(["report", "--district", "--year", "2024", "-o", str(summary),
                 "--config", str(cfg)]) == 0
    assert "3 bodies, 2 still missing data" in capsys.readouterr().out
    text = summary.read_text(encoding="utf-8")
    assert "| 卫滨区商务局 | shangwu | 4 | 4 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "| 卫滨区应急管理局 | yingji | 3 | 0 | 1 | 2 | 2 | 0 | 0 | no data file |" in text
    assert "the district's 信息 (each once, however many bodies published it): 9" in text
    missing = text.split("## Bodies still missing data")[1].split("## Unattributed")[0]
    assert "卫滨区应急管理局** (`yingji`): no yearly data file" in missing
    assert "`gongkai report init --year 2024 --bureau shijian`" in missing
    assert "(`shangwu`)" not in missing
    unattributed = text.split("## Unattributed")[1]
    for title in EXPECT["unattributed_2024"]:
        assert title in unattributed


def test_unknown_body_and_missing_choice_on_the_command_line(crawled, capsys):
    assert main(["counts", "--year", "2024", "--bureau", "jiaoyu", "--config", str(crawled)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no body with id 'jiaoyu' in [[bureaus]] (known: shangwu, yingji, shijian)" in err
    assert main(["report", "--year", "2024", "--config", str(crawled)]) == 2
    assert "pass --bureau ID" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["counts", "--year", "2024", "--all", "--bureau", "shangwu",
              "--config", str(crawled)])
    assert stop.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_report_data_placeholder_names_the_body(cfg, capsys):
    cfg.write_text(cfg.read_text(encoding="utf-8")
                   + '\n[report]\ndata = "data/{bureau}/report-{year}.toml"\n', encoding="utf-8")
    (cfg.parent / "data" / "yingji").mkdir(parents=True)
    assert main(["report", "init", "--year", "2024", "--bureau", "yingji",
                 "--config", str(cfg)]) == 0
    assert f"wrote {cfg.parent / 'data' / 'yingji' / 'report-2024.toml'}" in capsys.readouterr().out
    assert main(["report", "check", "--year", "2024", "--bureau", "yingji",
                 "--config", str(cfg)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert main(["report", "--district", "--year", "2024", "-o", str(cfg.with_name("d.md")),
                 "--config", str(cfg)]) == 0
    text = cfg.with_name("d.md").read_text(encoding="utf-8")
    assert "| 卫滨区应急管理局 | yingji | 3 | 0 | 1 | 2 | 2 | 0 | 0 | no data file |" not in text
    assert "| 卫滨区商务局 | shangwu | 4 | 4 | 0 | 0 | 0 | 0 | 0 | no data file |" in text


def test_a_source_dropped_from_the_config_still_counts_for_its_bodies(cfg, capsys):
    before = _json(capsys, "counts", "--year", "2024", "--all", "--config", str(cfg))
    text = cfg.read_text(encoding="utf-8")
    cut = text.index('[[sources]]\nid = "cxwb"')
    cfg.write_text(text[:cut], encoding="utf-8")
    assert _json(capsys, "counts", "--year", "2024", "--all", "--config", str(cfg)) == before
    assert main(["crawl", "--config", str(cfg)]) == 0       # the store now knows it is gone
    capsys.readouterr()
    assert _json(capsys, "counts", "--year", "2024", "--all", "--config", str(cfg)) == before
