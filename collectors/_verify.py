"""Does a ``website`` source really read its column? The check behind ``gongkai probe`` (which
tries every preset and keeps the one that verifies) and ``gongkai source test`` (every configured
source, nothing saved).

A verdict is earned, not assumed: page 1 gives rows that are not page furniture, with dates, on
the column's own host; the next page the pager names answers with other rows (or the column says
it has one page); a stated total is reported; with ``detail`` up to three items' own pages are
read and dated, each said. Whatever fails is said in words an officer can act on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ._dates import beijing_date
from ._item import CollectState, SourceError
from ._listing import Row
from ._presets import Context, Detection, ListRequest
from ._sanity import off_host, screen
from ._urls import canonical_url
from ._rowitem import RowReader, is_attachment_url
from ._website import Website


_PACKAGE = Path(__file__).resolve().parent
DETAILS_CHECKED = 3        # item pages read by `gongkai source test` (one by a probe of undated rows)


@dataclass
class Verdict:
    preset: str
    ok: bool = False
    rows: list[Row] = field(default_factory=list)       # page 1's rows that look like items
    evidence: list[str] = field(default_factory=list)   # what was checked and held
    problems: list[str] = field(default_factory=list)   # what failed, in the user's terms
    next_page: str = ""                                 # the next list request, or why none
    total_pages: int | None = None
    detection: Detection | None = None

    @property
    def score(self) -> tuple:
        """Ranks verdicts: verified first, then pages confirmed, then dated rows, then the fewer
        undated ones (a reading that adds a menu's links to the same dated rows is worse)."""
        dated = sum(r.date is not None for r in self.rows)
        return (self.ok, not self.problems, dated, dated - len(self.rows))


def verify(site: Website, now: datetime, *, detail: bool = False) -> Verdict:
    """Read page 1 (through shells and JS redirect stubs), the next page, and with ``detail`` up to
    three item pages, of ``site``'s column; never raises for the site's sake — not even for a bug a
    surprising page sets off in a preset, which becomes this reading's problem."""
    v = Verdict(preset=site.opts["preset"])
    try:
        return _verify(site, now, detail, v)
    except Exception as exc:  # noqa: BLE001 - one reading's surprise must not end the probe
        v.ok = False
        v.problems.append(f"internal error in the {v.preset} reading: {_where(exc)}")
        return v


def _where(exc: BaseException) -> str:
    """``Type: message (file.py:line)`` of the innermost frame in this package."""
    tb, spot = exc.__traceback__, ""
    while tb is not None:
        name = Path(tb.tb_frame.f_code.co_filename)
        if name.is_relative_to(_PACKAGE):
            spot = f" (collectors/{name.relative_to(_PACKAGE).as_posix()}:{tb.tb_lineno})"
        tb = tb.tb_next
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}{spot}"


def _verify(site: Website, now: datetime, detail: bool, v: Verdict) -> Verdict:
    state = CollectState(now=now, since=now)     # since: no conditional GET, nothing remembered
    ctx = Context(context_year=now.year, options=site.opts)
    try:
        preset = site._preset(None)
        # a column read from the JSON list its page loads starts there (datafile's list_json)
        first = preset.first(site.opts["url"], {}) if preset and site.opts.get("list_json") \
            else ListRequest(site.opts["url"])
        opened = site._first_page(preset, first, state, ctx)
    except SourceError as exc:
        v.detection = site.detection
        v.problems.append(f"page 1: {exc}")
        return v
    assert opened is not None
    preset, _request, page = opened
    v.preset, v.detection = preset.name, site.detection
    rows, dropped = screen(site._fix_years(page.rows, now))
    v.rows, v.total_pages = rows, page.total_pages
    v.next_page = (page.next.label or page.next.url) if page.next else f"none ({page.signal})"
    if dropped:
        v.evidence.append(f"{len(dropped)} page-furniture rows set aside "
                          f"({'; '.join(d.reason for d in dropped[:3])})")
    if not rows:
        if site._says_empty and not dropped:
            # an empty column says so: a configured source is fine (a crawl is ok with a note);
            # a probe has nothing to check its reading against yet
            said = f"page 1 has no rows and says {site._says_empty!r}: the column is empty"
            if detail:
                v.evidence.append(said)
                v.ok = True
            else:
                v.problems.append(said + " — nothing to check a reading against yet")
            return v
        v.problems.append("page 1 gives no rows that look like items")
        return v
    dated = [r for r in rows if r.date is not None]
    away = off_host(rows, site.hosts)
    v.evidence.append(f"page 1: {len(rows)} rows, {len(dated)} with a date"
                      + (f" ({beijing_date(min(r.date for r in dated))} to "
                         f"{beijing_date(max(r.date for r in dated))})" if dated else ""))
    if len(away) * 2 > len(rows):
        v.problems.append(f"{len(away)} of {len(rows)} rows link to other hosts "
                          f"({sorted({canonical_url(r.url).split('/')[2] for r in away})[:3]}): a "
                          "page of links, not this site's column")
    for note in page.notes:
        # a guess between two alike lists would read the wrong one all year: not verified
        (v.problems if note.startswith("ambiguous") else v.evidence).append(f"page 1: {note}")
    if page.total_pages:
        v.evidence.append(f"the column states {page.total_pages} pages")
    if page.next is not None:
        _check_next(site, preset, page, page.next, rows, state, ctx, v)
    elif page.unreachable:
        try:
            request = site._beyond(page, 1, len(rows))
        except SourceError as exc:
            v.problems.append(str(exc))
        else:
            v.next_page = request.label
            _check_next(site, preset, page, request, rows, state, ctx, v)
    else:
        v.evidence.append(f"one page only ({page.signal})")
    # A list without dates is a column when its items' own pages are dated (the crawl holds
    # page 1 back until one proves so): then one detail page decides, as a crawl would.
    if detail or not dated:
        _check_detail(site, rows, v, DETAILS_CHECKED if detail else 1)
    if not dated and not any(e.startswith("detail: dated") for e in v.evidence):
        v.problems.append("no row on page 1 has a date, on the list or on its first item's page")
    v.ok = not v.problems
    return v


def _check_next(site: Website, preset: Any, page: Any, request: ListRequest, rows: list[Row],
                state: CollectState, ctx: Context, v: Verdict) -> None:
    promised = page.promised or page.next is None
    try:
        resp = site._fetch_beyond(request, 2, len(rows), promised, page)
        nxt = preset.parse(request, resp, ctx, state.memo)
    except SourceError as exc:
        said = str(exc)
        v.problems.append(said if said.startswith("list page 2") else
                          f"page 2 ({request.label or request.url}): {said}")
        return
    urls = {r.url for r in rows}
    more, _ = screen(nxt.rows)
    if not more:
        if promised:
            v.problems.append(f"page 2 ({request.label or request.url}) is empty although the "
                              "column states more: it would be cut short")
        else:
            v.evidence.append("page 2 is empty: the column ends on page 1")
        return
    if {r.url for r in more} <= urls:
        v.problems.append(f"page 2 ({request.label or request.url}) repeats page 1: the site "
                          "ignores the page number")
        return
    v.evidence.append(f"page 2 ({request.label or request.url}): {len(more)} more rows")


def _check_detail(site: Website, rows: list[Row], v: Verdict, limit: int) -> None:
    """Read up to ``limit`` items' own pages, as a crawl would, each said on a line of its own. One
    that cannot be read (a redirect stub, a challenge, a login page) is said, not a failure: the
    crawl keeps its row with the list's title and date. None readable is a failure."""
    reader = RowReader(site.http, site.hosts, {})
    reader.note_column_title(site._column_title)
    picked = [r for r in rows if not off_host([r], site.hosts) and not is_attachment_url(r.url)]
    picked = list({canonical_url(r.url): r for r in picked}.values())[:limit]
    unread: list[str] = []
    for row in picked:
        try:
            item = site._item(canonical_url(row.url), row, reader)
        except SourceError as exc:
            unread.append(f"{row.url}: {exc}")
            continue
        error = item.extra.get("detail_error")
        if error:
            unread.append(f"{row.url}: {error}")
            v.evidence.append(f"detail: could not be read ({error}); a crawl keeps its row with "
                              "the list's title and date")
        elif item.published_at is not None:
            v.evidence.append(f"detail: dated {beijing_date(item.published_at)} "
                              f"({item.date_source}), {len(item.body)} characters of text — "
                              f"{row.url}")
        else:
            v.evidence.append(f"detail: read, {len(item.body)} characters, no date on the page — "
                              f"{row.url}")
    if picked and len(unread) == len(picked):
        n = len(picked)
        v.problems.append(f"none of the {n} detail pages checked could be read (above)" if n > 1
                          else f"the detail page checked could not be read: {unread[0]}")
