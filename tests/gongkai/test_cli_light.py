"""``gongkai classify`` starts without the crawler, the store or the report (issue 18), and its
light parser reads every command line exactly as the full one does."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai import cli, cmd_classify, config

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("store", "collectors", "report", "requests", "bs4", "sqlite_utils", "gongkai.app")

PROBE = """
import io, json, sys
sys.stdin = io.StringIO({stdin!r})
from gongkai.cli import main
code = main({argv!r})
print(json.dumps({{"code": code, "loaded": [m for m in {heavy!r} if m in sys.modules]}}), file=sys.stderr)
"""


def _probe(argv, stdin=""):
    done = subprocess.run([sys.executable, "-c", PROBE.format(stdin=stdin, argv=argv, heavy=HEAVY)],
                          capture_output=True, text=True, cwd=ROOT)
    return done, json.loads(done.stderr.strip().splitlines()[-1])


def test_classify_loads_nothing_but_the_classifier():
    line = json.dumps({"title": "区商务局开展节前安全生产检查", "body": ""}, ensure_ascii=False) + "\n"
    done, seen = _probe(["classify", "--jobs", "1"], line)
    assert seen == {"code": 0, "loaded": []}
    assert json.loads(done.stdout)["category"] == "安全生产"


def test_a_bad_line_is_still_one_error_line_and_status_2():
    done, seen = _probe(["classify", "--jobs", "1"], "not json\n")
    assert seen["code"] == 2
    assert done.stderr.splitlines()[0].startswith("gongkai: error: ")


def test_other_commands_still_load_what_they_need():
    _, seen = _probe(["status", "--db", "/nonexistent/x.db"])
    assert seen["code"] == 2 and "gongkai.app" in seen["loaded"]


@pytest.mark.parametrize("argv", [
    ["classify"], ["classify", "--jobs", "3"], ["classify", "--rules", "r.toml", "-v"],
    ["classify", "--config", "c.toml", "--db", "d.db", "--jobs=2"],
])
def test_the_light_parser_reads_a_command_line_as_the_full_one(argv):
    assert cli._light(argv)
    light = vars(cli._parser((cmd_classify,)).parse_args(argv))
    full = vars(cli._parser().parse_args(argv))
    assert light == full


@pytest.mark.parametrize("argv", [["classify", "--jobs", "0"], ["classify", "--nope"]])
def test_the_light_parser_refuses_what_the_full_one_refuses(argv, capsys):
    for modules in ((cmd_classify,), None):
        with pytest.raises(SystemExit) as stop:
            cli._parser(modules).parse_args(argv)
        assert stop.value.code == 2
    light, full = capsys.readouterr().err.splitlines()
    assert light == full and light.startswith("gongkai: error: ")


def test_help_and_other_commands_take_the_full_parser():
    assert not cli._light(["classify", "--help"])
    assert not cli._light(["-v", "classify"])
    assert not cli._light(["reclassify"])


def test_the_default_config_name_is_the_config_modules():
    assert cli.DEFAULT_CONFIG == config.DEFAULT_CONFIG
