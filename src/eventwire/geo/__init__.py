"""Geocode stage (placeholder until the gazetteer lands): place names -> Place records."""

from __future__ import annotations


def entity_patterns() -> list[dict]:
    """spaCy EntityRuler patterns for gazetteer place names (label GPE or LOC)."""
    return []
