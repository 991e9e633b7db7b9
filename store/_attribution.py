"""Attribution kept through config edits (issue 17): the store side of gongkai/reattribute.py.

A shared source's items are attributed to bodies when they are collected (``item_bodies``). When
the config's bodies or aliases change, ``gongkai.reattribute`` asks the stored items again —
their stored title, body, byline and detail-page fields, not the feed's current window, which
has long dropped most of them — and writes what changed here, audited, in one transaction per
batch. A hand-set attribution (``attribution_manual``) and rows carried from a source's owner
(store/_ownership.py) are never rewritten.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterator, Mapping, Sequence

from ._db import immediate
from ._ownership import held

REATTRIBUTE = "reattribute"      # the audit action


class AttributionQueries:
    """Mixin: self.db is the sqlite-utils Database."""

    db: Any

    def items_to_attribute(self, source_id: str) -> Iterator[dict]:
        """The items of ``source_id`` a config edit may re-attribute, each with its stored text
        and ``bodies`` (body -> reason); hand-set and carried ones left out."""
        bodies: dict[int, dict[str, str]] = {}
        for item_id, body, reason in self.db.execute(
                "SELECT ib.item_id, ib.body, ib.reason FROM item_bodies ib JOIN items i ON "
                "i.id = ib.item_id WHERE i.source_id = ?", [source_id]):
            bodies.setdefault(item_id, {})[body] = reason
        for item_id, title, body, byline, fields in self.db.execute(
                "SELECT id, title, body, byline, json_extract(meta_json, '$.fields') FROM items "
                "WHERE source_id = ? AND attribution_manual = 0 ORDER BY id", [source_id]):
            mine = bodies.get(item_id, {})
            if held(mine):
                continue
            yield {"id": item_id, "title": title or "", "body": body or "",
                   "byline": byline or "", "fields": json.loads(fields) if fields else None,
                   "bodies": mine}

    def reattribute_items(self, changes: Sequence[tuple[int, Mapping[str, str], Sequence[str]]],
                          *, now: datetime, actor: str, reason: str) -> int:
        """Apply ``(item_id, bodies to add with their reason, bodies to take off)``: an item left
        with a body is 'ours', with none 'not_ours' (unattributed). Audited; a hand-set
        attribution made meanwhile wins. Returns how many items changed."""
        at = now.isoformat(timespec="seconds")
        done = 0
        with immediate(self.db):
            for item_id, add, remove in changes:
                row = self.db.execute("SELECT attribution_manual FROM items WHERE id = ?",
                                      [item_id]).fetchone()
                if row is None or row[0]:
                    continue
                old = sorted(r[0] for r in self.db.execute(
                    "SELECT body FROM item_bodies WHERE item_id = ?", [item_id]))
                for body in remove:
                    self.db.execute("DELETE FROM item_bodies WHERE item_id = ? AND body = ?",
                                    [item_id, body])
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
                    [(item_id, body, why) for body, why in add.items()])
                new = sorted(r[0] for r in self.db.execute(
                    "SELECT body FROM item_bodies WHERE item_id = ?", [item_id]))
                if new == old:
                    continue
                self.db.execute("UPDATE items SET attribution = ? WHERE id = ?",
                                ["ours" if new else "not_ours", item_id])
                self.db["audit"].insert({"at": at, "actor": actor, "item_id": item_id,
                                         "action": REATTRIBUTE, "old": ",".join(old) or None,
                                         "new": ",".join(new) or None, "reason": reason})
                done += 1
        return done

    def put_setting(self, key: str, value: str) -> None:
        with immediate(self.db):
            self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) "
                            "DO UPDATE SET value = excluded.value", [key, value])

    def bodies_named_outside(self, known: Sequence[str]) -> dict[str, int]:
        """Body ids that ``item_bodies`` names and ``known`` does not, with how many items
        (a body removed from the config, or renamed)."""
        marks = ",".join("?" * len(known)) or "''"
        return dict(self.db.execute(
            f"SELECT body, COUNT(*) FROM item_bodies WHERE body NOT IN ({marks}) GROUP BY body "
            "ORDER BY body", list(known)).fetchall())

    def knows_body(self, body: str) -> bool:
        """Whether the record names ``body`` anywhere: an attribution, an account, a source's
        remembered list, a decision of its own."""
        return bool(self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM item_bodies WHERE body = ?) OR EXISTS (SELECT 1 FROM "
            "users WHERE body = ?) OR EXISTS (SELECT 1 FROM body_decisions WHERE body = ?) OR "
            "EXISTS (SELECT 1 FROM sources, json_each(sources.config_json, '$.bureaus') j "
            "WHERE j.value = ?)", [body, body, body, body]).fetchone()[0])

    def rename_body(self, old: str, new: str, *, now: datetime, actor: str) -> int:
        """Give body ``old``'s attributions, accounts, remembered source lists and decisions of
        its own to ``new`` (its id renamed in the config). Returns how many items moved."""
        at = now.isoformat(timespec="seconds")
        with immediate(self.db):
            ids = [r[0] for r in self.db.execute(
                "SELECT item_id FROM item_bodies WHERE body = ?", [old])]
            self.db.execute("INSERT OR IGNORE INTO item_bodies (item_id, body, reason) "
                            "SELECT item_id, ?, reason FROM item_bodies WHERE body = ?",
                            [new, old])
            self.db.execute("DELETE FROM item_bodies WHERE body = ?", [old])
            self.db.execute("UPDATE users SET body = ? WHERE body = ?", [new, old])
            # its own decisions (a body with its own categories): the hand-set ones win over
            # what the rules decided for the new id meanwhile
            self.db.execute("DELETE FROM body_decisions WHERE body = ? AND item_id IN (SELECT "
                            "item_id FROM body_decisions WHERE body = ?)", [new, old])
            self.db.execute("UPDATE body_decisions SET body = ? WHERE body = ?", [new, old])
            for source_id, conf in self.db.execute(
                    "SELECT id, config_json FROM sources").fetchall():
                data = json.loads(conf or "{}")
                if old in (data.get("bureaus") or ()):
                    data["bureaus"] = [new if b == old else b for b in data["bureaus"]]
                    self.db.execute("UPDATE sources SET config_json = ? WHERE id = ?",
                                    [json.dumps(data, ensure_ascii=False, sort_keys=True),
                                     source_id])
            self.db.conn.executemany(
                "INSERT INTO audit (at, actor, item_id, action, old, new, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(at, actor, i, REATTRIBUTE, old, new, "the body's id renamed") for i in ids])
        return len(ids)
