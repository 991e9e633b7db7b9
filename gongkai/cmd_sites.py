"""probe (also `source probe`): what is at a URL and which source would read it; `source test`: do
the configured sources still read their channels (nothing saved)."""
from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlsplit

import collectors

from . import app, crash

log = logging.getLogger(__name__)

_SHOWN = 10


_PROBE_HELP = "fetch one column page: detected CMS preset, its first items, a [[sources]] snippet"


_TEST_HELP = ("check configured sources without saving anything: page 1, page 2, one detail page, "
              "the stated total; exit 1 when any fails")


def register(sub, common) -> None:
    _probe_arguments(sub.add_parser("probe", parents=[common], help=_PROBE_HELP))
    # `gongkai source probe URL` is the name issue 3 gives the command; both spellings work.
    src = sub.add_parser("source", parents=[common], help="source helpers: `source probe URL` (= probe)")
    actions = src.add_subparsers(dest="source_action", metavar="ACTION", required=True)
    _probe_arguments(actions.add_parser("probe", parents=[common], help=_PROBE_HELP))
    t = actions.add_parser("test", parents=[common], help=_TEST_HELP)
    t.add_argument("ids", nargs="*", metavar="ID", help="sources to check (default: every enabled one)")
    t.set_defaults(func=cmd_source_test)


def _probe_arguments(s) -> None:
    s.add_argument("url", metavar="URL", help="the column's first list page")
    s.add_argument("--preset", default="auto",
                   help="read with this preset instead of detecting (" +
                   ", ".join(["auto", *sorted({c.name for c in collectors.PRESETS.values()})]) + ")")
    s.add_argument("--limit", type=int, default=_SHOWN, metavar="N", help=f"items to show (default {_SHOWN})")
    for key, what in (("item", "one list row"), ("title", "the title link inside a row"),
                      ("date", "the date inside a row"), ("next", "the next-page link")):
        s.add_argument(f"--{key}-selector", metavar="CSS", default="",
                       help=f"verify these selectors (preset selectors): CSS of {what}")
    s.add_argument("--page-url", metavar="PATTERN", default="",
                   help="verify this page_url: the address of page {n} of a column whose pager only "
                   "runs JavaScript, e.g. list_{n}.html")
    s.set_defaults(func=cmd_probe)


def cmd_probe(args) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise app.UsageError(f"URL must be an http(s) URL, got {args.url!r}")
    if args.preset != "auto" and args.preset not in collectors.PRESETS:
        raise app.UsageError(f"--preset must be auto or one of "
                             f"{', '.join(sorted({c.name for c in collectors.PRESETS.values()}))}, "
                             f"got {args.preset!r}")
    selectors = {f"{k}_selector": getattr(args, f"{k}_selector") for k in ("item", "title", "date", "next")
                 if getattr(args, f"{k}_selector")}
    if selectors and "item_selector" not in selectors:
        raise app.UsageError("--title-selector/--date-selector/--next-selector need --item-selector "
                             "(the CSS of one list row)")
    if args.preset == "selectors" and not selectors:
        raise app.UsageError("--preset selectors needs --item-selector CSS (and optionally "
                             "--title-selector, --date-selector, --next-selector)")
    cfg = app.load_config_optional(args)
    http = app.make_http(cfg) if cfg is not None else collectors.Http()
    try:
        result = collectors.probe(args.url, http, preset=args.preset, selectors=selectors or None,
                                  page_url=args.page_url)
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
              "dates; find the CSS of one list row and probe again with --item-selector CSS "
              "(and --title-selector/--date-selector), or probe the column's own list page")


# -- source test --

def cmd_source_test(args) -> int:
    cfg = app.load_config(args)
    known = {s.id: s for s in cfg.sources}
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        raise app.UsageError(f"no source {unknown[0]!r} in {cfg.path}; known: {', '.join(known) or 'none'}")
    chosen = [known[i] for i in args.ids] if args.ids else [s for s in cfg.sources if s.enabled]
    if not chosen:
        raise app.UsageError(f"{cfg.path} has no enabled source to test")
    http = app.make_http(cfg)
    now = datetime.now(collectors.BEIJING)
    results = []
    try:
        for src in chosen:
            app.progress(f"testing {src.id} ({src.type}) …")
            try:
                results.append((src, *_test_one(src, http, now)))
            except Exception as exc:   # a surprise in one source is that source's failure only
                results.append((src, "FAIL", [crash.report(log, src.id, exc)]))
    finally:
        http.close()
        app.end_progress()
    width = max(len(s.id) for s, _, _ in results)
    for src, verdict, lines in results:
        print(f"{src.id:<{width}}  {src.type:<8} {verdict}")
        for line in lines:
            print(f"{'':<{width}}    {line}")
    failed = sum(v == "FAIL" for _, v, _ in results)
    print(f"{failed} of {len(results)} sources failed" if failed else f"all {len(results)} sources ok")
    return 1 if failed else 0


def _test_one(src, http, now: datetime) -> tuple[str, list[str]]:
    """(OK | FAIL | SKIP, what was seen): a website through the probe's verifier with one detail
    page; a feed or WeChat source by reading its first items (nothing is stored)."""
    kind = collectors.REGISTRY[src.type](src.options, http)
    if src.type == "website":
        v = collectors.verify(kind, now, detail=True)
        return ("OK" if v.ok else "FAIL"), [f"✓ {e}" for e in v.evidence] + [f"✗ {p}" for p in v.problems]
    if src.type == "manual":
        return "SKIP", ["entered by hand (gongkai import / gongkai add): nothing to fetch"]
    state = collectors.CollectState(now=now, since=None, memo={})
    items = []
    try:
        for item in kind.collect(state):
            items.append(item)
            if len(items) >= 5:
                break
    except collectors.SourceError as exc:
        return "FAIL", [f"✗ {exc}"]
    if not items and not state.memo.get("not_modified"):
        return "FAIL", ["✗ read, but no items"]
    dated = [i for i in items if i.published_at]
    lines = [f"✓ {len(items)} items read ({len(dated)} dated)"
             + (f", newest {collectors.beijing_date(max(i.published_at for i in dated))}" if dated else "")]
    if state.memo.get("placeholders"):
        lines.append(f"! placeholders skipped: {state.memo['placeholders']}")
    return "OK", lines
