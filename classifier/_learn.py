"""Learning from the officer's corrections: a naive-Bayes second opinion and keyword suggestions.

Pure: both are built from rows the caller passes — ``(title, body, category)`` of reviewed
(manually decided) items — and never read files or the database.

The model never decides. :class:`SecondOpinion` only raises ``needs_review`` on a rules decision
when the model confidently prefers another category, so an officer looks at it; the rules file
stays the single, readable source of every category.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING, Iterable, Mapping

from ._coreload import core as _core
from ._normalize import normalize

if TYPE_CHECKING:
    from ._classify import Decision

# Runs of text an n-gram may span: CJK ideographs, letters, digits. Punctuation breaks a run so
# "公示。关于" does not yield the meaningless "示关".
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")

_DIGIT = re.compile(r"[0-9]")

# The lead of an article says what it is about; the rest is boilerplate. 100 characters: what
# the shipped corpus holds per headline (its lead sentence), so the model reads at work what it
# learnt from, at a third of the cost of 300 (benchmarks/classify_accuracy_bench.py).
BODY_CHARS = 100
MIN_REVIEWED = 30
MIN_CATEGORIES = 2


def char_ngrams(text: str, lo: int, hi: int) -> set[str]:
    """Distinct character n-grams (lo..hi characters) of the normalized *text*, within runs."""
    out: set[str] = set()
    for run in _RUN.findall(normalize(text)):
        size = len(run)
        for n in range(lo, min(hi, size) + 1):
            # a list comprehension of slices: measured faster than a generator or map()
            out.update([run[i:i + n] for i in range(size - n + 1)])
    return out


_TITLE_GRAMS = (1, 3)
_BODY_GRAMS = (2, 2)   # body bigrams only: trigrams doubled the cost and helped nothing on dev


def _features(title: str, body: str) -> set[str]:
    # Title and body n-grams are different evidence: the same word weighs more in a headline.
    return (set(map("t".__add__, char_ngrams(title, *_TITLE_GRAMS)))
            | set(map("b".__add__, char_ngrams(body[:BODY_CHARS], *_BODY_GRAMS))))


@dataclass(frozen=True)
class Prediction:
    """The model's preferred category and its (tempered) posterior probability."""

    category: str
    probability: float
    probabilities: dict[str, float]


class NaiveBayes:
    """Multinomial naive Bayes over binary character n-gram features, Laplace-smoothed.

    Overlapping n-grams of one phrase are anything but independent, so raw naive-Bayes
    posteriors are near 0 or 1 for every item. Log-likelihoods are therefore divided by
    ``max(1, features / features_per_vote)``: every ~10 features count as one independent vote,
    which keeps "confident" meaning something.
    """

    def __init__(self, rows: Iterable[tuple[str, str, str]], *, alpha: float = 1.0,
                 features_per_vote: float = 10.0) -> None:
        self.alpha = alpha
        self.features_per_vote = features_per_vote
        docs: Counter[str] = Counter()
        counts: dict[str, Counter[str]] = {}
        for title, body, label in rows:
            docs[label] += 1
            counts.setdefault(label, Counter()).update(_features(title or "", body or ""))
        self.n_items = sum(docs.values())
        self.categories = tuple(sorted(docs))
        vocab: set[str] = set()
        for c in counts.values():
            vocab.update(c)
        v = len(vocab) or 1
        self._prior = {c: math.log(docs[c] / self.n_items) for c in self.categories}
        denominator = {c: math.log(sum(counts[c].values()) + alpha * v) for c in self.categories}
        # Each feature's log-likelihood per category, computed once here rather than for every
        # feature of every item in predict (reclassify asks for a second opinion on every item).
        # Title and body features apart, keyed by the bare n-gram: predict looks them up
        # without building a prefixed string for each.
        self._ll: dict[str, dict[str, tuple[float, ...]]] = {"t": {}, "b": {}}
        for f in vocab:
            self._ll[f[0]][f[1:]] = tuple(math.log(counts[c].get(f, 0) + alpha) - denominator[c]
                                          for c in self.categories)
        self._compile()

    def _compile(self) -> None:
        # predict in C over a C table of the same (classifier/_core_native.pyx); None in pure
        self._fast = _core.ngram_model(self._ll, self.categories,
                                       tuple(self._prior[c] for c in self.categories),
                                       self.features_per_vote, _TITLE_GRAMS, _BODY_GRAMS,
                                       BODY_CHARS)

    def state(self) -> dict:
        """What the trained model is, as plain data (:meth:`from_state` makes it again)."""
        return {"alpha": self.alpha, "features_per_vote": self.features_per_vote,
                "n_items": self.n_items, "categories": self.categories, "prior": self._prior,
                "ll": self._ll}

    @classmethod
    def from_state(cls, state: dict) -> "NaiveBayes":
        """The model :meth:`state` described; ValueError when *state* is not of that shape."""
        categories = state["categories"]
        prior, ll = state["prior"], state["ll"]
        if not (isinstance(categories, tuple) and all(isinstance(c, str) for c in categories)
                and isinstance(prior, dict) and list(prior) == list(categories)
                and all(type(x) is float for x in prior.values())
                and isinstance(ll, dict) and sorted(ll) == ["b", "t"]
                and type(state["n_items"]) is int
                and type(state["alpha"]) is float
                and type(state["features_per_vote"]) is float):
            raise ValueError("not the state of a trained model")
        n = len(categories)
        for table in ll.values():
            # C-level passes over the 15,000 n-grams (a generator took 6 ms)
            if not (isinstance(table, dict) and set(map(type, table)) <= {str}
                    and set(map(type, table.values())) <= {tuple}
                    and set(map(len, table.values())) <= {n}
                    and set(map(type, chain.from_iterable(table.values()))) <= {float}):
                raise ValueError("not the state of a trained model")
        model = cls.__new__(cls)
        model.alpha, model.features_per_vote = state["alpha"], state["features_per_vote"]
        model.n_items, model.categories = state["n_items"], categories
        model._prior, model._ll = prior, ll
        model._compile()
        return model

    def predict(self, title: str, body: str = "") -> Prediction:
        if not self.categories:
            raise ValueError("the model has no training items")
        if self._fast is not None:
            return Prediction(*self._fast(title, body))
        vectors = [*filter(None, map(self._ll["t"].get, char_ngrams(title, *_TITLE_GRAMS))),
                   *filter(None, map(self._ll["b"].get,
                                     char_ngrams(body[:BODY_CHARS], *_BODY_GRAMS)))]
        temper = max(1.0, len(vectors) / self.features_per_vote)
        # fsum: exactly rounded whatever the order, and a set's order changes from run to run
        # (hash randomisation), so a plain sum's last bits did too
        sums = ([math.fsum(column) for column in zip(*vectors)] if vectors
                else [0.0] * len(self.categories))
        scores = {c: self._prior[c] + total / temper for c, total in zip(self.categories, sums)}
        top = max(scores.values())
        exp = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exp.values())
        probs = {c: e / total for c, e in exp.items()}
        best = max(self.categories, key=lambda c: (probs[c], c))
        return Prediction(best, probs[best], probs)


class SecondOpinion:
    """Flags a rules decision for review where the model confidently disagrees with it.

    Build it with :meth:`from_reviewed`, which returns ``None`` until there are enough reviewed
    items (``MIN_REVIEWED`` in at least ``MIN_CATEGORIES`` categories) to learn anything.
    """

    def __init__(self, model: NaiveBayes, *, min_probability: float = 0.9) -> None:
        self.model = model
        self.min_probability = min_probability

    @classmethod
    def from_reviewed(cls, rows: Iterable[tuple[str, str, str]], *,
                      categories: Iterable[str] | None = None,
                      min_items: int = MIN_REVIEWED, min_categories: int = MIN_CATEGORIES,
                      min_probability: float = 0.9) -> "SecondOpinion | None":
        """Train on *rows* ``(title, body, category)``; with *categories*, rows filed under a
        category the current rules no longer have are left out."""
        rows = list(rows)
        if categories is not None:
            keep = set(categories)
            rows = [r for r in rows if r[2] in keep]
        if len(rows) < min_items or len({r[2] for r in rows}) < min_categories:
            return None
        return cls(NaiveBayes(rows), min_probability=min_probability)

    def review(self, decision: Decision, title: str, body: str = "") -> Decision:
        """*decision* unchanged, or with ``needs_review`` set and ``second_opinion`` saying why.

        The category is never changed: the model only asks a person to look."""
        p = self.model.predict(title, body)
        if p.category == decision.category or p.probability < self.min_probability:
            return decision
        why = (f"second opinion: {p.category} (p={p.probability:.2f}, "
               f"trained on {self.model.n_items} reviewed items)")
        return replace(decision, needs_review=True, second_opinion=why)


@dataclass(frozen=True)
class Suggestion:
    """A candidate keyword: in ``hits`` of the category's ``total`` reviewed items, and in
    ``elsewhere`` reviewed items of other categories."""

    category: str
    ngram: str
    hits: int
    total: int
    elsewhere: int
    score: float


def suggest_keywords(rows: Iterable[tuple[str, str, str]], *, lo: int = 2, hi: int = 6,
                     min_hits: int = 2, min_precision: float = 0.8, per_category: int = 15,
                     known: Mapping[str, Iterable[str]] | None = None,
                     body_chars: int = 0) -> dict[str, list[Suggestion]]:
    """Discriminative character n-grams per category, best first.

    An n-gram is a candidate for category C when it occurs in at least ``min_hits`` reviewed
    items of C and at least ``min_precision`` of the reviewed items containing it are C's. It is
    ranked by how much more often it occurs in C than elsewhere (difference of document rates).
    An n-gram inside a better-ranked candidate with the same hits is dropped (the longer phrase
    says the same, more precisely), as is one shifted by a character against such a candidate
    (both are pieces of one longer phrase). Never suggested: n-grams with digits (dates, phone
    numbers) or beginning after a date (年招 of 2024年招商), n-grams beginning or ending with a
    particle (的公: pieces of two words), words of every category's headlines (关于, 通知 …), and those inside, around or
    cutting into a word the rules already list for C (``known``). A headline repeated (the same
    item on several channels) counts once.
    Titles only, unless ``body_chars`` adds the start of the body.
    """
    docs: dict[str, list[set[str]]] = {}
    seen: set[tuple[str, str]] = set()
    for title, body, label in rows:
        text = (title or "") + "\n" + (body or "")[:body_chars] if body_chars else title or ""
        # The same item on several channels is one item to learn from, not several.
        text = normalize(text)
        if (text, label) in seen:
            continue
        seen.add((text, label))
        # "2024年招商…" yields no 年招: the date is a break, like punctuation
        docs.setdefault(label, []).append(
            {g for g in char_ngrams(_DATE.sub("。", text), lo, hi) if not _fragment(g)})
    df = {c: Counter(g for d in ds for g in d) for c, ds in docs.items()}
    total_df: Counter[str] = Counter()
    for c in df.values():
        total_df.update(c)
    n_all = sum(len(ds) for ds in docs.values())
    known_norm = {c: {normalize(w) for w in ws} for c, ws in (known or {}).items()}

    out: dict[str, list[Suggestion]] = {}
    for c, counts in df.items():
        n_c = len(docs[c])
        n_other = n_all - n_c
        cands = []
        for g, hits in counts.items():
            if hits < min_hits or _DIGIT.search(g):
                continue
            elsewhere = total_df[g] - hits
            if hits / (hits + elsewhere) < min_precision:
                continue
            rate_other = elsewhere / n_other if n_other else 0.0
            cands.append(Suggestion(c, g, hits, n_c, elsewhere, hits / n_c - rate_other))
        cands.sort(key=lambda s: (-s.score, -len(s.ngram), s.ngram))
        chosen: list[Suggestion] = []
        skip = known_norm.get(c, set())
        for s in cands:
            if any(s.ngram in k or k in s.ngram or _cuts(s.ngram, k) for k in skip):
                continue
            if any(s.hits == t.hits and (s.ngram in t.ngram or s.ngram[1:] in t.ngram
                                         or s.ngram[:-1] in t.ngram) for t in chosen):
                continue
            # a longer candidate replaces the shorter ones inside it that say the same
            chosen = [t for t in chosen if not (t.ngram in s.ngram and t.hits == s.hits)]
            chosen.append(s)
            if len(chosen) >= per_category:
                break
        out[c] = chosen
    return out


# Particles and conjunctions: a keyword neither begins nor ends with one, so an n-gram that does
# cuts across words (的公, 工作和). Not 年/日/关/对…: they begin and end real words (年货节,
# 节日, 海关, 对外贸易); the dates they also end are taken out before n-grams are cut (_DATE).
_EDGE = set("的了和与及或之是被")
_DATE = re.compile(r"[0-9]+(?:[年月日号]|\.[0-9]+)?")
# Words of every category's headlines: never distinctive, whatever the counts say.
_GENERIC = {"关于", "通知", "公告", "公示", "工作", "开展", "召开", "会议", "举办", "组织",
            "我区", "我市", "我县", "全区", "全市", "全县", "区商务局", "市商务局", "商务局"}


def _fragment(gram: str) -> bool:
    return gram[0] in _EDGE or gram[-1] in _EDGE or gram in _GENERIC


def _cuts(gram: str, word: str) -> bool:
    """True when *gram* runs into *word* past its middle (消防安全检 | 安全检查): a piece of the
    known phrase, not a word of its own."""
    half = len(word) // 2
    return any(gram.endswith(word[:i]) or gram.startswith(word[-i:])
               for i in range(half + 1, len(word)))
