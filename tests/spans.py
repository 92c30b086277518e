"""Helpers for tests that pick sentences out of real text."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from eventwire.pipeline import plain_pipeline


def sentence(doc: Doc, words: str) -> Span:
    """The first sentence of ``doc`` containing ``words``."""
    for s in doc.sents:
        if words in s.text:
            return s
    raise AssertionError(f"no sentence with {words!r}")


def first_sentence(text: str) -> Span:
    """The first sentence of ``text`` parsed by the pinned model (no gazetteer ruler)."""
    return next(iter(plain_pipeline()(text).sents))
