"""The narrative parser on sentences from published reports (tests/fixtures/narrative/sentences.toml).

Each case states what the sentence says (its totals and parts) and whether `report check` must
call it H-NARR-SUM; a sentence the parser gets wrong becomes a new case in that file.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from report import Tables, check
from report._crosscheck import narrative_lists

CASES = tomllib.loads((Path(__file__).parents[1] / "fixtures" / "narrative" / "sentences.toml")
                      .read_text(encoding="utf-8"))["case"]


def test_the_fixture_holds_twenty_published_sentences():
    published = [c for c in CASES if c["source"].startswith("http")]
    assert len(published) >= 20
    assert all({"text", "lists", "verdict"} <= set(c) for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['verdict']}" for i, c in enumerate(CASES)])
def test_what_the_sentence_says(case):
    found = narrative_lists(case["text"])
    assert [[lst.total, [n for n, _ in lst.parts]] for lst in found] == case["lists"]
    if "carried_out" in case:
        assert [lst.carried_out for lst in found if lst.carried_out is not None] == [case["carried_out"]]
    assert any(len(lst.units) > 1 for lst in found) == case.get("units_mixed", False)


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['verdict']}" for i, c in enumerate(CASES)])
def test_report_check_agrees(build, case):
    problems = check(build(tables=Tables(), texts={"other": case["text"]}))
    sums = [p for p in problems if p.rule == "H-NARR-SUM"]
    assert bool(sums) == (case["verdict"] == "sum"), sums
    assert all(p.severity == "error" for p in sums)
