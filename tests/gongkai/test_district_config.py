"""[[bureaus]] (issue 17): several bodies in one config. Every mistake is one line naming the
file, the entry and the key, exit status 2; a [bureau] config is one body, as before."""
import textwrap
from pathlib import Path

import pytest

from gongkai import config
from gongkai.cli import main

DISTRICT = """
[[bureaus]]
id = "shangwu"
name = "卫滨区商务局"
aliases = ["区商务局"]

[[bureaus]]
id = "yingji"
name = "卫滨区应急管理局"
aliases = ["区应急管理局", "区应急局"]

[[sources]]
id = "swj-wx"
type = "feed"
channel = "wechat"
url = "http://127.0.0.1:4000/feeds/swj.rss"
bureau = "shangwu"

[[sources]]
id = "portal-bmdt"
type = "feed"
channel = "website"
url = "http://127.0.0.1:4000/feeds/bmdt.rss"
bureaus = ["shangwu", "yingji"]

[[sources]]
id = "cxwb"
type = "feed"
channel = "district-wechat"
url = "http://127.0.0.1:4000/feeds/cxwb.rss"
bureaus = "*"
"""


def _write(tmp_path, text):
    p = tmp_path / "gongkai.toml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_a_district_config(tmp_path):
    cfg = config.load(_write(tmp_path, DISTRICT))
    assert cfg.district and [b.id for b in cfg.bodies] == ["shangwu", "yingji"]
    assert cfg.body("yingji").aliases == ("卫滨区应急管理局", "区应急管理局", "区应急局")
    own, shared, everyone = cfg.sources
    assert (own.bureaus, own.shared, own.attribution) == (("shangwu",), False, "all")
    assert (shared.bureaus, shared.shared, shared.attribution) == (
        ("shangwu", "yingji"), True, "mention")
    assert (everyone.bureaus, everyone.shared) == (("shangwu", "yingji"), True)


def test_a_one_bureau_config_is_one_body_with_the_default_id(tmp_path):
    cfg = config.load(_write(tmp_path, """
        [bureau]
        name = "卫滨区商务局"
        aliases = ["区商务局"]

        [[sources]]
        id = "wx"
        type = "feed"
        channel = "wechat"
        url = "http://127.0.0.1:4000/feeds/a.rss"
        attribution = "mention"
        """))
    assert not cfg.district
    [body] = cfg.bodies
    assert (body.id, body.name, body.aliases) == (
        config.DEFAULT_BODY, "卫滨区商务局", ("卫滨区商务局", "区商务局"))
    assert (cfg.bureau, cfg.aliases) == (body.name, body.aliases)
    [src] = cfg.sources
    assert (src.bureaus, src.shared, src.attribution) == ((config.DEFAULT_BODY,), False, "mention")


def _swap(old, new):
    assert old in DISTRICT
    return DISTRICT.replace(old, new, 1)


BAD = [
    ("both bureau and bureaus", "[bureau]\nname = \"卫滨区商务局\"\n" + DISTRICT,
     r"gongkai\.toml: \[bureau\] and \[\[bureaus\]\] both given"),
    ("bureaus not an array", '[bureaus]\nid = "shangwu"\nname = "卫滨区商务局"\n',
     r"gongkai\.toml: 'bureaus' must be an array of tables"),
    ("body without id", _swap('id = "shangwu"\n', ""),
     r"gongkai\.toml: \[\[bureaus\]\] #1: key 'id' is required .*got nothing"),
    ("body id with a space", _swap('id = "yingji"', 'id = "ying ji"'),
     r"\[\[bureaus\]\] #2: key 'id' is required and must be letters.*'ying ji'"),
    ("duplicate body id", _swap('id = "yingji"', 'id = "shangwu"'),
     r"\[\[bureaus\]\] 'shangwu': duplicate id"),
    ("body without name", _swap('name = "卫滨区应急管理局"\n', ""),
     r"\[\[bureaus\]\] 'yingji': key 'name' is required"),
    ("aliases not a list", _swap('aliases = ["区商务局"]', 'aliases = "区商务局"'),
     r"\[\[bureaus\]\] 'shangwu': key 'aliases' must be a list of non-empty strings"),
    ("unknown key in a body", _swap('aliases = ["区商务局"]', 'alias = ["区商务局"]'),
     r"\[\[bureaus\]\] 'shangwu': unknown key 'alias' \(known: aliases, id, name, rules\)"),
    ("alias of two bodies", _swap('aliases = ["区应急管理局", "区应急局"]', 'aliases = ["区商务局"]'),
     r"\[\[bureaus\]\] 'yingji': alias '区商务局' is also one of 'shangwu''s"),
    ("own rules file missing", _swap('aliases = ["区商务局"]',
                                     'aliases = ["区商务局"]\nrules = "shangwu.toml"'),
     r"\[\[bureaus\]\] 'shangwu': rules file .*shangwu\.toml does not exist"),
    ("own rules not a path", _swap('aliases = ["区商务局"]', 'aliases = ["区商务局"]\nrules = 3'),
     r"\[\[bureaus\]\] 'shangwu': key 'rules' must be the path of a rules file"),
    ("source of unknown body", _swap('bureau = "shangwu"', 'bureau = "shangwuju"'),
     r"gongkai\.toml: source 'swj-wx': key 'bureau' must be the id of a body "
     r"\(known: shangwu, yingji\), got 'shangwuju'"),
    ("shared source naming an unknown body", _swap('bureaus = ["shangwu", "yingji"]',
                                                   'bureaus = ["shangwu", "jiaoyu"]'),
     r"source 'portal-bmdt': key 'bureaus' names unknown body 'jiaoyu' \(known: shangwu, yingji\)"),
    ("shared source with no body", _swap('bureaus = ["shangwu", "yingji"]', 'bureaus = []'),
     r"source 'portal-bmdt': key 'bureaus' must be \"\*\" or a non-empty list"),
    ("shared source as a word", _swap('bureaus = "*"', 'bureaus = "all"'),
     r"source 'cxwb': key 'bureaus' must be \"\*\" or a non-empty list .*got 'all'"),
    ("source with both keys", _swap('bureau = "shangwu"', 'bureau = "shangwu"\nbureaus = "*"'),
     r"source 'swj-wx': keys 'bureau' and 'bureaus' both given"),
    ("source of nobody", _swap('bureau = "shangwu"\n', ""),
     r"source 'swj-wx': key 'bureau' is required in a \[\[bureaus\]\] config"),
    ("shared source taking every item", _swap('bureaus = "*"', 'bureaus = "*"\nattribution = "all"'),
     r"source 'cxwb': key 'attribution' must be 'mention' on a shared source"),
    ("one-bureau source naming another body", """
        [bureau]
        name = "卫滨区商务局"

        [[sources]]
        id = "wx"
        type = "feed"
        channel = "wechat"
        url = "http://127.0.0.1:4000/feeds/a.rss"
        bureau = "shangwu"
        """, r"source 'wx': key 'bureau' must be the id of a body \(known: bureau\)"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_a_mistake_names_file_entry_and_key(tmp_path, name, text, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(_write(tmp_path, text))


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_a_mistake_is_one_line_and_status_2(tmp_path, capsys, name, text, message):
    path = _write(tmp_path, text)
    assert main(["crawl", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gongkai: error: ") and "Traceback" not in err
    assert str(path) in err



def test_the_readme_district_example_is_a_valid_config(tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For a whole district", 1)[1]
    cfg = config.load(_write(tmp_path, section.split("```toml", 1)[1].split("```", 1)[0]))
    assert [b.id for b in cfg.bodies] == ["shangwu", "yingji"]
    assert [(s.id, s.shared, s.bureaus) for s in cfg.sources] == [
        ("swj-wx", False, ("shangwu",)), ("portal-bmdt", True, ("shangwu", "yingji"))]
