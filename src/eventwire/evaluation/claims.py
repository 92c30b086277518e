"""Claims found in sentences, scored against the gold claims (value range, speaker, hedge), and
headline fatality figures against UCDP GED deaths.

``eventwire eval claims [SHARED]``; ``SHARED`` holds ``seeds/`` and ``data/`` (``../shared``).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from rapidfuzz import fuzz

from eventwire.evaluation.gold import gold_docs_claims, is_seed
from eventwire.mentions import find_claims, normalise_speaker
from eventwire.model import Claim
from eventwire.pipeline import plain_pipeline


def speaker_matches(pred: str | None, gold: str | None) -> bool:
    """Lenient speaker match: "the outlet (navy release)" ~ "the outlet", "X (role)" ~ "X"."""
    if not pred or not gold:
        return pred == gold
    g = normalise_speaker(re.sub(r"\s*\(.*\)\s*$", "", gold)).lower()
    p = normalise_speaker(pred).lower()
    if g in {"outlet", "the outlet"} or p in {"outlet", "the outlet"}:
        return g.removeprefix("the ") == p.removeprefix("the ")
    return g == p or g in p or p in g or fuzz.token_set_ratio(g, p) >= 80


def evaluate_claims(shared: Path, *, only: str | None = None) -> dict[str, int]:
    """Claim recall on the gold files: found, right value range, right speaker, right hedge.

    ``only``: "seeds" (the demo articles) or "ecbplus"; None scores both."""
    # Claims need no place names: the gazetteer entity ruler only slows parsing down here.
    nlp = plain_pipeline()
    counts = dict.fromkeys(("gold", "gold_numeric", "found", "value", "speaker", "hedge", "field",
                            "value_speaker_hedge", "predicted"), 0)
    for doc_id, text, published, gold in gold_docs_claims(shared):
        seed = is_seed(doc_id)
        if (only == "seeds" and not seed) or (only == "ecbplus" and seed):
            continue
        doc = nlp(text)
        pred = [c for s in doc.sents for c in find_claims(s, article_id=doc_id, published=published)]
        counts["predicted"] += len(pred)
        for g in gold:
            counts["gold"] += 1
            if g.get("value_low") is None and g.get("value_high") is None:
                continue  # statements without a count ("pointed a gun") are not figures
            counts["gold_numeric"] += 1
            start = text.find(g["text"])
            if start < 0:
                start = text.lower().find(g["text"].lower())
            if start < 0:
                continue
            end = start + len(g["text"])
            cands = [c for c in pred if c.evidence.start <= start < c.evidence.end or
                     c.evidence.start < end <= c.evidence.end]
            cands = [c for c in cands if _overlap(c, text, start, end)]
            if not cands:
                continue
            counts["found"] += 1
            best = max(cands, key=lambda c: (
                c.value_low == g["value_low"] and c.value_high == g["value_high"],
                _overlap(c, text, start, end)))
            v = best.value_low == g["value_low"] and best.value_high == g["value_high"]
            sp = speaker_matches(best.speaker, g.get("speaker"))
            h = best.hedge == g.get("hedge")
            counts["value"] += v
            counts["speaker"] += sp
            counts["hedge"] += h
            counts["field"] += best.field == g["field"] or (
                g["field"] == "other" and "ambiguous-casualties" in best.flags)
            counts["value_speaker_hedge"] += v and sp and h
    return counts


def ged_headlines(shared: Path) -> list[tuple[str, int, int, int]]:
    """(headline, best, low, high) of UCDP GED records citing one headline that no other record cites."""
    out: list[tuple[str, int, int, int]] = []
    ged = shared / "data" / "ucdp-ged"
    ukr = ged / "conflict_data_ukr.csv"
    if ukr.exists():
        with ukr.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if not row["best"].isdigit():
                    continue  # the HXL tag row
                out.append((row["source_headline"], int(row["best"]), int(row["low"]), int(row["high"])))
    car = ged / "GEDEvent_v23_1.geojson"
    if car.exists():
        for f in json.loads(car.read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            out.append((p["source_headline"] or "", int(p["best"]), int(p["low"]), int(p["high"])))
    # A headline shared by several GED events (one report split by place or day) cannot be
    # compared figure for figure: keep headlines that belong to exactly one record.
    seen: dict[str, int] = {}
    for h, *_ in out:
        seen[h.strip()] = seen.get(h.strip(), 0) + 1
    return [(h.strip(), b, lo, hi) for h, b, lo, hi in out
            if h.strip() and ";" not in h and seen[h.strip()] == 1]


def evaluate_ged_figures(shared: Path) -> dict[str, int]:
    """Headline fatality figures against UCDP GED deaths (records citing one headline).

    ``contains_best``: GED's best estimate lies in the claim's range; ``within``: the
    ranges overlap GED's low..high; ``exact``: the claim's best equals GED's best.
    """
    nlp = plain_pipeline()
    rows = ged_headlines(shared)
    counts = dict.fromkeys(("records", "with_figure", "contains_best", "within", "exact"), 0)
    docs = nlp.pipe([h for h, *_ in rows], batch_size=256)
    for (_, best, low, high), doc in zip(rows, docs, strict=True):
        counts["records"] += 1
        claims = [c for s in doc.sents for c in find_claims(s) if c.field == "fatalities"
                  and "sub-count" not in c.flags]
        if not claims:
            continue
        c = max(claims, key=lambda c: c.value_best if c.value_best is not None else -1)
        counts["with_figure"] += 1
        lo = c.value_low if c.value_low is not None else 0
        hi = c.value_high if c.value_high is not None else 10**9
        counts["contains_best"] += lo <= best <= hi
        counts["within"] += lo <= high and low <= hi
        counts["exact"] += c.value_best == best
    return counts


def _overlap(c: Claim, text: str, start: int, end: int) -> int:
    """Characters shared by a claim's phrase and a gold span (the phrase may occur several
    times in its sentence: "about 1,000 people ... another 1,000": take the best)."""
    best = 0
    cs = text.find(c.text, c.evidence.start)
    while 0 <= cs < c.evidence.end:
        best = max(best, min(end, cs + len(c.text)) - max(start, cs))
        cs = text.find(c.text, cs + 1)
    return max(0, best)


def claims_report(shared: Path, *, ged: bool = True) -> str:
    """The text report of ``eval claims``: GED headline figures, then gold claims (all, seeds, ECB+)."""
    lines = []
    if ged:
        g = evaluate_ged_figures(shared)
        w = g["with_figure"] or 1
        lines.append(f"GED records with their own single headline: {g['records']}; with a fatality figure: "
                     f"{g['with_figure']}")
        for k in ("contains_best", "within", "exact"):
            lines.append(f"{k:>20}: {g[k]:4d} / {g['with_figure']}  ({g[k] / w:.1%})")
    for only in (None, "seeds", "ecbplus"):
        c = evaluate_claims(shared, only=only)
        n = c["gold_numeric"] or 1
        lines.append(f"[{only or 'seeds + ecbplus'}] gold claims: {c['gold']} (with a count: {c['gold_numeric']}); "
                     f"predicted claims: {c['predicted']}")
        for k in ("found", "value", "speaker", "hedge", "field", "value_speaker_hedge"):
            lines.append(f"{k:>20}: {c[k]:4d} / {c['gold_numeric']}  ({c[k] / n:.1%})")
    return "\n".join(lines)
