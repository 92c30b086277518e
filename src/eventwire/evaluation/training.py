"""Training the event classifier: its corpus (templates, CASE snippets, BBC negatives) and the fit.

Used by ``scripts/train_classifier.py`` (the packaged model) and by ``eval case --cv`` (one model
per fold). The runtime side (features, scoring, loading the packaged model) is
``eventwire.mentions.classify``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eventwire.errors import Errors, UsageError
from eventwire.mentions import (
    BLOCK_WEIGHTS,
    CODES,
    FEATURE_VERSION,
    MODEL_PATH,
    LinearModel,
    block_normalize,
    feature_blocks,
    features,
)


def train(texts: Sequence[str], labels: Sequence[str], *, weights: Sequence[float] | None = None,
          c: float = 1.0, min_df: int = 2, max_features: int = 60000,
          block_weights: Sequence[float] = BLOCK_WEIGHTS) -> LinearModel:
    """Fit the TF-IDF + linear SVM model (one-vs-rest) on labelled texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=min_df, max_features=max_features,
                          dtype=np.float32, norm=None)
    raw = vec.fit_transform(texts)
    vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
    x = block_normalize(raw, feature_blocks(vocab), block_weights)
    clf = LinearSVC(C=c, class_weight="balanced", max_iter=5000, random_state=0)  # reproducible rebuilds
    clf.fit(x, list(labels), sample_weight=None if weights is None else np.asarray(weights))
    return LinearModel(vocab=vocab, idf=vec.idf_.astype(np.float32), coef=clf.coef_.astype(np.float32),
                       intercept=np.asarray(clf.intercept_, dtype=np.float32),
                       classes=tuple(str(x) for x in clf.classes_),
                       meta={"feature_version": str(FEATURE_VERSION), "c": str(c),
                             "block_weights": ",".join(str(w) for w in block_weights)})


WRITTEN_PATH = MODEL_PATH.with_name("written.txt")
SLOTS_PATH = MODEL_PATH.with_name("slots.txt")
_SLOT = re.compile(r"\{([A-Z]+)\}")
# PLOVER verbal-interaction codes: these sentences are diplomacy/statements in our taxonomy.
_PLOVER_DIPLO = {"DEMAND", "REJECT", "THREATEN", "DISAPPROVE", "SUPPORT", "CONSULT", "INVESTIGATE",
                 "COOPERATE", "AID", "CONCEDE"}
_BBC_NEGATIVE_TOPICS = ("business", "entertainment", "sport", "tech", "politics")
WRITTEN_WEIGHT = 0.5  # a written example counts half a real snippet
EXTRA_WEIGHT = 0.5
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition(" | ")
        pairs.append((key.strip(), value.strip()))
    return pairs


def written_examples(variants: int = 4, seed: int = 13) -> list[tuple[str, str]]:
    """(code, text) pairs from the developers' templates, each filled ``variants`` times."""
    return [(code, text) for code, text, _ in _written(variants, seed)]


def _written(variants: int = 4, seed: int = 13) -> list[tuple[str, str, str]]:
    """(code, text, template) triples; the template lets evaluation trace an example to its source."""
    import random

    rng = random.Random(seed)
    slots: dict[str, list[str]] = {}
    for key, value in read_pairs(SLOTS_PATH):
        slots.setdefault(key, []).append(value)
    out = []
    for code, template in read_pairs(WRITTEN_PATH):
        if code not in CODES:
            raise UsageError(Errors.E207, path=WRITTEN_PATH, code=code, choices=", ".join(CODES))
        seen = set()
        for _ in range(variants):
            text = _SLOT.sub(lambda m: rng.choice(slots[m.group(1)]), template)
            text = text[0].upper() + text[1:]
            if text not in seen:
                seen.add(text)
                out.append((code, text, template))
    return out


_CONTENT = re.compile(r"[a-z][a-z'-]{3,}")
_STOP = frozenset(re.findall(r"\w+", "that this with from have were their they them into after over under "
                             "about which while been being will would more than said says also these those "
                             "some other such when where there what whom whose just very only near"))


def content_words(text: str) -> frozenset[str]:
    """Lower-cased content words (4+ letters, plural -s folded, slots and stop words removed)."""
    text = _SLOT.sub(" ", text).lower()
    return frozenset(w.rstrip("s") for w in _CONTENT.findall(text) if w not in _STOP)


def resembles(template: str, text_words: frozenset[str], *, share: float = 0.6, at_least: int = 3) -> bool:
    """Whether a written template shares most of its content words with a text (a paraphrase)."""
    words = content_words(template)
    common = len(words & text_words)
    return bool(words) and common >= at_least and common / len(words) >= share


def bbc_negatives(bbc_dir: Path, n: int = 1500, seed: int = 7) -> list[tuple[str, str]]:
    """NONE examples: sentences from BBC business/sport/entertainment/tech/politics stories of the
    train part (the validation part measures false alarms)."""
    import random

    from eventwire.evaluation.splits import TRAIN, load_split

    split = load_split("bbc")
    sentences = []
    for topic in _BBC_NEGATIVE_TOPICS:
        for path in sorted((bbc_dir / topic).glob("*.txt")):
            if split.get(f"{topic}/{path.name}") != TRAIN:
                continue
            body = path.read_text(encoding="latin-1").split("\n", 1)[-1]
            sentences.extend(s.strip() for s in _SENT_SPLIT.split(body.replace("\n", " "))
                             if 40 <= len(s.strip()) <= 400)
    rng = random.Random(seed)
    return [("NONE", s) for s in rng.sample(sentences, min(n, len(sentences)))]


def plover_examples(path: Path) -> list[tuple[str, str]]:
    """DIPLO examples: PLOVER gold-standard sentences with verbal-interaction codes."""
    import json

    records = json.loads(path.read_text(encoding="utf-8"))
    return [("DIPLO", r["text"]) for r in records if r.get("event") in _PLOVER_DIPLO and r.get("text")]


def read_case_tsv(path: Path) -> list[tuple[str, str, str]]:
    """(id, snippet, code) rows of a CASE-style TSV with header ``id, EventSnippet, SubType``."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"EventSnippet", "SubType"} - set(reader.fieldnames or ())
        if missing:
            raise UsageError(Errors.E208, path=path, missing=", ".join(sorted(missing)))
        return [(row.get("id") or str(i), row["EventSnippet"], row["SubType"].strip())
                for i, row in enumerate(reader, 1)]


@dataclass
class Corpus:
    """Training texts with labels, sample weights and, for written examples, their template."""

    texts: list[str]
    labels: list[str]
    weights: list[float]
    templates: list[str]  # "" for examples that are not from written.txt


def base_corpus(data_root: Path | None, *, plover: bool = False) -> Corpus:
    """Training texts that are not CASE snippets: written templates, plus BBC negatives (and,
    with ``plover``, PLOVER verbal-interaction sentences as DIPLO) when the shared data folder
    ``data_root`` exists. PLOVER is off by default: it did not change the CV score and it made
    DIPLO the default answer for conflict sentences with speech verbs."""
    written = _written()
    corpus = Corpus([t for _, t, _ in written], [c for c, _, _ in written], [WRITTEN_WEIGHT] * len(written),
                    [tpl for _, _, tpl in written])
    if data_root is not None:
        extra: list[tuple[str, str]] = []
        if (data_root / "bbc-news" / "bbc").is_dir():
            extra += bbc_negatives(data_root / "bbc-news" / "bbc")
        plover_path = data_root / "plover-gsr" / "PLOVER_GSR_CAMEO.txt"
        if plover and plover_path.exists():
            extra += plover_examples(plover_path)
        corpus.texts += [t for _, t in extra]
        corpus.labels += [c for c, _ in extra]
        corpus.weights += [EXTRA_WEIGHT] * len(extra)
        corpus.templates += [""] * len(extra)
    return corpus
