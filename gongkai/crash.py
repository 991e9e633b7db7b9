"""The reason recorded when a bug, not the source, ends a pass: one line saying where it happened.

A crash in one source's collector fails that source only (`gongkai crawl` and `gongkai run` both go
on with the others). The officer sees the reason in the crawl summary and in `gongkai status`; the
traceback goes to the log, at INFO, so `-v` and the daemon's log file have it and a plain crawl's
stderr does not.
"""
from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import collectors

# The project's top-level folders (DESIGN.md's layout): a frame in one of them is our own code;
# anything else (the standard library, requests, bs4) is where the bug surfaced, not where it is.
ROOT = Path(__file__).resolve().parent.parent
OWN = ("collectors", "classifier", "store", "report", "gongkai", "tests", "benchmarks")
REASON_MAX = 300


def describe(exc: BaseException) -> str:
    """``internal error in the hanweb preset: AttributeError: 'str' object has no attribute
    'items' (collectors/_presets/hanweb.py:190)``: the exception, and the innermost frame of the
    project's own code, named by the source kind or preset defined there."""
    message = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    frame = _innermost_own_frame(exc)
    if frame is None:
        return f"internal error: {what}"[:REASON_MAX]
    path, line = frame
    where = _owner(path)
    where = f" in {where}" if where else ""
    place = f" ({path.relative_to(ROOT).as_posix()}:{line})"
    return f"internal error{where}: {what}"[:REASON_MAX - len(place)] + place


def report(log: logging.Logger, source_id: str, exc: BaseException) -> str:
    """Log the crash of ``source_id`` (one line at WARNING, the traceback at INFO); its reason."""
    reason = describe(exc)
    log.warning("source %s failed: %s", source_id, reason)
    log.info("source %s: traceback of the internal error", source_id, exc_info=exc)
    return reason


def _innermost_own_frame(exc: BaseException) -> tuple[Path, int] | None:
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(os.path.realpath(frame.filename))
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in OWN:
            found = (path, frame.lineno or 0)
    return found


def _owner(path: Path) -> str:
    """The source kind or website preset whose module ``path`` is (the registries say which
    module declares which), so the reason speaks of what the officer configured."""
    for label, registry in (("collector", collectors.REGISTRY), ("preset", collectors.PRESETS)):
        for name, cls in registry.items():
            module = sys.modules.get(cls.__module__)
            file = getattr(module, "__file__", None)
            if file and Path(os.path.realpath(file)) == path:
                return f"the {name} {label}"
    return ""
