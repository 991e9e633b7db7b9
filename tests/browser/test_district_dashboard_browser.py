"""The 政务公开办's dashboard in Chromium (issue 17 #3): the fixture district crawled from
tests/fixtures/district on loopback, an admin finds 全区 in the menu, reads every body's row, sees
a hostile title as text (no script runs, no dialog opens), and downloads the .xlsx; a reviewer
finds no link and is refused the page."""
from __future__ import annotations

import io
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
import _district_site
from conftest import login, support
from openpyxl import load_workbook
from werkzeug.serving import make_server

district_test = _district_site.district_test

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def served(tmp_path, capsys):
    from gongkai import app as gk_app
    from gongkai import config
    from gongkai.web import create_app
    from store import Store
    path = _district_site.crawled(tmp_path)
    capsys.readouterr()
    cfg = config.load(path)
    with Store(cfg.db_path) as st:
        st.add_user("boss", support.hash_password(support.PASSWORD), "admin", now=CLOCK)
        st.add_user("alice", support.hash_password(support.PASSWORD), "reviewer", now=CLOCK)
        # a district's reviewer is bound to one body (issue 17 #4): unbound, it sees nothing
        st.db.execute("UPDATE users SET body = 'shangwu' WHERE name = 'alice'")
        st.db.execute("UPDATE items SET title = ? || title WHERE title = ?",
                      [HOSTILE, "区教育局开展校园安全教育周活动"])
    srv = make_server("127.0.0.1", 0, create_app(cfg.db_path, gk_app.load_rules(cfg),
                                                 config=cfg, clock=lambda: CLOCK), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)


def test_the_dashboard_in_a_browser(served, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, served, "boss")
    page.click("nav >> text=全区")
    page.wait_for_selector("#district")
    assert page.inner_text("#days-left") == "21"
    assert page.inner_text("#district-total") == str(district_test.EXPECT["district_total_2024"])
    for body, want in district_test.EXPECT["counts_2024"].items():
        row = page.locator(f'tr[data-body="{body}"]')
        assert row.locator("td.total").inner_text() == str(want["total"])
        assert row.locator("td.last").inner_text() == "0"
    loose = page.locator('tr[data-body=""]')
    assert loose.locator("td.total").inner_text() == "2"
    # the hostile title is shown as the characters it is
    assert HOSTILE in page.inner_text("#unattributed")
    assert page.locator("#unattributed img").count() == 0
    with page.expect_download() as done:
        page.click("#export")
    download = done.value
    assert download.suggested_filename == "district-2024.xlsx"
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))["2024"]
    assert [r[1] for r in ws.iter_rows(values_only=True)][1:4] == ["shangwu", "yingji", "shijian"]
    assert dialogs == []


def test_a_reviewer_has_no_dashboard(served, page):
    login(page, served, "alice")
    assert page.locator("nav >> text=全区").count() == 0
    response = page.goto(served + "/district")
    assert response.status == 403
