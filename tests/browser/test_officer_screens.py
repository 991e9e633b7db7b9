"""The officer's home page and queue at 1366×768 on the demo year, rendered by Chromium and saved
as screenshots (issue 16): nothing wider than the screen, dates on one line, names not ids.

The screenshots go to a temporary folder (or $GONGKAI_SCREENSHOTS); look at them after a layout
change. A CJK font (`fc-list :lang=zh`) makes them readable; without one the test still runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import demo_served, support
from playwright.sync_api import expect


CLOCK = datetime(2024, 12, 6, 6, 1, tzinfo=timezone.utc)
VIEWPORT = {"width": 1366, "height": 768}


def cjk_font() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.stdout.strip())


@pytest.fixture
def demo_at_year_end(tmp_path, capsys):
    with demo_served(tmp_path, capsys, clock=lambda: CLOCK) as (base, db, cfg):
        yield base


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    keep = os.environ.get("GONGKAI_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy(png, Path(keep) / png.name)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the page is {width}px wide: it scrolls sideways"


def test_home_and_queue_at_1366x768(demo_at_year_end, browser, shots):
    base = demo_at_year_end
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(base + "/login")
        page.fill("input[name=name]", "officer")
        page.fill("input[name=password]", support.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#deadline")
        expect(page.locator("h1")).to_have_text("2024 年政务公开工作概况")
        expect(page.locator("#days-left")).to_have_text("56")
        expect(page.locator("#by-channel")).to_contain_text("卫滨商务微信公众号")
        expect(page.locator("#health")).to_contain_text("局政务信息公开栏")
        home_text = page.locator("main").inner_text()
        for word in ("website", "wechat", "district-wechat", "not_ours", "+00:00"):
            assert word not in home_text
        _fits(page)
        page.screenshot(path=str(shots / "home.png"), full_page=True)

        page.locator("#go-queue").click()
        page.wait_for_selector("#queue tr.row")
        _fits(page)
        # a date is one line: as tall as the date cell's own line height
        for cell in page.locator("#queue td.date").all()[:20]:
            box = cell.evaluate("c => { const s = getComputedStyle(c); const r = document.createRange();"
                                " r.selectNodeContents(c); return [r.getClientRects().length,"
                                " c.textContent.trim()]; }")
            assert box[0] == 1, f"date {box[1]!r} wraps onto {box[0]} lines"
        queue_text = page.locator("#queue").inner_text()
        for word in ("website", "wechat", "district-wechat", "not_ours", "body @"):
            assert word not in queue_text
        page.screenshot(path=str(shots / "queue.png"))
        page.goto(base + "/queue?year=2024&status=all")
        page.screenshot(path=str(shots / "queue-all.png"))
    finally:
        context.close()
    pngs = sorted(p.name for p in shots.glob("*.png"))
    assert pngs == ["home.png", "queue-all.png", "queue.png"]
    assert all((shots / p).stat().st_size > 10_000 for p in pngs)
    print(f"screenshots in {shots} (CJK font: {'yes' if cjk_font() else 'none: boxes'})")
