"""Where an event happened among the places a text names: one ranking decision over the candidates.

The candidates of one event word are the places of its sentence and of up to ``WINDOW`` sentences
either side (``Geocoder.scored_places``), each described by ``candidate_features``; a pseudo-candidate
"none" (``none_features``) stands for "the text around the event word names no place of it: use the
article's context". A conditional logit (softmax over the candidates and "none") scores them:
``EventPlaceModel.score`` for a candidate, ``EventPlaceModel.none_score`` for "none"; the highest wins.

The weights are learnt listwise (the log-likelihood of the right candidates of each event word) on the
train parts of the event-location sentences, RAMS place arguments and UCDP headlines by
``scripts/train_event_place.py`` and shipped in ``data/geo/event_place.json`` with their provenance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Span, Token

from eventwire.geo.gazetteer import ALIAS, ALTERNATE, CITY, COUNTRY, LANDMARK, GazRecord, data_file
from eventwire.geo.resolve import Candidate, GeoContext, lies_inside
from eventwire.geo.spans import (
    cue_window,
    governing_prep,
    is_dateline,
    is_speech_location,
    type_word_follows,
)
from eventwire.geo.toponyms import Mention
from eventwire.geo.words import (
    ACTOR_LEMMAS,
    ACTOR_NOUNS,
    ADMIN_WORDS,
    EVENT_DEPS,
    EVENT_PREPS,
    FACILITY_WORDS,
    FEATURE_RANK,
    NEAR_CUES,
    NER_LABELS,
    PLACE_LABELS,
    SETTLEMENT_WORDS,
    SPEECH_LEMMAS,
)

MODEL_FILE = "event_place.json"
WINDOW = 2  # sentences either side of the event word's whose places are candidates too


@dataclass(frozen=True)
class EventPlaceModel:
    """Linear scores of the candidate event places (``weights``) and of "none" (``none_weights``)."""

    weights: dict[str, float] = field(default_factory=dict)
    none_weights: dict[str, float] = field(default_factory=dict)
    source: str = ""

    def score(self, features: dict[str, float]) -> float:
        """A candidate's score; only differences between one event word's candidates (and "none") matter."""
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in features.items())

    def none_score(self, features: dict[str, float]) -> float:
        """The score of "no candidate is the event's place"."""
        w = self.none_weights
        return sum(w.get(k, 0.0) * v for k, v in features.items())

    @classmethod
    def load(cls, path: Path | None = None) -> EventPlaceModel:
        """The shipped model (or one written by the training script to ``path``)."""
        with (path or data_file(MODEL_FILE)).open(encoding="utf-8") as fh:
            d = json.load(fh)
        return cls(weights=dict(d["weights"]), none_weights=dict(d.get("none_weights", {})),
                   source=d.get("source", ""))

    def save(self, path: Path) -> None:
        """Write the model as JSON (sorted, so retraining on the same data changes nothing)."""
        d = {"source": self.source,
             "none_weights": {k: round(v, 6) for k, v in sorted(self.none_weights.items())},
             "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())}}
        path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")


def _dep_distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one parse (through their lowest common ancestor)."""
    up_a = [a, *a.ancestors]
    index = {t.i: k for k, t in enumerate(up_a)}
    for k, t in enumerate([b, *b.ancestors]):
        if t.i in index:
            return k + index[t.i]
    return 99


def _bin(value: float, edges: Sequence[int]) -> str:
    for e in edges:
        if value <= e:
            return str(e)
    return "far"


def candidate_features(m: Mention, cand: Candidate, resolved: list[tuple[Mention, Candidate]], trigger: Token,
                       context: GeoContext, offset: int, common_words: frozenset[str] | set[str],
                       event: Token | None = None) -> dict[str, float]:
    """What the words around a place, its record and the article say about it being the event's place.

    ``resolved`` are the candidates of the place's own sentence, ``trigger`` that sentence's event word
    (the caller's when ``offset`` is 0, else the sentence's own), ``event`` the caller's event word
    (``trigger`` when not given), ``offset`` the place's sentence minus the event word's.
    """
    event = event if event is not None else trigger
    r = cand.record
    doc = m.span.doc
    root = m.span.root
    head = governing_prep(m.span)
    unit = m.sent if m.sent is not None else m.span.sent
    f: dict[str, float] = {"rank": float(FEATURE_RANK[r.feature]), f"feat_{r.feature}": 1.0}
    # ---- where the place stands in its sentence
    f[f"prep_{head if head in EVENT_PREPS else ('none' if head is None else 'other')}"] = 1.0
    f[f"dep_{root.dep_ if root.dep_ in EVENT_DEPS else 'other'}"] = 1.0
    f["possessive"] = float(root.dep_ == "poss" or (m.span.end < len(doc) and doc[m.span.end].tag_ == "POS"))
    f["speech"] = float(is_speech_location(m.span))
    f["modifier"] = float(root.dep_ in {"compound", "amod", "nmod"} and root.head.pos_ == "NOUN" and
                          root.head.lower_ not in ADMIN_WORDS | SETTLEMENT_WORDS | FACILITY_WORDS and not m.want
                          and not type_word_follows(m.span, unit))  # "the Nuseirat refugee camp"
    # "Kachin Independence Army", "Syrian government forces": a place naming an actor
    f["actor_head"] = float(root.head.i != root.i and root.head.lemma_.lower() in ACTOR_NOUNS and
                            root.dep_ in {"compound", "amod", "nmod", "poss"})
    f["speaker_subject"] = float(root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_LEMMAS | ACTOR_LEMMAS)
    f["country_actor"] = float(head is None and root.dep_ in {"nsubj", "poss", "nmod", "dobj"} and
                               FEATURE_RANK[r.feature] <= 2 and not m.want)
    f["capital"] = float(m.capital_of is not None)
    f["dateline"] = float(m.span.start == unit.start and m.span.end < unit.end and
                          doc[m.span.end].text in {",", "(", "—", "-"} and is_dateline(m.span))
    f["sent_start"] = float(m.span.start == unit.start)
    f["near_cue"] = float(bool(NEAR_CUES.search(cue_window(m.span, unit))))
    f["first"] = float(resolved[0][0] is m)
    f["only"] = float(len(resolved) == 1)
    # ---- the event word: does it govern the place ("shelled X", "attack in X"), how far is it?
    prep_tok = root.head if root.dep_ == "pobj" else None
    f["trigger_prep"] = float(prep_tok is not None and prep_tok.head.i == trigger.i)
    f["trigger_ancestor"] = float(trigger.i != root.i and any(a.i == trigger.i for a in root.ancestors))
    f["trigger_child"] = float(root.head.i == trigger.i and root.i != trigger.i)
    dist = min(abs(m.span.start - trigger.i), abs(m.span.end - 1 - trigger.i))
    f[f"trigger_dist_{_bin(dist, (3, 8, 15))}"] = 1.0
    f[f"trigger_path_{_bin(_dep_distance(root, trigger), (2, 3, 5))}"] = 1.0
    f["after_trigger"] = float(m.span.start > trigger.i)
    # words between the place and the event word, across sentences too: the nearest place is often it
    f["event_log_distance"] = math.log1p(min(abs(m.span.start - event.i), abs(m.span.end - 1 - event.i)))
    # ---- which sentence: the event word's, or one before or after it
    f[f"sent_offset_{offset}"] = 1.0
    f["doc_first_sentence"] = float(offset != 0 and unit.start == 0)
    # ---- the other places: containers and more specific places ("X, Donetsk region")
    f["container_of_other"] = float(sum(
        1 for _om, oc in resolved if oc is not cand and FEATURE_RANK[oc.record.feature] > FEATURE_RANK[r.feature]
        and lies_inside(oc.record, r)))
    f["inside_other"] = float(any(
        oc is not cand and FEATURE_RANK[oc.record.feature] < FEATURE_RANK[r.feature] and lies_inside(r, oc.record)
        for _om, oc in resolved))
    f["chain_container"] = float(m.container_of is not None)
    # "the Nuseirat refugee camp in central Gaza": a camp, suburb or village beside the larger town it is
    # part of or near; the more specific of two is the event's place (ACLED codes the most specific one)
    f["near_larger_town"] = float(any(_larger_town_near(oc.record, r) for _om, oc in resolved if oc is not cand))
    f["near_smaller_place"] = float(any(_larger_town_near(r, oc.record) for _om, oc in resolved if oc is not cand))
    f["fallback"] = float(m.fallback_precision is not None)
    # ---- is the name a place at all? what the NER calls it, whether words say "place", the record
    f[f"ner_{m.label if m.label in NER_LABELS else ('none' if not m.label else 'other')}"] = 1.0
    f["uncued"] = float(not m.cued)
    f["title_case"] = float(m.title_case)
    common = len(m.span) == 1 and (m.span[0].lower_ in common_words or m.span[0].lemma_.lower() in common_words)
    f["common_word"] = float(common)
    f["uncued_common_word"] = float(common and not m.cued)
    f["partial_name"] = float(m.partial)
    f["log_population"] = math.log10(max(r.population, 1)) / 7 if r.feature in (CITY, LANDMARK) else 0.0
    f["alternate_name"] = float(cand.kind == ALTERNATE)
    f["alternate_in_name"] = float(cand.kind == ALTERNATE and m.label in ("FAC", "ORG", "PERSON"))
    f["curated_name"] = float(cand.kind == ALIAS)
    f["unknown_name"] = float(not m.known)
    # ---- one country per story: the place's country among the article's
    f["country_share"] = context.country_share(r.country)
    f["top_country"] = float(r.country == context.top_country())
    f["country_unnamed"] = float(r.feature != COUNTRY and context.named_share(r.country) == 0.0)
    focus = context.focus_record
    f["focus_place"] = float(focus is not None and focus.pid == r.pid)
    f["inside_focus"] = float(focus is not None and focus.pid != r.pid and
                              FEATURE_RANK[focus.feature] < FEATURE_RANK[r.feature] and lies_inside(r, focus))
    times = sum(1 for p in context.places if p.geonameid is not None and p.geonameid == r.geonameid) \
        if r.geonameid is not None else 0
    f["named_again"] = math.log1p(max(times - 1, 0))
    return f


def _larger_town_near(town: GazRecord, place: GazRecord) -> bool:
    """``town`` is another, larger town than ``place`` (a town, a camp, a landmark), and ``place`` lies
    in its surroundings."""
    return town.pid != place.pid and town.feature == CITY and place.feature in (CITY, LANDMARK) and \
        town.population > 2 * max(place.population, 1) and lies_inside(place, town)


def _token_distance(span: Span, i: int) -> int:
    return min(abs(span.start - i), abs(span.end - 1 - i))


def nearest_features(candidates: Sequence[tuple[Mention, dict[str, float]]], event: Token) -> None:
    """Features of a candidate among the others, added to each one's ``features``: it is the candidate
    nearest the event word (in words, across sentences); it is (part of) the place entity (spaCy GPE,
    LOC, FAC) of the text nearest the event word, the plain reading of "where" that a place name
    nearest the event word is its place; how many candidates stand nearer."""
    if not candidates:
        return
    doc = event.doc
    dists = [_token_distance(m.span, event.i) for m, _f in candidates]
    ents = [e for e in doc.ents if e.label_ in PLACE_LABELS]
    near = min(ents, key=lambda e: _token_distance(e, event.i)) if ents else None
    nearest = min(dists)
    for (m, f), d in zip(candidates, dists, strict=True):
        f["nearest_candidate"] = float(d == nearest)
        f["nearest_place_entity"] = float(near is not None and m.span.start < near.end and near.start < m.span.end)
        f["log_nearer_candidates"] = math.log1p(len({x for x in dists if x < d}))


def none_features(sent: Span, trigger_given: bool, scored: Sequence[tuple[float, Mention, Candidate, dict]],
                  ) -> dict[str, float]:
    """What says the text around the event word names no place of its event."""
    here = [m for _s, m, _c, f in scored if f.get("sent_offset_0")]
    return {
        "bias": 1.0,
        "trigger_given": float(trigger_given),
        # a verbless line ("Ilovaysk town, Donetsk region.") describes a place
        "verbless": float(not any(t.pos_ in {"VERB", "AUX"} for t in sent)),
        "title_case": float(any(m.title_case for m in here)),
        "none_in_sentence": float(not here),
        "cued_in_sentence": float(any(m.cued for m in here)),
        "log_candidates": math.log1p(len(scored)),
    }
