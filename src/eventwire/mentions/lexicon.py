"""Named armed groups: their names, abbreviations and aliases, with ACLED inter codes.

Two sources, read once:

* a short table of groups under the names ACLED publishes for them (``Islamic State``,
  ``Al Shabaab``, ``Ansar Allah``...), with the words news use for them;
* ``data/actors/ucdp_actors.tsv``: every non-state actor of the UCDP GED records in the train part of
  the place-name split (``scripts/build_actor_lexicon.py``), under UCDP's name, with the aliases
  the train headlines use for it (an organisation name, nationality or acronym that co-occurs with
  that actor in most of the headlines naming it), its inter code (2 rebels: a side against a
  government; 3 political militias otherwise) and country. UCDP GED is CC BY 4.0 (Uppsala Conflict
  Data Program; Sundberg & Melander 2013).

``group_of(words)`` answers with (name, inter, key): the ACLED name when the short table has the
group, else UCDP's; ``key`` is the UCDP actor (or the name) so that two names of one group compare
equal (``actor_key``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from eventwire.errors import Errors, UsageError
from eventwire.mentions.countries import country_of

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "actors" / "ucdp_actors.tsv"

# ACLED's names of widely reported groups: words -> (ACLED-style name, inter, UCDP actor name or "").
_ACLED_GROUPS: dict[str, tuple[str, int, str]] = {
    "taliban": ("Taliban", 2, "Taleban"), "taleban": ("Taliban", 2, "Taleban"),
    "islamic state": ("Islamic State", 2, "IS"), "isis": ("Islamic State", 2, "IS"),
    "isil": ("Islamic State", 2, "IS"), "daesh": ("Islamic State", 2, "IS"), "is": ("Islamic State", 2, "IS"),
    "al-shabaab": ("Al Shabaab", 2, "Al-Shabaab"), "al shabaab": ("Al Shabaab", 2, "Al-Shabaab"),
    "al-shabab": ("Al Shabaab", 2, "Al-Shabaab"), "shabaab": ("Al Shabaab", 2, "Al-Shabaab"),
    "boko haram": ("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2,
                   "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad"),
    "iswap": ("Islamic State West Africa Province", 2, "IS"), "houthis": ("Ansar Allah", 2, "Ansarallah"),
    "houthi": ("Ansar Allah", 2, "Ansarallah"), "ansar allah": ("Ansar Allah", 2, "Ansarallah"),
    "hezbollah": ("Hezbollah", 2, "Hezbollah"), "hamas": ("Hamas Movement", 2, "Hamas"),
    "pkk": ("PKK: Kurdistan Workers Party", 2, "PKK"), "ypg": ("YPG: People's Protection Units", 2, "SDF"),
    "sdf": ("SDF: Syrian Democratic Forces", 2, "SDF"),
    "syrian democratic forces": ("SDF: Syrian Democratic Forces", 2, "SDF"),
    "hts": ("HTS: Hayat Tahrir al Sham", 2, "HTS"), "hayat tahrir al-sham": ("HTS: Hayat Tahrir al Sham", 2, "HTS"),
    "tahrir al-sham": ("HTS: Hayat Tahrir al Sham", 2, "HTS"),
    "jnim": ("JNIM: Group for Support of Islam and Muslims", 2, "JNIM"),
    "al-qaeda": ("Al Qaeda", 2, "al-Qaida"), "al qaeda": ("Al Qaeda", 2, "al-Qaida"),
    "aqap": ("AQAP: Al Qaeda in the Arabian Peninsula", 2, "AQAP"),
    "m23": ("M23: March 23 Movement", 2, "M23"), "adf": ("ADF: Allied Democratic Forces", 2, "ADF"),
    "npa": ("NPA: New People's Army", 2, "CPP"), "new people's army": ("NPA: New People's Army", 2, "CPP"),
    "maoists": ("CPI (Maoist): Communist Party of India (Maoist)", 2, "CPI-Maoist"),
    "maoist": ("CPI (Maoist): Communist Party of India (Maoist)", 2, "CPI-Maoist"),
    "arakan army": ("AA: Arakan Army", 2, "AA"), "eln": ("ELN: National Liberation Army", 2, "ELN"),
    "wagner": ("Wagner Group", 8, ""), "wagner group": ("Wagner Group", 8, ""),
    "fulani": ("Fulani Ethnic Militia", 4, ""),
}


@dataclass(frozen=True)
class Group:
    """A named armed group: the name eventwire writes, its inter code, the key two names share, country."""

    name: str
    inter: int
    key: str
    country: str = ""


def _norm(words: str) -> str:
    w = words.strip().lower().replace("’", "'")
    w = re.sub(r"^the\s+", "", w)
    return " ".join(w.split())


@functools.lru_cache(maxsize=2)
def ucdp_lexicon(path: Path = LEXICON_PATH) -> dict[str, Group]:
    """alias -> Group from the UCDP actor table (``scripts/build_actor_lexicon.py``)."""
    if not path.exists():
        raise UsageError(Errors.E233, path=path)
    out: dict[str, Group] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        alias, name, inter, country = line.split("\t")[:4]
        out.setdefault(alias, Group(name, int(inter), f"group:{name.lower()}", country))
    return out


def group_of(words: str) -> Group | None:
    """The named group some words name (an ACLED-named group first, then UCDP's), or None."""
    w = _norm(words)
    if not w:
        return None
    if w in _ACLED_GROUPS:
        name, inter, ucdp = _ACLED_GROUPS[w]
        return Group(name, inter, f"group:{(ucdp or name).lower()}")
    g = ucdp_lexicon().get(w)
    if g is None or country_of(w):
        return None
    acled = _ACLED_GROUPS.get(g.name.lower())
    if acled is not None:
        return Group(acled[0], acled[1], g.key, g.country)
    return g


def group_key(name: str) -> str | None:
    """The key of a group name eventwire or UCDP writes ("Islamic State" and "IS" share one)."""
    w = _norm(name)
    for words, (acled, _inter, ucdp) in _ACLED_GROUPS.items():
        if w in (words, acled.lower()) or (ucdp and w == ucdp.lower()):
            return f"group:{(ucdp or acled).lower()}"
    g = ucdp_lexicon().get(w)
    return g.key if g is not None else None
