"""What the words around a span say: cues that make a capitalised run a place, what makes it something
else (an organisation's name, a currency, a water body), where something was only said, datelines.

Functions of spaCy spans and tokens only; no gazetteer.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from eventwire.geo.words import (
    ADMIN2_WORDS,
    ADMIN_WORDS,
    CONNECTORS,
    CURRENCY_WORDS,
    FACILITY_WORDS,
    GENERIC_NAMES,
    LOC_PREPS,
    NAME_TAIL_WORDS,
    SETTLEMENT_WORDS,
    SHIP_PREFIXES,
    SPEECH_LEMMAS,
    WATER_WORDS,
)


def want_from_words(words: list[str]) -> str | None:
    ws = set(words)
    if "council" in ws:
        return "admin2"  # "Shakhtersky City Council": the municipality
    if ws & SETTLEMENT_WORDS:
        return "settlement"
    if ws & ADMIN2_WORDS:
        return "admin2"
    if ws & ADMIN_WORDS:
        return "admin"
    return None



def event_word(sent: Span) -> Token:
    """The sentence's event word when the caller names none: its root, or for "X happened, Y said"
    the clause the speech verb reports."""
    root = sent.root
    if root.lemma_ in SPEECH_LEMMAS:
        for child in root.children:
            if child.dep_ in {"ccomp", "parataxis", "xcomp"} and child.pos_ in {"VERB", "AUX"}:
                return child
    return root


def follows_prep(span: Span) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in LOC_PREPS


def connects(doc: Doc, i: int, end: int) -> bool:
    """Token ``i`` joins two capitalised words of one name: "Ras al-Ain", "Deir ez-Zor", "Kafr Nabl"."""
    j = i
    while j < end and j - i < 2 and doc[j].lower_ in CONNECTORS:
        j += 1
    return j > i and j < end and capitalised(doc[j])


def capitalised(tok: Token) -> bool:
    t = tok.text
    return len(t) >= 2 and t[0].isupper() and any(c.isalpha() for c in t) and not t.isupper() or \
        (t.isupper() and len(t) >= 3 and t.isalpha())


def trim_the(ent: Span) -> Span | None:
    start = ent.start
    while start < ent.end and (ent.doc[start].lower_ in {"the", "a"} or (
            ent.doc[start].lower_ in {"in", "at", "near", "outside", "inside", "into", "from", "on"}
            and start + 1 < ent.end)):  # "In Paraíso" in a Title Case headline
        start += 1
    end = ent.end
    while end > start and (ent.doc[end - 1].is_punct or ent.doc[end - 1].tag_ == "POS"
                           or ent.doc[end - 1].lower_ == "of"):  # "the Republic of" + "Armenia"
        end -= 1
    return ent.doc[start:end] if end > start else None


def mistagged_name(ent: Span) -> bool:
    """A DATE/TIME entity that is one capitalised word with no digit ("Manbij" tagged DATE)."""
    return ent.label_ in {"DATE", "TIME"} and len(ent) == 1 and ent[0].is_alpha and ent[0].text[:1].isupper() \
        and ent[0].lower_ not in GENERIC_NAMES


def not_a_place(span: Span, sent: Span) -> bool:
    """Place words that name something else: "the US dollar", "Saudi-led", "the Gulf of Aden", "Street", a ship."""
    doc = span.doc
    nxt = doc[span.end] if span.end < sent.end else None
    if nxt is not None and nxt.lower_ in CURRENCY_WORDS:
        return True
    if nxt is not None and nxt.text[:1].isupper() and nxt.lower_ in NAME_TAIL_WORDS:
        return True  # "a West Coast Bank branch", "the Kyiv Post": a name's first words
    if nxt is not None and nxt.text == "-" and span.end + 1 < sent.end and doc[span.end + 1].is_lower and \
            not doc[span.end - 1].whitespace_ and not nxt.whitespace_:
        return True  # "Saudi-led", "US-backed", "Iran-aligned": an actor's adjective (not "al-Bab - army")
    if nxt is not None and nxt.lower_ in WATER_WORDS and nxt.text[:1].isupper():
        return True  # "Aden Gulf", "Chad Basin"-like names of water bodies
    after_prefix = span.start > sent.start and doc[span.start - 1].text in SHIP_PREFIXES
    is_prefix = span[0].text in SHIP_PREFIXES and (len(span) > 1 or (nxt is not None and capitalised(nxt)))
    if after_prefix or is_prefix:
        return True  # "INS Mysore", "USS Cole": a ship's name, and its prefix
    before = [t.lower_ for t in doc[max(sent.start, span.start - 2) : span.start]]
    if (len(before) == 2 and before[0] in WATER_WORDS and before[1] == "of") or (before and before[-1] in WATER_WORDS):
        return True  # "the Gulf of Aden", "Lake Chad"
    return len(span) == 1 and span[0].lower_ in FACILITY_WORDS | WATER_WORDS  # "Street", "Gulf"


def locative_cue(span: Span, sent: Span) -> bool:
    doc = span.doc
    prev = doc[span.start - 1] if span.start > sent.start else None
    nxt = doc[span.end] if span.end < sent.end else None
    if type_word_follows(span, sent):
        return True
    if all(not t.is_alpha for t in sent if not (span.start <= t.i < span.end)) or alone_on_line(span):
        return True  # the sentence (or line) is just the name ("Gorlivka.")
    if prev is not None and re.search(r"(held|controlled|occupied|based)$", prev.lower_):
        return True  # "rebel-held Donetsk"
    if prev is not None and (prev.lower_ in LOC_PREPS or
                             set(prev.lower_.split("/")) & (SETTLEMENT_WORDS | ADMIN_WORDS)):
        return True
    if prev is not None and prev.lower_ in {"the"} and span.start - 2 >= sent.start and \
            doc[span.start - 2].lower_ in LOC_PREPS:
        return True
    if prev is not None and prev.text in {",", "(", "/", ";"}:
        return True
    if prev is not None and prev.text in {"'s", "’s"} and span.start - 2 >= sent.start and \
            doc[span.start - 2].text[:1].isupper():
        return True  # "Syria's al-Bab": a place of a country or region
    # "Kramatorsk, Donetsk region ...", "CANCUN: ...": a dateline or a headline's place
    return bool(nxt is not None and nxt.text in {",", "(", ":"} and span.start == sent.start)


def type_word_follows(span: Span, sent: Span) -> bool:
    """A type word follows the name, directly or after one describing word: "Kramatorsk town",
    "the Nuseirat refugee camp", "the Zamzam displacement camp", "the Hmeimim air base"."""
    doc = span.doc
    if span.end < sent.end and doc[span.end].lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
        return True
    if span.end + 1 >= sent.end:
        return False
    between, word = doc[span.end], doc[span.end + 1]
    return bool(between.is_lower and between.is_alpha and not between.is_stop and between.pos_ in {"NOUN", "ADJ"}
                and word.lower_ in SETTLEMENT_WORDS and word.dep_ != "conj")


def type_word(tok: Token) -> bool:
    """ "Village", "Region", "Town/City": a type word, never part of a name run."""
    return bool(set(tok.lower_.split("/")) & (ADMIN_WORDS | SETTLEMENT_WORDS))


def strong_cue(span: Span, sent: Span) -> bool:
    """Words that make an unknown capitalised name a place: "X village", "village of X", "X (Y)"."""
    doc = span.doc
    nxt = doc[span.end] if span.end < sent.end else None
    prev = doc[span.start - 1] if span.start > sent.start else None
    prev2 = doc[span.start - 2] if span.start - 1 > sent.start else None
    if type_word_follows(span, sent):
        return True
    if prev is not None and set(prev.lower_.split("/")) & SETTLEMENT_WORDS:
        return True
    if prev is not None and prev.lower_ == "of" and prev2 is not None and prev2.lower_ in SETTLEMENT_WORDS:
        return True
    if span.start == sent.start and (nxt is None or nxt.text in {"(", "."}) and \
            all(not t.is_alpha for t in doc[span.end : sent.end]) or _only_parenthetical(span, sent) or \
            alone_on_line(span):
        return True  # a bare name as the whole text unit: "Krasnogorivka (outside)."
    return span.start == sent.start and nxt is not None and nxt.text in {",", "("} and any(
        t.text[:1].isupper() for t in doc[span.end : sent.end])


def org_tail(span: Span, sent: Span) -> bool:
    """ "(Islamic State) of Iraq": a place name ending an organisation's name."""
    doc = span.doc
    return span.start - 2 >= sent.start and doc[span.start - 1].lower_ == "of" and \
        doc[span.start - 2].ent_type_ == "ORG" and doc[span.start - 2].text[:1].isupper()


def _doc_text(doc: Doc) -> str:
    # Doc.text joins every token on each access; place checks ask for it per mention
    text = doc.user_data.get("eventwire.text")
    if text is None:
        text = doc.user_data["eventwire.text"] = doc.text
    return text


def alone_on_line(span: Span) -> bool:
    """The name is the only word on its line ("Bria." above a headline)."""
    text = _doc_text(span.doc)
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : end if end >= 0 else len(text)]
    rest = line[: span.start_char - start] + line[span.end_char - start :]
    return not re.search(r"[^\W\d_]", rest)


def _only_parenthetical(span: Span, sent: Span) -> bool:
    doc = span.doc
    rest = doc[span.end : sent.end]
    return span.start == sent.start and len(rest) > 0 and rest[0].text == "(" and ")" in {
        t.text for t in rest} and all(not t.is_alpha for t in doc[[t.text for t in rest].index(")")
                                                               + span.end + 1 : sent.end])


def followed_by_comma_place(span: Span, sent: Span) -> bool:
    return span.end < sent.end and span.doc[span.end].text in {",", "(", ":"}


def governing_prep(span: Span) -> str | None:
    tok = span.root
    for _ in range(4):
        head = tok.head
        if head is tok:
            return None
        if tok.dep_ == "pobj" or head.pos_ == "ADP":
            if head.lower_ == "of" and head.head.lower_ in SETTLEMENT_WORDS | ADMIN_WORDS | {"outskirts"}:
                tok = head.head
                continue
            return head.lower_
        if tok.dep_ in {"compound", "appos", "conj", "amod", "nmod"}:
            tok = head
            continue
        return None
    return None


def is_speech_location(span: Span) -> bool:
    """True for "said in Washington", "told reporters in Moscow", "a statement from Baku"."""
    tok = span.root
    prep = tok.head if tok.dep_ == "pobj" else None
    if prep is None or prep.lower_ not in {"in", "from", "at"}:
        return False
    verb = prep.head
    if verb.lemma_ in SPEECH_LEMMAS or verb.lower_ in {"statement", "briefing", "conference", "interview",
                                                        "news", "speech", "remarks", "talks", "meeting"}:
        return True
    return verb.dep_ in {"dobj", "dative"} and verb.head.lemma_ in SPEECH_LEMMAS and verb.lower_ in {
        "reporters", "journalists", "lawmakers", "parliament", "audience"}


def is_dateline(span: Span) -> bool:
    text = span.doc[span.start :].text[:80]
    return bool(re.match(r"^[A-Z][A-Z .'-]+,", text)) or "(AP)" in text or "(Reuters)" in text


def cue_window(span: Span, sent: Span) -> str:
    """Words before a place name, plus "(near)" / "area" right after it: where "near" cues live."""
    doc = span.doc
    start = max(sent.start, span.start - 6)
    text = doc[start : span.start].text
    end = span.end
    if end < sent.end and (doc[end].text == "(" or doc[end].lower_ in {"area", "outskirts", "vicinity"}):
        text += " " + doc[end : min(sent.end, end + 4)].text
    return text


def sentence_evidence(span: Span, sent: Span) -> str:
    """A few words either side of a place name: the evidence kept with the place."""
    doc = span.doc
    start = max(sent.start, span.start - 4)
    end = min(sent.end, span.end + 3)
    return doc[start:end].text

