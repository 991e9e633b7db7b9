"""Logging for the daemon: stderr (journald keeps it under systemd) and, with [log] file, a
size-rotated file, so a year of polling cannot fill the small office server's disk."""
from __future__ import annotations

import logging
import logging.handlers

from .config import LogConfig

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup(log_cfg: LogConfig | None, *, verbose: bool = False) -> logging.Handler | None:
    """Raise the root logger to INFO (DEBUG with -v) and add the rotating file handler."""
    root = logging.getLogger()
    level = logging.DEBUG if verbose else getattr(logging, log_cfg.level if log_cfg else "INFO")
    root.setLevel(level)
    if not root.handlers:
        stderr = logging.StreamHandler()
        stderr.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stderr)
    if log_cfg is None:
        return None
    log_cfg.file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_cfg.file, maxBytes=log_cfg.max_bytes, backupCount=log_cfg.keep, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    return handler
