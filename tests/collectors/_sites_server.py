"""A loopback server for the CMS-family fixtures (tests/fixtures/sites/{trs,hanweb,jpaas,htmls}).

Serves one document root, with the dynamic parts files cannot express:

- ``POST /module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P`` answers the Hanweb
  ``columnid`` form with records S..E of ``col/col{columnid}/records.txt`` as a ``<datastore>``;
  past the end it returns the empty ~54-byte body real servers send;
- ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?webId=W&paramJson={"pageNo":N}``
  answers ``api/{W}/page-{N}.json`` (webId 9999 plays the overseas trap: always page 1);
- ``{{HOST}}`` in any file becomes ``127.0.0.1:PORT``;
- ``ETag`` on every 200 and ``304`` for a matching ``If-None-Match`` (switchable), to measure
  conditional GET; a sidecar ``<file>.meta.json`` may set ``status`` and ``headers``.

Also used by benchmarks/parse_bench.py. Loopback only, stops with the test.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
_TYPES = {".html": "text/html", ".json": "application/json;charset=UTF-8", ".txt": "text/plain"}
_EMPTY_GROUP = b'<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>'
_REPEAT_WEB_IDS = {"9999"}


@dataclass
class SiteServer:
    root: Path
    etags: bool = True
    port: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)   # (method, path?query)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self, method: str | None = None) -> list[str]:
        return [p.split("?", 1)[0] for m, p in self.requests if method in (None, m)]

    def start(self) -> "SiteServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self, "GET", b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                server._handle(self, "POST", self.rfile.read(length))

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- routes --

    def _handle(self, h: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        self.requests.append((method, h.path))
        parts = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path == "/module/web/jpage/dataproxy.jsp":
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
            return self._send(h, 200, self._dataproxy(query, form), "text/xml;charset=UTF-8")
        if parts.path == "/api-gateway/jpaas-publish-server/front/page/build/unit":
            return self._jpaas(h, query)
        file = self.root / parts.path.lstrip("/")
        if parts.path.endswith("/"):
            file = file / "index.html"
        return self._file(h, file)

    def _file(self, h: BaseHTTPRequestHandler, file: Path) -> None:
        if not file.is_file() or not file.resolve().is_relative_to(self.root.resolve()):
            return self._send(h, 404, b"<html><title>404 Not Found</title></html>", "text/html")
        meta_file = file.with_name(file.name + ".meta.json")
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        body = file.read_bytes().replace(b"{{HOST}}", f"127.0.0.1:{self.port}".encode())
        self._send(h, meta.get("status", 200), body, _TYPES.get(file.suffix, "text/html"),
                   meta.get("headers"))

    def _dataproxy(self, query: dict, form: dict) -> bytes:
        records = self.root / f"col/col{form.get('columnid', '')}/records.txt"
        if not records.is_file() or not form.get("unitid"):
            return _EMPTY_GROUP
        lines = [line.replace("\\n", "\n") for line in records.read_text("utf-8").splitlines() if line]
        start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", 0))
        chunk = lines[start - 1:end]
        if not chunk:
            return _EMPTY_GROUP
        recs = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(lines)}'
                f'</totalrecord><recordset>\n{recs}</recordset></datastore>').encode("utf-8")

    def _jpaas(self, h: BaseHTTPRequestHandler, query: dict) -> None:
        web_id = query.get("webId", "")
        try:
            page = int(json.loads(query.get("paramJson") or "{}").get("pageNo", 1))
        except ValueError:
            page = 1
        if web_id in _REPEAT_WEB_IDS:
            page = 1
        file = self.root / f"api/{web_id}/page-{page}.json"
        if not file.is_file():
            body = json.dumps({"success": True, "code": "200", "data": {"html": ""}}).encode()
            return self._send(h, 200, body, _TYPES[".json"])
        return self._file(h, file)

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
              headers: dict | None = None) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.etags and status == 200 and h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        if self.etags and status == 200:
            h.send_header("ETag", etag)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
