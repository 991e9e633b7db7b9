"""Config values, not only types (issue 15, item 2): a value that passes the type check but cannot
work (an unparseable URL, a port out of range, an infinite delay, an interval of centuries, input
nested thousands deep) is one line naming the file, the source and the key, exit status 2, no
traceback, and nothing created on disk. And the README's config keys stay in step with the
validator."""
import re
import textwrap
from pathlib import Path

import pytest

import collectors
from gongkai import config
from gongkai.cli import main

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
[bureau]
name = "卫滨区商务局"

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
"""
PORTAL_URL = 'url = "http://www.example.gov.cn/col/col1/index.html"'
FEED_URL = 'url = "http://127.0.0.1:4000/feeds/a.rss"'


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (name, config text, what the one-line message must say)
BAD = [
    ("website url unparseable", GOOD.replace(PORTAL_URL, 'url = "http://[::1/col"'),
     r"gongkai.toml: source 'portal': key 'url' .*http://\[::1/col"),
    ("feed url unparseable", GOOD.replace(FEED_URL, 'url = "http://[::1/feed.rss"'),
     r"gongkai.toml: source 'wx': key 'url' "),
    ("website port out of range",
     GOOD.replace(PORTAL_URL, 'url = "http://www.example.gov.cn:99999/col/"'),
     r"source 'portal': key 'url' .*port.*99999"),
    ("feed port out of range", GOOD.replace(FEED_URL, 'url = "http://127.0.0.1:65536/a.rss"'),
     r"source 'wx': key 'url' .*port"),
    ("port not a number", GOOD.replace(FEED_URL, 'url = "http://127.0.0.1:rss/a.rss"'),
     r"source 'wx': key 'url' .*port"),
    ("control character in url",
     GOOD.replace(PORTAL_URL, 'url = "http://www.example.gov.cn/col\\n1/"'),
     r"source 'portal': key 'url' "),
    ("min_delay inf", GOOD + "\n[http]\nmin_delay = inf\n",
     r"gongkai.toml: \[http\] key 'min_delay' .*got inf"),
    ("min_delay nan", GOOD + "\n[http]\nmin_delay = nan\n", r"\[http\] key 'min_delay' .*got nan"),
    ("min_delay a day", GOOD + "\n[http]\nmin_delay = 86400\n", r"\[http\] key 'min_delay' "),
    ("timeout inf", GOOD + "\n[http]\ntimeout = inf\n", r"\[http\] key 'timeout' .*got inf"),
    ("timeout huge", GOOD + "\n[http]\ntimeout = 1e300\n", r"\[http\] key 'timeout' "),
    ("max_bytes beyond any page", GOOD + "\n[http]\nmax_bytes = 100000000000000000000\n",
     r"\[http\] key 'max_bytes' "),
    ("user_agent with a line break", GOOD + '\n[http]\nuser_agent = "gongkai\\r\\nX-Evil: 1"\n',
     r"\[http\] key 'user_agent' "),
    ("user_agent beyond ASCII", GOOD + '\n[http]\nuser_agent = "卫滨区商务局采集"\n',
     r"\[http\] key 'user_agent' .*ASCII"),
    ("interval of centuries",
     GOOD.replace('interval = "6h"', 'interval = "999999999999999999999d"'),
     r"gongkai.toml: source 'portal': key 'interval' .*year"),
    ("interval past a year", GOOD.replace('interval = "6h"', 'interval = "400d"'),
     r"source 'portal': key 'interval' .*year"),
    ("interval beyond a float", GOOD.replace('interval = "6h"', f'interval = "{"9" * 400}s"'),
     r"source 'portal': key 'interval' "),
    ("nested 5000 deep", f"x = {_nested(5000)}\n" + GOOD,
     r"gongkai.toml: invalid TOML: nested more than \d+ levels deep"),
    ("nested 300 deep in a key", GOOD.replace('interval = "6h"', f"allow_hosts = {_nested(300)}"),
     r"gongkai.toml: invalid TOML: nested more than \d+ levels deep"),
    ("max_pages beyond any column", GOOD.replace('interval = "6h"', "max_pages = 10000000"),
     r"source 'portal': key 'max_pages' "),
    ("stale_factor inf", GOOD + "stale_factor = inf\n", r"source 'wx': key 'stale_factor' .*inf"),
    ("stale_factor nan", GOOD + "stale_factor = nan\n", r"source 'wx': key 'stale_factor' .*nan"),
    ("stale_min_days negative", GOOD + "stale_min_days = -1\n",
     r"source 'wx': key 'stale_min_days' "),
    ("stale_min_days past a year", GOOD + "stale_min_days = 1e12\n",
     r"source 'wx': key 'stale_min_days' "),
    ("max_articles negative", GOOD + "max_articles = -5\n", r"source 'wx': key 'max_articles' "),
    ("webhook unparseable", GOOD + '\n[alerts]\nwebhook = "https://[::1/hook"\n',
     r"\[alerts\] key 'webhook' "),
    ("quiet_days_min beyond timedelta", GOOD + "\n[alerts]\nquiet_days_min = 10000000000\n",
     r"\[alerts\] key 'quiet_days_min' "),
    ("email port out of range",
     GOOD + '\n[alerts.email]\nhost = "smtp.example.cn"\nto = "a@example.cn"\nport = 99999\n',
     r"\[alerts.email\] key 'port' .*99999"),
    ("log keep beyond rotation", GOOD + '\n[log]\nfile = "g.log"\nkeep = 1000000000000\n',
     r"\[log\] key 'keep' "),
]


def _write(tmp_path, text):
    p = tmp_path / "gongkai.toml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_is_refused_at_load(tmp_path, name, text, message):
    with pytest.raises(config.ConfigError, match=message) as e:
        config.load(_write(tmp_path, text))
    assert "\n" not in str(e.value) and len(str(e.value)) < 400


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_crawl_with_a_bad_value_is_one_line_status_2_nothing_created(tmp_path, capsys, name, text,
                                                                     message):
    path = _write(tmp_path, text)
    code = main(["crawl", "--config", str(path), "--db", str(tmp_path / "g.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.search(message, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gongkai.toml"]


def test_the_edges_of_the_ranges_are_accepted(tmp_path):
    text = GOOD.replace('interval = "6h"', 'interval = "366d"\nmax_pages = 100000') + textwrap.dedent("""
        stale_factor = 0
        stale_min_days = 366
        [http]
        min_delay = 0
        timeout = 600
        max_bytes = 100_000_000
        [alerts.email]
        host = "smtp.example.cn"
        to = "a@example.cn"
        port = 65535
        """)
    text = text.replace(FEED_URL, 'url = "https://[::1]:8443/feeds/a.rss"')
    cfg = config.load(_write(tmp_path, text))
    assert cfg.sources[0].interval_s == 366 * 86400
    assert cfg.sources[1].url == "https://[::1]:8443/feeds/a.rss"
    assert cfg.alerts.email.port == 65535


def test_crawl_of_an_unknown_source_creates_no_database(tmp_path, capsys):
    path = _write(tmp_path, GOOD)
    db = tmp_path / "g.db"
    code = main(["crawl", "--config", str(path), "--db", str(db), "--source", "nosuch"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (f"gongkai: error: {path}: no source with id 'nosuch' "
                           "(known: portal, wx)")
    assert not db.exists()


# -- the README's config keys and the validator, in step --

def _readme_config() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The config file", 1)[1]
    return section.split("```toml", 1)[1].split("```", 1)[0]


def test_the_readme_config_is_a_valid_config(tmp_path):
    cfg = config.load(_write(tmp_path, _readme_config()))
    assert cfg.bureau == "卫滨区商务局" and cfg.sources


def test_every_key_the_validator_takes_in_the_readme_sections_is_documented():
    """The sections the README's example shows, each with every key the validator accepts there
    (and each key the example uses exists, or the config above would not load)."""
    data = config.tomllib.loads(_readme_config())
    assert {"bureau", "database", "http", "rules", "report", "sources"} <= set(data)
    for section in ("bureau", "database", "http", "rules", "report"):
        assert set(data[section]) == config.SECTION_KEYS[section], section
    [source] = data["sources"]
    documented = set(source)
    assert config.COMMON_KEYS <= documented
    assert {"url", "preset"} <= documented <= config.COMMON_KEYS | set(
        collectors.REGISTRY[source["type"]].options)
