"""Casualty and other counts in a sentence, as claims with range, qualifier and source.

Needs: a sentence ``Span`` of a parsed spaCy Doc (the article's text). Provides:
``parse_quantity`` (words -> range) and ``find_claims`` (sentence -> ``model.Claim`` list).

Range rules (value_low..value_high, and ACLED's conservative single figure, ``acled``; the
claim's ``best`` is that figure when it lies in the range, else the range's low end):

=========================  ================  =====  ======================================
words                      low..high         acled  why
=========================  ================  =====  ======================================
"200", "two hundred"       200..200          200    exact
"at least / a minimum of"  N..None           N      open upper bound
"more than / over N"       N+1..None         N+1    strictly more (gold codes "over 400" as 401)
"up to / as many as N"     None..N           None   no lower bound: no safe single figure
"nearly / almost N"        0.9N..N-1         0.9N   just under N
"about / around N"         0.9N..1.1N        N      +-10% (rounded)
"N or M", "between N & M"  N..M              N      the lower end
"a few"                    2..5              2
"several"                  3..9              10     ACLED codes "several"/"many" as 10
"dozens"                   24..99            12     ACLED: "dozens" = 12
"scores"                   40..99            40     a score is 20
"hundreds"                 200..999          100    ACLED: "hundreds" = 100
"several/a few hundred"    300..900/200..500 low
"thousands"                2000..9999        1000   ACLED-style: the unit
"tens of thousands"        20000..99999      10000
"a dozen", "three dozen"   12, 36            exact
=========================  ================  =====  ======================================

Fields: killed/died/dead -> fatalities, injured/wounded -> injured, displaced/fled ->
displaced, evacuated/rescued -> evacuated, arrested/detained/captured -> arrested,
abducted/kidnapped/hostage -> abducted, any other count -> other (crowds, shots, shops).

Flags on a claim:

- ``ambiguous-casualties``: "casualties" (killed, or killed and injured); field fatalities.
- ``sub-count``: "including 10 civilians", a part of the claim before it; not a total.
- ``sum``: "12 Somali and 11 Yemeni pirates", "two women and a man" -> one claim of the sum.
- ``implicit``: a count the words imply without a number ("killed a police officer and a
  bomb technician" = 2, "Gray was shot and killed" = 1); plural victims without a number
  ("killed villagers") give no claim.
- ``no-count``: a figure without any number ("reported casualties among its peacekeeping
  contingent"): value_low/high/best None.

"no injuries" is a claim of 0. Ages ("Gray, 16,"), years, dates, times, money and
percentages are not counts. Speaker, role and hedge come from ``attribution`` for the
counted noun (its governing clause, a quotation's speaker, the next sentence's
"not independently verified").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Span, Token
from text_to_num import text2num

from eventwire import model
from eventwire.mentions.attribution import attribution
from eventwire.sentences import span_text

# --------------------------------------------------------------------------- quantities

_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_NUMWORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
            r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
            r"seventy|eighty|ninety|hundred|thousand|million)")
# Digits with thousands separators, also as tokenised text ("20 , 000").
_DIGITS = r"\d{1,3}(?:(?:,|\s,\s)\d{3})+(?![\d,])|\d+(?:\.\d+)?"
_WORDS = rf"(?:an?\s+)?{_NUMWORD}(?:(?:\s+and\s+|[\s-]+){_NUMWORD})*"
_NUMBER = rf"(?:(?:{_DIGITS})(?:\s+(?:hundred|thousand|million))?|{_WORDS})"
_VAGUE = (r"(?:tens\s+of\s+thousands|hundreds\s+of\s+thousands"
          r"|(?:several|a\s+few)\s+(?:dozen|hundred|thousand)"
          r"|dozens|scores|hundreds|thousands|several|a\s+few|a\s+handful)")
_DOZEN = rf"(?:(?:{_NUMBER})\s+|a\s+)?dozen"
_QUAL = (r"(?:at\s+least|a\s+minimum\s+of|no\s+(?:fewer|less)\s+than|not\s+less\s+than|more\s+than|over|"
         r"upwards\s+of|in\s+excess\s+of|nearly|almost|close\s+to|just\s+under|fewer\s+than|less\s+than|"
         r"up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|about|around|approximately|"
         r"an?\s+estimated|an?\s+approximate|roughly|some)")
_CORE = rf"(?:{_VAGUE}|{_DOZEN}|{_NUMBER})"
QUANTITY_RE = re.compile(
    rf"(?<![\w-])(?:(?P<qual>{_QUAL})\s+)?"
    rf"(?:between\s+(?P<a>{_NUMBER})\s+and\s+(?P<b>{_NUMBER})"
    rf"|(?P<c>{_NUMBER})\s+(?:or|to|-|–)\s+(?P<d>{_NUMBER})(?=\s+[a-z]|\s*$|\s*[,.;])"
    rf"|(?P<core>{_CORE}))(?![\w-])",
    re.IGNORECASE,
)

_QUAL_NORMAL = {
    "a minimum of": "at least", "no fewer than": "at least", "no less than": "at least",
    "not less than": "at least", "over": "more than", "upwards of": "more than",
    "in excess of": "more than", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "fewer than": "fewer than", "less than": "fewer than", "as many as": "up to",
    "at most": "up to", "no more than": "up to", "around": "about", "approximately": "about",
    "an estimated": "about", "a estimated": "about", "an approximate": "about",
    "a approximate": "about", "roughly": "about", "some": "about",
}

# (low, high, best) of the vague words.
_VAGUE_RANGES: dict[str, tuple[int, int, int]] = {
    "a few": (2, 5, 2), "a handful": (2, 5, 2), "several": (3, 9, 10), "dozens": (24, 99, 12),
    "scores": (40, 99, 40), "hundreds": (200, 999, 100), "several hundred": (300, 900, 300),
    "a few hundred": (200, 500, 200), "several dozen": (36, 108, 36), "a few dozen": (24, 60, 24),
    "thousands": (2000, 9999, 1000), "several thousand": (3000, 9000, 3000),
    "a few thousand": (2000, 5000, 2000), "tens of thousands": (20000, 99999, 10000),
    "hundreds of thousands": (200000, 999999, 100000),
}


@dataclass(frozen=True)
class Quantity:
    """A count as the words allow it: range, best reading, qualifier, the words, ACLED's figure.

    ``best`` lies in ``low..high`` (a vague word's best is its low end); ``acled`` is ACLED's
    coding convention for the words ("dozens" = 12), which can sit outside the range.
    """

    low: int | None
    high: int | None
    best: int | None
    qualifier: str | None
    text: str
    acled: int | None = None


def _number(text: str) -> int | None:
    """Digits or number words -> int ("3,100", "20 , 000", "two hundred", "2 million")."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    m = re.fullmatch(r"([\d.,\s]+?)\s*(hundred|thousand|million)?", t)
    if m and re.search(r"\d", m.group(1)):
        digits = re.sub(r"[,\s]", "", m.group(1))
        try:
            val = float(digits)
        except ValueError:
            return None
        mult = {"hundred": 100, "thousand": 1000, "million": 1_000_000}.get(m.group(2) or "", 1)
        return int(round(val * mult))
    t = re.sub(r"^an?\s+", "one ", t).replace("-", " ")
    if t in _UNITS:
        return _UNITS[t]
    try:
        return int(text2num(t, "en"))
    except ValueError:
        # text2num rejects "a hundred and five"-style oddities; fall back to a small parser.
        total, cur = 0, 0
        for w in t.split():
            if w == "and":
                continue
            if w in _UNITS:
                cur += _UNITS[w]
            elif w == "hundred":
                cur = max(cur, 1) * 100
            elif w in {"thousand", "million"}:
                total += max(cur, 1) * (1000 if w == "thousand" else 1_000_000)
                cur = 0
            else:
                return None
        return total + cur


def _core_range(core: str) -> tuple[int, int, int] | None:
    c = re.sub(r"\s+", " ", core.strip().lower())
    if c in _VAGUE_RANGES:
        return _VAGUE_RANGES[c]
    m = re.fullmatch(r"(?:(.+) )?dozen", c)
    if m:
        k = 1 if m.group(1) in (None, "a") else _number(m.group(1))
        if k is None:
            return None
        return 12 * k, 12 * k, 12 * k
    n = _number(c)
    return None if n is None else (n, n, n)


def parse_quantity(text: str) -> Quantity | None:
    """Parse a count phrase ("more than 6,700", "dozens", "a minimum of 200") into a Quantity.

    Returns None when the text holds no count. See the module docstring for the rules.
    """
    m = QUANTITY_RE.search(text)
    if m is None:
        return None
    return _quantity_from_match(m)


def _quantity_from_match(m: re.Match[str]) -> Quantity | None:
    q = _words_quantity(m)
    if q is None:
        return None
    rng = None if m.group("a") or m.group("c") else _core_range(m.group("core"))
    if rng is None or rng[0] == rng[1] or q.best is None:
        return dataclasses.replace(q, acled=q.best)
    # a vague word ("dozens": 24..99): its best reading is the low end of its literal range;
    # ACLED's convention (12) is kept apart for ACLED's own fatalities column
    return dataclasses.replace(q, best=q.low, acled=q.best)


def _words_quantity(m: re.Match[str]) -> Quantity | None:
    qual_raw = (m.group("qual") or "").lower()
    qual_raw = re.sub(r"\s+", " ", qual_raw)
    qualifier = _QUAL_NORMAL.get(qual_raw, qual_raw) or None
    text = m.group(0)
    if m.group("a") or m.group("c"):
        a = _number(m.group("a") or m.group("c"))
        b = _number(m.group("b") or m.group("d"))
        if a is None or b is None or b < a:
            return None
        return Quantity(a, b, a, qualifier or "between", text)
    rng = _core_range(m.group("core"))
    if rng is None:
        return None
    low, high, best = rng
    exact = low == high
    if qualifier == "at least":
        return Quantity(low, None, low, qualifier, text)
    if qualifier == "more than":
        base = low if exact else low
        return Quantity(base + 1 if exact else base, None, base + 1 if exact else best, qualifier, text)
    if qualifier in {"up to", "fewer than"}:
        top = high if qualifier == "up to" else high - 1
        return Quantity(None, top, None, qualifier, text)
    if qualifier == "nearly" and exact:
        return Quantity(int(round(low * 0.9)), low - 1, int(round(low * 0.9)), qualifier, text)
    if qualifier == "about" and exact:
        if low >= 10:
            return Quantity(int(round(low * 0.9)), int(round(low * 1.1)), low, qualifier, text)
        return Quantity(low, low, low, qualifier, text)
    return Quantity(low, high, best, qualifier, text)


# --------------------------------------------------------------------------- fields


def _wordset(text: str) -> list[str]:
    return text.split()


_FIELD_LEMMAS: dict[str, str] = {}
for _field, _words in {
    "fatalities": "kill die dead death fatality slay murder perish execute massacre behead "
                  "suffocate drown fatal fatally body corpse",
    "injured": "injure wound hurt injury wounded injured",
    "displaced": "displace flee refugee uproot homeless displaced refuge",
    "evacuated": "evacuate rescue evacuee evacuated",
    "arrested": "arrest detain capture apprehend nab jail imprison detention custody detainee "
                "arrested detained",
    "abducted": "abduct kidnap hostage abduction kidnapping abducted kidnapped",
}.items():
    for _w in _words.split():
        _FIELD_LEMMAS[_w] = _field

_CATEGORIES = {
    "civilian": "civilians", "child": "children", "kid": "children", "minor": "children",
    "boy": "children", "girl": "children", "woman": "women", "soldier": "soldiers",
    "troop": "soldiers", "serviceman": "soldiers", "servicemen": "soldiers", "trooper": "soldiers",
    "peacekeeper": "peacekeepers", "police": "police", "policeman": "police",
    "policemen": "police", "officer": "police", "cop": "police", "protester": "protesters",
    "protestor": "protesters", "demonstrator": "protesters", "journalist": "journalists",
    "militant": "militants", "fighter": "militants", "rebel": "militants", "insurgent": "militants",
    "pirate": "pirates", "terrorist": "militants", "jihadist": "militants", "gunman": "militants",
    "student": "students", "worker": "workers", "employee": "workers",
    "resident": "civilians", "villager": "civilians", "migrant": "migrants", "refugee": "refugees",
    "prisoner": "prisoners", "suspect": "suspects",
}
# Units that make a number not a count of people or things (ages, durations, money, ...).
_NOT_COUNT_NOUNS = frozenset(
    [
        "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute",
        "minutes", "second", "seconds", "percent", "per", "cent", "%", "km", "kilometre", "kilometres",
        "kilometer", "kilometers", "mile", "miles", "metre", "metres", "meter", "meters", "dollar",
        "dollars", "euro", "euros", "pound", "pounds", "$", "am", "pm", "a.m.", "p.m.", "o'clock",
        "caliber", "calibre", "mm", "degree", "degrees", "point", "points", "decade",
        "decades", "century", "centuries"
    ]
)
_SKIP_ENTS = frozenset({"PERCENT", "MONEY", "ORDINAL", "QUANTITY"})
_DATE_WORDS_RE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|year|month|week|day|"
    r"hour|minute|second|night|morning|evening|afternoon|decade|century|:|\b(?:1[89]|20)\d\d\b|"
    r"a\.m|p\.m|\bam\b|\bpm\b)",
    re.IGNORECASE,
)


def _non_count_entity(t: Token) -> bool:
    """A number inside a money/percent/ordinal entity, or a DATE/TIME entity that reads as one.

    The small model also tags plain counts as DATE ("46 were arrested Wednesday night",
    "Between 60 and 100 rioters"), so a DATE/TIME only counts when its words are date words."""
    if t.ent_type_ in _SKIP_ENTS:
        return True
    if t.ent_type_ in {"DATE", "TIME"}:
        ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
        if ent is None:
            return False
        # only the entity's words up to the number's own phrase: "46" + "Wednesday night" are two
        words = t.doc[ent.start: min(ent.end, t.i + 3)].text
        return bool(_DATE_WORDS_RE.search(words))
    return False


def _field_of_word(t: Token) -> str | None:
    for w in (t.lemma_.lower(), t.lower_):
        if w == "casualty" or w == "casualties":
            return "casualties"
        if w in _FIELD_LEMMAS:
            return _FIELD_LEMMAS[w]
    return None


# "the death toll rose to 31", "the number of people killed has climbed to 31", "the toll stood at 31"
_TOLL_VERBS = frozenset(_wordset("rise climb increase reach jump grow mount stand hit soar surge"))


def _toll_field(noun: Token) -> tuple[str | None, Token | None]:
    """The field of a toll a count is the new value of: the subject of "rose to N", "stood at N", "reached N"."""
    if noun.dep_ == "pobj" and noun.head.lower_ in {"to", "at"}:
        verb = noun.head.head
    elif noun.dep_ == "dobj":
        verb = noun.head
    else:
        return None, None
    if verb.lemma_.lower() not in _TOLL_VERBS:
        return None, None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return None, None
    if subj.lemma_.lower() == "toll":
        mods = {c.lemma_.lower() for c in subj.children if c.dep_ in {"compound", "amod"}}
        # "the toll" alone is the dead, as in "the death toll"
        return ("injured", subj) if mods & {"injury", "injured", "wounded"} else ("fatalities", subj)
    f = _field_of_word(subj)
    if f:
        return f, subj
    if subj.lemma_.lower() in {"number", "count", "tally", "total"}:
        # "the number of people killed"
        for prep in (c for c in subj.children if c.dep_ == "prep" and c.lower_ == "of"):
            for counted in (c for c in prep.children if c.dep_ == "pobj"):
                f, w = _field_near(counted, [])
                if f:
                    return f, w
    return None, None


def _field_near(noun: Token, qty_tokens: list[Token]) -> tuple[str | None, Token | None]:
    """The field word governing a counted noun: the noun itself, its modifiers, or the verbs above it."""
    f = _field_of_word(noun)
    if f:
        return f, noun
    f, w = _toll_field(noun)
    if f:
        return f, w
    for c in noun.children:  # "people killed", "400 others injured", "injured people"
        if c.dep_ in {"acl", "amod", "relcl", "pcomp", "oprd"} and _field_of_word(c):
            return _field_of_word(c), c
    if noun.head.dep_ == "prep" and noun.head.head.pos_ == "NOUN":
        # "the death of three workers", "casualties among its peacekeeping contingent"
        f = _field_of_word(noun.head.head)
        if f:
            return f, noun.head.head
    head = noun.head
    if (noun.dep_ == "nsubj" and head.tag_ == "VBG" and head.dep_ in {"advcl", "xcomp", "ccomp"}
            and head.head.i < noun.i and _field_of_word(head.head)
            and not any(c.dep_ == "dobj" for c in head.head.children)):
        # "killed 11 Palestinians sheltering in tents": the small parser makes the victims the subject of
        # the participle after them, not the object of the verb before
        return _field_of_word(head.head), head.head
    # Walk up through verbs: "Dozens of people are confirmed to have been killed".
    t = noun
    for _ in range(4):
        if t.dep_ in {"pobj", "prep"} and t.head.dep_ == "prep" and t.head.lower_ not in {"of", "among"}:
            break
        t = t.head
        f = _field_of_word(t)
        if f:
            return f, t
        if t.pos_ in {"VERB", "AUX"}:
            for c in t.children:
                if c.dep_ in {"xcomp", "oprd", "acomp"} and c.i > noun.i and _field_of_word(c):
                    return _field_of_word(c), c
            if t.lemma_ == "lose" and any(c.lower_ in {"lives", "life"} for c in t.children):
                return "fatalities", t
            if t.lemma_ in {"seek", "take", "find"} and any(
                    c.dep_ == "dobj" and c.lemma_.lower() in {"refuge", "shelter"} for c in t.children):
                return "displaced", t  # "Thousands sought refuge with Russian peacekeepers"
            break
        if t.dep_ == "ROOT" or t.head == t:
            break
    # "hundreds wounded" (elided auxiliary): the noun is the subject of a conjoined verb
    if noun.dep_ == "nsubj" and _field_of_word(noun.head):
        return _field_of_word(noun.head), noun.head
    return None, None


def _counted_noun(q_tokens: list[Token]) -> Token | None:
    """The noun a quantity counts ("200 casualties" -> casualties, "dozens of people" -> people)."""
    last = q_tokens[-1]
    head = last.head
    if last.dep_ in {"nummod", "quantmod", "amod", "compound", "det"} and head.i > last.i and head.pos_ in {
        "NOUN", "PROPN", "PRON", "ADJ", "NUM"
    }:
        return head
    # "dozens of people", "several of their peacekeepers", "23 of them"
    for c in last.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            pobj = [p for p in c.children if p.dep_ == "pobj"]
            if pobj:
                return pobj[0]
    if last.pos_ in {"NOUN", "NUM", "ADJ", "PRON"}:
        return last  # "hundreds wounded", "46 were arrested", "Dozens gathered"
    return None


def _category(noun: Token) -> str | None:
    cat = _CATEGORIES.get(noun.lemma_.lower()) or _CATEGORIES.get(noun.lower_)
    if cat is None and any(c.lower_ == "peacekeeping" for c in noun.children):
        cat = "peacekeepers"  # "its peacekeeping contingent", "peacekeeping troops"
    if cat is None:
        return None
    side = [c.text for c in noun.children if c.dep_ in {"amod", "compound"} and c.ent_type_ == "NORP"]
    return f"{cat} ({side[0]})" if side else cat


def _phrase(sent: Span, toks: list[Token]) -> tuple[int, int]:
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks)
    return sent.doc[lo].idx, sent.doc[hi].idx + len(sent.doc[hi].text)


def find_claims(sent: Span, *, article_id: str = "", outlet: str | None = None,
                published: date | None = None) -> list[model.Claim]:
    """Every count in a sentence as a ``model.Claim`` (see the module docstring for fields).

    Numbers and quantity words come first; then counts the words imply without a number
    ("killed a police officer and a technician" = 2, "Gray was shot and killed" = 1,
    "no injuries" = 0). "12 Somalis and 11 Yemenis" is one claim of 23.
    Background figures are returned too; the caller decides with ``status.sentence_status``.
    ``published`` is accepted for interface symmetry; counts do not depend on it.
    """
    del published
    text = span_text(sent)
    # one cheap pass over the tokens: most sentences have nothing to count
    has_number = has_field = False
    for t in sent:
        low = t.lower_
        if t.like_num or low in _VAGUE_HINTS:
            has_number = True
        lemma = t.lemma_.lower()
        if lemma in _FIELD_LEMMAS or low in _FIELD_LEMMAS or lemma in _FIELD_HINT_LEMMAS:
            has_field = True
    if not has_number and not has_field:
        return []
    evidence = model.Evidence(text=text, start=sent.start_char, end=sent.end_char)
    found = _merge_sums(sent, _numeric_counts(sent)) if has_number else []
    used = {t.i for f in found for t in f.tokens}
    used |= {f.noun.i for f in found}
    if has_field:
        found.extend(_implicit_counts(sent, used))
    found.sort(key=lambda f: f.start)
    found = _enumerations(found)
    claims: list[model.Claim] = []
    for f in found:
        f = _about_people_in_this_event(sent, f)
        att = attribution(sent, token=f.noun)
        claims.append(model.Claim(
            field=f.field or "other",
            text=_chars(sent, f.start, f.end),
            evidence=evidence,
            value_low=f.q.low,
            value_high=f.q.high,
            value_best=f.q.best,
            value_acled=f.q.acled,
            qualifier=f.q.qualifier,
            category=f.category,
            speaker=att.speaker,
            speaker_role=att.role,
            hedge=att.hedge,
            flags=f.flags,
            article_id=article_id,
            outlet=outlet,
        ))
    return claims


# --------------------------------------------------------------------------- whose count, of what

# "bodies" are the dead only when the words say so: found, recovered, dead, charred ...
_CORPSE_MODIFIERS = frozenset(_wordset("dead charred mutilated decomposed decomposing decapitated headless "
                                       "lifeless burned burnt bullet-riddled unidentified bloodied"))
_CORPSE_VERBS = frozenset(_wordset("find recover discover retrieve pull dump identify exhume bury wash collect "
                                   "dig unearth repatriate return hand lie litter"))
_MODALS = frozenset({"will", "would", "could", "may", "might", "'ll", "wo", "shall"})
_FORECAST_LEMMAS = frozenset(_wordset("warn fear predict project forecast risk threaten expect"))
# A toll over a long period is an aggregate, not the figure of one event: "since 2009", "over the
# past year", "so far this year", "in total". Hours and days stay: "in the past 24 hours" is news.
_AGGREGATE_RE = re.compile(
    r"\b(?:since\s+(?:(?:early|late|mid)\s+)?(?:(?:in\s+)?(?:1[89]|20)\d\d|the\s+(?:start|beginning|outbreak|"
    r"onset)|the\s+(?:war|conflict|fighting|uprising|insurgency|invasion|revolution|crisis)|(?:the\s+)?(?:war|"
    r"conflict|fighting|uprising|insurgency|violence|unrest)\s+(?:began|started|broke\s+out|erupted))"
    r"|(?:over|in|during|throughout)\s+the\s+(?:past|last|previous)\s+(?:\w+\s+){0,2}(?:weeks|months?|years?|"
    r"decades?)|so\s+far\s+this\s+(?:year|month)|this\s+year\s+alone|to\s+date|in\s+total|a\s+total\s+of"
    r"|(?:over|during|throughout)\s+the\s+(?:war|conflict|insurgency|decades?|years?)"
    r"|(?:an?|per)\s+(?:year|month)|every\s+(?:year|month)|each\s+(?:year|month)|annually)\b",
    re.IGNORECASE,
)


def _about_people_in_this_event(sent: Span, f: _Found) -> _Found:
    """A count is a figure of this event only when it counts people it happened to.

    "public bodies" count no dead; "45 million children will die" is a projection; "6,300 killed
    since 2009" and "800 killed over the past year" are aggregates. Such counts stay as claims
    (traceable), flagged ``not-a-person``, ``projection`` or ``aggregate``, with field ``other``
    for the first so that no casualty total ever comes from them.
    """
    flags = list(f.flags)
    field = f.field
    noun = f.noun
    if noun.lemma_.lower() in {"body", "corpse"} or noun.lower_ in {"bodies", "body"}:
        mods = {c.lower_ for c in noun.children}
        verbs = {noun.head.lemma_.lower()} | {c.lemma_.lower() for c in noun.children if c.dep_ == "acl"}
        if noun.lower_ in {"bodies", "body"} and not (mods & _CORPSE_MODIFIERS or verbs & _CORPSE_VERBS):
            field = "other"
            flags.append("not-a-person")
    if field in {"fatalities", "injured"} and noun.dep_ == "nsubj" and noun.head.pos_ == "VERB" and any(
            c.dep_ == "dobj" for c in noun.head.children) and _field_of_word(noun.head) == field:
        # "2 explosions kill 5 women": the subject of an active "kill" did the killing
        field = "other"
        flags.append("not-a-person")
    if field in _CASUALTY_FIELDS and noun.lemma_.lower() in _THINGS:
        field = "other"
        flags.append("not-a-person")
    if field in _CASUALTY_FIELDS:
        head = _governing_verb(noun)
        if head is not None and (any(c.lower_ in _MODALS and c.dep_ == "aux" for c in head.children)
                                 or head.lemma_.lower() in _FORECAST_LEMMAS
                                 or head.head.lemma_.lower() in _FORECAST_LEMMAS and head.tag_ in {"VB", "VBG"}):
            flags.append("projection")
        # the count's own clause: "3 killed on Tuesday, bringing the toll since 2009 to 6,300"
        clause = _clause_text(head, noun) if head is not None else span_text(sent)
        if _AGGREGATE_RE.search(clause) or (_PERIOD_RE.search(clause) and _DEEDS_RE.search(clause)):
            flags.append("aggregate")
    elif field in (None, "other") and not _is_person(noun) and noun.lemma_.lower() not in _PEOPLE \
            and noun.lower_ not in _PEOPLE:
        # "several settlements", "several opposition groups", "two suicide attacks": not people
        flags.append("not-a-person")
    if field == f.field and tuple(flags) == f.flags:
        return f
    return dataclasses.replace(f, field=field, flags=tuple(dict.fromkeys(flags)))


_CASUALTY_FIELDS = frozenset({"fatalities", "injured", "displaced", "arrested", "abducted", "evacuated"})
# A count over a month or more of several deeds is an aggregate too: "close to 50 people were killed in
# militant attacks in Algeria in December" is a month's toll, not one attack's.
_PERIOD_RE = re.compile(
    r"\b(?:(?:in|during|throughout|since)\s+(?:early\s+|late\s+|mid-?)?(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\b(?!\s+\d)|(?:last|this|past|previous)\s+(?:month|year))",
    re.IGNORECASE)
_DEEDS_RE = re.compile(r"\b(?:attacks|clashes|incidents|bombings|raids|strikes|killings|operations|violence|"
                       r"fighting|unrest)\b", re.IGNORECASE)
# Things a count of arrests, abductions or deaths may wrongly take as its people ("three boats were captured").
_THINGS = frozenset(_wordset(
    "boat ship vessel dhow skiff speedboat vehicle car truck lorry tank weapon rifle gun launcher grenade rocket "
    "missile drone aircraft helicopter plane jet house home building village town settlement shop store school "
    "mosque church hospital office bridge road"))
# Nouns that count people without naming who they are ("people", "others", "residents" are in _CATEGORIES).
_PEOPLE = frozenset({"people", "person", "persons", "others", "individuals", "bodies", "body", "crowd", "families",
                     "family", "households", "lives", "dead", "wounded", "injured", "casualties", "victims"})


# Last words of a count of everyone killed or hurt, whoever they were ("45 people", "12 killed", "killing three")
_GENERAL_TOLL_NOUNS = frozenset({"people", "persons", "person", "individuals", "others", "victims", "dead", "killed",
                                 "lives", "deaths", "fatalities"})
_QUANTITY_WORDS = frozenset(_UNITS) | frozenset({
    "hundred", "hundreds", "thousand", "thousands", "million", "dozen", "dozens", "scores", "several", "many", "some",
    "more", "others", "all", "both"})


def counts_people_in_general(claim: model.Claim) -> bool:
    """The claim counts people whoever they were: no category, and its phrase ends on a number or on a noun such
    as "people" (not "two senior Hamas officials", "five soldiers")."""
    if claim.category is not None:
        return False
    if not claim.text.rstrip()[-1:].isalpha():
        return True  # "killing at least 12", "the toll rose to 45"
    last = claim.text.lower().split()[-1]
    return last in _GENERAL_TOLL_NOUNS or last in _QUANTITY_WORDS  # "killing three", "dozens"


def _enumerations(found: list[_Found]) -> list[_Found]:
    """A count inside the list that names the members of a larger count of the same thing before it is a
    part of it ("Three bank workers, a man and two women, died": two women are among the three), also
    where the parse reads the list as a second subject of the same verb."""
    out = list(found)
    for i, big in enumerate(out):
        if big.q.low is None or big.field is None or (big.q.high is not None and big.q.high != big.q.low):
            continue  # an exact count or an open one ("at least three people, a man and two women")
        for j in range(i + 1, len(out)):
            part = out[j]
            if (part.field != big.field or part.q.high is None or part.q.high >= big.q.low
                    or "sub-count" in part.flags):
                continue
            root = part.noun
            while root.dep_ == "conj" and root.head.i < root.i:
                root = root.head
            whole = big.noun
            while whole.dep_ == "compound" and whole.head.i > whole.i:
                whole = whole.head  # "three bank workers": the workers
            listed = part.noun in whole.subtree or (
                root.i > whole.i and root.head.i == whole.head.i and root.dep_ == whole.dep_
                and root.dep_ in {"nsubj", "nsubjpass"} and root.i - whole.i <= 4)
            if listed:
                out[j] = dataclasses.replace(part, flags=(*part.flags, "sub-count"))
    return out


# (an open complement shares the clause: "are estimated to have been killed ... since 1992")
_CLAUSE_DEPS = frozenset({"advcl", "conj", "ccomp", "relcl", "parataxis"})


def _clause_text(verb: Token, keep: Token) -> str:
    """The words of ``verb``'s own clause: its subtree without the other clauses hanging off it
    (unless ``keep`` is in one of them)."""
    drop: set[int] = set()
    for c in verb.children:
        if c.dep_ in _CLAUSE_DEPS:
            sub = {t.i for t in c.subtree}
            if keep.i not in sub:
                drop |= sub
    return " ".join(t.text for t in verb.subtree if t.i not in drop)


def _governing_verb(t: Token) -> Token | None:
    """The verb a counted noun belongs to (itself when it is one), walking up at most four steps."""
    for _ in range(5):
        if t.pos_ in {"VERB", "AUX"}:
            return t
        if t.head is t:
            return None
        t = t.head
    return None


def _chars(sent: Span, start: int, end: int) -> str:
    """Article text between two Doc character offsets inside ``sent`` (``Doc.text`` is rebuilt
    on every access, so slice the sentence's text instead)."""
    return span_text(sent)[start - sent.start_char:end - sent.start_char]


# Words that make a sentence worth the parse walks (checked in one pass over its tokens).
_VAGUE_HINTS = frozenset({"dozen", "dozens", "scores", "hundreds", "thousands", "several", "few", "handful",
                          "hundred", "thousand", "million"})
_FIELD_HINT_LEMMAS = frozenset({"casualty", "casualties", "shoot", "shooting", "stabbing", "beating",
                                "suffer", "sustain", "condition", "hospital", "life", "lives", "treat"})


@dataclass
class _Found:
    """A count found in a sentence, before attribution."""

    q: Quantity
    noun: Token
    tokens: list[Token]
    field: str | None
    category: str | None
    flags: tuple[str, ...]
    start: int
    end: int
    q_start: int
    q_end: int


def _numeric_counts(sent: Span) -> list[_Found]:
    doc = sent.doc
    base = sent.start_char
    out: list[_Found] = []
    parent: _Found | None = None
    for m in QUANTITY_RE.finditer(span_text(sent)):
        q = _quantity_from_match(m)
        if q is None:
            continue
        span = doc.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        toks = list(span)
        if any(_non_count_entity(t) for t in toks if t.like_num) and not any(
            t.lower_ in {"dozens", "hundreds", "thousands", "several"} for t in toks
        ):
            continue  # dates, times, money, percentages, ordinals
        if _is_year_or_age(span):
            continue
        core = [t for t in toks if t.like_num or t.lower_ in {
            "dozens", "dozen", "hundreds", "thousands", "several", "scores", "few", "handful"}]
        if not core:
            continue
        noun = _counted_noun(toks)
        if noun is None or noun.lower_ in _NOT_COUNT_NOUNS or noun.lemma_.lower() in _NOT_COUNT_NOUNS:
            continue
        if len(core) == 1 and core[0].lower_ in {"one", "a", "an"} and (
                noun.i == core[0].i or any(c.lower_ == "of" for c in core[0].children)):
            continue  # "one of their vehicles", a lone "one": seldom a reported figure
        field, fword = _field_near(noun, toks)
        flags: list[str] = []
        extra = [c for c in noun.conjuncts if c.i > noun.i and c.tag_ in {"NN", "NNP"} and _is_person(c)
                 and not any(k.dep_ == "nummod" for k in c.children)]
        if extra and q.low is not None and q.low == q.high and not q.qualifier:
            n = q.low + len(extra)
            q = Quantity(n, n, n, None, q.text)
            toks = [*toks, *extra]
            flags.append("sum")
        # "including 10 civilians": a part of the figure just before it.
        prep = noun.head if noun.dep_ == "pobj" else None
        is_sub = prep is not None and prep.lower_ in {"including", "among"} and parent is not None
        if is_sub and parent is not None:
            field = field or parent.field
            flags.append("sub-count")
            flags.extend(f for f in parent.flags if f == "ambiguous-casualties")
        if field == "casualties":
            field = "fatalities"
            flags.append("ambiguous-casualties")
        phrase_toks = [*toks, noun] + ([fword] if fword is not None and not is_sub else [])
        if is_sub and prep is not None:
            phrase_toks.append(prep)
        start, end = _phrase(sent, phrase_toks)
        f = _Found(q, noun, toks, field, _category(noun), tuple(dict.fromkeys(flags)), start, end,
                   base + m.start(), base + m.end())
        out.append(f)
        if not is_sub:
            parent = f
    return out


_SUM_GAP_RE = re.compile(r"^\s+(?:[\w'-]+\s+){0,2}and\s+$")
_LIST_GAP_RE = re.compile(r"^\s+(?:[\w'-]+\s*){1,2},\s+$")  # "Five troops, 19 civilians, killed"


def _merge_sums(sent: Span, found: list[_Found]) -> list[_Found]:
    """"12 Somali and 11 Yemeni pirates", "two women and one man died": one count, the sum."""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.q.low is not None and prev.q.low == prev.q.high
                and f.q.low is not None and f.q.low == f.q.high and not prev.q.qualifier and not f.q.qualifier
                and "sub-count" not in f.flags
                and (_SUM_GAP_RE.match(_chars(sent, prev.q_end, f.q_start))
                     or (_LIST_GAP_RE.match(_chars(sent, prev.q_end, f.q_start)) and (prev.field or f.field)
                         and (prev.field is None or f.field is None or prev.field == f.field)
                         and _is_person(prev.noun) and _is_person(f.noun)))):
            total = prev.q.low + f.q.low
            field = prev.field or f.field
            noun = f.noun if f.field or not prev.field else prev.noun
            out[-1] = _Found(Quantity(total, total, total, None, _chars(sent, prev.q_start, f.q_end)), noun,
                             prev.tokens + f.tokens, field, prev.category or f.category,
                             tuple(dict.fromkeys(prev.flags + f.flags + ("sum",))),
                             min(prev.start, f.start), max(prev.end, f.end), prev.q_start, f.q_end)
            continue
        out.append(f)
    return out


_PERSON_NOUNS = frozenset(_wordset(
    "person man woman boy girl child teen teenager youth officer policeman policewoman cop "
    "technician chief employee worker customer resident student soldier civilian journalist "
    "activist protester demonstrator driver passenger guard trooper sergeant captain commander "
    "leader official suspect victim pilot doctor nurse teacher farmer villager pastor priest "
    "imam lawyer judge mayor governor minister peacekeeper fighter militant rebel gunman "
    "year-old old member manager owner shopkeeper bystander pedestrian father mother son daughter "
    "brother sister husband wife baby infant toddler militia militiaman serviceman monk nun "
    "crewman sailor seaman hostage"
))
_IMPLICIT_VERBS = frozenset({
    "kill", "die", "murder", "slay", "execute", "behead", "injure", "wound", "hurt", "arrest", "detain",
    "capture", "apprehend", "abduct", "kidnap", "evacuate", "rescue", "shoot", "stab", "hospitalize",
    "hospitalise",
})


_UNCOUNTED_NOUNS = frozenset({"casualty", "death", "fatality", "injury"})
_QUANT_WORDS = frozenset({"no", "many", "several", "few", "some", "dozens", "hundreds", "thousands"})


def _is_person(t: Token) -> bool:
    if t.pos_ == "PROPN" and t.ent_type_ not in {"GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "DATE"}:
        return True  # the small model often misses PERSON on victims' names ("Gray was killed")
    return (t.ent_type_ == "PERSON" or t.lemma_.lower() in _PERSON_NOUNS or t.lower_ in _PERSON_NOUNS
            or t.lemma_.lower() in _CATEGORIES or t.lower_ in {"he", "she", "him", "her"})


def _victims(w: Token) -> Token | None:
    """The person a kill/injure/arrest word is about: object, passive subject, or the noun it modifies."""
    lemma = w.lemma_.lower()
    kids = list(w.children)
    if lemma in {"die", "perish"} or (w.pos_ == "ADJ" and lemma in {"dead", "injured", "wounded", "hurt"}):
        subj = next((c for c in kids if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is None and w.dep_ in {"acomp", "oprd"}:
            subj = next((c for c in w.head.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}), None)
        return subj
    if lemma in {"suffer", "sustain", "receive", "list", "be", "remain", "treat"}:
        return next((c for c in kids if c.dep_ in {"nsubj", "nsubjpass"}), None)
    passive = next((c for c in kids if c.dep_ == "nsubjpass"), None)
    if passive is not None:
        return passive
    obj = next((c for c in kids if c.dep_ == "dobj"), None)
    if obj is not None:
        return obj
    if w.dep_ == "conj":  # "shot and killed a 16-year-old": the object hangs off the first verb
        obj = next((c for c in w.head.children if c.dep_ in {"dobj", "nsubjpass"}), None)
        if obj is not None:
            return obj
    if w.dep_ == "acl" and w.tag_ == "VBN":  # "Kimani Gray, 16, killed by police"
        return w.head
    return None


_TO_DEATH_LEMMAS = frozenset({"shoot", "beat", "stab", "hack", "burn", "club", "stone", "torture", "crush"})
_CONTEXT_LEMMAS = frozenset({"shooting", "stabbing", "beating", "suffer", "sustain", "receive",
                             "list", "be", "remain", "treat"}) | _TO_DEATH_LEMMAS


def _contextual_field(w: Token) -> str | None:
    """Field words that need their context: "fatally shot", "shot dead", "the fatal shooting",
    "suffered injuries", "in critical condition", "treated at a hospital"."""
    lemma = w.lemma_.lower()
    if lemma not in _CONTEXT_LEMMAS:
        return None
    kids = {c.lower_ for c in w.children}
    if lemma == "shoot" and w.pos_ == "VERB" and (kids & {"fatally", "dead"}):
        return "fatalities"
    if lemma in _TO_DEATH_LEMMAS and any(c.lower_ == "to" and any(k.lower_ == "death" for k in c.children)
                                         for c in w.children):
        return "fatalities"  # "shot to death", "beaten to death", "hacked to death"
    if lemma in {"shooting", "stabbing", "beating"} and w.pos_ == "NOUN" and kids & {"fatal", "deadly"}:
        return "fatalities"
    if lemma in {"suffer", "sustain", "receive"} and any(
            _field_of_word(c) == "injured" or c.lemma_.lower() in {"gash", "wound", "injury", "burn"}
            for c in w.children if c.dep_ == "dobj"):
        return "injured"
    if lemma in {"list", "be", "remain"} and any(
            c.lower_ == "condition" or any(k.lower_ == "condition" for k in c.subtree)
            for c in w.children if c.dep_ in {"prep", "attr", "acomp"}) and any(
            k.lower_ in {"critical", "serious"} for k in w.subtree):
        return "injured"
    if lemma == "treat" and any(k.lower_ in {"hospital", "hospitals"} for k in w.subtree):
        return "injured"
    return None


def _noun_victim(w: Token) -> Token | None:
    """ "the fatal shooting of Alexis Grigoropoulos", "the arrest of a 19-year-old" """
    of = next((c for c in w.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return None
    return next((c for c in of.children if c.dep_ == "pobj"), None)


def _implicit_counts(sent: Span, used: set[int]) -> list[_Found]:
    """Counts without a number: singular victims, coordinated victims, "no injuries"."""
    out: list[_Found] = []
    seen: set[int] = set()
    for w in sent:
        lemma = w.lemma_.lower()
        field = _field_of_word(w)
        contextual = False
        if field is None:
            field = _contextual_field(w)
            contextual = field is not None
        if field is None:
            continue
        # "no injuries", "no casualties were reported"
        has_no = any(c.lower_ == "no" and c.dep_ == "det" for c in w.children)
        if w.pos_ == "NOUN" and has_no and w.i not in used:
            fld = "fatalities" if field == "casualties" else field
            flags = ("ambiguous-casualties",) if field == "casualties" else ()
            start, end = _phrase(sent, [w, *[c for c in w.children if c.lower_ == "no"]])
            zero = Quantity(0, 0, 0, None, "no")
            out.append(_Found(zero, w, [w], fld, None, flags, start, end, start, end))
            seen.add(w.i)
            continue
        # "reported casualties among its peacekeeping contingent": a figure without a number
        if (w.pos_ == "NOUN" and w.tag_ == "NNS" and lemma in _UNCOUNTED_NOUNS and w.i not in used
                and not any(c.dep_ in {"nummod", "det", "amod"} and (c.like_num or c.lower_ in _QUANT_WORDS)
                            for c in w.children)):
            fld = "fatalities" if field == "casualties" else field
            flags = ("no-count", "ambiguous-casualties") if field == "casualties" else ("no-count",)
            among = next((c for c in w.children if c.dep_ == "prep" and c.lower_ in {"among", "of"}), None)
            pobj = next((c for c in among.children if c.dep_ == "pobj"), None) if among is not None else None
            toks = [w] + ([t for t in among.subtree] if among is not None and len(list(among.subtree)) <= 6 else [])
            start, end = _phrase(sent, toks)
            out.append(_Found(Quantity(None, None, None, None, w.text), w, [w], fld,
                              _category(pobj) if pobj is not None else None, flags, start, end, start, end))
            seen.add(w.i)
            continue
        if field == "casualties" or not (contextual or lemma in _IMPLICIT_VERBS or w.pos_ in {"ADJ", "NOUN"}):
            continue
        v = _victims(w)
        if w.pos_ == "NOUN":
            v = _noun_victim(w)
        if v is None or v.i in used or v.i in seen:
            continue
        conj = [v, *[c for c in v.conjuncts if c.i > v.i]]
        if any(c.i in used or any(k.dep_ == "nummod" for k in c.children) for c in conj):
            continue
        if any(c.tag_ in {"NNS", "NNPS"} or c.lower_ in {"they", "them"} or c.morph.get("Number") == ["Plur"]
               or (c.lower_.endswith("men") and c.lemma_.lower() != c.lower_) for c in conj):
            continue  # plural without a number: the count is unknown
        if not all(_is_person(c) for c in conj):
            continue
        n = len(conj)
        seen |= {c.i for c in conj}
        toks = [w, *[t for c in conj for t in (c.left_edge, c)]]
        for c in conj:
            toks.append(sent.doc[c.right_edge.i] if c.right_edge.i - c.i < 8 else c)
        start, end = _phrase(sent, toks)
        out.append(_Found(Quantity(n, n, n, None, _chars(sent, start, end)), v, [], field, _category(v),
                          ("implicit",), start, end, start, end))
    return out


_MONTH_NAMES = frozenset(_wordset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
))


def _is_year_or_age(span: Span) -> bool:
    t = span[-1]
    first = span[0]
    doc = t.doc
    # "Alexis Grigoropoulos , 15 , was killed", "both 51 , died", "aged 15": an age
    before = doc[first.i - 1] if first.i > 0 else None
    after = doc[t.i + 1] if t.i + 1 < len(doc) else None
    if before is not None and before.text == ":" and first.i > 1 and doc[first.i - 2].like_num:
        return True  # "23 : 51": a time of day
    if before is not None and before.lower_ in {"aged", "age", "both"}:
        return True
    if (before is not None and before.text == "," and first.i > 1 and doc[first.i - 2].pos_ == "PROPN"
            and after is not None and after.text in {",", ")"}):
        return True
    if first.i > 0 and first.nbor(-1).lower_.rstrip(".") in _MONTH_NAMES:
        return True  # "September 21, 2023": a day of the month
    nxt = t.nbor(1).lower_.rstrip(".") if t.i + 1 < len(t.doc) else ""
    if nxt in _MONTH_NAMES and t.like_num and len(span) == 1:
        return True  # "19 September"
    if re.fullmatch(r"(1[89]|20)\d\d", t.text):
        # a bare four-digit 18xx-20xx number is a year unless it counts a following plural noun
        nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
        return not (nxt is not None and nxt.tag_ == "NNS")
    units = {"year", "month", "week", "day"}
    if t.i + 2 < len(t.doc) and t.nbor(1).text == "-" and t.nbor(2).lower_ in units:
        return True  # "16 - year - old" in tokenised text
    return t.i + 1 < len(t.doc) and t.nbor(1).lower_ in {"-year-old", "year-old"}
