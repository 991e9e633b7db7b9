"""probe (also `source probe`): what a website column is and what a ``website`` source would read from it."""
from __future__ import annotations

from urllib.parse import urlsplit

import collectors

from . import app

_SHOWN = 10


_PROBE_HELP = "fetch one column page: detected CMS preset, its first items, a [[sources]] snippet"


def register(sub, common) -> None:
    _probe_arguments(sub.add_parser("probe", parents=[common], help=_PROBE_HELP))
    # `gongkai source probe URL` is the name issue 3 gives the command; both spellings work.
    src = sub.add_parser("source", parents=[common], help="source helpers: `source probe URL` (= probe)")
    actions = src.add_subparsers(dest="source_action", metavar="ACTION", required=True)
    _probe_arguments(actions.add_parser("probe", parents=[common], help=_PROBE_HELP))


def _probe_arguments(s) -> None:
    s.add_argument("url", metavar="URL", help="the column's first list page")
    s.add_argument("--preset", default="auto",
                   help="read with this preset instead of detecting (" +
                   ", ".join(["auto", *sorted({c.name for c in collectors.PRESETS.values()})]) + ")")
    s.add_argument("--limit", type=int, default=_SHOWN, metavar="N", help=f"items to show (default {_SHOWN})")
    s.set_defaults(func=cmd_probe)


def cmd_probe(args) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise app.UsageError(f"URL must be an http(s) URL, got {args.url!r}")
    if args.preset != "auto" and args.preset not in collectors.PRESETS:
        raise app.UsageError(f"--preset must be auto or one of "
                             f"{', '.join(sorted({c.name for c in collectors.PRESETS.values()}))}, "
                             f"got {args.preset!r}")
    cfg = app.load_config_optional(args)
    http = app.make_http(cfg) if cfg is not None else collectors.Http()
    try:
        result = collectors.probe(args.url, http, preset=args.preset)
    except collectors.ConfigError as e:
        raise app.UsageError(str(e)) from None
    finally:
        http.close()
    _print_probe(result, args.limit)
    return 0 if result.ok else 1


def _print_probe(result, limit: int) -> None:
    if result.kind == "feed":
        print(f"a feed: {result.feed_entries} entries")
    elif result.detection is not None:
        print(f"detected: {result.detection.describe()}")
    if result.ok and result.kind != "feed":
        how = "selectors" if result.selectors else result.preset
        print(f"verified: preset {how}")
    for line in result.evidence:
        print(f"  ✓ {line}")
    if result.problem:
        print(f"problem: {result.problem}")
        for v in result.verdicts:
            for line in v.problems[:2]:
                print(f"  ✗ {v.preset}: {line}")
    if result.rows:
        shown = "page 1" if result.kind != "feed" else "entries"
        print(f"{shown}: {len(result.rows)} items"
              + (f" of {result.total_pages} pages" if result.total_pages else "")
              + (f"; next: {result.next_page}" if result.next_page else ""))
        for row in result.rows[: max(0, limit)]:
            day = collectors.beijing_date(row.date).isoformat() if row.date else "(no date)"
            print(f"  {day}  {row.title}\n              {row.url}")
        if len(result.rows) > limit:
            print(f"  … {len(result.rows) - limit} more")
    for line in result.findings:
        print(f"found: {line}")
    if result.ok:
        print()
        print(result.snippet())
    elif result.kind == "column":
        print("nothing to paste: no preset or suggested selectors read this page as a column with "
              "dates; set item_selector/title_selector/date_selector by hand and probe again with "
              "--preset selectors, or probe the column's own list page")
