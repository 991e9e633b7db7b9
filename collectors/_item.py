"""Records that cross the collectors' boundary."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable


@dataclass(frozen=True)
class Item:
    """One published piece of information as a collector saw it (one 信息 on one channel).

    ``key`` is the stable identity: the canonical URL for a web page, ``wx:{biz}:{mid}:{idx}`` for a
    WeChat article (``wxs:{token}`` until a short link is resolved). ``published_at`` is timezone-aware
    or ``None`` when the date could not be determined (never "now").
    """

    key: str
    url: str
    title: str
    published_at: datetime | None
    date_source: str = ""          # detail-meta | detail-label | feed | list | url | "" (unknown)
    date_raw: str = ""             # the string the date was read from, kept for audit
    body: str = ""
    byline: str = ""               # 来源 / 发布机构 / author
    list_date: str = ""            # the list page's date string when it differs from the chosen one
    external: bool = False         # a link to another host, recorded but not fetched
    raw: bytes | None = None       # the raw detail page (or feed entry) bytes, kept for re-parsing
    raw_url: str = ""
    raw_content_type: str = ""
    extra: dict = field(default_factory=dict)


class SourceError(Exception):
    """A failed run with a reason: an error or verification page, a soft 404, an empty 200, an
    unreadable feed. Never to be read as "no news"."""


class ConfigError(ValueError):
    """A source's options are wrong; the message names the key."""


@dataclass
class CollectState:
    """What a collector may ask of the outside world during one pass."""

    is_known: Callable[[str], bool] = lambda key: False
    since: datetime | None = None          # backfill: keep going until items are older than this
    progress: Callable[[str], None] = lambda message: None
    now: datetime | None = None            # injected clock (aware); None means the real time
    memo: dict = field(default_factory=dict)  # per-source state the pipeline persists between runs
    #   (ETag / Last-Modified, hash of the previous first page, ...); JSON-serialisable values only
