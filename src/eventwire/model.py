"""The one data model every stage shares.

Records are frozen dataclasses: a stage returns new records, it never mutates
another stage's output. The store's schema (``eventwire.store.schema``) follows
these records field by field; ``to_dict``/``from_dict`` give the JSON form used
by exports and the store's JSON columns.

Flow: Article -> (spaCy Doc) -> EventMention (with Evidence, Place, Claim)
-> Event / Story -> FigureSummary (claims stage) -> exports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import typing
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

SCHEMA_VERSION = 7
# how an article without an outlet name (no site name in the page or record, no URL) is named
UNKNOWN_OUTLET = "unknown outlet"

T = TypeVar("T")


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """Deterministic id from parts: re-running on the same input gives the same id."""
    h = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return f"{prefix}_{h.hexdigest()[:length]}"


_ACTOR_PAREN = re.compile(r"\(([^)]*)\)")
_ACTOR_YEARS = re.compile(r"\(\d{4}-(?:\d{4})?\)")


def actor_side(actor: str) -> str:
    """The country or group an ACLED-style actor name belongs to, lower case: "Police Forces of Kenya" ->
    kenya, "Protesters (Armenia)" -> armenia, "Hamas" -> hamas (ACLED's year suffix dropped; "Military Forces
    of the United States" and "Rioters (United States)" are both united states, "Government of the Republic of
    Congo" republic of congo)."""
    name = _ACTOR_YEARS.sub("", actor).strip()
    paren = _ACTOR_PAREN.search(name)
    if paren:
        side = paren.group(1).strip().lower()
    else:
        side = name.split(" of ", 1)[1].strip().lower() if " of " in name else name.lower()
    return side.removeprefix("the ").strip()


# Families of ACLED sub-types within which reports of one occurrence disagree (an anti-piracy raid is Arrests
# in one article, Disrupted weapons use in another, an Armed clash in a third); across families only on
# evidence particular to one occurrence (``merge.events``): a protest against an air strike is not the air strike.
VIOLENT_EVENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
ARMED_DEVELOPMENTS = frozenset({"Arrests", "Disrupted weapons use", "Looting/property destruction"})


def event_family(event_type: str, sub_event_type: str) -> str:
    """violence (with arrests and seized weapons), demonstration, development, or the sub-type itself."""
    if event_type in VIOLENT_EVENT_TYPES or sub_event_type in ARMED_DEVELOPMENTS:
        return "violence"
    if event_type in {"Protests", "Riots"}:
        return "demonstration"
    return "development" if event_type == "Strategic developments" else sub_event_type


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class RemovedSpan:
    """A span of the raw text removed as boilerplate, with the reason."""

    start: int
    end: int
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as ingested: cleaned text plus honest metadata.

    ``id`` is the input's own id when given, else derived from the cleaned text,
    so the same article from two files gets the same id. ``raw`` keeps the input
    exactly as read (text or HTML) so nothing is lost.
    """

    id: str
    text: str
    source: str  # input path, URL, or archive path + "!" + member
    raw: str = ""
    raw_format: str = "text"  # text | html | json | csv | feed | warc
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: dt.date | None = None
    published_from: str = "unknown"  # input | sidecar | html-meta | dateline | page-text | warc | unknown
    language: str | None = None
    removed: tuple[RemovedSpan, ...] = ()
    credits: str | None = None  # wire credit line kept as metadata, not event text
    content_hash: str = ""
    version: int = 1
    duplicate_of: str | None = None

    @property
    def outlet_name(self) -> str:
        """The outlet as shown: its name, or "unknown outlet" (never a file path)."""
        return self.outlet or UNKNOWN_OUTLET


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be read; stored in quarantine, never stops a batch."""

    source: str
    reason: str
    code: str = ""  # the error registry code (eventwire.errors)


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence (or phrase) of an article, with character offsets into ``Article.text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place. ``name`` is the words used in the text; ``gazetteer_name`` the record's."""

    name: str
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None
    country: str | None = None
    iso3: str | None = None
    geo_precision: int = 3  # ACLED: 1 town, 2 near town / part of region, 3 region/admin1
    gazetteer_name: str | None = None
    geonameid: int | None = None
    feature: str = "unknown"  # city | admin1 | region | country | landmark
    evidence: str = ""  # the words used to decide
    alt_names: tuple[str, ...] = ()
    admin2: str | None = None  # second-order unit (district, raion, municipality) when known
    acled_country: str | None = None  # the country as ACLED writes it ("Democratic Republic of Congo")
    source: str = ""  # the gazetteer source of the record (licence and attribution: README)


# Claim flags of counts that are not figures of the event their sentence reports.
NOT_EVENT_FIGURES = frozenset({"projection", "aggregate", "not-a-person"})


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure (or statement) as one source gives it, traced to its sentence.

    value_low/value_high give the range the words allow ("dozens" = 24..99); ``value_best`` is
    the single best reading inside it (a vague word's low end: 24), so low <= best <= high;
    ``value_acled`` is ACLED's coding convention for the words ("dozens" = 12), used only for
    ACLED's own ``fatalities`` column.
    """

    field: str  # fatalities | injured | displaced | evacuated | arrested | abducted | other
    text: str  # the exact phrase
    evidence: Evidence
    value_low: int | None = None
    value_high: int | None = None
    value_best: int | None = None
    qualifier: str | None = None  # "at least", "more than", "up to", ...
    category: str | None = None  # civilians, children, soldiers, ...
    speaker: str | None = None  # normalised speaker; "the outlet" when unattributed
    speaker_role: str | None = None
    hedge: str = "asserted"  # confirmed | asserted | reported | claimed | unverified | denied
    flags: tuple[str, ...] = ()  # e.g. "ambiguous-casualties"
    article_id: str = ""
    outlet: str | None = None
    value_acled: int | None = None

    @property
    def id(self) -> str:
        return stable_id("c", self.article_id, self.field, self.evidence.start, self.text)

    @property
    def is_event_figure(self) -> bool:
        """True unless the count is a projection, an aggregate over a period, or not of people."""
        return not (set(self.flags) & NOT_EVENT_FIGURES)


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event as one article reports it (no cross-article merging)."""

    article_id: str
    event_type: str
    sub_event_type: str
    evidence: tuple[Evidence, ...]
    event_date: dt.date | None = None
    date_end: dt.date | None = None
    time_precision: int = 3  # ACLED: 1 day, 2 week, 3 month
    date_evidence: str = ""
    code: str = ""  # CASE-style code, e.g. ARMED_CLASH
    actor1: str | None = None
    actor2: str | None = None
    assoc_actor1: str | None = None
    assoc_actor2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    place: Place | None = None
    fatalities: int | None = None
    claims: tuple[Claim, ...] = ()
    salience: float = 0.0
    rank: int = 0  # 0 = the article's main event
    status: str = "occurred"  # occurred | planned | background | denied | opinion
    confidence: float = 0.0
    plover: str | None = None
    cameo: str | None = None
    codebook_rule: str = ""  # the ACLED codebook rule that set the sub-type, when it moved the models' choice

    @property
    def id(self) -> str:
        first = self.evidence[0].start if self.evidence else -1
        return stable_id("m", self.article_id, first, self.sub_event_type, self.event_date)


@dataclass(frozen=True, slots=True)
class FigureSummary:
    """All claims about one figure of one event or episode: low/best/high and whether sources disagree.

    ``best`` is the most reliable independent figure, ``low`` the lowest credible, ``high`` the highest
    claimed (low <= best <= high); ``acled`` is ACLED's conservative coding of the words ("dozens" = 12),
    for ACLED's own column; ``sources`` counts the independent origins behind the figures; ``note`` names
    the sources when they disagree.
    """

    field: str
    low: int | None
    best: int | None
    high: int | None
    disputed: bool
    claim_ids: tuple[str, ...] = ()
    acled: int | None = None
    sources: int = 0
    note: str = ""


@dataclass(frozen=True, slots=True)
class SourcedClaim:
    """One claim as an analyst reads it: the figure, who says it and how firmly, where it was published,
    whether it is independent reporting, and the level it speaks about (one event or the episode).

    ``independent`` is False for a copy or rewrite of another report (``origin`` names the report it
    counts as); ``superseded_by`` names a later, higher toll from the same speaker that replaces it.
    """

    claim_id: str
    field: str  # fatalities | casualties (killed, or killed and injured) | injured | displaced | ...
    text: str
    evidence: Evidence
    level: str = "event"  # event | episode
    value_low: int | None = None
    value_high: int | None = None
    value_best: int | None = None
    value_acled: int | None = None
    qualifier: str | None = None
    category: str | None = None
    speaker: str | None = None
    speaker_role: str = "unknown"  # party to the conflict | government | international body | NGO | journalist
    hedge: str = "reported"  # confirmed | reported | claimed | unverified | denied
    article_id: str = ""
    mention_id: str = ""
    outlet: str | None = None
    published: dt.date | None = None
    independent: bool = True
    origin: str = ""  # the independent report this claim counts as (an article id, or a wire: "wire:AP")
    superseded_by: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldSupport:
    """How one field of an event was decided over its mentions: the value taken, the mentions that
    support it and those that say otherwise (each as ``mention_id: value``), with the weight of each side
    (confidence x independence x specificity)."""

    field: str  # sub_event_type | actor1 | actor2 | place | event_date
    value: str
    support: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()
    weight: float = 0.0
    against: float = 0.0


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event merged from the mentions of one or more articles."""

    id: str
    event_type: str
    sub_event_type: str
    mention_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    event_date: dt.date | None = None
    date_end: dt.date | None = None
    time_precision: int = 3
    actor1: str | None = None
    actor2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    place: Place | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    sources: tuple[str, ...] = ()
    story_id: str | None = None
    status: str = "occurred"
    notes: str = ""
    figures: tuple[FigureSummary, ...] = ()
    plover: str | None = None
    cameo: str | None = None
    # added with incremental merging, episodes and reconciliation; never renamed
    episode_id: str | None = None
    fatalities_best: int | None = None
    disputed: bool = False
    dispute_note: str = ""
    independent_sources: int = 0
    claims: tuple[SourcedClaim, ...] = ()
    reviewed: bool = False  # a reviewer confirmed it (or edited it)
    decision_ids: tuple[str, ...] = ()  # the reviewers' decisions applied to it (the decisions table)
    # added with tolls split ACLED's way and fields decided over mentions; never renamed
    fatalities_split: int = 0  # 0: its own toll; 1: its episode's toll assigned to it; n: a 1/n share of it
    field_support: tuple[FieldSupport, ...] = ()  # per field, the mentions behind its value and those against


@dataclass(frozen=True, slots=True)
class Episode:
    """Events that sources report as one occurrence (the 19 Sept offensive: an armed clash in one outlet,
    shelling and drone strikes in another). Tolls of "the fighting" as a whole are its claims."""

    id: str
    event_ids: tuple[str, ...]
    article_ids: tuple[str, ...] = ()
    event_date: dt.date | None = None
    date_end: dt.date | None = None
    place: Place | None = None
    sub_event_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    independent_sources: int = 0
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    disputed: bool = False
    dispute_note: str = ""
    figures: tuple[FigureSummary, ...] = ()
    claims: tuple[SourcedClaim, ...] = ()


@dataclass(frozen=True, slots=True)
class EventAlias:
    """An event id that was given once and now lives on inside another event (merged, or renamed)."""

    alias: str
    event_id: str


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting the same story (copies and rewrites included)."""

    id: str
    article_ids: tuple[str, ...]
    title: str | None = None
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleRelation:
    """How one article relates to the others of its story: original, copy, rewrite or aggregation.

    ``derivative_of`` is the article it copies or rewrites, or ``wire:NAME`` when only a credit line
    names the source; ``origin`` is the independent report it counts as (itself when original).
    """

    article_id: str
    story_id: str
    relation: str = "original"  # original | copy | rewrite | aggregation
    derivative_of: str | None = None
    origin: str = ""
    similarity: float = 0.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story clustering keeps of one article, all computed from its own text (stories stage)."""

    article_id: str
    version: str
    day: dt.date | None = None
    terms: dict[str, float] = dataclasses.field(default_factory=dict)
    specs: dict[str, float] = dataclasses.field(default_factory=dict)
    keys: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    weekdays: tuple[str, ...] = ()
    quantities: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    lede_numbers: tuple[str, ...] = ()
    embedding: bytes = b""  # float32 little-endian
    minhash: bytes = b""  # uint64 little-endian


# --------------------------------------------------------------------------- review


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision about the merged layer, kept apart from it and applied on every run.

    Decisions are tied to mention and article ids, which stay the same for the same input, never
    only to an event id: ``merge`` (``mention_ids`` must be one event) and ``split``
    (``mention_ids`` must never share an event with ``other_mention_ids``) are constraints the event
    clustering respects; ``edit`` sets ``field`` to ``value`` (JSON) on the event holding
    ``mention_ids``; ``confirm`` marks that event reviewed; ``irrelevant`` removes
    ``article_ids``' mentions from every event. ``event_id`` is the event as the reviewer saw it.
    """

    id: str
    action: str  # confirm | edit | merge | split | irrelevant
    reviewer: str
    made_at: str  # ISO 8601 timestamp, UTC
    reason: str = ""
    event_id: str | None = None
    mention_ids: tuple[str, ...] = ()
    other_mention_ids: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    field: str | None = None
    value: str | None = None  # JSON-encoded new value of ``field``


DECISION_ACTIONS = ("confirm", "edit", "merge", "split", "irrelevant")


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class EventChange:
    """One change to an event, as the update of the merged layer that made it recorded it.

    ``kind`` says what changed (``CHANGE_KINDS``): the event was created, merged into another
    (``other_event_id``; its id lives on as an alias), absorbed another, had mentions split off into
    another, was removed (no mention left), a field changed (``field``, ``old`` and ``new`` as JSON), a
    source was added, removed or revised (a new revision of one of its articles), a figure changed, a
    dispute opened or settled, or a reviewer's decision was applied (``decision_id``). ``at`` is when (UTC),
    ``run_id`` the run that wrote it, ``cause`` why in words; ``seq`` orders every change of the store.
    """

    seq: int
    event_id: str
    kind: str
    at: str  # ISO 8601 timestamp, UTC
    run_id: str = ""
    field: str | None = None
    old: str | None = None  # JSON of the value before
    new: str | None = None  # JSON of the value after
    cause: str = ""
    other_event_id: str | None = None
    article_ids: tuple[str, ...] = ()  # the articles behind the change (added, removed, revised)
    decision_id: str | None = None


CHANGE_KINDS = ("created", "merged", "absorbed", "split", "removed", "field", "source-added", "source-removed",
                "source-revised", "figure", "dispute-opened", "dispute-settled", "decision")


# --------------------------------------------------------------------------- protocols


class Locator(Protocol):
    """What the mentions stage needs of a geocoder (``eventwire.geo.Geocoder`` is one).

    ``doc`` and ``sent`` are a spaCy ``Doc`` and sentence ``Span``; the context is whatever the
    locator keeps about an article's places, handed back to it unchanged.
    """

    def article_context(self, doc: Any) -> Any:
        """What an article says about where it is (countries, units, places named)."""
        ...

    def focus_place(self, context: Any) -> Place | None:
        """The place an article is mostly about, if any."""
        ...

    def locate(self, sent: Any, context: Any, trigger: Any = None) -> Place | None:
        """Where the event of one sentence happened, if the sentence (or its context) says;
        ``trigger`` (a spaCy Token) is the event's word when the caller knows it."""
        ...


# --------------------------------------------------------------------------- (de)serialisation


def to_dict(record: Any) -> Any:
    """JSON-ready form of a record (dates as ISO strings, tuples as lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    if isinstance(record, (dt.date, dt.datetime)):
        return record.isoformat()
    return record


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>" or (
        origin is not None and getattr(origin, "__name__", "") == "UnionType"
    ):
        non_none = [a for a in args if a is not type(None)]
        return _convert(non_none[0], value) if non_none else value
    if origin is tuple:
        inner = args[0] if args else Any
        return tuple(_convert(inner, v) for v in value)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    if tp is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    # resolving the annotations is the slow part of reading a record back: once per class
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record from ``to_dict`` output (unknown keys are ignored)."""
    kwargs = {name: _convert(tp, data[name]) for name, tp in _field_types(cls) if name in data}
    return cls(**kwargs)


__all__ = [
    "ARMED_DEVELOPMENTS",
    "SCHEMA_VERSION",
    "VIOLENT_EVENT_TYPES",
    "Article",
    "ArticleRelation",
    "Claim",
    "DECISION_ACTIONS",
    "CHANGE_KINDS",
    "Decision",
    "Episode",
    "Event",
    "EventAlias",
    "EventChange",
    "EventMention",
    "Evidence",
    "FieldSupport",
    "FigureSummary",
    "InputFailure",
    "Locator",
    "Place",
    "RemovedSpan",
    "SourcedClaim",
    "Story",
    "StoryFeatures",
    "UNKNOWN_OUTLET",
    "actor_side",
    "event_family",
    "from_dict",
    "stable_id",
    "to_dict",
]
