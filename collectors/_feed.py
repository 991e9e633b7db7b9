"""Source kind ``feed``: RSS 2.0 / Atom from a WeChat bridge (RSSHub, WeWe RSS, we-mp-rss,
Wechat2RSS) or any site.

feedparser only parses bytes here: fetching goes through :class:`Http` (it has no timeout of its
own), and its ``*_parsed`` dates are not used because they mis-read Chinese, slash, epoch and ``CST``
dates (wechat-feeds.md §4). With ``fetch_articles`` the article page of each new item is fetched
(:mod:`._wechat`) for its own time, body and permanent identity.

Each entry is read by :mod:`._feedentry` (an entry that is no article is a placeholder, never an
item); what a pass learns beyond its entries — identities behind a shared link, dates that are
the fetch time, gaps — by :mod:`._feedpass`; the bytes are checked by :mod:`._feedbytes`.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup

from ._wechat import with_articles
from ._base import Option, SourceKind, check_range, check_url, register
from ._consensus import url_candidate
from ._dates import BEIJING, parse_date
from ._feedentry import (LOGIN_EXPIRED, TRUNCATED, Placeholder, clean, entry_body, entry_raw,
                         entry_title, id_key, link_id_key, note_placeholders, placeholder_of,
                         raw_date, unwrap_link)
from ._feedbytes import HTML_START, declares_entities, garbled, undeclared_as_utf8
from ._feedpass import Identities, check_gap, server_time, settle_from_pages, watch_dates
from ._item import CollectState, ConfigError, Item, SourceError
from ._jsonfeed import looks_like_json, parse_json
from ._urls import canonical_url, wechat_key

log = logging.getLogger(__name__)

_RSS_ITEM_ID = re.compile(rb"<item\b.*?</item>", re.S)
_RSS_ID_TAG = re.compile(rb"<id>\s*(\d+-\d+_\d+)\s*</id>")
_DAY = 86400.0
# §5.3: a date in the future or a WeChat date before official accounts existed is a bridge's error
_FUTURE_SLACK = timedelta(minutes=10)
_WECHAT_LAUNCH = datetime(2012, 8, 23, tzinfo=BEIJING)


@register
class Feed(SourceKind):
    """An RSS/Atom feed; each entry is one item (the articles of one WeChat push differ by idx)."""

    name = "feed"
    options = {
        "url": Option(str, help="the feed URL (ask bridges for .rss or .atom, not .json)"),
        "allow_hosts": Option(list, [], help="other hosts the feed may redirect to"),
        "stale_factor": Option(float, 4.0, help="fail when the newest item is older than this many "
                               "times the feed's usual gap between items (0: never)"),
        "stale_min_days": Option(float, 7.0, help="...but never before this many days"),
        "fetch_articles": Option(bool, False, help="fetch each new item's article page (only from "
                                 "hosts in allow_hosts, e.g. mp.weixin.qq.com) for its time, "
                                 "body and identity"),
        "max_articles": Option(int, 30, help="at most this many article pages per run"),
    }

    @classmethod
    def validate(cls, options: dict[str, Any]) -> dict[str, Any]:
        opts = super().validate(options)
        check_url(opts["url"])
        check_range(opts, "stale_factor", 0, 100)       # 0: never stale
        check_range(opts, "stale_min_days", 0, 366)
        check_range(opts, "max_articles", 0, 10_000)
        if not all(isinstance(h, str) and h for h in opts["allow_hosts"]):
            raise ConfigError("key 'allow_hosts' must be a list of host names")
        return opts

    def collect(self, state: CollectState) -> Iterator[Item]:
        url = self.opts["url"]
        hosts = {urlsplit(url).hostname.lower()} | {h.lower() for h in self.opts["allow_hosts"]}
        resp = self.http.get(url, allowed_hosts=hosts, etag=state.memo.get("etag"),
                             last_modified=state.memo.get("last_modified"))
        if resp.status == 304:
            # a bridge whose login expired keeps serving the same feed: 304 is no proof of health
            self._check_rhythm(url, state, None)
            state.memo["not_modified"] = True
            state.progress(f"{url}: not modified")
            return
        state.memo["not_modified"] = False
        parsed = self._parse(url, resp.content, resp.headers)
        _check_login(url, parsed)
        ids = _rss_item_ids(resp.content) if parsed.get("version", "").startswith("rss") else []
        if len(ids) != len(parsed.entries):
            ids = []   # the raw scan and feedparser disagree: trust neither pairing
        # the bridge itself: an entry pointing back at it is the bridge talking, not an article
        bridge = (url, resp.url, str(parsed.feed.get("link", "")))
        own_hosts = {urlsplit(u).hostname or "" for u in bridge}
        entries = [(unwrap_link(e), str(e.get("id") or ""), entry_title(e), raw_date(e))
                   for e in parsed.entries]
        now = state.now or datetime.now(timezone.utc)
        served = server_time(resp.headers)
        identities = Identities(entries, bridge, state.memo, now, served)
        items: list[Item] = []
        placeholders: list[Placeholder] = []
        for n, entry in enumerate(parsed.entries):
            raw_id = ids[n] if n < len(ids) else ""
            found = placeholder_of(entry, raw_id, own_hosts - {""})
            if found:
                placeholders.append(found)
                continue
            item = self._item(url, parsed, entry, raw_id, identities)
            if item is not None:
                items.append(item)
        note_placeholders(url, state, placeholders, any_items=bool(items))
        _check_garbled(url, items)
        identities.save()
        items = watch_dates([_check_date(i, now) for i in items], state.memo, now, served)
        gap = check_gap(url, items, len(parsed.entries), state.memo, state.is_known, now)
        if gap:
            state.memo["warning"] = gap
        self._check_rhythm(url, state, [i.published_at for i in items if i.published_at])
        # Only a feed that parsed is worth remembering: a failed one must be fetched in full again.
        for header, key in (("etag", "etag"), ("last-modified", "last_modified")):
            if resp.headers.get(header):
                state.memo[key] = resp.headers[header]
        skipped = f", {len(placeholders)} placeholders skipped" if placeholders else ""
        state.progress(f"{url}: {len(items)} entries{skipped}")
        if self.opts["fetch_articles"]:
            yield from settle_from_pages(
                with_articles(items, self.http, state, self.opts["allow_hosts"],
                              self.opts["max_articles"]), state.memo)
        else:
            yield from items

    def _check_rhythm(self, url: str, state: CollectState,
                      dates: list[datetime] | None) -> None:
        """Fail when the newest item is much older than the feed's usual gap between items (an
        expired bridge login serves the old feed with HTTP 200 or 304, wechat-feeds.md §6 F1).

        The rhythm is learned from the feed's own items and kept in ``state.memo``. Only a feed
        that was once seen fresh can go stale: an archive that was already old when first read
        (a retired account, the demo site) is not an alarm."""
        factor = self.opts["stale_factor"]
        now = state.now or datetime.now(timezone.utc)
        memo = state.memo
        newest_seen = memo.get("newest")
        newest = max(dates) if dates else None
        if newest_seen:
            known = datetime.fromisoformat(newest_seen)
            newest = known if newest is None or known > newest else newest
        if newest is None:
            return
        if dates and len(dates) >= 3:
            ordered = sorted(dates)
            memo["rhythm_s"] = max((ordered[-1] - ordered[0]).total_seconds() / (len(ordered) - 1),
                                   _DAY / 4)
        rhythm = memo.get("rhythm_s")
        if not factor or not rhythm:
            memo["newest"] = newest.isoformat()
            return
        limit = max(factor * rhythm, self.opts["stale_min_days"] * _DAY)
        age = (now - newest).total_seconds()
        if age > limit and memo.get("fresh"):
            raise SourceError(
                f"feed {url}: newest item is {age / _DAY:.1f} days old, but the account usually "
                f"posts every {rhythm / _DAY:.1f} days (bridge login expired or blocked?)")
        memo["fresh"] = age <= limit
        memo["newest"] = newest.isoformat()

    def _parse(self, url: str, content: bytes, headers: dict[str, str]) -> Any:
        if not content.strip():
            raise SourceError(f"empty response body from feed {url} (bridge down or login expired?)")
        if HTML_START.match(content[:2048]):
            soup = BeautifulSoup(content[:65536], "lxml")
            title = " ".join((soup.title.get_text() if soup.title else "").split())
            text = " ".join(soup.get_text(" ").split())[:120]
            raise SourceError(f"feed {url} returned an HTML page, not a feed "
                              f"(title {title!r}: {text!r})")
        if declares_entities(content):
            raise SourceError(f"feed {url} declares XML entities in a DOCTYPE (an entity-expansion "
                              "bomb?): refused unparsed")
        if looks_like_json(content):
            parsed = parse_json(content, url)
            if not parsed.entries:
                raise SourceError(f"feed {url} has zero entries (an empty feed means a broken "
                                  "bridge, not a quiet bureau)")
            return parsed
        content, headers = undeclared_as_utf8(content, dict(headers))
        parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False,
                                  resolve_relative_uris=False)
        if not parsed.entries:
            if parsed.get("bozo") and not parsed.get("version"):
                raise SourceError(f"feed {url} is not well-formed: "
                                  f"{type(parsed.get('bozo_exception')).__name__}: "
                                  f"{' '.join(str(parsed.get('bozo_exception')).split())[:150]}")
            raise SourceError(f"feed {url} has zero entries (an empty feed means a broken bridge, "
                              "not a quiet bureau)")
        if parsed.get("bozo"):
            log.info("feed %s parsed with a warning: %r", url, parsed.get("bozo_exception"))
        return parsed

    def _item(self, feed_url: str, parsed: Any, entry: Any, raw_id: str = "",
              identities: Identities | None = None) -> Item | None:
        link = unwrap_link(entry)
        guid = str(entry.get("id") or "")
        from_link = wechat_key(link) if link else None
        # we-mp-rss carries the article identity in its id (RSS <id>, JSON id, local view link):
        # canonical without a page fetch, so it wins over a short /s/TOKEN link (§3.5)
        canonical = id_key(raw_id) or id_key(guid) or link_id_key(link)
        aliases: list[str] = []
        if canonical and from_link and from_link != canonical:
            aliases.append(from_link)
        key = canonical or from_link
        # a link shared by several articles (a bridge's own page, a site root) is nobody's
        foreign = identities is not None and identities.foreign(link)
        if foreign and key is None and identities is not None:
            key = identities.key(link, guid, entry_title(entry), raw_date(entry))
        if key is None and link:
            key = canonical_url(link)
            if identities is not None:
                identities.own(link, entry_title(entry), raw_date(entry))
        if key is None and guid:
            key = f"guid:{guid}"
        if key is None:
            log.warning("feed %s: entry without link or id skipped: %r", feed_url, entry.get("title"))
            return None
        title = entry_title(entry)
        date_text = raw_date(entry)
        published = parse_date(date_text) if date_text else None
        date_source = "feed" if published else ""
        in_link = url_candidate(link) if published is None and link and not foreign else None
        if in_link is not None and in_link.precision == "day":
            # no date in the entry, but its link has one (TRS /202511/t20251105_…)
            published, date_source = in_link.when, "url"
        extra: dict[str, Any] = {"feed_title": clean(parsed.feed.get("title", ""))}
        if aliases:
            extra["aliases"] = aliases
        if title.endswith(TRUNCATED):
            extra["title_truncated"] = True   # RSSHub cuts long titles; kept as given
        if date_text and date_source != "feed":
            extra["date_unparsed"] = date_text
        if in_link is not None and date_source == "url":
            extra["date_from_link"] = link
        body, placeholder = entry_body(entry)
        if placeholder:
            extra["body_placeholder"] = placeholder
        url = link or guid
        if foreign:
            # the shared link is kept aside: as the item's address it would make every article
            # behind it "the same article" to the duplicate detector
            extra["shared_link"] = link
            url = guid if guid and guid != link else ""
        return Item(key=key, url=url, title=title, published_at=published,
                    date_source=date_source,
                    date_raw=in_link.raw if date_source == "url" else date_text, body=body,
                    byline=clean(entry.get("author", "")), raw=entry_raw(entry),
                    raw_url=feed_url, raw_content_type="application/json", extra=extra)


def _check_date(item: Item, now: datetime) -> Item:
    """Flag a date no article can have (wechat-feeds.md §5.3): the item stays undated for review
    instead of being counted in a wrong year (and it does not fool the rhythm check)."""
    pub = item.published_at
    if pub is None:
        return item
    if pub > now + _FUTURE_SLACK:
        why = "in the future"
    elif item.key.startswith(("wx:", "wxs:")) and pub < _WECHAT_LAUNCH:
        why = "before WeChat official accounts existed"
    else:
        return item
    log.warning("feed item %s: date %r is %s; left undated", item.key, item.date_raw, why)
    return replace(item, published_at=None, date_source="",
                   extra={**item.extra, "date_unparsed": item.date_raw, "date_suspect": why})


def _check_garbled(url: str, items: list[Item]) -> None:
    """Titles that read as Chinese decoded with the wrong codec fail the pass: stored, they would
    be filed 其他 and counted under it, and their text matched by nothing."""
    for item in items:
        fixed = garbled(item.title)
        if fixed:
            raise SourceError(f"feed {url}: garbled text (title {item.title[:30]!r} is "
                              f"{fixed[:30]!r} read with the wrong encoding): the feed does not "
                              "declare its encoding, or declares a wrong one")


def _rss_item_ids(content: bytes) -> list[str]:
    """we-mp-rss's non-standard <id> of each RSS <item>, in order ("" where absent): feedparser
    drops it in favour of <guid>, which holds only the link."""
    if b"<id>" not in content:
        return []
    out = []
    for m in _RSS_ITEM_ID.finditer(content):
        found = _RSS_ID_TAG.search(m.group(0))
        out.append(found.group(1).decode("ascii") if found else "")
    return out


def _check_login(url: str, parsed: Any) -> None:
    """A bridge whose login expired may still answer with its old feed: the feed's own title
    says so. (An entry that says so is a placeholder: :func:`placeholder_of`.)"""
    feed = parsed.feed
    for field in ("title", "subtitle", "description"):
        m = LOGIN_EXPIRED.search(str(feed.get(field, "")))
        if m:
            raise SourceError(f"feed {url}: bridge login expired ({field} says {m.group(0)!r})")

