"""The geocoder's weights in one table, each with what it trades off.

Candidate scores (``Geocoder._score``) rank the gazetteer records one name may mean; context
weights (``Geocoder.article_context``) say how much a name tells about the country an article is
about. Scores are additive; only differences between candidates of one name matter. Which place of
a sentence is the event's is not hand-weighted: a linear model learnt on the event-location train
part (``event_place.py``, ``data/geo/event_place.json``) scores ``Geocoder.event_features``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """Named scoring weights of the geocoder (see the module docstring)."""

    # ---- candidates of one name: prior by feature (a name alone, no context)
    country: float = 40.0  # a country name is the country: beats any namesake town or unit
    region: float = 22.0  # a curated region ("Donbas") beats towns, loses to a country
    admin1: float = 11.0  # a state/province name: above a small town, below a city of 10^5 or more
    admin1_per_log_pop: float = 0.5  # populous units a little ahead of small ones of the same name
    admin2: float = 7.0  # a district alone is weaker than a town named the same (its seat)
    city: float = 9.0  # base of a settlement
    city_per_log_pop: float = 1.5  # bigger towns first: 10x population = 1.5 points
    # ---- how the name matched
    kind_alias: float = 1.5  # the curated table's names beat GeoNames' records of the same name
    kind_alternate: float = -1.0  # an alternate spelling is a little less sure than the primary name
    fuzzy: float = -3.0  # a folded-spelling match is less sure than an exact one
    # ---- type words asked for ("Donetsk region", "Kramatorsk town")
    want_admin1_admin: float = 14.0  # "region/province" asks for an admin1 unit
    want_admin1_admin2: float = 6.0  # "district" still fits an admin1 unit better than a town
    want_admin2_admin2: float = 16.0  # "district/raion" asks for an admin2 unit first
    want_admin2_admin: float = 4.0  # "region" sometimes names an admin2 unit
    want_admin_region: float = 4.0  # a curated region fits a unit word
    want_admin_city: float = -10.0  # a unit word makes a town unlikely (but a unit named after it...)
    want_admin_country: float = -35.0  # ...and a country impossible
    want_settlement_city: float = 8.0  # "town/village/city" asks for a settlement
    want_settlement_country: float = -35.0  # "Mann town" is not the Isle of Man
    want_settlement_other: float = -8.0  # a settlement word makes a unit unlikely
    # ---- article context
    country_share_base: float = 4.0  # a place in a country the article names at all
    country_share_scale: float = 8.0  # ...plus this times the country's share of the article's weight
    demonym_country: float = 2.0  # a demonym of the place's country ("Syrian forces"): weak evidence
    context_admin1: float = 6.0  # a place inside an admin1 unit the article names
    near_point_50km: float = 5.0  # within ``near_km`` of another place the article names
    near_point_150km: float = 3.0  # within ``area_km``: the article's area, less sure
    same_point_km: float = 1.0  # closer than this is the same place named again: no evidence
    near_km: float = 50.0  # "near" another place of the article
    area_km: float = 150.0  # the article's area
    country_hint_match: float = 15.0  # "the Azerbaijani city of X": the described country
    country_hint_miss: float = -25.0  # ...and a namesake elsewhere is all but ruled out
    container_inside: float = 20.0  # inside the unit the text names ("X, Donetsk region")
    container_outside: float = -1000.0  # a named container is a hard constraint
    town_outside_named_unit: float = -8.0  # "Oregon" the state, not a small town Oregon elsewhere
    town_outside_unit_max_population: int = 500_000  # ...unless the town is a big city
    capital_candidate: float = 30.0  # "the Armenian capital": as sure as a name of its own
    fallback_candidate: float = -1.0  # a container standing in for a name the gazetteer lacks
    admin2_radius_km: float = 80.0  # a place counts as inside an admin2 unit (a point) this close to it
    town_area_km: float = 40.0  # ...and inside a town standing for its district ("Amvrosievsky region")
    fuzzy_cutoff: float = 88.0  # rapidfuzz ratio for a folded-spelling match: lower finds more, and more namesakes
    fuzzy_min_key: int = 7  # shorter folded keys collide ("Bianga" / "Bayanga"): exact only...
    fuzzy_min_key_in_unit: int = 4  # ...except inside a named unit or described country
    candidate_floor: float = -50.0  # candidates scoring below this are dropped
    # ---- rejecting a best candidate abroad (never a wrong same-name place)
    abroad_share: float = 0.05  # a country under this share of the article's weight is "abroad"
    focus_share: float = 0.5  # ...when the article's top country holds at least this share
    # one country per story: a place abroad needs the text to name its country, unless it is a world city
    abroad_alternate_max_population: int = 1_000_000  # abroad and found by alternate name: rejected below
    abroad_max_population: int = 1_000_000  # abroad and smaller than this: rejected
    # ---- the event's place among a sentence's places: learnt, see ``event_place.py``
    anchor_max_tokens: int = 12  # an unknown name borrows the point of a place at most this far away
    # ---- article country focus (``article_context``)
    focus_demonym: float = 0.5  # each demonym ("Azerbaijani forces")
    focus_country: float = 2.0  # a country or curated region named as a place
    focus_country_modifier: float = 0.7  # "Russia-led forces", "Ukraine's army": weaker
    focus_unit_or_city: float = 1.0  # an admin1 unit, or a city of 10^5 or more
    focus_city_min_population: int = 100_000  # a city this large says which country the article is about
    focus_town: float = 0.3  # a town of 10^4 or more: weak evidence of the country
    focus_town_min_population: int = 10_000  # smaller places (and spelling guesses) say nothing: namesakes
    focus_speech: float = 0.3  # factor for places where something was only said
    focus_place_bonus: float = 1.0  # a place in the top country, per naming count, beats one abroad
    focus_abroad_min_count: int = 3  # a place abroad must be named this often to be the focus


SCORING = ScoreWeights()
