"""Per-category counts for one year: the ``gongkai counts --json`` contract object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_RAW_KEYS = ("categories", "by_channel", "unreviewed", "undated")


class ReportError(ValueError):
    """A user-fixable problem with report input (counts, labels, templates, texts, table data)."""


def _count(value: Any, where: str) -> int:
    # bool is an int subclass; True as a count is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReportError(f"{where}: count must be an integer, got {value!r}")
    if value < 0:
        raise ReportError(f"{where}: count must not be negative, got {value}")
    return value


def _ordered(raw: Mapping[str, Any], names: Sequence[str], where: str) -> dict[str, int]:
    unknown = [name for name in raw if name not in names]
    if unknown:
        raise ReportError(
            f"{where}: unknown category {', '.join(map(repr, unknown))}; "
            f"known categories: {', '.join(names)}"
        )
    # Every category present, zeros included, in ruleset order: the report sentence and the
    # JSON contract both rely on a stable, complete list.
    return {name: _count(raw.get(name, 0), f"{where}[{name!r}]") for name in names}


@dataclass(frozen=True)
class Counts:
    """What the bureau published in one year, per category (主动公开 counts).

    ``categories`` counts unique 信息 (cross-channel duplicates once); ``by_channel`` counts per
    channel, so its sums may exceed ``total``. ``unreviewed`` and ``undated`` are items still
    waiting for the officer, as are ``possible_duplicates``; they are reported as warnings, not
    added anywhere.
    """

    year: int
    total: int
    categories: dict[str, int]
    by_channel: dict[str, dict[str, int]]
    unreviewed: int
    undated: int
    # pairs the duplicate detector left to a person: until decided, each may be one 信息 counted
    # twice (or, across 31 December, in the wrong year)
    possible_duplicates: int = 0

    @classmethod
    def from_raw(cls, year: int, raw: Mapping[str, Any], category_names: Sequence[str]) -> Counts:
        """Build counts from the store's raw numbers (only non-zero names present)."""
        names = list(category_names)
        if not names:
            raise ReportError("no categories given: the ruleset defines the category order")
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ReportError(f"duplicate category name(s): {', '.join(duplicates)}")
        missing = [key for key in _RAW_KEYS if key not in raw]
        if missing:
            raise ReportError(f"raw counts for {year}: missing key(s) {', '.join(missing)}")
        categories = _ordered(raw["categories"], names, "categories")
        by_channel = {
            str(channel): _ordered(per, names, f"by_channel[{channel!r}]")
            for channel, per in raw["by_channel"].items()
        }
        return cls(
            year=year,
            total=sum(categories.values()),
            categories=categories,
            by_channel=by_channel,
            unreviewed=_count(raw["unreviewed"], "unreviewed"),
            undated=_count(raw["undated"], "undated"),
            possible_duplicates=_count(raw.get("possible_duplicates", 0), "possible_duplicates"),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], category_names: Sequence[str] | None = None) -> Counts:
        """Read back an ``as_dict()`` object (e.g. ``counts-2024.json``), checking its total.

        Without ``category_names`` the file's own category order is kept.
        """
        try:
            year = data["year"]
            names = list(category_names) if category_names is not None else list(data["categories"])
            stated_total = _count(data["total"], "total")
        except KeyError as exc:
            raise ReportError(f"counts object: missing key {exc.args[0]!r}") from None
        if isinstance(year, bool) or not isinstance(year, int):
            raise ReportError(f"counts object: year must be an integer, got {year!r}")
        counts = cls.from_raw(year, data, names)
        if counts.total != stated_total:
            raise ReportError(
                f"counts object for {year}: total is {stated_total} but the categories add up to {counts.total}"
            )
        return counts

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract object; fresh dicts so callers cannot mutate the frozen record."""
        return {
            "year": self.year,
            "total": self.total,
            "categories": dict(self.categories),
            "by_channel": {ch: dict(per) for ch, per in self.by_channel.items()},
            "unreviewed": self.unreviewed,
            "undated": self.undated,
            "possible_duplicates": self.possible_duplicates,
        }
