"""A person settles an item's date: in the terminal review, on the item page, in the Excel round
trip. One way in for all three (``settle``), so each is audited, kept across re-crawls and
undoable alike (store/_dates.py), and the item's category is decided again without the date's
doubt."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

import classifier
import store as store_mod

from . import pipeline


class BadDate(ValueError):
    """A day that cannot be read; the message says what was typed and what is expected."""


def parse_day(value: Any) -> date:
    """A day a person typed or Excel handed back: 2025-12-31, 2025/12/31, 2025.12.31,
    2025年12月31日 (a time after it is ignored), or a date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for old, new in (("年", "-"), ("月", "-"), ("日", " "), ("/", "-"), (".", "-")):
        text = text.replace(old, new)
    try:
        y, m, d = (int(p) for p in text.split()[0].split("-"))
        day = date(y, m, d)
    except (ValueError, IndexError):
        raise BadDate(f"{str(value)!r} is not a date: write YYYY-MM-DD") from None
    if not 1900 <= day.year <= 2999:
        raise BadDate(f"{str(value)!r} is not a plausible publication date")
    return day


def choose(answer: str, choices: list[str]) -> date:
    """A choice typed at the prompt: the number of a candidate day, or a day itself."""
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return date.fromisoformat(choices[int(answer) - 1])
    return parse_day(answer)


def settle(st: store_mod.Store, rules: classifier.Ruleset, item_id: int, day: date, *,
           actor: str, now: Callable[[], datetime], reason: str = "",
           expect: str | None = None) -> dict:
    """Set the item's date by hand and decide its category again without the date's doubt (a
    category set by hand stays). Returns the old and new day."""
    done = st.settle_date(item_id, day, actor=actor, now=now(), reason=reason, expect=expect)
    pipeline.classify_pending(st, classifier.Classifier(rules), now)
    return done


def choices_line(choices: list[str]) -> str:
    return "  ".join(f"{i}) {d}" for i, d in enumerate(choices, 1))


def import_dates(st: store_mod.Store, rules: classifier.Ruleset, wanted: list[dict], *,
                 actor: str, apply: bool, now: Callable[[], datetime]) -> dict[str, list]:
    """The sheet's date edits: each item's day set by hand, unless its date changed since the
    export (a conflict, left alone). Each in its own transaction after the other edits: an
    import cut short is repeated, and what it applied is then found already so."""
    out: dict[str, list] = {"applied": [], "conflicts": [], "already": []}
    for d in wanted:
        try:
            now_day = st.item(d["item_id"])["pub_date"]
        except store_mod.StoreError:
            out["conflicts"].append({**d, "why": "item no longer exists"})
            continue
        if now_day == d["day"].isoformat():
            out["already"].append(d)
            continue
        if (now_day or None) != (d["was"] or None):
            out["conflicts"].append({**d, "why": f"date changed since the export (now "
                                     f"{now_day or 'undated'})"})
            continue
        if apply:
            settle(st, rules, d["item_id"], d["day"], actor=actor, now=now,
                   reason="import-review", expect=now_day)
        out["applied"].append(d)
    return out

