"""`gongkai user add --bureau` (issue 17 follow-up): every check comes before any write, so a
refused account leaves the accounts and the audit log as they were — the first account of a
database is an admin, and an admin is bound to no body, so `--bureau` on it was refused only
after the unbound admin had been written."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from gongkai.cli import main
from gongkai.web._auth import hash_password
from store import Store, StoreError, access
from test_district_config import DISTRICT, _write

PASSWORD = "correct horse battery"
CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)


def _add(monkeypatch, capsys, cfg, *args) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    capsys.readouterr()
    rc = main(["user", "add", *args, "--password-stdin", "--actor", "test",
               "--config", str(cfg)])
    return rc, capsys.readouterr().err


def _accounts(db) -> tuple[list, list]:
    with Store(db) as st:
        return (st.db.execute("SELECT name, role, body, password_hash FROM users "
                              "ORDER BY name").fetchall(),
                st.db.execute("SELECT action, old, new FROM audit ORDER BY id").fetchall())


@pytest.fixture
def cfg(tmp_path):
    return _write(tmp_path, DISTRICT)


def test_the_first_account_with_a_body_is_refused_and_not_written(cfg, monkeypatch, capsys):
    rc, err = _add(monkeypatch, capsys, cfg, "li", "--bureau", "yingji")
    assert rc == 2 and err.count("\n") == 1 and "first admin" in err
    db = cfg.parent / "gongkai.db"
    assert not db.exists() or _accounts(db) == ([], [])
    # the same on a database that exists and has no account yet
    Store(db).close()
    rc, err = _add(monkeypatch, capsys, cfg, "li", "--bureau", "yingji")
    assert rc == 2 and err.count("\n") == 1 and "first admin" in err
    assert _accounts(db) == ([], [])
    # with the role said, a reviewer may be bound (and then the admin comes after)
    assert _add(monkeypatch, capsys, cfg, "li", "--bureau", "yingji", "--role", "reviewer")[0] == 0
    rows, _ = _accounts(db)
    assert [r[:3] for r in rows] == [("li", "reviewer", "yingji")]


def test_no_admin_yet_but_a_reviewer_refuses_the_same_then_an_admin_is_never_bound(cfg, monkeypatch, capsys):
    db = cfg.parent / "gongkai.db"
    with Store(db) as st:
        st.add_user("wang", hash_password(PASSWORD), "reviewer", now=CLOCK)
        access.bind_user(st, "wang", "shangwu", now=CLOCK, actor="test")
    before = _accounts(db)
    rc, err = _add(monkeypatch, capsys, cfg, "li", "--bureau", "shangwu")
    assert rc == 2 and err.count("\n") == 1 and "first admin" in err
    assert _accounts(db) == before
    # the admin comes first; an admin is never bound, and a refusal writes nothing
    assert _add(monkeypatch, capsys, cfg, "boss", "--role", "admin")[0] == 0
    before = _accounts(db)
    assert [r[:3] for r in before[0]] == [("boss", "admin", None), ("wang", "reviewer", "shangwu")]
    # an existing admin reset with --force and a body: its password is not reset either
    rc, err = _add(monkeypatch, capsys, cfg, "boss", "--force", "--bureau", "shangwu")
    assert rc == 2 and err.count("\n") == 1 and "is an admin" in err
    rc, err = _add(monkeypatch, capsys, cfg, "chief", "--role", "admin", "--bureau", "shangwu")
    assert rc == 2 and err.count("\n") == 1
    assert _accounts(db) == before
    # a reviewer already there: `add` without --force is refused whole, with --force rebound
    assert _add(monkeypatch, capsys, cfg, "li", "--bureau", "shangwu")[0] == 0
    before = _accounts(db)
    rc, err = _add(monkeypatch, capsys, cfg, "li", "--bureau", "yingji")
    assert rc == 2 and "exists" in err and _accounts(db) == before
    assert _add(monkeypatch, capsys, cfg, "li", "--force", "--bureau", "yingji")[0] == 0
    assert [r[:3] for r in _accounts(db)[0]] == [("boss", "admin", None),
                                                 ("li", "reviewer", "yingji"),
                                                 ("wang", "reviewer", "shangwu")]


def test_a_bind_that_fails_takes_the_account_back_with_it(tmp_path, monkeypatch):
    """The writes are one transaction: whatever fails in the binding, no account is left."""
    with Store(tmp_path / "g.db") as st:
        st.add_user("boss", hash_password(PASSWORD), None, now=CLOCK)

        def broken(*_a, **_k):
            raise StoreError("disk trouble while binding")
        monkeypatch.setattr(access, "bind_user", broken)
        with pytest.raises(StoreError):
            access.add_account(st, "li", hash_password(PASSWORD), None, "shangwu", now=CLOCK,
                               actor="test")
        assert st.user("li") is None
        assert [a["action"] for a in st.audit()] == []
