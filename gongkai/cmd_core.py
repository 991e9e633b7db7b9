"""init, crawl, counts, demo."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import classifier
import report

from . import app, coverage, display, district, manual, pipeline
from .cleantext import clean_line
from . import config as config_mod

_HERE = Path(__file__).parent


def register(sub, common) -> None:
    s = sub.add_parser("init", parents=[common], help="write a starter gongkai.toml and rules.toml here")
    s.add_argument("--force", action="store_true", help="overwrite existing files")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("crawl", parents=[common], help="one pass over every enabled source, then classify")
    s.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    s.add_argument("--since", metavar="YYYY-MM-DD", help="backfill: keep paging back to this date")
    s.set_defaults(func=cmd_crawl)

    s = sub.add_parser("counts", parents=[common], help="category counts for a year")
    s.add_argument("--year", type=app.year_arg, required=True, help="the report year, e.g. 2024")
    s.add_argument("--json", action="store_true", help="print the JSON object")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--bureau", metavar="ID", help="one body's counts ([[bureaus]] id)")
    which.add_argument("--all", action="store_true",
                       help="every body's counts, and the items no body counts")
    s.set_defaults(func=cmd_counts)

    s = sub.add_parser("demo", parents=[common],
                       help="crawl the bundled offline sample site and write counts and reports")
    s.add_argument("--out", metavar="DIR", default="demo-out", help="output folder (default: ./demo-out)")
    s.add_argument("--district", action="store_true",
                   help="the sample site as a district of several bodies: every body's counts, "
                        "the dashboard's table and two bodies' reports")
    s.set_defaults(func=cmd_demo)


def cmd_init(args) -> int:
    cfg_path = Path(args.config or config_mod.DEFAULT_CONFIG)
    rules_path = cfg_path.parent / "rules.toml"
    targets = [(cfg_path, (_HERE / "starter.toml").read_text(encoding="utf-8")),
               (rules_path, classifier.default_rules_text())]
    existing = [str(p) for p, _ in targets if p.exists()]
    if existing and not args.force:
        raise app.UsageError(f"{', '.join(existing)} already "
                             f"{'exists' if len(existing) == 1 else 'exist'}; "
                             "pass --force to overwrite")
    for path, text in targets:
        report.write_text_atomic(path, text)
        print(f"wrote {path}")
    # owner-only: it is where an SMTP password or a webhook key would go
    cfg_path.chmod(0o600)
    print("next: edit the [[sources]] in gongkai.toml, then run `gongkai crawl`")
    return 0


def cmd_crawl(args) -> int:
    cfg = app.load_config(args)
    rules = app.load_rules(cfg)
    since = app.parse_day(args.since, "--since") if args.since else None
    with app.open_store(args, cfg) as st:
        results = pipeline.crawl(cfg, st, classifier.Classifier(rules), app.make_http(cfg),
                                 source_ids=args.source, since=since, progress=app.progress)
    app.end_progress()
    print("\n".join(crawl_summary(results)))
    return 1 if any(r.status == "failed" for r in results) else 0


def crawl_summary(results: list[pipeline.RunResult]) -> list[str]:
    """One line per source (id, status, seen, new, reason), then how many failed: a failed
    source is never mistaken for "no news", and the others' results are still all there. An ok
    pass that left part of its column unread says so: ``ok (stopped at the page cap: ...)``."""
    if not results:
        return ["no enabled sources to crawl"]
    lines = [f"{r.source_id}: manual source, nothing to crawl (its entries come by `gongkai add` "
             f"or `gongkai import`)" if r.status == "manual" else
             f"{r.source_id}: {'FAILED' if r.status == 'failed' else r.status}"
             + (f" ({r.warning})" if r.warning else "")
             + f", {r.seen} seen, {r.new} new" + (f" — {r.reason}" if r.reason else "")
             for r in results]
    failed, n = sum(r.status == "failed" for r in results), len(results)
    warned = sum(bool(r.warning) for r in results)
    sources = "source" if n == 1 else "sources"
    if failed:
        lines.append(f"{failed} of {n} {sources} failed (items saved before a failure are kept; "
                     "`gongkai status` shows the reasons, -v the details)")
    else:
        lines.append(f"{'all ' if n > 1 else ''}{n} {sources} collected"
                     + (f", {warned} with a warning (above)" if warned else ""))
    return lines


def cmd_counts(args) -> int:
    cfg = app.load_config_optional(args)
    if args.all or args.bureau:
        return district_counts(args, cfg)
    rules = app.load_rules(cfg)
    with app.open_store(args, cfg) as st:
        counts = app.counts_for(st, rules, args.year)
        names = display.names_for(st, cfg)
        warn_unsettled(st, args.year)
        warn_year_conflicts(st, args.year)
        warn_unread_sources(cfg, st, args.year, names)
    if args.json:           # the contract: channel ids, never display names
        print(json.dumps(counts.as_dict(), ensure_ascii=False))
        return 0
    print_counts(args.year, counts, names)
    return 0


def warn_unsettled(st, year: int) -> None:
    """On stderr, so the JSON contract on stdout stays as it is."""
    n = st.unsettled(year)
    if n:
        print(f"gongkai: warning: {n} item(s) of {year} saved but not yet placed or classified (a "
              "run was cut short), so not counted here: `gongkai reclassify` or the next crawl "
              "settles them", file=sys.stderr)


def warn_year_conflicts(st, year: int) -> None:
    """Items whose dates disagree on the year, one of them ``year``, not settled by a person:
    counted in the year they are stored under, but they could be this year's. On stderr."""
    rows = st.year_conflicts(year)
    for r in rows[:20]:
        years = " or ".join(map(str, r["years"]))
        stored = (r["pub_date"] or "-")[:4]
        print(f"gongkai: warning: #{r['id']} may be of {years} (日期冲突 date conflict), counted "
              f"in {stored} until a person settles its date (`gongkai review --year {stored}`, "
              f"key d; its page /item/{r['id']}; or the Excel date column) — "
              f"{clean_line(r['title'])}",
              file=sys.stderr)
    if len(rows) > 20:
        print(f"gongkai: warning: … and {len(rows) - 20} more items with a date conflict",
              file=sys.stderr)


def warn_unread_sources(cfg, st, year: int, names: display.Names,
                        source_ids: list[str] | None = None) -> None:
    """A source whose passes did not surely read all of ``year`` (failing, never read, stopped
    short, pages unread; gongkai/coverage.py): one line each on stderr, saying what it does to
    the count shown."""
    found = coverage.gaps(st, year, datetime.now(timezone.utc),
                          coverage.polled(cfg, st, source_ids), names=names)
    for line in coverage.counts_lines(found, year):
        print(f"gongkai: warning: {line}", file=sys.stderr)


def district_counts(args, cfg: config_mod.Config | None) -> int:
    """counts --bureau ID (one body's object) or --all (every body's, and the unattributed)."""
    if cfg is None:
        raise app.UsageError(f"--{'all' if args.all else 'bureau'} needs the config that lists "
                             "the bodies (--config PATH)")
    ids = [b.id for b in cfg.bodies] if args.all else [cfg.body(args.bureau).id]
    rules = app.load_rules(cfg)
    with app.open_store(args, cfg) as st:
        # a config edit since the last crawl (a body added, an alias renamed) shows at once
        pipeline.bring_up_to_date(cfg, st, datetime.now(timezone.utc))
        warn_unsettled(st, args.year)
        warn_year_conflicts(st, args.year)
        warn_unread_sources(cfg, st, args.year, display.names_for(st, cfg), None if args.all else
                            [s.id for s in district.sources_of(cfg, ids[0])])
        if args.json:
            obj = (district.counts(st, rules, args.year, cfg, ids[0]).as_dict() if args.bureau
                   else district.all_counts(st, rules, args.year, cfg))
            print(json.dumps(obj, ensure_ascii=False))
            return 0
        every = {i: district.counts(st, rules, args.year, cfg, i) for i in ids}
        loose = st.unattributed(args.year, district.shared_sources(cfg, st),
                                district.body_ids(cfg)) if args.all else []
        names = display.names_for(st, cfg)
    for i, counts in every.items():
        print(f"== {cfg.body(i).name} ({i})")
        print_counts(args.year, counts, names)
    if args.all:
        print(f"== unattributed in {args.year}: {len(loose)} item(s) of shared sources name no "
              "body (not counted; kept for review)")
        for row in loose[:20]:
            print(f"  #{row['id']} {row['pub_date'] or '-'} [{names.source(row['source_id'])}] "
                  f"{row['title']}")
        if len(loose) > 20:
            print(f"  … and {len(loose) - 20} more (`gongkai review --status not_ours`)")
    return 0


def print_counts(year: int, counts, names: display.Names) -> None:
    print(f"{year}: {counts.total} 信息 (unique across channels)")
    for name, n in counts.categories.items():
        print(f"  {name}\t{n}")
    for channel in names.order(counts.by_channel):
        cats = counts.by_channel[channel]
        print(f"  [{names.channel(channel)}] " + ", ".join(f"{k} {v}" for k, v in cats.items()))
    print(f"  awaiting review in {year}: {counts.unreviewed}; "
          f"undated (year unknown, any year): {counts.undated}")
    if counts.possible_duplicates:
        print(f"  possible duplicates to decide: {counts.possible_duplicates} "
              "(`gongkai dupes pairs`): until decided each may be counted twice")


def _demo_district(cfg, rules, st, year: int, out: Path, data: Path):
    """``demo --district``: every body's counts and the unattributed items (as ``counts --all
    --json``), the 政务公开办's table (as the dashboard's export) and the reports of the bureau
    (with the bundled data file) and of one other body (a draft: it has written no data file).
    Returns the bureau's counts and the files written."""
    from datetime import datetime, timezone
    from report._atomic import write_atomic
    from .cmd_report import write_report
    from .web import create_app
    from .web import _district as dashboard
    every = district.all_counts(st, rules, year, cfg)
    paths = [out / f"counts-{year}-all.json"]
    report.write_text_atomic(paths[0], json.dumps(every, ensure_ascii=False, indent=2) + "\n")
    now = datetime.now(timezone.utc)
    web = create_app(cfg.db_path, rules, config=cfg, key_path=out / "demo.web-key")
    with web.test_request_context():
        table = dashboard.workbook(dashboard.build(st, cfg, rules, year, now), app.labels(rules), now)
    paths.append(out / f"district-{year}.xlsx")
    write_atomic(paths[-1], lambda tmp: tmp.write_bytes(table))
    for body, body_data in (("shangwu", data), ("shichang", None)):
        paths.append(out / f"report-{year}-{body}.html")
        write_report(cfg, rules, st, year, "html", paths[-1], data=body_data, force=True, body=body)
    for b in cfg.bodies:
        print(f"{b.name}: {sum(every['bureaus'][b.id]['categories'].values())} 条信息")
    print(f"unattributed (no body named): {every['unattributed']}")
    return district.counts(st, rules, year, cfg, "shangwu"), paths


def cmd_demo(args) -> int:
    from . import demo
    from .cmd_report import write_report
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # The site's port, hence its URLs, change every run: the demo needs a fresh database.
    if args.db:
        db = Path(args.db)
        if db.exists():
            raise app.UsageError(f"--db {db} exists; the demo needs a new database file")
    else:
        db = out / "demo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    year = 2024
    with demo.serve(demo.build_site()) as base:
        cfg_path = out / "gongkai.toml"
        cfg_path.write_text(demo.config_text(base, str(db.resolve()), district=args.district),
                            encoding="utf-8")
        cfg = config_mod.load(cfg_path)
        rules = app.load_rules(cfg)
        with app.open_store(args, cfg) as st:
            results = pipeline.crawl(cfg, st, classifier.Classifier(rules), app.make_http(cfg),
                                     progress=app.progress)
            app.end_progress()
            for r in results:
                print(f"{r.source_id}: {r.status}, {r.seen} items"
                      + (f" — {r.reason}" if r.reason else ""))
            # the bulletin board cannot be crawled: its spreadsheet goes in as `gongkai import` would
            board = demo.write_board_xlsx(out / demo.BOARD_XLSX.name)
            _, saved = manual.import_file(st, cfg, cfg.source(demo.SOURCE_IDS["board"]), board,
                                          now=pipeline.utcnow(), classifier=classifier.Classifier(rules))
            print(f"{demo.SOURCE_IDS['board']}: imported {board}, {len(saved)} items")
            # The bundled data file supplies texts and tables: without it every text is a default.
            data = Path(demo.__file__).with_name(f"report-{year}.toml")
            if args.district:
                counts, paths = _demo_district(cfg, rules, st, year, out, data)
            else:
                counts = app.counts_for(st, rules, year)
                paths = [out / f"counts-{year}.json"]
                report.write_text_atomic(
                    paths[0], json.dumps(counts.as_dict(), ensure_ascii=False, indent=2) + "\n")
                for fmt in ("docx", "html"):
                    paths.append(out / f"report-{year}.{fmt}")
                    write_report(cfg, rules, st, year, fmt, paths[-1], data=data)
    print(json.dumps(counts.as_dict(), ensure_ascii=False))
    print(report.proactive_sentence(counts, app.labels(rules), rules.report))
    for p in paths:
        print(f"wrote {p}")
    print(f"database {db}, config {cfg_path} (a new demo starts both afresh); try "
          f"`gongkai review --config {cfg_path}` or `gongkai rules test --config {cfg_path}`")
    return 0
