"""Store stage: the embedded DuckDB file that holds every record.

Needs: records from the other stages. Provides: idempotent writes (same input,
same ids, same rows), resumable extraction bookkeeping, and reads back into the
data model. The extractions of a batch of articles (a run's chunk) are written in one
transaction, one statement per table, so an interrupted run loses at most the batch in
flight and resumes after it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from eventwire import model
from eventwire.errors import Errors, StoreError
from eventwire.model import (
    SCHEMA_VERSION,
    Article,
    ArticleRelation,
    Decision,
    Episode,
    Event,
    EventAlias,
    EventChange,
    EventMention,
    InputFailure,
    Story,
    StoryFeatures,
)
from eventwire.settings import Settings
from eventwire.store import derived, history, locking, revisions, rows
from eventwire.store.locking import Notice, run_lock
from eventwire.store.reads import MergedReads
from eventwire.store.schema import MIGRATIONS, TABLES, additive_columns, columns
from eventwire.store.tables import keyed


class Extraction(NamedTuple):
    """One article's extraction as the store saves it (``Store.save_extractions``)."""

    article_id: str
    mentions: Sequence[EventMention]
    extractor: str
    status: str = "ok"
    features: StoryFeatures | None = None


class Store(MergedReads):
    """A DuckDB file holding articles, mentions, claims, events and stories.

    Opening waits (up to ``wait`` seconds, the ``store_wait`` setting by default) while another process
    holds the file. A ``shared`` store lets go of the file when told (``release``) and opens it again on
    next use, so readers get in between a run's commits; its ``reading`` blocks read through a read-only
    connection, which other readers share.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False, wait: float | None = None,
                 on_wait: Notice | None = None, shared: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(Errors.E301, path=self.path)
        self.read_only = read_only
        self.wait = Settings.from_env().store_wait if wait is None else wait
        self.on_wait = on_wait
        self.shared = shared and str(path) != ":memory:"
        self._con: duckdb.DuckDBPyConnection | None = None
        self._con_read_only = read_only
        self._reading = 0
        self._in_tx = False
        self._open(read_only)
        if not read_only:
            self._migrate()
        else:
            self._check_version()
        if read_only:
            derived.ensure(self.con, writable=False)
        else:
            with self.transaction():
                derived.ensure(self.con, writable=True)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        self._con = locking.connect(self.path, read_only=read_only, wait=self.wait, on_wait=self.on_wait)
        self._con_read_only = read_only
        derived.register(self._con)  # a connection opened again (a shared store) needs the macros too
        return self._con

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened again on use after ``release`` (read-only inside ``reading``)."""
        want_read_only = self.read_only or (self._reading > 0 and not self._in_tx)
        # a connection for writing also reads; a read-only one serves only reads
        if self._con is not None and (want_read_only or not self._con_read_only):
            return self._con
        if self._con is not None:
            self._con.close()
        return self._open(want_read_only)

    def release(self) -> None:
        """Let other processes in: close the file (a shared store only; it opens again on next use)."""
        if self.shared and self._con is not None and not self._in_tx:
            self._con.close()
            self._con = None

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """A block that only reads: a shared store reads it through a read-only connection that other
        readers share (a write inside it opens the file for writing), and lets go of the file after it."""
        if not self.shared:
            yield
            return
        self.release()
        self._reading += 1
        try:
            yield
        finally:
            self._reading -= 1
            self.release()

    # ------------------------------------------------------------------ schema

    def schema_version(self) -> int:
        """The store's schema version (0 for a new file)."""
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(Errors.E303, path=self.path, version=version, supported=SCHEMA_VERSION)

    def _migrate(self) -> None:
        self._check_version()
        version = self.schema_version()
        # a current store that has every column the records need is left as it is (one catalog read; the
        # migration's own check reads the catalog table by table, the slowest part of opening a store)
        if version == SCHEMA_VERSION and self._has_all_columns():
            return
        with self.transaction():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](self.con)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(target)]
                )
            additive_columns(self.con)

    def _has_all_columns(self) -> bool:
        have = set(self.con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                    "WHERE database_name = current_database()").fetchall())
        return all((name, col) in have for name, t in TABLES.items() for col, _ in columns(t))

    def close(self) -> None:
        """Close the connection (a checkpoint makes the file self-contained)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Tx:
        def __init__(self, store: Store) -> None:
            self.store = store

        def __enter__(self) -> None:
            self.store._in_tx = True  # a write inside a reading block opens the file for writing
            self.con = self.store.con
            self.con.execute("BEGIN TRANSACTION")

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.store._in_tx = False
            self.con.execute("ROLLBACK" if exc_type else "COMMIT")

    def transaction(self) -> Store._Tx:
        """All-or-nothing block of writes."""
        return Store._Tx(self)

    # ------------------------------------------------------------------ generic rows

    def bulk_insert(self, table: str, records: Sequence[Any], extras: Sequence[dict[str, Any]] | None = None) -> None:
        """Insert many records of one table at once (a loader's path: no duplicate checks, no derived rows;
        call ``rebuild_derived`` after the last batch)."""
        with self.transaction():
            self._insert_many(table, records, extras)

    def rebuild_derived(self) -> None:
        """Recompute the list table and the full-text index from every record (after ``bulk_insert``)."""
        with self.transaction():
            derived.rebuild(self.con)

    def counts(self) -> dict[str, int]:
        """Row counts of every table (used to check that re-runs change nothing)."""
        names = [*TABLES, "article_sources", "extracted", "merged"]
        return {name: self.count(name) for name in names}

    # ------------------------------------------------------------------ articles

    def add_article(self, article: Article) -> str:
        """Store an article; returns 'new', 'revision' (a new revision of a stored article), 'duplicate'
        (linked to an existing one) or 'seen'.

        Exact duplicates (same content hash) are linked to the stored article, not stored twice. A changed text
        under the same input id, or at the same URL or file, is a new revision (``store.revisions``): stored with
        its own id and version, superseding the earlier one.
        """
        return self.add_inputs([article])[0]

    def add_inputs(self, records: Iterable[Article | InputFailure]) -> list[str]:
        """Store a batch of read inputs in order, in one transaction: each article as ``add_article`` stores it
        (its outcome), each failure as ``add_failure`` records it ('failed'). The batch's new articles enter the
        full-text index together (one pass over the index per batch, not one per article)."""
        outcomes: list[str] = []
        new: list[str] = []
        with self.transaction():
            for rec in records:
                if isinstance(rec, InputFailure):
                    self.add_failure(rec)
                    outcomes.append("failed")
                    continue
                outcome, stored = self._put_article(rec)
                outcomes.append(outcome)
                if stored is not None:
                    new.append(stored)
            derived.index_articles(self.con, new)
        return outcomes

    def _put_article(self, article: Article) -> tuple[str, str | None]:
        """``add_article`` inside the caller's transaction, without the full-text index: the outcome and the id
        of the row stored (None when none was)."""
        base_id = None
        same_id = self.con.execute("SELECT content_hash FROM articles WHERE id = ?", [article.id]).fetchone()
        if same_id and same_id[0] and article.content_hash and same_id[0] != article.content_hash:
            base_id = article.id  # the input's own id, with another text: a revision under an id of its own
            article = dataclasses.replace(article, id=revisions.revision_id(article.id, article.content_hash))
        # the same id first, else the same text: two lookups that each read one key's index (an OR of the two
        # would read every row of articles)
        existing = self.con.execute("SELECT id FROM articles WHERE id = ?", [article.id]).fetchone()
        if existing is None and article.content_hash:
            # filtered first, then sorted: DuckDB reads the content hash's index only for a plain filter
            existing = self.con.execute("WITH found AS MATERIALIZED (SELECT id FROM articles WHERE content_hash = ?) "
                                        "SELECT id FROM found ORDER BY id LIMIT 1", [article.content_hash]).fetchone()
        if existing:
            self.con.execute(
                "INSERT OR IGNORE INTO article_sources VALUES (?, ?)", [existing[0], article.source]
            )
            return ("seen" if existing[0] == article.id or base_id else "duplicate"), None
        prev = revisions.previous(self.con, article, base_id)
        if prev is not None:
            article = dataclasses.replace(article, version=prev.revision + 1)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self._insert("articles", article, {"ingested_at": now})
        if prev is not None:
            revisions.link(self.con, article.id, prev, article.version, now)
        self.con.execute("INSERT OR IGNORE INTO article_sources VALUES (?, ?)", [article.id, article.source])
        # an input that failed before and now reads fine leaves quarantine
        self.con.execute("DELETE FROM quarantine WHERE source = ?", [article.source])
        return ("new" if prev is None else "revision"), article.id

    def add_failure(self, failure: InputFailure) -> None:
        """Record a failed input in quarantine (re-recording the same one changes nothing)."""
        row = self.con.execute(
            "SELECT code, reason FROM quarantine WHERE source = ?", [failure.source]
        ).fetchone()
        if row and (row[0], row[1]) == (failure.code, failure.reason):
            return
        self._insert("quarantine", failure, {"seen_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)},
                     replace=True)

    def articles(self, ids: Iterable[str] | None = None, *, raw: bool = True) -> list[Article]:
        """Stored articles (all, or the given ids), in id order. With ``raw`` False the input as read (an HTML
        page, often ten times the text) is left empty: fetched by key, that one column costs far more than the
        rest of the row, and the merged layer never reads it."""
        skip = () if raw else ("raw",)
        if ids is None:
            return list(self._records("articles", Article, order="ORDER BY id", skip=skip))
        id_list = list(ids)
        if not id_list:
            return []
        return list(self._records("articles", Article, *keyed("id", id_list), "ORDER BY id", skip=skip))

    def article_sources(self) -> dict[str, list[str]]:
        """article id -> every input it was seen in."""
        out: dict[str, list[str]] = {}
        for aid, src in self.con.execute(
            "SELECT article_id, source FROM article_sources ORDER BY article_id, source"
        ).fetchall():
            out.setdefault(aid, []).append(src)
        return out

    def ingested_at(self) -> dict[str, dt.datetime]:
        """article id -> when it was first stored (UTC)."""
        return dict(self.con.execute("SELECT id, ingested_at FROM articles").fetchall())

    def quarantine(self) -> list[InputFailure]:
        """Inputs that failed, with path and reason."""
        return list(self._records("quarantine", InputFailure, order="ORDER BY source"))

    # ------------------------------------------------------------------ extraction

    def pending_extraction(self, extractor: str, languages: Sequence[str] = ()) -> list[str]:
        """Ids of articles not yet extracted by this extractor version (resume point), and of those
        skipped for a language that is now among ``languages``."""
        retry = [f"skipped-language:{lang}" for lang in languages]
        rows = self.con.execute(
            "SELECT a.id FROM articles a LEFT JOIN extracted x ON x.article_id = a.id "
            "WHERE x.article_id IS NULL OR x.extractor <> ? OR list_contains(?, x.status) ORDER BY a.id",
            [extractor, retry],
        ).fetchall()
        return [r[0] for r in rows]

    def save_extraction(self, article_id: str, mentions: Sequence[EventMention], extractor: str,
                        status: str = "ok", features: StoryFeatures | None = None) -> None:
        """Replace one article's mentions, claims and story features in one transaction."""
        self.save_extractions([Extraction(article_id, mentions, extractor, status, features)])

    def save_extractions(self, items: Iterable[Extraction]) -> None:
        """Replace the mentions, claims and story features of several articles in one transaction, one statement
        per table (an interrupted run loses the batch in flight, never part of an article). An article given
        twice ends as its last extraction."""
        batch = list({x.article_id: x for x in items}.values())
        if not batch:
            return
        ids = [x.article_id for x in batch]
        mentions = [(m, i) for x in batch for i, m in enumerate(x.mentions)]
        claims = [(c, m.id) for m, _ in mentions for c in m.claims]
        with self.transaction():
            for table in ("claims", "mentions", "story_features"):
                self._delete(table, "article_id", ids)
            self._insert_many("mentions", [m for m, _ in mentions],
                              [{"id": m.id, "mention_index": i} for m, i in mentions], replace=True)
            self._insert_many("claims", [c for c, _ in claims], [{"id": c.id, "mention_id": mid} for c, mid in claims],
                              replace=True)
            self._insert_many("story_features", [x.features for x in batch if x.features is not None], replace=True)
            self.con.execute("INSERT OR REPLACE INTO extracted SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
                             [ids, [x.extractor for x in batch], [x.status for x in batch],
                              [len(x.mentions) for x in batch]])

    def story_features(self, article_ids: Iterable[str]) -> list[StoryFeatures]:
        """The story features of the given articles (those that have them), by id."""
        return list(self._records("story_features", StoryFeatures, *keyed("article_id", article_ids),
                                  "ORDER BY article_id"))

    def mentions_by_id(self, mention_ids: Iterable[str]) -> list[EventMention]:
        """Stored mentions with the given ids."""
        return list(self._records("mentions", EventMention, *keyed("id", mention_ids),
                                  "ORDER BY article_id, mention_index"))

    def mentions(self, article_ids: Iterable[str] | None = None) -> list[EventMention]:
        """Stored mentions, per article in salience order."""
        if article_ids is None:
            return list(self._records("mentions", EventMention, order="ORDER BY article_id, mention_index"))
        ids = list(article_ids)
        return list(self._records("mentions", EventMention, "WHERE article_id IN (SELECT unnest(?))",
                                  [ids], "ORDER BY article_id, mention_index"))

    def extraction_status(self) -> dict[str, str]:
        """article id -> extraction status (ok, skipped-language, ...)."""
        return dict(self.con.execute("SELECT article_id, status FROM extracted").fetchall())

    # ------------------------------------------------------------------ the merged layer

    def merge_pending(self) -> list[str]:
        """Articles whose current extraction is not yet in the merged layer (the merge's resume point)."""
        rows = self.con.execute(
            "SELECT x.article_id FROM extracted x LEFT JOIN merged g ON g.article_id = x.article_id "
            "AND g.extractor = x.extractor WHERE g.article_id IS NULL ORDER BY x.article_id").fetchall()
        return [r[0] for r in rows]

    def extracted_ok(self, article_ids: Iterable[str]) -> set[str]:
        """Those of the articles whose extraction succeeded."""
        rows = self.con.execute("SELECT article_id FROM extracted WHERE status = 'ok' AND article_id IN "
                                "(SELECT unnest(?))", [list(article_ids)]).fetchall()
        return {r[0] for r in rows}

    def load_state(self, name: str, version: str) -> bytes | None:
        """A saved index (None when absent or saved by another version)."""
        row = self.con.execute("SELECT version, data FROM index_state WHERE name = ?", [name]).fetchone()
        return bytes(row[1]) if row and row[0] == version else None

    def index_map(self, table: str, *, fresh: bool = False) -> rows.RowMap:
        """One map of the merged layer's indexes, read by key from its ``ix_*`` table (``store.rows``); ``fresh``:
        the indexes are being built again (``save_merged(reset=True)`` empties the table)."""
        return rows.index_map(lambda: self.con, table, fresh=fresh)

    def published_map(self, *, fresh: bool = False) -> rows.RowMap:
        """Article -> publication day (ordinal), read by key from ``articles``."""
        return rows.RowMap(lambda: self.con, None, rows.published, fresh=fresh)

    def relations_map(self, *, fresh: bool = False) -> rows.RowMap:
        """Article -> its relation to its story's other reports, read by key from ``article_relations``."""
        def fetch(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, Any]:
            where = f"WHERE article_id IN ({rows.marks(len(keys))})"
            return {r.article_id: r for r in self._records("article_relations", ArticleRelation, where, keys)}
        return rows.RowMap(lambda: self.con, None, fetch, fresh=fresh)

    def save_merged(self, *, events: Sequence[Event] = (), removed_events: Mapping[str, str | None] | None = None,
                    episodes: Sequence[Episode] = (), removed_episodes: Iterable[str] = (),
                    stories: Sequence[Story] = (), removed_stories: Iterable[str] = (),
                    relations: Sequence[ArticleRelation] = (), merged: Mapping[str, str] | None = None,
                    state: tuple[str, str, bytes] | None = None, reset: bool = False,
                    changes: Sequence[EventChange] = (), index_rows: Sequence[rows.RowMap] = ()) -> None:
        """Write one update of the merged layer in one transaction: changed rows, ids that went away (an
        event's as an alias of its successor), the articles now merged, the saved index (its live part in
        ``state``, its rows that changed in ``index_rows``) and the events' ``changes`` (their history,
        ``store.history``).

        With ``reset`` the merged layer is emptied first (an index rebuilt from scratch).
        """
        with self.transaction():
            history.write(self.con, changes)
            if reset:
                for table in ("events", "episodes", "stories", "article_relations", "merged", *rows.INDEX_TABLES):
                    self.con.execute(f'DELETE FROM "{table}"')
            for old, new in sorted((removed_events or {}).items()):
                self.con.execute("DELETE FROM events WHERE id = ?", [old])
                if new is not None:
                    self._insert("event_aliases", EventAlias(old, new), replace=True)
                    # aliases of the id that went away follow it to its successor
                    self.con.execute("UPDATE event_aliases SET event_id = ? WHERE event_id = ?", [new, old])
                else:
                    self.con.execute("DELETE FROM event_aliases WHERE event_id = ?", [old])
            # one statement per table for the whole update (row by row, each write costs about a statement)
            self._insert_many("events", events, replace=True)
            self._delete("event_aliases", "alias", [e.id for e in events])  # live ids again
            self._delete("episodes", "id", removed_episodes)
            self._insert_many("episodes", episodes, replace=True)
            self._delete("stories", "id", removed_stories)
            self._insert_many("stories", stories, replace=True)
            self._insert_many("article_relations", relations, replace=True)
            if merged:
                done = sorted(merged.items())
                self.con.execute("INSERT OR REPLACE INTO merged SELECT unnest(?), unnest(?)",
                                 [[a for a, _ in done], [x for _, x in done]])
            if state is not None:
                self.con.execute("INSERT OR REPLACE INTO index_state VALUES (?, ?, ?)", list(state))
            for index in index_rows:
                index.write(self.con)
            # the list rows and search index of every event written or removed
            derived.refresh_events(self.con, None if reset else [*(e.id for e in events), *(removed_events or {})])
            derived.keep_sorted(self.con)

    # ------------------------------------------------------------------ review

    def add_decision(self, decision: Decision) -> None:
        """Store a reviewer's decision (kept across re-runs; the same id is stored once)."""
        with self.transaction():
            self._insert("decisions", decision)
            derived.refresh_events(self.con, derived.event_ids_of_decision(
                self.con, decision.event_id, decision.mention_ids, decision.article_ids))


def open_store(path: Path | str, *, read_only: bool = False, on_wait: Notice | None = None) -> Store:
    """Open (and create or migrate) the store at ``path``, waiting while another process writes it."""
    return Store(path, read_only=read_only, on_wait=on_wait)


__all__ = ["Store", "open_store", "run_lock", "model"]
