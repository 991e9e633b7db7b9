"""The compiled core (classifier/_core_native.pyx) against the pure-Python reference
(classifier/_core.py) on generated input, seeded: random rulesets over a small alphabet (so words
contain, overlap and hide each other, near terms and groups hold and fail) with random texts,
and `gongkai classify` on random items — rule words, full-width punctuation, text that is not
NFKC, lone surrogates, empty fields, 100 KB bodies — printing the same bytes both ways.

The compiled core comes from test_core.py's fixture: the package's own when current, else one
built for the tests; without a compiler both sides are the pure path and the tests still run.
"""

from __future__ import annotations

import json
import math
import random

import pytest

from classifier import _classify, _coreload, _learn, parse_rules
from gongkai import parallel

from test_core import CLASSIFY, compiled, ruleset_text, run  # noqa: F401 (a fixture)

ALPHABET = "安全生产市场供应甲乙aB"
# What pages put around the words: punctuation in both widths, spaces of every kind,
# compatibility characters, combining marks, invisible characters, kana, Hangul, emoji.
NOISE = ["，", "。", ",", "（", "）", "：", "…", "、", "“", "”", "《", "》", " ", "  ", "\n",
         "\r\n", "\t", "\u3000", "\u00a0", "\u2028", "\u200b", "\ufeff", "\u00ad", "Ａ", "ｂ",
         "１", "２", "①", "㈠", "℃", "㎡", "Ⅱ", "﹝", "﹞", "ｶ", "ﾞ", "e\u0301", "\u0301",
         "가", "\u1100\u1161", "が", "か\u3099", "😀", "\U00020000", "İ", "ß", "Σ", "\x00",
         "\x1f", "\x85", "\ufffd", "\uf900", "\u2e80", "‘", "’"]


@pytest.fixture(scope="module")
def cores(compiled):   # noqa: F811 (the fixture imported above)
    """(reference module, compiled module): the same module twice without a compiler."""
    if compiled is None:
        assert _coreload.load("") is _coreload.pure
        return _coreload.pure, _coreload.pure
    module = _coreload.load(compiled)
    assert module is not _coreload.pure
    return _coreload.pure, module


def random_word(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))).lower()


def random_rules(rng: random.Random) -> str:
    """A ruleset of 2–4 categories whose words share a 12-character alphabet."""
    def words(n: int) -> str:
        """n distinct words in random order (a group's first word is its anchor)."""
        out: list[str] = []
        while len(out) < n:
            w = random_word(rng)
            if w not in out:
                out.append(w)
        return json.dumps(out, ensure_ascii=False)

    out = ['title_weight = %s' % rng.choice(("3.0", "2.5", "1.0")),
           'body_weight = %s' % rng.choice(("1.0", "0.7")), 'fallback = "其他"']
    if rng.random() < 0.7:
        out.append(f"ignore = {words(rng.randint(1, 3))}")
    out += ["[review]", "min_score = 3.0", "min_margin = 1.0",
            "[report]", 'sentence = "{year} {items}"', 'item = "{label} {count}"',
            'separator = "、"']
    for ci in range(rng.randint(2, 4)):
        out += ["[[category]]", f'name = "c{ci}"', f'label = "c{ci}"', f"key = {ci + 1}",
                f"priority = {rng.randint(0, 3)}"]
        if rng.random() < 0.4:
            out.append(f"exclude = {words(rng.randint(1, 2))}")
        out.append("[category.keywords]")
        for w in sorted({random_word(rng) for _ in range(rng.randint(1, 8))}):
            out.append(f'"{w}" = {rng.choice((1, 2, 3, 0.1, 0.7, 1.5, 4.25))}')
        for _ in range(rng.randint(0, 2)):
            out += ["[[category.near]]", f"terms = {words(rng.randint(1, 2))}",
                    f"with = {words(rng.randint(1, 3))}", f"within = {rng.randint(0, 8)}",
                    f"weight = {rng.choice((1, 2, 0.3))}"]
        for _ in range(rng.randint(0, 2)):
            out += ["[[category.all]]", f"words = {words(rng.randint(2, 3))}",
                    f"weight = {rng.choice((1, 2, 2.5))}"]
            if rng.random() < 0.6:
                out.append(f"within = {rng.randint(0, 10)}")
    out += ["[[category]]", 'name = "其他"', 'label = "其他"', "key = 9",
            "[category.keywords]", f'"{random_word(rng)}" = 1']
    return "\n".join(out) + "\n"


def random_text(rng: random.Random, size: int, noise: float = 0.3) -> str:
    parts = []
    for _ in range(size):
        if rng.random() < noise:
            parts.append(rng.choice(NOISE))
        else:
            parts.append(random_word(rng).upper() if rng.random() < 0.05 else random_word(rng))
    return "".join(parts)


def classifiers(monkeypatch, cores, rules):
    """The same ruleset built over each core."""
    out = []
    for core in cores:
        monkeypatch.setattr(_classify, "_core", core)
        out.append(_classify.Classifier(rules))
    return out


def test_random_rulesets_decide_alike(monkeypatch, cores):
    rng = random.Random(1818)
    checked = 0
    for k in range(60):
        rules = parse_rules(random_rules(rng).encode("utf-8"))
        # every other ruleset without the automaton's full table: the failure-link walk that
        # a ruleset too big for the table uses
        monkeypatch.setattr(cores[1], "DFA_MAX_BYTES", 0 if k % 2 else 64 << 20, raising=False)
        ref, fast = classifiers(monkeypatch, cores, rules)
        if cores[1] is not cores[0]:
            assert fast._tables.full_table == (k % 2 == 0)
        for _ in range(80):
            title = random_text(rng, rng.choice((0, 1, 3, 8)))
            body = random_text(rng, rng.choice((0, 5, 40, 200)), rng.choice((0.05, 0.3, 0.6)))
            want = parallel.decision_json(ref.classify(title, body))
            got = parallel.decision_json(fast.classify(title, body))
            assert got == want, (title, body)
            if checked % 10 == 0:   # one normalized field into running scores, both ways
                field = cores[0].normalize(body)
                runs = []
                for clf in (ref, fast):
                    scores, evidence = [0.5] * len(clf._names), []
                    clf._score_field("body", field, 1.5, scores, evidence)
                    runs.append((scores, [tuple(e) for e in evidence]))
                assert runs[0] == runs[1], body
            checked += 1
    assert checked == 4800


def test_normalize_alike(cores):
    ref, fast = cores
    rng = random.Random(7)
    for _ in range(5000):
        text = random_text(rng, rng.randint(0, 30), rng.random())
        assert fast.normalize(text) == ref.normalize(text), text
    # every character the fast path decides alone, in every context it may meet
    table = fast.classes() if hasattr(fast, "classes") else {}
    around = ["", "a", "中", " ", "\n", "B ", " 国", "。", "x\u0301", "\u3000", "“"]
    for i in table:
        for a in around:
            for b in around:
                text = a + chr(i) + b
                assert fast.normalize(text) == ref.normalize(text), (hex(i), a, b)


def test_evidence_facts_alike(cores):
    """What the calibrated doubt reads in a decision's evidence (_doubt.features_of)."""
    ref, fast = cores
    rng = random.Random(11)
    cats = ["促消费", "其他", "安全生产"]
    for _ in range(5000):
        evidence = tuple(_classify.Evidence(rng.choice(["消费券", "安全", "检查", "a"]),
                                            rng.choice(["title", "body"]), rng.randint(0, 99),
                                            rng.choice([1.0, 2.0]), rng.choice(cats))
                         for _ in range(rng.randint(0, 5)))
        category = rng.choice(cats)
        # equal strings that are not the same object count as the same word and category
        copies = tuple(_classify.Evidence("".join(list(e.keyword)), e.field, e.start, e.weight,
                                          "".join(list(e.category))) for e in evidence)
        assert fast.evidence_facts(evidence, category) == ref.evidence_facts(evidence, category)
        assert fast.evidence_facts(copies, category) == ref.evidence_facts(evidence, category)


def test_second_opinion_sums_alike(monkeypatch, cores):
    """The n-gram model's sums: the same features found; the sums equal up to the order of
    adding (the reference adds in set order, which differs from run to run by design)."""
    from classifier._classify import SEED
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            obj = json.loads(line)
            rows.append((obj["title"], obj.get("body", ""), obj["label"]))
    models = []
    for core in cores:
        monkeypatch.setattr(_learn, "_core", core)
        models.append(_learn.NaiveBayes(rows))
    ref, fast = models
    assert ref._fast is None
    rng = random.Random(3)
    samples = [(t, b) for t, b, _ in rows[:300]]
    samples += [(random_text(rng, 6, 0.4), random_text(rng, 60, 0.4)) for _ in range(1000)]
    for title, body in samples:
        a, b = ref.predict(title, body), fast.predict(title, body)
        assert a.category == b.category or math.isclose(a.probability, b.probability,
                                                        rel_tol=1e-9)
        for c in ref.categories:
            assert math.isclose(a.probabilities[c], b.probabilities[c], rel_tol=1e-9,
                                abs_tol=1e-12), (title, body)
        if fast._fast is not None:
            vectors = [*filter(None, map(ref._ll["t"].get,
                                         _learn.char_ngrams(title, *_learn._TITLE_GRAMS))),
                       *filter(None, map(ref._ll["b"].get,
                                         _learn.char_ngrams(body[:_learn.BODY_CHARS],
                                                            *_learn._BODY_GRAMS)))]
            sums, found = fast._fast.sums(title, body)
            assert found == len(vectors)
            # from the same sums, predict's Python arithmetic gives exactly what the C gives
            temper = max(1.0, found / ref.features_per_vote)
            scores = {c: ref._prior[c] + s / temper for c, s in zip(ref.categories, sums)}
            top = max(scores.values())
            exp = {c: math.exp(s - top) for c, s in scores.items()}
            total = sum(exp.values())
            probs = {c: e / total for c, e in exp.items()}
            best = max(ref.categories, key=lambda c: (probs[c], c))
            assert (b.category, b.probability, b.probabilities) == (best, probs[best], probs)


def random_items(seed: int) -> bytes:
    """Thousands of JSON lines: headlines' words, noise, empty fields, a few 100 KB bodies."""
    rng = random.Random(seed)
    rules = parse_rules(ruleset_text(1000, 1).encode("utf-8"))
    words = sorted({w for c in rules.categories for w in c.keywords})
    pieces = words + NOISE + ["\ud800", "\udfff", "。\n", "关于", "开展", "通知"]
    lines = []
    for i in range(3000):
        n = rng.choice((0, 3, 30, 300)) if i % 500 else 20000   # a 100 KB body now and then
        body = "".join(rng.choice(pieces) for _ in range(n))
        title = "".join(rng.choice(pieces) for _ in range(rng.choice((0, 1, 4, 9))))
        lines.append(json.dumps({"title": title, "body": body}))   # ASCII: surrogates escaped
    return ("\n".join(lines) + "\n").encode("ascii")


def test_classify_prints_the_same_bytes_on_random_items(compiled, tmp_path):   # noqa: F811
    items = random_items(18)
    rules = tmp_path / "big.toml"
    rules.write_text(ruleset_text(1000, 1), encoding="utf-8")
    core = "" if compiled is None else compiled
    for extra in ([], ["--rules", str(rules)]):
        pure = run(CLASSIFY, "classify", "--jobs", "1", *extra, core="pure", stdin=items)
        fast = run(CLASSIFY, "classify", "--jobs", "1", *extra, core=core, stdin=items)
        assert pure.returncode == 0 and fast.returncode == 0, pure.stderr + fast.stderr
        assert pure.stdout.count(b"\n") == 3000
        assert fast.stdout == pure.stdout


def test_full_tables_share_a_budget(monkeypatch, cores):
    """A district keeps a classifier per rules version: the automatons' full tables of a
    process stay within DFA_MAX_BYTES together, the rest walk failure links, and a table is
    given back with its classifier."""
    ref, fast = cores
    if fast is ref:   # no compiler here: the pure path has no tables to bound
        assert not hasattr(fast, "dfa_bytes_in_use")
        return
    import gc
    from classifier import load_rules
    monkeypatch.setattr(_classify, "_core", fast)
    rules = load_rules()
    start = fast.dfa_bytes_in_use()
    one = _classify.Classifier(rules, calibrated=False)
    size = fast.dfa_bytes_in_use() - start
    assert one._tables.full_table and size > 0
    monkeypatch.setattr(fast, "DFA_MAX_BYTES", start + 3 * size)
    more = [_classify.Classifier(rules, calibrated=False) for _ in range(4)]
    assert [c._tables.full_table for c in more] == [True, True, False, False]
    assert fast.dfa_bytes_in_use() == start + 3 * size
    text = "区商务局开展节前安全生产大检查，促消费活动"
    assert len({parallel.decision_json(c.classify(text, text * 3)) for c in [one, *more]}) == 1
    del one, more
    gc.collect()
    assert fast.dfa_bytes_in_use() == start
