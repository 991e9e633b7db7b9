"""What an officer's trial of the web UI found (issue 16, closing note): pages that opened on an
empty year, terminal material and ids in the report form, audit rows in English words, English
reasons, a cluster filed twice, a header that kept its old 把握."""
import re
from datetime import datetime, timezone

import pytest

from _review_support import NOW, PASSWORD, build
from gongkai import config as config_mod
from gongkai import display
from gongkai.web import create_app
from store import Store

CONFIG = ('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "review.db"\n'
          '[report]\nchannels = ["区政府官网专栏", "卫滨商务微信公众号"]\ndata = "report-{year}.toml"\n')
LATE_2026 = datetime(2026, 12, 6, 6, 0, tzinfo=timezone.utc)     # the machine's clock; items are 2023-24
JANUARY_2025 = datetime(2025, 1, 10, 2, 0, tzinfo=timezone.utc)  # writing the 2024 report
JUNE_2024 = datetime(2024, 6, 2, 2, 0, tzinfo=timezone.utc)
ID_IN_BRACKETS = re.compile(r"（[A-Za-z][A-Za-z0-9_.]*）")


def _token(resp) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', resp.text).group(1)


def _app(tmp_path, clock=LATE_2026, prepare=None):
    db, rules = build(tmp_path)
    (tmp_path / "gongkai.toml").write_text(CONFIG, encoding="utf-8")
    cfg = config_mod.load(tmp_path / "gongkai.toml")
    if prepare is not None:
        with Store(db) as st:
            prepare(st)
    app = create_app(db, rules, bureau=cfg.bureau, config=cfg, clock=lambda: clock)
    c = app.test_client()
    tok = _token(c.get("/login"))
    assert c.post("/login", data={"name": "alice", "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    return db, c


def _post(c, path, data=None):
    return c.post(path, json=data or {}, headers={"X-CSRF-Token": _token(c.get("/queue"))})


# -- 1. the year a page opens on -----------------------------------------------------------------

def test_the_shown_year_is_the_reported_one_or_the_latest_with_items():
    assert display.shown_year(JANUARY_2025, [2024, 2023]) == (2024, "")
    assert display.shown_year(JUNE_2024, [2024, 2023]) == (2024, "")
    year, hint = display.shown_year(LATE_2026, [2024, 2023, None])
    assert year == 2024 and "2026 年还没有采集到信息" in hint and "2024" in hint
    # the demo runs a week into January 2025: the year then being reported is 2024
    assert display.shown_year(LATE_2026, [2025, 2024, 2023], "2025-01-07")[0] == 2024
    assert display.shown_year(LATE_2026, [2025, 2024], "2025-03-02")[0] == 2025
    assert display.shown_year(LATE_2026, [2025], "2025-01-07")[0] == 2025   # 2024 has nothing
    assert display.shown_year(LATE_2026, []) == (2026, "")      # nothing at all: the year itself


def test_home_counts_and_report_open_on_the_latest_year_with_items(tmp_path):
    _, c = _app(tmp_path)
    home = c.get("/").text
    assert "2024 年政务公开工作概况" in home and 'id="year-hint"' in home
    assert "2026 年还没有采集到信息" in home
    counts = c.get("/counts").text
    assert "2024 年度统计" in counts and "2026 年还没有采集到信息" in counts
    assert c.get("/counts.json").get_json()["year"] == 2024
    r = c.get("/report")
    assert r.status_code == 302 and r.headers["Location"].endswith("/report/2024")
    assert "2026 年还没有采集到信息" in c.get("/report/2024").text


def test_the_report_year_is_last_year_only_in_january(tmp_path):
    _, c = _app(tmp_path, clock=JUNE_2024)
    assert c.get("/report").headers["Location"].endswith("/report/2024")
    assert "2024 年政务公开工作概况" in c.get("/").text
    assert 'id="year-hint"' not in c.get("/counts").text


def test_home_takes_a_year_and_switches_between_years(tmp_path):
    _, c = _app(tmp_path)
    r = c.get("/?year=2023")
    assert r.status_code == 200 and "2023 年政务公开工作概况" in r.text
    assert 'id="year-hint"' not in r.text                   # chosen, not defaulted
    switch = re.search(r'<p class="year-switch" id="year-switch">(.*?)</p>', r.text).group(1)
    assert 'href="/?year=2024"' in switch and 'href="/?year=2026"' in switch
    assert "<strong>2023</strong>" in switch
    # an old bookmark of the queue still goes to the queue
    r = c.get("/?year=2024&status=todo")
    assert r.status_code == 302 and r.headers["Location"] == "/queue?year=2024&status=todo"
    assert c.get("/?year=abc").status_code == 400


# -- 2, 3. the report form speaks to the officer ---------------------------------------------------

def _outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_the_report_form_keeps_the_file_and_the_command_for_the_administrator(tmp_path):
    _, c = _app(tmp_path)
    page = c.get("/report/2024").text
    main = _outside_details(page)
    assert "命令行" not in main and ".toml" not in main and "report check" not in main
    tech = re.search(r'<details class="tech" id="tech-info">(.*?)</details>', page, re.S).group(1)
    assert "给管理员的技术信息" in tech and "report-2024.toml" in tech
    assert "gongkai report check --year 2024" in tech


def test_report_form_problems_name_rows_and_columns_in_chinese_only(tmp_path):
    _, c = _app(tmp_path)
    page = c.get("/report/2024")
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": _token(page), "fingerprint": fingerprint,
            "t3.r1_new.natural_person": "2", "t3.r1_new.total": "3",     # 总计 ≠ sum of 申请人
            "t4.review_corrected": "1"}                                  # 总计 0 ≠ 1
    result = c.post("/report/2024/check", data=data,
                    headers={"X-CSRF-Token": data["csrf_token"]}).get_json()
    messages = [p["message"] for ps in result["by_anchor"].values() for p in ps]
    rules = {p["rule"] for ps in result["by_anchor"].values() for p in ps}
    assert {"T3-COLSUM-r1_new", "T3-IDENT-natural_person", "T4-SUM-review", "TEXT-DEFAULT"} <= rules
    assert messages and not [m for m in messages if ID_IN_BRACKETS.search(m)], messages
    assert any("“自然人”列" in m for m in messages)
    assert any(m.startswith("一（二）依申请公开未填写") for m in messages)
    # the page itself, as first shown from a saved form
    r = c.post("/report/2024", data=data)
    assert r.status_code == 422
    shown = re.findall(r'<li class="(?:error|warning)">(.*?)</li>', r.text)
    assert shown and not [m for m in shown if ID_IN_BRACKETS.search(m)], shown


def test_a_cell_is_named_by_its_row_and_column():
    from gongkai.web._report_form import cell_name, officer_message
    assert cell_name("t3.r1_new.natural_person") == "表三“一、本年新收政府信息公开申请数量”行“自然人”列"
    assert cell_name("t4.review_total") == "表四“行政复议”的“总计”"
    said = officer_message("t3.r1_new.total = -1：应为不小于 0 的整数", "DOM-INT")
    assert said.startswith("表三“一、本年新收政府信息公开申请数量”行“总计”列") and "r1_new" not in said


# -- 4. the audit log in words ---------------------------------------------------------------------

def test_audit_says_confirmed_and_names_account_actions_in_chinese(tmp_path):
    def prepare(st):
        st.add_user("wangli", "x", "admin", now=NOW, actor="alice")
    db, c = _app(tmp_path, prepare=prepare)
    assert _post(c, "/api/item/5/category", {"category": "促消费"}).status_code == 200   # as it was
    assert _post(c, "/api/item/4/category", {"category": "促消费"}).status_code == 200   # a change
    audit = c.get("/audit").text
    assert "<td>确认类别</td><td></td><td>促消费</td>" in audit
    assert "<td>改类别</td><td>安全生产</td><td>促消费</td>" in audit
    assert "<td>添加账号</td><td>-</td><td>wangli（管理员）</td>" in audit
    assert "user_add" not in audit and "(admin)" not in audit
    assert "<td>确认类别</td>" in c.get("/item/5").text
    assert display.audit_row("user_remove", "wangli (reviewer)", None) == (
        "删除账号", "wangli（审核员）", "-")


# -- 5. Chinese first ------------------------------------------------------------------------------

def test_the_grouping_reason_and_the_notices_are_chinese(tmp_path):
    def prepare(st):
        st.db.execute("UPDATE items SET cluster_reason = 'the same text (100%) and headline' "
                      "WHERE id IN (5, 6)")
        st.db.execute("UPDATE items SET needs_review = 1 WHERE id = 2")
    _, c = _app(tmp_path, prepare=prepare)
    item = c.get("/item/6").text
    assert "查重依据：正文（100%）和标题相同" in item and "why grouped" not in item
    assert 'title="the same text (100%) and headline"' in item      # the English as a hover hint
    queue = c.get("/queue").text
    assert "最前面是分类器没有把握" in queue and "The items the classifier" not in queue
    counts = c.get("/counts?year=2024").text
    assert "(unique)" not in counts and "合计 total" not in counts and "awaiting review" not in counts


# -- 6. the page frame -----------------------------------------------------------------------------

def test_a_favicon_is_served_without_a_login(tmp_path):
    db, rules = build(tmp_path)
    c = create_app(db, rules).test_client()
    r = c.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data
    assert 'rel="icon" href="/favicon.ico"' in c.get("/login").text


def test_counts_numbers_are_right_aligned(tmp_path):
    _, c = _app(tmp_path)
    table = re.search(r'<table id="counts".*?</table>', c.get("/counts?year=2024").text, re.S)[0]
    cells = re.findall(r"<td( class=\"n\"[^>]*)?>(\d+)</td>", table)
    assert cells and all(cls for cls, _ in cells), cells


# -- 7. a cluster is filed once --------------------------------------------------------------------

def _cluster_in_doubt(st):
    # items 5 (website) and 6 (WeChat) are one 信息; both flagged for review
    assert st.item(5)["cluster_id"] == st.item(6)["cluster_id"]
    st.db.execute("UPDATE items SET needs_review = 1 WHERE id IN (5, 6)")


def test_store_a_hand_decided_cluster_member_takes_its_copies_out_of_todo(tmp_path):
    db, _ = build(tmp_path)
    with Store(db) as st:
        _cluster_in_doubt(st)
        todo = lambda: {r["id"] for r in st.review_queue(status="todo")}   # noqa: E731
        assert {5, 6} <= todo()
        before = st.counts(2024)
        st.review_set_category(5, "促消费", actor="alice", now=NOW)
        assert not {5, 6} & todo()
        assert st.counts(2024)["categories"] == before["categories"]
        # the pending figures say what the queue shows: the filed 信息 awaits nobody
        assert st.counts(2024)["unreviewed"] == len(todo()) == st.review_backlog_by_year()[2024]
        assert st.counts(2024)["unreviewed"] == before["unreviewed"] - 2
        st.review_undo(5, actor="alice", now=NOW)
        assert 6 in todo()                # undone: the other copy waits again
        assert st.counts(2024)["unreviewed"] == len(todo())


def test_filing_one_copy_by_hand_leaves_no_copy_in_the_todo_queue(tmp_path):
    _, c = _app(tmp_path, prepare=_cluster_in_doubt)
    ids = lambda: set(re.findall(r'<tr class="row" data-id="(\d+)"', c.get("/queue?status=todo").text))  # noqa: E731
    assert {"5", "6"} <= ids()
    assert _post(c, "/api/item/6/category", {"category": "促消费"}).status_code == 200
    assert not {"5", "6"} & ids()


# -- 8. the item page's header follows a key press -------------------------------------------------

def test_the_item_json_says_how_the_item_was_decided(tmp_path):
    def prepare(st):
        st.db.execute("UPDATE items SET needs_review = 1 WHERE id = 2")
    _, c = _app(tmp_path, prepare=prepare)
    assert '<span class="how">自动分类，把握：低</span>' in c.get("/item/2").text
    done = _post(c, "/api/item/2/category", {"category": "其他"}).get_json()
    assert done["how"] == "人工确认"
