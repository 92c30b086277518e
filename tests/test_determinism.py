"""Order independence of the merged layer on real development articles: three shuffles times three batch
splits of the ECB+ development articles give identical stories, events, episodes and ids.

All 772 ECB+ development articles (35 topics, undated, as the corpus is) are extracted once into a store; each
trial then feeds their stored mentions and story features in its own order and batches into a fresh
store, running the real incremental update (saved indexes loaded and saved between batches) after
each batch. The dated case takes the 74 articles of the gold topics 8, 12 and 19 with their publication
dates (2008 to 2013): shuffled batches bring articles years older than the newest one seen, whose
neighbours the live windows have let go of. Skips when ../shared/data is absent.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.evaluation.ecb import gold_published
from eventwire.evaluation.merging import GOLD_TOPICS
from eventwire.evaluation.stories import as_article, load_ecb
from eventwire.settings import Settings
from eventwire.store import Store


def _extract(shared_data: Path, tmp_path_factory: pytest.TempPathFactory, dated: bool):
    published = gold_published(shared_data) if dated else {}
    docs = [d for d in load_ecb(shared_data) if not dated or d.topic in GOLD_TOPICS]
    db = tmp_path_factory.mktemp("ecb") / "source.duckdb"
    settings = Settings.from_env(db=db)
    with Store(db) as store:
        for d in docs:
            store.add_article(as_article(d.id, d.text, published.get(d.id)))
        pipeline.extract_pending(store, settings)
        articles = store.articles()
        mentions = {a.id: store.mentions([a.id]) for a in articles}
        features = {f.article_id: f for f in store.story_features([a.id for a in articles])}
    return articles, mentions, features


@pytest.fixture(scope="module")
def extracted(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    return _extract(shared_data, tmp_path_factory, dated=False)


@pytest.fixture(scope="module")
def extracted_dated(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    return _extract(shared_data, tmp_path_factory, dated=True)


def _trial(articles, mentions, features, db: Path, batches: int, seed: int | None):
    order = list(articles)
    if seed is not None:
        random.Random(seed).shuffle(order)
    size = -(-len(order) // batches)
    with Store(db) as store:
        for i in range(0, len(order), size):
            for a in order[i:i + size]:
                store.add_article(a)
                store.save_extraction(a.id, mentions[a.id], pipeline.EXTRACTOR_VERSION, features=features.get(a.id))
            pipeline.update_merged(store)
        events = {e.id: (e.mention_ids, e.episode_id, e.story_id) for e in store.events()}
        stories = {a: s.id for s in store.stories() for a in s.article_ids}
        episodes = {p.id: p.event_ids for p in store.episodes()}
        relations = {r.article_id: (r.relation, r.derivative_of) for r in store.relations()}
    return events, stories, episodes, relations


@pytest.mark.slow
def test_shuffles_and_batches_give_identical_stories_events_and_ids(extracted, tmp_path: Path) -> None:
    articles, mentions, features = extracted
    reference = _trial(sorted(articles, key=lambda a: a.id), mentions, features, tmp_path / "ref.duckdb", 1, None)
    events, stories, episodes, _ = reference
    assert len(articles) == 772 and len(events) > 50 and len(set(stories.values())) >= 35
    assert sum(len(m) > 1 for m, _, _ in events.values()) > 10  # some events merge reports
    for seed in (1, 2, 3):
        for batches in (1, 7, 40):
            got = _trial(articles, mentions, features, tmp_path / f"t{seed}-{batches}.duckdb", batches, seed)
            assert got == reference, (seed, batches)


@pytest.mark.slow
def test_dated_articles_arriving_years_late_give_identical_stories_events_and_ids(extracted_dated,
                                                                                    tmp_path: Path) -> None:
    articles, mentions, features = extracted_dated
    days = sorted(a.published.toordinal() for a in articles if a.published)
    assert len(days) == len(articles) == 74 and days[-1] - days[0] > 365 * 4
    reference = _trial(sorted(articles, key=lambda a: a.id), mentions, features, tmp_path / "ref.duckdb", 1, None)
    events, stories, episodes, _ = reference
    assert len(set(stories.values())) >= 6 and sum(len(m) > 1 for m, _, _ in events.values()) > 5
    with Store(tmp_path / "ref.duckdb", read_only=True) as store:
        # the indexes' maps are rows of the store: one per article added to stories, one per event
        assert store.count("ix_story_block") == len(articles)
        assert store.count("ix_event_members") == len(events)
    for seed, batches in ((1, 3), (2, 7)):
        got = _trial(articles, mentions, features, tmp_path / f"t{seed}-{batches}.duckdb", batches, seed)
        assert got == reference, (seed, batches)
