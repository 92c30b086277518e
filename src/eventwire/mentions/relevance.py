"""Learned event relevance (sentence and article) and event sub-type, on sentence embeddings.

Both models are linear over the 384-d bge-small-en sentence vector (``embed.SentenceEmbedder``),
stored as plain arrays in .npz files (loadable with ``allow_pickle=False``):

* ``relevance.npz``: a one-hidden-layer MLP ``W1`` (384, h), ``b1`` (h,), ``w`` (h,), ``b`` ()
  (or, without ``W1``, a logistic regression ``w`` (384,), ``b``), plus ``threshold``, ``k_best``,
  ``lede`` and ``meta_*``. A sentence's probability of reporting an ACLED-type event is
  ``sigmoid(relu(x @ W1 + b1) @ w + b)``. An article (title first) is relevant when its
  ``k_best``-th best sentence among the first ``lede`` (0 = all) reaches ``threshold``; texts of at
  most ``short`` sentences need only their best sentence. With ``stack`` (3 weights and a bias), the
  score the threshold applies to is the **event decision**: a logistic regression over the logits of that
  probability and of the sub-type models' reading (their mass on ACLED codes and their likeliest ACLED
  code), so that a sentence both models read as an event is one even where the embedding alone is unsure.
  With ``w_lin``/``b_lin`` (a logistic regression over the same vector) and ``stack`` of 4 weights and a
  bias, that plain reading of the embedding is a fourth input. The linear reading knows the topic more than
  the deed: the decision learns a negative weight for it beside the MLP's (conflict talk the MLP does not
  read as an event is context), and on the validation parts it finds more events at fewer false alarms than
  the three inputs refitted alone (``eventwire eval relevance``).
* ``subtype.npz``: ``W`` (n_classes, 384), ``b`` (n_classes,), ``classes`` and ``meta_*``: a
  multinomial logistic regression over the 25 ACLED sub-types, the 5 non-ACLED CASE codes and NONE.
* ``prescore.npz``: ``w`` (n_features,), ``b``, ``threshold``, ``n_features`` and ``meta_*``: a
  logistic regression over the lexical classifier's TF-IDF features (``classify.LinearModel.vectorize``)
  that says, cheaply, whether the relevance model may flag a sentence; its threshold keeps at least
  99% of the sentences the relevance model flags (out of fold on the train parts), so only those are
  embedded.

Both are trained by ``scripts/train_event_models.py`` on the train parts of the development corpora
(``eventwire.evaluation.event_models``) and shipped in ``eventwire/data/models``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eventwire.errors import Errors, UsageError


def _meta(z) -> dict[str, str]:
    return {k[5:]: str(z[k]) for k in z.files if k.startswith("meta_")}


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically safe logistic function."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def event_features(relevance: np.ndarray, acled_mass: np.ndarray, acled_top: np.ndarray,
                   linear: np.ndarray | None = None) -> np.ndarray:
    """The event decision's inputs, as logits (n, 3), or (n, 4) with the linear relevance reading: relevance,
    [linear relevance,] ACLED mass and top ACLED code of the sub-type models' fused reading."""
    values = (relevance, acled_mass, acled_top) if linear is None else (relevance, linear, acled_mass, acled_top)
    cols = [np.clip(np.asarray(v, dtype=np.float64), 1e-6, 1 - 1e-6) for v in values]
    return np.stack([np.log(c / (1 - c)) for c in cols], axis=-1)


@dataclass(frozen=True)
class RelevanceModel:
    """Linear sentence-relevance scorer with its article-level decision rule."""

    w: np.ndarray
    b: float
    threshold: float
    lede: int  # 0: any sentence counts; k: only the first k sentences (title included) count
    meta: dict[str, str]
    W1: np.ndarray | None = None  # hidden layer (384, h); None for a plain logistic regression
    b1: np.ndarray | None = None
    k_best: int = 1  # how many sentences of a longer article must reach the threshold
    short: int = 3  # a text of at most this many sentences is judged by its best sentence
    # the event decision: weights of a logistic regression over the relevance model's logit and the sub-type
    # models' reading of the sentence (``event_features``), bias last; ``threshold`` then applies to its score.
    # None: the relevance model's score alone decides
    stack: np.ndarray | None = None
    # the plain logistic reading of the same vector, a fourth input of the event decision (None: three inputs)
    w_lin: np.ndarray | None = None
    b_lin: float = 0.0

    def sentence_scores(self, vectors: np.ndarray) -> np.ndarray:
        """P(sentence reports an ACLED-type event) from the embedding alone, shape (n,)."""
        h = vectors if self.W1 is None else np.maximum(vectors @ self.W1 + self.b1, 0.0)
        return sigmoid(h @ self.w + self.b)

    def linear_scores(self, vectors: np.ndarray) -> np.ndarray | None:
        """The linear reading of the embedding, shape (n,); None when the model has none."""
        return None if self.w_lin is None else sigmoid(vectors @ self.w_lin + self.b_lin)

    def decision_scores(self, relevance: np.ndarray, acled_mass: np.ndarray, acled_top: np.ndarray,
                        linear: np.ndarray | None = None) -> np.ndarray:
        """P(sentence reports an ACLED-type event) read by both the relevance and the sub-type models: the
        relevance score (and its linear reading, when the decision has that input), the sub-type models' total
        probability of ACLED codes and of their likeliest one."""
        if self.stack is None:
            return np.asarray(relevance, dtype=np.float64)
        four = len(self.stack) == 5
        if four and linear is None:
            raise ValueError("this event decision reads the linear relevance score too")
        x = event_features(relevance, acled_mass, acled_top, linear if four else None)
        return sigmoid(x @ self.stack[:-1] + self.stack[-1])

    def article_score(self, sentence_scores: np.ndarray, lede: int | None = None) -> float:
        """The article's score: the ``k_best``-th best sentence score within the lede window
        (the best one when the text has at most ``short`` sentences)."""
        k = self.lede if lede is None else lede
        s = np.sort(sentence_scores[:k] if k else sentence_scores)[::-1]
        if not len(s):
            return 0.0
        return float(s[self.k_best - 1] if self.k_best > 1 and len(sentence_scores) > self.short else s[0])

    def is_relevant(self, sentence_scores: np.ndarray) -> bool:
        """Article-level decision."""
        return self.article_score(sentence_scores) >= self.threshold

    def save(self, path: Path) -> None:
        """Write the model as plain arrays."""
        hidden = {} if self.W1 is None else {"W1": self.W1.astype(np.float32), "b1": self.b1.astype(np.float32)}
        if self.stack is not None:
            hidden["stack"] = self.stack.astype(np.float64)
        if self.w_lin is not None:
            hidden["w_lin"] = self.w_lin.astype(np.float32)
            hidden["b_lin"] = np.float32(self.b_lin)
        np.savez(path, w=self.w.astype(np.float32), b=np.float32(self.b), threshold=np.float32(self.threshold),
                 lede=np.int32(self.lede), k_best=np.int32(self.k_best), short=np.int32(self.short), **hidden,
                 **{f"meta_{k}": np.asarray(v) for k, v in self.meta.items()})

    @classmethod
    def load(cls, path: Path) -> RelevanceModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            hidden = ("W1" in z.files)
            return cls(z["w"].astype(np.float32), float(z["b"]), float(z["threshold"]), int(z["lede"]), _meta(z),
                       z["W1"].astype(np.float32) if hidden else None, z["b1"].astype(np.float32) if hidden else None,
                       int(z["k_best"]) if "k_best" in z.files else 1, int(z["short"]) if "short" in z.files else 3,
                       z["stack"].astype(np.float64) if "stack" in z.files else None,
                       z["w_lin"].astype(np.float32) if "w_lin" in z.files else None,
                       float(z["b_lin"]) if "b_lin" in z.files else 0.0)


@dataclass(frozen=True)
class SubtypeModel:
    """Multinomial logistic regression over event codes."""

    W: np.ndarray
    b: np.ndarray
    classes: tuple[str, ...]
    meta: dict[str, str]

    def probabilities(self, vectors: np.ndarray, allow: Iterable[str] | None = None) -> np.ndarray:
        """Class probabilities, shape (n, n_classes); codes outside ``allow`` get 0."""
        z = vectors @ self.W.T + self.b
        if allow is not None:
            keep = set(allow)
            z = np.where(np.array([c in keep for c in self.classes]), z, -np.inf)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, vectors: np.ndarray, allow: Iterable[str] | None = None) -> list[str]:
        """The most probable code of each vector."""
        p = self.probabilities(vectors, allow)
        return [self.classes[int(i)] for i in p.argmax(axis=1)]

    def save(self, path: Path) -> None:
        """Write the model as plain arrays."""
        np.savez(path, W=self.W.astype(np.float32), b=self.b.astype(np.float32), classes=np.asarray(self.classes),
                 **{f"meta_{k}": np.asarray(v) for k, v in self.meta.items()})

    @classmethod
    def load(cls, path: Path) -> SubtypeModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            return cls(z["W"].astype(np.float32), z["b"].astype(np.float32),
                       tuple(str(c) for c in z["classes"]), _meta(z))


@dataclass(frozen=True)
class PreScoreModel:
    """Logistic regression over the lexical classifier's features: may the relevance model flag it?"""

    w: np.ndarray  # (n_features,) aligned with the lexical classifier's vocabulary
    b: float
    threshold: float
    meta: dict[str, str]

    def scores(self, x) -> np.ndarray:  # x: csr (n, n_features) from LinearModel.vectorize
        """P(the relevance model flags the sentence), shape (n,)."""
        return sigmoid(np.asarray(x @ self.w).ravel() + self.b)

    def save(self, path: Path) -> None:
        """Write the model as plain arrays."""
        np.savez_compressed(path, w=self.w.astype(np.float16), b=np.float32(self.b),
                            threshold=np.float32(self.threshold),
                            **{f"meta_{k}": np.asarray(v) for k, v in self.meta.items()})

    @classmethod
    def load(cls, path: Path) -> PreScoreModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            return cls(z["w"].astype(np.float32), float(z["b"]), float(z["threshold"]), _meta(z))


MODELS_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
RELEVANCE_PATH = MODELS_DIR / "relevance.npz"
SUBTYPE_PATH = MODELS_DIR / "subtype.npz"
PRESCORE_PATH = MODELS_DIR / "prescore.npz"


def load_relevance(path: Path = RELEVANCE_PATH) -> RelevanceModel:
    """The packaged relevance model."""
    if not path.exists():
        raise UsageError(Errors.E205, path=path)
    return RelevanceModel.load(path)


def load_subtype(path: Path = SUBTYPE_PATH) -> SubtypeModel:
    """The packaged sub-type model."""
    if not path.exists():
        raise UsageError(Errors.E205, path=path)
    return SubtypeModel.load(path)


def load_prescore(path: Path = PRESCORE_PATH) -> PreScoreModel:
    """The packaged pre-score model."""
    if not path.exists():
        raise UsageError(Errors.E205, path=path)
    return PreScoreModel.load(path)


__all__ = ["PRESCORE_PATH", "RELEVANCE_PATH", "SUBTYPE_PATH", "PreScoreModel", "RelevanceModel", "SubtypeModel",
           "event_features", "load_prescore", "load_relevance", "load_subtype", "sigmoid"]
