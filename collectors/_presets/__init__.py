"""Website presets, one CMS family per module, and ``preset = "auto"`` detection.

Adding a family is adding one module here with one :class:`Preset` subclass decorated with
``@register_preset`` (and its import below).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ._base import (PRESETS, Context, ListPage, ListRequest, Preset, preset_names,
                    register_preset)
from . import datafile, hanweb, jpaas, plain, selectors, trs  # noqa: F401  (registration)

# Detection needs this much weight to name a CMS family instead of the plain-list fallback.
_DECISIVE = 6


@dataclass(frozen=True)
class Detection:
    preset: str                                   # a PRESETS name
    reasons: tuple[str, ...]                      # why, for the log and `gongkai probe`
    scores: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        label = PRESETS[self.preset].label
        return f"{self.preset} — {label}: " + "; ".join(self.reasons)


def detect(text: str, url: str) -> Detection:
    """Which family a column page belongs to, from the fingerprints of gov-sites.md §1. Body
    classes such as ``TRS_Editor`` are not used: Hanweb pages carry them too."""
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for cls in sorted(set(PRESETS.values()), key=lambda c: c.rank):
        if not cls.detectable:
            continue
        clues = cls.fingerprints(text, url)
        if clues:
            scores[cls.name] = sum(w for w, _ in clues)
            reasons[cls.name] = [why for _, why in clues]
    ranked = sorted(scores, key=lambda n: (-scores[n], PRESETS[n].rank))
    for name in ranked:
        if scores[name] >= _DECISIVE and name != "list":
            return Detection(name, tuple(reasons[name]), scores)
    why = reasons.get("list", [])
    hints = [f"{n} hints ({', '.join(reasons[n])})" for n in ranked if n != "list"]
    return Detection("list", tuple(["no CMS marker; reading generic list rows", *why, *hints]), scores)


__all__ = ["PRESETS", "Context", "Detection", "ListPage", "ListRequest", "Preset", "detect",
           "preset_names", "register_preset"]
