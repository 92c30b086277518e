"""When did it happen: a sentence's date against the publication date and the tense.

Needs: a sentence ``Span`` and the article's publication date. Provides
``DateResolution`` (date, date_end, ACLED time_precision, the words used, tense).

Rules:
- Weekday names: in a past or present sentence "on Tuesday" is the latest Tuesday on or
  before publication; in a future sentence ("will be held on Thursday", "talks would
  commence on Thursday") it is the next Thursday on or after publication. Precision 1.
- "yesterday" / "today" / "tonight" / "tomorrow" -> publication -1 / 0 / 0 / +1 (precision 1).
  "the previous day" / "the preceding day" / "the day before" / "the next day" -> one day
  before/after an anchor: another day named in the same sentence, else the last day
  named in the previous few sentences (the story's "Wednesday"), else ``default``, else
  the publication date.
- Explicit dates ("19 September", "September 19, 2023", "March 9") are parsed with
  dateparser (RELATIVE_BASE = publication, PREFER_DATES_FROM past or future by tense).
  Day given -> precision 1; month only ("in September", "earlier this month") -> precision 3.
  Without a year and without a publication date the year is unknown: no date (the clock's
  year is never borrowed), the words kept as evidence.
- "last week" / "this week" / "over the past N days" -> a range, precision 2.
- A year alone ("in 2020", "the 1990s") -> the whole year/decade as a range, precision 3:
  it marks history, which ``status`` uses.
- Ranges: "from Monday to Wednesday", "between 1 and 3 May", "19-20 September".
- No date in the sentence: the story's last named day from the previous few sentences, or
  failing that, in the lead, the next few (``story_date``; only days that date their own sentence's event;
  switch off with ``context=False``), precision 1, evidence "context: <words>"
  (news reports carry the day of their lead; gold coders use precision 1 for such
  sentences); else ``default`` with precision 2 (near that day, the day is not stated).
  A sentence whose only date dates something else (a speech verb: "said on Wednesday that
  ...", a noun's relative clause: "an offensive that began on Tuesday") gets the story
  day/``default`` with precision 2. With neither: date None, precision 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser
from spacy.tokens import Doc, Span, Token

from eventwire.mentions.tense import sentence_tense
from eventwire.mentions.trigger import names_occurrence
from eventwire.sentences import doc_memo, next_sentence, previous_sentence, sentence_index, span_text

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WD = "|".join(WEEKDAYS)

_RANGE_WD_RE = re.compile(rf"\bfrom\s+({_WD})\s+(?:to|until|till|through)\s+({_WD})\b", re.IGNORECASE)
_RANGE_DAYS_RE = re.compile(
    rf"\b(?:between\s+|from\s+)?(\d{{1,2}})\s*(?:and|to|-|–|until)\s*(\d{{1,2}})\s+({_MONTHS})\b(?:\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_RANGE_DAYS_MD_RE = re.compile(
    rf"\b(?:between\s+|from\s+)?({_MONTHS})\s+(\d{{1,2}})\s*(?:and|to|-|–|until)\s*(\d{{1,2}})\b"
    rf"(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_DAYS_AFTER_RE = re.compile(rf"\b(one|a|two|three|\d)\s+(days?)\s+(after|before)\s+({_WD})(?:'s|’s)?\b",
                            re.IGNORECASE)
_WEEKDAY_RE = re.compile(rf"\b({_WD})(?:'s|’s)?\b", re.IGNORECASE)
_RELATIVE_RE = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|this\s+morning|this\s+afternoon|this\s+evening|"
    r"the\s+(?:previous|preceding)\s+day|the\s+day\s+before|the\s+next\s+day|the\s+following\s+day|"
    r"last\s+week|this\s+week|earlier\s+this\s+week|last\s+weekend|this\s+weekend|next\s+week|"
    r"earlier\s+this\s+month|this\s+month|last\s+month|next\s+month|"
    r"(?:over\s+|in\s+|during\s+)?the\s+(?:past|last)\s+(\w+)\s+days)\b",
    re.IGNORECASE,
)
_EXPLICIT_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.IGNORECASE,
)
_HAS_YEAR_RE = re.compile(r"\d{4}")
_MONTH_ONLY_RE = re.compile(
    rf"\b(?:in|since|during|until|by|early|late|mid-?)\s+({_MONTHS})(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<![\d,.])(?:the\s+)?(?:early\s+|late\s+|mid-?)?((?:1[89]|20)\d\d)(s)?(?!\d|,\d)",
                      re.IGNORECASE)
_WORD_NUMS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "few": 3, "several": 5}


@dataclass(frozen=True)
class DateResolution:
    """A sentence's date: day (or range start), range end, ACLED precision, the words, the tense."""

    date: date | None
    date_end: date | None
    precision: int
    evidence: str
    tense: str  # past | present | future


# Nothing can be a date without one of these.
_ANY_DATE_RE = re.compile(
    r"\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight|tomorrow|week|month|\bday\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|morning|afternoon|evening|decade",
    re.IGNORECASE,
)


def weekday_date(name: str, published: date, tense: str) -> date:
    """The date of a weekday name seen from ``published``: on/before it, or on/after it in the future."""
    wd = WEEKDAYS.index(name.lower())
    if tense == "future":
        return published + timedelta(days=(wd - published.weekday()) % 7)
    return published - timedelta(days=(published.weekday() - wd) % 7)


def _parse_explicit(text: str, published: date | None, tense: str) -> date | None:
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "future" if tense == "future" else "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day", "month"],
    }
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day, 12)
    d = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return d.date() if d is not None else None


def _month_index(name: str) -> int:
    n = name.lower()[:3]
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(n) + 1


def _year_for(month: int, day: int, published: date | None, tense: str, year: str | None) -> int | None:
    if year:
        return int(year)
    if published is None:
        return None
    y = published.year
    candidate = date(y, month, min(day, 28))
    if tense != "future" and candidate > published + timedelta(days=1):
        y -= 1
    elif tense == "future" and candidate < published - timedelta(days=1):
        y += 1
    return y


def resolve_date(sent: Span, published: date | None, *, default: date | None = None,
                 context: bool = True) -> DateResolution:
    """Resolve the date a sentence reports (see the module docstring for the rules).

    When the sentence holds several dates, one in the main clause wins over one in a
    subordinate clause ("On Wednesday, thousands gathered ..., following a protest the
    previous day" -> Wednesday); among equals, the first in the text. Dates that only sit
    in a subordinate clause ("accepted the terms, following an offensive that began on
    Tuesday") or only say when something was SAID ("the ministry said on Wednesday that
    ...") do not date the main event: it gets the fallback date with precision 2.

    Fallback when the sentence dates nothing itself: with ``context`` the last day named in
    the few sentences before (the story's day, see ``story_date``; precision 1), else
    ``default`` (precision 2). With neither: date None, precision 3.
    """
    ranked = _ranked_dates(sent, published, default=default)
    tense = sentence_tense(sent)
    fallback = (story_date(sent, published) if context else None) or default
    if ranked:
        rank, best = ranked[0]
        if rank == 0:
            return best
        if rank == _SPEECH_RANK:
            day = fallback if fallback is not None and best.date is not None and fallback <= best.date \
                else best.date
            return DateResolution(day, None, max(best.precision, 2), best.evidence, tense)
        # a date inside a clause that describes a noun ("an offensive that began on Tuesday")
        # belongs to that noun's event; other subordinate dates usually date the sentence's own
        if rank == NOUN_CLAUSE_RANK and fallback is not None and tense != "future":
            # ... unless it is the story's day too: "killed 22 in an airstrike on a school sheltering displaced
            # people in Deir al-Balah on Wednesday" (the parser hangs the date on the nearest verb)
            return best if best.date == fallback and best.date_end is None else \
                DateResolution(fallback, None, 2, "", tense)
        return best
    story = _story_day(sent, published) if context else None
    if story is not None and story.date is not None:
        # the story's day, named a few sentences earlier: as exact as the text gets
        return DateResolution(story.date, None, 1, f"{CONTEXT_PREFIX}{story.evidence}", tense)
    if default is not None:
        return DateResolution(default, None, 2, "", tense)
    return DateResolution(None, None, 3, "", tense)


def dated_phrases(sent: Span, published: date | None, *,
                  default: date | None = None) -> list[tuple[DateResolution, Span]]:
    """The dates of a sentence other than its main one that hang off a phrase of their own, with that
    phrase: a noun ("following a similar protest the previous day", "an ambush on Saturday"), or a
    subordinate clause's verb ("after militants stormed the town on Saturday"), or the noun a clause
    describes ("an offensive that began on Tuesday"). Dates of speech ("said on Monday") are left out.
    Whether the phrase names an event is the caller's to decide."""
    ranked = _ranked_dates(sent, published, default=default)
    out: list[tuple[DateResolution, Span]] = []
    text = span_text(sent)
    for rank, res in ranked[1:]:
        if rank == _SPEECH_RANK or not res.evidence:
            continue
        a = text.find(res.evidence)
        span = sent.doc.char_span(sent.start_char + a, sent.start_char + a + len(res.evidence),
                                  alignment_mode="expand") if a >= 0 else None
        if span is None or len(span) == 0:
            continue
        head = _phrase_head(span)
        if head is not None:
            sub = list(head.subtree)
            out.append((res, sent.doc[sub[0].i:sub[-1].i + 1]))
    return out


def _phrase_head(span: Span) -> Token | None:
    """The noun or subordinate verb a date phrase belongs to (None: it dates the main clause)."""
    inside = {t.i for t in span}
    t = span.root
    while t.head != t:
        t = t.head
        if t.i in inside:
            continue
        if t.pos_ in {"NOUN", "PROPN"}:
            return t
        if t.pos_ in {"VERB", "AUX"}:
            if t.dep_ in {"relcl", "acl"} and t.head.pos_ in {"NOUN", "PROPN"}:
                return t.head
            return t if t.dep_ in _SUBORDINATE | {"pcomp"} else None
    return None


def all_dates(sent: Span, published: date | None, *, default: date | None = None) -> list[DateResolution]:
    """Every date expression of a sentence, resolved; main-clause dates first, then those of
    subordinate clauses, then dates of speech ("said on Wednesday"), each by position."""
    return [r for _, r in _ranked_dates(sent, published, default=default)]


def ranked_dates(sent: Span, published: date | None, *,
                 default: date | None = None) -> list[tuple[int, DateResolution]]:
    """``all_dates`` with each date's rank: 0 main clause, 1 subordinate clause, 2 date of a
    speech verb, ``NOUN_CLAUSE_RANK`` (3) inside a clause describing a noun."""
    return list(_ranked_dates(sent, published, default=default))


_SPEECH_RANK = 2
_SPEECH_LEMMAS = frozenset({"say", "tell", "report", "state", "announce", "explain", "add", "confirm",
                            "claim", "note", "reveal", "publish", "update", "post"})
# Verbs that make an event known ("students announced new rallies on Sunday after another night of violence"):
# with an event as their object, their date is when it was made known (the rallies are yet to come, an arrest
# announced was made before), not the day of the event the sentence tells. An announced state of affairs
# ("announced its sovereignty on Wednesday") or agreement is news of that day and keeps it.
_ANNOUNCING = frozenset({"announce", "reveal", "publish"})
# Timestamps and datelines say when the text was written, not when the event happened.
_STAMP_RE = re.compile(
    r"(?:\b(?:updated|published(?:\s+(?:time|on))?|posted|edited(?:\s+time)?|last\s+(?:updated|modified))"
    r"\s*:?[^\n]*)"
    r"|(?:^|\n)[A-Z][\w .'-]{1,40}\s*,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})"
    r"(?:\s*,?\s*\d{4})?\s*[-–(]"
    # a line that holds nothing but a date ("Friday, November 11, 2011") is the page's date line: the day it
    # was published, not the day of the event the text then tells
    rf"|(?:^|\n)[ \t]*(?:(?:{_WD}),?[ \t]+)?(?:\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:{_MONTHS})\.?|(?:{_MONTHS})\.?"
    rf"[ \t]+\d{{1,2}}(?:st|nd|rd|th)?),?[ \t]+\d{{4}}(?:,?[ \t]+\d{{1,2}}[:.]\d{{2}}(?:[ \t]*[ap]\.?m\.?)?"
    r"(?:[ \t]+[A-Z]{2,4})?)?[ \t]*(?=\n|$)",
    re.IGNORECASE,
)


def _ranked_dates(sent: Span, published: date | None, *,
                  default: date | None = None) -> list[tuple[int, DateResolution]]:
    memo = doc_memo(sent.doc)
    flags_key = ("date-flags", sent.start, sent.end)
    flags = memo.get(flags_key)
    if flags is None:
        text = span_text(sent)
        flags = memo[flags_key] = (bool(_ANY_DATE_RE.search(text)), bool(_RELATIVE_DAY_RE.search(text)))
    any_date, relative_day = flags  # type: ignore[misc]
    if not any_date:
        return []
    # ``default`` only matters as the anchor of "the previous day"
    if default is not None and not relative_day:
        default = None
    key = ("dates", sent.start, sent.end, published, default)
    if key not in memo:
        memo[key] = _ranked_dates_uncached(sent, published, default=default)
    return memo[key]  # type: ignore[return-value]


def _ranked_dates_uncached(sent: Span, published: date | None, *,
                           default: date | None = None) -> list[tuple[int, DateResolution]]:
    tense = sentence_tense(sent)
    text = _STAMP_RE.sub(lambda m: " " * len(m.group(0)), span_text(sent))
    out: list[tuple[tuple[int, int], DateResolution]] = []
    anchor = _anchor(sent, published, tense) or default
    while True:
        r = _resolve_one(sent, text, published, anchor, tense)
        if r is None:
            break
        (day, end, precision), m = r
        res = DateResolution(day, end, precision, m.group(0), tense)
        a, b = m.span()
        out.append(((_subordinate_rank(sent, a, b), a), res))
        # blank out what was used so the next pass finds the next expression
        text = text[:a] + " " * (b - a) + text[b:]
    out.sort(key=lambda x: x[0])
    return [(k[0], r) for k, r in out]


_RELATIVE_DAY_RE = re.compile(
    r"\bthe\s+(?:previous|preceding|next|following)\s+day\b|\bthe\s+day\s+(?:before|after)\b", re.IGNORECASE)
ANCHOR_LOOKBACK = 6  # sentences searched back for the day "the previous day" counts from
FORWARD_LOOKAHEAD = 3  # sentences searched forward when none before names a day
# ... only from the lead: later in a text, the sentences ahead tell other events (the fighting before an
# agreement), and a sentence that names no day continues the story's own day
FORWARD_LEAD = 3
CONTEXT_PREFIX = "context: "  # evidence of a date taken from an earlier sentence


def _anchor(sent: Span, published: date | None, tense: str) -> date | None:
    """The day a relative day ("the previous day") counts from: see the module docstring."""
    if published is None or not _RELATIVE_DAY_RE.search(span_text(sent)):
        return None
    own = _RELATIVE_DAY_RE.sub(lambda m: " " * len(m.group(0)), span_text(sent))
    r = _resolve_one(sent, own, published, None, tense)
    if r is not None and r[0][2] == 1 and r[0][0] is not None:
        return r[0][0]
    prev = previous_sentence(sent)
    budget = ANCHOR_LOOKBACK
    while prev is not None and budget > 0:
        text = _RELATIVE_DAY_RE.sub(lambda m: " " * len(m.group(0)), span_text(prev))
        prev_tense = sentence_tense(prev)
        r = _resolve_one(prev, text, published, None, prev_tense)
        # a plan ("talks would commence on Thursday") is no anchor for what already happened
        if r is not None and prev_tense != "future" and r[0][2] == 1 and r[0][0] is not None \
                and r[0][0] <= published:
            return r[0][0]
        budget -= _ends_a_sentence(prev)  # page furniture between the sentences does not count
        prev = previous_sentence(prev)
    return None


_SUBORDINATE = frozenset({"relcl", "acl", "advcl", "pcomp"})


NOUN_CLAUSE_RANK = 3
_TEMPORAL_PREPS = frozenset({"following", "after", "before", "since"})


def _subordinate_rank(sent: Span, a: int, b: int) -> int:
    """0: the date words hang off the main clause; 1: inside a subordinate clause;
    2: they date a speech verb ("officials said Saturday") rather than an event;
    3: inside a clause describing a noun ("an offensive that began on Tuesday"), but not after a present participle
    describing one ("a bus carrying workers near Quetta on Wednesday": 1)."""
    span = sent.doc.char_span(sent.start_char + a, sent.start_char + b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return 1
    t = span.root
    first_verb = True
    rank = 0
    while t.head != t:
        if t.dep_ in {"relcl", "acl"} and t.pos_ in {"VERB", "AUX"}:
            if t.tag_ == "VBG" and t.dep_ == "acl":
                # a present participle describes its noun's state ("a bus carrying workers", "a school sheltering
                # the displaced"); a time after it is the parser's attachment of the sentence's own time
                rank = rank or 1
                t = t.head
                continue
            return NOUN_CLAUSE_RANK
        if t.dep_ in _SUBORDINATE or (t.dep_ == "prep" and t.lower_ in _TEMPORAL_PREPS):
            rank = rank or 1
        t = t.head
        if first_verb and t.pos_ in {"VERB", "AUX"}:
            first_verb = False
            if rank == 0 and t.lemma_.lower() in _SPEECH_LEMMAS and any(
                    c.dep_ in {"ccomp", "parataxis"} or (c.dep_ == "dobj" and (
                        _field_like(c) or t.lemma_.lower() in _ANNOUNCING and names_occurrence(span_text(
                            c.doc[c.left_edge.i:c.right_edge.i + 1])))) for c in t.children):
                return _SPEECH_RANK
    return rank


def _field_like(t: Token) -> bool:
    return t.lemma_.lower() in {"casualty", "death", "arrest", "injury", "attack", "killing"}


def _resolve_one(sent: Span, text: str, published: date | None, default: date | None,
                 tense: str) -> tuple[tuple[date | None, date | None, int], re.Match[str]] | None:
    """The first date expression left in ``text`` (checked in order of specificity)."""

    # Ranges first: they contain single dates.
    m = _RANGE_WD_RE.search(text)
    if m and published is not None:
        a = weekday_date(m.group(1), published, tense)
        b = weekday_date(m.group(2), published, tense)
        if b < a:
            a -= timedelta(days=7) if tense != "future" else timedelta(0)
            b = b if b >= a else b + timedelta(days=7)
        return (a, b, 1), m
    for rx, order in ((_RANGE_DAYS_RE, "dm"), (_RANGE_DAYS_MD_RE, "md")):
        m = rx.search(text)
        if m:
            if order == "dm":
                d1, d2, mon, yr = int(m.group(1)), int(m.group(2)), _month_index(m.group(3)), m.group(4)
            else:
                mon, d1, d2, yr = _month_index(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
            y = _year_for(mon, d1, published, tense, yr)
            if y is not None and 1 <= d1 <= d2 <= 31:
                try:
                    return (date(y, mon, d1), date(y, mon, d2), 1), m
                except ValueError:
                    pass  # "31 February": not a date, keep looking

    m = _EXPLICIT_RE.search(text)
    if m:
        if published is None and not _HAS_YEAR_RE.search(m.group(0)):
            # "23 March" with no publication date: the year cannot be known, and today's is no
            # guess; the words stay as the date's evidence
            return (None, None, 3), m
        d = _parse_explicit(m.group(0), published, tense)
        if d is not None:
            return (d, None, 1), m

    m = _RELATIVE_RE.search(text)
    if m and published is not None:
        w = re.sub(r"\s+", " ", m.group(1).lower())
        day = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "this morning": 0,
               "this afternoon": 0, "this evening": 0}
        if w in day:
            return (writing_day(sent.doc, published) + timedelta(days=day[w]), None, 1), m
        if w in {"the previous day", "the preceding day", "the day before"}:
            return ((default or published) - timedelta(days=1), None, 1), m
        if w in {"the next day", "the following day"}:
            return ((default or published) + timedelta(days=1), None, 1), m
        monday = published - timedelta(days=published.weekday())
        if w in {"last week"}:
            return (monday - timedelta(days=7), monday - timedelta(days=1), 2), m
        if w in {"this week", "earlier this week"}:
            return (monday, published, 2), m
        if w == "next week":
            return (monday + timedelta(days=7), monday + timedelta(days=13), 2), m
        if w in {"last weekend", "this weekend"}:
            sat = published - timedelta(days=(published.weekday() - 5) % 7)
            if w == "this weekend" and tense == "future":
                sat = published + timedelta(days=(5 - published.weekday()) % 7)
            return (sat, sat + timedelta(days=1), 2), m
        first = published.replace(day=1)
        if w in {"earlier this month", "this month"}:
            return (first, published, 3), m
        if w == "last month":
            prev_last = first - timedelta(days=1)
            return (prev_last.replace(day=1), prev_last, 3), m
        if w == "next month":
            nxt = (first + timedelta(days=32)).replace(day=1)
            return (nxt, (nxt + timedelta(days=32)).replace(day=1) - timedelta(days=1), 3), m
        if m.group(2):
            n = _WORD_NUMS.get(m.group(2).lower())
            if n is None and m.group(2).isdigit():
                n = int(m.group(2))
            if n:
                return (published - timedelta(days=n), published, 2), m

    m = _DAYS_AFTER_RE.search(text)
    if m and published is not None:
        n = _WORD_NUMS.get(m.group(1).lower(), 1 if m.group(1).lower() in {"one", "a"} else None)
        if n is None and m.group(1).isdigit():
            n = int(m.group(1))
        if n is not None:
            base_day = weekday_date(m.group(4), published, "past")
            sign = 1 if m.group(3).lower() == "after" else -1
            return (base_day + timedelta(days=sign * n), None, 1), m

    m = _WEEKDAY_RE.search(text)
    if m and published is not None:
        return (weekday_date(m.group(1), published, tense), None, 1), m

    m = _MONTH_ONLY_RE.search(text)
    if m:
        mon = _month_index(m.group(1))
        y = _year_for(mon, 1, published, tense, m.group(2))
        if y is not None:
            start = date(y, mon, 1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return (start, end, 3), m

    m = _YEAR_RE.search(text)
    if m and _is_year_token(sent, m):
        y = int(m.group(1))
        if m.group(2):  # "the 1990s": the decade
            return (date(y, 1, 1), date(y + 9, 12, 31), 3), m
        return (date(y, 1, 1), date(y, 12, 31), 3), m

    return None


# The time a text prints as its own publication ("PUBLISHED: 02:31 GMT, 12 March 2013", "Posted 1:15 a.m. ET,
# March 12, 2013"): a line that starts with the label, then within a few words a clock time (a report "published
# at 3.30" in the prose is another text's).
_PUBLISHED_AT_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:first\s+)?(?:published|posted)(?:\s+(?:on|at))?\s*:?[^\n]{0,30}?\b(\d{1,2})\s*[:.]\s*(\d{2})"
    r"(?:\s*([ap])\.?\s*m\b\.?)?",
    re.IGNORECASE,
)
SMALL_HOURS_END = 6  # a text published before this hour was written the evening before


def writing_day(doc: Doc, published: date) -> date:
    """The day a text's "today" and "tonight" mean: its publication day, or the day before when it prints
    its own publication time in the small hours ("PUBLISHED: 02:31 GMT, 12 March 2013 ... rioted tonight"
    tells of the evening of 11 March). An outlet stamps the time of its own zone while a report tells the
    evening of the place it was written from, and a report filed between midnight and dawn was written
    the evening before wherever that is, from the Americas to the outlet's own zone."""
    memo = doc_memo(doc)
    key = ("writing-day", published)
    if key not in memo:
        memo[key] = _writing_day(doc.text, published)
    return memo[key]  # type: ignore[return-value]


def _writing_day(text: str, published: date) -> date:
    m = _PUBLISHED_AT_RE.search(text)
    if m is None:
        return published
    hour = int(m.group(1))
    if m.group(3):  # "1:15 a.m.", "11:40 pm"
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
    # the stamp must carry the publication day itself: a stamp of another day is another version's
    stamped = _EXPLICIT_RE.search(text, m.start(), m.end() + 40)
    if stamped is None or _parse_explicit(stamped.group(0), published, "past") != published:
        return published
    return published - timedelta(days=1) if hour < SMALL_HOURS_END else published


def _is_year_token(sent: Span, m: re.Match[str]) -> bool:
    """A 4-digit number is a year when spaCy calls it a DATE/EVENT or nothing counted follows it."""
    base = sent.start_char
    span = sent.doc.char_span(base + m.start(1), base + m.end(1), alignment_mode="expand")
    if span is None:
        return False
    t = span[-1]
    if t.ent_type_ in {"DATE", "EVENT"}:
        return True
    nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
    return not (nxt is not None and nxt.tag_ == "NNS")


# --------------------------------------------------------------------------- evaluation


def story_date(sent: Span, published: date | None) -> date | None:
    """The last day named in the few sentences before ``sent`` (past or present tense), else, in the
    lead, the first named in the few after it: a better default than the publication date for a
    sentence that names no day."""
    found = _story_day(sent, published)
    return found.date if found is not None else None


_SENTENCE_ENDS = frozenset('.!?"”’\')')


def _ends_a_sentence(sent: Span) -> bool:
    """The span ends as a sentence does (a full stop, a question or exclamation mark, a closing quote)."""
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is not None and last.text[-1] in _SENTENCE_ENDS


def _story_day(sent: Span, published: date | None) -> DateResolution | None:
    if published is None:
        return None
    memo = doc_memo(sent.doc)
    key = ("story", sent.start, published)
    if key in memo:
        return memo[key]  # type: ignore[return-value]
    prev = previous_sentence(sent)
    day: DateResolution | None = None
    budget = ANCHOR_LOOKBACK
    while prev is not None and budget > 0:
        found = _days_named(prev, published)
        if found:
            day = found[0]
            break
        # a line with no sentence end ("Related Coverage", a linked story's headline) is page furniture between
        # the story's sentences, not one of them
        budget -= _ends_a_sentence(prev)
        prev = previous_sentence(prev)
    if day is None and sentence_index(sent.doc)[0].get(sent.start, FORWARD_LEAD) < FORWARD_LEAD:
        # a lead that names no day is often followed by one that does ("The explosion
        # occurred Friday afternoon")
        nxt = next_sentence(sent)
        for _ in range(FORWARD_LOOKAHEAD):
            if nxt is None:
                break
            found = _days_named(nxt, published)
            if found:
                day = found[0]
                break
            nxt = next_sentence(nxt)
    memo[key] = day
    return day


def _days_named(sent: Span, published: date) -> list[DateResolution]:
    """Exact past days a sentence names for its own event (not plans, not speech dates)."""
    return [d for rank, d in _ranked_dates(sent, published)
            if rank in (0, 1) and d.precision == 1 and d.date is not None and d.tense != "future"
            and d.date <= published and not d.evidence.lower().startswith(("the previous", "the preceding"))]
