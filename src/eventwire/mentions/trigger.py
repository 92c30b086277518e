"""The event word of a sentence: the word that names what happened ("shelled", "clashes", "explosion").

The locator weighs the places of a sentence by where they stand from this word ("shelled X",
"an attack in X"); a sentence's grammatical root is often a speech verb or a word of no event.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from eventwire.mentions.classify import _CUE_TABLE

# cue groups of the lexical classifier that name what happened (others name actors, victims, speech, time)
_EVENT_GROUPS = {"air", "artillery", "suicide", "ied", "grenade", "chemical", "clash", "capture", "seize_territory",
                 "withdraw", "sexual", "abduct", "protest", "disperse", "excessive", "riot", "mob", "agree", "arrest",
                 "disrupt", "loot"}
_CASUALTY = (r"\b(kill\w*|wound\w*|injur\w*|died|dead|deaths?|massacre\w*|executed|beheaded|gunned down|murder\w*|"
             r"opened fire|fir(?:ed|ing) (?:at|on|upon)|under fire|shot|shooting|stabb\w*|attack\w*|bomb\w*|strikes?|"
             r"raids?)\b")
EVENT_CUES = re.compile("|".join([p for name, p in _CUE_TABLE if name in _EVENT_GROUPS] + [_CASUALTY]))
# what was done, as against what came of it ("killed", "wounded", "dead" tell only the toll)
_ACTS = (r"\b(massacre\w*|executed|beheaded|gunned down|murder\w*|opened fire|shot|shoot\w*|stabb\w*|attack\w*|"
         r"bomb\w*|strikes?|raids?|ambush\w*|assassinat\w*|beat(?:en|ing)?|tortur\w*|lynch\w*|hack(?:ed)? to death)\b")
EVENT_KIND_CUES = re.compile("|".join([p for name, p in _CUE_TABLE if name in _EVENT_GROUPS] + [_ACTS]))

# what happens on the ground, not what is agreed (an announced agreement's day is the agreement's own)
OCCURRENCE_CUES = re.compile("|".join([p for name, p in _CUE_TABLE if name in _EVENT_GROUPS - {"agree"}] + [_ACTS]))


# the month, which the protest cue "march" would read as a march
_MONTH_MARCH = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+march|march\s+\d{1,4}(?:st|nd|rd|th)?|"
                          r"(?:in|since|until|till|by|from|early|late|mid-?|last|next|this)\s+march)\b")


def _without_month(text: str) -> str:
    return _MONTH_MARCH.sub(" ", text.lower())


def names_occurrence(text: str) -> bool:
    """Whether words name something done on the ground (a rally, an attack, an arrest), not an agreement."""
    return OCCURRENCE_CUES.search(_without_month(text)) is not None


def names_event_kind(text: str) -> bool:
    """Whether a sentence names what was done (a weapon, fighting, an attack, a protest...), not only its toll."""
    return EVENT_KIND_CUES.search(_without_month(text)) is not None


def event_trigger(sent: Span) -> Token | None:
    """The sentence's event word: of the words the codebook cues name, the one nearest the root of the
    parse (a verb before a noun, then the first); None when the sentence has none."""
    text = sent.text.lower()
    found: dict[int, Token] = {}
    for match in EVENT_CUES.finditer(text):
        span = sent.doc.char_span(sent.start_char + match.start(), sent.start_char + match.end(),
                                  alignment_mode="expand")
        if span is not None and not any(t.ent_type_ in ("DATE", "TIME") for t in span):
            # "On 12 March": a month is no march, a date word never the event's
            tok = span.root
            found[tok.i] = tok
    if not found:
        return None

    def rank(tok: Token) -> tuple[int, int, int]:
        depth = sum(1 for _ in tok.ancestors)
        return depth, tok.pos_ not in {"VERB", "AUX"}, tok.i

    return min(found.values(), key=rank)
