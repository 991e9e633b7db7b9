"""Issue 15 #7-#10: the review UI safe to expose on an office network.

Secure cookies behind an HTTPS proxy, sessions ended on the server by logout and by a password
reset, login throttling per account and per address (the clock is injected), owner-only files,
a session key no copy of the database can forge with, and a production WSGI server.
"""
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from _review_support import PASSWORD, build
from gongkai import backup, cli
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "gongkai_session"
T0 = datetime(2024, 6, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def env(tmp_path):
    db, rules = build(tmp_path)
    clock = Clock()
    return db, rules, clock, create_app(db, rules, clock=clock)


def _token(resp) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', resp.text).group(1)


def login(client, name="alice", password=PASSWORD, **headers):
    tok = _token(client.get("/login", headers=headers))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": tok},
                       headers=headers)


def logged_in(client, **headers) -> bool:
    return client.get("/", headers=headers).status_code == 200


def _set_cookie(resp) -> str:
    return next(v for v in resp.headers.getlist("Set-Cookie") if v.startswith(COOKIE + "="))


# -- #7 Secure cookies behind an HTTPS reverse proxy ------------------------------------------------

def test_behind_proxy_cookies_are_secure_and_the_client_address_is_trusted(tmp_path):
    db, rules = build(tmp_path)
    clock = Clock()
    app = create_app(db, rules, behind_proxy=True, clock=clock)
    c = app.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.7"}
    r = login(c, **https)
    assert r.status_code == 302
    cookie = _set_cookie(r)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the redirect and the links follow the proxy's scheme
    assert logged_in(c, **https)
    # throttling goes by the forwarded client address, not the proxy's own
    for n in range(25):
        login(c, name=f"guess{n}", password="wrong password",
              **{**https, "X-Forwarded-For": "10.0.0.66"})
    assert login(app.test_client(), **{**https, "X-Forwarded-For": "10.0.0.66"}).status_code == 429
    assert login(app.test_client(), **https).status_code == 302


def test_without_the_proxy_setting_forwarded_headers_are_not_trusted(env):
    _, _, _, app = env
    c = app.test_client()
    r = login(c, **{"X-Forwarded-Proto": "https"})
    cookie = _set_cookie(r)
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # a made-up X-Forwarded-For does not buy an attacker a fresh address
    for n in range(25):
        login(app.test_client(), name=f"guess{n}", password="wrong password",
              **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert login(app.test_client(), **{"X-Forwarded-For": "192.0.2.200"}).status_code == 429


# -- #8 logout and a password reset end the session on the server ------------------------------

def test_a_cookie_captured_before_logout_is_dead_after_it(env):
    _, _, _, app = env
    c = app.test_client()
    login(c)
    assert logged_in(c)
    captured = c.get_cookie(COOKIE).value
    tok = _token(c.get("/"))
    assert c.post("/logout", data={"csrf_token": tok}).status_code == 302
    thief = app.test_client()
    thief.set_cookie(COOKIE, captured)
    assert thief.get("/").status_code == 302
    assert thief.get("/counts.json?year=2024").status_code == 302


def test_a_password_reset_ends_every_session_of_that_account(env, monkeypatch):
    db, _, _, app = env
    alice, reader = app.test_client(), app.test_client()
    login(alice)
    login(reader, name="reader")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a new password 2\n"))
    assert cli.main(["user", "add", "alice", "--force", "--password-stdin", "--db", str(db)]) == 0
    assert alice.get("/").status_code == 302
    assert logged_in(reader)                    # other accounts are untouched
    assert login(alice, password="a new password 2").status_code == 302 and logged_in(alice)


def test_a_session_expires_on_the_server_after_12_hours(env):
    _, _, clock, app = env
    c = app.test_client()
    login(c)
    clock.advance(hours=11, minutes=59)
    assert logged_in(c)
    clock.advance(minutes=2)
    assert c.get("/").status_code == 302


# -- #9 login throttling ------------------------------------------------------------------------

def test_200_guesses_at_8_per_second_then_the_right_password_is_refused(env):
    _, _, clock, app = env
    c = app.test_client()
    codes = []
    for n in range(200):
        codes.append(login(c, password=f"guess {n}").status_code)
        clock.advance(milliseconds=125)
    # the password was checked only a handful of times; every other guess was refused unread
    assert codes.count(401) <= 12 and codes.count(429) >= 188
    r = login(c)
    assert r.status_code == 429
    assert not logged_in(c)
    reason = re.search(r'<p class="error">([^<]*)</p>', r.text).group(1)
    assert "\n" not in reason and "too many failed logins for this account" in reason
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 15 * 60
    clock.advance(seconds=wait - 1)
    assert login(c).status_code == 429          # still locked: no early exit
    clock.advance(seconds=1)
    assert login(c).status_code == 302 and logged_in(c)


def test_the_lock_grows_and_a_success_clears_it(env):
    _, _, clock, app = env
    c = app.test_client()
    for _ in range(5):                          # free failures: a typo costs nothing
        assert login(c, password="typo typo").status_code == 401
    assert login(c).status_code == 302          # ... and a success forgets them
    for _ in range(5):
        assert login(app.test_client(), password="typo typo").status_code == 401
    assert login(app.test_client(), password="typo typo").status_code == 401   # 6th: locks 1 s
    assert login(app.test_client()).status_code == 429
    clock.advance(seconds=1)
    assert login(app.test_client(), password="typo typo").status_code == 401   # 7th: locks 2 s
    clock.advance(seconds=1)
    assert login(app.test_client()).status_code == 429
    clock.advance(seconds=1)
    assert login(app.test_client()).status_code == 302


def test_one_address_guessing_many_accounts_is_throttled_too(env):
    _, _, clock, app = env
    for n in range(20):
        assert login(app.test_client(), name=f"user{n}", password="wrong password"
                     ).status_code == 401
    assert login(app.test_client(), name="user99", password="wrong password").status_code == 401
    r = login(app.test_client())                # the right password from that address
    assert r.status_code == 429 and "your address" in r.text
    clock.advance(days=1, seconds=1)            # failures are forgotten a day after the last:
    for n in range(20):                         # 20 free ones again
        assert login(app.test_client(), name=f"user{n}", password="wrong password"
                     ).status_code == 401
    assert login(app.test_client()).status_code == 302


def test_the_lock_survives_a_restart(env):
    db, rules, clock, app = env
    for _ in range(8):
        login(app.test_client(), password="wrong password")
    again = create_app(db, rules, clock=clock)
    assert login(again.test_client()).status_code == 429


# -- #10 owner-only files, a key outside the database --------------------------------------------

@pytest.fixture
def lax_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_database_backups_and_key_are_owner_only(tmp_path, lax_umask):
    db = tmp_path / "new" / "gongkai.db"
    with Store(db) as st:
        st.add_user("alice", hash_password(PASSWORD), "reviewer", now=T0)
        for suffix in ("", "-wal", "-shm"):
            assert _private(Path(str(db) + suffix)), suffix
        dest = backup.backup_file(db, tmp_path / "backups" / "b.db")
    assert _private(dest)
    import classifier
    create_app(db, classifier.load_rules())
    key = Path(str(db) + ".web-key")
    assert key.exists() and _private(key)


def test_a_copy_of_the_database_cannot_sign_a_session(env):
    db, _, _, app = env
    key = Path(str(db) + ".web-key").read_text().strip()
    for part in ("", "-wal"):
        if Path(str(db) + part).exists():
            assert key.encode() not in Path(str(db) + part).read_bytes()
    # every value a reader of the database gets from its settings, tried as the signing key
    with sqlite3.connect(db) as conn:
        values = [v for (v,) in conn.execute("SELECT value FROM settings")]
    values.append("x" * 64)
    for secret in values:
        forger = Flask("forger")
        forger.secret_key = secret
        signer = SecureCookieSessionInterface().get_signing_serializer(forger)
        c = app.test_client()
        c.set_cookie(COOKIE, signer.dumps({"user": "alice", "sid": "forged", "_permanent": True}))
        assert c.get("/").status_code == 302, secret


def test_a_copied_database_gets_its_own_key(env, tmp_path):
    db, rules, clock, app = env
    c = app.test_client()
    login(c)
    copy = tmp_path / "copy" / "review.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    other = create_app(copy, rules, clock=clock).test_client()
    other.set_cookie(COOKIE, c.get_cookie(COOKIE).value)
    assert other.get("/").status_code == 302


def test_the_systemd_units_set_an_owner_only_umask():
    units = sorted((ROOT / "deploy").glob("*.service"))
    assert any("gongkai serve" in u.read_text() for u in units)
    for unit in units:
        assert re.search(r"^UMask=0077$", unit.read_text(), re.M), unit.name


# -- a production WSGI server --------------------------------------------------------------------

def test_serve_runs_waitress_not_the_development_server(tmp_path):
    db, _ = build(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--db", str(db),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        import requests
        r = requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert r.status_code == 200
        assert "werkzeug" not in r.headers.get("Server", "").lower()
        assert r.headers["Server"] == "gongkai"
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def test_served_logins_and_ignored_proxy_headers_reach_the_log(tmp_path):
    # under waitress (which dropped X-Forwarded-* itself) the promised warning never fired, and
    # `serve` logged at WARNING only, so successful logins were missing from the journal
    db, _ = build(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--db", str(db),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        import requests
        base = f"http://127.0.0.1:{port}"
        with requests.Session() as web:
            page = web.get(base + "/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            web.post(base + "/login", data={"name": "alice", "password": PASSWORD,
                                            "csrf_token": token}, timeout=10)
    finally:
        proc.terminate()
        proc.wait(10)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert "proxy headers (X-Forwarded-" in err
    assert "login alice from 127.0.0.1" in err


def test_readme_documents_security_and_deployment():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Security and deployment", 1)[1].split("\n## ", 1)[0]
    for needed in ("--behind-proxy", "X-Forwarded-Proto", "UMask=0077", ".web-key",
                   "user add", "--force", "429", "journal"):
        assert needed in section, needed


def test_init_writes_an_owner_only_config(tmp_path, lax_umask, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "--config", str(tmp_path / "gongkai.toml")]) == 0
    assert _private(tmp_path / "gongkai.toml")

