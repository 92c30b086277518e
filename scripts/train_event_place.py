"""Learn which place of a sentence is where its event happened, from the event-location train part.

Each train sentence of ``../shared/data/event-location`` (wire sentences with the event verb and the
event's location phrase marked) gives one row per place the geocoder finds in it
(``Geocoder.event_candidates``): the features of ``Geocoder.event_features`` for the marked verb,
labelled 1 when the place overlaps the marked location. Speech verbs ("said") and places where
something was only said are left out, as ``Geocoder.locate`` leaves them out. A logistic regression
(fixed seed) gives the weights; the threshold under which a sentence names no event place is the one that makes the most
train sentences right (the right place, or none when none is marked). Validation and gold parts are
only scored, never fitted. Writes ``src/eventwire/data/geo/event_place.json``.

Run: ``python scripts/train_event_place.py [DATA_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from eventwire.evaluation.geo import read_event_location
from eventwire.evaluation.splits import GOLD, TRAIN, VALIDATION, load_split, text_key
from eventwire.geo import EVENT_PLACE_MODEL_FILE, SPEECH_LEMMAS, EventPlaceModel, is_speech_location
from eventwire.pipeline import load_resources

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "geo" / EVENT_PLACE_MODEL_FILE
SEED = 20261130


def sentence_rows(data: Path) -> dict[str, list[tuple[list[dict[str, float]], list[int], bool]]]:
    """part -> per sentence (features of each candidate place, labels, whether a location is marked)."""
    res = load_resources()
    geo, nlp = res.geocoder, res.nlp
    split = load_split("event-location")
    records = list(read_event_location(data))
    out: dict[str, list] = {TRAIN: [], VALIDATION: [], GOLD: []}
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        part = split.get(text_key(rec["text"]))
        verb = next((s for s in rec.get("spans", []) if s.get("label") == "VERB"), None)
        if part not in out or verb is None:
            continue
        gold = [s for s in rec.get("spans", []) if s.get("label") == "LOCATION"]
        span = doc.char_span(verb["start"], verb["end"], alignment_mode="expand")
        if span is None:
            continue
        trigger = span.root
        if trigger.lemma_ in SPEECH_LEMMAS:
            continue  # "said in X" marks where something was said: no event place to learn from
        sent = trigger.sent
        ctx = geo.article_context(doc)
        cands = [(m, c) for m, c in geo.event_candidates(sent, ctx) if not is_speech_location(m.span)]
        feats = [geo.event_features(m, c, cands, trigger) for m, c in cands]
        labels = [int(any(m.span.start_char < g["end"] and g["start"] < m.span.end_char for g in gold))
                  for m, _c in cands]
        out[part].append((feats, labels, bool(gold)))
    return out


def accuracy(model: EventPlaceModel, sents: list) -> float:
    """Share of sentences where the chosen place is a marked one, or nothing is chosen when none is marked."""
    right = 0
    for feats, labels, marked in sents:
        scores = [model.score(f) for f in feats]
        if not scores or max(scores) < model.threshold:
            right += not marked
        else:
            right += labels[int(np.argmax(scores))]
    return right / len(sents) if sents else 0.0


def best_threshold(model: EventPlaceModel, sents: list) -> float:
    """The abstention threshold with the most right train sentences."""
    tops = sorted({round(max(model.score(f) for f in feats), 4) for feats, _l, _m in sents if feats})
    best, best_acc = -1e9, -1.0
    for t in [-1e9, *tops]:
        acc = accuracy(EventPlaceModel(model.weights, model.bias, t), sents)
        if acc > best_acc:
            best, best_acc = t, acc
    return best


def main(argv: list[str]) -> int:
    """Fit, report train/validation/gold accuracy next to the shipped model, write the JSON."""
    data = Path(argv[1]) if len(argv) > 1 else Path("../shared/data")
    parts = sentence_rows(data)
    train = parts[TRAIN]
    x = [f for feats, _l, _m in train for f in feats]
    y = [lab for _f, labels, _m in train for lab in labels]
    vec = DictVectorizer(sparse=False)
    xm = vec.fit_transform(x)
    lr = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED).fit(xm, y)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), lr.coef_[0], strict=True)}
    model = EventPlaceModel(weights, float(lr.intercept_[0]), 0.0)
    model = EventPlaceModel(weights, model.bias, best_threshold(model, train))
    shipped = EventPlaceModel.load()
    for name, part in ((TRAIN, train), (VALIDATION, parts[VALIDATION]), (GOLD, parts[GOLD])):
        print(f"{name:10s} n={len(part):5d}  learnt {accuracy(model, part):.3f}  shipped ({shipped.source[:30]}) "
              f"{accuracy(shipped, part):.3f}")
    model = EventPlaceModel(model.weights, model.bias, model.threshold, source=(
        f"logistic regression (scikit-learn, C=1, seed {SEED}) on {len(train)} sentences ({len(y)} candidate "
        "places) of the train part of the event-location split (eventwire/evaluation/splits/event-location.tsv; "
        "data: 'Geolocating Political Events in Text', MIT licence); built by scripts/train_event_place.py"))
    model.save(OUT)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
