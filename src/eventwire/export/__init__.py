"""Export stage: records -> files (ACLED-compatible CSV, JSON, JSON lines, Parquet).

Needs: Events, EventMentions, Articles from the store (or straight from extract).
Provides: flat rows in stable column order and writers per format.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from eventwire.errors import Errors, UsageError, choice_error
from eventwire.model import Article, Claim, Event, EventMention, Place, Story, to_dict

FORMATS = ("csv", "json", "jsonl", "parquet")
WHATS = ("events", "articles", "mentions", "claims")

# ACLED's column names first (so ACLED tooling reads the file), eventwire's after.
EVENT_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities",
    # eventwire's own
    "date_end", "fatalities_low", "fatalities_high", "fatalities_disputed", "status", "plover", "cameo",
    "gazetteer_name", "story_id", "article_ids", "mention_ids", "figures",
    "country_geonames", "admin2",
]

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


def event_row(e: Event, notes: str = "") -> dict[str, Any]:
    """One ACLED-style row for an event."""
    p = e.place
    fat = next((f for f in e.figures if f.field == "fatalities"), None)
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
    }


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


CLAIM_COLUMNS = [
    "id", "article_id", "field", "text", "value_low", "value_high", "value_best", "qualifier", "category",
    "speaker", "speaker_role", "hedge", "flags", "outlet", "evidence",
]


def claim_row(c: Claim) -> dict[str, Any]:
    """One claim as an export row: its id first, then every field of the record."""
    return {"id": c.id, **to_dict(c)}


class Records(Protocol):
    """Where exported records come from (the store)."""

    def events(self) -> list[Event]: ...
    def mentions(self) -> list[EventMention]: ...
    def claims(self) -> list[Claim]: ...
    def articles(self) -> list[Article]: ...
    def stories(self) -> list[Story]: ...


def rows_of(what: str, records: Records) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows and columns of one kind of record (``WHATS``) for ``write_rows``."""
    if what == "events":
        return [event_row(e) for e in records.events()], EVENT_COLUMNS
    if what == "mentions":
        return [mention_row(m) for m in records.mentions()], MENTION_COLUMNS
    if what == "claims":
        return [claim_row(c) for c in records.claims()], CLAIM_COLUMNS
    if what == "articles":
        return [article_row(a) for a in records.articles()], ARTICLE_COLUMNS
    raise choice_error("--what", what, WHATS)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: Path | str | None,
               columns: Sequence[str]) -> int:
    """Write rows as csv/json/jsonl/parquet to a path (or stdout for text formats)."""
    if fmt not in FORMATS:
        raise choice_error("format", fmt, FORMATS)
    rows = list(rows)
    if fmt == "parquet":
        if out in (None, "-"):
            raise UsageError(Errors.E209)
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([{c: _flat(r.get(c)) for c in columns} for r in rows])
        pq.write_table(table, str(out))
        return len(rows)
    close = False
    fh: IO[str]
    if out in (None, "-"):
        fh = sys.stdout
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        fh = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        close = True
    try:
        if fmt == "csv":
            w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({c: _flat(r.get(c)) for c in columns})
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
