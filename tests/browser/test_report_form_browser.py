"""The yearly report form in Chromium at 1366×768: live checks as the officer types, then a save.

The screenshots go to $GONGKAI_SHOTS (or the test's temp dir) to be looked at.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import support
from playwright.sync_api import expect
from werkzeug.serving import make_server

import report
from gongkai import config as config_mod

CONFIG = ('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "review.db"\n'
          '[report]\nchannels = ["区政府官网专栏", "卫滨商务微信公众号"]\ndata = "report-{year}.toml"\n')


@pytest.fixture
def report_server(tmp_path):
    from gongkai.web import create_app
    db, rules = support.build(tmp_path)
    (tmp_path / "gongkai.toml").write_text(CONFIG, encoding="utf-8")
    cfg = config_mod.load(tmp_path / "gongkai.toml")
    srv = make_server("127.0.0.1", 0, create_app(db, rules, bureau=cfg.bureau, config=cfg), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", tmp_path
    srv.shutdown()
    thread.join(5)


def test_fill_the_report_form_with_live_checks_then_save(report_server, page, tmp_path):
    base, folder = report_server
    shots = Path(os.environ.get("GONGKAI_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base + "/login")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", support.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(base + "/report/2024")
    expect(page.locator("#report-form")).to_be_visible()
    page.screenshot(path=str(shots / "report-form-1366.png"))

    page.fill('input[name="t3.r1_new.natural_person"]', "2")
    page.fill('input[name="t3.r1_new.total"]', "3")
    row = page.locator('ul.problems[data-anchor="t3.r1_new"] li.error')
    expect(row).to_contain_text("六类申请人之和")
    expect(page.locator('input[name="t3.r1_new.total"]')).to_have_class("bad")
    expect(page.locator("#check-summary")).to_contain_text("个错误")
    page.locator("#t3").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "report-form-error-1366.png"))

    # make every equation hold: 2 received, 1 granted, 1 carried over
    page.fill('input[name="t3.r1_new.total"]', "2")
    for row_id, n in (("r3_1_granted", 1), ("r3_7_total", 1), ("r4_carried_out", 1)):
        page.fill(f'input[name="t3.{row_id}.natural_person"]', str(n))
        page.fill(f'input[name="t3.{row_id}.total"]', str(n))
    page.fill('textarea[name="texts.apply"]', "2024 年度我局共收到申请2件，其中1件结转下年度继续办理。")
    expect(page.locator("#check-summary")).to_contain_text("0 个错误")
    expect(page.locator('ul.problems[data-anchor="t3.r1_new"] li')).to_have_count(0)
    page.click("#report-save")
    expect(page.locator("#saved")).to_be_visible()
    page.screenshot(path=str(shots / "report-form-saved-1366.png"), full_page=True)
    saved = report.load_data(folder / "report-2024.toml", 2024)
    assert saved.tables.t3["r4_carried_out"]["total"] == 1
