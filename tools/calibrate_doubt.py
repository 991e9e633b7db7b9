"""Fit the classifier's calibrated doubt and its built-in second opinion on the DEVELOPMENT corpus.

    .venv/bin/python tools/calibrate_doubt.py            # write classifier/data/{seed_headlines.jsonl,doubt.json}
    .venv/bin/python tools/calibrate_doubt.py --check    # exit 1 when the shipped files are not what this writes

Reads tests/fixtures/rules/corpus/dev.jsonl and tests/fixtures/rules/real/headlines.jsonl — never
the test part (corpus/test.jsonl), which only benchmarks/classify_accuracy_bench.py reads.

1. The seed corpus: every development line's title, body and label, for the built-in naive-Bayes
   model (classifier/_learn.NaiveBayes) that gives a second opinion from day one.
2. Out-of-fold evidence, grouped by bureau: the development bureaus are split into FOLDS groups;
   each group's lines get the second opinion of a model trained on the other groups only, so the
   calibration learns how far the model is to be trusted on bureaus it has not seen — as it will
   be at a new bureau. The rules' decisions are the default rules' (no review floors).
3. Two logistic fits on those features (classifier/_doubt.py): with the model's features and
   without them (for a bureau whose own categories the model does not know). The review
   threshold of each is the one with the fewest silent errors (wrong and not flagged) at a
   review load of at most MAX_REVIEW on the out-of-fold predictions.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier import Classifier, NaiveBayes, evaluate, load_rules  # noqa: E402
from classifier import _classify, _doubt  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "rules" / "corpus"
REAL = ROOT / "tests" / "fixtures" / "rules" / "real" / "headlines.jsonl"
FOLDS = 5
MAX_REVIEW = 0.18       # the goal is 20%: keep a margin for bureaus unlike the development ones
L2 = 1.0


def host_of(url: str) -> str:
    from urllib.parse import urlsplit
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def read_lines(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            obj = json.loads(line)
            obj.setdefault("body", "")
            obj.setdefault("host", host_of(obj.get("source", "")))
            obj.setdefault("bureau", obj["host"])
            obj["where"] = f"{path.name}:{n}"
            out.append(obj)
    return out


def development() -> list[dict]:
    rows = read_lines(REAL)
    rows += read_lines(CORPUS / "dev.jsonl")
    return rows


def group_key(row: dict) -> str:
    """One bureau, however it is named: its host when known, else its name."""
    return row.get("host") or row["bureau"]


def folds(rows: list[dict], k: int = FOLDS) -> list[int]:
    """Each row's fold, bureaus kept whole and spread by a stable hash (no randomness)."""
    import zlib
    return [zlib.crc32(group_key(r).encode("utf-8")) % k for r in rows]


def out_of_fold(rows: list[dict], rules) -> list[tuple[list[float], int, object]]:
    clf = Classifier(rules, calibrated=False)
    decisions = [clf.classify(r["title"], r["body"]) for r in rows]
    fold = folds(rows)
    out: list = [None] * len(rows)
    for f in range(FOLDS):
        train = [(r["title"], r["body"], r["label"]) for r, g in zip(rows, fold) if g != f]
        model = NaiveBayes(train)
        for i, (r, g) in enumerate(zip(rows, fold)):
            if g == f:
                d = decisions[i]
                p = model.predict(r["title"], r["body"])
                out[i] = (_doubt.features(d, rules.fallback, p), int(d.category != r["label"]), d)
    return out


def calibrate(rows: list[dict], rules) -> tuple[dict, list[str]]:
    oof = out_of_fold(rows, rules)
    xs = [x for x, _, _ in oof]
    ys = [y for _, y, _ in oof]
    n_bureaus = len({group_key(r) for r in rows})
    report = []
    data = {}
    model_idx = frozenset(i for i, f in enumerate(_doubt.FEATURES) if f in _doubt.MODEL_FEATURES)
    for part, skip in (("with_model", frozenset()), ("rules_only", model_idx)):
        weights = _doubt.fit_logistic(xs, ys, l2=L2, skip=skip)
        cal = _doubt.Calibration(weights, 0.0, part == "with_model")
        scored = [(cal.doubt(x), bool(y)) for x, y in zip(xs, ys)]
        point = _doubt.pick_threshold(scored, max_review=MAX_REVIEW)
        cal = _doubt.Calibration(weights, point.threshold, part == "with_model",
                                 f"{len(rows)} development headlines of {n_bureaus} bureaus, "
                                 f"{FOLDS}-fold by bureau, review load <= {MAX_REVIEW:.0%}")
        data[part] = cal.as_dict()
        report.append(f"{part:<11} out-of-fold: review {point.review:.1%}, silent errors "
                      f"{point.silent:.1%} at doubt >= {point.threshold:.3f}")
    ev = evaluate(((r["label"], d.category) for r, (_, _, d) in zip(rows, oof)), rules.names)
    report.insert(0, f"development: {len(rows)} headlines, {n_bureaus} bureaus; rules macro-F1 "
                     f"{ev.macro_f1:.3f}, accuracy {ev.accuracy:.3f}")
    return data, report


def seed_text(rows: list[dict]) -> str:
    head = ("# The development corpus (tests/fixtures/rules/corpus/dev.jsonl and real/headlines.jsonl):\n"
            "# the built-in second opinion learns from these lines. Written by tools/calibrate_doubt.py.\n")
    return head + "".join(json.dumps({"title": r["title"], "body": r["body"], "label": r["label"]},
                                     ensure_ascii=False) + "\n" for r in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the shipped files are stale")
    args = ap.parse_args()
    rows = development()
    rules = load_rules()
    data, report = calibrate(rows, rules)
    seed = seed_text(rows)
    doubt = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if args.check:
        stale = [p.name for p, text in ((_classify.SEED, seed), (_classify.CALIBRATION, doubt))
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        print("stale: " + ", ".join(stale) + " (run tools/calibrate_doubt.py)" if stale
              else "classifier/data is up to date")
        return 1 if stale else 0
    _classify.DATA.mkdir(exist_ok=True)
    _classify.SEED.write_text(seed, encoding="utf-8")
    _classify.CALIBRATION.write_text(doubt, encoding="utf-8")
    print("\n".join(report))
    print(f"wrote {_classify.SEED.relative_to(ROOT)} and {_classify.CALIBRATION.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
