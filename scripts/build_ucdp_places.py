"""Build the UCDP-derived place table (``src/eventwire/data/geo/ucdp_places.tsv``) from the train part.

UCDP GED codes each event's place by name (``where_coordinates``) with a point, precision and
admin units: villages and towns that no gazetteer package has. Only place names in the ``train``
part of the committed ``ucdp-place`` split are used (the split is by coded place name, so no
validation place ever enters the table), and only precise codings: UCDP ``where_prec`` 1-2 (the
place itself or within 25 km of it) for settlements, 3 for second-order units.

Reads ``../shared/data/ucdp-ged-subsets/*.csv``, ``ucdp-ged/conflict_data_ukr.csv`` and
``ucdp-ged/GEDEvent_v23_1.geojson``. Run: ``python scripts/build_ucdp_places.py [DATA_DIR]``.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from eventwire.evaluation.geo import ucdp_country
from eventwire.evaluation.splits import TRAIN, load_split, place_key
from eventwire.geo import normalize, open_gazetteer

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "geo" / "ucdp_places.tsv"
HEADER = """\
# UCDP-derived places: villages, towns and districts as the Uppsala Conflict Data Program codes them.
# Source: UCDP Georeferenced Event Dataset (GED) records in the development data (GED 19.1 Syria,
# GED 23.1 Mexico and Myanmar as packaged by netify, a GED 23.1 world sample, GED Ukraine
# 2014-2021, GED 23.1 Central African Republic): each event's coded place name (where_coordinates),
# point, admin units and precision. Only place names in the train part of the fixed-seed split by
# place name (eventwire/evaluation/splits/ucdp-place.tsv) and only precise codings (where_prec 1-2
# for settlements, 3 for districts); one row per place: the median point of its events.
# Licence: CC BY 4.0. Attribution: Uppsala Conflict Data Program (UCDP), Georeferenced Event
# Dataset; Sundberg & Melander 2013, Journal of Peace Research 50(4); Davies, Pettersson & Oberg,
# Organized violence 1989-2023. Built by scripts/build_ucdp_places.py; do not edit by hand.
# name\tfeature\tlatitude\tlongitude\tcountry_iso2\tadm_1\tadm_2\tevents
"""
SETTLEMENT_TYPES = {"village", "town", "city", "camp", "neighbourhood", "neighborhood", "area", "township"}
UNIT_TYPES = {"district", "municipality", "township"}
def records(data: Path) -> Iterator[dict]:
    """Every UCDP record with a coded place (CSV rows and GeoJSON properties alike)."""
    paths = sorted((data / "ucdp-ged-subsets").glob("*.csv")) + [data / "ucdp-ged" / "conflict_data_ukr.csv"]
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if (row.get("latitude") or "").startswith("#") or not row.get("where_coordinates"):
                    continue
                yield row
    geo = data / "ucdp-ged" / "GEDEvent_v23_1.geojson"
    for feat in json.loads(geo.read_text(encoding="utf-8"))["features"]:
        props = dict(feat["properties"])
        props["longitude"], props["latitude"] = feat["geometry"]["coordinates"][:2]
        if props.get("where_coordinates"):
            yield props


def split_name(where: str) -> tuple[str, str]:
    """ "Teir Maaleh village" -> ("Teir Maaleh", "village"); names without a type word keep it ""."""
    where = re.sub(r"\s*\([^)]*\)", "", where).strip()
    words = where.split()
    if len(words) > 1 and words[-1].lower() in SETTLEMENT_TYPES | UNIT_TYPES:
        return " ".join(words[:-1]), words[-1].lower()
    return where, ""


def main(argv: list[str]) -> int:
    """Write the table; print how many places it holds."""
    data = Path(argv[1]) if len(argv) > 1 else Path("../shared/data")
    split = load_split("ucdp-place")
    gaz = open_gazetteer()
    iso_of = {normalize(rec.name): cc for cc, rec in gaz.countries.items()}
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in records(data):
        where = row["where_coordinates"].strip()
        if split.get(place_key(where)) != TRAIN:
            continue
        name, kind = split_name(where)
        prec = int(float(row.get("where_prec") or 0))
        feature = "admin2" if kind in UNIT_TYPES and prec == 3 else "city" if prec in (1, 2) else ""
        country = ucdp_country(row.get("country", ""))
        iso2 = iso_of.get(normalize(country))
        if not feature or not iso2 or len(name) < 3 or normalize(name) == normalize(country):
            continue
        groups[(name, feature, iso2)].append(row)
    lines = []
    for (name, feature, iso2), rows in sorted(groups.items()):
        lat = statistics.median(float(r["latitude"]) for r in rows)
        lon = statistics.median(float(r["longitude"]) for r in rows)
        adm1 = statistics.mode([(r.get("adm_1") or "").strip() for r in rows])
        adm2 = statistics.mode([(r.get("adm_2") or "").strip() for r in rows])
        lines.append("\t".join([name, feature, f"{lat:.5f}", f"{lon:.5f}", iso2, adm1, adm2, str(len(rows))]))
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(lines)} places from {sum(len(v) for v in groups.values())} train events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
