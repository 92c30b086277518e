"""UCDP GED-like rows: GED's column names, in GED's order, for the fields eventwire codes.

GED's conventions kept (UCDP GED codebook): ``best``/``low``/``high`` deaths with 0 when none are
reported; ``where_prec`` 1 exact place ... 6 country; ``date_prec`` 1 exact day ... 5 longer than a
month; ``type_of_violence`` 1 state-based, 2 non-state, 3 one-sided, only for organised violence
(empty for protests, riots and strategic developments, which GED does not record); ``geom_wkt`` as
``POINT (lon lat)``. GED's conflict, dyad and actor ids have no counterpart and are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eventwire.export.views import acled_country, figure
from eventwire.model import Article, Event, Place

GED_COLUMNS = [
    "id", "year", "type_of_violence", "side_a", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "country", "date_prec", "date_start", "date_end", "best", "high", "low",
]
OWN_COLUMNS = ["event_type", "sub_event_type", "disputed", "dispute_note", "independent_sources", "reviewed",
               "decision_ids", "article_ids"]
GED_EXPORT_COLUMNS = GED_COLUMNS + OWN_COLUMNS

# ACLED inter codes (actors) as GED sees them
STATE = 1
ORGANISED = {2, 3, 4, 8}  # rebels, political militias, identity militias, external/other forces
CIVILIANS = 7
ORGANISED_VIOLENCE = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def type_of_violence(e: Event) -> int | None:
    """GED's type of violence from the actors' ACLED codes: 1 a state against an organised actor or a
    state, 2 two organised non-state actors, 3 an organised actor against civilians; None otherwise."""
    if e.event_type not in ORGANISED_VIOLENCE or e.inter1 is None:
        return None
    sides = {e.inter1, e.inter2}
    if e.inter2 == CIVILIANS or e.event_type == "Violence against civilians":
        return 3 if e.inter1 in ORGANISED | {STATE} else None
    if STATE in sides and sides <= ORGANISED | {STATE}:
        return 1
    if sides <= ORGANISED:
        return 2
    return None


def where_prec(p: Place | None) -> int | None:
    """GED's spatial precision: 1 the place itself, 2 within 25 km, 3 a district, 4 a province, 6 a country."""
    if p is None:
        return None
    if p.feature == "country":
        return 6
    if p.feature == "admin1" or p.geo_precision >= 3:
        return 4
    if p.feature == "admin2":
        return 3
    return 1 if p.geo_precision == 1 else 2


def date_prec(e: Event) -> int | None:
    """GED's date precision from the event's span and ACLED's time precision (1 day, 2 week, 3 month)."""
    if e.event_date is None:
        return None
    days = (e.date_end - e.event_date).days if e.date_end else 0
    if e.time_precision >= 3 or days > 31:
        return 4 if days <= 31 else 5
    if e.time_precision == 2 or days > 6:
        return 3
    return 2 if days >= 1 else 1


def ged_row(e: Event, row: Mapping[str, Any], articles: Mapping[str, Article]) -> dict[str, Any]:
    """An event in GED's layout, from its eventwire row (``export.event_row``) and its articles."""
    p = e.place
    fat = figure(e, "fatalities")
    arts = [articles[a] for a in e.article_ids if a in articles]
    best = fat.best if fat and fat.best is not None else 0
    ged = {
        "id": e.id,
        "year": e.event_date.year if e.event_date else None,
        "type_of_violence": type_of_violence(e),
        "side_a": e.actor1,
        "side_b": e.actor2,
        "number_of_sources": len(e.article_ids),
        "source_article": "; ".join(f"{a.outlet_name}, {a.published or 'undated'}" for a in arts) or None,
        "source_office": "; ".join(dict.fromkeys(a.outlet for a in arts if a.outlet)) or None,
        "source_date": "; ".join(a.published.isoformat() for a in arts if a.published) or None,
        "source_headline": "; ".join(a.title for a in arts if a.title) or None,
        "where_prec": where_prec(p),
        "where_coordinates": p.name if p else None,
        "where_description": ", ".join(x for x in (p.name, p.admin1, acled_country(p)) if x) if p else None,
        "adm_1": p.admin1 if p else None,
        "adm_2": getattr(p, "admin2", None),
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "geom_wkt": f"POINT ({p.longitude} {p.latitude})" if p and p.latitude is not None
        and p.longitude is not None else None,
        "country": acled_country(p),
        "date_prec": date_prec(e),
        "date_start": row["event_date"],
        "date_end": (e.date_end or e.event_date).isoformat() if e.event_date else None,
        "best": best,
        "high": fat.high if fat and fat.high is not None else best,
        "low": fat.low if fat and fat.low is not None else best,
    }
    return ged | {c: row.get(c) for c in OWN_COLUMNS}


__all__ = ["GED_COLUMNS", "GED_EXPORT_COLUMNS", "date_prec", "ged_row", "type_of_violence", "where_prec"]
