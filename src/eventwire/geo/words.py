"""Word lists the geocoder reads around place names: type words, prepositions, cues, and what is not a place.

Kept apart from the code that uses them so each list is found in one place; the numeric weights of
the geocoder are in ``weights.py``.
"""

from __future__ import annotations

import re

from eventwire.geo.gazetteer import ADMIN1, ADMIN2, CITY, COUNTRY, LANDMARK, REGION

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
# Nouns a place name modifies when it names an actor, not where something happened ("Syrian
# government forces", "the Kachin Independence Army", "Donetsk militia")
ACTOR_NOUNS = {"force", "forces", "troops", "army", "militia", "militias", "rebel", "rebels", "police", "government",
               "authorities", "authority", "official", "officials", "fighter", "fighters", "soldier", "soldiers",
               "military", "ministry", "minister", "president", "leader", "leaders", "group", "groups", "cartel",
               "gang", "brigade", "battalion", "regiment", "guard", "guards", "navy", "coalition", "front",
               "movement", "party", "council", "command", "embassy", "ambassador", "envoy", "delegation",
               "insurgents", "jihadists", "separatists", "national", "nationals"}
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
                 "saturday", "sunday", "god", "allah", "christ",
                 # month abbreviations of datelines ("Mumbai, Nov 11"): a date, not Nov, Tajikistan
                 "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                 # an Arabic article alone is no name ("Al" of "Al-Lajat" is not Ål, Norway)
                 "al", "el", "ad", "as", "an", "ash", "ar", "az", "at", "ath", "adh", "ed", "es", "er", "ez"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# NER labels the event-place model tells apart (others fold into "other")
NER_LABELS = ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP")
# "the Gulf of Aden", "Lake Chad": a water body named after a place is not that place.
# Prefixes of ships' names, naval and merchant ("INS Mysore", "USS Cole", "HMS Cumberland", "MV Sirius Star"): the
# name after one is a vessel's, whatever town shares it (a frigate named after Mysore is not in India)
SHIP_PREFIXES = frozenset({
    "USS", "USNS", "USCGC", "HMS", "HMAS", "HMCS", "HMNZS", "HMSAS", "INS", "PNS", "BNS", "SLNS", "TCG", "ROKS",
    "JS", "RFS", "ARA", "KRI", "NRP", "BRP", "RSS", "KD", "HTMS", "HNLMS", "HDMS", "HNoMS", "HSwMS", "FGS", "ESPS",
    "FS", "MV", "MT", "SS", "RMS"})
WATER_WORDS = {"gulf", "bay", "sea", "strait", "straits", "lake", "river", "ocean", "channel", "canal"}
# Open water: an event "in the Gulf of Aden" happened at sea, not at the nearest town the sentence names.
OPEN_WATER_WORDS = {"gulf", "sea", "strait", "straits", "ocean"}
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
              "upon", "on", "sur", "am", "im", "bin", "ibn", "abu",
              # Spanish and Portuguese names: "San Francisco del Rincón", "Villa de los Santos", "Rio das Ostras"
              "del", "los", "las", "da", "do", "dos", "das", "di"}
# Arabic articles written in lower case before a name: "al-Bab", "el-Fasher", "ad-Dana"
LOWER_ARTICLES = {"al", "el", "ad", "as", "an", "ash", "ar", "az", "at", "ath", "adh", "ed", "es", "er", "ez"}
# Parts of speech whose WordNet words are common words, not names ("Massacre", "Nice"): see ``Geocoder``
COMMON_WORD_POS = ("verb", "adj", "adv")
