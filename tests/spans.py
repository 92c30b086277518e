"""Helpers for tests that pick sentences out of real text."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from eventwire.nlp import load_nlp


def sentence(doc: Doc, words: str) -> Span:
    """The first sentence of ``doc`` containing ``words``."""
    for s in doc.sents:
        if words in s.text:
            return s
    raise AssertionError(f"no sentence with {words!r}")


def first_sentence(text: str) -> Span:
    """The first sentence of ``text`` parsed by the pinned model (no gazetteer ruler)."""
    return next(iter(load_nlp(places=False)(text).sents))
