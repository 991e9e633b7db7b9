"""A body with categories of its own (issue 17 #1: ``rules`` in a ``[[bureaus]]`` entry), on the
three-body fixture district of test_district.py: the 应急管理局 files its items under its own
categories, by its own rules, in its counts, its report, the district summary, the dashboard's
export and its reviewers' pages; the other bodies and the district's own counts are unchanged."""
from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from openpyxl import load_workbook

from _review_support import PASSWORD
from gongkai import app as gk_app
from gongkai import config
from gongkai.cli import main
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store, access
from test_district import EXPECT, crawled, site  # noqa: F401  (fixtures)
from test_body_accounts import CLOCK, _login

OWN_RULES = """
title_weight = 3.0
body_weight = 1.0
fallback = "其他"

[review]
min_score = 3.0
min_margin = 2.0

[report]
sentence = "{year} 年度共发布{items}。"
item = "{label} {count} 条"
separator = "、"

[[category]]
name = "安全监管"
label = "安全生产监管信息"
key = 1
[category.keywords]
"安全生产" = 5
"大检查" = 4

[[category]]
name = "应急救援"
label = "应急救援信息"
key = 2
[category.keywords]
"防汛" = 5
"演练" = 4

[[category]]
name = "宣传教育"
label = "宣传教育信息"
key = 3
[category.keywords]
"科普" = 5

[[category]]
name = "其他"
label = "其他信息"
key = 4
[category.keywords]
"其他" = 1
"""
OWN = ("安全监管", "应急救援", "宣传教育", "其他")
FILED = {"区应急管理局开展安全生产大检查": "安全监管", "防汛应急演练在我区举行": "应急救援",
         "应急科普进社区": "宣传教育"}


@pytest.fixture
def town(crawled, tmp_path):  # noqa: F811
    """The crawled district, yingji given its own rules, classified again (reclassify)."""
    shutil.copy(crawled.with_name("district.db"), tmp_path / "district.db")
    text = crawled.read_text(encoding="utf-8").replace(
        'aliases = ["区应急管理局"]', 'aliases = ["区应急管理局"]\nrules = "yingji-rules.toml"')
    (tmp_path / "gongkai.toml").write_text(text, encoding="utf-8")
    (tmp_path / "yingji-rules.toml").write_text(OWN_RULES, encoding="utf-8")
    return tmp_path / "gongkai.toml"


def _counts(capsys, path, *args):
    assert main(["counts", "--year", "2024", "--config", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_body_counts_under_its_own_categories_the_others_unchanged(town, capsys):
    # rules given mid-year: its counts file its items at once (found by a trial: they were 0
    # until the next crawl or reclassify, and a report written meanwhile said 0 条)
    mine = _counts(capsys, town, "--bureau", "yingji")
    assert list(mine["categories"]) == list(OWN)
    assert mine["total"] == EXPECT["counts_2024"]["yingji"]["total"] == 3
    assert mine["categories"] == {"安全监管": 1, "应急救援": 1, "宣传教育": 1, "其他": 0}
    everyone = _counts(capsys, town, "--all")["bureaus"]
    assert everyone["yingji"] == mine
    for body in ("shangwu", "shijian"):       # the district's categories, as before
        want = EXPECT["counts_2024"][body]
        assert everyone[body]["categories"] == want["categories"]
    # the district's own count keeps the district's categories
    assert set(_counts(capsys, town)["categories"]) == {"促消费", "安全生产", "其他"}
    # its decisions are made once: a later pass has nothing to do
    assert main(["reclassify", "--config", str(town)]) == 0
    assert "under bodies' own categories" not in capsys.readouterr().out


def test_reclassify_makes_the_decisions_of_a_body_given_rules(town, capsys):
    assert main(["reclassify", "--config", str(town)]) == 0
    assert "3 decisions under bodies' own categories" in capsys.readouterr().out


def _yuan(town):
    cfg = config.load(town)
    with Store(cfg.db_path) as st:
        st.add_user("yuan", hash_password(PASSWORD), "reviewer", now=CLOCK)
        access.bind_user(st, "yuan", "yingji", now=CLOCK, actor="test")
        ids = {i["title"]: i["id"] for i in st.items() if i["title"] in FILED}
    app = create_app(cfg.db_path, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    return _login(app, "yuan"), ids


def test_a_renamed_category_sends_its_hand_filed_items_back_to_review(town, capsys):
    """Found by a trial: with 应急救援 renamed in the body's rules file, every count failed on
    the items filed under it by hand, and the web pages answered 500."""
    assert main(["reclassify", "--config", str(town)]) == 0
    capsys.readouterr()
    c, ids = _yuan(town)
    item = ids["防汛应急演练在我区举行"]
    assert c.post(f"/api/item/{item}/category", data={"category": "应急救援"},
                  headers={"X-CSRF-Token": c.csrf}).status_code in (200, 302)
    rules = town.with_name("yingji-rules.toml")
    rules.write_text(OWN_RULES.replace('"应急救援"', '"救援处置"'), encoding="utf-8")
    mine = _counts(capsys, town, "--bureau", "yingji")
    assert mine["categories"] == {"安全监管": 1, "救援处置": 1, "宣传教育": 1, "其他": 0}
    assert mine["unreviewed"] == 1                      # the item, back in review
    with Store(config.load(town).db_path) as st:
        d = st.body_decision(item, "yingji")
        assert (d["body_category"], d["body_decided_by"], d["body_needs_review"]) == \
            ("救援处置", "auto", 1)
    # the web UI, still running with the old rules file's names, follows the edit: no 500
    for page in ("/counts?year=2024", "/", f"/item/{item}", "/queue?status=todo"):
        r = c.get(page)
        assert r.status_code == 200 and "救援处置" in r.text, page


def test_a_renamed_body_keeps_its_hand_filed_categories(town, capsys):
    """Found by a trial: reattribute --rename moved the items but not the body's own decisions,
    and the rules then filed the hand-set ones again."""
    assert main(["reclassify", "--config", str(town)]) == 0
    capsys.readouterr()
    c, ids = _yuan(town)
    item = ids["应急科普进社区"]
    assert c.post(f"/api/item/{item}/category", data={"category": "应急救援"},
                  headers={"X-CSRF-Token": c.csrf}).status_code in (200, 302)
    text = town.read_text(encoding="utf-8").replace('"yingji"', '"yjj"')
    town.write_text(text, encoding="utf-8")
    assert main(["reattribute", "--rename", "yingji=yjj", "--config", str(town)]) == 0
    capsys.readouterr()
    mine = _counts(capsys, town, "--bureau", "yjj")
    assert mine["categories"] == {"安全监管": 1, "应急救援": 2, "宣传教育": 0, "其他": 0}
    with Store(config.load(town).db_path) as st:
        assert st.body_decision(item, "yjj")["body_decided_by"] == "manual"
        assert st.body_decision(item, "yingji") is None


def test_its_report_and_the_district_summary_use_its_categories(town, capsys, tmp_path):
    assert main(["reclassify", "--config", str(town)]) == 0
    out = tmp_path / "yingji.html"
    assert main(["report", "--year", "2024", "--bureau", "yingji", "-o", str(out), "--force",
                 "--config", str(town)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "安全生产监管信息 1 条" in html and "应急救援信息 1 条" in html
    summary = tmp_path / "district.md"
    assert main(["report", "--year", "2024", "--district", "-o", str(summary),
                 "--config", str(town)]) == 0
    text = summary.read_text(encoding="utf-8")
    assert "自定分类 own categories" in text
    row = next(line for line in text.splitlines() if line.startswith("| 卫滨区应急管理局"))
    assert "安全监管 1；应急救援 1；宣传教育 1；其他 0" in row


def test_a_reviewer_of_the_body_files_under_its_categories_only(town, capsys):
    assert main(["reclassify", "--config", str(town)]) == 0
    capsys.readouterr()
    cfg = config.load(town)
    c, ids = _yuan(town)
    page = c.get("/counts?year=2024")
    assert page.status_code == 200 and "应急救援" in page.text and "促消费" not in page.text
    item = ids["应急科普进社区"]
    shown = c.get(f"/item/{item}").text
    assert 'data-category="宣传教育"' in shown
    headers = {"X-CSRF-Token": c.csrf}
    assert c.post(f"/api/item/{item}/category", data={"category": "促消费"},
                  headers=headers).status_code == 400          # the district's category
    r = c.post(f"/api/item/{item}/category", json={"category": "应急救援"}, headers=headers)
    # the page is told the body's own decision (found by a trial: it was sent the district's)
    assert r.status_code == 200 and r.json["category"] == "应急救援"
    assert r.json["decided_by"] == "manual"
    got = json.loads(c.get("/counts.json?year=2024").text)["categories"]
    assert got == {"安全监管": 1, "应急救援": 2, "宣传教育": 0, "其他": 0}
    # the district's decision is untouched, and the change is audited
    with Store(cfg.db_path) as st:
        assert st.item(item)["category"] in ("安全生产", "其他", "促消费")
        assert st.body_decision(item, "yingji")["body_decided_by"] == "manual"
        assert any(a["action"] == "body category" and a["new"] == "应急救援"
                   for a in st.audit(item))
    # the queue's category filter reads its decisions
    queue = c.get("/queue?status=&category=应急救援").text
    assert queue.count('class="row"') == 2
    # undo gives the item back to its rules at once
    assert c.post(f"/api/item/{item}/undo", headers=headers).status_code in (200, 302)
    assert json.loads(c.get("/counts.json?year=2024").text)["categories"]["宣传教育"] == 1
    # a bulk change is refused rather than filed under the district's meaning
    r = c.post("/bulk/preview", data={"id": str(item), "action": "category:应急救援"},
               headers=headers)
    assert r.status_code == 400


def test_the_dashboard_export_shows_its_own_categories(town, capsys):
    assert main(["reclassify", "--config", str(town)]) == 0
    cfg = config.load(town)
    with Store(cfg.db_path) as st:
        st.add_user("boss", hash_password(PASSWORD), "admin", now=CLOCK)
    app = create_app(cfg.db_path, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    c = _login(app, "boss")
    assert c.get("/district?year=2024").status_code == 200
    ws = load_workbook(io.BytesIO(c.get("/district.xlsx?year=2024").data))["2024"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][-1] == "2024 年本单位自定分类"
    yingji = next(r for r in rows if r[1] == "yingji")
    assert yingji[-1] == "安全监管 1；应急救援 1；宣传教育 1；其他 0"
    assert yingji[5:8] == [None, None, None]       # none of the district's categories
    shangwu = next(r for r in rows if r[1] == "shangwu")
    assert shangwu[-1] is None and shangwu[5] == EXPECT["counts_2024"]["shangwu"]["categories"]["促消费"]
    assert re.search("应急", "".join(str(x) for x in yingji))
