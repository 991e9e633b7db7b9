"""The real review server on loopback in a thread, and Debian's Chromium driven by Playwright.

Chromium missing is a failure, never a skip: these tests are the proof that the protections
hold in a browser. Playwright's own browser download is never used (no `playwright install`).
"""
from __future__ import annotations

import contextlib
import importlib.util
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

_spec = importlib.util.spec_from_file_location(
    "_review_support", Path(__file__).parents[1] / "gongkai" / "_review_support.py")
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)


@pytest.fixture
def server(tmp_path):
    from gongkai.web import create_app
    db, rules = support.build(tmp_path)
    srv = make_server("127.0.0.1", 0, create_app(db, rules), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", db
    srv.shutdown()
    thread.join(5)


@contextlib.contextmanager
def demo_served(tmp_path, capsys, **app_options):
    """The demo run into tmp_path, an officer account on its database and the review server on
    loopback: yields (base URL, database path, config)."""
    from gongkai import app as gk_app
    from gongkai import cli, config
    from gongkai.web import create_app
    from store import Store
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out)]) == 0
    capsys.readouterr()
    cfg = config.load(out / "gongkai.toml")
    db = out / "demo.db"
    with Store(db) as st:
        st.add_user("officer", support.hash_password(support.PASSWORD), "reviewer",
                    now=support.NOW)
    app = create_app(db, gk_app.load_rules(cfg), bureau=cfg.bureau, config=cfg, **app_options)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}", db, cfg
    finally:
        srv.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    # loopback only: any request elsewhere is a bug in the page (or a payload escaping)
    context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def login(page, base: str, name: str = "alice") -> None:
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", support.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#deadline")         # the home page
