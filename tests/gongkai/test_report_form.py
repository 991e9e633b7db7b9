"""The yearly report form (issue 16.4) over HTTP: the same data file and the same checks as the CLI."""
import io
import re

import docx
import pytest

import report
from _review_support import PASSWORD, build
from gongkai import cli
from gongkai import config as config_mod
from gongkai.web import create_app

CONFIG = ('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "review.db"\n'
          '[report]\nchannels = ["区政府官网专栏", "卫滨商务微信公众号"]\ndata = "report-{year}.toml"\n')


@pytest.fixture
def env(tmp_path):
    db, rules = build(tmp_path)
    (tmp_path / "gongkai.toml").write_text(CONFIG, encoding="utf-8")
    cfg = config_mod.load(tmp_path / "gongkai.toml")
    app = create_app(db, rules, bureau=cfg.bureau, config=cfg)
    return tmp_path, app


def _token(resp) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', resp.text).group(1)


def _client(app, name="alice"):
    c = app.test_client()
    tok = _token(c.get("/login"))
    assert c.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": tok}).status_code == 302
    return c


def _form(c, year=2024, **cells):
    page = c.get(f"/report/{year}")
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": _token(page), "fingerprint": fingerprint}
    data.update({k.replace("__", "."): str(v) for k, v in cells.items()})
    return data


VALID = {
    "t3__r1_new__natural_person": 2, "t3__r1_new__total": 2,
    "t3__r3_1_granted__natural_person": 1, "t3__r3_1_granted__total": 1,
    "t3__r3_7_total__natural_person": 1, "t3__r3_7_total__total": 1,
    "t3__r4_carried_out__natural_person": 1, "t3__r4_carried_out__total": 1,
    "t2__admin_fees__fee_amount": "1.25",
    "texts__apply": "2024 年度我局共收到申请2件，其中1件结转下年度继续办理。",
    "texts__other": "2024 年度无其他需要报告的事项。",
}


def test_the_form_needs_a_login_and_shows_the_tables(env):
    _, app = env
    assert app.test_client().get("/report/2024").status_code == 302
    page = _client(app).get("/report/2024")
    assert page.status_code == 200
    assert 'name="t3.r1_new.natural_person"' in page.text and 'name="t4.review_total"' in page.text
    assert 'name="texts.apply"' in page.text and "尚未保存" in page.text
    assert "report-2024.toml" in page.text
    # an empty text shows, greyed, what the report will print instead, and a reminder under it
    assert 'placeholder="默认：我局严格落实政府信息公开各项制度' in page.text
    management = re.search(r'<ul class="problems" data-anchor="texts.management">(.*?)</ul>', page.text, re.S)
    assert "一（三）政府信息管理未填写" in management.group(1)


def test_a_valid_form_is_saved_to_the_data_file_and_report_check_agrees(env, capsys):
    tmp, app = env
    c = _client(app)
    r = c.post("/report/2024", data=_form(c, **VALID))
    assert r.status_code == 302 and r.headers["Location"].endswith("/report/2024?saved=1")
    saved = report.load_data(tmp / "report-2024.toml", 2024)
    assert saved.tables.t3["r4_carried_out"]["total"] == 1
    assert str(saved.tables.t2["admin_fees"]["fee_amount"]) == "1.25"
    assert saved.texts["apply"] == VALID["texts__apply"]
    assert "已保存" in c.get(r.headers["Location"]).text
    assert cli.main(["report", "check", "--year", "2024", "--config", str(tmp / "gongkai.toml")]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    # and the CLI's file reads back into the form
    page = c.get("/report/2024")
    assert 'name="t3.r4_carried_out.total" value="1"' in page.text and "其中1件结转下年度" in page.text


def test_an_invalid_table_shows_the_error_next_to_the_row_and_leaves_the_file_alone(env):
    tmp, app = env
    c = _client(app)
    assert c.post("/report/2024", data=_form(c, **VALID)).status_code == 302
    before = (tmp / "report-2024.toml").read_bytes()
    bad = dict(VALID, t3__r1_new__total=3, t4__review_upheld="abc")
    r = c.post("/report/2024", data=_form(c, **bad))
    assert r.status_code == 422
    assert (tmp / "report-2024.toml").read_bytes() == before
    row_list = re.search(r'<ul class="problems" data-anchor="t3.r1_new">(.*?)</ul>', r.text, re.S).group(1)
    assert "“总计”列为 3" in row_list and "六类申请人之和" in row_list
    assert 'name="t3.r1_new.total" value="3" inputmode="numeric" autocomplete="off" class="bad"' in r.text
    t4_list = re.search(r'<ul class="problems" data-anchor="t4.review">(.*?)</ul>', r.text, re.S).group(1)
    assert "请填写不小于 0 的整数" in t4_list
    assert "未保存" in r.text


def test_a_narrative_at_odds_with_the_table_is_refused(env):
    tmp, app = env
    c = _client(app)
    r = c.post("/report/2024", data=_form(c, **dict(VALID, texts__apply="共收到申请3件。")))
    assert r.status_code == 422 and not (tmp / "report-2024.toml").exists()
    text_list = re.search(r'<ul class="problems" data-anchor="texts.apply">(.*?)</ul>', r.text, re.S).group(1)
    assert "收到申请3件" in text_list


def test_a_read_only_account_cannot_save(env):
    tmp, app = env
    c = _client(app, "reader")
    page = c.get("/report/2024")
    assert page.status_code == 200 and "report-save" not in page.text and "只读账号" in page.text
    assert c.post("/report/2024", data=_form(c, **VALID)).status_code == 403
    assert not (tmp / "report-2024.toml").exists()


def test_csrf_and_a_stale_page_are_refused(env):
    tmp, app = env
    c = _client(app)
    data = _form(c, **VALID)
    assert c.post("/report/2024", data={**data, "csrf_token": "forged"}).status_code == 400
    (tmp / "report-2024.toml").write_text("year = 2024\n", encoding="utf-8")   # the CLI, meanwhile
    r = c.post("/report/2024", data=data)
    assert r.status_code == 409 and "已被修改" in r.text
    assert (tmp / "report-2024.toml").read_text(encoding="utf-8") == "year = 2024\n"


def test_typed_text_is_escaped(env):
    _, app = env
    c = _client(app)
    evil = '<script>alert(1)</script>'
    r = c.post("/report/2024", data=_form(c, **dict(VALID, texts__other=evil, t3__r1_new__total=9)))
    assert r.status_code == 422 and evil not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_the_live_check_answers_with_the_same_rules(env):
    _, app = env
    c = _client(app)
    data = _form(c, **dict(VALID, t3__r3_7_total__total=5))
    r = c.post("/report/2024/check", data=data, headers={"X-CSRF-Token": data["csrf_token"]})
    result = r.get_json()
    assert result["errors"] >= 1
    rules = {p["rule"] for ps in result["by_anchor"].values() for p in ps}
    assert {"T3-TOTALROW-total", "T3-IDENT-total"} <= rules
    assert "t3.r3_7_total.total" in result["by_anchor"]["t3.r3_7_total"][0]["fields"]
    # 一+二 = 七+四 is said under 二 and under 四, and counted once
    ident = [[p for p in result["by_anchor"][a] if p["rule"] == "T3-IDENT-total"]
             for a in ("t3.r2_carried_in", "t3.r4_carried_out")]
    assert all(len(found) == 1 for found in ident)
    assert result["errors"] == len({(p["rule"], p["message"]) for ps in result["by_anchor"].values()
                                    for p in ps if p["severity"] == "error"})
    ok = c.post("/report/2024/check", data=_form(c, **VALID), headers={"X-CSRF-Token": data["csrf_token"]})
    assert ok.get_json()["errors"] == 0


def test_downloads_come_from_the_saved_file(env):
    tmp, app = env
    c = _client(app)
    assert c.get("/report/2024/download.docx").status_code == 409     # nothing saved yet
    assert c.post("/report/2024", data=_form(c, **VALID)).status_code == 302
    r = c.get("/report/2024/download.docx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    doc = docx.Document(io.BytesIO(r.data))
    assert any("其中1件结转下年度继续办理" in p.text for p in doc.paragraphs)
    html = c.get("/report/2024/download.html")
    assert html.status_code == 200 and "卫滨区商务局" in html.data.decode("utf-8")
    # a file the CLI broke is refused, not rendered
    (tmp / "report-2024.toml").write_text("year = 2024\n[t3.r1_new]\ntotal = 1\n", encoding="utf-8")
    assert c.get("/report/2024/download.docx").status_code == 409


def test_without_a_config_the_form_says_what_it_needs(tmp_path):
    db, rules = build(tmp_path)
    c = _client(create_app(db, rules))
    r = c.get("/report/2024")
    assert r.status_code == 503 and "配置文件" in r.text
