"""A first-time officer on the demo database: open, log in, see the most doubtful item first,
press a digit, watch the queue move on, undo. Nothing here may need the README."""
from __future__ import annotations


import pytest
from conftest import demo_served, support
from playwright.sync_api import expect

from gongkai import app as gk_app
from store import Store


@pytest.fixture
def demo_server(tmp_path, capsys):
    with demo_served(tmp_path, capsys) as (base, db, cfg):
        yield base, db, gk_app.load_rules(cfg)


def test_first_time_officer_reviews_the_demo(demo_server, page):
    base, db, rules = demo_server
    with Store(db) as st:
        first = st.review_queue(status="todo", limit=2)
    page.goto(base)                                   # the bare address leads to a login
    page.get_by_label("用户名 Name").fill("officer")
    page.get_by_label("密码 Password").fill(support.PASSWORD)
    page.get_by_role("button", name="登录 Log in").click()
    page.locator("#go-queue").click()                 # from the home page to the doubtful items

    rows = page.locator("#queue tr.row")
    # the most doubtful item is first and already selected; the page says why it is first
    expect(rows.nth(0)).to_have_attribute("data-id", str(first[0]["id"]))
    expect(rows.nth(0)).to_have_class("row sel")
    expect(page.locator("#doubt")).to_be_visible()
    # the keys are on screen, not only behind "?"
    key = next(c for c in rules.categories if c.name != first[0]["category"])
    expect(page.locator("#keyhints")).to_contain_text(f"{key.key} {key.name}")
    expect(page.locator("#keyhints")).to_be_visible()

    page.keyboard.press(key.key)
    expect(rows.nth(0)).to_have_attribute("data-category", key.name)
    expect(rows.nth(0)).to_have_attribute("data-decided-by", "manual")
    expect(rows.nth(1)).to_have_class("row sel")      # moved on to the next item
    expect(page.locator("#flash")).to_contain_text(key.name)

    page.keyboard.press("u")
    expect(rows.nth(0)).to_have_attribute("data-category", first[0]["category"])
    expect(page.locator("#flash")).to_contain_text("已撤销")
    with Store(db) as st:
        item = st.item(first[0]["id"])
        assert (item["category"], item["decided_by"]) == (first[0]["category"], "auto")
        assert [a["action"] for a in st.audit(first[0]["id"])] == ["category", "undo category"]
