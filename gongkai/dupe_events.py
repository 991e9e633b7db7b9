"""What a text tells of its event, for the duplicate detector (gongkai.dupes): the day it names
(9月14日), the towns its opening names, the figures it states (32家, 0.77亿元, 80余人). Two texts of
one event keep them when every sentence is reworded — a board row, a reporter's retelling, an
account's chatty version; two events of one template differ in them."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .dupe_headlines import _nfkc, title_org, title_similarity

if TYPE_CHECKING:
    from .dupes import Doc

RETOLD_TEXT = 0.05         # a retelling (board, 融媒体 reporter) shares at least this much text
RETOLD_HEADLINE = 0.4      # bigram overlap of headlines: a retelling's headline is related
_EVENT_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日|(?:^|\n)\s*(\d{1,2})\.(\d{1,2})(?=[\s，,、：:])")
# A figure a report states: a count, an amount, a share (32家, 0.77亿元, 86名, 15%). Two texts
# about one event keep their figures when every sentence is reworded; two events of one
# template differ in them. A round count (80余人) is a unit of its own: it matches itself, and
# does not contradict an exact count of other people (走访4家 vs 100余家参会).
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(余?(?:家次|人次|场次|个百分点|平方米|万元|亿元|万人|家|个|名|人|场|次|项|件|"
                     r"处|元|户|批|吨|辆|台|套|条|%|份|所|期|天|家门店|位))")


def event_day_of(text: str) -> tuple[int, int] | None:
    """The day the text says the thing happened (the first 9月14日 or 9.14 of its opening);
    ``text``: the body without its 来源/编辑/字体 lines."""
    m = _EVENT_DAY.search(text[:400])
    if not m:
        return None
    month, day = (int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


# “枫林老字号”, 《…管理办法》: what a notice is about, by its own name; a contact number
_NAME = re.compile(r"[“「《]([^”」》]{3,30})[”」》]")
_PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)")


def days_of(text: str) -> frozenset[tuple[int, int]]:
    """Every day the opening names (a dateline's 9月6日 and the 9月8日 it announces alike)."""
    out = set()
    for m in _EVENT_DAY.finditer(text[:400]):
        month, day = (int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.add((month, day))
    return frozenset(out)


def names_of(text: str) -> frozenset[str]:
    return frozenset(_NAME.findall(text))


def phones_of(text: str) -> frozenset[str]:
    return frozenset(p.replace("-", "") for p in _PHONE.findall(text))


def same_call(x: "Doc", y: "Doc") -> str:
    """Why two texts in other words may be one notice, or "": a call rewritten for the account
    keeps its programme's name, its deadline and its contact. One office's other calls of the
    same season share the deadline and the contact too, so only a person can tell."""
    if x.event_day is None or x.event_day != y.event_day:
        return ""
    names, phones = x.names & y.names, x.phones & y.phones
    if not names or not phones:
        return ""
    return (f"the same programme ({sorted(names)[0]}), day ({x.event_day[0]}月{x.event_day[1]}日) "
            f"and contact in other words")


_UNIT = re.compile(r"\D+$")
_SAME_UNIT = {"名": "人", "位": "人", "场次": "场", "余名": "余人", "余位": "余人", "余场次": "余场"}


def figures_of(body: str) -> frozenset[str]:
    """The figures of a text, 0.770亿元 as 0.77亿元; small whole numbers (1个, 2家) say too
    little to tell two events apart and are left out."""
    return frozenset((n.rstrip("0").rstrip(".") if "." in n else n) + _SAME_UNIT.get(u, u)
                     for n, u in _FIGURE.findall(_nfkc(body or "")) if "." in n or int(n) >= 3)


# A running total (截至目前累计发放1200万元, 今年以来共组织12场) is restated by every item of a
# campaign until it changes: two items quoting it may be two events.
# Not an event's own result (截至活动结束，累计客流14600人次): the total to date.
_RUNNING = re.compile(r"(?:截至|截止)(?:目前|当前|今日|今天|发稿)|今年以来|年初以来|(?:开展|启动|实施|开通)以来|目前已累计")
_CLAUSE = re.compile(r"[。！？!?；;\n]+")


def totals_of(body: str) -> frozenset[str]:
    """The figures of a text's sentences that state a running total."""
    return frozenset().union(*(figures_of(s) for s in _CLAUSE.split(_nfkc(body or "")) if _RUNNING.search(s)))


def only_running_totals(x: "Doc", y: "Doc") -> bool:
    """The figures the two texts share are all in running-total sentences of both."""
    shared = x.figures & y.figures
    return bool(shared) and shared <= (x.totals & y.totals)


def figures_shared(x: "Doc", y: "Doc") -> tuple[int, int] | None:
    """(figures of the text with fewer figures found in the other, how many it has), or None
    when either text states fewer than two."""
    fx, fy = x.figures, y.figures
    if len(fx) < 2 or len(fy) < 2:
        return None
    small, big = (fx, fy) if len(fx) <= len(fy) else (fy, fx)
    return len(small & big), len(small)


def retold(x: "Doc", y: "Doc", c: float, t: float) -> str:
    """Why two texts with few words in common tell one event, or "": a reporter's rewrite, a
    board line, an account's chatty version keep the event's figures. Three figures that agree or
    every figure of the shorter text, with the same day, some shared words or a related headline;
    or a distinctive figure (78000人次, 85.8亿元) on the same day, or with a second figure (a
    rewrite that names no day still keeps the total and the count); never when the days differ,
    when a unit both count has no value in common, or when all they share is a scheme's standard
    amounts (8000元) and no day."""
    if other_day(x, y):
        return ""
    fx, fy = x.figures, y.figures
    shared = fx & fy
    if not shared:
        return ""
    of = min(len(fx), len(fy))
    # a unit both count with no value in common (检查企业31家 vs 33家): two events of one template
    unit = lambda f: _UNIT.search(f).group(0)   # noqa: E731
    units_x, units_y = {unit(f) for f in fx}, {unit(f) for f in fy}
    agreed = {unit(f) for f in shared}
    if (units_x & units_y) - agreed:
        return ""
    same_day = x.event_day is not None and x.event_day == y.event_day
    if not same_day and all(_STANDARD.fullmatch(f) for f in shared):
        return ""      # only a scheme's standard amounts, which each of its notices states
    if not same_day and t < 0.4 and only_running_totals(x, y):
        return ""      # only a running total both restate, under unrelated headlines
    distinctive = [f for f in shared if _distinctive(f)]
    if len(shared) >= 3 and len(shared) / of >= 0.6:
        pass
    elif len(shared) >= 2 and len(shared) == of and (same_day or c >= RETOLD_TEXT or t >= 0.4):
        pass
    elif distinctive and (same_day or t >= 0.4):
        pass
    elif len(shared) >= 2 and distinctive:
        pass
    else:
        return ""
    return f"retold in other words with the same figures ({'/'.join(sorted(shared)[:3])})"


def same_day_and_town(x: "Doc", y: "Doc", t: float) -> str:
    """Why two texts in other words tell one event, or "": both name its day and its town (in the
    headline or the opening sentence) under related headlines — a reporter's or an account's
    retelling (金竹乡：一场森林火灾扑救实战演练 of 县应急管理局在金竹乡组织开展森林火灾扑救应急演练);
    never when the figures clash."""
    if x.event_day is None or x.event_day != y.event_day or t < RETOLD_HEADLINE:
        return ""
    tx, ty = x.places | x.venues, y.places | y.venues
    town = next((a for a in sorted(tx) for b in ty if a.endswith(b) or b.endswith(a)), "")
    if not town or figures_conflict(x, y):
        return ""
    # the town and the publisher are already the evidence: what the headlines say happened there
    # must be related too (县商务局在城关镇开展消费维权宣传活动 / 县商务局在城关镇开展安全生产检查
    # are two events of one day in the county seat)
    places = sorted(tx | ty, key=len, reverse=True)
    if title_similarity(_subject(x, places), _subject(y, places)) < RETOLD_HEADLINE:
        return ""
    return f"retold in other words on the same day in the same town ({x.event_day[0]}月{x.event_day[1]}日, {town})"



def _subject(doc: "Doc", places: list[str]) -> str:
    """A headline without its publisher and the towns: what it says happened."""
    text = doc.tkey
    org = title_org(doc.title)
    if org:
        text = text.replace(org, "", 1)
    for place in places:
        text = text.replace(place, "")
    return text

# 8000元, 12000元: a scheme's standard (每辆补贴8000元), stated by every notice of the scheme —
# unlike a total (28.4亿元, 655万元) it does not tell one event's account from another's
_STANDARD = re.compile(r"[\d.]+元")


def _distinctive(figure: str) -> bool:
    """A figure unlikely to recur by chance: four digits or more, or a decimal amount."""
    number = re.match(r"[\d.]+", figure).group(0)
    return "." in number or len(number) >= 4


def other_day(x: "Doc", y: "Doc") -> bool:
    """Both texts say on which day the thing happened, and the days differ."""
    dx, dy = x.event_day, y.event_day
    return dx is not None and dy is not None and dx != dy


def other_occasion(x: "Doc", y: "Doc") -> str:
    """Why two texts tell of two occasions, or "": each opens on its own day and its own town
    (9月7日…在甲镇开班 vs 9月11日…在乙乡开班) — one activity held twice from one template, however
    much of the rest is the same. A copy or a retelling keeps the day and the place."""
    if not other_day(x, y) or not x.venues or not y.venues:
        return ""
    if any(a.endswith(b) or b.endswith(a) for a in x.venues for b in y.venues):
        return ""
    return (f"other days and places ({x.event_day[0]}月{x.event_day[1]}日 {'/'.join(sorted(x.venues))} vs "
            f"{y.event_day[0]}月{y.event_day[1]}日 {'/'.join(sorted(y.venues))})")


def figures_conflict(x: "Doc", y: "Doc") -> str:
    """Why the two texts' figures say two events ("48家 vs 59家"), or "": the text with fewer
    figures states none the other states, while the other counts the same things (the same
    unit) with other numbers."""
    fx, fy = x.figures, y.figures
    if not fx or not fy or fx & fy:
        return ""
    small, big = (fx, fy) if len(fx) <= len(fy) else (fy, fx)
    unit = lambda f: _UNIT.search(f).group(0)   # noqa: E731
    big_units = {unit(f) for f in big}
    clash = sorted(f for f in small if unit(f) in big_units)
    if not clash:
        return ""
    other = sorted(f for f in big if unit(f) == unit(clash[0]))
    return f"the figures differ ({clash[0]} vs {'/'.join(other[:2])})"
