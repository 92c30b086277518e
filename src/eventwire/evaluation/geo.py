"""Geocoding evaluation: UCDP GED locations, the UCDP subsets and event-location sentences.

UCDP GED (``ucdp-ged/``): each record's ``where_description`` plus its source headline(s) is the
text; the record's coordinates, ``adm_1`` and country are gold. Scores: share within 25 km,
admin1 correct, country correct, and ACLED precision codes against UCDP's ``where_prec``
(mapped: 1 -> 1, 2-3 -> 2, 4-7 -> 3); over every record, and over the records whose coded place
is in the validation part of the ``ucdp-place`` split (the UCDP-derived gazetteer entries come
from the train part only).

UCDP subsets (``ucdp-ged-subsets/``): the headline(s) alone are the text, scored on the records
whose coded place is in the validation part and that the headline names; admin2 (``adm_2``) too.

The peer beside each UCDP figure: the first gazetteer match, i.e. the first capitalised run of the
text the gazetteer knows (longest first), as its most populous record, with no context.

Event-location sentences and RAMS passages (``evaluation/event_place.py``): the place ``Geocoder.locate``
picks for the marked event word is a marked place phrase; peer: the place entity nearest the word.
Reported on the validation part (and the event-location relabelled gold part).

Run: ``eventwire eval geo DATA_DIR [--limit N] [--sets ucdp,subsets,event-location,rams]``; the
gazetteer's optional sources follow the ``gazetteer_sources`` setting (``EVENTWIRE_GAZETTEER_SOURCES``).
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.event_place import ChoiceTally, Example, event_location_examples, rams_examples, score_choices
from eventwire.evaluation.splits import VALIDATION, load_split, place_key
from eventwire.geo import CITY, COUNTRY, GENERIC_NAMES, load_aliases_file, normalize, strip_type_words
from eventwire.geodesy import distance_km
from eventwire.model import Place
from eventwire.settings import Settings

# UCDP where_prec -> ACLED geo_precision.
UCDP_TO_ACLED = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
SETS = ("ucdp", "subsets", "event-location", "rams")  # what ``evaluate_geo`` scores


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
    causes: Counter = field(default_factory=Counter)  # misses (over 25 km or none) by cause, see ``miss_cause``

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
            "misses_by_cause": dict(self.causes.most_common()),
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
        f"  misses by cause  {_shares(d['misses_by_cause'])}",
    ]


def _shares(causes: dict[str, int]) -> str:
    total = sum(v for k, v in causes.items() if not k.startswith("of which"))
    order = sorted(causes.items(), key=lambda kv: (kv[0].startswith("of which"), -kv[1]))
    return ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in order) if total else "none"


@dataclass
class GeoReport:
    """Scores of one evaluation run."""

    ucdp: Tally = field(default_factory=Tally)  # ucdp-ged/ files, every record (as before the split)
    ucdp_validation: Tally = field(default_factory=Tally)  # ...only records whose place is in validation
    by_source: dict[str, Tally] = field(default_factory=dict)
    subsets: Tally = field(default_factory=Tally)  # ucdp-ged-subsets/: validation places named in headlines
    subsets_by_source: dict[str, Tally] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    # the same records placed by the peer (first gazetteer match)
    peer: dict[str, Tally] = field(default_factory=dict)
    choices: dict[str, dict[str, ChoiceTally]] = field(default_factory=dict)  # set -> split part -> tally
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
            "peer_first_gazetteer_match": {k: v.to_dict() for k, v in self.peer.items()},
            "event_place": {name: {part: tally.to_dict() for part, tally in parts.items()}
                            for name, parts in self.choices.items()},
            "seconds": round(self.seconds, 1),
        }

    def to_text(self) -> str:
        """Human-readable summary."""
        d = self.to_dict()
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
        for name, figs in d["peer_first_gazetteer_match"].items():
            lines.append(f"Peer (first gazetteer match), {name}: within 25 km {figs['within_25km']:.3f}, "
                         f"admin1 {figs['admin1_correct']:.3f}, country {figs['country_correct']:.3f}")
        for name, parts in d["event_place"].items():
            for part, c in parts.items():
                lines.append(f"{name} ({part} part): event's place chosen right {c['chosen_right']:.3f} (n={c['n']}); "
                             f"peer (nearest place entity) {c['peer_nearest_place_entity']:.3f}"
                             + (f"; no place when none marked {c['no_place_when_none']:.3f} (n={c['n_without_place']})"
                                if c["n_without_place"] else ""))
        lines.append(f"time {d['seconds']} s")
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


def ucdp_headline_examples(data_dir: Path) -> Iterator[Example]:
    """UCDP subset records whose headlines name the coded place (``names_place``)."""
    split = load_split("ucdp-place")
    for _src, rec in read_ucdp_subsets(data_dir):
        text = headline_text(rec)
        if text and names_place(text, rec.place):
            yield Example("ucdp", text, split.get(place_key(rec.place)), point=(rec.latitude, rec.longitude))


def ucdp_text(rec: GoldLocation) -> tuple[str, int]:
    """Text for one record and the length of its where_description part."""
    where = " ".join(rec.where.split())
    headlines = [h.strip() for h in rec.headline.split(";") if len(h.strip().split()) >= 3][:2]
    text = where + ("." if where and not where.endswith(".") else "")
    end = len(text)
    if headlines:
        text += "\n\n" + "\n\n".join(h if h.endswith(".") else h + "." for h in headlines)
    return text, end


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
            peers = [report.peer.setdefault("UCDP GED, every record", Tally())]
            if split.get(place_key(rec.place or rec.where)) == VALIDATION:
                tallies.append(report.ucdp_validation)
                peers.append(report.peer.setdefault("UCDP GED, validation-part places", Tally()))
            scorer.score(rec, place, text, tallies, report.errors)
            scorer.score(rec, first_gazetteer_match(res.geocoder, doc, where_end), text, peers, [])
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
            scorer.score(rec, first_gazetteer_match(res.geocoder, doc, len(text)), text,
                         [report.peer.setdefault("UCDP subsets, validation-part places", Tally())], [])
    for name, read in (("event-location", event_location_examples), ("rams", rams_examples)):
        if name in sets:
            examples = list(read(data_dir))
            report.choices[name] = score_choices(_spread(examples, limit) if limit is not None else examples, res)
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


def first_gazetteer_match(geo, doc, end: int) -> Place | None:
    """The peer: the first capitalised run (before ``end``) the gazetteer knows, longest first, as
    its most populous record (a country first), with no context."""
    gaz = geo.gaz
    for i, tok in enumerate(doc):
        if tok.idx >= end:
            break
        if not tok.text[:1].isupper() or tok.is_stop:
            continue
        for j in range(min(len(doc), i + 5), i, -1):
            norm = normalize(doc[i:j].text)
            if norm in GENERIC_NAMES or not doc[j - 1].text[:1].isupper():
                continue
            matches = gaz.lookup(norm)
            if matches:
                best = max(matches, key=lambda m: (m.record.feature == COUNTRY, m.record.population,
                                                   m.record.feature == CITY, -m.record.pid))
                return geo.place_of(doc[i:j].text, best.record)
    return None


class _Scorer:
    """Compares a predicted place with a UCDP record and adds the result to tallies."""

    def __init__(self, geo) -> None:
        self.admin1_names = _admin1_name_index(geo)
        self.gaz = geo.gaz

    def miss_cause(self, rec: GoldLocation, place: Place | None) -> str:
        """Why a record was missed: no coordinates; the coded place is not in the gazetteer (no record
        of its name within 25 km); another phrase of the text was chosen; the coded place's name was
        chosen but resolved coarse (to a unit) or to a namesake elsewhere (homonym)."""
        from rapidfuzz import fuzz

        if place is None or place.latitude is None or place.longitude is None:
            return "no coordinates"
        key = place_key(rec.place or rec.where)
        known = [m for m in self.gaz.lookup(normalize(key)) if distance_km(
            rec.latitude, rec.longitude, m.record.latitude, m.record.longitude) <= 25.0]
        if not known:
            return "not in gazetteer"
        said = place_key(place.name)
        if not (said == key or fuzz.ratio(said, key) >= 85 or f" {key} " in f" {said} "):
            return "other phrase chosen"
        return "coarse" if place.feature not in ("city", "landmark") else "homonym"

    def score(self, rec: GoldLocation, place: Place | None, text: str, tallies: list[Tally],
              errors: list[dict]) -> None:
        for t in tallies:
            t.n += 1
        if place is None or place.latitude is None or place.longitude is None:
            for t in tallies:
                t.causes["no coordinates"] += 1
            errors.append({"id": rec.id, "text": text[:200], "gold": rec.place, "pred": None,
                           "cause": "no coordinates"})
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
        cause = self.miss_cause(rec, place) if d > 25.0 else ""
        for t in tallies:
            if cause:
                t.causes[cause] += 1
                t.causes["of which in the wrong country"] += not ok["country_correct"]
        if d > 25.0 and len(errors) < 5000:
            errors.append({"id": rec.id, "cause": cause, "text": text[:200], "gold": rec.place,
                           "pred": place.gazetteer_name,
                           "name": place.name, "km": round(d), "gold_admin1": rec.admin1,
                           "pred_admin1": place.admin1, "pred_country": place.country,
                           "precision": place.geo_precision, "evidence": place.evidence})


def _unit_matches(gold: str, pred: str | None) -> bool:
    from rapidfuzz import fuzz

    g, p = _bare(gold), _bare(pred or "")
    return bool(g and p) and (g == p or fuzz.ratio(g, p) >= 85 or g.replace(" ", "") == p.replace(" ", ""))


def _spread(items: list, limit: int) -> list:
    # An even spread over the file, not its first rows (records are sorted by date and place).
    if limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


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
