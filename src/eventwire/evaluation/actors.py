"""Actors against UCDP GED's sides, on validation headlines.

Each English UCDP headline (first headline of a record's ``source_headline``; validation part of the
place-name split; a fixed-seed sample per subset) is read by ``find_actors`` with the event code the
lexical classifier gives it (a violent code; armed clash when it gives none) and the record's
country. A predicted actor matches a gold side when it names the same thing after normalisation
(``mentions.actor_key``): a state's military, police or government is "Government of X"; civilians are
civilians; a group is the same UCDP actor by any of its lexicon names; an unidentified armed group of
the country matches UCDP's catch-all "X insurgents". Scores: actor1 is a side (for one-sided
violence: the perpetrator, side_a), actor2 is the other side, both, and either actor names a side
(UCDP does not say who attacked whom in state-based and non-state violence). The same scores are given
for the headlines that name a side (a word other than a place that the namer reads as that side).

The plain peer, printed by the same command: the first named organisation, nationality or country of
the headline as actor1 and the second as actor2, named by the same namer (``name_participant``).
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

from eventwire.evaluation.corpora import clean_headlines, ucdp_records
from eventwire.evaluation.doc_cache import parse_cached
from eventwire.evaluation.splits import VALIDATION, load_split, place_key
from eventwire.mentions import CODES, RoleModel, actor_key, classify_many, find_actors, name_participant

_PAREN = re.compile(r"\s*\([^)]*\)")
FALLBACK_CODE = "ARMED_CLASH"
KEYS = ("actor1", "actor2", "both", "either")


def ucdp_country(name: str) -> str:
    """UCDP's country name without its bracketed former name ("Myanmar (Burma)" -> "Myanmar")."""
    return _PAREN.sub("", name or "").strip()


def sides(name: str) -> list[str]:
    """The actors of one UCDP side field ("Gulf Cartel, La Familia, Sinaloa Cartel" -> three)."""
    if name.startswith("Government of"):
        return [name]
    return [s.strip() for s in name.split(",") if s.strip()]


@dataclass
class Headline:
    """One UCDP record's headline with its sides."""

    subset: str
    text: str
    country: str
    side_a: str
    side_b: str
    violence: str  # UCDP type of violence: 1 state-based, 2 non-state, 3 one-sided


def ucdp_headlines(data: Path, part: str = VALIDATION, *, per_subset: int = 400, seed: int = 20261130
                   ) -> list[Headline]:
    """Distinct English headlines of one part of the place-name split, sampled per subset (fixed seed)."""
    split = load_split("ucdp-place")
    seen: dict[tuple[str, str], Headline | None] = {}
    for subset, row in ucdp_records(data):
        heads = clean_headlines(row.get("source_headline") or "")
        pk = place_key(row.get("where_coordinates") or "")
        if not heads or split.get(pk) != part or not row.get("side_a"):
            continue
        key = (subset, heads[0])
        h = Headline(subset, heads[0], ucdp_country(row.get("country") or ""), row["side_a"], row.get("side_b") or "",
                     str(row.get("type_of_violence") or "").split(".")[0])
        if key in seen and (old := seen[key]) is not None and (old.side_a, old.side_b) != (h.side_a, h.side_b):
            seen[key] = None  # one headline coded with two different pairs of sides: ambiguous
        elif key not in seen:
            seen[key] = h
    by_subset: dict[str, list[Headline]] = defaultdict(list)
    for h in seen.values():
        if h is not None:
            by_subset[h.subset].append(h)
    out: list[Headline] = []
    for subset in sorted(by_subset):
        items = sorted(by_subset[subset], key=lambda x: x.text)
        out += random.Random(f"{seed}:{subset}").sample(items, min(per_subset, len(items)))
    return out


def matches(pred: str | None, gold_side: str, country: str | None = None) -> bool:
    """A predicted ACLED-style actor names one of the actors of a UCDP side (``actor_key``)."""
    if not pred:
        return False
    key = actor_key(pred, country)
    return any(key == actor_key(g, country) for g in sides(gold_side))


def _score(pred1: str | None, pred2: str | None, h: Headline) -> tuple[bool, bool, bool, bool]:
    c = h.country
    if h.violence == "3":  # one-sided violence: side_a is the perpetrator
        a1 = matches(pred1, h.side_a, c)
        a2 = matches(pred2, h.side_b, c)
    else:
        a1 = matches(pred1, h.side_a, c) or matches(pred1, h.side_b, c)
        other = h.side_b if matches(pred1, h.side_a, c) else h.side_a if matches(pred1, h.side_b, c) else None
        a2 = matches(pred2, other, c) if other else (matches(pred2, h.side_a, c) or matches(pred2, h.side_b, c))
    either = any(matches(p, side, c) for p in (pred1, pred2) for side in (h.side_a, h.side_b))
    return a1, a2, a1 and a2, either


def _named(sent: Span, h: Headline) -> bool:
    """True when the headline names one of the sides (any word the namer reads as that side)."""
    for tok in sent:
        if tok.ent_type_ in ("GPE", "LOC", "FAC"):
            continue  # a country or town named as the place is not a side named
        name = name_participant(tok, sent, FALLBACK_CODE, h.country)
        if name and (matches(name, h.side_a, h.country) or matches(name, h.side_b, h.country)):
            return True
    return False


def _first_named(sent: Span, code: str, country: str) -> tuple[str | None, str | None]:
    names: list[str] = []
    for ent in sent.ents:
        if ent.label_ not in ("ORG", "NORP", "GPE", "PERSON"):
            continue
        name = name_participant(ent.root, sent, code, country)
        if name and name not in names:
            names.append(name)
    return (names[0] if names else None), (names[1] if len(names) > 1 else None)


def score_ucdp(nlp: Language, data: Path, *, per_subset: int = 400, part: str = VALIDATION,
               model: RoleModel | None = None) -> dict[str, Any]:
    """actor1/actor2 against UCDP sides on one part's headlines (validation unless told), the learned
    reading and the plain peer."""
    heads = ucdp_headlines(data, part, per_subset=per_subset)
    codes = [c.code for c in classify_many([h.text for h in heads])]
    systems = ("first named organisation", "eventwire")
    counts: dict[str, Counter] = {s: Counter() for s in systems}
    named_counts: dict[str, Counter] = {s: Counter() for s in systems}
    n = n_named = 0
    examples: list[str] = []
    for h, code, doc in zip(heads, codes, parse_cached(nlp, [h.text for h in heads]), strict=True):
        code = code if CODES[code].event_type in ("Battles", "Explosions/Remote violence",
                                                  "Violence against civilians") else FALLBACK_CODE
        sent = doc[:]
        a = find_actors(sent, code, country=h.country, model=model)
        preds = {"first named organisation": _first_named(sent, code, h.country),
                 "eventwire": (a.actor1, a.actor2)}
        named = _named(sent, h)
        n += 1
        n_named += named
        for s, (p1, p2) in preds.items():
            r = _score(p1, p2, h)
            for k, ok in zip(KEYS, r, strict=True):
                counts[s][k] += ok
                if named:
                    named_counts[s][k] += ok
        if named and not _score(a.actor1, a.actor2, h)[0] and len(examples) < 12:
            examples.append(f"{h.text[:90]} | gold {h.side_a} / {h.side_b} | got {a.actor1} / {a.actor2}")
    return {"part": part, "headlines": n, "naming a side": n_named,
            "all": {s: {k: round(c[k] / max(n, 1), 3) for k in KEYS} for s, c in counts.items()},
            "named": {s: {k: round(c[k] / max(n_named, 1), 3) for k in KEYS} for s, c in named_counts.items()},
            "misses": examples}


def iter_ucdp_text(report: dict[str, Any]) -> Iterator[str]:
    """Lines of the UCDP part of the report."""
    yield (f"UCDP {report.get('part', VALIDATION)} headlines: {report['headlines']} "
           f"({report['naming a side']} name a side); "
           "share right: actor1 / actor2 / both / a side named by actor1 or actor2")
    for s in report["all"]:
        a, b = report["all"][s], report["named"][s]
        yield (f"  {s:<26} all {' / '.join(f'{a[k]:.3f}' for k in KEYS)}    "
               f"naming a side {' / '.join(f'{b[k]:.3f}' for k in KEYS)}")
    if report["misses"]:
        yield "  actor1 misses on headlines naming a side (first 12):"
        yield from (f"    {m}" for m in report["misses"])
