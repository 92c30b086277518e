"""The merged layer (stories, events, episodes, figures), updated incrementally: each update adds the articles
extracted since the last one to the saved story and event indexes, re-clusters only what they touch and writes
only the rows that changed, together with the saved indexes, in one transaction."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventwire import merge, reconcile, stories
from eventwire.model import (
    Article,
    ArticleRelation,
    Claim,
    Decision,
    Episode,
    Event,
    EventMention,
    SourcedClaim,
    Story,
)
from eventwire.pipeline.resources import story_model
from eventwire.pipeline.summary import RunSummary, totals
from eventwire.store import Store, history, revisions
from eventwire.store.rows import INDEX_LIST, RowMap

MERGED_LAYER = "merged-layer"  # the saved indexes' name in the store


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
    try:
        layer: MergedLayer = pickle.loads(saved)
    except (AttributeError, ImportError, pickle.UnpicklingError, EOFError):
        return None  # saved by a layout of the code that is gone: rebuilt, with the same result
    _bind_rows(layer, store, fresh=False)
    wanted = [a for ids in layer.live_days.values() for a in ids]
    features = {f.article_id: stories.from_record(f) for f in store.story_features(wanted)}
    if len(features) < len(set(wanted)):
        return None
    layer.stories.restore_live(layer.live_days, features)
    return layer


def layer_version(extractor_version: str) -> str:
    """What the saved indexes and the rows they made depend on: the merge and reconciliation rules, the
    story features and model, the extractor."""
    pair_model = story_model()[1]
    model = hashlib.sha1(repr((pair_model.features, pair_model.coef, pair_model.intercept,
                               pair_model.specs_gate)).encode()).hexdigest()[:10]
    return f"{merge.MERGE_VERSION}/{reconcile.RULES_VERSION}/{stories.FEATURE_VERSION}/{model}/{extractor_version}"


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


def update(store: Store, extractor_version: str, *, summary: RunSummary | None = None) -> RunSummary:
    """Add the articles extracted since the last update to stories, events and episodes, and write
    what changed, with each event's changes (``store.history``; resumable: an interrupted update is
    redone from the saved indexes)."""
    summary = summary or RunSummary()
    version = layer_version(extractor_version)
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
    extractor = {aid: extractor_version for aid in pending}
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
    """Whether a pending article was published (an undated one: stored) before the day from which every index
    still places a new one exactly (its neighbours were evicted from the live windows)."""
    bounds = [b for b in (layer.stories.exact_from(), layer.events.exact_from(), layer.episodes.exact_from())
              if b is not None]
    days = {a.id: _day(a) for a in store.articles(pending, raw=False)}
    if bounds and any(day is not None and day < max(bounds) for day in days.values()):
        return True
    undated = layer.stories.exact_from_undated()
    if undated is None:
        return False
    stored = _stored_days(store, [aid for aid, day in days.items() if day is None])
    return any(stories.undated_day(day) < undated for day in stored.values())


def _stored_days(store: Store, article_ids: Sequence[str]) -> dict[str, int]:
    """article -> the day it was stored (UTC, ``date.toordinal()``)."""
    return {aid: at.date().toordinal() for aid, at in revisions.stored_at(store.con, article_ids).items()}


def _story_day(published: int | None, stored: int | None) -> int | None:
    """The day the story index places an article on: its publication day, else the day it was stored."""
    if published is not None:
        return published
    return None if stored is None else stories.undated_day(stored)


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
    articles = {a.id: a for a in store.articles(ok, raw=False)}
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
    stored = _stored_days(store, [f.article_id for f in features])
    new = [stories.NewArticle(f.article_id, stories.from_record(f),
                              _story_day(layer.published.get(f.article_id), stored.get(f.article_id)))
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
    # a plan or a term of a deal ("it also stipulated the withdrawal of ...") is no event: ACLED codes what
    # happened, so such mentions stay in the store for a reviewer but make no event
    keys = [merge.mention_key(m, layer.published.get(m.article_id)) for m in found if merge.makes_event(m)]
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
    # the touched stories' articles and features read together, a key list at a time (a read per story costs a
    # statement per story; a list longer than the key's index answers would read every row)
    arts: dict[str, Article] = {}
    feats_of: dict[str, stories.ArticleFeatures] = {}
    wanted = sorted(set(everyone))
    for i in range(0, len(wanted), INDEX_LIST):
        arts.update((a.id, a) for a in store.articles(wanted[i:i + INDEX_LIST], raw=False))
        feats_of.update((f.article_id, stories.from_record(f)) for f in store.story_features(wanted[i:i + INDEX_LIST]))
    for sid in sorted(touched_stories):
        members = sorted(layer.story_articles.get(sid, ()))
        if not members:
            update.removed_stories.add(sid)
            continue
        reports = [stories.Report(arts[a], feats_of.get(a)) for a in members if a in arts and a not in retired]
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
    for a in store.articles(sorted(article_ids), raw=False):
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
