"""Who may write the store, and how long readers and writers wait for each other.

DuckDB lets one process write a database file, or several processes read it, never both at once. So
that readers are never locked out for long, a run opens the file only to commit (a batch of articles,
an update of the merged layer) and lets it go in between; everyone who finds the file taken retries
for a while (``connect``) instead of failing. Runs queue behind each other on a lock file beside the
store (``run_lock``): the second run waits for the first and says so. The lock file is released by the
operating system when its holder exits, however it exits, so a killed run never blocks the next one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from eventwire.errors import Errors, StoreError

# How long a reader or a writer waits for the store by default, in seconds: longer than any single
# commit of a run, so only a stuck process makes it give up.
DEFAULT_WAIT = 600.0
# Say that we wait after this long (a commit usually takes a fraction of a second).
TELL_AFTER = 1.0

Notice = Callable[[str], None]


def is_lock_conflict(exc: BaseException) -> bool:
    """DuckDB's error for a file another process holds ("Could not set lock ... Conflicting lock is held"),
    or that this process holds open the other way (a review app serving in the process of a run, say:
    DuckDB opens a file one way at a time per process, and the app lets go of it when idle)."""
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text or "different configuration" in text


def connect(path: Path, *, read_only: bool, wait: float = DEFAULT_WAIT,
            on_wait: Notice | None = None) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, retrying while another process holds a conflicting lock (up to ``wait`` s)."""
    start = time.monotonic()
    delay = 0.01
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            waited = time.monotonic() - start
            if not is_lock_conflict(exc):
                raise StoreError(Errors.E302, path=path, reason=exc) from exc
            if waited >= wait:
                raise StoreError(Errors.E304, path=path, seconds=f"{waited:.0f}", holder=_holder(exc)) from exc
            if on_wait is not None and not told and waited >= TELL_AFTER:
                on_wait(f"Waiting for the store {path}: {_holder(exc)} is writing it (it lets go after each commit).")
                told = True
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)


def _holder(exc: BaseException) -> str:
    text = str(exc)
    marker = "(PID "
    if marker in text:
        return "process " + text.split(marker, 1)[1].split(")", 1)[0]
    if "different configuration" in text:
        return "another connection of this process"
    return "another process"


def lock_path(db: Path) -> Path:
    """The run lock beside the store (``eventwire.duckdb`` -> ``eventwire.duckdb.run.lock``)."""
    return db.with_name(db.name + ".run.lock")


@contextlib.contextmanager
def run_lock(db: Path, *, on_wait: Notice | None = None, block: bool = True) -> Iterator[bool]:
    """Hold the store's run lock while the block runs: one run writes a store at a time, the next waits.

    Yields True when held; with ``block=False`` yields False at once when another run holds it. On
    systems without ``fcntl`` (Windows) runs are not queued: DuckDB's own lock and the retries of
    ``connect`` still keep them from writing at the same time.
    """
    if str(db) == ":memory:":
        yield True
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield True
        return
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not block:
                yield False
                return
            if on_wait is not None:
                fh.seek(0)
                holder = fh.read().strip() or "another run"
                on_wait(f"Another run is writing {db} ({holder}); this run waits for it to finish.")
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} on {socket.gethostname()}, started "
                     f"{dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.flush()
            yield True
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
