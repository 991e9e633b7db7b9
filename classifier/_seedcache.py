"""The built-in second opinion, trained once and then read back (issue 18).

Training the naive-Bayes model on the shipped corpus (data/seed_headlines.jsonl) took 58–62 ms of
every start of every process that classifies (``gongkai classify`` on ten lines, each worker of
a pool started by spawn): more than the rest of the start-up together. The trained model's
state — its categories, priors and the log-likelihood of each n-gram — is kept in the user's
cache directory and read back in a few milliseconds.

A cache is used only when it is certainly the model training would give now: its name carries
the SHA-256 of the corpus, of the code that trains (this package's _learn.py and the normalizer,
classifier/_coreload.source_hash) and of the Python and Unicode versions; its content carries
the SHA-256 of itself, and what it holds is checked for its shape before it is used. Anything
else — missing, stale, corrupt, unreadable, an unwritable or absent cache directory — means
training, as before; writing a cache never fails a classification.

Where: ``$GONGKAI_CACHE_DIR``, else ``$XDG_CACHE_HOME/gongkai``, else ``~/.cache/gongkai``;
``GONGKAI_CACHE_DIR=`` (empty) turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PREFIX = "seed-model-"
FORMAT = b"gongkai seed model 1\n"


def cache_dir() -> Path | None:
    """Where caches go; None when nowhere (turned off, or no home directory)."""
    if "GONGKAI_CACHE_DIR" in os.environ:
        value = os.environ["GONGKAI_CACHE_DIR"]
        return Path(value) if value else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "gongkai"
    try:
        return Path.home() / ".cache" / "gongkai"
    except (RuntimeError, KeyError, OSError):   # no home directory
        return None


def key(seed: bytes) -> str:
    """What the trained model depends on: the corpus, the code and the versions that read it."""
    from . import _coreload, _learn
    h = hashlib.sha256(FORMAT)
    for part in (seed, Path(_learn.__file__).read_bytes(), _coreload.source_hash().encode(),
                 sys.version.encode(), unicodedata.unidata_version.encode(),
                 str(marshal.version).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def load_or_train(seed: bytes, train: Callable[[], Any], restore: Callable[[dict], Any],
                  state_of: Callable[[Any], dict]) -> Any:
    """The model from the cache for *seed*, or ``train()`` (then cached when possible)."""
    folder = cache_dir()
    if folder is None:
        return train()
    path = folder / f"{PREFIX}{key(seed)[:32]}.bin"
    model = _read(path, restore)
    if model is not None:
        return model
    model = train()
    _write(folder, path, state_of(model))
    return model


def _read(path: Path, restore: Callable[[dict], Any]) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    if len(data) < 32 or hashlib.sha256(FORMAT + payload).digest() != digest:
        log.debug("seed model cache %s is corrupt: training instead", path)
        return None
    try:
        return restore(marshal.loads(payload))
    except Exception as e:   # a checked file of the wrong shape: never used, never an error
        log.debug("seed model cache %s unusable (%s): training instead", path, e)
        return None


def _write(folder: Path, path: Path, state: dict) -> None:
    try:
        payload = marshal.dumps(state)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(FORMAT + payload).digest() + payload)
            os.replace(tmp, path)   # whole or not at all, also with two processes at once
        except BaseException:
            os.unlink(tmp)
            raise
        for old in folder.glob(f"{PREFIX}*.bin"):   # models of an older corpus or code
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, ValueError) as e:
        log.debug("seed model cache not written to %s (%s)", folder, e)
