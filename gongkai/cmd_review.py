"""Commands of this area register here (see cli.COMMAND_MODULES)."""
from __future__ import annotations


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
