"""Export stage: records -> files (ACLED- and GED-compatible CSV, GeoJSON, JSON, JSON lines, Parquet).

Needs: Events, EventMentions, Articles and reviewers' Decisions from the store (or straight from extract).
Provides: flat rows in stable column order, nested event records (claims, evidence, sources,
decisions), filters, and writers per format.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from eventwire.errors import Errors, UsageError, choice_error
from eventwire.export.acled import ACLED_COLUMNS, ACLED_EXPORT_COLUMNS, acled_row
from eventwire.export.arrow import event_table, write_partitioned
from eventwire.export.changes import CHANGE_COLUMNS, change_row, change_text
from eventwire.export.ged import GED_COLUMNS, GED_EXPORT_COLUMNS, ged_row
from eventwire.export.views import (
    CLAIM_OBJECT_FIELDS,
    DECISION_COLUMNS,
    EventFilter,
    acled_country,
    decision_row,
    decisions_of,
    disagreement,
    dispute_note,
    event_sources,
    figure,
    figure_text,
    figure_words,
    independent_sources,
    is_disputed,
    is_reviewed,
    split_words,
    story_record,
)
from eventwire.model import (
    Article,
    ArticleRelation,
    Claim,
    Decision,
    Episode,
    Event,
    EventChange,
    EventMention,
    Place,
    SourcedClaim,
    Story,
    to_dict,
)

FORMATS = ("csv", "json", "jsonl", "parquet", "acled-csv", "ged-csv", "geojson")
# formats whose rows are the events' own flat columns, whatever --what says
EVENT_ONLY_FORMATS = ("acled-csv", "ged-csv", "geojson")
WHATS = ("events", "episodes", "stories", "articles", "mentions", "claims", "decisions", "changes")

# ACLED's column names first (so ACLED tooling reads the file), eventwire's after.
EVENT_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities",
    # eventwire's own
    "date_end", "fatalities_low", "fatalities_high", "fatalities_disputed", "status", "plover", "cameo",
    "gazetteer_name", "story_id", "article_ids", "mention_ids", "figures",
    # review and reconciliation, added after the first exports; never renamed
    "fatalities_best", "disputed", "dispute_note", "independent_sources", "episode_id", "reviewed", "decision_ids",
    "country_geonames", "admin2",
    # tolls divided ACLED's way: 0 the event's own, 1 its episode's toll assigned to it, n a 1/n share
    "fatalities_split",
]

EPISODE_COLUMNS = [
    "episode_id", "event_date", "date_end", "sub_event_types", "location", "admin1", "country", "iso3",
    "latitude", "longitude", "geo_precision", "fatalities", "fatalities_low", "fatalities_best", "fatalities_high",
    "disputed", "dispute_note", "independent_sources", "source", "event_ids", "article_ids", "events", "figures",
    "claims",
]

STORY_COLUMNS = ["article_id", "story_id", "relation", "derivative_of", "evidence", "origin", "similarity",
                 "outlet", "published", "title"]

MENTION_COLUMNS = [
    "article_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "location", "admin1", "country", "iso3", "latitude", "longitude", "geo_precision", "fatalities",
    "salience", "evidence",
    # added after the foundation; never renamed
    "id", "rank", "status", "code", "date_end", "date_evidence", "inter1", "inter2", "assoc_actor1",
    "assoc_actor2", "place", "claims", "confidence", "plover", "cameo",
]

ARTICLE_COLUMNS = [
    "id", "source", "url", "outlet", "title", "byline", "published", "published_from", "language",
    "text", "removed", "credits", "content_hash", "version", "raw_format",
]


def _place_columns(p: Place | None, *, iso_key: str, acled: bool = False) -> dict[str, Any]:
    """The flat place columns of a row (ACLED calls the country code ``iso``, extract ``iso3``).

    ``acled``: the country as ACLED writes it ("Democratic Republic of Congo"); GeoNames' name
    then goes to ``country_geonames``.
    """
    country = p.country if p else None
    return {
        "location": p.name if p else None,
        "admin1": p.admin1 if p else None,
        "country": (p.acled_country or country) if p and acled else country,
        iso_key: p.iso3 if p else None,
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "geo_precision": p.geo_precision if p else None,
    }


@dataclass(frozen=True)
class Context:
    """The records an event's rows are written from, read from the store once per export."""

    claims: dict[str, Claim] = field(default_factory=dict)  # claim id -> claim
    mentions: dict[str, EventMention] = field(default_factory=dict)  # mention id -> mention
    articles: dict[str, Article] = field(default_factory=dict)
    decisions: tuple[Decision, ...] = ()
    episodes: dict[str, Episode] = field(default_factory=dict)  # episode id -> episode


def event_row(e: Event, notes: str = "", ctx: Context | None = None) -> dict[str, Any]:
    """One ACLED-style row for an event, then eventwire's own columns (review state from ``ctx``)."""
    ctx = ctx or Context()
    p = e.place
    fat = figure(e, "fatalities")
    decided = decisions_of(e, ctx.decisions)
    interaction = None
    if e.inter1 is not None:
        # ACLED: the two inter codes, smaller first; 10 * inter1 when there is no actor2
        lo, hi = sorted((e.inter1, e.inter2 or 0))
        interaction = int(f"{lo}{hi}") if e.inter2 else e.inter1 * 10
    return {
        "event_id_cnty": e.id,
        "event_date": e.event_date.isoformat() if e.event_date else None,
        "year": e.event_date.year if e.event_date else None,
        "time_precision": e.time_precision,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "actor1": e.actor1,
        "assoc_actor_1": None,
        "inter1": e.inter1,
        "actor2": e.actor2,
        "assoc_actor_2": None,
        "inter2": e.inter2,
        "interaction": interaction,
        **_place_columns(p, iso_key="iso", acled=True),
        "source": "; ".join(e.sources),
        "notes": notes or e.notes,
        "fatalities": e.fatalities if e.fatalities is not None else 0,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "fatalities_low": e.fatalities_low,
        "fatalities_high": e.fatalities_high,
        "fatalities_disputed": fat.disputed if fat else False,
        "status": e.status,
        "plover": e.plover,
        "cameo": e.cameo,
        "gazetteer_name": p.gazetteer_name if p else None,
        "story_id": e.story_id,
        "article_ids": list(e.article_ids),
        "mention_ids": list(e.mention_ids),
        "figures": [to_dict(f) for f in e.figures],
        "country_geonames": p.country if p else None,
        "admin2": p.admin2 if p else None,
        "fatalities_best": e.fatalities_best,
        "disputed": is_disputed(e),
        "dispute_note": dispute_note(e, ctx.claims),
        "independent_sources": independent_sources(e),
        "episode_id": e.episode_id,
        "reviewed": is_reviewed(e, ctx.decisions),
        "decision_ids": [d.id for d in decided],
        "fatalities_split": e.fatalities_split,
    }


def event_record(e: Event, ctx: Context, *, with_text: bool = False) -> dict[str, Any]:
    """An event as a nested record (JSON, JSON lines, Parquet, report, review app): its row, its place,
    its claims with their evidence, its sources with their evidence sentences, and its decisions."""
    row = event_row(e, acled_notes(e, ctx.claims, ctx.episodes), ctx)
    return row | {
        "place": to_dict(e.place),
        # every claim of its reports; ``level`` says which speak of this event and which of its episode
        "claims": [claim_object(c) | {"id": c.claim_id} for c in e.claims],
        # the reconciled figures of the occurrence the event is part of (empty for a one-event episode):
        # where the sources' tolls speak of the whole fighting, they are reconciled there
        "episode_figures": [to_dict(f) for f in ep.figures] if (ep := ctx.episodes.get(e.episode_id or ""))
        and len(ep.event_ids) > 1 else [],
        "sources": event_sources(e, ctx.mentions, ctx.articles, with_text=with_text),
        "decisions": [decision_row(d) for d in decisions_of(e, ctx.decisions)],
        # how type, sub-type, actors, place and date were decided over the event's mentions
        "field_support": [to_dict(f) for f in e.field_support],
    }


def claim_object(c: SourcedClaim) -> dict[str, Any]:
    """A claim as events and episodes carry it (``CLAIM_OBJECT_FIELDS``)."""
    d = to_dict(c)
    return {k: d.get(k) for k in CLAIM_OBJECT_FIELDS}


def episode_row(p: Episode, events: Sequence[Event]) -> dict[str, Any]:
    """One episode with its events (short form) and its reconciled figures and claims."""
    return {
        "episode_id": p.id,
        "event_date": p.event_date.isoformat() if p.event_date else None,
        "date_end": p.date_end.isoformat() if p.date_end else None,
        "sub_event_types": list(p.sub_event_types),
        **_place_columns(p.place, iso_key="iso3"),
        "fatalities": p.fatalities if p.fatalities is not None else 0,
        "fatalities_low": p.fatalities_low,
        "fatalities_best": p.fatalities_best,
        "fatalities_high": p.fatalities_high,
        "disputed": p.disputed,
        "dispute_note": p.dispute_note,
        "independent_sources": p.independent_sources,
        "source": "; ".join(p.sources),
        "event_ids": list(p.event_ids),
        "article_ids": list(p.article_ids),
        "events": [{"event_id": e.id, "event_date": e.event_date.isoformat() if e.event_date else None,
                    "sub_event_type": e.sub_event_type, "location": e.place.name if e.place else None,
                    "actor1": e.actor1, "actor2": e.actor2, "fatalities_low": e.fatalities_low,
                    "fatalities_best": e.fatalities_best, "fatalities_high": e.fatalities_high,
                    "disputed": e.disputed, "independent_sources": e.independent_sources} for e in events],
        "figures": [to_dict(f) for f in p.figures],
        "claims": [claim_object(c) for c in p.claims],
    }


def story_row(r: ArticleRelation, article: Article | None) -> dict[str, Any]:
    """One article's place in its story: relation, what it derives from, and the evidence."""
    return {
        "article_id": r.article_id,
        "story_id": r.story_id,
        "relation": r.relation,
        "derivative_of": r.derivative_of,
        "evidence": list(r.evidence),
        "origin": r.origin,
        "similarity": r.similarity,
        "outlet": article.outlet if article else None,
        "published": article.published.isoformat() if article and article.published else None,
        "title": article.title if article else None,
    }


# What an actor did, per ACLED sub-event type, in the words of ACLED's notes ("{a2}": the other actor).
_DEEDS = {
    "Armed clash": "clashed with {a2}",
    "Government regains territory": "regained territory from {a2}",
    "Non-state actor overtakes territory": "took territory from {a2}",
    "Chemical weapon": "used chemical weapons against {a2}",
    "Air/drone strike": "carried out an air/drone strike against {a2}",
    "Suicide bomb": "carried out a suicide bombing against {a2}",
    "Shelling/artillery/missile attack": "shelled {a2}",
    "Remote explosive/landmine/IED": "detonated an explosive device against {a2}",
    "Grenade": "threw a grenade at {a2}",
    "Sexual violence": "committed sexual violence against {a2}",
    "Attack": "attacked {a2}",
    "Abduction/forced disappearance": "abducted {a2}",
    "Peaceful protest": "protested",
    "Protest with intervention": "protested and were met by {a2}",
    "Excessive force against protesters": "used excessive force against {a2}",
    "Violent demonstration": "rioted",
    "Mob violence": "attacked {a2} as a mob",
    "Agreement": "reached an agreement with {a2}",
    "Arrests": "arrested {a2}",
    "Change to group/activity": "changed their activity",
    "Disrupted weapons use": "had weapons seized or defused by {a2}",
    "Headquarters or base established": "established a base",
    "Looting/property destruction": "looted or destroyed property of {a2}",
    "Non-violent transfer of territory": "handed over territory to {a2}",
    "Other": "took part in an event with {a2}",
}


_OBJECT = re.compile(r"\s+(?:(?:with|against|by|from|of|to|at|on)\s+)?\{a2\}|\s+as a mob|\s+and were met by\s*")


def _date_words(e: Event) -> str:
    if e.event_date is None:
        return "On an unknown date"
    if e.time_precision >= 3:
        return f"In {e.event_date:%B %Y}"
    day = f"{e.event_date.day} {e.event_date:%B %Y}"
    return f"On {day}" if e.time_precision == 1 else f"Around {day}"


def acled_notes(e: Event, claims: Mapping[str, Claim], episodes: Mapping[str, Episode] | None = None) -> str:
    """A short note on an event in ACLED's style, written from its fields (never an article's words).

    "On 19 September 2023, Military Forces of Azerbaijan shelled Stepanakert (Nagorno-Karabakh,
    Azerbaijan). Fatalities: 4 (4-67), a 1/3 share of the toll of 12 reported for the episode's fighting,
    ... Sources disagree on fatalities: ..." Figures read as every view shows them (``figure_text``).
    """
    deed = _DEEDS.get(e.sub_event_type, f"took part in an event of type '{e.sub_event_type}' with {{a2}}")
    other = e.actor2 or ("civilians" if e.event_type == "Violence against civilians" else "")
    # without another actor the deed has no object: "clashed", "attacked"
    deed = deed.replace("{a2}", other) if other else _OBJECT.sub("", deed)
    p = e.place
    where = ""
    if p is not None:
        region = ", ".join(x for x in (p.admin1, p.country) if x and x != p.name)
        where = f" in {p.name}" + (f" ({region})" if region else "")
    status = {"planned": " (planned)", "denied": " (denied)", "opinion": " (claimed)"}.get(e.status, "")
    parts = [f"{_date_words(e)}, {e.actor1 or 'unidentified actors'} {deed}{where}{status}."]
    episode = (episodes or {}).get(e.episode_id or "")
    if e.fatalities_split and episode is not None:
        text = figure_text(e.fatalities, e.fatalities_low, e.fatalities_high)
        parts.append(f"Fatalities: {text}, {split_words(e, episode)}.")
        whole = next((f for f in episode.figures if f.field == "fatalities"), None)
        said = [claims[i] for i in whole.claim_ids if i in claims] if whole is not None else []
        if whole is not None and whole.disputed and said:
            parts.append(disagreement("fatalities", said))
    for f in e.figures:
        if f.field == "other" or (f.field == "fatalities" and e.fatalities_split):
            continue  # crowds, shots, shops: not a figure ACLED reports; a split toll is told above
        said = [claims[i] for i in f.claim_ids if i in claims]
        if f.disputed and said:
            parts.append(disagreement(f.field, said))
        elif f.best is not None or f.low is not None or f.high is not None:
            outlets = sorted({c.outlet for c in said if c.outlet})
            src = f" ({', '.join(outlets)})" if outlets else ""
            acled = e.fatalities if f.field == "fatalities" and e.fatalities is not None else f.acled
            parts.append(f"{f.field.capitalize()}: {figure_text(acled, f.low, f.high)}{src}.")
    return " ".join(parts)


def mention_row(m: EventMention) -> dict[str, Any]:
    """The ``extract`` output object for one event mention."""
    p = m.place
    row = {
        "article_id": m.article_id,
        "event_date": m.event_date.isoformat() if m.event_date else None,
        "time_precision": m.time_precision,
        "event_type": m.event_type,
        "sub_event_type": m.sub_event_type,
        "actor1": m.actor1,
        "actor2": m.actor2,
        **_place_columns(p, iso_key="iso3"),
        "fatalities": m.fatalities,
        "salience": m.salience,
        "evidence": [to_dict(e) for e in m.evidence],
        "id": m.id,
        "rank": m.rank,
        "status": m.status,
        "code": m.code,
        "date_end": m.date_end.isoformat() if m.date_end else None,
        "date_evidence": m.date_evidence,
        "inter1": m.inter1,
        "inter2": m.inter2,
        "assoc_actor1": m.assoc_actor1,
        "assoc_actor2": m.assoc_actor2,
        "place": to_dict(p),
        "claims": [to_dict(c) | {"id": c.id} for c in m.claims],
        "confidence": m.confidence,
        "plover": m.plover,
        "cameo": m.cameo,
    }
    return row


def article_row(a: Article) -> dict[str, Any]:
    """One stored article as an export row (raw input left out; it stays in the store)."""
    d = to_dict(a)
    return {k: d.get(k) for k in ARTICLE_COLUMNS}


# the claim's id and its mention's first, then every field of the record, once each
CLAIM_COLUMNS = ["id", "mention_id", *(f.name for f in dataclasses.fields(Claim))]


def claim_row(c: Claim, mention_id: str | None = None) -> dict[str, Any]:
    """One claim as an export row: its id, its mention's id, then every field of the record."""
    return {"id": c.id, "mention_id": mention_id, **to_dict(c)}


class Records(Protocol):
    """Where exported records come from (the store)."""

    def events(self) -> list[Event]: ...
    def mentions(self) -> list[EventMention]: ...
    def claims(self) -> list[Claim]: ...
    def claim_mentions(self) -> dict[str, str]: ...
    def articles(self) -> list[Article]: ...
    def stories(self) -> list[Story]: ...
    def episodes(self) -> list[Episode]: ...
    def relations(self) -> list[ArticleRelation]: ...
    def decisions(self) -> list[Decision]: ...
    def changes(self) -> list[EventChange]: ...
    def ingested_at(self) -> dict[str, dt.datetime]: ...


def context(records: Records) -> Context:
    """Everything an event's rows are written from, read once."""
    mentions = {m.id: m for m in records.mentions()}
    return Context(claims={c.id: c for m in mentions.values() for c in m.claims}, mentions=mentions,
                   articles={a.id: a for a in records.articles()}, decisions=tuple(records.decisions()),
                   episodes={p.id: p for p in records.episodes()})


def changed_at(e: Event, ctx: Context, ingested: dict[str, dt.datetime]) -> int | None:
    """When the event's row last changed (Unix seconds): its newest article or reviewer's decision."""
    times = [ingested[a].replace(tzinfo=dt.UTC) for a in e.article_ids if ingested.get(a)]
    times += [dt.datetime.fromisoformat(d.made_at) for d in decisions_of(e, ctx.decisions) if d.made_at]
    times = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in times]
    return int(max(times).timestamp()) if times else None


def event_rows(fmt: str, records: Records, flt: EventFilter | None = None
               ) -> tuple[list[dict[str, Any]], list[str]]:
    """The events that pass ``flt`` as rows for one format: ACLED's or GED's layout, flat eventwire
    columns (csv, geojson), or nested records (json, jsonl, parquet)."""
    ctx = context(records)
    events = (flt or EventFilter()).apply(records.events())
    base = [(e, event_row(e, acled_notes(e, ctx.claims, ctx.episodes), ctx)) for e in events]
    if fmt == "acled-csv":
        ingested = records.ingested_at()
        return ([acled_row(e, r, ctx.mentions, changed_at(e, ctx, ingested)) for e, r in base],
                ACLED_EXPORT_COLUMNS)
    if fmt == "ged-csv":
        return [ged_row(e, r, ctx.articles) for e, r in base], GED_EXPORT_COLUMNS
    if fmt in ("json", "jsonl", "parquet"):
        rows = [event_record(e, ctx) for e, _ in base]
        return rows, [*EVENT_COLUMNS, *NESTED_COLUMNS]
    return [r for _, r in base], EVENT_COLUMNS


# the nested parts of an event record, after its flat columns
NESTED_COLUMNS = ["place", "claims", "episode_figures", "sources", "decisions", "field_support"]


def rows_of(what: str, records: Records, fmt: str = "csv", flt: EventFilter | None = None
            ) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows and columns of one kind of record (``WHATS``) for ``write_rows``; events pass ``flt``."""
    if fmt in EVENT_ONLY_FORMATS and what != "events":
        raise UsageError(Errors.E240, fmt=fmt, what=what)
    if what == "events":
        return event_rows(fmt, records, flt)
    if what == "mentions":
        return [mention_row(m) for m in records.mentions()], MENTION_COLUMNS
    if what == "claims":
        mention_of = records.claim_mentions()
        return [claim_row(c, mention_of.get(c.id)) for c in records.claims()], CLAIM_COLUMNS
    if what == "articles":
        return [article_row(a) for a in records.articles()], ARTICLE_COLUMNS
    if what == "episodes":
        events = {e.id: e for e in records.events()}
        return [episode_row(p, [events[i] for i in p.event_ids if i in events])
                for p in records.episodes()], EPISODE_COLUMNS
    if what == "stories":
        articles = {a.id: a for a in records.articles()}
        return [story_row(r, articles.get(r.article_id)) for r in records.relations()], STORY_COLUMNS
    if what == "decisions":
        return [decision_row(d) for d in records.decisions()], DECISION_COLUMNS
    if what == "changes":
        return [change_row(c) for c in records.changes()], CHANGE_COLUMNS
    raise choice_error("--what", what, WHATS)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def feature_collection(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946): one point per event with its columns as properties
    (lists of names stay lists, nested records become JSON text, as QGIS reads them); an event
    without coordinates has a null geometry."""
    features = []
    for r in rows:
        lon, lat = r.get("longitude"), r.get("latitude")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
        props = {k: v if not isinstance(v, (list, dict)) or all(isinstance(x, str) for x in v) else _flat(v)
                 for k, v in r.items()}
        features.append({"type": "Feature", "id": r.get("event_id_cnty"), "geometry": geometry,
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _parquet(rows: list[dict[str, Any]], columns: Sequence[str], out: Path, *, partitioned: bool,
             typed: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if typed:
        table = event_table(rows, columns)
    else:
        # nested fields (claims, evidence, places, figures) stay lists and structs: Parquet holds them
        table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    if partitioned:
        write_partitioned(table, out)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, str(out))


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: Path | str | None,
               columns: Sequence[str], *, partitioned: bool = False) -> int:
    """Write rows as csv/acled-csv/ged-csv/geojson/json/jsonl/parquet to a path (or stdout for text
    formats); ``partitioned`` Parquet is a folder of files by year-month and country."""
    if fmt not in FORMATS:
        raise choice_error("format", fmt, FORMATS)
    rows = list(rows)
    if fmt == "parquet":
        if out in (None, "-"):
            raise UsageError(Errors.E209)
        _parquet(rows, columns, Path(out), partitioned=partitioned, typed="event_date" in columns)
        return len(rows)
    if partitioned:
        raise UsageError(Errors.E241, fmt=fmt)
    close = False
    fh: IO[str]
    if out in (None, "-"):
        fh = sys.stdout
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        fh = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        close = True
    try:
        if fmt in ("csv", "acled-csv", "ged-csv"):
            w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
            w.writeheader()
            cell = _flat if fmt == "csv" else _cell
            for r in rows:
                w.writerow({c: cell(r.get(c)) for c in columns})
        elif fmt == "geojson":
            json.dump(feature_collection({c: r.get(c) for c in columns} for r in rows), fh, ensure_ascii=False)
            fh.write("\n")
        elif fmt == "jsonl":
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            json.dump(rows, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    finally:
        if close:
            fh.close()
    return len(rows)


def _cell(value: Any) -> Any:
    """An ACLED or GED cell: lists of names joined by '; ' (their separator), other nested values as JSON."""
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "; ".join(value)
    return _flat(value)


def export(what: str, fmt: str, records: Records, out: Path | str | None, flt: EventFilter | None = None,
           *, partitioned: bool = False) -> int:
    """Write one kind of record (events by default) from ``records`` in one format; returns the row count."""
    if fmt not in FORMATS:
        raise choice_error("format", fmt, FORMATS)
    rows, columns = rows_of(what, records, fmt, flt)
    return write_rows(rows, fmt, out, columns, partitioned=partitioned)


__all__ = ["ACLED_COLUMNS", "ACLED_EXPORT_COLUMNS", "ARTICLE_COLUMNS", "CHANGE_COLUMNS", "CLAIM_COLUMNS",
           "DECISION_COLUMNS", "change_row", "change_text",
           "EVENT_COLUMNS", "FORMATS", "GED_COLUMNS", "GED_EXPORT_COLUMNS", "MENTION_COLUMNS", "WHATS", "Context",
           "EventFilter", "Records", "acled_country", "acled_notes", "article_row", "claim_row", "context",
           "event_record", "event_row", "event_rows", "export", "feature_collection", "figure_text",
           "figure_words",
           "independent_sources", "is_disputed", "is_reviewed", "mention_row", "rows_of", "split_words", "story_record",
           "write_rows"]
