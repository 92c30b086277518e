"""Full-article evaluation: articles coded event by event (gold_events.jsonl form).

Gold: one JSON object per article with ``doc_id``, ``published``, ``events``
(one marked ``main``; each with date, precision, type, sub-type, actors, place,
coordinates, and ``claims`` with the exact phrase, value range, speaker, hedge)
and ``background`` (history that must not become new events).

Scores: main-event accuracy per field, event recall and precision, claim recall
(value, speaker, hedge), and background wrongly coded as new.

    python -m eventwire.evaluation.articles GOLD.jsonl [--docs DOCS]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from eventwire.geodesy import points_km
from eventwire.model import Article, Claim, EventMention, Place

_YEARS = re.compile(r"\s*\(\d{4}-(\d{4})?\)")


def norm_actor(name: str | None) -> str:
    """Actor name for matching: ACLED's year suffix and case dropped."""
    return _YEARS.sub("", name or "").strip().lower()


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s[:10]) if s else None


def _within(gold: dict[str, Any], place: Place | None, limit_km: float = 25.0) -> bool:
    if place is None or gold.get("latitude") is None:
        return False
    g = Place(name="gold", latitude=gold["latitude"], longitude=gold["longitude"])
    d = points_km(g, place)
    return d is not None and d <= limit_km


@dataclass
class ArticlesReport:
    """Scores of full-article extraction against gold."""

    docs: int = 0
    main: Counter = field(default_factory=Counter)  # field -> correct count
    gold_events: int = 0
    matched_gold: int = 0
    matched_placed_50km: int = 0  # matched gold events whose mention's place is within 50 km of the gold place
    matched_with_place: int = 0  # matched gold events whose gold has a point
    predicted: int = 0
    matched_predicted: int = 0
    gold_claims: int = 0
    claims_found: int = 0
    claims_value: int = 0
    claims_speaker: int = 0
    claims_hedge: int = 0
    background_as_new: int = 0
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Scores as a dict (shares, not counts, where a share makes sense)."""
        n = max(self.docs, 1)
        gc = max(self.gold_claims, 1)
        return {
            "docs": self.docs,
            "main_event": {k: round(self.main[k] / n, 3) for k in
                           ("event_type", "sub_event_type", "event_date", "place_25km", "place_50km", "actor1")},
            "event_recall": round(self.matched_gold / max(self.gold_events, 1), 3),
            "event_precision": round(self.matched_predicted / max(self.predicted, 1), 3),
            "matched_events_placed_50km": round(self.matched_placed_50km / max(self.matched_with_place, 1), 3),
            "matched_events_with_place": self.matched_with_place,
            "claim_recall": round(self.claims_found / gc, 3),
            "claim_value": round(self.claims_value / gc, 3),
            "claim_speaker": round(self.claims_speaker / gc, 3),
            "claim_hedge": round(self.claims_hedge / gc, 3),
            "background_as_new": self.background_as_new,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted,
            "gold_claims": self.gold_claims,
        }

    def to_text(self) -> str:
        """Human-readable report."""
        d = self.to_dict()
        lines = [f"articles: {d['docs']}  gold events: {d['gold_events']}  predicted (occurred): "
                 f"{d['predicted_events']}  gold claims: {d['gold_claims']}",
                 "main event accuracy: " + "  ".join(f"{k} {v:.3f}" for k, v in d["main_event"].items()),
                 f"event recall {d['event_recall']:.3f}  event precision {d['event_precision']:.3f}",
                 f"matched events placed within 50 km {d['matched_events_placed_50km']:.3f} "
                 f"(n={d['matched_events_with_place']} with a gold place)",
                 f"claim recall {d['claim_recall']:.3f}  value {d['claim_value']:.3f}  "
                 f"speaker {d['claim_speaker']:.3f}  hedge {d['claim_hedge']:.3f}",
                 f"background coded as new events: {d['background_as_new']}"]
        if self.details:
            lines.append("misses (first 15):")
            lines.extend("  " + x for x in self.details[:15])
        return "\n".join(lines)


def _event_match(g: dict[str, Any], m: EventMention) -> bool:
    if g.get("event_type") != m.event_type:
        return False
    gd = _date(g.get("event_date"))
    return not (gd and m.event_date and abs((gd - m.event_date).days) > 1)


def _speaker_match(gold: str | None, pred: str | None) -> bool:
    if not gold or not pred:
        return False
    g, p = gold.lower(), pred.lower()
    if "outlet" in g:
        return "outlet" in p
    return fuzz.token_set_ratio(g, p) >= 60


def _claim_match(g: dict[str, Any], claims: Sequence[Claim]) -> Claim | None:
    best, best_score = None, 0.0
    for c in claims:
        score = fuzz.partial_ratio(g["text"].lower(), c.text.lower())
        if g.get("value_low") is not None and c.value_low == g["value_low"]:
            score += 20
        if score > best_score:
            best, best_score = c, score
    return best if best_score >= 70 else None


def _is_background(m: EventMention, published: dt.date | None, background: Sequence[str]) -> bool:
    if published and m.event_date and (published - m.event_date).days > 60:
        return True
    text = " ".join(e.text for e in m.evidence)
    return any(fuzz.token_set_ratio(b, text) >= 80 for b in background)


def score_article(report: ArticlesReport, gold: dict[str, Any], mentions: Sequence[EventMention]) -> None:
    """Add one article's comparison to the report."""
    report.docs += 1
    occurred = [m for m in mentions if m.status == "occurred"]
    published = _date(gold.get("published"))
    gold_events = gold.get("events", [])
    main = next((g for g in gold_events if g.get("main")), gold_events[0] if gold_events else None)
    top = mentions[0] if mentions else None
    if main and top:
        report.main["event_type"] += top.event_type == main.get("event_type")
        report.main["sub_event_type"] += top.sub_event_type == main.get("sub_event_type")
        report.main["event_date"] += top.event_date == _date(main.get("event_date"))
        report.main["place_25km"] += _within(main, top.place)
        report.main["place_50km"] += _within(main, top.place, 50.0)
        report.main["actor1"] += bool(main.get("actor1")) and norm_actor(top.actor1) == norm_actor(main.get("actor1"))
        if top.sub_event_type != main.get("sub_event_type"):
            report.details.append(f"{gold['doc_id']}: main {main.get('sub_event_type')} {main.get('event_date')}"
                                  f" -> got {top.sub_event_type} {top.event_date}")
    report.gold_events += len(gold_events)
    report.predicted += len(occurred)
    used: set[int] = set()
    for g in gold_events:
        hit = next((i for i, m in enumerate(mentions) if i not in used and _event_match(g, m)), None)
        if hit is not None:
            used.add(hit)
            report.matched_gold += 1
            if g.get("latitude") is not None:
                report.matched_with_place += 1
                report.matched_placed_50km += _within(g, mentions[hit].place, 50.0)
    report.matched_predicted += sum(1 for m in occurred if any(_event_match(g, m) for g in gold_events))
    all_claims = [c for m in mentions for c in m.claims]
    for g in gold_events:
        for gc in g.get("claims", []):
            report.gold_claims += 1
            c = _claim_match(gc, all_claims)
            if c is None:
                report.details.append(f"{gold['doc_id']}: claim not found: {gc['text']!r}")
                continue
            report.claims_found += 1
            report.claims_value += c.value_low == gc.get("value_low")
            report.claims_speaker += _speaker_match(gc.get("speaker"), c.speaker)
            report.claims_hedge += c.hedge == gc.get("hedge")
    report.background_as_new += sum(1 for m in occurred if _is_background(m, published, gold.get("background", [])))


def load_articles(gold_rows: Sequence[dict[str, Any]], docs: Path) -> list[Article]:
    """The gold's articles: files in a folder (read by the ingest stage) or a docs.jsonl."""
    from eventwire.ingest import read_inputs

    wanted = {g["doc_id"]: g for g in gold_rows}
    articles: list[Article] = []
    if docs.is_dir():
        for doc_id, g in wanted.items():
            for rec in read_inputs([str(docs / doc_id)]):
                if isinstance(rec, Article):
                    articles.append(dataclasses.replace(rec, id=doc_id, published=_date(g.get("published"))))
    else:
        with docs.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if d["doc_id"] in wanted:
                    g = wanted[d["doc_id"]]
                    articles.append(Article(id=d["doc_id"], text=d["text"], source=str(docs),
                                            outlet=d.get("outlet"), url=d.get("url"),
                                            published=_date(g.get("published")), published_from="input"))
    return articles


def evaluate_articles(gold: Path, docs: Path | None = None) -> ArticlesReport:
    """Run extraction on the gold's articles and score it."""
    from eventwire.pipeline import extract_texts

    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if docs is None:
        docs = gold.parent / "docs.jsonl" if (gold.parent / "docs.jsonl").exists() else gold.parent
    articles = load_articles(rows, docs)
    by_id = {g["doc_id"]: g for g in rows}
    report = ArticlesReport()
    for article, mentions in extract_texts(articles):
        score_article(report, by_id[article.id], mentions)
    return report
