"""Serving and crawling the static-list variant cases (tests/fixtures/sites/trs_variants/CASE/ and
plain_variants/CASE/, written by make_static_variants.py): each case folder is a site root.

Files cannot hold a query string, so ``page?query`` is answered from the file ``page@query``; a
directory URL is answered from its ``index.html``, ``index.shtml`` or ``index.htm``, as TRS sites
configured by their column directory do. Loopback only.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from _sites_server import SITES, SiteServer

from collectors import BEIJING, REGISTRY, CollectState, SourceError, canonical_url

NOW = datetime(2025, 1, 10, 10, 0, tzinfo=BEIJING)
_INDEXES = ("index.html", "index.shtml", "index.htm")


class StaticServer(SiteServer):
    def _handle(self, h, method: str, body: bytes) -> None:
        self.requests.append((method, h.path))
        parts = urlsplit(h.path)
        file = self.root / unquote(parts.path).lstrip("/")
        if parts.path.endswith("/"):
            file = next((file / n for n in _INDEXES if (file / n).is_file()), file / "index.html")
        if parts.query:
            file = file.with_name(file.name + "@" + unquote(parts.query))
        return self._file(h, file)


def cases(family: str) -> list[str]:
    return sorted(p.name for p in (SITES / family).iterdir() if (p / "expect.json").is_file())


def spec_of(family: str, case: str) -> dict:
    return json.loads((SITES / family / case / "expect.json").read_text("utf-8"))


@dataclass
class Crawl:
    items: list
    error: SourceError | None
    want: dict            # canonical URL -> expected item
    list_requests: list[str]
    progress: list[str]
    state: CollectState
    base: str


def crawl(http, family: str, case: str, preset: str = "auto", **state_args) -> Crawl:
    """One pass over the case's column; the items read before a failure are kept."""
    spec = spec_of(family, case)
    with StaticServer(SITES / family / case) as srv:
        source = REGISTRY["website"]({"url": srv.base + spec["url"], "preset": preset}, http)
        progress: list[str] = []
        state = CollectState(now=NOW, progress=progress.append, **state_args)
        items, error = [], None
        try:
            for item in source.collect(state):
                items.append(item)
        except SourceError as exc:
            error = exc
        want = {canonical_url(srv.base + e["path"]): e for e in spec["items"]}
        paths = {urlsplit(k).path + ("?" + urlsplit(k).query if urlsplit(k).query else "") for k in want}
        listed = [p for m, p in srv.requests if p not in paths and p != "/robots.txt"]
        return Crawl(items, error, want, listed, progress, state, srv.base)


def check_items(result: Crawl) -> None:
    """Exactly the expected items, once each, with their titles and Beijing list dates."""
    got = {i.key: i for i in result.items}
    assert len(got) == len(result.items), "an item was yielded twice"
    assert sorted(got) == sorted(result.want)
    for key, e in result.want.items():
        item = got[key]
        assert item.title == e["title"], key
        assert item.published_at is not None and \
            item.published_at.astimezone(BEIJING).date().isoformat() == e["date"], (key, item.date_raw)


def check_walk(result: Crawl, spec: dict) -> None:
    """The list pages requested in order, how the walk ended, and the page total it learned."""
    assert result.list_requests == spec["list_requests"]
    if "error" in spec:
        assert result.error is not None, "the pass should have failed"
        assert getattr(result.error, "health", "") == spec["error"]["health"]
        assert re.search(spec["error"]["match"], str(result.error)), str(result.error)
    else:
        assert result.error is None, str(result.error)
        assert result.state.memo["stop_reason"] == spec["stop"]
    if "total_pages" in spec:
        assert f"page 1/{spec['total_pages']}" in result.progress[0], result.progress[0]
    else:
        assert "page 1:" in result.progress[0], result.progress[0]


__all__ = ["NOW", "StaticServer", "cases", "spec_of", "crawl", "check_items", "check_walk"]
