"""Shards: what one machine read and extracted, as Parquet files another machine loads into its store.

When several machines extract, each writes shards (``eventwire shard``) into a folder they all reach
(a shared file system, or one that is copied or synced); the machine that keeps the store loads them
(``eventwire load``) and merges. A shard is a folder with one Parquet file per table of the store
(the same columns: nested records as JSON text) and ``manifest.json``, written last: a folder without
it is still being written, or was abandoned, and is skipped. A shard is written under a temporary
name and renamed when complete, so a loader never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.errors import Errors, StoreError

if TYPE_CHECKING:
    from eventwire.store import Store

MANIFEST = "manifest.json"
SHARD_FORMAT = 1
# what a shard carries: the ingested articles and their extraction (the merged layer is the loader's)
SHARD_TABLES = ("articles", "article_sources", "quarantine", "extracted", "mentions", "claims", "story_features")
LOADED_KEY = "shard:"  # meta rows of the shards a store has loaded: 'shard:<name>' -> when


def write_shard(store: Store, out: Path, extractor: str) -> Path:
    """Write every table of ``store`` (a machine's working store) as a shard folder inside ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    name = f"{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{socket.gethostname()}-{os.getpid()}-" \
           f"{uuid.uuid4().hex[:8]}"
    tmp = out / f".{name}.partial"
    tmp.mkdir()
    counts = {}
    for table in SHARD_TABLES:
        target = tmp / f"{table}.parquet"
        store.con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{_quote(target)}' (FORMAT parquet)")
        counts[table] = store.count(table)
    manifest = {"format": SHARD_FORMAT, "extractor": extractor, "host": socket.gethostname(),
                "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "rows": counts}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    final = out / name
    tmp.rename(final)
    return final


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def shard_folders(paths: list[Path]) -> list[Path]:
    """The complete shards among ``paths`` (shard folders, or folders of shards), by name."""
    found: list[Path] = []
    for p in paths:
        if (p / MANIFEST).is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(d for d in p.iterdir() if d.is_dir() and not d.name.startswith(".")
                                and (d / MANIFEST).is_file()))
        else:
            raise StoreError(Errors.E305, path=p, reason="no such folder")
    return sorted(found, key=lambda d: d.name)


def read_manifest(shard: Path) -> dict:
    """A shard's manifest (what wrote it, with which extractor, how many rows)."""
    try:
        manifest = json.loads((shard / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(Errors.E305, path=shard, reason=f"unreadable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != SHARD_FORMAT:
        raise StoreError(Errors.E305, path=shard, reason=f"shard format {manifest.get('format')!r}, "
                         f"this eventwire reads {SHARD_FORMAT}")
    return manifest


def fill_from_shard(scratch: Store, shard: Path) -> None:
    """Copy a shard's tables into an empty scratch store (``Store(':memory:')``) to read its records."""
    for table in SHARD_TABLES:
        f = shard / f"{table}.parquet"
        if not f.is_file():
            raise StoreError(Errors.E305, path=shard, reason=f"{f.name} is missing")
        scratch.con.execute(f"INSERT INTO \"{table}\" BY NAME SELECT * FROM read_parquet('{_quote(f)}')")


def loaded(store: Store) -> set[str]:
    """Names of the shards this store has loaded."""
    rows = store.con.execute("SELECT key FROM meta WHERE starts_with(key, ?)", [LOADED_KEY]).fetchall()
    return {r[0][len(LOADED_KEY):] for r in rows}


def mark_loaded(store: Store, shard: Path) -> None:
    """Record that the shard is in the store (loading it again is skipped)."""
    store.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                      [LOADED_KEY + shard.name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")])


def remove_scratch(path: Path) -> None:
    """Remove a working store and its write-ahead log."""
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


__all__ = ["MANIFEST", "SHARD_TABLES", "fill_from_shard", "loaded", "mark_loaded", "read_manifest", "remove_scratch",
           "shard_folders", "write_shard"]
