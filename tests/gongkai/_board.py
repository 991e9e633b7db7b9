"""The smallest config with a bulletin board: the bureau, a database, one manual source."""

CONFIG = """
[bureau]
name = "卫滨区商务局"

[database]
path = "g.db"

[[sources]]
id = "board"
type = "manual"
channel = "board"
"""
