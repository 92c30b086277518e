"""Boilerplate cleaning of article text (text dumps and text extracted from HTML).

The text is cut into lines (a text dump's paragraphs), each line is classified as
news or as one kind of boilerplate by general rules about what page furniture
looks like (calls to action, section headings such as "You may also like",
reader comments with their dates, link lists, captions, copyright lines, site
self-descriptions, editorial disclaimers, wire credit lines). Removed lines are
returned as spans of the input with their reason, so nothing is lost.

Rules are deliberately conservative in the middle of an article and aggressive
in its head (before the first prose paragraph) and tail (after an end-of-article
marker), because that is where page furniture sits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

import regex

from eventwire.model import RemovedSpan

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_TIME = r"(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)"

_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?,?"
# A reader comment's header: a user name followed by the comment's date and time
# ("NewsJunkie22 September 21, 2023 - 6:10 am"). The time is required: a bare date
# line is a dateline, not a comment.
_COMMENT_HEADER = re.compile(
    rf"^\s*(?!{_WEEKDAY}\s)(?!(?:posted|published|updated|by)\b)(?:@?[\w.\-']+(?:\s+[\w.\-']+){{0,3}})\s*"
    rf"(?:says:?|wrote:?|said:?)?\s*[|,\-–—]?\s*(?:on\s+)?{_DATE}"
    rf"\s*(?:[-–—|,@]|at)?\s*{_TIME}\s*(?:says:?|wrote:?)?\s*$",
    re.IGNORECASE,
)

# Section headings that open page furniture. "terminal" ones end the article:
# whatever follows them (in the tail) is furniture too.
_TERMINAL_HEADINGS = re.compile(
    r"^\s*(?:you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|"
    r"(?:leave|post|add|write) a (?:comment|reply|response)|"
    r"(?:\d+\s+)?(?:reader\s+)?(?:comments?|responses?|replies)(?:\s*\(\d+\))?|"
    r"(?:show|view|read|load) (?:all )?(?:\d+ )?comments|join the (?:discussion|conversation)|"
    r"frequently asked questions\b.*|faqs?\b.*|"
    r"editors?['’]?s?['’]? (?:picks?|choice)|"
    r"(?:most|top) (?:read|popular|viewed|shared|emailed)(?: (?:stories|articles|news))?|"
    r"(?:trending|popular) (?:now|stories|articles|news)|"
    r"(?:related|recommended|more|similar) (?:articles|stories|posts|reading|content|news)|"
    r"(?:read|see) (?:also|next|more)(?: stories)?|"
    r"(?:latest|recent) (?:news|posts|articles|stories|headlines)|"
    r"more (?:about|on|from) .{1,80}|share (?:this|the) (?:article|story|post)|"
    r"about the author|sign up for .{1,60}|newsletter)\s*[:.…!]*\s*$",
    re.IGNORECASE,
)
# Headings whose section is a short list of headlines inside the article.
_INLINE_HEADINGS = re.compile(
    r"^\s*(?:related(?: coverage| content| stories| articles| news| links| topics)?|"
    r"see also|further reading|read more|also read|more coverage|advertisement|"
    r"story continues below(?: advertisement)?|continue reading(?: below)?|"
    r"click here (?:to|for) .{1,60}|tags?|filed under|topics?)\s*:?\s*$",
    re.IGNORECASE,
)

# A call to action: an imperative at the start of a sentence ("Become a member", "Support
# independent journalism", "... ? Consider becoming a member").
_CALL_TO_ACTION = re.compile(
    r"(?:^|[.!?:]\s+|\s[–—|]\s+)(?:please\s+)?"
    r"(?:become|join|support|donate|subscribe|sign up|contribute|chip in|help (?:us|fund)|"
    r"consider (?:becoming|supporting|donating|subscribing)|make a (?:donation|contribution)|"
    r"join today|donate now|subscribe now)\b",
    re.IGNORECASE,
)
_APPEAL_OBJECT = re.compile(
    r"\b(?:member(?:ship)?s?|journalism|media (?:outlets?|organi[sz]ations?)|newsroom|fundrais\w*|"
    r"donat\w*|subscri\w*|patreon|reader-funded|reader support|independent (?:media|news|journalism)|"
    r"our (?:work|reporting|mission)|newsletter|premium)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"(?:\b(?:photos?|images?|pictures?|credit|video|file photo)\s*(?::|by\b|credit:)|"
    r"\((?:photo|image|picture)[^)]{0,80}\)|\b(?:getty images|afp|ap photo|reuters|epa|shutterstock)"
    r"\s*(?:/\s*\w|$)|\b(?:ap|afp|reuters|getty)\s+photo\b)",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^\s*(?:©|\(c\)\s*\d{4}|copyright\b)|\ball rights reserved\b|©\s*\d{4}", re.IGNORECASE
)
_SELF_DESCRIPTION = re.compile(
    r"^\s*[\w\s.&'’–\-]{2,60}?\s+(?:is|are)\s+(?:a|an|the|your)\s+(?:[\w\-]+\s+){0,4}?"
    r"(?:news|media|information)\s+(?:portal|site|website|outlet|platform|source|service|agency|"
    r"publication|organi[sz]ation|company|network|aggregator|magazine)\b",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"\b(?:for ease of reading|does not imply (?:a|any) position|we (?:choose|have chosen|do) not to use"
    r"|the views (?:and opinions )?expressed (?:in this|here)|do(?:es)? not necessarily reflect the views"
    r"|(?:is|are) not necessarily th(?:ose|at) of|we accept no responsibility for"
    r"|this (?:article|story|post) (?:contains|may contain) affiliate links"
    r"|this (?:article|story) (?:was|has been) (?:updated|corrected) to)\b",
    re.IGNORECASE,
)
_LINK_LINE = re.compile(
    r"^\s*(?:[•*\-–·»›]\s*)?(?:\[[^\]]{1,200}\]\([^)]*\)|.{0,200}\((?:insert|add) link\))\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[•*\-–·»›]\s+\S")
_BYLINE = re.compile(
    r"^\s*(?:by|written by|words by|reporting by)\s+((?:[A-Z][\w.'’\-]*\s*){1,4}"
    r"(?:(?:and|&|,)\s+(?:[A-Z][\w.'’\-]*\s*){1,4})*)\s*(?:[,|\-–—].{0,60})?$",
)
_CONTRIBUTED = re.compile(
    r"\b(?:contributed(?: to)?(?: this)?(?: report(?:ing)?| story| article)?|"
    r"(?:also )?contributed)\s*\.?\s*$",
    re.IGNORECASE,
)
# One credit segment: names followed by "in|at|from <Place>".
_NAME = r"[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}"
_CREDIT_SEGMENT = re.compile(
    rf"^\s*(?:(?:the\s+)?(?:associated press|ap|reuters|afp)\s+(?:writers?|reporters?|journalists?)\s+)?"
    rf"{_NAME}(?:\s*,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?\s+(?:in|at|from|reporting from)\s+"
    rf"(?:the\s+)?[A-Z][\w.'’\-]+(?:[\s,]+[A-Z][\w.'’\-]+){{0,4}}\s*\.?\s*$"
)
# A link bar: short items separated by bars or dots ("Reprints | Single Page | Send to a friend").
_BAR_SPLIT = re.compile(r"\s+[|·•]\s+|\s*\|\s*")
# Markup left in a dump (escaped ad scripts, raw tags).
_MARKUP_LINE = re.compile(r"^\s*(?:<|&lt;)/?[a-zA-Z!][^>]*(?:>|&gt;)")
_AD = re.compile(r"\bclick here\b|^\s*advertisement\s*$", re.IGNORECASE)
_LISTY = re.compile(r"\w\s*[(,]\s*\w.*\w")
# A sentence end in any script: Unicode's Sentence_Terminal characters (. ! ? 。 ？ ！ ؟ ۔ ։ । ...)
# and the ellipsis.
_SENTENCE_END = regex.compile(r"[\p{Sentence_Terminal}…]")


def _ends_sentence(text: str) -> bool:
    """Ends like a sentence in any script, possibly followed by closing quotes or brackets."""
    t = text.rstrip()
    while t and (t[-1] in "\"'" or unicodedata.category(t[-1]) in ("Pe", "Pf")):
        t = t[:-1]
    return bool(t) and _SENTENCE_END.match(t[-1]) is not None


_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: their words are counted from characters.
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Tibetan}]")
# Characters of an unspaced script that count as one word in the length rules (prose >= 12
# words, headings <= 20). Chinese and Japanese words average one and a half to two characters:
# a higher figure lets short CJK paragraphs pass for headings, a lower one CJK menus for prose.
CHARS_PER_UNSPACED_WORD = 2


def word_count(text: str) -> int:
    """Words of a text in any script (unspaced scripts by characters, see CHARS_PER_UNSPACED_WORD)."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    spaced = len(_WORD.findall(_UNSPACED.sub(" ", text)))
    return spaced + -(-unspaced // CHARS_PER_UNSPACED_WORD)


@dataclass
class Cleaned:
    """Result of cleaning: the kept text, the removed spans and extracted metadata."""

    text: str
    removed: list[RemovedSpan] = field(default_factory=list)
    credits: str | None = None
    byline: str | None = None
    title: str | None = None


@dataclass
class _Line:
    start: int
    end: int
    text: str
    gap_before: bool  # a blank line precedes it (paragraph break)
    reason: str | None = None
    words: int = field(init=False)

    def __post_init__(self) -> None:
        self.words = word_count(self.text)  # counted once: every rule asks for it


def _lines(raw: str, join_wrapped: bool = True) -> list[_Line]:
    out: list[_Line] = []
    gap = True
    pos = 0
    for s in raw.split("\n"):
        start, pos = pos, pos + len(s) + 1
        if not s.strip():
            gap = True  # a blank line: paragraph break
            continue
        lead = len(s) - len(s.lstrip())
        trail = len(s) - len(s.rstrip())
        line = _Line(start + lead, start + len(s) - trail, s.strip(), gap)
        if join_wrapped and out and not gap and _continues(out[-1].text, line.text):
            # a hard-wrapped paragraph: one unit, so short wrapped pieces are not taken for headings
            prev = out[-1]
            out[-1] = _Line(prev.start, line.end, f"{prev.text} {line.text}", prev.gap_before)
        else:
            out.append(line)
        gap = False
    return out


_FUNCTION_WORDS = {"a", "an", "the", "of", "to", "in", "and", "or", "for", "with", "at", "by", "from",
                   "on", "that", "as", "is", "was", "were", "are", "be", "his", "her", "their", "its", "who",
                   "which"}


def _continues(prev: str, nxt: str) -> bool:
    """Does ``nxt`` continue ``prev``'s sentence (a line break inside a paragraph)?"""
    if _ends_sentence(prev) or _LINK_LINE.match(nxt) or _BULLET.match(nxt) or _BYLINE.match(nxt):
        return False
    if _TERMINAL_HEADINGS.match(nxt) or _INLINE_HEADINGS.match(nxt) or _COMMENT_HEADER.match(nxt):
        return False
    if nxt[:1].islower():
        return True
    last = prev.rsplit(None, 1)[-1]
    if prev.endswith((",", ";", "-", "–", "(")) or last.lower() in _FUNCTION_WORDS:
        return True
    # a long unfinished line followed by more words: wrapped prose, not a heading
    return word_count(prev) >= 7 and word_count(nxt) >= 3


def _may_be_copyright(text: str) -> bool:
    low = text.lower()
    return "©" in text or "copyright" in low or "rights reserved" in low or "(c)" in low


def _link_bar(text: str) -> bool:
    """Two or more short items between bars: a navigation bar, not a table row of figures."""
    if "|" not in text and "·" not in text and "•" not in text:
        return False
    items = [i for i in _BAR_SPLIT.split(text) if i.strip()]
    return len(items) >= 2 and all(
        word_count(i) <= 4 and not _ends_sentence(i) and not any(c.isdigit() for c in i) for i in items
    )


# Fewest words of a news paragraph, and most of a heading (a line between is either, by its end).
PARAGRAPH_WORDS = 12
HEADING_WORDS = 20


def _is_prose(line: _Line) -> bool:
    """A news paragraph: several words ending like a sentence."""
    return line.words >= PARAGRAPH_WORDS and _ends_sentence(line.text)


def _is_heading_like(line: _Line) -> bool:
    return line.words <= HEADING_WORDS and not _ends_sentence(line.text)


def _appeal(line: _Line) -> bool:
    if line.words > 60:
        return False
    return bool(_CALL_TO_ACTION.search(line.text) and _APPEAL_OBJECT.search(line.text))


# Reuters style: "(Reporting by Michael Shields; editing by Rory Channing)"
_REPORTING_BY = re.compile(
    r"^\s*[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|produced)(?:\s+and\s+\w+)?\s+by\s+"
    r"[A-Z][^()]{2,300}[)\]]?\s*\.?\s*$",
    re.IGNORECASE,
)


def _credit_line(text: str, words: int) -> bool:
    """A wire credit line: reporters' names with their cities, '... contributed'."""
    if words > 70 or words < 3:
        return False
    low = text.lower()
    if " in " not in low and " at " not in low and "contribut" not in low and " by " not in low:
        return False  # cheap test first: most lines are neither
    if _REPORTING_BY.match(text):
        return True
    body = _CONTRIBUTED.sub("", text).strip().rstrip(".")
    segments = [s for s in re.split(r";\s*(?:and\s+)?", body) if s.strip()]
    matched = sum(1 for s in segments if _CREDIT_SEGMENT.match(s))
    lead = rf"^\s*(?:the\s+)?(?:associated press\s+)?(?:writers?\s+)?{_NAME}"
    if _CONTRIBUTED.search(text) and re.match(lead, text):
        return matched >= 1 or words <= 25
    return len(segments) >= 2 and matched == len(segments)


def clean_text(raw: str, *, strip_title: bool = True, join_wrapped: bool = True,
               links: Collection[str] = ()) -> Cleaned:
    """Remove page furniture from article text; spans index into ``raw``.

    With ``strip_title`` a text dump's first heading-like line becomes the title
    (as for HTML, where the title is metadata and not body text). ``join_wrapped``
    says the text is a dump: a line break inside an unfinished sentence is a wrapped
    paragraph, and runs of teaser headlines are furniture. An HTML extractor's output
    (one paragraph per line, teasers already gone) is cleaned with it off.

    Each pass below marks the lines it takes as furniture with a reason; a later pass only
    looks at lines no earlier pass took. The passes that judge a line by its shape and place
    (short lines before or after the body, runs of headlines) need a body to judge against: a
    text without a paragraph (a headline, a feed item, one or a few short sentences, with or
    without a final full stop) is all sentences, and they are kept.

    ``links`` are the texts of the page's links, for a page's text: a line that is mostly link
    text (a headline of another story, a menu) is furniture wherever it stands.
    """
    lines = _lines(raw, join_wrapped)
    if not lines:
        return Cleaned(text="")
    credits = _mark_line_rules(lines)
    if links:
        _mark_link_lines(lines, links)
    _mark_reader_comments(lines)
    has_body = any(ln.reason is None and (_is_prose(ln) or ln.words > HEADING_WORDS) for ln in lines)
    byline, title = _mark_head(lines, strip_title, has_body)
    _mark_inline_sections(lines)
    if join_wrapped and has_body:
        _mark_headline_runs(lines)
    _mark_tail(lines)
    if has_body:
        _mark_trailing_headings(lines)
    text, removed = _assemble(lines)
    return Cleaned(text=text, removed=removed, credits=credits, byline=byline, title=title)


def _line_reason(ln: _Line) -> str | None:
    """The kind of furniture one line is by its own words alone (None: not furniture by itself)."""
    t = ln.text
    if not ln.words:
        return "layout"  # bars and bullets of empty table cells: no word at all
    if _LINK_LINE.match(t):
        return "link-list"
    if _MARKUP_LINE.match(t):
        return "markup"
    if _link_bar(t):
        return "navigation"
    if ln.words <= 30 and _AD.search(t):
        return "advertisement"
    if _appeal(ln):
        return "appeal"
    if ln.words <= 40 and _may_be_copyright(t) and _COPYRIGHT.search(t):
        return "copyright"
    if ln.words <= 80 and _DISCLAIMER.search(t):
        return "disclaimer"
    if ln.words <= 80 and _SELF_DESCRIPTION.match(t):
        return "site-description"
    if ln.words <= 40 and _CAPTION.search(t) and not _is_prose_without_caption(t):
        return "photo-caption"
    if _credit_line(t, ln.words):
        return "credit-line"
    return None


def _mark_line_rules(lines: list[_Line]) -> str | None:
    """Whole-text rules, line by line; returns the wire credit lines found (kept as metadata)."""
    credits: str | None = None
    for ln in lines:
        ln.reason = _line_reason(ln)
        if ln.reason == "credit-line":
            credits = ln.text if credits is None else f"{credits} {ln.text}"
    return credits


# A line this much link text is a menu or a list of other stories (chosen on the l3s train pages:
# lower shares start to take article sentences that cite a linked name)
LINK_SHARE = 0.7


_ALNUM = regex.compile(r"[\p{L}\p{N}]")


def _link_share(text: str, links: Collection[str]) -> float:
    """The share of a line's letters and digits that lie inside the texts of the page's links."""
    letters = len(_ALNUM.findall(text))
    if not letters:
        return 0.0
    rest = text
    for link in sorted(links, key=len, reverse=True):  # a longer link first: it holds shorter ones
        rest = rest.replace(link, " ")
    return 1 - len(_ALNUM.findall(rest)) / letters


# A line of links is a menu or a few headlines: longer lines are prose, whatever they link.
LINK_LINE_WORDS = 40


def _mark_link_lines(lines: list[_Line], links: Collection[str]) -> None:
    """Lines that are mostly the text of links: menus, headlines of other stories."""
    for ln in lines:
        if ln.reason is not None or ln.words > LINK_LINE_WORDS:
            continue
        inside = [x for x in links if x in ln.text]
        if inside and _link_share(ln.text, inside) >= LINK_SHARE:
            ln.reason = "link-list"


def _mark_reader_comments(lines: list[_Line]) -> None:
    """Reader comments: a header (user, date, time) after the article's opening, and its body.

    The body is the header's following lines, up to the next header or heading-like line. In
    the opening such a line is a dateline ("Associated Press - January 8, 2008 4:33 PM ET"),
    kept. Headers count only in a run (two or more) or under a comments heading: a lone
    "Agency - date time" line is a dateline.
    """
    n = len(lines)
    words_before = 0
    headers: list[_Line] = []
    under_heading = False
    for ln in lines:
        if ln.reason is None and _TERMINAL_HEADINGS.match(ln.text) and "comment" in ln.text.lower():
            under_heading = True
        if ln.reason is None and _COMMENT_HEADER.match(ln.text) and words_before >= 80:
            headers.append(ln)
        if ln.reason is None:
            words_before += ln.words
    if len(headers) >= 2 or (headers and under_heading):
        for ln in headers:
            ln.reason = "reader-comment"
    for i, ln in enumerate(lines):
        if ln.reason == "reader-comment" and _COMMENT_HEADER.match(ln.text):
            j = i + 1
            while j < n and lines[j].reason is None and not _TERMINAL_HEADINGS.match(lines[j].text):
                if _is_heading_like(lines[j]) and lines[j].words <= 4:
                    break
                lines[j].reason = "reader-comment"
                j += 1


def _mark_head(lines: list[_Line], strip_title: bool, has_body: bool) -> tuple[str | None, str | None]:
    """Before the first prose line everything short is furniture, except the title and byline.

    Without a body only the title and byline are taken; a title only when other text stays
    below it. Returns (byline, title) found there.
    """
    first_prose = next((i for i, ln in enumerate(lines) if ln.reason is None and _is_prose(ln)), len(lines))
    byline: str | None = None
    title: str | None = None
    for i, ln in enumerate(lines[:first_prose]):
        if ln.reason is not None:
            continue
        m = _BYLINE.match(ln.text)
        if m:
            ln.reason = "byline"
            byline = m.group(1).strip()
            continue
        if title is None and strip_title and _is_heading_like(ln) and ln.words >= 2 and any(
                o.reason is None for o in lines[i + 1:]):
            ln.reason = "title"
            title = ln.text
            continue
        if has_body and _is_heading_like(ln) and ln.words <= 8:
            ln.reason = "navigation"
    return byline, title


def _mark_inline_sections(lines: list[_Line]) -> None:
    """Inline sections: "Related Coverage" plus the headlines listed under it."""
    n = len(lines)
    for i, ln in enumerate(lines):
        if ln.reason is None and _INLINE_HEADINGS.match(ln.text):
            ln.reason = "related-links"
            j = i + 1
            while j < n and lines[j].reason is None and _is_heading_like(lines[j]) and j - i <= 6:
                lines[j].reason = "related-links"
                j += 1
        elif ln.reason == "link-list" and i > 0 and lines[i - 1].reason is None and _is_heading_like(
            lines[i - 1]
        ) and lines[i - 1].words <= 12:
            lines[i - 1].reason = "link-list"  # the list's heading ("More about X")


def _mark_headline_runs(lines: list[_Line]) -> None:
    """Headline lists: three or more headline-like lines in a row (teasers of other stories).

    An article's own subheads stand alone between paragraphs. Only for text dumps: an HTML
    extractor has dropped teaser lists already, and what runs of short lines remain in its
    output are the article's own lists.
    """
    n = len(lines)
    i = 0
    while i < n:
        j = i
        while j < n and lines[j].reason is None and _is_heading_like(lines[j]) and lines[j].words >= 3:
            j += 1
        run = lines[i:j]
        # a story's own list: items with commas or brackets ("Little Britain (BBC Three)"), dashes
        # ("- targeted teenagers ..."), or introduced by the line before ("... include:")
        own_list = any(_LISTY.search(ln.text) or ln.text.startswith(("-", "–")) for ln in run) or (
            i > 0 and lines[i - 1].text.rstrip().endswith(":"))
        if j - i >= 3 and not own_list:
            for ln in lines[i:j]:
                ln.reason = "related-links"
        i = max(j, i + 1)


def _mark_tail(lines: list[_Line]) -> None:
    """From an end-of-article marker on, everything is furniture.

    Only with enough article text before the marker (so a marker cannot eat a short article)
    and more article prose before it than after it (on a whole-page dump a sidebar's
    "Most read" can come before the story).
    """
    prose_after = sum(ln.words for ln in lines if ln.reason is None and _is_prose(ln))
    words_before = prose_before = 0
    for i, ln in enumerate(lines):
        if (ln.reason is None and _TERMINAL_HEADINGS.match(ln.text) and words_before >= 80
                and prose_before >= prose_after):
            reason = _tail_reason(ln.text)
            for rest in lines[i:]:
                if rest.reason is None:
                    if _TERMINAL_HEADINGS.match(rest.text):
                        reason = _tail_reason(rest.text)  # each section keeps its own reason
                    rest.reason = reason
            return
        if ln.reason is None:
            words_before += ln.words
            if _is_prose(ln):
                prose_before += ln.words
                prose_after -= ln.words


def _mark_trailing_headings(lines: list[_Line]) -> None:
    """Short heading-like lines after the last prose line ("Latest News", "Share").

    Lines with commas or brackets between words are a story's closing list (nominees), kept.
    """
    last_prose = max((i for i, ln in enumerate(lines) if ln.reason is None and _is_prose(ln)), default=-1)
    for ln in lines[last_prose + 1:]:
        if ln.reason is None and _is_heading_like(ln) and ln.words <= 8 and not _LISTY.search(ln.text):
            ln.reason = "navigation"


def _assemble(lines: list[_Line]) -> tuple[str, list[RemovedSpan]]:
    """The kept lines joined as paragraphs, and the removed ones as spans with their reason."""
    kept: list[str] = []
    removed: list[RemovedSpan] = []
    prev_kept = False
    for ln in lines:
        if ln.reason is None:
            if kept:
                kept.append("\n\n" if (ln.gap_before or not prev_kept) else "\n")
            kept.append(ln.text)
            prev_kept = True
        else:
            removed.append(RemovedSpan(ln.start, ln.end, ln.reason, ln.text))
            prev_kept = False
    return "".join(kept), removed


def _is_prose_without_caption(text: str) -> bool:
    """A long sentence that merely mentions a photo is news, not a caption."""
    stripped = _CAPTION.split(text)[0]
    return word_count(stripped) >= 25


def _tail_reason(heading: str) -> str:
    h = heading.lower()
    if "comment" in h or "repl" in h or "discussion" in h or "conversation" in h:
        return "reader-comments"
    if "question" in h or re.match(r"\s*faq", h):
        return "generated-faq"
    if "pick" in h or "latest" in h or "popular" in h or "read" in h or "trending" in h:
        return "navigation"
    return "related-links"


__all__ = ["Cleaned", "clean_text"]
