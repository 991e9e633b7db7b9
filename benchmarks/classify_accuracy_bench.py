"""Classification you can trust on headlines from bureaus never seen (issue 14): accuracy, review
load and silent errors (wrong and not flagged) on the bureau-split corpus, next to baselines.

    python benchmarks/classify_accuracy_bench.py [--part test|dev] [--curve]

The test part (tests/fixtures/rules/corpus/test.jsonl) holds bureaus that appear nowhere in what
the rules, the built-in model and the calibration were tuned on; read its numbers, never its lines.
The development figures are out-of-fold by bureau (tools/calibrate_doubt.py) where a model is
involved, so neither part flatters the model with its own training lines.

Rows printed, each with macro-F1, accuracy, review load, silent errors and the errors caught:
  rules, old flag      the rules' own [review] thresholds (min_score 3, min_margin 2): the flag
                       before this issue
  calibrated, no model the calibrated doubt without the second opinion (what a bureau with its
                       own categories gets)
  calibrated + model   the default: calibrated doubt with the built-in naive-Bayes second opinion
  model alone          the naive-Bayes model's own category (a baseline: what if it decided)
Also: the model's cost per item (ms) and an estimate for reclassifying 1,000,000 items.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier import Classifier, evaluate, load_rules, seed_model  # noqa: E402
from classifier import _classify, _doubt  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "rules" / "corpus"
# The flag before issue 14, from the default rules' [review] section at the time.
OLD_MIN_SCORE, OLD_MIN_MARGIN = 3.0, 2.0


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def figures(name: str, rows: list[dict], cats: list[str], flags: list[bool], names) -> str:
    ev = evaluate(((r["label"], c) for r, c in zip(rows, cats)), names)
    n = len(rows)
    wrong = [c != r["label"] for r, c in zip(rows, cats)]
    review = sum(flags) / n
    silent = sum(1 for w, f in zip(wrong, flags) if w and not f) / n
    caught = sum(1 for w, f in zip(wrong, flags) if w and f)
    lenient = sum(1 for r, c, f in zip(rows, cats, flags)
                  if c not in (r["label"], r.get("second_label")) and not f) / n
    return (f"  {name:<22}{ev.macro_f1:>9.3f}{ev.accuracy:>10.3f}{review:>9.1%}{silent:>9.1%}"
            f"{lenient:>10.1%}{caught:>5}/{sum(wrong)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("test", "dev"), default="test")
    ap.add_argument("--curve", action="store_true", help="print review load against silent errors")
    ap.add_argument("--only", metavar="RAW", nargs="+",
                    help="test part: only the lines collected in these raw files (e.g. raw/blind_b.jsonl), "
                         "to measure material added since the last measure on its own")
    args = ap.parse_args()
    rules = load_rules()
    rows = read(CORPUS / f"{args.part}.jsonl")
    if args.only:
        if args.part != "test":
            ap.error("--only measures part of the test part; use it with --part test")
        wanted = {r["title"] for name in args.only for r in read(CORPUS / name)}
        rows = [r for r in rows if r["title"] in wanted]
        if not rows:
            ap.error("no test line comes from " + ", ".join(args.only))
    raw = Classifier(rules, calibrated=False)
    decisions = [raw.classify(r["title"], r["body"]) for r in rows]
    cats = [d.category for d in decisions]
    with_model = _doubt.load_calibration(_classify.CALIBRATION, uses_model=True)
    rules_only = _doubt.load_calibration(_classify.CALIBRATION, uses_model=False)
    if args.part == "dev":
        # out of fold: each bureau judged by a model that did not learn from it
        sys.path.insert(0, str(ROOT / "tools"))
        import calibrate_doubt
        dev = calibrate_doubt.development()
        oof = calibrate_doubt.out_of_fold(dev, rules)
        rows = dev
        decisions = [d for _, _, d in oof]
        cats = [d.category for d in decisions]
        x_model = [x for x, _, _ in oof]
    else:
        model = seed_model()
        x_model = [_doubt.features(d, rules.fallback, model.predict(r["title"], r["body"]))
                   for d, r in zip(decisions, rows)]
    x_rules = [_doubt.features(d, rules.fallback, None) for d in decisions]
    old = [d.score <= 0 or d.score < OLD_MIN_SCORE or d.margin < OLD_MIN_MARGIN for d in decisions]
    flags_rules = [rules_only.doubt(x) >= rules_only.threshold for x in x_rules]
    flags_model = [with_model.doubt(x) >= with_model.threshold for x in x_model]
    n_bureaus = len({r.get("host") or r.get("bureau") for r in rows})
    print(f"{args.part} part: {len(rows)} headlines from {n_bureaus} bureaus "
          f"({'never seen by rules, model or calibration' if args.part == 'test' else 'out-of-fold by bureau'})")
    print(f"  {'':<22}{'macro-F1':>9}{'accuracy':>10}{'review':>9}{'silent':>9}{'lenient*':>10}{'caught':>10}")
    print(figures("rules, old flag", rows, cats, old, rules.names))
    print(figures("calibrated, no model", rows, cats, flags_rules, rules.names))
    print(figures("calibrated + model", rows, cats, flags_model, rules.names))
    if args.part == "test":
        model = seed_model()
        preds = [model.predict(r["title"], r["body"]).category for r in rows]
        print(figures("model alone", rows, preds, [False] * len(rows), rules.names))
    # the model's worth: silent errors of the rules-only doubt at the review load the model's takes
    load = sum(flags_model) / len(rows)
    scored_rules = [(rules_only.doubt(x), c != r["label"]) for x, c, r in zip(x_rules, cats, rows)]
    same = min((p for p in _doubt.curve(scored_rules) if p.review <= load + 1e-9),
               key=lambda p: (p.silent, p.review))
    print(f"  same review load ({load:.1%}) without the model: silent errors {same.silent:.1%} "
          f"(review {same.review:.1%}) — the model lowers them by "
          f"{same.silent - sum(1 for f, c, r in zip(flags_model, cats, rows) if c != r['label'] and not f) / len(rows):.1%}")
    print("  * lenient: silent errors not counting a category the labeller marked as a defensible "
          "second reading")
    if args.curve:
        scored = [(with_model.doubt(x), c != r["label"]) for x, c, r in zip(x_model, cats, rows)]
        print("  doubt >=   review   silent   (calibrated + model)")
        for p in _doubt.curve(scored, sorted([0.05, 0.1, 0.15, with_model.threshold, 0.3, 0.4, 0.5])):
            mark = "  <- shipped threshold" if p.threshold == with_model.threshold else ""
            print(f"  {p.threshold:>8.3f}{p.review:>9.1%}{p.silent:>9.1%}{mark}")
    # the second opinion's cost per item
    model = seed_model()
    from classifier._learn import BODY_CHARS
    body = "为进一步做好节日期间市场保供和安全生产工作，区商务局组织开展检查。" * 10
    titles = [r["title"] for r in rows]
    start = time.perf_counter()
    k = 0
    while time.perf_counter() - start < 1.0:
        model.predict(titles[k % len(titles)], body)
        k += 1
    per = (time.perf_counter() - start) / k
    print(f"second opinion: {per * 1e3:.3f} ms per item (title + the {BODY_CHARS} body characters it reads), "
          f"{1 / per:,.0f} items/s on one core; 1,000,000 items ≈ {per * 1e6 / 60:.1f} min on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
