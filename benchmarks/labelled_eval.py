"""Macro-F1 of the default rules on the real labelled headlines, next to a plain keyword list.

    python benchmarks/labelled_eval.py [FILE.jsonl]

FILE defaults to tests/fixtures/rules/real/headlines.jsonl ('#' lines are comments). Every third
labelled line (the 3rd, 6th, …) is the held-out part that rule changes must never be tuned on;
the rest is the tuning part. Both are reported, for both classifiers:

- rules:    Classifier(default rules) — weights, title multiplier, near/exclude/all groups, ignore
            phrases, priorities;
- baseline: the same keywords as one flat list in report order, first category whose keyword
            occurs anywhere in title + body wins (no weights, no near rules, no exclusions);
            nothing found -> the fallback category.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from classifier import Classifier, Ruleset, evaluate, load_rules, normalize

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "rules" / "real" / "headlines.jsonl"


def read_labelled(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            obj = json.loads(line)
            rows.append((obj["title"], obj.get("body", ""), obj["label"]))
    return rows


def flat_keywords(rules: Ruleset) -> list[tuple[str, str]]:
    """(keyword, category) for every plain keyword and near term, in report order."""
    out = []
    for cat in rules.categories:
        out.extend((w, cat.name) for w in cat.keywords)
        out.extend((w, cat.name) for rule in cat.near for w in rule.terms)
    return out


def baseline(words: list[tuple[str, str]], fallback: str, title: str, body: str) -> str:
    text = normalize(title) + "\n" + normalize(body)
    for word, category in words:
        if word in text:
            return category
    return fallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()

    rules = load_rules()
    clf = Classifier(rules)
    words = flat_keywords(rules)
    rows = read_labelled(args.file)
    parts = {"tuning": [r for i, r in enumerate(rows) if i % 3 != 2],
             "held-out": [r for i, r in enumerate(rows) if i % 3 == 2],
             "all": rows}
    print(f"{args.file}: {len(rows)} labelled headlines; rules {rules.version}")
    print(f"{'part':<10}{'items':>6}{'rules F1':>10}{'baseline F1':>13}{'rules acc':>11}"
          f"{'baseline acc':>14}")
    for name, part in parts.items():
        ev_rules = evaluate(((lab, clf.classify(t, b).category) for t, b, lab in part),
                            rules.names)
        ev_base = evaluate(((lab, baseline(words, rules.fallback, t, b)) for t, b, lab in part),
                           rules.names)
        print(f"{name:<10}{len(part):>6}{ev_rules.macro_f1:>10.3f}{ev_base.macro_f1:>13.3f}"
              f"{ev_rules.accuracy:>11.3f}{ev_base.accuracy:>14.3f}")
    misses = [(t, lab, clf.classify(t, b).category) for t, b, lab in rows
              if clf.classify(t, b).category != lab]
    for title, label, got in misses:
        print(f"  rules miss: {title}  (label {label}, rules {got})")


if __name__ == "__main__":
    main()
