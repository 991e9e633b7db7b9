"""Loading rules: the default file, the public shape of Ruleset, and every RulesError fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifier import (
    Category,
    Ruleset,
    RulesError,
    default_rules_path,
    default_rules_text,
    load_rules,
)

ERRORS = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "errors"

REPORT_ORDER = ("内贸流通", "促消费", "招商引资", "安全生产", "行政事项审批", "其他")
LABELS = ("内贸流通领域信息", "促消费信息", "招商引资信息", "安全生产信息", "行政事项审批信息", "其他信息")

MINIMAL = """
[[category]]
name = "促消费"
label = "促消费信息"
key = 1
[category.keywords]
"消费券" = 5

[[category]]
name = "其他"
label = "其他信息"
key = 2
"""


def test_default_ruleset_shape():
    rules = load_rules()
    assert isinstance(rules, Ruleset)
    assert rules.names == REPORT_ORDER
    assert tuple(c.label for c in rules.categories) == LABELS
    assert tuple(c.key for c in rules.categories) == ("1", "2", "3", "4", "5", "6")
    assert all(isinstance(c, Category) for c in rules.categories)
    assert rules.fallback == "其他"
    assert rules.report == {
        "sentence": "{year} 年度共通过各渠道发表{items}。",
        "item": "{label} {count} 篇",
        "separator": "、",
    }
    assert re.fullmatch(r"[0-9a-f]{12}", rules.version)
    assert rules.path == default_rules_path()
    assert load_rules(None).version == rules.version


def test_report_template_reproduces_the_seed_sentence():
    rules = load_rules()
    counts = dict(zip(REPORT_ORDER, (7, 36, 28, 17, 4, 13)))
    items = rules.report["separator"].join(
        rules.report["item"].format(label=c.label, count=counts[c.name]) for c in rules.categories)
    sentence = rules.report["sentence"].format(year=2024, items=items)
    assert sentence == ("2024 年度共通过各渠道发表内贸流通领域信息 7 篇、促消费信息 36 篇、招商引资信息 28 篇、"
                        "安全生产信息 17 篇、行政事项审批信息 4 篇、其他信息 13 篇。")


def test_default_rules_text_is_the_shipped_file():
    assert default_rules_text() == default_rules_path().read_text(encoding="utf-8")
    assert "[[category]]" in default_rules_text()


def test_ruleset_is_frozen():
    rules = load_rules()
    with pytest.raises(AttributeError):
        rules.fallback = "促消费"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        rules.categories[0].name = "x"  # type: ignore[misc]


def test_version_changes_when_the_file_changes(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    first = load_rules(path)
    assert load_rules(path).version == first.version
    path.write_text(MINIMAL.replace('"消费券" = 5', '"消费券" = 4'), encoding="utf-8")
    assert load_rules(path).version != first.version
    path.write_text(MINIMAL + "\n# a comment changes the file, so the version too\n", encoding="utf-8")
    assert load_rules(path).version != first.version


def test_fallback_defaults_to_last_category(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_rules(path).fallback == "其他"


def test_keywords_are_normalized_on_load(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL.replace('"消费券" = 5', '"消 费 券" = 5\n"ＲＣＥＰ" = 2'), encoding="utf-8")
    keywords = load_rules(path).category("促消费").keywords
    assert keywords == {"消费券": 5.0, "rcep": 2.0}


def test_missing_file_names_it(tmp_path):
    with pytest.raises(RulesError, match="nope.toml"):
        load_rules(tmp_path / "nope.toml")


def test_rules_error_is_a_value_error():
    assert issubclass(RulesError, ValueError)


def _error_fixtures():
    return sorted(ERRORS.glob("*.toml"))


@pytest.mark.parametrize("path", _error_fixtures(), ids=lambda p: p.stem)
def test_error_fixture(path: Path):
    expected = [line.split(":", 1)[1].strip()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("# Expect-error:")]
    assert expected, f"{path.name} has no '# Expect-error:' line"
    with pytest.raises(RulesError) as info:
        load_rules(path)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
