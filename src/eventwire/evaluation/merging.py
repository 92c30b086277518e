"""Cross-source event merging and disputes on the ECB+ development articles, end to end.

``evaluate_merging``: the 74 articles of ECB+ topics 8, 12 and 19 (bank bombings, navy anti-piracy
actions, riots after police shootings), coded event by event in ``gold_events.jsonl``. Each topic holds
two real events (``cluster``); for each real event, the share of its articles whose mentions are merged
into its largest event (and into its largest episode), and how many events hold articles of two
different real events (they should be kept apart). The articles get the publication dates of the gold
file (metadata a real article carries; the corpus itself has none).

``evaluate_disputes``: all 772 development articles through the pipeline; how many events and episodes
carry disputed figures, and a sample of them with their notes, to be checked by hand.

Both run the real pipeline into a store in the ``cache`` folder, which later runs update incrementally.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from eventwire import pipeline
from eventwire.evaluation.stories import as_article, load_ecb
from eventwire.model import Event
from eventwire.settings import Settings
from eventwire.store import Store

GOLD_TOPICS = (8, 12, 19)


def _gold_published(data: Path) -> dict[str, dt.date]:
    out = {}
    for line in (data / "ecbplus-dev" / "gold_events.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g.get("published"):
            out[g["doc_id"]] = dt.date.fromisoformat(g["published"][:10])
    return out


def build_store(data: Path, settings: Settings, name: str, topics: tuple[int, ...] | None,
                published: dict[str, dt.date] | None = None) -> Path:
    """Run the pipeline over ECB+ articles (all, or some topics) into ``cache/<name>.duckdb``."""
    db = settings.cache / f"{name}.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    docs = [d for d in load_ecb(data) if topics is None or d.topic in topics]
    with Store(db) as store:
        for d in docs:
            store.add_article(as_article(d.id, d.text, (published or {}).get(d.id)))
        run_settings = dataclasses.replace(settings, db=db)
        summary = pipeline.extract_pending(store, run_settings)
        pipeline.update_merged(store, summary=summary)
    return db


@dataclasses.dataclass
class MergingReport:
    """Per real event: its articles, the share merged into its largest event and largest episode."""

    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    mixed_events: int = 0
    multi_article_events: int = 0
    stories_share: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_text(self) -> str:
        lines = ["Event merging, ECB+ gold topics 8, 12, 19 (end to end: ingest, extract, stories, events):",
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
        return "\n".join(lines)


def _largest(groups: dict[str, set[str]], articles: set[str]) -> tuple[str, float]:
    best = max(sorted(groups), key=lambda g: len(groups[g] & articles), default="")
    return best, (len(groups.get(best, set()) & articles) / len(articles) if articles else 0.0)


def evaluate_merging(data: Path, settings: Settings | None = None) -> MergingReport:
    """Merge the gold topics' articles end to end and score (see the module docstring)."""
    settings = settings or Settings.from_env()
    db = build_store(data, settings, "eval-merging-ecbplus", GOLD_TOPICS, _gold_published(data))
    gold: dict[str, set[str]] = defaultdict(set)
    for d in load_ecb(data):
        if d.topic in GOLD_TOPICS:
            gold[d.gold].add(d.id)
    with Store(db, read_only=True) as store:
        events = store.events()
        stories = store.stories()
    by_event = {e.id: set(e.article_ids) for e in events}
    by_episode: dict[str, set[str]] = defaultdict(set)
    for e in events:
        by_episode[e.episode_id or e.id] |= set(e.article_ids)
    by_story = {s.id: set(s.article_ids) for s in stories}
    label = {e.id: f"{e.id} {e.sub_event_type}, {e.event_date or 'undated'}" for e in events}
    report = MergingReport()
    story_shares = []
    for cluster in sorted(gold):
        arts = gold[cluster]
        eid, share = _largest(by_event, arts)
        _, pshare = _largest(dict(by_episode), arts)
        _, sshare = _largest(by_story, arts)
        story_shares.append(sshare)
        report.rows.append({"cluster": cluster, "articles": len(arts), "event_share": round(share, 3),
                            "episode_share": round(pshare, 3), "event": label.get(eid, "-")})
    cluster_of = {a: c for c, arts in gold.items() for a in arts}
    multi = [e for e in events if len(e.article_ids) > 1]
    report.multi_article_events = len(multi)
    report.mixed_events = sum(len({cluster_of[a] for a in e.article_ids if a in cluster_of}) > 1 for e in multi)
    report.stories_share = round(sum(story_shares) / max(len(story_shares), 1), 3)
    return report


@dataclasses.dataclass
class DisputesReport:
    """Disputed events and episodes of the ECB+ development articles, with a sample to check by hand."""

    events: int = 0
    multi_source_events: int = 0
    events_with_figures: int = 0
    disputed_events: int = 0
    episodes_with_figures: int = 0
    disputed_episodes: int = 0
    by_field: dict[str, int] = dataclasses.field(default_factory=dict)
    sample: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_text(self) -> str:
        lines = ["Disputes, ECB+ development articles (all 772, end to end):",
                 f"  events: {self.events} ({self.multi_source_events} with more than one article, "
                 f"{self.events_with_figures} with figures); disputed: {self.disputed_events} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(self.by_field.items()))})",
                 f"  episodes with figures: {self.episodes_with_figures}; disputed: {self.disputed_episodes}",
                 f"  sample of {len(self.sample)} disputed events, to check by hand:"]
        for s in self.sample:
            lines.append(f"  - {s['event_id']} {s['sub_event_type']} {s['articles']} articles: {s['note']}")
        return "\n".join(lines)


def _figures(e: Event) -> bool:
    return any(f.field in {"fatalities", "injured", "casualties"} and f.low is not None for f in e.figures)


def evaluate_disputes(data: Path, settings: Settings | None = None, *, sample: int = 20) -> DisputesReport:
    """Run all ECB+ development articles and count disputes (see the module docstring)."""
    settings = settings or Settings.from_env()
    db = build_store(data, settings, "eval-disputes-ecbplus", None, _gold_published(data))
    with Store(db, read_only=True) as store:
        events = store.events()
        episodes = store.episodes()
    report = DisputesReport(events=len(events), multi_source_events=sum(len(e.article_ids) > 1 for e in events),
                            events_with_figures=sum(_figures(e) for e in events))
    disputed = [e for e in events if e.disputed]
    report.disputed_events = len(disputed)
    report.by_field = dict(Counter(f.field for e in disputed for f in e.figures if f.disputed))
    report.episodes_with_figures = sum(any(f.low is not None for f in p.figures) for p in episodes)
    report.disputed_episodes = sum(p.disputed for p in episodes)
    for e in sorted(disputed, key=lambda e: (-len(e.article_ids), e.id))[:sample]:
        report.sample.append({"event_id": e.id, "sub_event_type": e.sub_event_type, "articles": len(e.article_ids),
                              "note": e.dispute_note})
    return report
