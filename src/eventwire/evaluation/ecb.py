"""The ECB+ development articles as the evaluations read them, and a store of them run end to end.

ECB+ (``../shared/data/ecbplus-dev/docs.jsonl``): 772 articles of topics 1-35; each topic holds articles
about two similar but different real events (``cluster``: ``<topic>_ecb`` or ``<topic>_ecbplus``). The
text is tokenised in the corpus (``U . S .``, ``30 , 000``) and is detokenised here before annotation (an
adapter for this corpus only). ``build_store`` runs the real pipeline over them into a store in the
``cache`` folder, which later runs update incrementally.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

from eventwire import pipeline
from eventwire.evaluation.splits import part_of
from eventwire.model import Article
from eventwire.settings import Settings
from eventwire.store import Store

ECB = Path("ecbplus-dev") / "docs.jsonl"
GOLD_EVENTS = Path("ecbplus-dev") / "gold_events.jsonl"


@dataclasses.dataclass(frozen=True, slots=True)
class EcbDoc:
    """One ECB+ article: id, topic, gold event cluster and detokenised text."""

    id: str
    topic: int
    gold: str
    text: str

    @property
    def part(self) -> str | None:
        """train or validation (by topic)."""
        return part_of("ecbplus", str(self.topic))


_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d) , (\d{3})\b"), r"\1,\2"),
    (re.compile(r"(\d) : (\d{2})\b"), r"\1:\2"),
    (re.compile(r"(\d) \. (\d)"), r"\1.\2"),
    (re.compile(r"(\w) - (\w)"), r"\1-\2"),
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r" ([,.;:!?)\]%])"), r"\1"),
    (re.compile(r"([(\[$]) "), r"\1"),
    (re.compile(r" ('s|'re|'ve|'ll|'d|'m|n't)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\b([A-Z])\. (?=[A-Z]\.)"), r"\1."),
]


def detokenise(text: str) -> str:
    """Undo ECB+ tokenisation enough for spaCy's entity recogniser (one sentence a line is kept)."""
    out = []
    for line in text.split("\n"):
        for pat, rep in _RULES:
            line = pat.sub(rep, line)
        out.append(re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", line))  # "U. S." left by the first pass
    return "\n".join(out)


def load_ecb(data: Path) -> list[EcbDoc]:
    """The 772 ECB+ development articles, detokenised."""
    docs = []
    for line in (data / ECB).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        docs.append(EcbDoc(rec["doc_id"], int(rec["topic"]), rec["cluster"], detokenise(rec["text"])))
    return docs


def as_article(doc_id: str, text: str, published: dt.date | None = None) -> Article:
    """An Article record for a corpus text (no metadata: none is used)."""
    return Article(id=doc_id, text=text, source=doc_id, published=published)


def gold_published(data: Path) -> dict[str, dt.date]:
    """Publication dates of the articles the gold file codes (metadata a real article carries; the corpus
    itself has none)."""
    out = {}
    for line in (data / GOLD_EVENTS).read_text(encoding="utf-8").splitlines():
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


ALL_ARTICLES = "eval-disputes-ecbplus"  # the store of all 772 articles (gold topics dated), shared by evaluations


def all_articles_store(data: Path, settings: Settings) -> Path:
    """The store of all 772 development articles (the gold topics with their publication dates)."""
    return build_store(data, settings, ALL_ARTICLES, None, gold_published(data))


__all__ = ["ALL_ARTICLES", "ECB", "EcbDoc", "all_articles_store", "as_article", "build_store", "detokenise",
           "gold_published", "load_ecb"]

