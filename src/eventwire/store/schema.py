"""The store's schema, derived from the data model so the two cannot drift.

Each stored record type maps to one table: scalar fields become typed columns,
nested records and tuples become JSON columns. ``MIGRATIONS`` holds the
versioned steps; columns added to a record later are added to old stores by
``additive_columns`` (new fields always have defaults, see model.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any

from eventwire import model
from eventwire.store import rows


@dataclass(frozen=True)
class Table:
    """A table stored from one record type, plus the extra columns the store adds."""

    name: str
    record: type
    key: tuple[str, ...]
    extra: tuple[tuple[str, str], ...] = ()  # (column, SQL type) not in the record


def _sql_type(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _sql_type(args[0]) if len(args) == 1 else "JSON"
    if tp is str:
        return "VARCHAR"
    if tp is bool:
        return "BOOLEAN"
    if tp is int:
        return "BIGINT"
    if tp is float:
        return "DOUBLE"
    if tp is dt.date:
        return "DATE"
    if tp is bytes:
        return "BLOB"
    return "JSON"


@functools.cache
def columns(table: Table) -> tuple[tuple[str, str], ...]:
    """(column, SQL type) for every field of the table's record, then the extras (computed once per table:
    reading the type hints costs more than writing a row)."""
    hints = typing.get_type_hints(table.record)
    return (*((f.name, _sql_type(hints[f.name])) for f in dataclasses.fields(table.record)), *table.extra)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("articles", model.Article, ("id",), (("ingested_at", "TIMESTAMP"),)),
        Table("quarantine", model.InputFailure, ("source",), (("seen_at", "TIMESTAMP"),)),
        Table(
            "mentions",
            model.EventMention,
            ("id",),
            (("id", "VARCHAR"), ("mention_index", "INTEGER")),
        ),
        Table(
            "claims",
            model.Claim,
            ("id",),
            (("id", "VARCHAR"), ("mention_id", "VARCHAR")),
        ),
        Table("events", model.Event, ("id",)),
        Table("stories", model.Story, ("id",)),
        # reviewers' decisions: never recomputed, applied to the merged layer on every run
        Table("decisions", model.Decision, ("id",)),
        # incremental merging (v3): episodes, ids that live on as aliases, copies and rewrites,
        # and the per-article features story clustering needs
        Table("episodes", model.Episode, ("id",)),
        Table("event_aliases", model.EventAlias, ("alias",)),
        Table("article_relations", model.ArticleRelation, ("article_id",)),
        Table("story_features", model.StoryFeatures, ("article_id",)),
        # every change to an event, in the order the updates of the merged layer made them (v5)
        Table("event_changes", model.EventChange, ("seq",)),
    )
}

# Tables that are not a record: links and run bookkeeping.
LINK_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # every input an article was seen in (exact duplicates are linked, not stored twice)
    "CREATE TABLE IF NOT EXISTS article_sources (article_id VARCHAR, source VARCHAR, "
    "PRIMARY KEY (article_id, source))",
    # extraction done per article and extractor version: an interrupted run resumes here
    "CREATE TABLE IF NOT EXISTS extracted (article_id VARCHAR PRIMARY KEY, extractor VARCHAR, "
    "status VARCHAR, mention_count INTEGER)",
    # the live part of the incremental story and event indexes (what lies in their time windows), saved with
    # the merged layer they produced (v3; the rest of the indexes is in the ``ix_*`` tables since v6)
    "CREATE TABLE IF NOT EXISTS index_state (name VARCHAR PRIMARY KEY, version VARCHAR, data BLOB)",
    # articles whose extraction (by this extractor version) is in the merged layer: the merge resumes here
    "CREATE TABLE IF NOT EXISTS merged (article_id VARCHAR PRIMARY KEY, extractor VARCHAR)",
]


def create_table_sql(table: Table) -> str:
    """CREATE TABLE statement for a record table."""
    cols = ", ".join(f'"{c}" {t}' for c, t in columns(table))
    key = ", ".join(f'"{k}"' for k in table.key)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols}, PRIMARY KEY ({key}))'


def _v1(con: Any) -> None:
    for sql in LINK_DDL:
        con.execute(sql)
    for table in TABLES.values():
        con.execute(create_table_sql(table))


def _v2(con: Any) -> None:
    # record tables added since version 1 (reviewers' decisions); existing ones are kept
    for table in TABLES.values():
        con.execute(create_table_sql(table))


def _v3(con: Any) -> None:
    # episodes, event aliases, article relations, story features and the saved indexes; the merged
    # layer of a v2 store was recomputed on every run, so it is dropped and rebuilt by the next run
    for sql in LINK_DDL:
        con.execute(sql)
    con.execute("DELETE FROM events")
    con.execute("DELETE FROM stories")
    for table in TABLES.values():
        con.execute(create_table_sql(table))


# The review app's accounts (v4): who may read or decide, with a password hash (never the password), and the
# sessions a login opened (the hash of the cookie's token); revoking a user ends its sessions.
USER_DDL = [
    "CREATE TABLE IF NOT EXISTS users (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL, "
    "created_at TIMESTAMP, revoked_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, "
    "created_at TIMESTAMP, expires_at TIMESTAMP)",
]


def _v4(con: Any) -> None:
    for sql in USER_DDL:
        con.execute(sql)


# Watching sources and announcing changes (v5): the runs (each change names the one that made it), the revisions
# of an article (a changed text at the same URL, id or file; the earlier one is superseded, never deleted), what
# each watched source and item looked like when last polled (a restarted watch resumes from it), how far each
# webhook has been told, and the review app's visits (what is new since a reviewer's last one).
WATCH_DDL = [
    "CREATE TABLE IF NOT EXISTS runs (id VARCHAR PRIMARY KEY, command VARCHAR, started_at TIMESTAMP, "
    "finished_at TIMESTAMP, status VARCHAR, articles_new INTEGER, extracted INTEGER, changes INTEGER)",
    "CREATE TABLE IF NOT EXISTS article_revisions (article_id VARCHAR PRIMARY KEY, previous_id VARCHAR NOT NULL, "
    "key VARCHAR, revision INTEGER, stored_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS watch_sources (source VARCHAR PRIMARY KEY, state JSON, polled_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS watch_items (source VARCHAR, key VARCHAR, state JSON, seen_at TIMESTAMP, "
    "PRIMARY KEY (source, key))",
    "CREATE TABLE IF NOT EXISTS notify_cursors (target VARCHAR PRIMARY KEY, seq BIGINT, delivered_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS visits (visitor VARCHAR PRIMARY KEY, previous TIMESTAMP, latest TIMESTAMP)",
]


def _v5(con: Any) -> None:
    con.execute(create_table_sql(TABLES["event_changes"]))
    for sql in WATCH_DDL:
        con.execute(sql)


def _v6(con: Any) -> None:
    # the merged layer's indexes as rows (``store.rows``) instead of one pickled value: the old value is
    # dropped (the merge version changed with it, so the next update rebuilds the indexes from the stored
    # mentions; the merged layer's rows stay until then)
    for sql in rows.INDEX_DDL:
        con.execute(sql)
    con.execute("DELETE FROM index_state")


# Indexes of the columns a stored article is looked up by besides its id (v7): its text (content hash: an exact
# duplicate), its URL and its file (an earlier revision). Without them each lookup reads the whole column, a cost
# that grows with the store; DuckDB answers them from the index only for a plain equality filter, so the queries
# filter first (a materialized CTE) and sort what that found.
INDEX_DDL = [
    "CREATE INDEX IF NOT EXISTS articles_content_hash ON articles(content_hash)",
    "CREATE INDEX IF NOT EXISTS articles_url ON articles(url)",
    'CREATE INDEX IF NOT EXISTS articles_source ON articles("source")',
]


def _v7(con: Any) -> None:
    for sql in INDEX_DDL:
        con.execute(sql)


# version -> step that brings a store from version-1 to version
MIGRATIONS: dict[int, typing.Callable[[Any], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6, 7: _v7}


def additive_columns(con: Any) -> None:
    """Add columns for record fields newer than the store (fields only ever get added)."""
    for table in TABLES.values():
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table.name]
        ).fetchall()}
        for col, sql_type in columns(table):
            if col not in have:
                con.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{col}" {sql_type}')
