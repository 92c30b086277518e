"""Cross-source event merging and disputes on the ECB+ development articles, end to end.

``evaluate_merging``: the 74 articles of ECB+ topics 8, 12 and 19 (bank bombings, navy anti-piracy
actions, riots after police shootings), coded event by event in ``gold_events.jsonl``, with the
publication dates of the gold file (metadata a real article carries; the corpus itself has none). Each
topic holds two real events (``cluster``); for each real event, the share of its articles whose mentions
are merged into its largest event (and into its largest episode), and how many events hold articles of
two different real events (they should be kept apart). These three topics are in the train part of the
split; the same measure is then taken on every topic of both parts in the run of all 772 articles
(undated, as the corpus is), over the articles of each real event that report an event at all.

``evaluate_disputes``: all 772 development articles through the pipeline; how many events and episodes
carry disputed figures, and every dispute once (an episode's once, not once per event), with its
claims: who said what, when and how firmly, to be checked by hand.

Both run the real pipeline into a store in the ``cache`` folder, which later runs update incrementally.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from eventwire.evaluation.ecb import all_articles_store, build_store, gold_published, load_ecb
from eventwire.evaluation.splits import TRAIN, VALIDATION
from eventwire.model import Episode, Event, SourcedClaim
from eventwire.settings import Settings
from eventwire.store import Store

GOLD_TOPICS = (8, 12, 19)


@dataclasses.dataclass
class MergingReport:
    """Per real event: its articles, the share merged into its largest event and largest episode; then the
    same over every topic of both parts in the run of all articles."""

    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    mixed_events: int = 0
    multi_article_events: int = 0
    stories_share: float = 0.0
    parts: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    validation_rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_text(self) -> str:
        lines = ["Event merging, ECB+ gold topics 8, 12, 19 (train part; end to end: ingest, extract, stories, "
                 "events; dated):",
                 f"  {'real event':14s} {'articles':>8s} {'in largest event':>17s} {'in largest episode':>19s}  "
                 "largest event"]
        for r in self.rows:
            lines.append(f"  {r['cluster']:14s} {r['articles']:8d} {r['event_share']:17.2f} {r['episode_share']:19.2f}"
                         f"  {r['event']}")
        if self.rows:
            mean_e = sum(r["event_share"] for r in self.rows) / len(self.rows)
            mean_p = sum(r["episode_share"] for r in self.rows) / len(self.rows)
            lines.append(f"  mean share: {mean_e:.2f} in the largest event, {mean_p:.2f} in the largest episode; "
                         f"{self.stories_share:.2f} in the largest story")
        lines.append(f"  events holding articles of two different real events: {self.mixed_events} of "
                     f"{self.multi_article_events} events with more than one article")
        if self.parts:
            lines.append("All 772 articles in one run (undated), real events with at least two articles that report "
                         "an event; share of those articles in the real event's largest event / episode / story:")
            for part, p in self.parts.items():
                lines.append(f"  {part:10s} {p['real_events']:3d} real events, {p['articles']:4d} articles: "
                             f"{p['event_share']:.2f} / {p['episode_share']:.2f} / {p['story_share']:.2f}; "
                             f"events mixing two real events: {p['mixed']} of {p['multi']}")
            lines.append("  validation part, per real event (articles with an event of its articles; share in its "
                         "largest event; that event):")
            for r in self.validation_rows:
                lines.append(f"    {r['cluster']:14s} {r['with_event']:3d} of {r['articles']:3d}  "
                             f"{r['event_share']:.2f}  {r['event']}")
        return "\n".join(lines)


def _largest(groups: dict[str, set[str]], articles: set[str]) -> tuple[str, float]:
    best = max(sorted(groups), key=lambda g: len(groups[g] & articles), default="")
    return best, (len(groups.get(best, set()) & articles) / len(articles) if articles else 0.0)


def _groups(events: list[Event], stories: list[Any]) -> tuple[dict[str, set[str]], ...]:
    by_event = {e.id: set(e.article_ids) for e in events}
    by_episode: dict[str, set[str]] = defaultdict(set)
    for e in events:
        by_episode[e.episode_id or e.id] |= set(e.article_ids)
    by_story = {s.id: set(s.article_ids) for s in stories}
    return by_event, dict(by_episode), by_story


def _label(e: Event) -> str:
    return f"{e.id} {e.sub_event_type}, {e.event_date or 'undated'}"


def evaluate_merging(data: Path, settings: Settings | None = None, *, all_topics: bool = True) -> MergingReport:
    """Merge the gold topics' articles end to end and score; then every topic of the run of all articles
    (``all_topics``; see the module docstring)."""
    settings = settings or Settings.from_env()
    docs = load_ecb(data)
    db = build_store(data, settings, "eval-merging-ecbplus", GOLD_TOPICS, gold_published(data))
    gold: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        if d.topic in GOLD_TOPICS:
            gold[d.gold].add(d.id)
    with Store(db, read_only=True) as store:
        events = store.events()
        stories = store.stories()
    by_event, by_episode, by_story = _groups(events, stories)
    label = {e.id: _label(e) for e in events}
    report = MergingReport()
    story_shares = []
    for cluster in sorted(gold):
        arts = gold[cluster]
        eid, share = _largest(by_event, arts)
        _, pshare = _largest(by_episode, arts)
        _, sshare = _largest(by_story, arts)
        story_shares.append(sshare)
        report.rows.append({"cluster": cluster, "articles": len(arts), "event_share": round(share, 3),
                            "episode_share": round(pshare, 3), "event": label.get(eid, "-")})
    cluster_of = {a: c for c, arts in gold.items() for a in arts}
    multi = [e for e in events if len(e.article_ids) > 1]
    report.multi_article_events = len(multi)
    report.mixed_events = sum(len({cluster_of[a] for a in e.article_ids if a in cluster_of}) > 1 for e in multi)
    report.stories_share = round(sum(story_shares) / max(len(story_shares), 1), 3)
    if all_topics:
        _every_topic(report, data, settings, docs)
    return report


def _every_topic(report: MergingReport, data: Path, settings: Settings, docs: list[Any]) -> None:
    db = all_articles_store(data, settings)
    with Store(db, read_only=True) as store:
        events = store.events()
        stories = store.stories()
    by_event, by_episode, by_story = _groups(events, stories)
    label = {e.id: _label(e) for e in events}
    reporting = {a for e in events for a in e.article_ids}
    part_of = {d.id: d.part for d in docs}
    cluster_of = {d.id: d.gold for d in docs}
    gold: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        gold[d.gold].add(d.id)
    for part in (TRAIN, VALIDATION):
        shares: list[tuple[float, float, float]] = []
        n_articles = 0
        for cluster in sorted(gold):
            arts = gold[cluster]
            if part_of[next(iter(arts))] != part:
                continue
            have = arts & reporting
            if len(have) < 2:
                continue
            eid, share = _largest(by_event, have)
            shares.append((share, _largest(by_episode, have)[1], _largest(by_story, have)[1]))
            n_articles += len(have)
            if part == VALIDATION:
                report.validation_rows.append({"cluster": cluster, "articles": len(arts), "with_event": len(have),
                                               "event_share": round(share, 3), "event": label.get(eid, "-")})
        multi = [e for e in events if len(e.article_ids) > 1 and part_of.get(e.article_ids[0]) == part]
        mixed = sum(len({cluster_of[a] for a in e.article_ids if a in cluster_of}) > 1 for e in multi)
        n = max(len(shares), 1)
        report.parts[part] = {"real_events": len(shares), "articles": n_articles,
                              "event_share": round(sum(x[0] for x in shares) / n, 3),
                              "episode_share": round(sum(x[1] for x in shares) / n, 3),
                              "story_share": round(sum(x[2] for x in shares) / n, 3), "mixed": mixed,
                              "multi": len(multi)}


@dataclasses.dataclass
class DisputesReport:
    """Disputed events and episodes of the ECB+ development articles, every dispute once, to check by hand."""

    events: int = 0
    multi_source_events: int = 0
    events_with_figures: int = 0
    disputed_events: int = 0
    episodes_with_figures: int = 0
    disputed_episodes: int = 0
    by_field: dict[str, int] = dataclasses.field(default_factory=dict)
    superseded: int = 0
    sample: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_text(self) -> str:
        lines = ["Disputes, ECB+ development articles (all 772, end to end):",
                 f"  events: {self.events} ({self.multi_source_events} with more than one article, "
                 f"{self.events_with_figures} with figures); disputed: {self.disputed_events} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(self.by_field.items())) or 'none'})",
                 f"  episodes with figures: {self.episodes_with_figures}; disputed: {self.disputed_episodes}",
                 f"  tolls updated by a later one (superseded, kept as claims): {self.superseded}",
                 f"  {len(self.sample)} disputes (each once: an episode's for all its events), to check by hand:"]
        for s in self.sample:
            lines.append(f"  - {s['id']} [{s['part']}] {s['what']}, {s['articles']} articles: {s['note']}")
            for c in s["claims"]:
                lines.append(f"      {c}")
        return "\n".join(lines)


def _figures(e: Event | Episode) -> bool:
    return any(f.field in {"fatalities", "injured", "casualties"} and f.low is not None for f in e.figures)


def _claim_line(c: SourcedClaim) -> str:
    rng = f"{c.value_low}" + ("" if c.value_high == c.value_low else f"-{c.value_high if c.value_high else ''}")
    sup = f" superseded by {c.superseded_by}" if c.superseded_by else ""
    return (f"{c.field} {rng}{f' ({c.category})' if c.category else ''} \"{c.text}\" -- {c.speaker}, {c.hedge}, "
            f"{c.published or 'undated'}, {c.article_id}{sup} | {c.evidence.text.strip()[:160]}")


def evaluate_disputes(data: Path, settings: Settings | None = None, *, sample: int = 20) -> DisputesReport:
    """Run all ECB+ development articles and list the disputes (see the module docstring)."""
    settings = settings or Settings.from_env()
    db = all_articles_store(data, settings)
    with Store(db, read_only=True) as store:
        events = store.events()
        episodes = {p.id: p for p in store.episodes()}
    part_of = {d.id: d.part for d in load_ecb(data)}
    report = DisputesReport(events=len(events), multi_source_events=sum(len(e.article_ids) > 1 for e in events),
                            events_with_figures=sum(_figures(e) for e in events))
    disputed = [e for e in events if e.disputed]
    report.disputed_events = len(disputed)
    report.by_field = dict(Counter(f.field for e in disputed for f in e.figures if f.disputed))
    report.episodes_with_figures = sum(_figures(p) for p in episodes.values())
    report.disputed_episodes = sum(p.disputed for p in episodes.values())
    report.superseded = len({c.claim_id for e in events for c in e.claims if c.superseded_by})
    # every dispute once: an event's own, and an episode's (of several events) once for all of them
    items: list[tuple[int, str, dict[str, Any]]] = []
    for p in episodes.values():
        if p.disputed and len(p.event_ids) > 1:
            items.append((-len(p.article_ids), p.id, {
                "id": p.id, "what": "episode of " + ", ".join(p.sub_event_types), "articles": len(p.article_ids),
                "part": part_of.get(p.article_ids[0], "?") if p.article_ids else "?", "note": p.dispute_note,
                "claims": [_claim_line(c) for c in p.claims if c.field in {f.field for f in p.figures if f.disputed}]}))
    for e in disputed:
        own = [f for f in e.figures if f.disputed]
        if not own:
            continue  # disputed through its episode only: listed once, above
        items.append((-len(e.article_ids), e.id, {
            "id": e.id, "what": e.sub_event_type, "articles": len(e.article_ids),
            "part": part_of.get(e.article_ids[0], "?"), "note": " | ".join(f"{f.field}: {f.note}" for f in own),
            "claims": [_claim_line(c) for c in e.claims if c.level == "event" and c.field in {f.field for f in own}]}))
    report.sample = [item for _, _, item in sorted(items)[:sample]]
    return report
