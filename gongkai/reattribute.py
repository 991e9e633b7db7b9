"""Attribution kept right through config edits (issue 17; found by a new-user trial).

A shared source's items are attributed when collected. A body added to the config, an alias
added or renamed, a body newly listed on a shared source: the items collected before were judged
without it, and most are long out of the feed's window, so a re-crawl never sees them again.
:func:`sync` — run by every crawl, import and district count — notices such an edit (the
bodies' aliases and the shared sources' lists, kept in the store) and asks the stored items
again, their stored title, body, byline and detail-page fields, about the bodies that changed:

- a body the item names now is added (the new body's earlier items count for it);
- a body it no longer names is *not* taken off — it published the item under its name of the
  time — but said: ``gongkai reattribute`` lists those, ``--apply`` takes them off;
- a body id that is no longer in the config (renamed?) is said, with ``--rename OLD=NEW``.

A hand-set attribution and rows carried from a source's owner are never touched.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from store import Store

from .config import Config, Source
from .matching import attribution_of

log = logging.getLogger(__name__)
KEY = "attribution_config"
ACTOR = "gongkai"


def fingerprint(cfg: Config) -> dict:
    return {"bodies": {b.id: sorted(b.aliases) for b in cfg.bodies},
            "sources": {s.id: sorted(s.bureaus) for s in cfg.sources if s.shared}}


@dataclass
class Plan:
    """What asking the stored items again found: ``changes`` as
    ``Store.reattribute_items`` takes them, the items each body gains and loses."""

    changes: list[tuple[int, dict[str, str], list[str]]] = field(default_factory=list)
    gained: dict[str, list[int]] = field(default_factory=dict)
    lost: dict[str, list[int]] = field(default_factory=dict)


def plan(cfg: Config, st: Store, asked: Callable[[Source], set[str]], *,
         take_off: bool) -> Plan:
    """Ask each shared source's stored items about the bodies ``asked(source)`` names; with
    ``take_off``, a body that is not named any more comes off the item."""
    out = Plan()
    for src in cfg.sources:
        bodies = asked(src) & set(src.bureaus) if src.shared else set()
        if not bodies:
            continue
        for item in st.items_to_attribute(src.id):
            add, remove = {}, []
            for body_id in sorted(bodies):
                why = attribution_of("mention", cfg.body(body_id).aliases, item["title"],
                                     item["body"], item["byline"], fields=item["fields"])
                if why.value == "ours" and body_id not in item["bodies"]:
                    add[body_id] = why.reason
                    out.gained.setdefault(body_id, []).append(item["id"])
                elif why.value != "ours" and body_id in item["bodies"]:
                    out.lost.setdefault(body_id, []).append(item["id"])
                    if take_off:
                        remove.append(body_id)
            if add or remove:
                out.changes.append((item["id"], add, remove))
    return out


def sync(cfg: Config, st: Store, now: datetime) -> list[str]:
    """The sources table made to match the config (``Store.sync_sources``), then the stored
    items asked again about the bodies a config edit changed. Returns the notes for the
    officer (also logged as warnings)."""
    notes = st.sync_sources([s.as_row() for s in cfg.sources], now,
                            [b.id for b in cfg.bodies])
    if not cfg.district:
        return notes
    now_fp = fingerprint(cfg)
    before = json.loads(st.setting(KEY, lambda: json.dumps(now_fp)))
    if before != now_fp:
        found = plan(cfg, st, _changed(before, now_fp), take_off=False)
        adds = [(i, add, []) for i, add, _ in found.changes if add]
        st.reattribute_items(adds, now=now, actor=ACTOR,
                             reason="the config's bodies or aliases changed")
        st.put_setting(KEY, json.dumps(now_fp))
        for body, ids in sorted(found.gained.items()):
            notes.append(_log(f"{len(ids)} earlier item(s) of shared sources now count for "
                              f"{body} too (the config's bodies or aliases changed)"))
        for body, ids in sorted(found.lost.items()):
            notes.append(_log(f"{len(ids)} item(s) no longer name {body} under its aliases now; "
                              f"they still count for it (`gongkai reattribute` lists them, "
                              f"`--apply` takes them off)"))
    for body, n in st.bodies_named_outside([b.id for b in cfg.bodies]).items():
        notes.append(_log(f"{n} item(s) are attributed to {body!r}, which is not a body of the "
                          f"config: they count for no body. Renamed? `gongkai reattribute "
                          f"--rename {body}=NEW_ID`"))
    return notes


def _changed(before: dict, now: dict) -> Callable[[Source], set[str]]:
    """The bodies to ask a source's items about: those whose aliases changed or that are new,
    and those the source lists now and did not."""
    old_bodies, old_sources = before.get("bodies", {}), before.get("sources", {})
    edited = {b for b, aliases in now["bodies"].items() if old_bodies.get(b) != aliases}

    def asked(src: Source) -> set[str]:
        newly = set(src.bureaus) - set(old_sources.get(src.id, ()))
        return edited | newly
    return asked


def _log(note: str) -> str:
    log.warning("%s", note)
    return note
