"""A loopback feed bridge for the feed variant and placeholder tests: serves whatever documents a
test puts in ``docs`` (or a fixture file with the content type its sidecar names), and redirects.

One server per test module: shutting a server down waits out its poll interval, which per test
would cost more than the tests themselves. Nothing here touches the internet.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TYPES = {".xml": "application/xml", ".json": "application/json"}


class Bridge:
    def __init__(self) -> None:
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body, ctype = outer.docs.get(self.path, (b"", ""))
                location = outer.redirects.get(self.path)
                self.send_response(302 if location else (200 if ctype else 404))
                if location:
                    self.send_header("Location", location)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "Bridge":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> "Bridge":
        self.docs.clear()
        self.redirects.clear()
        return self

    def serve_file(self, path: Path) -> str:
        """Serve a fixture file at /feeds/<name> as the shared fixture server would; its URL."""
        meta = path.with_name(path.name + ".meta.json")
        headers = json.loads(meta.read_text("utf-8")).get("headers", {}) if meta.exists() else {}
        ctype = headers.get("Content-Type", _TYPES.get(path.suffix, "application/octet-stream"))
        self.docs[f"/feeds/{path.name}"] = (path.read_bytes(), ctype)
        return f"{self.base}/feeds/{path.name}"
