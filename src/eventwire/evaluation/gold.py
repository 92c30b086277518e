"""The full-article gold files: the demo articles' and the ECB+ development topics' coded events.

``shared`` is the folder holding ``seeds/`` and ``data/ecbplus-dev/`` (``../shared`` beside a
checkout); each part is read when present.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

# (doc_id, text, published, gold events) of one coded article
GoldDoc = tuple[str, str, date | None, list[dict[str, Any]]]


def gold_docs_events(shared: Path) -> list[GoldDoc]:
    """(doc_id, text, published, gold events) for the seeds and the ECB+ gold."""
    out: list[GoldDoc] = []
    seeds = shared / "seeds" / "gold_events.jsonl"
    if seeds.exists():
        for line in seeds.read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            text = (shared / "seeds" / g["doc_id"]).read_text(encoding="utf-8")
            out.append((g["doc_id"], text, date.fromisoformat(g["published"]), g["events"]))
    ecb = shared / "data" / "ecbplus-dev"
    if (ecb / "gold_events.jsonl").exists():
        texts = {}
        for line in (ecb / "docs.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            texts[d["doc_id"]] = d["text"]
        for line in (ecb / "gold_events.jsonl").read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            pub = date.fromisoformat(g["published"]) if g.get("published") else None
            out.append((g["doc_id"], texts[g["doc_id"]], pub, g["events"]))
    return out


def gold_docs_claims(shared: Path) -> list[GoldDoc]:
    """(doc_id, text, published, gold claims) for the seeds and the ECB+ gold."""
    return [(d, t, p, [c for e in evs for c in e["claims"]]) for d, t, p, evs in gold_docs_events(shared)]


def is_seed(doc_id: str) -> bool:
    """True for a demo article (ECB+ ids are "<topic>_<n>ecb(plus).xml")."""
    return not doc_id.endswith(".xml")
