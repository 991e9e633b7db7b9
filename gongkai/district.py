"""Several bodies in one instance (issue 17): whose an item is, and each body's counts.

A source belongs to one body (``bureau = "ID"``): its items are that body's, by its
``attribution`` as for a one-bureau config. A shared source (``bureaus = [...]`` or ``"*"``) is
crawled once and each item attributed to the bodies that published it — each listed body asked
in turn with the attribution rules of ``gongkai.matching`` (fields first, then the title and the
lead apart, lead-ins): a joint notice counts for every body it names as a publisher; an item
naming none is *unattributed*, kept and shown to the district, never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import classifier
import report
from store import BodyScope, Store

from .config import Config, Source
from .matching import Attribution, attribution_of


@dataclass(frozen=True)
class Owners:
    """An item's attribution (归属) and, on a shared source, the bodies it counts for."""

    attribution: Attribution
    bodies: dict[str, str] | None      # body id -> why; None: the source has one owner


def attribute(cfg: Config, src: Source, title: str, body: str, byline: str = "", *,
              fields: Mapping[str, str] | None = None) -> Owners:
    """Whose the item is. On an owned source the owner's names decide 'ours' / 'not_ours';
    on a shared source every listed body is asked, and the item is 'ours' when one says so."""
    if not src.shared:
        return Owners(attribution_of(src.attribution, cfg.body(src.bureaus[0]).aliases, title,
                                     body, byline, fields=fields), None)
    found: dict[str, str] = {}
    first_no = ""
    for body_id in src.bureaus:
        b = cfg.body(body_id)
        why = attribution_of("mention", b.aliases, title, body, byline, fields=fields)
        if why.value == "ours":
            found[body_id] = why.reason
        else:
            first_no = first_no or why.reason
    if not found:
        return Owners(Attribution("not_ours", f"unattributed: no body of the shared source "
                                              f"published it ({first_no})"), {})
    reason = "; ".join(f"{cfg.body(i).name}: {why}" for i, why in found.items())
    return Owners(Attribution("ours", reason), found)


def shared_sources(cfg: Config) -> tuple[str, ...]:
    return tuple(s.id for s in cfg.sources if s.shared)


def sources_of(cfg: Config, body_id: str) -> tuple[Source, ...]:
    """The sources that may carry ``body_id``'s items: its own and the shared ones listing it."""
    return tuple(s for s in cfg.sources if body_id in s.bureaus)


def scope(cfg: Config, body_id: str) -> BodyScope | None:
    """The items ``body_id`` counts; None for a one-bureau config, whose one body counts every
    item of the record (sources dropped from the config included), exactly as before."""
    cfg.body(body_id)
    if not cfg.district:
        return None
    mine = sources_of(cfg, body_id)
    return BodyScope(body=body_id, owned=tuple(s.id for s in mine if not s.shared),
                     shared=tuple(s.id for s in mine if s.shared))


def counts(st: Store, rules: classifier.Ruleset, year: int, cfg: Config,
           body_id: str) -> report.Counts:
    """One body's counts: the ``counts --json`` object of its items."""
    return report.Counts.from_raw(year, st.counts(year, scope(cfg, body_id)), rules.names)


def all_counts(st: Store, rules: classifier.Ruleset, year: int, cfg: Config) -> dict:
    """``counts --all --json``: every body's object, and the items no body counts."""
    return {"year": year,
            "bureaus": {b.id: counts(st, rules, year, cfg, b.id).as_dict() for b in cfg.bodies},
            "unattributed": len(st.unattributed(year, shared_sources(cfg)))}
