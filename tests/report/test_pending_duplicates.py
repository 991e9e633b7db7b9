"""The year's undecided possible duplicates are a check line, as items awaiting review are."""
import dataclasses

from report import check


def test_open_possible_duplicates_are_a_warning_saying_how_many(build, counts):
    pairs = dataclasses.replace(counts, possible_duplicates=2)
    found = [p for p in check(build(counts=pairs)) if p.rule == "PENDING-DUPLICATES"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "2 对" in found[0].message and "dupes pairs" in found[0].message


def test_no_line_when_every_pair_is_decided(build, counts):
    assert counts.possible_duplicates == 0
    assert not [p for p in check(build()) if p.rule == "PENDING-DUPLICATES"]
