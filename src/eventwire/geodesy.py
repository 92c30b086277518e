"""Distances on the Earth's surface: the one great-circle formula every stage uses."""

from __future__ import annotations

import math

# IUGG mean Earth radius: the same figure everywhere, so a 25 km check means the same in every stage.
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return EARTH_RADIUS_KM * 2 * math.asin(min(1.0, math.sqrt(a)))


def points_km(a: object, b: object) -> float | None:
    """Distance between two records with ``latitude``/``longitude`` (places), None when either lacks a point."""
    lat1, lon1 = getattr(a, "latitude", None), getattr(a, "longitude", None)
    lat2, lon2 = getattr(b, "latitude", None), getattr(b, "longitude", None)
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return distance_km(lat1, lon1, lat2, lon2)
