"""The command line. User mistakes become one line on stderr and exit status 2."""
from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from . import app
from .config import DEFAULT_CONFIG


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=None,
                        help=f"config file (default: ./{DEFAULT_CONFIG})")
    common.add_argument("--db", metavar="PATH", default=None,
                        help="database file (default: the config's [database] path)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")

    p = argparse.ArgumentParser(prog="gongkai", description=(
        "Collect what the bureau publishes, classify it, count it, and write the annual "
        "government-information-disclosure report (政府信息公开工作年度报告)."))
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = sub.add_parser("init", parents=[common], help="write a starter gongkai.toml and rules.toml here")
    s.add_argument("--force", action="store_true", help="overwrite existing files")

    s = sub.add_parser("crawl", parents=[common], help="one pass over every enabled source, then classify")
    s.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    s.add_argument("--since", metavar="YYYY-MM-DD", help="backfill: keep paging back to this date")

    sub.add_parser("run", parents=[common], help="the daemon: poll each source on its interval")

    s = sub.add_parser("counts", parents=[common], help="category counts for a year")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--json", action="store_true", help="print the JSON object")

    s = sub.add_parser("classify", parents=[common],
                       help='classify JSON lines {"title", "body"} from stdin')
    s.add_argument("--rules", metavar="FILE", help="rules file (default: the built-in rules)")

    s = sub.add_parser("report", parents=[common], help="write the annual report")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--format", choices=("html", "docx", "md"), default="html")
    s.add_argument("-o", "--output", metavar="FILE", help="output file (default: report-YEAR.EXT)")

    s = sub.add_parser("status", parents=[common], help="sources with their health, items awaiting review")

    s = sub.add_parser("demo", parents=[common],
                       help="crawl the bundled offline sample site and write counts and reports")
    s.add_argument("--out", metavar="DIR", default="demo-out", help="output folder (default: ./demo-out)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = getattr(app, "cmd_" + args.command)
    try:
        return handler(args) or 0
    except app.USER_ERRORS as e:
        print(f"gongkai: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
