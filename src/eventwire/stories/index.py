"""Incremental, order-independent story clustering.

``StoryIndex.add(batch)`` puts new articles into stories without re-clustering the store. The stories
depend only on the *set* of articles added, never on their order or on how they were split into
batches. Why that holds:

1. **Features are per article** (``features.py``): frozen IDF, fixed embedding model, one text at a time.
2. **Candidate pairs are a symmetric predicate** ``cand(a, b)``: the two articles are within
   ``WINDOW_DAYS`` of each other (or both undated) and
   * they share a blocking key (one of each article's top specifics: names, numbers, dates), or
   * their MinHash signatures collide in a band of datasketch's ``MinHashLSH`` (near-copies), or
   * their embedding cosine is ``>= EMB_GATE``, found by a usearch index per day, searched exactly with
     ``k`` doubled until the hits are no longer saturated (a complete range query), then re-checked
     with numpy in canonical id order, so the test is symmetric to the last bit.
   Whichever of the two arrives second finds the first: the candidate pairs do not depend on order.
3. **Pair scores are exact**: ``p(a, b)``, a logistic model of symmetric pair features computed in
   canonical order (smaller id first), 0 below the model's specifics gate. The similarity graph keeps
   ``p >= KEEP_P``: a function of the article set alone.
4. **Stories**: articles fall into fixed time blocks (``BLOCK_DAYS``; undated articles form one block).
   Inside a block, clusters are average linkage (UPGMA) at ``LINK_THRESHOLD`` over the sparse graph; an
   article left alone then joins its component's cluster it is closest to on average (``ATTACH_P``). Two
   clusters can only merge if some pair between them has ``sim >= LINK_THRESHOLD``, so average linkage run
   per block-local component of such "strong" edges (a union-find) is exactly the block's global result.
   Clusters of neighbouring blocks are *linked* when the mean similarity of all their cross pairs is
   ``>= LINK_THRESHOLD`` (the same criterion); stories are the connected components of linked clusters.
   A batch re-runs the linkage only of the components it touched (rows sorted by id, scipy's
   deterministic linkage), re-links the clusters that changed and walks the links around them.

Story ids: the hash of the story's anchor, its earliest article (publication day, then id), so a story
keeps its id while later articles join it.

Cost per article is bounded by the articles inside the time window (constant when articles per day
are), the size of a block-local component and the clusters a story chains across blocks. Features,
index entries and similarity rows older than ``watermark - WINDOW_DAYS - LATENESS_DAYS`` are evicted;
what stays per article is its cluster, and per cluster its members, links and story. An article without a
publication date is placed by the day it was stored (``undated_day``), on an axis of its own: undated articles are
compared with each other only, and leave the live window in the same way. An article more
than ``LATENESS_DAYS`` older than the newest one seen would miss evicted neighbours (``stats.late_articles``
counts them): ``exact_from`` tells the caller, which then rebuilds the index from the stored features, so
the stories stay a function of the article set whatever the order and batches of arrival.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from usearch.index import Index

from eventwire.stories.features import DATA, MINHASH_PERM, MINHASH_SEED, ArticleFeatures, Idf, pair_values, sparse_cos

PAIR_MODEL_PATH = DATA / "pair_model.json"
UNDATED = -(10**9)  # the day bucket of articles without a date (compared with each other only)
EMB_DIM = 384

# The clustering's knobs, each chosen on the ECB+ train topics (scripts/train_story_pairs.py):
LINK_THRESHOLD = 0.5  # average-linkage cut: clusters merge while their mean pair probability is >= this
KEEP_P = 0.02  # pair probabilities below this count as 0 (a sparse graph; costs no train F1)
WINDOW_DAYS = 3  # candidates only within +-3 days of each other (a story's reports cluster in time)
LATENESS_DAYS = 7  # an article up to a week older than the newest one seen is still placed exactly
EMB_GATE = 0.80  # embedding cosine that makes a pair a candidate on its own (0.75 changed no train F1)
ANN_K = 64  # first k of the per-day embedding search, doubled while every hit is above the gate
LSH_BANDS = (16, 4)  # MinHashLSH bands x rows: Jaccard threshold about (1/16)^(1/4) = 0.5
KEY_MAX_DF = 0.02  # blocking keys must be rarer than this in the background corpus (no "y:2023" key)
BLOCK_DAYS = 7  # average linkage runs inside fixed week blocks; clusters link across neighbouring blocks
# an article the linkage leaves alone joins the cluster of its component with the highest mean pair probability
# when that is >= this (train topics: 0.2-0.4 all lift B-cubed F1 from 0.986 to 0.991; the middle is taken)
ATTACH_P = 0.3


@dataclasses.dataclass(frozen=True, slots=True)
class PairModel:
    """Logistic model over named pair features: ``p`` = probability that two articles tell one story."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    specs_gate: float = 0.0  # pairs sharing less than this (cosine of specifics) are never one story
    about: str = ""

    def p(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Probability that ``a`` and ``b`` report one story (pass them in canonical id order)."""
        if self.specs_gate > 0 and sparse_cos(a.specs, b.specs) < self.specs_gate:
            return 0.0
        z = self.intercept
        for w, x in zip(self.coef, pair_values(a, b, self.features), strict=True):
            z += w * x
        return 1.0 / (1.0 + math.exp(-z))

    def save(self, path: Path = PAIR_MODEL_PATH) -> None:
        """Write the model as JSON (its ``about`` says what it was trained on)."""
        data = {"about": self.about, "features": list(self.features), "coef": list(self.coef),
                "intercept": self.intercept, "specs_gate": self.specs_gate}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = PAIR_MODEL_PATH) -> PairModel:
        """The packaged model (``scripts/train_story_pairs.py`` writes it)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), tuple(float(c) for c in data["coef"]), float(data["intercept"]),
                   float(data.get("specs_gate", 0.0)), data.get("about", ""))


def undated_day(stored: int) -> int:
    """The day of an article without a publication date, from the day it was stored (``date.toordinal()``): on an
    axis of its own, far below every dated day, so undated articles are compared with each other only, within the
    same window, and leave the live window as dated ones do."""
    return UNDATED + stored


def is_undated(day: int) -> bool:
    """Whether a day is ``UNDATED`` or an ``undated_day``."""
    return day <= UNDATED // 2


@dataclasses.dataclass(frozen=True, slots=True)
class NewArticle:
    """What the index needs of an article: its id, features and day (``date.toordinal()``; ``undated_day`` of the
    day it was stored when it has no publication date; None: the one bucket of undated articles)."""

    id: str
    features: ArticleFeatures
    day: int | None = None


@dataclasses.dataclass(slots=True)
class Stats:
    """Counters the benchmark reports (work per article stays flat when these do)."""

    articles: int = 0
    candidates: int = 0
    scored_edges: int = 0
    strong_edges: int = 0
    relinked_rows: int = 0
    max_component: int = 0
    late_articles: int = 0
    evicted: int = 0
    story_walk: int = 0


def story_id(anchor: str) -> str:
    """A story's id, from its anchor article's id."""
    return "s_" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- per-day blocking structures

_PERMUTATIONS = MinHash(num_perm=MINHASH_PERM, seed=MINHASH_SEED, scheme="affine32").permutations


def _minhash(f: ArticleFeatures) -> MinHash:
    """The article's MinHash as a datasketch object (permutations shared, not regenerated)."""
    return MinHash(num_perm=MINHASH_PERM, seed=MINHASH_SEED, hashvalues=f.minhash, permutations=_PERMUTATIONS,
                   scheme="affine32")


class _DayBucket:
    """Blocking structures of one day: key postings, MinHash LSH, exact embedding index."""

    def __init__(self) -> None:
        self.keys: dict[str, list[str]] = defaultdict(list)
        self.lsh = MinHashLSH(num_perm=MINHASH_PERM, params=LSH_BANDS)
        self.ids: list[str] = []
        self.vectors: list[np.ndarray] = []
        self.emb = Index(ndim=EMB_DIM, metric="ip", dtype="f32")

    def __getstate__(self) -> dict[str, Any]:
        # the usearch index is rebuilt from the vectors (it does not pickle)
        return {"keys": dict(self.keys), "lsh": self.lsh, "ids": self.ids, "vectors": self.vectors}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.keys = defaultdict(list, state["keys"])
        self.lsh = state["lsh"]
        self.ids = state["ids"]
        self.vectors = state["vectors"]
        self.emb = Index(ndim=EMB_DIM, metric="ip", dtype="f32")
        for n, v in enumerate(self.vectors):
            self.emb.add(n, v)

    def add(self, aid: str, f: ArticleFeatures, keys: Sequence[str]) -> None:
        for k in keys:
            self.keys[k].append(aid)
        self.lsh.insert(aid, _minhash(f))
        self.emb.add(len(self.ids), f.embedding)
        self.ids.append(aid)
        self.vectors.append(f.embedding)

    def candidates(self, aid: str, f: ArticleFeatures, keys: Sequence[str],
                   features: dict[str, ArticleFeatures]) -> set[str]:
        out: set[str] = set()
        for key in keys:
            out.update(self.keys.get(key, ()))
        out.update(self.lsh.query(_minhash(f)))
        size = len(self.ids)
        count = min(ANN_K, size)
        proposed: list[str] = []
        while count > 0:
            found = self.emb.search(f.embedding, count, exact=True)
            sims = 1.0 - np.asarray(found.distances, dtype=np.float64)
            hit = sims >= EMB_GATE - 1e-3  # the index proposes; numpy decides below
            proposed = [self.ids[int(x)] for x in np.asarray(found.keys)[hit]]
            if hit.all() and count < size:  # saturated: there may be more above the gate
                count = min(2 * count, size)
                continue
            break
        for other in proposed:
            lo, hi = (f, features[other]) if aid < other else (features[other], f)
            if float(np.dot(lo.embedding, hi.embedding)) >= EMB_GATE:
                out.add(other)
        out.discard(aid)
        return out


class _Components:
    """Union-find over strong edges inside one block, with each root's members."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}

    def add(self, x: str) -> None:
        self.parent[x] = x
        self.members[x] = [x]

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))

    def drop(self, root: str) -> list[str]:
        members = self.members.pop(root)
        for m in members:
            del self.parent[m]
        return members


# --------------------------------------------------------------------------- the index


class StoryIndex:
    """Incremental story clustering; see the module docstring for why the result is order-independent."""

    def __init__(self, model: PairModel, idf: Idf) -> None:
        self.model = model
        # keys too common in the background corpus are not used for blocking (a fixed rule)
        self._common_keys = frozenset(k for k, df in idf.df.items() if df > KEY_MAX_DF * idf.n_docs)
        self.buckets: dict[int, _DayBucket] = {}
        self.features: dict[str, ArticleFeatures] = {}  # live articles only
        self.block: dict[str, int] = {}  # article -> time block (every article ever added)
        self.anchor_key: dict[str, tuple[int, str]] = {}  # cluster -> its earliest (day, article id)
        self.adj: dict[str, dict[str, float]] = {}  # similarity rows (dropped once a component is final)
        self.comp = _Components()
        self.cluster_of: dict[str, str] = {}
        # long-lived per-cluster state as tuples (untracked by the cyclic GC, so its scans do not
        # grow with the store); only clusters that have links get a set
        self.cluster_members: dict[str, tuple[str, ...]] = {}
        self.links: dict[str, set[str]] = {}
        self.story_of_cluster: dict[str, str] = {}
        self.day_of: dict[str, int] = {}
        self.watermark: int | None = None
        self.undated_watermark: int | None = None  # the same on the axis of the days undated articles were stored
        self.stats = Stats()

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.block

    # ------------------------------------------------------------------ public API

    def add(self, articles: Sequence[NewArticle]) -> dict[str, str]:
        """Add a batch; returns article id -> story id for the new articles and for every stored article
        whose story changed (stories merge or split when new evidence arrives)."""
        new: list[str] = []
        for art in sorted(articles, key=lambda a: a.id):
            if art.id in self.block:
                continue  # adding is idempotent
            self._insert(art)
            new.append(art.id)
        removed: set[str] = set()
        created: list[str] = []
        for root in sorted({self.comp.find(a) for a in new}):
            r, c = self._relink(root)
            removed |= r
            created += c
        removed -= set(created)
        for cid in created:
            # a cluster made again may keep its id with other members: its story is named and reported anew
            self.story_of_cluster.pop(cid, None)
        dirty: set[str] = set(created)
        for cid in sorted(removed):
            for other in self.links.pop(cid, set()):
                self._unlink_one(other, cid)
                dirty.add(other)
            self.cluster_members.pop(cid, None)
            self.story_of_cluster.pop(cid, None)
            self.anchor_key.pop(cid, None)
        dirty -= removed
        for cid in created:
            dirty |= self._link(cid)
        dirty -= removed
        changed: dict[str, str] = {}
        seen: set[str] = set()
        for start in sorted(dirty):
            if start in seen:
                continue
            comp = self._cluster_component(start)
            seen |= comp
            sid = story_id(min(self.anchor_key[c] for c in comp)[1])
            for cid in comp:
                if self.story_of_cluster.get(cid) != sid:
                    self.story_of_cluster[cid] = sid
                    changed.update(dict.fromkeys(self.cluster_members[cid], sid))
        for a in new:
            changed[a] = self.story_of(a)
        self._evict()
        return changed

    def exact_from(self) -> int | None:
        """The earliest day a new article may be published and still be placed exactly (every neighbour in its
        window is live); None while nothing dated was added. Older ones are the caller's to rebuild from."""
        return None if self.watermark is None else self.watermark - LATENESS_DAYS

    def exact_from_undated(self) -> int | None:
        """``exact_from`` for undated articles, as an ``undated_day``; None while none was added with one."""
        return None if self.undated_watermark is None else self.undated_watermark - LATENESS_DAYS

    def story_of(self, article_id: str) -> str:
        """The story of an added article."""
        return self.story_of_cluster[self.cluster_of[article_id]]

    def stories(self) -> dict[str, list[str]]:
        """story id -> sorted member ids, for every article ever added."""
        out: dict[str, list[str]] = defaultdict(list)
        for cid, members in self.cluster_members.items():
            out[self.story_of_cluster[cid]].extend(members)
        return {sid: sorted(ms) for sid, ms in sorted(out.items())}

    def story_members(self, article_id: str) -> list[str]:
        """Every article in the story of ``article_id``."""
        comp = self._cluster_component(self.cluster_of[article_id])
        return sorted(a for c in comp for a in self.cluster_members[c])

    def live_articles(self) -> dict[int, list[str]]:
        """day -> the live articles of its bucket, in the order they were added (``restore_live`` takes it)."""
        return {day: list(bucket.ids) for day, bucket in sorted(self.buckets.items())}

    def restore_live(self, days: Mapping[int, Sequence[str]], features: Mapping[str, ArticleFeatures]) -> None:
        """Rebuild the live articles' features and blocking structures (key postings, MinHash LSH, embedding
        index) from their stored features, so they need not be saved: the candidates found are sets, the same
        whatever the structures' history."""
        self.features = {}
        self.buckets = {}
        for day in sorted(days):
            bucket = _DayBucket()
            for aid in days[day]:
                f = features[aid]
                bucket.add(aid, f, self._blocking_keys(f))
                self.features[aid] = f
            self.buckets[day] = bucket

    # ------------------------------------------------------------------ insertion

    def _blocking_keys(self, f: ArticleFeatures) -> list[str]:
        return [k for k in f.keys if k not in self._common_keys]

    def _watermark(self, day: int) -> int | None:
        """The newest day seen on the axis of ``day`` (dated, or the days undated articles were stored)."""
        return self.undated_watermark if is_undated(day) else self.watermark

    def _window(self, day: int) -> list[int]:
        if day == UNDATED:
            return [UNDATED] if UNDATED in self.buckets else []
        # dated and undated days lie far apart on one line: a window never holds both
        return [d for d in range(day - WINDOW_DAYS, day + WINDOW_DAYS + 1) if d in self.buckets]

    @staticmethod
    def _block_of(day: int) -> int:
        return UNDATED if day == UNDATED else day // BLOCK_DAYS

    def _insert(self, art: NewArticle) -> None:
        day = UNDATED if art.day is None else art.day
        f = art.features
        if day != UNDATED:
            mark = self._watermark(day)
            if mark is not None and day < mark - LATENESS_DAYS:
                self.stats.late_articles += 1
            mark = day if mark is None else max(mark, day)
            if is_undated(day):
                self.undated_watermark = mark
            else:
                self.watermark = mark
        keys = self._blocking_keys(f)
        cands: set[str] = set()
        for d in self._window(day):
            cands |= self.buckets[d].candidates(art.id, f, keys, self.features)
        self.stats.articles += 1
        self.stats.candidates += len(cands)
        block = self._block_of(day)
        self.comp.add(art.id)
        self.adj[art.id] = {}
        self.block[art.id] = block
        self.day_of[art.id] = day
        for other in sorted(cands):
            g = self.features[other]
            p = self.model.p(f, g) if art.id < other else self.model.p(g, f)
            if p < KEEP_P:
                continue
            self.adj[art.id][other] = p
            self.adj[other][art.id] = p
            self.stats.scored_edges += 1
            if p >= LINK_THRESHOLD and self.block[other] == block:
                self.stats.strong_edges += 1
                self.comp.union(art.id, other)
        self.features[art.id] = f
        if day not in self.buckets:
            self.buckets[day] = _DayBucket()
        self.buckets[day].add(art.id, f, keys)

    def _relink(self, root: str) -> tuple[set[str], list[str]]:
        """Average linkage of one block-local component; returns (old cluster ids, new cluster ids)."""
        members = sorted(self.comp.members[root])
        n = len(members)
        self.stats.relinked_rows += n
        self.stats.max_component = max(self.stats.max_component, n)
        if n == 1:
            labels = np.array([1])
        else:
            pos = {m: i for i, m in enumerate(members)}
            dist = np.ones((n, n), dtype=np.float64)
            np.fill_diagonal(dist, 0.0)
            for m in members:
                i = pos[m]
                for o, p in self.adj[m].items():
                    j = pos.get(o)
                    if j is not None:
                        dist[i, j] = 1.0 - p
            z = linkage(squareform(dist, checks=False), method="average")
            # merge while mean similarity >= LINK_THRESHOLD, i.e. mean distance <= 1 - LINK_THRESHOLD
            labels = fcluster(z, t=1.0 - LINK_THRESHOLD + 1e-12, criterion="distance")
        groups: dict[int, list[str]] = defaultdict(list)
        for m, lab in zip(members, labels, strict=True):
            groups[int(lab)].append(m)
        self._attach_singletons(groups)
        old = {self.cluster_of[m] for m in members if m in self.cluster_of}
        created = []
        for group in groups.values():
            cid = group[0]  # the smallest member id names the cluster
            self.cluster_members[cid] = tuple(group)
            self.anchor_key[cid] = min((self.day_of[m], m) for m in group)
            for m in group:
                self.cluster_of[m] = cid
            created.append(cid)
        return old, created

    def _attach_singletons(self, groups: dict[int, list[str]]) -> None:
        """An article left alone by the linkage joins the cluster it is most similar to on average when that
        mean is >= ATTACH_P: a short report (a headline, one sentence) shares too few words with any one
        article of its story for the linkage, not with the story as a whole. Singletons are taken in id
        order and only join clusters of two or more, so the result is a function of the component."""
        bigger = {lab: ms for lab, ms in groups.items() if len(ms) > 1}
        if not bigger:
            return
        for lab, ms in sorted(groups.items(), key=lambda kv: kv[1]):
            if len(ms) != 1:
                continue
            row = self.adj[ms[0]]
            means = {other: sum(row.get(o, 0.0) for o in oms) / len(oms) for other, oms in bigger.items()}
            best = max(sorted(means), key=lambda other: means[other])
            if means[best] >= ATTACH_P:
                groups[best].append(ms[0])
                del groups[lab]
        for ms in groups.values():
            ms.sort()

    def _link(self, cid: str) -> set[str]:
        """(Re)compute the links of one cluster to clusters of neighbouring blocks: linked when the mean
        similarity of all their member pairs is >= LINK_THRESHOLD. Returns every cluster it was or is
        now linked to (their stories may change)."""
        before = self.links.pop(cid, set())
        for other in before:
            self._unlink_one(other, cid)
        now: set[str] = set()
        members = self.cluster_members[cid]
        block = self.block[members[0]]
        sums: dict[str, float] = defaultdict(float)
        for m in members:
            for o, p in sorted(self.adj[m].items()):
                if self.block[o] != block:
                    sums[self.cluster_of[o]] += p
        for other, total in sorted(sums.items()):
            if total / (len(members) * len(self.cluster_members[other])) >= LINK_THRESHOLD:
                now.add(other)
                self.links.setdefault(other, set()).add(cid)
        if now:
            self.links[cid] = now
        return before | now | {cid}

    def _unlink_one(self, cid: str, other: str) -> None:
        linked = self.links.get(cid)
        if linked is not None:
            linked.discard(other)
            if not linked:
                del self.links[cid]

    def _cluster_component(self, start: str) -> set[str]:
        comp, todo = {start}, [start]
        while todo:
            for nxt in self.links.get(todo.pop(), ()):
                if nxt not in comp:
                    comp.add(nxt)
                    todo.append(nxt)
        self.stats.story_walk += len(comp)
        return comp

    # ------------------------------------------------------------------ eviction

    def _evict(self) -> None:
        # undated articles leave the live window by the day they were stored, on their own axis, so a watch over
        # undated texts does not hold every one of them for ever
        old = sorted(d for d in self.buckets if d != UNDATED and (mark := self._watermark(d)) is not None
                     and d < mark - WINDOW_DAYS - LATENESS_DAYS)
        for d in old:
            for aid in self.buckets.pop(d).ids:
                del self.features[aid]
                self.stats.evicted += 1
        if not old:
            return
        # a component whose members are all evicted is final: its similarity rows can go
        for root in list(self.comp.members):
            if all(m not in self.features for m in self.comp.members[root]):
                for m in self.comp.drop(root):
                    del self.adj[m]


def partition(index: StoryIndex) -> frozenset[frozenset[str]]:
    """The clustering as a set of sets (for comparing runs)."""
    return frozenset(frozenset(ms) for ms in index.stories().values())


def assignments(index: StoryIndex, ids: Iterable[str] | None = None) -> dict[str, str]:
    """article id -> story id (all articles, or the given ones)."""
    wanted = set(ids) if ids is not None else None
    return {a: index.story_of(a) for a in sorted(index.block) if wanted is None or a in wanted}
