"""A date typed by hand that its own title contradicts (found by a new-user trial).

In January and February a person typing a date often types last year's year: 2025-01-12 for
2026-01-12. On a bulletin-board entry that date decides the year the 信息 is counted in, and
nothing else on the entry can correct it — except the title, when it names the year: an entry
dated January 2025 about "2026年春节期间市场保供" is almost surely of January 2026. Such an entry
is not re-dated (the title may be about the next year on purpose); it is marked as a year
conflict, so it goes to review, both years' counts and report checks name it, and a person
settles the date (``gongkai review`` key d, the item page, the Excel date column).
"""
from __future__ import annotations

import re
from datetime import date

_YEAR = re.compile(r"(20\d{2})\s*年")


def year_typo(title: str, day: date) -> dict:
    """The ``meta`` an entry dated ``day`` takes when its title names the next year and not
    its own: ``date_conflict`` (the two years) and ``date_review`` (why); else nothing."""
    if day.month > 2:
        return {}
    years = {int(y) for y in _YEAR.findall(title)}
    if day.year + 1 not in years or day.year in years:
        return {}
    return {"date_conflict": {"years": [day.year, day.year + 1], "chosen": day.isoformat()},
            "date_review": f"年份存疑 the title names {day.year + 1} but the date typed is "
                           f"{day.isoformat()}: last year's year typed in "
                           f"{'January' if day.month == 1 else 'February'}? settle the date"}


def sheet_year_typo(day: date, sheet_year: int) -> dict:
    """The ``meta`` of an entry dated more than a year away from its sheet's year (the year the
    sheet's name or title row names, else the year most of its rows have): 2015-11-03 typed on
    a 2025 sheet is a year typo until a person says otherwise — never counted silently."""
    if not sheet_year or abs(day.year - sheet_year) <= 1:
        return {}
    return {"date_conflict": {"years": sorted([day.year, sheet_year]), "chosen": day.isoformat()},
            "date_review": f"年份存疑 the date typed is {day.isoformat()} on a sheet of "
                           f"{sheet_year}: a year typo? settle the date"}


def entry_conflict(title: str, day: date, sheet_year: int = 0) -> dict:
    """The year conflict of a board entry, if any (``year_typo``, then ``sheet_year_typo``)."""
    return year_typo(title, day) or sheet_year_typo(day, sheet_year)
