"""Which sentences of an article report an ACLED-type event, and of what sub-type (learned).

Four trained models work together (``eventwire.evaluation.event_models`` trains them on the train
parts of broad development corpora: BBC News, l3s pages, RAMS, ECB+, CASE 2021, UCDP headlines,
PLOVER, event-location sentences and templates written from ACLED's codebook):

1. the **pre-score** (a logistic regression over the lexical classifier's TF-IDF and cue features)
   reads every sentence cheaply and passes on those the relevance model may flag: its threshold keeps
   at least 99% of the sentences the relevance model flags (out of fold on the train parts; the
   validation recall is printed by ``eventwire eval models``). Nothing else decides which sentences
   reach the learned models: no lexical veto, no cap, no text order;
2. the candidates are embedded once (bge-small-en, ``eventwire.embed``) and every head reads that one
   vector: the **relevance** model scores each sentence, and the article reports an ACLED-type event
   only when enough of its sentences reach the relevance threshold (ordinary news, figures of speech
   and crime stories stop here);
3. in a relevant article, each candidate's sub-type is the average of the **sub-type** model's and
   the lexical **classifier**'s probabilities (each alone knows less: the embedding the situation,
   the words the weapon);
4. NONE or an ACLED code is the learned models' decision, never a word list: below
   ``SENTENCE_MIN_RELEVANCE`` (the relevance model's own score) a sentence reports nothing unless the event
   decision (the relevance score read with the sub-type models') reaches the threshold; up to it the sub-type
   models decide, NONE being one of their classes; above it the sentence reports an event unless the
   sub-type models give NONE at least ``NONE_GIVES_WAY_BELOW``, and its code is their most likely one
   other than NONE (crime and disaster readings give way too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from eventwire.embed import SentenceEmbedder
from eventwire.mentions.classify import TEMPERATURE, Classification, LinearModel
from eventwire.mentions.relevance import PreScoreModel, RelevanceModel, SubtypeModel
from eventwire.mentions.taxonomy import CODES

NONE_CODE = "NONE"
# Non-ACLED readings that give way when the relevance model is sure the sentence reports an ACLED-type
# event (statements and attributions stay: they carry figures of the events next to them).
GIVE_WAY_CODES = frozenset({NONE_CODE, "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER"})
# A sentence the relevance model scores at least its threshold reports an event unless the sub-type
# models give NONE at least this probability: one they are sure says nothing (a speaker "took note" of a
# settlement) stays NONE however conflict-like its words. At 0.5 the lexical half of the average vetoed
# reported killings it had seen few words of ("They shot 3 in ...", "human remains found"): on the train
# parts, 0.7 lets 35 of 699 such UCDP headlines and atrocities sentences through and no ordinary article.
NONE_GIVES_WAY_BELOW = 0.7
# In a relevant article, an embedded candidate below this relevance reports no event of its own
# (the article's economy paragraph, a reaction); the article rule itself uses the model's threshold.
SENTENCE_MIN_RELEVANCE = 0.5
# Weight of the sub-type model in the average with the lexical classifier (0.5: each alone scores
# about 0.77 weighted F1 on train-half cross-validation, their average 0.81).
FUSION_WEIGHT = 0.5


@dataclass(frozen=True)
class EventModels:
    """The trained models of event detection and typing, created once by the pipeline."""

    classifier: LinearModel
    relevance: RelevanceModel
    subtype: SubtypeModel
    embedder: SentenceEmbedder
    prescore: PreScoreModel


@dataclass(frozen=True)
class Detection:
    """What detection says of one article: relevant or not, and each sentence's classification."""

    relevant: bool
    article_score: float
    sentences: tuple[Classification, ...]  # NONE for every sentence when the article is not relevant
    relevance: tuple[float | None, ...]  # relevance score of each sentence (None: not embedded)
    candidates: int  # sentences the pre-score passed on (all of them embedded)
    embedded: int


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def lexical_probabilities(classifier: LinearModel, x) -> np.ndarray:
    """The lexical classifier's class probabilities of vectorised sentences (its scores tempered)."""
    return _softmax(classifier.decision_of(x) / TEMPERATURE)


def _classification(code: str, probs: np.ndarray, classes: Sequence[str], top: int = 5) -> Classification:
    entry = CODES[code]
    order = np.argsort(-probs)[:top]
    scores = tuple((classes[int(i)], round(float(probs[i]), 4)) for i in order)
    return Classification(code, entry.event_type, entry.sub_event_type, float(probs[classes.index(code)]), scores)


def _none(classes: Sequence[str], probs: np.ndarray) -> Classification:
    entry = CODES[NONE_CODE]
    return Classification(NONE_CODE, entry.event_type, entry.sub_event_type, 1.0,
                          tuple((classes[int(i)], round(float(probs[i]), 4)) for i in np.argsort(-probs)[:5]))


def detect(texts: Sequence[str], models: EventModels) -> Detection:
    """Relevance of an article (its sentences in text order, title first) and each sentence's code."""
    if not texts:
        return Detection(False, 0.0, (), (), 0, 0)
    lex_classes = list(models.classifier.classes)
    x = models.classifier.vectorize(list(texts))  # one lexical reading serves the classifier and the pre-score
    lex = lexical_probabilities(models.classifier, x)
    candidates = np.flatnonzero(models.prescore.scores(x) >= models.prescore.threshold).tolist()
    relevance: list[float | None] = [None] * len(texts)
    fused: dict[int, np.ndarray] = {}
    embedding_score: dict[int, float] = {}
    if candidates:
        # one encoder pass per sentence, read by every head; each sentence alone (the INT8 encoder's vector of a
        # sentence depends on its batch-mates), so a sentence's reading depends neither on the article's other
        # sentences nor on what else is extracted with it; a sentence seen before is not embedded again
        vectors = models.embedder.embed_each([texts[i] for i in candidates])
        probs = fused_probabilities(lex[candidates], models.subtype.probabilities(vectors),
                                    models.subtype.classes, lex_classes)
        mass, top = acled_reading(probs, lex_classes)
        alone = models.relevance.sentence_scores(vectors)
        scores = models.relevance.decision_scores(alone, mass, top, models.relevance.linear_scores(vectors))
        for row, i in enumerate(candidates):
            relevance[i] = float(scores[row])
            embedding_score[i] = float(alone[row])
            fused[i] = probs[row]
    # sentences the pre-score ruled out score 0 for the article rule; a short text (a headline, a
    # snippet, a one-paragraph note) is judged by its best sentence, a longer one needs the relevance
    # model's ``k_best`` sentences (one conflict sentence in a business story is context)
    scores_all = np.asarray([r or 0.0 for r in relevance], dtype=np.float32)
    article_score = models.relevance.article_score(scores_all)
    relevant = article_score >= models.relevance.threshold
    out: list[Classification] = []
    give_way = np.asarray([c in GIVE_WAY_CODES for c in lex_classes])
    none_col = lex_classes.index(NONE_CODE)
    for i in range(len(texts)):
        score = relevance[i]
        # the floor is the relevance model's own: the event decision lifts a sentence both readings call an event
        # past the threshold, never one the embedding says reports nothing into the sub-type models' hands
        if not relevant or score is None or score < models.relevance.threshold and (
                embedding_score[i] < SENTENCE_MIN_RELEVANCE):
            out.append(_none(lex_classes, lex[i]))
            continue
        probs = fused[i]
        if score < models.relevance.threshold:
            # the relevance model is unsure: the sub-type models decide, NONE being one of their classes
            out.append(_classification(lex_classes[int(np.argmax(probs))], probs, lex_classes))
            continue
        if probs[none_col] >= NONE_GIVES_WAY_BELOW:
            out.append(_none(lex_classes, probs))  # the sub-type models are sure it reports nothing
            continue
        # the relevance model is sure the sentence reports political violence, a demonstration or a strategic
        # development and the sub-type models do not say otherwise: NONE gives way, and so do crime, accident
        # and disaster readings ("explosions kill 5 women" in Raqqa)
        choice = np.where(give_way, 0.0, probs)
        out.append(_classification(lex_classes[int(np.argmax(choice))], probs, lex_classes))
    return Detection(relevant, article_score, tuple(out), tuple(relevance), len(candidates), len(candidates))


def fused_probabilities(lex: np.ndarray, sub: np.ndarray, sub_classes: Sequence[str],
                        lex_classes: Sequence[str]) -> np.ndarray:
    """The sub-type models' reading, (n, len(lex_classes)): the lexical classifier's probabilities averaged with
    the sub-type model's (reordered to the classifier's classes; a class either lacks counts 0)."""
    index = {c: i for i, c in enumerate(sub_classes)}
    cols = [index.get(c, -1) for c in lex_classes]
    aligned = np.where(np.asarray(cols) >= 0, np.asarray(sub, dtype=np.float64)[:, [max(c, 0) for c in cols]], 0.0)
    return (1 - FUSION_WEIGHT) * np.asarray(lex, dtype=np.float64) + FUSION_WEIGHT * aligned


def acled_reading(probs: np.ndarray, classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per row of fused probabilities: the total on ACLED codes and the probability of the likeliest one."""
    acled = np.asarray([CODES[c].acled for c in classes])
    return probs[:, acled].sum(axis=1), probs[:, acled].max(axis=1)


__all__ = ["FUSION_WEIGHT", "SENTENCE_MIN_RELEVANCE", "Detection", "EventModels", "acled_reading", "detect",
           "fused_probabilities", "lexical_probabilities"]
