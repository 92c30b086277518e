"""Which sentences of an article report an ACLED-type event, and of what sub-type (learned).

Three trained models work together (``eventwire.evaluation.event_models`` trains them on the train
parts of broad development corpora: BBC News, l3s pages, RAMS, ECB+, CASE 2021, UCDP headlines):

1. the lexical classifier (TF-IDF + codebook cues, ``classify``) scores every sentence cheaply and
   picks the *candidates*: sentences it does not call NONE with near certainty;
2. the candidates are embedded (bge-small-en, ``eventwire.embed``) and the relevance model scores
   each one; the article reports an ACLED-type event only when enough of its sentences reach the
   relevance threshold (ordinary news, figures of speech and crime stories stop here);
3. in a relevant article, each candidate's sub-type is the average of the sub-type model's and the
   lexical classifier's probabilities (each alone knows less: the embedding the situation, the
   words the weapon).

Embedding is the costly step (about 10 ms a sentence on one core), so at most
``MAX_EMBEDDED_SENTENCES`` candidates per article are embedded, in text order: the news is told
first. Candidates beyond the cap keep the lexical classifier's answer when the article is relevant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from eventwire.embed import SentenceEmbedder
from eventwire.mentions.classify import TEMPERATURE, Classification, LinearModel
from eventwire.mentions.relevance import RelevanceModel, SubtypeModel
from eventwire.mentions.taxonomy import CODES

NONE_CODE = "NONE"
# Non-ACLED readings that the relevance model overrules when it is sure the sentence reports
# conflict (statements and attributions stay: they carry figures of the events next to them).
NOT_CONFLICT_CODES = frozenset({"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER"})
# A sentence is a candidate unless the lexical classifier gives NONE at least this probability
# (on BBC News about 4% of sentences pass, on conflict reporting about half).
CANDIDATE_MAX_NONE = 0.9
# Embedding budget per article (candidates in text order): bounds the cost of long conflict reports.
MAX_EMBEDDED_SENTENCES = 8
# In a sentence the relevance model is sure of, NONE below this probability gives way to the most
# likely ACLED sub-type when the sentence names a violent act (headline style often hides the verb).
NONE_OVERRULED_BELOW = 0.5
ACTION_WORDS = re.compile(r"\b(attack\w*|kill\w*|clash\w*|shoot\w*|shot|shell\w*|bomb\w*|fighting|fought|"
                          r"ambush\w*|raid\w*|massacre\w*|execut\w*|behead\w*|abduct\w*|kidnap\w*|torch\w*|"
                          r"stormed|strikes?|struck|protest\w*|demonstrat\w*|rall(?:y|ied|ies)|march\w*|riot\w*)\b")
# Texts of at most this many sentences are judged by their best sentence; longer ones need the
# relevance model's ``k_best`` sentences (one conflict sentence in a business story is context).
SHORT_TEXT_SENTENCES = 3
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


@dataclass(frozen=True)
class Detection:
    """What detection says of one article: relevant or not, and each sentence's classification."""

    relevant: bool
    article_score: float
    sentences: tuple[Classification, ...]  # NONE for every sentence when the article is not relevant
    relevance: tuple[float | None, ...]  # relevance score of each sentence (None: not embedded)
    candidates: int  # sentences the lexical classifier passed on
    embedded: int


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


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
    lex = _softmax(models.classifier.decision(list(texts)) / TEMPERATURE)
    none_col = lex_classes.index(NONE_CODE)
    candidates = [i for i in range(len(texts)) if lex[i, none_col] < CANDIDATE_MAX_NONE]
    embedded = candidates[:MAX_EMBEDDED_SENTENCES]
    relevance: list[float | None] = [None] * len(texts)
    sub_probs: dict[int, np.ndarray] = {}
    if embedded:
        # one sentence per model call: no padding (faster for a handful of sentences), and a
        # sentence's vector never depends on the other sentences of its article
        vectors = models.embedder.embed([texts[i] for i in embedded], batch_size=1)
        scores = models.relevance.sentence_scores(vectors)
        sub = models.subtype.probabilities(vectors)
        for row, i in enumerate(embedded):
            relevance[i] = float(scores[row])
            sub_probs[i] = sub[row]
    # sentences the lexical classifier ruled out score 0 for the article rule; a short text (a
    # headline, a snippet, a one-paragraph note) is judged by its best sentence
    scores_all = np.asarray([r or 0.0 for r in relevance], dtype=np.float32)
    article_score = float(scores_all.max()) if len(texts) <= SHORT_TEXT_SENTENCES else \
        models.relevance.article_score(scores_all)
    relevant = article_score >= models.relevance.threshold
    out: list[Classification] = []
    sub_classes = list(models.subtype.classes)
    crime_or_disaster = np.asarray([c in NOT_CONFLICT_CODES for c in lex_classes])
    acled_cols = np.asarray([CODES[c].acled for c in lex_classes])
    for i in range(len(texts)):
        score = relevance[i]
        if not relevant or i not in candidates or (score is not None and score < SENTENCE_MIN_RELEVANCE):
            out.append(_none(lex_classes, lex[i]))
            continue
        if i in sub_probs:
            probs = (1 - FUSION_WEIGHT) * lex[i] + FUSION_WEIGHT * _align(sub_probs[i], sub_classes, lex_classes)
        else:
            probs = lex[i]
        choice = probs
        if score is not None and score >= models.relevance.threshold:
            # the sentence reports political violence, a protest or a strategic development: crime,
            # accident and disaster readings give way ("explosions kill 5 women" in Raqqa)
            choice = np.where(crime_or_disaster, 0.0, probs)
            if (lex_classes[int(np.argmax(choice))] == NONE_CODE and choice[none_col] < NONE_OVERRULED_BELOW
                    and ACTION_WORDS.search(texts[i].lower())):
                # ... and a violent act it names is an event even when no sub-type stands out
                choice = np.where(acled_cols, choice, 0.0)
        out.append(_classification(lex_classes[int(np.argmax(choice))], probs, lex_classes))
    return Detection(relevant, article_score, tuple(out), tuple(relevance), len(candidates), len(embedded))


def _align(probs: np.ndarray, classes: Sequence[str], target: Sequence[str]) -> np.ndarray:
    """Probabilities over ``classes`` reordered to ``target`` (classes missing on either side get 0)."""
    index = {c: i for i, c in enumerate(classes)}
    return np.asarray([probs[index[c]] if c in index else 0.0 for c in target], dtype=np.float64)


__all__ = ["CANDIDATE_MAX_NONE", "FUSION_WEIGHT", "MAX_EMBEDDED_SENTENCES", "SENTENCE_MIN_RELEVANCE", "Detection",
           "EventModels", "detect"]
