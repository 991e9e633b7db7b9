"""Store queries of one area, mixed into :class:`store.Store` (self.db is the sqlite-utils Database;
write inside `with immediate(self.db):` from ._db)."""
from __future__ import annotations


class ReviewQueries:
    pass
