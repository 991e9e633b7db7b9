"""The officer's trial (issue 16) in Chromium at 1366×768, on the demo (2024) while the clock says
December 2026: the pages open on 2024, the header keeps one line, no empty notice bar, numbers
right-aligned, no request fails, and the item header follows a key press.

Screenshots of home, queue and report form go to a temporary folder (or $GONGKAI_SCREENSHOTS).
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import demo_served, login, support
from playwright.sync_api import expect

from store import Store

LATE_2026 = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture
def served(tmp_path, capsys):
    with demo_served(tmp_path, capsys, clock=lambda: LATE_2026) as (base, db, cfg):
        yield base, db


@pytest.fixture
def officer(served, browser, tmp_path):
    base, db = served
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(base + "/login")
    page.fill("input[name=name]", "officer")
    page.fill("input[name=password]", support.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#deadline")
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield page, base, db, failed, folder
    context.close()
    keep = os.environ.get("GONGKAI_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy(png, Path(keep) / png.name)


def _one_line(page) -> None:
    tops = page.locator("header nav a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, f"the navigation wraps: link tops {tops}"
    header = page.locator("header").bounding_box()
    assert header["height"] < 60, f"the header is {header['height']}px tall"


def test_pages_open_on_the_demo_year_with_one_line_header_and_no_empty_bar(officer):
    page, base, _db, failed, shots = officer
    expect(page.locator("h1")).to_have_text("2024 年政务公开工作概况")
    expect(page.locator("#year-hint")).to_contain_text("2026 年还没有采集到信息")
    expect(page.locator("#year-switch")).to_contain_text("2024")
    _one_line(page)
    expect(page.locator("#flash")).to_be_hidden()
    page.screenshot(path=str(shots / "trial-home.png"), full_page=True)

    page.locator("#go-queue").click()
    page.wait_for_selector("#queue tr.row")
    _one_line(page)
    expect(page.locator("#flash")).to_be_hidden()
    page.screenshot(path=str(shots / "trial-queue.png"))

    page.goto(base + "/counts")
    expect(page.locator("h1")).to_have_text("2024 年度统计")
    aligns = page.locator("#counts td").evaluate_all(
        "cells => cells.filter(c => /^\\d+$/.test(c.textContent.trim()))"
        ".map(c => getComputedStyle(c).textAlign)")
    assert aligns and set(aligns) == {"right"}, aligns

    page.goto(base + "/report")
    expect(page.locator("h1")).to_contain_text("2024 年政府信息公开工作年度报告")
    expect(page.locator("#tech-info")).not_to_have_attribute("open", "")
    status = page.locator("#report-status").inner_text()
    assert "命令行" not in status and ".toml" not in status     # collapsed: not shown
    page.screenshot(path=str(shots / "trial-report-form.png"))
    assert not failed, failed                                  # no favicon 404 on any page


def test_the_item_header_follows_a_key_press(officer):
    page, base, db, _failed, _shots = officer
    with Store(db) as st:
        first = st.review_queue(status="todo", limit=1)[0]
    page.goto(f"{base}/item/{first['id']}")
    expect(page.locator("#item .how")).to_have_text("自动分类，把握：低")
    page.keyboard.press("6")                         # 其他 in the demo's rules
    expect(page.locator("#item")).to_have_attribute("data-category", "其他")
    expect(page.locator("#item .how")).to_have_text("人工确认")


def test_filing_one_copy_marks_the_other_and_moves_past_it(server, page):
    base, db = server
    with Store(db) as st:                   # items 5 (website) and 6 (WeChat): one 信息, in doubt
        assert st.item(5)["cluster_id"] == st.item(6)["cluster_id"]
        st.db.execute("UPDATE items SET needs_review = 1 WHERE id IN (2, 5, 6)")
    login(page, base)
    page.goto(base + "/queue?status=todo")
    rows = page.locator("#queue tr.row")
    ids = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]
    assert {"5", "6"} <= set(ids)
    first, copy = sorted(("5", "6"), key=ids.index)
    page.locator(f'tr[data-id="{first}"] td.num').click()
    page.keyboard.press("2")                # 促消费
    expect(page.locator(f'tr[data-id="{first}"]')).to_have_attribute("data-decided-by", "manual")
    expect(page.locator(f'tr[data-id="{copy}"] td.state')).to_have_text("同组已审")
    expect(page.locator(f'tr[data-id="{copy}"]')).not_to_have_class("row sel")
    page.keyboard.press("u")
    expect(page.locator(f'tr[data-id="{copy}"] td.state')).to_have_text("待审")
    page.keyboard.press("2")
    # the filing is saved before the reload reads the queue again (else the reload races it)
    expect(page.locator(f'tr[data-id="{first}"]')).to_have_attribute("data-decided-by", "manual")
    expect(page.locator(f'tr[data-id="{copy}"] td.state')).to_have_text("同组已审")
    page.reload()
    left = page.locator("#queue tr.row").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert not {"5", "6"} & set(left)       # neither copy waits any more
