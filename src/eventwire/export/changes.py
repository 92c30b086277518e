"""Event history as analysts read it: one change in words, and the rows of ``export --what changes``."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from eventwire.model import EventChange

# the change's own fields, then the change in words
CHANGE_COLUMNS = [*(f.name for f in dataclasses.fields(EventChange)), "text"]


def change_row(c: EventChange) -> dict[str, Any]:
    """One change as an export row: every field of the record (``old``/``new`` as JSON text), then in words."""
    return {**{f.name: getattr(c, f.name) for f in dataclasses.fields(EventChange)},
            "article_ids": list(c.article_ids), "text": change_text(c)}


def change_text(c: EventChange) -> str:
    """One change in words ("fatalities 5-5-5 -> 12-12-12", "merged into e_...")."""
    def val(text: str | None) -> Any:
        return None if text is None else json.loads(text)

    old, new = val(c.old), val(c.new)
    if c.kind == "created":
        s = new or {}
        what = (f"{s.get('event_date') or '?'} {s.get('sub_event_type')} in {s.get('place') or '?'}"
                + (f", {s['fatalities']} killed" if s.get("fatalities") is not None else ""))
        return f"continues {c.other_event_id} as {what}" if c.other_event_id else f"created: {what}"
    if c.kind == "merged":
        return f"merged into {c.other_event_id}"
    if c.kind == "absorbed":
        return f"absorbed {c.other_event_id}"
    if c.kind == "split":
        return f"mentions split off into {c.other_event_id}"
    if c.kind == "removed":
        return "removed: no report left"
    if c.kind == "field":
        return f"{c.field}: {_short(old)} -> {_short(new)}"
    if c.kind == "figure":
        return f"{c.field}: {_triple_text(old)} -> {_triple_text(new)}"
    if c.kind == "source-added":
        return f"new source {new}"
    if c.kind == "source-removed":
        return f"source {old} left"
    if c.kind == "source-revised":
        return f"source revised: {old} -> {new}"
    if c.kind == "dispute-opened":
        return f"dispute opened: {new}"
    if c.kind == "dispute-settled":
        return "dispute settled"
    if c.kind == "decision":
        d = new or {}
        return f"decision {c.decision_id}: {d.get('action')}" + (f" {d['field']} = {d.get('value')}"
                                                                  if d.get("field") else "") + \
            (f" by {d['reviewer']}" if d.get("reviewer") else "")
    return c.kind


def _short(v: Any) -> str:
    if isinstance(v, dict) and "name" in v:
        return f"{v['name']}, {v.get('country') or '?'}"
    return "none" if v is None else str(v)


def _triple_text(v: Any) -> str:
    if not v:
        return "none"
    low, best, high = v.get("low"), v.get("best"), v.get("high")
    return str(best) if low == best == high else f"{best} ({low}-{high})"


__all__ = ["CHANGE_COLUMNS", "change_row", "change_text"]
