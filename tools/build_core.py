"""Compile the classifier's hot path (classifier/_core_native.pyx) with Cython into classifier._core_c.

    python tools/build_core.py [--out DIR] [--source FILE]

The classifier runs the same source interpreted when this module is missing (classifier/
_coreload.py), so a build that cannot happen — no C compiler, no Python headers, no Cython —
prints one line saying so and exits 0: ``make test`` and ``make core`` go on, on pure Python.
``pip install -e .`` never runs this (pyproject's build is untouched); ``make core`` does.

The .pyx is the C-level counterpart of classifier/_core.py, the pure-Python reference. The build
compiles a copy of it (and of the _core_native_*.pxi files it includes) with ``SOURCE_HASH``
appended — the SHA-256 of _core.py, the .pyx and its parts (classifier/_coreload.py,
source_hash) — and the loader uses the module only while those files still have that hash. The
result replaces the old module in one rename, so a process importing the classifier meanwhile
sees either the old file or the new one. --out puts it elsewhere (the tests build into a temporary
directory and point GONGKAI_CORE at it); --source compiles another .pyx in _core_native.pyx's
place.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "classifier" / "_core.py"
SOURCE = ROOT / "classifier" / "_core_native.pyx"
NAME = "_core_c"

# Cython: compiling _core.py as it is saved only ~15% (README, Performance); the hand-written
# .pyx, with C arrays and code-point loops, is what makes the difference. -O2, as setuptools
# gives by default on Linux.
SETUP = (
    "from setuptools import setup, Extension\n"
    "from Cython.Build import cythonize\n"
    "setup(name='core', script_args=['build_ext', '--inplace'], ext_modules=cythonize(\n"
    "    [Extension('classifier._core_c', ['classifier/_core_c.pyx'])],\n"
    "    compiler_directives={'language_level': 3, 'binding': False}, quiet=True))\n")


def parts() -> list[Path]:
    """The .pxi files the .pyx includes, in name order."""
    return sorted(SOURCE.parent.glob("_core_native_*.pxi"))


def digest_of(source: Path) -> str:
    """SOURCE_HASH for a module compiled from *source* and the parts it includes: what
    classifier/_coreload.py's source_hash computes."""
    text = source.read_bytes() + b"".join(b"\0" + p.read_bytes() for p in parts())
    return hashlib.sha256(REFERENCE.read_bytes() + b"\0" + text).hexdigest()


class BuildError(Exception):
    """Why no compiled core was made, in one line."""


class UpToDate(Exception):
    """The module is there, compiled from this very source."""


def build(source: Path, out: Path) -> Path:
    """Compile *source* into *out*/_core_c<suffix>; returns its path."""
    if importlib.util.find_spec("Cython") is None:
        raise BuildError("Cython is not installed (pip install 'gongkai[core]')")
    text = source.read_bytes()
    digest = digest_of(source)
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    target = out / f"{NAME}{suffix}"
    if built_from(target, digest):
        # `make test` runs this every time: the module in use stays as it is
        raise UpToDate(str(target))
    with tempfile.TemporaryDirectory(prefix="gongkai-core-") as tmp:
        pkg = Path(tmp) / "classifier"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        for part in parts():
            shutil.copyfile(part, pkg / part.name)
        (pkg / f"{NAME}.pyx").write_bytes(
            text + f'\n\nSOURCE_HASH = "{digest}"   # added by tools/build_core.py\n'.encode())
        (Path(tmp) / "setup.py").write_text(SETUP)
        done = subprocess.run([sys.executable, "setup.py"], cwd=tmp, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": ""})
        built = list(pkg.glob(f"{NAME}{suffix}"))
        if done.returncode != 0 or not built:
            lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
            reason = next((ln for ln in lines if "error" in ln.lower()), lines[-1] if lines
                          else f"exit status {done.returncode}")
            raise BuildError(f"build failed: {reason.strip()[:200]}")
        out.mkdir(parents=True, exist_ok=True)
        partial = out / f".{NAME}{suffix}.{os.getpid()}"
        shutil.copyfile(built[0], partial)
        os.replace(partial, target)   # importers see the old file or the new one, never half
    return target


def built_from(target: Path, digest: str) -> bool:
    """True when the module *target* exists and was compiled from the source of *digest* (its
    SOURCE_HASH string is in the binary)."""
    try:
        return digest.encode() in target.read_bytes()
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SOURCE.parent,
                        help="where the module goes (default: the classifier package)")
    parser.add_argument("--source", type=Path, default=SOURCE,
                        help="the source to compile (default: classifier/_core_native.pyx)")
    args = parser.parse_args(argv)
    try:
        target = build(args.source, args.out)
    except UpToDate as e:
        print(f"build_core: {e} is up to date", file=sys.stderr)
        return 0
    except (BuildError, OSError) as e:
        # a module built before from this very source may still be there, and is used
        try:
            digest = digest_of(args.source)
        except OSError:
            digest = "-"
        kept = built_from(args.out / f"{NAME}{importlib.machinery.EXTENSION_SUFFIXES[0]}",
                          digest)
        runs = "keeps the one built before" if kept else "runs pure Python"
        print(f"build_core: no compiled core built ({e}); the classifier {runs}",
              file=sys.stderr)
        return 0
    print(f"build_core: {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
