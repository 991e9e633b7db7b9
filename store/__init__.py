"""SQLite through sqlite-utils: schema, migrations, upserts, queries. The only SQL of gongkai."""
from ._db import fault
from ._store import Store, StoreError, Unavailable

__all__ = ["Store", "StoreError", "Unavailable", "fault"]
