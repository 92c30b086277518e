"""Geocoding evaluation: UCDP GED locations and event-location sentences.

UCDP GED (``ucdp-ged/``): each record's ``where_description`` plus its source headline(s) is the
text; the record's coordinates, ``adm_1`` and country are gold. Scores: share within 25 km,
admin1 correct, country correct, and ACLED precision codes against UCDP's ``where_prec``
(mapped: 1 -> 1, 2-3 -> 2, 4-7 -> 3).

Event-location (``event-location/labeled_text.jsonl.zip``): wire sentences with the event's
location phrase marked; score: the place ``Geocoder.locate`` picks overlaps the marked phrase,
and sentences without a marked place get no place.

Run: ``python -m eventwire.evaluation.geo [DATA_DIR] [--limit N]``.
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

from eventwire.geo import load_aliases_file, normalize, strip_type_words
from eventwire.geodesy import distance_km
from eventwire.model import Place

# UCDP where_prec -> ACLED geo_precision.
UCDP_TO_ACLED = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}


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


@dataclass
class GeoReport:
    """Scores of one evaluation run."""

    n: int = 0
    resolved: int = 0
    within_25km: int = 0
    admin1_scored: int = 0
    admin1_correct: int = 0
    country_correct: int = 0
    precision_pairs: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    by_source: dict[str, dict[str, float]] = field(default_factory=dict)
    loc_n: int = 0
    loc_correct: int = 0
    loc_none_n: int = 0
    loc_none_correct: int = 0
    loc_gold_n: int = 0
    loc_gold_correct: int = 0
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)

    def share(self, k: int, n: int) -> float:
        """k / n, 0 when n is 0."""
        return k / n if n else 0.0

    def to_dict(self) -> dict:
        """Figures as a JSON-ready dict."""
        return {
            "ucdp": {
                "n": self.n,
                "resolved": self.share(self.resolved, self.n),
                "within_25km": self.share(self.within_25km, self.n),
                "admin1_correct": self.share(self.admin1_correct, self.admin1_scored),
                "admin1_scored": self.admin1_scored,
                "country_correct": self.share(self.country_correct, self.n),
                "precision_exact": self.share(sum(v for (g, p), v in self.precision_pairs.items() if g == p),
                                              sum(self.precision_pairs.values())),
                "precision_pairs": {f"{g}->{p}": v for (g, p), v in sorted(self.precision_pairs.items())},
                "by_source": self.by_source,
            },
            "event_location": {
                "n_with_location": self.loc_n,
                "location_chosen": self.share(self.loc_correct, self.loc_n),
                "relabelled_gold_n": self.loc_gold_n,
                "relabelled_gold_chosen": self.share(self.loc_gold_correct, self.loc_gold_n),
                "n_without_location": self.loc_none_n,
                "no_place_when_none": self.share(self.loc_none_correct, self.loc_none_n),
            },
            "seconds": round(self.seconds, 1),
        }

    def to_text(self) -> str:
        """Human-readable summary."""
        d = self.to_dict()
        u, e = d["ucdp"], d["event_location"]
        lines = [
            f"UCDP GED locations: n={u['n']}",
            f"  within 25 km     {u['within_25km']:.3f}   (goal >= 0.85)",
            f"  admin1 correct   {u['admin1_correct']:.3f}   (goal >= 0.90; "
            f"n={u['admin1_scored']} with gold admin1)",
            f"  country correct  {u['country_correct']:.3f}   (goal >= 0.99)",
            f"  resolved         {u['resolved']:.3f}",
            f"  precision equal  {u['precision_exact']:.3f}   gold->pred {u['precision_pairs']}",
        ]
        for src, figs in u["by_source"].items():
            lines.append(f"  {src}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                  for k, v in figs.items()))
        lines += [
            f"Event-location sentences: n={e['n_with_location']} with a marked location",
            f"  location chosen          {e['location_chosen']:.3f}",
            f"  relabelled gold subset   {e['relabelled_gold_chosen']:.3f} (n={e['relabelled_gold_n']})",
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
        where_prec=int(row.get("where_prec") or 0),
    )


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


def country_matches(gold: str, place: Place) -> bool:
    """Gold country name agrees with the predicted country."""
    return bool(place.country) and normalize(gold) == normalize(place.country or "")


def evaluate_geo(data_dir: Path, limit: int | None = None) -> GeoReport:
    """Score the geocoder on UCDP GED and event-location data under ``data_dir``."""
    from eventwire.pipeline import load_resources

    t0 = time.perf_counter()
    res = load_resources()
    nlp, geo = res.nlp, res.geocoder
    report = GeoReport()
    admin1_names = _admin1_name_index(geo)

    records = [(src, r) for src, r in read_ucdp(data_dir) if r.where or r.headline]
    if limit is not None:
        records = _spread(records, limit)
    texts = [ucdp_text(r) for _, r in records]
    per_source: dict[str, Counter] = {}
    for (src, rec), (text, where_end), doc in zip(records, texts,
                                                   nlp.pipe(t for t, _ in texts), strict=True):
        ctx = geo.article_context(doc)
        place = None
        for sent in doc.sents:
            if sent.start_char >= where_end:
                break
            place = geo.locate(sent, ctx)
            if place is not None:
                break
        if place is None:
            place = geo.focus_place(ctx)
        c = per_source.setdefault(src, Counter())
        c["n"] += 1
        report.n += 1
        if place is None or place.latitude is None or place.longitude is None:
            report.errors.append({"id": rec.id, "text": text[:160], "pred": None})
            continue
        report.resolved += 1
        d = distance_km(rec.latitude, rec.longitude, place.latitude, place.longitude)
        if d <= 25.0:
            report.within_25km += 1
            c["within_25km"] += 1
        elif len(report.errors) < 2000:
            report.errors.append({"id": rec.id, "text": text[:160], "pred": place.gazetteer_name,
                                  "name": place.name, "km": round(d), "gold_admin1": rec.admin1})
        if rec.admin1:
            report.admin1_scored += 1
            c["admin1_scored"] += 1
            unit_names = admin1_names.get((place.country or "", place.admin1 or ""), [])
            if admin1_matches(rec.admin1, place, unit_names):
                report.admin1_correct += 1
                c["admin1_correct"] += 1
        if country_matches(rec.country or "", place):
            report.country_correct += 1
            c["country_correct"] += 1
        if rec.where_prec in UCDP_TO_ACLED:
            report.precision_pairs[(UCDP_TO_ACLED[rec.where_prec], place.geo_precision)] += 1
    for src, c in per_source.items():
        report.by_source[src] = {
            "n": c["n"],
            "within_25km": c["within_25km"] / c["n"] if c["n"] else 0.0,
            "admin1": c["admin1_correct"] / c["admin1_scored"] if c["admin1_scored"] else 0.0,
            "country": c["country_correct"] / c["n"] if c["n"] else 0.0,
        }

    loc_records = list(read_event_location(data_dir))
    if limit is not None:
        loc_records = _spread(loc_records, limit)
    for rec, doc in zip(loc_records, nlp.pipe(r["text"] for r in loc_records), strict=True):
        gold = [s for s in rec.get("spans", []) if s.get("label") == "LOCATION"]
        ctx = geo.article_context(doc)
        picked: Place | None = None
        picked_span: tuple[int, int] | None = None
        for sent in doc.sents:
            p = geo.locate(sent, ctx)
            if p is not None:
                picked = p
                picked_span = _find(rec["text"], p.name, sent.start_char)
                break
        if gold:
            report.loc_n += 1
            ok = picked_span is not None and any(picked_span[0] < s["end"] and s["start"] < picked_span[1]
                                                  for s in gold)
            report.loc_correct += ok
            if rec.get("source") == "RELABEL":
                report.loc_gold_n += 1
                report.loc_gold_correct += ok
        else:
            report.loc_none_n += 1
            report.loc_none_correct += picked is None
    report.seconds = time.perf_counter() - t0
    return report


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
