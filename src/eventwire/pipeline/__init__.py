"""The pipeline: composes the stages and hands each the resources it needs.

ingest -> annotate (nlp) -> mentions (with geo) -> stories -> merge -> reconcile -> (export)

This package is the only place that wires stages together and the only one that creates the
shared resources, once per process; the CLI, evaluations, scripts and benchmarks call the functions
here rather than wiring stages themselves. Its modules:

- ``resources``: the spaCy pipeline with its place-name ruler, the gazetteer and geocoder, the event
  models, the text embedder, the story model;
- ``workers``: extraction on this machine's cores or on an engine elsewhere, each failure isolated;
- ``merged``: the merged layer (stories, events, episodes, figures), updated incrementally: each run
  adds the articles extracted since the last one to the saved story and event indexes, re-clusters
  only what they touch and writes only the rows that changed, with the saved indexes, in one transaction;
- ``summary``: what a run did;
- this module: ingest, extraction of what is pending, runs, watching, shards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

from eventwire import mentions, stories
from eventwire.errors import Errors, input_failure
from eventwire.ingest import ItemState, Poller, SourceState, input_files, read_inputs
from eventwire.model import Article, EventMention, InputFailure
from eventwire.pipeline.merged import layer_version
from eventwire.pipeline.merged import update as update_layer
from eventwire.pipeline.resources import (
    Resources,
    annotate,
    embed_one,
    embedder,
    gazetteer,
    gazetteer_built,
    load_resources,
    plain_pipeline,
    release_heap,
    resources,
    story_model,
)
from eventwire.pipeline.summary import Progress, RunSummary, totals
from eventwire.pipeline.workers import (
    CHUNK_ARTICLES,
    ChunkResult,
    Engine,
    extract_articles,
    extract_chunk,
    in_own_process,
    mentions_of,
    story_features_of,
    workers_for,
)
from eventwire.settings import Settings
from eventwire.store import Extraction, Store, history, run_lock, shards, watching

__all__ = [
    "ChunkResult",
    "EXTRACTOR_VERSION",
    "Engine",
    "Progress",
    "Resources",
    "RunSummary",
    "Store",
    "annotate",
    "embed_one",
    "embedder",
    "extract",
    "extract_and_merge",
    "extract_and_merge_apart",
    "extract_chunk",
    "extract_pending",
    "extract_texts",
    "gazetteer",
    "gazetteer_built",
    "ingest",
    "input_units",
    "load_resources",
    "load_shards",
    "mentions_of",
    "merged_layer_version",
    "plain_pipeline",
    "read_units",
    "recorded_run",
    "release_heap",
    "resources",
    "run",
    "run_store",
    "store_records",
    "story_features_of",
    "story_model",
    "totals",
    "update_merged",
    "watch_cycle",
    "workers_for",
    "write_shard",
]

# an article is extracted again when the mentions stage or the story features change
EXTRACTOR_VERSION = f"{mentions.EXTRACTOR_VERSION}+s{stories.FEATURE_VERSION}"
T = TypeVar("T")


def _is_supported(article: Article, settings: Settings) -> bool:
    return article.language is None or article.language in settings.languages


def ingest(paths: Sequence[str], store: Store, settings: Settings, *, summary: RunSummary | None = None,
           fields: Mapping[str, str] | None = None, fetch: bool = False,
           stdin: BinaryIO | None = None) -> RunSummary:
    """Ingest stage into the store: articles stored (duplicates linked), failures quarantined."""
    summary = summary or RunSummary()
    for batch in _batches(read_inputs(paths, settings, fields=fields, fetch=fetch, stdin=stdin)):
        store_records(store, batch, summary)
    return summary


def input_units(paths: Sequence[str]) -> list[str]:
    """The inputs as units read one at a time (each file of a folder or glob), in reading order."""
    return input_files(paths)


def read_units(units: Sequence[str], settings: Settings, *, fields: Mapping[str, str] | None = None,
               fetch: bool = False) -> list[Article | InputFailure]:
    """Read some input units (on any machine that sees their paths): articles and failures, in order."""
    return list(read_inputs(units, settings, fields=fields, fetch=fetch))


def store_records(store: Store, records: Iterable[Article | InputFailure], summary: RunSummary) -> None:
    """Store read articles (duplicates linked) and quarantine failures, in one transaction (a batch's rows in one
    commit and one pass over the full-text index), then let other processes in."""
    records = list(records)
    for rec, outcome in zip(records, store.add_inputs(records), strict=True):
        if isinstance(rec, InputFailure):
            summary.failures.append(rec)
            continue
        if outcome in ("new", "revision"):
            summary.articles_new += 1
            summary.articles_revised += outcome == "revision"
            origin = rec.published_from if rec.published else "none"
            summary.published_from[origin] = summary.published_from.get(origin, 0) + 1
        elif outcome == "duplicate":
            summary.articles_duplicate += 1
        else:
            summary.articles_seen += 1
    store.release()


# A run commits read articles in batches of at most this many, or of what it read in this many seconds,
# and lets go of the store in between (readers get in; see store.locking).
COMMIT_ARTICLES = 256
COMMIT_SECONDS = 1.0


def _batches(records: Iterable[T], size: int = COMMIT_ARTICLES, seconds: float = COMMIT_SECONDS
             ) -> Iterator[list[T]]:
    batch: list[T] = []
    start = time.monotonic()
    for rec in records:
        batch.append(rec)
        if len(batch) >= size or time.monotonic() - start >= seconds:
            yield batch
            batch = []
            start = time.monotonic()
    if batch:
        yield batch


def extract_pending(store: Store, settings: Settings, *, summary: RunSummary | None = None,
                    progress: Progress | None = None, engine: Engine | None = None,
                    stop: Callable[[], bool] | None = None) -> RunSummary:
    """Annotate and extract every stored article not yet extracted (resumable per chunk); ``engine``
    runs the chunks elsewhere (a cluster), else this machine's cores do. ``stop`` ends it after the chunk
    in progress (the rest is extracted by the next run)."""
    summary = summary or RunSummary()
    # the input as read (an HTML page, often ten times the text) is not read: extraction needs the text
    pending = store.articles(store.pending_extraction(EXTRACTOR_VERSION, settings.languages), raw=False)
    supported = []
    early: list[Extraction] = []  # skipped or failed before extraction, saved together
    for article in pending:
        if len(article.text or "") > settings.max_text_chars:
            # stored by a version without the limit: quarantined, so it cannot block later runs
            early.append(_failed(store, summary, article,
                                 input_failure(article.source, Errors.E118, chars=f"{len(article.text):,}",
                                               limit=f"{settings.max_text_chars:,}")))
        elif _is_supported(article, settings):
            supported.append(article)
        else:
            early.append(Extraction(article.id, [], EXTRACTOR_VERSION, f"skipped-language:{article.language}"))
            summary.skipped_language.append(article.id)
            lang = str(article.language)
            summary.skipped_languages[lang] = summary.skipped_languages.get(lang, 0) + 1
    store.save_extractions(early)
    store.release()
    total = len(supported)
    results = extract_articles(supported, settings, features=True, engine=engine)
    chunk: list[Extraction] = []  # a chunk's results, saved together (one statement per table)
    for done, (article, result) in enumerate(results, start=1):
        if isinstance(result, InputFailure):
            chunk.append(_failed(store, summary, article, result))
        else:
            found, feats = result
            chunk.append(Extraction(article.id, found, EXTRACTOR_VERSION, features=feats))
            summary.extracted += 1
            summary.extracted_ids.append(article.id)
            summary.mentions_found += len(found)
            summary.mentions_undated += sum(m.event_date is None for m in found)
        if done % CHUNK_ARTICLES == 0:
            # a chunk's results arrive together: commit them, then let readers in
            store.save_extractions(chunk)
            chunk = []
            store.release()
        if progress:
            progress(done, total, article.title or article.source)
        if stop is not None and done % CHUNK_ARTICLES == 0 and stop():
            break
    results.close()  # stopped early: the workers end here
    store.save_extractions(chunk)
    store.release()
    return summary


def _failed(store: Store, summary: RunSummary, article: Article, failure: InputFailure) -> Extraction:
    """An article that cannot be extracted: quarantined; returns its extraction to save (marked done for this
    extractor version)."""
    store.add_failure(failure)
    summary.failures.append(failure)
    return Extraction(article.id, [], EXTRACTOR_VERSION, f"failed:{failure.code}")


@contextlib.contextmanager
def run_store(settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> Iterator[Store]:
    """The store as a run writes it: after any run in progress (``on_wait`` hears that it waits), open
    only while the run commits, so readers get in between."""
    with run_lock(settings.db, on_wait=on_wait), \
            Store(settings.db, shared=True, wait=settings.store_wait, on_wait=on_wait) as store:
        yield store


def run(paths: Sequence[str], settings: Settings, *, fields: Mapping[str, str] | None = None,
        fetch: bool = False, stdin: BinaryIO | None = None, progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None) -> RunSummary:
    """The whole pipeline into the store at ``settings.db``; returns a summary.

    One run writes a store at a time: a second waits for the first (``on_wait`` hears why). The run
    holds the file only while it commits, so readers (export, the review app) see the last commit.
    """
    with run_store(settings, on_wait=on_wait) as store:
        summary = RunSummary(run_id=history.new_run_id())
        with recorded_run(store, summary, "run"):
            ingest(paths, store, settings, summary=summary, fields=fields, fetch=fetch, stdin=stdin)
            extract_pending(store, settings, summary=summary, progress=progress)
            update_merged(store, summary=summary)
    return summary


@contextlib.contextmanager
def recorded_run(store: Store, summary: RunSummary, command: str) -> Iterator[RunSummary]:
    """Record a run in the store (``runs``: its changes to events name it) while the block runs it."""
    summary.run_id = summary.run_id or history.new_run_id()
    history.start_run(store.con, summary.run_id, command)
    store.release()
    status = "failed"
    try:
        yield summary
        status = "done"
    finally:
        history.finish_run(store.con, summary.run_id, status=status, articles_new=summary.articles_new,
                           extracted=summary.extracted)
        store.release()


def merged_layer_version() -> str:
    """What the saved indexes of the merged layer and the rows they made depend on (``merged.layer_version``)."""
    return layer_version(EXTRACTOR_VERSION)


def update_merged(store: Store, *, summary: RunSummary | None = None) -> RunSummary:
    """Add the articles extracted since the last update to stories, events and episodes, and write what changed,
    with each event's changes (``pipeline.merged.update``; resumable: an interrupted update is redone from the saved
    indexes)."""
    return update_layer(store, EXTRACTOR_VERSION, summary=summary)


def extract_and_merge(store: Store, settings: Settings, *, summary: RunSummary | None = None,
                      progress: Progress | None = None, stop: Callable[[], bool] | None = None) -> RunSummary:
    """Extract what is pending, then merge it (``extract_pending``, ``update_merged``)."""
    summary = extract_pending(store, settings, summary=summary, progress=progress, stop=stop)
    return update_merged(store, summary=summary)


def extract_and_merge_apart(store: Store, settings: Settings, summary: RunSummary, *,
                            progress: Progress | None = None, stop: Callable[[], bool] | None = None
                            ) -> RunSummary:
    """``extract_and_merge`` in a short-lived process of its own (``settings.watch_poll_apart``).

    A watch lives for days: what extraction keeps warm (memos of sentences and words, the models' buffers) and
    the merged layer's working set (the live window's features and indexes, read from the store) would otherwise
    stay with the watch at their high-water mark. In a process of its own the poll's work gives it all back when
    it ends, at the price of loading the models again (a few seconds). ``stop`` and ``progress`` work as here;
    the caller's store lets go of the file meanwhile, the run lock stays with the caller.
    """
    store.release()
    done = in_own_process(_extract_and_merge_stored, settings, summary, stop=stop, progress=progress,
                          what=f"the extraction and merging of {settings.db}")
    for f in dataclasses.fields(RunSummary):
        setattr(summary, f.name, getattr(done, f.name))
    return summary


def _extract_and_merge_stored(settings: Settings, summary: RunSummary, *, stop: Callable[[], bool] | None = None,
                              progress: Progress | None = None) -> RunSummary:
    with Store(settings.db, shared=True, wait=settings.store_wait) as store:
        return extract_and_merge(store, settings, summary=summary, progress=progress, stop=stop)


def _poll_has_work(store: Store, settings: Settings, decisions: int, decisions_seen: Sequence[int]) -> bool:
    """Articles to extract or merge, or reviewers' decisions made since the last poll that merged (the first
    poll of a watch always merges: a new version of the rules rebuilds the merged layer)."""
    return not decisions_seen or decisions != decisions_seen[-1] or bool(store.merge_pending()) \
        or bool(store.pending_extraction(EXTRACTOR_VERSION, settings.languages))


# --------------------------------------------------------------------------- watching sources


def watch_cycle(sources: Sequence[str], store: Store, settings: Settings, poller: Poller, *,
                summary: RunSummary | None = None, stop: Callable[[], bool] | None = None,
                progress: Progress | None = None, decisions_seen: list[int] | None = None) -> RunSummary:
    """One poll of every watched source (``ingest.Poller``): what is new or changed is stored with the state of
    its source and item (so a watch that is killed resumes there, and nothing is read twice), then extracted and
    merged as a run does, in a process of its own (``settings.watch_poll_apart``) when there is anything to do.
    ``stop`` ends it after the batch in progress; ``decisions_seen`` carries the count of reviewers' decisions
    from one poll to the next (a poll with no new article still applies new decisions)."""
    summary = summary or RunSummary()
    for source in sources:
        if stop is not None and stop():
            break
        saved, seen = watching.load(store.con, source)
        store.release()
        state = SourceState.from_dict(saved)
        polled = poller.poll(source, state, {k: ItemState.from_dict(v) for k, v in seen.items()}, stop=stop)
        for batch in _batches(polled):
            store_records(store, [r for item in batch for r in item.records], summary)
            watching.save_items(store.con, source, [(item.key, item.state.to_dict()) for item in batch if item.key])
            store.release()
        watching.save_source(store.con, source, state.to_dict(), cleared=not state.error)
        store.release()
    if not settings.watch_poll_apart:
        return extract_and_merge(store, settings, summary=summary, progress=progress, stop=stop)
    seen = decisions_seen if decisions_seen is not None else []
    decisions = store.count("decisions")
    if not _poll_has_work(store, settings, decisions, seen):
        return totals(store, summary)  # nothing new: no process started
    extract_and_merge_apart(store, settings, summary, progress=progress, stop=stop)
    seen[:] = [decisions]  # only once merged: a failed poll's decisions are applied by the next one
    return summary


# --------------------------------------------------------------------------- shards (several machines)


def write_shard(paths: Sequence[str], out: Path, settings: Settings, *, fields: Mapping[str, str] | None = None,
                fetch: bool = False, stdin: BinaryIO | None = None, progress: Progress | None = None
                ) -> tuple[Path, RunSummary]:
    """Read and extract on this machine, into a new shard folder inside ``out`` (no store, no merging):
    what ``load_shards`` adds to a store elsewhere."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / f".work-{os.getpid()}-{time.time_ns()}.duckdb"
    try:
        with Store(work) as store:
            summary = ingest(paths, store, settings, fields=fields, fetch=fetch, stdin=stdin)
            extract_pending(store, settings, summary=summary, progress=progress)
            return shards.write_shard(store, out, EXTRACTOR_VERSION), summary
    finally:
        shards.remove_scratch(work)


def load_shards(paths: Sequence[Path], store: Store, *, summary: RunSummary | None = None
                ) -> tuple[RunSummary, list[Path]]:
    """Add the shards under ``paths`` that the store has not loaded yet, then update the merged layer.

    Articles are stored as a run stores them (duplicates linked, versions counted); an article's
    extraction is taken from the shard when made by this extractor version and the store has none by it
    (else the next run extracts it here). Loading a shard again changes nothing."""
    summary = summary or RunSummary()
    done = shards.loaded(store)
    new = [s for s in shards.shard_folders(list(paths)) if s.name not in done]
    for shard in new:
        shards.read_manifest(shard)
        with Store(":memory:") as scratch:
            shards.fill_from_shard(scratch, shard)
            order = [r[0] for r in scratch.con.execute("SELECT id FROM articles ORDER BY ingested_at, id").fetchall()]
            by_id = {a.id: a for a in scratch.articles(order)}
            store_records(store, [*scratch.quarantine(), *(by_id[a] for a in order)], summary)
            kept = {a.id for a in store.articles(order, raw=False)}
            for aid, source in scratch.con.execute("SELECT article_id, source FROM article_sources").fetchall():
                if aid in kept:
                    store.con.execute("INSERT OR IGNORE INTO article_sources VALUES (?, ?)", [aid, source])
            have = {aid for aid, ex in store.con.execute(
                "SELECT article_id, extractor FROM extracted WHERE article_id IN (SELECT unnest(?))",
                [sorted(kept)]).fetchall() if ex == EXTRACTOR_VERSION}
            rows = scratch.con.execute("SELECT article_id, extractor, status FROM extracted ORDER BY article_id")
            taken: list[Extraction] = []
            for aid, extractor, status in rows.fetchall():
                if aid not in kept or aid in have or extractor != EXTRACTOR_VERSION:
                    continue
                found = scratch.mentions([aid])
                feats = scratch.story_features([aid])
                taken.append(Extraction(aid, found, extractor, status, feats[0] if feats else None))
                if status == "ok":
                    summary.extracted += 1
                    summary.extracted_ids.append(aid)
                    summary.mentions_found += len(found)
                    summary.mentions_undated += sum(m.event_date is None for m in found)
            store.save_extractions(taken)
        shards.mark_loaded(store, shard)
        store.release()
    update_merged(store, summary=summary)
    return summary, new


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
    for article, result in extract_articles(articles, settings):
        yield result if isinstance(result, InputFailure) else (article, result[0])


def extract_texts(articles: Iterable[Article], settings: Settings | None = None
                  ) -> Iterator[tuple[Article, list[EventMention]]]:
    """Extract mentions from Article records already in memory (used by evaluations); an article
    that fails extraction gets no mentions."""
    for article, result in extract_articles(list(articles), settings or Settings()):
        yield article, [] if isinstance(result, InputFailure) else result[0]
