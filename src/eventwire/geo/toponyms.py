"""Place names in a sentence: which spans are tried as places, and what the words around them say.

A span is tried when spaCy tags it as a place, when it is a country or curated region, or when a
capitalised run the gazetteer knows (or one cued as a place: "X village", "village of X") stands
where places stand. ``Mention`` carries what the words say: the unit type asked for, a described
country, "the Armenian capital".
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from eventwire.geo.gazetteer import ABBREVIATION, ALIAS, COUNTRY, PRIMARY, REGION, Gazetteer, normalize
from eventwire.geo.spans import (
    capitalised,
    connects,
    followed_by_comma_place,
    locative_cue,
    mistagged_name,
    not_a_place,
    org_tail,
    strong_cue,
    trim_the,
    type_word,
    want_from_words,
)
from eventwire.geo.words import (
    ADMIN_WORDS,
    CONNECTORS,
    GENERIC_NAMES,
    LOC_PREPS,
    LOWER_ARTICLES,
    NAME_TAIL_WORDS,
    ORG_TAIL_WORDS,
    PLACE_LABELS,
    SETTLEMENT_WORDS,
    SKIP_ENT_LABELS,
)


@dataclass
class Mention:
    """A toponym found in text: token span plus what the words around it say."""

    span: Span
    text: str
    want: str | None = None  # "admin" | "admin2" | "settlement" | None
    country_hint: str | None = None  # ISO2 from "the Azerbaijani city of ..."
    capital_of: str | None = None  # ISO2 for "the Armenian capital"
    evidence: str = ""
    fallback_precision: int | None = None  # set when a missing village falls back to its unit
    label: str = ""  # NER label when found by the NER
    sent: Span | None = None  # the sentence (or text unit) the mention was found in
    known: bool = True  # False for a cued name the gazetteer lacks (a village): container fallback
    container_of: Mention | None = None  # an earlier name of the sentence this one is a container of
    # False for a name the gazetteer knows that stands where no word says "place" (a person's or an
    # organisation's name to the NER, a Title Case headline's word): a candidate the learnt event-place
    # model weighs, never evidence of the article's country or a container of another name
    cued: bool = True
    title_case: bool = False  # found in a Title Case headline, where capitals say nothing
    # the known name is the start of a longer capitalised run the gazetteer lacks ("San José" of
    # "San José Agua Azul"): likely another, unknown place
    partial: bool = False



def _title_case(sent: Span) -> bool:
    """A Title Case headline: capitalised function words ("Killed In Attack On ..."), or nearly every
    word capitalised, verbs and nouns too ("Acapulco Massacre: 25 People Killed, 15 Decapitated")."""
    if sum(t.is_stop and t.text[0].isupper() and t.i > sent.start for t in sent) >= 2:
        return True
    words = [t for t in sent if t.is_alpha]
    caps = [t for t in words if t.text[0].isupper()]
    return len(words) >= 4 and len(caps) >= 0.8 * len(words) and \
        any(t.pos_ in {"VERB", "NOUN", "ADJ"} for t in caps if t.i > sent.start)


class ToponymFinder:
    """Finds the toponyms of a sentence (``find``) and describes each from the words around it."""

    def __init__(self, gazetteer: Gazetteer, demonyms: dict[str, str]) -> None:
        self.gaz = gazetteer
        self.demonyms = demonyms

    def find(self, sent: Span) -> list[Mention]:
        """Toponyms in a sentence: NER place entities plus gazetteer names in locative position."""
        doc = sent.doc
        taken: set[int] = set()
        out: list[Mention] = []
        ents = list(sent.ents)  # Span.ents scans the whole Doc's entities on every access
        for ent in ents:
            if ent.label_ in {"ORG", "FAC", "NORP"}:
                span = trim_the(ent)
                # "the Donetsk People's Republic" (ORG to the model), "Central African Republic" (NORP)
                if span is not None and len(span) > 1 and self.is_region_name(span.text):
                    # "the Donetsk People's Republic" (ORG to the model): a curated region.
                    out.append(Mention(span, span.text, label="GPE"))
                    taken.update(range(ent.start, ent.end))
                continue
            if ent.label_ in PLACE_LABELS:
                if any(i in taken for i in range(ent.start, ent.end)):
                    continue  # part of a longer name taken before ("del Rincón")
                span = trim_the(ent)
                # "U.S.", "D.C.": letters with dots are a name too (no token of them is alphabetic)
                if span is None or not any(c.isalpha() for c in span.text) or normalize(span.text) in GENERIC_NAMES:
                    continue
                if ent.end < sent.end and (doc[ent.end].is_currency or doc[ent.end].like_num):
                    continue  # "US $1,000,000"
                if not_a_place(span, sent):
                    continue  # "the US dollar", "Saudi-led", "the Gulf of Aden"
                if span.text in self.demonyms or span.text.rstrip("s") in self.demonyms:
                    continue  # "Ukrainian" is a demonym, not a village found by spelling
                if org_tail(span, sent):
                    continue  # "Islamic State of Iraq": the end of an organisation's name
                span = self._extend(span, sent)  # "San Francisco" + "del Rincón"
                out.append(Mention(span, span.text, label=ent.label_))
                taken.update(range(min(ent.start, span.start), max(ent.end, span.end)))
        blocked = {i for ent in ents if ent.label_ in SKIP_ENT_LABELS and not mistagged_name(ent)
                   and not (ent.label_ == "NORP" and ent.text not in self.demonyms)  # "Harasta" to the NER
                   for i in range(ent.start, ent.end)}
        # a Title Case headline: capitals say nothing, so its known names are candidates only
        title = _title_case(sent)
        i = sent.start
        article_tried: set[int] = set()
        while i < sent.end:
            tok = doc[i]
            if i in taken or i in blocked or not capitalised(tok) or type_word(tok) or tok.is_stop or \
                    tok.text in self.demonyms or tok.text.rstrip("s") in self.demonyms:
                i += 1
                continue
            found = None
            if i not in article_tried and i - 2 >= sent.start and doc[i - 1].text == "-" and \
                    doc[i - 2].lower_ in LOWER_ARTICLES and doc[i - 2].is_lower and i - 2 not in taken and \
                    (i - 3 < sent.start or not doc[i - 3].text[:1].isupper()):
                article_tried.add(i)
                i -= 2  # "al-Bab", "el-Fasher": the article belongs to the name (tried once)
            run_end = i + 1
            while run_end < sent.end and run_end - i < 6 and run_end not in taken and run_end not in blocked \
                    and not type_word(doc[run_end]) \
                    and (capitalised(doc[run_end]) or connects(doc, run_end, sent.end)):
                run_end += 1
            while run_end > i + 1 and not capitalised(doc[run_end - 1]):
                run_end -= 1  # "near Avdiivka on Tuesday": what the connector led to is a date, not the name's
            for j in range(run_end, i, -1):
                if not capitalised(doc[j - 1]):
                    continue
                if normalize(doc[i:j].text) in GENERIC_NAMES:
                    continue
                if self.gaz.has_name(normalize(doc[i:j].text)):
                    found = doc[i:j]
                    break
            known = found is not None
            partial = found is not None and found.end < run_end and doc[found.end].lower_ in CONNECTORS
            # "Islamic State": an organisation named like a unit is no unknown place.
            in_org = any(e.start <= i < e.end and e.label_ == "ORG" for e in ents) and \
                run_end < sent.end and doc[run_end].lower_ in ORG_TAIL_WORDS
            if (found is None or partial) and not in_org and not title and strong_cue(doc[i:run_end], sent) and \
                    normalize(doc[i:run_end].text) not in GENERIC_NAMES:
                # "Nana-Gribizi prefecture": the whole cued name, not its known first word; a
                # village the gazetteer lacks is kept for the container fallback.
                known = known and found is not None and found.end == run_end
                found = doc[i:run_end]
            elif partial and not in_org and not title and locative_cue(doc[i:run_end], sent):
                # "in rural Ras al-Ain": "Ras" alone is a truncation; the whole name, unknown as
                # spelled, goes to spelling matching and the container fallback
                found, known = doc[i:run_end], False
            if found is None:
                i += 1
                continue
            inside = next((e.label_ for e in ents if e.start <= found.start and found.end <= e.end), "")
            nxt = doc[found.end] if found.end < sent.end else None
            if nxt is not None and nxt.text[:1].isupper() and nxt.lower_ in NAME_TAIL_WORDS:
                i = found.end  # "Victoria Hotel", "Taksim Square": part of a facility's name
                continue
            after_prep = found.start > sent.start and doc[found.start - 1].lower_ in LOC_PREPS or (
                found.start - 2 >= sent.start and doc[found.start - 1].text in {"'s", "’s"}
                and doc[found.start - 2].text[:1].isupper())  # "Syria's al-Bab"
            alone = all(not t.is_alpha for t in sent if not (found.start <= t.i < found.end))
            well_known = known and any(
                m.kind in (PRIMARY, ALIAS) and (m.record.feature == COUNTRY or m.record.population >= 100_000)
                for m in self.gaz.lookup(normalize(found.text)))
            # "John R. Bolton", "Fatah Halab": a name that happens to be a town's
            named_other = inside in {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"} and \
                not strong_cue(found, sent) and not after_prep and not alone and not well_known
            if org_tail(found, sent) or not_a_place(found, sent):
                i = found.end
                continue
            cued = not named_other and (
                locative_cue(found, sent) or (found.start == sent.start and followed_by_comma_place(found, sent))
                or (known and self.is_region_name(found.text)))
            if cued or known:
                # an uncued known name is still a candidate: the learnt model says whether it is the place
                # (in a Title Case headline capitals mark no name's end: "Acapulco Massacre")
                longer = known and not title and found.end < run_end and \
                    any(capitalised(t) for t in doc[found.end : run_end])
                out.append(Mention(found, found.text, label=inside, known=known, cued=cued, title_case=title,
                                   partial=longer))
                taken.update(range(found.start, found.end))
                i = found.end
            else:
                i += 1
        # "the Armenian capital" names a place through a demonym.
        for tok in sent:
            if tok.lower_ == "capital" and tok.i - 1 >= sent.start:
                prev = doc[tok.i - 1]
                cc = self.demonyms.get(prev.text)
                if cc and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ != "of":
                    span = doc[tok.i - 1 : tok.i + 1]
                    out.append(Mention(span, span.text, capital_of=cc, evidence=f"the {span.text}"))
        for m in out:
            m.sent = sent
            self._describe(m)
        out.sort(key=lambda m: m.span.start)
        return out

    def _extend(self, span: Span, sent: Span) -> Span:
        """A place entity that starts a longer name the gazetteer knows ("San Francisco" of "San Francisco
        del Rincón", "San José" of "San José Agua Azul"): the longer name."""
        doc = span.doc
        end = span.end
        while end < sent.end and end - span.start < 7 and (capitalised(doc[end]) or connects(doc, end, sent.end)):
            end += 1
        for k in range(end, span.end, -1):
            if capitalised(doc[k - 1]) and self.gaz.has_name(normalize(doc[span.start : k].text)):
                return doc[span.start : k]
        # "New Jersey" of which the NER tags "Jersey" alone: the capitalised word before it, when the
        # gazetteer knows the longer name and the word belongs to no other entity
        prev = doc[span.start - 1] if span.start > sent.start else None
        if prev is not None and capitalised(prev) and prev.ent_type_ in ("", "GPE", "LOC", "FAC") and \
                self.gaz.has_name(normalize(doc[prev.i : span.end].text)):
            return doc[prev.i : span.end]
        return span

    def is_region_name(self, text: str) -> bool:
        """A country or curated region ("DPR", "Donbas"): a place wherever it stands."""
        return any(m.record.feature in (COUNTRY, REGION) and m.kind in (PRIMARY, ALIAS, ABBREVIATION)
                   and (m.kind != ABBREVIATION or text.isupper())
                   for m in self.gaz.lookup(normalize(text)))

    def _describe(self, m: Mention) -> None:
        """Fill want / country_hint / evidence from the words around a mention."""
        doc = m.span.doc
        sent = m.sent if m.sent is not None else m.span.sent
        nxt = doc[m.span.end] if m.span.end < sent.end else None
        words = []
        if nxt is not None and nxt.lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
            words.append(nxt.lower_)
        prev = doc[m.span.start - 1] if m.span.start > sent.start else None
        own = m.span[-1].lower_ in ADMIN_WORDS | SETTLEMENT_WORDS  # "Donetsk region" says what it is
        if own and len(m.span) > 1:
            words.append(m.span[-1].lower_)
        if prev is not None and not own and set(prev.lower_.split("/")) & (ADMIN_WORDS | SETTLEMENT_WORDS):
            words.extend(prev.lower_.split("/"))  # "village Stepanivka", "Town/City Slavyansk"
        # "the (central) Azerbaijani city of Yevlakh", "the town of Marinka"
        k = m.span.start - 1
        if k >= sent.start and doc[k].lower_ == "of":
            j = k - 1
            if j >= sent.start and doc[j].lower_ in ADMIN_WORDS | SETTLEMENT_WORDS:
                words.append(doc[j].lower_)
                for b in range(j - 1, max(sent.start - 1, j - 5), -1):
                    cc = self.demonyms.get(doc[b].text)
                    if cc:
                        m.country_hint = cc
                        break
                    if doc[b].lower_ in {"the", "a", "an"} or doc[b].is_punct:
                        break
                start = j
                while start > sent.start and doc[start - 1].is_alpha and \
                        doc[start - 1].lower_ not in LOC_PREPS:
                    start -= 1
                m.evidence = doc[start : m.span.end].text
        if words:
            m.want = want_from_words(words)
        if not m.evidence:
            m.evidence = m.text

