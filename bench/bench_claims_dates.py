"""Cost of figures/attribution, dates and status against the spaCy pipeline alone.

Runs ``nlp.pipe`` over BBC News articles (../shared/data/bbc-news), then find_claims,
resolve_date and sentence_status over every sentence, and prints both times and their
ratio (one run, same texts, same process).

    .venv/bin/python bench/bench_claims_dates.py [N_ARTICLES] [--places]

Without ``--places`` the baseline is the bare statistical pipeline (no gazetteer entity
ruler), the harder baseline to stay close to.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from eventwire.mentions import find_claims, resolve_date, sentence_status
from eventwire.pipeline import load_resources, plain_pipeline

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news" / "bbc"


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 300
    files = sorted(BBC.glob("*/*.txt"))[:: max(1, len(sorted(BBC.glob("*/*.txt"))) // n)][:n]
    if not files:
        print(f"no BBC articles under {BBC}")
        return 1
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    nlp = load_resources().nlp if "--places" in sys.argv else plain_pipeline()
    nlp("warm up")
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    t_nlp = time.perf_counter() - t0
    published = date(2005, 3, 1)  # the BBC set is from 2004-05; no dates are given per file
    t0 = time.perf_counter()
    n_sents = n_claims = 0
    for doc in docs:
        for sent in doc.sents:
            n_sents += 1
            n_claims += len(find_claims(sent, published=published))
            resolve_date(sent, published, default=published)
            sentence_status(sent, published)
    t_ours = time.perf_counter() - t0
    print(f"articles: {len(docs)}, sentences: {n_sents}, claims: {n_claims}")
    print(f"spaCy pipeline (nlp.pipe, 1 process, {'with' if '--places' in sys.argv else 'no'} "
          f"gazetteer ruler): {t_nlp:.2f} s")
    print(f"figures+attribution+dates+status:     {t_ours:.2f} s")
    print(f"ratio (ours / spaCy): {t_ours / t_nlp:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
