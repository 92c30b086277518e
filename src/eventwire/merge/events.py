"""Incremental, order-independent merging of event mentions into events (ACLED's unit).

An event is one occurrence: one day, one location, one set of actors. Mentions of different articles join
one event when their status is the same, their dates and places agree within each one's precision, their
actors do not contradict each other, and there is evidence they tell the same thing:

- the same sub-type, and the same story or a precise day and place on both sides; or
- different sub-types of one family (violence, with arrests and seized weapons; demonstrations; other
  developments), because articles type one occurrence differently (an anti-piracy raid is Arrests in one,
  Disrupted weapons use in another, an Armed clash in a third): then the same story and something that
  identifies the occurrence, both being their article's main event, the same casualty count, much of the
  same wording in their evidence, or the same precise day and town; or, for reports days apart in different
  stories, both their article's main event on the same precise day and place with an actor in common;
- a violent event and a demonstration (a riot in which a bank is set on fire is a Violent demonstration in
  one report, an Attack on civilians in another): the same story and what is particular to one occurrence,
  the same casualty count or much of the same wording. Both leading their articles, even on one precise day in
  one town, is not enough here: two articles of one story often lead with two occurrences of these two kinds,
  the trigger and the reaction (a police shooting and the riot after it, a bombing and the protest against it).

Places agree when they lie close together, one contains the other (a town in the region or the country
another report names), or one says too little of where to contradict the other: a place borrowed from the
article's focus, a dateline, or a country named alone (often only the actors' nationality: "Somali pirates").

Same-sub-type links are taken first, so a report of one sub-type joins its like before a cousin. The
event's sub-type, actors and place are then decided over its mentions (``decide``). Within one article the
same event told several times is one mention already (``mentions.coalesce``), so two mentions of one
article are never one event.

Incremental: ``EventIndex.update`` adds and removes mentions and moves articles between stories; only
the connected components of the link graph around what changed are clustered again, so the cost of a
new article does not grow with the store. Deterministic: the link graph is a symmetric function of the
mentions and their articles' stories, the candidates come from buckets by sub-type and day, by family and
exact day, and by story (for undated mentions too), and clustering a component is a greedy agglomeration
over its edges in a fixed order (score, then ids) that merges two clusters only when every pair across
them is compatible. The result depends on the set of mentions, stories and decisions, never on arrival
order.

Reviewers' decisions are constraints: ``merge`` puts mentions in one event whatever the rules say,
``split`` keeps two sets of mentions apart, ``irrelevant`` articles' mentions are left out.

Event ids: the hash of the event's anchor, its earliest mention (article publication day, then mention
id), so an event keeps its id while later reports join it. When two events merge, or an earlier report
arrives late, the id that goes away lives on as an alias of the event that holds its anchor.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from eventwire.geodesy import distance_km
from eventwire.merge.decide import borrowed as borrowed_place
from eventwire.model import Decision, EventMention, actor_side, event_family, stable_id

UNDATED_ANCHOR = 10**7  # anchor day of a mention whose article has no publication date (after all dated ones)

# Largest distance between two mentions' points for one event: a town-level place on both sides, else
# one of them coarser (a region, a province, a part of a country).
SAME_PLACE_KM = 50.0
COARSE_PLACE_KM = 200.0
# Days two dated mentions may differ by, by the coarser of their time precisions (ACLED: 1 day, 2 week,
# 3 month); a precise day on both sides must be the same day.
DATE_SLACK = {1: 0, 2: 7, 3: 31}
# Mentions of articles published this many days before the newest article leave the live index (their
# events stay): a new article's events lie at most 30 days before its publication (older ones are
# history), it arrives at most a week late, and a month-precision date reaches 31 days further.
LATENESS_DAYS = 7
EVICT_AFTER_DAYS = 30 + LATENESS_DAYS + 31 + 1
# Link scores order the greedy merging (stronger evidence first): each agreement adds a point; two articles'
# main events (the story's occurrence, told in the lede) link before anything else, then mentions of one
# sub-type, then the rest; within each, a casualty count or much of the wording in common first (a report
# copied by another outlet joins its original before a report of the night after).
SCORE_BOTH_MAIN = 6
SCORE_SAME_SUB_TYPE = 4
SCORE_SAME_STORY = 2
SCORE_SAME_DAY = 1
SCORE_NEAR = 1
SCORE_SHARED_ACTOR = 1
# what is particular to one occurrence: the same casualty count, much of the same wording (a copied report)
SCORE_SAME_TOLL = 2
SCORE_SAME_WORDING = 2
# Share of their evidence words two mentions of different sub-types must have in common (Jaccard) to be
# one occurrence without other evidence.
SAME_WORDING = 0.3
# Families whose reports of one occurrence are often typed across the two (ACLED's Riots are both violent and
# a demonstration); the other families (developments, ...) never share an event with another.
KIN_FAMILIES = frozenset({"violence", "demonstration"})
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = STOP_WORDS  # spaCy's English stop words


def evidence_words(texts: Iterable[str]) -> frozenset[str]:
    """The content words of a mention's evidence sentences (lower case, four letters or more)."""
    return frozenset(w for t in texts for w in (x.lower() for x in _WORD.findall(t)) if w not in _STOP)


@dataclasses.dataclass(frozen=True, slots=True)
class MentionKey:
    """What event merging reads of one mention (all from the mention and its article)."""

    id: str
    article_id: str
    sub_event_type: str
    status: str
    day: int | None  # event date (ordinal)
    day_end: int | None
    precision: int
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    place: str | None
    coarse: bool  # the place is a region, a province or a country, or borrowed from the article's focus
    sides: frozenset[str]  # the actors' countries or groups ("Military Forces of Azerbaijan" -> azerbaijan)
    anchor: tuple[int, str]  # (article publication day, mention id): the earliest mention names the event
    family: str = ""  # sub-types that may share an event (``model.event_family``)
    main: bool = False  # the article's main event
    words: frozenset[str] = frozenset()  # its evidence's content words
    tolls: frozenset[tuple[str, int]] = frozenset()  # its own casualty counts: (field, lowest figure)
    borrowed: bool = False  # its place is the article's focus or its dateline, not named as where this happened
    national: bool = False  # its place is a country named alone (often the actors' nationality)


def mention_key(m: EventMention, published_day: int | None) -> MentionKey:
    """The merging key of a mention (``published_day``: its article's publication date as an ordinal)."""
    p = m.place
    sides = frozenset(actor_side(a) for a in (m.actor1, m.actor2) if a)
    borrowed = p is not None and borrowed_place(p)
    coarse = p is None or borrowed or p.geo_precision >= 2 or p.feature in {"admin1", "region", "country"}
    tolls = frozenset((c.field, c.value_low) for c in m.claims
                      if c.field in {"fatalities", "injured", "arrested", "abducted"} and c.value_low
                      and c.value_low > 1 and c.is_event_figure and "sub-count" not in c.flags)
    return MentionKey(
        id=m.id, article_id=m.article_id, sub_event_type=m.sub_event_type, status=m.status,
        day=m.event_date.toordinal() if m.event_date else None,
        day_end=m.date_end.toordinal() if m.date_end else None, precision=m.time_precision,
        lat=p.latitude if p else None, lon=p.longitude if p else None, country=p.country if p else None,
        admin1=p.admin1 if p else None, place=(p.gazetteer_name or p.name) if p else None, coarse=coarse,
        sides=sides, anchor=(published_day if published_day is not None else UNDATED_ANCHOR, m.id),
        family=event_family(m.event_type, m.sub_event_type), main=m.rank == 0,
        words=evidence_words(e.text for e in m.evidence), tolls=tolls,
        borrowed=borrowed,
        national=p is not None and p.feature == "country")


def _dates_agree(a: MentionKey, b: MentionKey) -> bool:
    if a.day is None or b.day is None:
        return True
    slack = DATE_SLACK.get(max(a.precision, b.precision), 31)
    a_end, b_end = a.day_end or a.day, b.day_end or b.day
    # ranges that overlap, or start within the slack of each other
    return (a.day <= b_end and b.day <= a_end) or abs(a.day - b.day) <= slack


def _places_agree(a: MentionKey, b: MentionKey) -> bool:
    """The two places can be where one event happened: one contains the other, they lie close together, or
    one of them says too little of where to contradict the other."""
    if a.borrowed or b.borrowed:
        # a place taken from the article's focus says what the article is about, and a dateline where the
        # outlet wrote from, not where this happened (a raid at sea is "Somalia" in one report and "India" in
        # another, "Mumbai, Nov 11" in a third): it contradicts nothing
        return True
    if a.national or b.national:
        # a country named alone contains every place in it, and is often only who acted ("Somali pirates",
        # "the Indian navy") or what the article is about: it contradicts another country named alone, not a
        # town or region another report names (a raid at sea is "Somalia" in one report, "Aden" in another)
        if a.national and b.national and a.country and b.country and a.country != b.country:
            # two countries named alone, both the actors' own ("the Indian navy" placed in India, "Somali pirates"
            # in Somalia): nationalities, not two places
            return {a.country.lower(), b.country.lower()} <= (a.sides | b.sides)
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return True
    limit = COARSE_PLACE_KM if (a.coarse or b.coarse) else SAME_PLACE_KM
    if distance_km(a.lat, a.lon, b.lat, b.lon) <= limit:
        return True
    # a place inside the other's region ("Stepanakert" in "Nagorno-Karabakh")
    return bool((a.coarse or b.coarse) and a.admin1 and a.admin1 == b.admin1)


def _near(a: MentionKey, b: MentionKey) -> bool:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM


def kin(a: MentionKey, b: MentionKey) -> bool:
    """The two mentions' families may tell one occurrence: the same family, or violence and a demonstration."""
    return a.family == b.family or (a.family in KIN_FAMILIES and b.family in KIN_FAMILIES)


def compatible(a: MentionKey, b: MentionKey) -> bool:
    """Nothing contradicts that the two mentions tell one event (a symmetric test)."""
    if a.article_id == b.article_id:
        return False  # one article's distinct mentions are distinct events (coalesced upstream)
    if not kin(a, b) or a.status != b.status:
        return False
    if a.sides and b.sides and not (a.sides & b.sides):
        return False
    return _dates_agree(a, b) and _places_agree(a, b)


def linked(a: MentionKey, b: MentionKey, story_a: str | None, story_b: str | None) -> int:
    """Score of the evidence that two compatible mentions are one event; 0 when there is not enough.

    Enough, for one sub-type: the two articles tell the same story, or both give a precise day and place
    that agree. Across sub-types of one family: the same story, and one of: both are their article's main
    event, they give the same casualty count, their evidence shares much of its wording, or both give the
    same precise day and town. Across a violent event and a demonstration: the same story, and the same
    casualty count or much of the same wording.
    """
    if not compatible(a, b):
        return 0
    same_story = story_a is not None and story_a == story_b
    score = (SCORE_SAME_STORY * same_story + SCORE_SAME_DAY * (a.day is not None and a.day == b.day)
             + SCORE_NEAR * _near(a, b) + SCORE_SHARED_ACTOR * bool(a.sides & b.sides))
    # what is particular to one occurrence, read once for the score and for the tests below
    toll, wording = bool(a.tolls & b.tolls), same_wording(a, b)
    score += SCORE_BOTH_MAIN * (a.main and b.main) + SCORE_SAME_TOLL * toll + SCORE_SAME_WORDING * wording
    precise = (a.day is not None and b.day is not None and a.precision == b.precision == 1 and a.day == b.day
               and not a.coarse and not b.coarse and _near(a, b))
    if a.family != b.family:
        # a violent event and a demonstration: only what is particular to one occurrence, in one story (two
        # articles of a story that lead with these two kinds, even on one day in one town, often tell the
        # trigger and the reaction)
        return score if same_story and (toll or wording) else 0
    if a.sub_event_type != b.sub_event_type:
        # what identifies the occurrence: both lead their article, the same casualty count, much of the same
        # wording, or the same precise day and town (where one article tells two kinds of violence, its two
        # mentions are never one event, so the kinds it tells apart stay apart)
        identified = a.main and b.main or toll or wording or precise
        # reports days apart fall in different stories: then the main events of two articles on the same
        # precise day and place, with an actor in common, are one occurrence too
        if not (same_story and identified or precise and a.main and b.main and a.sides & b.sides):
            return 0
        return score
    if not (same_story or precise):
        return 0
    return SCORE_SAME_SUB_TYPE + score


def same_wording(a: MentionKey, b: MentionKey) -> bool:
    """Much of the two mentions' evidence words are the same (Jaccard >= SAME_WORDING)."""
    if not a.words or not b.words:
        return False
    return len(a.words & b.words) / len(a.words | b.words) >= SAME_WORDING


def event_id(anchor_mention: str) -> str:
    """An event's id from its anchor mention's id."""
    return stable_id("e", anchor_mention)


@dataclasses.dataclass(frozen=True)
class Constraints:
    """The reviewers' decisions as constraints on mention ids (later decisions win)."""

    must: tuple[frozenset[str], ...] = ()  # each set is one event
    cannot: frozenset[tuple[str, str]] = frozenset()  # (a, b) with a < b never share an event
    irrelevant_articles: frozenset[str] = frozenset()

    @classmethod
    def from_decisions(cls, decisions: Iterable[Decision]) -> Constraints:
        """Merges, splits and irrelevant articles from the decisions, oldest first."""
        must: list[set[str]] = []
        cannot: set[tuple[str, str]] = set()
        irrelevant: set[str] = set()
        for d in sorted(decisions, key=lambda d: (d.made_at, d.id)):
            if d.action == "merge" and len(d.mention_ids) > 1:
                group = set(d.mention_ids)
                cannot -= {(a, b) for a in group for b in group if a < b}
                must.append(group)
            elif d.action == "split":
                pairs = {tuple(sorted((a, b))) for a in d.mention_ids for b in d.other_mention_ids if a != b}
                cannot |= pairs  # type: ignore[arg-type]
                # an earlier merge no longer holds the two sides together
                must = [g - set(d.other_mention_ids) if g & set(d.mention_ids) else g for g in must]
            elif d.action == "irrelevant":
                irrelevant |= set(d.article_ids)
        # overlapping merge groups are one group
        merged: list[set[str]] = []
        for g in must:
            hit = [x for x in merged if x & g]
            for x in hit:
                merged.remove(x)
                g = g | x
            merged.append(g)
        return cls(tuple(sorted((frozenset(g) for g in merged if len(g) > 1), key=sorted)),
                   frozenset(cannot), frozenset(irrelevant))

    def mentions(self) -> set[str]:
        """Every mention id a merge or split names."""
        return {m for g in self.must for m in g} | {m for pair in self.cannot for m in pair}


@dataclasses.dataclass
class EventChanges:
    """What an update did: events created or changed (id -> member mention ids) and ids that went away
    (id -> the event that now holds it, or None when its mentions are gone)."""

    updated: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    removed: dict[str, str | None] = dataclasses.field(default_factory=dict)


class EventIndex:
    """Mentions -> events, incrementally (see the module docstring)."""

    def __init__(self) -> None:
        self.keys: dict[str, MentionKey] = {}
        self.by_day: dict[tuple[str, int], set[str]] = defaultdict(set)  # (sub-type, day) -> mentions
        self.by_family_day: dict[tuple[str, int], set[str]] = defaultdict(set)  # (family, day) -> mentions
        self.by_story: dict[str, set[str]] = defaultdict(set)
        self.story_of_article: dict[str, str] = {}
        self.attached_story: dict[str, str] = {}  # mention -> the story bucket it sits in
        self.mentions_of_article: dict[str, tuple[str, ...]] = {}
        self.adj: dict[str, dict[str, int]] = {}
        self.event_of: dict[str, str] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        self.constraints = Constraints()
        self.anchors: dict[str, tuple[int, str]] = {}  # every mention's anchor key (kept after eviction)
        self.by_anchor_day: dict[int, list[str]] = defaultdict(list)  # publication day -> live mentions
        self.watermark: int | None = None  # the newest publication day seen
        self.components_clustered = 0  # work counters for the benchmark
        self.largest_component = 0
        self.evicted = 0

    def __contains__(self, mention_id: object) -> bool:
        return mention_id in self.keys

    # ------------------------------------------------------------------ public API

    def update(self, *, added: Sequence[MentionKey] = (), removed: Iterable[str] = (),
               stories: Mapping[str, str] | None = None, constraints: Constraints | None = None) -> EventChanges:
        """Remove mentions, move articles to new stories, add mentions, apply the constraints; re-cluster
        the components around every change and return what changed."""
        dirty: set[str] = set()
        old_events: set[str] = set()
        constraints = constraints if constraints is not None else self.constraints
        skip = constraints.irrelevant_articles
        newly_irrelevant = skip - self.constraints.irrelevant_articles
        gone = set(removed) | {m for a in newly_irrelevant for m in self.mentions_of_article.get(a, ())}
        stale: set[str] = set()  # events that lost a mention no longer in the live index
        for mid in sorted(gone):
            if mid in self.keys:
                dirty |= set(self.adj.get(mid, ()))
                old_events.add(self.event_of[mid])
                self._detach(mid)
            elif mid in self.event_of:
                stale.add(self.event_of.pop(mid))
        for aid, sid in sorted((stories or {}).items()):
            if self.story_of_article.get(aid) == sid:
                continue
            self.story_of_article[aid] = sid
            for mid in self.mentions_of_article.get(aid, ()):
                if mid in self.keys:
                    key = self.keys[mid]
                    dirty |= set(self.adj.get(mid, ())) | {mid}
                    self._detach(mid, keep_event=True)
                    self._attach(key)
        for key in sorted(added, key=lambda k: k.id):
            if key.id in self.keys or key.article_id in skip:
                continue
            self._attach(key)
            dirty.add(key.id)
        old_events |= stale
        # the rest of such an event is clustered again (the caller brings its mentions back: ``added``)
        dirty |= {m for e in stale for m in self.members.get(e, ()) if m in self.keys}
        if constraints != self.constraints:
            dirty |= (constraints.mentions() ^ self.constraints.mentions()) | constraints.mentions()
            self.constraints = constraints
        dirty = {m for m in dirty if m in self.keys}
        changes = EventChanges()
        done: set[str] = set()
        for start in sorted(dirty):
            if start in done:
                continue
            comp = self._component(start)
            done |= comp
            old_events |= {self.event_of[m] for m in comp if m in self.event_of}
            for cluster in self._cluster(sorted(comp)):
                eid = event_id(min(self.anchors[m] for m in cluster)[1])
                members = tuple(sorted(cluster))
                if self.members.get(eid) != members:
                    changes.updated[eid] = members
                for m in members:
                    self.event_of[m] = eid
        for eid, members in changes.updated.items():
            self.members[eid] = members
        for old in sorted(old_events):
            if old in changes.updated or (old in self.members and self._still_holds(old)):
                continue
            changes.removed[old] = self._successor(old)
            self.members.pop(old, None)
        self._evict()
        return changes

    def _evict(self) -> None:
        """Mentions of articles published long before the newest one leave the live index; their events,
        and which event each mention is in, stay (a decision about them brings them back)."""
        if self.watermark is None:
            return
        cutoff = self.watermark - EVICT_AFTER_DAYS
        for day in sorted(d for d in self.by_anchor_day if d < cutoff):
            for mid in self.by_anchor_day.pop(day):
                if mid in self.keys:
                    self._detach(mid, keep_event=True)
                    self.evicted += 1

    def exact_from(self) -> int | None:
        """The earliest publication day of a new article whose mentions are still merged exactly (their
        candidates are live); None while nothing dated was added. Older ones are the caller's to rebuild from."""
        return None if self.watermark is None else self.watermark - LATENESS_DAYS

    def events(self) -> dict[str, tuple[str, ...]]:
        """event id -> member mention ids, for every event."""
        return dict(sorted(self.members.items()))

    # ------------------------------------------------------------------ the link graph

    def _candidates(self, key: MentionKey) -> set[str]:
        out: set[str] = set()
        if key.day is not None:
            slack = DATE_SLACK[3]  # the widest: a month-precision mention may match any day of it
            for d in range(key.day - slack, (key.day_end or key.day) + slack + 1):
                out |= self.by_day.get((key.sub_event_type, d), set())
            # another sub-type of the family links outside a story only on the same precise day
            out |= self.by_family_day.get((key.family, key.day), set())
        story = self.story_of_article.get(key.article_id)
        if story is not None:
            out |= self.by_story.get(story, set())
        out.discard(key.id)
        return out

    def anchor(self, mention_id: str) -> tuple[int, str]:
        """A mention's anchor key (publication day, id), live or evicted."""
        return self.anchors[mention_id]

    def _attach(self, key: MentionKey) -> None:
        self.keys[key.id] = key
        self.anchors[key.id] = key.anchor
        self.adj[key.id] = {}
        if key.anchor[0] != UNDATED_ANCHOR:
            self.by_anchor_day[key.anchor[0]].append(key.id)
            self.watermark = key.anchor[0] if self.watermark is None else max(self.watermark, key.anchor[0])
        story = self.story_of_article.get(key.article_id)
        for other in sorted(self._candidates(key)):
            o = self.keys[other]
            a, b = (key, o) if key.id < other else (o, key)
            score = linked(a, b, self.story_of_article.get(a.article_id), self.story_of_article.get(b.article_id))
            if score:
                self.adj[key.id][other] = score
                self.adj[other][key.id] = score
        if key.day is not None:
            self.by_day[(key.sub_event_type, key.day)].add(key.id)
            self.by_family_day[(key.family, key.day)].add(key.id)
        if story is not None:
            self.by_story[story].add(key.id)
            self.attached_story[key.id] = story
        mids = self.mentions_of_article.get(key.article_id, ())
        if key.id not in mids:
            self.mentions_of_article[key.article_id] = tuple(sorted((*mids, key.id)))

    def _detach(self, mid: str, *, keep_event: bool = False) -> None:
        key = self.keys.pop(mid)
        for other in self.adj.pop(mid, {}):
            self.adj[other].pop(mid, None)
        if key.day is not None:
            # empty buckets go, so the live part does not grow with every day and sub-type ever seen
            for buckets, bucket in ((self.by_day, (key.sub_event_type, key.day)),
                                    (self.by_family_day, (key.family, key.day))):
                found = buckets.get(bucket)
                if found is not None:
                    found.discard(mid)
                    if not found:
                        del buckets[bucket]
        story = self.attached_story.pop(mid, None)
        if story is not None:
            bucket = self.by_story[story]
            bucket.discard(mid)
            if not bucket:
                del self.by_story[story]
        if not keep_event:
            self.event_of.pop(mid, None)
            self.anchors.pop(mid, None)
            mids = tuple(m for m in self.mentions_of_article.get(key.article_id, ()) if m != mid)
            if mids:
                self.mentions_of_article[key.article_id] = mids
            else:
                self.mentions_of_article.pop(key.article_id, None)

    def _component(self, start: str) -> set[str]:
        must_of = {m: g for g in self.constraints.must for m in g}
        comp, todo = {start}, [start]
        while todo:
            m = todo.pop()
            nxt = set(self.adj.get(m, ())) | set(must_of.get(m, ()))
            for o in nxt:
                if o not in comp and o in self.keys:
                    comp.add(o)
                    todo.append(o)
        self.components_clustered += 1
        self.largest_component = max(self.largest_component, len(comp))
        return comp

    # ------------------------------------------------------------------ clustering one component

    def _cluster(self, comp: list[str]) -> list[list[str]]:
        """Greedy agglomeration in a fixed order; clusters merge only when every cross pair is compatible
        (or a reviewer merged them) and no reviewer split them."""
        inside = set(comp)
        cluster_of = {m: m for m in comp}
        members: dict[str, list[str]] = {m: [m] for m in comp}
        forced: set[frozenset[str]] = set()
        for group in self.constraints.must:
            g = sorted(group & inside)
            if len(g) > 1:
                root = g[0]
                for m in g[1:]:
                    members[root].extend(members.pop(cluster_of[m]))
                    cluster_of[m] = root
                forced |= {frozenset((a, b)) for a in g for b in g if a < b}
        cannot = self.constraints.cannot
        edges = sorted((-s, a, b) for a in comp for b, s in self.adj[a].items() if a < b and b in inside)
        for _, a, b in edges:
            ra, rb = cluster_of[a], cluster_of[b]
            if ra == rb:
                continue
            ok = True
            for x in members[ra]:
                for y in members[rb]:
                    pair = (x, y) if x < y else (y, x)
                    if pair in cannot or not (frozenset(pair) in forced or compatible(self.keys[x], self.keys[y])):
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                continue
            lo, hi = sorted((ra, rb))
            for m in members[hi]:
                cluster_of[m] = lo
            members[lo].extend(members.pop(hi))
        return [sorted(ms) for _, ms in sorted(members.items())]

    # ------------------------------------------------------------------ ids that go away

    def _still_holds(self, eid: str) -> bool:
        return any(self.event_of.get(m) == eid for m in self.members.get(eid, ()))

    def _successor(self, old: str) -> str | None:
        """The event that now holds an id that went away: the one with its anchor, else most of its members."""
        members = [m for m in self.members.get(old, ()) if m in self.event_of]
        for m in members:
            if event_id(m) == old:
                return self.event_of[m]
        counts: dict[str, int] = defaultdict(int)
        for m in members:
            counts[self.event_of[m]] += 1
        return min(counts, key=lambda e: (-counts[e], e)) if counts else None
