"""Reconcile stage: the claims of many sources about one event or episode -> low/best/high per field.

Needs: an Event (or Episode) with the mentions it merges (each carries its Claims), and for every
article its outlet, publication date and relation (original, or the report it copies: ``Source``).
Provides: ``SourcedClaim`` records (speaker with a role, hedge, independence, level) and one
``FigureSummary`` per field. Disagreement is shown, never averaged away.

Rules, per field (fatalities, casualties, injured, displaced, arrested, ...), in the spirit of UCDP's
low/best/high and ACLED's conservative coding:

1. **Which claims count.** Totals, not parts: "including 10 civilians" is a part of the total before it
   (``sub-count``); a figure without a number, a projection or an aggregate over a period has no
   figure to compare. A later, higher toll of the same people *supersedes* the earlier one (time
   aware: tolls rise as bodies are counted), whoever says it, unless it is said less firmly or by a party
   to the conflict against a neutral source (then the two dispute); superseded claims stay listed but
   leave the figures.
2. **"Casualties".** Next to a separate count of injured in the same sentence ("a minimum of 200
   casualties ... with over 400 others injured") casualties are deaths; alone they stay ambiguous
   (killed, or killed and injured) and go to their own field ``casualties``, never silently to deaths.
3. **best** is the figure of the most reliable claim: independent reporting before a copy or rewrite,
   then hedge (confirmed, reported, claimed, unverified), then the speaker's role (international body,
   NGO, journalist, government, unknown, party to the conflict), then the latest published.
   **low** is the lowest credible figure (claims that are confirmed, reported or claimed; unverified
   and denied ones only when nothing else is there); **high** the highest claimed. low <= best <= high. A
   count the words only imply ("X was killed" = 1) counts only where no source gives a number.
4. **acled** is ACLED's conservative figure: the smallest of the counted claims as ACLED codes the words
   ("dozens" = 12, "several" = 10); it feeds ACLED's own ``fatalities`` column. Where the convention lies
   outside the words' range, the range is widened to hold it ("several": 3-10), so every view shows
   ACLED's figure inside its range.
5. **disputed** when two counted claims of the same people (same category) cannot both be true (an
   open range "at least 200" overlaps anything above its low; a count the words only imply, "X was
   killed", is a lower bound; counts of crowds, shots or shops are not compared; one speaker's two
   figures in one article are two scopes, not a dispute); the note names the disagreeing sources, one
   entry per figure: who said what, through which report, and how firmly.
6. **sources** counts independent origins: a copy or rewrite counts as the report it copies (a wire
   story when only its credit line is in the store), never as a confirmation of its own.

Claim levels: in an episode of several events, a toll that speaks of the whole (its sentence names no
deed of its own and was attached from next to it, or names "the fighting", "the offensive", ...) is an
episode claim; a toll told in the event's own sentence is that event's. The episode's toll is then
divided among its events ACLED's way (``tolls``), so that their ``fatalities`` add up to it.

Counts of anything but people ("other": crowds, settlements, groups, shots) stay claims and never make a
figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from eventwire.model import (
    NOT_EVENT_FIGURES,
    Claim,
    Episode,
    Event,
    EventMention,
    FigureSummary,
    SourcedClaim,
    actor_side,
)
from eventwire.reconcile.tolls import split_episode_toll

OUTLET = "the outlet"
HEDGES = ("confirmed", "reported", "claimed", "unverified", "denied")  # most to least firm
CREDIBLE = frozenset({"confirmed", "reported", "claimed"})
UNCOMPARED = frozenset({"other"})  # counts of different things (crowds, shots, shops): no dispute
NOTE_SOURCES = 3  # sources named per figure in a dispute note (the rest are counted)
# bump when the rules below change what a stored event's figures would be (the merged layer is rebuilt)
RULES_VERSION = "7"
ROLES = ("international body", "NGO", "journalist", "government", "unknown", "party to the conflict")
# Words that say a figure speaks of the fighting as a whole, not of one strike or clash.
WHOLE = re.compile(r"\b(fighting|offensive|hostilities|clashes|military (?:actions?|operations?)|operation|"
                   r"assault|war|violence|attacks)\b", re.IGNORECASE)
# Speakers by role. A speaker of the country or group of one of the event's actors is a party to the
# conflict whatever its kind (a defence ministry, an ombudsman, a rebel spokesman).
_INTERNATIONAL = re.compile(r"\b(United Nations|UN|U\.N\.|UNHCR|OCHA|UNICEF|WHO|World Health|OSCE|European Union|"
                            r"EU|NATO|African Union|ICRC|International Committee of the Red Cross|Red Crescent|"
                            r"Red Cross|IOM|peacekeeping mission|Security Council|World Food Programme|WFP)\b")
_NGO = re.compile(r"\b(Human Rights Watch|Amnesty|Observatory|Doctors Without Borders|MSF|NGO|charity|"
                  r"monitor(?:ing)? group|rights group|watchdog|foundation|organi[sz]ation)\b", re.IGNORECASE)
_JOURNALIST = re.compile(r"\b(reporter|correspondent|journalist|news agency|newspaper|television|TV|witness(?:es)?|"
                         r"residents?)\b", re.IGNORECASE)
_GOVERNMENT = re.compile(r"\b(government|ministry|minister|president|prime minister|premier|spokes(?:man|woman|person)|"
                         r"officials?|authorities|police|army|military|armed forces|defen[cs]e|interior|governor|"
                         r"mayor|ombudsman|embassy|kremlin|white house|pentagon|state department|council|"
                         r"presidential|administration|commander|general)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")


@dataclasses.dataclass(frozen=True)
class Source:
    """An article as a source: where and when it was published, and whether it is independent."""

    article_id: str
    outlet: str | None = None
    published: dt.date | None = None
    relation: str = "original"  # original | copy | rewrite | aggregation
    origin: str = ""  # the independent report it counts as
    derivative_of: str | None = None

    @property
    def independent(self) -> bool:
        return self.relation in {"original", "aggregation"}

    def describe(self) -> str:
        """The source as a dispute note names it ("OC Media", "AP rewrite (BNB - Big Big News)")."""
        outlet = self.outlet or self.article_id
        if self.independent:
            return outlet
        of = self.derivative_of or ""
        wire = of.split(":", 1)[1] if of.startswith("wire:") else None
        return f"{wire} {self.relation} ({outlet})" if wire else f"{self.relation} of {of} ({outlet})"


# --------------------------------------------------------------------------- claims as an analyst reads them


def _stems(text: str) -> set[str]:
    """Five-letter stems of a name's capitalised words ("Russian Defence Ministry" -> russi, defen, minis)."""
    return {w[:5].lower() for w in _WORD.findall(text) if w[:1].isupper() and len(w) > 2}


def speaker_role(speaker: str | None, role: str | None, sides: Iterable[str]) -> str:
    """The speaker's role: party to the conflict, government, international body, NGO, journalist, unknown."""
    if not speaker or speaker == OUTLET:
        return "journalist"
    words = f"{speaker} {role or ''}"
    side_stems = {s for side in sides for s in _stems(actor_side(side).title())}
    if side_stems & _stems(words):
        return "party to the conflict"
    for pattern, name in ((_INTERNATIONAL, "international body"), (_NGO, "NGO"), (_GOVERNMENT, "government"),
                          (_JOURNALIST, "journalist")):
        if pattern.search(words):
            return name
    return "unknown"


def hedge(claim: Claim) -> str:
    """The claim's hedge on the four-step scale (an outlet's plain statement is 'reported')."""
    return claim.hedge if claim.hedge in HEDGES else "reported"


def _reading(claim: Claim, siblings: Sequence[Claim]) -> tuple[str, tuple[str, ...]]:
    """The field a claim counts in: ambiguous "casualties" are deaths only next to a count of injured."""
    if "ambiguous-casualties" not in claim.flags:
        return claim.field, claim.flags
    injured = any(s.field == "injured" and s.evidence.start == claim.evidence.start and s.value_low is not None
                  and "sub-count" not in s.flags for s in siblings)
    if injured:
        return "fatalities", (*[f for f in claim.flags if f != "ambiguous-casualties"], "casualties-as-deaths")
    return "casualties", claim.flags


def claim_level(claim: Claim, mention: EventMention, several_events: bool) -> str:
    """``episode`` when the claim speaks of the fighting as a whole (see the module docstring), else ``event``."""
    if not several_events:
        return "event"
    own = any(ev.start <= claim.evidence.start < ev.end for ev in mention.evidence)
    if not own:
        return "episode"
    first = mention.evidence[0].text if mention.evidence else ""
    return "episode" if WHOLE.search(claim.evidence.text) or WHOLE.search(first) else "event"


def _speaker(claim: Claim) -> str:
    """The speaker as the claims table names it: "Gegham Stepanyan (human rights ombudsman for ...)"."""
    if not claim.speaker or claim.speaker == OUTLET:
        return OUTLET
    role = (claim.speaker_role or "").strip()
    return f"{claim.speaker} ({role})" if role and role.lower() not in claim.speaker.lower() else claim.speaker


def sourced_claims(mention: EventMention, source: Source, sides: Iterable[str], *, several_events: bool = False
                   ) -> list[SourcedClaim]:
    """The claims of one mention as an analyst reads them (``sides``: the event's actors and the place it
    happened in, whose speakers are parties to the conflict)."""
    sides = list(sides)
    out = []
    for c in mention.claims:
        field, flags = _reading(c, mention.claims)
        out.append(SourcedClaim(
            claim_id=c.id, field=field, text=c.text, evidence=c.evidence,
            level=claim_level(c, mention, several_events), value_low=c.value_low, value_high=c.value_high,
            value_best=c.value_best, value_acled=c.value_acled, qualifier=c.qualifier, category=c.category,
            speaker=_speaker(c), speaker_role=speaker_role(c.speaker, c.speaker_role, sides),
            hedge=hedge(c), article_id=c.article_id or mention.article_id, mention_id=mention.id,
            outlet=source.outlet or c.outlet, published=source.published, independent=source.independent,
            origin=source.origin or source.article_id, flags=flags))
    return out


# --------------------------------------------------------------------------- figures


def _counted(claims: Sequence[SourcedClaim]) -> list[SourcedClaim]:
    """Totals with a figure, of this event (not parts, projections, aggregates or superseded tolls)."""
    return [c for c in claims if c.value_low is not None and "sub-count" not in c.flags
            and "no-count" not in c.flags and not (NOT_EVENT_FIGURES & set(c.flags))
            and c.superseded_by is None]


def _updates(later: SourcedClaim, earlier: SourcedClaim) -> bool:
    """Does ``later`` update ``earlier``? A higher toll of the same people published on a later day, from
    the same speaker, or from any speaker who says it at least as firmly and is no more a party to the
    conflict than the first (tolls rise as bodies are counted; a party's unverified figure does not
    overrule an outlet's confirmed count, it disputes it)."""
    if (later.field in UNCOMPARED or NOT_EVENT_FIGURES & {*later.flags, *earlier.flags}
            or later.field != earlier.field or later.category != earlier.category or later.value_best is None
            or "sub-count" in later.flags or later.published is None or earlier.published is None
            or later.published <= earlier.published or later.value_best <= (earlier.value_best or 0)):
        return False
    if later.speaker == earlier.speaker and later.speaker not in (None, OUTLET):
        return True
    firmness = HEDGES.index(later.hedge) if later.hedge in HEDGES else len(HEDGES)
    partisan = later.speaker_role == "party to the conflict" and earlier.speaker_role != "party to the conflict"
    return firmness <= (HEDGES.index(earlier.hedge) if earlier.hedge in HEDGES else len(HEDGES)) and not partisan


def supersede(claims: Sequence[SourcedClaim]) -> list[SourcedClaim]:
    """Mark tolls replaced by a later, higher toll of the same people (``_updates``); both stay listed."""
    out = list(claims)
    for i, c in enumerate(out):
        if c.value_best is None or "sub-count" in c.flags or c.published is None:
            continue
        later = [d for d in out if d.claim_id != c.claim_id and _updates(d, c)]
        if later:
            newest = max(later, key=lambda d: (d.published, d.value_best, d.claim_id))
            out[i] = dataclasses.replace(c, superseded_by=newest.claim_id)
    return out


def _rank(c: SourcedClaim) -> tuple:
    published = c.published.toordinal() if c.published else 0
    return (not c.independent, HEDGES.index(c.hedge) if c.hedge in HEDGES else len(HEDGES),
            ROLES.index(c.speaker_role) if c.speaker_role in ROLES else len(ROLES), -published, c.claim_id)


def _words(c: SourcedClaim, parts: Sequence[SourcedClaim]) -> str:
    incl = "".join(f", {p.text}" for p in parts)
    return f"{c.text}{incl}" + (f", {c.hedge}" if c.hedge in {"claimed", "unverified", "denied"} else "")


def _who(c: SourcedClaim, sources: Mapping[str, Source]) -> str:
    src = sources.get(c.article_id)
    via = src.describe() if src else (c.outlet or c.article_id)
    if c.speaker in (None, OUTLET):
        return via
    return f"{c.speaker} via {via}"


def _high(c: SourcedClaim) -> int | None:
    """The top of a claim's range; a count the words only imply ("X was killed" = 1) is a lower bound: the
    sentence names one victim, not the toll."""
    return None if "implicit" in c.flags else c.value_high


def _apart(a: SourcedClaim, b: SourcedClaim) -> bool:
    """The two ranges cannot both be true (an open range "at least 200" overlaps anything above its low)."""
    ha, hb = _high(a), _high(b)
    return (ha is not None and b.value_low > ha) or (hb is not None and a.value_low > hb)


def _note(rivals: Sequence[SourcedClaim], claims: Sequence[SourcedClaim], sources: Mapping[str, Source]) -> str:
    """Who says what among the disagreeing claims, one entry per figure ("OC Media: dozens ...; X: ...")."""
    parts = [c for c in claims if "sub-count" in c.flags]
    by_range: dict[tuple, list[SourcedClaim]] = {}
    for c in sorted(rivals, key=lambda c: (c.published or dt.date.min, c.claim_id)):
        by_range.setdefault((c.value_low, _high(c), c.hedge), []).append(c)
    each = []
    for same in by_range.values():
        first = same[0]
        mine = [p for p in parts if p.article_id == first.article_id and p.evidence.start == first.evidence.start]
        who = list(dict.fromkeys(_who(c, sources) for c in same))
        names = ", ".join(who[:NOTE_SOURCES]) + (f" and {len(who) - NOTE_SOURCES} more" if len(who) > NOTE_SOURCES
                                                  else "")
        each.append(f"{names}: {_words(first, mine)}")
    return "; ".join(each)


def summarise(field: str, claims: Sequence[SourcedClaim], sources: Mapping[str, Source] | None = None
              ) -> FigureSummary:
    """low/best/high, ACLED's figure and the dispute note over the claims of one field."""
    sources = sources or {}
    counted = _counted(claims)
    # a count the words only imply ("X was killed" = 1) names a victim, not the toll: it stands for the
    # figure only where no source gives a number
    tolls = [c for c in counted if "implicit" not in c.flags] or counted
    credible = [c for c in tolls if c.hedge in CREDIBLE] or tolls
    ranked = sorted((c for c in tolls if c.value_best is not None), key=_rank)
    best = ranked[0].value_best if ranked else None
    lows = [c.value_low for c in credible if c.value_low is not None]
    highs = [c.value_high if c.value_high is not None else c.value_low for c in tolls]
    low = min(lows) if lows else None
    high = max((h for h in highs if h is not None), default=None)
    if best is not None:
        low = best if low is None else min(low, best)
        high = best if high is None else max(high, best)
    acleds = [c.value_acled if c.value_acled is not None else c.value_best for c in tolls]
    acled = min((a for a in acleds if a is not None), default=None)
    if acled is not None:
        # one rule for every view: the range holds ACLED's figure too ("several" = 3-9 in words, 10 by
        # ACLED's convention: 3-10), so "10 (3-9)" is never shown
        low = acled if low is None else min(low, acled)
        high = acled if high is None else max(high, acled)
    rivals: set[str] = set()
    for i, a in enumerate(counted):
        for b in counted[i + 1:]:
            # rival figures count the same people; crowds, shots and shops ("other") are never rivals
            if field in UNCOMPARED or a.category != b.category:
                continue
            # one speaker's two figures in one article count different scopes ("30 of the 80 wounded"),
            # not a disagreement between sources
            if a.article_id == b.article_id and a.speaker == b.speaker:
                continue
            if _apart(a, b):
                rivals |= {a.claim_id, b.claim_id}
    disputed = bool(rivals)
    note = _note([c for c in counted if c.claim_id in rivals], claims, sources) if disputed else ""
    return FigureSummary(
        field=field, low=low, best=best, high=high, disputed=disputed,
        claim_ids=tuple(sorted({c.claim_id for c in claims})), acled=acled,
        sources=len({c.origin for c in counted}), note=note)


def figures(claims: Sequence[SourcedClaim], sources: Mapping[str, Source] | None = None
            ) -> tuple[FigureSummary, ...]:
    """One summary per field of people the claims speak of, in field order: counts of anything else
    ("other": crowds, settlements, groups, shots) stay claims, never one figure."""
    fields = sorted({c.field for c in claims} - UNCOMPARED)
    return tuple(summarise(f, [c for c in claims if c.field == f], sources) for f in fields)


def _fatalities(figs: Sequence[FigureSummary]) -> FigureSummary | None:
    return next((f for f in figs if f.field == "fatalities"), None)


def _dispute_note(figs: Sequence[FigureSummary]) -> str:
    return " | ".join(f"{f.field}: {f.note}" for f in figs if f.disputed)


def reconcile_event(event: Event, mentions: Sequence[EventMention], sources: Mapping[str, Source], *,
                    several_events: bool = False) -> Event:
    """The event with its claims (event level), figures, fatalities columns, dispute and source count."""
    sides = [s for s in (event.actor1, event.actor2) if s]
    if event.place is not None:  # the authorities of the place fought over speak for a party
        sides += [s for s in (event.place.admin1, event.place.country) if s]
    claims = supersede([c for m in mentions
                        for c in sourced_claims(m, sources.get(m.article_id, Source(m.article_id)), sides,
                                                several_events=several_events)])
    own = [c for c in claims if c.level == "event"]
    figs = figures(own, sources)
    fat = _fatalities(figs)
    origins = {sources[a].origin or a if a in sources else a for a in event.article_ids}
    outlets = {sources[a].outlet for a in event.article_ids if a in sources and sources[a].outlet}
    return dataclasses.replace(
        event, claims=tuple(claims), figures=figs,
        fatalities=fat.acled if fat else None, fatalities_low=fat.low if fat else None,
        fatalities_best=fat.best if fat else None, fatalities_high=fat.high if fat else None,
        disputed=any(f.disputed for f in figs), dispute_note=_dispute_note(figs),
        independent_sources=len(origins), sources=tuple(sorted(outlets | set(event.sources))))


def reconcile_episode(episode: Episode, events: Sequence[Event], sources: Mapping[str, Source]) -> Episode:
    """The episode's figures: from the claims that speak of it as a whole, else from its events' claims."""
    claims = list({c.claim_id: c for e in events for c in e.claims}.values())
    whole = supersede([dataclasses.replace(c, superseded_by=None) for c in claims if c.level == "episode"])
    figs = figures(whole or claims, sources)
    fat = _fatalities(figs)
    articles = sorted({a for e in events for a in e.article_ids})
    origins = {sources[a].origin or a if a in sources else a for a in articles}
    return dataclasses.replace(
        episode, claims=tuple(sorted(whole or claims, key=lambda c: (c.article_id, c.evidence.start, c.claim_id))),
        figures=figs, fatalities=fat.acled if fat else None, fatalities_low=fat.low if fat else None,
        fatalities_best=fat.best if fat else None, fatalities_high=fat.high if fat else None,
        disputed=any(f.disputed for f in figs), dispute_note=_dispute_note(figs), independent_sources=len(origins),
        article_ids=tuple(articles), sources=tuple(sorted({s for e in events for s in e.sources})))


def with_episode(event: Event, episode: Episode) -> Event:
    """One event of a several-event episode: it carries the episode's claims (tolls of the whole
    fighting, ``level`` "episode") besides its own, and a disputed toll of the whole fighting marks it
    disputed too, the note saying so."""
    have = {c.claim_id for c in event.claims}
    claims = event.claims + tuple(c for c in episode.claims if c.level == "episode" and c.claim_id not in have)
    if not episode.disputed:
        return dataclasses.replace(event, claims=claims)
    note = f"episode {episode.id}: {episode.dispute_note}"
    return dataclasses.replace(event, claims=claims, disputed=True,
                               dispute_note=f"{event.dispute_note} | {note}" if event.dispute_note else note)


def attach_figures(events: Sequence[Event], mentions: Sequence[EventMention],
                   sources: Mapping[str, Source] | None = None) -> list[Event]:
    """Reconcile each event from its own mentions (no episodes, no relations: every article original)."""
    by_id = {m.id: m for m in mentions}
    srcs = dict(sources or {})
    for m in mentions:
        if m.article_id not in srcs:
            outlet = next((c.outlet for c in m.claims if c.outlet), None)
            srcs[m.article_id] = Source(m.article_id, outlet=outlet, origin=m.article_id)
    return [reconcile_event(e, [by_id[i] for i in e.mention_ids if i in by_id], srcs) for e in events]


__all__ = ["CREDIBLE", "HEDGES", "ROLES", "RULES_VERSION", "Source", "attach_figures", "claim_level", "figures",
           "hedge", "reconcile_episode", "reconcile_event", "sourced_claims", "speaker_role", "split_episode_toll",
           "summarise", "supersede", "with_episode"]
