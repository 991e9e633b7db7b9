"""Source kind ``website``: a government-website column, list pages plus detail pages."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Iterator
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ._base import Option, SourceKind, register
from ._dates import BEIJING, beijing_date
from ._detail import parse_detail
from ._http import FetchError, Response
from ._item import CollectState, ConfigError, Item, SourceError
from ._listing import ATTACHMENT_EXT, Row, find_next, find_rows, select_rows
from ._pages import STUB_BYTES, problem, soup_of
from ._urls import canonical_url

log = logging.getLogger(__name__)

_SUPPORTED_PRESETS = ("auto", "list", "selectors")
_LATER_PRESETS = ("trs", "hanweb", "jpaas")
# Problems that mean the site is blocking us: abort the run instead of recording a broken item.
_BLOCKING = ("verification", "script-only")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


@register
class Website(SourceKind):
    """A column (栏目) on a government website: list pages, then each new item's detail page."""

    name = "website"
    options = {
        "url": Option(str, help="the column's first list page"),
        "preset": Option(str, "auto", help="auto | list | selectors (trs, hanweb, jpaas: later)"),
        "item_selector": Option(str, "", help="CSS selector of one list row"),
        "title_selector": Option(str, "", help="CSS selector of the title link inside a row"),
        "date_selector": Option(str, "", help="CSS selector of the date inside a row"),
        "max_pages": Option(int, 100, help="hard cap on list pages per run"),
        "allow_hosts": Option(list, [], help="other hosts whose detail pages may be fetched"),
    }

    @classmethod
    def validate(cls, options: dict[str, Any]) -> dict[str, Any]:
        opts = super().validate(options)
        preset = opts["preset"]
        if preset in _LATER_PRESETS:
            raise ConfigError(f"preset {preset!r} is not supported yet")
        if preset not in _SUPPORTED_PRESETS:
            raise ConfigError(f"key 'preset' must be one of {', '.join(_SUPPORTED_PRESETS)}, "
                              f"got {preset!r}")
        if urlsplit(opts["url"]).scheme not in ("http", "https") or not _host(opts["url"]):
            raise ConfigError(f"key 'url' must be an http(s) URL, got {opts['url']!r}")
        if opts["max_pages"] < 1:
            raise ConfigError(f"key 'max_pages' must be at least 1, got {opts['max_pages']}")
        if not all(isinstance(h, str) and h for h in opts["allow_hosts"]):
            raise ConfigError("key 'allow_hosts' must be a list of host names")
        if (opts["title_selector"] or opts["date_selector"]) and not opts["item_selector"]:
            raise ConfigError("keys 'title_selector'/'date_selector' need 'item_selector'")
        if preset == "selectors" and not opts["item_selector"]:
            raise ConfigError("preset 'selectors' needs key 'item_selector'")
        return opts

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({_host(self.opts["url"])} | {h.lower() for h in self.opts["allow_hosts"]})

    # -- the pass --

    def collect(self, state: CollectState) -> Iterator[Item]:
        now = state.now or datetime.now(BEIJING)
        url: str | None = self.opts["url"]
        visited: set[str] = set()
        seen: set[str] = set()
        previous: set[str] | None = None
        settled = 0     # consecutive pages past the point of interest (all known / all older)
        stop = f"max_pages ({self.opts['max_pages']}) reached"
        for page_no in range(1, self.opts["max_pages"] + 1):
            assert url is not None
            visited.add(canonical_url(url))
            page = self._list_page(url, page_no)
            if page is None:
                stop = f"page {page_no} is an end-of-list stub"
                break
            resp, soup = page
            rows = self._rows(soup, resp.url, now)
            if not rows:
                if page_no == 1:
                    stub = f" (a {len(resp.content)}-byte stub)" if len(resp.content) < STUB_BYTES else ""
                    raise SourceError(f"no items found on {resp.url}{stub} — layout changed? "
                                      "try preset/selectors")
                stop = f"page {page_no} has no items (end-of-list stub)"
                break
            urls = {r.url for r in rows}
            if previous is not None and urls == previous:
                raise SourceError(f"list page {page_no} ({resp.url}) repeats page {page_no - 1}: "
                                  "pagination is broken or the site ignores the page number")
            previous = urls
            fresh = 0
            all_known = True
            for row in rows:
                key = canonical_url(row.url)
                if key in seen:
                    continue
                seen.add(key)
                if state.is_known(key):
                    continue
                all_known = False
                fresh += 1
                yield self._item(key, row)
            state.progress(f"{resp.url}: {len(rows)} rows, {fresh} new")
            if state.since is not None:
                dated = [r.date for r in rows if r.date is not None]
                past = bool(dated) and max(dated) < state.since
            else:
                past = all_known
            # One extra page after the first settled one: pinned (置顶) items keep old entries at
            # the top of page 1, so the page after it is checked too (gov-sites.md §5 T1).
            settled = settled + 1 if past else 0
            if settled >= 2:
                stop = "older than since" if state.since is not None else "caught up with known items"
                break
            pager = find_next(soup, resp.url, resp.text)
            if pager.next_url is None:
                stop = f"last page ({pager.signal})"
                break
            if canonical_url(pager.next_url) in visited:
                raise SourceError(f"pagination on {resp.url} loops back to {pager.next_url}")
            url = pager.next_url
        log.info("%s: stopped: %s", self.opts["url"], stop)
        state.memo["stop_reason"] = stop

    # -- steps --

    def _list_page(self, url: str, page_no: int) -> tuple[Response, BeautifulSoup] | None:
        try:
            resp = self.http.get(url, allowed_hosts=self.hosts)
        except FetchError as exc:
            if page_no > 1 and exc.status in (404, 410):
                log.warning("list page %d missing (%s); treating as the end", page_no, exc)
                return None
            raise
        soup = soup_of(resp.text)
        why = problem(resp, soup)
        if why:
            if page_no == 1 or why.startswith(_BLOCKING):
                raise SourceError(why)
            # Deep index_N.html pages are often stubs or soft 404s (gov-sites.md §6 rule 2).
            log.info("list page %d: %s; treating as the end", page_no, why)
            return None
        return resp, soup

    def _rows(self, soup: BeautifulSoup, base: str, now: datetime) -> list[Row]:
        year = now.astimezone(BEIJING).year
        o = self.opts
        if o["item_selector"]:
            rows = select_rows(soup, base, o["item_selector"], o["title_selector"],
                               o["date_selector"], context_year=year)
        else:
            rows = find_rows(soup, base, context_year=year)
        # A year-less "12-20" read in January belongs to last December.
        fixed = []
        for r in rows:
            if r.date is not None and r.date > now + timedelta(days=2) and not _has_year(r.date_text):
                r = Row(r.url, r.title, r.date_text, r.date.replace(year=r.date.year - 1))
            fixed.append(r)
        return fixed

    def _item(self, key: str, row: Row) -> Item:
        list_fields = dict(key=key, url=row.url, title=row.title, published_at=row.date,
                           date_source="list" if row.date else "", date_raw=row.date_text)
        host = _host(row.url)
        if host not in self.hosts:
            return Item(**list_fields, external=True, extra={"host": host})
        if urlsplit(row.url).path.lower().endswith(ATTACHMENT_EXT):
            return Item(**list_fields, extra={"attachment": True})
        try:
            resp = self.http.get(row.url, allowed_hosts=self.hosts)
        except FetchError as exc:
            if exc.kind == "refused":
                return Item(**list_fields, external=True, extra={"host": host, "detail_error": str(exc)})
            if exc.kind in ("robots", "too-large") or exc.status in (404, 410):
                return Item(**list_fields, extra={"detail_error": str(exc)})
            raise
        soup = soup_of(resp.text)
        why = problem(resp, soup)
        if why:
            if why.startswith(_BLOCKING):
                raise SourceError(why)
            return Item(**list_fields, extra={"detail_error": why})
        d = parse_detail(soup)
        published, source, raw = d.published, d.date_source, d.date_raw
        if published is None:
            published, source, raw = row.date, ("list" if row.date else ""), row.date_text
        list_date = ""
        extra: dict[str, Any] = {"encoding": resp.encoding}
        if source.startswith("detail") and row.date is not None and published is not None:
            delta = abs((beijing_date(published) - beijing_date(row.date)).days)
            if delta:
                list_date = row.date_text
                extra["date_delta_days"] = delta
        if d.title and row.title and d.title != row.title:
            extra["list_title"] = row.title
        return Item(key=key, url=row.url, title=d.title or row.title, published_at=published,
                    date_source=source, date_raw=raw, body=d.body, byline=d.byline,
                    list_date=list_date, raw=resp.content, raw_url=resp.url,
                    raw_content_type=resp.content_type, extra=extra)


def _has_year(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and ("年" in text or any(
        len(part) == 4 for part in "".join(c if c.isdigit() else " " for c in text).split()))
