"""The .docx opens in LibreOffice: converted to PDF, its pages rendered to PNG show tables and chart.

Always runs; `make test` installs LibreOffice (tools/system-deps.sh). To look at the
pages yourself, run ``tools/render_docx.sh report-2024.docx``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import report

pytestmark = pytest.mark.libreoffice
RENDER = Path(__file__).parents[2] / "tools" / "render_docx.sh"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    assert shutil.which("soffice") and shutil.which("pdftoppm"), "LibreOffice and poppler-utils are needed"
    folder = tmp_path_factory.mktemp("lo")
    counts = report.Counts.from_raw(2024, {"categories": {"a": 7, "b": 36}, "by_channel": {},
                                           "unreviewed": 0, "undated": 0}, ["a", "b"])
    monthly = report.Monthly(2024, {"促消费": tuple(range(12)), "招商引资": (2,) * 12}, {"website": (3,) * 12})
    tables = report.Tables()
    tables.set("t3.r1_new.natural_person", 1)
    model = report.build_model(counts, bureau="卫滨区商务局", channels=["区政府官网专栏"],
                               labels={"a": "甲类信息", "b": "乙类信息"},
                               template={"sentence": "{year} 年度共发表{items}。", "item": "{label} {count} 篇",
                                         "separator": "、"},
                               tables=tables, monthly=monthly)
    report.render_docx(model, folder / "r.docx")
    done = subprocess.run(["sh", str(RENDER), str(folder / "r.docx"), str(folder / "out"), "40"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return sorted((folder / "out").glob("page-*.png"))


def _pixels(png: Path):
    from matplotlib import image

    return image.imread(str(png))[..., :3]


def test_every_page_renders_and_table_four_is_landscape(pages):
    assert len(pages) >= 5
    shapes = [_pixels(p).shape for p in pages]
    landscape = [h < w for h, w, _ in shapes]
    assert landscape.count(True) == 1 and not landscape[0]


def test_the_chart_is_drawn(pages):
    # Bars are saturated colours; text, rules and table lines are black or grey.
    def colourful(png: Path) -> float:
        rgb = _pixels(png)
        return float(((rgb.max(axis=2) - rgb.min(axis=2)) > 0.3).mean())

    assert max(colourful(p) for p in pages) > 0.01


def _longest_dark_run(row) -> int:
    best = run = 0
    for dark in row:
        run = run + 1 if dark else 0
        best = max(best, run)
    return best


def test_tables_are_drawn(pages):
    # Table rules are unbroken dark lines across most of the type area; a line of text, even of
    # tofu boxes, has gaps between its characters.
    def rules(png: Path) -> int:
        dark = _pixels(png).mean(axis=2) < 0.5
        return sum(_longest_dark_run(row) > dark.shape[1] * 0.5 for row in dark)

    # 表二 has 15 horizontal rules, 表三 29, 表四 5; neighbours may merge at 40 dpi.
    assert sum(rules(p) for p in pages) >= 30
