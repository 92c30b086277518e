"""Which candidate of a sentence is a place, and where its event happened: a linear model over
``Geocoder.event_features``.

The weights are learnt (logistic regression) on the train parts of the event-location sentences,
RAMS place arguments and UCDP headlines by ``scripts/train_event_place.py`` and shipped in
``data/geo/event_place.json`` with their provenance; ``threshold`` is the score under which the
sentence names no place for the given event word, ``threshold_without_trigger`` the same when no
event word is known.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.geo.gazetteer import data_file

MODEL_FILE = "event_place.json"


@dataclass(frozen=True)
class EventPlaceModel:
    """Linear scores of candidate event places: ``bias + sum(weight * feature)``."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.0
    source: str = ""
    # Without a known event word (the sentence's root stands in), the score under which the sentence
    # names no place of its event; learnt on headlines whose coded place is known
    threshold_without_trigger: float = math.log(0.1 / 0.9)

    def score(self, features: dict[str, float]) -> float:
        """The log-odds that a place with these features is the event's place."""
        w = self.weights
        return self.bias + sum(w.get(k, 0.0) * v for k, v in features.items())

    @classmethod
    def load(cls, path: Path | None = None) -> EventPlaceModel:
        """The shipped model (or one written by the training script to ``path``)."""
        with (path or data_file(MODEL_FILE)).open(encoding="utf-8") as fh:
            d = json.load(fh)
        return cls(weights=dict(d["weights"]), bias=float(d["bias"]), threshold=float(d["threshold"]),
                   source=d.get("source", ""),
                   threshold_without_trigger=float(d.get("threshold_without_trigger", math.log(0.1 / 0.9))))

    def save(self, path: Path) -> None:
        """Write the model as JSON (sorted, so retraining on the same data changes nothing)."""
        d = {"source": self.source, "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
             "threshold_without_trigger": round(self.threshold_without_trigger, 6),
             "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())}}
        path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
