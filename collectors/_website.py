"""Source kind ``website``: a government-website column, list pages plus detail pages.

The CMS family's list pages are read by a preset (``collectors/_presets/``); this module walks them
and decides when to stop, which is where counts go wrong:

- **Incremental** (no ``since``): stop once a page brings nothing new, plus one more page for pinned
  (置顶) items (gov-sites.md §5 T1). An idle pass is one request: page 1 is fetched with
  ``If-None-Match``/``If-Modified-Since`` (a 304 ends it), and a page 1 identical to the last
  successful pass's, all known, ends it too.
- **Backfill** (``since``): keep going, past known items, until a page and the page after it are
  older than ``since`` by their newest date.
- **A column cut short fails the run.** A list page N>1 that the site pointed to (a 下一页 link, a
  stated page count, Hanweb's ``totalRecord``, jpaas' ``count``) and that answers 404/410, a soft
  404, a stub under 600 bytes, or nothing where a total promised more, is a failed run naming the
  page: the items before it are saved, but a silently truncated column would under-count the year.
  A site whose deep pages are permanently broken can be accepted knowingly with ``max_pages``.
- **A cap is a warning.** A pass stopped by ``max_pages`` is ok, but says so (``ok (stopped at the
  page cap: 100 of 10,000 pages)``), and the note stays, for ``gongkai status`` and an alert, until
  a pass reads the column to its end.
- **Other failures with a reason**, never "0 new items": an error or verification page, a 412
  challenge, an empty 200, no rows on page 1, a page repeating the previous one, a pager looping.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from datetime import datetime
from typing import Any, Iterator
from urllib.parse import urljoin

from ._base import Option, SourceKind, check_range, check_url, register
from . import _consensus as consensus
from ._dates import BEIJING, beijing_date
from ._http import FetchError, Response, _host
from ._item import CollectState, ConfigError, Item, SourceError
from ._listing import Row, family_pattern, page_address
from ._advice import answer, unreachable
from ._pages import STUB_BYTES, page_title, problem, soup_of
from ._scriptrows import json_hint
from ._sanity import Dropped, screen
from ._presets import PRESETS, Context, Detection, ListPage, ListRequest, Preset, detect, preset_names
from ._rowdates import year_written
from ._rowitem import JS_REDIRECT, RowReader
from ._walls import login_page, says_empty
from ._urls import canonical_url

log = logging.getLogger(__name__)

# Problems that mean the site is blocking us: abort the run instead of recording a broken item.
_BLOCKING = ("verification", "script-only")
_PAGE_N = re.compile(r"\{n(?:-1)?\}")


class ColumnError(SourceError):
    """A failed website pass; ``health`` names the kind: truncated, repeated, empty, loop."""

    def __init__(self, health: str, message: str) -> None:
        super().__init__(message)
        self.health = health


class _JsRedirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


@register
class Website(SourceKind):
    """A column (栏目) on a government website: list pages, then each new item's detail page."""

    name = "website"
    options = {
        "url": Option(str, help="the column's first list page"),
        "preset": Option(str, "auto", help="auto | trs | hanweb | jpaas | list | selectors | datafile"),
        "item_selector": Option(str, "", help="CSS selector of one list row"),
        "title_selector": Option(str, "", help="CSS selector of the title link inside a row"),
        "date_selector": Option(str, "", help="CSS selector of the date inside a row"),
        "next_selector": Option(str, "", help="CSS selector of the next-page link"),
        "page_url": Option(str, "", help="address of list page {n} when the pager only runs "
                           "JavaScript, e.g. list_{n}.html ({n-1} when page 2 is index_1.html)"),
        "max_pages": Option(int, 100, help="hard cap on list pages per run"),
        "allow_hosts": Option(list, [], help="other hosts whose detail pages may be fetched"),
        "list_json": Option(str, "", help="the JSON list the column page's script loads, e.g. "
                            "data/list_1.json (preset datafile; links resolve against url)"),
    }

    detection: Detection | None = None   # what "auto" found on this pass, for the log and probe

    def __init__(self, options: dict[str, Any], http: Any) -> None:
        super().__init__(options, http)
        # a cap other than the default was set knowingly (a column with broken deep pages)
        self.cap_chosen = self.opts["max_pages"] != self.options["max_pages"].default
        # where each year-less list date took its year (see _fix_years), by row URL
        self._list_years: dict[str, str] = {}
        self._column_title = ""   # page 1's <title>: a detail titled only with it has no title
        self._says_empty = ""     # page 1 without rows: its "暂无信息", if it says so
        self._loads_json = ""     # page 1 without rows: the JSON list its script loads, said
        self._undated: list[bool] = []   # this pass's rows without a list date: left undated?

    @classmethod
    def validate(cls, options: dict[str, Any]) -> dict[str, Any]:
        opts = super().validate(options)
        preset = opts["preset"]
        if preset != "auto" and preset not in PRESETS:
            known = ", ".join(["auto", *preset_names()])
            raise ConfigError(f"key 'preset' must be one of {known}, got {preset!r}")
        check_url(opts["url"])
        check_range(opts, "max_pages", 1, 100_000)
        if opts["page_url"] and not _PAGE_N.search(opts["page_url"]):
            raise ConfigError("key 'page_url' must hold {n} (the page's number) or {n-1}, e.g. "
                              f"\"list_{{n}}.html\", got {opts['page_url']!r}")
        if not all(isinstance(h, str) and h for h in opts["allow_hosts"]):
            raise ConfigError("key 'allow_hosts' must be a list of host names")
        if (opts["title_selector"] or opts["date_selector"]) and not opts["item_selector"]:
            raise ConfigError("keys 'title_selector'/'date_selector' need 'item_selector'")
        if opts["list_json"] and opts["preset"] in ("auto", "datafile"):
            opts["preset"] = "datafile"    # rows from the page's JSON list: that reads them
        elif opts["list_json"]:
            raise ConfigError(f"key 'list_json' needs preset = \"datafile\", got {preset!r}")
        if opts["item_selector"] and preset == "auto":
            opts["preset"] = "selectors"   # selectors given: that is the preset meant
        if opts["preset"] != "auto":
            why = PRESETS[opts["preset"]].check_options(opts)
            if why:
                raise ConfigError(why)
        return opts

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({_host(self.opts["url"])} | {h.lower() for h in self.opts["allow_hosts"]})

    # -- the pass --

    def collect(self, state: CollectState) -> Iterator[Item]:
        now = state.now or datetime.now(BEIJING)
        ctx = Context(context_year=now.astimezone(BEIJING).year, options=self.opts)
        memo = state.memo
        reader = RowReader(self.http, self.hosts, memo)
        self._column_title, self._undated = "", []
        opened = self._open(state, ctx)
        reader.note_column_title(self._column_title)
        if opened is None:
            memo["not_modified"] = True
            memo["stop_reason"] = "not modified since the last pass (HTTP 304)"
            self._note_cap(memo, None, None, read_to_end=False)
            yield from self._end_pass(reader, set(), memo)
            return
        preset, request, page = opened
        seen: set[str] = set()
        visited = {self._request_key(request)}
        previous: set[str] | None = None
        settled = 0     # consecutive pages past the point of interest (all known / all older)
        page_no, total_rows = 1, 0
        stop = f"max_pages ({self.opts['max_pages']}) reached"
        capped = ended = False   # stopped by max_pages / read to the end of the list or to since
        stated = 0      # the most pages the column's pager has stated so far
        while True:
            rows = self._fix_years(page.rows, now)
            where = request.label or request.url
            rows, dropped = screen(rows)
            if dropped:
                self._note_dropped(memo, page_no, dropped)
            if not rows:
                if page_no == 1 and self._says_empty and not memo.get("page1_rows") and not dropped:
                    # a column with nothing published yet says so: no news, truly
                    memo["stop_reason"] = f"the column is empty: page 1 says {self._says_empty!r}"
                    memo["warning"] = f"empty column: page 1 says {self._says_empty!r}"
                    log.info("%s: %s", self.opts["url"], memo["stop_reason"])
                    yield from self._end_pass(reader, seen, memo)
                    return
                if page_no == 1:
                    before = memo.get("page1_rows")
                    had = f"; it listed {before} last time" if before else ""
                    furniture = (f"; only page furniture matched ({', '.join(d.reason for d in dropped[:3])})"
                                 if dropped else "")
                    raise ColumnError("empty", f"no items found on {where}{had}{furniture}"
                                      f"{self._loads_json} — layout changed? run `gongkai probe "
                                      "URL` and set preset/selectors")
                stop = f"page {page_no} has no items: end of the list"
                ended = True
                break
            urls = {r.url for r in rows}
            if previous is not None and urls == previous:
                raise ColumnError("repeated", f"list page {page_no} ({where}) repeats page "
                                  f"{page_no - 1}: pagination is broken or the site ignores the page "
                                  "number")
            previous = urls
            unchanged = False
            if page_no == 1:
                digest = hashlib.sha1("\n".join(f"{r.url}\t{r.title}\t{r.date_text}"
                                                for r in rows).encode()).hexdigest()
                unchanged = memo.get("page1") == digest
                memo["page1"], memo["page1_rows"] = digest, len(rows)
                # two alike lists: read the bigger, and say it was a guess (probe refuses it)
                guess = next((n for n in page.notes if n.startswith("ambiguous")), "")
                if guess:
                    memo["warning"] = f"page 1: {guess}"
            fresh = 0
            all_known = True
            # Page 1 with no date on any row: its items are held until one proves dated on its
            # own page, so a list of menu links never reaches the store (a 信息 needs a year).
            held: list[Item] | None = [] if page_no == 1 and not any(r.date for r in rows) else None
            for row in rows:
                key = canonical_url(row.url)
                if key in seen:
                    continue
                seen.add(key)
                if state.is_known(key):
                    held = None   # known items: this column was read and dated before
                    if reader.wants(key):   # kept with the list's data: its page, again
                        again = reader.item(key, row, self._list_years.get(row.url, ""), known=True)
                        if again is not None:
                            yield again
                    continue
                all_known = False
                fresh += 1
                item = self._item(key, row, reader)
                if held is None:
                    yield item
                    continue
                held.append(item)
                if item.published_at is not None:
                    yield from held
                    held = None
            if held:
                examples = ", ".join(repr(i.title[:20]) for i in held[:3])
                raise ColumnError("undated", f"none of the {len(held)} rows on {where} has a date, "
                                  f"on the list or on its own page ({examples}): these do not look "
                                  "like a column's items; check url/preset/selectors with "
                                  "`gongkai probe URL`")
            total_rows += len(rows)
            state.progress(self._progress(page_no, page, rows, fresh, state))
            if state.since is not None:
                dated = [r.date for r in rows if r.date is not None]
                past = bool(dated) and max(dated) < state.since
            else:
                past = all_known
                if unchanged and all_known:
                    stop = "page 1 unchanged since the last pass"
                    break
            # One extra page after the first settled one: pinned (置顶) items keep old entries at
            # the top of page 1, so the page after it is checked too (gov-sites.md §5 T1).
            settled = settled + 1 if past else 0
            if settled >= 2:
                stop = "older than since" if state.since is not None else "caught up with known items"
                ended = state.since is not None
                break
            page = self._short_of_stated(page, page_no, stated)
            stated = max(stated, page.total_pages or 0)
            if page.next is None and not page.unreachable:
                stop = f"last page ({page.signal})"
                ended = True
                break
            if page_no >= self.opts["max_pages"]:
                capped = True
                break
            request = page.next or self._beyond(page, page_no, total_rows)
            promised = page.promised or page.next is None
            if self._request_key(request) in visited:
                raise ColumnError("loop", f"pagination on {where} loops back to {request.url}")
            visited.add(self._request_key(request))
            page_no += 1
            resp = self._fetch_beyond(request, page_no, total_rows, promised, page)
            page = preset.parse(request, resp, ctx, memo)
            # The stub rule is for HTML list pages (300–400 B index_N stubs); an API's empty answer
            # without a stated total (jpaas' empty html, Hanweb's bare datastore) is the end.
            stub = request.kind == "html" and len(resp.content) < STUB_BYTES
            if not page.rows and (promised or stub):
                what = "promised by the column's stated total" if promised else \
                    f"a {len(resp.content)}-byte stub"
                raise ColumnError("truncated", f"list page {page_no} ({request.label or request.url}) "
                                  f"has no items although it was {what}: the column is cut short "
                                  f"after {total_rows} rows (set max_pages = {page_no - 1} to accept)")
        log.info("%s: stopped: %s", self.opts["url"], stop)
        memo["stop_reason"] = stop
        self._note_cap(memo, page_no if capped else None, page.total_pages, read_to_end=ended)
        yield from self._end_pass(reader, seen, memo)

    def _end_pass(self, reader: RowReader, seen: set[str], memo: dict) -> Iterator[Item]:
        """The remembered rows whose detail pages could not be read, not met on this pass's
        pages, tried again; and the pass's note of the detail pages it could not read."""
        yield from reader.leftovers(seen, self._list_years)
        if not reader.unread:
            memo.pop("unread_details", None)
        note = "; ".join(n for n in (reader.summary(), self._undated_note()) if n)
        if note:
            memo["warning"] = "; ".join(w for w in (memo.get("warning"), note) if w)

    def _undated_note(self) -> str:
        """This pass's rows without a date on the list, for the source's line: none vanishes
        unsaid, and one its own page did not date waits in review as undated."""
        if not self._undated:
            return ""
        n, left = len(self._undated), sum(self._undated)
        rows = f"{n} row{'s' if n > 1 else ''} without a date on the list"
        if not left:
            return f"{rows}, dated by {'its' if n == 1 else 'their'} own page{'s' if n > 1 else ''}"
        return f"{rows}, {f'{left} ' if n > 1 else ''}left undated for review"

    # -- steps --

    def _open(self, state: CollectState, ctx: Context) -> tuple[Preset, ListRequest, ListPage] | None:
        """The preset and the first page with rows (through a jpaas shell, a JS redirect stub).
        A remembered shortcut (the detected family, jpaas' API endpoint) that fails is dropped
        and the column page read afresh, once. None: page 1 is not modified (304)."""
        memo = state.memo
        for attempt in (0, 1):
            preset = self._preset(memo if attempt == 0 else None)
            request = preset.first(self.opts["url"], memo) if preset else ListRequest(self.opts["url"])
            shortcut = attempt == 0 and (request.url != self.opts["url"] or (
                self.opts["preset"] == "auto" and preset is not None))
            try:
                opened = self._first_page(preset, request, state, ctx)
            except SourceError:
                if not shortcut:
                    raise
                opened = ()
            if opened is None:
                return None
            if opened and (opened[2].rows or not shortcut):
                return opened
            log.info("%s: remembered %s shortcut failed; reading the column page again",
                     self.opts["url"], memo.get("detected", self.opts["preset"]))
            memo.pop("detected", None)
            memo.pop("cond", None)
            if preset is not None:
                preset.forget(memo)
        raise AssertionError("unreachable")

    def _preset(self, memo: dict | None) -> Preset | None:
        name = self.opts["preset"]
        if name == "auto":
            name = (memo or {}).get("detected", "")
            if name not in PRESETS:
                return None
        return PRESETS[name](self.opts)

    def _first_page(self, preset: Preset | None, request: ListRequest, state: CollectState,
                    ctx: Context) -> tuple[Preset, ListRequest, ListPage] | None:
        memo = state.memo
        for _hop in range(3):   # column shell -> list; a JS redirect stub -> column
            try:
                resp = self._fetch(request, 1, 0, False, conditional=state.since is None, memo=memo)
            except _JsRedirect as jump:
                request = ListRequest(jump.url, label=f"{jump.url} (JS redirect)")
                continue
            if resp.status == 304:
                return None
            if preset is None:
                found = detect(resp.text, resp.url)
                self._remember_detection(found, memo)
                preset = PRESETS[found.preset](self.opts)
            page = preset.parse(request, resp, ctx, memo)
            if not page.shell:
                self._read_column_page(request, resp, page)
                if resp.headers.get("etag") or resp.headers.get("last-modified"):
                    memo["cond"] = {"url": request.url, "etag": resp.headers.get("etag", ""),
                                    "last_modified": resp.headers.get("last-modified", "")}
                else:
                    memo.pop("cond", None)
                return preset, request, page
            if page.next is None:
                raise ColumnError("empty", f"{resp.url} leads to no list ({page.signal})")
            request = page.next
        raise ColumnError("loop", f"{self.opts['url']}: too many hops before the list")

    def _read_column_page(self, request: ListRequest, resp: Response, page: ListPage) -> None:
        """What page 1 says beside its rows: its title (a detail page titled only with the site's
        name has no title of its own) and, with no rows, the words of an empty column."""
        self._says_empty = self._loads_json = ""
        if request.kind == "html":
            soup = soup_of(resp.text)
            self._column_title = page_title(soup)
            if not page.rows:
                # a page whose script loads its rows from JSON: its 暂无信息 is the placeholder
                self._loads_json = json_hint(soup, resp.url)
                self._says_empty = "" if self._loads_json else says_empty(soup)

    def _remember_detection(self, found: Detection, memo: dict) -> None:
        log.info("%s: detected %s", self.opts["url"], found.describe())
        self.detection = found
        memo["detected"] = found.preset
        memo["detection"] = found.describe()

    def _fetch(self, request: ListRequest, page_no: int, rows_so_far: int, promised: bool, *,
               conditional: bool = False, memo: dict | None = None) -> Response:
        where = request.label or request.url
        try:
            if request.form is not None:
                resp = self.http.post(request.url, request.form, allowed_hosts=self.hosts)
            else:
                cond = (memo or {}).get("cond") if conditional else None
                use = isinstance(cond, dict) and cond.get("url") == request.url
                resp = self.http.get(request.url, allowed_hosts=self.hosts,
                                     etag=cond.get("etag") or None if use else None,
                                     last_modified=cond.get("last_modified") or None if use else None)
        except FetchError as exc:
            if page_no > 1 and exc.status in (404, 410):
                raise ColumnError("truncated", f"list page {page_no} ({where}) is missing "
                                  f"(HTTP {exc.status}) although the column links to it: the "
                                  f"column is cut short after {rows_so_far} rows (set max_pages = "
                                  f"{page_no - 1} to accept)") from exc
            raise
        if resp.status == 304:
            return resp
        if request.kind == "html":
            soup = soup_of(resp.text)
            why = problem(resp, soup) or login_page(request.url, resp, soup)
            if why.startswith("login page"):
                why = (f"the column's page is a {why}: it needs an account, or the column moved "
                       "(check url in a browser)")
            if why and why.startswith("script-only") and page_no == 1:
                m = JS_REDIRECT.search(resp.text)
                target = urljoin(resp.url, m.group(1)) if m else ""
                if target and _host(target) in self.hosts and target != resp.url:
                    raise _JsRedirect(target)
        elif not resp.content.strip():
            why = f"empty response (HTTP {resp.status}) from {resp.url}"
        else:
            why = None
        if why:
            if page_no == 1 or why.startswith(_BLOCKING):
                raise SourceError(why)
            raise ColumnError("truncated", f"list page {page_no} ({where}): {why}; the column is "
                              f"cut short after {rows_so_far} rows (set max_pages = {page_no - 1} "
                              "to accept)")
        return resp

    @staticmethod
    def _short_of_stated(page: ListPage, page_no: int, stated: int) -> ListPage:
        """A page with no next page before the column's stated page count (共3页 on page 2 of a
        pager of numbered ``goPage(n)`` links) shows a next page without an address: the walker
        reaches it as it reaches any such page, or fails the pass — never an "ok" short of it."""
        total = max(stated, page.total_pages or 0)
        if page.next is not None or page.unreachable or page_no >= total:
            return page
        return dataclasses.replace(page, unreachable=f"the column states {total} pages and this is "
                                   f"page {page_no}, but it links to no next page")

    def _beyond(self, page: ListPage, page_no: int, rows: int) -> ListRequest:
        """The next list page of a page that shows one without an address (``page.unreachable``:
        a 下一页 that only runs JavaScript, a stated total past this page): page ``page_no + 1``
        by the source's ``page_url``, else by the column's own naming (``index_1.html`` after a
        TRS-style ``index.html``, ``list_2.html`` after ``list.html``). A column that shows more
        than can be reached fails the run: the rest of the year would be missing."""
        pattern = self.opts["page_url"]
        how = "page_url" if pattern else "the column's naming"
        pattern = pattern or family_pattern(self.opts["url"]) or ""
        if not pattern:
            raise ColumnError("truncated", unreachable(self, page, page_no, rows, ""))
        url = page_address(pattern, page_no + 1, self.opts["url"])
        return ListRequest(url, label=f"{url} (by {how})")

    def _fetch_beyond(self, request: ListRequest, page_no: int, rows_so_far: int, promised: bool,
                      before: ListPage) -> Response:
        """:meth:`_fetch`, with a failure of a page reached by :meth:`_beyond` explained as such."""
        if before.next is not None or not before.unreachable:
            return self._fetch(request, page_no, rows_so_far, promised)
        try:
            resp = self._fetch(request, page_no, rows_so_far, promised)
        except SourceError as exc:
            tried = f"tried {request.url}: {answer(exc)}"
            raise ColumnError("truncated", unreachable(self, before, page_no - 1, rows_so_far,
                                                             tried)) from exc
        return resp

    def _note_cap(self, memo: dict, capped_at: int | None, total: int | None, *,
                  read_to_end: bool) -> None:
        """A pass stopped by ``max_pages`` leaves the rest of the column unread: a warning for
        this pass (``memo["warning"]``, taken by the pipeline) and a note that stays, counting
        the passes since (incremental ones never look that deep), until a pass reads the column
        to its end or back to ``since``. ``chosen``: not the default cap but one set for this
        source (a column with broken deep pages accepted knowingly): shown, never alerted."""
        cap = memo.get("page_cap")
        passes = cap.get("passes", 0) if isinstance(cap, dict) else 0
        if capped_at is not None:
            of = f"{capped_at:,} of {total:,} pages" if total and total > capped_at else \
                f"{capped_at:,} page{'s' if capped_at > 1 else ''}, the column goes on"
            memo["warning"] = f"stopped at the page cap: {of}"
            memo["page_cap"] = {"note": memo["warning"], "passes": passes + 1,
                                "chosen": self.cap_chosen}
        elif read_to_end:
            memo.pop("page_cap", None)
        elif passes:
            cap["passes"] = passes + 1

    def _note_dropped(self, memo: dict, page_no: int, dropped: list[Dropped]) -> None:
        for d in dropped:
            log.info("%s: page %d: not an item: %s", self.opts["url"], page_no, d.reason)
        notes = memo.setdefault("dropped_rows", [])
        if page_no == 1:
            notes.clear()
        notes += [f"page {page_no}: {d.reason}" for d in dropped][: max(0, 20 - len(notes))]

    @staticmethod
    def _request_key(request: ListRequest) -> str:
        form = "&".join(f"{k}={v}" for k, v in sorted((request.form or {}).items()))
        return canonical_url(request.url) + ("#" + form if form else "")

    def _progress(self, page_no: int, page: ListPage, rows: list[Row], fresh: int,
                  state: CollectState) -> str:
        total = page.total_pages
        if total:
            done = min(page_no, total)
            bar = "[" + "#" * (done * 20 // total) + "-" * (20 - done * 20 // total) + "] "
            where = f"{bar}page {page_no}/{total}"
        else:
            where = f"page {page_no}"
        dated = [r.date for r in rows if r.date is not None]
        back = f", back to {beijing_date(min(dated))}" if dated else ""
        goal = f" (backfilling to {beijing_date(state.since)})" if state.since is not None else ""
        return f"{self.opts['url']}: {where}: {len(rows)} rows, {fresh} new{back}{goal}"

    def _fix_years(self, rows: list[Row], now: datetime) -> list[Row]:
        # A year-less "12-20" takes its year from its own link (…20171220…, t20171220_), else from
        # the rows around it on the page, and only from the crawl's date when neither says: that
        # guess is remembered, and the item marked list-yearless for the officer to check.
        settled = consensus.settle_years(
            [(r.url, r.date, r.date is not None and not (year_written(r.date_text) or r.year_from))
             for r in rows], now)
        how_by_url = self._list_years
        fixed = []
        for r, (when, how) in zip(rows, settled):
            if how:
                how_by_url[r.url] = how
            fixed.append(r if when == r.date else dataclasses.replace(r, date=when))
        return fixed

    def _item(self, key: str, row: Row, reader: RowReader | None = None) -> Item:
        """The item of ``row`` (its detail page read when it can be: collectors/_rowitem.py)."""
        reader = reader or RowReader(self.http, self.hosts, {})
        item = reader.item(key, row, self._list_years.get(row.url, ""))
        assert item is not None
        if row.date is None:
            self._undated.append(item.published_at is None)
        return item

