"""The pinned spaCy pipeline: a swapped model changes these entities and fails here."""

from __future__ import annotations

import spacy

from eventwire.nlp import DEFAULT_MODEL
from eventwire.pipeline import load_resources


def test_pinned_model_entities_on_a_demo_sentence() -> None:
    nlp = spacy.load(DEFAULT_MODEL)
    assert nlp.meta["version"] == "3.8.0"
    doc = nlp("Gegham Stepanyan, the human rights ombudsman for Nagorno-Karabakh, reported a minimum "
              "of 200 casualties, including 10 civilians, with over 400 others injured.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Gegham Stepanyan", "PERSON"), ("Nagorno-Karabakh", "ORG"), ("200", "CARDINAL"),
        ("10", "CARDINAL"), ("400", "CARDINAL"),
    ]


def test_gazetteer_ruler_fixes_places_the_small_model_calls_people() -> None:
    raw = spacy.load(DEFAULT_MODEL)
    sent = "Azerbaijani forces launched a massive assault on Stepanakert on Tuesday."
    assert ("Stepanakert", "PERSON") in [(e.text, e.label_) for e in raw(sent).ents]
    ents = [(e.text, e.label_) for e in load_resources().nlp(sent).ents]
    assert ("Stepanakert", "GPE") in ents or ("Stepanakert", "LOC") in ents
