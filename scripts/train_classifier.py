"""Rebuild the packaged event classifier: src/eventwire/data/classifier/model.npz.

Trains on the developers' written templates (data/classifier/written.txt), and, when the shared
development data is present next to the repository, on CASE 2021 dev snippets and BBC sentences
as NONE examples. Never on ACLED data.

    python scripts/train_classifier.py [--data-root ../shared/data] [--no-case]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

from eventwire.evaluation.training import base_corpus, read_case_tsv, train
from eventwire.mentions import MODEL_PATH

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    """Train and save the model; print what it was trained on."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-root", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--no-case", action="store_true", help="do not train on CASE dev snippets")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    root = args.data_root if args.data_root.is_dir() else None
    corpus = base_corpus(root)
    texts, labels, weights = corpus.texts, corpus.labels, corpus.weights
    case_files = []
    case_tsv = root / "case2021-task2" / "dev.tsv" if root else None
    if case_tsv is not None and case_tsv.exists() and not args.no_case:
        rows = read_case_tsv(case_tsv)
        texts += [r[1] for r in rows]
        labels += [r[2] for r in rows]
        weights += [1.0] * len(rows)
        case_files.append(hashlib.sha256(case_tsv.read_bytes()).hexdigest())
    model = train(texts, labels, weights=weights)
    model.meta["case_files"] = ",".join(case_files)
    model.save(args.out)
    size = args.out.stat().st_size
    counts = ", ".join(f"{k}={v}" for k, v in Counter(labels).most_common())
    print(f"trained on {len(texts)} texts ({counts})")
    print(f"CASE files seen (sha256): {case_files or 'none'}; features: {len(model.vocab)}; "
          f"wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
