"""Sentence navigation over spaCy Docs, memoised per Doc.

Several parts of event extraction (dates, status, figures, attribution) read the same sentences'
text and neighbours again and again; ``Span.text`` and ``Token.sent`` rebuild or rescan on every
access. The memo dies with its Doc.
"""

from __future__ import annotations

import re
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


# Markup that reaches the text from forums, wikis and pages: BBCode-style tags ("[size=12]",
# "[/b]"), HTML tags and bare URLs. Bracketed words with a space ("[eastern DRC]") are an editor's
# insertion, not markup, and stay.
_MARKUP = re.compile(r"\[/?[A-Za-z][\w-]*(?:=[^\]\s]*)?\]|</?[A-Za-z][^<>\n]{0,200}>|https?://\S+")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def prose(text: str) -> str:
    """A sentence's text without markup, whitespace collapsed: what the event models read."""
    return " ".join(_MARKUP.sub(" ", text).split())


def is_prose(text: str) -> bool:
    """True when a sentence is words, not a markup or metadata line ("[size=12]", "<br>", a bare URL,
    a lone number or word): at least two words of letters, or one run of letters of a script written
    without spaces."""
    words = _LETTERS.findall(prose(text))
    return len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 4 and not words[0].isascii())
