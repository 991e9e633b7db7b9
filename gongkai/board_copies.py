"""A corrected copy of a board file saved under a new name (outside test 8 #5).

An import tells what an earlier import of a file *of the same name* counted that the new file no
longer holds. An officer who saves the corrected sheet as 公示栏-更正.xlsx loses that note, and a
row the correction removed stays counted. So a file whose rows repeat most of the counted rows of
an earlier imported file of the same board is taken as a corrected copy of that file, and what
that file counted and this one lacks is listed the same way (with the `gongkai withdraw` to run).
"""
from __future__ import annotations

import json
from collections import Counter

MIN_SHARED = 2      # rows in common: one shared row is a coincidence, not a copy


def earlier_files(st, source_id: str, keys: list[str], origin: str) -> list[tuple[str, int, int]]:
    """(origin, rows of it this file repeats, its counted rows) of each earlier imported file of
    ``source_id`` other than ``origin`` whose counted rows this file's ``keys`` mostly repeat.
    Call it before the import saves: a saved row takes this file as its origin."""
    shared: Counter[str] = Counter()
    for key in dict.fromkeys(keys):
        item_id = st.item_id_for_key(source_id, key)
        if item_id is None:
            continue
        try:
            meta = json.loads(st.item(item_id).get("meta_json") or "{}")
        except ValueError:
            continue
        other = meta.get("origin") if isinstance(meta, dict) else None
        if isinstance(other, str) and other.startswith("gongkai import ") and other != origin:
            shared[other] += 1
    out = []
    for other, n in sorted(shared.items()):
        total = len(st.left_out(source_id, other, ()))
        if n >= MIN_SHARED and n * 2 > total:
            out.append((other, n, total))
    return out
