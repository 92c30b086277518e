"""Episodes: the events that sources report as one occurrence.

The 19 Sept 2023 offensive on Nagorno-Karabakh is an armed clash in one outlet and shelling plus drone
strikes in another; "24 hours of intense fighting ... dozens killed" speaks of all of them. ACLED codes
each sub-type as its own event; an episode groups them so that a toll of "the fighting" has a home.

Two events are one episode when both are violent (battles, explosions/remote violence, violence against
civilians) and occurred, on the same precise day, in places that agree (the same admin1 unit, or
within ``EPISODE_KM``), with actors that do not contradict each other, and reported together: by one
article, or by articles of one story. Episodes are the connected components of that relation; every
other event is an episode of its own. Incremental like events: only the components around changed
events are recomputed, and ids come from the earliest anchor, so they persist.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence

from eventwire.geodesy import distance_km
from eventwire.merge.events import LATENESS_DAYS, UNDATED_ANCHOR
from eventwire.model import stable_id

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
EPISODE_KM = 100.0  # largest distance between two events' points in one episode (one front, one day)
# Events first reported this many days before the newest report leave the live index (their episodes
# stay): the same bound as for mentions (history is 30 days, lateness a week, a month's precision 31
# days more). Events of undated articles never leave.
EVICT_AFTER_DAYS = 30 + LATENESS_DAYS + 31 + 1


@dataclasses.dataclass(frozen=True, slots=True)
class EventKey:
    """What episode grouping reads of one event."""

    id: str
    event_type: str
    status: str
    day: int | None
    precision: int
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    sides: frozenset[str]
    articles: frozenset[str]
    stories: frozenset[str]
    anchor: tuple[int, str]  # the event's anchor (publication day, mention id)


def episode_id(anchor_mention: str) -> str:
    """An episode's id from the anchor mention of its earliest event."""
    return stable_id("p", anchor_mention)


def same_episode(a: EventKey, b: EventKey) -> bool:
    """The two events are told as one occurrence (a symmetric test; see the module docstring)."""
    if a.event_type not in VIOLENT_TYPES or b.event_type not in VIOLENT_TYPES:
        return False
    if a.status != "occurred" or b.status != "occurred":
        return False
    if a.day is None or a.day != b.day or a.precision != 1 or b.precision != 1:
        return False
    if a.country and b.country and a.country != b.country:
        return False
    if a.sides and b.sides and not (a.sides & b.sides):
        return False
    if not (a.articles & b.articles or a.stories & b.stories):
        return False
    if a.lat is not None and b.lat is not None and a.lon is not None and b.lon is not None:
        return (distance_km(a.lat, a.lon, b.lat, b.lon) <= EPISODE_KM
                or bool(a.admin1 and a.admin1 == b.admin1))
    return True


@dataclasses.dataclass
class EpisodeChanges:
    """Episodes created or changed (id -> member event ids) and ids that went away (id -> successor)."""

    updated: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    removed: dict[str, str | None] = dataclasses.field(default_factory=dict)


class EpisodeIndex:
    """Events -> episodes, incrementally."""

    def __init__(self) -> None:
        self.keys: dict[str, EventKey] = {}
        self.by_day: dict[int, set[str]] = defaultdict(set)
        self.adj: dict[str, set[str]] = {}
        self.episode_of: dict[str, str] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        self.anchors: dict[str, tuple[int, str]] = {}  # every event's anchor (kept after eviction)
        self.by_anchor_day: dict[int, list[str]] = defaultdict(list)
        self.watermark: int | None = None  # the newest publication day seen

    def update(self, upserted: Sequence[EventKey] = (), removed: Iterable[str] = ()) -> EpisodeChanges:
        """Add, replace or remove events; recompute the episodes around them."""
        dirty: set[str] = set()
        old: set[str] = set()
        for eid in sorted(set(removed) | {k.id for k in upserted}):
            if eid in self.keys:
                dirty |= self.adj.get(eid, set())
                self._detach(eid)
            if eid in self.episode_of:
                old.add(self.episode_of.pop(eid))
            if eid in set(removed):
                self.anchors.pop(eid, None)
        for key in sorted(upserted, key=lambda k: k.id):
            self._attach(key)
            dirty.add(key.id)
        changes = EpisodeChanges()
        done: set[str] = set()
        for start in sorted(e for e in dirty if e in self.keys):
            if start in done:
                continue
            comp, todo = {start}, [start]
            while todo:
                for o in self.adj[todo.pop()]:
                    if o not in comp:
                        comp.add(o)
                        todo.append(o)
            done |= comp
            old |= {self.episode_of[e] for e in comp if e in self.episode_of}
            pid = episode_id(min(self.anchors[e] for e in comp)[1])
            members = tuple(sorted(comp))
            if self.members.get(pid) != members:
                changes.updated[pid] = members
            for e in members:
                self.episode_of[e] = pid
        for pid, members in changes.updated.items():
            self.members[pid] = members
        for pid in sorted(old):
            if pid in changes.updated or any(self.episode_of.get(e) == pid for e in self.members.get(pid, ())):
                continue
            successors = sorted({self.episode_of[e] for e in self.members.get(pid, ()) if e in self.episode_of})
            changes.removed[pid] = successors[0] if successors else None
            self.members.pop(pid, None)
        self._evict()
        return changes

    def exact_from(self) -> int | None:
        """The earliest first-report day of a new event still grouped exactly; None while nothing dated came."""
        return None if self.watermark is None else self.watermark - LATENESS_DAYS

    def _evict(self) -> None:
        if self.watermark is None:
            return
        cutoff = self.watermark - EVICT_AFTER_DAYS
        for day in sorted(d for d in self.by_anchor_day if d < cutoff):
            for eid in self.by_anchor_day.pop(day):
                if eid in self.keys:
                    self._detach(eid)

    def _attach(self, key: EventKey) -> None:
        self.keys[key.id] = key
        self.anchors[key.id] = key.anchor
        self.adj[key.id] = set()
        if key.anchor[0] != UNDATED_ANCHOR:
            self.by_anchor_day[key.anchor[0]].append(key.id)
            self.watermark = key.anchor[0] if self.watermark is None else max(self.watermark, key.anchor[0])
        if key.day is None:
            return
        for other in sorted(self.by_day.get(key.day, ())):
            if same_episode(key, self.keys[other]):
                self.adj[key.id].add(other)
                self.adj[other].add(key.id)
        self.by_day[key.day].add(key.id)

    def _detach(self, eid: str) -> None:
        key = self.keys.pop(eid)
        for other in self.adj.pop(eid, set()):
            self.adj[other].discard(eid)
        if key.day is not None and (found := self.by_day.get(key.day)) is not None:
            found.discard(eid)
            if not found:
                del self.by_day[key.day]  # the live part does not grow with every day ever seen
