"""The 政务公开办's dashboard (issue 17 #3) over plain HTTP, on the three-body fixture district of
test_district.py (crawled from tests/fixtures/district on loopback): every figure of the page
and every cell of its .xlsx against the fixture's truth (expect.json, and `report check` for
the report data), hostile names and titles escaped (and never a formula in the sheet), the page
refused to everyone but an admin, and a one-bureau config shown as its one body."""
from __future__ import annotations

import io
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
from openpyxl import load_workbook

from _review_support import PASSWORD, build
from gongkai import app as gk_app
from gongkai import config
from gongkai.cli import main
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store
from test_district import BODIES, EXPECT, crawled, site  # noqa: F401  (fixtures)

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)      # 14:00 in Beijing
DAYS_LEFT = 21                                                  # to 31 January 2025
NAMES = {"shangwu": "卫滨区商务局", "yingji": "卫滨区应急管理局",
         "shijian": "卫滨区市场监督管理局"}
SOURCES_OF = {"shangwu": 3, "yingji": 2, "shijian": 1}          # own + the shared listing it
# the district account's label: markup for the page, a formula for the sheet
HOSTILE_LABEL = '=HYPERLINK("http://evil.example/","<b>出彩卫滨</b>")'
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
EDU = "区教育局开展校园安全教育周活动"
UNATTRIBUTED = "未归属（共享来源中没有署任何单位的信息）"
BAD_CELL = ("表三“自然人”列：第一项 5 + 第二项 0 = 5，不等于 第三项（七）总计 0 + "
            "第四项 0 = 0")


def _login(app, name):
    c = app.test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"name": name, "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    return c


def _checked(cfg_path, body, capsys):
    """`report check`'s own verdict on a body's data file: (errors, warnings)."""
    main(["report", "check", "--year", "2024", "--bureau", body, "--config", str(cfg_path)])
    errors, warnings = re.search(r"(\d+) error\(s\), (\d+) warning\(s\)",
                                 capsys.readouterr().out).groups()
    return int(errors), int(warnings)


@pytest.fixture
def district(crawled, tmp_path, capsys):  # noqa: F811
    """The crawled district with a hostile label on the district account, which failed its
    last run; the data files of shangwu and yingji pass the checks (yingji's with a warning
    more: its items awaiting review), shijian's has an error; an unattributed title carries
    markup. Yields (admin client, app, config path, truth). (A body without a data file: the
    one-bureau test.)"""
    shutil.copy(crawled.with_name("district.db"), tmp_path / "district.db")
    text = crawled.read_text(encoding="utf-8").replace(
        'id = "cxwb"\n', f"id = \"cxwb\"\nlabel = '{HOSTILE_LABEL}'\n")
    path = tmp_path / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    for body in BODIES:
        assert main(["report", "init", "--year", "2024", "--bureau", body,
                     "--config", str(path)]) == 0
    bad = tmp_path / "report-2024-shijian.toml"
    bad.write_text(re.sub(r"(\[t3\.r1_new\][^\[]*?natural_person = )0", r"\g<1>5",
                          bad.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    capsys.readouterr()
    cfg = config.load(path)
    with Store(cfg.db_path) as st:
        for name, role in (("boss", "admin"), ("alice", "reviewer"), ("reader", "readonly")):
            st.add_user(name, hash_password(PASSWORD), role, now=CLOCK)
        run = st.begin_run("cxwb", CLOCK - timedelta(hours=3))
        st.end_run(run, status="failed", reason="HTTP 503", now=CLOCK - timedelta(hours=3))
        edu = next(i["id"] for i in st.items() if i["title"] == EDU)
        st.db.execute("UPDATE items SET title = ? WHERE id = ?", [HOSTILE_TITLE + EDU, edu])
        # the backlog of every year, by the reference count of each year
        backlog = {}
        from gongkai import district as d
        years = [y for y in st.review_facets()["years"] if y]
        for b in BODIES:
            backlog[b] = sum(st.counts(y, d.scope(cfg, b))["unreviewed"] for y in years)
    truth = {"backlog": backlog, "checks": {b: _checked(path, b, capsys) for b in BODIES}}
    assert [truth["checks"][b][0] for b in BODIES] == [0, 0, 2]
    assert truth["checks"]["yingji"][1] > truth["checks"]["shangwu"][1]
    app = create_app(cfg.db_path, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    return _login(app, "boss"), app, path, truth


def _rows(html):
    """{body id ('' for the unattributed): {cell class: text}} of the page's table."""
    out = {}
    table = html.split('<table class="district"')[1].split("</table>")[0]
    for body, tr in re.findall(r'<tr[^>]*data-body="([^"]*)"[^>]*>(.*?)</tr>', table, re.S):
        cells = {}
        for cls, inner in re.findall(r'<td class="([^"]*)">(.*?)</td>', tr, re.S):
            cells[[k for k in cls.split() if k != "n"][0]] = " ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split())
        out[body] = cells
    return out


def _health(body_sources: int, bad: bool) -> str:
    if not bad:
        return f"{body_sources} 个来源均正常"
    rest = body_sources - 1
    return (f"{HOSTILE_LABEL}：上次运行失败：HTTP 503"
            + (f"（其余 {rest} 个正常）" if rest else ""))


def _report_words(body, truth):
    errors, warnings = truth["checks"][body]
    return f"{errors} 个错误" if errors else f"可以生成（{warnings} 个提示待确认）"


def _missing(body):
    want = EXPECT["counts_2024"][body]
    out = []
    if body == "shijian":
        out.append(f"数据文件 report-2024-shijian.toml 未通过检查，第一个错误：{BAD_CELL}")
    if want["unreviewed"]:
        out.append(f"{want['unreviewed']} 条信息待审")
    return out


def test_every_figure_of_the_page(district):
    c, _, _, truth = district
    r = c.get("/district")          # opens on the year being reported: 2024 in January 2025
    assert r.status_code == 200
    page = r.text
    assert f'还有 <strong id="days-left">{DAYS_LEFT}</strong> 天' in page
    assert f'<strong id="district-total">{EXPECT["district_total_2024"]}</strong>' in page
    assert '<strong id="ready">2</strong>' in page          # shijian's file has errors
    rows = _rows(page)
    assert list(rows) == [*BODIES, ""]
    for body in BODIES:
        want = EXPECT["counts_2024"][body]
        cells = rows[body]
        assert cells["name"] == f"{NAMES[body]} {body}"
        assert (cells["total"], cells["last"]) == (str(want["total"]), "0")
        assert cells["delta"] == f"+{want['total']}"
        backlog = truth["backlog"][body]
        assert cells["backlog"] == (str(want["unreviewed"]) if backlog == want["unreviewed"]
                                    else f"{want['unreviewed']} （共 {backlog} ）")
        assert cells["health"] == _health(SOURCES_OF[body], body != "shijian")
        assert cells["report"] == _report_words(body, truth)
        assert cells["missing"] == (" ".join(_missing(body)) or "—")
    loose = rows[""]
    assert loose["name"] == UNATTRIBUTED
    assert (loose["total"], loose["last"], loose["delta"], loose["backlog"]) == \
        (str(len(EXPECT["unattributed_2024"])), "0", "+2", "—")
    assert loose["health"] == _health(2, True) and loose["report"] == "—"
    listed = page.split('<ul id="unattributed">')[1].split("</ul>")[0]
    titles = [unescape(t) for t in re.findall(r'<a href="/item/\d+">([^<]*)</a>', listed)]
    assert titles == [HOSTILE_TITLE + EDU if t == EDU else t for t in EXPECT["unattributed_2024"]]


def test_another_year_against_the_one_before(district):
    c, _, _, _ = district
    rows = _rows(c.get("/district?year=2025").text)
    for body in BODIES:
        now, before = EXPECT["counts_2025"][body], EXPECT["counts_2024"][body]["total"]
        assert (rows[body]["total"], rows[body]["last"]) == (str(now), str(before))
        assert rows[body]["delta"] == (f"{now - before:+d}" if now != before else "—")
    assert rows[""]["last"] == str(len(EXPECT["unattributed_2024"]))
    assert c.get("/district?year=20x5").status_code == 400


def test_a_write_shows_at_the_next_load(district):
    c, _, path, _ = district
    with Store(config.load(path).db_path) as st:
        item = next(i["id"] for i in st.items() if i["title"] == "应急科普进社区")
        st.review_set_attribution(item, "not_ours", actor="alice", now=CLOCK)
    assert _rows(c.get("/district").text)["yingji"]["total"] == \
        str(EXPECT["counts_2024"]["yingji"]["total"] - 1)


def test_hostile_names_and_titles_are_text(district):
    c, _, _, _ = district
    page = c.get("/district").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>出彩卫滨</b>" not in page and "&lt;b&gt;出彩卫滨&lt;/b&gt;" in page


def test_the_export_cell_by_cell(district):
    c, _, _, truth = district
    r = c.get("/district.xlsx?year=2024")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename=district-2024.xlsx' in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["2024", "说明"]
    ws = wb["2024"]
    labels = ["促消费信息", "安全生产信息", "其他信息"]
    head = ["单位", "编号", "2024 年信息", "2023 年信息", "增减",
            *(f"2024 年 {x}" for x in labels), *(f"2023 年 {x}" for x in labels),
            "2024 年待审", "待审（所有年份）", "无日期", "可能重复", "来源数", "来源状况",
            "年报数据", "还缺什么"]
    want = [head]
    for body in BODIES:
        w = EXPECT["counts_2024"][body]
        want.append([NAMES[body], body, w["total"], 0, w["total"],
                     *w["categories"].values(), 0, 0, 0, w["unreviewed"],
                     truth["backlog"][body], w["undated"], 0, SOURCES_OF[body],
                     _health(SOURCES_OF[body], body != "shijian"), _report_words(body, truth),
                     "；".join(_missing(body)) or None])
    n = len(EXPECT["unattributed_2024"])
    want.append([UNATTRIBUTED, None, n, 0, n, *[None] * 10, 2, _health(2, True), "—", None])
    got = [list(row) for row in ws.iter_rows(values_only=True)]
    assert got == want
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"             # never a formula, whatever the text
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
    about = [list(r) for r in wb["说明"].iter_rows(values_only=True)]
    assert about == [["年度", 2024], ["发布期限", "2025-01-31"], ["距发布期限天数", DAYS_LEFT],
                     ["全区信息条数（同一信息只计一次）", EXPECT["district_total_2024"]],
                     ["导出时间（北京时间）", "2025-01-10 14:00"],
                     ["说明", "联合发布的信息计入每个发布单位，各单位合计可能多于全区信息条数。"]]


@pytest.mark.parametrize("who", ["alice", "reader"])
def test_only_an_admin(district, who):
    boss, app, _, _ = district
    c = _login(app, who)
    for url in ("/district", "/district.xlsx", "/district?year=2024"):
        r = c.get(url)
        assert r.status_code == 403, url
        assert "全区" not in r.text.split("<main>")[0]       # nor in the menu
    assert 'href="/district"' not in c.get("/").text
    assert 'href="/district"' in boss.get("/").text
    anonymous = app.test_client()
    assert anonymous.get("/district.xlsx").status_code == 302


@pytest.fixture
def one_bureau(tmp_path):
    db, rules = build(tmp_path)
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "review.db"\n'
                    '[[sources]]\nid = "web"\ntype = "website"\nchannel = "website"\n'
                    'url = "http://gov.example/col/"\n[[sources]]\nid = "wx"\ntype = "feed"\n'
                    'channel = "wechat"\nurl = "http://feeds.example/f.rss"\n'
                    # added to the config after the last crawl: not in the store yet
                    '[[sources]]\nid = "board"\ntype = "manual"\nchannel = "board"\n'
                    'label = "政务公开栏"\n', encoding="utf-8")
    with Store(db) as st:
        st.add_user("boss", hash_password(PASSWORD), "admin", now=CLOCK)
    cfg = config.load(path)
    return db, create_app(db, rules, config=cfg, clock=lambda: CLOCK), rules


def test_a_one_bureau_config_shows_its_one_body(one_bureau):
    db, app, rules = one_bureau
    c = _login(app, "boss")
    home = c.get("/").text
    assert 'href="/district"' not in home            # the pages it had are unchanged
    page = c.get("/district?year=2024").text
    rows = _rows(page)
    assert list(rows) == ["bureau"]
    with Store(db) as st:
        now, before, backlog = st.counts(2024), st.counts(2023), st.review_backlog()
    total = sum(now["categories"].values())
    cells = rows["bureau"]
    assert cells["name"] == "卫滨区商务局"          # no id: the one body has none of its own
    assert (cells["total"], cells["last"]) == (str(total), str(sum(before["categories"].values())))
    assert total > 1 and now["unreviewed"] > 0
    assert cells["backlog"] == (str(now["unreviewed"]) if backlog == now["unreviewed"]
                                else f"{now['unreviewed']} （共 {backlog} ）")
    assert cells["health"] == "网站栏目：还没有运行过；微信公众号：还没有运行过；政务公开栏：还没有运行过"
    assert cells["report"] == "还没有数据文件"
    assert cells["missing"] == ("没有年度报告数据文件（表二、三、四）：gongkai report init --year 2024 "
                                f"{now['unreviewed']} 条信息待审")
    assert 'id="one-body"' in page and "未归属" not in page


def test_without_a_config_the_page_says_so(tmp_path):
    db, rules = build(tmp_path)
    with Store(db) as st:
        st.add_user("boss", hash_password(PASSWORD), "admin", now=CLOCK)
    c = _login(create_app(db, rules, clock=lambda: CLOCK), "boss")
    r = c.get("/district")
    assert r.status_code == 503 and "配置文件" in r.text


@pytest.mark.parametrize("clock, said", [
    # 23:59 on 30 January in Beijing is still the day before; 00:30 on the 31st is the day
    (datetime(2025, 1, 30, 15, 59, tzinfo=timezone.utc),
     '还有 <strong id="days-left">1</strong> 天'),
    (datetime(2025, 1, 30, 16, 30, tzinfo=timezone.utc), "今天（2025 年 1 月 31 日）是发布期限"),
    (datetime(2025, 2, 3, 6, 0, tzinfo=timezone.utc),
     '已超过 2025 年 1 月 31 日发布期限 <strong id="days-over">3</strong> 天'),
])
def test_the_deadline_in_beijing_time(one_bureau, clock, said):
    db, _, rules = one_bureau
    cfg = config.load(db.with_name("gongkai.toml"))
    c = _login(create_app(db, rules, config=cfg, clock=lambda: clock), "boss")
    assert said in c.get("/district?year=2024").text


def test_a_source_dropped_from_the_config_still_counts(district, capsys):
    _, _, path, _ = district
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index('[[sources]]\nid = "cxwb"')], encoding="utf-8")
    cfg = config.load(path)
    app = create_app(cfg.db_path, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    rows = _rows(_login(app, "boss").get("/district").text)
    assert main(["counts", "--year", "2024", "--all", "--json", "--config", str(path)]) == 0
    every = json.loads(capsys.readouterr().out)
    for body in BODIES:
        assert rows[body]["total"] == str(EXPECT["counts_2024"][body]["total"]) == \
            str(every["bureaus"][body]["total"])
    # its unattributed item is still listed; its health is no body's any more
    assert rows[""]["total"] == str(len(EXPECT["unattributed_2024"]))
    assert rows[""]["health"] == "1 个来源均正常"
    assert rows["shangwu"]["health"] == "2 个来源均正常"


def test_the_kept_report_checks_follow_the_files_and_the_counts(district, capsys):
    # the page keeps each body's report check between loads (issue 17 #5); a data file edited
    # or a count changed must show at the next load, as `report check` then says
    c, _, path, truth = district
    assert _rows(c.get("/district").text)["shijian"]["report"] == "2 个错误"
    data = path.with_name("report-2024-shijian.toml")
    data.write_text(re.sub(r"(\[t3\.r1_new\][^\[]*?natural_person = )5", r"\g<1>0",
                           data.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    truth["checks"]["shijian"] = _checked(path, "shijian", capsys)
    assert truth["checks"]["shijian"][0] == 0
    assert _rows(c.get("/district").text)["shijian"]["report"] == _report_words("shijian", truth)
    cfg = config.load(path)
    from gongkai import district as d
    with Store(cfg.db_path) as st:
        where, args = d.scope(cfg, "yingji", st).where("items")
        waiting = [r[0] for r in st.db.execute(
            f"SELECT id FROM items WHERE {where} AND needs_review = 1 AND pub_year = 2024 "
            "AND attribution = 'ours'", args)]
        assert waiting
        for item in waiting:
            st.review_set_category(item, "其他", actor="boss", now=CLOCK)
    before = truth["checks"]["yingji"]
    truth["checks"]["yingji"] = _checked(path, "yingji", capsys)
    assert truth["checks"]["yingji"] != before           # its warning about the backlog went
    assert _rows(c.get("/district").text)["yingji"]["report"] == _report_words("yingji", truth)


def test_the_kept_report_checks_follow_the_sources_passes(district, capsys):
    # a body's own source failing since is named by its `report check` (outside test 6,
    # defect 5): the check the page keeps must change with it, though no count did
    c, _, path, truth = district
    assert _rows(c.get("/district").text)["shangwu"]["report"] == _report_words("shangwu", truth)
    cfg = config.load(path)
    from gongkai import district as d
    own = next(s.id for s in d.sources_of(cfg, "shangwu") if not s.shared)
    with Store(cfg.db_path) as st:
        run = st.begin_run(own, CLOCK)
        st.end_run(run, status="failed", reason="HTTP 500", now=CLOCK)
    before = truth["checks"]["shangwu"]
    truth["checks"]["shangwu"] = _checked(path, "shangwu", capsys)
    assert truth["checks"]["shangwu"] == (before[0], before[1] + 1)
    assert _rows(c.get("/district").text)["shangwu"]["report"] == _report_words("shangwu", truth)
