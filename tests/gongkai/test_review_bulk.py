"""Bulk actions on the queue, and cluster merge/split from the item view (web + store)."""
import re
from datetime import datetime, timezone

import pytest

from _review_support import PASSWORD, build
from gongkai.web import create_app
from store import Store, StoreError

LATER = datetime(2024, 7, 1, tzinfo=timezone.utc)


@pytest.fixture
def env(tmp_path):
    db, rules = build(tmp_path)
    return db, create_app(db, rules)


def _token(text: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', text).group(1)


def login(app, name="alice"):
    c = app.test_client()
    tok = _token(c.get("/login").text)
    assert c.post("/login", data={"name": name, "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    return c


def form(c, path, **data):
    return c.post(path, data={"csrf_token": _token(c.get("/").text), **data})


def test_bulk_file_confirm_audit_and_undo_as_one_step(env):
    db, app = env
    c = login(app)
    page = c.get("/queue?year=2024").text
    assert 'id="pick-page"' in page and page.count('class="pick"') == 7
    with Store(db) as st:
        st.review_set_category(4, "招商引资", actor="alice", now=LATER)   # already so: unchanged
        before = {i: st.item(i) for i in (1, 2, 4)}
    r = form(c, "/bulk/preview", id=["1", "2", "4"], action="category:招商引资", reason="同一项目",
             back="/?year=2024")
    assert r.status_code == 200
    assert '<strong id="bulk-n">2</strong>' in r.text and "1 条已是如此" in r.text
    with Store(db) as st:                       # the preview changed nothing
        assert st.item(1) == before[1] and len(st.audit()) == 1
    r = form(c, "/bulk/apply", id=["1", "2", "4"], action="category:招商引资", reason="同一项目",
             back="/?year=2024")
    assert r.status_code == 200 and "2 条已归入 招商引资" in r.text
    batch = int(re.search(r'action="/bulk/(\d+)/undo"', r.text).group(1))
    with Store(db) as st:
        assert [(st.item(i)["category"], st.item(i)["decided_by"]) for i in (1, 2)] == \
            [("招商引资", "manual")] * 2
        bulk_audit = [(a["item_id"], a["new"], a["reason"]) for a in st.audit()[1:]]
    assert bulk_audit == [(1, "招商引资", "同一项目"), (2, "招商引资", "同一项目")]
    r = form(c, f"/bulk/{batch}/undo", back="/?year=2024")
    assert r.status_code == 200 and "撤销 2 条" in r.text
    with Store(db) as st:
        for i in (1, 2, 4):
            after = st.item(i)
            assert (after["category"], after["decided_by"], after["decision_id"]) == \
                (before[i]["category"], before[i]["decided_by"], before[i]["decision_id"])
    assert form(c, f"/bulk/{batch}/undo").status_code == 400        # once only


def test_bulk_not_ours_and_undo_keeps_a_later_change(env):
    db, _ = env
    with Store(db) as st:
        done = st.review_bulk([1, 2, 3], attribution="not_ours", actor="a", now=LATER,
                              reason="外单位")
        assert done["changed"] == [1, 2, 3]
        assert [a["action"] for a in st.audit()] == ["attribution"] * 3
        st.review_set_attribution(2, "ours", actor="b", now=LATER)       # a later change by hand
        out = st.review_undo_bulk(done["batch_id"], actor="a", now=LATER)
        assert out == {"undone": [1, 3], "skipped": [2]}
        assert [st.item(i)["attribution"] for i in (1, 2, 3)] == ["ours"] * 3
        assert st.item(2)["attribution_manual"] == 1 and st.item(1)["attribution_manual"] == 0
        with pytest.raises(StoreError):
            st.review_bulk([1, 999], category="其他", actor="a", now=LATER)
        assert st.item(1)["decided_by"] == "auto"                        # all or nothing
        with pytest.raises(StoreError):
            st.review_bulk([1], category="其他", attribution="ours", actor="a", now=LATER)


def test_bulk_needs_csrf_a_writer_and_a_valid_action(env):
    db, app = env
    c = login(app)
    assert c.post("/bulk/apply", data={"id": "1", "action": "category:其他"}).status_code == 400
    assert form(c, "/bulk/apply", id="1", action="category:nope").status_code == 400
    assert form(c, "/bulk/apply", action="category:其他").status_code == 400
    assert form(c, "/bulk/apply", id=[str(i) for i in range(1, 502)],
                action="category:其他").status_code == 400
    r = login(app, "reader")
    assert 'id="bulk"' not in r.get("/queue").text
    assert form(r, "/bulk/preview", id="1", action="category:其他").status_code == 403
    assert form(r, "/bulk/apply", id="1", action="category:其他").status_code == 403
    with Store(db) as st:
        assert st.audit() == []


def test_merge_and_split_from_the_item_view(env):
    db, app = env
    c = login(app)
    assert 'id="merge"' in c.get("/item/1").text
    r = form(c, "/item/1/merge", **{"with": "#2, 3", "reason": "同一会议"})
    assert r.status_code == 302
    with Store(db) as st:
        assert {st.item(i)["cluster_id"] for i in (1, 2, 3)} == {1}
    page = c.get("/item/1").text
    assert page.count('class="split"') == 2 and "同一会议" in page
    r = form(c, "/item/2/split", back_item="1")
    assert r.status_code == 302 and r.headers["Location"].endswith("/item/1")
    with Store(db) as st:
        assert st.item(2)["cluster_id"] == 2 and st.item(3)["cluster_id"] == 1
        assert [(a["item_id"], a["action"], a["actor"]) for a in st.audit()] == [
            (1, "cluster", "alice"), (2, "cluster", "alice"), (3, "cluster", "alice"),
            (2, "cluster", "alice")]
    assert form(c, "/item/2/split").status_code == 400            # alone now: a clear refusal
    assert form(c, "/item/1/merge", **{"with": ""}).status_code == 400
    assert c.post("/item/1/merge", data={"with": "2"}).status_code == 400     # no CSRF token
    r = login(app, "reader")
    assert 'id="merge"' not in r.get("/item/1").text
    assert form(r, "/item/1/merge", **{"with": "2"}).status_code == 403
    assert form(r, "/item/3/split").status_code == 403


def test_key_hints_are_on_screen(env):
    _, app = env
    c = login(app)
    for path in ("/queue", "/item/1"):
        hints = c.get(path).text.split('id="keyhints"')[1].split("</p>")[0]
        assert "<kbd>1</kbd> 内贸流通" in hints and "<kbd>u</kbd>" in hints
    assert "最前面是分类器没有把握" in c.get("/queue?year=2024").text
