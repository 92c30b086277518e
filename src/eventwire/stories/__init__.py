"""Stories stage: articles -> stories; mentions from many articles -> events.

Needs: Articles and their EventMentions. Provides: Story records (articles that
report the same story: copies, rewrites, follow-ups) and Event records (one per
real event, merged from every article that mentions it). Ids are derived from
the member ids, so recomputing from the same store gives the same ids.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence

from datasketch import MinHash

from eventwire.model import Article, Event, EventMention, Place, Story, stable_id

_WORD = re.compile(r"\w+", re.UNICODE)

# Shingle overlap above which two texts are copies or rewrites of one story.
COPY_JACCARD = 0.25
# Largest distance (km) between two mentions' places for them to be one event.
SAME_PLACE_KM = 50.0


def _shingles(text: str, n: int = 3) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))}


def _minhash(text: str) -> MinHash:
    mh = MinHash(num_perm=64, seed=7)
    for s in _shingles(text):
        mh.update(s.encode("utf-8"))
    return mh


class _UnionFind:
    def __init__(self, items: Sequence[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller id wins, so the grouping does not depend on input order
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for x in sorted(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


def km(a: Place, b: Place) -> float | None:
    """Great-circle distance between two places, or None when either has no point."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _main_signature(mentions: Sequence[EventMention]) -> tuple | None:
    occurred = [m for m in mentions if m.status == "occurred"]
    if not occurred:
        return None
    m = occurred[0]
    return (m.event_type, m.event_date, m.place.country if m.place else None)


def group_stories(articles: Sequence[Article], mentions: Sequence[EventMention]) -> list[Story]:
    """Group articles into stories: near-copies by text overlap, others by shared main event."""
    ids = [a.id for a in articles]
    uf = _UnionFind(ids)
    hashes = {a.id: _minhash(a.text) for a in articles}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if hashes[a].jaccard(hashes[b]) >= COPY_JACCARD:
                uf.union(a, b)
    by_article: dict[str, list[EventMention]] = {}
    for m in mentions:
        by_article.setdefault(m.article_id, []).append(m)
    for mlist in by_article.values():
        mlist.sort(key=lambda m: m.rank)
    sigs = {aid: _main_signature(ms) for aid, ms in by_article.items()}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if sigs.get(a) is not None and sigs.get(a) == sigs.get(b):
                uf.union(a, b)
    titles = {a.id: a.title for a in articles}
    return [Story(id=stable_id("s", *group), article_ids=tuple(group),
                  title=next((titles[g] for g in group if titles.get(g)), None))
            for group in uf.groups()]


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
        d = km(a.place, b.place)
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


__all__ = ["group_stories", "km", "merge_events", "dataclasses"]
