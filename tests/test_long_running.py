"""A process that reads news for weeks (``watch``) keeps no trace of each new word it meets (real spaCy, real
models, a real article)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from eventwire.ingest import read_inputs
from eventwire.model import Article
from eventwire.pipeline.resources import annotate, resources
from eventwire.pipeline.workers import extract_chunk, mentions_of
from eventwire.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "000_c271fdd144f74993.txt"
NEW_WORDS = ("Qorvanthix", "Zelmarović", "4,817,203")


def test_words_first_met_in_extraction_are_forgotten_and_the_mentions_are_the_same() -> None:
    settings = Settings()
    [article] = [a for a in read_inputs([str(EXAMPLE)], settings) if isinstance(a, Article)]
    names = (f" Fighters of the {NEW_WORDS[0]} brigade led by {NEW_WORDS[1]} shelled the road; "
             f"{NEW_WORDS[2]} people fled.")
    article = dataclasses.replace(article, text=article.text + names)
    res = resources(settings)
    extract_chunk([article], settings, True)  # the words of the article itself, once
    strings = len(res.nlp.vocab.strings)

    [(_, (mentions, features))] = extract_chunk([article], settings, True)

    assert len(res.nlp.vocab.strings) == strings
    assert not any(w in res.nlp.vocab.strings or w in res.nlp.vocab for w in NEW_WORDS)
    assert mentions, "the demo article's events"
    # the same reading outside a memory zone, where spaCy keeps the words for good
    [(_, doc)] = list(annotate([article], settings))
    assert mentions_of(article, doc, res) == mentions
    assert NEW_WORDS[0] in res.nlp.vocab.strings and NEW_WORDS[0] in res.nlp.vocab
