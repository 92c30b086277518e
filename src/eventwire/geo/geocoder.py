"""Toponym resolution with context, and event location within a sentence.

Needs: a built gazetteer (``eventwire.geo.gazetteer``) and spaCy Docs from ``eventwire.nlp``.
Provides: ``model.Place`` records with ACLED geo_precision (1 town, 2 near a town or part of a
region, 3 region/admin1 only) and the words used as evidence.

Resolution order, in short: a country name is the country (never "Russia" -> Russia, Ohio);
an admin-type word ("Donetsk region") asks for an admin unit, a settlement word ("Donetsk town")
for a settlement; otherwise candidates are scored by population, the article's country focus
(countries named, demonyms), admin units and places named nearby, and descriptions ("the central
Azerbaijani city of Yevlakh", "the Armenian capital"). A container the text names ("X, Donetsk
region") is a hard constraint: a same-name town elsewhere is never taken, the container is.

Spelling variants ("Gorlovka" / "Horlivka", "Amvrosievsky" / "Amvrosiivka") are matched by a
folded fuzzy key, only among places of the countries the text is about (or inside a named unit).
A place the gazetteer lacks is anchored to the nearest place of its sentence (precision 2) or the
article's focus unit (precision 3), keeping the text's own name. Places where something was only
said ("said in Washington"), actors ("Russia has mediated") and wire credit lines are not event
locations.
"""

from __future__ import annotations

import math
from collections import Counter

from spacy.tokens import Doc, Span, Token

from eventwire.geo.countries import load_demonyms
from eventwire.geo.event_place import EventPlaceModel
from eventwire.geo.gazetteer import (
    ADMIN1,
    ADMIN2,
    ALIAS,
    ALTERNATE,
    CITY,
    COUNTRY,
    LANDMARK,
    PRIMARY,
    REGION,
    Gazetteer,
    GazRecord,
    normalize,
)
from eventwire.geo.resolve import Candidate, GeoContext, Resolver, lies_inside
from eventwire.geo.spans import (
    cue_window,
    event_word,
    follows_prep,
    governing_prep,
    is_dateline,
    is_speech_location,
    locative_cue,
    sentence_evidence,
    strong_cue,
)
from eventwire.geo.toponyms import Mention, ToponymFinder
from eventwire.geo.weights import SCORING as W
from eventwire.geo.words import (
    ACTOR_LEMMAS,
    ADMIN_WORDS,
    CHAIN_WORDS,
    COMPASS_WORDS,
    EVENT_DEPS,
    EVENT_PREPS,
    FACILITY_WORDS,
    FEATURE_RANK,
    GENERIC_NAMES,
    NEAR_CUES,
    NER_LABELS,
    SETTLEMENT_WORDS,
    SPEECH_LEMMAS,
    is_credit_line,
)
from eventwire.model import Place


class Geocoder(Resolver):
    """Resolve toponyms to ``model.Place`` and pick where a sentence's event happened."""

    def __init__(self, gazetteer: Gazetteer, event_model: EventPlaceModel | None = None) -> None:
        super().__init__(gazetteer)
        self.demonyms = load_demonyms()
        self.finder = ToponymFinder(gazetteer, self.demonyms)
        self.event_model = event_model or EventPlaceModel.load()

    def mentions(self, sent: Span) -> list[Mention]:
        """Toponyms in a sentence (``ToponymFinder.find``), found once per sentence of a Doc."""
        # article_context and locate both ask for a sentence's toponyms
        memo = sent.doc.user_data.setdefault("eventwire.geo.mentions", {})
        key = (sent.start, sent.end)
        if key not in memo:
            memo[key] = self.finder.find(sent)
        return memo[key]

    def article_context(self, doc: Doc) -> GeoContext:
        """Country focus, admin units, places and demonyms of a whole article."""
        ctx = GeoContext()
        for tok in doc:
            cc = self.demonyms.get(tok.text)
            if not cc or not tok.text[0].isupper():
                continue
            # "pro-Russian rebels", "anti-Israeli protests": a stance, not where the article is.
            stance = tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in {"pro", "anti"}
            # "Saudi-led coalition", "Russian-backed forces": the actor's side, not the place
            stance = stance or (tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and doc[tok.i + 2].is_lower)
            if not stance:
                ctx.demonyms[cc] += 1
        per_sent: list[tuple[Span, list[Mention]]] = []
        for sent in doc.sents:
            if is_credit_line(sent.text):
                continue  # wire credit lines say where reporters were, not where anything happened
            per_sent.append((sent, self.mentions(sent)))
        # Pass 1: unambiguous signals (countries, regions) and demonyms set the country focus.
        for cc, n in ctx.demonyms.items():
            ctx.countries[cc] += W.focus_demonym * n
        first = GeoContext(countries=Counter(ctx.countries), named=Counter(ctx.named), demonyms=ctx.demonyms)
        for _, mentions in per_sent:
            for m in mentions:
                if not m.known or not m.cued:
                    continue
                # Exact names only: a spelling guess must not set the article's country.
                cand = self._resolve_mention(m, first, fuzzy=False)
                if cand is None:
                    continue
                r = cand.record
                modifier = m.span.root.dep_ in {"compound", "amod", "npadvmod", "nmod", "poss"} or (
                    m.span.end < len(doc) and doc[m.span.end].text in {"-", "’s", "'s"})
                exact = cand.kind in (PRIMARY, ALIAS)
                if r.feature in (COUNTRY, REGION):
                    w = W.focus_country_modifier if modifier else W.focus_country
                elif r.feature == ADMIN1 or (exact and r.population >= W.focus_city_min_population):
                    w = W.focus_unit_or_city
                elif exact and r.population >= W.focus_town_min_population:
                    w = W.focus_town
                else:
                    w = 0.0  # a village or a spelling variant is none: it may be a namesake abroad
                if is_speech_location(m.span):
                    w *= W.focus_speech
                ctx.countries[cand.record.country] += w
                ctx.named[cand.record.country] += w
        # Pass 2: resolve again with the focus; collect places, admin units and points.
        seen: Counter = Counter()
        by_key: dict[str, Place] = {}
        records: dict[str, GazRecord] = {}
        for _, mentions in per_sent:
            for m in mentions:
                if not m.known or not m.cued:
                    continue
                cand = self._resolve_mention(m, ctx)
                if cand is None:
                    continue
                r = cand.record
                place = self._to_place(m.text, cand, evidence=m.evidence or m.text, near=False)
                ctx.places.append(place)
                if r.feature == ADMIN1:
                    ctx.admin1[r.admin1] += 1
                for key in r.covers:
                    ctx.admin1[key] += 1
                if r.feature in (CITY, LANDMARK, ADMIN2):
                    ctx.points.append((r.latitude, r.longitude))
                if not is_speech_location(m.span):
                    key = f"{r.pid}"
                    seen[key] += 1
                    by_key.setdefault(key, place)
                    records[key] = r
        ctx.focus = self._pick_focus(ctx, seen, by_key, records)
        return ctx

    def _pick_focus(self, ctx: GeoContext, seen: Counter, by_key: dict[str, Place],
                    records: dict[str, GazRecord]) -> Place | None:
        top = ctx.top_country()
        best: tuple[float, Place] | None = None
        for key, n in seen.items():
            p = by_key[key]
            iso2 = records[key].country
            if p.feature == COUNTRY or (top and iso2 != top and n < W.focus_abroad_min_count):
                continue  # a place abroad named once or twice is not what the article is about
            score = n + (W.focus_place_bonus if iso2 == top else -W.focus_place_bonus)
            if best is None or score > best[0]:
                best = (score, p)
                ctx.focus_record = records[key]
        if best is not None:
            return best[1]
        if top and top in self.gaz.countries:
            rec = self.gaz.countries[top]
            ctx.focus_record = rec
            return self._to_place(rec.name, Candidate(rec, 0.0, PRIMARY), evidence="article country focus",
                                  near=False, precision=3)
        return None

    def focus_place(self, context: GeoContext) -> Place | None:
        """The article's main place, for sentences that name none."""
        return context.focus

    def _resolve_mention(self, m: Mention, context: GeoContext, container: GazRecord | None = None,
                         fuzzy: bool = True) -> Candidate | None:
        if m.capital_of:
            return self._capital(m.capital_of)
        best = self._best(m.text, context, want=m.want, country_hint=m.country_hint, container=container,
                          fuzzy=fuzzy)
        if best is not None and m.label in ("FAC", "ORG", "PERSON") and best.kind == ALTERNATE \
                and not m.want and not (m.sent is not None and strong_cue(m.span, m.sent)) \
                and not follows_prep(m.span):
            # "White House" is not Casablanca (Dar el Beida) by an alternate name; a name the small
            # model calls a person or organisation after "in"/"rural" ("in rural Ras al-Ain") is still a place
            return None
        return best

    def locate(self, sent: Span, context: GeoContext, trigger: Token | None = None) -> Place | None:
        """Where the event of this sentence happened, or None when it names no event place.

        ``trigger`` is the event's word when the caller knows it (else the sentence's root): the
        places the event verb governs ("shelled X", "attack in X") come first. Places where
        something was only said or reported ("said in Washington") and wire credit lines
        ("... in Tallinn, Estonia, contributed") are not event places. The choice among the
        sentence's places is a linear model learnt on the event-location train part
        (``data/geo/event_place.json``, ``scripts/train_event_place.py``).
        """
        chosen = self.locate_mention(sent, context, trigger)
        if chosen is None:
            return None
        m, cand = chosen
        near = bool(NEAR_CUES.search(cue_window(m.span, sent))) or (
            m.text.split()[0].lower() in COMPASS_WORDS and len(m.text.split()) > 1)  # "north Delhi"
        return self._to_place(m.text, cand, evidence=sentence_evidence(m.span, sent), near=near,
                              precision=m.fallback_precision)

    def locate_mention(self, sent: Span, context: GeoContext, trigger: Token | None = None
                       ) -> tuple[Mention, Candidate] | None:
        """The words and record ``locate`` takes, or None (see ``locate``)."""
        scored = self.scored_places(sent, context, trigger)
        if not scored:
            return None
        score, m, cand, _f = max(scored, key=lambda x: x[0])
        # The learnt threshold says whether the named event word has its place in the sentence;
        # without one (the sentence's root stands in) a likely enough place of the sentence is taken.
        threshold = self.event_model.threshold if trigger is not None else self.event_model.threshold_without_trigger
        if trigger is None and m.cued and not any(t.pos_ in {"VERB", "AUX"} for t in sent):
            threshold = -math.inf  # a verbless line ("Ilovaysk town, Donetsk region.") describes a place
        if score < threshold:
            return None
        return m, cand

    def scored_places(self, sent: Span, context: GeoContext, trigger: Token | None = None
                      ) -> list[tuple[float, Mention, Candidate, dict[str, float]]]:
        """The sentence's candidate event places with the learnt model's score and their features.

        Places where something was only said are left out whatever else the words say; ``trigger``
        defaults to the sentence's event word (``event_word``).
        """
        resolved = self.event_candidates(sent, context)
        trigger = trigger if trigger is not None else event_word(sent)
        named = {c.record.pid for m, c in resolved if not m.capital_of}
        out = []
        for m, c in resolved:
            # "the Armenian capital, Yerevan": the name itself is the better evidence
            if is_speech_location(m.span) or (m.capital_of and c.record.pid in named):
                continue
            f = self.event_features(m, c, resolved, trigger)
            out.append((self.event_model.score(f), m, c, f))
        return out

    def event_candidates(self, sent: Span, context: GeoContext) -> list[tuple[Mention, Candidate]]:
        """The sentence's places, each resolved (in its named container if any; an unknown name
        anchored to the nearest place or unit): what ``locate`` chooses among."""
        if is_credit_line(sent.text):
            return []
        mentions = self.mentions(sent)
        if not mentions:
            return []
        resolved: list[tuple[Mention, Candidate]] = []
        unresolved: list[Mention] = []
        for idx, m in enumerate(mentions):
            container = self._container(mentions, idx, context)
            plain = self._resolve_mention(m, context)
            if container is not None and plain is not None and \
                    FEATURE_RANK[plain.record.feature] < FEATURE_RANK[CITY] and \
                    FEATURE_RANK[plain.record.feature] <= FEATURE_RANK[container.feature]:
                container = None  # "Kpokpo (CAR), Haute-Kotto": the country is no village
            cand = plain if container is None else self._resolve_mention(m, context, container=container)
            if cand is None and container is not None:
                # Unknown village in a named unit: fall back to the unit (precision 2 or 3),
                # never to a same-name town elsewhere.
                m.fallback_precision = 2 if container.feature in (ADMIN2, CITY) else 3
                resolved.append((m, Candidate(container, W.fallback_candidate, PRIMARY)))
                continue
            if cand is not None:
                resolved.append((m, cand))
            elif m.cued and (locative_cue(m.span, sent) or not m.known):
                unresolved.append(m)
        return resolved + self._anchor_unresolved(unresolved, resolved, context)

    def _anchor_unresolved(self, unresolved: list[Mention], resolved: list[tuple[Mention, Candidate]],
                           context: GeoContext) -> list[tuple[Mention, Candidate]]:
        """Places the gazetteer lacks ("the Balata refugee camp near Nablus"): anchored to the
        nearest place of the sentence (precision 2 near a town, 3 in a unit) or, when the sentence
        has none, to the article's focus unit (precision 3)."""
        out: list[tuple[Mention, Candidate]] = []
        for m in unresolved:
            if normalize(m.text) in GENERIC_NAMES:
                continue
            near = [(abs(om.span.start - m.span.start), oc) for om, oc in resolved
                    if oc.record.feature != COUNTRY and om.fallback_precision is None]
            near = [x for x in near if x[0] <= W.anchor_max_tokens]
            if near:
                rec = min(near, key=lambda x: x[0])[1].record
                m.fallback_precision = 2 if rec.feature in (CITY, LANDMARK, ADMIN2) else 3
            elif context.focus_record is not None and \
                    context.focus_record.feature in (ADMIN1, REGION, ADMIN2):
                rec = context.focus_record
                m.fallback_precision = 3
            else:
                continue
            out.append((m, Candidate(rec, W.fallback_candidate, PRIMARY)))
        return out

    def _container(self, mentions: list[Mention], idx: int, context: GeoContext) -> GazRecord | None:
        """The unit a mention is said to lie in: "X, Y region", "X (Y)", "the Y city of X".

        Along a chain "X village, Y district, Z region, Country" the most specific unit wins.
        """
        m = mentions[idx]
        doc = m.span.doc
        chain: list[tuple[Mention, bool]] = []
        end = m.span.end
        for other in [o for o in mentions[idx + 1 :] if o.cued][:4]:
            gap = doc[end : other.span.start]
            ok = all(t.is_punct or t.lower_ in ADMIN_WORDS | SETTLEMENT_WORDS | CHAIN_WORDS
                     or t.text[:1].isupper() for t in gap)
            if not (len(gap) <= 6 and ok and (any(t.text in {",", "(", "in", ")"} for t in gap) or
                                               other.want in ("admin", "admin2"))):
                break
            # "X village (Y, Z)", "X, Y", "in rural Y": the later names are units, not towns
            unit_slot = any(t.text in {"(", ","} or t.lower_ in {"rural", "countryside"} for t in gap)
            chain.append((other, unit_slot))
            if other.container_of is None:
                other.container_of = m  # "X in rural Y in Z": Y and Z say where X is
            end = other.span.end
        # Resolve from the outermost unit in: "Sverdlovsk district, Luhansk region" is the
        # Luhansk Oblast district, not Russia's Sverdlovsk Oblast.
        best: GazRecord | None = None
        for other, unit_slot in reversed(chain):
            cand = None
            if unit_slot and other.want is None and not other.capital_of:
                cand = self._best(other.text, context, want="admin", container=best)
                if cand is not None and FEATURE_RANK[cand.record.feature] >= FEATURE_RANK[CITY]:
                    cand = None
            cand = cand or self._resolve_mention(other, context, container=best)
            if cand is None:
                continue  # an unknown district between village and region: look further
            r = cand.record
            as_unit = FEATURE_RANK[r.feature] < FEATURE_RANK[CITY] or (
                r.feature == CITY and other.want in ("admin", "admin2"))  # "Amvrosievsky region"
            if as_unit and (best is None or FEATURE_RANK[r.feature] >= FEATURE_RANK[best.feature]):
                best = r
        if best is not None:
            return best
        # "the West Bank city of Nablus": container before, joined by "city/town of".
        if idx > 0:
            prev = mentions[idx - 1]
            gap = doc[prev.span.end : m.span.start]
            if len(gap) <= 3 and any(t.lower_ in SETTLEMENT_WORDS for t in gap) and gap[-1].lower_ == "of":
                cand = self._resolve_mention(prev, context)
                if cand and FEATURE_RANK[cand.record.feature] < FEATURE_RANK[CITY]:
                    return cand.record
        return None

    def event_features(self, m: Mention, cand: Candidate, resolved: list[tuple[Mention, Candidate]],
                       trigger: Token) -> dict[str, float]:
        """What the words around a place say about it being the event's place (``EVENT_FEATURES``)."""
        r = cand.record
        doc = m.span.doc
        root = m.span.root
        head = governing_prep(m.span)
        f: dict[str, float] = {"rank": float(FEATURE_RANK[r.feature]), f"feat_{r.feature}": 1.0}
        f[f"prep_{head if head in EVENT_PREPS else ('none' if head is None else 'other')}"] = 1.0
        f[f"dep_{root.dep_ if root.dep_ in EVENT_DEPS else 'other'}"] = 1.0
        f["fallback"] = float(m.fallback_precision is not None)
        f["possessive"] = float(root.dep_ == "poss" or (m.span.end < len(doc) and doc[m.span.end].tag_ == "POS"))
        f["speech"] = float(is_speech_location(m.span))
        f["modifier"] = float(root.dep_ in {"compound", "amod", "nmod"} and root.head.pos_ == "NOUN" and
                              root.head.lower_ not in ADMIN_WORDS | SETTLEMENT_WORDS | FACILITY_WORDS and not m.want)
        f["speaker_subject"] = float(root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_LEMMAS | ACTOR_LEMMAS)
        f["country_actor"] = float(head is None and root.dep_ in {"nsubj", "poss", "nmod", "dobj"} and
                                   r.feature in (COUNTRY, REGION, ADMIN1) and not m.want)
        f["capital"] = float(m.capital_of is not None)
        f["container_of_other"] = float(sum(
            1 for _om, oc in resolved if oc is not cand and FEATURE_RANK[oc.record.feature] > FEATURE_RANK[r.feature]
            and lies_inside(oc.record, r)))
        f["chain_container"] = float(m.container_of is not None)
        unit = m.sent if m.sent is not None else m.span.sent
        f["dateline"] = float(m.span.start == unit.start and m.span.end < unit.end and
                              doc[m.span.end].text in {",", "(", "—", "-"} and is_dateline(m.span))
        # the event word: does it govern the place ("shelled X", "attack in X"), and how far is it?
        prep_tok = root.head if root.dep_ == "pobj" else None
        f["trigger_prep"] = float(prep_tok is not None and prep_tok.head.i == trigger.i)
        f["trigger_ancestor"] = float(trigger.i != root.i and any(a.i == trigger.i for a in root.ancestors))
        f["trigger_child"] = float(root.head.i == trigger.i and root.i != trigger.i)
        dist = abs(m.span.start - trigger.i)
        f[f"trigger_dist_{'3' if dist <= 3 else '8' if dist <= 8 else '15' if dist <= 15 else 'far'}"] = 1.0
        f["after_trigger"] = float(m.span.start > trigger.i)
        f["first"] = float(resolved[0][0] is m)
        f["only"] = float(len(resolved) == 1)
        f["near_cue"] = float(bool(NEAR_CUES.search(cue_window(m.span, unit))))
        # is the name a place at all? what the NER calls it, whether words say "place", the record
        f[f"ner_{m.label if m.label in NER_LABELS else ('none' if not m.label else 'other')}"] = 1.0
        f["uncued"] = float(not m.cued)
        f["title_case"] = float(m.title_case)
        f["sent_start"] = float(m.span.start == unit.start)
        f["log_population"] = math.log10(max(r.population, 1)) / 7 if r.feature in (CITY, LANDMARK) else 0.0
        f["alternate_name"] = float(cand.kind == ALTERNATE)
        f["curated_name"] = float(cand.kind == ALIAS)
        f["unknown_name"] = float(not m.known)
        return f

