"""Accounts (issue 16 #7): `gongkai user list/passwd/remove` and the admin's users page."""
import io
import re

import pytest
from werkzeug.security import check_password_hash

from _review_support import NOW, PASSWORD, build
from gongkai import cli
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store, StoreError


@pytest.fixture
def db(tmp_path):
    db = build(tmp_path)[0]           # alice (reviewer), reader (readonly)
    with Store(db) as st:
        st.add_user("boss", hash_password(PASSWORD), "admin", now=NOW)
    return db


def _run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_user_list_passwd_remove_over_the_cli(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["user", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^alice\s+reviewer\s+0", out, re.M)
    assert re.search(r"^boss\s+admin", out, re.M) and re.search(r"^reader\s+readonly", out, re.M)
    assert "scrypt" not in out

    assert _run(monkeypatch, ["user", "passwd", "alice", "--password-stdin", "--actor", "it",
                              "--db", str(db)], "a-new-password\n") == 0
    assert "password of alice changed" in capsys.readouterr().out
    with Store(db) as st:
        assert check_password_hash(st.user("alice")["password_hash"], "a-new-password")
    assert _run(monkeypatch, ["user", "passwd", "alice", "--password-stdin", "--db", str(db)],
                "short\n") == 2
    assert _run(monkeypatch, ["user", "passwd", "nobody", "--password-stdin", "--db", str(db)],
                "long-enough-pass\n") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "too short" in err[0] and "no account named 'nobody'" in err[1]

    assert _run(monkeypatch, ["user", "remove", "reader", "--actor", "it", "--db", str(db)]) == 0
    assert _run(monkeypatch, ["user", "remove", "reader", "--db", str(db)]) == 2
    with Store(db) as st:
        assert st.user("reader") is None
        log = [(a["actor"], a["item_id"], a["action"], a["old"], a["new"]) for a in st.audit()]
    assert ("it", None, "user_passwd", "alice", "alice") in log
    assert ("it", None, "user_remove", "reader (readonly)", None) in log
    assert not any("password" in str(v) for row in log for v in row[3:])


def test_the_last_admin_cannot_be_removed_or_demoted(db, monkeypatch, capsys):
    assert _run(monkeypatch, ["user", "remove", "boss", "--db", str(db)]) == 2
    assert "last admin" in capsys.readouterr().err
    assert _run(monkeypatch, ["user", "add", "boss", "--force", "--role", "reviewer",
                              "--password-stdin", "--db", str(db)], "long-enough-pass\n") == 2
    assert "last admin" in capsys.readouterr().err
    with Store(db) as st:
        assert st.user("boss")["role"] == "admin"
    # with a second admin the first may go
    assert _run(monkeypatch, ["user", "add", "chief", "--role", "admin", "--password-stdin",
                              "--db", str(db)], "long-enough-pass\n") == 0
    assert _run(monkeypatch, ["user", "remove", "boss", "--db", str(db)]) == 0
    with Store(db) as st:
        with pytest.raises(StoreError, match="last admin"):
            st.remove_user("chief", now=NOW, actor="x")


def test_the_first_account_is_admin_and_a_reset_keeps_the_role(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "new.db")
    assert _run(monkeypatch, ["user", "add", "first", "--password-stdin", "--db", db],
                "long-enough-pass\n") == 0
    assert _run(monkeypatch, ["user", "add", "second", "--password-stdin", "--db", db],
                "long-enough-pass\n") == 0
    assert _run(monkeypatch, ["user", "add", "second", "--force", "--password-stdin", "--db", db],
                "another-long-pass\n") == 0
    out = capsys.readouterr().out
    assert "first (admin) saved" in out and out.count("second (reviewer) saved") == 2
    with Store(db) as st:
        actions = [a["action"] for a in st.audit()]
    assert actions == ["user_add", "user_add", "user_reset"]


# -- the users page ----------------------------------------------------------------------------

def _token(resp) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', resp.text).group(1)


def _login(app, name):
    c = app.test_client()
    tok = _token(c.get("/login"))
    assert c.post("/login", data={"name": name, "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    return c


def _post(c, path, **form):
    return c.post(path, data={**form, "csrf_token": _token(c.get("/users"))})


@pytest.fixture
def web(db):
    return db, create_app(db, build.__globals__["classifier"].load_rules(), clock=lambda: NOW)


def test_an_admin_manages_accounts_in_the_browser(web):
    db, app = web
    c = _login(app, "boss")
    page = c.get("/users")
    assert page.status_code == 200 and "alice" in page.text and "reader" in page.text
    assert 'href="/users"' in c.get("/audit").text            # the admin sees the link
    r = _post(c, "/users/add", name="dora", role="readonly", password="dora-password",
              password2="dora-password")
    assert r.status_code == 200 and "dora" in r.text
    r = _post(c, "/users/passwd", name="alice", password="alice-new-pass",
              password2="alice-new-pass")
    assert r.status_code == 200
    r = _post(c, "/users/passwd", name="alice", password="x", password2="x")
    assert r.status_code == 400 and "too short" in r.text
    r = _post(c, "/users/remove", name="boss")
    assert r.status_code == 400 and "last admin" in r.text
    assert _post(c, "/users/remove", name="reader").status_code == 200
    with Store(db) as st:
        assert st.user("dora")["role"] == "readonly" and st.user("reader") is None
        assert check_password_hash(st.user("alice")["password_hash"], "alice-new-pass")
        log = {(a["actor"], a["action"]) for a in st.audit()}
    assert {("boss", "user_add"), ("boss", "user_passwd"), ("boss", "user_remove")} <= log
    assert "<td>账号</td><td>添加账号</td>" in c.get("/audit").text   # account rows, in words


def test_the_users_page_is_admin_only_and_needs_the_csrf_token(web):
    db, app = web
    alice = _login(app, "alice")
    assert alice.get("/users").status_code == 403
    assert 'href="/users"' not in alice.get("/audit").text
    tok = _token(alice.get("/audit"))
    assert alice.post("/users/remove", data={"name": "boss", "csrf_token": tok}).status_code == 403
    assert alice.post("/users/add", data={"name": "mallory", "role": "admin",
                                          "password": "long-enough-pass",
                                          "password2": "long-enough-pass",
                                          "csrf_token": tok}).status_code == 403
    assert _login(app, "reader").get("/users").status_code == 403
    boss = _login(app, "boss")
    assert boss.post("/users/remove", data={"name": "reader"}).status_code == 400
    assert boss.post("/users/remove", data={"name": "reader",
                                            "csrf_token": "forged"}).status_code == 400
    assert app.test_client().get("/users").status_code == 302      # not logged in: to login
    with Store(db) as st:
        assert st.user("reader") is not None and st.user("mallory") is None
        assert st.audit() == []


def test_a_password_change_ends_that_accounts_logins(web):
    _, app = web
    alice = _login(app, "alice")
    assert alice.get("/audit").status_code == 200
    boss = _login(app, "boss")
    _post(boss, "/users/passwd", name="alice", password="alice-new-pass",
          password2="alice-new-pass")
    assert alice.get("/audit").status_code == 302
    # one's own password: log in again
    r = _post(boss, "/users/passwd", name="boss", password="boss-new-pass",
              password2="boss-new-pass")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
