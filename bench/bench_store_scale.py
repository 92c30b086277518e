"""Cost of adding 100 articles to stores of 1k, 10k, 100k and 1M articles: seconds and peak memory.

Synthetic articles built from real ones: a base store made by a run of real articles (e.g. the local
leg of ``bench/bench_engines.py``: BBC News, ECB+ and L3S-GN1 texts, extracted for real) is replayed.
Synthetic article j is the base article ``order[j]`` (epochs of fixed shuffles: every epoch replays each
base article once, in a new order) under a new id, published on day ``j // 100`` (100 articles a day,
whatever the size; ``--rate``), with its mentions, claims and story features copied and their dates moved by the
same number of days. So a store of 1M holds 1M articles whose texts, mentions and features are real,
each text coming back every (base size / 100) days, outside the stories' and events' time windows.

A store of size N is grown in batches (``--batch`` articles, each followed by the merged layer's
update, as daily runs would grow it) and kept in ``--work`` to be grown further. The measure, in a
fresh process per size: store the next day's 100 articles with their extraction (what a run commits
after extracting them; extraction itself costs the same at every size) and update the merged layer,
on a copy of the store; peak memory (RSS) sampled over that process. Each process first measures the
1k store as its baseline (same process, same machine load) and prints the ratio.

    python bench/bench_store_scale.py --base bench-engines/local.duckdb [--sizes 1000 10000 100000] [--work DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from eventwire import pipeline
from eventwire.model import Article, EventMention, StoryFeatures
from eventwire.pipeline import COMMIT_ARTICLES
from eventwire.pipeline.workers import CHUNK_ARTICLES
from eventwire.store import Extraction, Store

RATE = 100  # articles a day (--rate): a base text comes back every len(base) / RATE days
DAY0 = dt.date(2000, 1, 3)
ADDED = 100


@dataclasses.dataclass
class Base:
    articles: list[Article]
    mentions: dict[str, list[EventMention]]
    features: dict[str, StoryFeatures]
    status: dict[str, str]
    rate: int = RATE


def load_base(db: Path, rate: int = RATE) -> Base:
    with Store(db, read_only=True) as s:
        status = s.extraction_status()
        arts = [a for a in s.articles() if a.id in status]
        found: dict[str, list[EventMention]] = {}
        for m in s.mentions():
            found.setdefault(m.article_id, []).append(m)
        feats = {f.article_id: f for f in s.story_features([a.id for a in arts])}
    return Base(arts, found, feats, status, rate)


def order(j: int, k: int) -> int:
    """Which base article synthetic article j replays (epoch j // k, a fixed shuffle per epoch)."""
    perm = list(range(k))
    random.Random(j // k).shuffle(perm)
    return perm[j % k]


def _shift(d: dt.date | None, days: int) -> dt.date | None:
    return d + dt.timedelta(days=days) if d is not None else None


def synthetic(base: Base, j: int) -> tuple[Article, list[EventMention], StoryFeatures | None, str]:
    src = base.articles[order(j, len(base.articles))]
    day = DAY0 + dt.timedelta(days=j // base.rate)
    shift = (day - src.published).days if src.published else 0
    aid = f"{src.id}~{j}"
    art = dataclasses.replace(src, id=aid, source=f"synthetic/{j}", url=None, published=day,
                              content_hash=f"{src.content_hash}~{j}", duplicate_of=None, version=1)
    found = [dataclasses.replace(m, article_id=aid, event_date=_shift(m.event_date, shift),
                                 date_end=_shift(m.date_end, shift),
                                 claims=tuple(dataclasses.replace(c, article_id=aid) for c in m.claims))
             for m in base.mentions.get(src.id, [])]
    feats = base.features.get(src.id)
    feats = dataclasses.replace(feats, article_id=aid, day=day) if feats else None
    return art, found, feats, base.status[src.id]


def add(store: Store, base: Base, start: int, end: int) -> None:
    """Store synthetic articles start..end-1 with their extraction (what a run commits: the articles a batch at
    a time, then their extractions a chunk at a time)."""
    done: list[Extraction] = []
    arts: list[Article] = []
    for j in range(start, end):
        art, found, feats, status = synthetic(base, j)
        arts.append(art)
        done.append(Extraction(art.id, found, pipeline.EXTRACTOR_VERSION, status, feats))
    for i in range(0, len(arts), COMMIT_ARTICLES):
        store.add_inputs(arts[i:i + COMMIT_ARTICLES])
    for i in range(0, len(done), CHUNK_ARTICLES):
        store.save_extractions(done[i:i + CHUNK_ARTICLES])


def _drop(path: Path) -> None:
    """Remove a store and its write-ahead log: DuckDB replays a WAL left by a killed run onto a new file of
    the same name, so a fresh copy would silently hold that run's writes."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def grow(base: Base, work: Path, sizes: list[int], batch: int) -> dict[int, Path]:
    """Stores of each size, grown from the next smaller one (kept in ``work``)."""
    work.mkdir(parents=True, exist_ok=True)
    paths: dict[int, Path] = {}
    prev: Path | None = None
    for n in sorted(sizes):
        path = work / f"store-{n}.duckdb"
        paths[n] = path
        if path.exists():
            prev = path
            continue
        tmp = work / f"store-{n}.partial.duckdb"
        _drop(tmp)
        if prev is not None:
            shutil.copy(prev, tmp)
        with Store(tmp) as s:
            have = s.count("articles")
            t = time.perf_counter()
            for start in range(have, n, batch):
                add(s, base, start, min(n, start + batch))
                pipeline.update_merged(s)
                print(f"  grown to {min(n, start + batch)} articles ({time.perf_counter() - t:.0f} s)",
                      file=sys.stderr, flush=True)
        tmp.rename(path)
        prev = path
    return paths


class Peak(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self.done.wait(0.02)


def measure(path: Path, base: Base, n: int, work: Path) -> dict:
    """Add the next day's 100 articles to a copy of the store of n articles: seconds and peak memory."""
    copy = work / f"measure-{n}.duckdb"
    _drop(copy)
    shutil.copy(path, copy)
    try:
        gc.collect()
        before = psutil.Process().memory_info().rss
        peak = Peak()
        peak.start()
        t0 = time.perf_counter()
        with Store(copy) as s:
            add(s, base, n, n + ADDED)
            t1 = time.perf_counter()
            pipeline.update_merged(s)
            t2 = time.perf_counter()
            state = s.con.execute("SELECT sum(octet_length(data)) FROM index_state").fetchone()[0] or 0
            rows = {t: s.count(t) for t in ("articles", "mentions", "events", "stories")}
        peak.done.set()
        peak.join()
        return {"n": n, "store_s": t1 - t0, "merge_s": t2 - t1, "seconds": t2 - t0,
                "peak_growth_mb": (peak.peak - before) / 2**20, "peak_rss_mb": peak.peak / 2**20,
                "index_state_mb": state / 2**20, "file_mb": path.stat().st_size / 2**20, **rows}
    finally:
        _drop(copy)


def child(n: int, paths: dict[int, Path], base_db: Path, work: Path, rate: int) -> None:
    base = load_base(base_db, rate)
    baseline = measure(paths[min(paths)], base, min(paths), work)
    res = measure(paths[n], base, n, work)
    res["baseline_seconds"] = baseline["seconds"]
    res["ratio_to_baseline"] = res["seconds"] / baseline["seconds"]
    print(json.dumps(res), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="a store made by a run of real articles")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    ap.add_argument("--work", type=Path, default=Path("bench-store-scale"))
    ap.add_argument("--batch", type=int, default=1000, help="articles per update while growing a store")
    ap.add_argument("--rate", type=int, default=RATE, help="synthetic articles a day; at most len(base) / 10, so "
                    "a text comes back outside the stories' and events' time windows")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = sorted(set(args.sizes) | {1000})
    paths = {n: args.work / f"store-{n}.duckdb" for n in sizes}
    if args.child:
        child(args.child, paths, args.base, args.work, args.rate)
        return 0
    base = load_base(args.base, args.rate)
    print(f"base: {len(base.articles)} real articles, {sum(map(len, base.mentions.values()))} mentions "
          f"(each comes back every {len(base.articles) / args.rate:.0f} days, {args.rate} articles a day)", flush=True)
    grow(base, args.work, sizes, args.batch)
    print(f"{'articles':>9} {'store s':>8} {'merge s':>8} {'total s':>8} {'vs 1k':>6} {'peak +MB':>9} "
          f"{'RSS MB':>7} {'index MB':>9} {'file MB':>8}")
    for n in sizes:
        cmd = [sys.executable, __file__, "--base", str(args.base), "--work", str(args.work), "--sizes",
               *map(str, sizes), "--rate", str(args.rate), "--child", str(n)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{n:>9} {r['store_s']:>8.2f} {r['merge_s']:>8.2f} {r['seconds']:>8.2f} {r['ratio_to_baseline']:>5.2f}x "
              f"{r['peak_growth_mb']:>9.0f} {r['peak_rss_mb']:>7.0f} {r['index_state_mb']:>9.1f} {r['file_mb']:>8.0f}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
