"""The default rules against the headline fixtures in tests/fixtures/rules/ (format in its README)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from classifier import Classifier, load_rules

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
MIN_ACCURACY = 0.95


@dataclass(frozen=True)
class Case:
    source: str  # file:line, for messages
    expect: str
    title: str
    body: str = ""
    trap: str = ""


def read_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        headers: dict[str, str] = {}
        title = ""
        body: list[str] = []
        for lineno, line in block:
            key, sep, value = line.partition(":")
            if sep and key in ("Expect", "Trap") and not title:
                headers[key] = value.strip()
            elif line.startswith("Body:"):
                body.append(line[5:].strip())
            elif not title:
                title = line
            else:
                raise ValueError(f"{path.name}:{lineno}: unexpected line {line!r}")
        first = block[0][0]
        if "Expect" not in headers or not title:
            raise ValueError(f"{path.name}:{first}: a case needs an Expect: line and a title")
        cases.append(Case(f"{path.name}:{first}", headers["Expect"], title, "".join(body),
                          headers.get("Trap", "")))
        block.clear()

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            flush()
        else:
            block.append((lineno, line))
    flush()
    return cases


def tuned_cases() -> list[Case]:
    return [c for p in sorted(FIXTURES.glob("*.txt")) for c in read_cases(p)]


def heldout_cases() -> list[Case]:
    return [c for p in sorted((FIXTURES / "heldout").glob("*.txt")) for c in read_cases(p)]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(load_rules())


def _misfiled(classifier: Classifier, cases: list[Case]) -> list[str]:
    out = []
    for c in cases:
        d = classifier.classify(c.title, c.body)
        if d.category != c.expect:
            hits = ", ".join(f"{e.keyword}->{e.category}({e.weight:g})" for e in d.evidence)
            out.append(f"{c.source}: {c.title!r} expected {c.expect}, got {d.category} [{hits}]")
    return out


def test_fixtures_cover_every_category():
    names = set(load_rules().names)
    cases = tuned_cases()
    assert len(cases) >= 150
    assert {c.expect for c in cases} == names
    assert all(c.expect in names for c in cases + heldout_cases())


def test_default_rules_accuracy(classifier):
    cases = tuned_cases()
    wrong = _misfiled(classifier, cases)
    accuracy = 1 - len(wrong) / len(cases)
    assert accuracy >= MIN_ACCURACY, (
        f"accuracy {accuracy:.1%} < {MIN_ACCURACY:.0%}; misfiled:\n" + "\n".join(wrong))


def test_every_trap_is_filed_correctly(classifier):
    traps = [c for c in tuned_cases() if c.trap]
    assert len(traps) >= 20
    wrong = _misfiled(classifier, traps)
    assert not wrong, "misfiled traps:\n" + "\n".join(wrong)


def test_heldout_accuracy_is_measured_not_tuned(classifier, capsys):
    # Held-out headlines were never used to tune the rules; this only reports the figure
    # (run with -s to see it). Tuning the rules to make this number go up defeats its purpose.
    cases = heldout_cases()
    assert cases
    wrong = _misfiled(classifier, cases)
    with capsys.disabled():
        print(f"\nheld-out accuracy: {len(cases) - len(wrong)}/{len(cases)}"
              f" = {1 - len(wrong) / len(cases):.1%}")
        for w in wrong:
            print("  " + w)
