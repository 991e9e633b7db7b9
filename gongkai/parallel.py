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

import io
import json
import multiprocessing
import os
import signal
import stat
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
    out = []
    for n, line in lines:
        got, ok = _classify_one(clf, line)
        out.append((n, got if ok else f"stdin line {n}: {got}", ok))
    return out


def _classify_one(clf: classifier.Classifier, line: str, newline: str = "") -> tuple[str, bool]:
    """(output line, True) for one JSON line, or (why it is bad, False). *newline* is what
    ended the line in the input when *line* comes without it (the reason names the error
    json.loads finds in the line as read, newline and all)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        if newline:
            try:
                json.loads(line + newline)
            except json.JSONDecodeError as with_newline:
                e = with_newline
        return f"not JSON ({e.msg})", False
    except RecursionError:      # the json module recurses once per nesting level
        return "not JSON (nested too deep)", False
    if not isinstance(obj, dict) or not isinstance(obj.get("title", ""), str) \
            or not isinstance(obj.get("body", ""), str):
        return 'expected {"title": str, "body": str}', False
    return decision_json(clf.classify(obj.get("title", ""), obj.get("body", ""))), True


# -- gongkai classify on the bytes of stdin -----------------------------------------------------
# Lines as text cost the parent of a pool 0.5 s of CPU per 20,000 lines of 6 KB: decoding them
# from stdin, pickling each to its worker (UTF-8 again) and every result back. Here the parent only
# cuts stdin's bytes into blocks at line ends; a worker decodes its block, classifies its lines and
# sends back its output as one UTF-8 block. When stdin is a file (`gongkai classify < items.jsonl`)
# the parent does not even read it: it finds a line end near every BLOCK bytes and a worker reads
# its own byte range (os.pread on the stdin it inherited), which took the last 0.3 s of CPU per
# 20,000 lines off the one process every result goes through.

# Both below glibc's threshold for giving memory to the kernel and back at each allocation
# (128 KB): blocks of 1 MB cost 56,000 page faults a run instead of 7,000 (0.05–0.2 s of system
# time per 20,000 lines).
FIRST_READ = 1 << 16   # bytes of a read while this process classifies (answers a pipe at once)
BLOCK = 1 << 18        # bytes of input a task for a worker (~45 lines of 2,000-character bodies)
LOOK = 1 << 13         # bytes read at a time looking for the line end that closes a file range
# A file stdin of at least this many bytes goes to the workers from its first line (forked
# workers are up in ~40 ms, the time of ~600 KB of lines); a smaller one, or a pipe, is begun
# here (POOL_MIN).
POOL_BYTES = 1 << 20


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
    line = 1
    whole = _file_at(source, 0) if jobs > 1 else None
    if whole is not None and os.fstat(whole[0]).st_size - whole[1] >= POOL_BYTES:
        # a large file: the workers start at once, on byte ranges from its first line
        tasks: Iterator = _ranges(*whole, errors, out_errors, starts=True)
    else:
        # one read a block until the pool starts (a slow pipe is answered line by line; with
        # --jobs 1 to the end), then blocks of BLOCK bytes for the workers
        reads = {"size": FIRST_READ, "gather": False, "rest": 0}
        blocks = _blocks(source, reads, errors, out_errors)
        done = 0
        for task in blocks:
            out, bad, lines = _classify_block(task, state)
            yield out, _reason(line, bad)
            if bad is not None:
                return
            done += lines
            line += lines
            if jobs > 1 and done >= POOL_MIN:
                break
        else:
            return
        rest = _file_at(source, reads["rest"])
        if rest is not None:
            tasks = _ranges(*rest, errors, out_errors)
        else:
            reads.update(size=BLOCK, gather=True)
            tasks = blocks
    for out, bad, lines in _pooled(_classify_blocks, setup, tasks, jobs, state, chunk=1):
        yield out, _reason(line, bad)
        if bad is not None:
            return
        line += lines


def _reason(first: int, bad: tuple[int, str] | None) -> str | None:
    """The one-line reason of a bad line *bad* = (its index in a block, why), the block's first
    line being line *first* of stdin."""
    return None if bad is None else f"stdin line {first + bad[0]}: {bad[1]}"


def _blocks(source: Any, reads: dict, errors: str, out_errors: str
            ) -> Iterator[tuple[bytes, bool, str, str]]:
    """(block of whole lines, whether it starts stdin, errors, out_errors) tasks: the whole
    lines of one read of at most
    ``reads["size"]`` bytes each, or of about that many bytes while ``reads["gather"]``;
    ``reads["rest"]`` is how many bytes read from *source* are in no block yet."""
    rest, eof, first = b"", False, True
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
        reads["rest"] = len(rest)
        if block:
            yield block, first, errors, out_errors
            first = False


def _file_at(source: Any, unread: int) -> tuple[int, int] | None:
    """(descriptor, offset of the first byte not yet classified) when *source* is a regular
    file that forked workers can read by themselves (they inherit the descriptor), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fd = source.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return fd, source.tell() - unread
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _ranges(fd: int, at: int, errors: str, out_errors: str, starts: bool = False
            ) -> Iterator[tuple[tuple[int, int, int], bool, str, str]]:
    """((descriptor, offset, length), whether it starts stdin, errors, out_errors) tasks: byte
    ranges of the file *fd* from *at* (stdin's first byte when *starts*) to its end, each of
    whole lines of about BLOCK bytes. A range ends after a "\n" (so a "\r\n" is never cut in
    two) or at the end of the file."""
    while True:
        end = _line_end(fd, at + BLOCK - 1)
        if end <= at:
            return
        yield (fd, at, end - at), starts, errors, out_errors
        at, starts = end, False


def _line_end(fd: int, at: int) -> int:
    """The offset just after the first "\n" at or after *at* in file *fd*, or its end."""
    while True:
        data = os.pread(fd, LOOK, at)
        if not data:
            return min(at, os.fstat(fd).st_size)
        i = data.find(b"\n")
        if i >= 0:
            return at + i + 1
        at += len(data)


def _pread(fd: int, at: int, size: int) -> bytes:
    parts = []
    while size > 0:
        data = os.pread(fd, size, at)
        if not data:
            break
        parts.append(data)
        at += len(data)
        size -= len(data)
    return b"".join(parts)


def _classify_blocks(tasks: list, state: dict | None) -> list:
    return [_classify_block(task, state or _worker) for task in tasks]


def _classify_block(task: tuple[bytes | tuple[int, int, int], bool, str, str], state: dict
                    ) -> tuple[bytes, tuple[int, str] | None, int]:
    """(output lines as UTF-8, (index in the block, why) of the first bad line or None, lines
    read) for a block of lines, or a byte range of a file to read first; a block that starts
    stdin may start with a BOM (Windows Notepad's), which is no text."""
    block, starts, errors, out_errors = task
    if isinstance(block, tuple):
        block = _pread(*block)
    if b"\r" in block:
        # universal newlines, as text stdin reads: a block ends after a "\n" or at the end
        block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    clf = state["clf"]
    try:
        text, bad = block.decode("utf-8", errors), None
    except UnicodeDecodeError as e:
        # the lines before the first undecodable one are done, then it is the error
        good = block.rfind(b"\n", 0, e.start) + 1
        text = block[:good].decode("utf-8")
        bad = (block.count(b"\n", 0, good), f"not UTF-8 text ({e.reason})")
    lines = text.split("\n")
    last = lines.pop()   # "" after a final newline, else a last line without one
    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        got, ok = _classify_one(clf, line.lstrip("\ufeff") if starts and not i else line, "\n")
        if not ok:
            return _encoded(out, out_errors), (i, got), i + 1
        out.append(got)
    if last.strip():
        got, ok = _classify_one(clf, last.lstrip("\ufeff") if starts and not lines else last)
        if not ok:
            return _encoded(out, out_errors), (len(lines), got), len(lines) + 1
        out.append(got)
    return _encoded(out, out_errors), bad, len(lines) + (last != "")


def _encoded(out: list[str], errors: str) -> bytes:
    return ("\n".join(out) + "\n").encode("utf-8", errors) if out else b""
