"""Fetch and parse sources; yield :class:`Item` records. No database, no classification."""
from ._base import REGISTRY, Option, SourceKind, register
from ._item import CollectState, ConfigError, Item, SourceError

__all__ = ["REGISTRY", "Option", "SourceKind", "register", "CollectState", "ConfigError", "Item",
           "SourceError"]
