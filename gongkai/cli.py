"""The command line. User mistakes become one line on stderr and exit status 2.

Each area's commands live in a ``cmd_*`` module with a ``register(sub, common)`` function.
Nothing heavy is imported here: ``gongkai classify`` is a filter whose start-up is paid on every
call, so a command line starting with ``classify`` builds that command's parser alone and never
loads the crawler, the store or the report (issue 18); every other command line builds them all.
"""
from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

from . import DEFAULT_CONFIG, __version__, cmd_classify, parallel


def command_modules() -> tuple:
    from . import (cmd_bodies, cmd_channels, cmd_core, cmd_ops, cmd_report, cmd_review,
                   cmd_rules, cmd_sites)
    return (cmd_core, cmd_classify, cmd_rules, cmd_report, cmd_ops, cmd_channels, cmd_review,
            cmd_sites, cmd_bodies)


def _user_errors() -> tuple:
    # evaluated only when an exception reaches main: importing app costs nothing on success
    from . import app
    return app.USER_ERRORS


class _Parser(argparse.ArgumentParser):
    """argparse, but a command-line mistake is the one line every other bad input gets (the
    usage it would print first is one `--help` away)."""

    def error(self, message: str):
        command = self.prog.removeprefix("gongkai").strip()
        self.exit(2, f"gongkai: error: {command + ': ' if command else ''}{message} "
                     f"(see {self.prog} --help)\n")


def _parser(modules: tuple | None = None) -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=None,
                        help=f"config file (default: ./{DEFAULT_CONFIG})")
    common.add_argument("--db", metavar="PATH", default=None,
                        help="database file (default: the config's [database] path)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")

    p = _Parser(prog="gongkai", description=(
        "Collect what the bureau publishes, classify it, count it, and write the annual "
        "government-information-disclosure report (政府信息公开工作年度报告)."))
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    p.add_argument("-v", "--verbose", dest="verbose_top", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules or command_modules():
        module.register(sub, common)
    return p


def _light(argv: list[str]) -> bool:
    """A command line the classify command alone can parse exactly as the full parser would
    (help lists every command, so it goes to the full parser)."""
    return argv[:1] == ["classify"] and not {"-h", "--help"} & set(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # also while the commands load, before any command runs
        print("gongkai: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser((cmd_classify,) if _light(argv) else None).parse_args(argv)
    args.verbose = args.verbose or args.verbose_top
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # urllib3 logs every retry; our own message says what failed, once.
    logging.getLogger("urllib3").setLevel(logging.INFO if args.verbose else logging.ERROR)
    try:
        return args.func(args) or 0
    except BrokenPipeError:
        # The reader went away (`gongkai classify | head -1`): nothing is wrong. Point stdout at
        # /dev/null so the interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except parallel.WorkersFailed as e:
        print(f"gongkai: error: {e}", file=sys.stderr)
        return 1
    except _user_errors() as e:
        print(f"gongkai: error: {e}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as e:
        # The disk or the file failed (full, read-only, damaged): one line saying which. The write
        # in progress was rolled back, so a run can simply be repeated once it is fixed.
        import store as store_mod
        reason = store_mod.fault(e)
        if reason is None:
            raise
        print(f"gongkai: error: {reason}", file=sys.stderr)
        return 2
    except OSError as e:
        # A path the user gave that cannot be read or written (no such folder, a folder where a
        # file was expected, no permission): say which, in one line.
        import store as store_mod
        message = store_mod.fault(e) or (
            f"{e.strerror or e}: {e.filename}" if e.filename else str(e.strerror or e))
        if isinstance(e, FileNotFoundError) and e.filename:
            folder = Path(e.filename).parent
            if not folder.exists():
                message = f"no such folder: {folder}"
        print(f"gongkai: error: {message}", file=sys.stderr)
        return 2
    except EOFError:
        print("gongkai: error: no input on stdin (is a prompt expecting a terminal?)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
