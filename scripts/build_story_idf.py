"""Rebuild the frozen IDF table of story clustering: src/eventwire/data/stories/idf.json.

Document frequencies of content lemmas and specifics (named-entity tokens, numbers, years, dates),
counted with eventwire's own annotation over a fixed background corpus: the *train* parts (committed
splits) of BBC News (2004-05), the L3S-GN1 pages' human-marked text (2008) and the RAMS passages,
all read from ../shared/data. No text of the ECB+ corpus that ``eventwire eval stories`` scores is
counted. The table is frozen so that an article's features never depend on the store.

    python scripts/build_story_idf.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

from eventwire import pipeline, stories
from eventwire.evaluation.stories import as_article, background_texts
from eventwire.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    """Count document frequencies and write the table; print what it was built from."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=stories.IDF_PATH)
    ap.add_argument("--n-process", type=int, default=2)
    args = ap.parse_args()
    texts = background_texts(args.data)
    kinds = Counter(key.split(":")[0] for key, _ in texts)
    settings = dataclasses.replace(Settings.from_env(), n_process=args.n_process)
    df: Counter[str] = Counter()
    articles = [as_article(key, text) for key, text in texts]
    for i, (_, doc) in enumerate(pipeline.annotate(articles, settings), start=1):
        a = stories.analyse(doc)
        df.update(set(a.lemmas) | set(a.specifics))
        if i % 500 == 0:
            print(f"{i}/{len(articles)} texts", flush=True)
    about = ("Document frequencies of content lemmas and specifics (e: entity tokens, n: numbers, y: years, "
             "d: month-day dates) in the train parts of BBC News ({bbc}), L3S-GN1 ({l3s}) and RAMS ({rams}), "
             "annotated by eventwire's spaCy pipeline; built by scripts/build_story_idf.py. Terms with df < 2 "
             "are left out.").format(bbc=kinds["bbc"], l3s=kinds["l3s"], rams=kinds["rams"])
    stories.Idf(len(articles), dict(df), about).save(args.out)
    print(f"{len(articles)} background texts ({dict(kinds)}), {len(df)} terms -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
