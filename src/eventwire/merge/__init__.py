"""Merge stage: event mentions from many articles -> events (ACLED's unit) -> episodes.

Needs: EventMentions, their articles' publication dates and stories, the reviewers' decisions.
Provides: ``EventIndex`` (incremental, order-independent merging of mentions into events, ids that
persist, aliases for ids that go away), ``EpisodeIndex`` (events reported as one occurrence), and
``build_event``, the Event record of a set of mentions: its type, sub-type, actors, place and date decided
over them with the support of each (``decide``; figures are left to the reconcile stage).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence

from eventwire.merge.decide import decide
from eventwire.merge.episodes import EpisodeChanges, EpisodeIndex, EventKey, episode_id, same_episode
from eventwire.merge.events import (
    Constraints,
    EventChanges,
    EventIndex,
    MentionKey,
    compatible,
    event_id,
    mention_key,
)
from eventwire.model import Decision, Event, EventMention, Place, actor_side

# bump when merging rules change meaning (the saved indexes are then rebuilt from the stored mentions)
# 5: one event across sub-types of one family, fields decided over mentions; 6: place names once; 7: an article
# published before the indexes' live windows rebuilds them (stores fed out of order are made again); 8: the
# indexes' per-row maps are rows of the store (saved indexes of 7 are rebuilt); 9: a country named alone contains the
# places in it and contradicts only another country named alone; sub-types of one family in one story on the same
# precise day and town are one occurrence; 10: the story index places an undated article by the day it was stored,
# and lets it go from the live window as a dated one; 11: a planned mention (a plan, a term of a deal) makes no event;
# 12: a violent event and a demonstration of one story with the same casualty count or much of the same wording are
# one occurrence; a count or wording in common orders the links; an actor's side drops "the" ("Military Forces of the
# United States" and "Rioters (United States)" share one)
MERGE_VERSION = "12"

# Statuses whose mentions become events: what happened, and what a party denies or claims of it (ACLED codes a
# reported event whoever denies it). A plan or a term of an agreement is not an event until it happens.
EVENT_STATUSES = frozenset({"occurred", "denied", "opinion"})


def makes_event(m: EventMention) -> bool:
    """True when the mention can make or join an event (its status says something happened)."""
    return m.status in EVENT_STATUSES


def build_event(eid: str, cluster: Sequence[EventMention], story_of: Mapping[str, str], *,
                anchor: str | None = None, origin_of: Mapping[str, str] | None = None) -> Event:
    """The Event record of one cluster of mentions (no figures yet: the reconcile stage adds them).

    Type, sub-type, actors, place and date are decided over the mentions (``decide``; ``origin_of`` maps
    an article to the report it copies, so copies share one vote), each with its support.
    """
    ordered = sorted(cluster, key=lambda m: (m.rank, m.article_id, m.id))
    lead = next((m for m in cluster if m.id == anchor), ordered[0])
    fields, support = decide(cluster, origin_of or {}, lead)
    return Event(
        id=eid,
        mention_ids=tuple(sorted(m.id for m in cluster)),
        article_ids=tuple(sorted({m.article_id for m in cluster})),
        story_id=story_of.get(lead.article_id),
        status=lead.status,
        field_support=support,
        **fields,  # type: ignore[arg-type]
    )


def event_key(event: Event, stories: Sequence[str], anchor: tuple[int, str]) -> EventKey:
    """What episode grouping reads of an event."""
    p = event.place
    return EventKey(
        id=event.id, event_type=event.event_type, status=event.status,
        day=event.event_date.toordinal() if event.event_date else None, precision=event.time_precision,
        lat=p.latitude if p else None, lon=p.longitude if p else None, country=p.country if p else None,
        admin1=p.admin1 if p else None, sides=frozenset(actor_side(a) for a in (event.actor1, event.actor2) if a),
        articles=frozenset(event.article_ids), stories=frozenset(stories), anchor=anchor)


EDITABLE = frozenset(f.name for f in dataclasses.fields(Event)) - {
    "id", "mention_ids", "article_ids", "claims", "figures", "decision_ids", "reviewed", "episode_id", "field_support",
    "fatalities_split"}


def apply_decisions(event: Event, decisions: Sequence[Decision], event_of: Mapping[str, str]) -> Event:
    """A reviewer's edits and confirmations on the event that holds their mentions (after clustering).

    ``edit`` sets one field to its JSON value (a place as an object); ``confirm`` marks the event
    reviewed; merges and splits that shaped it are listed in ``decision_ids`` too.
    """
    mine = [d for d in sorted(decisions, key=lambda d: (d.made_at, d.id))
            if any(event_of.get(m) == event.id for m in (*d.mention_ids, *d.other_mention_ids))]
    out = event
    for d in mine:
        if d.action == "edit" and d.field in EDITABLE and d.value is not None:
            value = json.loads(d.value)
            if d.field == "place" and isinstance(value, dict):
                value = Place(**{k: v for k, v in value.items() if k in {f.name for f in dataclasses.fields(Place)}})
            elif d.field in {"event_date", "date_end"} and isinstance(value, str):
                value = dt.date.fromisoformat(value[:10])
            out = dataclasses.replace(out, **{d.field: value})
    if mine:
        out = dataclasses.replace(out, reviewed=any(d.action in {"confirm", "edit"} for d in mine),
                                  decision_ids=tuple(d.id for d in mine))
    return out


__all__ = [
    "EDITABLE", "EVENT_STATUSES", "MERGE_VERSION", "Constraints", "EpisodeChanges", "EpisodeIndex", "EventChanges",
    "EventIndex", "EventKey", "MentionKey", "actor_side", "apply_decisions", "build_event", "compatible",
    "episode_id", "event_id", "event_key", "makes_event", "mention_key", "same_episode",
]
