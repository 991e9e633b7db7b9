"""report: write the annual report; ``report init`` writes the yearly data file, ``report check`` checks it."""
from __future__ import annotations

import dataclasses
import sys
from datetime import datetime, timezone
from pathlib import Path

import classifier
import report
from store import Store

from . import app, coverage, display, district, district_summary, pipeline, schemes
from .config import Config


def register(sub, common) -> None:
    s = sub.add_parser(
        "report", parents=[common], help="write the annual report (also: report init, report check)",
        description="Write the annual report; `report init` writes the yearly data file "
                    "(report-YEAR.toml), `report check` prints every problem and exits 1 on errors.")
    # An optional positional rather than nested subparsers: `report --year 2024 --format html`
    # keeps working unchanged, and options may come before or after the action.
    s.add_argument("action", nargs="?", choices=("init", "check"), help="init | check (default: write)")
    s.add_argument("--year", type=app.year_arg, required=True)
    s.add_argument("--format", choices=("html", "docx", "md"), help="html (default), docx or md")
    s.add_argument("-o", "--output", metavar="FILE", help="output file (default: report-YEAR.EXT)")
    s.add_argument("--data", metavar="FILE",
                   help="the yearly data file (tables 二/三/四 and texts); default: the config's "
                        "[report] data, else report-YEAR.toml beside the config (where init "
                        "and the browser's report form write it)")
    s.add_argument("--template", metavar="DOCX",
                   help="fill your own Word file's {{placeholders}} (implies --format docx)")
    s.add_argument("--force", action="store_true",
                   help="write despite errors (the report is marked 草稿); init: overwrite")
    s.add_argument("--no-charts", action="store_true", help="leave out the monthly charts")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--bureau", metavar="ID",
                       help="one body's report, data file and check ([[bureaus]] id)")
    which.add_argument("--district", action="store_true",
                       help="the district summary (Markdown): every body's counts, report "
                            "status and missing data")
    s.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    if args.district:
        return cmd_district(args)
    if args.action == "init":
        cfg = app.load_config_optional(args)
        body = _body(args, cfg)
        default = default_data(cfg, args.year, body) if cfg else Path(f"report-{args.year}.toml")
        path, notes = report.init_data(args.data or data_path(cfg, args.year, body) or default,
                                       args.year, force=args.force)
        for note in notes:
            print(note)
        print(f"wrote {path}")
        return 0
    cfg = app.load_config(args)
    body = _body(args, cfg)
    data = Path(args.data) if args.data else found_data(cfg, args.year, body)
    if args.action == "check":
        with app.open_store(args, cfg) as st:
            _up_to_date(cfg, st)
            _, problems = prepare(cfg, app.load_rules(cfg), st, args.year, data=data,
                                  charts=not args.no_charts, body=body)
        for p in problems:
            print(f"{p.severity}: {p}")
        errors = sum(p.severity == "error" for p in problems)
        print(f"{errors} error(s), {len(problems) - errors} warning(s)")
        return 1 if errors else 0
    fmt = args.format or ("docx" if args.template else "html")
    if args.template and fmt != "docx":
        raise app.UsageError(f"--template writes a Word file; drop --format {fmt} or use --format docx")
    out = Path(args.output or f"report-{args.year}{'-' + body if cfg.district else ''}.{fmt}")
    with app.open_store(args, cfg) as st:
        _up_to_date(cfg, st)
        problems = write_report(cfg, app.load_rules(cfg), st, args.year, fmt, out, data=data,
                                force=args.force, charts=not args.no_charts,
                                template=Path(args.template) if args.template else None,
                                body=body)
    for p in problems:
        print(f"gongkai: {p.severity}: {p}", file=sys.stderr)
    draft = any(p.severity == "error" for p in problems)
    print(f"wrote {out}" + (" (草稿: it has errors)" if draft else ""))
    return 0


def cmd_district(args) -> int:
    """report --district: the summary of every body, as Markdown."""
    if args.action or args.format not in (None, "md") or args.template or args.data:
        raise app.UsageError("--district writes one Markdown summary: it takes only --year, "
                             "-o and --force")
    cfg = app.load_config(args)
    rules = app.load_rules(cfg)
    out = Path(args.output or f"district-{args.year}.md")
    rows = []
    with app.open_store(args, cfg) as st:
        _up_to_date(cfg, st)
        for b in cfg.bodies:
            data = found_data(cfg, args.year, b.id)
            data = data if data is not None and data.exists() else None   # not written yet
            _, problems = prepare(cfg, rules, st, args.year, data=data, charts=False, body=b.id)
            rows.append(district_summary.BodyRow(
                id=b.id, name=b.name, counts=district.counts(st, rules, args.year, cfg, b.id),
                data=data, problems=tuple(problems)))
        names = display.names_for(st, cfg)
        loose = [{**r, "source": names.source(r["source_id"])}
                 for r in st.unattributed(args.year, district.shared_sources(cfg, st),
                                          district.body_ids(cfg))]
        text = district_summary.render(
            args.year, rows, unique_total=app.counts_for(st, rules, args.year).total,
            unattributed=loose, categories=rules.names, now=datetime.now(timezone.utc))
    report.write_text_atomic(out, text)
    print(f"wrote {out}: {len(rows)} bodies, "
          f"{sum(bool(r.missing()) for r in rows)} still missing data")
    return 0


def _body(args, cfg: Config | None) -> str | None:
    """The body --bureau names, checked; a district config needs one (or --district)."""
    if args.bureau:
        if cfg is None:
            raise app.UsageError("--bureau needs the config that lists the bodies (--config PATH)")
        return cfg.body(args.bureau).id
    if cfg is not None and cfg.district:
        known = ", ".join(b.id for b in cfg.bodies)
        raise app.UsageError(f"{cfg.path} lists several bodies: pass --bureau ID for one body's "
                             f"report (known: {known}) or --district for the district summary")
    return None


def data_path(cfg: Config | None, year: int, body: str | None = None) -> Path | None:
    """The config's ``[report] data`` for ``year`` ("report-{year}.toml" beside the config), if set.
    A district's body has its own file: only a ``[report] data`` naming "{bureau}" gives it."""
    if cfg is None or not cfg.report_data:
        return None
    if not cfg.district:
        body = cfg.bodies[0].id     # the one body's, with --bureau or without
    elif body is None or "{bureau}" not in cfg.report_data:
        return None                 # the district has no data file of its own
    # replace, not format: a folder name with braces must not be taken for a placeholder.
    return Path(cfg.report_data.replace("{year}", str(year)).replace("{bureau}", body))


def default_data(cfg: Config, year: int, body: str | None = None) -> Path:
    """The data file when neither --data nor ``[report] data`` names one: report-YEAR.toml beside
    the config — where ``report init`` writes it and the browser's report form saves it; a
    district's body's is report-YEAR-ID.toml."""
    if cfg.district and body:
        return cfg.path.with_name(f"report-{year}-{body}.toml")
    return cfg.path.with_name(f"report-{year}.toml")


def found_data(cfg: Config, year: int, body: str | None = None) -> Path | None:
    """The data file ``report`` and ``report check`` read: ``[report] data``, else the default
    when it exists (what `report init` and the browser's form wrote), else none."""
    data = data_path(cfg, year, body)
    if data is None and default_data(cfg, year, body).exists():
        data = default_data(cfg, year, body)
    return data


def _up_to_date(cfg: Config, st: Store) -> None:
    """A district's report counts what the config says now (gongkai.pipeline.bring_up_to_date);
    a one-bureau report reads the record as it is."""
    if cfg.district:
        pipeline.bring_up_to_date(cfg, st, datetime.now(timezone.utc))


def prepare(cfg: Config, rules: classifier.Ruleset, st: Store, year: int, *, data: Path | None = None,
            charts: bool = True, body: str | None = None, now: datetime | None = None,
            gaps: list[coverage.Gap] | None = None
            ) -> tuple[report.ReportModel, list[report.Problem]]:
    """The model for ``year`` (of one body's items with ``body``) and its problems (errors
    first). Without a data file tables 二/三/四 would be all zeros and every text a default:
    that is an error, so such a report is written only with --force, and marked 草稿."""
    loaded = report.load_data(data, year) if data else None
    model, problems = check_data(cfg, rules, st, year, tables=loaded.tables if loaded else None,
                                 texts=loaded.texts if loaded else None, data=data,
                                 charts=charts, body=body, now=now, gaps=gaps)
    if data is None:
        which = f" --bureau {body}" if cfg.district and body else ""
        problems.insert(0, report.Problem(
            "error", "DATA-MISSING",
            f"没有年度数据文件 {default_data(cfg, year, body)}（表二、三、四和各部分文字），"
            f"表格全为 0：先运行 gongkai report init --year {year}{which} 写出并填写，"
            f"或用 --data FILE 指定 (no yearly data file: write it with "
            f"`gongkai report init --year {year}{which}`)"))
    return model, problems


def check_data(cfg: Config, rules: classifier.Ruleset, st: Store, year: int, *,
               tables: report.Tables | None, texts: dict[str, str] | None, data: Path | None = None,
               charts: bool = True, body: str | None = None, now: datetime | None = None,
               gaps: list[coverage.Gap] | None = None
               ) -> tuple[report.ReportModel, list[report.Problem]]:
    """The model and problems for tables and texts not (yet) in a file — what the browser's form
    holds — checked exactly as ``report check`` checks a data file; ``data`` locates last year's
    file beside it for the carry-over. ``body``: one body's report (its items, its name, its
    sources' channels); a one-bureau config's body is the whole record, as without it.
    ``gaps``: :func:`source_gaps` already found (the district page finds every body's at once)."""
    scope = district.scope(cfg, body, st) if body else None
    rules = schemes.rules_for(cfg, body, rules)     # a body's own categories, if it has them
    counts = report.Counts.from_raw(year, st.counts(year, scope), rules.names)
    names = display.Names.from_config(cfg)
    # the sentence names the channels as [report] channels words them, else by their display
    # names; a district's [report] channels are nobody's in particular
    sources = district.sources_of(cfg, body) if scope else cfg.sources
    channels = (not scope and cfg.report_channels) or tuple(
        dict.fromkeys(s.channel_label for s in sources))
    previous = None
    if data and report.previous_path(data, year).exists():
        previous = report.load_data(report.previous_path(data, year), year - 1).tables
    monthly = (report.Monthly.from_raw(year, st.monthly_counts(year, scope), rules.names)
               if charts else None)
    if monthly is not None:         # the chart's legend names channels as the officer knows them
        monthly = dataclasses.replace(monthly, by_channel=_by_name(monthly.by_channel, names))
    model = report.build_model(counts, bureau=cfg.body(body).name if body else cfg.bureau,
                               channels=channels, labels=app.labels(rules),
                               template=rules.report, texts=texts, tables=tables, monthly=monthly)
    problems = report.check(model, previous=previous)
    problems += year_conflicts(st, year, {s.id for s in sources} if scope else None)
    if not scope:
        problems += unsourced_channels(cfg)
    if gaps is None:
        gaps = source_gaps(cfg, st, year, now or datetime.now(timezone.utc),
                           {s.id for s in sources} if scope else None)
    problems += [report.Problem(g.severity, _RULES[g.kind], coverage.check_message(g, year))
                 for g in gaps]
    problems.sort(key=lambda p: p.severity != "error")     # errors first, each kept in order
    return model, problems


def source_gaps(cfg: Config, st: Store, year: int, now: datetime,
                source_ids: set[str] | None = None) -> list[coverage.Gap]:
    """Each source (of ``source_ids``) whose passes did not surely read all of ``year``
    (gongkai/coverage.py): an error when the year's count may be short, else a warning."""
    return coverage.gaps(st, year, now, coverage.polled(cfg, st, source_ids),
                         names=display.names_for(st, cfg))


# COUNTS-*: the counts are short, not the form's figures (the browser's form still saves)
_RULES = {"failing": "COUNTS-SOURCE-FAILING", "never": "COUNTS-SOURCE-NEVER-READ",
          "stale": "COUNTS-SOURCE-NOT-READ-SINCE", "capped": "COUNTS-SOURCE-PAGE-CAP",
          "unread": "COUNTS-SOURCE-PAGES-UNREAD", "feedgap": "COUNTS-SOURCE-FEED-GAP"}


def year_conflicts(st: Store, year: int, source_ids: set[str] | None) -> list[report.Problem]:
    """An item whose dates disagree on the year is a warning of each year it could belong to,
    until a person settles its date: the count of one of them is wrong by it."""
    out = []
    for r in st.year_conflicts(year, source_ids):
        stored = (r["pub_date"] or "-")[:4]
        out.append(report.Problem(
            "warning", "DATE-CONFLICT",
            f"#{r['id']}「{r['title']}」的日期在 {'/'.join(map(str, r['years']))} 年之间冲突，"
            f"暂计入 {stored} 年：请在 gongkai review --year {stored}（d 键）、条目页或 Excel "
            f"日期列中确定日期 (date conflict: settle its date)"))
    return out


def unsourced_channels(cfg: Config) -> list[report.Problem]:
    """A `[report] channels` entry that no configured source is named by: the sentence would
    name a channel nothing was collected from (a typo, or a channel whose source was never
    added). A config listing no sources at all has nothing to hold the entries against."""
    named = {s.channel_label for s in cfg.sources} | {s.label for s in cfg.sources}
    return [report.Problem(
        "warning", "CHANNEL-NO-SOURCE",
        f"报告要写出的发布渠道“{c}”没有对应的信息来源，但报告会写“通过{c}”发布：请管理员添加该来源"
        f"（或给来源起这个名称），或从配置的 [report] channels 中删去它 "
        f"(no source is named {c!r})")
        for c in cfg.report_channels if cfg.sources and c.strip() and c.strip() not in named]


def _by_name(series: dict[str, tuple[int, ...]], names: display.Names
             ) -> dict[str, tuple[int, ...]]:
    """Per-channel series keyed by display name, in the config's order (two channels given one
    name are one line)."""
    out: dict[str, tuple[int, ...]] = {}
    for channel in names.order(series):
        name = names.channel(channel)
        old = out.get(name, (0,) * len(series[channel]))
        out[name] = tuple(a + b for a, b in zip(old, series[channel]))
    return out


def write_report(cfg: Config, rules: classifier.Ruleset, st: Store, year: int, fmt: str,
                 out: Path, *, data: Path | None = None, force: bool = False,
                 charts: bool = True, template: Path | None = None,
                 body: str | None = None) -> list[report.Problem]:
    """Write the report (one body's with ``body``); errors refuse it unless ``force``, which
    marks it 草稿. Returns the problems.

    ``template`` (docx only): the bureau's own Word file, its ``{{placeholders}}`` filled in.
    """
    model, problems = prepare(cfg, rules, st, year, data=data, charts=charts, body=body)
    errors = [p for p in problems if p.severity == "error"]
    if errors and not force:
        raise report.ReportError(
            f"{len(errors)} error(s) in the {year} report, first: {errors[0]}; "
            f"see `gongkai report check --year {year}{' --bureau ' + body if body else ''}"
            f"{' --data ' + str(data) if data else ''}`, or pass --force to write a draft")
    if errors:
        model = dataclasses.replace(model, draft=True)
    if template is not None:
        problems = problems + report.render_template(model, template, out)
    elif fmt == "docx":
        report.render_docx(model, out)
    else:
        text = report.render_html(model) if fmt == "html" else report.render_markdown(model)
        report.write_text_atomic(out, text)
    return problems
