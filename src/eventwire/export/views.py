"""What every output shows of an event: filters, review state, and the nested record with its sources.

The exports, the report and the review app all read events through these functions, so a filter or
a ``reviewed`` flag means the same thing in a CSV file, the report and the browser. Fields that the
events-across-sources stages add to ``Event`` (``disputed``, ``dispute_note``, ``independent_sources``,
``episode_id``, ``reviewed``) are read when the record has them; until then each has one fallback
here, computed from what the record does have.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventwire.model import (
    Article,
    ArticleRelation,
    Claim,
    Decision,
    Episode,
    Event,
    EventMention,
    Place,
    Story,
    to_dict,
)


@dataclass(frozen=True)
class EventFilter:
    """Which events an export, report or list shows (every condition given must hold)."""

    since: dt.date | None = None  # event date on or after
    until: dt.date | None = None  # event date on or before
    country: str | None = None  # country name (as the gazetteer or ACLED writes it) or ISO3 code
    event_type: str | None = None  # ACLED event type or sub-event type
    disputed: bool = False  # only events whose sources disagree on a figure
    min_sources: int = 0  # at least this many independent sources

    def matches(self, e: Event) -> bool:
        """Does the event pass every condition?"""
        if (self.since or self.until) and e.event_date is None:
            return False
        if self.since and e.event_date and e.event_date < self.since:
            return False
        if self.until and e.event_date and e.event_date > self.until:
            return False
        if self.country:
            names = {n.casefold() for n in country_names(e.place)}
            if self.country.strip().casefold() not in names:
                return False
        if self.event_type and self.event_type.strip().casefold() not in {
                e.event_type.casefold(), e.sub_event_type.casefold()}:
            return False
        if self.disputed and not is_disputed(e):
            return False
        return independent_sources(e) >= self.min_sources

    def apply(self, events: Iterable[Event]) -> list[Event]:
        """The events that match, in their given order."""
        return [e for e in events if self.matches(e)]


def country_names(p: Place | None) -> list[str]:
    """Every name an analyst may filter a place's country by: gazetteer name, ACLED's name, ISO3."""
    if p is None:
        return []
    return [n for n in (p.country, acled_country(p), p.iso3) if n]


def acled_country(p: Place | None) -> str | None:
    """The country as ACLED writes it: the place's own ACLED name where the geocoder gives one, else
    the gazetteer's name (the one place this choice is made, so a country-name table swaps in here)."""
    if p is None:
        return None
    return p.acled_country or p.country


def is_disputed(e: Event) -> bool:
    """Do the sources disagree? The reconcile stage's flag on the event or its episode, or any disputed
    figure of the people it counts (crowds, shots and buildings, the 'other' figures, are not ACLED's)."""
    return e.disputed or any(f.disputed for f in e.figures if f.field != "other")


def independent_sources(e: Event) -> int:
    """Independent sources of the event as the reconcile stage counts them (a copy or rewrite counts
    as its original); at least one for an event that has a source."""
    return max(e.independent_sources, 1 if e.sources else 0)


def figure(e: Event, field: str) -> Any:
    """The event's summary of one figure (``FigureSummary``), if any source gave it."""
    return next((f for f in e.figures if f.field == field), None)


def speaker_of(c: Claim) -> str:
    """Who gave a claim: its speaker, or its outlet when the outlet speaks for itself."""
    return (c.speaker if c.speaker and c.speaker != "the outlet" else c.outlet) or "unknown source"


def figure_words(n: int | None, low: int | None, high: int | None) -> str:
    """A figure as words: '24-99', 'at least 200', 'up to 9', '12'."""
    if low is not None and high is not None and low != high:
        return f"{low}-{high}"
    if low is not None and high is None:
        return f"at least {low}"
    if low is None and high is not None:
        return f"up to {high}"
    return str(n if n is not None else low)


def figure_text(acled: int | None, low: int | None, high: int | None) -> str:
    """A figure as every view shows it: ACLED's conservative figure, then the range that holds it
    ('10 (3-10)', '12 (12-200)', '4 (at least 4)', '3'); '' when no source gives one. The reconcile stage
    keeps ACLED's figure inside [low, high], so the two never contradict each other."""
    if acled is None:
        return "" if low is None else figure_words(low, low, high)
    if low is not None and high is None:
        return f"{acled} (at least {low})"
    if low is not None and high is not None and (low != acled or high != acled):
        return f"{acled} ({low}-{high})"
    return str(acled)


def split_words(e: Event, episode: Episode | None) -> str:
    """How an event's fatality columns came from its episode's toll, in words ("" for its own toll)."""
    if not e.fatalities_split or episode is None:
        return ""
    whole = f"the toll its episode ({episode.id}) reports for the fighting as a whole ({episode.fatalities} as ACLED " \
            "codes it)"
    if e.fatalities_split == 1:
        return f"{whole}, assigned to it, the one event without a toll of its own"
    return f"a 1/{e.fatalities_split} share of {whole}, divided evenly among its {e.fatalities_split} events without " \
           "a toll of their own"


def disagreement(field: str, claims: Sequence[Claim]) -> str:
    """'Sources disagree on fatalities: A: 24-99; B: at least 200.' for the claims of one figure (totals
    only: a sub-count such as 'including 10 civilians' is part of a figure, not a rival one)."""
    totals = [c for c in claims if c.is_event_figure and not {"sub-count", "no-count"} & set(c.flags)]
    each = "; ".join(sorted({f"{speaker_of(c)}: {figure_words(c.value_best, c.value_low, c.value_high)}"
                             for c in totals or claims}))
    return f"Sources disagree on {field}: {each}."


def dispute_note(e: Event, claims: Mapping[str, Claim]) -> str:
    """What the sources disagree on: the event's own note when it has one, else one sentence per
    disputed figure, each source with its figure."""
    if e.dispute_note:
        return e.dispute_note
    return " ".join(disagreement(f.field, [claims[i] for i in f.claim_ids if i in claims])
                    for f in e.figures if f.disputed and f.field != "other")


def decisions_of(e: Event, decisions: Iterable[Decision]) -> list[Decision]:
    """The reviewers' decisions about this event: made on it, or tied to its mentions or articles."""
    mentions, articles = set(e.mention_ids), set(e.article_ids)
    return [d for d in decisions
            if d.event_id == e.id or mentions & set(d.mention_ids) or mentions & set(d.other_mention_ids)
            or (d.action == "irrelevant" and articles & set(d.article_ids))]


def is_reviewed(e: Event, decisions: Iterable[Decision]) -> bool:
    """Has a reviewer confirmed or edited the event? The merged layer's flag, or a ``confirm`` decision
    tied to its mentions that the merged layer has not applied yet."""
    return e.reviewed or any(d.action == "confirm" for d in decisions_of(e, decisions))


def decision_row(d: Decision) -> dict[str, Any]:
    """One reviewer's decision as an export row (the decision log)."""
    return to_dict(d)


DECISION_COLUMNS = [f.name for f in dataclasses.fields(Decision)]

# the claims objects events and episodes carry: the figure, who says it, where, how firmly, how independent
CLAIM_OBJECT_FIELDS = ["field", "value_low", "value_high", "category", "speaker", "speaker_role", "hedge",
                       "article_id", "outlet", "published", "independent", "evidence",
                       # more of the record, after the fields above
                       "level", "value_best", "value_acled", "text", "origin", "superseded_by", "flags", "claim_id",
                       "mention_id"]


def event_sources(e: Event, mentions: Mapping[str, EventMention], articles: Mapping[str, Article],
                  *, with_text: bool = False) -> list[dict[str, Any]]:
    """One entry per article of the event: outlet, title, url, date, its mentions and their evidence
    (character offsets into the article's text, which ``with_text`` includes)."""
    out = []
    for aid in e.article_ids:
        a = articles.get(aid)
        ms = [mentions[m] for m in e.mention_ids if m in mentions and mentions[m].article_id == aid]
        entry: dict[str, Any] = {
            "article_id": aid,
            "outlet": a.outlet if a else None,
            "title": a.title if a else None,
            "url": a.url if a else None,
            "published": a.published.isoformat() if a and a.published else None,
            "mention_ids": [m.id for m in ms],
            "evidence": [to_dict(ev) for m in ms for ev in m.evidence],
        }
        if with_text:
            entry["text"] = a.text if a else ""
        out.append(entry)
    return out


def story_record(s: Story, articles: Mapping[str, Article],
                 relations: Mapping[str, ArticleRelation] | None = None) -> dict[str, Any]:
    """A story with its articles' outlet, title, url and date, and each article's relation in the story
    (original, copy, rewrite, aggregation), what it derives from and the evidence."""
    relations = relations or {}

    def relation(aid: str) -> dict[str, Any]:
        r = relations.get(aid)
        if r is None:
            return {"relation": None, "derivative_of": None, "evidence": [], "origin": None}
        return {"relation": r.relation, "derivative_of": r.derivative_of, "evidence": list(r.evidence),
                "origin": r.origin}

    return to_dict(s) | {"articles": [
        {"id": aid, "outlet": a.outlet, "title": a.title, "url": a.url,
         "published": a.published.isoformat() if a.published else None} | relation(aid)
        for aid in s.article_ids if (a := articles.get(aid)) is not None]}


__all__ = ["CLAIM_OBJECT_FIELDS", "DECISION_COLUMNS", "EventFilter", "acled_country", "country_names", "decision_row",
           "decisions_of",
           "disagreement", "dispute_note", "event_sources", "figure", "figure_text", "figure_words",
           "independent_sources", "is_disputed", "is_reviewed", "speaker_of", "split_words", "story_record"]
