"""A loopback Hanweb server for tests/fixtures/sites/hanweb_variants: files as SiteServer serves
them, plus ``dataproxy.jsp`` and ``morecolumndataproxy.jsp`` answered as real servers do — the
parameters read from the query string and the POST form alike (a JSP's getParameter merges both),
``startrecord/endrecord`` windows or ``page=N`` pages. A ``server.json`` beside a column's
``records.txt`` sets ``page_size`` and ``totalpage`` (page=N answers), ``no_total`` (no
``<totalrecord>``) and ``serve_only`` (the server runs dry after that many records). A page
``index.html?uid=U&pageNum=N`` is the file ``index.pageNum-N.html`` (server-rendered JCMS pages)."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from _sites_server import SiteServer

_EMPTY = b'<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>'


class HanwebServer(SiteServer):
    def _handle(self, h: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        parts = urlsplit(h.path)
        if not parts.path.endswith("dataproxy.jsp"):
            page = parse_qs(parts.query).get("pageNum", [""])[0]
            if page.isdigit() and page != "1":     # ?uid=U&pageNum=N: a server-rendered page
                self.requests.append((method, h.path))
                file = self.root / parts.path.lstrip("/")
                return self._file(h, file.with_name(f"{file.stem}.pageNum-{page}{file.suffix}"))
            return super()._handle(h, method, body)
        self.requests.append((method, h.path))
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        params.update({k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
        self._send(h, 200, self._answer(params), "text/xml;charset=UTF-8")

    def _answer(self, params: dict) -> bytes:
        column = params.get("columnid", "").split(",")[0]
        folder = self.root / f"col/col{column}"
        if not column or not (folder / "records.txt").is_file() or not params.get("unitid"):
            return _EMPTY
        flags = json.loads((folder / "server.json").read_text("utf-8")) if (folder / "server.json").is_file() else {}
        lines = [x.replace("\\n", "\n") for x in (folder / "records.txt").read_text("utf-8").splitlines() if x]
        available = lines[: flags.get("serve_only", len(lines))]
        extra = ""
        if "startrecord" in params:
            start, end = int(params["startrecord"]), int(params.get("endrecord") or 0)
            chunk = available[start - 1:end]
        else:
            size = int(params.get("perpage") or flags.get("page_size", 100))
            page = int(params.get("page") or 1)
            chunk = available[(page - 1) * size: page * size]
            if flags.get("totalpage"):
                extra = f"<totalpage>{-(-len(lines) // size)}</totalpage>"
        if not chunk:
            return _EMPTY
        total = "" if flags.get("no_total") else f"<totalrecord>{len(lines)}</totalrecord>"
        recs = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?><datastore>{total}{extra}<recordset>\n{recs}'
                f'</recordset></datastore>').encode("utf-8")
