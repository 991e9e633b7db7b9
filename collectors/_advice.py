"""What to set when a column shows more list pages than can be reached (a 下一页 that only runs
JavaScript, a stated total past the last linked page): the ``page_url`` advice, checked by
fetching page 2 by each pattern the column's address suggests, never a pattern that just failed.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ._http import FetchError
from ._item import SourceError
from ._listing import family_pattern, find_list, page_address
from ._pager import page_url_candidates
from ._pages import problem, soup_of
from ._presets import ListPage


def unreachable(site: Any, page: ListPage, page_no: int, rows: int, tried: str) -> str:
    """Why the column cannot be read past page ``page_no``, and the setting that would."""
    read = f"{page_no} page{'s' if page_no > 1 else ''} ({rows} rows)"
    guess, checked = _checked_guess(site, page, page_no, tried)
    return (f"{site.opts['url']}: {page.unreachable}; {read} read" + (f"; {tried}" if tried else "")
            + f" — set page_url = \"{guess}\"{checked} (the address of page 2 as a browser shows it, its "
            f"number written {{n}}, or {{n-1}} when page 2 is numbered 1) to read the rest, or "
            f"max_pages = {page_no} to accept the column cut short")


def _checked_guess(site: Any, page: ListPage, page_no: int, tried: str) -> tuple[str, str]:
    """The ``page_url`` to advise and what checked it: page 2 fetched by each pattern the
    column's address suggests answers with a list of rows, not page 1's. The pattern just
    tried and failed (``tried``) is not advised again; when none answers, a guess says so."""
    used = site.opts["page_url"] or family_pattern(site.opts["url"]) or ""
    failed = used if tried else ""
    first = {r.url for r in page.rows} if page_no == 1 else set()
    patterns = [p for p in dict.fromkeys([site.opts["page_url"], *page_url_candidates(site.opts["url"])])
                if p and p != failed]
    for pattern in patterns:
        url = page_address(pattern, 2, site.opts["url"])
        try:
            resp = site.http.get(url, allowed_hosts=site.hosts)
        except (FetchError, SourceError):
            continue
        if resp.status != 200 or problem(resp, soup_of(resp.text)):
            continue
        rows, _note = find_list(soup_of(resp.text), resp.url)
        if rows and {r.url for r in rows} != first:
            return pattern, f" (checked: page 2, {url}, lists {len(rows)} rows)"
    guess = next((p for p in (site.opts["page_url"], family_pattern(site.opts["url"]),
                              example(site.opts["url"])) if p and p != failed), example(site.opts["url"]))
    return guess, " (unchecked: no address tried for page 2 answered with a list)"


def example(url: str) -> str:
    """A page_url to start from, in the column address's own shape (a guess to check in a browser)."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1] or "index.html"
    if parts.query:
        return f"{name}?{parts.query}&page={{n}}"
    stem, dot, ext = name.rpartition(".")
    return f"{stem}_{{n}}.{ext}" if dot else f"{name}_{{n}}.html"


def answer(exc: SourceError) -> str:
    said = str(exc)
    m = re.search(r"\(HTTP \d+\)|HTTP \d+|soft 404|stub|empty response|repeats page \d+", said)
    return m.group(0).strip("()") if m else said[:120]
