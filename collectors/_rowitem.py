"""A list row made an :class:`Item`: the list's title and date, completed from the row's own
(detail) page when that page can be read.

A detail page that cannot be read is that item's problem, never the column's: a script-only page
(a ``location.href`` stub pointing to a WeChat article, a JavaScript-cookie challenge), a
verification page, a detail slower than the timeout, an HTTP error, or a redirect to a login page
or to some other page that is not the article. The row is kept with the list's title and date and
``extra["detail_error"]`` saying why in one line, and the pass goes on: the rows after it are
the year's count too. Only the column itself failing (its list page) fails a source.

A failure that may pass (all of the above but a deliberate redirect stub) is remembered in the
source's memo (``unread_details``: the row as the list showed it, and how many passes tried it):
later passes fetch that page again — when the row is met on the list, or directly from the memo
when an incremental pass stops before it — and yield the item completed. The key is the same, so
the store refreshes the item it has; it is never counted twice. After :data:`RETRY_PASSES`
passes the page is given up on; the item keeps the list's data and its reason.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from typing import Any, Iterator
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from . import _consensus as consensus
from ._dates import beijing_date
from ._detail import parse_detail
from ._http import FetchError, Response, _host
from ._item import Item
from ._listing import ATTACHMENT_EXT, Row
from ._pages import page_title, problem, soup_of, visible_text
from ._urls import canonical_url
from ._walls import login_page

log = logging.getLogger(__name__)

RETRY_PASSES = 8          # passes that try an unreadable detail page before it is given up on
MAX_UNREAD = 300          # rows remembered for a retry (a bounded memo)
MAX_FINAL = 2000          # rows remembered as unread for good (a year of a busy column)
RETRY_PER_PASS = 20       # remembered rows not on this pass's pages fetched again per pass
WALL_AFTER = 3            # detail pages in a row answered by a challenge (or timing out)

JS_REDIRECT = re.compile(r"""location(?:\.href)?\s*=\s*["']([^"']{1,300})["']""")
# Titles of pages that are not an article, whatever page they stand on.
_GENERIC_TITLE = re.compile(
    r"^(?:用户)?登\s*[录陆]|统一身份认证|^(?:系统|温馨|错误|操作)?提示(?:信息)?$|错误|^\s*40[034]\b|"
    r"not found|^(?:网站)?首页$|^无标题|^untitled|^详情(?:页)?$|^正文$|^内容页$", re.I)
_WORD = re.compile(r"[\W_]+")


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    name = {k.lower(): v for k, v in parse_qsl(parts.query)}.get("filename", "")
    return parts.path.lower().endswith(ATTACHMENT_EXT) or unquote(name).lower().endswith(ATTACHMENT_EXT)


class _Unreadable(Exception):
    """The detail page is not the article; ``retry``: a later pass may find it readable."""

    def __init__(self, why: str, *, retry: bool = True, told: bool = True, **extra: Any) -> None:
        super().__init__(why)
        self.why = why
        self.retry = retry
        self.told = told      # said on the source's line (a 404 is only noted on its item)
        self.extra = extra


class RowReader:
    """Rows of one column to items, for one pass: ``hosts`` are the hosts whose pages may be
    fetched, ``memo`` the source's memo (its ``unread_details`` are kept there), ``site_name`` the
    parts of the column page's title (a detail titled only with them is not titled at all)."""

    def __init__(self, http: Any, hosts: frozenset[str], memo: dict) -> None:
        self.http = http
        self.hosts = hosts
        unread = memo.get("unread_details")
        self.unread: dict[str, dict] = unread if isinstance(unread, dict) else {}
        # rows whose page will not be asked for again (given up, gone, a stub to elsewhere):
        # their items keep the list's title, said by report check until their page is read
        final = memo.get("unread_final")
        self.final: dict[str, dict] = final if isinstance(final, dict) else {}
        self.memo = memo
        self.site_names: set[str] = set()
        self.failed: list[str] = []      # this pass: reasons of the detail pages not read
        # detail pages answered in a row by a challenge or a timeout: at WALL_AFTER, the rest of
        # the pass fetches none (a site walling us off is not asked a hundred times more)
        self._streak: tuple[str, int] = ("", 0)
        self.wall = ""

    def note_column_title(self, title: str) -> None:
        parts = [p for p in re.split(r"\s*(?:[_|｜]|--|—|–|\s-\s)\s*", title) if p]
        self.site_names.update(_norm(p) for p in parts if len(_norm(p)) >= 2)

    # -- the retry memo --

    def wants(self, key: str) -> bool:
        """A known row whose detail page could not be read before: fetch it again."""
        return key in self.unread

    def leftovers(self, seen: set[str], how_by_url: dict[str, str]) -> Iterator[Item]:
        """The remembered rows this pass did not meet on the list, fetched again (a few a pass):
        an item read at last, to refresh the one kept with the list's data."""
        for key in [k for k in self.unread if k not in seen][:RETRY_PER_PASS]:
            entry = self.unread[key]
            row = Row(url=entry["url"], title=entry["title"], date_text=entry.get("date_text", ""),
                      date=datetime.fromisoformat(entry["date"]) if entry.get("date") else None,
                      year_from=entry.get("year_from", ""),
                      also=tuple((text, datetime.fromisoformat(when))
                                 for text, when in entry.get("also", ())))
            how_by_url.setdefault(row.url, entry.get("how", ""))
            item = self.item(key, row, how_by_url.get(row.url, ""), known=True)
            if item is not None:
                yield item

    def _remember(self, key: str, row: Row, how: str, why: str, *, tried: bool = True) -> bool:
        """Keep ``row`` for a retry; False once it has been tried :data:`RETRY_PASSES` times
        (``tried``: its page was asked for on this pass, not deferred)."""
        entry = self.unread.get(key)
        if entry is None:
            if len(self.unread) >= MAX_UNREAD:
                return False
            entry = self.unread[key] = {
                "url": row.url, "title": row.title, "date_text": row.date_text,
                "date": row.date.isoformat() if row.date else None, "year_from": row.year_from,
                "also": [[text, when.isoformat()] for text, when in row.also], "how": how,
                "tries": 0}
        self.memo["unread_details"] = self.unread
        entry["tries"] += tried
        entry["why"] = why
        if entry["tries"] >= RETRY_PASSES:
            log.info("%s: detail page still unreadable after %d passes, given up: %s", row.url,
                     entry["tries"], why)
            del self.unread[key]
            return False
        return True

    def summary(self) -> str:
        """This pass's note for the source's line, "" when every detail page was read."""
        if not self.failed:
            return ""
        n = len(self.failed)
        return (f"{n} detail page{'s' if n > 1 else ''} not read, the rows kept with the list's "
                f"title and date; first: {self.failed[0]}")

    # -- one row --

    def item(self, key: str, row: Row, how: str, *, known: bool = False) -> Item | None:
        """The item of ``row``. ``how``: where a year-less list date took its year. ``known``:
        the row is stored already (with the list's data): None unless its page is read now."""
        # The date a person reads wins, by consensus (collectors/_consensus.py): the detail's
        # visible 发布时间 line and the list's date first, then the metas; the link's own date
        # supports a reading, and every candidate is kept when their years disagree.
        listed = consensus.candidate(
            consensus.LIST_YEARLESS if how == "context" else consensus.LIST, row.date_text,
            {"url": "year from its link", "neighbours": "year from the rows around it",
             "context": "year from the crawl date"}.get(how, ""), when=row.date,
            inferred_year=bool(how)) if row.date else None
        # a row's other unlabelled date a year apart ("2025-12-28 2026-01-04"): a date conflict
        others = [consensus.candidate(consensus.LIST, text, "another date on the list", when=when)
                  for text, when in row.also]
        around = [listed, *others, consensus.url_candidate(row.url)]
        on_list = consensus.decide(around)
        list_fields = dict(key=key, url=row.url, title=row.title, published_at=on_list.published,
                           date_source=on_list.source, date_raw=on_list.raw)
        host = _host(row.url)
        if host not in self.hosts:
            return Item(**list_fields, external=True, extra={"host": host, **on_list.extra()})
        if is_attachment_url(row.url):
            return Item(**list_fields, extra={"attachment": True, **on_list.extra()})
        try:
            if self.wall:
                raise _Unreadable(f"not fetched on this pass: {self.wall}", deferred=True)
            resp, soup = self._page(row)
        except _Unreadable as gone:
            deferred = gone.extra.pop("deferred", False)
            if not deferred:
                self._note_streak(gone.why)
            retry = gone.retry and self._remember(key, row, how, gone.why, tried=not deferred)
            if not retry:
                self.unread.pop(key, None)
                if not gone.extra.get("refused"):
                    self._given_up(key, row, gone.why)
            if known:
                return None
            if gone.told:
                self.failed.append(gone.why)
            extra = {"detail_error": gone.why, **gone.extra, **on_list.extra()}
            if gone.extra.get("refused"):
                extra = {"host": host, "detail_error": gone.why, **on_list.extra()}
                return Item(**list_fields, external=True, extra=extra)
            return Item(**list_fields, extra=extra)
        self.unread.pop(key, None)
        if self.final.pop(key, None) is not None and not self.final:
            self.memo.pop("unread_final", None)
        self._streak = ("", 0)
        return self._complete(key, row, resp, soup, around)

    def _given_up(self, key: str, row: Row, why: str) -> None:
        """Note a row whose page no later pass will ask for (its item keeps the list's title);
        the newest MAX_FINAL are kept."""
        self.final.pop(key, None)
        self.final[key] = {"date": row.date.isoformat() if row.date else None, "why": why}
        while len(self.final) > MAX_FINAL:
            del self.final[next(iter(self.final))]
        self.memo["unread_final"] = self.final

    def _note_streak(self, why: str) -> None:
        kind = ("challenge" if why.startswith(("script-only", "verification")) else
                "timeout" if why.startswith("timed out") or " took over " in why else "")
        n = self._streak[1] + 1 if kind and kind == self._streak[0] else 1
        self._streak = (kind, n)
        if kind and n >= WALL_AFTER:
            self.wall = (f"the last {n} detail pages fetched " + (
                "were challenge or verification pages" if kind == "challenge" else "timed out"))
            log.warning("%s; the rest wait for the next pass", self.wall)

    def _page(self, row: Row) -> tuple[Response, BeautifulSoup]:
        """The row's page and its soup, or :class:`_Unreadable` saying why it is not the article."""
        url = row.url
        for _hop in (0, 1):
            try:
                resp = self.http.get(url, allowed_hosts=self.hosts)
            except FetchError as exc:
                if exc.kind == "refused":
                    raise _Unreadable(str(exc), retry=False, told=False, refused=True) from exc
                if exc.status in (404, 410):     # the article's page is deleted
                    raise _Unreadable(str(exc), retry=False, told=False, upstream="gone") from exc
                if exc.kind in ("robots", "too-large"):
                    raise _Unreadable(str(exc), retry=False, told=False) from exc
                if exc.kind == "deadline" and "source pass" in str(exc):
                    raise   # the whole pass is over its time: the column's failure, not the row's
                raise _Unreadable(str(exc)) from exc
            soup = soup_of(resp.text)
            why = problem(resp, soup)
            if why is None:
                login = self._not_the_article(row, resp, soup)
                if login:
                    raise _Unreadable(login)
                return resp, soup
            if why.startswith("script-only"):
                m = JS_REDIRECT.search(resp.text)
                target = urljoin(resp.url, m.group(1).strip()) if m else ""
                if target and canonical_url(target) != canonical_url(resp.url):
                    if _host(target) in self.hosts and _hop == 0:
                        url = target            # a stub to another page of this site: read that
                        continue
                    # a deliberate stub (to a WeChat article, another site): it stays one
                    raise _Unreadable(f"redirect stub at {resp.url} (JavaScript, to {target})",
                                      retry=False, detail_redirect=target)
                raise _Unreadable(why)
            if why.startswith("verification"):
                raise _Unreadable(why)
            # a soft 404 (the page says it is deleted), an empty page: noted on the item
            raise _Unreadable(why, retry=False, told=False,
                              **({"upstream": "gone"} if why.startswith("soft 404") else {}))
        raise _Unreadable(f"redirect stubs loop at {url}")

    def _not_the_article(self, row: Row, resp: Response, soup: BeautifulSoup) -> str:
        """Why a readable page is still not the row's article (a login page, a redirect to another
        page), or ""."""
        login = login_page(row.url, resp, soup)
        if login:
            return login
        title = page_title(soup)
        moved = canonical_url(resp.url) != canonical_url(row.url)
        if moved and urlsplit(resp.url).path != urlsplit(row.url).path and row.title:
            heading = parse_detail(soup, resp.url).title or title
            if not _holds(heading, row.title) and not _holds(visible_text(soup)[:5000], row.title):
                return (f"redirected from {row.url} to {resp.url}, a page that is not the article "
                        f"(title {heading!r})")
        return ""

    def _generic(self, title: str) -> bool:
        return bool(_GENERIC_TITLE.search(title)) or _norm(title) in self.site_names

    def _complete(self, key: str, row: Row, resp: Response, soup: BeautifulSoup,
                  around: list) -> Item:
        d = parse_detail(soup, resp.url)
        chosen = consensus.decide([*d.date_candidates, *around])
        published = chosen.published
        list_date = ""
        extra: dict[str, Any] = {"encoding": resp.encoding, **chosen.extra()}
        if d.fields:
            extra["fields"] = d.fields
        if d.attachments:
            extra["attachments"] = d.attachments
        if row.date is not None and published is not None:
            # Another day won: the list's own date is kept beside it.
            delta = abs((beijing_date(published) - beijing_date(row.date)).days)
            if delta:
                list_date = row.date_text
                extra["date_delta_days"] = delta
        title = d.title or row.title
        if row.title and d.title and (self._generic(d.title) or not _shares(d.title, row.title)):
            # the page's title is the site's name, 登录, 提示 … or has nothing of the row's
            title = row.title
            extra["detail_title"] = d.title
        elif d.title and row.title and d.title != row.title:
            extra["list_title"] = row.title
        return Item(key=key, url=row.url, title=title, published_at=published,
                    date_source=chosen.source, date_raw=chosen.raw, body=d.body, byline=d.byline,
                    list_date=list_date, raw=resp.content, raw_url=resp.url,
                    raw_content_type=resp.content_type, extra=extra)


def _norm(text: str) -> str:
    return _WORD.sub("", unicodedata.normalize("NFKC", text)).lower()


def _shares(text: str, title: str) -> bool:
    """Whether ``text`` has any two-character piece of ``title`` (both normalised); True when
    either is too short to tell."""
    a, b = _norm(text), _norm(title)
    if len(a) < 2 or len(b) < 2:
        return True
    return any(b[i:i + 2] in a for i in range(len(b) - 1))


def _holds(text: str, title: str) -> bool:
    """Whether ``text`` holds most of ``title`` in one piece (normalised; 60%, at least four
    characters): a page redirected to is the article only so — a home page shares the bureau's
    name with every title, not the title."""
    a, b = _norm(text), _norm(title)
    k = max(4, -(-len(b) * 3 // 5))
    if len(b) <= k:
        return b in a
    return any(b[i:i + k] in a for i in range(len(b) - k + 1))
