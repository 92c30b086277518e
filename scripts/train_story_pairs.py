"""Retrain the story pair model: src/eventwire/data/stories/pair_model.json.

A logistic regression (class-balanced) over symmetric pair features, fitted on the pairs of articles
*within one topic* of the ECB+ development corpus's **train** topics only (the committed split,
``eventwire.evaluation.splits.load_split("ecbplus")``): each topic holds two similar but different
real events, so these are the hard pairs. Validation topics are never read here; ``eventwire eval
stories`` scores them.

    python scripts/train_story_pairs.py [--data ../shared/data] [--cv]

``--cv`` first prints repeated 3-fold cross-validation over the train topics (how the features and
the link threshold were chosen).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from eventwire import stories
from eventwire.evaluation.stories import cross_validate, ecb_features, fit_pair_model, load_ecb, train_docs
from eventwire.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# The features of the model, chosen by cross-validation on the train topics (see --cv): similarity of
# wording, of specifics (names, numbers, dates) and of the lede's meaning, plus agreement or clash on
# when (year, weekday) and how many (counted quantities, lede numbers).
FEATURES = ("cos_terms", "cos_specs", "cos_emb", "keys_shared", "year_clash", "year_match", "weekday_clash",
            "weekday_match", "qty_clash", "qty_match", "lede_num_clash")
# Pairs sharing less than this cosine of specifics are never one story: no loss in train CV, and 4x
# fewer strong edges between unrelated articles that only share a year.
SPECS_GATE = 0.05


def main() -> int:
    """Fit on the train topics and write the model (optionally after cross-validation)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=stories.PAIR_MODEL_PATH)
    ap.add_argument("--cv", action="store_true", help="print cross-validated B-cubed F1 on the train topics")
    args = ap.parse_args()
    docs = train_docs(load_ecb(args.data))
    idf = stories.load_idf()
    feats = ecb_features(docs, Settings.from_env(), idf)
    if args.cv:
        scores = np.array(cross_validate(docs, feats, idf, FEATURES, specs_gate=SPECS_GATE))
        print(f"train-topic CV (5 x 3 folds): B-cubed F1 mean {scores.mean():.3f}, worst fold {scores.min():.3f}")
    topics = sorted({d.topic for d in docs})
    about = (f"Logistic regression on within-topic article pairs of the ECB+ development corpus's train topics "
             f"({len(topics)} topics, {len(docs)} articles: {', '.join(map(str, topics))}), features from "
             f"eventwire's annotation; built by scripts/train_story_pairs.py.")
    model = fit_pair_model(docs, feats, FEATURES, specs_gate=SPECS_GATE, about=about)
    model.save(args.out)
    print("pair model:", dict(zip(model.features, model.coef, strict=True)), "intercept", model.intercept)
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
