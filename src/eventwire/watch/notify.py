"""Webhooks: the new and changed events of each poll, as one JSON body POSTed to a URL (``watch --notify URL``).

Each webhook has a cursor in the store: the last change it was told of. After a poll, the changes past it are
grouped by event (an id that went away is told under the event it lives on in), the events that pass the filters
(country, type, minimum fatalities, disputed: what ``export`` filters mean) are sent with their current row and
their changes, and the cursor moves on only once the receiver answered 2xx. A delivery that fails is tried again
``notify_retries`` times, 1, 2, 4 ... seconds apart, then at the next poll: a receiver may see a delivery twice
(after a kill between its answer and the cursor's commit), never miss one; ``delivery`` identifies it.

A webhook new to the store starts with the changes of the poll it is first given in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from eventwire import __version__, export
from eventwire.errors import Errors, UsageError
from eventwire.model import Event, EventChange
from eventwire.settings import Settings
from eventwire.store import Store, history, watching

# changes sent in one delivery at most (the rest go in the next)
MAX_CHANGES = 5000


@dataclass(frozen=True)
class Filters:
    """Which events a webhook is told of (every condition given must hold)."""

    country: str | None = None  # name or ISO3
    event_type: str | None = None  # event type or sub-type
    min_fatalities: int = 0  # best figure (ACLED's when there is no best)
    disputed: bool = False

    def matches(self, e: Event) -> bool:
        flt = export.EventFilter(country=self.country, event_type=self.event_type, disputed=self.disputed)
        best = e.fatalities_best if e.fatalities_best is not None else e.fatalities
        return flt.matches(e) and (best or 0) >= self.min_fatalities

    @property
    def none(self) -> bool:
        return not (self.country or self.event_type or self.min_fatalities or self.disputed)


@dataclass
class Delivery:
    """What one webhook was sent after a poll."""

    url: str
    events: int = 0
    changes: int = 0
    ok: bool = True
    tries: int = 0
    error: str = ""
    through: int = 0  # the last change covered


def check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise UsageError(Errors.E266, url=url)
    return url


def body(store: Store, changes: Sequence[EventChange], filters: Filters) -> tuple[dict[str, Any], int]:
    """The JSON body of a delivery: the events (current rows) that pass ``filters``, each with its changes; and
    how many events it holds."""
    con = store.con
    successor = dict(con.execute("SELECT alias, event_id FROM event_aliases").fetchall())
    grouped: dict[str, list[EventChange]] = {}
    for c in changes:
        grouped.setdefault(successor.get(c.event_id, c.event_id), []).append(c)
    events = {e.id: e for e in store.events(sorted(grouped))}
    claims = {c.id: c for c in store.claims_by_id({cid for e in events.values() for f in e.figures
                                                   for cid in f.claim_ids})}
    ctx = export.Context(claims=claims, decisions=tuple(store.decisions()))
    out = []
    for eid, cs in grouped.items():
        e = events.get(eid)
        if e is None and not filters.none:
            continue  # gone for good: no current row to filter by
        if e is not None and not filters.matches(e):
            continue
        out.append({"event_id": eid, "event": export.event_row(e, export.acled_notes(e, claims), ctx) if e else None,
                    "changes": [export.change_row(c) for c in cs]})
    return {"store": store.path.name, "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "eventwire": __version__, "changes_through": changes[-1].seq if changes else 0, "events": out}, len(out)


def deliver(store: Store, url: str, filters: Filters, settings: Settings, *, start: int,
            sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Send a webhook the changes past its cursor (``start``: where a webhook new to the store begins)."""
    cursor = watching.cursor(store.con, url)
    after = start if cursor is None else cursor
    changes = history.read(store.con, after_seq=after, limit=MAX_CHANGES)
    result = Delivery(url, changes=len(changes), through=changes[-1].seq if changes else after)
    if not changes:
        if cursor is None:
            watching.set_cursor(store.con, url, after)
        return result
    payload, result.events = body(store, changes, filters)
    if result.events:
        payload["delivery"] = hashlib.sha1(f"{url}|{after}|{result.through}".encode()).hexdigest()[:16]
        store.release()  # readers get in while the receiver answers (and while a failed delivery is retried)
        result.ok, result.tries, result.error = post(url, payload, settings, sleep=sleep)
    if result.ok:
        watching.set_cursor(store.con, url, result.through)
    return result


def post(url: str, payload: dict[str, Any], settings: Settings, *, sleep: Callable[[float], None] = time.sleep
         ) -> tuple[bool, int, str]:
    """POST JSON, retrying on errors and non-2xx answers with a doubling wait; (delivered, tries, last error)."""
    error = ""
    tries = max(1, settings.notify_retries)
    headers = {"User-Agent": settings.user_agent, "Content-Type": "application/json"}
    for attempt in range(1, tries + 1):
        try:
            resp = httpx.post(url, json=payload, headers=headers, timeout=settings.notify_timeout)
            if 200 <= resp.status_code < 300:
                return True, attempt, ""
            error = f"HTTP {resp.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempt < tries:
            sleep(2.0 ** (attempt - 1))
    return False, tries, error


@dataclass
class Notifier:
    """The webhooks of one watch and their filters."""

    urls: Sequence[str] = ()
    filters: Filters = field(default_factory=Filters)

    def __call__(self, store: Store, settings: Settings, start: int) -> list[Delivery]:
        return [deliver(store, url, self.filters, settings, start=start) for url in self.urls]


def failure_message(d: Delivery) -> str:
    return Errors.E267.format(url=d.url, tries=d.tries, reason=d.error)


__all__ = ["MAX_CHANGES", "Delivery", "Filters", "Notifier", "body", "check_url", "deliver", "failure_message",
           "post"]
