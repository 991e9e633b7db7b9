"""collectors/README.md's variant table cannot drift from the fixtures: every variant fixture
folder is named in it, and every folder it names exists (STYLE: docs that cannot drift)."""
import re
from pathlib import Path

from _sites_server import SITES

README = Path(__file__).resolve().parents[2] / "collectors" / "README.md"
ROOTS = ("hanweb_variants", "trs_variants", "plain_variants", "jpaas_variants", "datafile", "layout_variants")


def _named() -> set[str]:
    text = README.read_text(encoding="utf-8")
    return set(re.findall(rf"`((?:{'|'.join(ROOTS)})/[\w.-]+)`", text))


def test_every_variant_fixture_is_in_the_table():
    folders = {f"{root}/{p.name}" for root in ROOTS for p in (SITES / root).iterdir() if p.is_dir()}
    assert folders - _named() == set(), "fixtures missing from collectors/README.md"


def test_every_fixture_the_table_names_exists():
    missing = {n for n in _named() if not (SITES / n).is_dir()}
    assert missing == set(), "collectors/README.md names fixtures that do not exist"
