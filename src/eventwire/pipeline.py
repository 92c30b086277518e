"""The pipeline: composes the stages and hands each the resources it needs.

ingest -> annotate (nlp) -> mentions (with geo) -> stories -> merge -> reconcile -> (export)

This module is the only place that wires stages together and the only one that creates the
shared resources (the spaCy pipeline with its place-name ruler, the gazetteer and geocoder, the
event classifier), once per process; the CLI, evaluations, scripts and benchmarks call the
functions here rather than wiring stages themselves.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from spacy.language import Language
from spacy.tokens import Doc

from eventwire import geo, mentions, nlp
from eventwire.embed import SentenceEmbedder
from eventwire.errors import Errors, input_failure
from eventwire.ingest import read_inputs
from eventwire.merge import merge_events
from eventwire.model import Article, Event, EventMention, InputFailure, Story
from eventwire.reconcile import attach_figures
from eventwire.settings import Settings
from eventwire.store import Store
from eventwire.stories import group_stories

EXTRACTOR_VERSION = mentions.EXTRACTOR_VERSION


@dataclass(frozen=True)
class Resources:
    """The shared, read-only resources of the stages, created once per process."""

    nlp: Language  # spaCy pipeline with the gazetteer's place names in an entity ruler
    geocoder: geo.Geocoder
    models: mentions.EventModels  # lexical classifier, relevance and sub-type models, sentence embedder


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


@functools.lru_cache(maxsize=2)
def load_resources(model: str = nlp.DEFAULT_MODEL, sources: tuple[str, ...] = geo.EXTRA_SOURCES) -> Resources:
    """Create every shared resource once: gazetteer and geocoder, spaCy with place patterns, classifier."""
    gaz = gazetteer(tuple(sources))
    patterns = geo.entity_patterns(gaz, lambda: nlp.english_words(plain_pipeline(model)))
    models = mentions.EventModels(classifier=mentions.load_model(), relevance=mentions.load_relevance(),
                                  subtype=mentions.load_subtype(), embedder=SentenceEmbedder(threads=1))
    return Resources(nlp=nlp.load_pipeline(model, place_patterns=patterns), geocoder=geo.Geocoder(gaz),
                     models=models)


def resources(settings: Settings) -> Resources:
    """The resources for these settings (created on first use)."""
    return load_resources(settings.spacy_model, tuple(settings.gazetteer_sources))


# (done, total, label) -> None; the CLI passes a rich progress bar, tests pass nothing
Progress = Callable[[int, int, str], None]


@dataclass
class RunSummary:
    """What a run did (its own work), then the store's totals after it, for the CLI and tests."""

    # this run's work
    articles_new: int = 0
    articles_seen: int = 0
    articles_duplicate: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    extracted: int = 0
    extracted_ids: list[str] = field(default_factory=list)
    skipped_language: list[str] = field(default_factory=list)
    mentions_found: int = 0
    mentions_undated: int = 0  # of those, mentions without an event date
    # where the new articles' publication dates came from (Article.published_from; "none" without one)
    published_from: dict[str, int] = field(default_factory=dict)
    # the store's totals after the run
    articles: int = 0
    mentions: int = 0
    events: int = 0
    events_by_status: dict[str, int] = field(default_factory=dict)
    stories: int = 0
    claims: int = 0
    quarantined: int = 0

    @property
    def undated_articles(self) -> int:
        """New articles of this run without a publication date."""
        return self.published_from.get("none", 0)

    @property
    def ok(self) -> bool:
        """True when every input was read."""
        return not self.failures


def _is_supported(article: Article, settings: Settings) -> bool:
    return article.language is None or article.language in settings.languages


def ingest(paths: Sequence[str], store: Store, settings: Settings, *, summary: RunSummary | None = None,
           fields: Mapping[str, str] | None = None, fetch: bool = False,
           stdin: BinaryIO | None = None) -> RunSummary:
    """Ingest stage into the store: articles stored (duplicates linked), failures quarantined."""
    summary = summary or RunSummary()
    for rec in read_inputs(paths, settings, fields=fields, fetch=fetch, stdin=stdin):
        if isinstance(rec, InputFailure):
            store.add_failure(rec)
            summary.failures.append(rec)
            continue
        outcome = store.add_article(rec)
        if outcome == "new":
            summary.articles_new += 1
            origin = rec.published_from if rec.published else "none"
            summary.published_from[origin] = summary.published_from.get(origin, 0) + 1
        elif outcome == "duplicate":
            summary.articles_duplicate += 1
        else:
            summary.articles_seen += 1
    return summary


def extract_pending(store: Store, settings: Settings, *, summary: RunSummary | None = None,
                    progress: Progress | None = None) -> RunSummary:
    """Annotate and extract every stored article not yet extracted (resumable per article)."""
    summary = summary or RunSummary()
    pending = store.articles(store.pending_extraction(EXTRACTOR_VERSION))
    supported = []
    for article in pending:
        if len(article.text or "") > settings.max_text_chars:
            # stored by a version without the limit: quarantined, so it cannot block later runs
            _failed(store, summary, article,
                    input_failure(article.source, Errors.E118, chars=f"{len(article.text):,}",
                                  limit=f"{settings.max_text_chars:,}"))
        elif _is_supported(article, settings):
            supported.append(article)
        else:
            store.save_extraction(article.id, [], EXTRACTOR_VERSION, status=f"skipped-language:{article.language}")
            summary.skipped_language.append(article.id)
    total = len(supported)
    for done, (article, found) in enumerate(_extract(supported, settings), start=1):
        if isinstance(found, InputFailure):
            _failed(store, summary, article, found)
        else:
            store.save_extraction(article.id, found, EXTRACTOR_VERSION)
            summary.extracted += 1
            summary.extracted_ids.append(article.id)
            summary.mentions_found += len(found)
            summary.mentions_undated += sum(m.event_date is None for m in found)
        if progress:
            progress(done, total, article.title or article.source)
    return summary


def _failed(store: Store, summary: RunSummary, article: Article, failure: InputFailure) -> None:
    """An article that cannot be extracted: quarantined, and marked done for this extractor version."""
    store.add_failure(failure)
    store.save_extraction(article.id, [], EXTRACTOR_VERSION, status=f"failed:{failure.code}")
    summary.failures.append(failure)


def build_events(articles: Sequence[Article], mentions: Sequence[EventMention]
                 ) -> tuple[list[Event], list[Story]]:
    """Stories and events stage, then the claims stage, over a set of articles."""
    stories = group_stories(articles, mentions)
    events = merge_events(mentions, stories)
    outlet = {a.id: a.outlet or a.source for a in articles}
    events = [dataclasses.replace(e, sources=tuple(sorted({outlet.get(a, a) for a in e.article_ids})))
              for e in events]
    events = attach_figures(events, mentions)
    by_story: dict[str, list[str]] = {}
    for e in events:
        if e.story_id:
            by_story.setdefault(e.story_id, []).append(e.id)
    stories = [dataclasses.replace(s, event_ids=tuple(sorted(by_story.get(s.id, [])))) for s in stories]
    return events, stories


def rebuild_events(store: Store, *, summary: RunSummary | None = None) -> RunSummary:
    """Recompute the merged layer (stories, events, figures) from every stored mention."""
    summary = summary or RunSummary()
    articles = store.articles()
    mentions = store.mentions()
    events, stories = build_events(articles, mentions)
    store.replace_events(events, stories)
    summary.articles = len(articles)
    summary.mentions = len(mentions)
    summary.events = len(events)
    summary.events_by_status = dict(Counter(e.status for e in events).most_common())
    summary.stories = len(stories)
    summary.claims = sum(len(m.claims) for m in mentions)
    summary.quarantined = store.count("quarantine")
    return summary


def run(paths: Sequence[str], settings: Settings, *, fields: Mapping[str, str] | None = None,
        fetch: bool = False, stdin: BinaryIO | None = None, progress: Progress | None = None) -> RunSummary:
    """The whole pipeline into the store at ``settings.db``; returns a summary."""
    with Store(settings.db) as store:
        summary = ingest(paths, store, settings, fields=fields, fetch=fetch, stdin=stdin)
        extract_pending(store, settings, summary=summary, progress=progress)
        rebuild_events(store, summary=summary)
    return summary


def extract(paths: Sequence[str], settings: Settings, *, fields: Mapping[str, str] | None = None,
            fetch: bool = False, stdin: BinaryIO | None = None
            ) -> Iterator[Article | InputFailure | tuple[Article, list[EventMention]]]:
    """Per-article event mentions, no store and no cross-article merging.

    Yields InputFailure for unreadable inputs, a bare Article for one skipped
    (unsupported language), and (article, mentions) for each extracted article.
    """
    articles: list[Article] = []
    for rec in read_inputs(paths, settings, fields=fields, fetch=fetch, stdin=stdin):
        if isinstance(rec, InputFailure) or not _is_supported(rec, settings):
            yield rec
        else:
            articles.append(rec)
    for article, found in _extract(articles, settings):
        yield found if isinstance(found, InputFailure) else (article, found)


def extract_texts(articles: Iterable[Article], settings: Settings | None = None
                  ) -> Iterator[tuple[Article, list[EventMention]]]:
    """Extract mentions from Article records already in memory (used by evaluations); an article
    that fails extraction gets no mentions."""
    for article, found in _extract(list(articles), settings or Settings()):
        yield article, [] if isinstance(found, InputFailure) else found


def mentions_of(article: Article, doc: Doc, res: Resources) -> list[EventMention]:
    """The mentions stage on one annotated article, with the shared resources."""
    return mentions.extract_mentions(article, doc, locator=res.geocoder, models=res.models)


# Articles handed to a worker at a time: progress is reported per chunk.
CHUNK_ARTICLES = 16
# A worker process costs a few seconds to start (spaCy, gazetteer, models): below this many
# articles per worker the run stays in this process.
MIN_ARTICLES_PER_WORKER = 40


def workers_for(settings: Settings, n_articles: int) -> int:
    """Worker processes for ``n_articles``: every core by default (``n_process`` 0), never more
    than the articles keep busy."""
    wanted = settings.n_process if settings.n_process > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, n_articles // MIN_ARTICLES_PER_WORKER))


def _extract(articles: Sequence[Article], settings: Settings
             ) -> Iterator[tuple[Article, list[EventMention] | InputFailure]]:
    """Annotate stage then mentions stage on every article, in input order, on every core.

    Each worker process creates its own resources once and returns only mentions (small), never
    spaCy Docs. An article whose annotation or extraction raises becomes an InputFailure
    (extraction failed) and the others go on.
    """
    chunks = [list(articles[i:i + CHUNK_ARTICLES]) for i in range(0, len(articles), CHUNK_ARTICLES)]
    workers = workers_for(settings, len(articles))
    if workers <= 1:
        yield from _with_articles(chunks, (_extract_chunk(chunk, settings) for chunk in chunks))
        return
    # spawn: a fresh interpreter per worker (forking a process that runs ONNX Runtime threads is unsafe)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        yield from _with_articles(chunks, pool.imap(functools.partial(_extract_chunk, settings=settings), chunks))


ChunkResult = list[tuple[str, list[EventMention] | InputFailure]]


def _with_articles(chunks: Sequence[Sequence[Article]], results: Iterable[ChunkResult]
                   ) -> Iterator[tuple[Article, list[EventMention] | InputFailure]]:
    for chunk, found in zip(chunks, results, strict=True):
        by_id = {a.id: a for a in chunk}
        for article_id, result in found:
            yield by_id[article_id], result


def _extract_chunk(articles: Sequence[Article], settings: Settings) -> ChunkResult:
    """Mentions of a few articles (in a worker or in this process), each failure isolated."""
    res = resources(settings)
    try:
        return [(a.id, mentions_of(a, doc, res))
                for a, doc in nlp.annotate(articles, res.nlp, batch_size=settings.batch_size)]
    except Exception:  # redone one article at a time below, where each error is recorded
        pass
    out: ChunkResult = []
    for article in articles:
        try:
            [(_, doc)] = list(nlp.annotate([article], res.nlp))
            out.append((article.id, mentions_of(article, doc, res)))
        except Exception as exc:  # recorded in quarantine: this article fails, the others go on
            out.append((article.id, input_failure(article.source, Errors.E171, reason=f"{type(exc).__name__}: {exc}")))
    return out
