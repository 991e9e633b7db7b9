"""The review web app through Flask's test client: login, CSRF, roles, escaping, queue, counts."""
import json
import re
import threading

import pytest

from _review_support import PASSWORD, XSS_TITLE, build, item_id_by_key
from gongkai import cli
from gongkai.web import create_app
from store import Store

NOW_WEB = __import__('datetime').datetime(2024, 6, 2, tzinfo=__import__('datetime').timezone.utc)


@pytest.fixture
def env(tmp_path):
    db, rules = build(tmp_path)
    return db, create_app(db, rules)


def _token(resp) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', resp.text).group(1)


def login(client, name="alice", password=PASSWORD):
    tok = _token(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": tok})


def _post(client, path, data=None):
    tok = _token(client.get("/"))
    return client.post(path, json=data or {}, headers={"X-CSRF-Token": tok})


def test_pages_need_a_login(env):
    _, app = env
    c = app.test_client()
    assert c.get("/").status_code == 302
    assert c.get("/counts.json?year=2024").status_code == 302
    assert login(c, password="wrong password").status_code == 401
    assert c.get("/").status_code == 302
    assert login(c).status_code == 302
    assert c.get("/").status_code == 200


def test_post_without_csrf_token_is_refused(env):
    db, app = env
    c = app.test_client()
    login(c)
    r = c.post("/api/item/1/category", json={"category": "招商引资"})
    assert r.status_code == 400
    r = c.post("/api/item/1/category", json={"category": "招商引资"},
               headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 400
    with Store(db) as st:
        assert st.item(1)["decided_by"] == "auto" and st.audit() == []
    # a login itself needs the token: no login CSRF
    c2 = app.test_client()
    assert c2.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 400


def test_file_undo_and_audit(env):
    db, app = env
    c = app.test_client()
    login(c)
    with Store(db) as st:
        before = st.item(2)
    r = _post(c, "/api/item/2/category", {"category": "招商引资"})
    assert r.status_code == 200 and r.json["category"] == "招商引资"
    assert r.json["decided_by"] == "manual"
    r = _post(c, "/api/item/2/not-ours")
    assert r.json["attribution"] == "not_ours"
    assert _post(c, "/api/item/2/undo").json["attribution"] == "ours"
    r = _post(c, "/api/item/2/undo").json
    assert r["category"] == before["category"] and r["decided_by"] == "auto"
    with Store(db) as st:
        after = st.item(2)
        assert after["needs_review"] == before["needs_review"] == 1
        assert after["decision_id"] == before["decision_id"]
        assert [(a["action"], a["actor"], a["old"], a["new"]) for a in st.audit(2)] == [
            ("category", "alice", before["category"], "招商引资"),
            ("attribution", "alice", "ours", "not_ours"),
            ("undo attribution", "alice", "not_ours", "ours"),
            ("undo category", "alice", "招商引资", before["category"])]
    page = c.get("/item/2").text
    assert "撤销改类别" in page             # the audit in words (gongkai.display)
    assert "撤销改类别" in c.get("/audit").text


def test_unknown_category_and_item(env):
    _, app = env
    c = app.test_client()
    login(c)
    assert _post(c, "/api/item/1/category", {"category": "nope"}).status_code == 400
    assert _post(c, "/api/item/999/category", {"category": "其他"}).status_code == 404
    assert c.get("/item/999").status_code == 404


def test_readonly_role_cannot_write(env):
    db, app = env
    c = app.test_client()
    login(c, "reader")
    assert c.get("/").status_code == 200
    assert _post(c, "/api/item/1/category", {"category": "其他"}).status_code == 403
    assert _post(c, "/api/item/1/not-ours").status_code == 403
    with Store(db) as st:
        assert st.audit() == []
    assert 'action="/api/item/1/category"' not in c.get("/item/1").text


def test_crawled_text_is_escaped_and_csp_is_strict(env):
    db, app = env
    c = app.test_client()
    login(c)
    xss = item_id_by_key(db, "javascript:alert(9)")
    for path in ("/", f"/item/{xss}", "/audit"):
        r = c.get(path)
        # no crawled tag survives as a tag: every < of the payloads arrives as &lt;
        assert not re.search(r"<(img|b)[\s>]", r.text)
        assert "<script>" not in r.text
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page = c.get(f"/item/{xss}").text
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page            # only http(s) links
    assert 'rel="noopener noreferrer"' in c.get("/item/4").text
    # no inline script anywhere: every <script> has a src
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


def test_keywords_highlighted_in_title_and_body(env):
    _, app = env
    c = app.test_client()
    login(c)
    page = c.get("/item/4").text
    assert '<mark class="win">燃气安全' in page.split('<h1 class="title">')[1].split("</h1>")[0]
    assert '<mark class="win">燃气安全</mark>' in page.split('class="body"')[1]


def test_queue_order_filters_and_search(env):
    db, app = env
    with Store(db) as st:
        q = st.review_queue(year=2024)
        assert q[0]["needs_review"] == 1
        margins = [r["margin"] for r in q[1:]]
        assert margins == sorted(margins)
        assert {r["pub_year"] for r in q} == {2024}
        assert [r["title"] for r in st.review_queue(query="燃气安全")] == ["我区开展燃气安全隐患排查整治"]
        # 2 characters: below trigram, found by the fallback
        assert len(st.review_queue(query="消费")) >= 4
        assert len(st.review_queue(query="招商")) == 1
        assert all(r["channel"] == "wechat" for r in st.review_queue(channel="wechat"))
        assert len(st.review_queue(year=2024, month=5)) == 3
        st.review_set_category(1, "内贸流通", actor="t", now=q[0] and __import__(
            "datetime").datetime(2024, 7, 1))
        assert st.review_queue(year=2024)[-1]["id"] == 1   # decided by hand: back of the queue
        assert [r["id"] for r in st.review_queue(category="内贸流通")] == [1]
    c = app.test_client()
    login(c)
    assert "燃气安全" in c.get("/queue?q=燃气安全").text
    assert c.get("/queue?status=bogus").status_code == 400


def test_counts_panel_equals_counts_command(env, capsys):
    db, app = env
    c = app.test_client()
    login(c)
    _post(c, "/api/item/2/category", {"category": "内贸流通"})
    assert cli.main(["counts", "--year", "2024", "--json", "--db", str(db)]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert c.get("/counts.json?year=2024").json == expected
    html = c.get("/counts?year=2024").text
    assert f'<td class="n" id="total">{expected["total"]}</td>' in html
    assert '<tr data-category="内贸流通"><td>内贸流通领域信息</td><td class="n">1</td>' in html


def test_sources_panel(env):
    db, app = env
    with Store(db) as st:
        run = st.begin_run("wx", __import__("datetime").datetime(2024, 6, 2))
        st.end_run(run, status="failed", now=__import__("datetime").datetime(2024, 6, 2),
                   reason="bridge login expired")
    c = app.test_client()
    login(c)
    page = c.get("/sources").text
    assert "上次运行失败：bridge login expired" in page and 'class="h-failing"' in page


def test_reviewer_write_waits_for_a_crawl_transaction(env):
    db, app = env
    c = app.test_client()
    login(c)
    tok = _token(c.get("/"))
    held, release = threading.Event(), threading.Event()

    def crawl():
        with Store(db) as st:
            st.db.conn.execute("BEGIN IMMEDIATE")
            st.db.execute("UPDATE items SET last_seen_at = 'x' WHERE id = 3")
            held.set()
            release.wait(5)
            st.db.conn.commit()

    t = threading.Thread(target=crawl)
    t.start()
    held.wait(5)
    threading.Timer(0.3, release.set).start()
    r = c.post("/api/item/3/category", json={"category": "其他"}, headers={"X-CSRF-Token": tok})
    t.join()
    assert r.status_code == 200
    with Store(db) as st:
        assert st.item(3)["decided_by"] == "manual" and st.item(3)["last_seen_at"] == "x"


def _open_pair(db, title_a=XSS_TITLE, title_b="另一个标题"):
    """Two items the detector could not decide, as the review page gets them."""
    with Store(db) as st:
        a, b = (i["id"] for i in st.items()[:2])
        st.db.execute("UPDATE items SET title = ? WHERE id = ?", [title_a, a])
        st._open_pair(a, b, 0.6, "texts overlap 60% but open differently", NOW_WEB)
        st.db.conn.commit()
        return st.dupe_pairs("open")[0]["id"], a, b


def test_possible_duplicates_page_shows_both_escaped_and_a_reviewer_decides(env):
    db, app = env
    pair, a, b = _open_pair(db)
    c = app.test_client()
    login(c)
    page = c.get("/dupes")
    assert page.status_code == 200 and "可能重复" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert c.post(f"/api/dupes/{pair}/same").status_code == 400          # no CSRF token
    r = _post(c, f"/api/dupes/{pair}/same")
    assert r.status_code == 200 and r.json["status"] == "merged"
    with Store(db) as st:
        assert st.item(a)["cluster_id"] == st.item(b)["cluster_id"]
        assert st.dupe_pairs("open") == []
    assert "没有待确认的可能重复" in c.get("/dupes").text


def test_a_readonly_account_cannot_decide_a_pair(env):
    db, app = env
    pair, a, b = _open_pair(db)
    c = app.test_client()
    login(c, name="reader")
    assert c.get("/dupes").status_code == 200
    assert _post(c, f"/api/dupes/{pair}/apart").status_code == 403
    with Store(db) as st:
        assert [p["status"] for p in st.dupe_pairs(None)] == ["open"]


def test_item_page_says_why_the_item_is_ours_or_not(env):
    db, app = env
    with Store(db) as st:
        st.db.execute("UPDATE items SET meta_json = ? WHERE id = 1",
                      ['{"attribution_reason": "another body is the subject: <b>区应急管理局</b>"}'])
        st.db.conn.commit()
    c = app.test_client()
    login(c)
    page = c.get("/item/1").text
    assert "归属依据" in page and "&lt;b&gt;区应急管理局&lt;/b&gt;" in page and "<b>区应急" not in page
