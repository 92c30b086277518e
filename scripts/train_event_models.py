"""Rebuild the event models shipped in src/eventwire/data: the lexical classifier
(classifier/model.npz), the relevance, sub-type and pre-score models (models/*.npz).

Trained on the train parts of the development corpora only (``eventwire.evaluation.splits``),
with fixed seeds: the same data gives the same arrays. Sentence embeddings are cached between
runs in ``$EVENTWIRE_CACHE/training-embeddings.npz`` (a speed-up only).

    python scripts/train_event_models.py [../shared/data]
    python scripts/train_event_models.py --subtype-only [../shared/data]   # the sub-type model alone, with the
                                                                           # shipped lexical classifier
    python scripts/train_event_models.py --decision-only [../shared/data]  # the event decision alone, over the
                                                                           # shipped relevance and sub-type models
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from eventwire.evaluation.corpora import all_units
from eventwire.evaluation.embedding_cache import EmbeddingCache
from eventwire.evaluation.event_models import (
    oof_scores,
    train_classifier,
    train_linear_reading,
    train_prescore,
    train_relevance,
    train_stack,
    train_subtype,
    vectors_for,
)
from eventwire.mentions import (
    MODEL_PATH,
    PRESCORE_PATH,
    RELEVANCE_PATH,
    SUBTYPE_PATH,
    LinearModel,
    RelevanceModel,
    SubtypeModel,
    load_model,
    load_relevance,
    load_subtype,
)
from eventwire.settings import Settings


def main(argv: list[str]) -> int:
    """Train and save the four models; print what they were trained on and the threshold table."""
    subtype_only = "--subtype-only" in argv
    decision_only = "--decision-only" in argv
    args = [a for a in argv[1:] if a not in ("--subtype-only", "--decision-only")]
    data = Path(args[0] if args else "../shared/data")
    t0 = time.perf_counter()
    units = all_units(data)
    cache = EmbeddingCache(Path(Settings.from_env().cache) / "training-embeddings.npz")
    vec = vectors_for([u for u in units if u.part == "train"], cache)
    print(f"{len(units)} units, {len(vec)} distinct texts embedded ({time.perf_counter() - t0:.0f} s)")
    if subtype_only:
        _train_subtype(units, vec, load_model(MODEL_PATH))
        return 0
    if decision_only:
        relevance = load_relevance()
        oof = oof_scores([u for u in units if u.part == "train"], vec)
        _train_decision(units, vec, oof, dataclasses.replace(relevance, stack=None,
                                                             threshold=float(relevance.meta["threshold_embedding"])
                                                             if "threshold_embedding" in relevance.meta
                                                             else relevance.threshold),
                        load_model(MODEL_PATH), load_subtype())
        return 0
    classifier = train_classifier(units)
    classifier.save(MODEL_PATH)
    print(f"wrote {MODEL_PATH}: {len(classifier.vocab)} features, trained on {classifier.meta['trained_on']}")
    relevance, report, oof = train_relevance(units, vec)
    relevance.save(RELEVANCE_PATH)
    print(report)
    print(f"wrote {RELEVANCE_PATH} (threshold {relevance.threshold:.4f})")
    prescore, report = train_prescore(units, oof, classifier)
    prescore.save(PRESCORE_PATH)
    print(report)
    print(f"wrote {PRESCORE_PATH} (threshold {prescore.threshold:.4f})")
    subtype = _train_subtype(units, vec, classifier)
    _train_decision(units, vec, oof, relevance, classifier, subtype)
    return 0


def _train_subtype(units: list, vec: dict, classifier: LinearModel) -> SubtypeModel:
    subtype = train_subtype(units, vec, classifier=classifier)
    subtype.save(SUBTYPE_PATH)
    print(f"wrote {SUBTYPE_PATH} ({len(subtype.classes)} classes; weak UCDP examples {subtype.meta['weak_counts']})")
    return subtype


def _train_decision(units: list, vec: dict, oof: dict, relevance: RelevanceModel, classifier: LinearModel,
                    subtype: SubtypeModel) -> None:
    """The event decision over the relevance model, its linear reading and the sub-type models, saved with the
    relevance model (whose own threshold is kept in its meta for the record)."""
    linear = train_linear_reading(units, vec)
    stacked, report = train_stack(units, vec, oof, relevance, classifier, subtype, linear=linear)
    stacked.meta["threshold_embedding"] = f"{relevance.threshold:.6f}"
    stacked.save(RELEVANCE_PATH)
    print(report)
    print(f"wrote {RELEVANCE_PATH} (event decision threshold {stacked.threshold:.4f})")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
