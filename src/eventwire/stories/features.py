"""What story clustering knows of one article: features that are a pure function of its own text.

Nothing here depends on which other articles exist: the IDF table is frozen (built once from a fixed
background corpus by ``scripts/build_story_idf.py``), the embedding model is fixed, and every feature
comes from the article's own annotated text. That is what makes pair scores, and therefore the
stories, independent of the order and batches in which articles arrive (see ``index.py``).

* ``terms``: sublinear-TF x IDF over content lemmas (nouns, proper nouns, verbs, adjectives), L2-normalised.
* ``specs``: the same weighting over *specifics*, the words that tell two similar events apart: tokens
  of named entities (``e:comeaux``), numbers (``n:485``), years (``y:2009``), month-day dates (``d:11-30``).
* ``keys``: the article's top specifics, the blocking keys of the candidate index.
* lede facts (first sentences): years, weekdays, counted quantities ("23 pirates" -> pirate: {23}), numbers.
* ``embedding``: bge-small-en of the title and lede (``eventwire.embed``).
* ``minhash``: MinHash over word 3-shingles of the whole text, for near-copies.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash

from eventwire.model import Article, StoryFeatures

DATA = Path(__file__).resolve().parents[1] / "data" / "stories"
IDF_PATH = DATA / "idf.json"
# bump when the features of an article change meaning (stored features are then recomputed)
FEATURE_VERSION = "2"  # 2: embeddings from the shared SentenceEmbedder

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
N_KEYS = 12  # blocking keys per article
LEDE_SENTENCES = 4  # sentences of the lede: dateline year, weekday, counted quantities
EMBED_SENTENCES = 8  # sentences embedded with the title (then cut at the embedder's word-piece limit)
MINHASH_PERM = 64
MINHASH_SEED = 7

_MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
        ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
        ("oct", "october"), ("nov", "november"), ("dec", "december"),
    ])
    for m in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_WORD = re.compile(r"\w+", re.UNICODE)
_NUM = re.compile(r"^\d[\d,.]*$")
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


# --------------------------------------------------------------------------- frozen IDF


class Idf:
    """Frozen document frequencies of a background corpus: ``idf(t) = ln((N+1)/(df+1)) + 1``."""

    def __init__(self, n_docs: int, df: dict[str, int], about: str = "") -> None:
        self.n_docs = n_docs
        self.df = df
        self.about = about

    def __call__(self, term: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(term, 0) + 1)) + 1.0

    @classmethod
    def load(cls, path: Path = IDF_PATH) -> Idf:
        """The packaged table (``scripts/build_story_idf.py`` writes it)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(data["n_docs"]), {k: int(v) for k, v in data["df"].items()}, data.get("about", ""))

    def save(self, path: Path, *, min_df: int = 2) -> None:
        """Write the table; terms seen fewer than ``min_df`` times are left out (they get the top idf anyway)."""
        df = {k: v for k, v in sorted(self.df.items()) if v >= min_df}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"about": self.about, "n_docs": self.n_docs, "df": df}, ensure_ascii=False,
                                   indent=0) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- per-article analysis


@dataclasses.dataclass(frozen=True, slots=True)
class Analysis:
    """Raw bags of one annotated text, before weighting (the IDF script counts these)."""

    lemmas: Counter[str]
    specifics: Counter[str]
    years: frozenset[int]
    weekdays: frozenset[str]
    quantities: dict[str, frozenset[float]]
    lede_numbers: frozenset[str]


def _number_key(text: str) -> str | None:
    t = text.replace(",", "")
    if not _NUM.match(t):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    if v < 2:  # 0 and 1 tell no event apart
        return None
    if 1950 <= v <= 2049 and v.is_integer():
        return f"y:{int(v)}"
    return f"n:{v:g}"


def _dates(text: str) -> Iterable[str]:
    for m in _MONTH_DAY.finditer(text):
        if 1 <= int(m.group(2)) <= 31:
            yield f"d:{_MONTHS[m.group(1).lower()]}-{int(m.group(2))}"
    for m in _DAY_MONTH.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            yield f"d:{_MONTHS[m.group(2).lower()]}-{int(m.group(1))}"


def _number_value(text: str) -> float | None:
    t = text.replace(",", "")
    if _NUM.match(t):
        try:
            return float(t)
        except ValueError:
            return None
    from text_to_num import text2num

    try:
        return float(text2num(text.lower(), "en"))
    except ValueError:
        return None


def lede_end(doc: Any, sentences: int = LEDE_SENTENCES) -> int:
    """Character offset where the first ``sentences`` non-empty sentences of a Doc end."""
    end, seen = 0, 0
    for sent in doc.sents:
        if sent.text.strip():
            end = sent.end_char
            seen += 1
            if seen >= sentences:
                break
    return end


def _quantities(doc: Any, end: int) -> dict[str, frozenset[float]]:
    """Counted things in the lede: noun lemma -> numbers counting it ("23 pirates" -> pirate: {23}).

    The noun is the first noun within three tokens after the number, else the noun just before it
    ("magnitude 5.6"). Dates, times, ordinals and years are not counts.
    """
    out: dict[str, set[float]] = {}
    toks = [t for t in doc if t.idx < end]
    for i, tok in enumerate(toks):
        if not tok.like_num or tok.ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        value = _number_value(tok.text)
        if value is None or (1950 <= value <= 2049 and value.is_integer()):
            continue
        noun = next((t.lemma_.lower() for t in toks[i + 1:i + 4] if t.pos_ == "NOUN"), None)
        if noun is None and i > 0 and toks[i - 1].pos_ == "NOUN":
            noun = toks[i - 1].lemma_.lower()
        if noun:
            out.setdefault(noun, set()).add(value)
    return {k: frozenset(v) for k, v in sorted(out.items())}


def analyse(doc: Any) -> Analysis:
    """Lemma and specifics bags and lede facts of one spaCy ``Doc``."""
    lemmas: Counter[str] = Counter()
    specifics: Counter[str] = Counter()
    lede_numbers: set[str] = set()
    end = lede_end(doc)
    for tok in doc:
        if tok.pos_ not in CONTENT_POS or tok.is_stop or tok.is_punct:
            continue
        if tok.like_num:
            key = _number_key(tok.text)
            if key and key.startswith("n:") and tok.ent_type_ in ("DATE", "TIME"):
                key = None  # a day of the month or a clock time is not a specific of the event
            if key:
                specifics[key] += 1
                if tok.idx < end and key.startswith("n:"):
                    lede_numbers.add(key)
            continue
        lemma = tok.lemma_.lower()
        if len(lemma) > 1 and any(c.isalpha() for c in lemma):
            lemmas[lemma] += 1
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        for tok in ent:
            if tok.is_stop or tok.is_punct or not tok.is_alpha or len(tok.text) < 2:
                continue
            specifics["e:" + tok.text.lower()] += 1
    specifics.update(_dates(doc.text))
    lede = doc.text[:end]
    years = frozenset(int(y) for y in _YEAR.findall(lede))
    weekdays = frozenset(t.lower_[:3] for t in doc if t.idx < end and t.lower_ in _WEEKDAYS)
    return Analysis(lemmas=lemmas, specifics=specifics, years=years, weekdays=weekdays,
                    quantities=_quantities(doc, end), lede_numbers=frozenset(lede_numbers))


def tfidf(bag: Counter[str], idf: Idf) -> dict[str, float]:
    """Sublinear-TF x IDF, L2-normalised, keys sorted (a canonical form: sums over it are order-free)."""
    w = {t: (1.0 + math.log(c)) * idf(t) for t, c in sorted(bag.items())}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {t: v / norm for t, v in w.items()}


def sparse_cos(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two L2-normalised sparse vectors.

    Iterates the smaller one in its (sorted) key order, so the floating-point sum is the same
    whichever argument comes first; callers pass pairs in canonical id order for size ties.
    """
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return float(sum(v * get(t, 0.0) for t, v in a.items()))


def minhash_signature(text: str) -> np.ndarray:
    """datasketch MinHash (fixed seed) over lowercase word 3-shingles, as uint64 values."""
    words = [w.lower() for w in _WORD.findall(text)]
    mh = MinHash(num_perm=MINHASH_PERM, seed=MINHASH_SEED, scheme="affine32")
    mh.update_batch([" ".join(words[i:i + 3]).encode("utf-8") for i in range(max(len(words) - 2, 1))])
    return mh.hashvalues.astype(np.uint64)


def lede_text(doc: Any, title: str | None = None, sentences: int = EMBED_SENTENCES) -> str:
    """Title + the first sentences: what the embedding sees."""
    sents = [s.text.strip() for s in doc.sents if s.text.strip()][:sentences]
    if title and (not sents or sents[0] != title.strip()):
        sents.insert(0, title.strip())
    return "\n".join(sents)


# --------------------------------------------------------------------------- the features


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """Everything the story index needs to know about one article (see the module docstring)."""

    terms: dict[str, float]
    specs: dict[str, float]
    keys: tuple[str, ...]
    years: frozenset[int]
    weekdays: frozenset[str]
    quantities: dict[str, frozenset[float]]
    lede_numbers: frozenset[str]
    embedding: np.ndarray  # (384,) float32, unit length
    minhash: np.ndarray  # (MINHASH_PERM,) uint64


def from_analysis(analysis: Analysis, text: str, embedding: np.ndarray, idf: Idf) -> ArticleFeatures:
    """Weight the bags with the frozen IDF and add the embedding and MinHash."""
    specs = tfidf(analysis.specifics, idf)
    keys = tuple(sorted(sorted(specs, key=lambda t: (-specs[t], t))[:N_KEYS]))
    return ArticleFeatures(terms=tfidf(analysis.lemmas, idf), specs=specs, keys=keys, years=analysis.years,
                           weekdays=analysis.weekdays, quantities=analysis.quantities,
                           lede_numbers=analysis.lede_numbers, embedding=np.asarray(embedding, dtype=np.float32),
                           minhash=minhash_signature(text))


def article_features(article: Article, doc: Any, *, embed: Callable[[str], np.ndarray], idf: Idf) -> StoryFeatures:
    """The stored story features of one annotated article (``embed``: text -> unit vector)."""
    f = from_analysis(analyse(doc), article.text, embed(lede_text(doc, article.title)), idf)
    return to_record(article.id, article.published, f)


def to_record(article_id: str, day: Any, f: ArticleFeatures) -> StoryFeatures:
    """The store's form of an article's features."""
    return StoryFeatures(
        article_id=article_id, version=FEATURE_VERSION, day=day, terms=dict(f.terms), specs=dict(f.specs),
        keys=f.keys, years=tuple(sorted(f.years)), weekdays=tuple(sorted(f.weekdays)),
        quantities={k: sorted(v) for k, v in f.quantities.items()}, lede_numbers=tuple(sorted(f.lede_numbers)),
        embedding=f.embedding.astype("<f4").tobytes(), minhash=f.minhash.astype("<u8").tobytes())


def from_record(r: StoryFeatures) -> ArticleFeatures:
    """An article's features back from the store (floats round-trip exactly through JSON)."""
    return ArticleFeatures(
        terms={k: float(v) for k, v in sorted(r.terms.items())},
        specs={k: float(v) for k, v in sorted(r.specs.items())},
        keys=tuple(r.keys), years=frozenset(int(y) for y in r.years), weekdays=frozenset(r.weekdays),
        quantities={k: frozenset(float(x) for x in v) for k, v in sorted(r.quantities.items())},
        lede_numbers=frozenset(r.lede_numbers), embedding=np.frombuffer(r.embedding, dtype="<f4").astype(np.float32),
        minhash=np.frombuffer(r.minhash, dtype="<u8").astype(np.uint64))


# --------------------------------------------------------------------------- pair features


def _both_disjoint(x: frozenset, y: frozenset) -> float:
    return float(bool(x) and bool(y) and not (x & y))


def _qty(a: ArticleFeatures, b: ArticleFeatures, clash: bool) -> float:
    common = [k for k in a.quantities if k in b.quantities]
    matched = sum(1 for k in common if a.quantities[k] & b.quantities[k])
    return min(len(common) - matched if clash else matched, 3) / 3.0


def minhash_jaccard(a: ArticleFeatures, b: ArticleFeatures) -> float:
    """Estimated Jaccard similarity of two articles' word 3-shingles."""
    return float(np.count_nonzero(a.minhash == b.minhash)) / len(a.minhash)


# name -> symmetric function of two articles; the pair model names the ones it uses
PAIR_FEATURES: dict[str, Callable[[ArticleFeatures, ArticleFeatures], float]] = {
    "cos_terms": lambda a, b: sparse_cos(a.terms, b.terms),
    "cos_specs": lambda a, b: sparse_cos(a.specs, b.specs),
    "cos_emb": lambda a, b: float(np.dot(a.embedding, b.embedding)),
    "keys_shared": lambda a, b: min(len(set(a.keys) & set(b.keys)), 6) / 6.0,
    "year_clash": lambda a, b: _both_disjoint(a.years, b.years),
    "year_match": lambda a, b: float(bool(a.years & b.years)),
    "weekday_clash": lambda a, b: _both_disjoint(a.weekdays, b.weekdays),
    "weekday_match": lambda a, b: float(bool(a.weekdays & b.weekdays)),
    "qty_clash": lambda a, b: _qty(a, b, clash=True),
    "qty_match": lambda a, b: _qty(a, b, clash=False),
    "lede_num_clash": lambda a, b: _both_disjoint(a.lede_numbers, b.lede_numbers),
    "lede_num_match": lambda a, b: float(bool(a.lede_numbers & b.lede_numbers)),
    "minhash": minhash_jaccard,
}


def pair_values(a: ArticleFeatures, b: ArticleFeatures, names: Sequence[str]) -> list[float]:
    """Pair features by name; pass the pair in canonical order (smaller id first), so even the
    floating-point sums do not depend on which article arrived first."""
    return [PAIR_FEATURES[n](a, b) for n in names]
