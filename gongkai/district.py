"""Several bodies in one instance (issue 17): whose an item is, and each body's counts.

A source belongs to one body (``bureau = "ID"``): its items are that body's, by its
``attribution`` as for a one-bureau config. A shared source (``bureaus = [...]`` or ``"*"``) is
crawled once and each item attributed to the bodies that published it — each listed body asked
in turn with the attribution rules of ``gongkai.matching`` (fields first, then the title and the
lead apart, lead-ins): a joint notice counts for every body it names as a publisher; an item
naming none is *unattributed*, kept and shown to the district, never dropped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

import classifier
import report
from store import BodyScope, Store

from . import schemes
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


def shared_sources(cfg: Config, st: Store | None = None) -> tuple[str, ...]:
    """The shared sources' ids; with ``st``, those dropped from the config too."""
    return tuple(s.id for s in cfg.sources if s.shared) + tuple(
        i for i, (_, shared) in _dropped(cfg, st).items() if shared)


def sources_of(cfg: Config, body_id: str) -> tuple[Source, ...]:
    """The sources that may carry ``body_id``'s items: its own and the shared ones listing it."""
    return tuple(s for s in cfg.sources if body_id in s.bureaus)


def scope(cfg: Config, body_id: str, st: Store | None = None) -> BodyScope | None:
    """The items ``body_id`` counts; None for a one-bureau config, whose one body counts every
    item of the record (sources dropped from the config included), exactly as before. With
    ``st``, a source dropped from the config still counts for the bodies it last belonged to,
    and a shared source that no longer lists a body still counts the items attributed to it
    there: nothing published is lost from a count because a channel closed or a list changed."""
    cfg.body(body_id)
    if not cfg.district:
        return None
    return _scope(cfg, body_id, st, _dropped(cfg, st), _carried(cfg, st))


def scopes(cfg: Config, st: Store | None = None) -> dict[str, BodyScope]:
    """Every body's :func:`scope`, reading the record's sources once (the dashboard's 40)."""
    if not cfg.district:
        return {}
    dropped, carried = _dropped(cfg, st), _carried(cfg, st)
    return {b.id: _scope(cfg, b.id, st, dropped, carried) for b in cfg.bodies}


def _scope(cfg: Config, body_id: str, st: Store | None,
           dropped: dict[str, tuple[tuple[str, ...], bool]], carried: set[str]) -> BodyScope:
    mine = [(s.id, s.shared) for s in sources_of(cfg, body_id)]
    mine += [(i, shared) for i, (bodies, shared) in dropped.items() if body_id in bodies]
    listed = {i for i, _ in mine}
    # a shared source that no longer lists the body, or a source that changed owner, still
    # holds what the body published there (asked only when one does not list it: with
    # bureaus = "*" every shared source does)
    unlisted = [s.id for s in cfg.sources if (s.shared or s.id in carried) and s.id not in listed]
    unlisted += [i for i in carried if i in dropped and i not in listed]
    if st is not None and unlisted:
        naming = st.sources_naming(body_id)
        mine += [(i, True) for i in unlisted if i in naming]
    owned = tuple(i for i, shared in mine if not shared)
    return BodyScope(body=body_id, owned=owned,
                     shared=tuple(i for i, shared in mine if shared),
                     mixed=tuple(i for i in owned if i in carried),
                     own=cfg.body(body_id).rules_path is not None)


def _carried(cfg: Config, st: Store | None) -> set[str]:
    """The sources whose owner changed (their items may name other bodies)."""
    return st.carried_sources() if st is not None and cfg.district else set()


def _dropped(cfg: Config, st: Store | None) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Sources in the record but no longer in the config: id -> (the bodies, shared) it had when
    a crawl last synced it (none known for a source last synced before bodies existed)."""
    if st is None or not cfg.district:
        return {}
    known = {s.id for s in cfg.sources}
    out = {}
    for row in st.sources():
        if row["id"] not in known:
            conf = json.loads(row["config_json"] or "{}")
            out[row["id"]] = (tuple(conf.get("bureaus") or ()), bool(conf.get("shared")))
    return out


def counts(st: Store, rules: classifier.Ruleset, year: int, cfg: Config,
           body_id: str) -> report.Counts:
    """One body's counts: the ``counts --json`` object of its items, under its own categories
    when it has them (``rules``: the district's)."""
    return report.Counts.from_raw(year, st.counts(year, scope(cfg, body_id, st)),
                                  schemes.rules_for(cfg, body_id, rules).names)


def all_counts(st: Store, rules: classifier.Ruleset, year: int, cfg: Config) -> dict:
    """``counts --all --json``: every body's object, and how many items no body counts."""
    everyone = scopes(cfg, st)
    return {"year": year,
            "bureaus": {b.id: report.Counts.from_raw(
                year, st.counts(year, everyone.get(b.id)),
                schemes.rules_for(cfg, b.id, rules).names).as_dict()
                        for b in cfg.bodies},
            "unattributed": st.unattributed_count(year, shared_sources(cfg, st),
                                                  body_ids(cfg))}


def body_ids(cfg: Config) -> tuple[str, ...]:
    """The config's bodies: an item attributed only to others (a body renamed or removed)
    counts for none of them and is listed as unattributed."""
    return tuple(b.id for b in cfg.bodies)
