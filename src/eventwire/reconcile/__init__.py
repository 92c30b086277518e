"""Reconcile stage: the claims of many sources about one event -> low/best/high per figure.

Needs: Events and the mentions they merge (each mention carries its Claims).
Provides: Events with ``figures`` (one FigureSummary per field) and the
fatalities columns filled. Disagreement is shown, never averaged away: low is
the smallest figure any source allows, high the largest, best the smallest best
reading a source asserts (so low <= best <= high), and ``disputed`` says the
sources' ranges do not overlap. The event's ``fatalities`` (ACLED's own column)
is ACLED's conservative coding of the words ("dozens" = 12), which can sit below
the range the words literally allow; it appears nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from eventwire.model import Claim, Event, EventMention, FigureSummary


def _totals(claims: Sequence[Claim]) -> list[Claim]:
    # a sub-count ("including 10 civilians") is part of a total, not a rival figure;
    # a claim without a count ("reported casualties") has no figure to compare
    counted = [c for c in claims if "no-count" not in c.flags and c.is_event_figure]
    totals = [c for c in counted if "sub-count" not in c.flags]
    return totals or counted


def summarise(field: str, claims: Sequence[Claim]) -> FigureSummary:
    """low/best/high over the claims of one field of one event."""
    totals = _totals(claims)
    lows = [c.value_low for c in totals if c.value_low is not None]
    highs = [h for c in totals if (h := c.value_high if c.value_high is not None else c.value_low) is not None]
    bests = [c.value_best for c in totals if c.value_best is not None]
    ranges = [(c.value_low, c.value_high) for c in totals if c.value_low is not None]
    disputed = False
    for i, (lo1, hi1) in enumerate(ranges):
        for lo2, hi2 in ranges[i + 1 :]:
            # open-ended ranges ("at least 200") overlap anything above their low
            if (hi1 is not None and lo2 > hi1) or (hi2 is not None and lo1 > hi2):
                disputed = True
    return FigureSummary(
        field=field,
        low=min(lows) if lows else None,
        best=min(bests) if bests else None,
        high=max(highs) if highs else None,
        disputed=disputed,
        claim_ids=tuple(sorted(c.id for c in claims)),
    )


def acled_figure(claims: Sequence[Claim]) -> int | None:
    """ACLED's conservative figure for one field: the smallest of the sources' totals as ACLED
    codes their words ("dozens" = 12), else their best readings."""
    figures = [c.value_acled if c.value_acled is not None else c.value_best for c in _totals(claims)]
    figures = [f for f in figures if f is not None]
    return min(figures) if figures else None


def attach_figures(events: Sequence[Event], mentions: Sequence[EventMention]) -> list[Event]:
    """Fill each event's figures and fatalities from its mentions' claims."""
    by_id = {m.id: m for m in mentions}
    out = []
    for event in events:
        claims = [c for mid in event.mention_ids for c in by_id[mid].claims]
        fields = sorted({c.field for c in claims})
        figures = tuple(summarise(f, [c for c in claims if c.field == f]) for f in fields)
        fat = next((f for f in figures if f.field == "fatalities"), None)
        fatal_claims = [c for c in claims if c.field == "fatalities"]
        sources = tuple(sorted({c.outlet for c in claims if c.outlet} | set(event.sources)))
        out.append(dataclasses.replace(
            event,
            figures=figures,
            fatalities=acled_figure(fatal_claims) if fat else None,
            fatalities_low=fat.low if fat else None,
            fatalities_high=fat.high if fat else None,
            sources=sources,
        ))
    return out


__all__ = ["acled_figure", "attach_figures", "summarise"]
