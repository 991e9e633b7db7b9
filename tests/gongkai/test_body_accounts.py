"""Accounts bound to bodies (issue 17 #4) over plain HTTP, on the three-body fixture district of
test_district.py: every route of the app × {a reviewer of the body (alice, shangwu), a reviewer
of another body (yuan, yingji), the admin (boss), an account bound to no body (newbie)}. Another
body's item, pair, batch or report is a 403/404 that never carries its content, a write to it
changes nothing, and list pages hold none of its titles. The routes are read from the app's
url_map: a route added without a line in ROUTES fails here until its body check is tested."""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timezone

import pytest

from _review_support import PASSWORD
from gongkai import app as gk_app
from gongkai import config, district
from gongkai.cli import main
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store, access, body_counts
from test_district import EXPECT, crawled, site  # noqa: F401  (fixtures)

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)
# the items of one body only (test_district's expect.json), by title
A_ONLY = ("我局召开消费促进工作推进会", "卫滨商务召开2025年元旦消费工作部署会",
          "区商务局举办家电以旧换新消费补贴发布会")
B_ONLY = ("防汛应急演练在我区举行", "区应急管理局开展安全生产大检查", "应急科普进社区")
LOOSE = ("区教育局开展校园安全教育周活动", "区市场监管局开展消费环境整治")   # unattributed
JOINT = "区市场监管局联合区商务局开展消费维权宣传"                          # shangwu + shijian
MOVABLE = "区商务局举办家电以旧换新消费补贴发布会"                            # shangwu, on cxwb
OWN = "我局召开消费促进工作推进会"                                            # swj-wx: shangwu's own
USERS = {"boss": ("admin", None), "alice": ("reviewer", "shangwu"),
         "yuan": ("reviewer", "yingji"), "newbie": ("reviewer", None)}
OPEN = "open"


def _login(app, name):
    c = app.test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"name": name, "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    # a login starts a fresh session with its own token
    c.csrf = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    return c


@pytest.fixture(scope="module")
def prepared(crawled, tmp_path_factory):  # noqa: F811
    """The crawled district with the four accounts, report data files for the three bodies,
    possible-duplicate pairs (one inside shangwu, one inside yingji, one across them), one action
    and one bulk batch of the admin's on shangwu's items: a folder each test copies."""
    root = tmp_path_factory.mktemp("accounts")
    shutil.copy(crawled.with_name("district.db"), root / "district.db")
    path = root / "gongkai.toml"
    path.write_text(crawled.read_text(encoding="utf-8"), encoding="utf-8")
    for body in ("shangwu", "yingji", "shijian"):
        assert main(["report", "init", "--year", "2024", "--bureau", body,
                     "--config", str(path)]) == 0
    with Store(root / "district.db") as st:
        ids = {i["title"]: i["id"] for i in st.items() if i["source_id"] != "portal-bmdt"
               or i["title"] != "卫滨商务开展消费季活动"}
        portal_copy = next(i["id"] for i in st.items() if i["source_id"] == "portal-bmdt"
                           and i["title"] == "卫滨商务开展消费季活动")
        for name, (role, body) in USERS.items():
            st.add_user(name, hash_password(PASSWORD), role, now=CLOCK)
            if body:
                access.bind_user(st, name, body, now=CLOCK, actor="test")

        def pair(a, b):
            return st.db["dupe_pairs"].insert({
                "item_id": ids[a], "other_id": ids[b], "score": 0.5, "reason": "test",
                "status": "open", "created_at": CLOCK.isoformat()}).last_pk

        pairs = {"a": pair(OWN, MOVABLE), "b": pair(B_ONLY[0], B_ONLY[2]),
                 "cross": pair(A_ONLY[0], B_ONLY[1])}
        st.review_set_category(ids[MOVABLE], "其他", actor="boss", now=CLOCK)
        batch = st.review_bulk([ids[A_ONLY[1]]], actor="boss", now=CLOCK,
                               category="安全生产")["batch_id"]
    return root, {"ids": ids, "pairs": pairs, "batch": batch, "portal_copy": portal_copy}


@pytest.fixture
def town(prepared, tmp_path):
    """A copy of the prepared district and an app on it. Returns a dict of names."""
    root, names = prepared
    shutil.copytree(root, tmp_path / "town")
    path = tmp_path / "town" / "gongkai.toml"
    cfg = config.load(path)
    app = create_app(cfg.db_path, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    return {"app": app, "cfg": cfg, "path": path, **names}


def snapshot(town) -> dict:
    """Everything a request could change: the record, the accounts, the report data files."""
    with Store(town["cfg"].db_path) as st:
        out = {t: st.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
               for t in ("items", "item_bodies", "dupe_pairs", "review_batches",
                         "review_actions", "decisions", "users", "audit")}
    out["files"] = {p.name: p.read_bytes() for p in town["path"].parent.glob("report-*.toml")}
    return out


# -- every route -------------------------------------------------------------------------------------
# endpoint: (method, path, form, kind). {a} is shangwu's MOVABLE item, {own} its OWN item, {a1} the
# item of its batch, {pair} the pair inside shangwu, {batch} the admin's batch on shangwu's item.
# kind: "item" reads one of shangwu's things; "write" changes one; "list" is a page listing items;
# "report" is shangwu's report data; "admin" is the admin's alone; OPEN needs no body at all.
ROUTES = {
    "static": ("GET", "/static/review.css", None, OPEN),
    "login": ("GET", "/login", None, OPEN),
    "logout": ("POST", "/logout", {}, OPEN),
    "favicon": ("GET", "/favicon.ico", None, OPEN),
    "home": ("GET", "/?year=2024", None, "list"),
    "queue": ("GET", "/queue?status=all", None, "list"),
    "counts": ("GET", "/counts?year=2024", None, "list"),
    "counts_json": ("GET", "/counts.json?year=2024", None, "list"),
    "sources": ("GET", "/sources", None, "list"),
    "dupes": ("GET", "/dupes", None, "list"),
    "audit": ("GET", "/audit", None, "list"),
    "item": ("GET", "/item/{a}", None, "item"),
    "dupe_pair": ("GET", "/dupes/{pair}", None, "item"),
    "bulk_preview": ("POST", "/bulk/preview", {"id": "{a}", "action": "category:安全生产"}, "item"),
    "decide_pair": ("POST", "/api/dupes/{pair}/apart", {}, "write"),
    "set_category": ("POST", "/api/item/{a}/category", {"category": "安全生产"}, "write"),
    "toggle_not_ours": ("POST", "/api/item/{a}/not-ours", {}, "write"),
    "undo": ("POST", "/api/item/{a}/undo", {}, "write"),
    "move": ("POST", "/item/{a}/move", {"to": "yingji"}, "write"),
    "bulk_apply": ("POST", "/bulk/apply", {"id": "{a}", "action": "category:安全生产"}, "write"),
    "bulk_undo": ("POST", "/bulk/{batch}/undo", {}, "write"),
    "merge": ("POST", "/item/{a}/merge", {"with": "{own}"}, "write"),
    "split": ("POST", "/item/{copy}/split", {}, "write"),
    "set_date": ("POST", "/item/{a}/date", {"day": "2023-12-31"}, "write"),
    "report_home": ("GET", "/report?year=2024&bureau=shangwu", None, "report"),
    "report_form": ("GET", "/report/2024?bureau=shangwu", None, "report"),
    "report_check": ("POST", "/report/2024/check?bureau=shangwu", {}, "report"),
    "report_download": ("GET", "/report/2024/download.html?bureau=shangwu", None, "report"),
    "users": ("GET", "/users", None, "admin"),
    "users_add": ("POST", "/users/add", {"name": "carol", "role": "reviewer", "body": "yingji",
                                         "password": PASSWORD, "password2": PASSWORD}, "admin"),
    "users_bind": ("POST", "/users/bind", {"name": "newbie", "body": "shangwu"}, "admin"),
    "users_passwd": ("POST", "/users/passwd", {"name": "newbie", "password": PASSWORD + "2",
                                               "password2": PASSWORD + "2"}, "admin"),
    "users_remove": ("POST", "/users/remove", {"name": "newbie"}, "admin"),
    "district_page": ("GET", "/district?year=2024", None, "admin"),
    "district_xlsx": ("GET", "/district.xlsx?year=2024", None, "admin"),
}
# a second line for the routes that take a second method
EXTRA = {"report_form POST": ("POST", "/report/2024?bureau=shangwu", {"fingerprint": "x"},
                              "report"),
         "login POST": ("POST", "/login", {"name": "boss", "password": PASSWORD}, OPEN)}


def test_every_route_of_the_app_is_in_the_table(town):
    served = {(r.endpoint, m) for r in town["app"].url_map.iter_rules()
              for m in r.methods - {"HEAD", "OPTIONS"}}
    tested = {(name.split()[0], case[0]) for name, case in [*ROUTES.items(), *EXTRA.items()]}
    assert served == tested, ("a route or method without a body test: add it to ROUTES",
                              served ^ tested)


def _fill(town, value: str) -> str:
    ids = town["ids"]
    return value.format(a=ids[MOVABLE], own=ids[OWN], pair=town["pairs"]["a"],
                        batch=town["batch"], copy=town["portal_copy"])


def _request(town, client, case):
    method, path, form, _kind = case
    path = _fill(town, path)
    if method == "GET":
        return client.get(path)
    data = {k: _fill(town, v) for k, v in (form or {}).items()}
    return client.post(path, data={**data, "csrf_token": client.csrf})


CASES = [(name, case) for name, case in [*ROUTES.items(), *EXTRA.items()]]


@pytest.mark.parametrize("user", ["alice", "yuan", "boss", "newbie"])
@pytest.mark.parametrize("name,case", CASES, ids=[n for n, _ in CASES])
def test_every_route_for_every_kind_of_account(town, name, case, user):
    kind = case[3]
    client = _login(town["app"], user)
    before = snapshot(town)
    r = _request(town, client, case)
    after = snapshot(town)
    text = (json.dumps(r.get_json(), ensure_ascii=False) if r.is_json
            else _plain(r.get_data(as_text=True)) if r.mimetype.startswith("text/") else "")
    refused = r.status_code in (403, 404)
    if kind == OPEN:
        assert r.status_code < 400, (name, user, r.status_code)
        return
    if user == "newbie":        # bound to no body in a district: nothing but the reason
        assert r.status_code == 403 and "还没有绑定单位" in text, (name, r.status_code)
        assert before == after and not any(t in text for t in (*A_ONLY, *B_ONLY, JOINT))
        return
    if kind == "admin":
        if user == "boss":
            assert r.status_code < 400, (name, r.status_code, text[:300])
        else:
            assert r.status_code == 403 and before == after, (name, user)
        return
    if kind == "list":
        assert r.status_code == 200, (name, user, r.status_code)
        hidden = {"alice": (*B_ONLY, *LOOSE), "yuan": (*A_ONLY, JOINT, *LOOSE), "boss": ()}[user]
        assert not [t for t in hidden if t in text], (name, user)
        if name == "sources":
            assert ("source=swj-wx" in r.text) == (user != "yuan")
        return
    # item, write, report: shangwu's
    if user == "yuan":
        assert refused, (name, r.status_code)
        assert before == after, name
        assert not [t for t in (*A_ONLY, JOINT) if t in text], name
        assert "report-2024-shangwu" not in text
        return
    assert r.status_code not in (403, 404) and r.status_code < 500, (name, user, r.status_code,
                                                                     text[:300])
    if kind == "write":
        assert before != after, (name, user)        # it did change: the refusals above mean it


def test_each_account_counts_its_own_body(town):
    want = {"alice": EXPECT["counts_2024"]["shangwu"]["total"],
            "yuan": EXPECT["counts_2024"]["yingji"]["total"],
            "boss": EXPECT["district_total_2024"]}
    for user, total in want.items():
        c = _login(town["app"], user)
        assert c.get("/counts.json?year=2024").get_json()["total"] == total, user
        home = c.get("/?year=2024").text
        assert re.search(rf'id="total"[^>]*>\s*{total}\s*<', home) or f">{total}<" in home, user
    queue = _login(town["app"], "yuan").get("/queue?status=all").text
    shown = {int(i) for i in re.findall(r'<tr class="row" data-id="(\d+)"', queue)}
    with Store(town["cfg"].db_path) as st:
        mine = access.in_scope(st, district.scope(town["cfg"], "yingji", st),
                               [i["id"] for i in st.items()])
    assert shown == mine and len(mine) == len(B_ONLY)


def test_a_move_is_audited_and_both_bodies_see_it(town):
    app, ids, cfg = town["app"], town["ids"], town["cfg"]
    item = ids[MOVABLE]
    alice, yuan = _login(app, "alice"), _login(app, "yuan")
    assert yuan.get(f"/item/{item}").status_code == 404
    r = alice.post(f"/item/{item}/move", data={"to": "yingji", "reason": "应急局发布",
                                                "csrf_token": alice.csrf})
    assert r.status_code == 302
    with Store(cfg.db_path) as st:
        assert st.item_bodies(item).keys() == {"yingji"}
        move = [a for a in st.audit(item) if a["action"] == "body"]
        assert [(m["actor"], m["old"], m["new"], m["reason"]) for m in move] == [
            ("alice", "shangwu", "yingji", "应急局发布")]
        assert district.counts(st, gk_app.load_rules(cfg), 2024, cfg, "shangwu").total == \
            EXPECT["counts_2024"]["shangwu"]["total"] - 1
        assert district.counts(st, gk_app.load_rules(cfg), 2024, cfg, "yingji").total == \
            EXPECT["counts_2024"]["yingji"]["total"] + 1
        # the dashboard's one pass over every body agrees at once
        scopes = [district.scope(cfg, b, st) for b in ("shangwu", "yingji")]
        every = body_counts(st, [2024], scopes)
        assert [every[sc.body][2024] for sc in scopes] == [st.counts(2024, sc) for sc in scopes]
    # the new body sees and changes it, with the move in its history and in its audit page
    page = yuan.get(f"/item/{item}").text
    assert MOVABLE in _plain(page) and "改归属单位" in page and "shangwu" in page
    assert 'id="move-form"' in page
    assert MOVABLE in _plain(yuan.get("/queue?status=all").text)
    assert "改归属单位" in yuan.get("/audit").text
    # the old body still sees it and the move, but can no longer change it
    page = alice.get(f"/item/{item}").text
    assert MOVABLE in _plain(page) and "改归属单位" in page and 'id="move-form"' not in page
    assert MOVABLE not in _plain(alice.get("/queue?status=all").text)
    assert MOVABLE in alice.get("/audit").text
    before = snapshot(town)
    r = alice.post(f"/api/item/{item}/category", data={"category": "促消费",
                                                        "csrf_token": alice.csrf})
    assert r.status_code == 403 and snapshot(town) == before
    # a re-crawl keeps the move, as it keeps a hand-set attribution
    assert main(["crawl", "--config", str(town["path"])]) == 0
    with Store(cfg.db_path) as st:
        assert st.item_bodies(item).keys() == {"yingji"}


def test_what_cannot_move(town):
    app, ids = town["app"], town["ids"]
    alice, boss = _login(app, "alice"), _login(app, "boss")
    before = snapshot(town)
    # an item of the body's own source is its body's by the config
    r = alice.post(f"/item/{ids[OWN]}/move", data={"to": "yingji", "csrf_token": alice.csrf})
    assert r.status_code == 400 and "自己的来源" in r.text
    # to a body the shared source does not list (cxwb: shangwu and yingji)
    r = boss.post(f"/item/{ids[MOVABLE]}/move", data={"from": "shangwu", "to": "shijian",
                                                       "csrf_token": boss.csrf})
    assert r.status_code == 400
    # from a body the item does not count for
    r = boss.post(f"/item/{ids[MOVABLE]}/move", data={"from": "yingji", "to": "shangwu",
                                                       "csrf_token": boss.csrf})
    assert r.status_code == 400
    assert snapshot(town) == before
    # the admin gives an unattributed item to a body
    loose = ids[LOOSE[1]]
    r = boss.post(f"/item/{loose}/move", data={"to": "yingji", "csrf_token": boss.csrf})
    assert r.status_code == 302
    with Store(town["cfg"].db_path) as st:
        assert st.item_bodies(loose).keys() == {"yingji"} and st.item(loose)["attribution"] == "ours"


def test_not_ours_on_a_joint_notice_takes_only_the_own_body_off_it(town):
    app, ids, cfg = town["app"], town["ids"], town["cfg"]
    alice = _login(app, "alice")
    joint = ids[JOINT]
    r = alice.post(f"/api/item/{joint}/not-ours", data={"csrf_token": alice.csrf})
    assert r.status_code == 302
    with Store(cfg.db_path) as st:
        assert st.item_bodies(joint).keys() == {"shijian"}
        assert st.item(joint)["attribution"] == "ours"
    # and in bulk, a joint notice is refused rather than taken from the other body
    with Store(cfg.db_path) as st:
        access.move_item(st, joint, None, "shangwu", actor="boss", now=CLOCK)
        # marked nobody's by the admin, n makes it counted again, for both
        st.review_set_attribution(joint, "not_ours", actor="boss", now=CLOCK)
    assert alice.post(f"/api/item/{joint}/not-ours",
                      data={"csrf_token": alice.csrf}).status_code == 302
    with Store(cfg.db_path) as st:
        assert st.item_bodies(joint).keys() == {"shangwu", "shijian"}
        assert st.item(joint)["attribution"] == "ours"
    before = snapshot(town)
    r = alice.post("/bulk/apply", data={"id": str(joint), "action": "attribution:not_ours",
                                        "csrf_token": alice.csrf})
    assert r.status_code == 400 and snapshot(town) == before


def test_a_bound_account_without_the_config_sees_nothing(town):
    app = create_app(town["cfg"].db_path, gk_app.load_rules(town["cfg"]), clock=lambda: CLOCK)
    r = _login(app, "alice").get("/queue?status=all")
    assert r.status_code == 403 and "配置文件" in r.text and A_ONLY[0] not in _plain(r.text)
    assert _login(app, "boss").get("/queue?status=all").status_code == 200


# -- creating and binding accounts ---------------------------------------------------------------------

def _plain(html: str) -> str:
    """The page's text: a title is cut by the <mark>s around its keywords."""
    return re.sub(r"<[^>]+>", "", html)


def _cli(monkeypatch, args, password=PASSWORD):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(password + "\n"))
    return main(args)


def test_the_cli_binds_accounts_and_refuses_an_unknown_body(town, monkeypatch, capsys):
    cfg = ["--config", str(town["path"])]
    capsys.readouterr()
    assert _cli(monkeypatch, ["user", "add", "zed", "--bureau", "nowhere", "--password-stdin",
                              *cfg]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown body 'nowhere'" in err and "shangwu" in err
    assert _cli(monkeypatch, ["user", "add", "zed", "--role", "admin", "--bureau", "yingji",
                              "--password-stdin", *cfg]) == 2
    assert _cli(monkeypatch, ["user", "bind", "zed", "--bureau", "yingji", *cfg]) == 2
    with Store(town["cfg"].db_path) as st:
        assert st.user("zed") is None
    assert _cli(monkeypatch, ["user", "add", "zed", "--bureau", "yingji", "--password-stdin",
                              *cfg]) == 0
    assert _cli(monkeypatch, ["user", "bind", "newbie", "--bureau", "shijian", *cfg]) == 0
    assert _cli(monkeypatch, ["user", "bind", "boss", "--bureau", "shijian", *cfg]) == 2
    capsys.readouterr()
    assert main(["user", "list", *cfg]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^zed\s+reviewer\s+0\s+.*\syingji$", out, re.M)
    assert re.search(r"^newbie\s+reviewer\s+.*\sshijian$", out, re.M)
    assert re.search(r"^boss\s+admin\s+.*\sall$", out, re.M)
    zed = _login(town["app"], "zed")
    assert zed.get("/counts.json?year=2024").get_json()["total"] == \
        EXPECT["counts_2024"]["yingji"]["total"]
    # unbound again: nothing to see
    assert main(["user", "bind", "zed", "--none", *cfg]) == 0
    assert _login(town["app"], "zed").get("/").status_code == 403
    with Store(town["cfg"].db_path) as st:
        binds = [(a["old"], a["new"]) for a in st.audit() if a["action"] == "user_bind"]
    assert binds[-3:] == [(None, "zed (yingji)"), (None, "newbie (shijian)"),
                          ("zed (yingji)", None)]


def test_the_users_page_binds_and_refuses_an_unknown_body(town):
    boss = _login(town["app"], "boss")
    page = boss.get("/users").text
    assert '<option value="shangwu"' in page and 'data-body="shangwu"' in page
    before = snapshot(town)
    r = boss.post("/users/add", data={"name": "zed", "role": "reviewer", "body": "nowhere",
                                      "password": PASSWORD, "password2": PASSWORD,
                                      "csrf_token": boss.csrf})
    assert r.status_code == 400 and "unknown body &#39;nowhere&#39;" in r.text
    r = boss.post("/users/bind", data={"name": "alice", "body": "nowhere",
                                       "csrf_token": boss.csrf})
    assert r.status_code == 400 and snapshot(town) == before
    r = boss.post("/users/add", data={"name": "zed", "role": "admin", "body": "yingji",
                                      "password": PASSWORD, "password2": PASSWORD,
                                      "csrf_token": boss.csrf})
    assert r.status_code == 400 and snapshot(town) == before
    alice = _login(town["app"], "alice")
    r = boss.post("/users/bind", data={"name": "alice", "body": "yingji",
                                       "csrf_token": boss.csrf})
    assert r.status_code == 200
    assert alice.get("/").status_code == 302            # her logins ended with the binding
    alice = _login(town["app"], "alice")
    assert alice.get("/counts.json?year=2024").get_json()["total"] == \
        EXPECT["counts_2024"]["yingji"]["total"]


def test_a_read_only_account_of_a_body_reads_its_items_and_changes_none(town):
    with Store(town["cfg"].db_path) as st:
        st.add_user("sally", hash_password(PASSWORD), "readonly", now=CLOCK)
        access.bind_user(st, "sally", "shangwu", now=CLOCK, actor="test")
    sally, ids = _login(town["app"], "sally"), town["ids"]
    assert MOVABLE in _plain(sally.get(f"/item/{ids[MOVABLE]}").text)
    assert sally.get(f"/item/{ids[B_ONLY[0]]}").status_code == 404
    before = snapshot(town)
    for path, form in ((f"/api/item/{ids[MOVABLE]}/category", {"category": "安全生产"}),
                       (f"/item/{ids[MOVABLE]}/move", {"to": "yingji"})):
        assert sally.post(path, data={**form, "csrf_token": sally.csrf}).status_code == 403
    assert snapshot(town) == before


def test_a_one_bureau_database_upgrades_and_its_accounts_see_as_before(tmp_path):
    """The demo's database from before bodies (test_district_upgrade's fixture): its accounts
    come through unbound, and a reviewer sees the whole record as it did."""
    import gzip

    from test_district_upgrade import FIXTURE
    db = tmp_path / "upgrade.db"
    db.write_bytes(gzip.decompress((FIXTURE / "upgrade.db.gz").read_bytes()))
    shutil.copy(FIXTURE / "single-bureau.toml", tmp_path / "gongkai.toml")
    cfg = config.load(tmp_path / "gongkai.toml")
    with Store(db) as st:
        st.add_user("officer", hash_password(PASSWORD), "reviewer", now=CLOCK)
        assert set(access.user_bodies(st).values()) == {None}
        every = {i["id"] for i in st.items() if i["attribution"] == "ours"}
    app = create_app(db, gk_app.load_rules(cfg), config=cfg, clock=lambda: CLOCK)
    c = _login(app, "officer")
    seen: set[int] = set()
    for page in range(1, 10):
        html = c.get(f"/queue?page={page}").text
        seen |= {int(i) for i in re.findall(r'<tr class="row" data-id="(\d+)"', html)}
    assert seen == every
    want = json.loads((FIXTURE / "upgrade-counts-2024.json").read_text(encoding="utf-8"))
    got = c.get("/counts.json?year=2024").get_json()
    assert (got["total"], got["categories"]) == (want["total"], want["categories"])
