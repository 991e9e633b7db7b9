"""Which implementation of classifier/_core.py runs: the compiled one when it is current.

``tools/build_core.py`` (``make core``) compiles classifier/_core_native.pyx — the C-level
counterpart of _core.py — into the optional extension module ``classifier._core_c``, with
``SOURCE_HASH``, the SHA-256 of _core.py and of the .pyx (with the .pxi files it includes) it
was made from. It is used only when that hash is the hash of those files as they are now; a
missing,
stale or broken build means the pure-Python module, silently (one debug log line), never an
error — an office server without a compiler runs the same code, interpreted.

``GONGKAI_CORE=pure`` forces the pure-Python path (the benchmark's and the tests' comparison);
``GONGKAI_CORE=DIR`` loads the compiled module from DIR instead of the package (a build made
elsewhere, as the tests make one), under the same hash check.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType

from . import _core as pure

log = logging.getLogger(__name__)

SOURCE = Path(pure.__file__)
NATIVE = SOURCE.with_name("_core_native.pyx")
COMPILED_NAME = "classifier._core_c"


def native_parts(directory: Path | None = None) -> list[Path]:
    """The files the .pyx includes (_core_native_*.pxi), in name order."""
    return sorted((directory or NATIVE.parent).glob("_core_native_*.pxi"))


def source_hash(native: bytes | None = None, reference: bytes | None = None,
                parts: list[bytes] | None = None) -> str:
    """The SHA-256 a compiled core must carry: of _core.py (*reference*), the .pyx (*native*)
    and the parts it includes (*parts*, in name order), by default all as they are now
    (tools/build_core.py computes the same)."""
    ref = SOURCE.read_bytes() if reference is None else reference
    nat = NATIVE.read_bytes() if native is None else native
    if parts is None:
        parts = [p.read_bytes() for p in native_parts()]
    return hashlib.sha256(ref + b"\0" + nat + b"".join(b"\0" + p for p in parts)).hexdigest()


def compiled_file(directory: Path) -> Path | None:
    """The extension module ``_core_c`` in *directory*, for this Python; None when absent."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = directory / f"_core_c{suffix}"
        if path.exists():
            return path
    return None


def _import_from(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(COMPILED_NAME, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[COMPILED_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(COMPILED_NAME, None)
        raise
    return module


def load(choice: str | None = None) -> ModuleType:
    """The core to use: the compiled module when it is built from the current source, else
    the pure-Python one. *choice* is GONGKAI_CORE's value ("", "pure" or a directory)."""
    choice = os.environ.get("GONGKAI_CORE", "") if choice is None else choice
    if choice == "pure":
        return pure
    try:
        if choice:
            path = compiled_file(Path(choice))
            if path is None:
                log.debug("classifier core: no compiled module in %s; pure Python", choice)
                return pure
            module = _import_from(path)
        else:
            module = importlib.import_module(COMPILED_NAME)
    except ImportError as e:
        log.debug("classifier core: compiled module not available (%s); pure Python", e)
        return pure
    except Exception as e:   # a broken build must never stop the classifier
        log.debug("classifier core: compiled module failed to load (%r); pure Python", e)
        return pure
    if not current(module):
        return pure
    log.debug("classifier core: compiled (%s)", getattr(module, "__file__", COMPILED_NAME))
    return module


def current(module: object) -> bool:
    """True when *module* was compiled from the sources as they are now (its SOURCE_HASH)."""
    try:
        digest = source_hash()
    except OSError as e:
        log.debug("classifier core: cannot read the sources (%s); pure Python", e)
        return False
    if getattr(module, "SOURCE_HASH", None) != digest:
        log.debug("classifier core: %s was built from another version of %s or %s; pure Python",
                  getattr(module, "__file__", COMPILED_NAME), SOURCE.name, NATIVE.name)
        return False
    return True


core = load()
KIND = "pure" if core is pure else "compiled"
