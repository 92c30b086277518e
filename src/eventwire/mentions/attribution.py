"""Who says it, and how sure: attribution and hedging of a sentence.

Needs: a sentence ``Span`` of a parsed spaCy Doc. Provides: ``Attribution``
(speaker, role, hedge) for the sentence's statements and figures.

Hedge vocabulary (one word per claim, strongest cue wins, in this order):

- ``denied``: the speaker denies or rejects it ("denied", "rejected claims", "dismissed").
- ``unverified``: the text says it is not confirmed ("not independently verified",
  "could not be corroborated", "unconfirmed reports", "is believed to"), also when
  the NEXT sentence says so ("His data has not yet been independently corroborated").
- ``claimed``: the speaker claims or alleges it ("claimed", "allegedly", "purportedly").
- ``confirmed``: stated as confirmed ("are confirmed to have been killed", "officials confirmed").
- ``asserted``: a speaker insists or asserts it ("insisted", "asserted", "maintained").
- ``reported``: the default: a news report of a fact, by the outlet or a named source
  ("X said", "X reported", "reportedly", "there were reports that"). This follows the
  project's gold coding, where plain statements are "reported".

With ``token`` (a figure's counted noun) only what governs that word counts: the speech
verb above it ("X said that ..."), a closing tag ("..., a spokesman said."), the speaker
of the quotation it sits in (``..., '' she said``), and hedges in its own clause, so
"allegedly pointing a gun" does not hedge "nearly 100 mourners clashed". Headline lines
glued to a sentence by the segmenter never lend it their verbs.

Speakers are normalised by a small rule set (``normalise_speaker``):
"Russia's Defense Ministry" -> "Russian Defence Ministry"; a sentence with no
speaker is "the outlet"'s. Pronoun speakers ("They stated", "He said") take the
speaker of the previous sentences when they have one (for he/she: a person). Honorifics
("Professor", "Dr") are dropped from names.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from eventwire.sentences import next_sentence, previous_sentence, span_text

OUTLET = "the outlet"

# Verbs that introduce reported speech or a source's figures.
SPEECH_VERBS = frozenset(
    [
        "say", "tell", "report", "state", "claim", "announce", "note", "add", "confirm", "deny",
        "reject", "dismiss", "estimate", "indicate", "insist", "allege", "assert", "maintain",
        "declare", "reveal", "warn", "explain", "write", "tweet", "post", "stress", "emphasize",
        "emphasise", "acknowledge", "admit", "record", "count", "put", "quote", "cite"
    ]
)
_DENY = frozenset({"deny", "reject", "dismiss", "refute", "dispute"})
_CLAIM = frozenset({"claim", "allege"})
_ASSERT = frozenset({"insist", "assert", "maintain"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})

_UNVERIFIED_RE = re.compile(
    r"\b(?:(?:not|n't|never)\s+(?:yet\s+)?(?:been\s+|be\s+)?(?:independently\s+)?"
    r"(?:verified|corroborated|confirmed|verify|corroborate|confirm)"
    r"|could\s+not\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm|corroborat)\w*"
    r"|unconfirmed|unverified|uncorroborated|impossible\s+to\s+(?:verify|confirm)"
    r"|(?:is|are|was|were)\s+believed\s+to)\b",
    re.IGNORECASE,
)
_CLAIMED_RE = re.compile(r"\b(?:allegedly|purportedly|claim(?:s|ed)?|alleg(?:e|es|ed|ation|ations))\b",
                         re.IGNORECASE)
_REPORTED_RE = re.compile(
    r"\b(?:reportedly|there\s+(?:were|are|have\s+been)\s+(?:\w+\s+){0,2}reports|reports\s+(?:say|said|suggest))\b",
    re.IGNORECASE,
)
_CONFIRMED_RE = re.compile(r"\b(?:confirm(?:ed|s)?|verified)\b", re.IGNORECASE)
_DENIED_RE = re.compile(r"\b(?:den(?:y|ies|ied)|rejected\s+(?:claims|reports|allegations))\b",
                        re.IGNORECASE)

# Country -> adjective for "Russia's Defense Ministry" style names. Small on purpose:
# the common conflict-news states; unknown ones keep the possessive form.
_DEMONYMS = {
    "afghanistan": "Afghan", "armenia": "Armenian", "azerbaijan": "Azerbaijani",
    "belarus": "Belarusian", "britain": "British", "china": "Chinese", "egypt": "Egyptian",
    "ethiopia": "Ethiopian", "france": "French", "georgia": "Georgian", "germany": "German",
    "greece": "Greek", "india": "Indian", "iran": "Iranian", "iraq": "Iraqi", "israel": "Israeli",
    "japan": "Japanese", "kenya": "Kenyan", "lebanon": "Lebanese", "libya": "Libyan",
    "mali": "Malian", "mexico": "Mexican", "myanmar": "Myanmar", "nigeria": "Nigerian",
    "pakistan": "Pakistani", "russia": "Russian", "saudi arabia": "Saudi", "somalia": "Somali",
    "sudan": "Sudanese", "syria": "Syrian", "turkey": "Turkish", "ukraine": "Ukrainian",
    "yemen": "Yemeni", "the u.s.": "US", "u.s.": "US", "us": "US", "the us": "US",
    "america": "US", "the uk": "British", "uk": "British", "palestine": "Palestinian",
    "colombia": "Colombian", "venezuela": "Venezuelan", "congo": "Congolese",
}
_HONORIFICS = frozenset({"professor", "prof", "dr", "mr", "mrs", "ms", "miss", "sir", "dame", "lt", "capt",
                         "sgt", "gen", "col", "maj", "rev", "father"})
# US -> British spelling inside organisation names, so one body has one name.
_SPELLING = {"Defense": "Defence", "defense": "defence"}


@dataclass(frozen=True)
class Attribution:
    """Who states a sentence's content (None/"the outlet" when unattributed) and how sure."""

    speaker: str | None
    role: str | None
    hedge: str


def normalise_speaker(name: str) -> str:
    """One name per speaker: strip determiners/quotes, "Russia's X" -> "Russian X", Defense -> Defence."""
    s = re.sub(r"\s+", " ", name.strip().strip("\"'‘’“”,.")).strip()
    s = re.sub(r"\s+'s\b|’s\b", "'s", s)  # tokenised "Russia 's" and curly apostrophe
    m = re.match(r"^(?:the\s+)?(.+?)'s\s+(.+)$", s, flags=re.IGNORECASE)
    if m and m.group(1).lower() in _DEMONYMS:
        s = f"{_DEMONYMS[m.group(1).lower()]} {m.group(2)}"
    words = [_SPELLING.get(w, w) for w in s.split(" ")]
    # honorifics are not part of the name ("Professor Varoufakis" = "Varoufakis")
    while len(words) > 1 and words[0].rstrip(".").lower() in _HONORIFICS:
        words = words[1:]
    if words and words[0].lower() == "the" and len(words) > 1 and words[1][:1].isupper():
        words = words[1:]  # "The Russian Defence Ministry" -> "Russian Defence Ministry"
    return " ".join(words)


def _span_text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[min(t.i for t in tokens): max(t.i for t in tokens) + 1].text


def _speaker_from_noun(head: Token) -> tuple[str | None, str | None]:
    """Speaker and role from the subject noun of a speech verb (or the object of "according to")."""
    appos = [c for c in head.children if c.dep_ == "appos"]
    # Keep the noun phrase without appositions, relative clauses and trailing punctuation.
    drop = {t.i for a in appos for t in a.subtree}
    for c in head.children:
        if c.dep_ in {"relcl", "acl", "punct", "prep"} and c.i > head.i:
            drop |= {t.i for t in c.subtree}
    core = [t for t in head.subtree if t.i not in drop]
    role: str | None = None
    if appos:
        role_toks = [t for t in appos[0].subtree if t.dep_ != "punct" or t.i not in (
            appos[0].left_edge.i, appos[0].right_edge.i)]
        role_toks = [t for t in role_toks if not (t.dep_ == "det" and t.i == appos[0].left_edge.i)]
        role = _span_text(role_toks).strip(" ,") or None
        # "the ombudsman, Gegham Stepanyan, said": the name is the apposition.
        if head.ent_type_ != "PERSON" and appos[0].ent_type_ == "PERSON":
            ent = next((e for e in head.doc.ents if e.start <= appos[0].i < e.end), None)
            name = ent.text if ent is not None else appos[0].text
            return name, _span_text(core) or None
    text = _span_text(core)
    # "White House national security spokesman John Kirby": name = the PERSON entity, role = the rest.
    ents = [e for e in head.doc.ents if e.label_ == "PERSON" and e.start <= head.i < e.end]
    if ents and ents[0].start > core[0].i:
        ent = ents[0]
        role_toks = [t for t in core if t.i < ent.start and t.dep_ not in {"det", "poss", "case"}]
        role = role or (_span_text(role_toks) or None)
        return ent.text, role
    return (text or None), role


def _speech_verb(sent: Span) -> Token | None:
    root = sent.root
    if root.lemma_.lower() in SPEECH_VERBS:
        return root
    # "X, Y, reported ... and noted that ...": the first speech verb governing the sentence.
    for t in sent:
        if t.pos_ in {"VERB", "AUX"} and t.lemma_.lower() in SPEECH_VERBS and t.dep_ in {
            "ROOT", "conj", "ccomp", "advcl", "parataxis", "relcl"
        } and (any(c.dep_ in {"nsubj", "nsubjpass"} for c in t.children)
               or (t.dep_ == "conj" and any(c.dep_ == "nsubj" for c in t.head.children))):
            return t
    return None


def _according_to(sent: Span) -> Token | None:
    for t in sent[:-1]:
        if t.lower_ == "according" and t.nbor(1).lower_ == "to":
            pobj = [c for c in t.nbor(1).children if c.dep_ == "pobj"]
            if pobj:
                return pobj[0]
    return None


def hedge_of(sent: Span) -> str:
    """The hedge the sentence's own words put on its content (see the module docstring)."""
    text = span_text(sent)
    verb = _speech_verb(sent)
    lemma = verb.lemma_.lower() if verb is not None else ""
    if lemma in _DENY or _DENIED_RE.search(text):
        return "denied"
    if _UNVERIFIED_RE.search(text):
        return "unverified"
    if lemma in _CLAIM or _CLAIMED_RE.search(text):
        return "claimed"
    if _REPORTED_RE.search(text):
        return "reported"
    if lemma == "confirm" or _CONFIRMED_RE.search(text):
        return "confirmed"
    if lemma in _ASSERT:
        return "asserted"
    return "reported"


_SCOPE_CHILD_DEPS = frozenset({"relcl", "advcl", "acl", "ccomp", "parataxis", "conj", "prep", "xcomp"})


_CLAUSE_DEPS = frozenset({"relcl", "advcl", "acl", "ccomp", "parataxis", "conj"})


def _governors(token: Token) -> list[Token]:
    """``token`` and the words above it, stopping at an independent coordinated main clause:
    in "One person is believed to have been arrested, and no injuries were reported" the
    second clause is not under "believed"; the elliptical "... confirmed to have been
    killed and hundreds wounded" is."""
    out = [token]
    t = token
    while t.head != t:
        if t.dep_ == "conj" and t.pos_ in {"VERB", "AUX"} and t.head.dep_ == "ROOT" and any(
                c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in t.children) and (
                any(c.dep_ in {"aux", "auxpass"} for c in t.children) or t.tag_ in {"VBD", "VBZ", "VBP"}):
            break
        t = t.head
        out.append(t)
    return out


def _scope(sent: Span, token: Token) -> tuple[list[Token], list[Token]]:
    """The words that can hedge ``token``: its clause (without sub-clauses that do not hold
    it) and, above the clause, the governing verbs with their adverbs and auxiliaries."""
    anc = _governors(token)
    clause = next((t for t in anc if t.pos_ in {"VERB", "AUX"}), anc[-1])
    drop: set[int] = set()
    for c in clause.subtree:
        if c.i in drop or c == clause:
            continue
        holds = c.left_edge.i <= token.i <= c.right_edge.i
        if not holds and (c.dep_ in _CLAUSE_DEPS or (c.head == clause and c.dep_ in _SCOPE_CHILD_DEPS)):
            drop |= {t.i for t in c.subtree}
    scope = {t.i: t for t in clause.subtree if t.i not in drop}
    for a in anc:
        if a.i in scope:
            continue
        scope[a.i] = a
        for c in a.children:
            if c.dep_ in {"advmod", "neg", "aux", "auxpass", "nsubjpass", "expl", "agent"}:
                scope[c.i] = c
    return anc, [scope[i] for i in sorted(scope)]


def hedge_for(sent: Span, token: Token) -> str:
    """The hedge on one word of a sentence (a figure's noun): only cues that govern it count,
    so "allegedly pointing a gun" does not hedge "nearly 100 mourners clashed"."""
    anc, scope = _scope(sent, token)
    text = " ".join(t.text for t in scope)
    lemmas = {a.lemma_.lower() for a in anc[1:]}
    negated = any(c.dep_ == "neg" for a in anc[1:] for c in a.children)
    passive = {a.lemma_.lower() for a in anc[1:] if any(c.dep_ == "auxpass" for c in a.children)}
    if lemmas & _DENY or _DENIED_RE.search(text):
        return "denied"
    if _UNVERIFIED_RE.search(text) or passive & {"believe", "fear", "think", "feel"}:
        return "unverified"
    if lemmas & _CLAIM or _CLAIMED_RE.search(text):
        return "claimed"
    if _REPORTED_RE.search(text):
        return "reported"
    if ("confirm" in lemmas or _CONFIRMED_RE.search(text)) and not negated:
        return "confirmed"
    if lemmas & _ASSERT:
        return "asserted"
    return "reported"


def hedge_of_following(sent: Span) -> str | None:
    """A hedge that ``sent`` puts on the sentence BEFORE it ("His data has not yet been
    independently corroborated" -> "unverified"); None when it says nothing about it."""
    text = span_text(sent)
    if len(sent) > 25:  # a long sentence carries its own content, not a note on the previous one
        return None
    if _UNVERIFIED_RE.search(text):
        return "unverified"
    if re.search(r"\b(?:denied|rejected|disputed)\s+(?:this|that|the\s+(?:claim|report)s?)\b", text,
                 re.IGNORECASE):
        return "denied"
    return None


def _neighbour(sent: Span, step: int) -> Span | None:
    return previous_sentence(sent) if step < 0 else next_sentence(sent)


def attribution(sent: Span, *, prev: Span | None = None, next: Span | None = None,  # noqa: A002
                token: Token | None = None) -> Attribution:
    """Speaker (normalised), speaker role and hedge of a sentence, or of one ``token`` in it.

    ``prev``/``next`` default to the neighbouring sentences of ``sent`` in its Doc:
    ``prev`` resolves pronoun speakers, ``next`` can mark the sentence "unverified".
    With ``token`` (e.g. a figure's noun) only the speech verbs and hedges that govern
    it count.
    """
    verb = _governing_speech_verb(sent, token) if token is not None else None
    if verb is None and token is not None:
        # a figure inside a quotation: the speaker is the one the quote is attributed to
        quote_verb = _quote_speech_verb(token)
        if quote_verb is not None:
            speaker, role = _speaker(quote_verb.sent if quote_verb.sent.start != sent.start else sent,
                                     None, depth=6, verb=quote_verb, local=True)
        else:
            speaker, role = _speaker(sent, prev, depth=6, verb=None, local=True)
    else:
        speaker, role = _speaker(sent, prev, depth=6, verb=verb, local=token is not None)
    hedge = hedge_for(sent, token) if token is not None else hedge_of(sent)
    nxt = next if next is not None else _neighbour(sent, +1)
    if nxt is not None and nxt.start != sent.start and hedge != "denied":
        follow = hedge_of_following(nxt)
        if follow is not None:
            hedge = follow
    return Attribution(speaker=speaker or OUTLET, role=role, hedge=hedge)


_OPEN_QUOTES = frozenset({"``", "“"})
_CLOSE_QUOTES = frozenset({"''", "”"})
_QUOTE_MEMO: weakref.WeakKeyDictionary[Doc, list[tuple[int, int]]] = weakref.WeakKeyDictionary()
QUOTE_TAG_WINDOW = 6  # tokens between a quote's end (or start) and its "she said"


def _quote_regions(doc: Doc) -> list[tuple[int, int]]:
    """(open, close) token indices of the quotations of a Doc (double quotes only: single
    quotes mostly mark scare quotes such as 'restore constitutional order')."""
    regions = _QUOTE_MEMO.get(doc)
    if regions is not None:
        return regions
    regions = []
    open_i: int | None = None
    for t in doc:
        txt = t.text
        nxt = doc[t.i + 1].text if t.i + 1 < len(doc) else ""
        if txt == "`" and nxt == "`":  # tokenised PTB quotes: `` -> ` `
            txt = "``"
        elif txt == "'" and nxt == "'" and open_i is not None:
            txt = "''"
        if txt in _OPEN_QUOTES or (txt == '"' and open_i is None):
            open_i = t.i
        elif (txt in _CLOSE_QUOTES or txt == '"') and open_i is not None:
            regions.append((open_i, t.i))
            open_i = None
    _QUOTE_MEMO[doc] = regions
    return regions


def _quote_speech_verb(token: Token) -> Token | None:
    """The speech verb a quotation holding ``token`` is attributed to: just after the closing
    quote ('..., " she said.') or just before the opening one ('X said: "...')."""
    doc = token.doc
    for a, b in _quote_regions(doc):
        if not a < token.i < b:
            continue
        for t in doc[b + 1: min(len(doc), b + 1 + QUOTE_TAG_WINDOW)]:
            if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX"}:
                return t
            if t.text in _OPEN_QUOTES:
                break
        for t in reversed(doc[max(0, a - QUOTE_TAG_WINDOW): a]):
            if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in {"VERB", "AUX"}:
                return t
        return None
    return None


def _line(sent: Span, token: Token) -> int:
    """Which line of the sentence ``token`` is on: headlines and datelines glued to the first
    sentence by the segmenter must not lend it their verbs."""
    return span_text(sent).count("\n", 0, max(0, token.idx - sent.start_char))


def _governing_speech_verb(sent: Span, token: Token) -> Token | None:
    """The speech verb above ``token`` ("X said that [token] ..."), or a bare speech tag
    ("..., a spokesman said") whose reach includes it."""
    line = _line(sent, token)
    for a in _governors(token)[1:]:
        if a.lemma_.lower() in SPEECH_VERBS and a.pos_ in {"VERB", "AUX"} and _line(sent, a) == line:
            return a
    govs = _governors(token)
    for tag in sent:
        if tag.lemma_.lower() not in SPEECH_VERBS or tag.pos_ not in {"VERB", "AUX"} or _line(sent, tag) != line:
            continue
        closing = all(t.is_punct or t.is_space for t in sent.doc[tag.right_edge.i + 1: sent.end])
        # "X killed two ..., and police had no suspects, officials said Saturday": a speech
        # verb conjoined at the end of the sentence covers all of it
        if tag.dep_ == "conj" and tag.head in govs and tag.i > token.i and closing and not (
                tag.left_edge.i <= token.i <= tag.right_edge.i):
            return tag
        # otherwise only a bare tag, not an aside with its own content ("(the Post says
        # three people were injured)")
        if tag.dep_ != "parataxis" or any(k.dep_ in {"ccomp", "dobj", "xcomp"} for k in tag.children):
            continue
        if tag.left_edge.i <= token.i <= tag.right_edge.i:
            continue
        after = [t for t in sent.doc[tag.right_edge.i + 1: sent.end] if not (t.is_punct or t.is_space)]
        # "..., the military said." or "..., the military said, and ...": the whole sentence;
        # "killed after, police say, pointing a gun": only what follows the tag
        if not after or after[0].pos_ == "CCONJ" or token.i > tag.i:
            return tag
    return None


_SELF = frozenset({"it", "they", "its", "their", "we", "our"})


def own_account(sent: Span, token: Token | None) -> bool:
    """Whether the sentence is a party's account of its own deed: a speech verb whose reported clause has
    the speaker, by a pronoun, as the one who acted ("the military said it struck a commander", "said its
    aircraft had struck gunmen", "they said they had targeted ..."). ``token``: the event word, if any."""
    root = sent.root
    if root.lemma_.lower() not in SPEECH_VERBS:
        return False
    for said in (c for c in root.children if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"}):
        if token is not None and not (said.left_edge.i <= token.i <= said.right_edge.i):
            continue
        subj = next((c for c in said.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and (subj.lower_ in _SELF or any(
                c.dep_ == "poss" and c.lower_ in _SELF for c in subj.children)):
            return True
    return False


def _speaker(sent: Span, prev: Span | None, *, depth: int, verb: Token | None = None,
             local: bool = False) -> tuple[str | None, str | None]:
    """Normalised speaker and role of a sentence; ``depth`` bounds pronoun look-back.

    With ``local`` only ``verb`` (the speech verb governing a token) or "according to" counts."""
    speaker: str | None = None
    role: str | None = None
    acc = _according_to(sent) if verb is None else None
    if verb is None and acc is None and not local:
        verb = _speech_verb(sent)
    if acc is not None:
        speaker, role = _speaker_from_noun(acc)
    elif verb is not None:
        subj = _first(c for c in verb.children if c.dep_ == "nsubj")
        if subj is None and verb.dep_ == "conj":
            subj = _first(c for c in verb.head.children if c.dep_ == "nsubj")
        if subj is None:  # passive "was reported by X"
            agent = _first(c for c in verb.children if c.dep_ == "agent")
            subj = _first(c for c in agent.children if c.dep_ == "pobj") if agent is not None else None
        if subj is not None and subj.lower_ in {"who", "which", "that"} and verb.dep_ == "relcl":
            subj = verb.head  # "Pashinyan, who has ... acknowledged": the relative's antecedent
        if subj is not None and subj.lower_ in _PRONOUNS:
            # "Hajiyev held a briefing in which he said": the pronoun's antecedent is in the sentence.
            named = _first(t for t in sent if t.dep_ == "nsubj" and t.i < subj.i and t.pos_ == "PROPN")
            if named is not None:
                speaker, role = _speaker_from_noun(named)
            else:
                # Look back a few sentences for the last named speaker (quotes and
                # "He also said" chains break a one-sentence look-back).
                p = prev if prev is not None else _neighbour(sent, -1)
                person = subj.lower_ in {"he", "she"}
                while depth > 0 and p is not None and p.start != sent.start:
                    speaker, role = _speaker(p, None, depth=min(depth - 1, 2))
                    if person and not _is_person(p, speaker):
                        speaker, role = None, None
                        # "Aliyev celebrated ...": a named person as subject is the antecedent too
                        named = _first(t for t in p if t.dep_ == "nsubj" and t.head == p.root
                                       and _person_like(t))
                        if named is not None:
                            speaker, role = _speaker_from_noun(named)
                    if speaker is not None:
                        break
                    depth -= 1
                    p = _neighbour(p, -1)
        elif subj is not None:
            speaker, role = _speaker_from_noun(subj)
    if speaker:
        speaker = normalise_speaker(speaker)
    return speaker, role


def _person_like(t: Token) -> bool:
    # the small model often tags people's names ORG ("Professor Varoufakis") or nothing
    return t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and t.ent_type_ in {"", "ORG"}
                                       and any(c.dep_ == "compound" for c in t.children) | t.is_title)


def _is_person(sent: Span, speaker: str | None) -> bool:
    if not speaker:
        return False
    return any(e.label_ == "PERSON" and e.text in speaker for e in sent.ents) or any(
        _person_like(t) and t.text in speaker.split() and t.dep_ in {"nsubj", "appos"} for t in sent)


def _first(it: Iterable[Token]) -> Token | None:
    for x in it:
        return x
    return None
