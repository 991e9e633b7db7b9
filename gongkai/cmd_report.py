"""report."""
from __future__ import annotations

from pathlib import Path

import classifier
import report
from store import Store

from . import app
from .config import Config


def register(sub, common) -> None:
    s = sub.add_parser("report", parents=[common], help="write the annual report")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--format", choices=("html", "docx", "md"), default="html")
    s.add_argument("-o", "--output", metavar="FILE", help="output file (default: report-YEAR.EXT)")
    s.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    cfg = app.load_config(args)
    out = Path(args.output or f"report-{args.year}.{args.format}")
    with app.open_store(args, cfg) as st:
        write_report(cfg, app.load_rules(cfg), st, args.year, args.format, out)
    print(f"wrote {out}")
    return 0


def write_report(cfg: Config, rules: classifier.Ruleset, st: Store, year: int, fmt: str,
                 out: Path) -> None:
    counts = app.counts_for(st, rules, year)
    channels = cfg.report_channels or tuple(dict.fromkeys(s.channel for s in cfg.sources))
    model = report.build_model(counts, bureau=cfg.bureau, channels=channels,
                               labels=app.labels(rules), template=rules.report)
    if fmt == "docx":
        report.render_docx(model, out)
    else:
        text = report.render_html(model) if fmt == "html" else report.render_markdown(model)
        report.write_text_atomic(out, text)
