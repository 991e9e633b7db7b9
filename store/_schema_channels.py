"""Migrations of one area, registered on the shared migration set. Append only; name each
migration '<area>_NNN_what' so names never collide across areas."""
from __future__ import annotations

from sqlite_utils import Database

from ._schema import migrations


@migrations()
def channels_001_pub_date_index_aliases(db: Database) -> None:
    # The near-duplicate lookup reads every item within a few days of a new one; without an index
    # on pub_date each insert would scan the whole table.
    db["items"].create_index(["pub_date"], if_not_exists=True)
    # Other keys of an item: a WeChat short link's "wxs:TOKEN" once the page told us its
    # "wx:biz:mid:idx" (wechat-feeds.md §3.5). A re-crawl that still sees the short link finds the
    # item through this table instead of adding it twice.
    db["item_aliases"].create(
        {"id": int, "source_id": str, "alias": str, "item_id": int, "created_at": str},
        pk="id", not_null={"source_id", "alias", "item_id"},
        foreign_keys=[("item_id", "items", "id")])
    db["item_aliases"].create_index(["source_id", "alias"], unique=True)
    db["item_aliases"].create_index(["alias"])
