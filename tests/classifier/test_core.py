"""The compiled core (classifier/_core_native.pyx built by tools/build_core.py, issue 18) prints
what the pure-Python path (classifier/_core.py) prints, is never required, and is never used
when it was built from another source.

When the package holds no current compiled core, the tests build one into a temporary
directory — if this machine has a C compiler and Cython — and point GONGKAI_CORE at it; without
them they check that the fallback is what runs.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import SimpleNamespace

import pytest

from classifier import _coreload

from test_golden import ROOT, corpus_items, generated_items

sys.path.insert(0, str(ROOT / "benchmarks"))
from classify_bench import ruleset_text  # noqa: E402

BUILD = ROOT / "tools" / "build_core.py"
CORPUS = sorted((ROOT / "tests/fixtures/rules/corpus").glob("**/*.jsonl"))
CLASSIFY = "import sys; from gongkai.cli import main; sys.exit(main())"
KIND = "from classifier import _coreload; print(_coreload.KIND)"


def can_compile() -> bool:
    """A C compiler, this Python's headers and Cython: what tools/build_core.py needs."""
    cc = os.environ.get("CC", "cc").split()[0]
    if importlib.util.find_spec("Cython") is None:
        return False
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which(cc) is not None and headers.exists()


def run(code: str, *args: str, core: str, stdin: bytes = b"",
        env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}), "GONGKAI_CORE": core, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, env=env,
                          capture_output=True, cwd=ROOT, timeout=600)


def kind(core: str) -> str:
    return run(KIND, core=core).stdout.decode().strip()


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> str | None:
    """GONGKAI_CORE's value that runs a compiled core ("" when the package holds a current
    one), or None when this machine cannot build one."""
    if kind("") == "compiled":
        return ""
    if not can_compile():
        return None
    out = tmp_path_factory.mktemp("core")
    done = subprocess.run([sys.executable, str(BUILD), "--out", str(out)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0
    assert _coreload.compiled_file(out) is not None, done.stderr
    return str(out)


@pytest.fixture(scope="module")
def items() -> bytes:
    """The reference-test corpus: the golden file's items and every line of the rules corpus."""
    rows = corpus_items() + generated_items()
    for path in CORPUS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                obj = json.loads(line)
                rows.append((obj.get("title") or "", obj.get("body") or ""))
    return "".join(json.dumps({"title": t, "body": b}, ensure_ascii=False) + "\n"
                   for t, b in rows).encode("utf-8")


def test_compiled_prints_the_same_bytes(compiled, items, tmp_path):
    rules = tmp_path / "big.toml"
    rules.write_text(ruleset_text(1000, 1), encoding="utf-8")
    if compiled is None:
        # no compiler here: what runs must be the fallback, and it must work
        assert kind("") == "pure"
        compiled = ""
    else:
        assert kind(compiled) == "compiled"
    assert kind("pure") == "pure"
    for extra in ([], ["--rules", str(rules)]):
        pure = run(CLASSIFY, "classify", "--jobs", "1", *extra, core="pure", stdin=items)
        fast = run(CLASSIFY, "classify", "--jobs", "1", *extra, core=compiled, stdin=items)
        assert pure.returncode == 0 and fast.returncode == 0, pure.stderr + fast.stderr
        assert pure.stdout.count(b"\n") == items.count(b"\n") > 1500
        assert fast.stdout == pure.stdout


def test_build_without_a_compiler_falls_back(tmp_path, items):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(BUILD), "--out", str(out)], capture_output=True,
                          text=True, timeout=600,
                          env={**os.environ, "PATH": str(empty), "CC": "/nonexistent"})
    assert done.returncode == 0
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "pure Python" in lines[0], done.stderr
    assert _coreload.compiled_file(out) is None
    head = b"".join(items.splitlines(keepends=True)[:50])
    got = run(CLASSIFY, "classify", core=str(out), stdin=head,
              env={"PATH": str(empty), "CC": "/nonexistent"})
    assert got.returncode == 0, got.stderr
    assert got.stderr == b""
    assert got.stdout == run(CLASSIFY, "classify", core="pure", stdin=head).stdout
    assert kind(str(out)) == "pure"


def test_a_stale_build_is_not_used(tmp_path):
    changed = _coreload.NATIVE.read_bytes() + b"\n# changed after the build\n"
    reference = _coreload.SOURCE.read_bytes() + b"\n# changed after the build\n"
    # the check itself, on a module that claims another .pyx, another _core.py (the reference
    # it must agree with) and the current sources
    assert not _coreload.current(SimpleNamespace(SOURCE_HASH=_coreload.source_hash(changed)))
    assert not _coreload.current(SimpleNamespace(
        SOURCE_HASH=_coreload.source_hash(reference=reference)))
    parts = [p.read_bytes() for p in _coreload.native_parts()]
    assert len(parts) > 1
    for i in range(len(parts)):   # each included part counts
        changed_parts = parts[:i] + [parts[i] + b"\n# changed\n"] + parts[i + 1:]
        assert not _coreload.current(SimpleNamespace(
            SOURCE_HASH=_coreload.source_hash(parts=changed_parts)))
    assert _coreload.current(SimpleNamespace(SOURCE_HASH=_coreload.source_hash()))
    if not can_compile():
        assert _coreload.load(str(tmp_path)) is _coreload.pure
        return
    # a real build from another version of the source than the one in the tree
    source = tmp_path / "_core_native.pyx"
    source.write_bytes(changed)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(BUILD), "--out", str(out), "--source",
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and _coreload.compiled_file(out) is not None, done.stderr
    assert kind(str(out)) == "pure"


def test_a_broken_build_is_not_used(tmp_path):
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (tmp_path / f"_core_c{suffix}").write_bytes(b"not a shared object")
    got = run(KIND, core=str(tmp_path))
    assert got.returncode == 0 and got.stderr == b""
    assert got.stdout.decode().strip() == "pure"


EVIDENCE_JSON = r"""
import json, math, random, sys
import classifier
from classifier import Evidence, _coreload
rnd = random.Random(5)
chars = ["安", "全", "a", '"', "\\", "\n", "\x1f", "\x7f", "\u2028", "\ud83d", "😀", " ", "é"]
weights = [1.0, 0.5, -0.0, 0.0, 1e16, 1e-7, 2.5, 1 / 3, -2.0, 1e22, 5e-324, math.inf, math.nan]
written = 0
for i in range(30000):
    ev = tuple(Evidence("".join(rnd.choice(chars) for _ in range(rnd.randint(0, 4))),
                        rnd.choice(["title", "body"]),
                        rnd.choice([0, 7, -7, rnd.randint(0, 10**12), -2**63, 2**63 - 1]),
                        # more distinct weights than the C side keeps the text of
                        rnd.choice(weights + [rnd.uniform(-100, 100)]),
                        rnd.choice(["促消费", "其他", 'a"b']))
               for _ in range(rnd.randint(0, 3)))
    got = classifier.fast_evidence_json(ev)
    plain = all(math.isfinite(e.weight) and not any(c < " " or c in '"\\' for c in
                e.keyword + e.field + e.category) for e in ev)
    if _coreload.KIND == "pure":
        assert got is None
    elif plain:
        assert got == json.dumps([e.as_dict() for e in ev], ensure_ascii=False), (ev, got)
        written += 1
    else:
        assert got is None, (ev, got)
print(_coreload.KIND, written)
"""


def test_the_evidence_json_written_in_c_is_json_dumps(compiled):
    # the compiled core writes the evidence's JSON in C, or leaves it to Python (None) when a
    # string needs escaping or a weight is not finite; the pure core always leaves it
    for core in ("pure", compiled):
        if core is None:
            continue
        done = run(EVIDENCE_JSON, core=core)
        assert done.returncode == 0, done.stderr.decode()
        got_kind, written = done.stdout.decode().split()
        assert got_kind == ("pure" if core == "pure" else "compiled")
        assert core == "pure" or int(written) > 5000
