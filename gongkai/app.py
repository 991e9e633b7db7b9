"""Command implementations: each wires config, store, collectors, classifier and report."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import classifier
import collectors
import report
import store as store_mod
from . import config as config_mod
from . import pipeline



class UsageError(Exception):
    """A mistake on the command line or in stdin; shown as one line."""


USER_ERRORS = (UsageError, config_mod.ConfigError, classifier.RulesError, report.ReportError,
               store_mod.StoreError)
_HERE = Path(__file__).parent


# -- shared wiring --------------------------------------------------------------------------------

def _config(args) -> config_mod.Config:
    return config_mod.load(args.config or config_mod.DEFAULT_CONFIG)


def _config_optional(args) -> config_mod.Config | None:
    """Commands that can run on a bare --db do not insist on a config file."""
    path = Path(args.config or config_mod.DEFAULT_CONFIG)
    if args.config is None and not path.exists():
        return None
    return config_mod.load(path)


def _db_path(args, cfg: config_mod.Config | None) -> Path:
    if args.db:
        return Path(args.db)
    if cfg is not None:
        return cfg.db_path
    raise config_mod.ConfigError(
        f"no database: pass --db PATH or create {config_mod.DEFAULT_CONFIG} with `gongkai init`")


def _rules(cfg: config_mod.Config | None, path: str | None = None) -> classifier.Ruleset:
    if path:
        return classifier.load_rules(path)
    if cfg is not None and cfg.rules_path is not None:
        return classifier.load_rules(cfg.rules_path)
    return classifier.load_rules()


def _http(cfg: config_mod.Config) -> collectors.Http:
    h = cfg.http
    kwargs = {k: h[k] for k in ("min_delay", "respect_robots", "user_agent", "max_bytes") if k in h}
    if "timeout" in h:
        kwargs["timeout"] = (3.05, float(h["timeout"]))
    return collectors.Http(**kwargs)


def _parse_day(text: str, what: str) -> datetime:
    try:
        d = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise UsageError(f"{what} must be a date like 2024-01-01, got {text!r}") from None
    return d.replace(tzinfo=collectors.BEIJING)


def _counts(st: store_mod.Store, rules: classifier.Ruleset, year: int) -> report.Counts:
    return report.Counts.from_raw(year, st.counts(year), rules.names)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)


# -- commands ----------------------------------------------------------------------------------

def cmd_init(args) -> int:
    cfg_path = Path(args.config or config_mod.DEFAULT_CONFIG)
    rules_path = cfg_path.parent / "rules.toml"
    targets = [(cfg_path, (_HERE / "starter.toml").read_text(encoding="utf-8")),
               (rules_path, classifier.default_rules_text())]
    existing = [str(p) for p, _ in targets if p.exists()]
    if existing and not args.force:
        raise UsageError(f"{', '.join(existing)} already exist; pass --force to overwrite")
    for path, text in targets:
        report.write_text_atomic(path, text)
        print(f"wrote {path}")
    print("next: edit the [[sources]] in gongkai.toml, then run `gongkai crawl`")
    return 0


def cmd_crawl(args) -> int:
    cfg = _config(args)
    rules = _rules(cfg)
    since = _parse_day(args.since, "--since") if args.since else None
    with store_mod.Store(_db_path(args, cfg)) as st:
        results = pipeline.crawl(cfg, st, classifier.Classifier(rules), _http(cfg),
                                 source_ids=args.source, since=since, progress=_progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    failed = 0
    for r in results:
        line = f"{r.source_id}: {r.status}, {r.seen} seen, {r.new} new"
        print(line + (f" — {r.reason}" if r.reason else ""))
        failed += r.status == "failed"
    return 1 if failed else 0


def cmd_run(args) -> int:
    from . import daemon
    cfg = _config(args)
    with store_mod.Store(_db_path(args, cfg)) as st:
        daemon.run(cfg, st, classifier.Classifier(_rules(cfg)), _http(cfg))
    return 0


def cmd_counts(args) -> int:
    cfg = _config_optional(args)
    rules = _rules(cfg)
    with store_mod.Store(_db_path(args, cfg)) as st:
        counts = _counts(st, rules, args.year)
    if args.json:
        print(json.dumps(counts.as_dict(), ensure_ascii=False))
        return 0
    print(f"{args.year}: {counts.total} 信息 (unique across channels)")
    for name, n in counts.categories.items():
        print(f"  {name}\t{n}")
    for channel, cats in counts.by_channel.items():
        print(f"  [{channel}] " + ", ".join(f"{k} {v}" for k, v in cats.items()))
    print(f"  awaiting review: {counts.unreviewed}; undated: {counts.undated}")
    return 0


def cmd_classify(args) -> int:
    rules = classifier.load_rules(args.rules) if args.rules else classifier.load_rules()
    clf = classifier.Classifier(rules)
    out = sys.stdout
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise UsageError(f"stdin line {n}: not JSON ({e.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("title", ""), str) \
                or not isinstance(obj.get("body", ""), str):
            raise UsageError(f'stdin line {n}: expected {{"title": str, "body": str}}')
        decision = clf.classify(obj.get("title", ""), obj.get("body", ""))
        out.write(json.dumps(decision.as_dict(), ensure_ascii=False) + "\n")
    return 0


def cmd_report(args) -> int:
    cfg = _config(args)
    ext = {"html": "html", "docx": "docx", "md": "md"}[args.format]
    out = Path(args.output or f"report-{args.year}.{ext}")
    with store_mod.Store(_db_path(args, cfg)) as st:
        write_report(cfg, _rules(cfg), st, args.year, args.format, out)
    print(f"wrote {out}")
    return 0


def cmd_status(args) -> int:
    cfg = _config(args)
    with store_mod.Store(_db_path(args, cfg)) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], datetime.now(timezone.utc))
        for s in st.sources():
            state = "disabled" if not s["enabled"] else (
                "FAILING" if s["consecutive_failures"] else ("ok" if s["last_success_at"] else "never run"))
            print(f"{s['id']:<20} {s['channel']:<16} {state:<9} last ok {s['last_success_at'] or '-'}"
                  + (f"  failures {s['consecutive_failures']}: {s['last_error']}"
                     if s["consecutive_failures"] else ""))
        pending = st.db.execute(
            "SELECT COUNT(*) FROM items WHERE needs_review = 1 AND decided_by = 'auto'").fetchone()[0]
        print(f"items awaiting review: {pending}")
    return 0


def cmd_demo(args) -> int:
    from . import demo
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)   # the site's port changes every run
    site = demo.build_site()
    with demo.serve(site) as base:
        cfg_path = out / "gongkai.toml"
        cfg_path.write_text(demo.config_text(base, str(db.resolve())), encoding="utf-8")
        cfg = config_mod.load(cfg_path)
        rules = _rules(cfg)
        with store_mod.Store(cfg.db_path) as st:
            results = pipeline.crawl(cfg, st, classifier.Classifier(rules), _http(cfg),
                                     progress=_progress)
            if sys.stderr.isatty():
                print(file=sys.stderr)
            for r in results:
                print(f"{r.source_id}: {r.status}, {r.seen} items" + (f" — {r.reason}" if r.reason else ""))
            year = 2024
            counts = _counts(st, rules, year)
            counts_path = out / f"counts-{year}.json"
            report.write_text_atomic(
                counts_path, json.dumps(counts.as_dict(), ensure_ascii=False, indent=2) + "\n")
            paths = [counts_path]
            for fmt in ("docx", "html"):
                path = out / f"report-{year}.{fmt}"
                write_report(cfg, rules, st, year, fmt, path)
                paths.append(path)
    print(json.dumps(counts.as_dict(), ensure_ascii=False))
    print(report.proactive_sentence(counts, _labels(rules), rules.report))
    for p in paths:
        print(f"wrote {p}")
    return 0


# -- helpers -----------------------------------------------------------------------------------

def _labels(rules: classifier.Ruleset) -> dict[str, str]:
    return {c.name: c.label for c in rules.categories}


def write_report(cfg: config_mod.Config, rules: classifier.Ruleset, st: store_mod.Store,
                 year: int, fmt: str, out: Path) -> None:
    counts = _counts(st, rules, year)
    channels = cfg.report_channels or tuple(dict.fromkeys(s.channel for s in cfg.sources))
    model = report.build_model(counts, bureau=cfg.bureau, channels=channels,
                               labels=_labels(rules), template=rules.report)
    if fmt == "docx":
        report.render_docx(model, out)
    else:
        text = report.render_html(model) if fmt == "html" else report.render_markdown(model)
        report.write_text_atomic(out, text)
