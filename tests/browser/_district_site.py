"""The fixture district of tests/fixtures/district, served on loopback and crawled into a fresh
database: what the browser tests of the district's pages start from."""
from __future__ import annotations

import functools
import importlib.util
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "test_district_fixture_site", Path(__file__).parents[1] / "gongkai" / "test_district.py")
district_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(district_test)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def crawled(folder: Path) -> Path:
    """The district's config in *folder*, its database crawled from the fixture site."""
    from gongkai.cli import main
    fixture = district_test.FIXTURE
    site = ThreadingHTTPServer(("127.0.0.1", 0),
                               functools.partial(_Quiet, directory=str(fixture / "site")))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    path = folder / "gongkai.toml"
    path.write_text(district_test.CONFIG.format(
        base=f"http://127.0.0.1:{site.server_address[1]}",
        rules=(fixture / "rules.toml").as_posix()), encoding="utf-8")
    try:
        assert main(["crawl", "--config", str(path)]) == 0
    finally:
        site.shutdown()
        site.server_close()
    return path
