"""The offline sample site of the demo: a 卫滨区-like district portal column plus two WeChat-bridge feeds.

``build_site()`` returns every page and the ground truth (``Site.items``, ``Site.truth(year)``);
``serve()`` serves it on loopback; ``config_text()`` writes the ``gongkai.toml`` that crawls it.

Site map (paths on the served base URL):

- ``/robots.txt`` (allow all), ``/`` and ``/index.html`` (portal home, with a "今天是2026年…" clock)
- ``/col/swj/index.html``, ``index_1.html`` … (the 卫滨区商务局 column, 20 rows a page, newest first)
- ``/col/swj/YYYYMM/tYYYYMMDD_ID.html`` (detail pages: ``PubDate`` meta, 索引号, ``#zoom`` body)
- ``/feeds/wbswj.rss`` (the bureau's WeChat account, WeWe-RSS-like RSS 2.0, GMT dates)
- ``/feeds/cxwb.atom`` (「出彩卫滨」, RSSHub-like Atom, mostly other bodies' news)

The bulletin board (政务信息公开栏) is not served: its entries are the spreadsheet ``BOARD_XLSX``
(``write_board_xlsx``), which ``gongkai demo`` imports like ``gongkai import`` would.

Standard library only (plus openpyxl, lazily, for the spreadsheet); imports nothing else of the
project.
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import unquote, urlsplit

from ._board import BOARD_XLSX, board_xlsx_bytes, write_board_xlsx
from ._site import CHANNELS, DESIGN, SHANGHAI, SOURCE_IDS, DemoItem, Site, build_site

__all__ = ["CHANNELS", "DESIGN", "SHANGHAI", "SOURCE_IDS", "DemoItem", "Site", "build_site",
           "config_text", "serve", "BOARD_XLSX", "board_xlsx_bytes", "write_board_xlsx"]

_NOT_FOUND = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"UTF-8\"><title>404 页面不存在"
              "</title></head><body><h1>404</h1><p>您访问的页面不存在或已被删除。</p>"
              "<p><a href=\"/index.html\">返回首页</a></p></body></html>").encode("utf-8")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
             for path, (body, _) in site.pages.items()}

    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""

        def _respond(self, with_body: bool) -> None:
            path = unquote(urlsplit(self.path).path) or "/"
            page = site.pages.get(path)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_NOT_FOUND)))
                self.end_headers()
                if with_body:
                    self.wfile.write(_NOT_FOUND)
                return
            body, ctype = page
            etag = etags[path]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._respond(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(False)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


@contextmanager
def serve(site: Site | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the sample site in a daemon thread; yields the base URL (``http://127.0.0.1:PORT``)."""
    site = site if site is not None else build_site()
    server = ThreadingHTTPServer((host, port), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="gongkai-demo-site", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _toml_str(value: str) -> str:
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


# ``gongkai demo --district``: other bodies of the district whose items the district's account
# (出彩卫滨) carries beside the bureau's; the rest of its items name no body (unattributed).
DISTRICT_BODIES = (
    ("shangwu", "卫滨区商务局", ("区商务局",)),
    ("shichang", "卫滨区市场监督管理局", ("区市场监管局", "卫滨区市场监管局")),
    ("zhongtong", "卫滨区中同街道办事处", ("中同街道",)),
    ("jiankang", "卫滨区健康路街道办事处", ("健康路街道",)),
)


def config_text(base_url: str, db_path: str, *, district: bool = False) -> str:
    """The ``gongkai.toml`` that crawls the sample site served at ``base_url``; with
    ``district``, the bureau is one of DISTRICT_BODIES and the district's account is shared."""
    base = base_url.rstrip("/")
    name = "卫滨区商务局"
    aliases = list(dict.fromkeys([name, "区商务局", "卫滨区商务局"]))
    report_channels = ["区政府官网专栏", "卫滨商务微信公众号", "区委宣传部“出彩卫滨”微信公众号",
                       "局政务信息公开栏"]
    if district:
        bodies = "".join(f"""
[[bureaus]]
id = {_toml_str(i)}
name = {_toml_str(n)}
aliases = {_toml_list(list(a))}
""" for i, n, a in DISTRICT_BODIES)
    else:
        bodies = f"""
[bureau]
name = {_toml_str(name)}
aliases = {_toml_list(aliases)}
"""
    text = f"""# gongkai.toml for the offline demo (written by gongkai.demo.config_text)
{bodies}
[database]
path = {_toml_str(db_path)}

[http]
min_delay = 0          # loopback demo: no politeness delay needed
respect_robots = true

[report]
channels = {_toml_list(report_channels)}

[[sources]]
id = "portal-shangwu"
type = "website"
channel = "website"
url = {_toml_str(base + "/col/swj/index.html")}
preset = "list"
interval = "6h"
attribution = "all"

[[sources]]
id = "wechat-wbswj"
type = "feed"
channel = "wechat"
url = {_toml_str(base + "/feeds/wbswj.rss")}
interval = "2h"
attribution = "all"
allow_hosts = ["mp.weixin.qq.com"]

[[sources]]
id = "wechat-cxwb"
type = "feed"
channel = "district-wechat"
url = {_toml_str(base + "/feeds/cxwb.atom")}
interval = "2h"
attribution = "mention"
allow_hosts = ["mp.weixin.qq.com"]

[[sources]]
id = "board-gkl"
type = "manual"
channel = "board"
location = "卫滨区商务局一楼政务信息公开栏"
byline = "卫滨区商务局"
attribution = "all"
"""
    if district:
        # the bureau's own channels are its; the district's account is every body's
        text = text.replace('attribution = "all"', 'attribution = "all"\nbureau = "shangwu"')
        text = text.replace('attribution = "mention"', 'bureaus = "*"')
    return text
