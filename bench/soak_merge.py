"""Memory of many merged-layer updates in one process, each adding a few already extracted articles: the merging
half of a long ``watch``, without the extraction that makes the soak (``bench/soak_watch.py``) slow.

    nice -n 10 python bench/soak_merge.py SOURCE.duckdb                  # 500 articles, then 20 per poll
    nice -n 10 python bench/soak_merge.py SOURCE.duckdb --base 300 --per-poll 10

``SOURCE`` is a store whose articles are extracted (a soak's store, a run's). A new store receives its first
``--base`` articles (their rows as extracted, in the order they were stored) and one update of the merged layer;
then each poll adds the next ``--per-poll`` articles and updates the merged layer again, as a watch's poll does
(a store opened for the poll, shared between writes). Printed per poll: the resident memory after it, and after
glibc was asked to give back the free memory it holds (``malloc_trim``): memory that the trim gives back is
fragmentation of the C heap, memory that it does not is held by something. At the end: the growth per 100
articles (least squares) of each, and with ``--tables`` a digest of every table of the merged layer, to compare
the stored results of two versions of the code.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import datetime as dt
import gc
import hashlib
import tempfile
import time
from pathlib import Path

import psutil

from eventwire.mentions import EXTRACTOR_VERSION
from eventwire.pipeline import update_merged
from eventwire.pipeline.resources import bound_heap, story_model
from eventwire.store import Store

# the rows of an extracted article, table -> its article column
ARTICLE_ROWS = {"articles": "id", "article_sources": "article_id", "extracted": "article_id",
                "mentions": "article_id", "story_features": "article_id"}
# the merged layer's tables, compared with --tables (event_changes holds times and run ids: left out)
MERGED_TABLES = ("events", "stories", "episodes", "event_aliases", "article_relations", "merged")


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def add_articles(store: Store, source: Path, ids: list[str], day: dt.date | None = None) -> None:
    """Copy these articles' stored and extracted rows from ``source``, as extracted by this extractor version
    (published on ``day`` when given)."""
    con = store.con
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    try:
        with store.transaction():
            for table, column in ARTICLE_ROWS.items():
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM src.{table} "
                            f"WHERE {column} IN (SELECT unnest(?))", [ids])
            con.execute("INSERT INTO claims BY NAME SELECT c.* FROM src.claims c JOIN src.mentions m "
                        "ON c.mention_id = m.id WHERE m.article_id IN (SELECT unnest(?))", [ids])
            con.execute("UPDATE extracted SET extractor = ? WHERE article_id IN (SELECT unnest(?))",
                        [EXTRACTOR_VERSION, ids])
            if day is not None:
                con.execute("UPDATE articles SET published = ? WHERE id IN (SELECT unnest(?))", [day, ids])
    finally:
        con.execute("DETACH src")


def digest(store: Store) -> dict[str, str]:
    """table -> a digest of its rows in key order."""
    out = {}
    for table in MERGED_TABLES:
        rows = store.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        out[table] = f"{len(rows)} rows {hashlib.sha1(repr(rows).encode()).hexdigest()[:12]}"
    return out


def slope(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="a store whose articles are extracted")
    ap.add_argument("--base", type=int, default=500, help="articles in the store before the first poll")
    ap.add_argument("--per-poll", type=int, default=20, help="articles each poll adds")
    ap.add_argument("--polls", type=int, default=0, help="polls (0: until the source's articles run out)")
    ap.add_argument("--tables", action="store_true", help="print a digest of the merged layer's tables")
    ap.add_argument("--dated", action="store_true",
                    help="publish each poll's articles a day after the last poll's, as in a watch of many days (the "
                         "story index's live window then moves on; without it undated articles all stay in it)")
    ap.add_argument("--no-trim", action="store_true", help="leave malloc_trim out (memory as the process keeps it)")
    args = ap.parse_args()
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    bound_heap()
    story_model()
    first = dt.date(2024, 1, 1)

    def day_of(i: int) -> dt.date:
        return first + dt.timedelta(days=i // args.per_poll)

    with Store(args.source, read_only=True) as src:
        order = [r[0] for r in src.con.execute(
            "SELECT a.id FROM articles a JOIN extracted x ON x.article_id = a.id ORDER BY a.ingested_at, a.id"
        ).fetchall()]
    with tempfile.TemporaryDirectory(prefix="soak-merge-") as tmp:
        db = Path(tmp) / "store.duckdb"
        with Store(db, shared=True) as store:
            if args.dated:
                for i in range(0, args.base, args.per_poll):
                    add_articles(store, args.source, order[i:i + args.per_poll], day_of(i))
            else:
                add_articles(store, args.source, order[:args.base])
            store.release()
            update_merged(store)
        gc.collect()
        print(f"base: {args.base} articles merged; RSS {rss_mb():.0f} MB", flush=True)
        done, stored, rss, trimmed = args.base, [], [], []
        while done < len(order) and (not args.polls or len(stored) < args.polls):
            batch = order[done:done + args.per_poll]
            t0 = time.monotonic()
            with Store(db, shared=True) as store:
                add_articles(store, args.source, batch, day_of(done) if args.dated else None)
                store.release()
                update_merged(store)
            done += len(batch)
            gc.collect()
            after = rss_mb()
            if not args.no_trim:
                libc.malloc_trim(0)
            stored.append(done)
            rss.append(after)
            trimmed.append(rss_mb())
            print(f"poll {len(stored):3d}: {done:5d} articles, {time.monotonic() - t0:5.1f} s, "
                  f"RSS {after:6.1f} MB, after malloc_trim {trimmed[-1]:6.1f} MB", flush=True)
        if len(stored) > 2:
            half = len(stored) // 2
            whole, late = 100 * slope(stored, rss), 100 * slope(stored[half:], rss[half:])
            whole_t, late_t = 100 * slope(stored, trimmed), 100 * slope(stored[half:], trimmed[half:])
            print(f"growth per 100 articles: RSS {whole:+.1f} MB (second half {late:+.1f}), "
                  f"after malloc_trim {whole_t:+.1f} MB (second half {late_t:+.1f})")
        if args.tables:
            with Store(db, read_only=True) as store:
                for table, text in digest(store).items():
                    print(f"{table}: {text}")


if __name__ == "__main__":
    main()
