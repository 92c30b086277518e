"""Learn where an event happened among the places a text names: one listwise decision per event word,
from the train parts of three corpora.

The candidates of an event word are every place name the geocoder tries in its sentence and in the
sentences next to it (``Geocoder.scored_places``): NER place entities, every capitalised run the
gazetteer knows whatever spaCy calls it, unknown names cued as places. Each is described by
``geo.event_place.candidate_features``; "none" (the text names no place of the event: the article's
context is used) by ``none_features``. A candidate is right when
- event-location sentences (marked event verb and location phrase): it overlaps the phrase;
- RAMS passages (trigger and ``place`` argument, which may stand in another sentence): it overlaps the
  argument;
- UCDP headlines naming the coded place (no trigger: the sentence's event word stands in; every
  sentence is asked, as extraction asks each): its record lies within 25 km of the coded point.
"None" is right when the example marks no place; when it marks one that no candidate is (a phrase such
as "the neighbourhood", a village the gazetteer lacks), "none" is the target with the weight
``--unreachable`` (0 by default: the cross-validated share of right decisions is best without).

The model is a conditional logit (softmax over each event word's candidates and "none"), fitted by
L-BFGS on the weighted log-likelihood of the right choices with an L2 penalty; each corpus's event
words are weighted by (mean corpus size / corpus size) ** ``balance`` so that the small RAMS part is not
drowned by the others. The penalty and the balance are chosen by 5-fold
cross-validation on the train parts (folds by text, fixed seed), by the mean over the three corpora of
the share of event words decided right. Validation and gold parts are never read here: ``eventwire eval
geo`` scores them. Writes ``src/eventwire/data/geo/event_place.json``.

Run: ``python scripts/train_event_place.py [DATA_DIR] [--rows FILE] [--base MODEL.json]`` (about 5 minutes of
CPU for the candidates, a minute for the fits).
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.feature_extraction import DictVectorizer

from eventwire.evaluation.event_place import Rows, candidate_rows, event_location_examples, rams_examples
from eventwire.evaluation.geo import ucdp_headline_examples
from eventwire.evaluation.splits import TRAIN, text_key
from eventwire.geo import EVENT_PLACE_MODEL_FILE, EventPlaceModel
from eventwire.pipeline import load_resources

OUT = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "geo" / EVENT_PLACE_MODEL_FILE
SEED = 20261130
CORPORA = ("event-location", "rams", "ucdp")
GRID_C = (0.3, 1.0)
GRID_BALANCE = (0.5, 1.0)


@dataclass
class Data:
    """Train rows as arrays: candidates (X, unit index, right), "none" features per unit (G, none right),
    the unit's corpus and whether it marks a place."""

    x: np.ndarray
    unit: np.ndarray
    right: np.ndarray
    g: np.ndarray
    none_right: np.ndarray
    marked: np.ndarray
    corpus: np.ndarray
    group: np.ndarray  # text id: folds keep one text's event words together
    starts: np.ndarray  # first candidate row of each unit
    off: np.ndarray  # a base model's score of each candidate (0 without one)
    goff: np.ndarray  # ...and of each unit's "none"


def arrays(rows: list[Rows], vec: DictVectorizer, gvec: DictVectorizer, base: EventPlaceModel | None = None) -> Data:
    """Stack the rows of the units that have candidates (with ``base``'s scores as fixed offsets)."""
    rows = [r for r in rows if r.features]
    feats = [f for r in rows for f in r.features]
    unit = np.repeat(np.arange(len(rows)), [len(r.features) for r in rows])
    starts = np.concatenate([[0], np.cumsum([len(r.features) for r in rows])[:-1]]).astype(int)
    groups = {}
    return Data(x=vec.transform(feats).astype(float), unit=unit,
                right=np.array([lab for r in rows for lab in r.labels], dtype=bool),
                g=gvec.transform([r.none_features for r in rows]).astype(float),
                none_right=np.array([not r.marked for r in rows], dtype=bool),
                marked=np.array([r.marked for r in rows], dtype=bool),
                corpus=np.array([CORPORA.index(r.example.corpus) for r in rows]),
                group=np.array([groups.setdefault(text_key(r.example.text), len(groups)) for r in rows]),
                starts=starts,
                off=np.array([base.score(f) if base else 0.0 for f in feats]),
                goff=np.array([base.none_score(r.none_features) if base else 0.0 for r in rows]))


def _segment_lse(values: np.ndarray, starts: np.ndarray, n_units: int, unit: np.ndarray) -> np.ndarray:
    """log-sum-exp of ``values`` per unit (rows sorted by unit; every unit has at least one row)."""
    peak = np.maximum.reduceat(values, starts)
    sums = np.add.reduceat(np.exp(values - peak[unit]), starts)
    return peak + np.log(sums)


def fit(d: Data, unit_weight: np.ndarray, c: float, unreachable: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate and "none" weights maximising the weighted listwise log-likelihood (L2 penalty 1/C)."""
    n_units, k = d.g.shape
    dim = d.x.shape[1]
    reachable = np.zeros(n_units, dtype=bool)
    np.logical_or.at(reachable, d.unit, d.right)
    # target: the right candidates; "none" when none is marked, or (weighted) when no candidate is right
    none_target = d.none_right | (d.marked & ~reachable)
    weight = unit_weight * np.where(d.marked & ~reachable, unreachable, 1.0)
    weight = np.where(d.none_right & reachable, 0.0, weight)  # a marked-none example with a right candidate: noise
    big = -1e9

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, v = theta[:dim], theta[dim:]
        s = d.x @ w + d.off
        sn = d.g @ v + d.goff
        # log Z per unit over candidates and none
        lse_c = _segment_lse(s, d.starts, n_units, d.unit)
        lse = np.logaddexp(lse_c, sn)
        s_right = np.where(d.right, s, big)
        lse_r = _segment_lse(s_right, d.starts, n_units, d.unit)
        target = np.where(none_target, sn, lse_r)
        ok = target > big / 2
        nll = np.where(ok, lse - target, 0.0) * weight
        p = np.exp(s - lse[d.unit])  # each candidate's probability
        pn = np.exp(sn - lse)
        q = np.where(d.right & ~none_target[d.unit], np.exp(s_right - lse_r[d.unit]), 0.0)  # target posterior
        coef = (p - q) * (weight * ok)[d.unit]
        grad_w = d.x.T @ coef + w / c
        grad_v = d.g.T @ ((pn - none_target) * weight * ok) + v / c
        value = float(nll.sum() + (w @ w + v @ v) / (2 * c))
        return value, np.concatenate([grad_w, grad_v])

    res = minimize(loss, np.zeros(dim + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:dim], res.x[dim:]


def decide(d: Data, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per unit: 1 when the choice is right (a right candidate, or none when none is marked)."""
    s = d.x @ w + d.off
    sn = d.g @ v + d.goff
    best = np.maximum.reduceat(s, d.starts)
    is_best = s >= best[d.unit]
    first_best = np.zeros(len(d.starts), dtype=int)
    for u, idx in zip(d.unit[is_best][::-1], np.nonzero(is_best)[0][::-1], strict=True):
        first_best[u] = idx  # the first of equal scores, as max() takes it
    chose_none = sn >= best
    return np.where(chose_none, d.none_right, d.right[first_best] & d.marked)


def corpus_weights(d: Data, balance: float) -> np.ndarray:
    counts = np.bincount(d.corpus, minlength=len(CORPORA)).astype(float)
    per = np.where(counts > 0, (counts[counts > 0].mean() / np.maximum(counts, 1)) ** balance, 0.0)
    return per[d.corpus]


def subset(d: Data, units: np.ndarray) -> Data:
    """The units ``units`` (a boolean mask) of ``d``."""
    keep_rows = units[d.unit]
    new_index = np.cumsum(units) - 1
    unit = new_index[d.unit[keep_rows]]
    counts = np.bincount(unit, minlength=int(units.sum()))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
    return Data(d.x[keep_rows], unit, d.right[keep_rows], d.g[units], d.none_right[units], d.marked[units],
                d.corpus[units], d.group[units], starts, d.off[keep_rows], d.goff[units])


def per_corpus(d: Data, right: np.ndarray) -> list[float]:
    return [float(right[d.corpus == k].mean()) if (d.corpus == k).any() else float("nan") for k in range(len(CORPORA))]


def cross_validate(d: Data, unreachable: float, folds: int = 5) -> tuple[float, float]:
    """The (C, balance) with the best mean per-corpus share of right decisions out of fold."""
    rng = np.random.default_rng(SEED)
    fold_of_group = rng.integers(0, folds, size=int(d.group.max()) + 1)
    fold = fold_of_group[d.group]
    best, best_score = (1.0, 0.5), -1.0
    for c, balance in itertools.product(GRID_C, GRID_BALANCE):
        right = np.zeros(len(d.starts), dtype=bool)
        for k in range(folds):
            tr, te = subset(d, fold != k), subset(d, fold == k)
            w, v = fit(tr, corpus_weights(tr, balance), c, unreachable)
            right[fold == k] = decide(te, w, v)
        shares = per_corpus(d, right)
        score = float(np.nanmean(shares))
        print(f"  C={c:<4} balance={balance:<4} right "
              + "  ".join(f"{n} {s:.3f}" for n, s in zip(CORPORA, shares, strict=True)) + f"  mean {score:.3f}")
        if score > best_score:
            best, best_score = (c, balance), score
    return best


def train_rows(data: Path) -> list[Rows]:
    """The candidate rows of the train parts' event words."""
    res = load_resources()
    rows: list[Rows] = []
    for read in (event_location_examples, rams_examples, ucdp_headline_examples):
        rows += candidate_rows([e for e in read(data) if e.part == TRAIN], res)
    return rows


def main(argv: list[str]) -> int:
    """Cross-validate, fit on every train event word, report, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("../shared/data"))
    parser.add_argument("--rows", type=Path, help="keep the candidate rows in this file (read when it exists): "
                        "refitting without recomputing them (they change with the geocoder's code)")
    parser.add_argument("--unreachable", type=float, default=0.0,
                        help="weight of 'none' as the target where no candidate is the marked place")
    parser.add_argument("--base", type=Path, help="a model whose weights stay as they are: only the features it "
                        "has no weight for are learnt, on top of its scores (new features without refitting the rest)")
    args = parser.parse_args(argv[1:])
    if args.rows is not None and args.rows.exists():
        with args.rows.open("rb") as fh:
            rows = pickle.load(fh)
    else:
        rows = train_rows(args.data)
        if args.rows is not None:
            with args.rows.open("wb") as fh:
                pickle.dump(rows, fh)
    base = EventPlaceModel.load(args.base) if args.base is not None else None
    vec = DictVectorizer(sparse=False).fit([{k: v for k, v in f.items() if base is None or k not in base.weights}
                                            for r in rows for f in r.features])
    gvec = DictVectorizer(sparse=False).fit([{k: v for k, v in r.none_features.items()
                                              if base is None or k not in base.none_weights} for r in rows])
    d = arrays(rows, vec, gvec, base)
    print(f"{len(d.starts)} event words with candidates, {len(d.unit)} candidates, {d.x.shape[1]} features")
    unreachable = args.unreachable
    c, balance = cross_validate(d, unreachable)
    w, v = fit(d, corpus_weights(d, balance), c, unreachable)
    shares = per_corpus(d, decide(d, w, v))
    print(f"chosen: C={c} balance={balance} unreachable={unreachable}; train (in sample) "
          + "  ".join(f"{n} {s:.3f}" for n, s in zip(CORPORA, shares, strict=True)))
    n_train = {n: int((d.corpus == k).sum()) for k, n in enumerate(CORPORA)}
    weights = {n: float(x) for n, x in zip(vec.get_feature_names_out(), w, strict=True) if abs(x) > 1e-9}
    none_weights = {n: float(x) for n, x in zip(gvec.get_feature_names_out(), v, strict=True)}
    stage = ""
    if base is not None:
        weights |= base.weights
        none_weights |= base.none_weights
        stage = ("; only " + ", ".join(sorted({*vec.get_feature_names_out(), *gvec.get_feature_names_out()}))
                 + f" learnt, on top of a base model whose weights stay: {base.source}")
    model = EventPlaceModel(
        weights=weights,
        none_weights=none_weights,
        source=(f"conditional logit over each event word's candidate places and 'none' (L-BFGS, C={c}, corpus "
                f"balance {balance}, unreachable weight {unreachable}, chosen by 5-fold cross-validation, seed "
                f"{SEED}) on the train parts: {n_train['event-location']} event-location sentences ('Geolocating "
                f"Political Events in Text', MIT licence), {n_train['rams']} RAMS passages (CC BY-SA 4.0), "
                f"{n_train['ucdp']} UCDP headline sentences (CC BY 4.0); splits in eventwire/evaluation/splits/; "
                "built by scripts/train_event_place.py" + stage))
    model.save(OUT)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
