"""SQLite through sqlite-utils: schema, migrations, upserts, queries. The only SQL of gongkai."""
from . import _access as access
from ._body_rules import BODY_CATEGORY
from ._counts import BodyScope
from ._dates import date_choices
from ._db import fault
from ._district import body_backlog, body_counts
from ._store import Store, StoreError, Unavailable

__all__ = ["BODY_CATEGORY", "BodyScope", "Store", "StoreError", "Unavailable", "access",
           "body_backlog", "body_counts", "date_choices", "fault"]
