"""Scale of incremental merging: time and peak memory to add 1k, 10k and 100k articles' mentions to
stories and events.

The stream is built from the real texts of BBC News (2,225) and the ECB+ development corpus (772), read
from ../shared/data: article i gets a distinct id, the text of a per-epoch shuffle (every epoch replays
each text once, in a new order) and the publication day i // 100, so articles per day stay constant;
its mentions' dates move with it. Each distinct text is annotated, embedded and extracted once (cached
in the cache folder: the first run takes a while), so what is measured is the merging: the story index
(candidates, pair scores, linkage) and the event index (candidates, links, clustering), one day per batch.

Each size runs in a fresh process; each process first adds 1,000 articles to fresh indexes as its
baseline, then the size itself, and reports the cost per article against that baseline (same process,
same machine load) and its peak memory (RSS) over what it held before the run.

    python bench/bench_stories.py [--sizes 1000 10000 100000] [--data ../shared/data]

Goals: cost per article flat within 1.2x from 1k to 100k; peak memory at 100k at most 2x that at 10k.
The cost is printed for the whole run and for its last tenth: the first ten days of every run fill an
empty time window (3 days of candidates, 7-day linkage blocks), which makes the 1k run cheaper per article.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import pickle
import random
import subprocess
import sys
import time
from pathlib import Path

import psutil

from eventwire import merge, pipeline, stories
from eventwire.evaluation.stories import AnalysisCache, as_article, load_ecb
from eventwire.model import EventMention
from eventwire.settings import Settings

REPO = Path(__file__).resolve().parents[1]
RATE = 100  # articles per day
BASE = dt.date(2020, 1, 1)  # the day every distinct text is extracted as published on
BASELINE = 1000


def distinct_articles(data: Path) -> list:
    bbc = [as_article(f"bbc/{p.parent.name}/{p.name}", p.read_text(encoding="utf-8", errors="replace").strip(), BASE)
           for p in sorted((data / "bbc-news" / "bbc").glob("*/*.txt"))]
    return bbc + [as_article(d.id, d.text, BASE) for d in load_ecb(data)]


def prepared(data: Path, settings: Settings) -> tuple[list[stories.ArticleFeatures], list[list[EventMention]]]:
    """Features and mentions of every distinct text (computed once, cached)."""
    arts = distinct_articles(data)
    feats = AnalysisCache(settings, "bench").features(arts, stories.load_idf())
    path = settings.cache / f"bench-mentions-{pipeline.EXTRACTOR_VERSION}.pkl"
    cache: dict[str, list[EventMention]] = pickle.loads(path.read_bytes()) if path.exists() else {}
    todo = [a for a in arts if a.id not in cache]
    if todo:
        for i, (a, found) in enumerate(pipeline.extract_texts(todo, settings), start=1):
            cache[a.id] = found
            if i % 200 == 0:
                print(f"extracted {i}/{len(todo)}", file=sys.stderr, flush=True)
                path.write_bytes(pickle.dumps(cache))
        path.write_bytes(pickle.dumps(cache))
    return [feats[a.id] for a in arts], [cache[a.id] for a in arts]


def stream(n: int, k: int, seed: int = 0) -> list[int]:
    """Which distinct text each of n articles replays (epochs of shuffles)."""
    order: list[int] = []
    epoch = 0
    while len(order) < n:
        perm = list(range(k))
        random.Random(seed * 1000 + epoch).shuffle(perm)
        order.extend(perm)
        epoch += 1
    return order[:n]


def _keys(aid: str, day: int, found: list[EventMention]) -> list[merge.MentionKey]:
    shift = day - BASE.toordinal()
    out = []
    for j, m in enumerate(found):
        k = merge.mention_key(m, day)
        mid = f"{aid}/{j}"
        out.append(dataclasses.replace(k, id=mid, article_id=aid, day=k.day + shift if k.day is not None else None,
                                       day_end=k.day_end + shift if k.day_end is not None else None,
                                       anchor=(day, mid)))
    return out


def run(n: int, feats: list, found: list, prefix: str) -> dict[str, float]:
    """Add n articles, one day per batch, to fresh story and event indexes."""
    idx = stories.StoryIndex(stories.load_pair_model(), stories.load_idf())
    events = merge.EventIndex()
    order = stream(n, len(feats))
    proc = psutil.Process()
    gc.collect()
    base = proc.memory_info().rss
    peak = base
    t0 = time.perf_counter()
    day0 = BASE.toordinal()
    tail_from = n - max(RATE, n // 10)  # the last tenth: the time window is full by then at every size
    t_tail = None
    for start in range(0, n, RATE):
        if t_tail is None and start >= tail_from:
            t_tail = time.perf_counter()
        day = day0 + start // RATE
        batch = range(start, min(n, start + RATE))
        ids = {i: f"{prefix}{i:07d}" for i in batch}
        changed = idx.add([stories.NewArticle(ids[i], feats[order[i]], day) for i in batch])
        keys = [k for i in batch for k in _keys(ids[i], day, found[order[i]])]
        events.update(added=keys, stories=changed)
        peak = max(peak, proc.memory_info().rss)
    end = time.perf_counter()
    seconds = end - t0
    return {"n": n, "ms_per_article": 1000 * seconds / n,
            "tail_ms_per_article": 1000 * (end - t_tail) / (n - tail_from), "peak_growth_mb": (peak - base) / 2**20,
            "peak_rss_mb": peak / 2**20, "stories": len(set(idx.story_of_cluster.values())),
            "events": len(events.members), "candidates_per_article": idx.stats.candidates / max(idx.stats.articles, 1),
            "largest_event_component": events.largest_component}


def child(n: int, data: Path) -> None:
    feats, found = prepared(data, Settings.from_env())
    base = run(BASELINE, feats, found, "base")
    gc.collect()
    res = run(n, feats, found, "b")
    res["baseline_ms_per_article"] = base["ms_per_article"]
    res["cost_ratio_to_baseline"] = res["ms_per_article"] / base["ms_per_article"]
    res["tail_ratio_to_baseline"] = res["tail_ms_per_article"] / base["tail_ms_per_article"]
    print(json.dumps(res), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.data)
        return 0
    prepared(args.data, Settings.from_env())  # annotate, embed and extract once, before timing anything
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--data", str(args.data)],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{n:>7} articles: {r['ms_per_article']:.3f} ms/article ({r['cost_ratio_to_baseline']:.2f}x the "
              f"in-process 1k baseline); last tenth {r['tail_ms_per_article']:.3f} ms/article "
              f"({r['tail_ratio_to_baseline']:.2f}x the baseline's last tenth), "
              f"peak memory +{r['peak_growth_mb']:.0f} MB (RSS {r['peak_rss_mb']:.0f} MB), "
              f"{r['stories']} stories, {r['events']} events, {r['candidates_per_article']:.1f} candidates/article",
              flush=True)
    by_n = {r["n"]: r for r in rows}
    if 100000 in by_n and 10000 in by_n:
        print(f"peak memory 100k / 10k: {by_n[100000]['peak_rss_mb'] / by_n[10000]['peak_rss_mb']:.2f}x (goal <= 2); "
              f"growth over the baseline state: {by_n[100000]['peak_growth_mb']:.0f} MB vs "
              f"{by_n[10000]['peak_growth_mb']:.0f} MB")
    if rows:
        worst = max(r["cost_ratio_to_baseline"] for r in rows)
        tail = max(r["tail_ratio_to_baseline"] for r in rows)
        print(f"cost per article, worst size against its 1k baseline: {worst:.2f}x whole run (the 1k run's first "
              f"days fill an empty time window), {tail:.2f}x on the last tenth (goal <= 1.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
