"""What one pass over a feed learns beyond its entries, kept in ``state.memo`` between passes.

- **Identity when the link is not the article's** (:class:`Identities`). Some bridges give every
  entry the same link — their own account page, ``https://mp.weixin.qq.com/``, the feed — so the
  link cannot tell two articles apart: keyed by it, the second overwrites the first and one
  publication is lost. Such an entry is keyed by its guid, or, when the bridge's guids change
  on every fetch, by the key its content (title and date) was given at the first pass. An
  article keeps its first key: the one its link gave while it was alone behind it, or the one
  its title gave when its date is the fetch time or moved (a bridge's stand-in, not an identity).
- **Dates that are no publication date** (:func:`watch_dates`). A bridge that has no date for
  an entry writes the time of the request (we-mp-rss, feeddd's grab time, wechat-feeds.md §5):
  a date equal to the fetch time, or one that moves between fetches of the same entry, is not
  the publish time. The first seen is kept and the item goes to date review.
- **Gaps** (:func:`check_gap`). A bridge lists only its newest N entries (WeWe 10, Wechat2RSS 20,
  RSSHub 1–20): when more than N were published between two passes, the oldest are never seen.
  It cannot be fetched, but it is said: a warning for the pass and a note ``status`` shows.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from ._consensus import precision_of
from ._dates import BEIJING, parse_date
from ._item import Item
from ._urls import canonical_url, wechat_key

log = logging.getLogger(__name__)

_MEMO_LINKS = 50            # links remembered as shared by several entries
_MEMO_ENTRIES = 300         # content fingerprints and first-seen dates remembered (a feed's worth)
_MEMO_GAPS = 10
# A bridge's "now" is the time of the request: the server's Date header to the second, or the
# pass's own clock, read before the request (robots.txt and the host's delay come first)
_NOW_SLACK = timedelta(seconds=10)
_NOW_AFTER = timedelta(seconds=120)
# a date that moves by less is the same article's; more, another article of the same title
_MOVED = timedelta(days=2)


def _is_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


class Identities:
    """Which entries of one fetch have a link that is not their own article's, and their keys.

    A link is not an article's own when it is a site's root, a WeChat page that is no article,
    the feed or the bridge's home itself, or the same link on entries with different guids or
    titles (in this fetch or an earlier one: remembered in ``memo["shared_links"]``, the most
    recently seen kept).

    An entry's first key is kept on later passes (the memo's ``entry_keys`` by content,
    ``title_keys`` by title, ``link_owners`` for the entry a link was once alone on): a date that
    is the fetch time (*now*, or the server's clock *served*) or that moved is not part of it."""

    def __init__(self, entries: Iterable[tuple[str, str, str, str]], bridge_urls: Iterable[str],
                 memo: dict, now: datetime | None = None, served: datetime | None = None) -> None:
        """*entries*: (link, guid, title, raw date) of every entry of the fetch."""
        self.memo = memo
        self.now, self.served = now, served
        entries = list(entries)
        shared = memo.get("shared_links")
        # ordered oldest to most recently seen (a dict keeps insertion order)
        self.shared: dict[str, None] = dict.fromkeys(
            s for s in (shared if isinstance(shared, list) else []) if isinstance(s, str))
        self.bridge = {canonical_url(u) for u in bridge_urls if u}
        seen: dict[str, tuple[str, str]] = {}
        for link, guid, title, _ in entries:
            if not link or wechat_key(link):
                continue
            canon = canonical_url(link)
            if canon in self.shared or (canon in seen and seen[canon] != (guid, title)):
                self.shared.pop(canon, None)
                self.shared[canon] = None            # seen now: the most recent
            seen.setdefault(canon, (guid, title))
        self._guids = _counts(g for _, g, _, _ in entries)
        self._stamps = [self._stamp(d) for _, _, _, d in entries]
        self._slots = set(_slots((t, s) for (_, _, t, _), s in zip(entries, self._stamps)))
        self._keys = _memo_dict(memo, "entry_keys")
        self._titles = _memo_dict(memo, "title_keys")
        self._owners = _memo_dict(memo, "link_owners")
        self._used: dict[str, str] = {}
        self._used_titles: dict[str, list] = {}
        self._owned: dict[str, list] = {}
        self._given: set[str] = set()
        self._marks: dict[str, int] = {}
        self._title_marks: dict[str, int] = {}

    def _stamp(self, raw_date: str) -> str:
        """The entry's date as part of its identity: "" when it is the fetch time."""
        raw = raw_date.strip()
        when = parse_date(raw) if raw and self.now is not None else None
        if (when is not None and precision_of(raw) == "second"
                and _at_fetch_time(when, self.now, self.served)):
            return ""
        return raw

    def foreign(self, link: str) -> bool:
        """True when *link* is not the entry's own article."""
        if not link or wechat_key(link):
            return False
        canon = canonical_url(link)
        host = (urlsplit(link).hostname or "").lower()
        return (_is_root(link) or canon in self.shared or canon in self.bridge
                or host in ("mp.weixin.qq.com", "weixin.qq.com"))

    def own(self, link: str, title: str, raw_date: str) -> None:
        """The entry alone on *link* is keyed by it: remembered, so that when the link is later
        shared this entry keeps that key."""
        if title:
            self._owned[canonical_url(link)] = [_fingerprint(title, ""), self._stamp(raw_date)]

    def key(self, link: str, guid: str, title: str, raw_date: str) -> str:
        """The key of an entry whose link is not its own (:meth:`foreign`)."""
        stamp = self._stamp(raw_date)
        slot = _next_slot(self._marks, _fingerprint(title, stamp))
        tslot = _next_slot(self._title_marks, _fingerprint(title, ""))
        canon = canonical_url(link)
        owner = self._owners.get(canon)
        key = ""
        if (title and isinstance(owner, list) and len(owner) == 2 and owner[0] == tslot
                and isinstance(owner[1], str) and _same_date(owner[1], stamp)):
            key = canon                            # the article once alone on this link
        if not key and title:
            key = self._keys.get(slot, "")         # the same content: guids that change
        by_title = self._titles.get(tslot) if title else None
        if (not key and isinstance(by_title, list) and len(by_title) == 3
                and all(isinstance(v, str) for v in by_title)):
            old_key, old_stamp, old_slot = by_title
            if not stamp or not old_stamp:
                key = old_key                      # the date is (or was) the fetch time
            elif (old_slot not in self._slots and not self._unique_guid(link, guid)
                  and _moved(old_stamp, stamp)):
                key = old_key                      # a date that moved: the same article
        if not key and self._unique_guid(link, guid):
            key = f"guid:{guid}"
        if not key or not isinstance(key, str) or key in self._given:
            key = "entry:" + (slot if "#" not in slot else _fingerprint(slot, ""))
        self._given.add(key)
        if title:
            self._used[slot] = key
            self._used_titles[tslot] = [key, stamp, slot]
            if key == canon:
                self._owned[canon] = [tslot, stamp]
        return key

    def _unique_guid(self, link: str, guid: str) -> bool:
        return bool(guid) and self._guids.get(guid) == 1 and canonical_url(guid) != canonical_url(link)

    def save(self) -> None:
        if self.shared:
            self.memo["shared_links"] = list(self.shared)[-_MEMO_LINKS:]
        if self._used:
            self.memo["entry_keys"] = dict(list(self._used.items())[:_MEMO_ENTRIES])
            self.memo["title_keys"] = dict(list(self._used_titles.items())[:_MEMO_ENTRIES])
        owners = {k: v for k, v in self._owners.items() if k not in self._owned}
        owners.update(self._owned)
        if owners:
            self.memo["link_owners"] = dict(list(owners.items())[-_MEMO_ENTRIES:])


def _memo_dict(memo: dict, name: str) -> dict:
    value = memo.get(name)
    return dict(value) if isinstance(value, dict) else {}


def _next_slot(counts: dict[str, int], mark: str) -> str:
    """*mark*, or *mark*#n for its n-th entry in one fetch (the same title twice)."""
    counts[mark] = counts.get(mark, 0) + 1
    return mark if counts[mark] == 1 else f"{mark}#{counts[mark]}"


def _slots(pairs: Iterable[tuple[str, str]]) -> Iterator[str]:
    counts: dict[str, int] = {}
    for title, stamp in pairs:
        yield _next_slot(counts, _fingerprint(title, stamp))


def _same_date(old: str, new: str) -> bool:
    return not old or not new or old == new or _moved(old, new)


def _moved(old: str, new: str) -> bool:
    """Two dates of one article whose date moved between fetches (a bridge's grab time), not two
    articles of one title (a weekly bulletin's): less than two days apart."""
    a, b = parse_date(old), parse_date(new)
    return a is not None and b is not None and abs(a - b) < _MOVED


def _fingerprint(title: str, raw_date: str) -> str:
    text = " ".join(title.split()) + "\n" + raw_date.strip()
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def _counts(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        if v:
            out[v] = out.get(v, 0) + 1
    return out


def server_time(headers: dict[str, str]) -> datetime | None:
    value = next((v for k, v in headers.items() if k.lower() == "date"), "")
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return when if when is not None and when.tzinfo is not None else None


def _at_fetch_time(pub: datetime, now: datetime, served: datetime | None) -> bool:
    if served is not None and abs(pub - served) <= _NOW_SLACK:
        return True
    return -_NOW_SLACK <= pub - now <= _NOW_AFTER


def _shown(when: datetime) -> str:
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def watch_dates(items: list[Item], memo: dict, now: datetime,
                served: datetime | None) -> list[Item]:
    """*items* with the feed dates that are no publish date taken for what they are: a date equal
    to the fetch time leaves the item undated; a date that moved since the first fetch is the
    first one; a date given after the fetch time was given is kept but doubted. Each with a
    ``date_review`` note (the review queue's date path), every pass while the doubt lasts (a
    re-crawl rewrites the item's notes). ``memo["first_dates"]`` keeps each entry's first date:
    ``""`` none believable yet, ``"?<date>"`` the first after a stand-in, ``"page"`` the article
    page gave the time (:func:`settle_from_pages`)."""
    old = memo.get("first_dates")
    first: dict[str, str] = dict(old) if isinstance(old, dict) else {}
    kept: dict[str, str] = {}
    out = []
    for item in items:
        pub, before = item.published_at, first.get(item.key)
        if before == "page" or item.date_source != "feed" or pub is None:
            if before is not None:
                kept[item.key] = before
            out.append(item)
            continue
        doubted = bool(before) and before.startswith("?")
        was = datetime.fromisoformat(before.lstrip("?")) if before else None
        note = ""
        # a bridge's "now" is written to the second; a day-only date at midnight is a date
        if precision_of(item.date_raw) == "second" and _at_fetch_time(pub, now, served):
            note = (f"日期存疑 the feed's date {item.date_raw!r} is the time it was fetched (a "
                    "bridge's stand-in for a missing date), not the publish time: set the date")
            log.warning("feed item %s: date %r equals the fetch time; left undated", item.key,
                        item.date_raw)
            item = replace(item, published_at=None, date_source="",
                           extra={**item.extra, "date_unparsed": item.date_raw,
                                  "date_suspect": "equals the fetch time"})
            kept[item.key] = before or ""
        elif before == "":
            note = (f"日期存疑 the feed first gave the time it was fetched for this entry, then "
                    f"{_shown(pub)} (Beijing time): check the date")
            kept[item.key] = "?" + pub.isoformat()
        elif was is not None and (doubted or was != pub):
            note = (f"日期存疑 the feed dated this entry {_shown(was)} when first read and "
                    f"{_shown(pub)} now (Beijing time): the first is kept; check the date")
            if doubted:
                note = (f"日期存疑 the feed first gave the time it was fetched for this entry, "
                        f"then {_shown(was)}: check the date")
            if was != pub:
                log.warning("feed item %s: date moved from %s to %s; the first is kept",
                            item.key, was.isoformat(), pub.isoformat())
                item = replace(item, published_at=was,
                               extra={**item.extra, "date_moved": item.date_raw})
            kept[item.key] = before or ""
        else:
            kept[item.key] = pub.isoformat()
        if note:
            item = replace(item, extra={**item.extra, "date_review": note})
        out.append(item)
    memo["first_dates"] = dict(list(kept.items())[:_MEMO_ENTRIES])
    return out


def settle_from_pages(items: Iterable[Item], memo: dict) -> Iterator[Item]:
    """Items whose article page gave its own time: the feed's date no longer matters for them."""
    first = memo.setdefault("first_dates", {})
    for item in items:
        if item.date_source == "article-ct" and isinstance(first, dict):
            first[item.key] = "page"
        yield item


def check_gap(url: str, items: list[Item], entries: int, memo: dict,
              is_known: Callable[[str], bool], now: datetime) -> str:
    """A warning when the feed may have skipped entries since the last pass ("" if not): it is
    full (as many entries as it ever listed), none of them was seen before, and the oldest is
    newer than the newest seen before. Kept in ``memo["feed_gap"]`` (``note`` and the ``gaps``)
    for ``status``, and returned for the pass's warning."""
    widest = memo.get("max_entries", 0)
    memo["max_entries"] = max(widest if isinstance(widest, int) else 0, entries)
    previous = memo.get("newest")
    dated = [i.published_at for i in items if i.published_at is not None]
    # the feed's length is learned first: a pass after an upgrade knows none yet
    if not previous or not dated or not widest or entries < 2 or entries < widest:
        return ""
    before, oldest = datetime.fromisoformat(previous), min(dated)
    if oldest <= before or any(is_known(i.key) for i in items):
        return ""
    warning = (f"possible gap: all {entries} entries are new, the oldest ({_shown(oldest)}) "
               f"newer than the newest read before ({_shown(before)}): articles published "
               f"between may be missing from the record; poll this source more often, or add "
               f"them from the account's history by hand (`gongkai add`, a board import)")
    log.warning("feed %s: %s", url, warning)
    note = memo.get("feed_gap")
    gaps = list(note.get("gaps", [])) if isinstance(note, dict) else []
    gaps.append({"from": before.isoformat(), "to": oldest.isoformat(), "noted": now.isoformat()})
    memo["feed_gap"] = {"note": warning, "gaps": gaps[-_MEMO_GAPS:]}
    return warning
