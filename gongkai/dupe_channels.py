"""What the channels say about two items being one 信息: how late a copy may come on each, and
the board's and the websites' habits (split from gongkai.dupes, which judges a pair).

A board row is typed in from what was published, days later, one row per posting; a site does
not post one event twice, but two sites date their copies each their own way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .dupe_events import other_day

if TYPE_CHECKING:
    from .dupes import Doc

# Days between the first and a later publication of one 信息, by the later channel kind. The board
# is typed in from paper days or weeks later (up to a month); a website may post an event's
# report days after the account did. Inside the window, the event's day and figures decide.
WINDOW_DAYS = {"board": 31, "default": 5}
# The board is typed in from what was published, days later: a row put up more than this before
# the online item is not its copy (a recurring event's earlier round is).
BOARD_EARLY_DAYS = 1
BOARD_SAME_TEXT = 0.95   # two board rows this alike are one row typed again, whatever their dates


def two_postings(a: "Doc", b: "Doc") -> bool:
    """Two board rows that are two things put up: the board is the bureau's own list, one row
    per posting, so rows of other days (a recurring notice's rounds, one template's two weeks)
    are two — unless their texts are one (a row corrected in the spreadsheet and imported again
    gets a new identity with its new title or date, and must still be found)."""
    if not (a.pub_date and b.pub_date) or abs((a.pub_date - b.pub_date).days) <= BOARD_EARLY_DAYS:
        return False
    return containment(a.shingles, b.shingles) < BOARD_SAME_TEXT


def board_before(a: "Doc", b: "Doc") -> int:
    """How many days a board row was put up before the online item, beyond BOARD_EARLY_DAYS
    (0: not so, or not a board row against an online item)."""
    if (a.channel == "board") == (b.channel == "board") or not (a.pub_date and b.pub_date):
        return 0
    board, online = (a, b) if a.channel == "board" else (b, a)
    early = (online.pub_date - board.pub_date).days
    return early if early > BOARD_EARLY_DAYS else 0


def window_days(a: "Doc", b: "Doc") -> int:
    if "board" in (a.channel, b.channel):
        return WINDOW_DAYS["board"]
    return WINDOW_DAYS["default"]


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def other_days_of_one_outlet(x: "Doc", y: "Doc") -> bool:
    """Two texts of one channel that tell of other days: one template on two days (the same
    official's two visits, two rounds of one auction). A site does not post one event twice, so
    on one site their first days differing says it. Two sites (the bureau's and the portal, a
    paper and a wire) each date a copy their own way — a dateline 9月6日电 before the 9月8日 it
    announces — so there the days they name must have none in common."""
    if x.channel != y.channel or not other_day(x, y):
        return False
    hx, hy = _host(x.url), _host(y.url)
    return not (hx and hy) or hx == hy or not x.days & y.days


def two_outlets(x: "Doc", y: "Doc") -> bool:
    """Two channels, or two sites of one channel (the portal's column and the bureau's own site, a
    paper and a wire): each retells an event in its own words. One site does not post one event
    twice, so there only the text decides."""
    if x.channel != y.channel:
        return True
    hx, hy = _host(x.url), _host(y.url)
    return x.channel == "website" and bool(hx and hy) and hx != hy


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""
