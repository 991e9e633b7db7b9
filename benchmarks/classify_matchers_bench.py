"""Where classify's time goes: matching alone (pyahocorasick vs ahocorasick-rs) and per-hit cost.

    python benchmarks/classify_matchers_bench.py [--n 5000] [--seed 1]

Same items and rule words as classify_bench.py, same process:

- pyahocorasick ``Automaton.iter`` (what the classifier uses), every overlapping match;
- ahocorasick-rs ``find_matches_as_indexes(overlapping=True)`` (skipped if not installed);
- normalize() alone;
- the full Classifier.classify;
so (classify - normalize - matching) / hits is the Python cost of each hit (containment, near,
exclusion, scoring, evidence).
"""

from __future__ import annotations

import argparse
import time

import ahocorasick

from classifier import Classifier, load_rules, normalize
from classify_bench import make_items


def timed(fn) -> tuple[float, int]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    clf = Classifier(load_rules())
    words = list(clf.words)
    items = make_items(args.n, args.seed)
    texts = [(normalize(t), normalize(b)) for t, b in items]

    t_norm, _ = timed(lambda: sum(len(normalize(t)) + len(normalize(b)) for t, b in items))
    auto = ahocorasick.Automaton()
    for i, w in enumerate(words):
        auto.add_word(w, i)
    auto.make_automaton()
    t_py, hits = timed(lambda: sum(1 for t, b in texts for x in (t, b) for _ in auto.iter(x)))
    rows = [("pyahocorasick iter", t_py, hits)]
    try:
        import ahocorasick_rs
        rs = ahocorasick_rs.AhoCorasick(words)
        t_rs, hits_rs = timed(lambda: sum(
            len(rs.find_matches_as_indexes(x, overlapping=True)) for t, b in texts
            for x in (t, b)))
        rows.append(("ahocorasick-rs overlapping", t_rs, hits_rs))
    except ImportError:
        print("ahocorasick-rs not installed: skipped")
    t_all, _ = timed(lambda: [clf.classify(t, b) for t, b in items])

    print(f"items: {args.n}; rule words: {len(words)}; {hits / args.n:.1f} raw hits per item")
    print(f"normalize only:                 {args.n / t_norm:10,.0f} items/s")
    for name, t, h in rows:
        print(f"{name:<31} {args.n / t:10,.0f} items/s  ({h / args.n:.1f} hits/item)")
    print(f"classify (everything):          {args.n / t_all:10,.0f} items/s")
    per_hit = (t_all - t_norm - t_py) / hits
    print(f"python cost per hit after matching: {per_hit * 1e6:.2f} µs "
          f"({(t_all - t_norm - t_py) / t_all:.0%} of classify time)")


if __name__ == "__main__":
    main()
