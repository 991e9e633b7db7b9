"""SQLite through sqlite-utils: schema, migrations, upserts, queries. The only SQL of gongkai."""
from ._store import Store, StoreError

__all__ = ["Store", "StoreError"]
