"""Build the named-group lexicon from UCDP GED records of the train part of the place-name split.

Every non-state actor of a train-part record (``side_a``/``side_b``, lists split at commas; not the
governments, not "Civilians", not UCDP's catch-alls such as "Syrian insurgents") becomes an entry
under UCDP's name, with:

* its inter code in ACLED's scheme: 2 (rebel group) when UCDP codes it against a government in
  state-based violence, else 3 (political militia);
* its country (the one most of its records are in);
* its aliases: UCDP's name itself, the part after " - " of a faction's name, and the words the train
  headlines use for it (the governments and civilians of the records count as the headlines' actors
  when the words are weighed): an organisation or nationality entity (spaCy NER) or an acronym that occurs in
  at least ``MIN_SUPPORT`` distinct headlines of its records, goes with this actor in at least
  ``MIN_SHARE`` of all headlines that contain it, and whose lift for this actor (its share over the
  actor's share of all headlines) is ``LIFT_RATIO`` times its lift for the next actor, or whose share is
  ``MIN_MARGIN`` above the next actor's (a word that goes with both sides of a dyad names neither).
  Words with a country or nationality in them, places of the gazetteer, ordinary English words and
  another actor's UCDP name are never aliases.

UCDP GED is CC BY 4.0 (Uppsala Conflict Data Program; Sundberg & Melander 2013, JPR 50(4)). Writes
``src/eventwire/data/actors/ucdp_actors.tsv``. Validation-part records are never read.

Run: ``python scripts/build_actor_lexicon.py [DATA_DIR]``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from eventwire.evaluation.corpora import clean_headlines, ucdp_records
from eventwire.evaluation.doc_cache import parse_cached
from eventwire.evaluation.splits import TRAIN, load_split, place_key
from eventwire.geo import Gazetteer, normalize
from eventwire.mentions import country_of
from eventwire.nlp import english_words
from eventwire.pipeline import gazetteer as pipeline_gazetteer
from eventwire.pipeline import load_resources

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "actors" / "ucdp_actors.tsv"
MIN_SUPPORT = 3
MIN_SHARE = 0.6
# an alias names one side, not the dyad: its lift for the actor is LIFT_RATIO times the next actor's, or
# its share of the headlines is MIN_MARGIN above the next actor's
LIFT_RATIO = 3.0
MIN_MARGIN = 0.4
_FUNCTION_WORDS = {"de", "del", "of", "to", "the", "in", "on", "la", "el", "al", "and"}
_CATCH_ALL = re.compile(r"\b(insurgents|rebels)$", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9-]{1,7}$")


def _actors(field: str) -> list[str]:
    if not field or field.startswith(("Government of", "#")):
        return []
    return [a.strip() for a in field.split(",") if a.strip() and a.strip() != "Civilians"
            and not _CATCH_ALL.search(a.strip())]


def _clean_form(form: str, words: set[str], gazetteer: Gazetteer) -> bool:
    """A form that may be an alias: a whole name (no dangling "al-" or "de"), not a country, a nationality,
    a place of the gazetteer or an ordinary English word."""
    low = form.lower()
    parts = low.split()
    if not form[-1].isalnum() or not form[0].isalnum() or parts[-1] in _FUNCTION_WORDS or any(
            country_of(p) for p in [form, *form.split()]):
        return False
    if len(parts) == 1 and (not form.isupper() or len(form) > 3) and (low in words or low.rstrip("s") in words):
        return False
    return not gazetteer.lookup(normalize(form))


def main(argv: list[str]) -> None:
    data = Path(argv[1] if len(argv) > 1 else "../shared/data")
    split = load_split("ucdp-place")
    inter: dict[str, int] = {}
    countries: dict[str, Counter] = defaultdict(Counter)
    heads: dict[str, set[str]] = defaultdict(set)  # headline -> actors of the records that carry it
    for _subset, row in ucdp_records(data):
        if split.get(place_key(row.get("where_coordinates") or "")) != TRAIN:
            continue
        violence = str(row.get("type_of_violence") or "").split(".")[0]
        a_side, b_side = _actors(row.get("side_a") or ""), _actors(row.get("side_b") or "")
        against_state = violence == "1" and (row.get("side_a") or "").startswith("Government of")
        for actor in a_side + b_side:
            rebel = against_state and actor in b_side
            inter[actor] = 2 if rebel or inter.get(actor) == 2 else 3
            countries[actor][re.sub(r"\s*\([^)]*\)", "", row.get("country") or "").strip()] += 1
        # the governments and civilians count as the headlines' actors too: "junta forces" names the
        # government of Myanmar, not the group fighting it
        present = a_side + b_side + [x for x in (row.get("side_a") or "", row.get("side_b") or "")
                                     if x.startswith("Government of") or x == "Civilians"]
        for h in clean_headlines(row.get("source_headline") or ""):
            heads[h].update(present)
    nlp = load_resources().nlp
    words = english_words(nlp)
    gazetteer = pipeline_gazetteer()
    seen_in: Counter = Counter()
    together: Counter = Counter()
    texts = sorted(heads)
    with nlp.select_pipes(disable=["parser", "lemmatizer"]):  # names only: no parse needed
        docs = parse_cached(nlp, texts)
    for text, doc in zip(texts, docs, strict=True):
        forms = {e.text for e in doc.ents if e.label_ in ("ORG", "NORP")}
        if not text.isupper():
            forms |= {t.text for t in doc if _ACRONYM.match(t.text)}
        forms = {re.sub(r"^(the|The)\s+", "", f).strip(" '\"“”‘’") for f in forms}
        for f in forms:
            if len(f) < 2:
                continue
            seen_in[f] += 1
            for actor in heads[text]:
                together[(f, actor)] += 1
    rows: dict[str, tuple[str, int, str, int]] = {}
    for actor in sorted(inter):
        country = countries[actor].most_common(1)[0][0]
        for alias in {actor, actor.split(" - ")[-1]}:
            rows.setdefault(alias.lower(), (actor, inter[actor], country, 0))
    own_names = set(rows)
    by_form: dict[str, dict[str, int]] = defaultdict(dict)
    for (form, actor), n in together.items():
        by_form[form][actor] = n
    base = Counter(a for acts in heads.values() for a in acts)
    n_heads = len(heads)
    for form in sorted(by_form):
        low = form.lower()
        # lift: how much more often the actor is coded where the words occur than anywhere
        lift = {a: (n / seen_in[form]) / (base[a] / n_heads) for a, n in by_form[form].items()}
        ranked = sorted(lift, key=lambda a: (-by_form[form][a], -lift[a], a))  # by share, then lift
        actor = ranked[0]
        n = by_form[form][actor]
        runner_up = ranked[1] if len(ranked) > 1 else None
        share_margin = (n - by_form[form].get(runner_up, 0)) / seen_in[form] if runner_up else 1.0
        lift_ratio = lift[actor] / lift[runner_up] if runner_up else float("inf")
        if (n < MIN_SUPPORT or n / seen_in[form] < MIN_SHARE or (lift_ratio < LIFT_RATIO and share_margin < MIN_MARGIN)
                or low in own_names or actor not in inter or not _clean_form(form, words, gazetteer)):
            continue
        rows[low] = (actor, inter[actor], countries[actor].most_common(1)[0][0], n)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# alias\tUCDP actor\tACLED inter\tcountry\tsupport (train headlines; 0 = UCDP's own name)",
             "# Built by scripts/build_actor_lexicon.py from UCDP GED records of the train part of the place-name "
             "split (eventwire/evaluation/splits/ucdp-place.tsv).",
             "# Source: UCDP Georeferenced Event Dataset, CC BY 4.0, Uppsala Conflict Data Program "
             "(Sundberg & Melander 2013, JPR 50(4))."]
    lines += [f"{alias}\t{a}\t{i}\t{c}\t{n}" for alias, (a, i, c, n) in sorted(rows.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mined = sum(1 for v in rows.values() if v[3])
    print(f"wrote {OUT}: {len(inter)} actors, {len(rows)} names ({mined} aliases mined from headlines)")


if __name__ == "__main__":
    main(sys.argv)
