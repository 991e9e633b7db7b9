"""How much more labelled material would issue 14's goals need? A learning curve of the learned
parts (the built-in naive-Bayes second opinion and the calibrated doubt), the rules fixed as shipped.

    .venv/bin/python benchmarks/learning_curve.py [--draws 20] [--fractions 0.25 0.5 0.75 1]

For each fraction of the DEVELOPMENT bureaus (several random draws of whole bureaus, fixed seeds;
one draw at 100%), the model and the calibration are fitted on the drawn bureaus' lines exactly as
tools/calibrate_doubt.py fits them on all of them (its own functions: out-of-fold by bureau, the
threshold with the fewest silent errors at a review load of at most its MAX_REVIEW), and measured
  - on the development bureaus NOT drawn (fractions below 100%), and
  - on the test part (tests/fixtures/rules/corpus/test.jsonl, bureaus never seen in development),
as: macro-F1 of the decision (the rules' category: the learned parts only flag, so on the test
part it cannot move), macro-F1 once the flagged items are corrected by a reviewer, the review load
and the silent errors (wrong and not flagged) at the fitted threshold, and the silent errors at
20% review (the threshold on the measured lines' own doubts that flags at most 20% with the fewest
silent errors: the best the doubt's ranking allows at the goal's review load).

Then a fit of test silent@20% against the number of development bureaus (log-linear and
power-law), extrapolated to the goal (3% silent at 20% review), and the floor: test errors made
with the rules' own words in the headline and the second opinion agreeing — the errors the doubt
has the least to go on.

Only aggregate figures of the test part are printed; no test line is printed or written anywhere.
Run time: about 10 s on one core with the compiled core (defaults).
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import calibrate_doubt  # noqa: E402
import classify_accuracy_bench as bench  # noqa: E402
from classifier import Classifier, NaiveBayes, evaluate, load_rules  # noqa: E402
from classifier import _doubt  # noqa: E402

GOAL_F1, GOAL_SILENT, GOAL_REVIEW = 0.92, 0.03, 0.20
TITLE_HIT = _doubt.FEATURES.index("title_hit")
MODEL_AGREES = _doubt.FEATURES.index("model_agrees")


@dataclass(frozen=True)
class Measure:
    """One fitted draw measured on one set of lines (shares of its lines, counts where said)."""

    n: int
    f1: float            # macro-F1 of the decision (the rules' category)
    f1_reviewed: float   # macro-F1 once every flagged item is given its right category
    review: float        # flagged at the fitted threshold
    silent: float        # wrong and not flagged at the fitted threshold
    silent20: float      # wrong and not flagged at the best threshold flagging <= 20%
    review20: float      # what that threshold flags
    floor: int           # errors with the rules' words in the headline and the model agreeing
    floor_caught20: int  # of those, flagged at the 20% threshold
    errors: int
    confident: int       # lines with the rules' words in the headline and the model agreeing


def measure(rows: list[dict], decisions: list, model: NaiveBayes, cal: _doubt.Calibration,
            rules) -> Measure:
    xs = [_doubt.features(d, rules.fallback, model.predict(r["title"], r["body"]))
          for d, r in zip(decisions, rows)]
    wrong = [d.category != r["label"] for d, r in zip(decisions, rows)]
    doubts = [cal.doubt(x) for x in xs]
    scored = list(zip(doubts, wrong))
    flags = [s >= cal.threshold for s in doubts]
    at20 = _doubt.pick_threshold(scored, max_review=GOAL_REVIEW)
    n = len(rows)
    labels = [r["label"] for r in rows]
    confident = [bool(x[TITLE_HIT]) and bool(x[MODEL_AGREES]) for x in xs]
    return Measure(
        n=n,
        f1=evaluate(((y, d.category) for y, d in zip(labels, decisions)), rules.names).macro_f1,
        f1_reviewed=evaluate(((y, y if f else d.category) for y, d, f in zip(labels, decisions, flags)),
                             rules.names).macro_f1,
        review=sum(flags) / n,
        silent=sum(w and not f for w, f in zip(wrong, flags)) / n,
        silent20=at20.silent,
        review20=at20.review,
        floor=sum(w and c for w, c in zip(wrong, confident)),
        floor_caught20=sum(w and c and s >= at20.threshold for w, c, s in zip(wrong, confident, doubts)),
        errors=sum(wrong),
        confident=sum(confident),
    )


def fit(train: list[dict], rules) -> tuple[NaiveBayes, _doubt.Calibration]:
    """The second opinion and the with-model calibration, as tools/calibrate_doubt.py makes them."""
    data, _ = calibrate_doubt.calibrate(train, rules)
    part = data["with_model"]
    cal = _doubt.Calibration(tuple(part["weights"]), part["threshold"], True)
    return NaiveBayes([(r["title"], r["body"], r["label"]) for r in train]), cal


def spread(values: list[float], kind: str = "pct") -> str:
    """Mean (min-max) of a figure over draws; kind: pct (a share, printed in %), f1, count."""
    mean = statistics.fmean(values)
    f = {"pct": lambda v: f"{v * 100:.1f}", "f1": lambda v: f"{v:.3f}",
         "count": lambda v: f"{v:.1f}" if v != int(v) else f"{v:.0f}"}[kind]
    if len(values) == 1 or max(values) == min(values):
        return f(mean)
    return f"{f(mean)} ({f(min(values))}-{f(max(values))})"


def least_squares(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """(a, b, standard error of b) of y = a + b x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    a = my - b * mx
    ssr = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    se = math.sqrt(ssr / (len(xs) - 2) / sxx) if sxx and len(xs) > 2 else float("inf")
    return a, b, se


def big(v: float) -> str:
    return f"{v:,.0f}" if v < 1e7 else f"{v:.1e}"


def trend(results: dict, n_lines: int, n_bureaus: int) -> None:
    """Test silent@20% against ln(development bureaus), every draw a point, extrapolated to the goal."""
    points = [(b, t.silent20) for runs in results.values() for b, _, t, _ in runs]
    print(f"\nTREND of test silent@20% over {len(points)} draws "
          f"(goal: <= {GOAL_SILENT:.0%} silent at <= {GOAL_REVIEW:.0%} review)")
    if len({b for b, _ in points}) < 2:
        print("  one amount of material only: no trend to fit (give --fractions two or more values)")
        return
    per_bureau = n_lines / n_bureaus
    logn = [math.log(b) for b, _ in points]

    def reach(label: str, need: float) -> None:
        print(f"    {label}: {GOAL_SILENT:.0%} at ~{big(need)} development bureaus, "
              f"~{big(need * per_bureau)} lines ({need / n_bureaus:,.0f}x today's {n_bureaus} / {n_lines})")

    a, b, se = least_squares(logn, [y for _, y in points])
    print(f"  log-linear: silent = {a:.1%} {b * 100:+.2f} points x ln(bureaus) (slope's standard "
          f"error {se * 100:.2f}; draws of one fraction overlap, so it is if anything too small): "
          f"{b * math.log(2) * 100:+.2f} points per doubling of the development bureaus")
    for label, slope in (("fitted slope", b), ("slope - 2 standard errors", b - 2 * se)):
        if slope < 0:
            reach(label, math.exp((GOAL_SILENT - a) / slope))
        else:
            print(f"    {label}: no downward trend, the goal is not reached by any amount")
    if all(y > 0 for _, y in points):
        a2, b2, _ = least_squares(logn, [math.log(y) for _, y in points])
        print(f"  power law: silent = {math.exp(a2):.1%} x bureaus^{b2:.3f}")
        if b2 < 0:
            reach("fitted", math.exp((math.log(GOAL_SILENT) - a2) / b2))
        else:
            print("    no downward trend, the goal is not reached by any amount")


def floor(results: dict) -> None:
    """The test errors the doubt has least to go on, with the largest fraction's model and calibration."""
    full = results[max(results)][0][2]
    print(f"\nFLOOR (test part, largest fraction): {full.floor} of the {full.errors} errors "
          f"= {full.floor / full.n:.1%} of the lines have the rules' words in the headline and the "
          f"second opinion agreeing;\n  {full.floor_caught20} of them are flagged at 20% review. "
          f"Such lines are {full.confident / full.n:.0%} of the test part and {full.floor / max(1, full.confident):.1%} "
          f"of them are wrong: flagging these errors means reviewing right lines that look the same.")
    if full.floor / full.n > GOAL_SILENT:
        print(f"  The floor alone is above the {GOAL_SILENT:.0%} goal: more calibration material shrinks "
              f"only the rest; below it takes rule changes.")
    print(f"  The decision's macro-F1 on the test part is the rules' ({full.f1:.3f}) at every fraction: "
          f"the learned parts only flag,\n  so the {GOAL_F1} goal takes rule changes, not more "
          f"calibration material ('F1 reviewed': every flagged item corrected by the officer).")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=20, help="random draws per fraction below 100%% (default 20)")
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0],
                    help="fractions of the development bureaus (default 0.25 0.5 0.75 1)")
    args = ap.parse_args()
    if args.draws < 1:
        ap.error("--draws must be at least 1")
    if any(not 0 < f <= 1 for f in args.fractions):
        ap.error("--fractions must lie in (0, 1]")
    rules = load_rules()
    raw = Classifier(rules, calibrated=False)
    dev = calibrate_doubt.development()
    test = bench.read(bench.CORPUS / "test.jsonl")
    dev_decisions = [raw.classify(r["title"], r["body"]) for r in dev]
    test_decisions = [raw.classify(r["title"], r["body"]) for r in test]
    bureaus = sorted({calibrate_doubt.group_key(r) for r in dev})
    n_test_bureaus = len({r.get("host") or r.get("bureau") for r in test})
    print(f"development: {len(dev)} lines of {len(bureaus)} bureaus; test: {len(test)} lines of "
          f"{n_test_bureaus} bureaus (aggregates only). Rules as shipped; fitted per draw: the "
          f"second opinion and the calibration (tools/calibrate_doubt.py, {calibrate_doubt.FOLDS}-fold "
          f"by bureau, review <= {calibrate_doubt.MAX_REVIEW:.0%} out of fold)")

    results: dict[float, list[tuple[int, int, Measure, Measure | None]]] = {}
    for fraction in sorted(set(args.fractions)):
        k = max(calibrate_doubt.FOLDS, round(fraction * len(bureaus)))
        runs = []
        for i in range(1 if k >= len(bureaus) else args.draws):
            chosen = set(random.Random(f"{fraction}:{i}").sample(bureaus, min(k, len(bureaus))))
            drawn = [calibrate_doubt.group_key(r) in chosen for r in dev]
            train = [r for r, d in zip(dev, drawn) if d]
            model, cal = fit(train, rules)
            t = measure(test, test_decisions, model, cal, rules)
            held = [(r, d) for r, d, took in zip(dev, dev_decisions, drawn) if not took]
            h = (measure([r for r, _ in held], [d for _, d in held], model, cal, rules)
                 if held else None)
            runs.append((len(chosen), len(train), t, h))
        results[fraction] = runs

    print("\nTEST part (mean over draws, min-max in brackets; percentages of the test lines)")
    print(f"{'bureaus':>8}{'lines':>7}{'draws':>6}  {'silent@20%':<18}{'review@fit':<18}{'silent@fit':<18}"
          f"{'F1 decision':<13}{'F1 reviewed':<22}{'floor (errors)':<14}")
    for fraction, runs in results.items():
        ts = [t for _, _, t, _ in runs]
        print(f"{statistics.fmean(b for b, _, _, _ in runs):>8.0f}{statistics.fmean(n for _, n, _, _ in runs):>7.0f}"
              f"{len(runs):>6}  {spread([t.silent20 for t in ts]):<18}{spread([t.review for t in ts]):<18}"
              f"{spread([t.silent for t in ts]):<18}{spread([t.f1 for t in ts], 'f1'):<13}"
              f"{spread([t.f1_reviewed for t in ts], 'f1'):<22}"
              f"{spread([float(t.floor) for t in ts], 'count')} of {ts[0].errors}")
    print("\nDEVELOPMENT bureaus not drawn (each draw's remaining bureaus)")
    print(f"{'bureaus':>8}{'held lines':>11}  {'silent@20%':<18}{'review@fit':<18}{'silent@fit':<18}"
          f"{'F1 decision':<22}{'F1 reviewed':<22}")
    for fraction, runs in results.items():
        hs = [h for _, _, _, h in runs if h is not None]
        if not hs:
            print(f"{runs[0][0]:>8}{'-':>11}  (all development bureaus drawn: nothing held out)")
            continue
        print(f"{statistics.fmean(b for b, _, _, _ in runs):>8.0f}{statistics.fmean(h.n for h in hs):>11.0f}  "
              f"{spread([h.silent20 for h in hs]):<18}{spread([h.review for h in hs]):<18}"
              f"{spread([h.silent for h in hs]):<18}{spread([h.f1 for h in hs], 'f1'):<22}"
              f"{spread([h.f1_reviewed for h in hs], 'f1'):<22}")

    trend(results, len(dev), len(bureaus))
    floor(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
