"""Which earlier 信息 a new item belongs to: the item judged against every candidate of its date
window (``best_match``), the text both share with the weeks around left out as stock phrases
(``common_shingles``), and a 信息 joined as a whole (``conflict`` with any of its copies makes a
dup only a possible duplicate). The verdict on one pair is ``gongkai.dupes.judge``.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Any, Iterable

from .dupe_channels import other_days_of_one_outlet
from .dupe_events import figures_conflict, other_occasion
from .dupe_headlines import numbers_conflict
from .dupe_phrases import SELF_HEADLINE, title_stock
from .dupes import HEADLINE_ONLY, Doc, judge, other_body_or_subject


def common_shingles(doc: Doc, others: Iterable[Doc], clusters: int = 2) -> frozenset[str]:
    """The shingles of ``doc`` that are a bureau's stock phrases: found in ``clusters`` or more
    other 信息 around it (为进一步激发消费潜力…; 下一步，将继续…). They say nothing about
    whether two items are one 信息. Counted by cluster, not by item: the three copies of one
    article on three channels are one cluster, and their text stays evidence."""
    by_cluster: dict[Any, set[str]] = {}
    for other in others:
        if other.id == doc.id:
            continue
        shared = doc.shingles & other.shingles
        if shared:
            tag = other.cluster_id if other.cluster_id is not None else ("item", other.id)
            by_cluster.setdefault(tag, set()).update(shared)
    counted = Counter(chain.from_iterable(by_cluster.values()))   # counted in C
    return frozenset(sh for sh, n in counted.items() if n >= clusters)


def conflict(x: Doc, y: Doc) -> str:
    """Why two items cannot be one 信息 whatever their texts share, or "": another publisher,
    another body or place in the headline, an explainer against its policy, notice numbers,
    clashing figures, one WeChat push, one template on two days of one channel."""
    if x.push and x.push == y.push:
        return "two articles of one WeChat push"
    why = other_body_or_subject(x, y)
    if why:
        return why
    why = numbers_conflict(x.title, y.title) or figures_conflict(x, y)
    if why:
        return why
    if other_days_of_one_outlet(x, y):
        return "one channel, other days"
    why = other_occasion(x, y)
    if why:
        return why
    return ""


def best_match(doc: Doc, candidates: Iterable[Doc], common: frozenset[str] | None = None,
               stock: frozenset[str] | None = None) -> tuple[str, float, str, Doc | None]:
    """The strongest verdict of ``doc`` against ``candidates``: a dup before a maybe, then by
    score. ``common``: stock phrases (default: those of the candidates themselves); ``stock``:
    stock headline bigrams (default: likewise).

    A 信息 is joined as a whole: a dup with one copy that conflicts with another copy of the
    same 信息 among the candidates (another publisher, clashing figures …) is only a possible
    duplicate — one weak link must not chain two 信息 into one."""
    candidates = list(candidates)
    if common is None:
        common = common_shingles(doc, candidates)
    if stock is None:
        stock = title_stock(doc, candidates)
    rank = {"dup": 2, "maybe": 1, "distinct": 0}
    best: tuple[str, float, str, Doc | None] = ("distinct", 0.0, "no candidate", None)
    retold_in: set = set()         # the 信息 a retelling fits by its figures alone
    headline_in: set = set()       # the 信息 it fits by a headline alone
    for other in candidates:
        if other.id == doc.id:
            continue
        verdict, score, reason = judge(doc, other, common, stock)
        if verdict == "dup" and other.cluster_id is not None:
            for member in candidates:
                if member.cluster_id == other.cluster_id and member.id not in (other.id, doc.id):
                    clash = conflict(doc, member)
                    if clash:
                        verdict, reason = "maybe", f"{reason}, but another copy of it: {clash}"
                        break
        if verdict == "dup" and reason.startswith("retold"):
            retold_in.add(other.cluster_id if other.cluster_id is not None else ("item", other.id))
        if verdict == "dup" and (reason == HEADLINE_ONLY or reason.startswith(SELF_HEADLINE)):
            headline_in.add(other.cluster_id if other.cluster_id is not None else ("item", other.id))
        if (rank[verdict], score) > (rank[best[0]], best[1]):
            best = (verdict, score, reason, other)
    if best[0] == "dup" and best[2].startswith("retold") and len(retold_in) > 1:
        # figures that fit several 信息 around identify none of them: a person decides
        return "maybe", best[1], f"{best[2]}, but {len(retold_in)} 信息 around fit as well", best[3]
    if best[0] == "dup" and (best[2] == HEADLINE_ONLY or best[2].startswith(SELF_HEADLINE)) \
            and len(headline_in) > 1:
        # a headline used again (每月的风险提示) with nothing else to tell: which one is a guess
        return "maybe", 0.5, f"{best[2]}, but {len(headline_in)} 信息 around have it too", best[3]
    return best
