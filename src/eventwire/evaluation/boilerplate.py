"""Boilerplate removal scored against human-marked text (L3S-GN1), next to trafilatura alone.

For each page of ``l3s-gn1/original`` with a gold record in ``gold_text.jsonl``,
eventwire's cleaned Article.text and ``trafilatura.extract`` on the same bytes are
compared with the gold full text as sets of word 4-gram shingles (lower-cased
``\\w+`` tokens), as common extraction benchmarks do. Precision/recall/F1 are
given macro-averaged over pages (a page with no output scores 0) and
micro-averaged over all shingles.

The same two systems are also scored on the validation part of the fixed l3s split
(``evaluation/splits/l3s.tsv``): the cleaner's rules and thresholds were chosen on the train part.

A second pair of rows scores the text cleaner alone on text dumps of the same
pages (all visible text of the page, as "save as text" gives it): the dump as is,
and the dump after eventwire's boilerplate cleaning, so the cleaner's rules are
measured on 400 sites' furniture, not only on the demo articles.

Run: ``python -m eventwire.evaluation.boilerplate [DATA_DIR] [--limit N]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from eventwire.evaluation.splits import VALIDATION, in_part
from eventwire.ingest import clean_text, decode_bytes, page_dump, read_inputs
from eventwire.model import Article

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Set of word n-grams of lower-cased word tokens (the whole text when shorter than n)."""
    toks = _TOKEN.findall(text.lower())
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


@dataclass
class Scores:
    """Running precision/recall/F1 of one system."""

    name: str
    p_sum: float = 0.0
    r_sum: float = 0.0
    f_sum: float = 0.0
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    pages: int = 0
    empty: int = 0

    def add(self, pred: set[tuple[str, ...]], gold: set[tuple[str, ...]]) -> float:
        """Score one page; returns its F1."""
        tp = len(pred & gold)
        p = tp / len(pred) if pred else 0.0
        r = tp / len(gold) if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        self.p_sum, self.r_sum, self.f_sum = self.p_sum + p, self.r_sum + r, self.f_sum + f
        self.tp, self.n_pred, self.n_gold = self.tp + tp, self.n_pred + len(pred), self.n_gold + len(gold)
        self.pages += 1
        self.empty += not pred
        return f

    def to_dict(self) -> dict[str, Any]:
        """Macro and micro precision/recall/F1."""
        n = max(self.pages, 1)
        mp = self.tp / self.n_pred if self.n_pred else 0.0
        mr = self.tp / self.n_gold if self.n_gold else 0.0
        return {
            "system": self.name,
            "pages": self.pages,
            "empty_outputs": self.empty,
            "precision": round(self.p_sum / n, 4),
            "recall": round(self.r_sum / n, 4),
            "f1": round(self.f_sum / n, 4),
            "micro_precision": round(mp, 4),
            "micro_recall": round(mr, 4),
            "micro_f1": round(2 * mp * mr / (mp + mr), 4) if mp + mr else 0.0,
        }


@dataclass
class BoilerplateReport:
    """eventwire vs trafilatura alone on the same pages."""

    data_dir: str
    eventwire: Scores
    trafilatura: Scores
    dump: Scores = field(default_factory=lambda: Scores("dump"))
    dump_cleaned: Scores = field(default_factory=lambda: Scores("dump-clean"))
    eventwire_validation: Scores = field(default_factory=lambda: Scores("eventwire"))
    trafilatura_validation: Scores = field(default_factory=lambda: Scores("trafilatura"))
    wins: int = 0
    losses: int = 0
    worst: list[tuple[str, float, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready report."""
        return {
            "data_dir": self.data_dir,
            "shingle_n": 4,
            "eventwire": self.eventwire.to_dict(),
            "trafilatura": self.trafilatura.to_dict(),
            "text_dump": self.dump.to_dict(),
            "text_dump_cleaned": self.dump_cleaned.to_dict(),
            "validation": {"eventwire": self.eventwire_validation.to_dict(),
                           "trafilatura": self.trafilatura_validation.to_dict()},
            "pages_better": self.wins,
            "pages_worse": self.losses,
            "worst_vs_trafilatura": [
                {"page": p, "eventwire_f1": round(a, 3), "trafilatura_f1": round(b, 3)}
                for p, a, b in self.worst
            ],
        }

    def to_text(self) -> str:
        """Human-readable table."""
        lines = [f"Boilerplate removal on {self.data_dir} (word 4-gram shingles vs human-marked text)",
                 f"{'system':<12} {'pages':>5} {'P':>7} {'R':>7} {'F1':>7} {'microP':>7} {'microR':>7} "
                 f"{'microF1':>7} {'empty':>5}"]
        lines += [_row(s) for s in (self.eventwire, self.trafilatura, self.dump, self.dump_cleaned)]
        lines.append("(dump: all visible page text; dump-clean: the same after eventwire's text cleaner)")
        lines.append("validation part of the l3s split:")
        lines += [_row(s) for s in (self.eventwire_validation, self.trafilatura_validation)]
        lines.append(f"pages where eventwire's F1 is higher than trafilatura's: {self.wins}, "
                     f"lower: {self.losses}")
        for p, a, b in self.worst[:5]:
            lines.append(f"  worse: {p} eventwire {a:.3f} vs trafilatura {b:.3f}")
        return "\n".join(lines)


def _row(s: Scores) -> str:
    d = s.to_dict()
    return (f"{d['system']:<12} {d['pages']:>5} {d['precision']:>7.4f} {d['recall']:>7.4f} {d['f1']:>7.4f} "
            f"{d['micro_precision']:>7.4f} {d['micro_recall']:>7.4f} {d['micro_f1']:>7.4f} {d['empty_outputs']:>5}")


def _gold(data_dir: Path) -> Iterable[dict[str, Any]]:
    with (data_dir / "l3s-gn1" / "gold_text.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def evaluate_boilerplate(data_dir: Path, limit: int | None = None) -> BoilerplateReport:
    """Score eventwire's cleaned text and trafilatura.extract against the L3S-GN1 gold text."""
    data_dir = Path(data_dir)
    pages_dir = data_dir / "l3s-gn1" / "original"
    ew, tf = Scores("eventwire"), Scores("trafilatura")
    report = BoilerplateReport(str(data_dir), ew, tf)
    diffs: list[tuple[float, str, float, float]] = []
    for i, rec in enumerate(_gold(data_dir)):
        if limit is not None and i >= limit:
            break
        page = pages_dir / f"{rec['id']}.html"
        if not page.exists():
            continue
        gold = shingles(rec.get("fulltext") or "")
        if not gold:
            continue
        ours = "".join(r.text for r in read_inputs([str(page)]) if isinstance(r, Article))
        data = page.read_bytes()
        theirs = trafilatura.extract(data) or ""
        dump = page_dump(decode_bytes(data, str(page), html=True))
        report.dump.add(shingles(dump), gold)
        report.dump_cleaned.add(shingles(clean_text(dump).text), gold)
        fa, fb = ew.add(shingles(ours), gold), tf.add(shingles(theirs), gold)
        if in_part("l3s", page.name, VALIDATION):
            report.eventwire_validation.add(shingles(ours), gold)
            report.trafilatura_validation.add(shingles(theirs), gold)
        report.wins += fa > fb + 1e-9
        report.losses += fa < fb - 1e-9
        diffs.append((fa - fb, page.name, fa, fb))
    report.worst = [(name, a, b) for _, name, a, b in sorted(diffs)[:10] if a < b]
    return report
