"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas."""
from __future__ import annotations

from ._schema import migrations  # noqa: F401  (register with @migrations())
