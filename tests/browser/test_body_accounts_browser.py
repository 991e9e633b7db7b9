"""Accounts bound to bodies in Chromium (issue 17 #4), on the fixture district crawled from
tests/fixtures/district on loopback: a reviewer of the commerce bureau logs in, sees only its
items and its counts, cannot open another body's item by its address, moves one of its items to
another body with the item page's form, and that body's reviewer then finds it with the move in
its history."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone

import pytest
import _district_site
from conftest import login, support
from werkzeug.serving import make_server

district_test = _district_site.district_test

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)
THEIRS = "防汛应急演练在我区举行"                      # yingji's
MOVABLE = "区商务局举办家电以旧换新消费补贴发布会"        # shangwu's, on the shared account


@pytest.fixture
def served(tmp_path, capsys):
    from gongkai import app as gk_app
    from gongkai import config, district
    from gongkai.web import create_app
    from store import Store, access
    path = _district_site.crawled(tmp_path)
    capsys.readouterr()
    cfg = config.load(path)
    with Store(cfg.db_path) as st:
        for name, body in (("alice", "shangwu"), ("yuan", "yingji")):
            st.add_user(name, support.hash_password(support.PASSWORD), "reviewer", now=CLOCK)
            access.bind_user(st, name, body, now=CLOCK, actor="test")
        items = {i["id"]: i["title"] for i in st.items()}
        mine = access.in_scope(st, district.scope(cfg, "shangwu", st), items)
    srv = make_server("127.0.0.1", 0, create_app(cfg.db_path, gk_app.load_rules(cfg),
                                                 config=cfg, clock=lambda: CLOCK), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", items, mine
    srv.shutdown()
    thread.join(5)


def _queue_ids(page) -> set[int]:
    return {int(i) for i in page.eval_on_selector_all(
        "tr.row", "rows => rows.map(r => r.dataset.id)")}


def test_a_reviewer_sees_only_its_body(served, page):
    base, items, mine = served
    login(page, base, "alice")
    assert "卫滨区商务局" in page.inner_text("header")
    page.click("nav >> text=待审队列")
    page.goto(base + "/queue?status=all")
    assert _queue_ids(page) == mine and len(mine) == 6
    text = page.inner_text("main")
    assert THEIRS not in text and "区应急管理局开展安全生产大检查" not in text
    # the counts page shows the body's own numbers
    page.goto(base + "/counts?year=2024")
    want = district_test.EXPECT["counts_2024"]["shangwu"]
    assert str(want["total"]) in page.inner_text("main")
    assert page.request.get(base + "/counts.json?year=2024").json()["total"] == want["total"]
    # another body's item by its address: refused, and nothing of it shown
    theirs = next(i for i, t in items.items() if t == THEIRS)
    response = page.goto(f"{base}/item/{theirs}")
    assert response.status == 404
    assert THEIRS not in page.content()
    assert page.locator("#item").count() == 0


def test_a_move_reaches_the_other_body_with_its_history(served, page, browser):
    base, items, _ = served
    item = next(i for i, t in items.items() if t == MOVABLE)
    login(page, base, "alice")
    page.goto(f"{base}/item/{item}")
    assert "卫滨区商务局" in page.inner_text("#item-bodies")
    page.select_option("#move-form select[name=to]", "yingji")
    page.fill("#move-form input[name=reason]", "应急局发布")
    page.click("#move")
    page.wait_for_selector("#item-bodies")
    assert page.inner_text("#item-bodies") == "卫滨区应急管理局"
    assert page.locator("#move-form").count() == 0           # no longer the bureau's to move
    assert "应急局发布" in page.inner_text("table.audit")
    other = browser.new_context()
    other.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    yuan = other.new_page()
    try:
        login(yuan, base, "yuan")
        yuan.goto(base + "/queue?status=all")
        assert item in _queue_ids(yuan)
        yuan.goto(f"{base}/item/{item}")
        history = yuan.inner_text("table.audit")
        assert re.search(r"改归属单位\s+shangwu\s+yingji\s+应急局发布", history)
        assert yuan.locator("#move-form").count() == 1
    finally:
        other.close()
