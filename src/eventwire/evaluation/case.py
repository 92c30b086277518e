"""Score event classification on CASE-style snippets (CASE 2021 task 2 TSV: id, EventSnippet, SubType).

Reports weighted and macro F1 over the 25 ACLED sub-types and over all 30 CASE codes, with the
most frequent confusions. Every CASE snippet reports an event, so predictions are restricted to
the 30 CASE codes (NONE is never answered here).

``--cv K`` scores the classifier by K-fold cross-validation instead of the packaged model: for
each fold a model is trained on the other folds plus the non-CASE training corpus and scores
only the fold it never saw. Use it when the TSV is also training data (dev.tsv).

    python -m eventwire.evaluation.case PATH [--cv K] [--json]
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.training import base_corpus, content_words, read_case_tsv, resembles, train
from eventwire.mentions import ACLED_CODES, CASE_CODES, LinearModel, classify_many, load_model


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall, F1 and support of one code."""

    code: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class CaseReport:
    """Scores of one run over a CASE-style file."""

    path: str
    mode: str  # "model" (packaged model) or "cv-K"
    n: int
    accuracy: float
    weighted_f1_acled: float
    macro_f1_acled: float
    weighted_f1_all: float
    macro_f1_all: float
    per_class: list[ClassScore] = field(default_factory=list)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)  # (gold, predicted, count)
    seen_by_model: bool = False

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "path": self.path, "mode": self.mode, "n": self.n, "accuracy": self.accuracy,
            "weighted_f1_acled": self.weighted_f1_acled, "macro_f1_acled": self.macro_f1_acled,
            "weighted_f1_all": self.weighted_f1_all, "macro_f1_all": self.macro_f1_all,
            "seen_by_model": self.seen_by_model,
            "per_class": [vars(c) for c in self.per_class],
            "confusions": [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusions],
        }

    def to_text(self, top: int = 15) -> str:
        """Human-readable summary with per-class scores and the top confusions."""
        seen = " (texts SEEN in training: not a held-out score)" if self.seen_by_model else ""
        lines = [
            f"CASE evaluation of {self.path} [{self.mode}]{seen}",
            f"  snippets: {self.n}   accuracy: {self.accuracy:.3f}",
            f"  25 ACLED sub-types: weighted F1 {self.weighted_f1_acled:.3f}"
            f"   macro F1 {self.macro_f1_acled:.3f}",
            f"  all 30 codes:       weighted F1 {self.weighted_f1_all:.3f}"
            f"   macro F1 {self.macro_f1_all:.3f}",
            "",
            f"  {'code':<30} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}",
        ]
        for c in sorted(self.per_class, key=lambda c: c.f1):
            lines.append(f"  {c.code:<30} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.support:4d}")
        lines += ["", "  top confusions (gold -> predicted: count)"]
        lines += [f"    {g} -> {p}: {n}" for g, p, n in self.confusions[:top]]
        return "\n".join(lines)


def score(gold: Sequence[str], pred: Sequence[str], *, path: str = "", mode: str = "model",
          seen: bool = False) -> CaseReport:
    """Build a report from gold and predicted codes (same order)."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    acled = [c for c in ACLED_CODES if c in set(gold)]
    all_codes = [c for c in CASE_CODES if c in set(gold)]

    def f1(labels: list[str], avg: str) -> float:
        return float(f1_score(gold, pred, labels=labels, average=avg, zero_division=0)) if labels else 0.0

    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=all_codes, zero_division=0)
    per_class = [ClassScore(c, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
                 for i, c in enumerate(all_codes)]
    confusions = Counter((g, q) for g, q in zip(gold, pred, strict=True) if g != q)
    return CaseReport(
        path=path, mode=mode, n=len(gold),
        accuracy=sum(g == q for g, q in zip(gold, pred, strict=True)) / max(len(gold), 1),
        weighted_f1_acled=f1(acled, "weighted"), macro_f1_acled=f1(acled, "macro"),
        weighted_f1_all=f1(all_codes, "weighted"), macro_f1_all=f1(all_codes, "macro"),
        per_class=per_class,
        confusions=[(g, q, n) for (g, q), n in confusions.most_common()],
        seen_by_model=seen,
    )


def cross_validate(texts: Sequence[str], gold: Sequence[str], k: int = 5, *,
                   data_root: Path | None = None, seed: int = 0, guard: bool = True) -> list[str]:
    """Out-of-fold predictions: each text is predicted by a model trained without its fold.

    With ``guard`` (default), written training templates that paraphrase a text of the test fold
    (most of their content words appear in it) are left out of that fold's training, so the
    developers' reading of these texts cannot leak into their score.
    """
    from sklearn.model_selection import StratifiedKFold

    base = base_corpus(data_root)
    links: dict[str, set[int]] = {}
    if guard:
        words = [content_words(t) for t in texts]
        for tpl in {t for t in base.templates if t}:
            linked = {i for i, w in enumerate(words) if resembles(tpl, w)}
            if linked:
                links[tpl] = linked
    pred = [""] * len(texts)
    # Stratify on the label, but classes rarer than k still have to land somewhere.
    counts = Counter(gold)
    strata = [g if counts[g] >= k else "_rare" for g in gold]
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # sklearn warns when a class has fewer members than folds; the "_rare" stratum is expected.
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(folds.split(list(texts), strata))
    for train_idx, test_idx in splits:
        held_out = set(test_idx.tolist())
        keep = [j for j, tpl in enumerate(base.templates) if not (links.get(tpl, set()) & held_out)]
        model: LinearModel = train(
            [base.texts[j] for j in keep] + [texts[i] for i in train_idx],
            [base.labels[j] for j in keep] + [gold[i] for i in train_idx],
            weights=[base.weights[j] for j in keep] + [1.0] * len(train_idx),
        )
        out = classify_many([texts[i] for i in test_idx], allow=CASE_CODES, model=model)
        for i, c in zip(test_idx, out, strict=True):
            pred[i] = c.code
    return pred


def evaluate_case(path: Path, *, cv: int | None = None, data_root: Path | None = None,
                  guard: bool = True) -> CaseReport:
    """Score the packaged classifier (or K-fold CV with ``cv=K``) on a CASE-style TSV."""
    rows = read_case_tsv(path)
    texts = [r[1] for r in rows]
    gold = [r[2] for r in rows]
    if cv:
        pred = cross_validate(texts, gold, cv, data_root=data_root, guard=guard)
        return score(gold, pred, path=str(path), mode=f"cv-{cv}" + ("" if guard else "-unguarded"))
    model = load_model()
    # The training script records the sha256 of every CASE file it trained on.
    seen = hashlib.sha256(path.read_bytes()).hexdigest() in model.meta.get("case_files", "").split(",")
    pred = [c.code for c in classify_many(texts, allow=CASE_CODES, model=model)]
    return score(gold, pred, path=str(path), mode="model", seen=seen)
