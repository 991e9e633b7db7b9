"""``gongkai classify``: JSON lines in, decisions out — the classifier alone.

Kept apart from the other commands and light on imports (the classifier and its worker pool,
nothing of the crawler, the store or the report): ``gongkai classify`` is a filter other programs
pipe data through, and its start-up is paid on every call (issue 18). ``cli.main`` builds only
this command's parser when the command line starts with ``classify``.
"""
from __future__ import annotations

import argparse
import codecs
import sys

import classifier

from . import parallel
from .errors import UsageError


def register(sub, common) -> None:
    s = sub.add_parser("classify", parents=[common],
                       help='classify JSON lines {"title", "body"} from stdin')
    s.add_argument("--rules", metavar="FILE", help="rules file (default: the built-in rules)")
    jobs_option(s)
    s.set_defaults(func=cmd_classify)


def jobs_option(parser) -> None:
    parser.add_argument("--jobs", type=at_least(1), default=None, metavar="N",
                        help="worker processes for large inputs (default: one per core)")


def at_least(low: int):
    """argparse type: a whole number of at least *low*."""
    def number(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = low - 1
        if n < low:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of at least {low}, got {text!r}")
        return n
    return number


def _utf8(stream) -> bool:
    """A text stream over a binary one (``buffer`` with ``read1``) in UTF-8."""
    try:
        return (codecs.lookup(stream.encoding).name == "utf-8"
                and hasattr(stream.buffer, "read1" if stream is sys.stdin else "write"))
    except (AttributeError, LookupError, TypeError):
        return False


def cmd_classify(args) -> int:
    rules = classifier.load_rules(args.rules) if args.rules else classifier.load_rules()
    if _utf8(sys.stdin) and _utf8(sys.stdout):
        # the usual case: stdin's bytes go to the workers as they are (parallel.classify_stream)
        sys.stdout.flush()
        write = sys.stdout.buffer.write
        for block, reason in parallel.classify_stream(
                rules, sys.stdin.buffer, errors=sys.stdin.errors or "strict",
                out_errors=sys.stdout.errors or "strict", jobs=args.jobs):
            write(block)
            if reason is not None:
                raise UsageError(reason)
        return 0
    out = sys.stdout
    # Blank lines are no input (and get no output line); a BOM from Windows Notepad is no text.
    lines = ((n, line.lstrip("\ufeff") if n == 1 else line)
             for n, line in enumerate(sys.stdin, 1) if line.strip())
    for _n, text, ok in parallel.classify_lines(rules, lines, jobs=args.jobs):
        if not ok:
            raise UsageError(text)
        out.write(text + "\n")
    return 0
