"""Undo of a move between bodies (issue 17 follow-up), over plain HTTP on the three-body fixture
district: 非本单位 on a joint notice takes the reviewer's body off it, and `u` puts it back — for
that reviewer (the item counted for its body just before), for the admin, never for a third
body the item counts for all along. Before, the move was not in the undo journal: the
reviewer's undo was a 403 (the item was no longer its body's) and the admin's a 200 that
changed nothing."""
from __future__ import annotations

import pytest

from store import Store, access, body_counts
from gongkai import district
from test_body_accounts import (CLOCK, JOINT, MOVABLE, PASSWORD, _login, prepared,  # noqa: F401
                                snapshot, town)
from test_district import crawled, site  # noqa: F401  (fixtures)
from gongkai.web._auth import hash_password

API = {"X-Requested-With": "fetch"}


def _post(client, path):
    return client.post(path, json={}, headers={**API, "X-CSRF-Token": client.csrf})


def _total(client) -> int:
    return client.get("/counts.json?year=2024").get_json()["total"]


def _state(town, item):
    with Store(town["cfg"].db_path) as st:
        it = st.item(item)
        return dict(st.item_bodies(item)), it["attribution"], it["attribution_manual"]


def _summary_agrees(town) -> None:
    """The dashboard's per-body summary follows the undo as the counts do."""
    cfg = town["cfg"]
    with Store(cfg.db_path) as st:
        scopes = [district.scope(cfg, b.id, st) for b in cfg.bodies]
        every = body_counts(st, [2024], scopes)
        assert [every[sc.body][2024] for sc in scopes] == [st.counts(2024, sc) for sc in scopes]


def test_the_reviewer_undoes_not_ours_on_a_joint_notice(town):
    app, joint = town["app"], town["ids"][JOINT]
    alice = _login(app, "alice")
    before, count = _state(town, joint), _total(alice)
    assert set(before[0]) == {"shangwu", "shijian"}
    assert _post(alice, f"/api/item/{joint}/not-ours").status_code == 200
    assert _total(alice) == count - 1 and set(_state(town, joint)[0]) == {"shijian"}
    # the item page, read-only to her now, still offers to take the move back
    assert 'id="undo-move"' in alice.get(f"/item/{joint}").text
    r = _post(alice, f"/api/item/{joint}/undo")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["attribution"] == "ours"
    # exactly as before: the bodies with their reasons, the attribution and who decided it
    assert _state(town, joint) == before and _total(alice) == count
    _summary_agrees(town)
    with Store(town["cfg"].db_path) as st:
        moves = [(a["actor"], a["old"], a["new"], a["reason"]) for a in st.audit(joint)
                 if a["action"] == "body"]
    assert moves == [("alice", "shangwu", None, "非本单位 not ours"),
                     ("alice", None, "shangwu", "撤销 undo")]
    # nothing left to undo: said, and nothing written
    snap = snapshot(town)
    r = _post(alice, f"/api/item/{joint}/undo")
    assert r.status_code == 409 and "nothing to undo" in r.get_json()["error"]
    assert snapshot(town) == snap


def test_the_admin_undoes_it_too_and_a_third_body_may_not(town):
    app, joint = town["app"], town["ids"][JOINT]
    with Store(town["cfg"].db_path) as st:
        st.add_user("shi", hash_password(PASSWORD), "reviewer", now=CLOCK)
        access.bind_user(st, "shi", "shijian", now=CLOCK, actor="test")
    alice, boss, shi = _login(app, "alice"), _login(app, "boss"), _login(app, "shi")
    before = _state(town, joint)
    assert _post(alice, f"/api/item/{joint}/not-ours").status_code == 200
    # shijian counts the notice all along: shangwu's "not ours" is not its to take back
    snap = snapshot(town)
    r = _post(shi, f"/api/item/{joint}/undo")
    assert r.status_code == 403 and "admin" in r.get_json()["error"]
    assert snapshot(town) == snap
    assert 'id="undo-move"' not in shi.get(f"/item/{joint}").text
    r = _post(boss, f"/api/item/{joint}/undo")
    assert r.status_code == 200 and _state(town, joint) == before
    with Store(town["cfg"].db_path) as st:
        assert [a["action"] for a in st.audit(joint)][-1:] == ["body"]
    assert _post(boss, f"/api/item/{joint}/undo").status_code == 409


@pytest.mark.parametrize("who", ["alice", "yuan"])
def test_a_move_to_another_body_is_undone_by_either_side(town, who):
    app, item = town["app"], town["ids"][MOVABLE]
    alice = _login(app, "alice")
    before = _state(town, item)
    assert alice.post(f"/item/{item}/move", data={"to": "yingji",
                                                   "csrf_token": alice.csrf}).status_code == 302
    client = alice if who == "alice" else _login(app, "yuan")
    r = client.post(f"/api/item/{item}/undo", data={"csrf_token": client.csrf})
    assert r.status_code == 302 and _state(town, item) == before
    _summary_agrees(town)
    # the admin's re-filing before the move is next, and the item is shangwu's again: alice's
    # to undo; yuan sees its history (the move back), no longer changes it
    r = _post(client, f"/api/item/{item}/undo")
    assert r.status_code == (200 if who == "alice" else 403)
