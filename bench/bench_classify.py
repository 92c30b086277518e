"""Cost of sentence classification and actor finding next to the spaCy pipeline alone.

Runs spaCy (``load_nlp``, ``nlp.pipe``) over BBC News articles, then classifies every sentence
with ``classify_many`` and finds actors with ``find_actors``; prints times and the ratios
(classification / spaCy), measured in the same run.

    python bench/bench_classify.py [--n 200]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from eventwire.mentions import classify_many, find_actors, load_model
from eventwire.pipeline import load_resources

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news" / "bbc"


def main() -> None:
    """Print spaCy time, classifier time, actor time and their ratios."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="number of articles")
    args = ap.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} not found (shared development data)")
    paths = sorted(DATA.glob("*/*.txt"))[:: max(1, 2225 // args.n)][: args.n]
    texts = [p.read_text(encoding="latin-1") for p in paths]
    nlp = load_resources().nlp
    load_model()
    nlp("warm up")

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    t_spacy = time.perf_counter() - t0

    sents = [s for d in docs for s in d.sents]
    t0 = time.perf_counter()
    out = classify_many([s.text for s in sents])
    t_cls = time.perf_counter() - t0

    t0 = time.perf_counter()
    for s, c in zip(sents, out, strict=True):
        if c.code != "NONE":
            find_actors(s, c.code)
    t_act = time.perf_counter() - t0

    n_words = sum(len(d) for d in docs)
    print(f"articles: {len(texts)}  sentences: {len(sents)}  tokens: {n_words}")
    print(f"spaCy pipe:      {t_spacy:7.2f} s")
    print(f"classify_many:   {t_cls:7.2f} s   ratio to spaCy: {t_cls / t_spacy:.3f}")
    print(f"find_actors:     {t_act:7.2f} s   ratio to spaCy: {t_act / t_spacy:.3f}")
    print(f"sentences/s classified: {len(sents) / t_cls:,.0f}")


if __name__ == "__main__":
    main()
