"""A running `gongkai serve` follows edits of its config (issue 17 follow-up), over plain HTTP on
the three-body fixture district: source swj-wx moved from shangwu to yingji while the app runs
changes the district workbook, the bodies' counts and who may re-file its items at the next
request; a config that no longer loads keeps the last good one, said once in the log and to
admins on every page, never a traceback."""
from __future__ import annotations

import io
import logging

from openpyxl import load_workbook

from gongkai import app as gk_app
from gongkai import config, district
from store import Store
from test_body_accounts import OWN, _login, prepared, town  # noqa: F401  (fixtures)
from test_district import crawled, site  # noqa: F401  (fixtures)



def _move_swj(path, to: str) -> None:
    text = path.read_text(encoding="utf-8")
    i = text.index('id = "swj-wx"')
    head, tail = text[:i], text[i:]
    assert 'bureau = "shangwu"' in tail.split("[[sources]]")[0]
    path.write_text(head + tail.replace('bureau = "shangwu"', f'bureau = "{to}"', 1),
                    encoding="utf-8")


def _workbook_totals(client) -> dict[str, int]:
    r = client.get("/district.xlsx?year=2024")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data))["2024"].iter_rows(values_only=True))
    head = rows[0]
    return {row[head.index("编号")]: row[head.index("2024 年信息")] for row in rows[1:]
            if row[head.index("编号")]}


def _cli_totals(path) -> dict[str, int]:
    """What `gongkai counts --all` says with the config as it is on disk now."""
    cfg = config.load(path)
    rules = gk_app.load_rules(cfg)
    with Store(cfg.db_path) as st:
        return {b.id: district.counts(st, rules, 2024, cfg, b.id).total for b in cfg.bodies}


def test_a_source_moved_to_another_body_is_seen_without_a_restart(town):
    app, path, own = town["app"], town["path"], town["ids"][OWN]
    boss, alice, yuan = _login(app, "boss"), _login(app, "alice"), _login(app, "yuan")
    before = _workbook_totals(boss)
    assert before == _cli_totals(path)
    assert alice.get(f"/item/{own}").status_code == 200
    _move_swj(path, "yingji")
    after = _cli_totals(path)
    assert after["shangwu"] < before["shangwu"] and after["yingji"] > before["yingji"]
    assert _workbook_totals(boss) == after
    assert alice.get("/counts.json?year=2024").get_json()["total"] == after["shangwu"]
    assert yuan.get("/counts.json?year=2024").get_json()["total"] == after["yingji"]
    # its items are yingji's to re-file now, no longer shangwu's (nor to see)
    r = alice.post(f"/api/item/{own}/category", data={"category": "其他",
                                                      "csrf_token": alice.csrf})
    assert r.status_code == 404
    r = yuan.post(f"/api/item/{own}/category", data={"category": "其他",
                                                     "csrf_token": yuan.csrf})
    assert r.status_code == 302


def test_a_config_that_no_longer_loads_keeps_the_last_good_one(town, caplog):
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
    _move_swj(path, "yingji")
    page = boss.get("/")
    assert 'id="config-error"' not in page.text
    assert alice.get("/counts.json?year=2024").get_json()["total"] == \
        _cli_totals(path)["shangwu"] < count
