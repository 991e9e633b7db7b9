"""gov-sites.md §3.4's date catalogue, and the traps around it: split dates, year-less dates,
index numbers and IDs that look like dates, the 今天是… header widget."""
from datetime import datetime

import pytest

from collectors import BEIJING, parse_date
from collectors._dates import find_date
from collectors._listing import find_rows, fragment_row
from collectors._pages import soup_of

BASE = "http://www.example.gov.cn/col/index.html"


@pytest.mark.parametrize("text,context,expected", [
    ("2026-08-28", None, "2026-08-28 00:00"),                 # Hanweb list span
    ("2026/08/27", None, "2026-08-27 00:00"),                 # NDRC list
    ("2023-11-13 09:26", None, "2023-11-13 09:26"),           # 卫滨 byline
    ("2025-11-13 20:21:34", None, "2025-11-13 20:21"),        # TRS PubDate
    ("2024年04月06日 16:40", None, "2024-04-06 16:40"),       # 镇巴 metadata
    ("2026年6月2日", None, "2026-06-02 00:00"),               # 落款
    ("2010/1/6 16:43:13", None, "2010-01-06 16:43"),          # .aspx, no padding
    ("12-20", 2017, "2017-12-20 00:00"),                      # old xinxiang list
    ("01/22", 2024, "2024-01-22 00:00"),                      # dangxiao list
    ("[12-20]", 2024, "2024-12-20 00:00"),                    # bracketed year-less form
    ("2019年03月18日17:01:33周一", None, "2019-03-18 17:01"),  # 河南人大 header
    ("2026-09-28-21:50:00", None, "2026-09-28 21:50"),        # gov.cn meta
    ("1790603400000", None, "2026-09-28 21:50"),              # epoch ms, UTC -> +08
    ("2026-\n01-\n23", None, "2026-01-23 00:00"),             # split across lines (dataproxy)
    ("2024 年 3 月 5 日", None, "2024-03-05 00:00"),
])
def test_catalogue_format(text, context, expected):
    got = parse_date(text, context_year=context)
    assert got is not None and got.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("text", [
    "索引号：11330000002482031M/2026-1010578183",
    "索引号：003129766/201901-00336",
    "索引号：20191202-189769",
    "索引号：2024-01-00123",
    "索引号：2024-01-10123",     # 2024-01-10 followed by more digits: only the right guard stops it
    "索引号：003129766/2019-01-15001",   # a prefixed index: the left guard stops it
    "ID 20171130103791708",      # 10:37:91 would be an invalid second: never a date
])
def test_index_numbers_and_ids_are_not_dates(text):
    assert find_date(text) is None


def test_today_widget_in_a_row_is_not_the_row_date():
    html = ('<ul><li>今天是2025年1月3日 星期五 <a href="/a/1.html" title="区商务局座谈会">区商务局座谈会</a>'
            '<span>2024-11-30</span></li><li><a href="/a/2.html">第二条</a><span>2024-11-20</span></li></ul>')
    rows = find_rows(soup_of(html), BASE)
    assert rows[0].date == datetime(2024, 11, 30, tzinfo=BEIJING)


def test_split_date_in_a_hanweb_record():
    row = fragment_row('<li><a title="全名" href="/art/2026/1/23/art_1_2.html">全...</a>'
                       '<span class="bt-list-time">2026-\n01-\n23</span></li>', BASE)
    assert row.title == "全名" and row.date == datetime(2026, 1, 23, tzinfo=BEIJING)


def test_title_dates_never_become_the_row_date():
    row = fragment_row('<li><a href="/a.html">2023年12月1日起施行的新规</a><span>2024-01-05</span></li>', BASE)
    assert row.date == datetime(2024, 1, 5, tzinfo=BEIJING)
