"""The classifier's hot path — normalize, match, score, rank — as plain functions over tables.

This is the pure-Python path and the reference. classifier/_core_native.pyx is its compiled
counterpart (issue 18): the same functions written for C — code-point loops, its own
automaton, C arrays — which ``tools/build_core.py`` (``make core``) compiles into the optional
extension module ``classifier._core_c``; classifier/_coreload.py uses that module only while it
was built from this file and the .pyx as they are, and tests/classifier/test_core.py and
test_core_random.py check that both print the same bytes. Nothing here imports the project.

The tables are built by classifier/_classify.py (``Classifier.__init__``) through ``prepare``,
here as a tuple:

    (automaton, plans, exclude, inside, in_group, all_of, groups, names, make_evidence)

- plans[word index]: None, (PLAIN, ((text, length, category, weight), ...)) or
  (HIDEABLE | NEAR, (index, text, length, keyword, near_term, near_with, containers));
- exclude: word index -> the categories it voids; inside: a longer live word's index -> the
  keywords inside it that its presence may hide; in_group: the words of required groups;
  all_of: word index -> its groups; groups[g]: (category, words, word indexes, within or None,
  weight, evidence keyword); make_evidence: a 5-tuple -> Evidence.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from typing import Any

import ahocorasick_rs

PLAIN, HIDEABLE, NEAR = 0, 1, 2


def prepare(words: tuple[str, ...], plans: list, exclude: dict, inside: dict,
            in_group: frozenset, all_of: dict, groups: list, names: list, make: Any) -> tuple:
    """The tables score_item works on; *words* are the automaton's, by index."""
    # ahocorasick-rs, chosen by measurement over pyahocorasick (benchmarks/
    # classify_matchers_bench.py): on a 2 KB Chinese body with ~200 overlapping hits it returns
    # all of them as one list about three times faster than pyahocorasick's iterator. Its DFA
    # form: a third faster on such a body than the default NFA, for a few MB.
    automaton = ahocorasick_rs.AhoCorasick(
        words, implementation=ahocorasick_rs.Implementation.DFA) if words else None
    return (automaton, plans, exclude, inside, in_group, all_of, groups, names, make)


def ngram_model(ll: dict, categories: tuple[str, ...], prior: tuple[float, ...],
                features_per_vote: float, title_grams: tuple[int, int],
                body_grams: tuple[int, int], body_chars: int) -> None:
    """The compiled core's NaiveBayes.predict (classifier/_learn.py); the pure path has none:
    predict's own Python is the reference."""
    return None

# --- normalize (classifier/_normalize.py documents the form) -------------------------------

# (built with chr: a surrogate written in a string literal is more than mypyc will compile)
_SURROGATE = re.compile("[" + chr(0xD800) + "-" + chr(0xDFFF) + "]")
# Characters that are never content: zero-width spaces/joiners, BOM, soft hyphen.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

# The compatibility characters of almost every Chinese text — full-width punctuation and the
# ellipsis (…, NFKC "...") — tried one by one with str.replace (each a fast C scan) before a
# regular-expression scan for the rarer ones.
_COMMON_FULL_WIDTH = "，：；（）！？％…"
_COMMON: dict[str, str] = {c: unicodedata.normalize("NFKC", c) for c in _COMMON_FULL_WIDTH}

# Where the other compatibility characters of Chinese pages live: Latin-1's no-break space and
# superscripts, general punctuation and spaces, letterlike symbols (℃, Ⅱ), enclosed numbers
# (①), CJK symbols, enclosed and squared CJK (㈠, ㎡), small and vertical forms (﹝﹞), half- and
# full-width forms. A character found here is replaced by its own NFKC form — which leaves the
# text's NFKC unchanged, as both decompose alike — and the full NFKC pass runs only when the
# text is still not NFKC after that (a character outside these blocks, a combining mark).
_COMPAT = re.compile("[\u00a0-\u00bf\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u3000-\u303f"
                     "\u3200-\u33ff\ufe10-\ufe6f\uff00-\uffef]")
_NFKC_MEMO: dict[str, str] = {}
# is_cjk per character, remembered: a body has dozens of line breaks between the same few
# characters (。, ，, ideographs), and a dict lookup is cheaper than the comparisons.
_CJK_MEMO: dict[str, bool] = {}


def _nfkc_char(c: str) -> str:
    out = _NFKC_MEMO.get(c)
    if out is None:
        out = _NFKC_MEMO[c] = unicodedata.normalize("NFKC", c)
    return out


def normalize(text: str) -> str:
    """Return *text* in the form the classifier matches against.

    NFKC (full-width letters, digits and punctuation become half-width; the ideographic space
    becomes a space), lone surrogates replaced by U+FFFD, invisible characters dropped, whitespace between two CJK characters removed,
    other whitespace runs collapsed to one space, ends stripped, letters lower-cased (str.lower).

    Fast paths (the classifier normalizes every title and body, so this is on the hot path):
    a text that is already NFKC skips the full-width work; a printable text without spaces
    (``str.isprintable`` is false for every whitespace but the ASCII space, for the invisible
    characters and for surrogates) skips the whitespace work; one whose only such characters
    are line breaks is split on them alone.
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        for c, n in _COMMON.items():
            if c in text:
                text = text.replace(c, n)
        if not unicodedata.is_normalized("NFKC", text):
            for c in set(_COMPAT.findall(text)):
                n = _nfkc_char(c)
                if n != c:
                    text = text.replace(c, n)
            if not unicodedata.is_normalized("NFKC", text):
                text = unicodedata.normalize("NFKC", text)
    if text.isprintable():
        if " " in text:
            text = join_words(text.split())
        return text.lower()
    if " " not in text and text.replace("\n", "").isprintable():
        # Paragraphs: line breaks are the only characters of most bodies that are not
        # printable, and then there is no surrogate, invisible character or other space.
        parts = text.split("\n")
        return join_words([p for p in parts if p] if "" in parts else parts).lower()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (half an emoji cut off, an undecodable byte) is no character:
        # U+FFFD keeps the length, so offsets still agree.
        text = _SURROGATE.sub("\ufffd", text)
    for c in _INVISIBLE_CHARS:
        if c in text:
            text = text.replace(c, "")
    if " " in text or not text.isprintable():
        text = join_words(text.split())
    return text.lower()


def join_words(parts: list[str]) -> str:
    """Join whitespace-separated pieces: no space between two CJK characters, else one."""
    if len(parts) < 2:
        return parts[0] if parts else ""
    memo = _CJK_MEMO
    if len(memo) > 65536:   # hostile text cannot grow it without bound
        memo.clear()
    # One pass, a lookup per edge: a body has dozens of pieces (its paragraphs), and most
    # joints are 。 then an ideograph, which take no space.
    out: list[str] = []
    prev = False   # the previous piece ends in a CJK character
    first = True
    for p in parts:
        if not first:
            if prev:
                c = p[0]
                cjk = memo.get(c)
                if cjk is None:
                    cjk = memo[c] = is_cjk(c)
                if not cjk:
                    out.append(" ")
            else:
                out.append(" ")
        first = False
        out.append(p)
        c = p[-1]
        known = memo.get(c)
        if known is None:
            known = memo[c] = is_cjk(c)
        prev = known
    return "".join(out)


def is_cjk(c: str) -> bool:
    """CJK ideographs, CJK punctuation and kana, and the curly quotes used as Chinese quotation
    marks: text in which a space is layout, not a word gap. Plain comparisons, commonest range
    first, are cheaper here than a regular expression."""
    return ("\u4e00" <= c <= "\u9fff"      # unified ideographs
            or "\u3000" <= c <= "\u30ff"   # CJK symbols and punctuation (、。《》「」…), kana
            or "\u3400" <= c <= "\u4dbf"   # extension A
            or "\u2e80" <= c <= "\u2fdf"   # radicals
            or "\uf900" <= c <= "\ufaff"   # compatibility ideographs
            or c in "\u201c\u201d\u2018\u2019")


# --- match and score (classifier/_classify.py documents the steps) --------------------------

def rank_item(t: tuple, title: str, body: str, title_mult: float, body_mult: float,
              priority: list[int]) -> tuple[int, float, float, tuple]:
    """(the best category's index, its score, the runner-up's score but at least 0, the
    evidence): ties go to the higher priority, then to the lower index; when the best score is
    positive the evidence comes as a decision shows it — the winner's first, title before body,
    by position."""
    n = len(priority)
    scores, evidence = score_item(t, title, body, title_mult, body_mult, n)
    order = sorted(range(n), key=lambda i: (-scores[i], -priority[i], i))
    best = order[0]
    top = scores[best]
    runner_up = max(scores[order[1]], 0.0) if n > 1 else 0.0
    if top > 0:
        winner = t[7][best]
        evidence.sort(key=lambda e: (e[4] != winner, e[1] != "title", e[2]))
    return best, top, runner_up, tuple(evidence)


def score_item(t: tuple, title: str, body: str, title_mult: float, body_mult: float,
               n: int) -> tuple[list[float], list[Any]]:
    """(scores by category, evidence) of one item: both fields normalized and scored."""
    scores = [0.0] * n
    evidence: list[Any] = []
    if title:
        score_field(t, "title", normalize(title), title_mult, scores, evidence)
    if body:
        score_field(t, "body", normalize(body), body_mult, scores, evidence)
    return scores, evidence


def score_field(t: tuple, field: str, text: str, mult: float, scores: list[float],
                evidence: list[Any]) -> None:
    """Score one normalized field into *scores* and *evidence* (steps 1–6).

    The automaton's overlapping matches are reduced to each word's first position: a long body
    has ~200 hits of ~40 distinct words and each (category, word) scores once. The few words
    whose other occurrences matter (near terms, words a longer word may hide, required groups
    with a distance) look further from there.
    """
    automaton = t[0]
    if automaton is None or not text:
        return
    hits: list[tuple[int, int, int]] = automaton.find_matches_as_indexes(text, overlapping=True)
    if not hits:
        return
    # Matches come ordered by end, so for each word by start: keep each word's first start.
    first: dict[int, int] = {}
    for k in range(len(hits) - 1, -1, -1):
        h = hits[k]
        first[h[0]] = h[1]

    plans: list[Any] = t[1]
    exclude: dict[int, tuple] = t[2]
    inside: dict[int, list[int]] = t[3]
    excluded: set[int] = set()
    hideable: set[int] = set()   # words a longer word present in this field contains
    for idx in first.keys() & exclude.keys():
        excluded.update(exclude[idx])
    for idx in first.keys() & inside.keys():
        hideable.update(inside[idx])
    # (start, end, word, category, weight): sorted, the first per (category, word) counts
    candidates: list[tuple[int, int, str, int, float]] = []
    positions: dict[int, list[int]] = {}   # every start of every word, when needed
    for idx, start in first.items():
        plan = plans[idx]
        if plan is None:
            continue
        kind: int = plan[0]
        what = plan[1]
        if kind == PLAIN:
            for word, size, ci, weight in what:
                candidates.append((start, start + size, word, ci, weight))
        elif kind == HIDEABLE and idx not in hideable:
            size = what[2]
            for ci, weight in what[3]:
                candidates.append((start, start + size, what[1], ci, weight))
        else:
            if not positions:
                for h in hits:   # ascending by end; each word's starts ascending
                    occ = positions.get(h[0])
                    if occ is None:
                        positions[h[0]] = [h[1]]
                    else:
                        occ.append(h[1])
            complex_candidates(positions, what, candidates)

    if t[4]:
        grouped = [idx for idx in first if idx in t[4]]
        if grouped:
            score_groups(t, field, text, first, grouped, excluded, mult, scores, evidence)
    if not candidates:
        return
    candidates.sort()
    seen: set[tuple[int, str]] = set()
    names: list[str] = t[7]
    make = t[8]
    for start, _end, word, ci, weight in candidates:
        if ci in excluded or (ci, word) in seen:
            continue
        seen.add((ci, word))
        wt = weight * mult
        scores[ci] += wt
        evidence.append(make((word, field, start, wt, names[ci])))


def complex_candidates(positions: dict[int, list[int]], w: tuple,
                       candidates: list[tuple[int, int, str, int, float]]) -> None:
    """Candidates of a word that may be hidden or is a near term: for each of its categories,
    its first occurrence that is visible (and, for a near term, where the rule holds); at that
    position the smallest weight, as sorting all candidates would pick."""
    occ = positions[w[0]]
    covered: set[int] = set()   # starts of this word's occurrences inside a longer live one
    # A short word may lie inside a hundred longer ones, of which a field holds one or two.
    containers: dict[int, tuple] = w[6]
    if containers:
        for idx in positions.keys() & containers.keys():
            span, offsets, near = containers[idx]
            for s in positions[idx]:
                live = near is None
                if not live:
                    for within, context in near:
                        if spans_near(positions, s, s + span, within, context):
                            live = True
                            break
                if live:
                    for off in offsets:
                        covered.add(s + off)
    visible = [p for p in occ if p not in covered] if covered else occ
    if not visible:
        return
    size: int = w[2]
    word: str = w[1]
    if w[3]:
        p = visible[0]
        for ci, weight in w[3]:
            candidates.append((p, p + size, word, ci, weight))
    found: dict[int, tuple[int, float]] = {}   # category -> (position, weight)
    near_term = w[4]
    near_with = w[5]
    for k in range(len(near_term)):
        ci, within, weight = near_term[k]
        # the rule's context words present in this field; none, and it holds nowhere here
        present = [pair for pair in near_with[k] if pair[0] in positions]
        if not present:
            continue
        for p in visible:
            best = found.get(ci)
            if best is not None and best[0] < p:
                break
            if spans_near(positions, p, p + size, within, present):
                if best is None or (p, weight) < best:
                    found[ci] = (p, weight)
                break
    for ci, pw in found.items():
        candidates.append((pw[0], pw[0] + size, word, ci, pw[1]))


def spans_near(positions: dict[int, list[int]], start: int, end: int, within: int,
               context: Any) -> bool:
    """True when an occurrence of a *context* word (its starts in *positions*) lies within
    *within* characters of [start, end) — overlapping counts, the same span does not."""
    for idx, c in context:
        starts = positions.get(idx)
        if starts is not None:
            size = len(c)
            # skip, by bisection, the occurrences too far left: a long page has hundreds
            for i in range(bisect_left(starts, start - within - size), len(starts)):
                s = starts[i]
                if s > end + within:
                    break
                if s != start or s + size != end:
                    return True
    return False


def score_groups(t: tuple, field: str, text: str, first: dict[int, int], grouped: list[int],
                 excluded: set[int], mult: float, scores: list[float],
                 evidence: list[Any]) -> None:
    """Required groups (all of …), in rule order: every word present in the field (and, with
    ``within``, close to one occurrence of the first word, the group's position)."""
    all_of: dict[int, tuple] = t[5]
    groups: list[tuple] = t[6]
    which: set[int] = set()
    for idx in grouped:
        which.update(all_of[idx])
    for g in sorted(which):
        ci, words, idxs, within, weight, keyword = groups[g]
        if ci in excluded:
            continue
        missing = False
        for i in idxs:
            if i not in first:
                missing = True
                break
        if missing:
            continue
        anchor: int = first[idxs[0]]
        if within is not None:
            head: str = words[0]
            while anchor >= 0:
                close = True
                for o in words[1:]:
                    if not context_near(text, anchor, anchor + len(head), within, o):
                        close = False
                        break
                if close:
                    break
                anchor = text.find(head, anchor + 1)
            if anchor < 0:
                continue
        wt = weight * mult
        scores[ci] += wt
        evidence.append(t[8]((keyword, field, anchor, wt, t[7][ci])))


def context_near(text: str, start: int, end: int, within: int, c: str) -> bool:
    """True when *c* occurs within *within* characters of [start, end) — overlapping counts,
    the same span as the hit itself does not."""
    size = len(c)
    hi = end + within + size
    i = text.find(c, max(0, start - within - size), hi)
    while i >= 0:
        if i != start or size != end - start:
            return True
        i = text.find(c, i + 1, hi)
    return False


def evidence_json(evidence: Any) -> str | None:
    """The evidence's JSON as the compiled core writes it in C (``json.dumps([e.as_dict() for e
    in evidence], ensure_ascii=False)``); here always None: the caller's Python writes it
    (gongkai/parallel.py, evidence_json)."""
    return None


def evidence_facts(evidence: Any, category: str) -> tuple[bool, bool, bool, bool]:
    """What the calibrated doubt reads in the evidence of a decision for *category*: (a word of
    the category counted, one of them in the title, all of them one and the same word, a word
    of another category in the title)."""
    words = set()
    in_title = rival_in_title = False
    for keyword, field, _start, _weight, cat in evidence:
        if cat == category:
            words.add(keyword)
            in_title = in_title or field == "title"
        elif field == "title":
            rival_in_title = True
    return bool(words), in_title, len(words) == 1, rival_in_title
