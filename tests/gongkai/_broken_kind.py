"""A source kind with a bug: it yields its items, then trips over a string where a dict was meant
(the shape of the Hanweb ``ajaxParam`` crash of issue 12). Tests register it with monkeypatch, so it
leaves no trace in the registry; a `gongkai crawl` subprocess registers it through ``CLI``."""
from __future__ import annotations

import builtins
from datetime import datetime, timezone
from pathlib import Path

import collectors

NAME = "broken-kind"
FILE = Path(__file__)
# `python -c CLI crawl ...`: the real command line, with this kind registered first
CLI = (f"import sys; sys.path.insert(0, {str(FILE.parent)!r}); import collectors, {FILE.stem}; "
       f"collectors.register({FILE.stem}.Broken); "
       "from gongkai.cli import main; sys.exit(main(sys.argv[1:]))")


class Broken(collectors.SourceKind):
    name = NAME
    options = {"url": collectors.Option(str),
               "items": collectors.Option(int, default=1, help="items yielded before the crash"),
               "crash": collectors.Option(bool, default=True, help="False: the bug is fixed"),
               "raises": collectors.Option(str, default="", help="a builtin exception to raise "
                                           "instead of the bug (KeyboardInterrupt, SystemExit)")}

    def collect(self, state):
        for n in range(1, self.opts["items"] + 1):
            yield collectors.Item(key=f"{self.opts['url']}/{n}", url=f"{self.opts['url']}/{n}",
                                  title=f"促消费活动第{n}期",
                                  published_at=datetime(2024, 5, n, 2, tzinfo=timezone.utc))
        if self.opts["raises"]:
            raise getattr(builtins, self.opts["raises"])()
        if self.opts["crash"]:
            params = {"ajaxParam": "columnid=1"}["ajaxParam"]
            params.items()  # the crash line


def crash_line() -> int:
    """The line number of the crash, as the recorded reason must name it."""
    lines = FILE.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().endswith("# the crash line"))
