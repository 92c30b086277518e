"""Dates of the gold events, through the sentences of their claims (``eventwire eval dates [SHARED]``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventwire.evaluation.gold import gold_docs_events
from eventwire.mentions import resolve_date
from eventwire.pipeline import plain_pipeline


def evaluate_dates(shared: Path) -> dict[str, int]:
    """Dates of the gold events through the sentences of their claims.

    For every gold claim whose sentence is found, the sentence's date is resolved with the
    publication date as default (``pub``) and with the story's last named day as default
    (``story``), and compared with the event's coded date and precision.
    """
    nlp = plain_pipeline()
    c = dict.fromkeys(("sentences", "pub_exact", "story_exact", "dated_sentences", "dated_exact",
                       "precision_exact"), 0)
    for _doc_id, text, published, events in gold_docs_events(shared):
        doc = nlp(text)
        for ev in events:
            if not ev.get("event_date"):
                continue
            gold = date.fromisoformat(ev["event_date"])
            for cl in ev["claims"]:
                start = text.find(cl["text"])
                if start < 0:
                    continue
                span = doc.char_span(start, start + len(cl["text"]), alignment_mode="expand")
                if span is None:
                    continue
                sent = span[0].sent
                c["sentences"] += 1
                r = resolve_date(sent, published, default=published, context=False)
                c["pub_exact"] += r.date == gold
                r2 = resolve_date(sent, published, default=published)
                c["story_exact"] += r2.date == gold
                c["precision_exact"] += r2.precision == ev.get("time_precision")
                if r.evidence:
                    c["dated_sentences"] += 1
                    c["dated_exact"] += r.date == gold
    return c


def dates_report(shared: Path) -> str:
    """The text report of ``eval dates``."""
    c = evaluate_dates(shared)
    lines = []
    n = c["sentences"] or 1
    lines.append(f"gold claim sentences with an event date: {c['sentences']}")
    pub = c["pub_exact"]
    lines.append(f"  date exact, default = publication date: {pub} ({pub / n:.1%})")
    lines.append(f"  date exact, default = story's last day: {c['story_exact']} ({c['story_exact'] / n:.1%})")
    prec = c["precision_exact"]
    lines.append(f"  time_precision exact (story default):   {prec} ({prec / n:.1%})")
    d = c["dated_sentences"] or 1
    lines.append(f"  sentences naming a date: {c['dated_sentences']}; exact: {c['dated_exact']} "
                 f"({c['dated_exact'] / d:.1%})")
    return "\n".join(lines)
