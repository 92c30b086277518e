"""Status of the sentences holding the gold events' claims (``eventwire eval status [SHARED]``)."""

from __future__ import annotations

from pathlib import Path

from eventwire.evaluation.gold import gold_docs_events
from eventwire.mentions import STATUSES, sentence_status
from eventwire.pipeline import plain_pipeline


def evaluate_status(shared: Path) -> dict[str, int]:
    """Status of the sentences that hold the gold events' claims: they report events that
    occurred (or were claimed/denied about one), so anything but "occurred" (or "denied" for
    a denied claim) is an event lost to a wrong status."""
    nlp = plain_pipeline()
    counts: dict[str, int] = {"sentences": 0, "right": 0, **dict.fromkeys(STATUSES, 0)}
    for _doc_id, text, published, events in gold_docs_events(shared):
        doc = nlp(text)
        seen: set[int] = set()
        for ev in events:
            for cl in ev["claims"]:
                start = text.find(cl["text"])
                if start < 0:
                    continue
                span = doc.char_span(start, start + len(cl["text"]), alignment_mode="expand")
                if span is None or span[0].sent.start in seen:
                    continue
                sent = span[0].sent
                seen.add(sent.start)
                st = sentence_status(sent, published)
                counts["sentences"] += 1
                counts[st] += 1
                counts["right"] += st == "occurred" or (st == "denied" and cl.get("hedge") == "denied")
    return counts


def status_report(shared: Path) -> str:
    """The text report of ``eval status``."""
    c = evaluate_status(shared)
    lines = []
    n = c["sentences"] or 1
    lines.append(f"gold event sentences (with claims): {c['sentences']}; "
                 f"status right: {c['right']} ({c['right'] / n:.1%})")
    lines.append("  " + ", ".join(f"{s}: {c[s]}" for s in STATUSES))
    return "\n".join(lines)
