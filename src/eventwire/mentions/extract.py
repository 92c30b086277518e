"""Event-mention stage: one annotated article -> its event mentions, main event first.

Needs: Article, its spaCy Doc, a locator (the geocoder) and the trained event models
(``detect.EventModels``), both handed in by the pipeline module. Provides: EventMention records with
date, place, actors, type, claims and evidence sentences. No cross-article work.

Per sentence: classify (taxonomy/classify), decide status (status), resolve the
date (dates), find figures with speaker and hedge (figures/attribution), locate
(geo), name actors (actors). Background sentences never become events; plans,
denials and opinions are kept with their status so a reviewer sees them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from eventwire.mentions.actors import find_actors, groups_named, resolve_group
from eventwire.mentions.attribution import own_account
from eventwire.mentions.classify import Classification, classify_many
from eventwire.mentions.coalesce import FOCUS, coalesce
from eventwire.mentions.codebook import ARMED_GROUP_CODES, apply_codebook, second_weapons, violence_of
from eventwire.mentions.counts import counts_people_in_general, find_claims
from eventwire.mentions.dates import DateResolution, dated_phrases, ranked_dates, resolve_date
from eventwire.mentions.detect import EventModels, detect
from eventwire.mentions.status import negated, sentence_status
from eventwire.mentions.taxonomy import CODES
from eventwire.mentions.trigger import event_trigger, names_event_kind
from eventwire.model import Article, Claim, EventMention, Evidence, Locator
from eventwire.sentences import is_prose, prose, span_text

# 3: one mention per event told in several sentences; 4: sentence vectors one at a time; 5: place names found
# without NER labels, chosen by the learnt event-place model; 6: references back and new incidents in one article,
# tolls over a period are background, counts of things, agreements' terms planned; 7: learned roles and actors
# (mentions.roles), named-group lexicon; 8: separatist and local ethnic forces a non-state group; states the
# article says took no part never actors; 9: both together; 10: the event word handed to the locator, which
# ranks the places of the sentence and its neighbours; 11: every sentence can reach the learned models (pre-score,
# no cap), markup lines are no sentences, retrained models; 12: territory read as who moved, crowds gathering to
# leave no demonstration; 13: each candidate sentence embedded alone (its vector no longer depends on the article's
# other candidates), a repeated sentence embedded once; 14: the relevance model's sure event gives way to NONE only
# when the sub-type models give NONE >= 0.7, one-sided violence with no crowd named is no demonstration or riot, a
# strategic development with an explosive or remote weapon used is political violence; 15: a strategic development
# whose every main verb is negated is none; 16: direct fire with no remote weapon named is no remote violence; 17: the
# sub-type model also learns from UCDP headlines with deaths (weak labels: reports of killings are violence), a
# violent sentence that tells only a toll gives its figures to the violent event next to it; a sea is not placed at
# the town named beside it, a dateline's month is no place; an opinion (warning, belief, evaluation) is no event,
# nor a source's report of losses with no figure; 18: a ship's name ("INS Mysore") is no place; 19: a state's
# positions, posts or convoy name its forces, not the state alone ("firing at Armenian positions"); an actor's side
# drops "the" when one article's mentions are joined; 20: a line holding only a date is the page's date, "tonight" in a
# text stamped in the small hours is the evening before, an announced event is not dated by its announcement, a
# force named without its state is the one named before with it; 21: who recorded or found an event is no party to
# it, a passive's "by" agent names the attacker, a plan told of a participant leaves the deed standing, a place
# spelt with dots ("U.S.") is a place name, the event decision reads the sub-type models with the relevance score,
# a name after a settlement noun is a place, not an organisation; 23: a dateline line is no event nor the place of one
# whose sentence names a place, a party's account of its own deed and a sentence of
# violence naming no one who acted are the deed told before, a reference back is the event its noun names, a toll's
# new value ("rose to 31") is its figure, a people named by its nationality is its civilians, a development a speaker
# says did not happen is none; 24: a reference back that names the deed's earlier day dates the deed, a place
# named with a compass word before it ("southern Gaza") is a part of it (precision 2)
EXTRACTOR_VERSION = "26"

NONE_CODE = "NONE"
# fields that imply something violent happened even when the sentence's wording
# classified as no event ("... reported a minimum of 200 casualties")
VIOLENT_FIELDS = {"fatalities", "injured"}
# classes that never take over orphan casualty figures
NON_VIOLENT_TYPES = {"Protests", "Strategic developments", "Not ACLED", "Not an event"}
VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
# classes that report speech, not a deed: their casualty figures belong to the deed nearby
STATEMENT_CODES = {NONE_CODE, "DIPLO", "ATTRIB"}
# protest-family classes that may carry casualties, but only when the sentence is about a crowd
CROWD_CODES = {"FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR", "MOB_VIOL", "PROTEST_WITH_INTER"}
_CROWD = re.compile(r"\b(protest|demonstrat|rall(y|ies)|riot|mob|crowd|march|marchers|strik(e|ers)\b)",
                    re.IGNORECASE)
# a second event told in the same sentence ranks just below the first
SECOND_EVENT_PENALTY = 0.05
# the sub-type under which the actors module reads roles from the parse alone
NEUTRAL_CODE = "ARMED_CLASH"
# inter codes of actors a later pronoun may refer back to (state forces and armed groups)
NAMED_ACTOR_INTERS = {1, 2, 3, 4, 8}
# an event dated this long before publication is history the article recalls, not news
BACKGROUND_DAYS = 30
# how far (in sentences) an undated violent mention looks for a dated one of the same fighting
DATE_INHERIT_WINDOW = 4


@dataclasses.dataclass(frozen=True)
class _Candidate:
    index: int  # sentence index
    sent: Span
    cls: Classification
    status: str
    claims: tuple[Claim, ...]
    relevance: float  # the relevance model's score of the sentence (0: not embedded)


def _evidence(sent: Span) -> Evidence:
    return Evidence(text=sent.text, start=sent.start_char, end=sent.end_char)


def _mention_fatalities(claims: Sequence[Claim]) -> int | None:
    """ACLED's conservative single figure: the smallest best total among the fatality claims.

    Sub-counts ("including 10 civilians") are parts of a total, and claims without a count
    ("reported casualties") carry no figure.
    """
    tolls = [(c.value_acled if c.value_acled is not None else c.value_best, counts_people_in_general(c))
             for c in claims if c.field == "fatalities" and c.value_best is not None
             and "sub-count" not in c.flags and "no-count" not in c.flags and c.is_event_figure]
    if not tolls:
        return None
    # "killing at least 45 people, the ministry said" beside "the military said it killed two senior Hamas
    # officials": a count of one kind of person is a part of a count of people in general, not a rival toll
    # (unless it is larger, when the two disagree and the smaller stands)
    general = [f for f, in_general in tolls if in_general]
    if general and all(f <= min(general) for f, in_general in tolls if not in_general):
        return min(general)
    return min(f for f, _ in tolls)


def extract_mentions(article: Article, doc: Doc, *, locator: Locator, models: EventModels) -> list[EventMention]:
    """Event mentions of one article, ordered by salience (main event first)."""
    if not article.text.strip():
        return []
    # markup and metadata lines ("[size=12]", a bare URL) are not sentences: they neither count for the
    # article rule nor reach the models, which read each sentence without its markup
    sents = [s for s in doc.sents if is_prose(span_text(s)) and not _names_only(s)]
    if not sents:
        return []
    found = detect([prose(span_text(s)) for s in sents], models)
    if not found.relevant:
        return []  # no ACLED-type event in this article: nothing else is worth the work
    classes = found.sentences
    context = locator.article_context(doc)
    candidates: list[_Candidate] = []
    orphans: list[_Candidate] = []
    loose: list[_Candidate] = []
    for i, (sent, cls) in enumerate(zip(sents, classes, strict=True)):
        status = sentence_status(sent, article.published)
        if status in ("background", "opinion"):
            # history is no new event, and ACLED codes deeds, not warnings, beliefs, predictions or evaluations
            # ("experts suggest the forces were no match for the army")
            continue
        claims = tuple(find_claims(sent, article_id=article.id, outlet=article.outlet,
                                   published=article.published))
        if _only_aggregates(claims):
            continue  # "200,000 killed since 1992", "50 killed in attacks in December": history, not an event
        if CODES[cls.code].event_type in VIOLENT_TYPES and _reported_losses(sent, claims):
            continue  # "the ministry reported casualties among its contingent": a source's word, no figure, no deed
        cand = _Candidate(i, sent, cls, status, claims, found.relevance[i] or 0.0)
        # a count that happened to people in this event: not "no injuries", not a projection
        casualties = any(c.field in VIOLENT_FIELDS and c.is_event_figure and (c.value_low or 0) > 0
                         for c in claims)
        if casualties and _figures_only(cand):
            # a sentence that only reports figures ("X reported 200 casualties") belongs
            # to the violent event around it, whatever its wording resembled
            orphans.append(cand)
        elif CODES[cls.code].acled:
            candidates.append(cand)
        elif claims:
            # statements, crime, disasters: not ACLED events; their counts go to the event next to them
            loose.append(cand)
    # figures in a sentence that names no event belong to the nearest violent
    # mention before them (else after): "X reported a minimum of 200 casualties"
    attached: dict[int, list[Claim]] = {}
    story_day = _story_day(sents, article)
    for orphan in orphans:
        host = _nearest(candidates, orphan.index, violent=True)
        if host is not None:
            if not _other_time(orphan, host, article, story_day):
                attached.setdefault(host.index, []).extend(orphan.claims)
        else:
            candidates.append(orphan)
    # other counts ("took 23 of them into custody") go to the event told next to them
    for cand in loose:
        host = _nearest(candidates, cand.index, violent=False)
        if host is not None and not _other_time(cand, host, article, story_day):
            attached.setdefault(host.index, []).extend(cand.claims)
    candidates.sort(key=lambda c: c.index)

    # armed groups named so far, by sentence: "the militants" later on is the group named before
    group_at = {i: groups[-1] for i, sent in enumerate(sents) if (groups := groups_named(sent))}
    focus = locator.focus_place(context)
    mentions: list[EventMention] = []
    accounts: set[int] = set()  # the sentences (their start) that are a party's account of its own deed
    sentence_of: list[int] = []  # the sentence index of each mention
    n = len(sents)
    antecedent: str | None = None  # the last actor1 named: what a later "they" or "it" refers to
    for cand in candidates:
        code = cand.cls.code
        ec = CODES[code]
        date = resolve_date(cand.sent, article.published, default=story_day)
        if _is_history(date.date_end or date.date, article):
            continue
        trigger = event_trigger(cand.sent)
        place = locator.locate(cand.sent, context, trigger=trigger)
        if (place is not None and focus is not None and place.feature == "country"
                and focus.feature != "country" and focus.country == place.country):
            # "the Azerbaijani military" names the country; the article says where in it
            place = dataclasses.replace(focus, geo_precision=max(focus.geo_precision, 2),
                                        evidence=f"{FOCUS}{focus.evidence or focus.name}; {place.evidence}")
        elif place is None and focus is not None:
            # the sentence names no place: the article's focus, honestly imprecise
            place = dataclasses.replace(focus, geo_precision=max(focus.geo_precision, 2),
                                        evidence=f"{FOCUS}{focus.evidence or focus.name}")
        # actors are labelled with the country as ACLED names it ("Civilians (Palestine)"), as the namer names states
        country = (place.acled_country or place.country) if place else None
        earlier_group = _last_group(group_at, cand.index)
        # who did what to whom, read from the parse alone (no sub-type's default roles): the codebook
        # decides attacks on civilians vs clashes from it; who took territory or set up a base is read as that
        # (a violent reading would make civilians who moved the target of an unidentified group)
        read_as = code if code in ARMED_GROUP_CODES else NEUTRAL_CODE
        roles = resolve_group(find_actors(cand.sent, read_as, country=country, antecedent=antecedent),
                              cand.sent, earlier_group)
        victims = tuple(c.category or "" for c in cand.claims if c.field in VIOLENT_FIELDS)
        if not ec.acled:
            # casualty figures that found no event to join: violence of the kind the codebook reads
            ruling = violence_of(span_text(cand.sent), inter1=roles.inter1, inter2=roles.inter2, victims=victims)
        else:
            ruling = apply_codebook(code, span_text(cand.sent), inter1=roles.inter1, inter2=roles.inter2,
                                    victims=victims, hurt=_hurt(cand.claims))
        if ruling.code == NONE_CODE:
            continue  # the codebook says the sentence reports no event ACLED codes
        if ruling.code != code:
            code, ec = ruling.code, CODES[ruling.code]
        if ec.event_type == "Strategic developments" and negated(cand.sent):
            # strategic developments record what happened: "the mission did not intervene", "the rebels did
            # not withdraw" are none (negated violence stays: "the strike did not cause casualties")
            continue
        actors = resolve_group(find_actors(cand.sent, code, country=country, antecedent=antecedent), cand.sent,
                               earlier_group)
        if actors.actor1 and actors.inter1 in NAMED_ACTOR_INTERS and not actors.actor1.startswith("Unidentified"):
            antecedent = actors.actor1  # "they" in a later sentence
        claims = cand.claims + tuple(attached.get(cand.index, ()))
        salience = _salience(cand, n, article, ec.acled)
        main = EventMention(
            article_id=article.id,
            event_type=ec.event_type,
            sub_event_type=ec.sub_event_type,
            code=code,
            evidence=(_evidence(cand.sent),),
            event_date=date.date,
            date_end=date.date_end,
            time_precision=date.precision,
            date_evidence=date.evidence,
            actor1=actors.actor1,
            actor2=actors.actor2,
            assoc_actor1=actors.assoc_actor1,
            assoc_actor2=actors.assoc_actor2,
            inter1=actors.inter1,
            inter2=actors.inter2,
            place=place,
            fatalities=_mention_fatalities(claims),
            claims=claims,
            salience=salience,
            status=cand.status,
            confidence=cand.cls.confidence,
            plover=ec.plover,
            cameo=ec.cameo,
            codebook_rule=ruling.rule,
        )
        mentions.append(main)
        sentence_of.append(cand.index)
        if own_account(cand.sent, trigger):
            accounts.add(main.evidence[0].start)
        for other in second_weapons(code, span_text(cand.sent)):
            oc = CODES[other]
            # the sentence's figures stay with its first event: nothing says how they split
            mentions.append(dataclasses.replace(
                main, event_type=oc.event_type, sub_event_type=oc.sub_event_type, code=other, claims=(),
                fatalities=None, salience=round(salience - SECOND_EVENT_PENALTY, 4), plover=oc.plover,
                cameo=oc.cameo, codebook_rule="a second weapon named in the sentence is a second event"))
            sentence_of.append(cand.index)
        for other, day in _events_of_other_days(cand, main, article, models):
            oc = CODES[other]
            # "... following a similar protest the previous day": an event of its own, on its own day
            mentions.append(dataclasses.replace(
                main, event_type=oc.event_type, sub_event_type=oc.sub_event_type, code=other, claims=(),
                fatalities=None, salience=round(salience - SECOND_EVENT_PENALTY, 4), plover=oc.plover,
                cameo=oc.cameo, event_date=day.date, date_end=day.date_end, time_precision=day.precision,
                date_evidence=day.evidence, codebook_rule="an event named with a day of its own is another event"))
            sentence_of.append(cand.index)
    mentions = _inherit_dates(mentions, dict(enumerate(sentence_of)))
    merged = coalesce(mentions, _mention_fatalities, frozenset(accounts))
    merged.sort(key=lambda m: (-m.salience, m.evidence[0].start))
    return [dataclasses.replace(m, rank=i) for i, m in enumerate(merged)]


# what a sentence of names alone is made of: a dateline ("CAIRO, Nov 18 (Reuters) -", "DEIR AL-BALAH, Gaza Strip
# (AP) --"), a byline, a list of places; no word says what happened
_NAME_POS = frozenset({"PROPN", "NUM", "PUNCT", "SPACE", "SYM", "X", "CCONJ", "DET", "ADP"})
_LINE_END = frozenset({"—", "–", "-", "--", ":"})  # how a dateline line ends


def _names_only(sent: Span) -> bool:
    """The sentence is a dateline or a like line of names alone: names, numbers and punctuation, ending with a
    dash or a colon, or of two words at most. (A headline in title case is tagged as names too, but does not
    end so: "Wounded Man Slain at Clinic in Juarez".)"""
    toks = [t for t in sent if not t.is_space]
    if not toks or not all(t.pos_ in _NAME_POS for t in toks):
        return False
    return toks[-1].text in _LINE_END or sum(t.is_alpha for t in toks) <= 2


LEDE_SENTENCES = 3
# How many sentences back a word such as "the militants" may refer to a named group.
GROUP_LOOKBACK = 6


def _last_group(group_at: dict[int, tuple[str, int]], index: int) -> tuple[str, int] | None:
    """The armed group named last in the sentences before ``index`` (or in it), within the lookback."""
    for i in range(index, max(-1, index - GROUP_LOOKBACK - 1), -1):
        if i in group_at:
            return group_at[i]
    return None


def _story_day(sents: Sequence[Span], article: Article) -> dt.date | None:
    """The day the lede names for its news ("... on Wednesday"), else the publication date.

    Sentences that name no day are dated to this day rather than to publication: a wire
    story published on Thursday about Wednesday's events tells Wednesday's news throughout.
    """
    for sent in sents[:LEDE_SENTENCES]:
        for rank, r in ranked_dates(sent, article.published):
            # only a main-clause day dates the news ("that began on Tuesday" dates the offensive)
            if rank == 0 and r.date and r.precision == 1 and r.tense != "future" and (
                    article.published is None or 0 <= (article.published - r.date).days <= 7):
                return r.date
    return article.published


def _is_history(day: dt.date | None, article: Article) -> bool:
    return bool(day and article.published and (article.published - day).days > BACKGROUND_DAYS)


def _other_time(cand: _Candidate, host: _Candidate, article: Article, story_day: dt.date | None) -> bool:
    """The figures' sentence names a time of its own that ends before its neighbour event ("Early November, the
    Royal Navy had captured eight pirates" next to Saturday's arrest of 23): another, earlier event's. A later
    time may be an update of the toll ("On Thursday, officials raised the toll to 45") and stays."""
    own = resolve_date(cand.sent, article.published)
    if own.date is None or not own.evidence:
        return False
    there = resolve_date(host.sent, article.published, default=story_day)
    if there.date is None:
        return False
    return (own.date_end or own.date) < there.date


def _only_aggregates(claims: Sequence[Claim]) -> bool:
    """The sentence's casualty counts are all tolls over a period (a background sentence, whatever its
    wording resembles): it is neither a new event nor a figure of one."""
    tolls = [c for c in claims if c.field in VIOLENT_FIELDS and c.value_high != 0]
    return bool(tolls) and all("aggregate" in c.flags for c in tolls)


def _hurt(claims: Sequence[Claim]) -> bool:
    """True when a sentence's own counts say people were killed or injured in its event."""
    return any(c.field in VIOLENT_FIELDS and c.is_event_figure and (c.value_low or 0) > 0
               and "sub-count" not in c.flags for c in claims)


# a source's words that give a toll as their object ("the ministry reported casualties")
_REPORT_LEMMAS = frozenset({"report", "confirm", "announce", "note", "acknowledge", "state"})
_LOSS_LEMMAS = frozenset({"casualty", "loss", "death", "fatality", "injury"})


def _reported_losses(sent: Span, claims: Sequence[Claim]) -> bool:
    """A sentence whose main verb is a source reporting losses with no figure ("Russia's Defense Ministry reported
    casualties among its peacekeeping contingent"): it tells what a source said of an event told elsewhere, and
    has nothing of its own to code (no count, no deed); a counted toll is kept as figures."""
    root = sent.root
    if root.lemma_ not in _REPORT_LEMMAS:
        return False
    if not any(c.dep_ == "dobj" and c.lemma_ in _LOSS_LEMMAS for c in root.children):
        return False
    return not any(c.field in VIOLENT_FIELDS and (c.value_low or 0) > 0 for c in claims)


def _figures_only(cand: _Candidate) -> bool:
    """True when a sentence with casualty figures names no event kind of its own.

    Statements and attributions ("X reported 200 casualties"), crowd classes without a
    crowd in the sentence and violent classes whose sentence tells only the toll (no weapon,
    fighting or attack named) only carry figures; disasters, crime and other violent
    sentences are events in their own right.
    """
    code = cand.cls.code
    if code in STATEMENT_CODES:
        return True
    if code in CROWD_CODES:
        return _CROWD.search(cand.sent.text) is None
    if CODES[code].event_type in VIOLENT_TYPES:
        # "Dozens of people are confirmed to have been killed and hundreds wounded": the toll of the violent event
        # told next to it, not an event of its own (with no such event around, it is one)
        return not names_event_kind(cand.sent.text)
    return False


def _inherit_dates(mentions: list[EventMention], index_of: dict[int, int]) -> list[EventMention]:
    """An undated violent mention takes the date of the nearest dated one of the same fighting.

    "Several settlements came under artillery fire" names no day; "Azerbaijani forces launched
    a massive assault on Tuesday" two sentences on does, and both describe one offensive.
    """
    out = []
    for i, m in enumerate(mentions):
        if m.date_evidence or m.event_type not in VIOLENT_TYPES or m.status != "occurred":
            out.append(m)
            continue
        here = index_of[i]
        dated = [(abs(index_of[j] - here), j) for j, o in enumerate(mentions)
                 if o.date_evidence and o.event_type in VIOLENT_TYPES and o.status == "occurred"
                 and o.event_date and 0 < abs(index_of[j] - here) <= DATE_INHERIT_WINDOW]
        if not dated:
            out.append(m)
            continue
        host = mentions[min(dated)[1]]
        out.append(dataclasses.replace(m, event_date=host.event_date, date_end=host.date_end,
                                       time_precision=host.time_precision,
                                       date_evidence=f"same fighting as: {host.date_evidence}"))
    return out


def _nearest(candidates: Sequence[_Candidate], index: int, *, violent: bool) -> _Candidate | None:
    """The event sentence just before ``index`` (else just after) that can host its figures."""
    violent = [c for c in candidates if c.status == "occurred" and (
        not violent or CODES[c.cls.code].event_type not in NON_VIOLENT_TYPES)
        and c.cls.code not in STATEMENT_CODES]
    before = [c for c in violent if c.index < index and index - c.index <= 3]
    if before:
        return before[-1]
    after = [c for c in violent if c.index > index and c.index - index <= 2]
    return after[0] if after else None


def _events_of_other_days(cand: _Candidate, main: EventMention, article: Article,
                          models: EventModels) -> list[tuple[str, DateResolution]]:
    """Events of the main one's kind that the sentence names with a day of their own ("thousands gathered
    on Wednesday, following a similar protest the previous day"): the lexical classifier reads the phrase
    the other day hangs off, and it counts when the ACLED sub-type it names best is of the main event's
    type and not a trace (a phrase is no report, so NONE is not asked)."""
    if main.status != "occurred" or main.event_date is None:
        return []
    out = []
    for day, phrase in dated_phrases(cand.sent, article.published, default=main.event_date):
        if day.date is None or day.date == main.event_date or day.tense == "future" or _is_history(day.date, article):
            continue
        [cls] = classify_many([prose(span_text(phrase))], model=models.classifier)
        code, share = max(((c, p) for c, p in cls.scores if CODES[c].acled), key=lambda x: x[1], default=("", 0.0))
        if code and share >= OTHER_DAY_MIN and CODES[code].event_type == main.event_type:
            out.append((code, day))
    return out


# Least probability of the phrase's ACLED sub-type (a trace of a sub-type is no event).
OTHER_DAY_MIN = 0.1


# Weight of the relevance model's score in the main-event score: a sentence it is sure reports an ACLED
# event outranks context it is unsure of (an agency's statement, people sheltering, the war's history).
RELEVANCE_SALIENCE = 0.6


def _salience(cand: _Candidate, n_sents: int, article: Article, acled: bool) -> float:
    """Main-event score: the lead and the headline carry the story; what the relevance model is sure of
    beats context; events beat non-events."""
    position = 1.0 - cand.index / max(n_sents, 1)
    score = position + (0.5 if cand.index <= 1 else 0.0) + 0.4 * cand.cls.confidence
    score += RELEVANCE_SALIENCE * cand.relevance
    if cand.status != "occurred":
        score -= 0.6
    if acled:
        score += 0.2
    if article.title and _overlap(article.title, cand.sent.text) >= 0.3:
        score += 0.3
    return round(score, 4)


def _overlap(a: str, b: str) -> float:
    wa = {w.lower().strip(".,'\"") for w in a.split() if len(w) > 3}
    wb = {w.lower().strip(".,'\"") for w in b.split() if len(w) > 3}
    return len(wa & wb) / max(len(wa), 1)

