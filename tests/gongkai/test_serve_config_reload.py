"""A running `gongkai serve` follows edits of its config (issue 17 follow-up), over plain HTTP on
the three-body fixture district: swj-wx given from shangwu to yingji and yingji renamed while the
app runs change the district workbook, the bodies' counts (as `gongkai counts --all` has them:
the app syncs the edited config into the record as the CLI does) and who may re-file which item
at the next request; a config that no longer loads keeps the last good one, said once in the log
and to admins on every page, never a traceback."""
from __future__ import annotations

import io
import json
import logging

from openpyxl import load_workbook

from gongkai import config, district
from gongkai.cli import main
from store import Store, access
from test_body_accounts import OWN, _login, prepared, town  # noqa: F401  (fixtures)
from test_district import crawled, site  # noqa: F401  (fixtures)

RENAMED = "卫滨区应急管理局（新名）"



def _edit(path) -> None:
    """swj-wx given from shangwu to yingji, yingji renamed (its old name kept as an alias), and
    a body added whose name an earlier unattributed item of the shared portal column bears."""
    text = path.read_text(encoding="utf-8")
    i = text.index('id = "swj-wx"')
    head, tail = text[:i], text[i:]
    assert 'bureau = "shangwu"' in tail.split("[[sources]]")[0]
    text = head + tail.replace('bureau = "shangwu"', 'bureau = "yingji"', 1)
    old = 'name = "卫滨区应急管理局"\naliases = ["区应急管理局"]'
    assert old in text
    text = text.replace(old, f'name = "{RENAMED}"\naliases = ["卫滨区应急管理局", "区应急管理局"]')
    added = '[[bureaus]]\nid = "jiaoyu"\nname = "卫滨区教育局"\naliases = ["区教育局"]\n\n'
    path.write_text(text.replace("[database]", added + "[database]", 1), encoding="utf-8")


def _workbook(client) -> dict[str, tuple[str, int]]:
    """The district workbook's bodies: id -> (name, this year's 信息)."""
    r = client.get("/district.xlsx?year=2024")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data))["2024"].iter_rows(values_only=True))
    head = rows[0]
    return {row[head.index("编号")]: (row[head.index("单位")], row[head.index("2024 年信息")])
            for row in rows[1:] if row[head.index("编号")]}


def _cli_totals(path, capsys) -> dict[str, int]:
    """What `gongkai counts --all` says with the config as it is on disk now."""
    capsys.readouterr()
    assert main(["counts", "--year", "2024", "--all", "--json", "--config", str(path)]) == 0
    return {k: v["total"] for k, v in json.loads(capsys.readouterr().out)["bureaus"].items()}


def _totals(book: dict) -> dict[str, int]:
    return {k: total for k, (_, total) in book.items()}


def test_an_edited_config_is_seen_without_a_restart(town, capsys):
    app, path, own = town["app"], town["path"], town["ids"][OWN]
    boss, alice, yuan = _login(app, "boss"), _login(app, "alice"), _login(app, "yuan")
    before = _workbook(boss)
    assert _totals(before) == _cli_totals(path, capsys)
    _edit(path)
    after = _workbook(boss)
    assert after["yingji"][0] == RENAMED and before["yingji"][0] != RENAMED
    assert RENAMED in yuan.get("/").text                # the header names the account's body
    # the app synced the edited config into the record as the CLI does: the same figures, the
    # new body's earlier item counted for it
    cli = _cli_totals(path, capsys)
    assert cli["jiaoyu"] >= 1 and "jiaoyu" not in before
    assert _totals(after) == cli == _totals(_workbook(boss))
    assert alice.get("/counts.json?year=2024").get_json()["total"] == cli["shangwu"]
    assert yuan.get("/counts.json?year=2024").get_json()["total"] == cli["yingji"]
    # who may re-file an item of swj-wx follows the edited config's scopes too
    cfg = config.load(path)
    with Store(cfg.db_path) as st:
        whose = {b: bool(access.in_scope(st, district.scope(cfg, b, st), [own]))
                 for b in ("shangwu", "yingji")}
    for client, body in ((alice, "shangwu"), (yuan, "yingji")):
        r = client.post(f"/api/item/{own}/category", data={"category": "其他",
                                                           "csrf_token": client.csrf})
        assert r.status_code == (302 if whose[body] else 404), body


def test_a_config_that_no_longer_loads_keeps_the_last_good_one(town, caplog, capsys):
    app, path = town["app"], town["path"]
    boss, alice = _login(app, "boss"), _login(app, "alice")
    good = path.read_text(encoding="utf-8")
    count = alice.get("/counts.json?year=2024").get_json()["total"]
    caplog.set_level(logging.INFO, logger="gongkai.web._live")
    path.write_text(good + "\n[[sources]\nid = 'broken'\n", encoding="utf-8")
    for _ in range(3):
        page = boss.get("/")
        assert page.status_code == 200 and 'id="config-error"' in page.text
        assert str(path) in page.text and "Traceback" not in page.text
    assert 'id="config-error"' not in alice.get("/").text        # the admins' to fix
    assert alice.get("/counts.json?year=2024").get_json()["total"] == count
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and str(path) in errors[0].getMessage()
    assert "\n" not in errors[0].getMessage()
    # fixed (with swj-wx given to yingji on the way): the next request reloads it
    path.write_text(good, encoding="utf-8")
    _edit(path)
    page = boss.get("/")
    assert 'id="config-error"' not in page.text and RENAMED in boss.get("/district").text
    assert alice.get("/counts.json?year=2024").get_json()["total"] == \
        _cli_totals(path, capsys)["shangwu"]
