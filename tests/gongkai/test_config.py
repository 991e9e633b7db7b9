"""Config errors: one line naming the file, the source id and the key; exit status 2."""
import subprocess
import sys
import textwrap

import pytest

from gongkai import config
from gongkai.cli import main

GOOD = """
[bureau]
name = "卫滨区商务局"
aliases = ["区商务局"]

[[sources]]
id = "portal"
type = "website"
channel = "website"
url = "http://www.example.gov.cn/col/col1/index.html"
interval = "6h"

[[sources]]
id = "wx"
type = "feed"
channel = "wechat"
url = "http://127.0.0.1:4000/feeds/a.rss"
attribution = "mention"
"""


def _write(tmp_path, text):
    p = tmp_path / "gongkai.toml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_good_config(tmp_path):
    cfg = config.load(_write(tmp_path, GOOD))
    assert cfg.bureau == "卫滨区商务局"
    assert cfg.aliases == ("卫滨区商务局", "区商务局")
    assert [s.id for s in cfg.sources] == ["portal", "wx"]
    assert cfg.sources[0].interval_s == 6 * 3600
    assert cfg.sources[1].attribution == "mention"
    assert cfg.db_path == tmp_path / "gongkai.db"


BAD = [
    ("bad toml", "[bureau\nname = 1", r"gongkai.toml: invalid TOML: .*line 1"),
    ("unknown type", GOOD.replace('type = "feed"', 'type = "ftp"'),
     r"source 'wx': key 'type' must be one of .*got 'ftp'"),
    ("duplicate id", GOOD.replace('id = "wx"', 'id = "portal"'), r"source 'portal': duplicate id"),
    ("missing url", GOOD.replace('url = "http://www.example.gov.cn/col/col1/index.html"', ""),
     r"source 'portal': missing required key 'url'"),
    ("unknown key", GOOD.replace('interval = "6h"', 'intervall = "6h"'),
     r"source 'portal': unknown key 'intervall'"),
    ("bad interval", GOOD.replace('interval = "6h"', 'interval = "often"'),
     r"source 'portal': key 'interval' must look like"),
    ("bad attribution", GOOD.replace('"mention"', '"some"'),
     r"source 'wx': key 'attribution' must be 'all' or 'mention'"),
    ("no bureau", GOOD.replace('name = "卫滨区商务局"', ""), r"\[bureau\] key 'name' is required"),
    ("unknown section", GOOD + "\n[mail]\nto = 'x'\n", r"unknown top-level key 'mail'"),
    ("missing channel", GOOD.replace('channel = "wechat"', ""), r"source 'wx': key 'channel' is required"),
    ("typo hint lists common keys", GOOD.replace('interval = "6h"', 'intervall = "6h"'),
     r"unknown key 'intervall'.*known: .*attribution.*interval.*url"),
    ("http delay as string", GOOD + '\n[http]\nmin_delay = "2"\n',
     r"\[http\] key 'min_delay' must be a number of seconds >= 0, got '2'"),
    ("http negative delay", GOOD + '\n[http]\nmin_delay = -1\n', r"\[http\] key 'min_delay'"),
    ("http robots not bool", GOOD + '\n[http]\nrespect_robots = "yes"\n',
     r"\[http\] key 'respect_robots' must be true or false"),
    ("source without id", GOOD.replace('id = "wx"', ""), r"key 'id' is required .*got nothing"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_bad_config_names_the_problem(tmp_path, name, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(config.ConfigError, match=message):
        config.load(path)


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_cli_one_line_and_status_2(tmp_path, capsys, name, text, message):
    path = _write(tmp_path, text)
    assert main(["crawl", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gongkai: error: ") and "Traceback" not in err


def test_missing_config_file(tmp_path, capsys):
    assert main(["crawl", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_init_writes_and_refuses_to_overwrite(tmp_path, capsys):
    cfg = tmp_path / "gongkai.toml"
    assert main(["init", "--config", str(cfg)]) == 0
    assert cfg.exists() and (tmp_path / "rules.toml").exists()
    config.load(cfg)                        # the starter config is itself valid
    before = cfg.read_text(encoding="utf-8")
    cfg.write_text(before + "\n# mine\n", encoding="utf-8")
    assert main(["init", "--config", str(cfg)]) == 2
    assert "--force" in capsys.readouterr().err
    assert cfg.read_text(encoding="utf-8").endswith("# mine\n")
    assert main(["init", "--config", str(cfg), "--force"]) == 0
    assert cfg.read_text(encoding="utf-8") == before


def test_the_starter_config_takes_a_board_row_for_the_board_its_report_names(tmp_path, capsys):
    # [report] channels names 局政务信息公开栏: the starter has the manual source it needs
    cfg = tmp_path / "gongkai.toml"
    assert main(["init", "--config", str(cfg)]) == 0
    assert main(["add", "--config", str(cfg), "--channel", "board", "--date", "2024-05-06",
                 "--title", "区商务局开展消费券发放宣传"]) == 0
    assert "-> 促消费" in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    path = _write(tmp_path, "[bureau\n")
    r = subprocess.run([sys.executable, "-m", "gongkai", "crawl", "--config", str(path)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("gongkai: error:") and "Traceback" not in r.stderr
