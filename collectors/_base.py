"""The registry of source kinds (urlwatch's habit): each kind declares its keys once; config
validation and `gongkai sources --help`-style text come from those declarations."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterator

from ._item import CollectState, ConfigError, Item

_MISSING = object()


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
            out[key] = value
        for key, opt in cls.options.items():
            if key not in out:
                if opt.required:
                    raise ConfigError(f"missing required key {key!r} for type {cls.name!r}")
                out[key] = opt.default
        return out

    def collect(self, state: CollectState) -> Iterator[Item]:  # pragma: no cover - abstract
        raise NotImplementedError


REGISTRY: dict[str, type[SourceKind]] = {}


def register(cls: type[SourceKind]) -> type[SourceKind]:
    REGISTRY[cls.name] = cls
    return cls
