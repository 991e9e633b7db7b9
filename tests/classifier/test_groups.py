"""Required groups ([[category.all]]): all of the words, optionally close together."""
import pytest

from classifier import Classifier, RulesError, parse_rules

RULES = """
[[category]]
name = "促消费"
label = "促消费信息"
key = 1
[[category.all]]
words = ["汽车", "补贴"]
weight = 2
[[category.all]]
words = ["家电", "换新"]
weight = 2
within = 4
[[category]]
name = "其他"
label = "其他信息"
key = 2
"""


@pytest.fixture(scope="module")
def clf():
    return Classifier(parse_rules(RULES.encode()))


def test_all_words_needed(clf):
    d = clf.classify("新能源汽车购置补贴申领")
    assert d.category == "促消费" and d.score == 6.0
    ev = d.evidence[0]
    assert (ev.keyword, ev.field, ev.start) == ("汽车+补贴", "title", 3)
    assert clf.classify("汽车展览会开幕").category == "其他"


def test_group_counts_once_per_field(clf):
    d = clf.classify("汽车补贴 汽车补贴", "汽车和补贴")
    assert d.score == 6.0 + 2.0


def test_within_limits_the_distance(clf):
    assert clf.classify("家电以旧换新").category == "促消费"          # 2 chars apart
    assert clf.classify("家电企业座谈会召开部署工作换新").category == "其他"


@pytest.mark.parametrize("body, message", [
    ('words = ["汽车"]\nweight = 2', "at least two words"),
    ('words = ["汽车", "补贴"]', "missing 'weight'"),
    ('words = ["汽车", "补贴"]\nweight = 2\nwithin = -1', "'within'"),
    ('words = ["汽车", "补贴"]\nweight = 2\nnear = 3', "unknown key 'near'"),
])
def test_errors_name_the_key(body, message):
    text = f'[[category]]\nname = "促消费"\nlabel = "x"\nkey = 1\n[[category.all]]\n{body}\n'
    with pytest.raises(RulesError, match=message):
        parse_rules(text.encode())
