"""Story clustering on ECB+: B-cubed against the corpus's event clusters, on held-out topics.

ECB+ (``../shared/data/ecbplus-dev/docs.jsonl``): 772 articles of topics 1-35; each topic holds
articles about two similar but different real events (``cluster``: ``<topic>_ecb`` or
``<topic>_ecbplus``). All 772 are clustered in one pooled run; B-cubed precision, recall and F1 are
reported on the ``validation`` topics of the committed split (``splits/ecbplus.tsv``), and, for
reference, on the ``train`` topics the pair model was fitted on (``scripts/train_story_pairs.py``).

Only the text is used: ``url`` and ``outlet`` exist for the ECB+ half of each topic alone, so they
would give the label away (the corpus and its detokenisation: ``ecb``). Beside the score: a TF-IDF +
average-linkage peer (its threshold the best on the train topics), TF-IDF + K-means told the true number
of events (a reference), and the events the whole pipeline makes of the same articles.

The expensive part, spaCy and the embedding of each text, is cached by text in the ``cache`` folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import pickle
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eventwire import pipeline, stories
from eventwire.evaluation.ecb import EcbDoc, all_articles_store, as_article, detokenise, load_ecb

__all__ = ["AnalysisCache", "EcbDoc", "StoriesReport", "as_article", "background_texts", "bcubed", "cross_validate",
           "detokenise", "ecb_features", "evaluate_stories", "fit_pair_model", "kmeans_true_k", "load_ecb",
           "predicted", "run_index", "tfidf_peer", "train_docs", "within_topic_pairs"]
from eventwire.evaluation.splits import TRAIN, VALIDATION, load_split
from eventwire.model import Article
from eventwire.settings import Settings
from eventwire.store import Store

# --------------------------------------------------------------------------- features, cached


class AnalysisCache:
    """(spaCy analysis, embedding) per text, pickled in the cache folder; IDF weighting is applied on
    load, so a new IDF table or pair model needs no re-annotation."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.path = settings.cache / f"story-analyses-v{stories.FEATURE_VERSION}-{name}.pkl"
        self.data: dict[str, tuple[stories.Analysis, np.ndarray]] = (
            pickle.loads(self.path.read_bytes()) if self.path.exists() else {})

    @staticmethod
    def key(text: str, title: str | None = None) -> str:
        return hashlib.sha1(f"{title or ''}\x1f{text}".encode()).hexdigest()[:20]

    def analyses(self, articles: Sequence[Article]) -> list[tuple[stories.Analysis, np.ndarray]]:
        """The analysis and embedding of each article (computed once per distinct text)."""
        todo = {self.key(a.text, a.title): a for a in articles if self.key(a.text, a.title) not in self.data}
        if todo:
            for article, doc in pipeline.annotate(list(todo.values()), self.settings):
                self.data[self.key(article.text, article.title)] = (
                    stories.analyse(doc), pipeline.embed_one(stories.lede_text(doc, article.title)))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self.data))
        return [self.data[self.key(a.text, a.title)] for a in articles]

    def features(self, articles: Sequence[Article], idf: stories.Idf) -> dict[str, stories.ArticleFeatures]:
        """article id -> features, weighted with ``idf``."""
        return {a.id: stories.from_analysis(an, a.text, emb, idf)
                for a, (an, emb) in zip(articles, self.analyses(articles), strict=True)}


def ecb_features(docs: Sequence[EcbDoc], settings: Settings, idf: stories.Idf | None = None
                 ) -> dict[str, stories.ArticleFeatures]:
    """Features of the ECB+ articles (cached annotation and embeddings)."""
    arts = [as_article(d.id, d.text) for d in docs]
    return AnalysisCache(settings, "ecbplus").features(arts, idf or stories.load_idf())


# --------------------------------------------------------------------------- metric and runs


def bcubed(pred: dict[str, str], gold: dict[str, str], restrict: Iterable[str] | None = None
           ) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of ``pred`` (item -> cluster) against ``gold``.

    With ``restrict`` only those items are scored, and clusters are intersected with them.
    """
    items = sorted(restrict if restrict is not None else gold)
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in items:
        pc[pred[i]].add(i)
        gc[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        inter = len(pc[pred[i]] & gc[gold[i]])
        p += inter / len(pc[pred[i]])
        r += inter / len(gc[gold[i]])
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_index(docs: Sequence[EcbDoc], feats: dict[str, stories.ArticleFeatures], model: stories.PairModel,
              idf: stories.Idf, *, batches: int = 1, seed: int | None = None) -> stories.StoryIndex:
    """Cluster ``docs`` (undated) into stories, optionally shuffled and split into batches."""
    order = list(docs)
    if seed is not None:
        random.Random(seed).shuffle(order)
    index = stories.StoryIndex(model, idf)
    size = max(1, -(-len(order) // batches))
    for i in range(0, len(order), size):
        index.add([stories.NewArticle(d.id, feats[d.id], None) for d in order[i:i + size]])
    return index


def predicted(index: stories.StoryIndex) -> dict[str, str]:
    """article id -> story id."""
    return {a: s for s, members in index.stories().items() for a in members}


# --------------------------------------------------------------------------- training


def within_topic_pairs(docs: Sequence[EcbDoc], feats: dict[str, stories.ArticleFeatures], names: Sequence[str]
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (same event cluster) of every pair of articles of one topic: the hard pairs."""
    x, y = [], []
    for a, b in itertools.combinations(docs, 2):
        if a.topic != b.topic:
            continue
        lo, hi = (a, b) if a.id < b.id else (b, a)
        x.append(stories.pair_values(feats[lo.id], feats[hi.id], names))
        y.append(a.gold == b.gold)
    return np.array(x, dtype=np.float64), np.array(y)


def fit_pair_model(docs: Sequence[EcbDoc], feats: dict[str, stories.ArticleFeatures], names: Sequence[str],
                   *, specs_gate: float, c: float = 1.0, about: str = "") -> stories.PairModel:
    """Logistic regression (class-balanced) on the within-topic pairs of ``docs``."""
    from sklearn.linear_model import LogisticRegression

    x, y = within_topic_pairs(docs, feats, names)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)
    return stories.PairModel(tuple(names), tuple(round(float(w), 6) for w in clf.coef_[0]),
                             round(float(clf.intercept_[0]), 6), specs_gate, about)


def train_docs(docs: Sequence[EcbDoc]) -> list[EcbDoc]:
    """The articles of the train topics."""
    return [d for d in docs if d.part == TRAIN]


def cross_validate(docs: Sequence[EcbDoc], feats: dict[str, stories.ArticleFeatures], idf: stories.Idf,
                   names: Sequence[str], *, specs_gate: float, reps: int = 5, k: int = 3) -> list[float]:
    """Repeated k-fold CV over the *train topics only*: fit on some topics, cluster the others pooled."""
    train = train_docs(docs)
    topics = sorted({d.topic for d in train})
    scores = []
    for rep in range(reps):
        order = topics[:]
        random.Random(rep).shuffle(order)
        for fold in (order[i::k] for i in range(k)):
            model = fit_pair_model([d for d in train if d.topic not in fold], feats, names, specs_gate=specs_gate)
            held = [d for d in train if d.topic in fold]
            scores.append(bcubed(predicted(run_index(held, feats, model, idf)), {d.id: d.gold for d in held})[2])
    return scores


# --------------------------------------------------------------------------- the report


@dataclasses.dataclass
class StoriesReport:
    """B-cubed of the pooled run, per part, the simple peers beside it, and events on the same articles."""

    rows: list[tuple[str, int, tuple[float, float, float]]] = dataclasses.field(default_factory=list)
    stories: int = 0
    candidates_per_article: float = 0.0
    per_topic: dict[int, tuple[float, float]] = dataclasses.field(default_factory=dict)
    peer_threshold: float = 0.0
    event_rows: list[tuple[str, int, tuple[float, float, float]]] = dataclasses.field(default_factory=list)
    event_coverage: tuple[int, int] = (0, 0)  # held-out articles with an event, of all held-out articles

    def to_dict(self) -> dict[str, Any]:
        def rows(rs: list[tuple[str, int, tuple[float, float, float]]]) -> list[dict[str, Any]]:
            return [{"what": w, "articles": n, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
                    for w, n, (p, r, f) in rs]
        return {"rows": rows(self.rows), "events": rows(self.event_rows), "stories": self.stories,
                "candidates_per_article": round(self.candidates_per_article, 1),
                "peer_threshold": self.peer_threshold, "event_coverage": list(self.event_coverage)}

    def to_text(self) -> str:
        lines = ["Story clustering, ECB+ development articles (topics 1-35 pooled in one run), B-cubed:"]
        for what, n, (p, r, f) in self.rows:
            lines.append(f"  {what:58s} {n:4d} articles  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        lines.append(f"  {self.stories} stories; {self.candidates_per_article:.1f} candidate pairs per article")
        lines.append("  The pair model and thresholds were fitted on the train topics only "
                     "(scripts/train_story_pairs.py); the validation rows are the held-out score. The TF-IDF peer's "
                     f"distance threshold ({self.peer_threshold:.2f}) is the best on the train topics; K-means is "
                     "told the true number of events (a reference no clustering of a stream has).")
        if self.event_rows:
            have, total = self.event_coverage
            lines.append(f"Events, end to end (the pipeline on all 772 articles), B-cubed on the held-out articles "
                         f"with an event ({have} of {total}), each article as the event of its main report:")
            for what, n, (p, r, f) in self.event_rows:
                lines.append(f"  {what:58s} {n:4d} articles  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        return "\n".join(lines)


def tfidf_peer(docs: Sequence[EcbDoc], threshold: float | None = None) -> tuple[dict[str, str], float]:
    """The ten-line peer: TF-IDF over the pooled texts, average linkage on cosine distance, cut at the
    threshold that scores best on the train topics (or the one given)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([d.text for d in docs]).toarray()
    gold = {d.id: d.gold for d in docs}
    train = [d.id for d in docs if d.part == TRAIN]

    def cut(t: float) -> dict[str, str]:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=t).fit(x).labels_
        return {d.id: f"t{label}" for d, label in zip(docs, labels, strict=True)}

    if threshold is None:
        grid = [round(0.5 + 0.05 * i, 2) for i in range(10)]
        threshold = max(grid, key=lambda t: bcubed(cut(t), gold, train)[2] if train else 0.0)
    return cut(threshold), threshold


def kmeans_true_k(docs: Sequence[EcbDoc]) -> dict[str, str]:
    """TF-IDF + K-means told the true number of events (a reference, not a peer: a stream has no k)."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([d.text for d in docs])
    labels = KMeans(n_clusters=len({d.gold for d in docs}), n_init=10, random_state=0).fit_predict(x)
    return {d.id: f"k{label}" for d, label in zip(docs, labels, strict=True)}


def evaluate_stories(data: Path, settings: Settings | None = None, *, events: bool = True) -> StoriesReport:
    """Cluster all 772 ECB+ articles in one run; B-cubed on validation and train topics, the TF-IDF peer
    and K-means with the true number of events beside it; then (``events``) the events of the pipeline run
    end to end on the same articles."""
    settings = settings or Settings.from_env()
    docs = load_ecb(data)
    idf = stories.load_idf()
    feats = ecb_features(docs, settings, idf)
    index = run_index(docs, feats, stories.load_pair_model(), idf)
    pred = predicted(index)
    gold = {d.id: d.gold for d in docs}
    report = StoriesReport(stories=len(set(pred.values())),
                           candidates_per_article=index.stats.candidates / max(index.stats.articles, 1))
    val = [d.id for d in docs if d.part == VALIDATION]
    peer, report.peer_threshold = tfidf_peer(docs)
    for what, part in (("validation topics (held out)", VALIDATION), ("train topics (fitted on)", TRAIN)):
        ids = [d.id for d in docs if d.part == part]
        report.rows.append((what, len(ids), bcubed(pred, gold, ids)))
    report.rows.append(("all topics", len(docs), bcubed(pred, gold)))
    report.rows.append(("validation topics: TF-IDF + average linkage (peer)", len(val), bcubed(peer, gold, val)))
    report.rows.append(("validation topics: TF-IDF + K-means, true k (reference)", len(val),
                        bcubed(kmeans_true_k(docs), gold, val)))
    for topic in sorted({d.topic for d in docs}):
        ids = [d.id for d in docs if d.topic == topic]
        p, r, _ = bcubed(pred, gold, ids)
        report.per_topic[topic] = (p, r)
    if events:
        _event_rows(report, data, settings, docs, peer, pred)
    return report


def _event_rows(report: StoriesReport, data: Path, settings: Settings, docs: Sequence[EcbDoc],
                peer: dict[str, str], pooled: dict[str, str]) -> None:
    """Events and stories of the end-to-end run, scored on the held-out articles that have an event."""
    db = all_articles_store(data, settings)
    with Store(db, read_only=True) as store:
        mains = {m.article_id: m.id for m in store.mentions() if m.rank == 0}
        event_of = {mid: e.id for e in store.events() for mid in e.mention_ids}
        story_of = {a: s.id for s in store.stories() for a in s.article_ids}
    gold = {d.id: d.gold for d in docs}
    val = [d.id for d in docs if d.part == VALIDATION]
    event = {a: event_of[mid] for a, mid in mains.items() if mid in event_of}
    have = [a for a in val if a in event]
    report.event_coverage = (len(have), len(val))
    if not have:
        return
    report.event_rows += [
        ("events (the event of each article's main report)", len(have), bcubed(event, gold, have)),
        ("stories of the same run", len(have), bcubed(story_of, gold, have)),
        ("stories of the pooled run above", len(have), bcubed(pooled, gold, have)),
        ("TF-IDF + average linkage (peer)", len(have), bcubed(peer, gold, have)),
    ]
    train = [d.id for d in docs if d.part == TRAIN and d.id in event]
    if train:
        # for reference: the merging rules were looked at on train topics 8, 12 and 19
        report.event_rows += [("train topics: events", len(train), bcubed(event, gold, train)),
                              ("train topics: TF-IDF + average linkage (peer)", len(train), bcubed(peer, gold, train))]


# --------------------------------------------------------------------------- the background corpus


def background_texts(data: Path) -> list[tuple[str, str]]:
    """(key, text) of the background corpus for the IDF table: the *train* parts of BBC News, the L3S-GN1
    pages' human-marked text and the RAMS passages (none of them is scored by ``eval stories``)."""
    out: list[tuple[str, str]] = []
    bbc = load_split("bbc")
    for path in sorted((data / "bbc-news" / "bbc").glob("*/*.txt")):
        key = f"{path.parent.name}/{path.name}"
        if bbc.get(key) == TRAIN:
            out.append((f"bbc:{key}", path.read_text(encoding="utf-8", errors="replace")))
    l3s = load_split("l3s")
    for line in (data / "l3s-gn1" / "gold_text.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        key = f"{rec['id']}.html"
        if l3s.get(key) == TRAIN:
            out.append((f"l3s:{key}", f"{rec.get('headline') or ''}\n{rec.get('fulltext') or ''}"))
    rams = load_split("rams")
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rams.get(rec["doc_key"]) == TRAIN:
                out.append((f"rams:{rec['doc_key']}", "\n".join(" ".join(s) for s in rec["sentences"])))
    return out
