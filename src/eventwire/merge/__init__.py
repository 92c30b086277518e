"""Merge stage: event mentions from many articles -> events (ACLED's unit) -> episodes.

Needs: EventMentions, their articles' publication dates and stories, the reviewers' decisions.
Provides: ``EventIndex`` (incremental, order-independent merging of mentions into events, ids that
persist, aliases for ids that go away), ``EpisodeIndex`` (events reported as one occurrence), and
``build_event``, the Event record of a set of mentions (figures are left to the reconcile stage).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence

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
MERGE_VERSION = "1"


def _most_precise_place(cluster: Sequence[EventMention]) -> Place | None:
    """The place named most precisely (a town beats a region; a place named in the text beats the focus)."""
    places = [m.place for m in cluster if m.place is not None]
    return min(places, key=lambda p: (p.geo_precision, p.evidence.startswith("article focus"), p.name)) \
        if places else None


def build_event(eid: str, cluster: Sequence[EventMention], story_of: Mapping[str, str], *,
                anchor: str | None = None) -> Event:
    """The Event record of one cluster of mentions (no figures yet: the reconcile stage adds them)."""
    ordered = sorted(cluster, key=lambda m: (m.rank, m.article_id, m.id))
    lead = next((m for m in cluster if m.id == anchor), ordered[0])
    dated = [m for m in cluster if m.event_date]
    best_date = min(dated, key=lambda m: (m.time_precision, m.article_id, m.id)) if dated else lead
    with_actor1 = [m for m in ordered if m.actor1]
    with_actor2 = [m for m in ordered if m.actor2]
    a1 = lead if lead.actor1 else (with_actor1[0] if with_actor1 else None)
    a2 = lead if lead.actor2 else (with_actor2[0] if with_actor2 else None)
    return Event(
        id=eid,
        event_type=lead.event_type,
        sub_event_type=lead.sub_event_type,
        mention_ids=tuple(sorted(m.id for m in cluster)),
        article_ids=tuple(sorted({m.article_id for m in cluster})),
        event_date=best_date.event_date,
        date_end=best_date.date_end,
        time_precision=best_date.time_precision,
        actor1=a1.actor1 if a1 else None,
        actor2=a2.actor2 if a2 else None,
        inter1=a1.inter1 if a1 else None,
        inter2=a2.inter2 if a2 else None,
        place=_most_precise_place(cluster),
        story_id=story_of.get(lead.article_id),
        status=lead.status,
        plover=lead.plover,
        cameo=lead.cameo,
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
    "id", "mention_ids", "article_ids", "claims", "figures", "decision_ids", "reviewed", "episode_id"}


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
    "EDITABLE", "MERGE_VERSION", "Constraints", "EpisodeChanges", "EpisodeIndex", "EventChanges", "EventIndex",
    "EventKey", "MentionKey", "actor_side", "apply_decisions", "build_event", "compatible", "episode_id",
    "event_id", "event_key", "mention_key", "same_episode",
]
