"""Merge stage: event mentions from many articles -> events (one per real event).

Needs: EventMentions and the stories their articles belong to. Provides: Event records merged
from every article that mentions the event; figures are left to the reconcile stage. Ids are
derived from the member ids, so recomputing from the same store gives the same ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventwire.geodesy import points_km
from eventwire.model import Event, EventMention, Place, Story, stable_id

# Largest distance (km) between two mentions' places for them to be one event.
SAME_PLACE_KM = 50.0


def _compatible(a: EventMention, b: EventMention) -> bool:
    if a.article_id == b.article_id:
        return False  # one article's distinct mentions are distinct events (merged upstream)
    if a.sub_event_type != b.sub_event_type or a.status != b.status:
        return False
    if a.event_date and b.event_date:
        slack = 0 if a.time_precision == b.time_precision == 1 else 7
        if abs((a.event_date - b.event_date).days) > slack:
            return False
    if a.place and b.place:
        d = points_km(a.place, b.place)
        coarse = max(a.place.geo_precision, b.place.geo_precision) >= 2
        if d is not None and d > (SAME_PLACE_KM * (4 if coarse else 1)):
            return False
        if d is None and a.place.country != b.place.country:
            return False
    return True


def merge_events(mentions: Sequence[EventMention], stories: Sequence[Story]) -> list[Event]:
    """Merge mentions of one real event from many articles into one Event each.

    ``claims`` are left for the claims stage; ``Event.figures`` is empty here.
    """
    story_of = {aid: s.id for s in stories for aid in s.article_ids}
    ordered = sorted(mentions, key=lambda m: (m.article_id, m.rank))
    clusters: list[list[EventMention]] = []
    for m in ordered:
        for cluster in clusters:
            if all(_compatible(m, o) for o in cluster):
                cluster.append(m)
                break
        else:
            clusters.append([m])
    events = []
    for cluster in clusters:
        events.append(_event_from(cluster, story_of))
    return events


def _most_precise_place(cluster: Sequence[EventMention]) -> Place | None:
    places = [m.place for m in cluster if m.place is not None]
    return min(places, key=lambda p: p.geo_precision) if places else None


def _event_from(cluster: Sequence[EventMention], story_of: dict[str, str]) -> Event:
    lead = min(cluster, key=lambda m: (m.rank, m.article_id))
    dated = [m for m in cluster if m.event_date]
    best_date = min(dated, key=lambda m: (m.time_precision, m.article_id)) if dated else lead
    ids = tuple(sorted(m.id for m in cluster))
    article_ids = tuple(sorted({m.article_id for m in cluster}))
    return Event(
        id=stable_id("e", ids[0]),
        event_type=lead.event_type,
        sub_event_type=lead.sub_event_type,
        mention_ids=ids,
        article_ids=article_ids,
        event_date=best_date.event_date,
        date_end=best_date.date_end,
        time_precision=best_date.time_precision,
        actor1=lead.actor1 or next((m.actor1 for m in cluster if m.actor1), None),
        actor2=lead.actor2 or next((m.actor2 for m in cluster if m.actor2), None),
        inter1=lead.inter1,
        inter2=lead.inter2,
        place=_most_precise_place(cluster),
        story_id=story_of.get(lead.article_id),
        status=lead.status,
        plover=lead.plover,
        cameo=lead.cameo,
    )



__all__ = ["merge_events"]
