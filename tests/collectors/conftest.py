"""A loopback HTTP server for the collector tests: serves tests/fixtures/sites at / and
tests/fixtures/feeds at /feeds/, plus a few dynamic routes for behaviours files cannot express.

A sidecar ``<file>.meta.json`` may set ``status``, ``headers`` and ``expect`` for a fixture file.
Nothing here touches the internet.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from collectors import Http
from _collectors_support import FEEDS, FIXTURES, SITES, FakeTime

_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}


@dataclass
class ServerState:
    port: int = 0
    requests: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    state: ServerState  # set on the subclass per server

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        st = self.state
        path = self.path.split("?", 1)[0]
        st.requests.append(path)
        n = st.counters[path] = st.counters.get(path, 0) + 1
        if path == "/redirect-out":
            # Same server under another name: it would work if the allow-list were not checked.
            return self._send(302, headers={"Location": f"http://localhost:{st.port}/plain/index.html"})
        if path == "/redirect-in":
            return self._send(301, headers={"Location": "/plain/index.html"})
        if path == "/redirect-loop":
            return self._send(302, headers={"Location": "/redirect-loop"})
        if path == "/big":
            return self._send(200, b"<html>" + b"x" * 20000, {"Content-Type": "text/html"})
        if path == "/big-chunked":  # no Content-Length: only the streaming cap can stop it
            return self._send(200, b"<html>" + b"y" * 20000, {"Content-Type": "text/html"},
                              length=False)
        if path == "/retry-after":
            if n == 1:
                return self._send(503, b"busy", {"Retry-After": "3600"})
            return self._send(200, b"<html><body>ok now</body></html>", {"Content-Type": "text/html"})
        if path == "/always-500":
            return self._send(500, b"broken")
        if path == "/etag-feed":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, headers={"ETag": '"v1"'})
            body = (FEEDS / "rss_gmt.xml").read_bytes()
            return self._send(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                          "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"})
        if path.startswith("/feeds/"):
            file = FEEDS / path[len("/feeds/"):]
        else:
            file = SITES / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        if not file.is_file() or not file.resolve().is_relative_to(FIXTURES):
            return self._send(404, b"<html><title>404 Not Found</title></html>",
                              {"Content-Type": "text/html"})
        meta_file = file.with_name(file.name + ".meta.json")
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        headers = {"Content-Type": _TYPES.get(file.suffix, "application/octet-stream")}
        headers.update(meta.get("headers", {}))
        self._send(meta.get("status", 200), file.read_bytes(), headers)


@pytest.fixture
def server():
    state = ServerState()
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def http(fake_time: FakeTime) -> Http:
    client = Http(sleep=fake_time.sleep, clock=fake_time.clock, timeout=(2, 5))
    yield client
    client.close()
