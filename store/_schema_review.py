"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas.

Review (issue 6): users and settings for the web UI, the undo journal, Chinese full-text search
and the indexes that keep the review queue's first page fast on a large database.
"""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations

# The queue's order; the expression index below uses exactly this text so SQLite can walk it
# instead of sorting. needs_review first, then items nobody decided by hand, then the thinnest
# margin (NULL, i.e. never classified, sorts first: the most doubtful of all).
QUEUE_ORDER = "needs_review DESC, (decided_by = 'manual'), margin, id"


@migrations()
def review_001_users_settings(db: Database) -> None:
    db["users"].create(
        {"name": str, "password_hash": str, "role": str, "created_at": str, "updated_at": str},
        pk="name", not_null={"password_hash", "role"},
    )
    # key/value pairs the web UI needs on every start, e.g. its session secret
    db["settings"].create({"key": str, "value": str}, pk="key")
    # One row per reviewer action, so `u` restores exactly the state before it (the previous
    # decision row, the previous attribution), even after later re-filing.
    db["review_actions"].create(
        {"id": int, "at": str, "actor": str, "item_id": int, "kind": str,
         "prev_decision_id": int, "prev_attribution": str, "prev_attribution_manual": int,
         "undone_at": str},
        pk="id", not_null={"item_id", "kind"},
    )
    db["review_actions"].create_index(["item_id", "id"])


@migrations()
def review_002_fts_trigram(db: Database) -> None:
    # unicode61 finds nothing in Chinese; trigram finds any >= 3-character substring. Shorter
    # terms fall back to instr() on items (see _review.py).
    db.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content='items', "
        "content_rowid='id', tokenize='trigram')")
    db.execute(
        "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
        "INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    db.execute(
        "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); END")
    # Only a change of the indexed text re-indexes; category updates leave the index alone.
    db.execute(
        "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, body ON items "
        "WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN "
        "INSERT INTO items_fts(items_fts, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); "
        "INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


@migrations()
def review_003_queue_indexes(db: Database) -> None:
    db.execute(f"CREATE INDEX idx_items_review_queue ON items ({QUEUE_ORDER})")
    db.execute(f"CREATE INDEX idx_items_review_queue_year ON items (pub_year, {QUEUE_ORDER})")
    db["audit"].create_index(["at"], if_not_exists=True)


# Columns of items that Store.counts reads. A change of any of them (or any insert/delete)
# bumps the data stamp; a re-crawl that only touches last_seen_at or the text does not, so the
# cached counts panel survives the daemon's routine polling. test_review_counts_cache.py swaps
# every column of items in turn and fails if counts change without the stamp moving.
COUNTED_COLUMNS = ("id", "cluster_id", "channel", "pub_date", "pub_year", "category",
                   "decided_by", "attribution", "needs_review")
_BUMP = "UPDATE review_data_version SET version = version + 1 WHERE id = 1;"


@migrations()
def review_004_counts_cache(db: Database) -> None:
    # A stamp every write that can change the counts moves, kept by triggers so no writer (the
    # daemon, the CLI, another engineer's new code path) can forget it. PRAGMA data_version
    # would not do: it is per connection and moves on any write at all.
    db.execute("CREATE TABLE review_data_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "version INTEGER NOT NULL)")
    db.execute("INSERT INTO review_data_version (id, version) VALUES (1, 0)")
    db.execute(f"CREATE TRIGGER review_stamp_items_ai AFTER INSERT ON items BEGIN {_BUMP} END")
    db.execute(f"CREATE TRIGGER review_stamp_items_ad AFTER DELETE ON items BEGIN {_BUMP} END")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COUNTED_COLUMNS)
    db.execute(f"CREATE TRIGGER review_stamp_items_au AFTER UPDATE ON items WHEN {changed} "
               f"BEGIN {_BUMP} END")
    # by_channel lists the channels of enabled sources, so sources count too
    db.execute(f"CREATE TRIGGER review_stamp_sources_ai AFTER INSERT ON sources BEGIN {_BUMP} END")
    db.execute(f"CREATE TRIGGER review_stamp_sources_ad AFTER DELETE ON sources BEGIN {_BUMP} END")
    db.execute("CREATE TRIGGER review_stamp_sources_au AFTER UPDATE ON sources WHEN "
               "old.enabled IS NOT new.enabled OR old.channel IS NOT new.channel "
               f"OR old.id IS NOT new.id BEGIN {_BUMP} END")
    # One row per year: the raw Store.counts result and the stamp it was computed at.
    db.execute("CREATE TABLE review_counts_cache (year INTEGER PRIMARY KEY, "
               "version INTEGER NOT NULL, counts_json TEXT NOT NULL, computed_at TEXT)")


@migrations()
def review_005_bulk(db: Database) -> None:
    # A bulk action is one row here and one review_actions row per item carrying its id, so
    # it is audited per item and undone as one step.
    db["review_batches"].create(
        {"id": int, "at": str, "actor": str, "kind": str, "value": str, "reason": str,
         "n": int, "undone_at": str},
        pk="id", not_null={"kind", "value"},
    )
    db["review_actions"].add_column("batch_id", int)
    db["review_actions"].create_index(["batch_id"])


@migrations()
def review_006_counts_side_indexes(db: Database) -> None:
    # Store.counts' side queries (the channels of the year, unclassified, unreviewed) otherwise
    # visit every item of the year in the table itself; these let them read an index only.
    db["items"].create_index(["pub_year", "channel"], index_name="idx_items_review_year_channel")
    db["items"].create_index(["pub_year", "attribution", "category"],
                             index_name="idx_items_review_year_category")
    db["items"].create_index(["pub_year", "needs_review", "decided_by", "attribution"],
                             index_name="idx_items_review_year_doubt")


# Columns of items that the counting rule (store._counts.count_clusters) reads, plus cluster_id,
# which says whose summary a row feeds. Only the counting rule's inputs: needs_review and the
# channel list of sources are read live by every count, never summarised.
SUMMARY_COLUMNS = ("id", "cluster_id", "channel", "pub_date", "pub_year", "category",
                   "decided_by", "attribution")


def _mark(row: str) -> str:
    return (f"INSERT OR IGNORE INTO count_dirty (cluster_id) SELECT {row}.cluster_id "
            f"WHERE {row}.cluster_id IS NOT NULL;")


@migrations()
def review_007_cluster_summary(db: Database) -> None:
    # The counts panel's first load after a write used to recount the whole year. Now each
    # cluster's contribution is kept in a row of its own, recomputed only when a trigger marks
    # the cluster stale; the year's counts are then two covering-index scans. Triggers, like
    # review_004's stamp, so no writer can forget to mark. WITHOUT ROWID: a cluster id of any
    # stored type is a key, never a rowid to reject.
    db.execute("CREATE TABLE count_dirty (cluster_id INTEGER NOT NULL PRIMARY KEY) WITHOUT ROWID")
    db.execute("CREATE TABLE cluster_summary (cluster_id INTEGER NOT NULL PRIMARY KEY, "
               "first_date TEXT NOT NULL, first_year INTEGER, category TEXT NOT NULL) "
               "WITHOUT ROWID")
    db.execute("CREATE INDEX idx_cluster_summary_year ON cluster_summary (first_year, category)")
    db.execute("CREATE TABLE cluster_channel_first (cluster_id INTEGER NOT NULL, "
               "channel TEXT NOT NULL, first_date TEXT NOT NULL, year INTEGER, "
               "category TEXT NOT NULL, PRIMARY KEY (cluster_id, channel)) WITHOUT ROWID")
    db.execute("CREATE INDEX idx_cluster_channel_first_year "
               "ON cluster_channel_first (year, channel, category)")
    db.execute(f"CREATE TRIGGER review_summary_items_ai AFTER INSERT ON items "
               f"BEGIN {_mark('new')} END")
    db.execute(f"CREATE TRIGGER review_summary_items_ad AFTER DELETE ON items "
               f"BEGIN {_mark('old')} END")
    # an item moving between clusters changes both: the one it leaves and the one it joins
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in SUMMARY_COLUMNS)
    db.execute(f"CREATE TRIGGER review_summary_items_au AFTER UPDATE OF "
               f"{', '.join(SUMMARY_COLUMNS)} ON items WHEN {changed} "
               f"BEGIN {_mark('old')} {_mark('new')} END")
    # The rule's reads, pub_year included, from one covering index (it replaces m002's, which
    # lacked pub_year).
    db.execute("DROP INDEX IF EXISTS items_cluster_counts")
    db["items"].create_index(["cluster_id", "attribution", "pub_date", "pub_year", "category",
                              "decided_by", "channel"], index_name="items_cluster_rule")
    # an upgraded database starts with every cluster stale: the first count rebuilds them all
    db.execute("INSERT OR IGNORE INTO count_dirty (cluster_id) "
               "SELECT DISTINCT cluster_id FROM items WHERE cluster_id IS NOT NULL")



@migrations()
def review_008_undo_moves(db: Database) -> None:
    # A move between bodies (改归属单位, 非本单位 on a joint notice) is journaled like a re-filing,
    # with the item's bodies before it ({body: reason} as JSON), so `u` puts them back.
    db["review_actions"].add_column("prev_bodies", str)


# An item awaiting the officer's review: flagged, decided only by the rules, and not a copy of a
# 信息 someone already filed by hand (a cluster is one 信息; the counts file every copy by that
# decision). One condition for the queue, the counts' `unreviewed` and the backlog, so they agree.
AWAITING_REVIEW = ("needs_review = 1 AND decided_by = 'auto' AND (cluster_id IS NULL OR NOT EXISTS "
                   "(SELECT 1 FROM items m WHERE m.cluster_id = items.cluster_id "
                   "AND m.decided_by = 'manual'))")
