"""The pipeline: composes the stages and hands each the resources it needs.

ingest -> annotate (nlp) -> mentions (with geo) -> stories -> merge -> reconcile -> (export)

This module is the only place that wires stages together and the only one that creates the
shared resources (the spaCy pipeline with its place-name ruler, the gazetteer and geocoder, the
event classifier, the text embedder, the story model), once per process; the CLI, evaluations,
scripts and benchmarks call the functions here rather than wiring stages themselves.

The merged layer (stories, events, episodes, figures) is updated incrementally: each run adds the
articles extracted since the last one to the saved story and event indexes, re-clusters only what
they touch and writes only the rows that changed, together with the saved indexes, in one transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from eventwire import geo, mentions, merge, nlp, reconcile, stories
from eventwire.embed import SentenceEmbedder
from eventwire.errors import Errors, input_failure
from eventwire.ingest import ItemState, Poller, SourceState, input_files, read_inputs
from eventwire.model import (
    Article,
    ArticleRelation,
    Claim,
    Decision,
    Episode,
    Event,
    EventMention,
    InputFailure,
    SourcedClaim,
    Story,
    StoryFeatures,
)
from eventwire.settings import Settings
from eventwire.store import Store, history, revisions, run_lock, shards, watching
from eventwire.store.rows import RowMap

# an article is extracted again when the mentions stage or the story features change
EXTRACTOR_VERSION = f"{mentions.EXTRACTOR_VERSION}+s{stories.FEATURE_VERSION}"
MERGED_LAYER = "merged-layer"  # the saved indexes' name in the store
T = TypeVar("T")


@dataclass(frozen=True)
class Resources:
    """The shared, read-only resources of the stages, created once per process."""

    nlp: Language  # spaCy pipeline with the gazetteer's place names in an entity ruler
    geocoder: geo.Geocoder
    models: mentions.EventModels  # lexical classifier, relevance and sub-type models, sentence embedder
    story_embedder: SentenceEmbedder  # bge-small-en reading up to EMBED_TOKENS word pieces (title and lede)
    story_idf: stories.Idf


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
    return stories.load_idf(), stories.load_pair_model()


def resources(settings: Settings) -> Resources:
    """The resources for these settings (created on first use)."""
    return load_resources(settings.spacy_model, tuple(settings.gazetteer_sources))


# (done, total, label) -> None; the CLI passes a rich progress bar, tests pass nothing
Progress = Callable[[int, int, str], None]


@dataclass
class RunSummary:
    """What a run did (its own work), then the store's totals after it, for the CLI and tests."""

    # this run's work
    run_id: str = ""  # the id its changes to events carry (store.history)
    articles_new: int = 0
    articles_revised: int = 0  # of the new articles, new revisions of stored ones
    articles_seen: int = 0
    articles_duplicate: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    extracted: int = 0
    extracted_ids: list[str] = field(default_factory=list)
    skipped_language: list[str] = field(default_factory=list)
    skipped_languages: dict[str, int] = field(default_factory=dict)  # language -> articles not extracted
    mentions_found: int = 0
    mentions_undated: int = 0  # of those, mentions without an event date
    changes: int = 0  # changes to events recorded (store.history)
    # where the new articles' publication dates came from (Article.published_from; "none" without one)
    published_from: dict[str, int] = field(default_factory=dict)
    # the store's totals after the run
    articles: int = 0
    mentions: int = 0
    events: int = 0
    events_by_status: dict[str, int] = field(default_factory=dict)
    episodes: int = 0
    stories: int = 0
    claims: int = 0
    quarantined: int = 0
    workers_peak_bytes: list[int] = field(default_factory=list)  # per extraction worker, where the engine says

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
    """Store read articles (duplicates linked) and quarantine failures, then let other processes in."""
    for rec in records:
        if isinstance(rec, InputFailure):
            store.add_failure(rec)
            summary.failures.append(rec)
            continue
        outcome = store.add_article(rec)
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
    """Annotate and extract every stored article not yet extracted (resumable per article); ``engine``
    runs the chunks elsewhere (a cluster), else this machine's cores do. ``stop`` ends it after the chunk
    in progress (the rest is extracted by the next run)."""
    summary = summary or RunSummary()
    pending = store.articles(store.pending_extraction(EXTRACTOR_VERSION, settings.languages))
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
            lang = str(article.language)
            summary.skipped_languages[lang] = summary.skipped_languages.get(lang, 0) + 1
    store.release()
    total = len(supported)
    results = _extract(supported, settings, features=True, engine=engine)
    for done, (article, result) in enumerate(results, start=1):
        if isinstance(result, InputFailure):
            _failed(store, summary, article, result)
        else:
            found, feats = result
            store.save_extraction(article.id, found, EXTRACTOR_VERSION, features=feats)
            summary.extracted += 1
            summary.extracted_ids.append(article.id)
            summary.mentions_found += len(found)
            summary.mentions_undated += sum(m.event_date is None for m in found)
        if done % CHUNK_ARTICLES == 0:
            store.release()  # a chunk's results arrive together: commit them, then let readers in
        if progress:
            progress(done, total, article.title or article.source)
        if stop is not None and done % CHUNK_ARTICLES == 0 and stop():
            break
    results.close()  # stopped early: the workers end here
    store.release()
    return summary


def _failed(store: Store, summary: RunSummary, article: Article, failure: InputFailure) -> None:
    """An article that cannot be extracted: quarantined, and marked done for this extractor version."""
    store.add_failure(failure)
    store.save_extraction(article.id, [], EXTRACTOR_VERSION, status=f"failed:{failure.code}")
    summary.failures.append(failure)


# --------------------------------------------------------------------------- the merged layer


def _day(article: Article | None) -> int | None:
    return article.published.toordinal() if article is not None and article.published else None


@dataclass
class MergedLayer:
    """The incremental indexes behind the stored merged layer, saved with it after each update.

    What lies in the indexes' time windows (features, blocking structures, link graphs) is pickled into one
    row, its size bounded by the articles a window holds; the maps kept for every article, mention, event,
    cluster, story and episode ever added (``ROW_MAPS``) are rows of the store's ``ix_*`` tables, read by
    key while an update needs them and written by changed row (``store.rows``). Every result is a function
    of the stored articles, mentions and decisions (the indexes are order-independent), so a lost or
    outdated save is rebuilt from the store with the same result.
    """

    stories: stories.StoryIndex
    events: merge.EventIndex = field(default_factory=merge.EventIndex)
    episodes: merge.EpisodeIndex = field(default_factory=merge.EpisodeIndex)
    story_articles: dict[str, set[str]] = field(default_factory=dict)  # story -> its articles
    relations: dict[str, ArticleRelation] = field(default_factory=dict)
    published: dict[str, int | None] = field(default_factory=dict)  # article -> publication day
    decisions: frozenset[str] = frozenset()  # decisions already applied
    live_days: dict[int, list[str]] = field(default_factory=dict)  # the story index's live articles, saved by day

    @classmethod
    def empty(cls) -> MergedLayer:
        idf, pair_model = story_model()
        return cls(stories=stories.StoryIndex(pair_model, idf))


# the indexes' per-row maps: (the MergedLayer attribute holding it, or "" for the layer itself; the map's
# attribute; its table in the store, or "published" / "relations" for the rows the store keeps anyway)
ROW_MAPS: tuple[tuple[str, str, str], ...] = (
    ("stories", "block", "ix_story_block"), ("stories", "day_of", "ix_story_day"),
    ("stories", "cluster_of", "ix_story_cluster_of"), ("stories", "cluster_members", "ix_cluster_members"),
    ("stories", "anchor_key", "ix_cluster_anchor"), ("stories", "story_of_cluster", "ix_cluster_story"),
    ("stories", "links", "ix_cluster_links"),
    ("events", "story_of_article", "ix_article_story"), ("events", "mentions_of_article", "ix_article_mentions"),
    ("events", "event_of", "ix_mention_event"), ("events", "anchors", "ix_mention_anchor"),
    ("events", "members", "ix_event_members"),
    ("episodes", "episode_of", "ix_event_episode"), ("episodes", "anchors", "ix_event_anchor"),
    ("episodes", "members", "ix_episode_members"),
    ("", "story_articles", "ix_story_articles"), ("", "published", "published"), ("", "relations", "relations"),
)


def _bind_rows(layer: MergedLayer, store: Store, *, fresh: bool) -> None:
    """Put the store's row maps in the layer's indexes (``fresh``: the indexes are built from scratch)."""
    for owner, attr, table in ROW_MAPS:
        if table == "published":
            rows = store.published_map(fresh=fresh)
        elif table == "relations":
            rows = store.relations_map(fresh=fresh)
        else:
            rows = store.index_map(table, fresh=fresh)
        setattr(getattr(layer, owner) if owner else layer, attr, rows)


def _row_maps(layer: MergedLayer) -> list[RowMap]:
    return [getattr(getattr(layer, owner) if owner else layer, attr) for owner, attr, _ in ROW_MAPS]


def _save_live(layer: MergedLayer) -> bytes:
    """The live part of the indexes, pickled: the story index's live features and blocking structures are left
    out (its live articles are listed instead; ``_load_live`` rebuilds them from the stored features)."""
    st = layer.stories
    features, buckets = st.features, st.buckets
    layer.live_days = st.live_articles()
    st.features, st.buckets = {}, {}
    try:
        return pickle.dumps(layer, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        st.features, st.buckets = features, buckets


def _load_live(saved: bytes, store: Store) -> MergedLayer | None:
    """The indexes saved by ``_save_live``, their per-row maps read from the store as the update needs them
    (None when a live article's features are gone: the indexes are then rebuilt)."""
    layer: MergedLayer = pickle.loads(saved)
    _bind_rows(layer, store, fresh=False)
    wanted = [a for ids in layer.live_days.values() for a in ids]
    features = {f.article_id: stories.from_record(f) for f in store.story_features(wanted)}
    if len(features) < len(set(wanted)):
        return None
    layer.stories.restore_live(layer.live_days, features)
    return layer


def merged_layer_version() -> str:
    """What the saved indexes and the rows they made depend on: the merge and reconciliation rules, the
    story features and model, the extractor."""
    pair_model = story_model()[1]
    model = hashlib.sha1(repr((pair_model.features, pair_model.coef, pair_model.intercept,
                               pair_model.specs_gate)).encode()).hexdigest()[:10]
    return f"{merge.MERGE_VERSION}/{reconcile.RULES_VERSION}/{stories.FEATURE_VERSION}/{model}/{EXTRACTOR_VERSION}"


@dataclass
class MergeUpdate:
    """One update of the merged layer, ready to be written."""

    events: dict[str, Event] = field(default_factory=dict)
    removed_events: dict[str, str | None] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    removed_episodes: set[str] = field(default_factory=set)
    stories: dict[str, Story] = field(default_factory=dict)
    removed_stories: set[str] = field(default_factory=set)
    relations: list[ArticleRelation] = field(default_factory=list)


def update_merged(store: Store, *, summary: RunSummary | None = None) -> RunSummary:
    """Add the articles extracted since the last update to stories, events and episodes, and write
    what changed, with each event's changes (``store.history``; resumable: an interrupted update is
    redone from the saved indexes)."""
    summary = summary or RunSummary()
    version = merged_layer_version()
    with store.reading():  # other readers share the file while the update is computed
        saved = store.load_state(MERGED_LAYER, version)
        loaded = _load_live(saved, store) if saved is not None else None
        if loaded is None:
            saved, loaded = None, MergedLayer.empty()
            _bind_rows(loaded, store, fresh=True)
        layer = loaded
        fresh = store.merge_pending()
        pending = fresh if saved is not None else sorted(store.extraction_status())
        decisions = store.decisions()
        if saved is not None and not pending and {d.id for d in decisions} == layer.decisions:
            return totals(store, summary)  # nothing new: nothing to write
        previous = None
        if saved is not None and _too_late(layer, store, pending):
            # the indexes have let go of such an article's neighbours: they are rebuilt from the store, so the
            # merged layer stays a function of the stored articles whatever their order of arrival
            previous, layer, saved = layer.events, MergedLayer.empty(), None
            _bind_rows(layer, store, fresh=True)
            pending = sorted(store.extraction_status())
        cause = history.Cause(run_id=summary.run_id or history.new_run_id(), at=history.now_utc(),
                              new_articles=frozenset(fresh), revised=revisions.previous_of(store.con, fresh),
                              decisions={d.id: d for d in decisions if d.id not in layer.decisions},
                              rebuilt=saved is None and store.count("events") > 0)
        update = apply_articles(layer, store, pending, decisions)
        if previous is not None:
            update.removed_events = _gone(previous, layer.events)
        before = {e.id: e for e in store.events([*update.events, *update.removed_events])}
        _revised_successors(update, before, cause.revised)
        episodes = {p.id: p for p in store.episodes({e.episode_id for e in [*before.values(), *update.events.values()]
                                                     if e.episode_id})}
        changes = history.diff(before, update.events, update.removed_events, cause, episodes_before=episodes,
                               episodes_after={p: x for p, x in episodes.items() if p not in update.removed_episodes}
                               | update.episodes)
    extractor = {aid: EXTRACTOR_VERSION for aid in pending}
    store.save_merged(events=list(update.events.values()), removed_events=update.removed_events,
                      episodes=list(update.episodes.values()), removed_episodes=update.removed_episodes,
                      stories=list(update.stories.values()), removed_stories=update.removed_stories,
                      relations=update.relations, merged=extractor,
                      state=(MERGED_LAYER, version, _save_live(layer)),
                      reset=saved is None, changes=changes, index_rows=_row_maps(layer))
    summary.changes += len(changes)
    return totals(store, summary)


def _revised_successors(update: MergeUpdate, before: Mapping[str, Event], revised: Mapping[str, str]) -> None:
    """An event whose every report was replaced by a new revision lives on in the event of that revision (its id
    an alias of it, as when two events merge), rather than going away while a new one appears."""
    if not revised:
        return
    later = {old: new for new, old in revised.items()}
    for old_id, successor in sorted(update.removed_events.items()):
        was = before.get(old_id)
        if successor is not None or was is None:
            continue
        now = {later[a] for a in was.article_ids if a in later}
        candidates = sorted((e.sub_event_type != was.sub_event_type, e.event_date != was.event_date, e.id)
                            for e in update.events.values() if now & set(e.article_ids))
        if candidates:
            update.removed_events[old_id] = candidates[0][2]


def _too_late(layer: MergedLayer, store: Store, pending: Sequence[str]) -> bool:
    """Whether a pending article was published before the day from which every index still places a new
    one exactly (its neighbours were evicted from the live windows)."""
    bounds = [b for b in (layer.stories.exact_from(), layer.events.exact_from(), layer.episodes.exact_from())
              if b is not None]
    if not bounds:
        return False
    horizon = max(bounds)
    return any(day is not None and day < horizon for day in map(_day, store.articles(pending)))


def _gone(before: merge.EventIndex, after: merge.EventIndex) -> dict[str, str | None]:
    """Event ids of an index that a rebuilt one no longer holds -> the event that holds each one's anchor
    mention, else most of its mentions (kept as aliases), or None when its mentions are gone."""
    out: dict[str, str | None] = {}
    for eid, members in sorted(before.members.items()):
        if eid in after.members:
            continue
        holders = [after.event_of[m] for m in members if m in after.event_of]
        anchor = next((after.event_of[m] for m in members if merge.event_id(m) == eid and m in after.event_of), None)
        out[eid] = anchor or (min(set(holders), key=lambda e: (-holders.count(e), e)) if holders else None)
    return out


def apply_articles(layer: MergedLayer, store: Store, pending: Sequence[str], decisions: Sequence[Decision]
                   ) -> MergeUpdate:
    """Stories, then events, relations, episodes and figures for the pending articles (in place on ``layer``)."""
    ok = store.extracted_ok(pending)
    retired = store.superseded()  # earlier revisions of articles: their mentions leave the events
    articles = {a.id: a for a in store.articles(ok)}
    for aid, a in articles.items():
        layer.published[aid] = _day(a)
    features = store.story_features(ok)
    st = layer.stories
    # the rows the story index reads of its live articles, at once rather than one by one
    live = [*st.features, *(f.article_id for f in features)]
    for rows in (st.block, st.day_of, st.cluster_of):
        _prefetch(rows, live)
    clusters = {st.cluster_of[a] for a in live if a in st.cluster_of}
    for rows in (st.cluster_members, st.story_of_cluster, st.links, st.anchor_key):
        _prefetch(rows, clusters)
    new = [stories.NewArticle(f.article_id, stories.from_record(f), layer.published.get(f.article_id))
           for f in features if f.article_id not in layer.stories]
    story_changes = layer.stories.add(new)
    _prefetch(layer.events.story_of_article, [*story_changes, *pending])
    _prefetch(layer.events.mentions_of_article, pending)
    moved: dict[str, str] = {}
    touched_stories: set[str] = set()
    for aid, sid in story_changes.items():
        old = layer.events.story_of_article.get(aid)
        if old == sid:
            continue
        moved[aid] = sid
        if old is not None:
            layer.story_articles.get(old, set()).discard(aid)
            touched_stories.add(old)
        layer.story_articles.setdefault(sid, set()).add(aid)
        touched_stories.add(sid)
    # mentions: this extraction's replace the article's old ones (an earlier revision's are only taken out)
    found = store.mentions(ok - retired)
    new_ids = {m.id for m in found}
    old_ids = {mid for aid in pending for mid in layer.events.mentions_of_article.get(aid, ())}
    keys = [merge.mention_key(m, layer.published.get(m.article_id)) for m in found]
    constraints = merge.Constraints.from_decisions(decisions)
    new_decisions = [d for d in decisions if d.id not in layer.decisions]
    keys += _wake(layer, store, old_ids | {m for d in new_decisions for m in (*d.mention_ids, *d.other_mention_ids)}
                  | {m for a in constraints.irrelevant_articles - layer.events.constraints.irrelevant_articles
                     for m in layer.events.mentions_of_article.get(a, ())})
    changes = layer.events.update(added=keys, removed=old_ids - new_ids, stories=moved, constraints=constraints)
    update = MergeUpdate(removed_events=dict(changes.removed))
    refresh = set(changes.updated)
    # a story lists its events: the stories of events that changed are written again
    story_of = layer.events.story_of_article
    touched_stories |= {story_of[m.article_id] for m in found if m.article_id in story_of}
    touched_stories |= {story_of[a] for a in set(pending) & retired if a in story_of}
    touched_stories |= {story_of[layer.events.keys[m].article_id] for e in changes.updated
                        for m in changes.updated[e] if m in layer.events.keys
                        and layer.events.keys[m].article_id in story_of}
    # relations inside every story that changed: a copy's original may have arrived
    _prefetch(layer.story_articles, touched_stories)
    members_of = {sid: sorted(layer.story_articles.get(sid, ())) for sid in touched_stories}
    everyone = [a for ms in members_of.values() for a in ms]
    for rows in (layer.published, layer.relations, layer.events.mentions_of_article):
        _prefetch(rows, everyone)
    _prefetch(layer.events.event_of, [m for a in everyone for m in layer.events.mentions_of_article.get(a, ())])
    for sid in sorted(touched_stories):
        members = sorted(layer.story_articles.get(sid, ()))
        if not members:
            update.removed_stories.add(sid)
            continue
        arts = {a.id: a for a in store.articles(members)}
        live = {f.article_id: stories.from_record(f) for f in store.story_features(members)}
        reports = [stories.Report(arts[a], live.get(a)) for a in members if a in arts and a not in retired]
        for rel in stories.relations(sid, reports):
            if layer.relations.get(rel.article_id) != rel:
                layer.relations[rel.article_id] = rel
                update.relations.append(rel)
                refresh |= _events_of_article(layer, rel.article_id)
        update.stories[sid] = Story(id=sid, article_ids=tuple(members), title=_title(arts, members, layer),
                                    event_ids=tuple(sorted({e for a in members for e in _events_of_article(layer, a)})))
    for aid in moved:
        refresh |= _events_of_article(layer, aid)
    for d in new_decisions:
        refresh |= {layer.events.event_of[m] for m in (*d.mention_ids, *d.other_mention_ids)
                    if m in layer.events.event_of}
    layer.decisions = frozenset(d.id for d in decisions)
    refresh = {e for e in refresh if e in layer.events.members}
    _refresh_events(layer, store, refresh, decisions, update)
    return update


def _prefetch(rows: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Read these keys' rows of an index map at once (a map kept in the store; a dict has them all)."""
    if isinstance(rows, RowMap):
        rows.prefetch(keys)


def _wake(layer: MergedLayer, store: Store, mention_ids: Iterable[str]) -> list[merge.MentionKey]:
    """Bring back into the live event index the events of mentions it let go of (old articles that a
    decision or a new extraction touches), so they are clustered again with every member present."""
    ev = layer.events
    asleep = [m for m in mention_ids if m not in ev.keys and m in ev.event_of]
    members = {x for m in asleep for x in ev.members.get(ev.event_of[m], ()) if x not in ev.keys}
    return [merge.mention_key(m, layer.published.get(m.article_id)) for m in store.mentions_by_id(members)]


def _events_of_article(layer: MergedLayer, article_id: str) -> set[str]:
    ev = layer.events
    return {ev.event_of[m] for m in ev.mentions_of_article.get(article_id, ()) if m in ev.event_of}


def _title(arts: Mapping[str, Article], members: Sequence[str], layer: MergedLayer) -> str | None:
    """A story's title: its earliest article's."""
    for aid in sorted(members, key=lambda a: (layer.published.get(a) or 10**7, a)):
        if aid in arts and arts[aid].title:
            return arts[aid].title
    return None


def _refresh_events(layer: MergedLayer, store: Store, refresh: set[str], decisions: Sequence[Decision],
                    update: MergeUpdate) -> None:
    """Build, group into episodes, reconcile and apply decisions to the events that changed."""
    ev = layer.events
    built = _build_events(layer, store, refresh)
    story_of = ev.story_of_article
    ep_changes = layer.episodes.update(
        upserted=[merge.event_key(e, sorted({story_of[a] for a in e.article_ids if a in story_of}),
                                  min(ev.anchor(m) for m in e.mention_ids)) for e in built.values()],
        removed=[e for e in update.removed_events if e not in ev.members])
    update.removed_episodes = {p for p in ep_changes.removed if p not in layer.episodes.members}
    # an event whose episode changed reads its claims' levels again
    touched_episodes = set(ep_changes.updated) | {layer.episodes.episode_of[e] for e in built
                                                   if e in layer.episodes.episode_of}
    more = {e for p in touched_episodes for e in layer.episodes.members.get(p, ())} - set(built)
    built.update(_build_events(layer, store, more))
    sources = _sources(layer, store, {a for e in built.values() for a in e.article_ids})
    mention_of = {m.id: m for m in store.mentions_by_id({m for e in built.values() for m in e.mention_ids})}
    for eid, event in sorted(built.items()):
        pid = layer.episodes.episode_of.get(eid)
        several = pid is not None and len(layer.episodes.members.get(pid, ())) > 1
        done = reconcile.reconcile_event(event, [mention_of[m] for m in event.mention_ids if m in mention_of],
                                         sources, several_events=several)
        done = merge.apply_decisions(dataclasses.replace(done, episode_id=pid), decisions, ev.event_of)
        update.events[eid] = done
    _earlier_revisions(layer, store, update.events, sources)
    for pid in sorted(touched_episodes):
        members = layer.episodes.members.get(pid)
        if not members:
            continue
        events = [update.events[e] for e in members if e in update.events]
        missing = [e for e in members if e not in update.events]
        events += store.events(missing)
        episode = reconcile.reconcile_episode(_episode(pid, events), events, sources | _sources(
            layer, store, {a for e in events for a in e.article_ids} - set(sources)))
        update.episodes[pid] = episode
        if len(members) > 1:
            # a toll of the whole fighting speaks of each of its events (and its dispute is theirs), and is
            # divided among them ACLED's way; reviewers' edits still have the last word
            mine = [reconcile.with_episode(update.events[e], episode) for e in members if e in update.events]
            for e in reconcile.split_episode_toll(episode, mine).values():
                update.events[e.id] = merge.apply_decisions(e, decisions, ev.event_of)


def _build_events(layer: MergedLayer, store: Store, ids: Iterable[str]) -> dict[str, Event]:
    ev = layer.events
    ids = sorted(ids)
    mention_of = {m.id: m for m in store.mentions_by_id({m for e in ids for m in ev.members[e]})}
    out = {}
    for eid in ids:
        cluster = [mention_of[m] for m in ev.members[eid] if m in mention_of]
        if cluster:
            anchor = min(ev.anchor(m) for m in ev.members[eid])[1]
            origins = {m.article_id: (rel.origin if (rel := layer.relations.get(m.article_id)) else "") or m.article_id
                       for m in cluster}
            out[eid] = merge.build_event(eid, cluster, ev.story_of_article, anchor=anchor, origin_of=origins)
    return out


def _sources(layer: MergedLayer, store: Store, article_ids: Iterable[str]) -> dict[str, reconcile.Source]:
    out = {}
    for a in store.articles(sorted(article_ids)):
        rel = layer.relations.get(a.id)
        out[a.id] = reconcile.Source(a.id, outlet=a.outlet_name, published=a.published,
                                     relation=rel.relation if rel else "original",
                                     origin=(rel.origin if rel else "") or a.id,
                                     derivative_of=rel.derivative_of if rel else None)
    return out


def _earlier_revisions(layer: MergedLayer, store: Store, events: dict[str, Event],
                       sources: Mapping[str, reconcile.Source]) -> None:
    """List the claims of the earlier revisions of the events' articles in the events, each superseded by the
    matching claim of the revision after it (same field and category, nearest sentence), else by that revision:
    the figures come from the latest revision alone, and the earlier ones stay readable with their times."""
    chains = revisions.earlier(store.con, {a for e in events.values() for a in e.article_ids})
    if not chains:
        return
    wanted = set(chains) | {x for pairs in chains.values() for pair in pairs for x in pair}
    by_article: dict[str, list[EventMention]] = {}
    for m in store.mentions(wanted):
        by_article.setdefault(m.article_id, []).append(m)
    srcs = dict(sources) | _sources(layer, store, wanted - set(sources))
    ev = layer.events
    home: dict[str, str] = {}  # earlier mention -> the event its claims are listed in
    for cur, pairs in chains.items():
        now = by_article.get(cur, [])
        for earlier, _ in pairs:
            for m in by_article.get(earlier, []):
                pair = _counterpart(m, now)
                if pair is not None and pair.id in ev.event_of:
                    home[m.id] = ev.event_of[pair.id]
    for eid, e in sorted(events.items()):
        extra: list[SourcedClaim] = []
        sides = [x for x in (e.actor1, e.actor2) if x]
        for cur in sorted(set(e.article_ids) & set(chains)):
            for earlier, later in chains[cur]:
                for m in by_article.get(earlier, []):
                    if home.get(m.id) != eid:
                        continue
                    sourced = reconcile.sourced_claims(m, srcs.get(earlier, reconcile.Source(earlier)), sides)
                    for claim, c in zip(m.claims, sourced, strict=True):
                        extra.append(dataclasses.replace(c, superseded_by=_successor(claim, by_article.get(later, []))
                                                         or later, flags=(*c.flags, "earlier-revision")))
        if extra:
            events[eid] = dataclasses.replace(e, claims=e.claims + tuple(extra))


def _counterpart(m: EventMention, now: Sequence[EventMention]) -> EventMention | None:
    """The mention of the latest revision that an earlier revision's mention became: the same sub-type and date,
    then the most words of its evidence in common (else the revision's main mention)."""
    words = set(m.evidence[0].text.casefold().split()) if m.evidence else set()

    def score(x: EventMention) -> tuple:
        shared = len(words & set(x.evidence[0].text.casefold().split())) if x.evidence else 0
        return (x.sub_event_type == m.sub_event_type, x.event_date == m.event_date, shared, -x.rank, x.id)

    same = [x for x in now if x.sub_event_type == m.sub_event_type]
    if same:
        return max(same, key=score)
    return min(now, key=lambda x: (x.rank, x.id), default=None)


def _successor(claim: Claim, later: Sequence[EventMention]) -> str | None:
    """The claim of a later revision that replaces ``claim``: same field and category, the nearest sentence."""
    same = [c for m in later for c in m.claims if c.field == claim.field and c.category == claim.category]
    return min(same, key=lambda c: (abs(c.evidence.start - claim.evidence.start), c.id)).id if same else None


def _episode(pid: str, events: Sequence[Event]) -> Episode:
    """An episode's own fields from its events (figures come from the reconcile stage)."""
    dated = [e.event_date for e in events if e.event_date]
    ends = [e.date_end or e.event_date for e in events if e.event_date]
    places = [e.place for e in events if e.place is not None]
    # the broadest place holds the others ("Nagorno-Karabakh" over "Stepanakert")
    place = max(places, key=lambda p: (p.geo_precision, p.name)) if places else None
    return Episode(id=pid, event_ids=tuple(sorted(e.id for e in events)), event_date=min(dated) if dated else None,
                   date_end=max(ends) if ends else None, place=place,
                   sub_event_types=tuple(sorted({e.sub_event_type for e in events})))


def totals(store: Store, summary: RunSummary) -> RunSummary:
    """The store's totals after a run."""
    summary.articles = store.count("articles")
    summary.mentions = store.count("mentions")
    summary.events = store.count("events")
    summary.events_by_status = store.events_by_status()
    summary.episodes = store.count("episodes")
    summary.stories = store.count("stories")
    summary.claims = store.count("claims")
    summary.quarantined = store.count("quarantine")
    return summary


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


# --------------------------------------------------------------------------- watching sources


def watch_cycle(sources: Sequence[str], store: Store, settings: Settings, poller: Poller, *,
                summary: RunSummary | None = None, stop: Callable[[], bool] | None = None,
                progress: Progress | None = None) -> RunSummary:
    """One poll of every watched source (``ingest.Poller``): what is new or changed is stored with the state of
    its source and item (so a watch that is killed resumes there, and nothing is read twice), then extracted and
    merged as a run does. ``stop`` ends it after the batch in progress."""
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
    extract_pending(store, settings, summary=summary, progress=progress, stop=stop)
    update_merged(store, summary=summary)
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
            kept = {a.id for a in store.articles(order)}
            for aid, source in scratch.con.execute("SELECT article_id, source FROM article_sources").fetchall():
                if aid in kept:
                    store.con.execute("INSERT OR IGNORE INTO article_sources VALUES (?, ?)", [aid, source])
            have = {aid for aid, ex in store.con.execute(
                "SELECT article_id, extractor FROM extracted WHERE article_id IN (SELECT unnest(?))",
                [sorted(kept)]).fetchall() if ex == EXTRACTOR_VERSION}
            rows = scratch.con.execute("SELECT article_id, extractor, status FROM extracted ORDER BY article_id")
            for aid, extractor, status in rows.fetchall():
                if aid not in kept or aid in have or extractor != EXTRACTOR_VERSION:
                    continue
                found = scratch.mentions([aid])
                feats = scratch.story_features([aid])
                store.save_extraction(aid, found, extractor, status=status, features=feats[0] if feats else None)
                if status == "ok":
                    summary.extracted += 1
                    summary.extracted_ids.append(aid)
                    summary.mentions_found += len(found)
                    summary.mentions_undated += sum(m.event_date is None for m in found)
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
    for article, result in _extract(articles, settings):
        yield result if isinstance(result, InputFailure) else (article, result[0])


def extract_texts(articles: Iterable[Article], settings: Settings | None = None
                  ) -> Iterator[tuple[Article, list[EventMention]]]:
    """Extract mentions from Article records already in memory (used by evaluations); an article
    that fails extraction gets no mentions."""
    for article, result in _extract(list(articles), settings or Settings()):
        yield article, [] if isinstance(result, InputFailure) else result[0]


def mentions_of(article: Article, doc: Doc, res: Resources) -> list[EventMention]:
    """The mentions stage on one annotated article, with the shared resources."""
    return mentions.extract_mentions(article, doc, locator=res.geocoder, models=res.models)


def story_features_of(article: Article, doc: Doc, res: Resources) -> StoryFeatures:
    """The stories stage's per-article features (computed once, when the article is annotated)."""
    return stories.article_features(article, doc, embed=lambda text: embed_one(text, res.story_embedder),
                                    idf=res.story_idf)


Extracted = tuple[list[EventMention], StoryFeatures | None]

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


ChunkResult = list[tuple[str, Extracted | InputFailure]]
# Runs extract_chunk over chunks of articles somewhere (a Ray cluster): (chunks, settings, features) -> each
# chunk's results, in the chunks' order.
Engine = Callable[[Sequence[Sequence[Article]], Settings, bool], Iterable[ChunkResult]]


def _extract(articles: Sequence[Article], settings: Settings, *, features: bool = False,
             engine: Engine | None = None) -> Iterator[tuple[Article, Extracted | InputFailure]]:
    """Annotate stage then mentions stage (and story features) on every article, in input order,
    on every core.

    Each worker process creates its own resources once and returns only mentions and features
    (small), never spaCy Docs. An article whose annotation or extraction raises becomes an InputFailure
    (extraction failed) and the others go on.
    """
    chunks = [list(articles[i:i + CHUNK_ARTICLES]) for i in range(0, len(articles), CHUNK_ARTICLES)]
    if engine is not None:
        yield from _with_articles(chunks, engine(chunks, settings, features))
        return
    workers = workers_for(settings, len(articles))
    run = functools.partial(extract_chunk, settings=settings, features=features)
    if workers <= 1:
        yield from _with_articles(chunks, (run(chunk) for chunk in chunks))
        return
    # spawn: a fresh interpreter per worker (forking a process that runs ONNX Runtime threads is unsafe)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_worker_ignores_interrupts) as pool:
        yield from _with_articles(chunks, pool.imap(run, chunks))


def _worker_ignores_interrupts() -> None:
    """A worker leaves Ctrl+C to the run, which stops after the chunk in progress (or ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _with_articles(chunks: Sequence[Sequence[Article]], results: Iterable[ChunkResult]
                   ) -> Iterator[tuple[Article, Extracted | InputFailure]]:
    for chunk, found in zip(chunks, results, strict=True):
        by_id = {a.id: a for a in chunk}
        for article_id, result in found:
            yield by_id[article_id], result


def _extracted(article: Article, doc: Doc, res: Resources, features: bool) -> Extracted:
    return mentions_of(article, doc, res), story_features_of(article, doc, res) if features else None


def extract_chunk(articles: Sequence[Article], settings: Settings, features: bool = False) -> ChunkResult:
    """Mentions (and story features) of a few articles, in a worker or in this process, each failure
    isolated."""
    res = resources(settings)
    try:
        return [(a.id, _extracted(a, doc, res, features))
                for a, doc in nlp.annotate(articles, res.nlp, batch_size=settings.batch_size)]
    except Exception:  # redone one article at a time below, where each error is recorded
        pass
    out: ChunkResult = []
    for article in articles:
        try:
            [(_, doc)] = list(nlp.annotate([article], res.nlp))
            out.append((article.id, _extracted(article, doc, res, features)))
        except Exception as exc:  # recorded in quarantine: this article fails, the others go on
            out.append((article.id, input_failure(article.source, Errors.E171, reason=f"{type(exc).__name__}: {exc}")))
    return out
