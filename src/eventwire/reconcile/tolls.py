"""Tolls ACLED's way: a toll told for a whole episode lands on its events so that sums stay right.

ACLED codes one row per event and sums its ``fatalities`` column over rows. When a source gives one
toll for several events ("24 hours of fighting ... dozens killed" over an armed clash, shelling and
drone strikes), ACLED divides it evenly among them, the remainder going to the first events, or gives
it whole to the one event it belongs to. Here:

- the episode's reconciled figures (from its claims that speak of the whole) are the total;
- a violent event that has a fatality figure of its own keeps it;
- what the episode's total leaves over the events' own figures is divided evenly among the violent
  events without one (earliest first for the remainder); one such event takes it whole ("assigned");
- ACLED's figure, low, best and high are split alike, so each event keeps low <= ACLED, best <= high and
  the events' ACLED figures add up to the episode's.

``Event.fatalities_split`` says what happened: 0 the event's own figures, 1 the episode's toll assigned
to it whole, n a 1/n share of it; the notes of the exports say so in words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from eventwire.model import VIOLENT_EVENT_TYPES, Episode, Event, FigureSummary


def share(total: int | None, n: int, i: int) -> int | None:
    """The i-th of n even shares of ``total`` (the first ``total % n`` shares take one more)."""
    if total is None:
        return None
    return total // n + (1 if i < total % n else 0)


def _own(event: Event) -> FigureSummary | None:
    """The event's own fatality figure (from claims told of it, not of the episode)."""
    return next((f for f in event.figures if f.field == "fatalities" and (f.low is not None or f.best is not None)),
                None)


def _left(total: int | None, own: Sequence[int | None]) -> int | None:
    if total is None:
        return None
    return max(total - sum(v or 0 for v in own), 0)


def split_episode_toll(episode: Episode, events: Sequence[Event]) -> dict[str, Event]:
    """The events of a several-event episode with the episode's toll divided among them (see the module
    docstring); events not changed are returned as they are."""
    out = {e.id: e for e in events}
    fat = next((f for f in episode.figures if f.field == "fatalities"), None)
    whole = [c for c in episode.claims if c.level == "episode" and c.field == "fatalities"]
    if fat is None or not whole or (fat.acled is None and fat.best is None):
        return out
    violent = [e for e in events if e.event_type in VIOLENT_EVENT_TYPES and e.status == "occurred"]
    own = [e for e in violent if _own(e) is not None]
    takers = sorted((e for e in violent if _own(e) is None),
                    key=lambda e: (e.event_date or episode.event_date, e.id))
    if not takers:
        return out  # every event has its own figure: the episode's toll stays the episode's
    owned = [_own(e) for e in own]
    rest = {
        "acled": _left(fat.acled, [f.acled for f in owned if f]),
        "low": _left(fat.low, [f.low for f in owned if f]),
        "best": _left(fat.best, [f.best for f in owned if f]),
        "high": _left(fat.high, [f.high for f in owned if f]),
    }
    n = len(takers)
    for i, e in enumerate(takers):
        acled, low, best, high = (share(rest[k], n, i) for k in ("acled", "low", "best", "high"))
        # what the own figures left of each bound may cross over: the range always holds the others
        values = [v for v in (acled, low, best, high) if v is not None]
        low = min(values) if values else None
        high = max(values) if values and high is not None else high
        out[e.id] = dataclasses.replace(e, fatalities=acled if acled is not None else best, fatalities_low=low,
                                        fatalities_best=best if best is not None else acled, fatalities_high=high,
                                        fatalities_split=n)
    return out


__all__ = ["share", "split_episode_toll"]
