"""Sentence navigation over spaCy Docs, memoised per Doc.

Several parts of event extraction (dates, status, figures, attribution) read the same sentences'
text and neighbours again and again; ``Span.text`` and ``Token.sent`` rebuild or rescan on every
access. The memo dies with its Doc.
"""

from __future__ import annotations

import weakref

from spacy.tokens import Doc, Span

_MEMO: weakref.WeakKeyDictionary[Doc, dict[tuple[object, ...], object]] = weakref.WeakKeyDictionary()


def doc_memo(doc: Doc) -> dict[tuple[object, ...], object]:
    """A per-Doc dictionary for memoising sentence-level results (freed with the Doc)."""
    m = _MEMO.get(doc)
    if m is None:
        m = _MEMO[doc] = {}
    return m


def span_text(sent: Span) -> str:
    """``sent.text``, memoised per Doc."""
    memo = doc_memo(sent.doc)
    key = ("text", sent.start, sent.end)
    t = memo.get(key)
    if t is None:
        t = memo[key] = sent.text
    return t  # type: ignore[return-value]


def sentence_index(doc: Doc) -> tuple[dict[int, int], list[Span]]:
    """(sentence start token -> position, the sentences) of a Doc, computed once."""
    memo = doc_memo(doc)
    index = memo.get(("sent-index",))
    if index is None:
        sents = list(doc.sents)
        index = memo[("sent-index",)] = ({s.start: i for i, s in enumerate(sents)}, sents)
    return index  # type: ignore[return-value]


def previous_sentence(sent: Span) -> Span | None:
    """The sentence before ``sent`` in its Doc."""
    starts, sents = sentence_index(sent.doc)
    i = starts.get(sent.start)
    if i is None:  # a span that is not one of the Doc's sentences
        return sent.doc[sent.start - 1].sent if sent.start > 0 else None
    return sents[i - 1] if i > 0 else None


def next_sentence(sent: Span) -> Span | None:
    """The sentence after ``sent`` in its Doc."""
    starts, sents = sentence_index(sent.doc)
    i = starts.get(sent.start)
    if i is None:
        return sent.doc[sent.end].sent if sent.end < len(sent.doc) else None
    return sents[i + 1] if i + 1 < len(sents) else None
