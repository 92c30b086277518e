"""Actor1/actor2 agreement with hand-coded gold events, and classification of the same sentences.

For every gold event (ECB+ topics 8/12/19 and the demo articles) that has a claim, the sentence
holding the claim's exact phrase is taken as the event's evidence. ``find_actors`` runs on it with
the gold code and country; ``classify_text`` runs on it too. Prints exact-match rates. The claim
sentence is not always the sentence that names the actors, so these are lower bounds.

    python bench/bench_actors.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from eventwire.mentions import classify_many, code_for, find_actors
from eventwire.pipeline import load_resources

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]


def _cases() -> list[tuple[str, dict, str]]:
    """(article text, gold event, claim phrase) triples."""
    out = []
    docs = {}
    for line in (SHARED / "data" / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs[d["doc_id"]] = d["text"]
    for path in sorted((REPO / "examples").glob("*.txt")):
        docs[path.name] = path.read_text(encoding="utf-8")
    for gold in (SHARED / "data" / "ecbplus-dev" / "gold_events.jsonl", SHARED / "seeds" / "gold_events.jsonl"):
        for line in gold.read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            for ev in g["events"]:
                for claim in ev.get("claims", []):
                    if g["doc_id"] in docs and claim["text"] in docs[g["doc_id"]]:
                        out.append((docs[g["doc_id"]], ev, claim["text"]))
                        break
    return out


def main() -> None:
    """Print actor and code agreement over gold events with a locatable claim sentence."""
    nlp = load_resources().nlp
    cases = _cases()
    hits: Counter[str] = Counter()
    docs_cache: dict[str, object] = {}
    for text, ev, phrase in cases:
        doc = docs_cache.get(text) or docs_cache.setdefault(text, nlp(text))
        start = text.index(phrase)
        sent = next(s for s in doc.sents if s.start_char <= start < s.end_char)  # type: ignore[attr-defined]
        code = code_for(ev["event_type"], ev["sub_event_type"]).code
        a = find_actors(sent, code, country=ev.get("country"))
        hits["actor1"] += a.actor1 == ev.get("actor1")
        hits["actor2"] += a.actor2 == ev.get("actor2")
        pred = classify_many([sent.text])[0]
        hits["sub_event_type"] += pred.code == code
        hits["event_type"] += pred.event_type == ev["event_type"]
    n = len(cases)
    print(f"gold events with a claim sentence: {n}")
    for key in ("actor1", "actor2", "event_type", "sub_event_type"):
        print(f"{key:<15} exact: {hits[key] / n:.3f} ({hits[key]}/{n})")


if __name__ == "__main__":
    main()
