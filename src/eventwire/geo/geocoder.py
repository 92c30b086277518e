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

from collections import Counter

from spacy.tokens import Doc, Span, Token

from eventwire.geo.countries import load_demonyms
from eventwire.geo.event_place import WINDOW, EventPlaceModel, candidate_features, nearest_features, none_features
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
    is_speech_location,
    locative_cue,
    sentence_evidence,
    strong_cue,
)
from eventwire.geo.toponyms import Mention, ToponymFinder
from eventwire.geo.weights import SCORING as W
from eventwire.geo.words import (
    ADMIN_WORDS,
    CHAIN_WORDS,
    COMPASS_WORDS,
    FEATURE_RANK,
    GENERIC_NAMES,
    NEAR_CUES,
    OPEN_WATER_WORDS,
    SETTLEMENT_WORDS,
    is_credit_line,
)
from eventwire.model import Place


class Geocoder(Resolver):
    """Resolve toponyms to ``model.Place`` and pick where a sentence's event happened."""

    def __init__(self, gazetteer: Gazetteer, event_model: EventPlaceModel | None = None,
                 common_words: set[str] | frozenset[str] = frozenset()) -> None:
        super().__init__(gazetteer)
        self.demonyms = load_demonyms()
        self.finder = ToponymFinder(gazetteer, self.demonyms)
        self.event_model = event_model or EventPlaceModel.load()
        # everyday English words ("massacre", "nice"): a place name that is one is a weaker candidate
        self.common_words = common_words

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
                cand = self._resolve_mention(m, first, fuzzy=False, strict=True)
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
                cand = self._resolve_mention(m, ctx, strict=True)
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
                    ctx.within.setdefault(r.admin1, set()).add(frozenset({normalize(m.text), normalize(r.name)}))
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
                         fuzzy: bool = True, strict: bool = False) -> Candidate | None:
        if m.capital_of:
            return self._capital(m.capital_of)
        best = self._best(m.text, context, want=m.want, country_hint=m.country_hint, container=container,
                          fuzzy=fuzzy)
        if strict and best is not None and m.label in ("FAC", "ORG", "PERSON") and best.kind == ALTERNATE \
                and not m.want and not (m.sent is not None and strong_cue(m.span, m.sent)) \
                and not follows_prep(m.span):
            # "White House" is not Casablanca (Dar el Beida) by an alternate name: never the article's
            # country; as an event place the learnt model weighs it ("Acapulco" of "Acapulco Massacre")
            return None
        return best

    def locate(self, sent: Span, context: GeoContext, trigger: Token | None = None) -> Place | None:
        """Where the event of this sentence happened, or None when the text around it names no place
        of it (the caller then takes the article's context).

        ``trigger`` is the event's word when the caller knows it (else the sentence's root). The
        candidates are the places of the sentence and of the sentences next to it; places where
        something was only said or reported ("said in Washington") and wire credit lines
        ("... in Tallinn, Estonia, contributed") are none. The choice among them, or none, is the
        listwise model of ``event_place.py`` (``data/geo/event_place.json``,
        ``scripts/train_event_place.py``).
        """
        chosen = self.locate_mention(sent, context, trigger)
        if chosen is None:
            return None
        m, cand = chosen
        unit = m.sent if m.sent is not None else sent
        near = bool(NEAR_CUES.search(cue_window(m.span, unit))) or (
            m.text.split()[0].lower() in COMPASS_WORDS and len(m.text.split()) > 1) or (  # "north Delhi"
            _compass_before(m.span))  # "in southern Gaza": somewhere in a part of it, not at its point
        return self._to_place(m.text, cand, evidence=sentence_evidence(m.span, unit), near=near,
                              precision=m.fallback_precision)

    def locate_mention(self, sent: Span, context: GeoContext, trigger: Token | None = None
                       ) -> tuple[Mention, Candidate] | None:
        """The words and record ``locate`` takes, or None (see ``locate``)."""
        scored = self.scored_places(sent, context, trigger)
        if not scored:
            return None
        score, m, cand, _f = max(scored, key=lambda x: x[0])
        if score <= self.event_model.none_score(none_features(sent, trigger is not None, scored)):
            return None
        # the place named several times: its words nearest the event word are the evidence
        event = trigger if trigger is not None else event_word(sent)
        same = [(x[1], x[2]) for x in scored if x[2].record.pid == cand.record.pid and
                x[1].fallback_precision == m.fallback_precision]
        return min(same, key=lambda mc: (mc[0].span.sent.start != sent.start, abs(mc[0].span.start - event.i)))

    def scored_places(self, sent: Span, context: GeoContext, trigger: Token | None = None
                      ) -> list[tuple[float, Mention, Candidate, dict[str, float]]]:
        """The candidate event places with the learnt model's score and their features: the places of
        the sentence and of ``WINDOW`` sentences either side (nearest first).

        Places where something was only said are left out whatever else the words say; ``trigger``
        defaults to the sentence's event word (``event_word``).
        """
        given = trigger
        trigger = trigger if trigger is not None else event_word(sent)
        found: list[tuple[Mention, Candidate, dict[str, float]]] = []
        for offset, unit in self._window(sent):
            resolved = self.event_candidates(unit, context)
            word = trigger if offset == 0 else event_word(unit)
            named = {c.record.pid for m, c in resolved if not m.capital_of}
            for m, c in resolved:
                # "the Armenian capital, Yerevan": the name itself is the better evidence
                # a place where something was only said is none, unless the saying is the event
                # ("met in Moscow", "the meeting in Marrakesh" when the caller's event word is the meeting's)
                said = is_speech_location(m.span) and (given is None or m.span.root.head.head.i != given.i)
                if said or (m.capital_of and c.record.pid in named):
                    continue
                f = candidate_features(m, c, resolved, word, context, offset, self.common_words, event=trigger)
                found.append((m, c, f))
        if any(f.get("sent_offset_0") for _m, _c, f in found):
            # a dateline says where the outlet filed from ("CAIRO, Nov 20 (Reuters) -"): the place of an event
            # whose own sentence names none, never one told beside the places its own sentence names
            found = [(m, c, f) for m, c, f in found if f.get("sent_offset_0") or not f.get("dateline")]
        nearest_features([(m, f) for m, _c, f in found], trigger)
        return [(self.event_model.score(f), m, c, f) for m, c, f in found]

    def _window(self, sent: Span) -> list[tuple[int, Span]]:
        """(offset, sentence) for the sentence and its neighbours within ``WINDOW``, nearest first."""
        doc = sent.doc
        sents = doc.user_data.get("eventwire.geo.sents")
        if sents is None:
            sents = doc.user_data["eventwire.geo.sents"] = list(doc.sents)
        at = next((k for k, s in enumerate(sents) if s.start == sent.start), None)
        if at is None:
            return [(0, sent)]
        order = sorted(range(max(0, at - WINDOW), min(len(sents), at + WINDOW + 1)), key=lambda k: (abs(k - at), k))
        return [(k - at, sent if k == at else sents[k]) for k in order if sents[k].text.strip()]

    def event_candidates(self, sent: Span, context: GeoContext) -> list[tuple[Mention, Candidate]]:
        """The sentence's places, each resolved (in its named container if any; an unknown name
        anchored to the nearest place or unit): what ``locate`` chooses among (once per sentence)."""
        memo = context.memo.setdefault(id(sent.doc), {})
        key = (sent.start, sent.end)
        if key not in memo:
            memo[key] = self._event_candidates(sent, context)
        return memo[key]

    def _event_candidates(self, sent: Span, context: GeoContext) -> list[tuple[Mention, Candidate]]:
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
            if any(w in OPEN_WATER_WORDS for w in normalize(m.text).split()):
                continue  # a sea or gulf is not inside the town named beside it (a dateline, a port of call)
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
            # "X, Y", "X (Y)", "X in Y", "El Barrio, Culiacán: Sinaloa"
            if not (len(gap) <= 6 and ok and (any(t.text in {",", "(", "in", ")", ":"} for t in gap) or
                                               other.want in ("admin", "admin2"))):
                break
            # "X village (Y, Z)", "X, Y", "in rural Y": the later names are units, not towns
            unit_slot = any(t.text in {"(", ",", ":"} or t.lower_ in {"rural", "countryside"} for t in gap)
            chain.append((other, unit_slot))
            if other.container_of is None:
                other.container_of = m  # "X in rural Y in Z": Y and Z say where X is
            end = other.span.end
        # Resolve from the outermost unit in: "Sverdlovsk district, Luhansk region" is the
        # Luhansk Oblast district, not Russia's Sverdlovsk Oblast.
        best: GazRecord | None = None
        town: GazRecord | None = None  # a town between the name and its unit: "El Barrio, Culiacán: Sinaloa"
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
            elif r.feature == CITY and best is not None and lies_inside(r, best) and \
                    cand.kind in (PRIMARY, ALIAS):
                town = r  # a known town inside the unit the chain names next: the most specific container
        if town is not None:
            return town
        if best is not None:
            return best
        # "the West Bank city of Nablus": container before, joined by "city/town of"; "Syria's al-Bab".
        if idx > 0:
            prev = mentions[idx - 1]
            gap = doc[prev.span.end : m.span.start]
            if len(gap) <= 3 and (any(t.lower_ in SETTLEMENT_WORDS for t in gap) and gap[-1].lower_ == "of"
                                  or [t.text for t in gap] in (["'s"], ["’s"])):
                cand = self._resolve_mention(prev, context)
                if cand and FEATURE_RANK[cand.record.feature] < FEATURE_RANK[CITY]:
                    return cand.record
        return None


def _compass_before(span: Span) -> bool:
    """The words just before a place name say which part of it ("southern Gaza", "in central Kharkiv")."""
    if span.start == 0:
        return False
    before = span.doc[span.start - 1]
    return before.lower_ in COMPASS_WORDS and before.sent.start == span.sent.start
