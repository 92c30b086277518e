"""Learn which of a sentence's candidate places is where its event happened (and whether a candidate
is a place at all), from the train parts of three corpora.

Candidates are every place name the geocoder tries (``Geocoder.scored_places``): NER place entities,
and every capitalised run the gazetteer knows, whatever spaCy calls it (a person's or an
organisation's name to the NER, a word of a Title Case headline). Each gives one row of
``Geocoder.event_features``, labelled 1 when it is the event's place:
- event-location sentences (marked event verb and location phrase): the candidate overlaps the phrase;
- RAMS passages (trigger and ``place`` argument): the candidate overlaps the argument;
- UCDP headlines naming the coded place (no trigger; the sentence's event word stands in): the
  candidate's record lies within 25 km of the coded point.
Speech verbs ("said") and places where something was only said are left out, as ``locate`` leaves
them out. A logistic regression (fixed seed) gives the weights; the thresholds under which a sentence
names no event place (with a marked event word: the sentences with one; without: every train
sentence) are those that make the most train sentences right. Validation and gold parts are only
scored, never fitted. Writes ``src/eventwire/data/geo/event_place.json``.

Run: ``python scripts/train_event_place.py [DATA_DIR] [--rows FILE]`` (about 5 minutes of CPU).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from eventwire.evaluation.event_place import (
    Rows,
    candidate_rows,
    event_location_examples,
    rams_examples,
)
from eventwire.evaluation.geo import ucdp_headline_examples
from eventwire.evaluation.splits import GOLD, TRAIN, VALIDATION
from eventwire.geo import EVENT_PLACE_MODEL_FILE, EventPlaceModel
from eventwire.pipeline import load_resources

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "geo" / EVENT_PLACE_MODEL_FILE
SEED = 20261130
PARTS = (TRAIN, VALIDATION, GOLD)


def accuracy(model: EventPlaceModel, rows: list[Rows], threshold: float) -> float:
    """Share of sentences where the chosen place is a right one, or nothing is chosen when none is marked."""
    right = 0
    for r in rows:
        scores = [model.score(f) for f in r.features]
        marked = bool(r.example.spans or r.example.point)
        if not scores or max(scores) < threshold:
            right += not marked
        else:
            right += r.labels[int(np.argmax(scores))]
    return right / len(rows) if rows else 0.0


def best_threshold(model: EventPlaceModel, rows: list[Rows]) -> float:
    """The abstention threshold with the most right train sentences."""
    tops = sorted({round(max(model.score(f) for f in r.features), 4) for r in rows if r.features})
    best, best_acc = -1e9, -1.0
    for t in [-1e9, *tops[::max(1, len(tops) // 400)]]:
        acc = accuracy(model, rows, t)
        if acc > best_acc:
            best, best_acc = t, acc
    return best


def all_rows(data: Path) -> dict[tuple[str, str], list[Rows]]:
    """(corpus, part) -> the candidate rows of its examples."""
    res = load_resources()
    rows: dict[tuple[str, str], list[Rows]] = {}
    for read in (event_location_examples, rams_examples, ucdp_headline_examples):
        examples = [e for e in read(data) if e.part in PARTS]
        for r in candidate_rows(examples, res):
            rows.setdefault((r.example.corpus, r.example.part or ""), []).append(r)
    return rows


def main(argv: list[str]) -> int:
    """Fit, report accuracy per corpus and part next to the shipped model, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("../shared/data"))
    parser.add_argument("--rows", type=Path, help="keep the candidate rows in this file (read when it exists): "
                        "refitting without recomputing them (they change with the geocoder's code)")
    args = parser.parse_args(argv[1:])
    if args.rows is not None and args.rows.exists():
        with args.rows.open("rb") as fh:
            rows = pickle.load(fh)
    else:
        rows = all_rows(args.data)
        if args.rows is not None:
            with args.rows.open("wb") as fh:
                pickle.dump(rows, fh)
    train = [r for (_c, part), rs in rows.items() if part == TRAIN for r in rs]
    x = [f for r in train for f in r.features]
    y = [lab for r in train for lab in r.labels]
    vec = DictVectorizer(sparse=False)
    lr = LogisticRegression(C=1.0, max_iter=3000, random_state=SEED).fit(vec.fit_transform(x), y)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), lr.coef_[0], strict=True)}
    model = EventPlaceModel(weights, float(lr.intercept_[0]), 0.0)
    # Without an event word the threshold is fitted on every train sentence: the UCDP headlines all
    # name their place, so alone they would never abstain; the event-location sentences that mark
    # no place say when a sentence's candidates are none of them.
    model = EventPlaceModel(weights, model.bias, best_threshold(model, [r for r in train if r.with_trigger]),
                            threshold_without_trigger=best_threshold(model, train))
    shipped = EventPlaceModel.load()
    for (corpus, part), rs in sorted(rows.items()):
        def acc(m: EventPlaceModel, rs: list[Rows] = rs) -> float:
            trig = rs[0].with_trigger
            return accuracy(m, rs, m.threshold if trig else m.threshold_without_trigger)
        print(f"{corpus:15s} {part:10s} n={len(rs):5d}  learnt {acc(model):.3f}  shipped {acc(shipped):.3f}")
    n_train = {c: sum(len(rs) for (cc, p), rs in rows.items() if cc == c and p == TRAIN)
               for c in ("event-location", "rams", "ucdp")}
    model = EventPlaceModel(model.weights, model.bias, model.threshold, threshold_without_trigger=(
        model.threshold_without_trigger), source=(
        f"logistic regression (scikit-learn, C=1, seed {SEED}) on {len(y)} candidate places of the train parts: "
        f"{n_train['event-location']} event-location sentences ('Geolocating Political Events in Text', MIT "
        f"licence), {n_train['rams']} RAMS passages (CC BY-SA 4.0), {n_train['ucdp']} UCDP headline sentences "
        "(CC BY 4.0); splits in eventwire/evaluation/splits/; built by scripts/train_event_place.py"))
    model.save(OUT)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
