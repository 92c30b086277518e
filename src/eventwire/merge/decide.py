"""An event's fields decided over its mentions, each with the mentions that support it and those against.

Reports of one occurrence disagree: one article calls it an armed clash, two others an air strike; one
names the town, another only the province. Each field is decided by a weighted vote of the event's
mentions. A mention's weight is

- its **confidence** (the event models' probability for its sentence, at least ``MIN_CONFIDENCE``),
- times **independence**: the mentions of copies and rewrites of one report share that report's one vote,
- times 1.5 for the article's **main** event (told in the lede, not in passing),
- times the **specificity** of the value it gives: a weapon's sub-type over the family's catch-all
  ("Air/drone strike" over "Armed clash"), a named actor over "Unidentified Armed Group", a town over
  its province, a place named in the sentence over the article's focus or its dateline.

A place supports every place inside it (a mention of "Nagorno-Karabakh" agrees with "Stepanakert"); a
date supports every date within its precision. Ties go to the lead mention (the event's anchor).
``FieldSupport`` records the value, the mentions behind it and each disagreeing mention with its value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence

from eventwire.model import EventMention, FieldSupport, Place

MIN_CONFIDENCE = 0.05
MAIN_EVENT = 1.5
# sub-types that are a family's catch-all: a more specific reading of the same occurrence outweighs them
CATCH_ALL = frozenset({"Armed clash", "Attack", "Other", "Peaceful protest"})
SPECIFIC = 1.25
UNNAMED = ("Unidentified", "Civilians")  # actor names that say who only by kind
NAMED_ACTOR = 1.5  # a named actor over one said only by kind
PLACE_SPECIFICITY = {1: 1.5, 2: 1.0, 3: 0.6}
BORROWED = 0.5  # a place taken from the article's focus or a dateline, not named as where it happened
DATE_SLACK = {1: 0, 2: 7, 3: 31}
_DATELINE_END = r"[ \t]*(?:[,/:(—–]|-\s)"  # what follows a dateline's place


def dateline(p: Place) -> bool:
    """The place is named in a dateline, which says where the outlet wrote from: a line that starts with it and
    goes on with a comma, a slash, a colon or a dash ("Mumbai, Nov 11", "New Delhi / Mumbai:"), or a wire
    service's capitals ("KABUL, Afghanistan")."""
    name = re.escape(p.name)
    after_newline = re.search(rf"\n[ \t]*{name}{_DATELINE_END}", p.evidence)
    wire = p.name.isupper() and re.match(rf"[ \t]*{name}{_DATELINE_END}", p.evidence)
    return bool(after_newline or wire)


def borrowed(p: Place) -> bool:
    """The place was not named as where the event happened: the article's focus, or a dateline."""
    return p.evidence.startswith("article focus") or dateline(p)


def weights(cluster: Sequence[EventMention], origin_of: Mapping[str, str]) -> dict[str, float]:
    """Each mention's vote: confidence x independence x main event (see the module docstring)."""
    per_origin: dict[str, int] = defaultdict(int)
    for m in cluster:
        per_origin[origin_of.get(m.article_id, m.article_id)] += 1
    return {m.id: max(m.confidence, MIN_CONFIDENCE) / per_origin[origin_of.get(m.article_id, m.article_id)]
            * (MAIN_EVENT if m.rank == 0 else 1.0) for m in cluster}


def _vote(field: str, cluster: Sequence[EventMention], w: Mapping[str, float], lead: EventMention,
          value: Callable[[EventMention], Hashable | None], specificity: Callable[[Hashable], float],
          agrees: Callable[[Hashable, Hashable], bool] | None = None, show: Callable[[Hashable], str] = str,
          ) -> tuple[Hashable | None, FieldSupport | None]:
    """The value with the most weight behind it (its own mentions and those whose value agrees with it,
    times its specificity), and who supports it and who not."""
    given = [(m, value(m)) for m in cluster]
    given = [(m, v) for m, v in given if v is not None]
    if not given:
        return None, None
    agrees = agrees or (lambda candidate, other: candidate == other)
    candidates = list(dict.fromkeys(v for _, v in given))
    lead_value = value(lead)

    def score(candidate: Hashable) -> tuple[float, bool, str]:
        behind = sum(w[m.id] for m, v in given if agrees(candidate, v))
        return behind * specificity(candidate), candidate == lead_value, show(candidate)

    best = max(candidates, key=score)
    support = tuple(sorted(m.id for m, v in given if agrees(best, v)))
    against = [(m, v) for m, v in given if not agrees(best, v)]
    return best, FieldSupport(
        field=field, value=show(best), support=support,
        disagree=tuple(sorted(f"{m.id}: {show(v)}" for m, v in against)),
        weight=round(sum(w[m.id] for m, v in given if agrees(best, v)), 4),
        against=round(sum(w[m.id] for m, _ in against), 4))


def _place_key(p: Place) -> tuple:
    return (p.gazetteer_name or p.name, p.country, p.admin1, p.geo_precision, p.feature,
            p.evidence.startswith("article focus"))


def _inside(inner: Place, outer: Place) -> bool:
    """``inner`` is ``outer`` or lies inside it (a town in a region the other names)."""
    if (inner.gazetteer_name or inner.name) == (outer.gazetteer_name or outer.name):
        return True
    if inner.country and outer.country and inner.country != outer.country:
        return False
    if outer.feature == "country":
        return inner.country == outer.country
    coarse = outer.feature in {"admin1", "region"} or outer.geo_precision >= 2
    return bool(coarse and outer.admin1 and inner.admin1 == outer.admin1 and inner.geo_precision <= outer.geo_precision)


def decide_place(cluster: Sequence[EventMention], w: Mapping[str, float], lead: EventMention
                 ) -> tuple[Place | None, FieldSupport | None]:
    """The most supported place, a town over the region it lies in (see the module docstring)."""
    places = {_place_key(m.place): m.place for m in cluster if m.place is not None}

    def spec(key: Hashable) -> float:
        p = places[key]  # type: ignore[index]
        return PLACE_SPECIFICITY.get(p.geo_precision, 0.6) * (BORROWED if borrowed(p) else 1.0)

    def agrees(candidate: Hashable, other: Hashable) -> bool:
        return _inside(places[candidate], places[other])  # type: ignore[index]

    def show(key: Hashable) -> str:
        p = places[key]  # type: ignore[index]
        # each name once: "Armenia" for a place that is its country, not "Armenia, Armenia"
        return ", ".join(dict.fromkeys(x for x in (p.name, p.admin1, p.country) if x))

    key, support = _vote("place", cluster, w, lead, lambda m: _place_key(m.place) if m.place else None, spec,
                         agrees, show)
    return (places[key] if key is not None else None), support  # type: ignore[index]


def _date_agrees(candidate: Hashable, other: Hashable) -> bool:
    (day, precision), (oday, oprecision) = candidate, other  # type: ignore[misc]
    return abs(day - oday) <= DATE_SLACK.get(max(precision, oprecision), 31)


def decide(cluster: Sequence[EventMention], origin_of: Mapping[str, str], lead: EventMention
           ) -> tuple[dict[str, object], tuple[FieldSupport, ...]]:
    """The event's sub-type (and type), actors, place and date over its mentions, with their support."""
    w = weights(cluster, origin_of)
    out: dict[str, object] = {}
    supports: list[FieldSupport] = []
    sub, s = _vote("sub_event_type", cluster, w, lead, lambda m: m.sub_event_type,
                   lambda v: 1.0 if v in CATCH_ALL else SPECIFIC)
    typed = next(m for m in sorted(cluster, key=lambda m: (m.id != lead.id, -w[m.id], m.id))
                 if m.sub_event_type == sub)
    out.update(event_type=typed.event_type, sub_event_type=sub, plover=typed.plover, cameo=typed.cameo)
    supports.append(s)  # type: ignore[arg-type]

    def named(v: Hashable) -> float:
        return 1.0 if str(v).startswith(UNNAMED) else NAMED_ACTOR

    for field, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        actor, s = _vote(field, cluster, w, lead, lambda m, f=field: getattr(m, f), named)
        out[field] = actor
        out[inter] = next((getattr(m, inter) for m in sorted(cluster, key=lambda m: (m.id != lead.id, m.id))
                           if getattr(m, field) == actor), None) if actor else None
        if s is not None:
            supports.append(s)
    if out["actor2"] is not None and out["actor2"] == out["actor1"]:
        # ACLED's two actors have no direction: reports that swap them agree; the other side is the one
        # named most beside the first
        others: dict[str, float] = defaultdict(float)
        for m in cluster:
            for a in (m.actor1, m.actor2):
                if a and a != out["actor1"]:
                    others[a] += w[m.id]
        other = max(sorted(others), key=lambda a: others[a]) if others else None
        out["actor2"] = other
        out["inter2"] = next((i for m in cluster for a, i in ((m.actor1, m.inter1), (m.actor2, m.inter2))
                              if a == other), None) if other else None
    place, s = decide_place(cluster, w, lead)
    out["place"] = place
    if s is not None:
        supports.append(s)
    dated = [m for m in cluster if m.event_date is not None]
    if dated:
        # the most precise date, and among those the best supported
        finest = min(m.time_precision for m in dated)
        when, s = _vote("event_date", dated, w, lead,
                        lambda m: (m.event_date.toordinal(), m.time_precision) if m.event_date else None,
                        lambda v: 1.0 if v[1] == finest else 0.0, _date_agrees,  # type: ignore[index]
                        lambda v: f"{_iso(v[0])} (precision {v[1]})")  # type: ignore[index]
        host = next(m for m in sorted(dated, key=lambda m: (m.id != lead.id, m.id))
                    if (m.event_date.toordinal(), m.time_precision) == when)  # type: ignore[union-attr]
        out.update(event_date=host.event_date, date_end=host.date_end, time_precision=host.time_precision)
        supports.append(s)  # type: ignore[arg-type]
    return out, tuple(supports)


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


__all__ = ["borrowed", "dateline", "decide", "decide_place", "weights"]
