"""JSON from WeChat bridges, mapped by hand into feedparser-shaped entries (plain dicts).

feedparser 6.0.x cannot read JSON Feed (wechat-feeds.md §0 rule 3), and the bridges' JSON differs:
- RSSHub ``?format=json``: JSON Feed 1.1 (``authors[]``, ``date_published``);
- WeWe RSS ``.json``: JSON Feed 1 (``author{}``, ``date_modified`` only, which is the publish time);
- Wechat2RSS ``.json``: JSON Feed;
- we-mp-rss ``.json``: its own object ``{name, link, items: [{id, title, description, link,
  updated, content, channel_name, feed}]}``, not JSON Feed (§2.3).

Each entry gets the keys the feed collector reads: ``id``, ``link``, ``title``, ``title_detail``,
``published`` / ``updated``, ``summary``, ``content``, ``author``.
"""
from __future__ import annotations

import json
from typing import Any

from ._item import SourceError

JSON_FEED_PREFIX = "https://jsonfeed.org/version/"


class Parsed:
    """The two attributes of a feedparser result that the collector uses (``feed`` has the
    feed's ``title`` and ``link``: the bridge's own address, which its notices point back at)."""

    def __init__(self, feed: dict, entries: list[dict], version: str) -> None:
        self.feed = feed
        self.entries = entries
        self.version = version

    def get(self, key: str, default: Any = None) -> Any:
        return {"version": self.version, "bozo": 0}.get(key, default)


def looks_like_json(content: bytes) -> bool:
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def parse_json(content: bytes, url: str) -> Parsed:
    """A JSON Feed (1 or 1.1) or we-mp-rss's JSON; SourceError for anything else."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(f"feed {url} is not well-formed JSON: {type(e).__name__}: "
                          f"{' '.join(str(e).split())[:150]}") from None
    except RecursionError:      # the json module recurses once per nesting level
        raise SourceError(f"feed {url} is JSON nested too deep to be a feed: refused") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise SourceError(f"feed {url} is JSON without an 'items' list (not a feed)")
    version = _s(data.get("version"))
    if version.startswith(JSON_FEED_PREFIX):
        return Parsed({"title": _s(data.get("title")), "link": _s(data.get("home_page_url"))},
                      [_json_feed_item(i) for i in data["items"] if isinstance(i, dict)],
                      "json" + version[len(JSON_FEED_PREFIX):].replace(".", ""))
    if "name" in data or any(isinstance(i, dict) and ("channel_name" in i or "updated" in i)
                             for i in data["items"]):
        return Parsed({"title": _s(data.get("name")), "link": _s(data.get("link"))},
                      [_we_mp_rss_item(i) for i in data["items"] if isinstance(i, dict)],
                      "we-mp-rss-json")
    raise SourceError(f"feed {url} is JSON but neither JSON Feed nor we-mp-rss's format")


def _json_feed_item(item: dict) -> dict:
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict)
                                      else [])
    names = [_s(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    content = [{"type": "text/html", "value": _s(item["content_html"])}] \
        if item.get("content_html") else []
    if item.get("content_text") and not content:
        content = [{"type": "text/plain", "value": _s(item["content_text"])}]
    entry = {
        "id": _s(item.get("id")), "link": _s(item.get("url") or item.get("external_url")),
        "title": _s(item.get("title")), "title_detail": {"type": "text/plain"},
        "summary": _s(item.get("summary")), "content": content, "author": ", ".join(names),
    }
    # WeWe's JSON Feed 1 has only date_modified, and it is the publish time (§2.2)
    if item.get("date_published"):
        entry["published"] = _s(item["date_published"])
    if item.get("date_modified"):
        entry["updated"] = _s(item["date_modified"])
    return entry


def _we_mp_rss_item(item: dict) -> dict:
    feed = item.get("feed") if isinstance(item.get("feed"), dict) else {}
    return {
        "id": _s(item.get("id")), "link": _s(item.get("link")), "title": _s(item.get("title")),
        "title_detail": {"type": "text/plain"}, "summary": _s(item.get("description")),
        "content": [{"type": "text/html", "value": _s(item["content"])}]
        if item.get("content") else [],
        "updated": _s(item.get("updated")),
        "author": _s(item.get("channel_name") or feed.get("name")),
    }
