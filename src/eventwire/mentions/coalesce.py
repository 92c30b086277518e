"""Within one article, the same event told several times is one mention.

An article tells its main event in the lede, again in the body ("Just before 13:00, the authorities in
Stepanakert said they had accepted a ceasefire ..."), and names it in passing later. Those sentences
become one mention carrying every evidence sentence and every claim, when they agree on what
happened (the same sub-type and status), when (the same day, however precisely each sentence dates
it), where (the same place, a place inside the other's region, or a place only borrowed from the
article's focus) and who (actors of the same countries or groups, when both name any).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from eventwire.model import Claim, EventMention, Place, actor_side

FOCUS = "article focus: "


def _sides(m: EventMention) -> set[str]:
    return {actor_side(a) for a in (m.actor1, m.actor2) if a}


def _borrowed(p: Place) -> bool:
    return p.evidence.startswith(FOCUS)


def _same_place(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or _borrowed(a) or _borrowed(b):
        return True  # a placeless sentence continues the story told around it
    if (a.gazetteer_name or a.name) == (b.gazetteer_name or b.name):
        return True
    if a.country and b.country and a.country != b.country:
        return False
    # "Stepanakert" inside "Nagorno-Karabakh": one of them is the region the other lies in
    coarse = {"admin1", "region", "country"}
    return bool((a.feature in coarse or b.feature in coarse) and a.admin1 and a.admin1 == b.admin1) or bool(
        (a.feature == "country" or b.feature == "country") and a.country == b.country)


def _same_day(a: EventMention, b: EventMention) -> bool:
    """Both undated, or dated to the same day: a sentence that names no day is dated to the story's day
    (with a coarser precision), and joins an event of that day, never one of the day before."""
    return a.event_date == b.event_date


def same_event(a: EventMention, b: EventMention) -> bool:
    """Two mentions of one article tell the same event (see the module docstring)."""
    if a.sub_event_type != b.sub_event_type or a.status != b.status:
        return False
    sa, sb = _sides(a), _sides(b)
    if sa and sb and not (sa & sb):
        return False
    return _same_day(a, b) and _same_place(a.place, b.place)


def _better_place(a: Place | None, b: Place | None) -> Place | None:
    """A place named in the text beats one borrowed from the focus; a town beats its region."""
    if a is None or b is None:
        return a or b
    if _borrowed(a) != _borrowed(b):
        return b if _borrowed(a) else a
    return min((a, b), key=lambda p: p.geo_precision)


def coalesce(mentions: Sequence[EventMention], fatalities: Callable[[Sequence[Claim]], int | None]
             ) -> list[EventMention]:
    """Merge the mentions of one article that tell the same event (in sentence order, first one hosts).

    ``fatalities`` recomputes a merged mention's fatality figure from its claims.
    """
    out: list[EventMention] = []
    for m in mentions:
        host = next((o for o in out if same_event(o, m)), None)
        if host is None:
            out.append(m)
            continue
        claims = host.claims + m.claims
        # the most precise date wins; on a tie the host's (told first)
        when = m if m.event_date is not None and (host.event_date is None or m.time_precision < host.time_precision) \
            else host
        merged = dataclasses.replace(
            host,
            evidence=host.evidence + m.evidence,
            claims=claims,
            fatalities=fatalities(claims),
            salience=max(host.salience, m.salience) + 0.1,
            place=_better_place(host.place, m.place),
            event_date=when.event_date,
            date_end=when.date_end,
            date_evidence=when.date_evidence,
            time_precision=when.time_precision,
            actor1=host.actor1 or m.actor1,
            actor2=host.actor2 or m.actor2,
            inter1=host.inter1 if host.actor1 else m.inter1,
            inter2=host.inter2 if host.actor2 else m.inter2,
        )
        out[out.index(host)] = merged
    return out
