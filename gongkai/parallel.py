"""Classifying many items on every core, results in input order.

``gongkai classify`` (JSON lines on stdin) and ``gongkai reclassify`` (every stored item) spend
nearly all their time in Classifier.classify, which is pure Python and CPU-bound, so more cores
means more processes. Work goes out in chunks to a pool of worker processes, each of which builds
the Classifier (and the second opinion) once; at most a few chunks per worker are in flight, so a
million stored items or an endless stdin never sit in memory at once. Results come back as plain
tuples and strings (a Decision with its evidence costs more to pickle than to compute) and are
yielded in input order.

Small inputs never start a pool: the first POOL_MIN items are classified in this process as they
arrive (a bureau's year is a few hundred items, done in well under a second), and workers start
only when the input goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import classifier

CHUNK = 200          # items per task: large enough to amortize the pickling round trip
IN_FLIGHT = 4        # tasks per worker queued ahead, so no worker waits for the next
# Below this many items one process is quicker than starting workers. Forked workers that
# build their Classifier are up in ~40 ms, the time of about a hundred items; every item done
# here before the pool starts leaves the other cores idle (2,000 of them were 0.7 s of a
# 20,000-line run on 2 cores).
POOL_MIN = 2 * CHUNK

# One decided item: (key, category, score, margin, needs_review, evidence_json, second_opinion).
Row = tuple[Any, str, float, float, bool, str, str]

_worker: dict[str, Any] = {}   # a worker process's classifier and second opinion (see _init)


def default_jobs() -> int:
    """Worker processes to use by default: the cores this process may run on (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def evidence_json(decision: classifier.Decision) -> str:
    """The evidence as the store keeps it (``decisions.evidence_json``): exactly
    ``json.dumps([e.as_dict() for e in decision.evidence], ensure_ascii=False)``, written out
    directly (a fifth of the time). A long body has thirty hits or more, but of a few hundred
    rule words in a few categories: each hit's JSON but its offset is cached. The compiled
    core writes it in C (classifier.fast_evidence_json)."""
    fast = classifier.fast_evidence_json(decision.evidence)
    if fast is not None:
        return fast
    cache = _EVIDENCE_JSON
    parts = []
    for keyword, field, start, weight, category in decision.evidence:
        around = cache.get((keyword, field, weight, category))
        if around is None:
            around = _evidence_around(keyword, field, weight, category)
        parts.append(f"{around[0]}{int(start)}{around[1]}")
    return "[" + ", ".join(parts) + "]"


# (keyword, field, weight, category) -> the JSON of such a hit before and after its offset
_EVIDENCE_JSON: dict[tuple[str, str, float, str], tuple[str, str]] = {}


def _evidence_around(keyword: str, field: str, weight: float, category: str) -> tuple[str, str]:
    if len(_EVIDENCE_JSON) > 100_000:   # rule words × fields × weights: never this many
        _EVIDENCE_JSON.clear()
    out = (f'{{"keyword": {_json_str(keyword)}, "field": {_json_str(field)}, "start": ',
           f', "weight": {float(weight)!r}, "category": {_json_str(category)}}}')
    # NaN is no key that can be found again; 0.0 and -0.0 are one key but two texts
    if weight == weight and weight != 0:
        _EVIDENCE_JSON[(keyword, field, weight, category)] = out
    return out


def decision_json(decision: classifier.Decision) -> str:
    """``json.dumps(decision.as_dict(), ensure_ascii=False)``, written out directly."""
    out = (f'{{"category": {_json_str(decision.category)}, "score": {float(decision.score)!r}, '
           f'"margin": {float(decision.margin)!r}, '
           f'"needs_review": {"true" if decision.needs_review else "false"}, '
           f'"evidence": {evidence_json(decision)}, '
           f'"ruleset_version": {_json_str(decision.ruleset_version)}')
    if decision.doubt is not None:
        out += f', "doubt": {round(decision.doubt, 3)!r}'
    if decision.second_opinion:
        out += f', "second_opinion": {json.dumps(decision.second_opinion, ensure_ascii=False)}'
    return out + "}"


_JSON_STR: dict[str, str] = {}


def _json_str(text: str) -> str:
    out = _JSON_STR.get(text)
    if out is None:
        if len(_JSON_STR) > 100_000:   # rule words and names: never this many
            _JSON_STR.clear()
        out = _JSON_STR[text] = json.dumps(text, ensure_ascii=False)
    return out


def decide_rows(rules: classifier.Ruleset, rows: Iterable[tuple[Any, str, str]], *,
                opinion: classifier.SecondOpinion | None = None,
                jobs: int | None = None) -> Iterator[Row]:
    """Classify ``(key, title, body)`` rows; yields :data:`Row` tuples in input order."""
    return _map(_decide_chunk, (rules, opinion), rows, jobs)


def classify_lines(rules: classifier.Ruleset, lines: Iterable[tuple[int, str]], *,
                   jobs: int | None = None) -> Iterator[tuple[int, str, bool]]:
    """Classify JSON lines ``(line number, text)`` of ``{"title", "body"}``; yields
    ``(line number, output line, ok)`` in input order, where a bad line gives ``ok=False`` and
    the one-line reason instead of an output."""
    return _map(_classify_chunk, (rules, None), lines, jobs)


# -- the pool ---------------------------------------------------------------------------------

class WorkersFailed(RuntimeError):
    """A worker process died (killed, out of memory) or could not start: nothing after the
    results already yielded was done."""


def _map(work: Callable[[list, dict], list], setup: tuple, items: Iterable, jobs: int | None
         ) -> Iterator:
    jobs = default_jobs() if jobs is None else max(1, jobs)
    items = iter(items)
    # The first items are done here, one by one as they arrive, so a small or slow input
    # (`tail -f … | gongkai classify`) is answered at once; only an input that goes on past
    # POOL_MIN items is worth starting workers for.
    state = _state(*setup)   # also checks the setup before any worker starts
    done = 0
    for item in items:
        yield from work([item], state)
        done += 1
        if jobs > 1 and done >= POOL_MIN:
            break
    else:
        return
    yield from _pooled(work, setup, items, jobs, state)


def _pooled(work: Callable[[list, dict], list], setup: tuple, items: Iterator, jobs: int,
            state: dict | None = None, chunk: int = CHUNK) -> Iterator:
    # Forked workers start at once, with the rules already imported and this process's
    # classifier (see _init); the commands that get here run no threads, and a worker never
    # touches the caller's open database (its locks are not inherited, and workers leave with
    # os._exit). Elsewhere (macOS, Windows): "spawn".
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    _worker.clear()
    _worker.update(state or {})
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_init, initargs=setup) as pool:
        pending: deque = deque()
        try:
            for part in iter(lambda: list(islice(items, chunk)), []):
                pending.append(pool.submit(work, part, None))
                while len(pending) >= jobs * IN_FLIGHT:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as e:
            raise WorkersFailed(f"a worker process died ({e}); rerun with --jobs 1") from None
        finally:
            for f in pending:
                f.cancel()


def _state(rules: classifier.Ruleset, opinion: classifier.SecondOpinion | None) -> dict:
    return {"clf": classifier.Classifier(rules), "opinion": opinion,
            "setup": (id(rules), id(opinion))}


def _init(rules: classifier.Ruleset, opinion: classifier.SecondOpinion | None) -> None:
    # Ctrl-C is the parent's to handle (it stops the pool); a worker dying of it only adds noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker has the parent's classifier for these very rules already (_pooled put it
    # here before the fork): building another cost each worker 36 ms of CPU.
    if _worker.get("setup") != (id(rules), id(opinion)):
        _worker.clear()
        _worker.update(_state(rules, opinion))


def _decide_chunk(rows: list[tuple[Any, str, str]], state: dict | None) -> list[Row]:
    state = state or _worker
    clf, opinion = state["clf"], state["opinion"]
    out = []
    for key, title, body in rows:
        d = clf.classify(title, body)
        if opinion is not None:
            d = opinion.review(d, title, body)
        out.append((key, d.category, d.score, d.margin, d.needs_review, evidence_json(d),
                    d.second_opinion))
    return out


def _classify_chunk(lines: list[tuple[int, str]], state: dict | None
                    ) -> list[tuple[int, str, bool]]:
    clf = (state or _worker)["clf"]
    return [(n, *_classify_one(clf, n, line)) for n, line in lines]


def _classify_one(clf: classifier.Classifier, n: int, line: str, newline: str = ""
                  ) -> tuple[str, bool]:
    """(output line, True) for one JSON line, or (the one-line reason, False). *newline* is
    what ended the line in the input when *line* comes without it (a reason names the error
    json.loads finds in the line as read, newline and all)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        if newline:
            try:
                json.loads(line + newline)
            except json.JSONDecodeError as with_newline:
                e = with_newline
        return f"stdin line {n}: not JSON ({e.msg})", False
    if not isinstance(obj, dict) or not isinstance(obj.get("title", ""), str) \
            or not isinstance(obj.get("body", ""), str):
        return f'stdin line {n}: expected {{"title": str, "body": str}}', False
    return decision_json(clf.classify(obj.get("title", ""), obj.get("body", ""))), True


# -- gongkai classify on the bytes of stdin -----------------------------------------------------
# Lines as text cost the parent of a pool 0.5 s of CPU per 20,000 lines of 6 KB: decoding them
# from stdin, pickling each to its worker (UTF-8 again) and every result back. Here the parent only
# cuts stdin's bytes into blocks at line ends; a worker decodes its block, classifies its lines and
# sends back its output as one UTF-8 block.

# Both below glibc's threshold for giving memory to the kernel and back at each allocation
# (128 KB): blocks of 1 MB cost 56,000 page faults a run instead of 7,000 (0.05–0.2 s of system
# time per 20,000 lines).
FIRST_READ = 1 << 16   # bytes of a read while this process classifies (answers a pipe at once)
BLOCK = 1 << 18        # bytes of input a task for a worker (~45 lines of 2,000-character bodies)


def classify_stream(rules: classifier.Ruleset, source: Any, *, errors: str = "strict",
                    out_errors: str = "strict", jobs: int | None = None
                    ) -> Iterator[tuple[bytes, str | None]]:
    """Classify the UTF-8 JSON lines of the binary stream *source* (one with ``read1``), read
    exactly as a text stdin with *errors* reads them (universal newlines, blank lines skipped, a
    BOM before the first); yields (UTF-8 output lines, None) in input order, and at the first
    bad line (the output before it, the one-line reason) last."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    setup = (rules, None)
    state = _state(*setup)
    # one read a block until the pool starts (a slow pipe is answered line by line; with
    # --jobs 1 to the end), then blocks of BLOCK bytes for the workers
    reads = {"size": FIRST_READ, "gather": False}
    blocks = _blocks(source, reads, errors, out_errors)
    done = 0
    for task in blocks:
        out, reason, lines = _classify_block(task, state)
        yield out, reason
        if reason is not None:
            return
        done += lines
        if jobs > 1 and done >= POOL_MIN:
            break
    else:
        return
    reads.update(size=BLOCK, gather=True)
    for out, reason, _lines in _pooled(_classify_blocks, setup, blocks, jobs, state, chunk=1):
        yield out, reason
        if reason is not None:
            return


def _blocks(source: Any, reads: dict, errors: str, out_errors: str
            ) -> Iterator[tuple[int, bytes, str, str]]:
    """(number of its first line, block of whole lines, errors, out_errors) tasks: the whole
    lines of one read of at most ``reads["size"]`` bytes each, or of about that many bytes
    while ``reads["gather"]``."""
    n, rest, eof = 1, b"", False
    while not eof:
        parts, have = [rest], len(rest)
        while not eof and (have == len(rest) or (reads["gather"] and have < reads["size"])):
            data = source.read1(max(reads["size"] - have, FIRST_READ))
            eof = not data
            parts.append(data)
            have += len(data)
        data = b"".join(parts)
        cut = len(data) if eof else data.rfind(b"\n") + 1
        block, rest = data[:cut], data[cut:]
        if b"\r" in block:
            # universal newlines, as text stdin reads: a "\r\n" is never cut in two, as a block
            # ends after a "\n"
            block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if block:
            yield n, block, errors, out_errors
            n += block.count(b"\n")


def _classify_blocks(tasks: list, state: dict | None) -> list:
    return [_classify_block(task, state or _worker) for task in tasks]


def _classify_block(task: tuple[int, bytes, str, str], state: dict
                    ) -> tuple[bytes, str | None, int]:
    """(output lines as UTF-8, the reason of the first bad line or None, lines read)."""
    start, block, errors, out_errors = task
    clf = state["clf"]
    try:
        text, reason = block.decode("utf-8", errors), None
    except UnicodeDecodeError as e:
        # the lines before the first undecodable one are done, then it is the error
        good = block.rfind(b"\n", 0, e.start) + 1
        text = block[:good].decode("utf-8")
        bad = start + block.count(b"\n", 0, good)
        reason = f"stdin line {bad}: not UTF-8 text ({e.reason})"
    lines = text.split("\n")
    last = lines.pop()   # "" after a final newline, else a last line without one
    out = []
    for n, line in enumerate(lines, start):
        if not line.strip():
            continue
        got, ok = _classify_one(clf, n, line.lstrip("\ufeff") if n == 1 else line, "\n")
        if not ok:
            return _encoded(out, out_errors), got, n - start + 1
        out.append(got)
    n = start + len(lines)
    if last.strip():
        got, ok = _classify_one(clf, n, last.lstrip("\ufeff") if n == 1 else last)
        if not ok:
            return _encoded(out, out_errors), got, n - start + 1
        out.append(got)
    return _encoded(out, out_errors), reason, len(lines) + (last != "")


def _encoded(out: list[str], errors: str) -> bytes:
    return ("\n".join(out) + "\n").encode("utf-8", errors) if out else b""
