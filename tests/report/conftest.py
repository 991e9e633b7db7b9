"""Shared inputs: the seed report's (卫滨区商务局 2024) categories, wording and numbers.

Offered as fixtures (``seed``, ``build``) rather than imports, so the tests do not depend on how
pytest puts test folders on ``sys.path``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import report

SEED_NAMES = ["内贸流通", "促消费", "招商引资", "安全生产", "行政事项审批", "其他"]
SEED_LABELS = {
    "内贸流通": "内贸流通领域信息",
    "促消费": "促消费信息",
    "招商引资": "招商引资信息",
    "安全生产": "安全生产信息",
    "行政事项审批": "行政事项审批信息",
    "其他": "其他信息",
}
SEED_TEMPLATE = {"sentence": "{year} 年度共通过各渠道发表{items}。", "item": "{label} {count} 篇", "separator": "、"}
SEED_CHANNELS = [
    "市商务局融媒体账号及微信公众号",
    "区政府官网专栏",
    "区委宣传部“出彩卫滨”微信公众号",
    "局政务信息公开栏",
]
# Shuffled on purpose: the store's order must not leak into the report.
SEED_RAW = {
    "categories": {"其他": 13, "促消费": 36, "安全生产": 17, "内贸流通": 7, "招商引资": 28, "行政事项审批": 4},
    "by_channel": {
        "website": {"促消费": 20, "招商引资": 10},
        "wechat": {"促消费": 16, "其他": 13},
    },
    "unreviewed": 3,
    "undated": 0,
}
SEED_SENTENCE = (
    "2024 年度共通过各渠道发表内贸流通领域信息 7 篇、促消费信息 36 篇、招商引资信息 28 篇、"
    "安全生产信息 17 篇、行政事项审批信息 4 篇、其他信息 13 篇。"
)
SIX_HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


@pytest.fixture
def counts() -> report.Counts:
    return report.Counts.from_raw(2024, SEED_RAW, SEED_NAMES)


@pytest.fixture
def model(counts: report.Counts) -> report.ReportModel:
    return report.build_model(
        counts, bureau="卫滨区商务局", channels=SEED_CHANNELS, labels=SEED_LABELS, template=SEED_TEMPLATE
    )


@pytest.fixture
def seed() -> SimpleNamespace:
    return SimpleNamespace(
        names=list(SEED_NAMES), labels=dict(SEED_LABELS), template=dict(SEED_TEMPLATE),
        channels=list(SEED_CHANNELS), raw=SEED_RAW, sentence=SEED_SENTENCE, headings=list(SIX_HEADINGS),
    )


@pytest.fixture
def build(counts: report.Counts):
    """``build(**overrides)``: the seed model with some build_model arguments replaced."""

    def _build(counts: report.Counts = counts, **kwargs) -> report.ReportModel:
        args = dict(bureau="卫滨区商务局", channels=SEED_CHANNELS, labels=SEED_LABELS, template=SEED_TEMPLATE)
        args.update(kwargs)
        return report.build_model(counts, **args)

    return _build


# --- the `libreoffice` marker ------------------------------------------------------------------
# Tests that convert the .docx with LibreOffice. They always run and fail loudly when `soffice` is
# missing: `make test` installs it (tools/system-deps.sh).

def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "libreoffice: needs soffice and pdftoppm (LibreOffice, poppler-utils)")
