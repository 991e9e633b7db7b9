"""Speed work must not change one byte of what ``gongkai classify`` prints (issue #18).

The golden file holds the output line (``gongkai.parallel.decision_json``: category, score,
margin, needs_review, evidence, ruleset_version, doubt) of every item of the reference corpus —
the corpus's development and test parts and the labelled real headlines, each with its lead —
and of generated items with ~2 KB bodies written the ways pages write them (full-width
punctuation and digits, ideographic and non-breaking spaces, layout spaces between characters,
zero-width characters, line breaks), under the built-in rules and under the 1,000-word ruleset of
benchmarks/classify_bench.py (long words hiding short ones). It was written before the first
optimisation and is only ever rewritten on purpose:

    .venv/bin/python tests/classifier/test_golden.py --write
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from classifier import Classifier, load_rules, parse_rules  # noqa: E402
from gongkai import parallel  # noqa: E402

from classify_bench import GENERIC, SENTENCES, ruleset_text  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "classify.jsonl"
CORPUS = [ROOT / "tests/fixtures/rules/corpus/dev.jsonl",
          ROOT / "tests/fixtures/rules/corpus/test.jsonl",
          ROOT / "tests/fixtures/rules/real/headlines.jsonl"]
GENERATED = 150


def corpus_items() -> list[tuple[str, str]]:
    out = []
    for path in CORPUS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                obj = json.loads(line)
                out.append((obj["title"], obj.get("body") or ""))
    return out


# Ways pages write text that normalization must undo, each applied to some paragraphs.
_FULL = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；", "!": "！",
                       "?": "？", "%": "％", "0": "０", "2": "２", "5": "５", "A": "Ａ"})


def _messy(s: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return s.translate(_FULL)
    if r < 0.4:   # layout spaces between characters
        return " ".join(s[:12]) + s[12:]
    if r < 0.5:
        return s.replace("，", "\u3000", 1).replace("。", "\u00a0", 1)
    if r < 0.55:
        return s.replace("区", "区\u200b", 1) + "\ufeff"
    if r < 0.6:
        return "  " + s + "\t "
    return s


def generated_items(n: int = GENERATED, seed: int = 18) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = corpus_items()
    leads = [b for _, b in rows if b]
    out = []
    for i in range(n):
        title = rng.choice(rows)[0]
        if i % 7 == 0:
            title = _messy(title, rng)
        paras, length = [], 0
        while length < 2000:
            s = _messy(rng.choice(rng.choice((leads, SENTENCES, GENERIC))), rng)
            paras.append(s)
            length += len(s) + 1
        sep = "\r\n" if i % 5 == 0 else "\n"
        body = sep.join(paras)
        if i % 11 == 0:
            body = ""   # a title alone
        if i % 13 == 0:
            title = ""  # a body alone
        out.append((title, body))
    return out


def golden_lines() -> list[str]:
    """Every output line, in order: the corpus and the generated items under the built-in rules,
    then the generated items under the benchmark's 1,000-word rules."""
    corpus, generated = corpus_items(), generated_items()
    lines = []
    clf = Classifier(load_rules())
    lines += [parallel.decision_json(clf.classify(t, b)) for t, b in corpus + generated]
    big = Classifier(parse_rules(ruleset_text(1000, 1).encode("utf-8")))
    lines += [parallel.decision_json(big.classify(t, b)) for t, b in generated]
    return lines


def test_classify_output_is_golden():
    want = GOLDEN.read_text(encoding="utf-8").splitlines()
    got = golden_lines()
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"line {i + 1} of {GOLDEN.name} differs"


def test_classify_lines_is_golden():
    """The command's own path (JSON parsing, the chunk worker) prints the same lines."""
    items = corpus_items() + generated_items()
    lines = [(n, json.dumps({"title": t, "body": b}, ensure_ascii=False))
             for n, (t, b) in enumerate(items, 1)]
    got = [text for _n, text, ok in parallel.classify_lines(load_rules(), lines, jobs=1)]
    want = GOLDEN.read_text(encoding="utf-8").splitlines()[:len(items)]
    assert got == want


def test_classify_lines_on_workers_is_golden(monkeypatch):
    """Spread over worker processes, in chunks, the lines are the same and in order."""
    monkeypatch.setattr(parallel, "POOL_MIN", 50)
    monkeypatch.setattr(parallel, "CHUNK", 40)
    items = corpus_items() + generated_items()
    lines = [(n, json.dumps({"title": t, "body": b}, ensure_ascii=False))
             for n, (t, b) in enumerate(items, 1)]
    got = [text for _n, text, ok in parallel.classify_lines(load_rules(), lines, jobs=2)]
    assert got == GOLDEN.read_text(encoding="utf-8").splitlines()[:len(items)]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text("".join(line + "\n" for line in golden_lines()), encoding="utf-8")
    print(f"wrote {GOLDEN}")
