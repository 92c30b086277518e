"""Throughput of eventwire's HTML ingest vs trafilatura alone, on the same real pages, in one run.

Prints pages/s of ``read_inputs`` (decode, trafilatura extraction, page metadata and date,
boilerplate cleaning, language detection, hashing) and of ``trafilatura.extract`` on the
same L3S-GN1 pages (both read the files from disk), and the ratio (goal >= 0.8).

    python bench/bench_ingest.py [DATA_DIR] [--limit N] [--rounds R]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import trafilatura

from eventwire.ingest import read_inputs
from eventwire.model import Article


def _ingest(page: Path) -> int:
    return sum(isinstance(r, Article) for r in read_inputs([str(page)]))


def _trafilatura(page: Path) -> int:
    return int(bool(trafilatura.extract(page.read_bytes())))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", nargs="?", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None, help="use the first N pages")
    ap.add_argument("--rounds", type=int, default=2, help="alternating timed rounds per system")
    args = ap.parse_args()
    pages = sorted((args.data_dir / "l3s-gn1" / "original").glob("*.html"))[: args.limit]
    if not pages:
        print(f"no pages under {args.data_dir}/l3s-gn1/original", file=sys.stderr)
        return 2
    # warm-up: imports, dateparser/htmldate regex caches, the language model
    for p in pages[:20]:
        _ingest(p)
        _trafilatura(p)
    best = {"eventwire": float("inf"), "trafilatura": float("inf")}
    outputs = {"eventwire": 0, "trafilatura": 0}
    for _ in range(args.rounds):
        spent = {"eventwire": 0.0, "trafilatura": 0.0}
        counts = {"eventwire": 0, "trafilatura": 0}
        # page by page, both systems in turn, so a busy machine slows both alike
        for p in pages:
            for name, fn in (("eventwire", _ingest), ("trafilatura", _trafilatura)):
                t0 = time.perf_counter()
                counts[name] += fn(p)
                spent[name] += time.perf_counter() - t0
        for name in best:
            best[name] = min(best[name], spent[name])
        outputs = counts
    rate = {k: len(pages) / v for k, v in best.items()}
    print(f"pages: {len(pages)} (L3S-GN1 HTML), interleaved page by page, best of {args.rounds} rounds")
    print(f"eventwire ingest : {rate['eventwire']:8.1f} pages/s ({outputs['eventwire']} articles)")
    print(f"trafilatura alone: {rate['trafilatura']:8.1f} pages/s ({outputs['trafilatura']} texts)")
    print(f"ratio eventwire/trafilatura: {rate['eventwire'] / rate['trafilatura']:.2f} (goal >= 0.80)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
