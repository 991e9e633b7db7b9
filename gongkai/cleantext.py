"""Text from the web, cleaned once at the door (issue 15 #4–#6).

A crawled or imported title may carry bytes no output can take: C0/C1 control characters (a NUL
from a CSV makes openpyxl refuse the whole export), bidi overrides and isolates (U+202E shows
促消费 reversed on the item page), zero-width characters, and terminal escape sequences (``ESC[2J``
clears the officer's screen in ``gongkai review``). ``clean_text`` / ``clean_line`` take them out
when an item is stored; the raw page keeps them. Outputs that may meet items stored before this
(the Excel export, the terminal review) pass their text through ``clean_line`` too.

Pure and dependency-free; what stays is every printable character, including emoji, variation
selectors and the soft hyphen.
"""
from __future__ import annotations

import re

# Whole escape sequences go, not just their ESC, or "[2J" would be left in the title: CSI
# (ESC [ parameters final), OSC / DCS / SOS / PM / APC strings ended by BEL or ST (an unended one
# loses only its introducer, never the text after it), then any other two-character sequence.
# 8-bit C1 introducers are only dropped: U+0098 or U+009D in mis-decoded text is not a command.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]{0,1024}(?:\x07|\x1b\\)"
    r"|\x1b[ -~]?")
_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters (C0 but tab and newline, DEL, C1), bidi marks, embeddings, overrides and
# isolates, zero-width characters and the BOM, interlinear annotations, noncharacters U+FFFE/F,
# and lone surrogates (no encoder or XML writer takes them).
_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e"
                   "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]")
# anything either of the above would touch; most text has none and is returned as it is
_DIRTY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029"
                    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff"
                    "\ud800-\udfff]")
_LINE_SPACE = re.compile(r"[\t\n]")


def clean_text(text: str | None) -> str:
    """``text`` without control characters, bidi controls, zero-width characters or escape
    sequences; line breaks become ``\\n``, tabs stay (for bodies)."""
    if not text:
        return ""
    if _DIRTY.search(text) is None:   # the common case: nothing to do, no copy
        return text
    text = _ESCAPES.sub("", text)
    text = _BREAK.sub("\n", text)
    return _DROP.sub("", text)


def clean_line(text: str | None) -> str:
    """As ``clean_text``, for one-line fields (title, byline, a terminal line): line breaks and
    tabs become spaces."""
    text = clean_text(text)
    if "\n" in text or "\t" in text:
        text = _LINE_SPACE.sub(" ", text)
    return text
