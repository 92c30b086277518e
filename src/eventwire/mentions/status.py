"""Is it a new event? A sentence's status: occurred | background | planned | denied | opinion.

Needs: a sentence ``Span`` and the publication date. Provides ``sentence_status`` and
``status_cues`` (every cue found, for explanations and for callers that want both
"background" and "denied").

Rules, checked in this order (the first that holds wins):

1. denied: the main clause denies or rejects ("Armenia has denied any military presence",
   "rejected claims that", "dismissed reports").
2. opinion: a warning, belief, prediction or evaluation rather than a deed ("warned that",
   "fears", "experts suggest", "said that ... was unnecessary", "may attempt", "if ...").
3. planned: future tense or a plan ("will be held", "would be discussed", "plans to",
   "scheduled", "set to"), the sentence's date is after publication, or the main clause states a term
   of an agreement or plan ("it also stipulated the withdrawal of ...", "the plan provides for ..."):
   what a deal stipulates has not happened (ACLED codes the agreement, not its terms).
4. background: history, not a new event: a year before the publication year ("the 2020
   war", "since the 1990s", "in 1994"), a long duration ("a 9-month blockade", "a six-week
   conflict", "for decades", "since hostilities first erupted"), "in recent years",
   "formerly", or a resolved date more than 31 days before publication.
5. occurred: otherwise.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Span, Token

from eventwire.mentions.dates import NOUN_CLAUSE_RANK, all_dates, ranked_dates
from eventwire.mentions.tense import cue_of_the_deed, sentence_tense
from eventwire.sentences import previous_sentence, span_text

STATUSES = ("occurred", "background", "planned", "denied", "opinion")
BACKGROUND_DAYS = 31  # dates older than this before publication are history

_DENY_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute"})
_OPINION_LEMMAS = frozenset({
    "warn", "fear", "believe", "think", "suggest", "predict", "argue", "hope", "worry", "expect",
    "speculate", "doubt", "feel", "caution", "urge", "vow", "threaten",
})
_EVALUATIVE = frozenset({
    "unnecessary", "unacceptable", "necessary", "wrong", "right", "important", "dangerous",
    "illegal", "legitimate", "justified", "unjustified", "absurd", "ridiculous", "irresponsible",
})
_MODALS = frozenset({"may", "might", "could", "should", "must", "ought"})
# In a main clause "could" is mostly past ability ("investigators could be seen"), not doubt.
_MAIN_MODALS = frozenset({"may", "might", "should", "must", "ought"})

_BACKGROUND_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many)"
    r"[\s-]+(?:year|month|week|decade)s?[\s-]+(?:long\s+)?(?:war|conflict|blockade|siege|occupation|"
    r"insurgency|campaign|dispute|standoff|struggle|offensive|crisis)"
    r"|\bfor\s+(?:decades|years|months|generations)\b|\bdecades[\s-]+(?:old|long)\b"
    r"|\bin\s+recent\s+years\b|\bformerly\b|\bpreviously\b|\bhistorically\b"
    r"|\bsince\s+(?:hostilities|the\s+war|the\s+conflict|fighting)\s+(?:first\s+)?(?:erupted|began|broke\s+out)"
    r"|\bhas\s+(?:spanned|lasted)\b|\bspanned\s+(?:several\s+)?decades\b"
    r"|\b(?:enduring|long-?standing|long-running|decades-long|protracted)\s+(?:war|conflict|dispute|crisis)\b",
    re.IGNORECASE,
)
_PLAN_RE = re.compile(
    r"\b(?:will\s+(?:be\s+)?\w+|shall|plans?\s+to|planned\s+(?:to|for)|planning\s+to|scheduled\s+(?:to|for|an?|the)|"
    r"(?:is|are)\s+set\s+to|set\s+to\s+(?:begin|start|meet|take|hold|be)|(?:is|are)\s+due\s+to|"
    r"intends?\s+to|would\s+(?:be\s+held|commence|begin|start|take\s+place|meet|be\s+discussed|"
    r"resume|open|hold)"
    # what an agreement stipulates is a term to be carried out, not something that happened
    r"|stipulat(?:es|ed|ing)|provides?\s+for)\b",
    re.IGNORECASE,
)


def _main_verbs(sent: Span) -> list[Token]:
    root = sent.root
    return [root, *[c for c in root.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}]]


def _is_denied(sent: Span) -> bool:
    for v in _main_verbs(sent):
        if v.lemma_.lower() in _DENY_LEMMAS:
            return True
        # "Officials denied that ..." as the clause the speech verb governs
        for c in v.children:
            if c.dep_ in {"ccomp", "xcomp"} and c.lemma_.lower() in _DENY_LEMMAS:
                return True
    return bool(re.search(r"\brejected\s+(?:claims|reports|allegations|accusations)\b", span_text(sent), re.I))


# verbs of reporting, whose negation leaves the reported event standing ("did not say how many were killed")
_REPORT_LEMMAS = frozenset({"say", "disclose", "confirm", "comment", "specify", "reveal", "release", "report",
                            "identify", "know", "elaborate", "explain", "respond", "announce", "name"})


# verbs of speech whose complement is what the sentence tells ("X said the forces were not involved")
_SAY_LEMMAS = frozenset({"say", "tell", "state", "insist", "claim", "add", "stress", "maintain", "assert"})


def _told_verbs(sent: Span) -> list[Token]:
    """The main verbs, a speech verb's replaced by those of the clause it reports."""
    out: list[Token] = []
    for v in _main_verbs(sent):
        said = [c for c in v.children if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"}]
        if v.lemma_.lower() in _SAY_LEMMAS and said and not any(c.dep_ == "neg" for c in v.children):
            out += [w for c in said for w in (c, *(x for x in c.children if x.dep_ == "conj" and
                                                    x.pos_ in {"VERB", "AUX"}))]
        else:
            out.append(v)
    return out


def negated(sent: Span) -> bool:
    """The sentence says its deed did not happen: every main verb is negated ("The mission did not
    intervene"), none of them a verb of reporting; a speech verb's are those of what it reports ("Pashinyan
    said the Armenian armed forces were not involved")."""
    verbs = _told_verbs(sent)
    return all(any(c.dep_ == "neg" for c in v.children) and v.lemma_.lower() not in _REPORT_LEMMAS
               for v in verbs)


# Verbs whose object is a term of an agreement or plan ("stipulated the withdrawal"), and verbs that take
# one with "for" ("provides for a ceasefire").
_TERM_LEMMAS = frozenset({"stipulate", "envisage", "envision", "foresee", "mandate"})
_TERM_FOR_LEMMAS = frozenset({"provide", "allow"})


def _states_terms(sent: Span) -> bool:
    """The main clause says what an agreement or plan stipulates, not what happened."""
    for v in _main_verbs(sent):
        lemma = v.lemma_.lower()
        if lemma in _TERM_LEMMAS:
            return True
        if lemma in _TERM_FOR_LEMMAS and any(c.dep_ == "prep" and c.lower_ == "for" for c in v.children):
            return True
    return False


def _is_planned(sent: Span, published: date | None) -> bool:
    if _states_terms(sent):
        return True
    tense = sentence_tense(sent)
    dates = all_dates(sent, published)
    main_future = dates and dates[0].date is not None and published is not None and dates[0].date > published
    text = span_text(sent)
    if tense == "future" or any(cue_of_the_deed(sent, m.start(), m.end()) for m in _PLAN_RE.finditer(text)):
        # "He said Azerbaijan was ready for tomorrow's contact": a plan; "fighting will not
        # stop" inside an opinion is handled by the opinion rule first when it warns.
        return True
    return bool(main_future)


def _is_opinion(sent: Span) -> bool:
    for v in _main_verbs(sent):
        # "it is feared that ...", "is believed to have been arrested": a hedge on a reported
        # event (see attribution), not an opinion
        passive = any(c.dep_ == "auxpass" for c in v.children)
        if v.lemma_.lower() in _OPINION_LEMMAS and not passive:
            return True
        for c in v.children:
            if c.dep_ == "ccomp":
                # "said that a meeting ... was 'unnecessary'": an evaluation, not a deed
                if any(a.dep_ == "acomp" and a.lower_ in _EVALUATIVE for a in c.children):
                    return True
                if any(a.dep_ == "aux" and a.lower_ in _MODALS for a in c.children):
                    return True
                if c.lemma_.lower() in _OPINION_LEMMAS:
                    return True
        if any(c.dep_ == "aux" and c.lower_ in _MAIN_MODALS for c in v.children):
            return True
        if any(c.dep_ == "advcl" and any(m.lower_ == "if" for m in c.children) for c in v.children):
            return True
    return False


_BACKGROUND_HINTS = ("year", "month", "week", "decade", "formerly", "previously", "historically",
                     "hostilities", "the war", "the conflict", "fighting", "spanned", "lasted", "enduring",
                     "long-standing", "longstanding", "long-running", "protracted")


def _is_background(sent: Span, published: date | None, *, look_back: bool = True) -> bool:
    low = span_text(sent).lower()
    if any(h in low for h in _BACKGROUND_HINTS):
        for m in _BACKGROUND_RE.finditer(span_text(sent)):
            if not _in_noun_clause(sent, m.start(), m.end()):
                return True
    if published is not None:
        old = recent = False
        for rank, d in ranked_dates(sent, published):
            if rank == NOUN_CLAUSE_RANK:
                continue  # "the enclave, which has operated ... since the 1990s, proclaimed ..."
            end = d.date_end or d.date
            if end is None:
                continue
            if end < published - timedelta(days=BACKGROUND_DAYS):
                old = True
            else:
                recent = True
        # "Fighting on Tuesday was the worst since 2020": a recent date keeps it an event.
        if old and not recent:
            return True
    # "That conflict resulted in more than 6,700 deaths": refers back to a history sentence.
    first = next((t for t in sent if not t.is_space and not t.is_punct), None)
    if look_back and first is not None and first.lower_ in {"that", "this", "the"} and sent.start > 0:
        subj = next((t for t in sent if t.dep_ in {"nsubj", "nsubjpass"} and t.head == sent.root), None)
        if subj is not None and subj.lemma_.lower() in _HISTORY_NOUNS and first.lower_ != "the" \
                and not any(d.tense == "future" for d in all_dates(sent, published)):
            prev = previous_sentence(sent)
            if prev is None:
                return False
            return _is_background(prev, published, look_back=False)
    return False


def _in_noun_clause(sent: Span, a: int, b: int) -> bool:
    """Whether the characters a..b of the sentence sit in a clause that describes a noun
    (a relative clause or apposition): history told about a participant, not the sentence's
    own event ("Pashinyan, who has formerly acknowledged ..., reiterated ...")."""
    span = sent.doc.char_span(sent.start_char + a, sent.start_char + b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    t = span.root
    while t.head != t:
        if t.dep_ in {"relcl", "acl", "appos"} and (t.pos_ in {"VERB", "AUX"} or t.dep_ == "appos"):
            return True
        t = t.head
    return False


_HISTORY_NOUNS = frozenset({"war", "conflict", "blockade", "siege", "campaign", "offensive", "fighting",
                            "occupation", "insurgency", "crisis"})


def status_cues(sent: Span, published: date | None) -> set[str]:
    """Every status whose cue holds in the sentence (empty set: an event that occurred)."""
    cues: set[str] = set()
    if _is_denied(sent):
        cues.add("denied")
    if _is_planned(sent, published):
        cues.add("planned")
    if _is_opinion(sent):
        cues.add("opinion")
    if _is_background(sent, published):
        cues.add("background")
    return cues


def sentence_status(sent: Span, published: date | None) -> str:
    """occurred | background | planned | denied | opinion (see the module docstring)."""
    cues = status_cues(sent, published)
    for s in ("denied", "opinion", "planned", "background"):
        if s in cues:
            return s
    return "occurred"
