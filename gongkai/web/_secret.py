"""The key that signs session cookies, kept in a file of its own beside the database.

Not in the database: a backup or any other copy of the database must not let its reader sign a
reviewer's session. The file is created owner-only (0600) on first start and kept, so restarts
keep sessions; delete it to sign everyone out.
"""
from __future__ import annotations

import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MIN_CHARS = 32


class KeyFileError(ValueError):
    """The key file exists but cannot be used; the message names it and says what to do."""


def key_path(db_path: str | Path) -> Path:
    return Path(str(db_path) + ".web-key")


def load_or_create(path: Path) -> str:
    if not path.exists():
        _create(path)
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"{path}: cannot read the web session key ({e}); fix its permissions "
                           f"or delete it to make a new one") from None
    if len(key) < MIN_CHARS:
        raise KeyFileError(f"{path}: the web session key is too short; delete the file to make "
                           f"a new one (everyone will have to log in again)")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s can be read by other users; run: chmod 600 %s", path, path)
    return key


def _create(path: Path) -> None:
    # Written under a temporary name (mkstemp: 0600) and linked into place, so two servers
    # starting together agree on one key and neither ever reads a half-written file.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
