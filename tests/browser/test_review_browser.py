"""The review UI in a real browser: keyboard review with undo, and hostile crawled text."""
from __future__ import annotations

from conftest import login, support
from playwright.sync_api import expect

from store import Store


def test_review_three_items_with_the_keyboard_then_undo(server, page):
    base, db = server
    login(page, base + "")
    page.goto(base + "/queue?year=2024")
    rows = page.locator("#queue tr.row")
    ids = [rows.nth(i).get_attribute("data-id") for i in range(4)]
    expect(rows.nth(0)).to_have_class("row sel")
    with Store(db) as st:
        before = {int(i): st.item(int(i)) for i in ids}

    page.keyboard.press("1")          # 内贸流通, then the selection moves on
    expect(page.locator(f'tr[data-id="{ids[0]}"]')).to_have_attribute("data-category", "内贸流通")
    page.keyboard.press("j")          # skip one
    page.keyboard.press("3")          # 招商引资
    expect(page.locator(f'tr[data-id="{ids[2]}"]')).to_have_attribute("data-category", "招商引资")
    page.keyboard.press("k")
    page.keyboard.press("k")
    page.keyboard.press("k")          # back to the top, then down to the skipped one
    page.keyboard.press("j")
    page.keyboard.press("n")          # not ours
    expect(page.locator(f'tr[data-id="{ids[1]}"]')).to_have_attribute("data-attribution",
                                                                       "not_ours")
    page.keyboard.press("u")          # undo the last one: ours again
    expect(page.locator(f'tr[data-id="{ids[1]}"]')).to_have_attribute("data-attribution", "ours")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()

    with Store(db) as st:
        first, second, third = (st.item(int(i)) for i in ids[:3])
        assert (first["category"], first["decided_by"]) == ("内贸流通", "manual")
        assert (third["category"], third["decided_by"]) == ("招商引资", "manual")
        assert second["attribution"] == "ours" and second["attribution_manual"] == 0
        assert second["category"] == before[int(ids[1])]["category"]
        log = [(a["item_id"], a["action"], a["actor"], a["new"]) for a in st.audit()]
    assert log == [(int(ids[0]), "category", "alice", "内贸流通"),
                   (int(ids[2]), "category", "alice", "招商引资"),
                   (int(ids[1]), "attribution", "alice", "not_ours"),
                   (int(ids[1]), "undo attribution", "alice", "ours")]
    # the audit page shows it too
    page.goto(base + "/audit")
    expect(page.locator("table.audit tr")).to_have_count(5)


def test_item_view_keys_file_the_item(server, page):
    base, db = server
    login(page, base)
    page.goto(base + "/item/4")
    page.keyboard.press("5")
    expect(page.locator("#item .cat")).to_have_text("行政事项审批")
    with Store(db) as st:
        assert st.item(4)["category"] == "行政事项审批"


def test_hostile_title_and_body_are_inert_text(server, page):
    base, db = server
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, base)
    xss = support.item_id_by_key(db, "javascript:alert(9)")
    page.goto(base + "/queue?year=2024")
    expect(page.locator(f'tr[data-id="{xss}"] a.title')).to_contain_text('<script>alert("t")</script>')
    page.goto(base + f"/item/{xss}")
    expect(page.locator("h1.title")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator("div.body")).to_contain_text('<script>alert("b")</script>')
    page.mouse.move(200, 300)
    # nothing the payloads would have created exists, and nothing fired
    assert page.locator("main img").count() == 0
    assert page.locator("main b").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.keyboard.press("?")           # our own script still runs under the CSP
    expect(page.locator("#help")).to_be_visible()
    assert dialogs == []


def test_readonly_account_keys_change_nothing(server, page):
    base, db = server
    login(page, base, "reader")
    page.goto(base + "/queue")                 # the keys work in the queue, not on the home page
    page.keyboard.press("1")
    expect(page.locator("#flash")).to_contain_text("read-only")
    with Store(db) as st:
        assert st.audit() == []


def test_select_all_on_the_page_then_confirm_then_undo(server, page):
    base, db = server
    login(page, base)
    page.goto(base + "/?year=2024&month=5")
    rows = page.locator("#queue tr.row")
    expect(rows).to_have_count(3)
    page.check("#pick-page")
    expect(page.locator("#picked")).to_contain_text("3")
    page.select_option("#bulk select[name=action]", "attribution:not_ours")
    page.fill("#bulk input[name=reason]", "区工信局的信息")
    page.click("#bulk button[type=submit]")
    expect(page.locator("#bulk-n")).to_have_text("3")         # the confirm step, nothing yet
    with Store(db) as st:
        assert st.audit() == []
    page.click("#bulk-confirm")
    expect(page.locator("#bulk-result")).to_contain_text("3")
    with Store(db) as st:
        assert [(a["action"], a["new"], a["reason"]) for a in st.audit()] == \
            [("attribution", "not_ours", "区工信局的信息")] * 3
    page.click("#bulk-undo")
    expect(page.locator("#bulk-result")).to_contain_text("撤销 3 条")
    page.click("#bulk-back")
    expect(page.locator('#queue tr.row[data-attribution="ours"]')).to_have_count(3)
