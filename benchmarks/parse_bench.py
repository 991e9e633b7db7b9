"""Website collector figures: list/detail parsing throughput against a naive regex baseline, and
the requests an idle re-crawl of an unchanged 20-source setup makes.

    python benchmarks/parse_bench.py [--seconds 1.5]

- list pages:   each CMS family's fixture page read by its preset (TRS, Hanweb with PC+mobile
                datastore units, the plain Xinxiang list, a jpaas API page) — rows with URL, full
                title and date, nested 解读 links and navigation excluded;
- detail pages: parse_detail (meta/label dates, title, 政府信息公开 fields, attachments, body);
- baseline:     ``re.findall`` of every ``href`` and every ``YYYY-MM-DD`` on the same text (no rows,
                no titles, no filtering: the naive extraction a first scraper does).
- idle re-crawl: 20 website sources (4 copies of each family's column, each with its own memo and
                known items) crawled once, then again unchanged, on the loopback fixture server —
                once with ETags (304s) and once without (page-1 digest). Target: one request each.

Parsing runs on already-decoded text, in this process, on the fixtures in tests/fixtures/sites.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "collectors"))

from _sites_server import SITES, SiteServer  # noqa: E402

from collectors import BEIJING, REGISTRY, CollectState, Http, decode_html  # noqa: E402
from collectors._detail import parse_detail  # noqa: E402
from collectors._http import Response  # noqa: E402
from collectors._pages import soup_of  # noqa: E402
from collectors._presets import PRESETS, Context, ListRequest  # noqa: E402

NOW = datetime(2025, 1, 3, 10, tzinfo=BEIJING)
LISTS = [("trs", SITES / "trs/index.html", "html"),
         ("hanweb", SITES / "hanweb/col/col284/index.html", "html"),
         ("list", SITES / "htmls/q934734p_jinriweibin/list-1.html", "html"),
         ("jpaas", SITES / "jpaas/api/3185/page-1.json", "json")]
DETAILS = sorted((SITES / "detail").glob("*.html")) + [
    SITES / "trs/202412/t20241231_1500000.html", SITES / "hanweb/art/2024/12/20/art_284_11821965.html"]
COLUMNS = [("trs", SITES, "/trs/index.html"), ("list", SITES, "/htmls/q934734p_jinriweibin/list-1.html"),
           ("hanweb", SITES / "hanweb", "/col/col284/index.html"),
           ("jpaas", SITES / "jpaas", "/col/col1229565788/index.html"),
           ("list", SITES, "/plain/index.html")]
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rate(fn, items, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        n += len(items)
    return n / (time.perf_counter() - start)


def _list_case(name: str, path: Path, kind: str):
    text, _ = decode_html(path.read_bytes(), None)
    url = "http://www.example.gov.cn/" + path.relative_to(SITES).as_posix()
    resp = Response(url=url, status=200, content=text.encode(), text=text)
    return name, kind, resp


def _parse_list(case) -> int:
    name, kind, resp = case
    preset = PRESETS[name]({})
    if name == "jpaas":
        preset._page_no = 1
    page = preset.parse(ListRequest(resp.url, kind=kind), resp, Context(2025, {}), {})
    return len(page.rows)


def _naive(text: str) -> int:
    return len(_HREF.findall(text)) + len(_DATE.findall(text))


def parsing(seconds: float) -> None:
    lists = [_list_case(*c) for c in LISTS]
    details = [decode_html(p.read_bytes(), None)[0] for p in DETAILS]
    rows = sum(_parse_list(c) for c in lists)
    lr = _rate(_parse_list, lists, seconds)
    lb = _rate(lambda c: _naive(c[2].text), lists, seconds)
    dr = _rate(lambda t: parse_detail(soup_of(t), "http://www.example.gov.cn/a.html"), details, seconds)
    db = _rate(_naive, details, seconds)
    print(f"list pages:   {lr:8.1f} pages/s ({rows} rows from {len(lists)} family pages per round); "
          f"naive regex {lb:9.1f} pages/s; ratio {lb / lr:.0f}x slower than the baseline")
    print(f"detail pages: {dr:8.1f} pages/s ({len(details)} pages per round); "
          f"naive regex {db:9.1f} pages/s; ratio {db / dr:.0f}x slower than the baseline")


def _pass(servers, http, states):
    for i, (name, root, path) in enumerate(COLUMNS * 4):
        srv = servers[root]
        state = states.setdefault(i, CollectState(now=NOW))
        source = REGISTRY["website"]({"url": srv.base + path, "preset": "auto"}, http)
        known = state.memo.setdefault("_known", [])
        state.is_known = set(known).__contains__
        state.memo.pop("not_modified", None)
        known.extend(item.key for item in source.collect(state))


def idle_recrawl(etags: bool) -> tuple[int, int, int]:
    roots = {root for _, root, _ in COLUMNS}
    servers = {root: SiteServer(root, etags=etags).start() for root in roots}
    http = Http(min_delay=0, sleep=lambda s: None)
    try:
        states: dict = {}
        _pass(servers, http, states)
        first = sum(len(s.requests) for s in servers.values())
        for s in servers.values():
            s.requests.clear()
        _pass(servers, http, states)
        again = [r for s in servers.values() for r in s.requests]
        not_modified = sum(1 for s in states.values() if s.memo.get("not_modified"))
        return first, len(again), not_modified
    finally:
        http.close()
        for s in servers.values():
            s.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=1.5, help="time per measurement")
    args = p.parse_args()
    parsing(args.seconds)
    for etags in (True, False):
        first, again, nm = idle_recrawl(etags)
        how = "server with ETags" if etags else "server without ETags"
        print(f"idle re-crawl, 20 sources, {how}: first pass {first} requests, unchanged re-crawl "
              f"{again} requests ({again / 20:.1f} per source, {nm} answered 304)")


if __name__ == "__main__":
    main()
