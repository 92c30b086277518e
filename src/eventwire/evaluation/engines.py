"""Comparing engines: a folder of real articles in the input formats a run reads, and what a store
holds in a form two runs can be compared by.

From the development data: BBC News texts (plain text files in section folders, a fifth of them in
a zip archive), ECB+ development articles (one JSON lines file; a fixed sample across the topics, so
most real events get several reports from several outlets; each topic a publication date, so that
they can merge), and L3S-GN1 pages (raw HTML, read through boilerplate removal). The same ``n`` and
``data`` always give the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
from pathlib import Path
from typing import Any

from eventwire import export
from eventwire.evaluation.stories import load_ecb
from eventwire.store import Store

# shares of the three sources
BBC, ECB = 0.4, 0.35


def write_inputs(data: Path, out: Path, n: int) -> Path:
    """Write about ``n`` articles into ``out`` (created) and return it."""
    out.mkdir(parents=True, exist_ok=True)
    n_bbc, n_ecb = round(n * BBC), round(n * ECB)
    n_l3s = n - n_bbc - n_ecb
    bbc = sorted((data / "bbc-news" / "bbc").glob("*/*.txt"))
    # every section in turn, so the sample is not one section's
    by_section: dict[str, list[Path]] = {}
    for p in bbc:
        by_section.setdefault(p.parent.name, []).append(p)
    picked: list[Path] = []
    while len(picked) < n_bbc and any(by_section.values()):
        for files in by_section.values():
            if files and len(picked) < n_bbc:
                picked.append(files.pop(0))
    archived = picked[: len(picked) // 5]
    with zipfile.ZipFile(out / "bbc-archive.zip", "w") as zf:
        for p in archived:
            zf.writestr(f"{p.parent.name}/{p.name}", p.read_bytes())
    for p in picked[len(archived):]:
        target = out / "bbc" / p.parent.name / p.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(p.read_bytes())
    docs = sorted(load_ecb(data), key=lambda d: d.id)
    # a sample across the topics (a fixed shuffle): most real events get several reports
    random.Random(0).shuffle(docs)
    docs = docs[:n_ecb]
    with (out / "ecb.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            published = dt.date(2010, 1, 4) + dt.timedelta(days=7 * d.topic)
            fh.write(json.dumps({"id": d.id, "text": d.text, "published": published.isoformat()}) + "\n")
    pages = sorted((data / "l3s-gn1" / "original").glob("*.html"))[:n_l3s]
    (out / "l3s").mkdir(exist_ok=True)
    for p in pages:
        (out / "l3s" / p.name).write_bytes(p.read_bytes())
    return out


# what a store is compared by; the time a run stored an article is not the run's result
COMPARED = ("events", "episodes", "stories", "mentions", "claims", "articles")
RUN_TIME_COLUMNS = frozenset({"timestamp", "ingested_at"})


def _canonical(value: Any) -> Any:
    """Numbers as numbers whatever their type (numpy, Arrow or Python integers and floats)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def store_digest(db: Path) -> dict[str, list[str]]:
    """Every exported record of each kind (``COMPARED``), as sorted canonical JSON without run times."""
    out: dict[str, list[str]] = {}
    with Store(db, read_only=True) as store:
        for what in COMPARED:
            rows, _ = export.rows_of(what, store, "json")
            out[what] = sorted(json.dumps(_canonical({k: v for k, v in r.items() if k not in RUN_TIME_COLUMNS}),
                                          sort_keys=True, default=str) for r in rows)
    return out
