"""A year with no 信息 counted is a check line: are the sources configured and crawled?"""
from report import Counts, check


def test_a_year_with_no_information_is_a_warning(build, seed):
    empty = Counts.from_raw(2024, {"categories": {}, "by_channel": {}, "unreviewed": 0,
                                   "undated": 0}, seed.names)
    found = [p for p in check(build(counts=empty)) if p.rule == "COUNTS-ZERO"]
    assert len(found) == 1 and found[0].severity == "warning" and "2024" in found[0].message
    assert not [p for p in check(build()) if p.rule == "COUNTS-ZERO"]
