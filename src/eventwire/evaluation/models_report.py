"""The event models on the validation parts: the relevance operating points, the sub-type models beside
their plain peer, and the pre-score's recall (``eventwire eval models``). Training lives in
``eventwire.evaluation.event_models``."""

from __future__ import annotations

import random
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np

from eventwire.evaluation.case import score
from eventwire.evaluation.corpora import Unit
from eventwire.evaluation.embedding_cache import EmbeddingCache
from eventwire.evaluation.event_models import (
    C_SUBTYPE,
    FUSION_WEIGHT,
    SEED,
    fit_subtype,
    stack_inputs,
    subtype_examples,
    svm_corpus,
    table,
    unit_scores,
)
from eventwire.evaluation.training import content_words, resembles, train
from eventwire.mentions import (
    CASE_CODES,
    SENTENCE_MIN_RELEVANCE,
    TEMPERATURE,
    LinearModel,
    PreScoreModel,
    RelevanceModel,
)


def _strata(gold: Sequence[str], k: int) -> list[str]:
    counts = Counter(gold)
    return [g if counts[g] >= k else "_rare" for g in gold]


def case_folds(gold: Sequence[str], k: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds as ``eventwire.evaluation.case.cross_validate`` makes them."""
    from sklearn.model_selection import StratifiedKFold

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(list(gold), _strata(gold, k)))


def svm_probs(train_texts: Sequence[str], train_codes: Sequence[str], train_w: Sequence[float],
              test_texts: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """The lexical classifier fitted on the given texts: its softmax scores of the test texts."""
    model = train(list(train_texts), list(train_codes), weights=list(train_w))
    z = model.decision(list(test_texts)) / TEMPERATURE
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return model.classes, p / p.sum(axis=1, keepdims=True)


def align(classes: Sequence[str], probs: np.ndarray, target: Sequence[str]) -> np.ndarray:
    """Reorder/extend probability columns to ``target`` (missing classes get 0)."""
    out = np.zeros((probs.shape[0], len(target)))
    idx = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(target):
        if c in idx:
            out[:, j] = probs[:, idx[c]]
    return out


def predict_allowed(probs: np.ndarray, classes: Sequence[str], allow: Sequence[str]) -> list[str]:
    """Argmax over the allowed classes."""
    mask = np.array([c in set(allow) for c in classes])
    return [classes[int(i)] for i in np.where(mask, probs, -1).argmax(axis=1)]


def subtype_comparison(units: Sequence[Unit], vec: dict[str, np.ndarray], *, c: float = C_SUBTYPE,
                       alphas: Sequence[float] = (1.0, 0.0, FUSION_WEIGHT),
                       classifier: LinearModel | None = None) -> dict[str, dict[str, float]]:
    """CASE validation scores and 5-fold CV on the CASE train half for the sub-type model alone
    (alpha=1), the lexical classifier alone (alpha=0) and their weighted average, each retrained
    per fold on train-part data only (templates that paraphrase a test snippet left out)."""
    case_train = [u for u in units if u.corpus == "case" and u.part == "train"]
    case_val = [u for u in units if u.corpus == "case" and u.part == "validation"]
    extra_units = [u for u in units if u.corpus != "case"]
    svm_extra = [x for x in svm_corpus(extra_units)]
    classes = tuple(sorted(set(CASE_CODES) | {"NONE"}))
    results: dict[str, dict[str, float]] = {}

    def evaluate(train_case: list[Unit], test_case: list[Unit]) -> dict[float, list[str]]:
        ex_texts, ex_codes, ex_w, ex_weak = subtype_examples(list(train_case) + extra_units, classifier)
        test_texts = [u.examples[0].text for u in test_case]
        test_words = [content_words(t) for t in test_texts]
        keep = [i for i, t in enumerate(ex_texts) if not any(resembles(t, w) for w in test_words)]
        lr = fit_subtype(np.stack([vec[ex_texts[i]] for i in keep]), [ex_codes[i] for i in keep],
                         [ex_w[i] for i in keep], c, [ex_weak[i] for i in keep])
        p_lr = align(lr.classes, lr.probabilities(np.stack([vec[t] for t in test_texts])), classes)
        sx = [(t, lab, w) for t, lab, w, tpl in svm_extra if not (tpl and any(resembles(t, ww) for ww in test_words))]
        s_cls, p_s = svm_probs([u.examples[0].text for u in train_case] + [t for t, _, _ in sx],
                               [u.code for u in train_case] + [lab for _, lab, _ in sx],
                               [1.0] * len(train_case) + [w for _, _, w in sx], test_texts)
        p_svm = align(s_cls, p_s, classes)
        return {a: predict_allowed(a * p_lr + (1 - a) * p_svm, classes, CASE_CODES) for a in alphas}

    def record(name: str, gold: list[str], pred: list[str]) -> None:
        rep = score(gold, pred, path=name)
        results[name] = {"wF1_acled": rep.weighted_f1_acled, "mF1_acled": rep.macro_f1_acled,
                         "wF1_all": rep.weighted_f1_all, "acc": rep.accuracy}

    preds = evaluate(case_train, case_val)
    for a in alphas:
        record(f"validation alpha={a}", [u.code for u in case_val], preds[a])
    gold_tr = [u.code for u in case_train]
    oof = {a: [""] * len(case_train) for a in alphas}
    for tr, te in case_folds(gold_tr):
        p = evaluate([case_train[i] for i in tr], [case_train[i] for i in te])
        for a in alphas:
            for i, code in zip(te, p[a], strict=True):
                oof[a][i] = code
    for a in alphas:
        record(f"cv5-train alpha={a}", gold_tr, oof[a])
    return results


def comparison_text(results: dict[str, dict[str, float]]) -> str:
    """The comparison as a table (alpha=1: sub-type model alone, 0: lexical classifier alone)."""
    lines = [f"{'run':<28}{'wF1 25 ACLED':>14}{'macroF1 25':>12}{'wF1 30':>9}{'acc':>7}"]
    for name, r in results.items():
        lines.append(f"{name:<28}{r['wF1_acled']:>14.3f}{r['mF1_acled']:>12.3f}{r['wF1_all']:>9.3f}{r['acc']:>7.3f}")
    return "\n".join(lines)


def decision_of(model: RelevanceModel, texts: Sequence[str], vec: dict[str, np.ndarray],
                reading: dict[str, tuple[float, float]] | None) -> np.ndarray:
    """The score the model's threshold applies to: the event decision where the model has one (``reading``
    from ``stack_inputs``), else the relevance score."""
    if not texts:
        return np.zeros(0)
    x = np.stack([vec[t] for t in texts])
    rel = model.sentence_scores(x)
    if model.stack is None or reading is None:
        return rel
    return model.decision_scores(rel, np.asarray([reading[t][0] for t in texts]),
                                 np.asarray([reading[t][1] for t in texts]), model.linear_scores(x))


def relevance_report(units: Sequence[Unit], vec: dict[str, np.ndarray], model: RelevanceModel,
                     part: str = "validation", passed: set[str] | None = None,
                     reading: dict[str, tuple[float, float]] | None = None) -> str:
    """The operating-point table of a relevance model on one part of the units; with ``passed``, a
    sentence outside it scores 0 (the pre-score keeps it from the model, as at run time)."""
    chosen = [u for u in units if u.part == part and u.corpus != "written"]
    texts = sorted({t for u in chosen for t in u.sentences if passed is None or t in passed})
    scored = dict(zip(texts, decision_of(model, texts, vec, reading).tolist(), strict=True))

    def sentence_score(_: Unit, t: str) -> float:
        return scored.get(t, 0.0)

    scores = unit_scores(chosen, sentence_score, model.lede, model.k_best, model.short)
    grid = sorted({0.5, 0.7, 0.9, 0.95, 0.98, round(model.threshold, 4)})
    gate = "" if passed is None else ", sentences the pre-score passes"
    return f"[{part} part{gate}] relevance model at threshold {model.threshold:.4f} (k_best={model.k_best}, " \
           f"short={model.short})\n" + \
        table(scores, grid)


# Validation sentences embedded whole to measure the pre-score's recall (a fixed sample): embedding all
# 39k of them would take an hour on two cores, and those the pre-score stops are never embedded at run time.
RECALL_SAMPLE = 4000


def validation_vectors(units: Sequence[Unit], classifier: LinearModel, prescore: PreScoreModel,
                       cache: EmbeddingCache, sample: int = RECALL_SAMPLE
                       ) -> tuple[dict[str, np.ndarray], set[str], list[str]]:
    """What the validation report needs: (text -> vector, the sentences the pre-score passes, a fixed
    sample of all validation sentences). Vectors cover the passed sentences, the sample and the
    validation training examples."""
    val = [u for u in units if u.part == "validation" and u.corpus != "written"]
    texts = sorted({t for u in val for t in u.sentences})
    ok = prescore.scores(classifier.vectorize(texts)) >= prescore.threshold
    passed = {t for t, k in zip(texts, ok, strict=True) if k}
    drawn = sorted(random.Random(SEED).sample(texts, min(sample, len(texts))))
    need = sorted(passed | set(drawn) | {e.text for u in val for e in u.examples if u.corpus == "case"})
    return dict(zip(need, cache.get(need, batch_size=1), strict=True)), passed, drawn


def prescore_recall(units: Sequence[Unit], vec: dict[str, np.ndarray], relevance: RelevanceModel,
                    classifier: LinearModel, prescore: PreScoreModel, sample: Sequence[str],
                    part: str = "validation", reading: dict[str, tuple[float, float]] | None = None
                    ) -> dict[str, tuple[int, int, int, int, float]]:
    """How many of the sentences the relevance model flags the pre-score lets through, per corpus, among
    the ``sample`` of one part's sentences: corpus -> (passed, flagged at the threshold, passed, scored >=
    SENTENCE_MIN_RELEVANCE, share of the corpus's sampled sentences passed); "all" sums them."""
    out: dict[str, tuple[int, int, int, int, float]] = {}
    drawn = set(sample)
    for corpus in ("case", "ucdp", "ecb", "l3s", "rams", "plover", "evloc", "bbc", "all"):
        texts = sorted({t for u in units if u.part == part and corpus in (u.corpus, "all") for t in u.sentences
                        if t in drawn})
        if not texts:
            continue
        rel = decision_of(relevance, texts, vec, reading)
        passed = prescore.scores(classifier.vectorize(texts)) >= prescore.threshold
        flagged, maybe = rel >= relevance.threshold, rel >= SENTENCE_MIN_RELEVANCE
        out[corpus] = (int((passed & flagged).sum()), int(flagged.sum()), int((passed & maybe).sum()),
                       int(maybe.sum()), float(passed.mean()))
    return out


def case_peer(units: Sequence[Unit], vec: dict[str, np.ndarray]) -> tuple[list[str], list[str]]:
    """The plain peer of CASE typing: TF-IDF word 1-2-grams and the bge-small-en embedding of the snippet,
    one LinearSVC, trained on the CASE train half alone; (gold, predicted) codes of the validation half."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    train_u = [u for u in units if u.corpus == "case" and u.part == "train"]
    val_u = [u for u in units if u.corpus == "case" and u.part == "validation"]
    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)

    def features(us: Sequence[Unit], fit: bool):
        texts = [u.examples[0].text for u in us]
        words = tfidf.fit_transform(texts) if fit else tfidf.transform(texts)
        return hstack([words, csr_matrix(np.stack([vec[t] for t in texts]))]).tocsr()

    clf = LinearSVC(C=1.0, random_state=0).fit(features(train_u, True), [u.code for u in train_u])
    return [u.code for u in val_u], [str(c) for c in clf.predict(features(val_u, False))]


def models_report(units: Sequence[Unit], vec: dict[str, np.ndarray], relevance: RelevanceModel,
                  classifier: LinearModel, prescore: PreScoreModel, passed: set[str], sample: Sequence[str]) -> str:
    """The shipped models on the validation parts: the relevance operating points (sentences the
    pre-score stops score 0, as at run time), the sub-type models compared (retrained per fold, so nothing
    scores what it was fitted on) beside the plain peer, and the recall of the pre-score that decides
    which sentences are embedded (on a fixed sample of the validation sentences)."""
    gold, pred = case_peer(units, vec)
    peer = score(gold, pred, path="peer")
    reading = None
    if relevance.stack is not None:
        from eventwire.mentions import load_subtype

        reading = stack_inputs([t for t in vec], vec, classifier, load_subtype())
    lines = [relevance_report(units, vec, relevance, passed=passed, reading=reading), "",
             "sub-types, weighted F1 over the 25 ACLED sub-types (alpha=1: embedding model alone, "
             "0: lexical classifier alone):", comparison_text(subtype_comparison(units, vec, classifier=classifier)),
             f"{'peer: TF-IDF + bge-small + LinearSVC':<28}{peer.weighted_f1_acled:>14.3f}{peer.macro_f1_acled:>12.3f}"
             f"{peer.weighted_f1_all:>9.3f}{peer.accuracy:>7.3f}   (CASE train half alone, scored on validation)", "",
             f"pre-score (threshold {prescore.threshold:.4f}): the sentences the relevance model flags (at its "
             f"threshold {relevance.threshold:.4f}, and at {SENTENCE_MIN_RELEVANCE}) that it lets through, and the "
             f"share of all sentences it passes (a fixed sample of {len(sample)} validation sentences)",
             f"  {'corpus':<7}{'flagged':>17}{'recall':>8}{'>= 0.5':>17}{'recall':>8}{'passed':>9}"]
    for corpus, (p1, f1, p2, f2, share) in prescore_recall(units, vec, relevance, classifier, prescore,
                                                           sample, reading=reading).items():
        r1 = f"{p1 / f1:.3f}" if f1 else "-"
        r2 = f"{p2 / f2:.3f}" if f2 else "-"
        lines.append(f"  {corpus:<7}{p1:>8d} / {f1:<6d}{r1:>8}{p2:>8d} / {f2:<6d}{r2:>8}{share:>9.3f}")
    return "\n".join(lines)
