"""Where classify's time goes, and the matcher chosen by measurement (pyahocorasick or
ahocorasick-rs).

    python benchmarks/classify_matchers_bench.py [--n 5000] [--keywords 1000] [--seed 1]

Same items and 1,000-word ruleset as classify_bench.py (2 KB bodies), same process. Each line
finds the same thing — which rule words occur in the title and in the body — so they compare
like with like:

- naive:          ``word in text`` for every word (the baseline of issue #5);
- pyahocorasick:  ``Automaton.iter`` over the normalized texts, every overlapping match
                  (skipped unless installed: ``pip install -e '.[bench]'``);
- ahocorasick-rs: ``find_matches_as_indexes(overlapping=True)``, what the classifier uses;
- and, for the breakdown: normalize() alone, and the whole Classifier.classify.
"""

from __future__ import annotations

import argparse
import time

from classifier import Classifier, normalize, parse_rules
from classify_bench import make_items, ruleset_text


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--keywords", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    clf = Classifier(parse_rules(ruleset_text(args.keywords, args.seed).encode("utf-8")))
    words = list(clf.words)
    items = make_items(args.n, args.seed, size=2048, unit="bytes")
    texts = [(normalize(t), normalize(b)) for t, b in items]
    n = args.n

    t_naive = timed(lambda: [[w for w in words if w in x] for t, b in texts for x in (t, b)])
    rs = clf._automaton
    t_rs = timed(lambda: [{m[0] for m in rs.find_matches_as_indexes(x, overlapping=True)}
                          for t, b in texts for x in (t, b)])
    rows = [("naive `word in text`", t_naive), ("ahocorasick-rs (used)", t_rs)]
    try:
        import ahocorasick
        auto = ahocorasick.Automaton()
        for i, w in enumerate(words):
            auto.add_word(w, i)
        auto.make_automaton()
        t_py = timed(lambda: [{i for _, i in auto.iter(x)} for t, b in texts for x in (t, b)])
        rows.append(("pyahocorasick", t_py))
    except ImportError:
        print("pyahocorasick not installed (pip install -e '.[bench]'): skipped")
    t_norm = timed(lambda: [(normalize(t), normalize(b)) for t, b in items])
    t_all = timed(lambda: [clf.classify(t, b) for t, b in items])

    print(f"items: {n}, 2 KB bodies; rule words: {len(words)}; which words occur, per item:")
    for name, t in rows:
        print(f"  {name:<24} {n / t:10,.0f} items/s   ({t_naive / t:5.1f}x the naive loop)")
    print(f"normalize() alone:         {n / t_norm:10,.0f} items/s")
    print(f"classify, everything:      {n / t_all:10,.0f} items/s   (matching "
          f"{t_rs / t_all:.0%}, normalizing {t_norm / t_all:.0%}, the rules' logic, evidence "
          f"and decision the rest)")


if __name__ == "__main__":
    main()
