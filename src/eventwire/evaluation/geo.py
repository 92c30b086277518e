"""Geocoding evaluation: UCDP GED locations, the UCDP subsets and event-location sentences.

UCDP GED (``ucdp-ged/``): each record's ``where_description`` plus its source headline(s) is the
text; the record's coordinates, ``adm_1`` and country are gold. Scores: share within 25 km,
admin1 correct, country correct, and ACLED precision codes against UCDP's ``where_prec``
(mapped: 1 -> 1, 2-3 -> 2, 4-7 -> 3); over every record, and over the records whose coded place
is in the validation part of the ``ucdp-place`` split (the UCDP-derived gazetteer entries come
from the train part only).

UCDP subsets (``ucdp-ged-subsets/``): the headline(s) alone are the text, scored on the records
whose coded place is in the validation part and that the headline names; admin2 (``adm_2``) too.

Event-location (``event-location/labeled_text.jsonl.zip``): wire sentences with the event verb
and the event's location phrase marked; score: the place ``Geocoder.locate`` picks for the marked
verb overlaps the marked phrase, and sentences without a marked place get no place. Reported over
all, the validation part and the relabelled gold part of the ``event-location`` split.

Run: ``eventwire eval geo DATA_DIR [--limit N] [--sets ucdp,subsets,event-location]``; the
gazetteer's optional sources follow the ``gazetteer_sources`` setting (``EVENTWIRE_GAZETTEER_SOURCES``).
"""

from __future__ import annotations

import csv
import json
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.splits import GOLD, VALIDATION, load_split, place_key, text_key
from eventwire.geo import load_aliases_file, normalize, strip_type_words
from eventwire.geodesy import distance_km
from eventwire.model import Place
from eventwire.settings import Settings

# UCDP where_prec -> ACLED geo_precision.
UCDP_TO_ACLED = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
SETS = ("ucdp", "subsets", "event-location")  # what ``evaluate_geo`` scores


@dataclass
class GoldLocation:
    """One UCDP record as text plus gold location."""

    id: str
    where: str
    headline: str
    latitude: float
    longitude: float
    admin1: str
    country: str
    where_prec: int
    admin2: str = ""
    place: str = ""  # UCDP's coded place name (where_coordinates)


@dataclass
class Tally:
    """Location scores over one set of UCDP records."""

    n: int = 0
    resolved: int = 0
    within_25km: int = 0
    admin1_scored: int = 0
    admin1_correct: int = 0
    admin2_scored: int = 0
    admin2_correct: int = 0
    country_correct: int = 0
    precision_pairs: Counter = field(default_factory=Counter)  # (gold, predicted) -> count

    def to_dict(self) -> dict:
        """Shares as a JSON-ready dict."""
        def share(k: int, n: int) -> float:
            return k / n if n else 0.0
        return {
            "n": self.n,
            "resolved": share(self.resolved, self.n),
            "within_25km": share(self.within_25km, self.n),
            "admin1_correct": share(self.admin1_correct, self.admin1_scored),
            "admin1_scored": self.admin1_scored,
            "admin2_correct": share(self.admin2_correct, self.admin2_scored),
            "admin2_scored": self.admin2_scored,
            "country_correct": share(self.country_correct, self.n),
            "precision_exact": share(sum(v for (g, p), v in self.precision_pairs.items() if g == p),
                                     sum(self.precision_pairs.values())),
            "precision_pairs": {f"{g}->{p}": v for (g, p), v in sorted(self.precision_pairs.items())},
        }


def _tally_lines(title: str, d: dict) -> list[str]:
    return [
        f"{title}: n={d['n']}",
        f"  within 25 km     {d['within_25km']:.3f}   (goal >= 0.85)",
        f"  admin1 correct   {d['admin1_correct']:.3f}   (goal >= 0.90; n={d['admin1_scored']} with gold admin1)",
        f"  admin2 correct   {d['admin2_correct']:.3f}   (n={d['admin2_scored']} with gold admin2)",
        f"  country correct  {d['country_correct']:.3f}   (goal >= 0.99)",
        f"  resolved         {d['resolved']:.3f}",
        f"  precision equal  {d['precision_exact']:.3f}   gold->pred {d['precision_pairs']}",
    ]


@dataclass
class GeoReport:
    """Scores of one evaluation run."""

    ucdp: Tally = field(default_factory=Tally)  # ucdp-ged/ files, every record (as before the split)
    ucdp_validation: Tally = field(default_factory=Tally)  # ...only records whose place is in validation
    by_source: dict[str, Tally] = field(default_factory=dict)
    subsets: Tally = field(default_factory=Tally)  # ucdp-ged-subsets/: validation places named in headlines
    subsets_by_source: dict[str, Tally] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    loc_n: int = 0
    loc_correct: int = 0
    loc_none_n: int = 0
    loc_none_correct: int = 0
    loc_gold_n: int = 0
    loc_gold_correct: int = 0
    loc_gold_none_n: int = 0
    loc_gold_none_correct: int = 0
    loc_validation_n: int = 0
    loc_validation_correct: int = 0
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)

    def share(self, k: int, n: int) -> float:
        """k / n, 0 when n is 0."""
        return k / n if n else 0.0

    def to_dict(self) -> dict:
        """Figures as a JSON-ready dict."""
        return {
            "gazetteer_sources": list(self.sources),
            "ucdp": self.ucdp.to_dict() | {"by_source": {k: v.to_dict() for k, v in self.by_source.items()}},
            "ucdp_validation_places": self.ucdp_validation.to_dict(),
            "ucdp_subsets_validation": self.subsets.to_dict() | {
                "by_source": {k: v.to_dict() for k, v in self.subsets_by_source.items()}},
            "event_location": {
                "n_with_location": self.loc_n,
                "location_chosen": self.share(self.loc_correct, self.loc_n),
                "validation_n": self.loc_validation_n,
                "validation_chosen": self.share(self.loc_validation_correct, self.loc_validation_n),
                "relabelled_gold_n": self.loc_gold_n,
                "relabelled_gold_chosen": self.share(self.loc_gold_correct, self.loc_gold_n),
                "relabelled_gold_all_n": self.loc_gold_n + self.loc_gold_none_n,
                "relabelled_gold_all_right": self.share(self.loc_gold_correct + self.loc_gold_none_correct,
                                                        self.loc_gold_n + self.loc_gold_none_n),
                "n_without_location": self.loc_none_n,
                "no_place_when_none": self.share(self.loc_none_correct, self.loc_none_n),
            },
            "seconds": round(self.seconds, 1),
        }

    def to_text(self) -> str:
        """Human-readable summary."""
        d = self.to_dict()
        e = d["event_location"]
        lines = [f"gazetteer sources: {', '.join(d['gazetteer_sources']) or 'GeoNames only'}"]
        lines += _tally_lines("UCDP GED locations (ucdp-ged/, every record)", d["ucdp"])
        for src, figs in d["ucdp"]["by_source"].items():
            lines.append(f"  {src}: n {figs['n']}, within_25km {figs['within_25km']:.3f}, "
                         f"admin1 {figs['admin1_correct']:.3f}, country {figs['country_correct']:.3f}")
        lines += _tally_lines("UCDP GED, validation-part places only", d["ucdp_validation_places"])
        sub = d["ucdp_subsets_validation"]
        lines += _tally_lines("UCDP subsets, validation-part places named in the headline", sub)
        for src, figs in sub["by_source"].items():
            lines.append(f"  {src}: n {figs['n']}, within_25km {figs['within_25km']:.3f}, "
                         f"admin1 {figs['admin1_correct']:.3f}, admin2 {figs['admin2_correct']:.3f}, "
                         f"country {figs['country_correct']:.3f}")
        lines += [
            f"Event-location sentences: n={e['n_with_location']} with a marked location",
            f"  location chosen          {e['location_chosen']:.3f}",
            f"  validation part          {e['validation_chosen']:.3f} (n={e['validation_n']})",
            f"  relabelled gold subset   {e['relabelled_gold_chosen']:.3f} (n={e['relabelled_gold_n']} with a "
            f"location; all {e['relabelled_gold_all_n']}: {e['relabelled_gold_all_right']:.3f} right)",
            f"  no place when none marked {e['no_place_when_none']:.3f} (n={e['n_without_location']})",
            f"time {d['seconds']} s",
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------- data


def read_ucdp(data_dir: Path) -> Iterator[tuple[str, GoldLocation]]:
    """(source name, record) for the UCDP files under ``data_dir/ucdp-ged``."""
    folder = data_dir / "ucdp-ged"
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("latitude", "").startswith("#") or not row.get("latitude"):
                    continue  # the HXL tag row
                yield path.stem, _gold(row, float(row["latitude"]), float(row["longitude"]))
    for path in sorted(folder.glob("*.geojson")):
        with path.open(encoding="utf-8") as fh:
            features = json.load(fh)["features"]
        for feat in features:
            lon, lat = feat["geometry"]["coordinates"][:2]
            yield path.stem, _gold(feat["properties"], float(lat), float(lon))


def _gold(row: dict, lat: float, lon: float) -> GoldLocation:
    return GoldLocation(
        id=str(row.get("id", "")),
        where=(row.get("where_description") or "").strip(),
        headline=(row.get("source_headline") or "").strip(),
        latitude=lat,
        longitude=lon,
        admin1=(row.get("adm_1") or "").strip(),
        country=(row.get("country") or "").strip(),
        where_prec=int(float(row.get("where_prec") or 0)),
        admin2=(row.get("adm_2") or "").strip(),
        place=(row.get("where_coordinates") or "").strip(),
    )


def read_ucdp_subsets(data_dir: Path) -> Iterator[tuple[str, GoldLocation]]:
    """(subset name, record) for the UCDP files under ``data_dir/ucdp-ged-subsets``."""
    for path in sorted((data_dir / "ucdp-ged-subsets").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("latitude"):
                    yield path.stem, _gold(row, float(row["latitude"]), float(row["longitude"]))


def headline_text(rec: GoldLocation) -> str:
    """The record's first two headlines as text (no coded description: the headline must say where)."""
    heads = [h.strip() for h in rec.headline.split(";") if len(h.strip().split()) >= 3][:2]
    return "\n\n".join(h if h.endswith(".") else h + "." for h in heads)


def names_place(text: str, place: str) -> bool:
    """True when the text names UCDP's coded place (its split key, spelled loosely: "Ter Ma'la")."""
    from rapidfuzz import fuzz

    key = place_key(place)
    if len(key) < 3:
        return False
    words = " ".join(place_key(text).split())
    return f" {key} " in f" {words} " or (len(key) >= 5 and fuzz.partial_ratio(key, words) >= 85)


def ucdp_text(rec: GoldLocation) -> tuple[str, int]:
    """Text for one record and the length of its where_description part."""
    where = " ".join(rec.where.split())
    headlines = [h.strip() for h in rec.headline.split(";") if len(h.strip().split()) >= 3][:2]
    text = where + ("." if where and not where.endswith(".") else "")
    end = len(text)
    if headlines:
        text += "\n\n" + "\n\n".join(h if h.endswith(".") else h + "." for h in headlines)
    return text, end


def read_event_location(data_dir: Path) -> Iterator[dict]:
    """Records of the event-location sentences (text, spans, source)."""
    path = data_dir / "event-location" / "labeled_text.jsonl.zip"
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".jsonl") and not n.startswith("__MACOSX"))
        with zf.open(name) as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                obj = json.loads(line)
                # The file holds JSON arrays of records as well as single records per line.
                yield from (obj if isinstance(obj, list) else [obj])


# --------------------------------------------------------------------------- scoring


def admin1_matches(gold: str, place: Place, names: list[str]) -> bool:
    """Gold admin1 name agrees with the predicted unit (any of its names, type words ignored)."""
    from rapidfuzz import fuzz

    g = _bare(gold)
    if not g:
        return False
    for n in [place.admin1 or "", *names]:
        b = _bare(n)
        if b and (b == g or fuzz.ratio(b, g) >= 85 or b.replace(" ", "") == g.replace(" ", "")):
            return True
    return False


_EXTRA_TYPE_WORDS = re.compile(r"\b(special|republican|city|autonomous|capital|metropolitan|of)\b")


def _bare(name: str) -> str:
    bare = strip_type_words(normalize(re.sub(r"\(.*?\)", "", name)))
    return " ".join(_EXTRA_TYPE_WORDS.sub(" ", bare).split())


# UCDP's country names where GeoNames writes the country otherwise (UCDP adds former names in brackets).
UCDP_COUNTRIES = {"DR Congo": "Democratic Republic of the Congo", "Bosnia-Herzegovina": "Bosnia and Herzegovina",
                  "Kingdom of eSwatini": "Eswatini"}


def ucdp_country(name: str) -> str:
    """UCDP's country name as GeoNames writes it ("Myanmar (Burma)" -> "Myanmar")."""
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return UCDP_COUNTRIES.get(bare, bare)


def country_matches(gold: str, place: Place) -> bool:
    """Gold country name (UCDP's spelling) agrees with the predicted country."""
    return bool(place.country) and normalize(ucdp_country(gold)) == normalize(place.country or "")


def evaluate_geo(data_dir: Path, limit: int | None = None, sets: tuple[str, ...] = SETS,
                 settings: Settings | None = None) -> GeoReport:
    """Score the geocoder on UCDP GED, the UCDP subsets and event-location data under ``data_dir``.

    ``sets`` picks among "ucdp", "subsets", "event-location"; ``settings.gazetteer_sources`` the
    gazetteer's optional sources (UCDP-derived entries on or off).
    """
    from eventwire.pipeline import resources

    t0 = time.perf_counter()
    settings = settings or Settings.from_env()
    res = resources(settings)
    report = GeoReport(sources=tuple(settings.gazetteer_sources))
    scorer = _Scorer(res.geocoder)
    split = load_split("ucdp-place")
    if "ucdp" in sets:
        records = [(src, r) for src, r in read_ucdp(data_dir) if r.where or r.headline]
        if limit is not None:
            records = _spread(records, limit)
        texts = [ucdp_text(r) for _, r in records]
        for (src, rec), (text, where_end), doc in zip(records, texts, res.nlp.pipe(t for t, _ in texts),
                                                       strict=True):
            place = _first_place(res.geocoder, doc, where_end)
            tallies = [report.ucdp, report.by_source.setdefault(src, Tally())]
            if split.get(place_key(rec.place or rec.where)) == VALIDATION:
                tallies.append(report.ucdp_validation)
            scorer.score(rec, place, text, tallies, report.errors)
    if "subsets" in sets:
        subset = [(src, r, headline_text(r)) for src, r in read_ucdp_subsets(data_dir)
                  if split.get(place_key(r.place)) == VALIDATION]
        subset = [(src, r, t) for src, r, t in subset if t and names_place(t, r.place)]
        if limit is not None:
            subset = _spread(subset, limit)
        for (src, rec, text), doc in zip(subset, res.nlp.pipe(t for _, _, t in subset), strict=True):
            place = _first_place(res.geocoder, doc, len(text))
            scorer.score(rec, place, text, [report.subsets, report.subsets_by_source.setdefault(src, Tally())],
                         report.errors)
    if "event-location" in sets:
        _event_location(report, res, data_dir, limit)
    report.seconds = time.perf_counter() - t0
    return report


def _first_place(geo, doc, end: int) -> Place | None:
    """The place of the first sentence (before ``end``) that names one, else the article's focus."""
    ctx = geo.article_context(doc)
    for sent in doc.sents:
        if sent.start_char >= end:
            break
        place = geo.locate(sent, ctx)
        if place is not None:
            return place
    return geo.focus_place(ctx)


class _Scorer:
    """Compares a predicted place with a UCDP record and adds the result to tallies."""

    def __init__(self, geo) -> None:
        self.admin1_names = _admin1_name_index(geo)

    def score(self, rec: GoldLocation, place: Place | None, text: str, tallies: list[Tally],
              errors: list[dict]) -> None:
        for t in tallies:
            t.n += 1
        if place is None or place.latitude is None or place.longitude is None:
            errors.append({"id": rec.id, "text": text[:200], "gold": rec.place, "pred": None})
            return
        d = distance_km(rec.latitude, rec.longitude, place.latitude, place.longitude)
        unit_names = self.admin1_names.get((place.country or "", place.admin1 or ""), [])
        ok = {
            "resolved": True,
            "within_25km": d <= 25.0,
            "country_correct": country_matches(rec.country or "", place),
        }
        if rec.admin1:
            ok["admin1_scored"] = True
            ok["admin1_correct"] = admin1_matches(rec.admin1, place, unit_names)
        if rec.admin2:
            ok["admin2_scored"] = True
            ok["admin2_correct"] = _unit_matches(rec.admin2, place.admin2)
        for t in tallies:
            for k, v in ok.items():
                setattr(t, k, getattr(t, k) + int(v))
            if rec.where_prec in UCDP_TO_ACLED:
                t.precision_pairs[(UCDP_TO_ACLED[rec.where_prec], place.geo_precision)] += 1
        if d > 25.0 and len(errors) < 5000:
            errors.append({"id": rec.id, "text": text[:200], "gold": rec.place, "pred": place.gazetteer_name,
                           "name": place.name, "km": round(d), "gold_admin1": rec.admin1,
                           "pred_admin1": place.admin1, "pred_country": place.country,
                           "precision": place.geo_precision, "evidence": place.evidence})


def _unit_matches(gold: str, pred: str | None) -> bool:
    from rapidfuzz import fuzz

    g, p = _bare(gold), _bare(pred or "")
    return bool(g and p) and (g == p or fuzz.ratio(g, p) >= 85 or g.replace(" ", "") == p.replace(" ", ""))


def _event_location(report: GeoReport, res, data_dir: Path, limit: int | None) -> None:
    """Event-location sentences: the place chosen for the marked verb overlaps the marked location."""
    geo = res.geocoder
    split = load_split("event-location")
    loc_records = list(read_event_location(data_dir))
    if limit is not None:
        loc_records = _spread(loc_records, limit)
    for rec, doc in zip(loc_records, res.nlp.pipe(r["text"] for r in loc_records), strict=True):
        gold = [s for s in rec.get("spans", []) if s.get("label") == "LOCATION"]
        verb = next((s for s in rec.get("spans", []) if s.get("label") == "VERB"), None)
        ctx = geo.article_context(doc)
        picked: Place | None = None
        picked_span: tuple[int, int] | None = None
        for sent in doc.sents:
            trigger = None
            if verb is not None:
                span = doc.char_span(verb["start"], verb["end"], alignment_mode="expand")
                if span is None or not (sent.start <= span.root.i < sent.end):
                    continue
                trigger = span.root
            p = geo.locate(sent, ctx, trigger=trigger)
            if p is not None:
                picked = p
                picked_span = _find(rec["text"], p.name, sent.start_char)
                break
        part = split.get(text_key(rec["text"]))
        if gold:
            report.loc_n += 1
            ok = picked_span is not None and any(picked_span[0] < s["end"] and s["start"] < picked_span[1]
                                                  for s in gold)
            report.loc_correct += ok
            if part == GOLD:
                report.loc_gold_n += 1
                report.loc_gold_correct += ok
            elif part == VALIDATION:
                report.loc_validation_n += 1
                report.loc_validation_correct += ok
        else:
            report.loc_none_n += 1
            report.loc_none_correct += picked is None
            if part == GOLD:
                report.loc_gold_none_n += 1
                report.loc_gold_none_correct += picked is None


def _spread(items: list, limit: int) -> list:
    # An even spread over the file, not its first rows (records are sorted by date and place).
    if limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _find(text: str, name: str, start: int) -> tuple[int, int] | None:
    i = text.find(name, start)
    if i < 0:
        i = text.find(name)
    return (i, i + len(name)) if i >= 0 else None


def _admin1_name_index(geo) -> dict[tuple[str, str], list[str]]:
    """(country name, admin1 display name) -> every name of that admin1 unit."""
    out: dict[tuple[str, str], list[str]] = {}
    gaz = geo.gaz
    predecessors = load_aliases_file().get("admin1_predecessors", {})
    for rec in gaz.admin1.values():
        country = gaz.countries.get(rec.country)
        key = (country.name if country else rec.country, gaz.admin1_name(rec) or rec.name)
        # Records coded before a reform name the unit it replaced (CAR 2020: Ouham-Fafa from Ouham).
        out.setdefault(key, []).extend([*gaz.names_of(rec.pid), *predecessors.get(rec.admin1, [])])
    return out
