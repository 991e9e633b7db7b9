"""Shared helpers of the collector tests (a plain module, so tests never import ``conftest``,
whose module name other test directories share)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from collectors import decode_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SITES = FIXTURES / "sites"
FEEDS = FIXTURES / "feeds"

_EXPECT = re.compile(r"Expect:\s*(\{.*?\})\s*(?:-->|\n\S)", re.S)


def expect_of(path: Path) -> dict:
    """A fixture's expectation: the ``Expect: {json}`` in its first comment, or ``expect`` in a
    sidecar ``<file>.meta.json`` when the file cannot carry a comment (an empty body)."""
    meta = path.with_name(path.name + ".meta.json")
    if meta.exists():
        data = json.loads(meta.read_text("utf-8"))
        if "expect" in data:
            return data["expect"]
    text, _ = decode_html(path.read_bytes(), None)
    m = _EXPECT.search(text)
    assert m, f"{path} has no Expect: line"
    return json.loads(m.group(1))


class FakeTime:
    """Injected clock and sleep: sleeping advances the clock and is recorded, never waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
