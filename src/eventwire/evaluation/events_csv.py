"""Event-record evaluation: ACLED- or UCDP GED-style records with a text column.

Each record is one coded event with the text it was coded from. The text goes
through ``extract_texts`` as one in-memory Article; the main mention (rank 0) is
scored field by field against the record.

Styles (detected from the columns):

- ACLED: ``event_date, event_type, sub_event_type, actor1, admin1, location,
  latitude, longitude, fatalities`` and the text column ``notes``.
- UCDP GED (CSV, an HXL ``#tag`` row is skipped; or GeoJSON with the fields as
  feature properties): text from the source headlines, gold from ``date_start``/
  ``date_end``, ``side_a``/``side_b``, ``adm_1``, ``latitude``/``longitude`` and
  ``best``/``low``/``high`` deaths, ``type_of_violence``.

Rules, stated once (the report repeats the ones that shape its numbers):

- Publication date. ACLED: a ``source_date``/``published`` column when present,
  else the record's ``event_date`` (ACLED notes give the day relative to nothing,
  so there is no better basis; this makes event_date easier than on news text).
  GED: the earliest ``source_date`` of the headlines used, else ``date_start``.
- GED text: ``source_article`` holds ``"outlet,date,headline"`` items separated by
  ``;`` (headlines may contain ``;`` themselves, so that field is parsed first,
  ``source_headline``/``source_date`` split on ``;`` only as a fallback). Wire
  slugs ("UPDATE 3-", "WRAPUP 1-") are dropped, duplicates removed, and headlines
  under four words (UCDP often records a bare village name) or not in English
  are not text; nor is a headline shared by more than five records of the file
  (UCDP cites report and document titles, "Mapping human rights violations
  2003-2015", for dozens of events: it describes none of them).
  ``where_description`` is appended only with ``with_where=True`` since it
  hands the extractor the gold place.
- Event type for GED, by ``type_of_violence``: 3 one-sided -> "Violence against
  civilians"; 1 state-based and 2 non-state -> "Battles" or "Explosions/Remote
  violence" (both accepted: GED does not split them).
- Actors: year suffixes like "(2003-)", case, accents and hyphens dropped;
  "ACRONYM: Full name" matches either part; a country qualifier "(Ukraine)" is
  ignored when only one side has it, and UCDP's "(CAR)" reads "(Central African
  Republic)"; GED's "Government of X" matches "Military
  Forces of X", "Police Forces of X" and "Government of X" (UCDP codes the state
  as its government, ACLED as its forces). GED sides listing several groups
  ("anti-Balaka, FPRC-AK") match any of them. ``actor1`` compares with ACLED's
  actor1 or GED's side_a; ``actor_any_side`` (GED) accepts side_a or side_b,
  because UCDP's side order is not the initiator order ACLED's actor1 follows.
- admin1: case, accents, apostrophes and unit words ("Oblast", "Province",
  "Region", "Prefecture", ...) dropped; transliteration variants within a
  fuzzy ratio of 85 ("Donets'ka" ~ "Donetsk"); "Kiev" ~ "Kyiv".
- Dates: ``event_date`` is exact against ACLED's event_date or GED's date_start,
  scored only where the gold is one day (GED date_start == date_end);
  ``event_date_in_range`` (GED) accepts any day in [date_start, date_end].
- Fatalities: no figure found counts as 0 (ACLED's convention). ``fatalities``
  is exact against ACLED's fatalities or GED's best; ``fatalities_range`` (GED)
  is within [low, high].
- A field is scored only on records whose gold has it (empty admin1 or missing
  coordinates are not counted), so each share has its own denominator.
- Records with no usable text are skipped and counted, never scored.

    python -m eventwire.evaluation.events_csv PATH [--text-column C] [--limit N] [--with-where] [--json]
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from eventwire.errors import Errors, UsageError
from eventwire.geodesy import points_km
from eventwire.model import Article, EventMention, Place
from eventwire.settings import Settings

ACLED, GED = "acled", "ged"

ACLED_COLUMNS = frozenset({"event_date", "event_type", "sub_event_type", "actor1", "fatalities"})
GED_COLUMNS = frozenset({"type_of_violence", "side_a", "side_b", "date_start", "best"})

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence"})
# UCDP type_of_violence -> the ACLED event types accepted for it (documented above)
GED_EVENT_TYPES: dict[int, frozenset[str]] = {
    1: VIOLENT_TYPES,
    2: VIOLENT_TYPES,
    3: frozenset({"Violence against civilians"}),
}
GED_TYPE_NAMES = {1: "GED 1 state-based", 2: "GED 2 non-state", 3: "GED 3 one-sided"}

# Field order of the report; the style decides which apply.
FIELDS = ("event_type", "sub_event_type", "event_date", "event_date_in_range", "admin1", "location_25km",
          "fatalities", "fatalities_range", "actor1", "actor_any_side")
STYLE_FIELDS = {
    ACLED: ("event_type", "sub_event_type", "event_date", "admin1", "location_25km", "fatalities", "actor1"),
    GED: ("event_type", "event_date", "event_date_in_range", "admin1", "location_25km", "fatalities",
          "fatalities_range", "actor1", "actor_any_side"),
}

NO_EVENT = "(no event)"
MIN_HEADLINE_WORDS = 4
# a headline cited by more records than this is a document title, not one event's headline
MAX_RECORDS_PER_HEADLINE = 5
LOCATION_KM = 25.0


# --------------------------------------------------------------------------- normalisation

def strip_accents(text: str) -> str:
    """Text without combining marks ("Ouham-Pendé" -> "Ouham-Pende")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_YEARS = re.compile(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
_STATE = re.compile(r"^(?:government|military forces|armed forces|police forces|state forces)"
                    r" of (?:the )?(.+)$")


# country qualifiers UCDP abbreviates: "Christians (CAR)" is ACLED's "... (Central African Republic)"
QUALIFIER_ALIASES = {"(car)": "(central african republic)", "(drc)": "(democratic republic of congo)"}


def norm_actor(name: str | None) -> str:
    """Actor name for matching: year suffix, case, accents, hyphens and extra spaces dropped."""
    s = _YEARS.sub(" ", name or "")
    s = strip_accents(s).lower().replace("-", " ").replace("\u2019", "'")
    s = re.sub(r"\s+", " ", s).strip(" .,;")
    for short, full in QUALIFIER_ALIASES.items():
        if s.endswith(short):
            s = s[: -len(short)] + full
    return s


def _actor_forms(name: str) -> set[str]:
    """The forms one normalised name may be known by: whole, acronym part, full-name part."""
    forms = {name}
    if ":" in name:
        head, tail = name.split(":", 1)
        forms |= {head.strip(), tail.strip()}
    return {f for f in forms if f}


def actors_match(gold: str | None, predicted: str | None) -> bool:
    """Whether a predicted actor names the gold actor (rules in the module docstring)."""
    g, p = norm_actor(gold), norm_actor(predicted)
    if not g or not p:
        return False
    if g == p:
        return True
    # a country qualifier on one side only: "Civilians" (GED) vs "Civilians (Ukraine)" (ACLED)
    g_has, p_has = bool(_PAREN.search(g)), bool(_PAREN.search(p))
    if g_has != p_has:
        g, p = _PAREN.sub("", g).strip(), _PAREN.sub("", p).strip()
    if _actor_forms(g) & _actor_forms(p):
        return True
    gs, ps = _STATE.match(g), _STATE.match(p)
    return bool(gs and ps and _PAREN.sub("", gs.group(1)).strip() == _PAREN.sub("", ps.group(1)).strip())


def _gold_actors(value: str | None, style: str) -> list[str]:
    """Gold actor(s) of one side; GED lists joint sides comma-separated."""
    if not value or not value.strip():
        return []
    if style == GED:
        return [x.strip() for x in value.split(",") if x.strip()]
    return [value.strip()]


_ADMIN_WORDS = re.compile(
    r"\b(?:oblast|oblast'|province|provincia|prefecture|prefecture de|region|governorate|state|department|"
    r"departement|district|county|special republican city|city|municipality|autonomous republic of|"
    r"republic of)\b")
# transliterations too far apart for the fuzzy ratio
ADMIN1_ALIASES = {"kiev": "kyiv", "kyyiv": "kyiv", "lugansk": "luhansk", "odessa": "odesa"}


def norm_admin1(name: str | None) -> str:
    """admin1 name for matching: case, accents, apostrophes and unit words dropped."""
    s = strip_accents(name or "").lower()
    s = re.sub(r"['\u2019`]", "", s)
    s = re.sub(r"[-_/]", " ", s)
    s = _ADMIN_WORDS.sub(" ", s)
    s = re.sub(r"\s+", " ", s).strip(" .,")
    return ADMIN1_ALIASES.get(s, s)


def admin1_match(gold: str | None, predicted: str | None) -> bool:
    """Whether two admin1 names are the same unit (exact after normalising, or a close transliteration)."""
    g, p = norm_admin1(gold), norm_admin1(predicted)
    if not g or not p:
        return False
    return g == p or fuzz.ratio(g, p) >= 85


def _km(lat1: float, lon1: float, place: Place | None) -> float | None:
    if place is None:
        return None
    return points_km(Place(name="gold", latitude=lat1, longitude=lon1), place)


# --------------------------------------------------------------------------- reading records

@dataclass(frozen=True)
class GoldRecord:
    """One coded event with the Article built from its text."""

    article: Article
    event_types: frozenset[str]  # accepted predicted event types
    gold_type_label: str  # gold label as shown in the confusion table
    sub_event_type: str | None = None
    event_date: dt.date | None = None
    date_end: dt.date | None = None
    actor1: tuple[str, ...] = ()
    actor2: tuple[str, ...] = ()
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None


_DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d-%b-%Y", "%d %b %Y", "%m/%d/%Y", "%Y/%m/%d")


def parse_date(value: str | None) -> dt.date | None:
    """A record's date: ISO (with or without time) or ACLED's '15 January 2023' forms; None if empty."""
    s = (value or "").strip()
    if not s:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", s):
        return dt.date.fromisoformat(s[:10])
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue  # try the next format; all failing is reported below
    raise UsageError(Errors.E222, value=value)


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return int(float(value))


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def _is_tag_row(row: dict[str, Any]) -> bool:
    """HXL hashtag row ("#date+year", "#geo+lat", ...) under the header: not a record."""
    values = [str(v).strip() for v in row.values() if v is not None and str(v).strip()]
    return bool(values) and all(v.startswith("#") for v in values)


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a CSV (HXL tag rows skipped) or of a GeoJSON's features (properties + point)."""
    if not path.exists():
        raise UsageError(Errors.E220, path=path)
    if path.suffix.lower() in {".geojson", ".json"}:
        data = json.loads(path.read_text(encoding="utf-8"))
        for feat in data.get("features", []):
            props = dict(feat.get("properties") or {})
            geom = feat.get("geometry") or {}
            if geom.get("type") == "Point" and props.get("latitude") in (None, ""):
                props["longitude"], props["latitude"] = geom["coordinates"][:2]
            yield props
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if not _is_tag_row(row):
                yield row


def detect_style(columns: Iterable[str]) -> str:
    """"acled" or "ged" from the column names; UsageError naming what is missing otherwise."""
    cols = {c.strip().lower() for c in columns}
    if cols >= GED_COLUMNS:
        return GED
    if cols >= ACLED_COLUMNS:
        return ACLED
    raise UsageError(Errors.E221, acled=", ".join(sorted(ACLED_COLUMNS)), ged=", ".join(sorted(GED_COLUMNS)),
                     found=", ".join(sorted(cols)) or "none")


_ITEM = re.compile(r'"([^"]*)"')
_ITEM_PARTS = re.compile(r"^(.*?),\s*(\d{4}-\d{2}-\d{2})\s*,(.*)$", re.S)
# wire-service slugs before the headline proper ("UPDATE 3-", "WRAPUP 1-", "1ST LEAD", "REFILE-")
_SLUG = re.compile(r"^(?:(?:UPDATE|WRAPUP|REFILE|CORRECTED|RPT|INSIGHT|ANALYSIS)\s*\d*\s*-\s*|"
                   r"\d+(?:ST|ND|RD|TH)\s+LEAD\s+)+", re.I)


def ged_headlines(row: dict[str, Any]) -> list[tuple[str, dt.date | None]]:
    """(headline, source date) pairs of a GED record, deduplicated, slugs dropped."""
    pairs: list[tuple[str, dt.date | None]] = []
    for item in _ITEM.findall(str(row.get("source_article") or "")):
        m = _ITEM_PARTS.match(item)
        if m:
            pairs.append((m.group(3), dt.date.fromisoformat(m.group(2))))
    if not pairs:
        heads = [h for h in str(row.get("source_headline") or "").split(";")]
        dates = [d.strip() for d in str(row.get("source_date") or "").split(";")]
        if len(dates) != len(heads):
            dates = [""] * len(heads)
        pairs = [(h, parse_date(d) if re.match(r"^\d{4}-\d{2}-\d{2}", d) else None)
                 for h, d in zip(heads, dates, strict=True)]
    seen: set[str] = set()
    out: list[tuple[str, dt.date | None]] = []
    for head, date in pairs:
        head = _SLUG.sub("", re.sub(r"\s+", " ", head)).strip(" ;")
        key = head.lower()
        if head and key not in seen:
            seen.add(key)
            out.append((head, date))
    return out


def _usable_headline(head: str) -> bool:
    from eventwire.ingest import detect_language

    if len(head.split()) < MIN_HEADLINE_WORDS:
        return False
    # too short to tell counts as English: a four-word headline is rarely long enough
    lang = detect_language(head)
    return lang in (None, "en")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?\"'" else text + "."


@dataclass
class SkipCounts:
    """Records not scored, by reason."""

    empty: int = 0
    language: int = 0
    titles: int = 0  # only document titles cited by many records


def _ged_record(row: dict[str, Any], index: int, source: str, text_column: str | None,
                with_where: bool, skips: SkipCounts, cited: Counter) -> GoldRecord | None:
    rid = str(row.get("id") or index)
    date_start = parse_date(str(row.get("date_start") or ""))
    if text_column and text_column not in {"source_headline", "source_article"}:
        heads = [(str(row.get(text_column) or "").strip(), None)]
        heads = [(h, d) for h, d in heads if h]
        usable = heads
    else:
        heads = ged_headlines(row)
        usable = [(h, d) for h, d in heads if cited[h.lower()] <= MAX_RECORDS_PER_HEADLINE
                  and _usable_headline(h)]
    if not usable:
        long = [h for h, _ in heads if len(h.split()) >= MIN_HEADLINE_WORDS]
        if long and all(cited[h.lower()] > MAX_RECORDS_PER_HEADLINE for h in long):
            skips.titles += 1
        elif long:
            skips.language += 1
        else:
            skips.empty += 1
        return None
    parts = [_sentence(h) for h, _ in usable]
    where = str(row.get("where_description") or "").strip()
    if with_where and where:
        parts.append(_sentence(f"The events took place in {where}"))
    dates = [d for _, d in usable if d is not None]
    published, published_from = (min(dates), "input") if dates else (date_start, "input-event-date")
    article = Article(id=rid, text="\n\n".join(parts), source=f"{source}#{rid}", raw_format="csv",
                      title=usable[0][0], published=published, published_from=published_from, language="en")
    tov = _int(row.get("type_of_violence")) or 0
    return GoldRecord(
        article=article,
        event_types=GED_EVENT_TYPES.get(tov, frozenset()),
        gold_type_label=GED_TYPE_NAMES.get(tov, f"GED {tov}"),
        event_date=date_start,
        date_end=parse_date(str(row.get("date_end") or "")) or date_start,
        actor1=tuple(_gold_actors(row.get("side_a"), GED)),
        actor2=tuple(_gold_actors(row.get("side_b"), GED)),
        admin1=(str(row.get("adm_1") or "").strip() or None),
        latitude=_float(row.get("latitude")),
        longitude=_float(row.get("longitude")),
        fatalities=_int(row.get("best")),
        fatalities_low=_int(row.get("low")),
        fatalities_high=_int(row.get("high")),
    )


def _acled_record(row: dict[str, Any], index: int, source: str, text_column: str,
                  skips: SkipCounts) -> GoldRecord | None:
    rid = str(row.get("event_id_cnty") or row.get("data_id") or row.get("id") or index)
    text = str(row.get(text_column) or "").strip()
    if not text:
        skips.empty += 1
        return None
    event_date = parse_date(str(row.get("event_date") or ""))
    src_date = next((row[c] for c in ("source_date", "published") if str(row.get(c) or "").strip()), None)
    if src_date is not None:
        published, published_from = parse_date(str(src_date)), "input"
    else:
        # ACLED notes are dated against nothing; the event date is the only basis
        published, published_from = event_date, "input-event-date"
    article = Article(id=rid, text=text, source=f"{source}#{rid}", raw_format="csv",
                      published=published, published_from=published_from, language="en")
    etype = str(row.get("event_type") or "").strip()
    return GoldRecord(
        article=article,
        event_types=frozenset({etype}) if etype else frozenset(),
        gold_type_label=etype or "(none)",
        sub_event_type=str(row.get("sub_event_type") or "").strip() or None,
        event_date=event_date,
        date_end=event_date,
        actor1=tuple(_gold_actors(row.get("actor1"), ACLED)),
        actor2=tuple(_gold_actors(row.get("actor2"), ACLED)),
        admin1=str(row.get("admin1") or "").strip() or None,
        latitude=_float(row.get("latitude")),
        longitude=_float(row.get("longitude")),
        fatalities=_int(row.get("fatalities")),
    )


def load_records(path: Path, *, text_column: str | None = None, limit: int | None = None,
                 with_where: bool = False) -> tuple[str, list[GoldRecord], SkipCounts]:
    """(style, records with text, skip counts) of an ACLED- or GED-style file.

    ``limit`` caps the records kept (those with text), not the rows read.
    """
    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        raise UsageError(Errors.E223, path=path)
    style = detect_style(first.keys())
    if style == ACLED:
        text_column = text_column or "notes"
    if text_column is not None and text_column not in first:
        raise UsageError(Errors.E224, path=path, column=text_column, choices=", ".join(first.keys()))
    skips = SkipCounts()
    records: list[GoldRecord] = []

    all_rows = [first, *rows]
    cited: Counter = Counter()
    if style == GED:
        cited.update(h.lower() for row in all_rows for h in {h for h, _ in ged_headlines(row)})
    for i, row in enumerate(all_rows):
        if limit is not None and len(records) >= limit:
            break
        rec = (_acled_record(row, i, str(path), text_column or "notes", skips) if style == ACLED
               else _ged_record(row, i, str(path), text_column, with_where, skips, cited))
        if rec is not None:
            records.append(rec)
    return style, records, skips


# --------------------------------------------------------------------------- scoring

@dataclass
class FieldScore:
    """Correct out of scored records for one field."""

    correct: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        """Accuracy, or None when no record had the field."""
        return self.correct / self.total if self.total else None


@dataclass
class EventsCsvReport:
    """Per-field accuracy of the main mention against event records."""

    path: str
    style: str
    with_where: bool = False
    n: int = 0
    skipped_empty: int = 0
    skipped_language: int = 0
    skipped_titles: int = 0
    no_mention: int = 0
    dated_by_event: int = 0  # records whose publication date had to be the gold event date
    fields: dict[str, FieldScore] = field(default_factory=dict)
    # the same scores over the records where the extractor found an event: field accuracy
    # apart from detection (GED headlines are often report titles that name no event)
    found: dict[str, FieldScore] = field(default_factory=dict)
    confusions: Counter = field(default_factory=Counter)  # (gold label, predicted type) -> count
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, *, found: bool = True) -> None:
        """Count one scored record for a field (``found``: the extractor gave a main mention)."""
        for table in (self.fields, self.found) if found else (self.fields,):
            fs = table.setdefault(name, FieldScore())
            fs.total += 1
            fs.correct += bool(ok)

    def to_dict(self) -> dict[str, Any]:
        """Scores as a dict: shares rounded to 3 places with their denominators."""
        return {
            "path": self.path,
            "style": self.style,
            "with_where": self.with_where,
            "n": self.n,
            "skipped_empty": self.skipped_empty,
            "skipped_language": self.skipped_language,
            "skipped_titles": self.skipped_titles,
            "no_mention": self.no_mention,
            "dated_by_event": self.dated_by_event,
            "accuracy": {k: round(fs.share, 3) for k in FIELDS
                         if (fs := self.fields.get(k)) and fs.share is not None},
            "scored": {k: fs.total for k in FIELDS if (fs := self.fields.get(k))},
            "accuracy_when_found": {k: round(fs.share, 3) for k in FIELDS
                                    if (fs := self.found.get(k)) and fs.share is not None},
            "event_type_confusions": [
                {"gold": g, "predicted": p, "count": c}
                for (g, p), c in self.top_confusions()
            ],
        }

    def top_confusions(self, k: int = 10) -> list[tuple[tuple[str, str], int]]:
        """The most frequent wrong (gold, predicted) event-type pairs."""
        return self.confusions.most_common(k)

    def to_text(self) -> str:
        """Human-readable report."""
        lines = [f"{self.style.upper()}-style records: {self.path}",
                 f"scored {self.n}  skipped: no text {self.skipped_empty},"
                 f" not English {self.skipped_language}, only document titles {self.skipped_titles}"
                 f"  no event found {self.no_mention}"
                 + ("  (where_description appended)" if self.with_where else "")]
        lines.append(f"  {'field':<20} {'all':>6}  {'(correct/scored)':<18} {'event found':>11}")
        for name in FIELDS:
            fs = self.fields.get(name)
            if fs and fs.share is not None:
                ff = self.found.get(name)
                when = f"{ff.share:11.3f}" if ff and ff.share is not None else f"{'-':>11}"
                lines.append(f"  {name:<20} {fs.share:6.3f}  {f'({fs.correct}/{fs.total})':<18} {when}")
        if self.dated_by_event:
            lines.append(f"  note: {self.dated_by_event} records had no source date; their publication date"
                         " is the gold event date, which flatters event_date")
        if self.confusions:
            lines.append("event_type confusions (gold -> predicted):")
            lines.extend(f"  {c:4d}  {g} -> {p}" for (g, p), c in self.top_confusions())
        if self.misses:
            lines.append("misses (first 10):")
            lines.extend("  " + m for m in self.misses[:10])
        return "\n".join(lines)


def score_record(report: EventsCsvReport, gold: GoldRecord, mentions: Sequence[EventMention]) -> None:
    """Add one record's comparison (its main mention against the gold) to the report."""
    report.n += 1
    report.dated_by_event += gold.article.published_from == "input-event-date"
    main = next((m for m in mentions if m.rank == 0), mentions[0] if mentions else None)
    if main is None:
        report.no_mention += 1
    results: dict[str, bool] = {}
    predicted_type = main.event_type if main else NO_EVENT
    if gold.event_types:
        ok = predicted_type in gold.event_types
        results["event_type"] = ok
        if not ok:
            report.confusions[(gold.gold_type_label, predicted_type)] += 1
            report.misses.append(f"{gold.article.id}: {gold.gold_type_label} -> {predicted_type}: "
                                 f"{gold.article.text[:90]!r}")
    if report.style == ACLED and gold.sub_event_type:
        results["sub_event_type"] = bool(main) and main.sub_event_type == gold.sub_event_type
    if gold.event_date is not None:
        got = main.event_date if main else None
        end = gold.date_end or gold.event_date
        # a gold range (GED date_prec > 1) has no exact day to hit: only the range is scored
        if end == gold.event_date:
            results["event_date"] = got == gold.event_date
        if report.style == GED:
            results["event_date_in_range"] = got is not None and gold.event_date <= got <= end
    if gold.admin1:
        place = main.place if main else None
        results["admin1"] = place is not None and admin1_match(gold.admin1, place.admin1)
    if gold.latitude is not None and gold.longitude is not None:
        d = _km(gold.latitude, gold.longitude, main.place if main else None)
        results["location_25km"] = d is not None and d <= LOCATION_KM
    if gold.fatalities is not None:
        got_f = (main.fatalities if main else None) or 0  # no figure = 0, ACLED's convention
        results["fatalities"] = got_f == gold.fatalities
        if report.style == GED:
            low = gold.fatalities_low if gold.fatalities_low is not None else gold.fatalities
            high = gold.fatalities_high if gold.fatalities_high is not None else gold.fatalities
            results["fatalities_range"] = low <= got_f <= high
    if gold.actor1:
        a1 = main.actor1 if main else None
        results["actor1"] = any(actors_match(g, a1) for g in gold.actor1)
        if report.style == GED:
            sides = gold.actor1 + gold.actor2
            results["actor_any_side"] = any(actors_match(g, a1) for g in sides)
    for name, ok in results.items():
        report.add(name, ok, found=main is not None)


def evaluate_events_csv(path: Path, *, text_column: str | None = None, limit: int | None = None,
                        with_where: bool = False, settings: Settings | None = None) -> EventsCsvReport:
    """Run extraction on each record's text and score the main mention field by field."""
    from eventwire.pipeline import extract_texts

    style, records, skips = load_records(Path(path), text_column=text_column, limit=limit,
                                         with_where=with_where)
    report = EventsCsvReport(path=str(path), style=style, with_where=with_where,
                             skipped_empty=skips.empty, skipped_language=skips.language,
                             skipped_titles=skips.titles)
    by_id = {r.article.id: r for r in records}
    if len(by_id) != len(records):
        raise UsageError(Errors.E225, path=path)
    for article, mentions in extract_texts([r.article for r in records], settings):
        score_record(report, by_id[article.id], mentions)
    return report
