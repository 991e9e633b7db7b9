"""``gongkai demo --district`` (issue 17): the sample site read as a district of several bodies.
Every body's count is checked against the site's own truth, and the bureau's against the plain
demo's seed sentence."""
import json
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from gongkai.cli import main
from gongkai.demo import DISTRICT_BODIES, build_site

SH = ZoneInfo("Asia/Shanghai")
SEED = {"内贸流通": 7, "促消费": 36, "招商引资": 28, "安全生产": 17, "行政事项审批": 4, "其他": 13}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("district-demo")
    assert main(["demo", "--district", "--out", str(folder)]) == 0
    return folder


def _truth():
    """Each other body's 2024 items on the district's account, and the items naming no body,
    read from the site's data by the names alone."""
    want = {i: 0 for i, _, _ in DISTRICT_BODIES}
    loose = 0
    for item in build_site().items:
        if item.ours or item.published.astimezone(SH).year != 2024:
            continue
        named = [i for i, name, aliases in DISTRICT_BODIES
                 if any(a in item.title + item.body for a in (name, *aliases))]
        for i in named:
            want[i] += 1
        loose += not named
    return want, loose


def test_every_body_counts_what_the_site_says(out):
    every = json.loads((out / "counts-2024-all.json").read_text("utf-8"))
    bureau = every["bureaus"]["shangwu"]
    assert bureau["categories"] == SEED and bureau["total"] == 105
    want, loose = _truth()
    for body, n in want.items():
        if body != "shangwu":
            assert every["bureaus"][body]["total"] == n, body
    assert sum(n for b, n in want.items() if b != "shangwu") >= 3    # the site names some
    assert every["unattributed"] == loose > 0


def test_the_table_and_the_reports(out):
    every = json.loads((out / "counts-2024-all.json").read_text("utf-8"))
    ws = openpyxl.load_workbook(out / "district-2024.xlsx").active
    rows = {r[1]: r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    for body, obj in every["bureaus"].items():
        assert rows[body] == obj["total"], body
    assert rows[None] == every["unattributed"]
    for body in ("shangwu", "shichang"):
        html = (out / f"report-2024-{body}.html").read_text("utf-8")
        assert dict((i, n) for i, n, _ in DISTRICT_BODIES)[body] in html
