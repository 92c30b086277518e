"""Train the trigger and role models from the train parts of RAMS, PLOVER and event-location.

Rows come from ``eventwire.evaluation.roles.training_rows`` (features of ``eventwire.mentions.roles``);
each model is a multinomial logistic regression (scikit-learn, lbfgs, fixed seed) over hashed feature
indicators and the standardised token vectors. The decision thresholds (how sure the model must be
that a named participant acted, or underwent the event, before it becomes actor1 / actor2) are fixed
from 5-fold cross-validation over the train part's passages, never from the validation part, which
is only scored. When no participant of a sentence reaches them, the best one above threshold x a fallback
scale is taken; the scale is the one that decides best on train-part UCDP headlines and RAMS attack
passages. Writes ``src/eventwire/data/roles/roles.npz``.

Run: ``python scripts/train_roles.py [DATA_DIR]`` (about 15 minutes on two shared cores the first time; the parsed
sentences are kept in the cache folder, so a rerun takes about half that).
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from eventwire.evaluation.actors import score_ucdp
from eventwire.evaluation.roles import Rows, attacker_decisions, iter_roles_text, score_rams, training_rows
from eventwire.evaluation.splits import TRAIN
from eventwire.mentions import HASH_BITS, ROLE_CLASSES, ROLES_PATH, LinearScorer, RoleModel, load_roles, save_roles
from eventwire.pipeline import load_resources

SEED = 20261130
C_TRIGGER = 0.5
C_ROLE = 0.5
SCALES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
CALIBRATION_HEADLINES = 150  # per UCDP subset, train part


def matrix(rows: Rows, mean: np.ndarray | None = None, std: np.ndarray | None = None
           ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """The design matrix: hashed indicators, then the standardised dense vectors."""
    n, width = len(rows.x), 1 << HASH_BITS
    indptr, indices = [0], []
    for idx, _dense in rows.x:
        indices.extend(int(i) for i in idx)
        indptr.append(len(indices))
    hashed = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(n, width))
    dense = np.stack([d for _i, d in rows.x]).astype(np.float32)
    if mean is None or std is None:
        mean, std = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    return sparse.hstack([hashed, sparse.csr_matrix((dense - mean) / std)]).tocsr(), mean, std


def fit(rows: Rows, c: float) -> LinearScorer:
    """A logistic regression folded back into raw-vector weights (the runtime does not standardise)."""
    x, mean, std = matrix(rows)
    clf = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    clf.fit(x, np.asarray(rows.y), sample_weight=np.asarray(rows.w))
    coef = clf.coef_.astype(np.float64)
    b = clf.intercept_.astype(np.float64)
    width = 1 << HASH_BITS
    w_hash, w_dense = coef[:, :width], coef[:, width:] / std
    b = b - (coef[:, width:] * (mean / std)).sum(axis=1)
    return LinearScorer(W_hash=w_hash.astype(np.float32), W_dense=w_dense.astype(np.float32), b=b.astype(np.float32))


def _folds(groups: Sequence[str], k: int = 5) -> np.ndarray:
    return np.array([int(hashlib.sha1(g.encode()).hexdigest(), 16) % k for g in groups])


def cv_thresholds(rows: Rows, c: float) -> tuple[float, float]:
    """The agent and patient probabilities that best separate gold participants, from 5-fold CV."""
    fold = _folds(rows.group)
    probs = np.zeros((len(rows.y), len(ROLE_CLASSES)))
    for k in range(5):
        tr = np.flatnonzero(fold != k)
        te = np.flatnonzero(fold == k)
        sub = Rows([rows.x[i] for i in tr], [rows.y[i] for i in tr], [rows.w[i] for i in tr],
                   [rows.group[i] for i in tr])
        model = fit(sub, c)
        probs[te] = model.scores([rows.x[i] for i in te])
    y = np.asarray(rows.y)
    out = []
    for cls in ("agent", "patient"):
        j = ROLE_CLASSES.index(cls)
        best = (0.0, 0.5)
        for t in np.arange(0.1, 0.9, 0.02):
            pred = probs[:, j] >= t
            tp = float((pred & (y == j)).sum())
            prec = tp / max(pred.sum(), 1)
            rec = tp / max((y == j).sum(), 1)
            f1 = 2 * prec * rec / max(prec + rec, 1e-9)
            best = max(best, (f1, round(float(t), 2)))
        print(f"cross-validated {cls} threshold {best[1]} (F1 {best[0]:.3f})")
        out.append(best[1])
    return out[0], out[1]


def calibrate(nlp, data: Path, model: RoleModel) -> float:
    """The fallback scale: when no participant of a sentence reaches the cross-validated threshold (chosen per
    candidate), the best one above threshold x scale is taken. Chosen on train parts only: the scale that
    makes the most decisions right on UCDP headlines (actor1 is a side) and RAMS attack passages (the
    agent taken is the attacker, or nobody when none is named)."""
    best = (-1.0, 1.0)
    for scale in SCALES:
        m = dataclasses.replace(model, fallback_scale=scale)
        right = score_ucdp(nlp, data, part=TRAIN, per_subset=CALIBRATION_HEADLINES, model=m)["all"]["eventwire"]
        rams = attacker_decisions(nlp, m, data, TRAIN)
        print(f"fallback scale {scale}: UCDP train headlines actor1 {right['actor1']:.3f}, RAMS train attack "
              f"decisions {rams:.3f}")
        best = max(best, (right["actor1"] + rams, scale))
    return best[1]


def main(argv: list[str]) -> None:
    data = Path(argv[1] if len(argv) > 1 else "../shared/data")
    nlp = load_resources().nlp
    trig, role = training_rows(nlp, data, TRAIN)
    print(f"trigger rows {len(trig.y)} ({sum(trig.y)} triggers); role rows {len(role.y)} "
          f"({', '.join(f'{c} {role.y.count(i)}' for i, c in enumerate(ROLE_CLASSES))})")
    agent_t, patient_t = cv_thresholds(role, C_ROLE)
    trigger_model = fit(trig, C_TRIGGER)
    role_model = fit(role, C_ROLE)
    scale = calibrate(nlp, data, RoleModel(trigger_model, role_model, agent_t, patient_t, {}))
    meta = {
        "source": ("logistic regressions (scikit-learn lbfgs, seed 20261130) on hashed parse features and "
                   "en_core_web_sm token vectors; train parts of RAMS 1.0 (CC BY-SA 4.0), PLOVER GSR "
                   "(CC BY-SA 4.0) and event-location (MIT) in eventwire/evaluation/splits; "
                   "built by scripts/train_roles.py"),
        "rows": f"trigger {len(trig.y)}, role {len(role.y)}",
        "c": f"trigger {C_TRIGGER}, role {C_ROLE}",
    }
    save_roles(ROLES_PATH, trigger_model, role_model, agent_threshold=agent_t, patient_threshold=patient_t,
               fallback_scale=scale,
               meta=meta)
    load_roles.cache_clear()
    print(f"wrote {ROLES_PATH} ({ROLES_PATH.stat().st_size // 1024} KB)")
    for line in iter_roles_text(score_rams(nlp, load_roles(), data)):
        print(line)


if __name__ == "__main__":
    main(sys.argv)
