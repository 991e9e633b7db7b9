"""The registry of source kinds (urlwatch's habit): each kind declares its keys once; config
validation and `gongkai sources --help`-style text come from those declarations."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator
from urllib.parse import urlsplit

from ._item import CollectState, ConfigError, Item

_MISSING = object()
_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")   # \s: the full-width space too


@dataclass(frozen=True)
class Option:
    type: type | tuple[type, ...]
    default: Any = _MISSING
    help: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING


class SourceKind:
    """Base class of a source type (``website``, ``feed``, ...). Subclasses set ``name`` and
    ``options`` and implement :meth:`collect`."""

    name: ClassVar[str] = ""
    options: ClassVar[dict[str, Option]] = {}

    def __init__(self, options: dict[str, Any], http: Any) -> None:
        self.opts = self.validate(options)
        self.http = http

    @classmethod
    def validate(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Return the options with defaults filled; raise ConfigError naming the bad key."""
        out: dict[str, Any] = {}
        for key, value in options.items():
            if key not in cls.options:
                known = ", ".join(sorted(cls.options))
                raise ConfigError(f"unknown key {key!r} for type {cls.name!r} (known: {known})")
            want = cls.options[key].type
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, want) or (isinstance(value, bool) and want in (int, float)):
                tname = want.__name__ if isinstance(want, type) else "/".join(t.__name__ for t in want)
                raise ConfigError(f"key {key!r} must be {tname}, got {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"key {key!r} must be a finite number, got {value!r}")
            out[key] = value
        for key, opt in cls.options.items():
            if key not in out:
                if opt.required:
                    raise ConfigError(f"missing required key {key!r} for type {cls.name!r}")
                out[key] = opt.default
        return out

    def collect(self, state: CollectState) -> Iterator[Item]:  # pragma: no cover - abstract
        raise NotImplementedError


def check_range(options: dict[str, Any], key: str, low: float, high: float) -> None:
    """A number a kind declares must lie in [low, high]: an absurd cap or factor is a typo, and
    some (a timedelta of 1e12 days) would only fail at crawl time."""
    value = options[key]
    if not low <= value <= high:
        raise ConfigError(f"key {key!r} must be between {low:g} and {high:g}, got {value!r}")


def check_url(url: str, key: str = "url") -> str:
    """An http(s) URL that will parse at crawl time: a host, a port in 1-65535, no space or
    control character. Returns its lower-case host."""
    not_url = f"key {key!r} must be an http(s) URL, got {url!r}"
    bad_port = f"key {key!r} must have a port between 1 and 65535, got {url!r}"
    if _CONTROL.search(url):
        raise ConfigError(f"key {key!r} must be an http(s) URL without spaces or control "
                          f"characters, got {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:     # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        raise ConfigError(bad_port if "port" in str(e).lower() else not_url) from None
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(not_url)
    if port == 0:
        raise ConfigError(bad_port)
    return host


REGISTRY: dict[str, type[SourceKind]] = {}


def register(cls: type[SourceKind]) -> type[SourceKind]:
    REGISTRY[cls.name] = cls
    return cls
