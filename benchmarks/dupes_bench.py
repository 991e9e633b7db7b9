"""Cross-channel duplicate detector (issue 13) on the labelled pairs: precision, recall, review
share and throughput, per split and per pattern, next to a trivial baseline.

    python benchmarks/dupes_bench.py [--judge MODULE:FUNC] [--pairs FILE] [--min-time SECONDS]

--judge   the detector to evaluate, an importable ``module:callable`` (default gongkai.dupes:judge),
          or ``baseline`` to evaluate the built-in baseline itself. Contract:
          ``judge(a: dict, b: dict) -> (verdict, score, reason)`` with verdict "dup" | "maybe" |
          "distinct"; ``a`` and ``b`` are the items of tests/fixtures/dupes/pairs.jsonl (channel,
          title, body, url, pub_date, optional byline and fields). The judge must not modify them.
--pairs   may repeat; defaults to tests/fixtures/dupes/pairs.jsonl (dev and the first held-out part)
          and tests/fixtures/dupes/heldout2.jsonl (an independent held-out part, written later by
          someone who had not seen the detector; see HELDOUT2.md).

"maybe" means "sent to the officer for review". Both readings are reported:
  strict   maybe -> distinct (only a confident "dup" merges; review items stay apart)
  lenient  maybe -> dup      (everything the judge suspects is caught)
and "review" is the share of pairs judged "maybe". "auto-wrong" counts confident mistakes: a real
duplicate judged "distinct" plus a non-duplicate judged "dup" — the errors nobody reviews.

The dev split may be used to tune a detector; the held-out split (other bureaus, topics and wording)
must not be: look at its numbers, not at its pairs.

The baseline calls two items duplicates when their titles are equal after NFKC, lower-casing and
removing whitespace and punctuation. Throughput is measured for both in this process, over the whole
file repeated until --min-time has passed, and reported as pairs/s with the ratio judge/baseline.

If the judge cannot be imported the bench prints one line saying so and exits with status 2.
"""
from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAIRS = [ROOT / "tests" / "fixtures" / "dupes" / "pairs.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout2.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout3.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout4.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout5.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout6.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout7.jsonl",
                 ROOT / "tests" / "fixtures" / "dupes" / "heldout8.jsonl"]
VERDICTS = ("dup", "maybe", "distinct")

Judge = Callable[[dict, dict], tuple]

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm_title(title: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", title or "")).lower()


def baseline_judge(a: dict, b: dict) -> tuple[str, float, str]:
    """Trivial detector: exact equality of normalised titles."""
    if _norm_title(a.get("title", "")) == _norm_title(b.get("title", "")):
        return "dup", 1.0, "same normalised title"
    return "distinct", 0.0, "titles differ"


def load_judge(spec: str) -> Judge:
    if spec == "baseline":
        return baseline_judge
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    module_name, _, attr = spec.partition(":")
    try:
        if not module_name or not attr:
            raise ValueError("expected MODULE:CALLABLE")
        obj = getattr(importlib.import_module(module_name), attr)
        if not callable(obj):
            raise TypeError(f"{attr} is not callable")
    except Exception as exc:   # anything at import time means: no judge to evaluate
        print(f"dupes_bench: cannot import judge {spec!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
    return obj


def load_pairs(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row.get("label") not in ("dup", "distinct") or not re.fullmatch(
                    r"dev|heldout\w*|real", str(row.get("split"))):
                raise SystemExit(f"dupes_bench: {path}:{n}: bad label or split")
            rows.append(row)
    return rows


def run(judge: Judge, rows: list[dict]) -> tuple[list[str], int, str]:
    """Verdict per pair; a crash or a malformed answer counts as "distinct" and as an error."""
    verdicts, errors, first = [], 0, ""
    for row in rows:
        try:
            out = judge(copy.deepcopy(row["a"]), copy.deepcopy(row["b"]))
            verdict = out[0]
            if verdict not in VERDICTS or len(out) != 3:
                raise ValueError(f"bad answer {out!r}")
        except Exception as exc:
            errors += 1
            first = first or f"{row['id']}: {type(exc).__name__}: {exc}"
            verdict = "distinct"
        verdicts.append(verdict)
    return verdicts, errors, first


def throughput(judge: Judge, rows: list[dict], min_time: float) -> float:
    pairs = [(r["a"], r["b"]) for r in rows]
    done, start = 0, time.perf_counter()
    while True:
        for a, b in pairs:
            try:
                judge(a, b)
            except Exception:
                pass
        done += len(pairs)
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return done / elapsed


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def metrics(labels: list[str], verdicts: list[str]) -> dict:
    c = Counter(zip(labels, verdicts))
    dup_n = sum(v for (lab, _), v in c.items() if lab == "dup")
    out = {"n": len(labels), "dup": dup_n, "distinct": len(labels) - dup_n,
           "review": _ratio(sum(v for (_, ver), v in c.items() if ver == "maybe"), len(labels)),
           "auto_wrong": c[("dup", "distinct")] + c[("distinct", "dup")]}
    for name, positive in (("strict", {"dup"}), ("lenient", {"dup", "maybe"})):
        tp = sum(c[("dup", v)] for v in positive)
        fp = sum(c[("distinct", v)] for v in positive)
        out[name] = (_ratio(tp, tp + fp), _ratio(tp, dup_n))
    out["shares"] = {v: _ratio(sum(c[(lab, v)] for lab in ("dup", "distinct")), len(labels)) for v in VERDICTS}
    return out


def _f(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.3f}"


def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{100 * x:3.0f}%"


HEAD = (f"{'':<28}{'n':>5}{'dup':>5}  {'P strict':>8}{'R strict':>9}  {'P lenient':>9}{'R lenient':>10}"
        f"  {'review':>6}{'auto-wrong':>11}")


def line(name: str, m: dict) -> str:
    (ps, rs), (pl, rl) = m["strict"], m["lenient"]
    return (f"{name:<28}{m['n']:>5}{m['dup']:>5}  {_f(ps):>8}{_f(rs):>9}  {_f(pl):>9}{_f(rl):>10}"
            f"  {_pct(m['review']):>6}{m['auto_wrong']:>11}")


def report(title: str, rows: list[dict], verdicts: list[str], per_pattern: bool) -> dict:
    print(f"\n{title}")
    print(HEAD)
    results = {}
    splits = list(dict.fromkeys(r["split"] for r in rows))
    for split in (*splits, "all"):
        idx = [i for i, r in enumerate(rows) if split == "all" or r["split"] == split]
        m = metrics([rows[i]["label"] for i in idx], [verdicts[i] for i in idx])
        results[split] = m
        print(line(split, m))
    if per_pattern:
        for split in splits:
            print(f"\n  {split}, per pattern (a pattern holds one label: P is '-' or 0 for non-duplicate "
                  f"patterns, R is '-' for them; read 'dup/maybe/distinct' for where its pairs went)")
            print(f"  {'pattern':<26}{'n':>5}{'label':>9}  {'P strict':>8}{'R strict':>9}  {'P lenient':>9}"
                  f"{'R lenient':>10}  {'dup/maybe/distinct':>20}")
            patterns = sorted({r["pattern"] for r in rows if r["split"] == split},
                              key=lambda p: (next(r["label"] for r in rows if r["pattern"] == p) != "dup", p))
            for p in patterns:
                idx = [i for i, r in enumerate(rows) if r["split"] == split and r["pattern"] == p]
                m = metrics([rows[i]["label"] for i in idx], [verdicts[i] for i in idx])
                (ps, rs), (pl, rl) = m["strict"], m["lenient"]
                sh = m["shares"]
                print(f"  {p:<26}{m['n']:>5}{rows[idx[0]]['label']:>9}  {_f(ps):>8}{_f(rs):>9}  {_f(pl):>9}"
                      f"{_f(rl):>10}  {_pct(sh['dup']):>6}/{_pct(sh['maybe'])}/{_pct(sh['distinct'])}")
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judge", default="gongkai.dupes:judge")
    ap.add_argument("--pairs", type=Path, action="append")
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds of timing per detector (default 1)")
    args = ap.parse_args()

    judge = load_judge(args.judge)
    paths = args.pairs or DEFAULT_PAIRS
    rows = [row for path in paths for row in load_pairs(path)]
    counts = Counter((r["split"], r["label"]) for r in rows)
    print(f"{', '.join(p.name for p in paths)}: {len(rows)} pairs — " + ", ".join(f"{s} {lab} {n}" for (s, lab), n in sorted(counts.items())))

    verdicts, errors, first = run(judge, rows)
    report(f"judge {args.judge}", rows, verdicts, per_pattern=True)
    if errors:
        print(f"\n{errors} pair(s) raised or answered badly (counted as 'distinct'); first: {first}")
    if judge is not baseline_judge:
        base_verdicts, _, _ = run(baseline_judge, rows)
        report("baseline (normalised title equality)", rows, base_verdicts, per_pattern=False)

    judge_pps = throughput(judge, rows, args.min_time)
    base_pps = throughput(baseline_judge, rows, args.min_time)
    print(f"\nthroughput: judge {judge_pps:,.0f} pairs/s, baseline {base_pps:,.0f} pairs/s, "
          f"ratio judge/baseline {judge_pps / base_pps:.3f} ({base_pps / judge_pps:.1f}x slower than the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
