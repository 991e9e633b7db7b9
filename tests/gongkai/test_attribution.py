"""Attribution (归属) on shared channels: the bureau's names, not names that merely end like them."""
import pytest

from gongkai.matching import attribute

ALIASES = ("卫滨区商务局", "区商务局")

CASES = [
    ("卫滨区商务局开展消费季活动", "ours"),
    ("区商务局组织召开安全生产会议", "ours"),
    ("我区商务局积极推进县域商业体系建设", "ours"),
    ("近日，区商务局联合区市场监管局开展检查", "ours"),
    ("由区商务局牵头举办美食节", "ours"),
    ("红旗区商务局开展消费券发放", "not_ours"),
    ("牧野区商务局召开招商推介会", "not_ours"),
    ("市商务局召开全市商务工作会议", "not_ours"),
    ("红旗区商务局与卫滨区商务局联合开展", "ours"),
    ("区教育局开展安全教育", "not_ours"),
    ("卫滨区 商务局 开展活动", "ours"),        # layout spaces between characters
]


@pytest.mark.parametrize("text,expected", CASES)
def test_mention(text, expected):
    assert attribute("mention", ALIASES, text) == expected


def test_all_mode_needs_no_mention():
    assert attribute("all", ALIASES, "区教育局开展安全教育") == "ours"


def test_byline_counts():
    assert attribute("mention", ALIASES, "我区举办汽车展销会", "", "来源：卫滨区商务局") == "ours"
