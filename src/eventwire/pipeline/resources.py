"""The shared resources of the stages (spaCy with the place-name ruler, gazetteer and geocoder, event models,
embedders, the story model), created once per process."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from eventwire import geo, mentions, nlp, stories
from eventwire.embed import SentenceEmbedder
from eventwire.model import (
    Article,
)
from eventwire.settings import Settings


@dataclass(frozen=True)
class Resources:
    """The shared, read-only resources of the stages, created once per process."""

    nlp: Language  # spaCy pipeline with the gazetteer's place names in an entity ruler
    geocoder: geo.Geocoder
    models: mentions.EventModels  # lexical classifier, relevance and sub-type models, sentence embedder
    story_embedder: SentenceEmbedder  # bge-small-en reading up to EMBED_TOKENS word pieces (title and lede)
    story_idf: stories.Idf


# glibc raises its mmap threshold each time it frees a large block (the arrays spaCy and thinc make for a long
# article), so that later large blocks come from the heap, where freed space is kept and fragments: a process that
# lives for days (watch) grew in steps with each longer article than any before (1,000 news articles: +240 MB
# with the moving threshold, +50 MB with a fixed one). A fixed threshold sends large blocks to mmap, returned to
# the system when freed; the heap's free top is given back past twice that.
MMAP_THRESHOLD = 128 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library of this process on Linux (for glibc's heap settings and process controls); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


@functools.cache
def bound_heap() -> bool:
    """Fix glibc's mmap and trim thresholds for this process (once); False where the C library is not glibc."""
    mallopt = getattr(libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD))


def release_heap() -> bool:
    """Give the free pages of glibc's heaps back to the system (a long-running watch calls it after each poll:
    what a poll freed amid blocks still in use is otherwise kept). With ``PYTHONMALLOC=malloc`` Python's small
    objects live in those heaps too, so their freed pages go back as well: a merge soak's settled memory then
    grew 2.8 MB per 100 articles instead of 7.7 (``bench/soak_merge.py``). False where there is no glibc."""
    trim = getattr(libc(), "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False


@functools.lru_cache(maxsize=2)
def plain_pipeline(model: str = nlp.DEFAULT_MODEL) -> Language:
    """The spaCy pipeline without the place-name ruler (sentence-level work that needs no places)."""
    return nlp.load_pipeline(model)


@functools.lru_cache(maxsize=2)
def gazetteer(sources: tuple[str, ...] = geo.EXTRA_SOURCES) -> geo.Gazetteer:
    """The gazetteer with these optional sources, its index built into the cache folder on first use."""
    return geo.open_gazetteer(sources)


def gazetteer_built() -> bool:
    """Is the gazetteer index built already? (The first run builds it: about 30 s, once.)"""
    return geo.index_path().exists()


# Word pieces the shared embedder reads per text: a story's title and lede need 256 (sentences are
# shorter than that, so one embedder serves both).
EMBED_TOKENS = 256


@functools.lru_cache(maxsize=1)
def embedder() -> SentenceEmbedder:
    """The story embedder (bge-small-en ONNX reading EMBED_TOKENS word pieces), created once per
    process; one thread, as every worker process has its own."""
    return SentenceEmbedder(max_tokens=EMBED_TOKENS, threads=1)


def embed_one(text: str, emb: SentenceEmbedder | None = None) -> np.ndarray:
    """One text's vector, embedded alone (a batch of one), so it never depends on other texts."""
    return (emb or embedder()).embed_each([text])[0]


def annotate(articles: Sequence[Article], settings: Settings) -> Iterator[tuple[Article, Doc]]:
    """The annotate stage alone, in this process, with the shared spaCy pipeline (evaluations and
    scripts use it)."""
    yield from nlp.annotate(articles, resources(settings).nlp, batch_size=settings.batch_size)


@functools.lru_cache(maxsize=2)
def load_resources(model: str = nlp.DEFAULT_MODEL, sources: tuple[str, ...] = geo.EXTRA_SOURCES) -> Resources:
    """Create every shared resource once: gazetteer and geocoder, spaCy with place patterns, event
    models, embedders, story model."""
    bound_heap()
    gaz = gazetteer(tuple(sources))
    patterns = geo.entity_patterns(gaz, lambda: nlp.english_words(plain_pipeline(model)))
    models = mentions.EventModels(classifier=mentions.load_model(), relevance=mentions.load_relevance(),
                                  subtype=mentions.load_subtype(), embedder=SentenceEmbedder(threads=1),
                                  prescore=mentions.load_prescore())
    pipe = nlp.load_pipeline(model, place_patterns=patterns)
    # common words ("Massacre", "Nice") weigh against a Title Case headline's word being a place
    geocoder = geo.Geocoder(gaz, common_words=nlp.english_words(pipe, pos=geo.COMMON_WORD_POS))
    return Resources(nlp=pipe, geocoder=geocoder,
                     models=models, story_embedder=embedder(), story_idf=story_model()[0])


@functools.lru_cache(maxsize=1)
def story_model() -> tuple[stories.Idf, stories.PairModel]:
    """The story stage's frozen IDF table and pair model (merging needs only these, not spaCy)."""
    bound_heap()
    return stories.load_idf(), stories.load_pair_model()


def resources(settings: Settings) -> Resources:
    """The resources for these settings (created on first use)."""
    return load_resources(settings.spacy_model, tuple(settings.gazetteer_sources))
