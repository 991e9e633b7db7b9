"""parse_date: one table, including the traps that would move an item into another year."""
from datetime import datetime

import pytest

from collectors import BEIJING, beijing_date, parse_date
from collectors._dates import find_date

CASES = [
    # text, expected Beijing wall-clock "YYYY-MM-DD HH:MM:SS" or None
    ("2024-03-05", "2024-03-05 00:00:00"),
    ("2024-03-05 09:30", "2024-03-05 09:30:00"),
    ("2024-03-05 09:30:00", "2024-03-05 09:30:00"),
    ("2024年3月5日", "2024-03-05 00:00:00"),
    ("2024年03月05日 09:30", "2024-03-05 09:30:00"),
    ("2024/3/5", "2024-03-05 00:00:00"),
    ("2010/1/6 16:43:13", "2010-01-06 16:43:13"),
    ("2024.03.05", "2024-03-05 00:00:00"),
    ("[2024-03-05]", "2024-03-05 00:00:00"),
    ("2024 年 3 月 5 日", "2024-03-05 00:00:00"),              # Word-pasted spacing
    ("２０２４年０３月０５日　０９：３０", "2024-03-05 09:30:00"),   # full-width digits (NFKC)
    ("2019年03月18日17:01:33周一", "2019-03-18 17:01:33"),
    ("2026-09-28-21:50:00", "2026-09-28 21:50:00"),             # gov.cn firstpublishedtime
    ("2024-12-31T16:10:00Z", "2025-01-01 00:10:00"),
    ("2024-12-31T16:10:00.000Z", "2025-01-01 00:10:00"),
    ("2025-01-01T07:30:00+08:00", "2025-01-01 07:30:00"),
    ("2025-01-01T07:30:00+0800", "2025-01-01 07:30:00"),
    ("Tue, 31 Dec 2024 16:10:00 GMT", "2025-01-01 00:10:00"),
    ("Wed, 01 Jan 2025 07:30:00 +0800", "2025-01-01 07:30:00"),
    ("Wed, 01 Jan 2025 07:30:00 CST", "2025-01-01 07:30:00"),   # China, not US Central
    ("Wed, 01 Jan 2025 07:30:00 GMT+8", "2025-01-01 07:30:00"),
    ("Wed, 01 Jan 2025 07:30:00 ", "2025-01-01 07:30:00"),      # zone-less means Beijing
    ("1735687800", "2025-01-01 07:30:00"),
    ("1735687800000", "2025-01-01 07:30:00"),
    # not dates
    ("2024-01-00123", None),            # 索引号
    ("6107280000/2024-001005", None),
    ("卫商〔2024〕12号", None),          # 文号
    ("20171130103791708", None),        # id that looks like a timestamp
    ("20240305", None),
    ("12345678901", None),
    ("2024-13-01", None),
    ("2024-02-30", None),
    ("2023-02-29", None),
    ("2024-03-05 25:00", None),
    ("03-05", None),                    # year-less without context
    ("", None),
    ("yesterday", None),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_parse_date_table(text, expected):
    got = parse_date(text)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.tzinfo is not None
        assert got.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") == expected


def test_year_less_dates_take_the_context_year():
    assert parse_date("03-05", context_year=2024) == datetime(2024, 3, 5, tzinfo=BEIJING)
    assert parse_date("12/20", context_year=2023) == datetime(2023, 12, 20, tzinfo=BEIJING)
    assert parse_date("02-30", context_year=2024) is None


def test_beijing_date_of_new_year_midnight_utc():
    assert str(beijing_date(parse_date("2024-12-31T16:10:00Z"))) == "2025-01-01"
    assert str(beijing_date(datetime(2024, 12, 31, 23, 59))) == "2024-12-31"  # naive = Beijing


@pytest.mark.parametrize("text,expected", [
    ("发布时间：2024-03-05 09:30 来源：卫滨区商务局", "2024-03-05 09:30"),
    ("索引号：2024-01-00123 发布日期：2024-02-01", "2024-02-01 00:00"),
    ("时间:2019年06月17日 点击次数:28596", "2019-06-17 00:00"),
    ("索引号：6107280000/2024-001005", None),
    ("文号：卫商〔2024〕12号", None),
])
def test_find_date_in_text_skips_index_numbers(text, expected):
    found = find_date(text)
    assert (found[0].strftime("%Y-%m-%d %H:%M") if found else None) == expected
