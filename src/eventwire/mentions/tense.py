"""A sentence's tense for dating and status: past, present or future, and whether a plan or future cue is
said of the sentence's own deed or of a participant ("pilgrims planning to join the rally were shot dead")."""

from __future__ import annotations

import re

from spacy.tokens import Span

from eventwire.sentences import doc_memo, span_text

_FUTURE_RE = re.compile(
    r"\b(?:will|shall|'ll|going\s+to|plans?\s+to|planned\s+(?:to|for)|planning\s+to|"
    r"scheduled\s+(?:to|for|an?|the)\b|is\s+set\s+to|"
    r"are\s+set\s+to|set\s+to\s+(?:begin|start|meet|take|hold|be)|is\s+to|are\s+to|due\s+to\s+(?:be|begin|start|"
    r"meet|take|hold)|expected\s+to|intends?\s+to|would\s+(?:be\s+held|commence|begin|start|take\s+place|"
    r"meet|be\s+discussed|resume|open|hold))\b",
    re.IGNORECASE,
)


def sentence_tense(sent: Span) -> str:
    """past | present | future, from the main verbs and future/plan cues ("will", "would be held")."""
    memo = doc_memo(sent.doc)
    key = ("tense", sent.start, sent.end)
    if key not in memo:
        memo[key] = _sentence_tense(sent)
    return memo[key]  # type: ignore[return-value]


# Nouns that name an event: a plan said of one of them ("a protest scheduled for Friday") is a plan of the
# sentence's event; a plan said of a person or a thing ("pilgrims planning to join the rally were shot dead")
# describes a participant, and the deed itself still happened.
_EVENT_NOUNS = frozenset({"protest", "rally", "march", "demonstration", "strike", "sit", "attack", "offensive",
                          "operation", "talk", "meeting", "negotiation", "vote", "election", "referendum", "ceasefire",
                          "truce", "withdrawal", "exercise", "visit", "summit", "deployment", "handover", "exchange",
                          "release", "evacuation", "assault", "raid", "campaign", "trial", "hearing", "gathering"})


def cue_of_the_deed(sent: Span, a: int, b: int) -> bool:
    """Whether the plan or future cue at characters a..b is said of the sentence's own deed, not inside a clause that
    describes a participant ("an indigenous leader was slain days before he planned to travel", "pilgrims
    planning to join the rally were shot dead"): the codebook's event happened all the same."""
    span = sent.doc.char_span(sent.start_char + a, sent.start_char + b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return True
    t = span.root
    if t.pos_ == "NOUN" and t.dep_ == "pobj":
        return False  # "demonstrated against plans to build a reactor": the plan is what the deed is about
    while t.head is not t and t.i != sent.root.i:
        head = t.head
        if t.dep_ in {"relcl", "acl"} and head.pos_ in {"NOUN", "PROPN", "PRON"} and \
                head.lemma_.lower() not in _EVENT_NOUNS:
            return False
        if t.dep_ in {"nsubj", "nsubjpass"} and t.tag_ == "VBG":
            return False  # "pilgrims planning to join" read as the subject: who, not the deed
        if t.dep_ == "advcl" and head.tag_ in {"VBD", "VBN"}:
            return False  # "were shot dead ... before he planned to": a past deed with a plan beside it
        t = head
    return True


def _sentence_tense(sent: Span) -> str:
    text = span_text(sent)
    if any(cue_of_the_deed(sent, m.start(), m.end()) for m in _FUTURE_RE.finditer(text)):
        return "future"
    root = sent.root
    verbs = [root, *[c for c in root.children if c.dep_ in {"aux", "auxpass", "conj", "ccomp"}]]
    tags = {t.tag_ for t in verbs}
    if tags & {"VBD", "VBN"}:
        return "past"
    if "MD" in tags and any(t.lower_ in {"will", "shall", "'ll"} for t in verbs):
        return "future"
    if tags & {"VBZ", "VBP", "VBG"}:
        # present perfect ("has killed") is past for dating purposes
        if any(t.lemma_ == "have" and t.dep_ == "aux" for t in verbs):
            return "past"
        return "present"
    return "past"


__all__ = ["cue_of_the_deed", "sentence_tense"]
