"""What ``eventwire watch`` keeps in the store: each watched source's state (validators of its last fetch, errors
and when to try again) and each of its items (feed entries, listed URLs, files: what they looked like when last
read), how far each webhook has been told, and the review app's visits.

Items are written right after the articles read from them, so a watch that is killed resumes where it was: an
item whose article was stored but not yet marked is read again and found stored ("seen"), nothing is stored
twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from eventwire.store.history import now_utc


def load(con: Any, source: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A source's saved state and its items' (key -> state); empty for a source never polled."""
    row = con.execute("SELECT state FROM watch_sources WHERE source = ?", [source]).fetchone()
    items = con.execute("SELECT key, state FROM watch_items WHERE source = ?", [source]).fetchall()
    return (json.loads(row[0]) if row and row[0] else {}), {k: json.loads(v) for k, v in items}


def save_items(con: Any, source: str, items: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Record what the items of a source looked like when read (after their articles are stored)."""
    if not items:
        return
    now = now_utc()
    con.executemany("INSERT OR REPLACE INTO watch_items VALUES (?, ?, ?, ?)",
                    [[source, key, json.dumps(state, sort_keys=True), now] for key, state in items])


def save_source(con: Any, source: str, state: dict[str, Any], *, cleared: bool = False) -> None:
    """Record a source's state after a poll; ``cleared``: it was read, so its earlier failure leaves quarantine."""
    con.execute("INSERT OR REPLACE INTO watch_sources VALUES (?, ?, ?)",
                [source, json.dumps(state, sort_keys=True), now_utc()])
    if cleared:
        con.execute("DELETE FROM quarantine WHERE source = ?", [source])


def sources(con: Any) -> list[dict[str, Any]]:
    """Every watched source with its state and item count, by source."""
    rows = con.execute("SELECT s.source, s.state, s.polled_at, (SELECT count(*) FROM watch_items i "
                       "WHERE i.source = s.source) FROM watch_sources s ORDER BY s.source").fetchall()
    return [{"source": s, "state": json.loads(st) if st else {}, "polled_at": t, "items": int(n)}
            for s, st, t, n in rows]


# --------------------------------------------------------------------------- webhooks


def cursor(con: Any, target: str) -> int | None:
    """The last change a webhook was told of (None: never told; it starts from the changes made after that)."""
    row = con.execute("SELECT seq FROM notify_cursors WHERE target = ?", [target]).fetchone()
    return int(row[0]) if row else None


def set_cursor(con: Any, target: str, seq: int) -> None:
    con.execute("INSERT OR REPLACE INTO notify_cursors VALUES (?, ?, ?)", [target, seq, now_utc()])


# --------------------------------------------------------------------------- visits of the review app

# A reviewer's visit lasts while requests come at most this far apart; what is new is new since the one before.
VISIT_GAP = dt.timedelta(minutes=30)


def visit(con: Any, visitor: str, at: dt.datetime | None = None) -> dt.datetime | None:
    """Note a visit of ``visitor``; returns the time of the visit before this one (None: the first), since which
    events count as new or changed."""
    at = at or now_utc()
    row = con.execute("SELECT previous, latest FROM visits WHERE visitor = ?", [visitor]).fetchone()
    if row is None:
        con.execute("INSERT INTO visits VALUES (?, NULL, ?)", [visitor, at])
        return None
    previous, latest = row
    if latest is not None and at - latest > VISIT_GAP:
        previous = latest  # a new visit: the last one is what it is compared with
    con.execute("UPDATE visits SET previous = ?, latest = ? WHERE visitor = ?", [previous, at, visitor])
    return previous


__all__ = ["VISIT_GAP", "cursor", "load", "save_items", "save_source", "set_cursor", "sources",
           "visit"]
