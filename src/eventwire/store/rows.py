"""The merged layer's indexes as rows: one DuckDB table per map, read by key and written by changed row.

The story, event and episode indexes keep, for every article, mention, event, cluster and episode ever
added, which cluster, story, event or episode holds it (about 0.3 KB per article). These maps live in
``ix_*`` tables (``key`` -> JSON ``value``); a ``RowMap`` stands in for the dict an index keeps: it reads a
row when the update first asks for it (or a batch of rows, ``prefetch``), keeps what it read and what the
update set, and ``write`` writes only the rows whose value changed (the new one compared with the one read,
so values changed in place, such as sets, are seen too) in the caller's transaction. Reading and writing a
row goes through the primary key's index: the cost of an update follows the rows it touches, not the
size of the store.

Two maps read rows the store keeps anyway: an article's publication day (``articles``) and its relation
to the other reports of its story (``article_relations``, written with the merged layer).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

import duckdb

CHUNK = 200  # keys per IN list read of a map (the key's index answers lists of this size)
INDEX_LIST = 2048  # longest IN list DuckDB answers from a key's index (its index_scan_max_count)
_MISSING = object()


def _tuple(v: Any) -> tuple:
    return tuple(v)


def _pair(v: Any) -> tuple:
    return (v[0], v[1])


def _set_encode(v: Any) -> Any:
    return sorted(v)


@dataclasses.dataclass(frozen=True)
class Kind:
    """How a map's values are stored: JSON of ``encode(value)``, read back by ``decode``."""

    decode: Callable[[Any], Any] = lambda v: v
    encode: Callable[[Any], Any] = lambda v: v


TEXT = Kind()
NUMBER = Kind()
TUPLE = Kind(_tuple, list)
PAIR = Kind(_pair, list)
SET = Kind(set, _set_encode)

# table -> the kind of its values (``key`` names an article, mention, event, cluster, story or episode)
INDEX_TABLES: dict[str, Kind] = {
    # stories (StoryIndex): per article its time block, day and cluster; per cluster its members, anchor,
    # story and links to clusters of neighbouring blocks; per story its articles
    "ix_story_block": NUMBER,
    "ix_story_day": NUMBER,
    "ix_story_cluster_of": TEXT,
    "ix_cluster_members": TUPLE,
    "ix_cluster_anchor": PAIR,
    "ix_cluster_story": TEXT,
    "ix_cluster_links": SET,
    "ix_story_articles": SET,
    # events (EventIndex): per article its story and mentions; per mention its event and anchor; per event
    # its mentions
    "ix_article_story": TEXT,
    "ix_article_mentions": TUPLE,
    "ix_mention_event": TEXT,
    "ix_mention_anchor": PAIR,
    "ix_event_members": TUPLE,
    # episodes (EpisodeIndex): per event its episode and anchor; per episode its events
    "ix_event_episode": TEXT,
    "ix_event_anchor": PAIR,
    "ix_episode_members": TUPLE,
}

INDEX_DDL = [f"CREATE TABLE IF NOT EXISTS {t} (key VARCHAR PRIMARY KEY, value JSON)" for t in INDEX_TABLES]


def marks(n: int) -> str:
    """Placeholders of an IN list of n values."""
    return ",".join("?" * n)


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(keys), CHUNK):
        yield keys[i:i + CHUNK]


def _table_rows(table: str) -> Callable[[duckdb.DuckDBPyConnection, list[str]], dict[str, Any]]:
    def fetch(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, Any]:
        rows = con.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks(len(keys))})", keys).fetchall()
        return {k: json.loads(v) for k, v in rows}
    return fetch


def published(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, Any]:
    """Publication days (ordinals) of the articles, read from ``articles``."""
    rows = con.execute(f"SELECT id, published FROM articles WHERE id IN ({marks(len(keys))})", keys).fetchall()
    return {k: (d.toordinal() if isinstance(d, dt.date) else None) for k, d in rows}


class RowMap(MutableMapping[str, Any]):
    """A dict of an index whose rows live in a table (see the module docstring).

    ``con`` gives the connection to read with; with ``fresh`` the table counts as empty (an index built
    again from scratch: the caller empties the table in the transaction that writes it). A map over rows
    the store writes itself (``table`` None) only reads.
    """

    def __init__(self, con: Callable[[], duckdb.DuckDBPyConnection], table: str | None,
                 fetch: Callable[[duckdb.DuckDBPyConnection, list[str]], dict[str, Any]], kind: Kind = TEXT,
                 *, fresh: bool = False) -> None:
        self._con = con
        self.table = table
        self._fetch = fetch
        self.kind = kind
        self.fresh = fresh
        self._values: dict[str, Any] = {}  # what the update reads and sets (_MISSING: no such row)
        self._stored: dict[str, Any] = {}  # key -> its stored JSON value (None: no row), for keys read
        self.reads = 0  # queries made (the benchmark's work counter)

    def __reduce__(self) -> tuple[Any, ...]:
        # the rows are in the table: what is pickled with the live part of an index is an empty placeholder
        return (dict, ())

    # ------------------------------------------------------------------ reading

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the rows of these keys at once (those not read yet)."""
        want = sorted({k for k in keys if k not in self._values})
        if not want:
            return
        found: dict[str, Any] = {}
        if not self.fresh:
            con = self._con()
            for chunk in _chunks(want):
                found.update(self._fetch(con, chunk))
                self.reads += 1
        for k in want:
            raw = found.get(k, _MISSING)
            if raw is _MISSING:
                self._stored[k] = None
                self._values[k] = _MISSING
            else:
                self._stored[k] = self._json(raw)
                self._values[k] = raw if self.table is None else self.kind.decode(raw)

    def _json(self, raw: Any) -> str | None:
        return None if self.table is None else json.dumps(raw, ensure_ascii=False, separators=(",", ":"))

    def __getitem__(self, key: str) -> Any:
        value = self._values.get(key, _MISSING)
        if value is _MISSING and key not in self._values:
            self.prefetch([key])
            value = self._values[key]
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: str, value: Any) -> None:
        self._values[key] = value

    def __delitem__(self, key: str) -> None:
        self[key]  # KeyError when absent
        self._values[key] = _MISSING

    def _all_keys(self) -> list[str]:
        stored: list[str] = []
        if not self.fresh and self.table is not None:
            stored = [r[0] for r in self._con().execute(f"SELECT key FROM {self.table} ORDER BY key").fetchall()]
        elif not self.fresh:
            raise TypeError("a view of another table is read by key only")
        return sorted(set(stored) | set(self._values))

    def __iter__(self) -> Iterator[str]:
        # a whole scan: only an index being replaced reads every row (``pipeline.merged._gone``)
        keys = self._all_keys()
        self.prefetch(keys)
        return iter([k for k in keys if self._values[k] is not _MISSING])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    # ------------------------------------------------------------------ writing

    def write(self, con: duckdb.DuckDBPyConnection) -> int:
        """Write the rows whose value differs from the stored one (in the caller's transaction); returns
        how many."""
        if self.table is None:
            return 0
        unknown = [k for k in self._values if k not in self._stored]
        if unknown:
            if self.fresh:
                self._stored.update(dict.fromkeys(unknown))
            else:
                found: dict[str, Any] = {}
                for chunk in _chunks(sorted(unknown)):
                    found.update(self._fetch(con, chunk))
                self._stored.update({k: self._json(found[k]) if k in found else None for k in unknown})
        now = {k: None if v is _MISSING else self._json(self.kind.encode(v)) for k, v in self._values.items()}
        changed = sorted(k for k, v in now.items() if v != self._stored[k])
        gone = [k for k in changed if self._stored[k] is not None]
        for chunk in _chunks(gone):
            con.execute(f"DELETE FROM {self.table} WHERE key IN ({marks(len(chunk))})", chunk)
        rows = [k for k in changed if now[k] is not None]
        if rows:
            con.execute(f"INSERT INTO {self.table} SELECT unnest(?), unnest(?)", [rows, [now[k] for k in rows]])
        self._stored.update({k: now[k] for k in changed})
        return len(changed)


def index_map(con: Callable[[], duckdb.DuckDBPyConnection], table: str, *, fresh: bool = False) -> RowMap:
    """The map of one ``ix_*`` table."""
    return RowMap(con, table, _table_rows(table), INDEX_TABLES[table], fresh=fresh)
